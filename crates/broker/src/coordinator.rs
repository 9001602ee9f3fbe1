//! Kafka's classic group coordinator: the group state machine (Empty, PreparingRebalance,
//! CompletingRebalance, Stable, Dead), members and their timeouts, and committed offsets.
//!
//! It follows Apache Kafka's `GroupCoordinator`: MEMBER_ID_REQUIRED for JoinGroup v4+
//! (KIP-394), separate session and rebalance timeouts (KIP-62), an initial rebalance delay
//! (KIP-134), static membership (KIP-345), pending-sync expiry, protocol selection by vote.
//! Everything here is synchronous under one mutex; JoinGroup and SyncGroup callers get a
//! oneshot receiver they await outside the lock.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use kafka_protocol::error::ResponseError;
use kafka_protocol::indexmap::IndexMap;
use tokio::sync::oneshot;

mod handover;
pub use handover::{Handover, HandoverMember};

use crate::error_codes;

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
    fn error(error: i16, member_id: &str) -> Self {
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
    fn error(error: i16) -> Self {
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

#[derive(Debug)]
struct Member {
    id: String,
    instance_id: Option<String>,
    client_id: String,
    client_host: String,
    session_timeout: Duration,
    rebalance_timeout: Duration,
    protocols: Vec<(String, Bytes)>,
    assignment: Bytes,
    join_waiter: Option<oneshot::Sender<JoinOutcome>>,
    sync_waiter: Option<oneshot::Sender<SyncOutcome>>,
    pending_sync: bool,
    last_heartbeat: Instant,
}

impl Member {
    fn metadata_for(&self, protocol: &str) -> Bytes {
        self.protocols
            .iter()
            .find(|(n, _)| n == protocol)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    fn update(&mut self, req: &JoinRequest) {
        self.client_id = req.client_id.clone();
        self.client_host = req.client_host.clone();
        self.session_timeout = req.session_timeout;
        self.rebalance_timeout = req.rebalance_timeout;
        self.protocols = req.protocols.clone();
    }
}

#[derive(Debug)]
struct Group {
    id: String,
    state: GroupState,
    generation: i32,
    protocol_type: Option<String>,
    protocol_name: Option<String>,
    leader: Option<String>,
    members: IndexMap<String, Member>,
    /// Member ids handed out with MEMBER_ID_REQUIRED, and when they lapse.
    pending: HashMap<String, Instant>,
    statics: HashMap<String, String>,
    offsets: BTreeMap<(String, i32), CommittedOffset>,
    join_deadline: Option<Instant>,
    initial_delay: Option<(Instant, Duration)>,
    new_member_added: bool,
    sync_deadline: Option<Instant>,
}

impl Group {
    fn new(id: &str) -> Self {
        Self {
            id: id.to_string(),
            state: GroupState::Empty,
            generation: 0,
            protocol_type: None,
            protocol_name: None,
            leader: None,
            members: IndexMap::new(),
            pending: HashMap::new(),
            statics: HashMap::new(),
            offsets: BTreeMap::new(),
            join_deadline: None,
            initial_delay: None,
            new_member_added: false,
            sync_deadline: None,
        }
    }

    fn is_leader(&self, id: &str) -> bool {
        self.leader.as_deref() == Some(id)
    }

    fn max_rebalance_timeout(&self) -> Duration {
        self.members
            .values()
            .map(|m| m.rebalance_timeout)
            .max()
            .unwrap_or(Duration::ZERO)
    }

    /// Protocols every member supports.
    fn candidates(&self) -> Vec<String> {
        let mut iter = self.members.values();
        let Some(first) = iter.next() else {
            return Vec::new();
        };
        let mut names: Vec<String> = first.protocols.iter().map(|(n, _)| n.clone()).collect();
        for m in iter {
            names.retain(|n| m.protocols.iter().any(|(p, _)| p == n));
        }
        names
    }

    fn supports(&self, protocol_type: &str, protocols: &[(String, Bytes)]) -> bool {
        if protocol_type.is_empty() || protocols.is_empty() {
            return false;
        }
        if self.members.is_empty() {
            return true;
        }
        self.protocol_type.as_deref() == Some(protocol_type)
            && self
                .candidates()
                .iter()
                .any(|c| protocols.iter().any(|(p, _)| p == c))
    }

    /// Kafka's `selectProtocol`: each member votes for its most preferred candidate.
    fn select_protocol(&self) -> Option<String> {
        let candidates = self.candidates();
        let mut votes: IndexMap<String, usize> =
            candidates.iter().map(|c| (c.clone(), 0)).collect();
        for m in self.members.values() {
            if let Some((p, _)) = m.protocols.iter().find(|(p, _)| candidates.contains(p)) {
                *votes.get_mut(p).expect("candidate") += 1;
            }
        }
        let best = votes.values().copied().max()?;
        votes.into_iter().find(|(_, v)| *v == best).map(|(p, _)| p)
    }

    fn all_joined(&self) -> bool {
        self.pending.is_empty() && self.members.values().all(|m| m.join_waiter.is_some())
    }

    fn outcome_for(&self, member_id: &str, with_members: bool) -> JoinOutcome {
        let protocol = self.protocol_name.clone().unwrap_or_default();
        JoinOutcome {
            error: error_codes::NONE,
            generation: self.generation,
            protocol_type: self.protocol_type.clone(),
            protocol_name: self.protocol_name.clone(),
            leader: self.leader.clone().unwrap_or_default(),
            member_id: member_id.to_string(),
            members: if with_members {
                self.members
                    .values()
                    .map(|m| JoinedMember {
                        member_id: m.id.clone(),
                        instance_id: m.instance_id.clone(),
                        metadata: m.metadata_for(&protocol),
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    fn prepare_rebalance(&mut self, now: Instant, cfg: &CoordinatorConfig) {
        if self.state == GroupState::CompletingRebalance {
            for m in self.members.values_mut() {
                if let Some(tx) = m.sync_waiter.take() {
                    let _ = tx.send(SyncOutcome::error(
                        ResponseError::RebalanceInProgress.code(),
                    ));
                }
            }
        }
        let was_empty = self.state == GroupState::Empty;
        self.state = GroupState::PreparingRebalance;
        self.sync_deadline = None;
        let timeout = self.max_rebalance_timeout();
        if was_empty {
            // Even with no delay, Kafka completes a first join from its timer, after the
            // requests already in flight: members starting together share the first
            // generation instead of forcing a second rebalance a heartbeat later.
            let delay = cfg.initial_rebalance_delay.min(timeout);
            self.initial_delay = Some((now + delay, timeout.saturating_sub(delay)));
            self.new_member_added = false;
            self.join_deadline = None;
        } else {
            self.join_deadline = Some(now + timeout);
        }
        tracing::info!(group = %self.id, generation = self.generation, "preparing to rebalance");
    }

    fn try_complete_join(&mut self, now: Instant) {
        if self.state == GroupState::PreparingRebalance
            && self.initial_delay.is_none()
            && self.all_joined()
        {
            self.complete_join(now);
        }
    }

    fn complete_join(&mut self, now: Instant) {
        self.join_deadline = None;
        self.initial_delay = None;
        let missing: Vec<String> = self
            .members
            .values()
            .filter(|m| m.join_waiter.is_none())
            .map(|m| m.id.clone())
            .collect();
        for id in missing {
            tracing::info!(group = %self.id, member = %id, "removing member that did not rejoin in time");
            self.remove_member(&id);
        }
        self.generation += 1;
        if self.members.is_empty() {
            self.state = GroupState::Empty;
            self.protocol_name = None;
            self.leader = None;
            tracing::info!(group = %self.id, generation = self.generation, "group is empty");
            return;
        }
        self.protocol_name = self.select_protocol();
        if !self
            .leader
            .as_ref()
            .is_some_and(|l| self.members.contains_key(l))
        {
            self.leader = self.members.keys().next().cloned();
        }
        self.state = GroupState::CompletingRebalance;
        self.sync_deadline = Some(now + self.max_rebalance_timeout());
        let ids: Vec<String> = self.members.keys().cloned().collect();
        for id in ids {
            let outcome = self.outcome_for(&id, self.is_leader(&id));
            let m = self.members.get_mut(&id).expect("member");
            m.last_heartbeat = now;
            m.pending_sync = true;
            m.assignment = Bytes::new();
            if let Some(tx) = m.join_waiter.take() {
                let _ = tx.send(outcome);
            }
        }
        tracing::info!(group = %self.id, generation = self.generation, members = self.members.len(),
            protocol = ?self.protocol_name, "join completed");
    }

    fn remove_member(&mut self, id: &str) {
        if let Some(mut m) = self.members.shift_remove(id) {
            if let Some(tx) = m.join_waiter.take() {
                let _ = tx.send(JoinOutcome::error(
                    ResponseError::UnknownMemberId.code(),
                    id,
                ));
            }
            if let Some(tx) = m.sync_waiter.take() {
                let _ = tx.send(SyncOutcome::error(ResponseError::UnknownMemberId.code()));
            }
            if let Some(inst) = &m.instance_id {
                if self.statics.get(inst).map(String::as_str) == Some(id) {
                    self.statics.remove(inst);
                }
            }
        }
        if self.is_leader(id) {
            self.leader = self.members.keys().next().cloned();
        }
    }

    /// After a member is gone: rebalance as Kafka does for the current state.
    fn after_member_removed(&mut self, now: Instant, cfg: &CoordinatorConfig) {
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.prepare_rebalance(now, cfg);
                self.try_complete_join(now);
            }
            GroupState::PreparingRebalance => self.try_complete_join(now),
            _ => {}
        }
    }

    fn add_member_and_rebalance(
        &mut self,
        id: String,
        req: &JoinRequest,
        now: Instant,
        cfg: &CoordinatorConfig,
    ) -> oneshot::Receiver<JoinOutcome> {
        let (tx, rx) = oneshot::channel();
        if self.members.is_empty() {
            self.protocol_type = Some(req.protocol_type.clone());
        }
        if self.leader.is_none() {
            self.leader = Some(id.clone());
        }
        if let Some(inst) = &req.instance_id {
            self.statics.insert(inst.clone(), id.clone());
        }
        self.members.insert(
            id.clone(),
            Member {
                id: id.clone(),
                instance_id: req.instance_id.clone(),
                client_id: req.client_id.clone(),
                client_host: req.client_host.clone(),
                session_timeout: req.session_timeout,
                rebalance_timeout: req.rebalance_timeout,
                protocols: req.protocols.clone(),
                assignment: Bytes::new(),
                join_waiter: Some(tx),
                sync_waiter: None,
                pending_sync: false,
                last_heartbeat: now,
            },
        );
        tracing::info!(group = %self.id, member = %id, client = %req.client_id, "member joined");
        self.new_member_added = true;
        if matches!(
            self.state,
            GroupState::Empty | GroupState::Stable | GroupState::CompletingRebalance
        ) {
            self.prepare_rebalance(now, cfg);
        }
        self.try_complete_join(now);
        rx
    }

    /// Rejoin of a known member: update it and wait, or answer at once when nothing changed.
    fn rejoin(
        &mut self,
        req: &JoinRequest,
        id: &str,
        now: Instant,
        cfg: &CoordinatorConfig,
    ) -> Reply<JoinOutcome> {
        let changed = {
            let m = &self.members[id];
            m.protocols != req.protocols
        };
        match self.state {
            GroupState::CompletingRebalance if !changed => {
                let leader = self.is_leader(id);
                self.members[id].update(req);
                Reply::Ready(self.outcome_for(id, leader))
            }
            GroupState::Stable if !changed && !self.is_leader(id) => {
                self.members[id].update(req);
                Reply::Ready(self.outcome_for(id, false))
            }
            GroupState::PreparingRebalance
            | GroupState::CompletingRebalance
            | GroupState::Stable => {
                let (tx, rx) = oneshot::channel();
                let m = &mut self.members[id];
                m.update(req);
                if let Some(old) = m.join_waiter.replace(tx) {
                    let _ = old.send(JoinOutcome::error(
                        ResponseError::UnknownMemberId.code(),
                        id,
                    ));
                }
                if self.state != GroupState::PreparingRebalance {
                    self.prepare_rebalance(now, cfg);
                }
                self.try_complete_join(now);
                Reply::Wait(rx)
            }
            GroupState::Empty | GroupState::Dead => Reply::Ready(JoinOutcome::error(
                ResponseError::UnknownMemberId.code(),
                id,
            )),
        }
    }

    /// A static member came back with a new member id: fence the old one, keep its place.
    fn replace_static(
        &mut self,
        old_id: &str,
        new_id: String,
        req: &JoinRequest,
        now: Instant,
        cfg: &CoordinatorConfig,
    ) -> Reply<JoinOutcome> {
        let Some(mut m) = self.members.shift_remove(old_id) else {
            return Reply::Ready(JoinOutcome::error(
                ResponseError::UnknownMemberId.code(),
                old_id,
            ));
        };
        if let Some(tx) = m.join_waiter.take() {
            let _ = tx.send(JoinOutcome::error(
                ResponseError::FencedInstanceId.code(),
                old_id,
            ));
        }
        if let Some(tx) = m.sync_waiter.take() {
            let _ = tx.send(SyncOutcome::error(ResponseError::FencedInstanceId.code()));
        }
        let unchanged = m.protocols == req.protocols;
        m.id = new_id.clone();
        m.update(req);
        m.last_heartbeat = now;
        self.members.insert(new_id.clone(), m);
        if self.is_leader(old_id) {
            self.leader = Some(new_id.clone());
        }
        if let Some(inst) = &req.instance_id {
            self.statics.insert(inst.clone(), new_id.clone());
        }
        tracing::info!(group = %self.id, old = %old_id, new = %new_id, "static member replaced");
        if self.state == GroupState::Stable && unchanged && !self.is_leader(&new_id) {
            return Reply::Ready(self.outcome_for(&new_id, false));
        }
        self.rejoin_after_replace(&new_id, now, cfg)
    }

    fn rejoin_after_replace(
        &mut self,
        id: &str,
        now: Instant,
        cfg: &CoordinatorConfig,
    ) -> Reply<JoinOutcome> {
        let (tx, rx) = oneshot::channel();
        self.members[id].join_waiter = Some(tx);
        if self.state != GroupState::PreparingRebalance {
            self.prepare_rebalance(now, cfg);
        }
        self.try_complete_join(now);
        Reply::Wait(rx)
    }

    fn check_member(&self, member_id: &str, instance_id: Option<&str>) -> Result<(), i16> {
        if let Some(inst) = instance_id {
            match self.statics.get(inst) {
                Some(current) if current != member_id => {
                    return Err(ResponseError::FencedInstanceId.code())
                }
                _ => {}
            }
        }
        if !self.members.contains_key(member_id) {
            return Err(ResponseError::UnknownMemberId.code());
        }
        Ok(())
    }

    fn summary(&self) -> GroupSummary {
        let stable = self.state == GroupState::Stable;
        let protocol = self.protocol_name.clone().unwrap_or_default();
        GroupSummary {
            group_id: self.id.clone(),
            state: self.state,
            protocol_type: self.protocol_type.clone().unwrap_or_default(),
            protocol: if stable {
                protocol.clone()
            } else {
                String::new()
            },
            generation: self.generation,
            members: self
                .members
                .values()
                .map(|m| MemberSummary {
                    member_id: m.id.clone(),
                    instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    client_host: m.client_host.clone(),
                    metadata: if stable {
                        m.metadata_for(&protocol)
                    } else {
                        Bytes::new()
                    },
                    assignment: if stable {
                        m.assignment.clone()
                    } else {
                        Bytes::new()
                    },
                })
                .collect(),
        }
    }
}

/// The group coordinator of the single-node cluster.
#[derive(Debug)]
pub struct Coordinator {
    groups: Mutex<HashMap<String, Group>>,
    config: CoordinatorConfig,
}

impl Coordinator {
    /// A coordinator with no groups.
    pub fn new(config: CoordinatorConfig) -> Self {
        Self {
            groups: Mutex::new(HashMap::new()),
            config,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Group>> {
        self.groups.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Handles JoinGroup.
    pub fn join(&self, req: JoinRequest, now: Instant) -> Reply<JoinOutcome> {
        let cfg = &self.config;
        if req.group_id.is_empty() {
            return Reply::Ready(JoinOutcome::error(
                ResponseError::InvalidGroupId.code(),
                &req.member_id,
            ));
        }
        if req.session_timeout < cfg.min_session_timeout
            || req.session_timeout > cfg.max_session_timeout
        {
            return Reply::Ready(JoinOutcome::error(
                ResponseError::InvalidSessionTimeout.code(),
                &req.member_id,
            ));
        }
        let mut groups = self.lock();
        if !req.member_id.is_empty() && !groups.contains_key(&req.group_id) {
            return Reply::Ready(JoinOutcome::error(
                ResponseError::UnknownMemberId.code(),
                &req.member_id,
            ));
        }
        let group = groups
            .entry(req.group_id.clone())
            .or_insert_with(|| Group::new(&req.group_id));
        if !group.supports(&req.protocol_type, &req.protocols) {
            return Reply::Ready(JoinOutcome::error(
                ResponseError::InconsistentGroupProtocol.code(),
                &req.member_id,
            ));
        }
        if req.member_id.is_empty() {
            // Kafka prefixes a static member's id with its instance id, others with the
            // client id.
            let prefix = req.instance_id.as_deref().unwrap_or(&req.client_id);
            let new_id = format!("{prefix}-{}", uuid::Uuid::new_v4());
            if let Some(inst) = &req.instance_id {
                if let Some(old) = group.statics.get(inst).cloned() {
                    return group.replace_static(&old, new_id, &req, now, cfg);
                }
            } else if req.require_known_member_id {
                group
                    .pending
                    .insert(new_id.clone(), now + req.session_timeout);
                return Reply::Ready(JoinOutcome::error(
                    ResponseError::MemberIdRequired.code(),
                    &new_id,
                ));
            }
            return Reply::Wait(group.add_member_and_rebalance(new_id, &req, now, cfg));
        }
        if group.pending.remove(&req.member_id).is_some() {
            return Reply::Wait(group.add_member_and_rebalance(
                req.member_id.clone(),
                &req,
                now,
                cfg,
            ));
        }
        if let Err(e) = group.check_member(&req.member_id, req.instance_id.as_deref()) {
            return Reply::Ready(JoinOutcome::error(e, &req.member_id));
        }
        let id = req.member_id.clone();
        group.rejoin(&req, &id, now, cfg)
    }

    /// Handles SyncGroup.
    pub fn sync(
        &self,
        group_id: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
        assignments: Vec<(String, Bytes)>,
        now: Instant,
    ) -> Reply<SyncOutcome> {
        let mut groups = self.lock();
        let Some(group) = groups.get_mut(group_id) else {
            return Reply::Ready(SyncOutcome::error(ResponseError::UnknownMemberId.code()));
        };
        if let Err(e) = group.check_member(member_id, instance_id) {
            return Reply::Ready(SyncOutcome::error(e));
        }
        if generation != group.generation {
            return Reply::Ready(SyncOutcome::error(ResponseError::IllegalGeneration.code()));
        }
        let done = |g: &Group, assignment: Bytes| SyncOutcome {
            error: error_codes::NONE,
            protocol_type: g.protocol_type.clone(),
            protocol_name: g.protocol_name.clone(),
            assignment,
        };
        match group.state {
            GroupState::PreparingRebalance => Reply::Ready(SyncOutcome::error(
                ResponseError::RebalanceInProgress.code(),
            )),
            GroupState::Stable => {
                group.members[member_id].pending_sync = false;
                let a = group.members[member_id].assignment.clone();
                Reply::Ready(done(group, a))
            }
            GroupState::CompletingRebalance => {
                let (tx, rx) = oneshot::channel();
                {
                    let m = &mut group.members[member_id];
                    m.sync_waiter = Some(tx);
                    m.pending_sync = false;
                    m.last_heartbeat = now;
                }
                if group.is_leader(member_id) {
                    let mut given: HashMap<String, Bytes> = assignments.into_iter().collect();
                    for m in group.members.values_mut() {
                        m.assignment = given.remove(&m.id).unwrap_or_default();
                    }
                    group.state = GroupState::Stable;
                    tracing::info!(group = %group.id, generation = group.generation, "group is stable");
                    let ids: Vec<String> = group.members.keys().cloned().collect();
                    for id in ids {
                        let outcome = done(group, group.members[&id].assignment.clone());
                        if let Some(tx) = group.members[&id].sync_waiter.take() {
                            let _ = tx.send(outcome);
                        }
                    }
                    if group.members.values().all(|m| !m.pending_sync) {
                        group.sync_deadline = None;
                    }
                }
                Reply::Wait(rx)
            }
            GroupState::Empty | GroupState::Dead => {
                Reply::Ready(SyncOutcome::error(ResponseError::UnknownMemberId.code()))
            }
        }
    }

    /// Handles Heartbeat.
    pub fn heartbeat(
        &self,
        group_id: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
        now: Instant,
    ) -> i16 {
        let mut groups = self.lock();
        let Some(group) = groups.get_mut(group_id) else {
            return ResponseError::UnknownMemberId.code();
        };
        match group.state {
            GroupState::Dead => return ResponseError::CoordinatorNotAvailable.code(),
            GroupState::Empty => return ResponseError::UnknownMemberId.code(),
            _ => {}
        }
        if let Err(e) = group.check_member(member_id, instance_id) {
            return e;
        }
        if generation != group.generation {
            return ResponseError::IllegalGeneration.code();
        }
        group.members[member_id].last_heartbeat = now;
        if group.state == GroupState::PreparingRebalance {
            ResponseError::RebalanceInProgress.code()
        } else {
            error_codes::NONE
        }
    }

    /// Handles LeaveGroup for each (member id, instance id); returns one code per member.
    pub fn leave(
        &self,
        group_id: &str,
        leaving: &[(String, Option<String>)],
        now: Instant,
    ) -> Vec<i16> {
        let mut groups = self.lock();
        let Some(group) = groups.get_mut(group_id) else {
            return vec![ResponseError::UnknownMemberId.code(); leaving.len()];
        };
        let mut codes = Vec::with_capacity(leaving.len());
        for (member_id, instance_id) in leaving {
            let id = if member_id.is_empty() {
                match instance_id.as_ref().and_then(|i| group.statics.get(i)) {
                    Some(id) => id.clone(),
                    None => {
                        codes.push(ResponseError::UnknownMemberId.code());
                        continue;
                    }
                }
            } else {
                member_id.clone()
            };
            if group.pending.remove(&id).is_some() {
                group.try_complete_join(now);
                codes.push(error_codes::NONE);
                continue;
            }
            if let Err(e) = group.check_member(&id, instance_id.as_deref()) {
                codes.push(e);
                continue;
            }
            tracing::info!(group = %group.id, member = %id, "member left");
            group.remove_member(&id);
            group.after_member_removed(now, &self.config);
            codes.push(error_codes::NONE);
        }
        codes
    }

    /// Checks whether a member may commit offsets now (Kafka's `handleCommitOffsets`).
    /// A commit from outside group management (generation < 0) is allowed while the
    /// group has no members, creating the group if needed.
    pub fn check_commit(
        &self,
        group_id: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
        now: Instant,
    ) -> i16 {
        if group_id.is_empty() {
            return ResponseError::InvalidGroupId.code();
        }
        let mut groups = self.lock();
        let Some(group) = groups.get_mut(group_id) else {
            if generation < 0 {
                groups.insert(group_id.to_string(), Group::new(group_id));
                return error_codes::NONE;
            }
            return ResponseError::IllegalGeneration.code();
        };
        if generation < 0 && group.state == GroupState::Empty {
            return error_codes::NONE;
        }
        if group.state == GroupState::Dead {
            return ResponseError::CoordinatorNotAvailable.code();
        }
        if let Err(e) = group.check_member(member_id, instance_id) {
            return e;
        }
        if generation != group.generation {
            return ResponseError::IllegalGeneration.code();
        }
        if group.state == GroupState::CompletingRebalance {
            return ResponseError::RebalanceInProgress.code();
        }
        group.members[member_id].last_heartbeat = now;
        error_codes::NONE
    }

    /// Stores committed offsets (after `check_commit` and per-partition checks).
    pub fn store_offsets(&self, group_id: &str, offsets: Vec<((String, i32), CommittedOffset)>) {
        let mut groups = self.lock();
        let group = groups
            .entry(group_id.to_string())
            .or_insert_with(|| Group::new(group_id));
        group.offsets.extend(offsets);
    }

    /// Committed offsets of a group: all of them, or those of the given partitions.
    pub fn committed(&self, group_id: &str) -> BTreeMap<(String, i32), CommittedOffset> {
        self.lock()
            .get(group_id)
            .map(|g| g.offsets.clone())
            .unwrap_or_default()
    }

    /// DescribeGroups: a missing group is reported as Dead, as Kafka does.
    pub fn describe(&self, group_id: &str) -> GroupSummary {
        self.lock()
            .get(group_id)
            .map(Group::summary)
            .unwrap_or_else(|| GroupSummary {
                group_id: group_id.to_string(),
                state: GroupState::Dead,
                protocol_type: String::new(),
                protocol: String::new(),
                members: Vec::new(),
                generation: -1,
            })
    }

    /// ListGroups.
    pub fn list(&self) -> Vec<GroupListing> {
        let mut v: Vec<GroupListing> = self
            .lock()
            .values()
            .map(|g| GroupListing {
                group_id: g.id.clone(),
                protocol_type: g.protocol_type.clone().unwrap_or_default(),
                state: g.state,
            })
            .collect();
        v.sort_by(|a, b| a.group_id.cmp(&b.group_id));
        v
    }

    /// OffsetDelete (KIP-496): forgets committed offsets, one code per partition; the
    /// group's own error (GROUP_ID_NOT_FOUND) as `Err`. A partition of a topic the
    /// group's members subscribe to stays (GROUP_SUBSCRIBED_TO_TOPIC).
    pub fn delete_offsets(
        &self,
        group_id: &str,
        partitions: &[(String, i32)],
    ) -> Result<Vec<i16>, i16> {
        let mut groups = self.lock();
        let group = match groups.get_mut(group_id) {
            Some(g) if g.state != GroupState::Dead => g,
            _ => return Err(ResponseError::GroupIdNotFound.code()),
        };
        let subscribed: std::collections::HashSet<String> =
            match (&group.protocol_type, &group.protocol_name) {
                (Some(t), Some(p)) if t == "consumer" && group.state != GroupState::Empty => group
                    .members
                    .values()
                    .filter_map(|m| {
                        wire::consumer_protocol::decode_subscription(&m.metadata_for(p)).ok()
                    })
                    .flat_map(|s| s.topics)
                    .collect(),
                _ => Default::default(),
            };
        Ok(partitions
            .iter()
            .map(|(topic, partition)| {
                if subscribed.contains(topic) {
                    ResponseError::GroupSubscribedToTopic.code()
                } else {
                    group.offsets.remove(&(topic.clone(), *partition));
                    error_codes::NONE
                }
            })
            .collect())
    }

    /// DeleteGroups: only groups without members can go.
    pub fn delete(&self, group_id: &str) -> i16 {
        let mut groups = self.lock();
        match groups.get(group_id).map(|g| g.state) {
            None | Some(GroupState::Dead) => ResponseError::GroupIdNotFound.code(),
            Some(GroupState::Empty) => {
                groups.remove(group_id);
                error_codes::NONE
            }
            Some(_) => ResponseError::NonEmptyGroup.code(),
        }
    }

    /// Forgets committed offsets of a deleted topic.
    pub fn forget_topic(&self, topic: &str) {
        for g in self.lock().values_mut() {
            g.offsets.retain(|(t, _), _| t != topic);
        }
    }

    /// The earliest moment a timer of `tick` is due, so the timer task can wake exactly
    /// then (a session expiring a few milliseconds late can lose a client's race, as
    /// librdkafka's test 0081 showed).
    pub fn next_deadline(&self) -> Option<Instant> {
        self.lock()
            .values()
            .flat_map(|g| {
                let sessions = g
                    .members
                    .values()
                    .filter(|m| m.join_waiter.is_none() && m.sync_waiter.is_none())
                    .map(|m| m.last_heartbeat + m.session_timeout);
                sessions
                    .chain(g.pending.values().copied())
                    .chain(g.initial_delay.map(|(d, _)| d))
                    .chain(g.join_deadline)
                    .chain(g.sync_deadline)
                    .collect::<Vec<_>>()
            })
            .min()
    }

    /// Runs the timers: session expiry, pending members, join and sync deadlines,
    /// the initial rebalance delay. Called at `next_deadline` and every 25 ms.
    pub fn tick(&self, now: Instant) {
        let cfg = &self.config;
        for group in self.lock().values_mut() {
            let lapsed: Vec<String> = group
                .pending
                .iter()
                .filter(|(_, d)| **d <= now)
                .map(|(id, _)| id.clone())
                .collect();
            for id in lapsed {
                group.pending.remove(&id);
                group.try_complete_join(now);
            }
            let expired: Vec<String> = group
                .members
                .values()
                .filter(|m| m.join_waiter.is_none() && m.sync_waiter.is_none())
                .filter(|m| m.last_heartbeat + m.session_timeout <= now)
                .map(|m| m.id.clone())
                .collect();
            for id in expired {
                tracing::info!(group = %group.id, member = %id, "member session expired");
                group.remove_member(&id);
                group.after_member_removed(now, cfg);
            }
            if let Some((deadline, remaining)) = group.initial_delay {
                if deadline <= now {
                    if group.new_member_added && !remaining.is_zero() {
                        let delay = cfg.initial_rebalance_delay.min(remaining);
                        group.initial_delay = Some((now + delay, remaining - delay));
                        group.new_member_added = false;
                    } else {
                        group.complete_join(now);
                    }
                }
            }
            if group.join_deadline.is_some_and(|d| d <= now)
                && group.state == GroupState::PreparingRebalance
            {
                group.complete_join(now);
            }
            if group.sync_deadline.is_some_and(|d| d <= now)
                && matches!(
                    group.state,
                    GroupState::CompletingRebalance | GroupState::Stable
                )
            {
                group.sync_deadline = None;
                let unsynced: Vec<String> = group
                    .members
                    .values()
                    .filter(|m| m.pending_sync)
                    .map(|m| m.id.clone())
                    .collect();
                if !unsynced.is_empty() {
                    for id in &unsynced {
                        tracing::info!(group = %group.id, member = %id, "member did not sync in time");
                        group.remove_member(id);
                    }
                    group.prepare_rebalance(now, cfg);
                    group.try_complete_join(now);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> CoordinatorConfig {
        CoordinatorConfig {
            initial_rebalance_delay: Duration::ZERO,
            min_session_timeout: Duration::from_millis(6_000),
            max_session_timeout: Duration::from_secs(1_800),
        }
    }

    fn req(member: &str, protocols: &[&str]) -> JoinRequest {
        JoinRequest {
            group_id: "g".into(),
            member_id: member.into(),
            instance_id: None,
            client_id: "c".into(),
            client_host: "/127.0.0.1".into(),
            session_timeout: Duration::from_secs(10),
            rebalance_timeout: Duration::from_secs(30),
            protocol_type: "consumer".into(),
            protocols: protocols
                .iter()
                .map(|p| (p.to_string(), Bytes::from_static(b"meta")))
                .collect(),
            require_known_member_id: true,
        }
    }

    fn ready<T: std::fmt::Debug>(r: Reply<T>) -> T {
        match r {
            Reply::Ready(t) => t,
            Reply::Wait(mut rx) => rx.try_recv().expect("answered already"),
        }
    }

    /// The first join of an empty group: answered once the timer has run.
    fn first_join(c: &Coordinator, r: JoinRequest, now: Instant) -> JoinOutcome {
        let reply = c.join(r, now);
        c.tick(now);
        ready(reply)
    }

    fn pending<T: std::fmt::Debug>(r: Reply<T>) -> oneshot::Receiver<T> {
        match r {
            Reply::Wait(rx) => rx,
            Reply::Ready(t) => panic!("expected to wait, got {t:?}"),
        }
    }

    /// Joins a new member the v4+ way (MEMBER_ID_REQUIRED, then rejoin) and returns its id.
    fn new_member(c: &Coordinator, now: Instant) -> (String, Reply<JoinOutcome>) {
        let first = ready(c.join(req("", &["range"]), now));
        assert_eq!(first.error, ResponseError::MemberIdRequired.code());
        let id = first.member_id.clone();
        let reply = c.join(req(&id, &["range"]), now);
        // A first join completes from the timer, as in Kafka.
        c.tick(now);
        (id.clone(), reply)
    }

    fn sync_all(c: &Coordinator, gen: i32, leader: &str, members: &[&str], now: Instant) {
        let assignments = members
            .iter()
            .map(|m| (m.to_string(), Bytes::from(m.to_string())))
            .collect();
        let out = ready(c.sync("g", gen, leader, None, assignments, now));
        assert_eq!(out.error, error_codes::NONE);
        for m in members.iter().filter(|m| **m != leader) {
            assert_eq!(
                ready(c.sync("g", gen, m, None, vec![], now)).assignment,
                Bytes::from(m.to_string())
            );
        }
    }

    #[test]
    fn first_member_becomes_leader_of_generation_one() {
        let c = Coordinator::new(cfg());
        let now = Instant::now();
        let (a, reply) = new_member(&c, now);
        let out = ready(reply);
        assert_eq!(
            (out.error, out.generation, out.leader.as_str()),
            (error_codes::NONE, 1, a.as_str())
        );
        assert_eq!(out.members.len(), 1);
        assert_eq!(out.protocol_name.as_deref(), Some("range"));
        sync_all(&c, 1, &a, &[&a], now);
        assert_eq!(c.describe("g").state, GroupState::Stable);
        assert_eq!(
            c.describe("g").members[0].assignment,
            Bytes::from(a.clone())
        );
    }

    #[test]
    fn second_member_triggers_rebalance_heartbeat_says_rejoin() {
        let c = Coordinator::new(cfg());
        let now = Instant::now();
        let (a, reply) = new_member(&c, now);
        ready(reply);
        sync_all(&c, 1, &a, &[&a], now);
        let (b, reply_b) = new_member(&c, now);
        let mut rx_b = pending(reply_b);
        assert_eq!(c.describe("g").state, GroupState::PreparingRebalance);
        assert_eq!(
            c.heartbeat("g", 1, &a, None, now),
            ResponseError::RebalanceInProgress.code()
        );
        assert!(rx_b.try_recv().is_err(), "B waits until A rejoins");
        let out_a = ready(c.join(req(&a, &["range"]), now));
        let out_b = rx_b.try_recv().unwrap();
        assert_eq!((out_a.generation, out_b.generation), (2, 2));
        assert_eq!(out_a.members.len(), 2, "the leader gets every member");
        assert!(out_b.members.is_empty());
        assert_eq!(
            c.heartbeat("g", 1, &a, None, now),
            ResponseError::IllegalGeneration.code()
        );
        sync_all(&c, 2, &a, &[&a, &b], now);
        assert_eq!(c.heartbeat("g", 2, &b, None, now), error_codes::NONE);
    }

    #[test]
    fn leave_rebalances_at_once_and_expiry_after_session_timeout() {
        let c = Coordinator::new(cfg());
        let t0 = Instant::now();
        let (a, r) = new_member(&c, t0);
        ready(r);
        sync_all(&c, 1, &a, &[&a], t0);
        let (b, rb) = new_member(&c, t0);
        let rx_b = pending(rb);
        ready(c.join(req(&a, &["range"]), t0));
        drop(rx_b);
        sync_all(&c, 2, &a, &[&a, &b], t0);
        // B leaves: generation 3 has only A, as soon as A rejoins.
        assert_eq!(
            c.leave("g", &[(b.clone(), None)], t0),
            vec![error_codes::NONE]
        );
        assert_eq!(c.describe("g").state, GroupState::PreparingRebalance);
        let out = ready(c.join(req(&a, &["range"]), t0));
        assert_eq!((out.generation, out.members.len()), (3, 1));
        sync_all(&c, 3, &a, &[&a], t0);
        // A stops heart-beating: removed once its 10 s session has passed, group empties.
        c.tick(t0 + Duration::from_secs(9));
        assert_eq!(c.describe("g").members.len(), 1);
        c.tick(t0 + Duration::from_secs(11));
        let d = c.describe("g");
        assert_eq!(
            (d.state, d.generation, d.members.len()),
            (GroupState::Empty, 4, 0)
        );
    }

    #[test]
    fn member_that_does_not_rejoin_is_dropped_at_rebalance_timeout() {
        let c = Coordinator::new(cfg());
        let t0 = Instant::now();
        let (a, r) = new_member(&c, t0);
        ready(r);
        sync_all(&c, 1, &a, &[&a], t0);
        let (_b, rb) = new_member(&c, t0);
        let mut rx_b = pending(rb);
        // A keeps heart-beating but never rejoins; the 30 s rebalance timeout removes it.
        for s in [8, 16, 24] {
            let t = t0 + Duration::from_secs(s);
            assert_eq!(
                c.heartbeat("g", 1, &a, None, t),
                ResponseError::RebalanceInProgress.code()
            );
            c.tick(t);
        }
        c.tick(t0 + Duration::from_secs(29));
        assert!(rx_b.try_recv().is_err());
        c.tick(t0 + Duration::from_secs(31));
        let out = rx_b.try_recv().unwrap();
        assert_eq!((out.generation, out.members.len()), (2, 1));
    }

    #[test]
    fn unknown_members_and_bad_timeouts_are_refused() {
        let c = Coordinator::new(cfg());
        let now = Instant::now();
        assert_eq!(
            ready(c.join(req("ghost", &["range"]), now)).error,
            ResponseError::UnknownMemberId.code()
        );
        let mut short = req("", &["range"]);
        short.session_timeout = Duration::from_millis(100);
        assert_eq!(
            ready(c.join(short, now)).error,
            ResponseError::InvalidSessionTimeout.code()
        );
        let mut no_group = req("", &["range"]);
        no_group.group_id.clear();
        assert_eq!(
            ready(c.join(no_group, now)).error,
            ResponseError::InvalidGroupId.code()
        );
        assert_eq!(
            c.heartbeat("nope", 1, "x", None, now),
            ResponseError::UnknownMemberId.code()
        );
        assert_eq!(c.describe("nope").state, GroupState::Dead);
    }

    #[test]
    fn protocol_is_chosen_by_vote_among_common_ones() {
        let c = Coordinator::new(cfg());
        let now = Instant::now();
        let mut v3 = req("", &["roundrobin", "range"]);
        v3.require_known_member_id = false;
        let a = first_join(&c, v3.clone(), now);
        assert_eq!(a.protocol_name.as_deref(), Some("roundrobin"));
        sync_all(&c, 1, &a.member_id, &[&a.member_id], now);
        let mut other = req("", &["range", "cooperative-sticky"]);
        other.require_known_member_id = false;
        let rx = pending(c.join(other, now));
        let mut ra = v3.clone();
        ra.member_id = a.member_id.clone();
        let out = ready(c.join(ra, now));
        assert_eq!(
            out.protocol_name.as_deref(),
            Some("range"),
            "the only protocol both support"
        );
        drop(rx);
        let mut incompatible = req("", &["sticky"]);
        incompatible.require_known_member_id = false;
        assert_eq!(
            ready(c.join(incompatible, now)).error,
            ResponseError::InconsistentGroupProtocol.code()
        );
    }

    #[test]
    fn static_member_keeps_its_place_across_restarts() {
        let c = Coordinator::new(cfg());
        let now = Instant::now();
        let mut s = req("", &["range"]);
        s.instance_id = Some("node-1".into());
        let a = first_join(&c, s.clone(), now);
        assert_eq!(
            a.error,
            error_codes::NONE,
            "static members skip MEMBER_ID_REQUIRED"
        );
        let (b, rb) = new_member(&c, now);
        let rx = pending(rb);
        let mut ra = s.clone();
        ra.member_id = a.member_id.clone();
        ready(c.join(ra, now));
        drop(rx);
        sync_all(&c, 2, &a.member_id, &[&a.member_id, &b], now);
        // B is not the leader, so restart B would rebalance; restart the static one (leader) instead.
        let again = c.join(s, now);
        let gen_before = c.describe("g").generation;
        assert!(
            matches!(again, Reply::Wait(_)),
            "the leader's return triggers a rebalance"
        );
        assert_eq!(
            c.heartbeat("g", gen_before, &a.member_id, Some("node-1"), now),
            ResponseError::FencedInstanceId.code()
        );
    }

    #[test]
    fn commits_follow_kafka_rules() {
        let c = Coordinator::new(cfg());
        let now = Instant::now();
        assert_eq!(
            c.check_commit("solo", -1, "", None, now),
            error_codes::NONE,
            "simple consumers may commit"
        );
        let (a, r) = new_member(&c, now);
        ready(r);
        assert_eq!(
            c.check_commit("g", 1, &a, None, now),
            ResponseError::RebalanceInProgress.code()
        );
        sync_all(&c, 1, &a, &[&a], now);
        assert_eq!(c.check_commit("g", 1, &a, None, now), error_codes::NONE);
        assert_eq!(
            c.check_commit("g", 0, &a, None, now),
            ResponseError::IllegalGeneration.code()
        );
        assert_eq!(
            c.check_commit("g", -1, "", None, now),
            ResponseError::UnknownMemberId.code(),
            "not while members are active"
        );
        assert_eq!(c.delete("g"), ResponseError::NonEmptyGroup.code());
        assert_eq!(c.delete("solo"), error_codes::NONE);
        assert_eq!(c.delete("solo"), ResponseError::GroupIdNotFound.code());
    }

    #[test]
    fn initial_delay_waits_for_more_members() {
        let c = Coordinator::new(CoordinatorConfig {
            initial_rebalance_delay: Duration::from_secs(3),
            ..cfg()
        });
        let t0 = Instant::now();
        let (_a, ra) = new_member(&c, t0);
        let mut rx_a = pending(ra);
        let (_b, rb) = new_member(&c, t0 + Duration::from_secs(1));
        let mut rx_b = pending(rb);
        c.tick(t0 + Duration::from_secs(2));
        assert!(rx_a.try_recv().is_err());
        c.tick(t0 + Duration::from_secs(3));
        c.tick(t0 + Duration::from_secs(6));
        assert_eq!(rx_a.try_recv().unwrap().generation, 1);
        assert_eq!(rx_b.try_recv().unwrap().generation, 1);
    }
}
