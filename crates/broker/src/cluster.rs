//! The broker's topics: names, ids, partitions, configs. Kafka's topic rules live here.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use kafka_protocol::error::ResponseError;
use uuid::Uuid;
use wire::InvalidTopicName;

use super::log::PartitionLog;

/// Name of Kafka's internal offsets topic.
pub const CONSUMER_OFFSETS: &str = "__consumer_offsets";

/// One topic and its partition logs.
#[derive(Debug)]
pub struct Topic {
    /// Topic name.
    pub name: String,
    /// Topic id (KIP-516), stable for the topic's life.
    pub id: Uuid,
    /// Internal topics (`__consumer_offsets`) are flagged in Metadata.
    pub internal: bool,
    /// Partition logs, index = partition id.
    pub partitions: RwLock<Vec<Arc<Mutex<PartitionLog>>>>,
    /// Configs set on the topic (at creation or by AlterConfigs), validated.
    pub configs: RwLock<BTreeMap<String, String>>,
}

impl Topic {
    /// The log of one partition, if it exists.
    pub fn partition(&self, index: i32) -> Option<Arc<Mutex<PartitionLog>>> {
        let parts = self.partitions.read().expect("partitions lock");
        usize::try_from(index)
            .ok()
            .and_then(|i| parts.get(i).cloned())
    }

    /// How many partitions the topic has.
    pub fn partition_count(&self) -> i32 {
        self.partitions.read().expect("partitions lock").len() as i32
    }

    /// A config set on the topic, if any.
    pub fn config(&self, name: &str) -> Option<String> {
        self.configs
            .read()
            .expect("configs lock")
            .get(name)
            .cloned()
    }

    /// The largest batch the topic accepts (`max.message.bytes`, else Kafka's default).
    pub fn max_message_bytes(&self) -> usize {
        self.config("max.message.bytes")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(DEFAULT_MAX_MESSAGE_BYTES)
    }

    /// True when `cleanup.policy` includes `compact` (records then need keys).
    pub fn compacted(&self) -> bool {
        super::topic_config::is_compacted(self.config("cleanup.policy").as_deref())
    }

    /// True when `message.timestamp.type` is LogAppendTime on the topic.
    pub fn log_append_time(&self) -> Option<bool> {
        self.config("message.timestamp.type")
            .map(|v| v == "LogAppendTime")
    }
}

/// Kafka's default `message.max.bytes`.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 1_048_588;

/// Errors Kafka reports for topic administration.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TopicError {
    /// INVALID_TOPIC_EXCEPTION.
    #[error("{0}")]
    InvalidName(String),
    /// TOPIC_ALREADY_EXISTS.
    #[error("Topic '{0}' already exists.")]
    Exists(String),
    /// INVALID_PARTITIONS.
    #[error("{0}")]
    InvalidPartitions(String),
    /// INVALID_REPLICATION_FACTOR.
    #[error("{0}")]
    ReplicationFactor(String),
    /// UNKNOWN_TOPIC_OR_PARTITION.
    #[error("This server does not host this topic-partition.")]
    Unknown,
    /// TOPIC_AUTHORIZATION_FAILED.
    #[error("Authorization failed.")]
    NotAuthorized,
}

impl TopicError {
    /// The Kafka error code for this error.
    pub fn code(&self) -> i16 {
        match self {
            TopicError::InvalidName(_) => ResponseError::InvalidTopicException,
            TopicError::Exists(_) => ResponseError::TopicAlreadyExists,
            TopicError::InvalidPartitions(_) => ResponseError::InvalidPartitions,
            TopicError::ReplicationFactor(_) => ResponseError::InvalidReplicationFactor,
            TopicError::Unknown => ResponseError::UnknownTopicOrPartition,
            TopicError::NotAuthorized => ResponseError::TopicAuthorizationFailed,
        }
        .code()
    }
}

impl From<InvalidTopicName> for TopicError {
    fn from(e: InvalidTopicName) -> Self {
        TopicError::InvalidName(e.to_string())
    }
}

/// Kafka refuses a name that equals an existing one once '.' is read as '_', because
/// both map to the same metric names.
fn collides(a: &str, b: &str) -> bool {
    a != b && a.replace('.', "_") == b.replace('.', "_")
}

/// All topics of the single-node cluster.
#[derive(Debug, Default)]
pub struct Topics {
    by_name: RwLock<HashMap<String, Arc<Topic>>>,
    cap: usize,
    /// Names deleted lately, and when: not auto-created again at once.
    deleted: Mutex<HashMap<String, std::time::Instant>>,
}

/// How long a deleted topic's name is not auto-created again. Kafka's brokers still list
/// a topic being deleted for a moment, so a client that asks for it right after the
/// delete (librdkafka does) does not bring it back there; without this it would here.
const DELETED_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

impl Topics {
    /// An empty registry whose partitions keep at most `cap` bytes each.
    pub fn new(cap: usize) -> Self {
        Self {
            by_name: RwLock::default(),
            cap,
            deleted: Mutex::default(),
        }
    }

    /// Looks a topic up by name.
    pub fn get(&self, name: &str) -> Option<Arc<Topic>> {
        self.by_name.read().expect("topics lock").get(name).cloned()
    }

    /// Looks a topic up by id.
    pub fn get_by_id(&self, id: Uuid) -> Option<Arc<Topic>> {
        self.by_name
            .read()
            .expect("topics lock")
            .values()
            .find(|t| t.id == id)
            .cloned()
    }

    /// Every topic, sorted by name.
    pub fn all(&self) -> Vec<Arc<Topic>> {
        let mut v: Vec<_> = self
            .by_name
            .read()
            .expect("topics lock")
            .values()
            .cloned()
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Checks a create request without creating anything.
    pub fn validate_create(
        &self,
        name: &str,
        partitions: i32,
        replication: i16,
    ) -> Result<(), TopicError> {
        wire::validate_topic_name(name)?;
        if partitions <= 0 {
            return Err(TopicError::InvalidPartitions(
                "Number of partitions was set to an invalid non-positive value.".into(),
            ));
        }
        if partitions > 100_000 {
            return Err(TopicError::InvalidPartitions(format!(
                "Number of partitions {partitions} is too large for this broker."
            )));
        }
        if replication <= 0 {
            return Err(TopicError::ReplicationFactor(
                "Replication factor must be larger than 0, or -1 to use the default value.".into(),
            ));
        }
        if replication > 1 {
            return Err(TopicError::ReplicationFactor(format!(
                "Unable to replicate the partition {replication} time(s): The target replication factor of {replication} cannot be reached because only 1 broker(s) are registered or some brokers have all their log directories cordoned."
            )));
        }
        let topics = self.by_name.read().expect("topics lock");
        if topics.contains_key(name) {
            return Err(TopicError::Exists(name.into()));
        }
        if let Some(other) = topics.keys().find(|other| collides(name, other)) {
            return Err(TopicError::InvalidName(format!(
                "Topic '{name}' collides with existing topic: {other}"
            )));
        }
        Ok(())
    }

    /// Creates a topic, returning it.
    pub fn create(
        &self,
        name: &str,
        partitions: i32,
        replication: i16,
        configs: BTreeMap<String, String>,
    ) -> Result<Arc<Topic>, TopicError> {
        self.validate_create(name, partitions, replication)?;
        let mut map = self.by_name.write().expect("topics lock");
        if map.contains_key(name) {
            return Err(TopicError::Exists(name.into()));
        }
        let topic = Arc::new(Topic {
            name: name.to_string(),
            id: Uuid::new_v4(),
            internal: name == CONSUMER_OFFSETS,
            partitions: RwLock::new(
                (0..partitions)
                    .map(|_| Arc::new(Mutex::new(PartitionLog::new(self.cap))))
                    .collect(),
            ),
            configs: RwLock::new(configs),
        });
        map.insert(name.to_string(), topic.clone());
        Ok(topic)
    }

    /// Gets a topic, creating it with `partitions` when it does not exist.
    pub fn get_or_create(&self, name: &str, partitions: i32) -> Result<Arc<Topic>, TopicError> {
        if let Some(t) = self.get(name) {
            return Ok(t);
        }
        match self.create(name, partitions, 1, BTreeMap::new()) {
            Err(TopicError::Exists(_)) => self.get(name).ok_or(TopicError::Unknown),
            other => other,
        }
    }

    /// Deletes a topic.
    pub fn delete(&self, name: &str) -> Result<Arc<Topic>, TopicError> {
        let removed = self
            .by_name
            .write()
            .expect("topics lock")
            .remove(name)
            .ok_or(TopicError::Unknown)?;
        let mut deleted = self.deleted.lock().unwrap_or_else(|e| e.into_inner());
        deleted.retain(|_, at| at.elapsed() < DELETED_GRACE);
        deleted.insert(name.to_string(), std::time::Instant::now());
        Ok(removed)
    }

    /// Whether `name` was deleted a moment ago (then it is not auto-created yet).
    pub fn just_deleted(&self, name: &str) -> bool {
        self.deleted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .is_some_and(|at| at.elapsed() < DELETED_GRACE)
    }

    /// Grows a topic to `count` partitions.
    pub fn set_partition_count(
        &self,
        name: &str,
        count: i32,
        validate_only: bool,
    ) -> Result<(), TopicError> {
        let topic = self.get(name).ok_or(TopicError::Unknown)?;
        let mut parts = topic.partitions.write().expect("partitions lock");
        let current = parts.len() as i32;
        if count < current {
            return Err(TopicError::InvalidPartitions(format!(
                "The topic {name} currently has {current} partition(s); {count} would not be an increase."
            )));
        }
        if count == current {
            return Err(TopicError::InvalidPartitions(format!(
                "Topic already has {current} partitions."
            )));
        }
        if count > 100_000 {
            return Err(TopicError::InvalidPartitions(format!(
                "Number of partitions {count} is too large for this broker."
            )));
        }
        if !validate_only {
            while (parts.len() as i32) < count {
                parts.push(Arc::new(Mutex::new(PartitionLog::new(self.cap))));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_colliding_on_dot_and_underscore_are_refused() {
        let topics = Topics::new(0);
        topics.create("has_und", 1, 1, BTreeMap::new()).unwrap();
        let err = topics.create("has.und", 1, 1, BTreeMap::new()).unwrap_err();
        assert_eq!(err.code(), 17);
        assert_eq!(
            err.to_string(),
            "Topic 'has.und' collides with existing topic: has_und"
        );
        assert_eq!(
            topics
                .create("has_und", 1, 1, BTreeMap::new())
                .unwrap_err()
                .code(),
            36
        );
        topics.create("has-und", 1, 1, BTreeMap::new()).unwrap();
    }

    #[test]
    fn create_validates_and_rejects_duplicates() {
        let topics = Topics::new(0);
        assert_eq!(
            topics
                .create("t", 0, 1, BTreeMap::new())
                .unwrap_err()
                .code(),
            37
        );
        assert_eq!(
            topics
                .create("t", 1, 3, BTreeMap::new())
                .unwrap_err()
                .code(),
            38
        );
        topics.create("t", 2, 1, BTreeMap::new()).unwrap();
        assert_eq!(
            topics
                .create("t", 2, 1, BTreeMap::new())
                .unwrap_err()
                .code(),
            36
        );
        topics.set_partition_count("t", 4, false).unwrap();
        assert_eq!(topics.get("t").unwrap().partition_count(), 4);
        let shrink = topics.set_partition_count("t", 3, false).unwrap_err();
        assert_eq!(shrink.code(), 37);
        // Kafka 4.4's words, which kafka-topics --alter prints.
        assert_eq!(
            shrink.to_string(),
            "The topic t currently has 4 partition(s); 3 would not be an increase."
        );
        topics.delete("t").unwrap();
        assert!(topics.just_deleted("t"), "not auto-created again at once");
        assert!(!topics.just_deleted("other"));
        assert!(topics.get("t").is_none());
    }
}
