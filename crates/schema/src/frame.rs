//! The Confluent wire framing: magic byte 0, a 4-byte big-endian schema id, then the
//! payload; for Protobuf the payload starts with the message-index array.

/// The first byte of every framed value.
pub const MAGIC: u8 = 0;

/// Length of the magic byte plus the schema id.
pub const HEADER_LEN: usize = 5;

/// Why bytes could not be read as a framed value or a message-index array.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Fewer than the 5 header bytes.
    #[error("too short for the schema registry framing: {0} bytes, need at least 5")]
    TooShort(usize),
    /// The first byte is not 0.
    #[error("not framed for the schema registry: first byte is {0:#04x}, expected 0x00")]
    WrongMagic(u8),
    /// The message-index array ends early or holds a bad varint.
    #[error("bad Protobuf message-index array: {0}")]
    BadIndexes(String),
}

/// A framed value split into its schema id and payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framed<'a> {
    /// The registry's id of the writer schema.
    pub schema_id: u32,
    /// Everything after the 5-byte header.
    pub payload: &'a [u8],
}

/// Cheap check: long enough and starts with the magic byte (says nothing of the payload).
#[must_use]
pub fn is_framed(bytes: &[u8]) -> bool {
    bytes.len() >= HEADER_LEN && bytes[0] == MAGIC
}

/// Splits a framed value into schema id and payload.
///
/// # Errors
/// [`FrameError::TooShort`] or [`FrameError::WrongMagic`].
pub fn parse(bytes: &[u8]) -> Result<Framed<'_>, FrameError> {
    if bytes.len() < HEADER_LEN {
        return Err(FrameError::TooShort(bytes.len()));
    }
    if bytes[0] != MAGIC {
        return Err(FrameError::WrongMagic(bytes[0]));
    }
    let schema_id = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
    Ok(Framed {
        schema_id,
        payload: &bytes[HEADER_LEN..],
    })
}

/// Frames a payload: magic byte, schema id, payload.
#[must_use]
pub fn write(schema_id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.push(MAGIC);
    out.extend_from_slice(&schema_id.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Splits a Protobuf payload into its message-index path and the message bytes.
///
/// The single byte 0 stands for `[0]` (the first top-level message), so the result is
/// never empty.
///
/// # Errors
/// [`FrameError::BadIndexes`] when the array is truncated, a varint is malformed or an
/// index is negative.
pub fn split_message_indexes(payload: &[u8]) -> Result<(Vec<i32>, &[u8]), FrameError> {
    let mut pos = 0;
    let count = read_zigzag(payload, &mut pos)?;
    if count == 0 {
        return Ok((vec![0], &payload[pos..]));
    }
    // Each index takes at least one byte, which bounds the allocation by the input.
    if count < 0 || count as usize > payload.len() - pos {
        return Err(FrameError::BadIndexes(format!(
            "count {count} does not fit the {} bytes left",
            payload.len() - pos
        )));
    }
    let mut indexes = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let index = read_zigzag(payload, &mut pos)?;
        if index < 0 {
            return Err(FrameError::BadIndexes(format!("negative index {index}")));
        }
        indexes.push(index);
    }
    Ok((indexes, &payload[pos..]))
}

/// Writes a message-index array, using the one-byte shortcut for `[0]` (and for `[]`).
#[must_use]
pub fn write_message_indexes(indexes: &[i32]) -> Vec<u8> {
    if indexes.is_empty() || indexes == [0] {
        return vec![0];
    }
    let mut out = Vec::with_capacity(indexes.len() + 1);
    // The count of a real path is tiny; saturate rather than panic on absurd input.
    write_zigzag(i32::try_from(indexes.len()).unwrap_or(i32::MAX), &mut out);
    for &index in indexes {
        write_zigzag(index, &mut out);
    }
    out
}

/// Reads one zigzag varint (32-bit) at `pos`, advancing it.
fn read_zigzag(bytes: &[u8], pos: &mut usize) -> Result<i32, FrameError> {
    let mut raw: u32 = 0;
    for shift in (0..35).step_by(7) {
        let Some(&byte) = bytes.get(*pos) else {
            return Err(FrameError::BadIndexes("truncated varint".into()));
        };
        *pos += 1;
        raw |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            #[allow(clippy::cast_possible_wrap)] // zigzag decoding reinterprets the bits
            return Ok((raw >> 1) as i32 ^ -((raw & 1) as i32));
        }
    }
    Err(FrameError::BadIndexes("varint longer than 5 bytes".into()))
}

/// Appends one zigzag varint.
fn write_zigzag(value: i32, out: &mut Vec<u8>) {
    #[allow(clippy::cast_sign_loss)] // zigzag encoding reinterprets the bits
    let mut raw = ((value << 1) ^ (value >> 31)) as u32;
    while raw >= 0x80 {
        out.push((raw as u8 & 0x7f) | 0x80);
        raw >>= 7;
    }
    out.push(raw as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header() {
        let bytes = [0, 0, 0, 1, 2, 0xaa, 0xbb];
        let framed = parse(&bytes).unwrap();
        assert_eq!(framed.schema_id, 258);
        assert_eq!(framed.payload, &[0xaa, 0xbb]);
        assert!(is_framed(&bytes));
    }

    #[test]
    fn rejects_short_and_wrong_magic() {
        assert_eq!(parse(&[0, 0, 0]), Err(FrameError::TooShort(3)));
        assert_eq!(parse(&[1, 0, 0, 0, 1]), Err(FrameError::WrongMagic(1)));
        assert!(!is_framed(&[0, 0, 0, 1]));
        assert!(!is_framed(b"{\"a\":1}"));
    }

    #[test]
    fn writes_header() {
        assert_eq!(write(0x0102_0304, b"x"), vec![0, 1, 2, 3, 4, b'x']);
    }

    #[test]
    fn index_shortcut_and_paths() {
        assert_eq!(
            split_message_indexes(&[0, 9]).unwrap(),
            (vec![0], &[9u8][..])
        );
        // count 2 (zigzag 4), indexes 1 (2) and 0 (0).
        assert_eq!(
            split_message_indexes(&[4, 2, 0, 7]).unwrap(),
            (vec![1, 0], &[7u8][..])
        );
        assert_eq!(write_message_indexes(&[0]), vec![0]);
        assert_eq!(write_message_indexes(&[1, 0]), vec![4, 2, 0]);
        // 64 zigzags to 128: two varint bytes.
        assert_eq!(write_message_indexes(&[64]), vec![2, 0x80, 0x01]);
        assert_eq!(split_message_indexes(&[2, 0x80, 0x01]).unwrap().0, vec![64]);
    }

    #[test]
    fn bad_indexes() {
        assert!(split_message_indexes(&[]).is_err());
        assert!(split_message_indexes(&[4, 2]).is_err());
        assert!(split_message_indexes(&[2, 1]).is_err()); // index -1
        assert!(split_message_indexes(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).is_err());
    }
}
