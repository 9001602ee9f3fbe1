//! The composer's send state: the delivery reports and their totals, the sends still in
//! flight, a running repeat, the last replay's progress, and the sequence number and
//! random generator templates are filled from. The composer asks the app to send a
//! message (`Effect::Produce`); the app tells this state when the workers took it and
//! when its report came back.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::action::Now;
use crate::kafka::files::ReplayProgress;
use crate::kafka::model::Delivery;
use crate::ui::composer::TemplateVars;

/// Delivery reports kept for the list.
const KEEP_DELIVERIES: usize = 200;

/// A running repeat send.
#[derive(Debug, Clone)]
pub struct Repeat {
    /// Messages sent so far.
    pub sent: u64,
    /// Messages to send.
    pub total: u64,
    /// Interval.
    pub every: Duration,
    /// When the next one is due.
    pub next_at: Instant,
}

/// What has been sent and how it went.
#[derive(Debug, Clone)]
pub struct SendState {
    /// Delivery reports, newest first.
    pub deliveries: VecDeque<Delivery>,
    /// Sends waiting for a report.
    pub in_flight: usize,
    /// Delivery reports so far: (delivered, failed); the list keeps only the newest.
    pub totals: (u64, u64),
    /// Repeat mode.
    pub repeat: Option<Repeat>,
    /// The last replay's progress, or how it ended.
    pub replay: Option<ReplayProgress>,
    /// `{seq}` of the next message.
    seq: u64,
    /// Id of the next send (its delivery report carries it).
    next_id: u64,
    /// Where `{letters}` come from: seeded, so a test knows what it gets.
    pub(in crate::ui) rng: StdRng,
}

impl Default for SendState {
    fn default() -> Self {
        Self {
            deliveries: VecDeque::new(),
            in_flight: 0,
            totals: (0, 0),
            repeat: None,
            replay: None,
            seq: 0,
            next_id: 0,
            rng: StdRng::seed_from_u64(0),
        }
    }
}

impl SendState {
    /// Seeds the generator `{letters}` are drawn from (`main` seeds it from entropy).
    pub fn seed(&mut self, seed: u64) {
        self.rng = StdRng::seed_from_u64(seed);
    }

    /// The template fields of the next message at `now`.
    pub fn vars(&self, now: Now) -> TemplateVars {
        TemplateVars {
            seq: self.seq,
            unix: u64::try_from(now.unix_ms / 1000).unwrap_or(0),
        }
    }

    /// The id the next send carries (its delivery report names it).
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// The workers took a send; one of a repeat run counts toward it.
    pub fn accepted(&mut self, of_repeat: bool) {
        self.next_id += 1;
        self.seq += 1;
        self.in_flight += 1;
        if !of_repeat {
            return;
        }
        if let Some(r) = &mut self.repeat {
            r.sent += 1;
            r.next_at += r.every;
            if r.sent >= r.total {
                self.repeat = None;
            }
        }
    }

    /// Starts a repeat run of `total` messages `every` apart, the first due at `now`.
    pub fn start_repeat(&mut self, every: Duration, total: u64, now: Now) {
        self.seq = 0;
        self.repeat = Some(Repeat {
            sent: 0,
            total,
            every,
            next_at: now.mono,
        });
    }

    /// Whether a repeat run has a message due at `now`.
    pub fn repeat_due(&self, now: Now) -> bool {
        self.repeat
            .as_ref()
            .is_some_and(|r| r.sent < r.total && r.next_at <= now.mono)
    }

    /// A delivery report came back; true when it says the message was written.
    pub fn delivered(&mut self, d: Delivery) -> bool {
        self.in_flight = self.in_flight.saturating_sub(1);
        let ok = d.result.is_ok();
        if ok {
            self.totals.0 += 1;
        } else {
            self.totals.1 += 1;
        }
        insert_delivery(&mut self.deliveries, d);
        self.deliveries.truncate(KEEP_DELIVERIES);
        ok
    }
}

/// Puts a report into the newest-first list. Reports can arrive out of order (each send
/// completes on its own task); within one partition the list keeps offsets descending, so
/// `@975` is never listed above `@974`'s successor out of turn.
fn insert_delivery(list: &mut VecDeque<Delivery>, d: Delivery) {
    let at = match &d.result {
        Ok((p, o)) => list
            .iter()
            .rposition(|e| {
                e.topic == d.topic && matches!(e.result, Ok((ep, eo)) if ep == *p && eo > *o)
            })
            .map_or(0, |i| i + 1),
        Err(_) => 0,
    };
    list.insert(at, d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_reports_of_a_partition_stay_in_offset_order() {
        let report = |p: i32, o: i64| Delivery {
            topic: "t".into(),
            result: Ok((p, o)),
            latency: Duration::ZERO,
        };
        let mut list = VecDeque::new();
        for (p, o) in [(0, 971), (0, 975), (1, 3), (0, 974), (0, 976)] {
            insert_delivery(&mut list, report(p, o));
        }
        let shown: Vec<(i32, i64)> = list.iter().map(|d| d.result.clone().unwrap()).collect();
        assert_eq!(shown, vec![(0, 976), (1, 3), (0, 975), (0, 974), (0, 971)]);
    }

    #[test]
    fn the_same_seed_draws_the_same_letters() {
        use crate::kafka::messages::KafkaCommand;
        use crate::ui::composer::ComposerState;
        let now = Now::read();
        let value = |seed| {
            let mut c = ComposerState {
                topic: tui_input::Input::new("t".into()),
                value: tui_input::Input::new("{letters}".into()),
                ..Default::default()
            };
            c.send.seed(seed);
            match c.message(now) {
                Ok(KafkaCommand::Produce { message, .. }) => message.value.unwrap(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(value(7), value(7));
        assert_ne!(value(7), value(8), "another seed, other letters");
    }

    #[test]
    fn a_repeat_counts_only_what_the_workers_took_and_ends_at_its_total() {
        let mut s = SendState::default();
        let now = Now::read();
        s.start_repeat(Duration::from_millis(10), 2, now);
        assert!(s.repeat_due(now));
        s.accepted(true);
        assert!(!s.repeat_due(now), "the next is 10 ms away");
        assert!(s.repeat_due(now.after(Duration::from_millis(10))));
        s.accepted(true);
        assert!(s.repeat.is_none(), "two of two sent");
        assert_eq!(s.in_flight, 2);
    }
}
