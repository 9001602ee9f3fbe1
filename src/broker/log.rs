//! One partition's in-memory log: stored batches, watermarks, a size cap.

use std::collections::VecDeque;

use bytes::{Bytes, BytesMut};
use kafka_protocol::records::RecordBatchDecoder;

use super::records::IncomingBatch;

/// A stored batch and the offsets it covers.
#[derive(Debug)]
struct StoredBatch {
    base: i64,
    last: i64,
    max_timestamp: i64,
    data: Bytes,
}

/// An append-only partition log held in memory.
#[derive(Debug, Default)]
pub struct PartitionLog {
    batches: VecDeque<StoredBatch>,
    log_start: i64,
    next_offset: i64,
    bytes: usize,
    cap: usize,
}

impl PartitionLog {
    /// An empty log that keeps at most `cap` bytes (0 = no cap).
    pub fn new(cap: usize) -> Self {
        Self {
            cap,
            ..Default::default()
        }
    }

    /// The high watermark: next offset to be written.
    pub fn high_watermark(&self) -> i64 {
        self.next_offset
    }

    /// The first offset still held.
    pub fn log_start(&self) -> i64 {
        self.log_start
    }

    /// Appends batches, assigning offsets; returns the first offset assigned.
    pub fn append(&mut self, batches: Vec<IncomingBatch>, log_append_time: Option<i64>) -> i64 {
        let first = self.next_offset;
        for mut b in batches {
            let base = self.next_offset;
            b.assign(base, log_append_time);
            let last = base + b.offset_count - 1;
            self.bytes += b.data.len();
            self.batches.push_back(StoredBatch {
                base,
                last,
                max_timestamp: b.max_timestamp,
                data: b.data.freeze(),
            });
            self.next_offset = last + 1;
        }
        self.enforce_cap();
        first
    }

    fn enforce_cap(&mut self) {
        // Keep the newest batch even if it alone exceeds the cap, as Kafka keeps the active segment.
        while self.cap > 0 && self.bytes > self.cap && self.batches.len() > 1 {
            let old = self.batches.pop_front().expect("len > 1");
            self.bytes -= old.data.len();
            self.log_start = self.batches.front().map_or(self.next_offset, |b| b.base);
        }
    }

    /// Batches from the one holding `offset`, up to `max_bytes` (at least one batch,
    /// as KIP-74 requires so a large batch can never block a consumer).
    pub fn read(&self, offset: i64, max_bytes: usize) -> BytesMut {
        let start = self.batches.partition_point(|b| b.last < offset);
        // Which batches fit first, so that the answer is copied once, into a buffer of
        // the right size (at least one batch, even one larger than the limit: KIP-74).
        let mut len = 0usize;
        let mut count = 0usize;
        for b in self.batches.range(start..) {
            if count > 0 && len + b.data.len() > max_bytes {
                break;
            }
            len += b.data.len();
            count += 1;
            if len >= max_bytes {
                break;
            }
        }
        let mut out = BytesMut::with_capacity(len);
        for b in self.batches.range(start..start + count) {
            out.extend_from_slice(&b.data);
        }
        out
    }

    /// Offset of the first record whose timestamp is at least `ts`, with that timestamp;
    /// `None` when no record is that new (ListOffsets then answers -1).
    pub fn offset_for_timestamp(&self, ts: i64) -> Option<(i64, i64)> {
        let batch = self.batches.iter().find(|b| b.max_timestamp >= ts)?;
        let mut data = batch.data.clone();
        let set = RecordBatchDecoder::decode(&mut data).ok()?;
        set.records
            .iter()
            .find(|r| r.timestamp >= ts)
            .map(|r| (r.offset, r.timestamp))
            .or(Some((batch.base, batch.max_timestamp)))
    }

    /// The offset and timestamp of the record with the largest timestamp (ListOffsets -3).
    pub fn max_timestamp(&self) -> Option<(i64, i64)> {
        let batch = self
            .batches
            .iter()
            .max_by_key(|b| (b.max_timestamp, std::cmp::Reverse(b.base)))?;
        let mut data = batch.data.clone();
        let set = RecordBatchDecoder::decode(&mut data).ok()?;
        set.records
            .iter()
            .filter(|r| r.timestamp == batch.max_timestamp)
            .map(|r| (r.offset, r.timestamp))
            .next()
            .or(Some((batch.last, batch.max_timestamp)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::records::parse_produce_payload;
    use kafka_protocol::indexmap::IndexMap;
    use kafka_protocol::records::{
        Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
    };

    fn batch(n: usize, ts: i64) -> Vec<IncomingBatch> {
        let records: Vec<Record> = (0..n)
            .map(|i| Record {
                transactional: false,
                control: false,
                partition_leader_epoch: 0,
                producer_id: -1,
                producer_epoch: -1,
                timestamp_type: TimestampType::Creation,
                offset: i as i64,
                sequence: i as i32 - 1,
                timestamp: ts + i as i64,
                key: None,
                value: Some(Bytes::from(vec![b'v'; 100])),
                headers: IndexMap::new(),
            })
            .collect();
        let mut buf = BytesMut::new();
        let options = RecordEncodeOptions {
            version: 2,
            compression: Compression::None,
        };
        RecordBatchEncoder::encode(&mut buf, records.iter(), &options).unwrap();
        parse_produce_payload(buf.freeze()).unwrap()
    }

    #[test]
    fn offsets_grow_and_reads_start_at_the_holding_batch() {
        let mut log = PartitionLog::new(0);
        assert_eq!(log.append(batch(3, 100), None), 0);
        assert_eq!(log.append(batch(2, 200), None), 3);
        assert_eq!(log.high_watermark(), 5);
        let mut read = log.read(4, 1 << 20).freeze();
        let sets = RecordBatchDecoder::decode_all(&mut read).unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].records[0].offset, 3);
    }

    #[test]
    fn read_returns_one_batch_even_if_larger_than_max() {
        let mut log = PartitionLog::new(0);
        log.append(batch(10, 0), None);
        log.append(batch(10, 0), None);
        let read = log.read(0, 10);
        let mut bytes = read.freeze();
        assert_eq!(RecordBatchDecoder::decode_all(&mut bytes).unwrap().len(), 1);
    }

    #[test]
    fn cap_advances_log_start() {
        let mut log = PartitionLog::new(2_000);
        for _ in 0..10 {
            log.append(batch(5, 0), None);
        }
        assert!(log.bytes <= 2_000 + 1_000);
        assert!(log.log_start() > 0);
        assert_eq!(log.high_watermark(), 50);
        assert!(
            !log.read(0, 1 << 20).is_empty(),
            "reads below start return the first held batch"
        );
    }

    #[test]
    fn timestamps_find_offsets() {
        let mut log = PartitionLog::new(0);
        log.append(batch(3, 100), None); // ts 100..102, offsets 0..2
        log.append(batch(3, 200), None); // ts 200..202, offsets 3..5
        assert_eq!(log.offset_for_timestamp(101), Some((1, 101)));
        assert_eq!(log.offset_for_timestamp(150), Some((3, 200)));
        assert_eq!(log.offset_for_timestamp(999), None);
        assert_eq!(log.max_timestamp(), Some((5, 202)));
    }
}
