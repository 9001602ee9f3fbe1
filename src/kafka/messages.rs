//! What the app asks the workers to do, and what they answer: owned messages over the
//! bounded channels between the UI task and the Kafka side.

use crate::kafka::files::{ReplayProgress, ReplaySpec};
use crate::kafka::groups::GroupDetail;
use crate::kafka::members::MemberSpec;
use crate::kafka::model::{
    BrokerInfo, Delivery, GroupListing, InAppMember, OutgoingMessage, PartitionStats, Record,
    TopicInfo,
};
use crate::kafka::partitioner::Partitioner;

/// Where the live view starts reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartFrom {
    /// The log start of every partition.
    Beginning,
    /// Only new messages.
    End,
    /// This offset in every partition.
    Offset(i64),
    /// The first message at or after this time (ms since the epoch).
    Time(i64),
}

/// Workers → app.
#[derive(Debug)]
pub enum KafkaEvent {
    /// Fresh topic list, or why it could not be read (the cluster is unreachable).
    Topics(Result<Vec<TopicInfo>, String>),
    /// The brokers in the same metadata answer as the last topic list.
    Brokers(Vec<BrokerInfo>),
    /// A delivery report for the send with this id.
    Delivered(u64, Delivery),
    /// Records and exact counters from the live view's consumer.
    Tail {
        /// Topic being tailed.
        topic: String,
        /// New records (possibly fewer than consumed, see `dropped`).
        records: Vec<Record>,
        /// Counters per partition, cumulative.
        stats: Vec<PartitionStats>,
        /// Records consumed but not sent because the UI was behind (cumulative).
        dropped: u64,
    },
    /// The live view's consumer failed.
    TailError(String),
    /// Something the live view's consumer did that the user did not ask for exactly.
    TailNotice(String),
    /// A record read again in full for the detail view, or why it could not be.
    FullRecord(Result<Record, String>),
    /// Messages were saved (what was written where), or why not.
    Saved(Result<String, String>),
    /// How a replay is going, or how it ended.
    Replay(ReplayProgress),
    /// An admin operation finished: what happened, or the error.
    Admin(Result<String, String>),
    /// Every group, or why they could not be listed.
    Groups(Result<Vec<GroupListing>, String>),
    /// The chosen group in detail.
    GroupDetail(Box<GroupDetail>),
    /// An in-app member's counters (and whether it still runs).
    Member(InAppMember),
}

/// Where a group's offsets are reset to (as `kafka-consumer-groups.sh --reset-offsets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetTo {
    /// `--to-earliest`.
    Earliest,
    /// `--to-latest`.
    Latest,
    /// `--to-offset N` (clamped to each partition's range).
    Offset(i64),
    /// `--to-datetime` (ms since the epoch).
    Time(i64),
}

/// App → workers.
#[derive(Debug)]
pub enum KafkaCommand {
    /// Re-read the topic list now.
    RefreshTopics,
    /// Create a topic.
    CreateTopic {
        /// Name.
        name: String,
        /// Partitions.
        partitions: i32,
        /// Replication factor.
        replication: i32,
        /// Topic configs.
        configs: Vec<(String, String)>,
    },
    /// Grow a topic to `total` partitions.
    AddPartitions {
        /// Topic.
        topic: String,
        /// New total.
        total: usize,
    },
    /// Delete a topic.
    DeleteTopic(String),
    /// Send one message; the report comes back with this id.
    Produce {
        /// Correlates the delivery report.
        id: u64,
        /// The message.
        message: OutgoingMessage,
        /// Partitioner to use for keyed messages without a fixed partition.
        partitioner: Partitioner,
    },
    /// (Re)start the live view on a topic.
    Tail {
        /// Topic.
        topic: String,
        /// Where to start.
        from: StartFrom,
        /// Values longer than this many bytes are handed over cut to it.
        value_limit: usize,
    },
    /// Pause or resume the live view's consumer.
    PauseTail(bool),
    /// The live view's topic now has this many partitions.
    GrowTail(i32),
    /// Read one record in full (its value was cut in the live view).
    FetchOne {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
        /// Offset.
        offset: i64,
    },
    /// Follow this group closely in the groups pane.
    WatchGroup(Option<String>),
    /// Start an in-app member.
    AddMember(MemberSpec),
    /// Make an in-app member leave (by its id).
    RemoveMember(u64),
    /// Reset a group's committed offsets (only when it has no active members).
    ResetOffsets {
        /// Group.
        group: String,
        /// Target.
        to: ResetTo,
    },
    /// Delete an empty group.
    DeleteGroup(String),
    /// Save messages of a topic to a file as JSON lines.
    Save {
        /// Topic they are from.
        topic: String,
        /// The messages, in the order to write them.
        records: Vec<Record>,
        /// Where to write.
        path: std::path::PathBuf,
    },
    /// Replay a file of JSON lines into a topic.
    Replay(ReplaySpec),
    /// Stop in-app members (they leave their groups), then answer.
    Shutdown(tokio::sync::oneshot::Sender<()>),
}
