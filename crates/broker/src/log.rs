//! One partition's in-memory log: stored batches, watermarks, a size cap.

use std::collections::{HashMap, VecDeque};

use bytes::{Bytes, BytesMut};
use kafka_protocol::error::ResponseError;

use super::records::{record_summaries, IncomingBatch, ProducerStamp};

/// Batches per producer Kafka remembers for deduplication (`max.in.flight` ≤ 5).
const PRODUCER_BATCHES_KEPT: usize = 5;

/// What a partition remembers of one idempotent producer: its epoch and its latest
/// batches as (first sequence, last sequence, base offset).
#[derive(Debug, Default)]
struct ProducerState {
    epoch: i16,
    recent: VecDeque<(i32, i32, i64)>,
}

/// Why an append was refused: a Kafka error code and message.
#[derive(Debug, PartialEq, Eq)]
pub struct AppendRefused {
    /// Kafka error code.
    pub code: i16,
    /// What to tell the producer.
    pub message: String,
}

/// What an append did.
#[derive(Debug, PartialEq, Eq)]
pub enum Appended {
    /// Stored, the first record at this offset.
    New(i64),
    /// A retry of batches already stored at this offset (idempotent producer); nothing
    /// was written again.
    Duplicate(i64),
}

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
    producers: HashMap<i64, ProducerState>,
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

    /// Appends batches, assigning offsets, after Kafka's idempotence checks: a retried
    /// batch is recognised by producer id, epoch and sequence and not stored twice.
    pub fn append(
        &mut self,
        batches: Vec<IncomingBatch>,
        log_append_time: Option<i64>,
    ) -> Result<Appended, AppendRefused> {
        if let Some(first) = batches.first() {
            if let Some(base) = self.check_sequence(&first.producer())? {
                return Ok(Appended::Duplicate(base));
            }
        }
        let first = self.next_offset;
        for mut b in batches {
            let base = self.next_offset;
            b.assign(base, log_append_time);
            let stamp = b.producer();
            let last = base + b.offset_count - 1;
            self.bytes += b.data.len();
            self.batches.push_back(StoredBatch {
                base,
                last,
                max_timestamp: b.max_timestamp,
                data: b.data.freeze(),
            });
            self.next_offset = last + 1;
            if stamp.id >= 0 {
                let state = self.producers.entry(stamp.id).or_default();
                if state.epoch != stamp.epoch {
                    state.recent.clear();
                }
                state.epoch = stamp.epoch;
                state
                    .recent
                    .push_back((stamp.first_seq, stamp.last_seq, base));
                if state.recent.len() > PRODUCER_BATCHES_KEPT {
                    state.recent.pop_front();
                }
            }
        }
        self.enforce_cap();
        Ok(Appended::New(first))
    }

    /// Kafka's ProducerStateManager checks for one batch: `Ok(Some(offset))` for a
    /// duplicate of a stored batch, `Ok(None)` when it may be appended.
    fn check_sequence(&self, stamp: &ProducerStamp) -> Result<Option<i64>, AppendRefused> {
        if stamp.id < 0 {
            return Ok(None);
        }
        let Some(state) = self.producers.get(&stamp.id) else {
            return Ok(None);
        };
        if stamp.epoch < state.epoch {
            return Err(AppendRefused {
                code: ResponseError::InvalidProducerEpoch.code(),
                message: format!(
                    "Epoch of producer {} at offset {} is {}, which is smaller than the last seen epoch {}",
                    stamp.id, self.next_offset, stamp.epoch, state.epoch
                ),
            });
        }
        if stamp.epoch > state.epoch {
            if stamp.first_seq != 0 {
                return Err(AppendRefused {
                    code: ResponseError::OutOfOrderSequenceNumber.code(),
                    message: format!(
                        "Invalid sequence number for new epoch of producer {}: {} (request epoch), {} (seq. number), {} (current producer epoch)",
                        stamp.id, stamp.epoch, stamp.first_seq, state.epoch
                    ),
                });
            }
            return Ok(None);
        }
        if let Some((_, _, base)) = state
            .recent
            .iter()
            .find(|(f, l, _)| *f == stamp.first_seq && *l == stamp.last_seq)
        {
            return Ok(Some(*base));
        }
        let last = state.recent.back().map_or(-1, |(_, l, _)| *l);
        let expected = if last == i32::MAX { 0 } else { last + 1 };
        if stamp.first_seq != expected {
            return Err(AppendRefused {
                code: ResponseError::OutOfOrderSequenceNumber.code(),
                message: format!(
                    "Out of order sequence number for producer {} at offset {} in partition: {} (incoming seq. number), {} (current end sequence number)",
                    stamp.id, self.next_offset, stamp.first_seq, last
                ),
            });
        }
        Ok(None)
    }

    fn enforce_cap(&mut self) {
        // Keep the newest batch even if it alone exceeds the cap, as Kafka keeps the active segment.
        while self.cap > 0 && self.bytes > self.cap && self.batches.len() > 1 {
            let old = self.batches.pop_front().expect("len > 1");
            self.bytes -= old.data.len();
            self.log_start = self.batches.front().map_or(self.next_offset, |b| b.base);
        }
    }

    /// DeleteRecords: moves the log start to `offset` (-1: the high watermark), dropping
    /// the batches wholly below it. `None` when the offset is beyond the high watermark.
    pub fn delete_before(&mut self, offset: i64) -> Option<i64> {
        let target = if offset == -1 {
            self.next_offset
        } else {
            offset
        };
        if target < 0 || target > self.next_offset {
            return None;
        }
        if target > self.log_start {
            while self.batches.front().is_some_and(|b| b.last < target) {
                let old = self.batches.pop_front().expect("front exists");
                self.bytes -= old.data.len();
            }
            self.log_start = target;
        }
        Some(self.log_start)
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
        self.batches
            .iter()
            .filter(|b| b.max_timestamp >= ts)
            .find_map(|b| {
                record_summaries(&b.data)?
                    .into_iter()
                    .find(|r| r.timestamp >= ts && r.offset >= self.log_start)
                    .map(|r| (r.offset, r.timestamp))
            })
    }

    /// The offset and timestamp of the record with the largest timestamp (ListOffsets -3).
    pub fn max_timestamp(&self) -> Option<(i64, i64)> {
        let batch = self
            .batches
            .iter()
            .max_by_key(|b| (b.max_timestamp, std::cmp::Reverse(b.base)))?;
        record_summaries(&batch.data)
            .and_then(|records| {
                records
                    .into_iter()
                    .find(|r| r.timestamp == batch.max_timestamp)
                    .map(|r| (r.offset, r.timestamp))
            })
            .or(Some((batch.last, batch.max_timestamp)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::parse_produce_payload;
    use kafka_protocol::indexmap::IndexMap;
    use kafka_protocol::records::{
        Compression, Record, RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions,
        TimestampType,
    };

    fn batch(n: usize, ts: i64) -> Vec<IncomingBatch> {
        stamped_batch(n, ts, -1, -1, -1)
    }

    fn stamped_batch(n: usize, ts: i64, pid: i64, epoch: i16, seq: i32) -> Vec<IncomingBatch> {
        let records: Vec<Record> = (0..n)
            .map(|i| Record {
                transactional: false,
                control: false,
                partition_leader_epoch: 0,
                producer_id: pid,
                producer_epoch: epoch,
                timestamp_type: TimestampType::Creation,
                offset: i as i64,
                sequence: if pid < 0 {
                    i as i32 - 1
                } else {
                    seq + i as i32
                },
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
        assert_eq!(log.append(batch(3, 100), None), Ok(Appended::New(0)));
        assert_eq!(log.append(batch(2, 200), None), Ok(Appended::New(3)));
        assert_eq!(log.high_watermark(), 5);
        let mut read = log.read(4, 1 << 20).freeze();
        let sets = RecordBatchDecoder::decode_all(&mut read).unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].records[0].offset, 3);
    }

    #[test]
    fn read_returns_one_batch_even_if_larger_than_max() {
        let mut log = PartitionLog::new(0);
        log.append(batch(10, 0), None).unwrap();
        log.append(batch(10, 0), None).unwrap();
        let read = log.read(0, 10);
        let mut bytes = read.freeze();
        assert_eq!(RecordBatchDecoder::decode_all(&mut bytes).unwrap().len(), 1);
    }

    #[test]
    fn cap_advances_log_start() {
        let mut log = PartitionLog::new(2_000);
        for _ in 0..10 {
            log.append(batch(5, 0), None).unwrap();
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
    fn idempotent_retries_are_stored_once_and_gaps_refused() {
        let mut log = PartitionLog::new(0);
        assert_eq!(
            log.append(stamped_batch(3, 0, 7, 0, 0), None),
            Ok(Appended::New(0))
        );
        assert_eq!(
            log.append(stamped_batch(2, 0, 7, 0, 3), None),
            Ok(Appended::New(3))
        );
        // The first batch again (its response was lost): same offset, nothing stored.
        assert_eq!(
            log.append(stamped_batch(3, 0, 7, 0, 0), None),
            Ok(Appended::Duplicate(0))
        );
        assert_eq!(log.high_watermark(), 5);
        assert_eq!(
            log.append(stamped_batch(1, 0, 7, 0, 9), None)
                .unwrap_err()
                .code,
            45
        );
        assert_eq!(
            log.append(stamped_batch(1, 0, 7, 1, 4), None)
                .unwrap_err()
                .code,
            45,
            "a new epoch starts at sequence 0"
        );
        assert_eq!(
            log.append(stamped_batch(1, 0, 7, 1, 0), None),
            Ok(Appended::New(5))
        );
        assert_eq!(
            log.append(stamped_batch(1, 0, 7, 0, 5), None)
                .unwrap_err()
                .code,
            47
        );
        // Another producer has its own sequence.
        assert_eq!(
            log.append(stamped_batch(1, 0, 8, 0, 0), None),
            Ok(Appended::New(6))
        );
    }

    #[test]
    fn delete_before_moves_the_start_and_drops_whole_batches() {
        let mut log = PartitionLog::new(0);
        log.append(batch(3, 0), None).unwrap(); // 0..2
        log.append(batch(3, 0), None).unwrap(); // 3..5
        assert_eq!(log.delete_before(4), Some(4));
        assert_eq!(log.log_start(), 4);
        assert_eq!(log.batches.len(), 1, "the batch holding 4 stays");
        assert_eq!(log.delete_before(2), Some(4), "never moves back");
        assert_eq!(log.delete_before(7), None);
        assert_eq!(log.delete_before(-1), Some(6));
        assert!(log.batches.is_empty());
    }

    #[test]
    fn timestamps_find_offsets() {
        let mut log = PartitionLog::new(0);
        log.append(batch(3, 100), None).unwrap(); // ts 100..102, offsets 0..2
        log.append(batch(3, 200), None).unwrap(); // ts 200..202, offsets 3..5
        assert_eq!(log.offset_for_timestamp(101), Some((1, 101)));
        assert_eq!(log.offset_for_timestamp(150), Some((3, 200)));
        assert_eq!(log.offset_for_timestamp(999), None);
        assert_eq!(log.max_timestamp(), Some((5, 202)));
    }
}
