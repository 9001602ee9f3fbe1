//! The live view's consumer: a thread that reads every partition of one topic, batches
//! records for the UI (≤ 500 records or ≤ 50 ms), keeps exact counters, and drops
//! records (counting them) rather than block when the UI falls behind.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::{Offset, TopicPartitionList};

use crate::kafka::messages::{KafkaEvent, StartFrom};
use crate::kafka::model::{PartitionStats, Record};
use crate::kafka::outbox::{Outbox, Refused};
use crate::kafka::watermarks;

const MAX_BATCH: usize = 500;
const MAX_BATCH_AGE: Duration = Duration::from_millis(50);
/// How often the watermarks librdkafka learnt from fetch responses are copied out.
const WATERMARK_EVERY: Duration = Duration::from_millis(200);

/// Controls a running tail; dropping it stops the thread.
#[derive(Debug)]
pub struct TailHandle {
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
    partitions: Arc<AtomicI32>,
}

impl TailHandle {
    /// Pauses or resumes consuming (watermarks keep updating).
    pub fn pause(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    /// The topic has grown to `count` partitions: read the new ones from their beginning.
    pub fn grow(&self, count: i32) {
        self.partitions.fetch_max(count, Ordering::Relaxed);
    }
}

impl Drop for TailHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts tailing `topic` from `from`.
pub fn start(
    config: ClientConfig,
    topic: String,
    from: StartFrom,
    value_limit: usize,
    events: Outbox,
) -> TailHandle {
    let stop = Arc::new(AtomicBool::new(false));
    let paused = Arc::new(AtomicBool::new(false));
    let partitions = Arc::new(AtomicI32::new(0));
    let handle = TailHandle {
        stop: stop.clone(),
        paused: paused.clone(),
        partitions: partitions.clone(),
    };
    let spawned = std::thread::Builder::new()
        .name(format!("tail-{topic}"))
        .spawn(move || {
            let control = Control {
                stop: &stop,
                paused: &paused,
                partitions: &partitions,
                value_limit,
            };
            if let Err(e) = run(config, &topic, from, &events, control) {
                let _ = events.send(KafkaEvent::TailError(format!("{topic}: {e}")));
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the tail thread: {e}");
    }
    handle
}

/// Reads the one record at `partition`@`offset` in full (for the detail view of a record
/// whose value was cut). Blocking; bounded by `timeout`.
pub fn fetch_one(
    mut config: ClientConfig,
    topic: &str,
    partition: i32,
    offset: i64,
    timeout: Duration,
) -> Result<Record, String> {
    let consumer: BaseConsumer = config
        .set(
            "group.id",
            format!("kafka-dash-open-{}", uuid::Uuid::new_v4()),
        )
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .create()
        .map_err(|e| e.to_string())?;
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
        .map_err(|e| e.to_string())?;
    consumer.assign(&tpl).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(m)) if m.partition() == partition && m.offset() == offset => {
                return Ok(to_record(&m, usize::MAX));
            }
            Some(Ok(m)) if m.offset() > offset => {
                return Err(format!("offset {offset} is no longer in the log"));
            }
            Some(Err(e)) => return Err(e.to_string()),
            _ => {}
        }
    }
    Err(format!(
        "{topic} [{partition}] @ {offset}: not read within {timeout:?}"
    ))
}

/// Where to start reading `partition` when asked for `offset`, and what to tell the user
/// when the offset is outside the log (Kafka would silently apply auto.offset.reset).
pub fn clamp_start(partition: i32, offset: i64, low: i64, high: i64) -> (i64, Option<String>) {
    if offset > high {
        (
            high,
            Some(format!(
                "offset {offset} is past the end of partition {partition} (high watermark {high}): reading new messages from {high}"
            )),
        )
    } else if offset < low {
        (
            low,
            Some(format!(
                "offset {offset} is before the start of partition {partition}: reading from {low}"
            )),
        )
    } else {
        (offset, None)
    }
}

/// Copies a message out of librdkafka, its value cut to `value_limit` bytes.
pub fn to_record(m: &rdkafka::message::BorrowedMessage<'_>, value_limit: usize) -> Record {
    let payload = m.payload();
    let cut = payload.is_some_and(|v| v.len() > value_limit);
    Record {
        partition: m.partition(),
        offset: m.offset(),
        timestamp: m.timestamp().to_millis(),
        key: m.key().map(<[u8]>::to_vec),
        value: payload.map(|v| v[..v.len().min(value_limit)].to_vec()),
        value_size: cut.then(|| payload.map_or(0, <[u8]>::len)),
        shown: Default::default(),
        headers: m
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| (h.key.to_string(), h.value.map(<[u8]>::to_vec)))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// What the handle tells the running tail.
struct Control<'a> {
    stop: &'a AtomicBool,
    paused: &'a AtomicBool,
    /// Partition count the topic is known to have (grows when partitions are added).
    partitions: &'a AtomicI32,
    /// Values longer than this are kept cut to it (their true size noted); the detail
    /// view reads the whole record when it is opened.
    value_limit: usize,
}

fn run(
    config: ClientConfig,
    topic: &str,
    from: StartFrom,
    events: &Outbox,
    control: Control<'_>,
) -> Result<(), rdkafka::error::KafkaError> {
    let Control {
        stop,
        paused,
        partitions: known_partitions,
        value_limit,
    } = control;
    let consumer: BaseConsumer = config
        .clone()
        .set(
            "group.id",
            format!("kafka-dash-tail-{}", uuid::Uuid::new_v4()),
        )
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false")
        // librdkafka otherwise idles 1 s whenever its prefetch queue is full.
        .set("fetch.queue.backoff.ms", "10")
        // Its prefetch queue is bounded in bytes too (default 64 MiB): large values must
        // not make the dashboard's memory follow the topic's size. 4 MiB keeps the
        // reading rate (cargo bench --bench ingest) and the peak memory under 48 MiB.
        .set("queued.max.messages.kbytes", "4096")
        .create()?;
    let md = consumer.fetch_metadata(Some(topic), Duration::from_secs(5))?;
    let partitions: Vec<i32> = md
        .topics()
        .first()
        .map(|t| t.partitions().iter().map(|p| p.id()).collect())
        .unwrap_or_default();
    // One ListOffsets round for every partition: where a chosen offset must lie, and the
    // watermarks until the first fetch responses arrive.
    let wanted: Vec<(&str, i32)> = partitions.iter().map(|p| (topic, *p)).collect();
    let first = watermarks::read(&consumer, &wanted, Duration::from_secs(3));
    let mut tpl = TopicPartitionList::new();
    let mut notes = Vec::new();
    for p in &partitions {
        let offset = match from {
            StartFrom::Beginning => Offset::Beginning,
            StartFrom::End => Offset::End,
            StartFrom::Offset(o) => match first.get(&(topic.to_string(), *p)) {
                Some(&(low, high)) => {
                    let (start, note) = clamp_start(*p, o, low, high);
                    notes.extend(note);
                    Offset::Offset(start)
                }
                None => Offset::Offset(o),
            },
            StartFrom::Time(t) => Offset::Offset(t),
        };
        tpl.add_partition_offset(topic, *p, offset)?;
    }
    if !notes.is_empty() {
        let _ = events.send(KafkaEvent::TailNotice(notes.join("; ")));
    }
    if let StartFrom::Time(_) = from {
        tpl = consumer.offsets_for_times(tpl, Duration::from_secs(5))?;
    }
    consumer.assign(&tpl)?;
    let mut stats: Vec<PartitionStats> = partitions
        .iter()
        .map(|p| {
            let mark = first.get(&(topic.to_string(), *p));
            PartitionStats {
                partition: *p,
                low: mark.map(|m| m.0),
                high: mark.map(|m| m.1),
                ..Default::default()
            }
        })
        .collect();
    let topic_c = std::ffi::CString::new(topic).map_err(|_| {
        rdkafka::error::KafkaError::ClientCreation("topic name with a NUL byte".into())
    })?;
    let mut batch = Vec::new();
    let mut dropped = 0u64;
    let mut last_flush = Instant::now();
    let mut last_marks = Instant::now() - WATERMARK_EVERY;
    let mut changed = true;
    while !stop.load(Ordering::Relaxed) {
        // Partitions added since the start are read from their beginning, as a consumer
        // that follows metadata would.
        let known = known_partitions.load(Ordering::Relaxed);
        if known > stats.len() as i32 {
            let mut added = TopicPartitionList::new();
            for p in stats.len() as i32..known {
                added.add_partition_offset(topic, p, Offset::Beginning)?;
                stats.push(PartitionStats {
                    partition: p,
                    ..Default::default()
                });
            }
            consumer.incremental_assign(&added)?;
            changed = true;
        }
        if last_marks.elapsed() >= WATERMARK_EVERY {
            last_marks = Instant::now();
            for s in &mut stats {
                if let Some((low, high)) = watermarks::cached(&consumer, &topic_c, s.partition) {
                    let before = (s.low, s.high);
                    s.on_watermarks(low, high);
                    changed |= before != (s.low, s.high);
                }
            }
        }
        if paused.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        } else {
            match consumer.poll(Duration::from_millis(20)) {
                Some(Ok(m)) => {
                    if let Some(s) = stats.iter_mut().find(|s| s.partition == m.partition()) {
                        s.on_record(m.offset());
                    }
                    batch.push(to_record(&m, value_limit));
                    changed = true;
                }
                Some(Err(e)) => tracing::debug!("tail poll: {e}"),
                None => {}
            }
        }
        if changed && (batch.len() >= MAX_BATCH || last_flush.elapsed() >= MAX_BATCH_AGE) {
            let n = batch.len() as u64;
            let event = KafkaEvent::Tail {
                topic: topic.to_string(),
                records: std::mem::take(&mut batch),
                stats: stats.clone(),
                dropped,
            };
            match events.send(event) {
                Ok(()) => changed = false,
                Err(Refused::Behind) => dropped += n,
                Err(Refused::Gone) => return Ok(()),
            }
            last_flush = Instant::now();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_outside_the_log_is_clamped_and_said() {
        assert_eq!(clamp_start(0, 5, 0, 12), (5, None));
        assert_eq!(clamp_start(0, 12, 0, 12), (12, None));
        let (at, note) = clamp_start(3, 1000, 0, 12);
        assert_eq!(at, 12);
        assert!(note
            .unwrap()
            .contains("offset 1000 is past the end of partition 3"));
        let (at, note) = clamp_start(1, 2, 40, 90);
        assert_eq!(at, 40);
        assert!(note.unwrap().contains("before the start of partition 1"));
    }
}
