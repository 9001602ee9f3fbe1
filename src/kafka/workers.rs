//! The Kafka side of the dashboard: one task takes commands from the app and answers with
//! events; admin calls and metadata reads run off the UI task.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewPartitions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use tokio::sync::mpsc;

use crate::kafka::client::ClientSettings;
use crate::kafka::files;
use crate::kafka::groups;
use crate::kafka::members::{self, MemberHandle};
use crate::kafka::messages::{KafkaCommand, KafkaEvent, ResetTo};
use crate::kafka::model::{BrokerInfo, Delivery, PartitionMeta, TopicInfo};
use crate::kafka::tail::{self, TailHandle};
use crate::kafka::watermarks;

/// How often the topic list is re-read.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

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
    let (cmd_tx, cmd_rx) = mpsc::channel(256);
    let (ev_tx, ev_rx) = mpsc::channel(1024);
    tokio::spawn(dispatch(settings, watch, cmd_rx, ev_tx, cmd_tx.clone()));
    Workers {
        commands: cmd_tx,
        events: ev_rx,
    }
}

/// Every partition's low and high watermark as last read, kept between refreshes.
type Marks = std::sync::Mutex<HashMap<(String, i32), (i64, i64)>>;

/// Merges a read of watermarks into those kept: a partition that did not answer this
/// time keeps its last figures (a slow batch does not blank them), and partitions no
/// longer in `all` are forgotten. Returns the figures to show.
fn remember_marks(
    kept: &Marks,
    all: &[(&str, i32)],
    read: HashMap<(String, i32), (i64, i64)>,
) -> HashMap<(String, i32), (i64, i64)> {
    let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    kept.extend(read);
    let now: std::collections::HashSet<(&str, i32)> = all.iter().copied().collect();
    kept.retain(|(t, p), _| now.contains(&(t.as_str(), *p)));
    kept.clone()
}

/// The cluster as one metadata answer describes it.
type ClusterRead = Result<(Vec<BrokerInfo>, Vec<TopicInfo>), String>;

/// Reads brokers and topics with each partition's leader, replicas, in-sync replicas and
/// watermarks (blocking).
fn read_cluster(consumer: &BaseConsumer, kept: &Marks) -> ClusterRead {
    let md = consumer
        .fetch_metadata(None, Duration::from_secs(5))
        .map_err(|e| e.to_string())?;
    let mut brokers: Vec<BrokerInfo> = md
        .brokers()
        .iter()
        .map(|b| BrokerInfo {
            id: b.id(),
            host: b.host().to_string(),
            port: b.port(),
        })
        .collect();
    brokers.sort_by_key(|b| b.id);
    let all: Vec<(&str, i32)> = md
        .topics()
        .iter()
        .flat_map(|t| t.partitions().iter().map(move |p| (t.name(), p.id())))
        .collect();
    let marks = remember_marks(
        kept,
        &all,
        watermarks::read(consumer, &all, Duration::from_secs(3)),
    );
    let mut topics: Vec<TopicInfo> = md
        .topics()
        .iter()
        .map(|t| {
            let mut partition_meta: Vec<PartitionMeta> = t
                .partitions()
                .iter()
                .map(|p| {
                    let mark = marks.get(&(t.name().to_string(), p.id()));
                    PartitionMeta {
                        id: p.id(),
                        leader: p.leader(),
                        replicas: p.replicas().to_vec(),
                        isr: p.isr().to_vec(),
                        low: mark.map(|m| m.0),
                        high: mark.map(|m| m.1),
                    }
                })
                .collect();
            partition_meta.sort_by_key(|p| p.id);
            let messages = partition_meta
                .iter()
                .try_fold(0i64, |sum, p| Some(sum + (p.high? - p.low?).max(0)));
            TopicInfo {
                name: t.name().to_string(),
                partitions: t.partitions().len() as i32,
                replication: t.partitions().first().map_or(0, |p| p.replicas().len()),
                // Kafka's internal topics are the double-underscore ones.
                internal: t.name().starts_with("__"),
                messages,
                partition_meta,
            }
        })
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((brokers, topics))
}

/// Sends what a cluster read found: the brokers, then the topics (or the error).
async fn send_cluster(events: &mpsc::Sender<KafkaEvent>, read: ClusterRead) {
    match read {
        Ok((brokers, topics)) => {
            let _ = events.send(KafkaEvent::Brokers(brokers)).await;
            let _ = events.send(KafkaEvent::Topics(Ok(topics))).await;
        }
        Err(e) => {
            let _ = events.send(KafkaEvent::Topics(Err(e))).await;
        }
    }
}

/// Turns one admin call's result into what the status bar says.
fn admin_outcome<T>(
    result: rdkafka::error::KafkaResult<Vec<Result<T, (String, rdkafka::types::RDKafkaErrorCode)>>>,
    done: String,
    what: String,
) -> Result<String, String> {
    match result.map(|mut r| r.remove(0)) {
        Ok(Ok(_)) => Ok(done),
        Ok(Err((_, code))) => Err(format!("{what}: {code}")),
        Err(e) => Err(format!("{what}: {e}")),
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

/// Commits new offsets for every partition the group has committed, as
/// `kafka-consumer-groups.sh --reset-offsets --all-topics --execute` does; refused while
/// the group has active members.
fn reset_offsets(settings: &ClientSettings, group: &str, to: ResetTo) -> Result<String, String> {
    use rdkafka::consumer::CommitMode;
    use rdkafka::{Offset, TopicPartitionList};
    let timeout = Duration::from_secs(5);
    let consumer: BaseConsumer = settings
        .config()
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .map_err(|e| e.to_string())?;
    let list = consumer
        .fetch_group_list(Some(group), timeout)
        .map_err(|e| e.to_string())?;
    if let Some(g) = list.groups().first() {
        if !g.members().is_empty() {
            return Err(format!(
                "{group} has {} active members: offsets can only be reset while it is inactive",
                g.members().len()
            ));
        }
    }
    let md = consumer
        .fetch_metadata(None, timeout)
        .map_err(|e| e.to_string())?;
    let mut all = TopicPartitionList::new();
    for t in md.topics().iter().filter(|t| !t.name().starts_with("__")) {
        for p in t.partitions() {
            all.add_partition(t.name(), p.id());
        }
    }
    let committed = consumer
        .committed_offsets(all, timeout)
        .map_err(|e| e.to_string())?;
    let mut target = TopicPartitionList::new();
    for e in committed
        .elements()
        .iter()
        .filter(|e| matches!(e.offset(), Offset::Offset(_)))
    {
        let (low, high) = consumer
            .fetch_watermarks(e.topic(), e.partition(), timeout)
            .map_err(|e| e.to_string())?;
        let offset = match to {
            ResetTo::Earliest => low,
            ResetTo::Latest => high,
            ResetTo::Offset(o) => o.clamp(low, high),
            ResetTo::Time(ts) => {
                let mut q = TopicPartitionList::new();
                q.add_partition_offset(e.topic(), e.partition(), Offset::Offset(ts))
                    .map_err(|e| e.to_string())?;
                match consumer
                    .offsets_for_times(q, timeout)
                    .map_err(|e| e.to_string())?
                    .elements()[0]
                    .offset()
                {
                    Offset::Offset(o) => o,
                    _ => high,
                }
            }
        };
        target
            .add_partition_offset(e.topic(), e.partition(), Offset::Offset(offset))
            .map_err(|e| e.to_string())?;
    }
    if target.count() == 0 {
        return Err(format!("{group} has no committed offsets to reset"));
    }
    consumer
        .commit(&target, CommitMode::Sync)
        .map_err(|e| format!("reset {group}: {e}"))?;
    Ok(format!("reset {} partitions of {group}", target.count()))
}

/// Sends replay progress to the app without holding the replay up: a report that finds
/// the channel full is skipped, unless it is the last.
fn progress_to(events: mpsc::Sender<KafkaEvent>) -> impl Fn(files::ReplayProgress) {
    move |p| {
        let event = KafkaEvent::Replay(p.clone());
        if p.done {
            let events = events.clone();
            tokio::spawn(async move {
                let _ = events.send(event).await;
            });
        } else {
            let _ = events.try_send(event);
        }
    }
}

async fn dispatch(
    settings: ClientSettings,
    watch: groups::WatchConfig,
    mut commands: mpsc::Receiver<KafkaCommand>,
    events: mpsc::Sender<KafkaEvent>,
    self_tx: mpsc::Sender<KafkaCommand>,
) {
    let config = settings.config();
    let metadata: Option<std::sync::Arc<BaseConsumer>> = match config.create() {
        Ok(c) => Some(std::sync::Arc::new(c)),
        Err(e) => {
            let _ = events
                .send(KafkaEvent::Topics(Err(format!(
                    "cannot create a client: {e}"
                ))))
                .await;
            None
        }
    };
    let admin: Option<AdminClient<DefaultClientContext>> = config.create().ok();
    let mut producers: HashMap<&'static str, FutureProducer> = HashMap::new();
    let mut tail: Option<TailHandle> = None;
    let watcher = groups::start(&settings, watch, events.clone());
    let mut members: HashMap<u64, MemberHandle> = HashMap::new();
    let mut next_member = 0u64;
    // Periodic refresh goes through the same command path.
    tokio::spawn(async move {
        let mut every = tokio::time::interval(REFRESH_EVERY);
        loop {
            every.tick().await;
            if self_tx.send(KafkaCommand::RefreshTopics).await.is_err() {
                return;
            }
        }
    });
    let marks: std::sync::Arc<Marks> = Default::default();
    let mut refreshing = false;
    let (refresh_done_tx, mut refresh_done) = mpsc::channel::<()>(1);
    loop {
        let cmd = tokio::select! {
            c = commands.recv() => match c { Some(c) => c, None => return },
            Some(()) = refresh_done.recv() => { refreshing = false; continue; }
        };
        match cmd {
            KafkaCommand::RefreshTopics => {
                // One metadata read at a time; a slow cluster must not pile them up.
                if refreshing {
                    continue;
                }
                if let Some(md) = metadata.clone() {
                    refreshing = true;
                    let events = events.clone();
                    let marks = marks.clone();
                    let done = refresh_done_tx.clone();
                    tokio::spawn(async move {
                        let result = tokio::task::spawn_blocking(move || read_cluster(&md, &marks))
                            .await
                            .unwrap_or_else(|e| Err(format!("metadata task failed: {e}")));
                        send_cluster(&events, result).await;
                        let _ = done.send(()).await;
                    });
                }
            }
            KafkaCommand::CreateTopic {
                name,
                partitions,
                replication,
                configs,
            } => {
                let Some(admin) = &admin else { continue };
                let mut topic =
                    NewTopic::new(&name, partitions, TopicReplication::Fixed(replication));
                for (k, v) in &configs {
                    topic = topic.set(k, v);
                }
                let result = admin
                    .create_topics(
                        &[topic],
                        &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
                    )
                    .await;
                let outcome = admin_outcome(
                    result,
                    format!("created topic {name} ({partitions} partitions)"),
                    format!("create {name}"),
                );
                let _ = events.send(KafkaEvent::Admin(outcome)).await;
                if let Some(md) = metadata.clone() {
                    let marks = marks.clone();
                    let read = tokio::task::spawn_blocking(move || read_cluster(&md, &marks))
                        .await
                        .unwrap_or_else(|e| Err(e.to_string()));
                    send_cluster(&events, read).await;
                }
            }
            KafkaCommand::AddPartitions { topic, total } => {
                let Some(admin) = &admin else { continue };
                let result = admin
                    .create_partitions(&[NewPartitions::new(&topic, total)], &AdminOptions::new())
                    .await;
                let outcome = admin_outcome(
                    result,
                    format!("{topic} now has {total} partitions"),
                    format!("add partitions to {topic}"),
                );
                let _ = events.send(KafkaEvent::Admin(outcome)).await;
            }
            KafkaCommand::DeleteTopic(name) => {
                let Some(admin) = &admin else { continue };
                let result = admin.delete_topics(&[&name], &AdminOptions::new()).await;
                let outcome = admin_outcome(
                    result,
                    format!("deleted topic {name}"),
                    format!("delete {name}"),
                );
                let _ = events.send(KafkaEvent::Admin(outcome)).await;
            }
            KafkaCommand::Produce {
                id,
                message,
                partitioner,
            } => {
                let name = partitioner.config_name();
                if !producers.contains_key(name) {
                    // Idempotent: a retry after a leader change never writes a message
                    // twice, and reports for one partition come in offset order.
                    match settings
                        .config_with_defaults(&[("enable.idempotence", "true"), ("linger.ms", "0")])
                        .set("partitioner", name)
                        .create::<FutureProducer>()
                    {
                        Ok(p) => {
                            producers.insert(name, p);
                        }
                        Err(e) => {
                            let d = Delivery {
                                topic: message.topic.clone(),
                                result: Err(e.to_string()),
                                latency: Duration::ZERO,
                            };
                            let _ = events.send(KafkaEvent::Delivered(id, d)).await;
                            continue;
                        }
                    }
                }
                let producer = producers[name].clone();
                let events = events.clone();
                tokio::spawn(async move {
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
                    let _ = events.send(KafkaEvent::Delivered(id, d)).await;
                });
            }
            KafkaCommand::Tail {
                topic,
                from,
                value_limit,
            } => {
                // Stop the old consumer before the new one starts.
                drop(tail.take());
                tail = Some(tail::start(
                    settings.config(),
                    topic,
                    from,
                    value_limit,
                    events.clone(),
                ));
            }
            KafkaCommand::PauseTail(p) => {
                if let Some(t) = &tail {
                    t.pause(p);
                }
            }
            KafkaCommand::FetchOne {
                topic,
                partition,
                offset,
            } => {
                let config = settings.config();
                let events = events.clone();
                tokio::spawn(async move {
                    let read = tokio::task::spawn_blocking(move || {
                        tail::fetch_one(config, &topic, partition, offset, Duration::from_secs(10))
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                    let _ = events.send(KafkaEvent::FullRecord(read)).await;
                });
            }
            KafkaCommand::Save {
                topic,
                records,
                path,
            } => {
                let config = settings.config();
                let events = events.clone();
                tokio::spawn(async move {
                    let shown = path.display().to_string();
                    let saved = tokio::task::spawn_blocking(move || {
                        files::save(&config, &topic, records, &path)
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
                    .map(|n| {
                        let s = if n == 1 { "" } else { "s" };
                        format!("saved {n} message{s} to {shown}")
                    });
                    let _ = events.send(KafkaEvent::Saved(saved)).await;
                });
            }
            KafkaCommand::Replay(spec) => {
                // A producer of its own, idempotent so a retry never writes twice.
                let producer = settings
                    .config_with_defaults(&[("enable.idempotence", "true"), ("linger.ms", "5")])
                    .create::<FutureProducer>();
                let events = events.clone();
                match producer {
                    Ok(producer) => {
                        tokio::spawn(files::replay(producer, spec, progress_to(events)));
                    }
                    Err(e) => {
                        let p = files::ReplayProgress::failed_before_start(&e.to_string());
                        let _ = events.send(KafkaEvent::Replay(p)).await;
                    }
                }
            }
            KafkaCommand::GrowTail(n) => {
                if let Some(t) = &tail {
                    t.grow(n);
                }
            }
            KafkaCommand::WatchGroup(g) => watcher.choose(g),
            KafkaCommand::AddMember(spec) => {
                let id = next_member;
                next_member += 1;
                let client_id = format!("kafka-dash-{}", member_letter(id));
                match members::start(
                    &settings,
                    id,
                    client_id.clone(),
                    spec.clone(),
                    events.clone(),
                ) {
                    Ok(h) => {
                        members.insert(id, h);
                        let _ = events
                            .send(KafkaEvent::Admin(Ok(format!(
                                "{client_id} joins {} ({})",
                                spec.group, spec.assignor
                            ))))
                            .await;
                    }
                    Err(e) => {
                        let _ = events.send(KafkaEvent::Admin(Err(e))).await;
                    }
                }
            }
            KafkaCommand::RemoveMember(id) => {
                if let Some(h) = members.remove(&id) {
                    // Leaving takes a moment (LeaveGroup, revoke); never on this task.
                    tokio::task::spawn_blocking(move || h.stop_and_join());
                }
            }
            KafkaCommand::ResetOffsets { group, to } => {
                let settings = settings.clone();
                let outcome =
                    tokio::task::spawn_blocking(move || reset_offsets(&settings, &group, to))
                        .await
                        .unwrap_or_else(|e| Err(format!("reset task failed: {e}")));
                let _ = events.send(KafkaEvent::Admin(outcome)).await;
            }
            KafkaCommand::DeleteGroup(group) => {
                let Some(admin) = &admin else { continue };
                let result = admin.delete_groups(&[&group], &AdminOptions::new()).await;
                let outcome = admin_outcome(
                    result,
                    format!("deleted group {group}"),
                    format!("delete group {group}"),
                );
                let _ = events.send(KafkaEvent::Admin(outcome)).await;
            }
            KafkaCommand::Shutdown(done) => {
                drop(tail.take());
                let leaving: Vec<MemberHandle> = members.drain().map(|(_, h)| h).collect();
                let _ = tokio::task::spawn_blocking(move || {
                    leaving.into_iter().for_each(MemberHandle::stop_and_join)
                })
                .await;
                let _ = done.send(());
                return;
            }
        }
    }
}
