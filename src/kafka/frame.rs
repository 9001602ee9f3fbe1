//! Requests framed for the wire and responses read back: the size, the header with its
//! correlation id and client id, the body — for the dashboard's own protocol client and
//! the benches' hand-made members.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{ApiKey, RequestHeader, ResponseHeader};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};

/// A request framed for the wire: size, header (with `client_id`), body.
pub fn encode_request<Req: Encodable + HeaderVersion>(
    key: ApiKey,
    version: i16,
    correlation: i32,
    client_id: &str,
    req: &Req,
) -> Result<Vec<u8>, String> {
    let mut buf = BytesMut::new();
    RequestHeader::default()
        .with_request_api_key(key as i16)
        .with_request_api_version(version)
        .with_correlation_id(correlation)
        .with_client_id(Some(StrBytes::from_string(client_id.to_string())))
        .encode(&mut buf, Req::header_version(version))
        .map_err(|e| e.to_string())?;
    req.encode(&mut buf, version).map_err(|e| e.to_string())?;
    let mut framed = Vec::with_capacity(buf.len() + 4);
    framed.put_i32(buf.len() as i32);
    framed.extend_from_slice(&buf);
    Ok(framed)
}

/// A response body (after the size) read back: its header must carry `correlation`.
pub fn decode_response<Resp: Decodable + HeaderVersion>(
    body: Bytes,
    version: i16,
    correlation: i32,
) -> Result<Resp, String> {
    let body = after_header(body, Resp::header_version(version), correlation)?;
    decode_body(body, version)
}

/// A response body past its header (of `header_version`), which must carry `correlation`.
pub fn after_header(
    mut body: Bytes,
    header_version: i16,
    correlation: i32,
) -> Result<Bytes, String> {
    let header = ResponseHeader::decode(&mut body, header_version).map_err(|e| e.to_string())?;
    if header.correlation_id != correlation {
        return Err("response out of order".into());
    }
    Ok(body)
}

/// A response body (after its header), all of it.
pub fn decode_body<Resp: Decodable>(mut body: Bytes, version: i16) -> Result<Resp, String> {
    let resp = Resp::decode(&mut body, version).map_err(|e| e.to_string())?;
    if body.has_remaining() {
        return Err(format!(
            "{} bytes left after the response",
            body.remaining()
        ));
    }
    Ok(resp)
}
