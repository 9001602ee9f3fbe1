//! The rebalance timeline: built by comparing successive snapshots of a group. Each entry
//! says when a rebalance was first seen and when the group settled, who joined or left,
//! and which partitions moved from whom to whom.

use std::collections::{BTreeMap, BTreeSet};

use crate::kafka::model::{member_labels, GroupSnapshot};

/// One observed rebalance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebalance {
    /// 1 for the first one seen, then 2, 3, ...
    pub seq: u64,
    /// When it was first seen (ms since the epoch): the first snapshot in a rebalancing
    /// state, or, if it finished between two snapshots, the earlier one.
    pub began_ms: i64,
    /// When the group was next seen settled (Stable or Empty).
    pub settled_ms: i64,
    /// The rebalance was never seen in progress, only its result (it took less than one
    /// polling interval).
    pub began_is_bound: bool,
    /// Members that joined, by client id (with the member id's tail where members
    /// share a client id, the member id where there is no client id).
    pub joined: Vec<String>,
    /// ... and that left.
    pub left: Vec<String>,
    /// (topic, partition, from, to); `None` = nobody.
    pub moved: Vec<(String, i32, Option<String>, Option<String>)>,
    /// Assignor after the rebalance.
    pub protocol: String,
    /// Members after it.
    pub members: usize,
}

impl Rebalance {
    /// How long the group was not consuming, at most.
    pub fn duration_ms(&self) -> i64 {
        (self.settled_ms - self.began_ms).max(0)
    }
}

type Owners = BTreeMap<(String, i32), String>;

#[derive(Debug, Clone, Default)]
struct Settled {
    members: BTreeMap<String, String>,
    owners: Owners,
}

/// Tracks one group's rebalances.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Rebalances seen, oldest first.
    pub entries: Vec<Rebalance>,
    last: Option<Settled>,
    rebalancing_since: Option<i64>,
    last_seen_ms: Option<i64>,
}

fn settled(state: &str) -> bool {
    matches!(state, "Stable" | "Empty" | "Dead")
}

impl Timeline {
    /// Feeds one snapshot taken at `now_ms`; returns the new entry if one completed.
    pub fn observe(&mut self, snap: &GroupSnapshot, now_ms: i64) -> Option<&Rebalance> {
        let previous_seen = self.last_seen_ms.replace(now_ms);
        if !settled(&snap.state) {
            self.rebalancing_since.get_or_insert(now_ms);
            return None;
        }
        let members: BTreeMap<String, String> = member_labels(&snap.members);
        let owners: Owners = snap.owners();
        let now = Settled { members, owners };
        let Some(before) = self.last.replace(now.clone()) else {
            // The first look: nothing to compare with yet.
            self.rebalancing_since = None;
            return None;
        };
        let changed = before.members != now.members || before.owners != now.owners;
        let began = self.rebalancing_since.take();
        if !changed && began.is_none() {
            return None;
        }
        let name = |map: &BTreeMap<String, String>, id: &String| {
            map.get(id).cloned().unwrap_or_else(|| id.clone())
        };
        let joined = now
            .members
            .keys()
            .filter(|id| !before.members.contains_key(*id))
            .map(|id| name(&now.members, id))
            .collect();
        let left = before
            .members
            .keys()
            .filter(|id| !now.members.contains_key(*id))
            .map(|id| name(&before.members, id))
            .collect();
        let keys: BTreeSet<&(String, i32)> =
            before.owners.keys().chain(now.owners.keys()).collect();
        let moved = keys
            .into_iter()
            .filter_map(|k| {
                let from = before.owners.get(k);
                let to = now.owners.get(k);
                (from != to).then(|| {
                    (
                        k.0.clone(),
                        k.1,
                        from.map(|id| name(&before.members, id)),
                        to.map(|id| name(&now.members, id)),
                    )
                })
            })
            .collect();
        self.entries.push(Rebalance {
            seq: self.entries.len() as u64 + 1,
            began_ms: began.or(previous_seen).unwrap_or(now_ms),
            settled_ms: now_ms,
            began_is_bound: began.is_none(),
            joined,
            left,
            moved,
            protocol: snap.protocol.clone(),
            members: snap.members.len(),
        });
        self.entries.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::model::MemberInfo;

    fn member(id: &str, parts: &[i32]) -> MemberInfo {
        MemberInfo {
            member_id: format!("{id}-uuid"),
            client_id: id.to_string(),
            host: "/127.0.0.1".into(),
            assignment: if parts.is_empty() {
                vec![]
            } else {
                vec![("sarama".into(), parts.to_vec())]
            },
            subscription: vec!["sarama".into()],
            regex: None,
            epoch: None,
            target: None,
        }
    }

    fn snap(state: &str, members: Vec<MemberInfo>) -> GroupSnapshot {
        GroupSnapshot {
            name: "g".into(),
            state: state.into(),
            protocol: "range".into(),
            members,
            consumer: None,
        }
    }

    #[test]
    fn the_seed_demo_as_a_timeline() {
        let mut t = Timeline::default();
        assert!(t.observe(&snap("Empty", vec![]), 0).is_none());
        // A joins and gets both partitions (seen only after the fact).
        let e = t
            .observe(&snap("Stable", vec![member("A", &[0, 1])]), 1_000)
            .unwrap()
            .clone();
        assert_eq!(
            (e.seq, e.joined.clone(), e.began_is_bound),
            (1, vec!["A".to_string()], true)
        );
        assert_eq!(e.moved.len(), 2);
        // B joins: seen in progress, then settled.
        assert!(t
            .observe(&snap("PreparingRebalance", vec![member("A", &[])]), 2_000)
            .is_none());
        let e = t
            .observe(
                &snap("Stable", vec![member("A", &[0]), member("B", &[1])]),
                2_500,
            )
            .unwrap()
            .clone();
        assert_eq!(
            (e.began_ms, e.duration_ms(), e.began_is_bound),
            (2_000, 500, false)
        );
        assert_eq!(
            e.moved,
            vec![("sarama".into(), 1, Some("A".into()), Some("B".into()))]
        );
        // C joins idle: no partition moves, but a member joined.
        let e = t
            .observe(
                &snap(
                    "Stable",
                    vec![member("A", &[0]), member("B", &[1]), member("C", &[])],
                ),
                3_000,
            )
            .unwrap()
            .clone();
        assert_eq!(
            (e.joined.clone(), e.moved.len()),
            (vec!["C".to_string()], 0)
        );
        // A leaves: partition 0 goes to C.
        let e = t
            .observe(
                &snap("Stable", vec![member("B", &[1]), member("C", &[0])]),
                4_000,
            )
            .unwrap()
            .clone();
        assert_eq!(e.left, vec!["A".to_string()]);
        assert_eq!(
            e.moved,
            vec![("sarama".into(), 0, Some("A".into()), Some("C".into()))]
        );
        assert_eq!(e.seq, 4);
        // Nothing changes: no entry.
        assert!(t
            .observe(
                &snap("Stable", vec![member("B", &[1]), member("C", &[0])]),
                5_000
            )
            .is_none());
    }
}
