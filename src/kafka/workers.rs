//! The Kafka side of the dashboard: one task takes commands from the app and hands each
//! to a task, thread or client of its own (admin calls, produces, metadata reads, the
//! live view, the group watcher, in-app members), so no command waits behind another;
//! answers go back through an [`Outbox`], which never waits on the UI.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use tokio::sync::mpsc;

use crate::kafka::admin::{self, Admin, Outcome};
use crate::kafka::client::ClientSettings;
use crate::kafka::files;
use crate::kafka::groups;
use crate::kafka::members::{self, MemberHandle};
use crate::kafka::messages::{KafkaCommand, KafkaEvent, MemberSpec, ReplaySpec, StartFrom};
use crate::kafka::metadata::{self, Marks};
use crate::kafka::model::{Delivery, OutgoingMessage, Record};
use crate::kafka::outbox::Outbox;
use crate::kafka::partitioner::Partitioner;
use crate::kafka::probe::{self, ProbingContext};
use crate::kafka::registry::client::RegistryClient;
use crate::kafka::registry::composer_calls::{self, ComposerCall};
use crate::kafka::registry::fetcher::SchemaFetcher;
use crate::kafka::tail::{self, TailHandle};

/// How often the topic list is re-read.
const REFRESH_EVERY: Duration = Duration::from_secs(2);
/// Commands queued from the UI at most.
const COMMANDS: usize = 256;
/// Events in the UI's channel at most (more wait, merged, in the outbox).
pub const EVENTS: usize = 1024;

/// The app's ends of the worker channels.
#[derive(Debug)]
pub struct Workers {
    /// Commands to the workers (bounded; `try_send` from the UI).
    pub commands: mpsc::Sender<KafkaCommand>,
    /// Events from the workers.
    pub events: mpsc::Receiver<KafkaEvent>,
}

/// Starts the workers on the current tokio runtime.
pub fn spawn(settings: ClientSettings, watch: groups::WatchConfig) -> Workers {
    spawn_with_capacity(settings, watch, EVENTS)
}

/// Like [`spawn`], with a schema registry to decode framed records through.
pub fn spawn_with_registry(
    settings: ClientSettings,
    watch: groups::WatchConfig,
    registry: Option<RegistryClient>,
) -> Workers {
    spawn_full(settings, watch, EVENTS, registry)
}

/// Like [`spawn`], with room for `events` events in the UI's channel (tests use a small
/// one to see the workers go on while the UI does not read).
pub fn spawn_with_capacity(
    settings: ClientSettings,
    watch: groups::WatchConfig,
    events: usize,
) -> Workers {
    spawn_full(settings, watch, events, None)
}

fn spawn_full(
    settings: ClientSettings,
    watch: groups::WatchConfig,
    events: usize,
    registry: Option<RegistryClient>,
) -> Workers {
    let (cmd_tx, cmd_rx) = mpsc::channel(COMMANDS);
    let (ev_tx, ev_rx) = mpsc::channel(events.max(1));
    let outbox = Outbox::new(ev_tx);
    let schemas = registry.map(SchemaFetcher::new);
    tokio::spawn(dispatch(
        (settings, watch, schemas),
        cmd_rx,
        outbox,
        cmd_tx.clone(),
    ));
    Workers {
        commands: cmd_tx,
        events: ev_rx,
    }
}

/// A, B, ..., Z, AA, AB, ... for in-app member names.
fn member_letter(mut n: u64) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Sends replay progress to the app without holding the replay up (the outbox keeps only
/// the newest progress while the UI is behind, and every final report).
fn progress_to(events: Outbox) -> impl Fn(files::ReplayProgress) {
    move |p| {
        let _ = events.send(KafkaEvent::Replay(p));
    }
}

/// Sends one message with `producer` and reports its delivery under `id`.
async fn produce(producer: FutureProducer, id: u64, message: OutgoingMessage, events: Outbox) {
    let started = Instant::now();
    let mut headers = OwnedHeaders::new_with_capacity(message.headers.len());
    for (k, v) in &message.headers {
        headers = headers.insert(Header {
            key: k,
            value: Some(v),
        });
    }
    let mut record: FutureRecord<'_, [u8], [u8]> =
        FutureRecord::to(&message.topic).headers(headers);
    if let Some(k) = &message.key {
        record = record.key(k);
    }
    if let Some(v) = &message.value {
        record = record.payload(v);
    }
    if let Some(p) = message.partition {
        record = record.partition(p);
    }
    let result = producer
        .send(record, Duration::from_secs(30))
        .await
        .map(|d| (d.partition, d.offset))
        .map_err(|(e, _)| e.to_string());
    let d = Delivery {
        topic: message.topic.clone(),
        result,
        latency: started.elapsed(),
    };
    let _ = events.send(KafkaEvent::Delivered(id, d));
}

/// Probes the cluster with the own client as the dashboard starts, so a cluster that
/// cannot be reached is named within seconds, not after librdkafka's metadata timeout.
fn probe_at_start(settings: ClientSettings, events: Outbox) {
    tokio::task::spawn_blocking(move || {
        if let Err(f) = probe::probe(&settings, probe::STEP_TIMEOUT) {
            tracing::warn!("{f}");
            let _ = events.send(KafkaEvent::Unreachable(probe::said(&settings, &f)));
        }
    });
}

/// The event for a failed metadata read: the cause in words when a probe (or
/// librdkafka's text) tells it, else librdkafka's error as it is.
async fn explained(settings: ClientSettings, error: String) -> KafkaEvent {
    tracing::warn!("cannot read the cluster: {error}");
    let raw = error.clone();
    let words = tokio::task::spawn_blocking(move || probe::explain(&settings, &raw))
        .await
        .ok()
        .flatten();
    match words {
        Some(w) => KafkaEvent::Unreachable(w),
        None => KafkaEvent::Topics(Err(error)),
    }
}

/// Asks for a topic re-read every [`REFRESH_EVERY`] through the command path.
fn refresh_now_and_then(commands: mpsc::Sender<KafkaCommand>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(REFRESH_EVERY);
        loop {
            every.tick().await;
            if commands.send(KafkaCommand::RefreshTopics).await.is_err() {
                return;
            }
        }
    });
}

async fn dispatch(
    (settings, watch, schemas): (ClientSettings, groups::WatchConfig, Option<SchemaFetcher>),
    mut commands: mpsc::Receiver<KafkaCommand>,
    events: Outbox,
    self_tx: mpsc::Sender<KafkaCommand>,
) {
    let (refresh_done_tx, mut refresh_done) = mpsc::channel::<()>(1);
    let mut worker = Worker::new(settings, watch, events, refresh_done_tx);
    worker.schemas = schemas;
    refresh_now_and_then(self_tx);
    loop {
        let cmd = tokio::select! {
            c = commands.recv() => match c { Some(c) => c, None => return },
            Some(()) = refresh_done.recv() => { worker.refreshing = false; continue; }
        };
        if let KafkaCommand::Shutdown(done) = cmd {
            worker.shutdown().await;
            let _ = done.send(());
            return;
        }
        worker.handle(cmd);
    }
}

/// What the command task holds: the clients it made, and what runs on its behalf.
struct Worker {
    settings: ClientSettings,
    events: Outbox,
    /// The metadata client, or why it could not be made.
    metadata: Result<Arc<metadata::MetadataClient>, String>,
    /// The admin client, or why it could not be made.
    admin: Result<Arc<Admin>, String>,
    /// One producer per partitioner (made on first use).
    producers: HashMap<&'static str, FutureProducer>,
    tail: Option<TailHandle>,
    watcher: groups::GroupWatcher,
    members: HashMap<u64, MemberHandle>,
    next_member: u64,
    marks: Arc<Marks>,
    /// A periodic metadata read is running (one at a time; a slow cluster must not pile
    /// them up).
    refreshing: bool,
    refresh_done: mpsc::Sender<()>,
    /// The schema registry's fetcher, when one is configured.
    schemas: Option<SchemaFetcher>,
}

impl Worker {
    fn new(
        settings: ClientSettings,
        watch: groups::WatchConfig,
        events: Outbox,
        refresh_done: mpsc::Sender<()>,
    ) -> Worker {
        let config = settings.config();
        let metadata = config
            .create_with_context(ProbingContext::new(settings.clone(), events.clone()))
            .map(Arc::new)
            .map_err(|e| format!("cannot create a client: {e}"));
        match &metadata {
            Ok(md) => metadata::serve_events(md),
            Err(e) => {
                let _ = events.send(KafkaEvent::Topics(Err(e.clone())));
            }
        }
        let admin = config
            .create()
            .map(Arc::new)
            .map_err(|e| format!("cannot create an admin client: {e}"));
        let watcher = groups::start(&settings, watch, events.clone());
        probe_at_start(settings.clone(), events.clone());
        Worker {
            settings,
            events,
            metadata,
            admin,
            producers: HashMap::new(),
            tail: None,
            watcher,
            members: HashMap::new(),
            next_member: 0,
            marks: Arc::default(),
            refreshing: false,
            refresh_done,
            schemas: None,
        }
    }

    /// Starts what `cmd` asks for; never waits for it to finish.
    fn handle(&mut self, cmd: KafkaCommand) {
        use KafkaCommand as C;
        match cmd {
            C::RefreshTopics => self.refresh(),
            C::CreateTopic {
                name,
                partitions,
                replication,
                configs,
            } => {
                let what = format!("create {name}");
                // Re-read so the new topic shows at once.
                self.admin_call(&what, true, move |a| {
                    admin::create_topic(a, name, partitions, replication, configs)
                });
            }
            C::AddPartitions { topic, total } => {
                let what = format!("add partitions to {topic}");
                self.admin_call(&what, false, |a| admin::add_partitions(a, topic, total));
            }
            C::DeleteTopic(name) => {
                let what = format!("delete {name}");
                self.admin_call(&what, false, |a| admin::delete_topic(a, name));
            }
            C::DeleteGroup(group) => {
                let what = format!("delete group {group}");
                self.admin_call(&what, false, |a| admin::delete_group(a, group));
            }
            C::ResetOffsets { group, to } => {
                let settings = self.settings.clone();
                self.blocking_admin(move || admin::reset_offsets(&settings, &group, to));
            }
            C::Produce {
                id,
                message,
                partitioner,
            } => self.produce(id, message, partitioner),
            C::Tail {
                topic,
                from,
                value_limit,
            } => self.start_tail(topic, from, value_limit),
            C::PauseTail(p) => self.tail.iter().for_each(|t| t.pause(p)),
            C::GrowTail(n) => self.tail.iter().for_each(|t| t.grow(n)),
            C::FetchOne {
                topic,
                partition,
                offset,
            } => self.fetch_one(topic, partition, offset),
            C::Save {
                topic,
                records,
                path,
            } => self.save(topic, records, path),
            C::Replay(spec) => self.replay(spec),
            C::FetchSchema(id) => match &self.schemas {
                Some(f) => f.fetch(id, self.events.clone()),
                None => {
                    let answer = Err("no schema registry configured".to_string());
                    let _ = self
                        .events
                        .send(KafkaEvent::Schema(id, std::sync::Arc::new(answer)));
                }
            },
            C::ListSubjects => self.composer_call(ComposerCall::Subjects),
            C::ChooseSchema(c) => self.composer_call(ComposerCall::Choose(c)),
            C::RegisterSchema(s) => self.composer_call(ComposerCall::Register(s)),
            C::WatchGroup(g) => self.watcher.choose(g),
            C::AddMember(spec) => self.add_member(spec),
            C::RemoveMember(id) => self.remove_member(id),
            C::Shutdown(done) => {
                // Handled by the loop, which waits for the members to leave.
                let _ = done.send(());
            }
        }
    }

    /// A registry call of the composer's, or the answer that there is no registry.
    fn composer_call(&self, call: ComposerCall) {
        let Some(f) = &self.schemas else {
            let _ = self.events.send(composer_calls::unconfigured(call));
            return;
        };
        let events = self.events.clone();
        match call {
            ComposerCall::Subjects => f.list_subjects(events),
            ComposerCall::Choose(c) => f.choose(c, events),
            ComposerCall::Register(s) => f.register(s, events),
        }
    }

    /// Re-reads the topic list, unless a read is still running.
    fn refresh(&mut self) {
        if self.refreshing {
            return;
        }
        // Without a metadata client there is nothing to read; why was said at the start,
        // and saying it again every refresh would hide every other error in the status.
        let Ok(metadata) = self.metadata.clone() else {
            return;
        };
        self.refreshing = true;
        let (events, marks, done, settings) = (
            self.events.clone(),
            self.marks.clone(),
            self.refresh_done.clone(),
            self.settings.clone(),
        );
        tokio::spawn(async move {
            match metadata::read(metadata, marks).await {
                Err(e) => {
                    let _ = events.send(explained(settings, e).await);
                }
                read => metadata::send_cluster(&events, read),
            }
            let _ = done.send(()).await;
        });
    }

    /// Runs an admin call on a task of its own and reports its outcome (then re-reads
    /// the topic list if `reread`); without an admin client, says so at once.
    fn admin_call<F, Fut>(&self, what: &str, reread: bool, call: F)
    where
        F: FnOnce(Arc<Admin>) -> Fut,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        let admin = match &self.admin {
            Ok(a) => a.clone(),
            Err(e) => {
                let _ = self
                    .events
                    .send(KafkaEvent::Admin(Err(format!("{what}: {e}"))));
                return;
            }
        };
        let running = call(admin);
        let events = self.events.clone();
        let after = reread
            .then(|| self.metadata.clone().ok())
            .flatten()
            .map(|md| (md, self.marks.clone()));
        tokio::spawn(async move {
            let _ = events.send(KafkaEvent::Admin(running.await));
            if let Some((md, marks)) = after {
                metadata::read_and_send(md, marks, &events).await;
            }
        });
    }

    /// Runs a blocking admin call on a thread of the blocking pool and reports it.
    fn blocking_admin(&self, call: impl FnOnce() -> Outcome + Send + 'static) {
        let events = self.events.clone();
        tokio::spawn(async move {
            let outcome = tokio::task::spawn_blocking(call)
                .await
                .unwrap_or_else(|e| Err(format!("admin task failed: {e}")));
            let _ = events.send(KafkaEvent::Admin(outcome));
        });
    }

    /// Sends one message on a task of its own; the producer for its partitioner is made
    /// on first use, and a producer that cannot be made is the send's failed report.
    fn produce(&mut self, id: u64, message: OutgoingMessage, partitioner: Partitioner) {
        let name = partitioner.config_name();
        if !self.producers.contains_key(name) {
            // Idempotent: a retry after a leader change never writes a message twice,
            // and reports for one partition come in offset order.
            let made = self
                .settings
                .config_with_defaults(&[("enable.idempotence", "true"), ("linger.ms", "0")])
                .set("partitioner", name)
                .create::<FutureProducer>();
            match made {
                Ok(p) => {
                    self.producers.insert(name, p);
                }
                Err(e) => {
                    let d = Delivery {
                        topic: message.topic.clone(),
                        result: Err(e.to_string()),
                        latency: Duration::ZERO,
                    };
                    let _ = self.events.send(KafkaEvent::Delivered(id, d));
                    return;
                }
            }
        }
        let producer = self.producers[name].clone();
        tokio::spawn(produce(producer, id, message, self.events.clone()));
    }

    /// (Re)starts the live view; the old consumer stops before the new one starts.
    fn start_tail(&mut self, topic: String, from: StartFrom, value_limit: usize) {
        drop(self.tail.take());
        self.tail = Some(tail::start(
            self.settings.config(),
            topic,
            from,
            value_limit,
            self.events.clone(),
        ));
    }

    /// Reads one record in full for the detail view.
    fn fetch_one(&self, topic: String, partition: i32, offset: i64) {
        let config = self.settings.config();
        let events = self.events.clone();
        tokio::spawn(async move {
            let read = tokio::task::spawn_blocking(move || {
                tail::fetch_one(config, &topic, partition, offset, Duration::from_secs(10))
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            let _ = events.send(KafkaEvent::FullRecord(read));
        });
    }

    /// Saves messages to a file as JSON lines.
    fn save(&self, topic: String, records: Vec<Record>, path: std::path::PathBuf) {
        let config = self.settings.config();
        let events = self.events.clone();
        tokio::spawn(async move {
            let shown = path.display().to_string();
            let saved =
                tokio::task::spawn_blocking(move || files::save(&config, &topic, records, &path))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
                    .map(|n| {
                        let s = if n == 1 { "" } else { "s" };
                        format!("saved {n} message{s} to {shown}")
                    });
            let _ = events.send(KafkaEvent::Saved(saved));
        });
    }

    /// Replays a file into a topic with a producer of its own, idempotent so a retry
    /// never writes twice.
    fn replay(&self, spec: ReplaySpec) {
        let producer = self
            .settings
            .config_with_defaults(&[("enable.idempotence", "true"), ("linger.ms", "5")])
            .create::<FutureProducer>();
        match producer {
            Ok(producer) => {
                tokio::spawn(files::replay(
                    producer,
                    spec,
                    progress_to(self.events.clone()),
                ));
            }
            Err(e) => {
                let p = files::ReplayProgress::failed_before_start(&e.to_string());
                let _ = self.events.send(KafkaEvent::Replay(p));
            }
        }
    }

    /// Starts an in-app member.
    fn add_member(&mut self, spec: MemberSpec) {
        let id = self.next_member;
        self.next_member += 1;
        let client_id = format!("kafka-dash-{}", member_letter(id));
        let started = members::start(
            &self.settings,
            id,
            client_id.clone(),
            spec.clone(),
            self.events.clone(),
        );
        let said = match started {
            Ok(h) => {
                self.members.insert(id, h);
                Ok(format!(
                    "{client_id} joins {} ({})",
                    spec.group, spec.assignor
                ))
            }
            Err(e) => Err(e),
        };
        let _ = self.events.send(KafkaEvent::Admin(said));
    }

    /// Makes an in-app member leave; one that is not running is said to be gone.
    fn remove_member(&mut self, id: u64) {
        match self.members.remove(&id) {
            // Leaving takes a moment (LeaveGroup, revoke); never on this task.
            Some(h) => drop(tokio::task::spawn_blocking(move || h.stop_and_join())),
            None => {
                let who = format!("kafka-dash-{}", member_letter(id));
                let gone = format!("{who} is not running: it has already left its group");
                let _ = self.events.send(KafkaEvent::Admin(Err(gone)));
            }
        }
    }

    /// Stops the live view and makes the in-app members leave (waits for them).
    async fn shutdown(&mut self) {
        drop(self.tail.take());
        let leaving: Vec<MemberHandle> = self.members.drain().map(|(_, h)| h).collect();
        let _ = tokio::task::spawn_blocking(move || {
            leaving.into_iter().for_each(MemberHandle::stop_and_join)
        })
        .await;
    }
}
