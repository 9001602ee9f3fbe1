//! Raw request frames for tests that speak the protocol without a client library: a
//! request framed as a client would send it, and one exchange on a connection. Shared
//! by the broker's robustness tests and the root package's legacy-Fetch test (included
//! by path; both packages are tests of the same broker).

use std::time::Duration;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{ApiKey, RequestHeader};
use kafka_protocol::protocol::{Encodable, StrBytes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a test waits for the broker to answer or close.
pub const WAIT: Duration = Duration::from_secs(5);

/// A framed request with its header claiming `version` and the body encoded at `body_version`.
pub fn request_as<R: Encodable>(
    key: ApiKey,
    version: i16,
    header_version: i16,
    body: &R,
    body_version: i16,
) -> Vec<u8> {
    let mut buf = BytesMut::new();
    RequestHeader::default()
        .with_request_api_key(key as i16)
        .with_request_api_version(version)
        .with_correlation_id(7)
        .with_client_id(Some(StrBytes::from_static_str("robustness")))
        .encode(&mut buf, header_version)
        .unwrap();
    body.encode(&mut buf, body_version).unwrap();
    let mut framed = Vec::new();
    framed.put_i32(buf.len() as i32);
    framed.extend_from_slice(&buf);
    framed
}

/// Sends `bytes`, returns the response body (after the correlation id), or `None` if the
/// broker closed the connection instead.
pub async fn exchange(stream: &mut TcpStream, bytes: &[u8]) -> Option<Bytes> {
    stream.write_all(bytes).await.ok()?;
    let mut len = [0u8; 4];
    match tokio::time::timeout(WAIT, stream.read_exact(&mut len))
        .await
        .expect("broker answered or closed in time")
    {
        Ok(_) => {}
        Err(_) => return None,
    }
    let mut body = vec![0u8; i32::from_be_bytes(len) as usize];
    stream.read_exact(&mut body).await.ok()?;
    let mut body = Bytes::from(body);
    assert_eq!(body.get_i32(), 7, "correlation id echoed");
    Some(body)
}
