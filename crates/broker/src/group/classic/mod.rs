//! Kafka's classic group coordinator: every classic group behind one lock, the requests
//! (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, offsets, Describe/List/Delete) and the
//! timers. One group's state machine is `group.rs`; what goes in and out, `types.rs`.
//!
//! It follows Apache Kafka's `GroupCoordinator`: MEMBER_ID_REQUIRED for JoinGroup v4+
//! (KIP-394), separate session and rebalance timeouts (KIP-62), an initial rebalance delay
//! (KIP-134), static membership (KIP-345), pending-sync expiry, protocol selection by vote.
//! Everything here is synchronous under one mutex; JoinGroup and SyncGroup callers get a
//! oneshot receiver they await outside the lock.

mod group;
#[cfg(test)]
mod tests;
mod types;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Instant;

use bytes::Bytes;
use kafka_protocol::error::ResponseError;
use tokio::sync::oneshot;

use crate::error_codes;
pub(in crate::group) use group::{Group, Member};
pub use types::*;

/// The group coordinator of the single-node cluster.
#[derive(Debug)]
pub struct Coordinator {
    groups: Mutex<HashMap<String, Group>>,
    pub(in crate::group) config: CoordinatorConfig,
}

impl Coordinator {
    /// A coordinator with no groups.
    pub fn new(config: CoordinatorConfig) -> Self {
        Self {
            groups: Mutex::new(HashMap::new()),
            config,
        }
    }

    pub(in crate::group) fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Group>> {
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
