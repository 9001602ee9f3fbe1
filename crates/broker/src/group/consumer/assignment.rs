//! A KIP-848 assignment (partitions by topic id) and the set operations reconciliation
//! and the classic-member code apply to assignments.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

/// Partitions by topic id, as KIP-848's requests and records name them.
pub type Assignment = BTreeMap<Uuid, BTreeSet<i32>>;

/// `a` without what `b` holds.
pub fn minus(a: &Assignment, b: &Assignment) -> Assignment {
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
pub fn both(a: &Assignment, b: &Assignment) -> Assignment {
    a.iter()
        .filter_map(|(t, ps)| {
            let common: BTreeSet<i32> = ps.intersection(b.get(t)?).copied().collect();
            (!common.is_empty()).then_some((*t, common))
        })
        .collect()
}

/// Whether `a` and `b` share a partition.
pub fn overlaps(a: &Assignment, b: &Assignment) -> bool {
    !both(a, b).is_empty()
}
