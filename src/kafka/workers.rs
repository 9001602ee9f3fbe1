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

use crate::action::{KafkaCommand, KafkaEvent};
use crate::kafka::client::ClientSettings;
use crate::kafka::model::{Delivery, TopicInfo};
use crate::kafka::tail::{self, TailHandle};

/// How often the topic list is re-read.
const REFRESH_EVERY: Duration = Duration::from_secs(2);
/// Watermarks are read for the message estimate only up to this many partitions.
const ESTIMATE_MAX_PARTITIONS: usize = 1_000;

/// The app's ends of the worker channels.
#[derive(Debug)]
pub struct Workers {
    /// Commands to the workers (bounded; `try_send` from the UI).
    pub commands: mpsc::Sender<KafkaCommand>,
    /// Events from the workers.
    pub events: mpsc::Receiver<KafkaEvent>,
}

/// Starts the workers on the current tokio runtime.
pub fn spawn(settings: ClientSettings) -> Workers {
    let (cmd_tx, cmd_rx) = mpsc::channel(256);
    let (ev_tx, ev_rx) = mpsc::channel(1024);
    tokio::spawn(dispatch(settings, cmd_rx, ev_tx, cmd_tx.clone()));
    Workers {
        commands: cmd_tx,
        events: ev_rx,
    }
}

/// Reads topics with their partition counts and message estimates (blocking).
fn read_topics(consumer: &BaseConsumer) -> Result<Vec<TopicInfo>, String> {
    let md = consumer
        .fetch_metadata(None, Duration::from_secs(5))
        .map_err(|e| e.to_string())?;
    let total: usize = md.topics().iter().map(|t| t.partitions().len()).sum();
    let mut topics: Vec<TopicInfo> = md
        .topics()
        .iter()
        .map(|t| {
            let messages = (total <= ESTIMATE_MAX_PARTITIONS)
                .then(|| {
                    t.partitions().iter().try_fold(0i64, |sum, p| {
                        consumer
                            .fetch_watermarks(t.name(), p.id(), Duration::from_secs(2))
                            .ok()
                            .map(|(low, high)| sum + (high - low).max(0))
                    })
                })
                .flatten();
            TopicInfo {
                name: t.name().to_string(),
                partitions: t.partitions().len() as i32,
                replication: t.partitions().first().map_or(0, |p| p.replicas().len()),
                // Kafka's internal topics are the double-underscore ones.
                internal: t.name().starts_with("__"),
                messages,
            }
        })
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(topics)
}

async fn dispatch(
    settings: ClientSettings,
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
                    let done = refresh_done_tx.clone();
                    tokio::spawn(async move {
                        let result = tokio::task::spawn_blocking(move || read_topics(&md))
                            .await
                            .unwrap_or_else(|e| Err(format!("metadata task failed: {e}")));
                        let _ = events.send(KafkaEvent::Topics(result)).await;
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
                let outcome = match result.map(|mut r| r.remove(0)) {
                    Ok(Ok(_)) => Ok(format!("created topic {name} ({partitions} partitions)")),
                    Ok(Err((_, code))) => Err(format!("create {name}: {code}")),
                    Err(e) => Err(format!("create {name}: {e}")),
                };
                let _ = events.send(KafkaEvent::Admin(outcome)).await;
                if let Some(md) = metadata.clone() {
                    let _ = events
                        .send(KafkaEvent::Topics(
                            tokio::task::spawn_blocking(move || read_topics(&md))
                                .await
                                .unwrap_or_else(|e| Err(e.to_string())),
                        ))
                        .await;
                }
            }
            KafkaCommand::AddPartitions { topic, total } => {
                let Some(admin) = &admin else { continue };
                let result = admin
                    .create_partitions(&[NewPartitions::new(&topic, total)], &AdminOptions::new())
                    .await;
                let outcome = match result.map(|mut r| r.remove(0)) {
                    Ok(Ok(_)) => Ok(format!("{topic} now has {total} partitions")),
                    Ok(Err((_, code))) => Err(format!("add partitions to {topic}: {code}")),
                    Err(e) => Err(format!("add partitions to {topic}: {e}")),
                };
                let _ = events.send(KafkaEvent::Admin(outcome)).await;
            }
            KafkaCommand::DeleteTopic(name) => {
                let Some(admin) = &admin else { continue };
                let result = admin.delete_topics(&[&name], &AdminOptions::new()).await;
                let outcome = match result.map(|mut r| r.remove(0)) {
                    Ok(Ok(_)) => Ok(format!("deleted topic {name}")),
                    Ok(Err((_, code))) => Err(format!("delete {name}: {code}")),
                    Err(e) => Err(format!("delete {name}: {e}")),
                };
                let _ = events.send(KafkaEvent::Admin(outcome)).await;
            }
            KafkaCommand::Produce {
                id,
                message,
                partitioner,
            } => {
                let name = partitioner.config_name();
                if !producers.contains_key(name) {
                    match settings
                        .config()
                        .set("partitioner", name)
                        .set("linger.ms", "0")
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
            KafkaCommand::Tail { topic, from } => {
                // Stop the old consumer before the new one starts.
                drop(tail.take());
                tail = Some(tail::start(settings.config(), topic, from, events.clone()));
            }
            KafkaCommand::PauseTail(p) => {
                if let Some(t) = &tail {
                    t.pause(p);
                }
            }
        }
    }
}
