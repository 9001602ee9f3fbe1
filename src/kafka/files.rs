//! Messages to and from files: the live view's messages saved as JSON lines (values that
//! were kept cut are read again whole first), and a file of JSON lines (ours or kcat -J's)
//! replayed into a topic at a chosen rate, with progress and a final report.

use std::collections::VecDeque;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::future_producer::OwnedDeliveryResult;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};

use crate::kafka::jsonl::{self, Saved};
pub use crate::kafka::messages::{ReplayProgress, ReplaySpec};
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
    let mut p = ReplayProgress::starting(lines.len());
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
