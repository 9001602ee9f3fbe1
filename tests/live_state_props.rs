//! Issue 9 #3: whatever order records and watermark answers arrive in, the live view's
//! figures never contradict each other: the high watermark is never below the last offset
//! seen + 1, low is never above high, and no count or watermark goes backwards; a group's
//! lag is never negative.

use kafka_dash::action::StartFrom;
use kafka_dash::kafka::model::{PartitionLag, PartitionStats, Record};
use kafka_dash::ui::partitions::LiveState;
use proptest::prelude::*;

/// One thing the tail sees for a partition.
#[derive(Debug, Clone)]
enum Step {
    /// The next record of partition `p` (offsets grow by 1..=3, as with gaps from
    /// compaction or transaction markers).
    Record { p: usize, gap: i64 },
    /// A watermark answer for partition `p`, `behind` offsets older than the newest
    /// record's end (a stale answer when positive), log start moved by `low`.
    Marks { p: usize, behind: i64, low: i64 },
    /// The tail hands its batch to the UI.
    Flush,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize, 1..4i64).prop_map(|(p, gap)| Step::Record { p, gap }),
        (0..3usize, -5..20i64, 0..3i64).prop_map(|(p, behind, low)| Step::Marks { p, behind, low }),
        Just(Step::Flush),
    ]
}

proptest! {
    #[test]
    fn figures_stay_coherent_under_any_interleaving(steps in prop::collection::vec(step(), 1..300)) {
        let mut live = LiveState::default();
        live.reset("t".into(), StartFrom::Beginning);
        let mut stats: Vec<PartitionStats> = (0..3)
            .map(|p| PartitionStats { partition: p, ..Default::default() })
            .collect();
        // What the log really holds: the next offset of each partition.
        let mut next = [0i64; 3];
        let mut log_start = [0i64; 3];
        let mut batch = Vec::new();
        let mut shown: Vec<PartitionStats> = stats.clone();
        for s in steps {
            match s {
                Step::Record { p, gap } => {
                    let offset = next[p] + gap - 1;
                    next[p] = offset + 1;
                    stats[p].on_record(offset);
                    batch.push(Record {
                        partition: p as i32,
                        offset,
                        timestamp: None,
                        key: None,
                        value: Some(vec![b'v']),
                        headers: vec![],
                        value_size: None,
                        shown: Default::default(),
                    });
                }
                Step::Marks { p, behind, low } => {
                    log_start[p] = (log_start[p] + low).min(next[p]);
                    let high = (next[p] - behind).max(0);
                    stats[p].on_watermarks(Some(log_start[p].min(high)), high);
                }
                Step::Flush => {
                    live.ingest(std::mem::take(&mut batch), stats.clone(), 0);
                    for (before, now) in shown.iter().zip(&live.stats) {
                        prop_assert!(now.seen >= before.seen, "seen went back: {before:?} → {now:?}");
                        prop_assert!(now.high >= before.high, "high went back: {before:?} → {now:?}");
                        prop_assert!(now.low >= before.low, "low went back: {before:?} → {now:?}");
                        prop_assert!(now.last_offset >= before.last_offset);
                    }
                    shown = live.stats.clone();
                }
            }
            for s in &stats {
                if let (Some(last), Some(high)) = (s.last_offset, s.high) {
                    prop_assert!(high > last, "high {high} not above last offset {last}");
                }
                if let (Some(low), Some(high)) = (s.low, s.high) {
                    prop_assert!(low <= high, "low {low} above high {high}");
                }
            }
        }
        // Every record the UI was given is counted, kept or evicted.
        let kept: u64 = live.records.len() as u64 + live.evicted;
        let flushed: u64 = live.stats.iter().map(|s| s.seen).sum();
        prop_assert_eq!(kept, flushed);
    }

    #[test]
    fn lag_is_never_negative(committed in prop::option::of(-5..1000i64), high in prop::option::of(0..1000i64)) {
        let lag = PartitionLag { topic: "t".into(), partition: 0, owner: None, committed, high, verdict: None, trend: None, lag_ms: None }.lag();
        prop_assert!(lag.is_none_or(|l| l >= 0));
        prop_assert_eq!(lag.is_some(), committed.is_some() && high.is_some());
    }
}
