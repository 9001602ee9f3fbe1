//! Messages to and from files: the live view's messages saved as JSON lines (values that
//! were kept cut are read again whole first), and a file of JSON lines (ours or kcat -J's)
//! replayed into a topic at a chosen rate, with progress and a final report.

use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::future_producer::OwnedDeliveryResult;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};

use crate::kafka::jsonl::{self, Saved};
use crate::kafka::model::Record;
use crate::kafka::tail;

/// Deliveries awaited at most at once while replaying as fast as possible.
const IN_FLIGHT: usize = 1_000;
/// How often progress is reported.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Writes `records` of `topic` to `path` as JSON lines, reading again in full the values
/// the live view kept cut (blocking). Returns how many were written.
pub fn save(
    config: &ClientConfig,
    topic: &str,
    records: Vec<Record>,
    path: &Path,
) -> Result<usize, String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let n = records.len();
    for r in records {
        let r = if r.value_size.is_some() {
            tail::fetch_one(
                config.clone(),
                topic,
                r.partition,
                r.offset,
                Duration::from_secs(10),
            )
            .map_err(|e| {
                format!(
                    "reading {topic} [{}] @ {} whole: {e}",
                    r.partition, r.offset
                )
            })?
        } else {
            r
        };
        writeln!(out, "{}", jsonl::to_line(topic, &r))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    out.flush()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(n)
}

/// What to replay, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaySpec {
    /// The file of JSON lines.
    pub path: PathBuf,
    /// The topic to write to.
    pub topic: String,
    /// Send each message to the partition it was saved from (else the partitioner picks).
    pub keep_partitions: bool,
    /// Keep each message's timestamp (else the producer stamps it now).
    pub keep_timestamps: bool,
    /// Messages a second; `None` for as fast as the cluster takes them.
    pub rate: Option<f64>,
}

/// How a replay is going, or how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayProgress {
    /// Messages in the file.
    pub total: usize,
    /// Delivered.
    pub sent: usize,
    /// Not delivered, or not readable from the file.
    pub failed: usize,
    /// The failure of the earliest line, with its line number.
    pub first_error: Option<String>,
    /// The line `first_error` is about (what keeps it the earliest one).
    first_line: usize,
    /// The replay is over.
    pub done: bool,
}

impl ReplayProgress {
    /// A replay that ended before its first message: `e` says why.
    pub fn failed_before_start(e: &str) -> Self {
        let mut p = Self::default();
        p.fail(0, e);
        p.done = true;
        p
    }

    /// Counts a failure of line `line` (1-based; 0 for the file as a whole). Deliveries
    /// settle out of order, so the failure kept is the earliest line's, not the first seen.
    fn fail(&mut self, line: usize, e: &str) {
        self.failed += 1;
        if self.first_error.is_none() || line < self.first_line {
            self.first_line = line;
            self.first_error = Some(match line {
                0 => e.to_string(),
                n => format!("line {n}: {e}"),
            });
        }
    }
}

/// One line of a replayed file: its number (from 1) and the message, or why it is not one.
pub type Line = (usize, Result<Saved, String>);

/// Reads a file of JSON lines: each non-blank line's number with its message, or why it
/// is not readable.
pub fn read(path: &Path) -> Result<Vec<Line>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(i, line)| (i + 1, jsonl::parse_line(line)))
        .collect())
}

fn enqueue(
    producer: &FutureProducer,
    spec: &ReplaySpec,
    m: &Saved,
) -> Result<DeliveryFuture, KafkaError> {
    let mut headers = OwnedHeaders::new_with_capacity(m.headers.len());
    for (k, v) in &m.headers {
        headers = headers.insert(Header {
            key: k,
            value: v.as_deref(),
        });
    }
    let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(&spec.topic).headers(headers);
    if let Some(k) = &m.key {
        record = record.key(k);
    }
    if let Some(v) = &m.value {
        record = record.payload(v);
    }
    if spec.keep_partitions {
        if let Some(p) = m.partition {
            record = record.partition(p);
        }
    }
    if spec.keep_timestamps {
        if let Some(t) = m.timestamp {
            record = record.timestamp(t);
        }
    }
    producer.send_result(record).map_err(|(e, _)| e)
}

/// The producer's queue is full: a delivery must settle before more can be enqueued.
fn queue_full(e: &KafkaError) -> bool {
    e.rdkafka_error_code() == Some(RDKafkaErrorCode::QueueFull)
}

/// Waits for the delivery of line `line` and counts it.
async fn settle((line, f): (usize, DeliveryFuture), p: &mut ReplayProgress) {
    let outcome: Result<OwnedDeliveryResult, _> = f.await;
    match outcome {
        Ok(Ok(_)) => p.sent += 1,
        Ok(Err((e, _))) => p.fail(line, &e.to_string()),
        Err(_) => p.fail(line, "delivery report lost"),
    }
}

/// Tells `progress` how it goes, at most every `PROGRESS_EVERY`.
fn report_now_and_then(last: &mut Instant, p: &ReplayProgress, progress: &impl Fn(ReplayProgress)) {
    if last.elapsed() >= PROGRESS_EVERY {
        *last = Instant::now();
        progress(p.clone());
    }
}

/// Replays `spec` with `producer`, telling `progress` how it goes (at most every 100 ms)
/// and once more when it is over.
pub async fn replay(producer: FutureProducer, spec: ReplaySpec, progress: impl Fn(ReplayProgress)) {
    let path = spec.path.clone();
    let lines = match tokio::task::spawn_blocking(move || read(&path)).await {
        Ok(Ok(lines)) => lines,
        Ok(Err(e)) => return progress(ReplayProgress::failed_before_start(&e)),
        Err(e) => return progress(ReplayProgress::failed_before_start(&e.to_string())),
    };
    let mut p = ReplayProgress {
        total: lines.len(),
        ..Default::default()
    };
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut pending: VecDeque<(usize, DeliveryFuture)> = VecDeque::new();
    for (i, (n, line)) in lines.iter().enumerate() {
        if let Some(rate) = spec.rate {
            let due = started + Duration::from_secs_f64(i as f64 / rate);
            tokio::time::sleep_until(due.into()).await;
        }
        match line {
            Err(e) => p.fail(*n, e),
            Ok(m) => loop {
                match enqueue(&producer, &spec, m) {
                    Ok(f) => {
                        pending.push_back((*n, f));
                        break;
                    }
                    // Only a full queue is worth waiting out; any other refusal (an
                    // unknown partition, a message too large) is this line's failure.
                    Err(e) if queue_full(&e) && !pending.is_empty() => {
                        if let Some(f) = pending.pop_front() {
                            settle(f, &mut p).await;
                        }
                    }
                    Err(e) => {
                        p.fail(*n, &e.to_string());
                        break;
                    }
                }
            },
        }
        // At a set rate each message is delivered before the next is due.
        while pending.len() > IN_FLIGHT || (spec.rate.is_some() && !pending.is_empty()) {
            let Some(f) = pending.pop_front() else { break };
            settle(f, &mut p).await;
        }
        report_now_and_then(&mut last_report, &p, &progress);
    }
    while let Some(f) = pending.pop_front() {
        settle(f, &mut p).await;
        report_now_and_then(&mut last_report, &p, &progress);
    }
    p.done = true;
    progress(p);
}
