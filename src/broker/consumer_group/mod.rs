//! Consumer groups of the next generation (KIP-848): the coordinator computes each
//! group's target assignment (`assignors`), keeps members, epochs and sessions (`group`)
//! and moves each member towards its target over heartbeats (`reconcile`), a partition
//! leaving one member before another receives it. The request handlers are in
//! `handlers/consumer_groups.rs`.

pub mod assignors;
pub mod group;
pub mod reconcile;

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

/// Partitions by topic id, as KIP-848's requests and records name them.
pub type Assignment = BTreeMap<Uuid, BTreeSet<i32>>;

/// `a` without what `b` holds.
fn minus(a: &Assignment, b: &Assignment) -> Assignment {
    a.iter()
        .filter_map(|(t, ps)| {
            let left: BTreeSet<i32> = match b.get(t) {
                Some(other) => ps.difference(other).copied().collect(),
                None => ps.clone(),
            };
            (!left.is_empty()).then_some((*t, left))
        })
        .collect()
}

/// What `a` and `b` both hold.
fn both(a: &Assignment, b: &Assignment) -> Assignment {
    a.iter()
        .filter_map(|(t, ps)| {
            let common: BTreeSet<i32> = ps.intersection(b.get(t)?).copied().collect();
            (!common.is_empty()).then_some((*t, common))
        })
        .collect()
}

/// Whether `a` and `b` share a partition.
fn overlaps(a: &Assignment, b: &Assignment) -> bool {
    !both(a, b).is_empty()
}

/// Every consumer group of the broker, behind one lock.
#[derive(Debug, Default)]
pub struct Registry {
    groups: std::sync::Mutex<BTreeMap<String, group::ConsumerGroup>>,
    /// The coordinator's settings for these groups.
    pub settings: group::Settings,
}

/// STALE_MEMBER_EPOCH: an offset commit with an epoch the member has left behind.
pub const STALE_MEMBER_EPOCH: i16 = 113;

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, group::ConsumerGroup>> {
        self.groups.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One heartbeat to `group_id` at `now_ms` (the group is created by its first member).
    pub fn heartbeat(
        &self,
        group_id: &str,
        hb: group::Heartbeat,
        topics: &group::Topics,
        now_ms: i64,
    ) -> Result<group::HeartbeatReply, group::HeartbeatError> {
        let mut groups = self.lock();
        if !groups.contains_key(group_id) && hb.member_epoch != 0 {
            return Err(group::HeartbeatError::UnknownMemberId);
        }
        let g = groups.entry(group_id.to_string()).or_default();
        g.expire(now_ms, &self.settings);
        let reply = g.heartbeat(hb, topics, &self.settings, now_ms);
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

    /// Removes members whose time is up (a group left empty stays, `Empty`).
    pub fn expire(&self, now_ms: i64) {
        for g in self.lock().values_mut() {
            g.expire(now_ms, &self.settings);
        }
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
        let mut groups = self.lock();
        if !groups.values().any(|g| g.regexes_due()) {
            return;
        }
        let topics = topics();
        for g in groups.values_mut().filter(|g| g.regexes_due()) {
            g.resolve_regexes(&topics, now_ms);
        }
    }

    /// Checks an offset commit to a consumer group with members: the member must be in
    /// it at this epoch (0 on success, else Kafka's error code).
    pub fn check_commit(&self, group_id: &str, member_id: &str, epoch: i32) -> i16 {
        let groups = self.lock();
        let Some(m) = groups.get(group_id).and_then(|g| g.members.get(member_id)) else {
            return 25; // UNKNOWN_MEMBER_ID
        };
        if epoch != m.progress.epoch {
            return STALE_MEMBER_EPOCH;
        }
        0
    }
}
