//! The server-side assignors of KIP-848 groups (`group.consumer.assignors`): `uniform`
//! spreads partitions evenly and keeps each where it is when it can; `range` gives each
//! member a contiguous range of each topic it subscribes to.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::assignment::Assignment;

/// A member as an assignor sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// Member id.
    pub id: String,
    /// Topics it subscribes to (ids).
    pub topics: BTreeSet<Uuid>,
    /// Its part of the previous target assignment.
    pub current: Assignment,
}

/// Targets by member id.
pub type Targets = BTreeMap<String, Assignment>;

fn count(a: &Assignment) -> usize {
    a.values().map(BTreeSet::len).sum()
}

/// `uniform`: every partition of a subscribed topic to one subscriber, as evenly as the
/// subscriptions allow; a member keeps what it held up to its share, so a member joining
/// or leaving moves as few partitions as possible. `partitions` is each topic's count.
pub fn uniform(members: &[Subscriber], partitions: &BTreeMap<Uuid, i32>) -> Targets {
    let mut out: Targets = members
        .iter()
        .map(|m| (m.id.clone(), Assignment::new()))
        .collect();
    if members.is_empty() {
        return out;
    }
    let wanted: Vec<(Uuid, i32)> = partitions
        .iter()
        .filter(|(t, _)| members.iter().any(|m| m.topics.contains(t)))
        .flat_map(|(t, n)| (0..*n).map(move |p| (*t, p)))
        .collect();
    // Shares: ⌊n/m⌋ each, one more for the first n mod m members that claim it.
    let base = wanted.len() / members.len();
    let mut extra = wanted.len() % members.len();
    let mut taken: BTreeSet<(Uuid, i32)> = BTreeSet::new();
    let mut sorted: Vec<&Subscriber> = members.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    // Keep what each held, up to its share (members holding more keep the extra slots
    // first, so fewer partitions move).
    sorted.sort_by_key(|m| std::cmp::Reverse(count(&m.current)));
    for m in &sorted {
        let mut share = base;
        if extra > 0 && count(&m.current) > base {
            share += 1;
            extra -= 1;
        }
        let held = m
            .current
            .iter()
            .flat_map(|(t, ps)| ps.iter().map(move |p| (*t, *p)))
            .filter(|(t, p)| m.topics.contains(t) && partitions.get(t).is_some_and(|n| p < n))
            .filter(|tp| !taken.contains(tp))
            .take(share)
            .collect::<Vec<_>>();
        for (t, p) in held {
            taken.insert((t, p));
            out.entry(m.id.clone())
                .or_default()
                .entry(t)
                .or_default()
                .insert(p);
        }
    }
    // The rest, each to the subscriber holding the fewest (then by member id).
    for (t, p) in wanted.into_iter().filter(|tp| !taken.contains(tp)) {
        let to = members
            .iter()
            .filter(|m| m.topics.contains(&t))
            .min_by(|a, b| (count(&out[&a.id]), &a.id).cmp(&(count(&out[&b.id]), &b.id)));
        if let Some(m) = to {
            out.entry(m.id.clone())
                .or_default()
                .entry(t)
                .or_default()
                .insert(p);
        }
    }
    out
}

/// `range`: for each topic, its subscribers in member-id order each get a contiguous
/// range, the first ones one partition more when the count does not divide evenly.
pub fn range(members: &[Subscriber], partitions: &BTreeMap<Uuid, i32>) -> Targets {
    let mut out: Targets = members
        .iter()
        .map(|m| (m.id.clone(), Assignment::new()))
        .collect();
    for (t, n) in partitions {
        let mut subs: Vec<&Subscriber> = members.iter().filter(|m| m.topics.contains(t)).collect();
        if subs.is_empty() {
            continue;
        }
        subs.sort_by(|a, b| a.id.cmp(&b.id));
        let (each, more) = (*n as usize / subs.len(), *n as usize % subs.len());
        let mut next = 0i32;
        for (i, m) in subs.iter().enumerate() {
            let take = each + usize::from(i < more);
            let ps: BTreeSet<i32> = (next..next + take as i32).collect();
            next += take as i32;
            if !ps.is_empty() {
                out.entry(m.id.clone()).or_default().insert(*t, ps);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Uuid = Uuid::from_u128(7);

    fn sub(id: &str, current: &[i32]) -> Subscriber {
        Subscriber {
            id: id.into(),
            topics: BTreeSet::from([T]),
            current: if current.is_empty() {
                Assignment::new()
            } else {
                Assignment::from([(T, current.iter().copied().collect())])
            },
        }
    }

    fn held(t: &Targets, id: &str) -> Vec<i32> {
        t[id]
            .get(&T)
            .map_or(vec![], |ps| ps.iter().copied().collect())
    }

    #[test]
    fn uniform_runs_the_seed_demo_moving_as_little_as_possible() {
        let two = BTreeMap::from([(T, 2)]);
        let t = uniform(&[sub("A", &[])], &two);
        assert_eq!(held(&t, "A"), [0, 1], "A alone holds both");
        let t = uniform(&[sub("A", &[0, 1]), sub("B", &[])], &two);
        assert_eq!(
            (held(&t, "A"), held(&t, "B")),
            (vec![0], vec![1]),
            "B joins: one each, A keeps 0"
        );
        let t = uniform(&[sub("A", &[0]), sub("B", &[1]), sub("C", &[])], &two);
        assert_eq!(
            (held(&t, "A"), held(&t, "B"), held(&t, "C")),
            (vec![0], vec![1], vec![]),
            "C idles and nothing moves"
        );
        let t = uniform(&[sub("B", &[1]), sub("C", &[])], &two);
        assert_eq!(
            (held(&t, "B"), held(&t, "C")),
            (vec![1], vec![0]),
            "A leaves: C takes 0, B keeps 1"
        );
    }

    #[test]
    fn uniform_balances_and_only_gives_subscribed_topics() {
        let u = Uuid::from_u128(8);
        let parts = BTreeMap::from([(T, 5), (u, 3)]);
        let mut a = sub("A", &[]);
        a.topics.insert(u);
        let t = uniform(&[a, sub("B", &[])], &parts);
        assert_eq!(held(&t, "B").len() + held(&t, "A").len(), 5);
        assert_eq!(t["A"].get(&u).map_or(0, BTreeSet::len), 3, "only A reads u");
        assert!(!t["B"].contains_key(&u));
    }

    #[test]
    fn range_gives_contiguous_ranges_in_member_order() {
        let t = range(
            &[sub("B", &[]), sub("A", &[]), sub("C", &[])],
            &BTreeMap::from([(T, 5)]),
        );
        assert_eq!(held(&t, "A"), [0, 1]);
        assert_eq!(held(&t, "B"), [2, 3]);
        assert_eq!(held(&t, "C"), [4]);
        let t = range(
            &[sub("A", &[]), sub("B", &[]), sub("C", &[])],
            &BTreeMap::from([(T, 2)]),
        );
        assert_eq!(
            (held(&t, "A"), held(&t, "B"), held(&t, "C")),
            (vec![0], vec![1], vec![])
        );
    }
}
