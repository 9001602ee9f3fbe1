//! The group watcher: a thread that lists every group twice a second, follows the chosen
//! group closely (every 250 ms) with members, assignments, committed offsets and lag,
//! and keeps each group's rebalance timeline.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::groups::GroupInfo;
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::mpsc;

use crate::kafka::client::ClientSettings;
use crate::kafka::consumer_protocol::{decode_assignment, decode_subscription};
use crate::kafka::health::{self, History, Sample, Thresholds};
use crate::kafka::messages::KafkaEvent;
use crate::kafka::model::{GroupListing, GroupSnapshot, MemberInfo, PartitionLag};
use crate::kafka::timeline::{Rebalance, Timeline};
use crate::kafka::watermarks;

const CHOSEN_EVERY: Duration = Duration::from_millis(250);
const ALL_EVERY: Duration = Duration::from_millis(500);
const TIMEOUT: Duration = Duration::from_secs(3);

/// Everything the groups pane shows about the chosen group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetail {
    /// Members and state.
    pub snapshot: GroupSnapshot,
    /// Partitions the group reads or has committed, with owner and lag.
    pub partitions: Vec<PartitionLag>,
    /// Rebalances seen so far, oldest first.
    pub timeline: Vec<Rebalance>,
}

/// Controls the watcher thread; dropping it stops the thread.
#[derive(Debug)]
pub struct GroupWatcher {
    chosen: Arc<Mutex<Option<String>>>,
    stop: Arc<AtomicBool>,
    /// Wakes the thread so a newly chosen group is read at once.
    wake: std::sync::mpsc::SyncSender<()>,
}

impl GroupWatcher {
    /// Follows `group` closely from now on.
    pub fn choose(&self, group: Option<String>) {
        *self.chosen.lock().unwrap_or_else(|e| e.into_inner()) = group;
        let _ = self.wake.try_send(());
    }
}

impl Drop for GroupWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Members of a described group, with decoded assignments and subscriptions.
pub fn snapshot_of(g: &GroupInfo) -> GroupSnapshot {
    let mut snapshot = GroupSnapshot {
        name: g.name().to_string(),
        state: g.state().to_string(),
        protocol: g.protocol().to_string(),
        members: g
            .members()
            .iter()
            .map(|m| MemberInfo {
                member_id: m.id().to_string(),
                client_id: m.client_id().to_string(),
                host: m.client_host().to_string(),
                assignment: m
                    .assignment()
                    .and_then(|a| decode_assignment(a).ok())
                    .unwrap_or_default(),
                subscription: m
                    .metadata()
                    .and_then(|s| decode_subscription(s).ok())
                    .map(|s| s.topics)
                    .unwrap_or_default(),
            })
            .collect(),
    };
    // Brokers list members in no particular order (Kafka's differs from run to run):
    // sort, so rows stay put and A, B, C read in order.
    snapshot
        .members
        .sort_by(|a, b| (&a.client_id, &a.member_id).cmp(&(&b.client_id, &b.member_id)));
    snapshot
}

/// Starts the watcher.
pub fn start(
    settings: &ClientSettings,
    thresholds: Thresholds,
    events: mpsc::Sender<KafkaEvent>,
) -> GroupWatcher {
    let chosen = Arc::new(Mutex::new(None));
    let stop = Arc::new(AtomicBool::new(false));
    let (wake, woken) = std::sync::mpsc::sync_channel(1);
    let watcher = GroupWatcher {
        chosen: chosen.clone(),
        stop: stop.clone(),
        wake,
    };
    let settings = settings.clone();
    let spawned = std::thread::Builder::new()
        .name("group-watcher".into())
        .spawn(move || {
            let mut w = Watch {
                settings,
                thresholds,
                histories: HashMap::new(),
                offsets: HashMap::new(),
                timelines: HashMap::new(),
                listed_at: None,
            };
            let Ok(admin) = w.settings.config().create::<BaseConsumer>() else {
                let _ = events.blocking_send(KafkaEvent::Groups(Err(
                    "cannot create the group watcher's client".into(),
                )));
                return;
            };
            let mut last_all = Instant::now() - ALL_EVERY;
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                if last_all.elapsed() >= ALL_EVERY {
                    last_all = Instant::now();
                    let listing = w.all_groups(&admin);
                    if events.blocking_send(KafkaEvent::Groups(listing)).is_err() {
                        return;
                    }
                }
                let chosen = chosen.lock().unwrap_or_else(|e| e.into_inner()).clone();
                if let Some(group) = chosen {
                    if let Some(detail) = w.detail(&admin, &group) {
                        if events
                            .blocking_send(KafkaEvent::GroupDetail(Box::new(detail)))
                            .is_err()
                        {
                            return;
                        }
                    }
                }
                let _ = woken.recv_timeout(CHOSEN_EVERY.saturating_sub(started.elapsed()));
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the group watcher: {e}");
    }
    watcher
}

/// Lists groups (all, or one with its members). librdkafka asks every broker it knows
/// and fails if one does not answer; a broker that left the cluster stays known until a
/// metadata answer without it arrives, so on failure ask for one and try again.
fn list_groups(
    admin: &BaseConsumer,
    group: Option<&str>,
) -> rdkafka::error::KafkaResult<rdkafka::groups::GroupList> {
    admin.fetch_group_list(group, TIMEOUT).or_else(|e| {
        tracing::debug!("group list failed ({e}); refreshing metadata and trying again");
        let _ = admin.fetch_metadata(None, TIMEOUT);
        admin.fetch_group_list(group, TIMEOUT)
    })
}

struct Watch {
    settings: ClientSettings,
    /// How partitions are judged.
    thresholds: Thresholds,
    /// Each (group, topic, partition)'s recent committed offsets and high watermarks.
    histories: HashMap<(String, String, i32), History>,
    /// One consumer per group (its group.id set, never subscribed) to read commits.
    offsets: HashMap<String, BaseConsumer>,
    timelines: HashMap<String, Timeline>,
    /// When the previous full listing was taken; groups that appear after it start from
    /// an empty baseline, so their first join is on the timeline too.
    listed_at: Option<i64>,
}

impl Watch {
    fn all_groups(&mut self, admin: &BaseConsumer) -> Result<Vec<GroupListing>, String> {
        let list = list_groups(admin, None).map_err(|e| e.to_string())?;
        let at = now_ms();
        let mut out = Vec::new();
        for g in list.groups() {
            let snap = snapshot_of(g);
            self.timeline(&snap.name).observe(&snap, at);
            let lags = if g.protocol_type() == "consumer" && !snap.members.is_empty() {
                self.lags(admin, &snap).ok()
            } else {
                None
            };
            let total_lag = lags
                .as_ref()
                .and_then(|l| l.iter().filter_map(PartitionLag::lag).reduce(|a, b| a + b));
            let partitions = lags.unwrap_or_default();
            out.push(GroupListing {
                status: crate::kafka::model::worst_verdict(&partitions),
                name: snap.name.clone(),
                state: snap.state.clone(),
                protocol_type: g.protocol_type().to_string(),
                protocol: snap.protocol.clone(),
                members: snap.members.len(),
                total_lag,
                partitions,
                member_list: snap.members,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        self.listed_at = Some(at);
        Ok(out)
    }

    /// The timeline of a group, started from an empty group if it is newer than the
    /// previous listing.
    fn timeline(&mut self, group: &str) -> &mut Timeline {
        let listed_at = self.listed_at;
        self.timelines.entry(group.to_string()).or_insert_with(|| {
            let mut t = Timeline::default();
            if let Some(at) = listed_at {
                let empty = GroupSnapshot {
                    name: group.to_string(),
                    state: "Empty".into(),
                    protocol: String::new(),
                    members: Vec::new(),
                };
                t.observe(&empty, at);
            }
            t
        })
    }

    fn detail(&mut self, admin: &BaseConsumer, group: &str) -> Option<GroupDetail> {
        let list = list_groups(admin, Some(group)).ok()?;
        let snap = list
            .groups()
            .first()
            .map(snapshot_of)
            .unwrap_or(GroupSnapshot {
                name: group.to_string(),
                state: "Dead".into(),
                protocol: String::new(),
                members: Vec::new(),
            });
        let timeline = self.timeline(group);
        timeline.observe(&snap, now_ms());
        let timeline = timeline.entries.clone();
        let partitions = self.lags(admin, &snap).unwrap_or_default();
        Some(GroupDetail {
            snapshot: snap,
            partitions,
            timeline,
        })
    }

    /// Every partition of the topics the group reads (or, with no members, has committed),
    /// with owner, committed offset and high watermark.
    fn lags(
        &mut self,
        admin: &BaseConsumer,
        snap: &GroupSnapshot,
    ) -> Result<Vec<PartitionLag>, String> {
        let mut topics: BTreeSet<String> = snap
            .members
            .iter()
            .flat_map(|m| m.subscription.iter().cloned())
            .collect();
        topics.extend(
            snap.members
                .iter()
                .flat_map(|m| m.assignment.iter().map(|(t, _)| t.clone())),
        );
        let md = admin
            .fetch_metadata(None, TIMEOUT)
            .map_err(|e| e.to_string())?;
        let only_committed = topics.is_empty();
        if only_committed {
            topics = md
                .topics()
                .iter()
                .map(|t| t.name().to_string())
                .filter(|t| !t.starts_with("__"))
                .collect();
        }
        let mut tpl = TopicPartitionList::new();
        for t in md.topics().iter().filter(|t| topics.contains(t.name())) {
            for p in t.partitions() {
                tpl.add_partition(t.name(), p.id());
            }
        }
        if tpl.count() == 0 {
            return Ok(Vec::new());
        }
        if !self.offsets.contains_key(&snap.name) {
            let c: BaseConsumer = self
                .settings
                .config()
                .set("group.id", &snap.name)
                .set("enable.auto.commit", "false")
                .create()
                .map_err(|e| e.to_string())?;
            self.offsets.insert(snap.name.clone(), c);
        }
        let committed = self.offsets[&snap.name]
            .committed_offsets(tpl.clone(), TIMEOUT)
            .map_err(|e| e.to_string())?;
        let owners: BTreeMap<(String, i32), String> = snap.owners();
        let elements = committed.elements();
        let wanted: Vec<(&str, i32)> = elements
            .iter()
            .map(|e| (e.topic(), e.partition()))
            .collect();
        let marks = watermarks::read(admin, &wanted, TIMEOUT);
        let now = now_ms();
        let mut out = Vec::new();
        for e in committed.elements() {
            let committed = match e.offset() {
                Offset::Offset(o) => Some(o),
                _ => None,
            };
            if only_committed && committed.is_none() {
                continue;
            }
            let high = marks
                .get(&(e.topic().to_string(), e.partition()))
                .map(|m| m.1);
            let owner = owners.get(&(e.topic().to_string(), e.partition())).cloned();
            let history = self
                .histories
                .entry((snap.name.clone(), e.topic().to_string(), e.partition()))
                .or_default();
            history.push(Sample {
                at_ms: now,
                committed,
                high,
            });
            let verdict = health::judge(history, owner.is_some(), &self.thresholds, now);
            let trend = Some(health::Trend::of(history));
            out.push(PartitionLag {
                topic: e.topic().to_string(),
                partition: e.partition(),
                owner,
                committed,
                high,
                verdict,
                trend,
            });
        }
        out.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        Ok(out)
    }
}
