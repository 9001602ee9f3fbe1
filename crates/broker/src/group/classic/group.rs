//! One classic group and its members: the state machine (Empty, PreparingRebalance,
//! CompletingRebalance, Stable, Dead), protocol selection by vote, rebalances, static
//! members, and each member's join and sync waiters.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use bytes::Bytes;
use kafka_protocol::error::ResponseError;
use kafka_protocol::indexmap::IndexMap;
use tokio::sync::oneshot;

use super::types::*;
use crate::error_codes;

#[derive(Debug)]
pub(in crate::group) struct Member {
    pub(in crate::group) id: String,
    pub(in crate::group) instance_id: Option<String>,
    pub(in crate::group) client_id: String,
    pub(in crate::group) client_host: String,
    pub(in crate::group) session_timeout: Duration,
    pub(in crate::group) rebalance_timeout: Duration,
    pub(in crate::group) protocols: Vec<(String, Bytes)>,
    pub(in crate::group) assignment: Bytes,
    pub(in crate::group) join_waiter: Option<oneshot::Sender<JoinOutcome>>,
    pub(in crate::group) sync_waiter: Option<oneshot::Sender<SyncOutcome>>,
    pub(in crate::group) pending_sync: bool,
    pub(in crate::group) last_heartbeat: Instant,
}

impl Member {
    pub(in crate::group) fn metadata_for(&self, protocol: &str) -> Bytes {
        self.protocols
            .iter()
            .find(|(n, _)| n == protocol)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    pub(in crate::group) fn update(&mut self, req: &JoinRequest) {
        self.client_id = req.client_id.clone();
        self.client_host = req.client_host.clone();
        self.session_timeout = req.session_timeout;
        self.rebalance_timeout = req.rebalance_timeout;
        self.protocols = req.protocols.clone();
    }
}

#[derive(Debug)]
pub(in crate::group) struct Group {
    pub(in crate::group) id: String,
    pub(in crate::group) state: GroupState,
    pub(in crate::group) generation: i32,
    pub(in crate::group) protocol_type: Option<String>,
    pub(in crate::group) protocol_name: Option<String>,
    pub(in crate::group) leader: Option<String>,
    pub(in crate::group) members: IndexMap<String, Member>,
    /// Member ids handed out with MEMBER_ID_REQUIRED, and when they lapse.
    pub(in crate::group) pending: HashMap<String, Instant>,
    pub(in crate::group) statics: HashMap<String, String>,
    pub(in crate::group) offsets: BTreeMap<(String, i32), CommittedOffset>,
    pub(in crate::group) join_deadline: Option<Instant>,
    pub(in crate::group) initial_delay: Option<(Instant, Duration)>,
    pub(in crate::group) new_member_added: bool,
    pub(in crate::group) sync_deadline: Option<Instant>,
}

impl Group {
    pub(in crate::group) fn new(id: &str) -> Self {
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

    pub(in crate::group) fn is_leader(&self, id: &str) -> bool {
        self.leader.as_deref() == Some(id)
    }

    pub(in crate::group) fn max_rebalance_timeout(&self) -> Duration {
        self.members
            .values()
            .map(|m| m.rebalance_timeout)
            .max()
            .unwrap_or(Duration::ZERO)
    }

    /// Protocols every member supports.
    pub(in crate::group) fn candidates(&self) -> Vec<String> {
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

    pub(in crate::group) fn supports(
        &self,
        protocol_type: &str,
        protocols: &[(String, Bytes)],
    ) -> bool {
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
    pub(in crate::group) fn select_protocol(&self) -> Option<String> {
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

    pub(in crate::group) fn all_joined(&self) -> bool {
        self.pending.is_empty() && self.members.values().all(|m| m.join_waiter.is_some())
    }

    pub(in crate::group) fn outcome_for(&self, member_id: &str, with_members: bool) -> JoinOutcome {
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

    pub(in crate::group) fn prepare_rebalance(&mut self, now: Instant, cfg: &CoordinatorConfig) {
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

    pub(in crate::group) fn try_complete_join(&mut self, now: Instant) {
        if self.state == GroupState::PreparingRebalance
            && self.initial_delay.is_none()
            && self.all_joined()
        {
            self.complete_join(now);
        }
    }

    pub(in crate::group) fn complete_join(&mut self, now: Instant) {
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

    pub(in crate::group) fn remove_member(&mut self, id: &str) {
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
    pub(in crate::group) fn after_member_removed(&mut self, now: Instant, cfg: &CoordinatorConfig) {
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.prepare_rebalance(now, cfg);
                self.try_complete_join(now);
            }
            GroupState::PreparingRebalance => self.try_complete_join(now),
            _ => {}
        }
    }

    pub(in crate::group) fn add_member_and_rebalance(
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
    pub(in crate::group) fn rejoin(
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
    pub(in crate::group) fn replace_static(
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

    pub(in crate::group) fn rejoin_after_replace(
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

    pub(in crate::group) fn check_member(
        &self,
        member_id: &str,
        instance_id: Option<&str>,
    ) -> Result<(), i16> {
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

    pub(in crate::group) fn summary(&self) -> GroupSummary {
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
