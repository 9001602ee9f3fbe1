//! How a member of a consumer group (KIP-848) moves from what it holds to its target
//! assignment, one heartbeat at a time, as Kafka's group coordinator does: partitions it
//! must give up are revoked first (the member keeps its epoch until it says it no longer
//! owns them); partitions it is to receive are handed over only once no other member
//! holds them; its epoch reaches the target assignment's epoch as soon as nothing is left
//! to revoke.

use super::assignment::{both, minus, overlaps, Assignment};

/// Where a member is on its way to the target assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState {
    /// It holds its target (or all of it that it can have now).
    Stable,
    /// It must first give up partitions (`pending_revocation`).
    UnrevokedPartitions,
    /// It is at the target epoch, but some of its target partitions are still held by
    /// other members; they are handed over once released.
    UnreleasedPartitions,
}

/// What the coordinator knows of one member's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberProgress {
    /// Its epoch (what its heartbeats must carry).
    pub epoch: i32,
    /// Where it is.
    pub state: MemberState,
    /// What it may consume now.
    pub assigned: Assignment,
    /// What it was asked to give up and has not confirmed giving up.
    pub pending_revocation: Assignment,
}

impl MemberProgress {
    /// A member that has just joined (epoch 0, nothing held).
    pub fn joined() -> MemberProgress {
        MemberProgress {
            epoch: 0,
            state: MemberState::Stable,
            assigned: Assignment::new(),
            pending_revocation: Assignment::new(),
        }
    }
}

/// The member's next step towards `target` (of epoch `target_epoch`). `owned` is what
/// the member's heartbeat says it owns (`None` when the heartbeat did not say), and
/// `held_elsewhere(topic, partition)` whether another member still holds a partition.
pub fn reconcile(
    m: &MemberProgress,
    target_epoch: i32,
    target: &Assignment,
    owned: Option<&Assignment>,
    held_elsewhere: impl Fn(&uuid::Uuid, i32) -> bool,
) -> MemberProgress {
    // Whether the member may still own some of `revoked` (it did not say otherwise).
    let still_owns = |revoked: &Assignment| owned.is_none_or(|o| overlaps(o, revoked));
    match m.state {
        MemberState::Stable if m.epoch == target_epoch => m.clone(),
        MemberState::Stable | MemberState::UnreleasedPartitions => {
            next(m, m.epoch, target_epoch, target, still_owns, held_elsewhere)
        }
        MemberState::UnrevokedPartitions => {
            if still_owns(&m.pending_revocation) {
                return m.clone();
            }
            // Revocation confirmed: the member moves to the next epoch and on.
            next(
                m,
                m.epoch + 1,
                target_epoch,
                target,
                still_owns,
                held_elsewhere,
            )
        }
    }
}

fn next(
    m: &MemberProgress,
    epoch: i32,
    target_epoch: i32,
    target: &Assignment,
    still_owns: impl Fn(&Assignment) -> bool,
    held_elsewhere: impl Fn(&uuid::Uuid, i32) -> bool,
) -> MemberProgress {
    let kept = both(&m.assigned, target);
    let revoke = minus(&m.assigned, &kept);
    let mut unreleased = false;
    let mut receive = Assignment::new();
    for (t, ps) in minus(target, &kept) {
        for p in ps {
            if held_elsewhere(&t, p) {
                unreleased = true;
            } else {
                receive.entry(t).or_default().insert(p);
            }
        }
    }
    if !revoke.is_empty() && still_owns(&revoke) {
        // Give up first; the epoch stays until the member confirms.
        return MemberProgress {
            epoch,
            state: MemberState::UnrevokedPartitions,
            assigned: kept,
            pending_revocation: revoke,
        };
    }
    let mut assigned = kept;
    for (t, ps) in receive {
        assigned.entry(t).or_default().extend(ps);
    }
    MemberProgress {
        epoch: target_epoch,
        state: if unreleased {
            MemberState::UnreleasedPartitions
        } else {
            MemberState::Stable
        },
        assigned,
        pending_revocation: Assignment::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const T: Uuid = Uuid::from_u128(1);

    fn parts(ps: &[i32]) -> Assignment {
        if ps.is_empty() {
            return Assignment::new();
        }
        Assignment::from([(T, ps.iter().copied().collect())])
    }

    fn member(
        epoch: i32,
        state: MemberState,
        assigned: &[i32],
        revoking: &[i32],
    ) -> MemberProgress {
        MemberProgress {
            epoch,
            state,
            assigned: parts(assigned),
            pending_revocation: parts(revoking),
        }
    }

    #[test]
    fn a_new_member_receives_free_partitions_at_once() {
        let m = reconcile(
            &MemberProgress::joined(),
            1,
            &parts(&[0, 1]),
            Some(&parts(&[])),
            |_, _| false,
        );
        assert_eq!(m, member(1, MemberState::Stable, &[0, 1], &[]));
    }

    #[test]
    fn a_member_at_its_target_stays_put() {
        let m = member(3, MemberState::Stable, &[0], &[]);
        assert_eq!(reconcile(&m, 3, &parts(&[0]), None, |_, _| true), m);
    }

    #[test]
    fn partitions_to_give_up_are_revoked_before_the_epoch_moves() {
        // A holds 0 and 1; the new target (epoch 2) keeps only 0 for it.
        let a = member(1, MemberState::Stable, &[0, 1], &[]);
        let step = reconcile(&a, 2, &parts(&[0]), Some(&parts(&[0, 1])), |_, _| false);
        assert_eq!(
            step,
            member(1, MemberState::UnrevokedPartitions, &[0], &[1])
        );
        // Still owning 1: no progress.
        let same = reconcile(&step, 2, &parts(&[0]), Some(&parts(&[0, 1])), |_, _| false);
        assert_eq!(same, step);
        // A heartbeat that did not list what it owns proves nothing either.
        assert_eq!(reconcile(&step, 2, &parts(&[0]), None, |_, _| false), step);
        // Revocation confirmed: epoch 2, stable.
        let done = reconcile(&step, 2, &parts(&[0]), Some(&parts(&[0])), |_, _| false);
        assert_eq!(done, member(2, MemberState::Stable, &[0], &[]));
    }

    #[test]
    fn a_partition_is_handed_over_only_once_its_old_owner_let_go() {
        // B joined; its target (epoch 2) is partition 1, which A still holds.
        let b = MemberProgress::joined();
        let waiting = reconcile(&b, 2, &parts(&[1]), Some(&parts(&[])), |_, p| p == 1);
        assert_eq!(
            waiting,
            member(2, MemberState::UnreleasedPartitions, &[], &[])
        );
        // A released it: B receives it and is stable.
        let got = reconcile(&waiting, 2, &parts(&[1]), Some(&parts(&[])), |_, _| false);
        assert_eq!(got, member(2, MemberState::Stable, &[1], &[]));
    }

    #[test]
    fn a_member_that_already_let_go_moves_straight_on() {
        // The heartbeat already reports 1 gone: nothing to wait for.
        let a = member(1, MemberState::Stable, &[0, 1], &[]);
        let step = reconcile(&a, 2, &parts(&[0, 2]), Some(&parts(&[0])), |_, _| false);
        assert_eq!(step, member(2, MemberState::Stable, &[0, 2], &[]));
    }

    #[test]
    fn revoked_and_unreleased_at_once_revokes_first() {
        // Target swaps: give up 0, receive 1 (held elsewhere).
        let a = member(4, MemberState::Stable, &[0], &[]);
        let step = reconcile(&a, 5, &parts(&[1]), Some(&parts(&[0])), |_, p| p == 1);
        assert_eq!(step, member(4, MemberState::UnrevokedPartitions, &[], &[0]));
        let next = reconcile(&step, 5, &parts(&[1]), Some(&parts(&[])), |_, p| p == 1);
        assert_eq!(next, member(5, MemberState::UnreleasedPartitions, &[], &[]));
        let last = reconcile(&next, 5, &parts(&[1]), Some(&parts(&[])), |_, _| false);
        assert_eq!(last, member(5, MemberState::Stable, &[1], &[]));
    }
}
