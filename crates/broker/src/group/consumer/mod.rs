//! Consumer groups of the next generation (KIP-848): the coordinator computes each
//! group's target assignment (`assignors`), keeps members, epochs and sessions (`group`)
//! and moves each member towards its target over heartbeats (`reconcile`), a partition
//! leaving one member before another receives it. The request handlers are in
//! `handlers/consumer_groups.rs`.

pub mod assignment;
pub mod assignors;
pub mod classic_members;
pub mod group;
pub mod reconcile;

use std::collections::BTreeMap;
use std::time::Instant;

use kafka_protocol::error::ResponseError;

use crate::error_codes;
use crate::group::classic::Coordinator;
pub use assignment::Assignment;
use classic_members::{ClassicError, ClassicJoin, ClassicJoined};

/// Every consumer group of the broker, behind one lock.
#[derive(Debug, Default)]
pub struct Registry {
    groups: std::sync::Mutex<BTreeMap<String, group::ConsumerGroup>>,
    /// The coordinator's settings for these groups.
    pub settings: group::Settings,
    /// Set when a heartbeat left some group's regexes due, so that the broker's tick
    /// looks at the groups only then.
    regexes_due: std::sync::atomic::AtomicBool,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, group::ConsumerGroup>> {
        self.groups.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One heartbeat to `group_id` at `now_ms` (the group is created by its first member).
    /// `classic` takes the group back if the last consumer-protocol member leaves.
    pub fn heartbeat(
        &self,
        group_id: &str,
        hb: group::Heartbeat,
        topics: &group::Topics,
        now_ms: i64,
        classic: &Coordinator,
    ) -> Result<group::HeartbeatReply, group::HeartbeatError> {
        let mut groups = self.lock();
        if !groups.contains_key(group_id) {
            if hb.member_epoch != 0 {
                return Err(group::HeartbeatError::UnknownMemberId);
            }
            // Under the same lock, so that no classic request comes in between.
            self.upgrade(&mut groups, group_id, classic, topics, now_ms)
                .map_err(group::HeartbeatError::GroupIdNotFound)?;
        }
        let g = groups.entry(group_id.to_string()).or_default();
        if self.expire_group(g, now_ms) {
            self.downgrade(&mut groups, group_id, topics, classic);
            return Err(group::HeartbeatError::UnknownMemberId);
        }
        if hb.member_epoch == group::LEAVE_EPOCH
            && self.settings.downgrade
            && g.downgrades_without(&hb.member_id)
        {
            g.members.remove(&hb.member_id);
            self.downgrade(&mut groups, group_id, topics, classic);
            return Ok(group::HeartbeatReply {
                member_id: hb.member_id,
                member_epoch: group::LEAVE_EPOCH,
                heartbeat_interval_ms: self.settings.heartbeat_interval_ms,
                assignment: None,
            });
        }
        let reply = g.heartbeat(hb, topics, &self.settings, now_ms);
        self.note_regexes(g);
        // A group whose first heartbeat failed never existed; one that emptied stays,
        // `Empty`, with its epoch (as on Kafka).
        if g.members.is_empty() && g.target_epoch == 0 {
            groups.remove(group_id);
        }
        reply
    }

    /// Whether `group_id` is a consumer group with members.
    pub fn has_members(&self, group_id: &str) -> bool {
        self.lock()
            .get(group_id)
            .is_some_and(|g| !g.members.is_empty())
    }

    /// A copy of a group, for describing.
    pub fn get(&self, group_id: &str) -> Option<group::ConsumerGroup> {
        self.lock().get(group_id).cloned()
    }

    /// Every group id with its state.
    pub fn list(&self) -> Vec<(String, &'static str)> {
        self.lock()
            .iter()
            .map(|(id, g)| (id.clone(), g.state()))
            .collect()
    }

    /// Removes members whose time is up (a group left empty stays, `Empty`; one left
    /// with only classic members goes back to `classic`).
    pub fn expire(&self, now_ms: i64, topics: impl Fn() -> group::Topics, classic: &Coordinator) {
        let mut groups = self.lock();
        let back: Vec<String> = groups
            .iter_mut()
            .filter_map(|(id, g)| self.expire_group(g, now_ms).then(|| id.clone()))
            .collect();
        if !back.is_empty() {
            let topics = topics();
            for id in back {
                self.downgrade(&mut groups, &id, &topics, classic);
            }
        }
    }

    /// Removes a group's overdue members; true when the group is to go back to being a
    /// classic group instead (the last consumer-protocol member's time is up, and classic
    /// members remain; that member is removed, the others stay for the conversion).
    fn expire_group(&self, g: &mut group::ConsumerGroup, now_ms: i64) -> bool {
        for id in g.overdue(now_ms) {
            if self.settings.downgrade && g.downgrades_without(&id) {
                g.members.remove(&id);
                return true;
            }
            g.remove(&id, &self.settings);
        }
        false
    }

    /// Hands a group's (classic) members back to the classic coordinator (Kafka's
    /// `convertToClassicGroup`): it becomes a classic group that rebalances at once.
    fn downgrade(
        &self,
        groups: &mut BTreeMap<String, group::ConsumerGroup>,
        group_id: &str,
        topics: &group::Topics,
        classic: &Coordinator,
    ) {
        if let Some(g) = groups.remove(group_id) {
            tracing::info!(
                group = group_id,
                epoch = g.epoch,
                "consumer group goes back to classic"
            );
            classic.take_back(group_id, g.to_classic(topics), Instant::now());
        }
    }

    /// Turns a classic group with members into a consumer group (Kafka's
    /// `convertToConsumerGroup`), when the migration policy allows; the error message
    /// otherwise. Nothing to do when it has no members.
    fn upgrade(
        &self,
        groups: &mut BTreeMap<String, group::ConsumerGroup>,
        group_id: &str,
        classic: &Coordinator,
        topics: &group::Topics,
        now_ms: i64,
    ) -> Result<(), String> {
        let refused = |why: &str| {
            format!("Cannot upgrade classic group {group_id} to consumer group because {why}.")
        };
        if !self.settings.upgrade {
            return match classic.describe(group_id).members.is_empty() {
                true => Ok(()),
                false => Err(refused("online upgrade is disabled")),
            };
        }
        match classic.hand_over(group_id) {
            None => Ok(()),
            Some(Err(why)) => Err(refused(why)),
            Some(Ok(h)) => match group::ConsumerGroup::from_classic(h.clone(), topics, now_ms) {
                Ok(g) => {
                    groups.insert(group_id.to_string(), g);
                    Ok(())
                }
                Err(e) => {
                    // It stays classic: its members go back, and rejoin.
                    classic.take_back(group_id, h, Instant::now());
                    Err(format!("Cannot upgrade the classic group {group_id} to consumer group because the embedded consumer protocol is malformed: {e}."))
                }
            },
        }
    }

    /// Runs a classic request against a consumer group with members: `None` when there
    /// is no such group (the classic coordinator answers it).
    fn with_members<T>(
        &self,
        group_id: &str,
        f: impl FnOnce(&mut group::ConsumerGroup) -> T,
    ) -> Option<T> {
        let mut groups = self.lock();
        let g = groups.get_mut(group_id).filter(|g| !g.members.is_empty())?;
        let out = f(g);
        self.note_regexes(g);
        Some(out)
    }

    /// Tells the broker's tick that `g` waits for its regexes to be resolved.
    fn note_regexes(&self, g: &group::ConsumerGroup) {
        if g.regexes_due() {
            self.regexes_due
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// A classic member's JoinGroup to a consumer group with members. A static member
    /// taking the place of the last consumer-protocol member turns the group back into a
    /// classic group (`classic` takes it), which rebalances.
    pub fn classic_join(
        &self,
        group_id: &str,
        j: ClassicJoin,
        topics: &group::Topics,
        now_ms: i64,
        classic: &Coordinator,
    ) -> Option<Result<ClassicJoined, ClassicError>> {
        let (joined, back) = self.with_members(group_id, |g| {
            if !self.settings.upgrade && !self.settings.downgrade {
                let message = format!("Cannot join the consumer group {group_id} with the classic protocol because the group migration is disabled.");
                let refused = ClassicError {
                    code: ResponseError::InconsistentGroupProtocol.code(),
                    message,
                };
                return (Err(refused), false);
            }
            let joined = g.classic_join(j, topics, &self.settings, now_ms);
            let back = joined.is_ok() && self.settings.downgrade && g.only_classic_members();
            (joined, back)
        })?;
        if back {
            self.downgrade(&mut self.lock(), group_id, topics, classic);
        }
        Some(joined)
    }

    /// A classic member's SyncGroup to a consumer group: its assignment bytes (`topics`
    /// is asked only then, not for every classic group's SyncGroup).
    pub fn classic_sync(
        &self,
        group_id: &str,
        member: (&str, Option<&str>),
        generation: i32,
        protocol: (Option<&str>, Option<&str>),
        topics: impl FnOnce() -> group::Topics,
        now_ms: i64,
    ) -> Option<Result<bytes::Bytes, ClassicError>> {
        self.with_members(group_id, |g| {
            g.classic_sync(member.0, member.1, generation, protocol, &topics(), now_ms)
        })
    }

    /// A classic member's Heartbeat to a consumer group: its error code.
    pub fn classic_heartbeat(
        &self,
        group_id: &str,
        member: (&str, Option<&str>),
        generation: i32,
        now_ms: i64,
    ) -> Option<i16> {
        self.with_members(group_id, |g| {
            g.classic_heartbeat(member.0, member.1, generation, now_ms)
                .map_or_else(|e| e.code, |()| error_codes::NONE)
        })
    }

    /// LeaveGroup for classic members of a consumer group: one code per member.
    pub fn classic_leave(
        &self,
        group_id: &str,
        members: &[(String, Option<String>)],
    ) -> Option<Vec<i16>> {
        self.with_members(group_id, |g| {
            members
                .iter()
                .map(|(id, inst)| {
                    g.classic_leave(id, inst.as_deref(), &self.settings)
                        .map_or_else(|e| e.code, |_| error_codes::NONE)
                })
                .collect()
        })
    }

    /// Deletes an empty group (DeleteGroups, or a classic member taking the id over, as
    /// Kafka converts an empty consumer group): `None` if there is no such group,
    /// `Some(false)` if it has members and stays.
    pub fn remove_empty(&self, group_id: &str) -> Option<bool> {
        let mut groups = self.lock();
        let empty = groups.get(group_id)?.members.is_empty();
        if empty {
            groups.remove(group_id);
        }
        Some(empty)
    }

    /// Resolves the regexes of groups whose heartbeats asked for it, against the topics
    /// `topics` gives (called only when some group waits).
    pub fn resolve_regexes(&self, topics: impl FnOnce() -> group::Topics, now_ms: i64) {
        if !self
            .regexes_due
            .swap(false, std::sync::atomic::Ordering::Relaxed)
        {
            return;
        }
        let mut groups = self.lock();
        let topics = topics();
        for g in groups.values_mut().filter(|g| g.regexes_due()) {
            g.resolve_regexes(&topics, now_ms);
        }
    }

    /// Checks an offset commit to a consumer group with members: the member must be in
    /// it at this epoch (0 on success, else Kafka's error code: a classic member's
    /// generation that is not its epoch is ILLEGAL_GENERATION).
    pub fn check_commit(&self, group_id: &str, member_id: &str, epoch: i32) -> i16 {
        let groups = self.lock();
        let Some(m) = groups.get(group_id).and_then(|g| g.members.get(member_id)) else {
            return ResponseError::UnknownMemberId.code();
        };
        match (epoch == m.progress.epoch, m.classic.is_some()) {
            (true, _) => error_codes::NONE,
            (false, true) => ResponseError::IllegalGeneration.code(),
            (false, false) => error_codes::STALE_MEMBER_EPOCH,
        }
    }
}
