//! Kafka's framing: a 4-byte big-endian size, then that many bytes.

use bytes::{BufMut, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

/// Why a connection must be closed instead of answered.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The peer closed the connection between frames.
    #[error("connection closed")]
    Closed,
    /// The size prefix is negative or above the configured limit.
    #[error("frame of {0} bytes is outside 0..={1}")]
    BadSize(i64, usize),
    /// The socket failed, or closed mid-frame.
    #[error("read failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads one frame, refusing sizes above `max` before allocating anything.
pub async fn read_frame<R: AsyncRead + Unpin>(rd: &mut R, max: usize) -> Result<Bytes, FrameError> {
    let mut len = [0u8; 4];
    match rd.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(FrameError::Closed),
        Err(e) => return Err(e.into()),
    }
    let size = i32::from_be_bytes(len) as i64;
    if size < 0 || size as usize > max {
        return Err(FrameError::BadSize(size, max));
    }
    let mut buf = BytesMut::zeroed(size as usize);
    rd.read_exact(&mut buf).await?;
    Ok(buf.freeze())
}

/// Prefixes a response body with its size.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 4);
    out.put_i32(body.len() as i32);
    out.extend_from_slice(body);
    out
}
