//! Group members the dashboard runs itself: each a thread with its own librdkafka
//! consumer that subscribes, consumes, commits, counts what it read per partition, and
//! leaves the group cleanly when removed or when the dashboard exits.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::Message;

use crate::kafka::client::ClientSettings;
use crate::kafka::messages::KafkaEvent;
pub use crate::kafka::messages::MemberSpec;
use crate::kafka::model::InAppMember;
use crate::kafka::outbox::Outbox;

/// The server assignor of a consumer-protocol member spec (`consumer:uniform` → `uniform`).
pub fn server_assignor(assignor: &str) -> Option<&str> {
    assignor.strip_prefix("consumer:")
}

/// A running member; `stop_and_join` makes it leave and waits.
#[derive(Debug)]
pub struct MemberHandle {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MemberHandle {
    /// Asks the member to leave its group and waits until it has (blocking).
    pub fn stop_and_join(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a member; its stats arrive as `KafkaEvent::Member`.
pub fn start(
    settings: &ClientSettings,
    id: u64,
    client_id: String,
    spec: MemberSpec,
    events: Outbox,
) -> Result<MemberHandle, String> {
    let mut config = settings.config();
    config
        .set("group.id", &spec.group)
        .set("client.id", &client_id)
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "true")
        .set("auto.commit.interval.ms", "1000")
        .set("fetch.queue.backoff.ms", "10");
    match server_assignor(&spec.assignor) {
        // The coordinator assigns, and sets session timeout and heartbeat interval itself.
        Some(server) => config
            .set("group.protocol", "consumer")
            .set("group.remote.assignor", server),
        None => config
            .set("partition.assignment.strategy", &spec.assignor)
            .set("session.timeout.ms", "10000")
            // Rejoin quickly when the group rebalances, so the demo moves at a human pace.
            .set("heartbeat.interval.ms", "500"),
    };
    let consumer: BaseConsumer = config
        .create()
        .map_err(|e| format!("cannot create member: {e}"))?;
    let topics: Vec<&str> = spec.topics.iter().map(String::as_str).collect();
    consumer
        .subscribe(&topics)
        .map_err(|e| format!("cannot subscribe to {}: {e}", spec.topics.join(",")))?;
    let stop = Arc::new(AtomicBool::new(false));
    let stop_flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name(format!("member-{client_id}"))
        .spawn(move || run(consumer, id, client_id, spec, events, &stop_flag))
        .map_err(|e| format!("cannot start member thread: {e}"))?;
    Ok(MemberHandle {
        stop,
        thread: Some(thread),
    })
}

/// The member id the group coordinator gave `consumer` ("" before it has joined).
fn member_id(consumer: &BaseConsumer) -> String {
    let rk = consumer.client().native_ptr();
    // SAFETY: `rk` is the live handle of `consumer`; rd_kafka_memberid returns a string
    // the caller owns (or null), freed here once with rd_kafka_mem_free.
    unsafe {
        let p = rdkafka_sys::rd_kafka_memberid(rk);
        if p.is_null() {
            return String::new();
        }
        let id = std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned();
        rdkafka_sys::rd_kafka_mem_free(rk, p.cast());
        id
    }
}

fn run(
    consumer: BaseConsumer,
    id: u64,
    client_id: String,
    spec: MemberSpec,
    events: Outbox,
    stop: &AtomicBool,
) {
    let mut read: BTreeMap<(String, i32), u64> = BTreeMap::new();
    let mut last_report = Instant::now();
    let report =
        |read: &BTreeMap<(String, i32), u64>, running: bool, member_id: &str| InAppMember {
            id,
            group: spec.group.clone(),
            client_id: client_id.clone(),
            member_id: member_id.to_string(),
            assignor: spec.assignor.clone(),
            read: read.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            running,
        };
    let mut id_now = member_id(&consumer);
    let _ = events.send(KafkaEvent::Member(report(&read, true, &id_now)));
    while !stop.load(Ordering::Relaxed) {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(m)) => {
                *read
                    .entry((m.topic().to_string(), m.partition()))
                    .or_default() += 1
            }
            Some(Err(e)) => tracing::debug!(member = %client_id, "poll: {e}"),
            None => {}
        }
        if last_report.elapsed() >= Duration::from_millis(500) {
            last_report = Instant::now();
            // The id changes when the member joins (and rejoins after being fenced).
            id_now = member_id(&consumer);
            let _ = events.send(KafkaEvent::Member(report(&read, true, &id_now)));
        }
    }
    // Leave cleanly: unsubscribe sends LeaveGroup and revokes; serve the revoke by
    // polling, then close with nothing assigned (closing mid-rebalance can hang).
    let _ = consumer.commit_consumer_state(rdkafka::consumer::CommitMode::Sync);
    consumer.unsubscribe();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline
        && consumer
            .assignment()
            .map(|a| a.count() > 0)
            .unwrap_or(false)
    {
        let _ = consumer.poll(Duration::from_millis(50));
    }
    drop(consumer);
    tracing::info!(member = %client_id, group = %spec.group, "in-app member left its group");
    let _ = events.send(KafkaEvent::Member(report(&read, false, &id_now)));
}
