//! The workers' end of the channel to the UI: a send that never waits. Events go into a
//! queue that one task moves into the UI's bounded channel as room appears. While the UI
//! is behind, a newer snapshot (topics, brokers, groups, the followed group, a member's
//! counters, a replay's progress) replaces the one still waiting, a live-view batch joins
//! the one still waiting, and reports (deliveries, admin outcomes, errors) wait in order:
//! none is lost, and the UI reads the newest state once it reads again.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{mpsc, Notify};

use crate::kafka::messages::KafkaEvent;

/// Live-view records kept waiting at most; past this a batch is refused (the tail counts
/// it as dropped, as it did when the channel was full).
const TAIL_WAITING: usize = 5_000;

/// Why an event was not taken.
#[derive(Debug)]
pub enum Refused {
    /// The UI is behind and this live-view batch would make too many records wait.
    Behind,
    /// The UI has gone.
    Gone,
}

/// Sends events to the UI without waiting; cheap to clone (one per worker).
#[derive(Debug, Clone)]
pub struct Outbox {
    shared: Arc<Shared>,
    /// Dropped with the last clone: the forwarder then ends once the queue is empty.
    _open: Arc<Open>,
}

#[derive(Debug, Default)]
struct Shared {
    queue: Mutex<VecDeque<KafkaEvent>>,
    wake: Notify,
    ui_gone: AtomicBool,
    senders_gone: AtomicBool,
}

#[derive(Debug)]
struct Open(Arc<Shared>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.senders_gone.store(true, Ordering::Release);
        self.0.wake.notify_one();
    }
}

impl Outbox {
    /// An outbox that feeds `ui`; its forwarding task runs on the current tokio runtime.
    pub fn new(ui: mpsc::Sender<KafkaEvent>) -> Outbox {
        let shared = Arc::new(Shared::default());
        tokio::spawn(forward(shared.clone(), ui));
        Outbox {
            _open: Arc::new(Open(shared.clone())),
            shared,
        }
    }

    /// Queues `event` for the UI, merged with one of its kind still waiting where that
    /// loses nothing the UI shows. Never waits; callable from any thread.
    pub fn send(&self, event: KafkaEvent) -> Result<(), Refused> {
        if self.shared.ui_gone.load(Ordering::Acquire) {
            return Err(Refused::Gone);
        }
        let mut queue = self.shared.lock();
        let Some(event) = merge_into_waiting(&mut queue, event) else {
            return Ok(());
        };
        if matches!(&event, KafkaEvent::Tail { .. })
            && queue.iter().any(|w| matches!(w, KafkaEvent::Tail { .. }))
        {
            return Err(Refused::Behind);
        }
        queue.push_back(event);
        drop(queue);
        self.shared.wake.notify_one();
        Ok(())
    }

    /// Events waiting for room in the UI's channel.
    pub fn waiting(&self) -> usize {
        self.shared.lock().len()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, VecDeque<KafkaEvent>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Merges `new` into the latest waiting event it can replace or join; gives it back when
/// there is none (or its kind must keep every event).
fn merge_into_waiting(queue: &mut VecDeque<KafkaEvent>, new: KafkaEvent) -> Option<KafkaEvent> {
    if !mergeable(&new) {
        return Some(new);
    }
    let mut new = new;
    for waiting in queue.iter_mut().rev() {
        new = merge(waiting, new)?;
    }
    Some(new)
}

/// Kinds of which a newer one may stand for an older one (or join it).
fn mergeable(e: &KafkaEvent) -> bool {
    match e {
        KafkaEvent::Topics(_)
        | KafkaEvent::Brokers(_)
        | KafkaEvent::Groups(_)
        | KafkaEvent::GroupDetail(_)
        | KafkaEvent::Member(_)
        | KafkaEvent::Tail { .. } => true,
        KafkaEvent::Replay(p) => !p.done,
        _ => false,
    }
}

/// Puts `new` in the place of `waiting` (a snapshot of the same thing), or appends a
/// live-view batch to the waiting one of the same topic; else gives `new` back.
fn merge(waiting: &mut KafkaEvent, new: KafkaEvent) -> Option<KafkaEvent> {
    use KafkaEvent as E;
    let same_thing = match (&*waiting, &new) {
        (E::Topics(_), E::Topics(_))
        | (E::Brokers(_), E::Brokers(_))
        | (E::Groups(_), E::Groups(_))
        | (E::GroupDetail(_), E::GroupDetail(_)) => true,
        (E::Member(w), E::Member(n)) => w.id == n.id,
        // A finished replay's report is kept; only progress replaces progress.
        (E::Replay(w), E::Replay(_)) => !w.done,
        (E::Tail { .. }, E::Tail { .. }) => return join_tail(waiting, new),
        _ => false,
    };
    if !same_thing {
        return Some(new);
    }
    *waiting = new;
    None
}

/// Appends a live-view batch to the waiting one: the records follow on, the counters
/// (cumulative) are the newest. Gives `new` back when it cannot join.
fn join_tail(waiting: &mut KafkaEvent, new: KafkaEvent) -> Option<KafkaEvent> {
    let (
        KafkaEvent::Tail {
            topic,
            records,
            stats,
            dropped,
        },
        KafkaEvent::Tail {
            topic: new_topic,
            records: new_records,
            stats: new_stats,
            dropped: new_dropped,
        },
    ) = (waiting, new)
    else {
        unreachable!("join_tail is only called with two live-view batches")
    };
    if *topic != new_topic || records.len() + new_records.len() > TAIL_WAITING {
        return Some(KafkaEvent::Tail {
            topic: new_topic,
            records: new_records,
            stats: new_stats,
            dropped: new_dropped,
        });
    }
    records.extend(new_records);
    *stats = new_stats;
    *dropped = new_dropped;
    None
}

/// Moves queued events into the UI's channel, one as each slot frees; ends when the UI
/// has gone, or when every outbox is dropped and the queue is empty.
async fn forward(shared: Arc<Shared>, ui: mpsc::Sender<KafkaEvent>) {
    loop {
        let Ok(slot) = ui.reserve().await else {
            shared.ui_gone.store(true, Ordering::Release);
            shared.lock().clear();
            return;
        };
        let event = loop {
            if let Some(e) = shared.lock().pop_front() {
                break e;
            }
            if shared.senders_gone.load(Ordering::Acquire) {
                return;
            }
            shared.wake.notified().await;
        };
        slot.send(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::model::{Delivery, InAppMember, Record};
    use std::time::Duration;

    fn delivered(id: u64) -> KafkaEvent {
        KafkaEvent::Delivered(
            id,
            Delivery {
                topic: "t".into(),
                result: Ok((0, id as i64)),
                latency: Duration::ZERO,
            },
        )
    }

    fn member(id: u64, running: bool) -> KafkaEvent {
        KafkaEvent::Member(InAppMember {
            id,
            group: "g".into(),
            client_id: format!("kafka-dash-{id}"),
            member_id: String::new(),
            assignor: "range".into(),
            read: Vec::new(),
            running,
        })
    }

    fn tail(offsets: std::ops::Range<i64>, dropped: u64) -> KafkaEvent {
        let records = offsets
            .map(|offset| Record {
                partition: 0,
                offset,
                timestamp: None,
                key: None,
                value: None,
                headers: Vec::new(),
                value_size: None,
                shown: Default::default(),
            })
            .collect();
        KafkaEvent::Tail {
            topic: "t".into(),
            records,
            stats: Vec::new(),
            dropped,
        }
    }

    fn drain(rx: &mut mpsc::Receiver<KafkaEvent>) -> Vec<KafkaEvent> {
        std::iter::from_fn(|| rx.try_recv().ok()).collect()
    }

    /// Lets the forwarder run until it is waiting (on room or on events).
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_ui_that_does_not_read_loses_no_report_and_gets_the_newest_snapshots() {
        let (tx, mut rx) = mpsc::channel(1);
        let out = Outbox::new(tx);
        for n in 0..100 {
            out.send(KafkaEvent::Topics(Err(format!("read {n}"))))
                .unwrap();
            out.send(delivered(n)).unwrap();
            out.send(member(7, n < 99)).unwrap();
            out.send(member(8, true)).unwrap();
        }
        settle().await;
        // The channel holds the first (the topics); the rest waits, snapshots merged.
        assert_eq!(out.waiting(), 100 + 2);
        let mut got = drain(&mut rx);
        loop {
            settle().await;
            let more = drain(&mut rx);
            if more.is_empty() {
                break;
            }
            got.extend(more);
        }
        let ids: Vec<u64> = got
            .iter()
            .filter_map(|e| match e {
                KafkaEvent::Delivered(id, _) => Some(*id),
                _ => None,
            })
            .collect();
        assert_eq!(ids, (0..100).collect::<Vec<_>>(), "every report, in order");
        let last_topics = got.iter().rev().find_map(|e| match e {
            KafkaEvent::Topics(Err(m)) => Some(m.clone()),
            _ => None,
        });
        assert_eq!(last_topics.as_deref(), Some("read 99"));
        let last_of_7 = got.iter().rev().find_map(|e| match e {
            KafkaEvent::Member(m) if m.id == 7 => Some(m.running),
            _ => None,
        });
        assert_eq!(
            last_of_7,
            Some(false),
            "a member's last report is the newest"
        );
        assert!(
            got.len() < 110,
            "snapshots were merged: {} events",
            got.len()
        );
    }

    #[tokio::test]
    async fn live_view_batches_join_while_the_ui_is_behind_and_are_refused_past_the_cap() {
        let (tx, mut rx) = mpsc::channel(1);
        let out = Outbox::new(tx);
        out.send(KafkaEvent::TailNotice("fills the channel".into()))
            .unwrap();
        settle().await;
        out.send(tail(0..10, 0)).unwrap();
        out.send(tail(10..20, 0)).unwrap();
        let big = (TAIL_WAITING - 5) as i64;
        let refused = out.send(tail(20..20 + big, 0));
        assert!(matches!(refused, Err(Refused::Behind)));
        out.send(tail(20..25, 3)).unwrap();
        assert_eq!(out.waiting(), 1);
        drain(&mut rx);
        settle().await;
        match drain(&mut rx).as_slice() {
            [KafkaEvent::Tail {
                records, dropped, ..
            }] => {
                let offsets: Vec<i64> = records.iter().map(|r| r.offset).collect();
                assert_eq!(offsets, (0..25).collect::<Vec<_>>());
                assert_eq!(*dropped, 3);
            }
            other => panic!("one joined batch expected, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_finished_replay_is_not_replaced_by_another_replays_progress() {
        use crate::kafka::messages::ReplayProgress;
        let (tx, mut rx) = mpsc::channel(1);
        let out = Outbox::new(tx);
        out.send(KafkaEvent::TailNotice("fills".into())).unwrap();
        settle().await;
        let done = ReplayProgress::failed_before_start("no such file");
        out.send(KafkaEvent::Replay(done.clone())).unwrap();
        out.send(KafkaEvent::Replay(ReplayProgress::starting(3)))
            .unwrap();
        assert_eq!(out.waiting(), 2);
        drain(&mut rx);
        settle().await;
        let got = drain(&mut rx);
        assert!(matches!(&got[..], [KafkaEvent::Replay(p)] if *p == done));
    }

    #[tokio::test]
    async fn a_gone_ui_is_said_and_the_forwarder_ends_with_the_last_outbox() {
        let (tx, rx) = mpsc::channel(1);
        let out = Outbox::new(tx);
        drop(rx);
        out.send(delivered(1)).unwrap_or(());
        settle().await;
        assert!(matches!(out.send(delivered(2)), Err(Refused::Gone)));

        let (tx, mut rx) = mpsc::channel(4);
        let out = Outbox::new(tx);
        out.send(delivered(3)).unwrap();
        drop(out);
        assert!(rx.recv().await.is_some());
        assert!(
            rx.recv().await.is_none(),
            "the channel closes after the last event"
        );
    }
}
