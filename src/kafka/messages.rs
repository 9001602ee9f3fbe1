//! What the app asks the workers to do, and what they answer: owned messages over the
//! bounded channels between the UI task and the Kafka side, with the owned types they
//! carry. It imports only plain data modules (model, health, timeline, partitioner), never
//! a worker, so every worker may import it.

use std::path::PathBuf;

use crate::kafka::health::Trend;
use crate::kafka::model::{
    BrokerInfo, Delivery, GroupListing, GroupSnapshot, InAppMember, OutgoingMessage, PartitionLag,
    PartitionStats, Record, TopicInfo,
};
use crate::kafka::partitioner::Partitioner;
use crate::kafka::timeline::Rebalance;
use crate::schemas::choice::{ChosenAnswer, RegisterSpec, SchemaChoice};

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
    /// The cluster cannot be reached, and why in words (src/kafka/diagnose.rs): the
    /// sentence the status line shows.
    Unreachable(String),
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
    /// The registry's answer for a schema id: the schema compiled, or why not.
    Schema(u32, crate::schemas::cache::Answer),
    /// The registry's subjects, or why they could not be listed.
    Subjects(Result<Vec<String>, String>),
    /// The schema the composer chose, compiled, or why there is none.
    SchemaChosen(SchemaChoice, ChosenAnswer),
    /// A schema file was registered (its id and version), or why not.
    Registered(RegisterSpec, Result<(u32, i32), String>),
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
    /// Fetch and compile the schema with this id from the registry.
    FetchSchema(u32),
    /// List the registry's subjects.
    ListSubjects,
    /// Fetch and compile a subject's version for the composer.
    ChooseSchema(SchemaChoice),
    /// Register a schema file as a new version of a subject.
    RegisterSchema(RegisterSpec),
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
    /// A replay of `total` messages that has sent none yet.
    pub(crate) fn starting(total: usize) -> Self {
        Self {
            total,
            ..Self::default()
        }
    }

    /// A replay that ended before its first message: `e` says why.
    pub fn failed_before_start(e: &str) -> Self {
        let mut p = Self::default();
        p.fail(0, e);
        p.done = true;
        p
    }

    /// Counts a failure of line `line` (1-based; 0 for the file as a whole). Deliveries
    /// settle out of order, so the failure kept is the earliest line's, not the first seen.
    pub(crate) fn fail(&mut self, line: usize, e: &str) {
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

/// Everything the groups pane shows about the chosen group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetail {
    /// Members and state.
    pub snapshot: GroupSnapshot,
    /// Partitions the group reads or has committed, with owner and lag.
    pub partitions: Vec<PartitionLag>,
    /// Rebalances seen so far, oldest first.
    pub timeline: Vec<Rebalance>,
    /// When it was read (ms since the epoch).
    pub read_ms: i64,
    /// How the group's total lag has been moving.
    pub trend: Option<Trend>,
}

/// What an in-app member is asked to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSpec {
    /// Group to join.
    pub group: String,
    /// Topics to subscribe to.
    pub topics: Vec<String>,
    /// `range`, `roundrobin` or `cooperative-sticky` (the classic protocol, assigned by
    /// the group's leader), or `consumer:uniform` / `consumer:range` (KIP-848's consumer
    /// protocol, assigned by the coordinator with that server assignor).
    pub assignor: String,
}
