//! What the classic coordinator takes and answers: group states, JoinGroup and SyncGroup
//! requests and outcomes, committed offsets, and the summaries Describe/ListGroups show.

use std::time::Duration;

use bytes::Bytes;
use tokio::sync::oneshot;

/// The states of Kafka's classic group state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupState {
    /// No members; may still hold committed offsets.
    Empty,
    /// Waiting for members to (re)join.
    PreparingRebalance,
    /// Joined; waiting for the leader's assignment.
    CompletingRebalance,
    /// Every member has its assignment.
    Stable,
    /// Gone (deleted or never existed).
    Dead,
}

impl GroupState {
    /// The name Kafka puts on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

/// Limits and delays the coordinator enforces.
#[derive(Debug, Clone)]
pub struct CoordinatorConfig {
    /// `group.initial.rebalance.delay.ms`.
    pub initial_rebalance_delay: Duration,
    /// `group.min.session.timeout.ms`.
    pub min_session_timeout: Duration,
    /// `group.max.session.timeout.ms`.
    pub max_session_timeout: Duration,
}

/// A JoinGroup request, version-independent.
#[derive(Debug, Clone)]
pub struct JoinRequest {
    /// Group to join.
    pub group_id: String,
    /// Empty for a new member.
    pub member_id: String,
    /// Static membership id (KIP-345).
    pub instance_id: Option<String>,
    /// Client id from the request header.
    pub client_id: String,
    /// Client address as Kafka prints it (`/127.0.0.1`).
    pub client_host: String,
    /// Session timeout.
    pub session_timeout: Duration,
    /// Rebalance timeout (v0: the session timeout).
    pub rebalance_timeout: Duration,
    /// Usually "consumer".
    pub protocol_type: String,
    /// Supported protocols in preference order, with their metadata.
    pub protocols: Vec<(String, Bytes)>,
    /// JoinGroup v4+: new members must first learn their id (KIP-394).
    pub require_known_member_id: bool,
}

/// One entry of the member list the leader receives.
#[derive(Debug, Clone)]
pub struct JoinedMember {
    /// Member id.
    pub member_id: String,
    /// Static instance id.
    pub instance_id: Option<String>,
    /// Metadata for the selected protocol.
    pub metadata: Bytes,
}

/// A JoinGroup answer.
#[derive(Debug, Clone, Default)]
pub struct JoinOutcome {
    /// Error code.
    pub error: i16,
    /// Generation id.
    pub generation: i32,
    /// Protocol type.
    pub protocol_type: Option<String>,
    /// Selected protocol (assignor).
    pub protocol_name: Option<String>,
    /// Leader member id.
    pub leader: String,
    /// This member's id.
    pub member_id: String,
    /// Every member, for the leader only.
    pub members: Vec<JoinedMember>,
}

impl JoinOutcome {
    pub(in crate::group) fn error(error: i16, member_id: &str) -> Self {
        Self {
            error,
            generation: -1,
            member_id: member_id.to_string(),
            ..Default::default()
        }
    }
}

/// A SyncGroup answer.
#[derive(Debug, Clone, Default)]
pub struct SyncOutcome {
    /// Error code.
    pub error: i16,
    /// Protocol type.
    pub protocol_type: Option<String>,
    /// Selected protocol.
    pub protocol_name: Option<String>,
    /// This member's assignment bytes.
    pub assignment: Bytes,
}

impl SyncOutcome {
    pub(in crate::group) fn error(error: i16) -> Self {
        Self {
            error,
            ..Default::default()
        }
    }
}

/// An answer now, or one to await.
#[derive(Debug)]
pub enum Reply<T> {
    /// Answered at once.
    Ready(T),
    /// Answered when the rebalance gets there.
    Wait(oneshot::Receiver<T>),
}

/// A committed offset.
#[derive(Debug, Clone, PartialEq)]
pub struct CommittedOffset {
    /// Next offset to consume.
    pub offset: i64,
    /// Leader epoch at commit time, or -1.
    pub leader_epoch: i32,
    /// Free-form metadata from the committer.
    pub metadata: Option<String>,
    /// When it was committed (ms since epoch).
    pub commit_timestamp: i64,
}

/// A member as DescribeGroups shows it.
#[derive(Debug, Clone)]
pub struct MemberSummary {
    /// Member id.
    pub member_id: String,
    /// Static instance id.
    pub instance_id: Option<String>,
    /// Client id.
    pub client_id: String,
    /// Client host, `/ip`.
    pub client_host: String,
    /// Metadata of the selected protocol (empty unless Stable).
    pub metadata: Bytes,
    /// Assignment (empty unless Stable).
    pub assignment: Bytes,
}

/// A group as DescribeGroups shows it.
#[derive(Debug, Clone)]
pub struct GroupSummary {
    /// Group id.
    pub group_id: String,
    /// State.
    pub state: GroupState,
    /// Protocol type ("consumer", or "" for offset-only groups).
    pub protocol_type: String,
    /// Selected protocol when Stable, else "".
    pub protocol: String,
    /// Members.
    pub members: Vec<MemberSummary>,
    /// Generation id.
    pub generation: i32,
}

/// A group as ListGroups shows it.
#[derive(Debug, Clone)]
pub struct GroupListing {
    /// Group id.
    pub group_id: String,
    /// Protocol type.
    pub protocol_type: String,
    /// State.
    pub state: GroupState,
}
