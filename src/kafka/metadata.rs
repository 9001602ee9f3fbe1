//! The topic list as the cluster describes it: one metadata answer (brokers, topics,
//! leaders, replicas, in-sync replicas) with every partition's watermarks, the last known
//! watermarks kept for partitions that did not answer this time.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};

use crate::kafka::messages::KafkaEvent;
use crate::kafka::model::{BrokerInfo, PartitionMeta, TopicInfo};
use crate::kafka::outbox::Outbox;
use crate::kafka::probe::ProbingContext;
use crate::kafka::watermarks;

/// The metadata client: its context turns librdkafka's errors into a probe.
pub type MetadataClient = BaseConsumer<ProbingContext>;

/// Serves the metadata client's librdkafka events while it lives: its logs and errors
/// reach us (the log file, the probe) only when it is polled, and nothing else polls it.
pub fn serve_events(client: &Arc<MetadataClient>) {
    let weak = Arc::downgrade(client);
    let started = std::thread::Builder::new()
        .name("kafka-dash-md-events".into())
        .spawn(move || {
            while let Some(c) = weak.upgrade() {
                // Not subscribed to anything: a poll only serves logs and errors.
                let _ = c.poll(Duration::from_millis(250));
            }
        });
    if let Err(e) = started {
        tracing::warn!("librdkafka's logs and errors will not be read: {e}");
    }
}

/// Every partition's low and high watermark as last read, kept between refreshes.
pub type Marks = std::sync::Mutex<HashMap<(String, i32), (i64, i64)>>;

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
pub type ClusterRead = Result<(Vec<BrokerInfo>, Vec<TopicInfo>), String>;

/// Reads brokers and topics with each partition's leader, replicas, in-sync replicas and
/// watermarks (blocking).
pub fn read_cluster(consumer: &MetadataClient, kept: &Marks) -> ClusterRead {
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
pub fn send_cluster(events: &Outbox, read: ClusterRead) {
    match read {
        Ok((brokers, topics)) => {
            let _ = events.send(KafkaEvent::Brokers(brokers));
            let _ = events.send(KafkaEvent::Topics(Ok(topics)));
        }
        Err(e) => {
            let _ = events.send(KafkaEvent::Topics(Err(e)));
        }
    }
}

/// Reads the cluster off the async threads.
pub async fn read(metadata: Arc<MetadataClient>, marks: Arc<Marks>) -> ClusterRead {
    tokio::task::spawn_blocking(move || read_cluster(&metadata, &marks))
        .await
        .unwrap_or_else(|e| Err(format!("metadata task failed: {e}")))
}

/// Reads the cluster off the async threads and sends what was found.
pub async fn read_and_send(metadata: Arc<MetadataClient>, marks: Arc<Marks>, events: &Outbox) {
    send_cluster(events, read(metadata, marks).await);
}
