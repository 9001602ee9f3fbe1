//! Owned data the Kafka workers send to the UI.

use std::time::Duration;

/// A topic as the Topics pane lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    /// Name.
    pub name: String,
    /// Partition count.
    pub partitions: i32,
    /// Replicas of partition 0.
    pub replication: usize,
    /// Kafka-internal (`__consumer_offsets`).
    pub internal: bool,
    /// Sum of (high − low) watermarks over partitions, if known.
    pub messages: Option<i64>,
}

/// A consumed record, copied out of librdkafka.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Partition.
    pub partition: i32,
    /// Offset.
    pub offset: i64,
    /// Timestamp in ms, if the record has one.
    pub timestamp: Option<i64>,
    /// Key bytes.
    pub key: Option<Vec<u8>>,
    /// Value bytes.
    pub value: Option<Vec<u8>>,
    /// Headers in order (keys may repeat; values may be null).
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

/// Live numbers for one partition of the tailed topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionStats {
    /// Partition id.
    pub partition: i32,
    /// Low watermark (log start), if fetched.
    pub low: Option<i64>,
    /// High watermark, if fetched.
    pub high: Option<i64>,
    /// Records consumed since the tail started (exact, even when records are dropped).
    pub seen: u64,
    /// Offset of the last record consumed.
    pub last_offset: Option<i64>,
}

/// A message the composer asks to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// Topic.
    pub topic: String,
    /// Fixed partition, or `None` for the partitioner's choice.
    pub partition: Option<i32>,
    /// Key.
    pub key: Option<Vec<u8>>,
    /// Value.
    pub value: Option<Vec<u8>>,
    /// Headers.
    pub headers: Vec<(String, Vec<u8>)>,
}

/// The outcome of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Topic.
    pub topic: String,
    /// `(partition, offset)` or the error.
    pub result: Result<(i32, i64), String>,
    /// Time from send to delivery report.
    pub latency: Duration,
}
