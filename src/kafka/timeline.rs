//! The rebalance timeline: built by comparing successive snapshots of a group. Each entry
//! says when a rebalance was first seen and when the group settled, who joined or left,
//! and which partitions moved from whom to whom. For KIP-848 groups, whose members
//! converge one heartbeat at a time, it also keeps the group epoch and each step as it
//! was seen: who gave a partition up, who received it and how long it had no owner, and
//! how long a new member waited for its first partitions.

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
    /// The group epoch it ended at (KIP-848 groups).
    pub epoch: Option<i32>,
    /// Its steps as seen, oldest first (KIP-848 groups).
    pub steps: Vec<Step>,
}

/// One step of a KIP-848 group's convergence, as seen in its snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// When it was seen (ms since the epoch).
    pub at_ms: i64,
    /// What happened.
    pub kind: StepKind,
}

/// What a step was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// A member gave a partition up (topic, partition, member).
    Released(String, i32, String),
    /// A member received a partition; how long it had no owner (`None`: it changed
    /// hands between two looks).
    Received(String, i32, String, Option<i64>),
    /// A member received its first partitions this long after it was first seen; `true`
    /// when it had been idle meanwhile (the group settled with nothing for it), rather
    /// than waiting for partitions on their way.
    FirstPartitions(String, i64, bool),
    /// A member was removed from the group (member name, member id), and what it held.
    Removed(String, String, Vec<(String, i32)>),
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
    steps: Steps,
}

/// What a KIP-848 group's snapshots showed so far, look by look.
#[derive(Debug, Clone, Default)]
struct Steps {
    /// Owners at the last look.
    owners: Owners,
    /// Partitions given up and not yet received: since when.
    released: BTreeMap<(String, i32), i64>,
    /// Members without partitions yet: since when they were seen.
    waiting: BTreeMap<String, i64>,
    /// Members among those waiting that were seen idle in a settled group.
    idle: BTreeSet<String>,
    /// The names of the members at the last look (which members were there).
    names: BTreeMap<String, String>,
    /// Steps since the last entry.
    pending: Vec<Step>,
}

impl Steps {
    /// Compares one look with the one before, noting each step.
    fn look(&mut self, snap: &GroupSnapshot, now_ms: i64) {
        let names = member_labels(&snap.members);
        let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
        for m in &snap.members {
            // Only a member first seen without partitions is known to wait for them.
            if !self.names.contains_key(&m.member_id) && m.assignment.is_empty() {
                self.waiting.insert(m.member_id.clone(), now_ms);
            }
        }
        // Settled with nothing for it: idle, not waiting for partitions on their way.
        if snap.state == "Stable" {
            let idle = snap.members.iter().filter(|m| m.assignment.is_empty());
            self.idle.extend(
                idle.map(|m| m.member_id.clone())
                    .filter(|id| self.waiting.contains_key(id)),
            );
        }
        let owners = snap.owners();
        let here: BTreeSet<&String> = snap.members.iter().map(|m| &m.member_id).collect();
        let mut step = |kind| {
            self.pending.push(Step {
                at_ms: now_ms,
                kind,
            })
        };
        // What each member that is no longer in the group held: one step each.
        let mut removed: BTreeMap<&String, Vec<(String, i32)>> = BTreeMap::new();
        for (k, from) in &self.owners {
            if owners.get(k) != Some(from) {
                if !owners.contains_key(k) {
                    self.released.insert(k.clone(), now_ms);
                }
                if !here.contains(from) {
                    removed.entry(from).or_default().push(k.clone());
                    continue;
                }
                let who = names.get(from).cloned().unwrap_or_else(|| from.clone());
                step(StepKind::Released(k.0.clone(), k.1, who));
            }
        }
        for (id, held) in removed {
            let who = self.names.get(id).cloned().unwrap_or_else(|| id.clone());
            step(StepKind::Removed(who, id.clone(), held));
        }
        for (k, to) in &owners {
            if self.owners.get(k) != Some(to) {
                let free_ms = self.released.remove(k).map(|at| now_ms - at);
                step(StepKind::Received(k.0.clone(), k.1, name(to), free_ms));
            }
        }
        for m in &snap.members {
            if !m.assignment.is_empty() {
                if let Some(since) = self.waiting.remove(&m.member_id) {
                    let idle = self.idle.remove(&m.member_id);
                    step(StepKind::FirstPartitions(
                        name(&m.member_id),
                        now_ms - since,
                        idle,
                    ));
                }
            }
        }
        // Members gone: forget them.
        self.waiting.retain(|id, _| here.contains(id));
        self.idle.retain(|id| here.contains(id));
        self.owners = owners;
        self.names = names;
    }
}

fn settled(state: &str) -> bool {
    matches!(state, "Stable" | "Empty" | "Dead")
}

impl Timeline {
    /// Feeds one snapshot taken at `now_ms`; returns the new entry if one completed.
    pub fn observe(&mut self, snap: &GroupSnapshot, now_ms: i64) -> Option<&Rebalance> {
        let previous_seen = self.last_seen_ms.replace(now_ms);
        // Every look keeps the baseline, so that a classic group turning into a consumer
        // group (KIP-848's online upgrade) does not seem to hand out what its members
        // already held; only consumer groups have steps.
        self.steps.look(snap, now_ms);
        if snap.consumer.is_none() {
            self.steps.pending.clear();
        }
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
            self.steps.pending.clear();
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
            epoch: snap.consumer.map(|c| c.group_epoch),
            steps: std::mem::take(&mut self.steps.pending),
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
            classic: false,
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

    #[test]
    fn a_consumer_protocol_group_shows_each_step_and_how_long_it_took() {
        use crate::kafka::model::ConsumerProtocol;
        let next_gen = |state: &str, epoch, members| GroupSnapshot {
            consumer: Some(ConsumerProtocol {
                group_epoch: epoch,
                assignment_epoch: epoch,
            }),
            ..snap(state, members)
        };
        let mut t = Timeline::default();
        t.observe(&next_gen("Stable", 2, vec![member("A", &[0, 1])]), 0);
        // B joins with nothing; A gives 1 up a second later; B gets it a second after.
        let looks = [
            (
                1_000,
                "Reconciling",
                vec![member("A", &[0, 1]), member("B", &[])],
            ),
            (
                2_000,
                "Reconciling",
                vec![member("A", &[0]), member("B", &[])],
            ),
            (3_000, "Stable", vec![member("A", &[0]), member("B", &[1])]),
        ];
        let mut entry = None;
        for (at, state, members) in looks {
            entry = t.observe(&next_gen(state, 3, members), at).cloned();
        }
        let e = entry.expect("an entry once settled");
        assert_eq!((e.epoch, e.began_ms, e.settled_ms), (Some(3), 1_000, 3_000));
        let step = |at_ms, kind| Step { at_ms, kind };
        assert_eq!(
            e.steps,
            vec![
                step(2_000, StepKind::Released("sarama".into(), 1, "A".into())),
                step(
                    3_000,
                    StepKind::Received("sarama".into(), 1, "B".into(), Some(1_000))
                ),
                step(3_000, StepKind::FirstPartitions("B".into(), 2_000, false)),
            ]
        );
        // A is removed (it left, or its session timed out); C, idle there all along in
        // the settled group, takes 0 in the same look: no time without owner.
        t.observe(
            &next_gen(
                "Stable",
                4,
                vec![member("A", &[0]), member("B", &[1]), member("C", &[])],
            ),
            4_000,
        );
        let e = t
            .observe(
                &next_gen("Stable", 5, vec![member("B", &[1]), member("C", &[0])]),
                5_000,
            )
            .cloned()
            .unwrap();
        assert_eq!(
            e.steps,
            vec![
                step(
                    5_000,
                    StepKind::Removed("A".into(), "A-uuid".into(), vec![("sarama".into(), 0)])
                ),
                step(
                    5_000,
                    StepKind::Received("sarama".into(), 0, "C".into(), None)
                ),
                step(5_000, StepKind::FirstPartitions("C".into(), 1_000, true)),
            ]
        );
    }

    #[test]
    fn a_classic_group_that_turns_into_a_consumer_group_keeps_what_its_members_held() {
        use crate::kafka::model::ConsumerProtocol;
        let mut t = Timeline::default();
        t.observe(&snap("Stable", vec![member("K", &[0, 1])]), 0);
        // N (consumer protocol) joins: the group is a consumer group at epoch 2 from now on.
        let upgraded = |state: &str, members| GroupSnapshot {
            consumer: Some(ConsumerProtocol {
                group_epoch: 2,
                assignment_epoch: 2,
            }),
            ..snap(state, members)
        };
        t.observe(
            &upgraded("Reconciling", vec![member("K", &[0, 1]), member("N", &[])]),
            1_000,
        );
        let e = t
            .observe(
                &upgraded("Stable", vec![member("K", &[0]), member("N", &[1])]),
                2_000,
            )
            .cloned()
            .unwrap();
        let kinds: Vec<StepKind> = e.steps.into_iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                StepKind::Released("sarama".into(), 1, "K".into()),
                StepKind::Received("sarama".into(), 1, "N".into(), None),
                StepKind::FirstPartitions("N".into(), 1_000, false),
            ],
            "K held 0 and 1 before: it receives nothing"
        );
    }
}
