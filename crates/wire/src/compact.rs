//! Kafka's compact encodings of flexible versions (unsigned varints, compact strings),
//! for the bodies kafka-protocol 0.15 cannot write itself.

use bytes::{BufMut, BytesMut};

/// Writes an unsigned varint.
pub fn put_uvarint(mut n: u64, buf: &mut BytesMut) {
    while n >= 0x80 {
        buf.put_u8((n as u8) | 0x80);
        n >>= 7;
    }
    buf.put_u8(n as u8);
}

/// Writes a compact nullable string.
pub fn put_compact_str(s: Option<&str>, buf: &mut BytesMut) {
    match s {
        None => put_uvarint(0, buf),
        Some(s) => {
            put_uvarint(s.len() as u64 + 1, buf);
            buf.put_slice(s.as_bytes());
        }
    }
}
