//! Lag in time: how old the oldest message a group has not consumed is — the timestamp
//! of the message at its committed offset. One consumer (no group) reads those messages
//! with a small bounded fetch; answers are cached by (topic, partition, offset), so a
//! partition is read again only when its committed offset moves.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use crate::kafka::now_ms;

/// Cached answers kept before the cache starts over.
const CACHE_MAX: usize = 50_000;

/// Reads and remembers the timestamps of messages at given offsets.
pub struct Timestamps {
    consumer: BaseConsumer,
    /// (topic, partition, offset) → the timestamp of the first message at or after the
    /// offset (`None`: it has none, or it could not be read).
    cache: HashMap<(String, i32, i64), Option<i64>>,
    /// Per partition: the offset last read and its timestamp, and when it was read.
    latest: HashMap<(String, i32), (i64, Option<i64>, i64)>,
}

/// A partition is read at most this often (a busy group's committed offset moves at
/// every look; between reads the last timestamp read stands in).
const READ_EVERY_MS: i64 = 2_000;

impl std::fmt::Debug for Timestamps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timestamps")
            .field("cached", &self.cache.len())
            .finish()
    }
}

impl Timestamps {
    /// A reader on its own client.
    pub fn new(mut config: ClientConfig) -> Result<Timestamps, String> {
        let consumer = config
            // Assign-only: the id is never joined or committed under.
            .set("group.id", "kafka-dash-lag-time")
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            // One message per partition is wanted: keep fetches and prefetch small.
            .set("fetch.wait.max.ms", "100")
            .set("max.partition.fetch.bytes", "65536")
            .set("fetch.max.bytes", "1048576")
            .set("queued.max.messages.kbytes", "1024")
            .create()
            .map_err(|e| e.to_string())?;
        Ok(Timestamps {
            consumer,
            cache: HashMap::new(),
            latest: HashMap::new(),
        })
    }

    /// The timestamp of the message at `offset`, or, while that is not read yet, of the
    /// last one read at an earlier offset of the partition (older: lag in time is then
    /// a little more, never less, than it is).
    pub fn stamp(&self, topic: &str, partition: i32, offset: i64) -> Option<i64> {
        if let Some(ts) = self.cache.get(&(topic.to_string(), partition, offset)) {
            return *ts;
        }
        match self.latest.get(&(topic.to_string(), partition)) {
            Some((at, ts, _)) if *at <= offset => *ts,
            _ => None,
        }
    }

    /// Whether the timestamp at this offset is already known (reading it costs nothing).
    pub fn cached(&self, topic: &str, partition: i32, offset: i64) -> Option<Option<i64>> {
        self.cache
            .get(&(topic.to_string(), partition, offset))
            .copied()
    }

    /// Timestamps of the messages at `wanted` (topic, partition, offset): cached ones at
    /// once, the rest read in one assignment within `timeout` (blocking). Returns how
    /// many partitions had to be read.
    pub fn read(&mut self, wanted: &[(String, i32, i64)], timeout: Duration) -> usize {
        let now = now_ms();
        let missing: Vec<&(String, i32, i64)> = wanted
            .iter()
            .filter(|k| !self.cache.contains_key(*k))
            .filter(|(t, p, _)| {
                self.latest
                    .get(&(t.clone(), *p))
                    .is_none_or(|(_, _, at)| now >= at + READ_EVERY_MS)
            })
            .collect();
        if missing.is_empty() {
            return 0;
        }
        if self.cache.len() + missing.len() > CACHE_MAX {
            self.cache.clear();
        }
        let mut tpl = TopicPartitionList::new();
        let mut open: HashMap<(String, i32), i64> = HashMap::new();
        for (t, p, o) in &missing {
            if open.insert((t.clone(), *p), *o).is_none() {
                let _ = tpl.add_partition_offset(t, *p, Offset::Offset(*o));
            }
        }
        let asked = open.len();
        if self.consumer.assign(&tpl).is_err() {
            return 0;
        }
        let deadline = Instant::now() + timeout;
        while !open.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let Some(Ok(m)) = self.consumer.poll(left.min(Duration::from_millis(100))) else {
                continue;
            };
            let key = (m.topic().to_string(), m.partition());
            if let Some(&offset) = open.get(&key) {
                if m.offset() >= offset {
                    open.remove(&key);
                    let ts = m.timestamp().to_millis().filter(|t| *t >= 0);
                    self.latest.insert(key.clone(), (offset, ts, now));
                    self.cache.insert((key.0, key.1, offset), ts);
                }
            }
        }
        // Partitions that did not answer are asked again next time, not cached.
        let _ = self.consumer.assign(&TopicPartitionList::new());
        asked
    }
}

/// Lag in time (ms) of a partition at `now_ms`: 0 when caught up, else how old the
/// message at the committed offset is; unknown without a commit or a timestamp.
pub fn lag_ms(
    committed: Option<i64>,
    high: Option<i64>,
    oldest_unread_ts: Option<i64>,
    now_ms: i64,
) -> Option<i64> {
    let (c, h) = (committed?, high?);
    if c >= h {
        return Some(0);
    }
    oldest_unread_ts.map(|ts| (now_ms - ts).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_in_time_is_zero_when_caught_up_and_unknown_without_a_commit() {
        assert_eq!(lag_ms(Some(10), Some(10), None, 5_000), Some(0));
        assert_eq!(lag_ms(Some(7), Some(10), Some(1_000), 5_000), Some(4_000));
        assert_eq!(lag_ms(None, Some(10), Some(1_000), 5_000), None);
        assert_eq!(lag_ms(Some(7), Some(10), None, 5_000), None);
        // A producer's clock ahead of ours is not a negative lag.
        assert_eq!(lag_ms(Some(7), Some(10), Some(9_000), 5_000), Some(0));
    }
}
