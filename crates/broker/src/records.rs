//! Record batches on the way into a partition log: validation, legacy up-conversion,
//! offset assignment. Batches are stored exactly as clients sent them (KIP-98 format v2),
//! with only the fields a broker owns rewritten.

use bytes::{Buf, Bytes, BytesMut};
use kafka_protocol::records::{
    Compression, RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions,
};

const BASE_OFFSET: usize = 0;
const BATCH_LENGTH: usize = 8;
const LEADER_EPOCH: usize = 12;
const MAGIC: usize = 16;
const CRC: usize = 17;
const ATTRIBUTES: usize = 21;
const LAST_OFFSET_DELTA: usize = 23;
const FIRST_TIMESTAMP: usize = 27;
const MAX_TIMESTAMP: usize = 35;
const PRODUCER_ID: usize = 43;
const PRODUCER_EPOCH: usize = 51;
const BASE_SEQUENCE: usize = 53;
const RECORD_COUNT: usize = 57;
/// Size of a v2 batch header, up to and including the record count.
pub const HEADER_LEN: usize = 61;
const TIMESTAMP_TYPE_BIT: i16 = 0x08;
const CONTROL_BIT: i16 = 0x20;

/// Why a produce payload was refused; maps to a Kafka error code.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RecordsError {
    /// Truncated, badly sized, or failing its CRC.
    #[error("corrupt record batch: {0}")]
    Corrupt(&'static str),
    /// A magic byte we cannot read.
    #[error("unsupported record format v{0}")]
    Unsupported(i8),
}

/// One v2 batch ready to append: bytes plus what the log indexes.
#[derive(Debug, Clone)]
pub struct IncomingBatch {
    /// The whole batch, header included.
    pub data: BytesMut,
    /// Records in it (lastOffsetDelta + 1).
    pub offset_count: i64,
    /// Largest timestamp in the batch.
    pub max_timestamp: i64,
}

/// Who wrote a batch, for idempotent deduplication: producer id (-1 when not
/// idempotent), epoch, and the sequence numbers of its first and last records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProducerStamp {
    /// The producer id, or -1.
    pub id: i64,
    /// The producer epoch.
    pub epoch: i16,
    /// Sequence of the first record.
    pub first_seq: i32,
    /// Sequence of the last record (wrapping past i32::MAX to 0, as Kafka does).
    pub last_seq: i32,
}

/// Splits a produce payload into v2 batches, converting magic 0/1 message sets to v2 as
/// Kafka does when its log format is v2.
pub fn parse_produce_payload(mut payload: Bytes) -> Result<Vec<IncomingBatch>, RecordsError> {
    if payload.len() > MAGIC && (payload[MAGIC] as i8) < 2 {
        return Ok(vec![up_convert(payload)?]);
    }
    let mut out = Vec::new();
    while payload.has_remaining() {
        if payload.len() < HEADER_LEN {
            return Err(RecordsError::Corrupt("batch shorter than its header"));
        }
        let magic = payload[MAGIC] as i8;
        if magic != 2 {
            return Err(RecordsError::Unsupported(magic));
        }
        let len = i32::from_be_bytes(payload[BATCH_LENGTH..BATCH_LENGTH + 4].try_into().unwrap());
        let total = 12usize.saturating_add(len.max(0) as usize);
        if len < (HEADER_LEN - 12) as i32 || total > payload.len() {
            return Err(RecordsError::Corrupt("batch length does not match payload"));
        }
        let batch = payload.split_to(total);
        let crc = u32::from_be_bytes(batch[CRC..CRC + 4].try_into().unwrap());
        if crc32c::crc32c(&batch[ATTRIBUTES..]) != crc {
            return Err(RecordsError::Corrupt("CRC mismatch"));
        }
        let delta = i32::from_be_bytes(
            batch[LAST_OFFSET_DELTA..LAST_OFFSET_DELTA + 4]
                .try_into()
                .unwrap(),
        );
        let count = i32::from_be_bytes(batch[RECORD_COUNT..RECORD_COUNT + 4].try_into().unwrap());
        if delta < 0 || count < 0 {
            return Err(RecordsError::Corrupt("negative record count"));
        }
        let max_timestamp =
            i64::from_be_bytes(batch[MAX_TIMESTAMP..MAX_TIMESTAMP + 8].try_into().unwrap());
        out.push(IncomingBatch {
            data: BytesMut::from(&batch[..]),
            offset_count: delta as i64 + 1,
            max_timestamp,
        });
    }
    if out.is_empty() {
        return Err(RecordsError::Corrupt("no record batch in payload"));
    }
    Ok(out)
}

/// Re-encodes a legacy (magic 0/1) message set as one uncompressed v2 batch.
fn up_convert(mut payload: Bytes) -> Result<IncomingBatch, RecordsError> {
    let sets = RecordBatchDecoder::decode_all(&mut payload)
        .map_err(|_| RecordsError::Corrupt("undecodable legacy message set"))?;
    let mut records: Vec<_> = sets.into_iter().flat_map(|s| s.records).collect();
    if records.is_empty() {
        return Err(RecordsError::Corrupt("empty legacy message set"));
    }
    for (i, r) in records.iter_mut().enumerate() {
        r.offset = i as i64;
        // The encoder starts a new batch whenever offset - sequence changes; this keeps one
        // batch whose base sequence is -1 (NO_SEQUENCE), as for a non-idempotent producer.
        r.sequence = i as i32 - 1;
        r.producer_id = -1;
        r.producer_epoch = -1;
        r.partition_leader_epoch = 0;
    }
    let max_timestamp = records.iter().map(|r| r.timestamp).max().unwrap_or(-1);
    let mut buf = BytesMut::new();
    let options = RecordEncodeOptions {
        version: 2,
        compression: Compression::None,
    };
    RecordBatchEncoder::encode(&mut buf, records.iter(), &options)
        .map_err(|_| RecordsError::Corrupt("legacy message set could not be re-encoded"))?;
    Ok(IncomingBatch {
        data: buf,
        offset_count: records.len() as i64,
        max_timestamp,
    })
}

impl IncomingBatch {
    /// Writes the fields the broker owns: base offset, leader epoch, and for
    /// LogAppendTime the timestamp type and max timestamp (which the CRC covers).
    pub fn assign(&mut self, base_offset: i64, log_append_time: Option<i64>) {
        self.data[BASE_OFFSET..BASE_OFFSET + 8].copy_from_slice(&base_offset.to_be_bytes());
        self.data[LEADER_EPOCH..LEADER_EPOCH + 4].copy_from_slice(&0i32.to_be_bytes());
        if let Some(now) = log_append_time {
            let attrs =
                i16::from_be_bytes(self.data[ATTRIBUTES..ATTRIBUTES + 2].try_into().unwrap());
            self.data[ATTRIBUTES..ATTRIBUTES + 2]
                .copy_from_slice(&(attrs | TIMESTAMP_TYPE_BIT).to_be_bytes());
            self.data[MAX_TIMESTAMP..MAX_TIMESTAMP + 8].copy_from_slice(&now.to_be_bytes());
            self.max_timestamp = now;
            let crc = crc32c::crc32c(&self.data[ATTRIBUTES..]);
            self.data[CRC..CRC + 4].copy_from_slice(&crc.to_be_bytes());
        }
    }

    /// The batch's producer id, epoch and sequence range.
    pub fn producer(&self) -> ProducerStamp {
        let d = &self.data;
        let id = i64::from_be_bytes(d[PRODUCER_ID..PRODUCER_ID + 8].try_into().unwrap());
        let epoch = i16::from_be_bytes(d[PRODUCER_EPOCH..PRODUCER_EPOCH + 2].try_into().unwrap());
        let first_seq = i32::from_be_bytes(d[BASE_SEQUENCE..BASE_SEQUENCE + 4].try_into().unwrap());
        let delta = (self.offset_count - 1) as i32;
        let last_seq = if first_seq > i32::MAX - delta {
            delta - (i32::MAX - first_seq) - 1
        } else {
            first_seq + delta
        };
        ProducerStamp {
            id,
            epoch,
            first_seq,
            last_seq,
        }
    }

    /// True for transaction markers and other control batches.
    pub fn is_control(&self) -> bool {
        let attrs = i16::from_be_bytes(self.data[ATTRIBUTES..ATTRIBUTES + 2].try_into().unwrap());
        attrs & CONTROL_BIT != 0
    }
}

/// What the broker needs to know of one record: where it is, when, and whether it has
/// a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordSummary {
    /// Absolute offset (the batch's base offset plus the record's delta).
    pub offset: i64,
    /// Record timestamp (the batch's max timestamp under LogAppendTime).
    pub timestamp: i64,
    /// False for a null key.
    pub has_key: bool,
}

/// Reads each record's offset, timestamp and key presence from a v2 batch, decompressing
/// it if needed. Written here rather than using the `kafka-protocol` decoder because that
/// decoder reads the timestamp delta as a 32-bit varint, while Kafka writes a varlong
/// (a batch holding timestamps 1234 and 999999999999 would not decode).
pub fn record_summaries(batch: &[u8]) -> Option<Vec<RecordSummary>> {
    use kafka_protocol::compression::{Decompressor, Gzip, Lz4, Snappy, Zstd};
    if batch.len() < HEADER_LEN {
        return None;
    }
    let read_i64 = |at: usize| i64::from_be_bytes(batch[at..at + 8].try_into().unwrap());
    let base = read_i64(BASE_OFFSET);
    let first_ts = read_i64(FIRST_TIMESTAMP);
    let max_ts = read_i64(MAX_TIMESTAMP);
    let attrs = i16::from_be_bytes(batch[ATTRIBUTES..ATTRIBUTES + 2].try_into().unwrap());
    let count = i32::from_be_bytes(batch[RECORD_COUNT..RECORD_COUNT + 4].try_into().unwrap());
    let append_time = attrs & TIMESTAMP_TYPE_BIT != 0;
    let mut body = Bytes::copy_from_slice(&batch[HEADER_LEN..]);
    let take = |b: &mut Bytes| Ok(b.copy_to_bytes(b.remaining()));
    let body = match attrs & 0x07 {
        0 => body,
        1 => Gzip::decompress(&mut body, take).ok()?,
        2 => Snappy::decompress(&mut body, take).ok()?,
        3 => Lz4::decompress(&mut body, take).ok()?,
        4 => Zstd::decompress(&mut body, take).ok()?,
        _ => return None,
    };
    let mut cur = &body[..];
    let mut out = Vec::with_capacity(count.max(0) as usize);
    for _ in 0..count {
        let len = usize::try_from(read_varint(&mut cur)?).ok()?;
        if cur.len() < len {
            return None;
        }
        let (mut rec, rest) = cur.split_at(len);
        cur = rest;
        rec = rec.get(1..)?; // attributes
        let ts_delta = read_varint(&mut rec)?;
        let offset_delta = read_varint(&mut rec)?;
        let key_len = read_varint(&mut rec)?;
        out.push(RecordSummary {
            offset: base + offset_delta,
            timestamp: if append_time {
                max_ts
            } else {
                first_ts.wrapping_add(ts_delta)
            },
            has_key: key_len >= 0,
        });
    }
    Some(out)
}

/// A zigzag varlong (Kafka's varint and varlong share the encoding).
fn read_varint(buf: &mut &[u8]) -> Option<i64> {
    let mut raw: u64 = 0;
    for shift in (0..70).step_by(7) {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        raw |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((raw >> 1) as i64 ^ -((raw & 1) as i64));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::indexmap::IndexMap;
    use kafka_protocol::records::{Record, TimestampType};

    fn record(offset: i64, value: &'static str) -> Record {
        Record {
            transactional: false,
            control: false,
            partition_leader_epoch: 0,
            producer_id: -1,
            producer_epoch: -1,
            timestamp_type: TimestampType::Creation,
            offset,
            sequence: offset as i32 - 1,
            timestamp: 1_000 + offset,
            key: None,
            value: Some(Bytes::from_static(value.as_bytes())),
            headers: IndexMap::new(),
        }
    }

    fn encode(version: i8, records: &[Record]) -> Bytes {
        let mut buf = BytesMut::new();
        let options = RecordEncodeOptions {
            version,
            compression: Compression::None,
        };
        RecordBatchEncoder::encode(&mut buf, records.iter(), &options).unwrap();
        buf.freeze()
    }

    #[test]
    fn v2_batch_keeps_bytes_and_counts_offsets() {
        let payload = encode(2, &[record(0, "a"), record(1, "b")]);
        let batches = parse_produce_payload(payload.clone()).unwrap();
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0].offset_count, 2);
        assert_eq!(batches[0].max_timestamp, 1_001);
        assert_eq!(&batches[0].data[..], &payload[..]);
    }

    #[test]
    fn assigned_offsets_decode_back() {
        let payload = encode(2, &[record(0, "a"), record(1, "b")]);
        let mut batch = parse_produce_payload(payload).unwrap().remove(0);
        batch.assign(40, Some(9_999));
        let mut bytes = batch.data.freeze();
        let set = RecordBatchDecoder::decode(&mut bytes).unwrap();
        assert_eq!(set.records[1].offset, 41);
        assert_eq!(set.records[1].timestamp_type, TimestampType::LogAppend);
    }

    #[test]
    fn legacy_message_sets_become_v2() {
        for magic in [0i8, 1] {
            let payload = encode(magic, &[record(0, "x"), record(1, "y"), record(2, "z")]);
            let batch = parse_produce_payload(payload).unwrap().remove(0);
            assert_eq!(batch.offset_count, 3);
            let mut bytes = batch.data.freeze();
            let set = RecordBatchDecoder::decode(&mut bytes).unwrap();
            assert_eq!(set.version, 2);
            assert_eq!(set.records[2].value.as_deref(), Some(&b"z"[..]));
        }
    }

    /// A batch whose timestamps are far apart: 1234 and 999999999999 (librdkafka's test
    /// 0054), encoded by hand since the crate's encoder refuses such deltas.
    #[test]
    fn summaries_read_varlong_timestamp_deltas() {
        fn varlong(v: i64, out: &mut Vec<u8>) {
            let mut z = ((v << 1) ^ (v >> 63)) as u64;
            loop {
                let b = (z & 0x7f) as u8;
                z >>= 7;
                if z == 0 {
                    out.push(b);
                    break;
                }
                out.push(b | 0x80);
            }
        }
        let mut records = Vec::new();
        for (i, (delta, key)) in [(0i64, None), (999_999_998_765, Some(b"k"))]
            .iter()
            .enumerate()
        {
            let mut r = vec![0u8];
            varlong(*delta, &mut r);
            varlong(i as i64, &mut r);
            match key {
                None => varlong(-1, &mut r),
                Some(k) => {
                    varlong(k.len() as i64, &mut r);
                    r.extend_from_slice(*k);
                }
            }
            varlong(-1, &mut r); // null value
            varlong(0, &mut r); // no headers
            varlong(r.len() as i64, &mut records);
            records.extend_from_slice(&r);
        }
        let mut batch = vec![0u8; HEADER_LEN];
        batch[FIRST_TIMESTAMP..FIRST_TIMESTAMP + 8].copy_from_slice(&1234i64.to_be_bytes());
        batch[MAX_TIMESTAMP..MAX_TIMESTAMP + 8].copy_from_slice(&999_999_999_999i64.to_be_bytes());
        batch[RECORD_COUNT..RECORD_COUNT + 4].copy_from_slice(&2i32.to_be_bytes());
        batch.extend_from_slice(&records);
        let s = record_summaries(&batch).unwrap();
        assert_eq!(
            s[0],
            RecordSummary {
                offset: 0,
                timestamp: 1234,
                has_key: false
            }
        );
        assert_eq!(
            s[1],
            RecordSummary {
                offset: 1,
                timestamp: 999_999_999_999,
                has_key: true
            }
        );
    }

    #[test]
    fn summaries_of_compressed_batches() {
        for compression in [
            Compression::Gzip,
            Compression::Snappy,
            Compression::Lz4,
            Compression::Zstd,
        ] {
            let mut buf = BytesMut::new();
            let options = RecordEncodeOptions {
                version: 2,
                compression,
            };
            RecordBatchEncoder::encode(&mut buf, [record(0, "a"), record(1, "b")].iter(), &options)
                .unwrap();
            let s = record_summaries(&buf).unwrap();
            assert_eq!(
                s.iter()
                    .map(|r| (r.offset, r.timestamp))
                    .collect::<Vec<_>>(),
                vec![(0, 1_000), (1, 1_001)],
                "{compression:?}"
            );
        }
    }

    #[test]
    fn corrupt_payloads_are_refused() {
        let payload = encode(2, &[record(0, "a")]);
        let mut flipped = BytesMut::from(&payload[..]);
        let last = flipped.len() - 1;
        flipped[last] ^= 0xff;
        assert_eq!(
            parse_produce_payload(flipped.freeze()).unwrap_err(),
            RecordsError::Corrupt("CRC mismatch")
        );
        assert!(parse_produce_payload(payload.slice(..30)).is_err());
        assert!(parse_produce_payload(Bytes::from_static(&[0xff; 80])).is_err());
    }
}
