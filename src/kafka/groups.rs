//! The group watcher: a thread that follows the chosen group closely (every 250 ms) with
//! members, assignments, committed offsets, lag and lag in time; lists every group and
//! re-reads the others, oldest first, with what is left of a request budget (20
//! requests a second by default); and keeps each group's rebalance timeline and lag
//! history.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::groups::GroupInfo;
use rdkafka::TopicPartitionList;

use crate::kafka::budget::Budget;
use crate::kafka::client::ClientSettings;
pub use crate::kafka::client::WATCHER_CLIENT_ID;
use crate::kafka::health::{self, History, Sample, Thresholds, Trend};
use crate::kafka::lag_time::{self, Timestamps};
pub use crate::kafka::messages::GroupDetail;
use crate::kafka::messages::KafkaEvent;
use crate::kafka::model::{self, GroupListing, GroupSnapshot, MemberInfo, PartitionLag};
use crate::kafka::now_ms;
use crate::kafka::outbox::Outbox;
use crate::kafka::timeline::Timeline;
use crate::kafka::watermarks;
use crate::kafka::wire::GroupDescriber;
use wire::consumer_protocol::{decode_assignment, decode_subscription};

/// How often the followed group is read.
const FOLLOW_EVERY_MS: i64 = 250;
/// How often every group is listed (if the budget allows; twice this while a group is
/// followed).
const LIST_EVERY_MS: i64 = 1_000;
/// How long a metadata answer (topics and partitions) is used before it is read again.
const METADATA_FOR_MS: i64 = 5_000;
/// High watermarks this fresh are used for other groups' lag rather than read again.
const HIGHS_FOR_MS: i64 = 2_000;
/// Another group is re-read once its figures are this old (sooner is wasted on a
/// dashboard read by a person); with many groups the budget makes it longer.
const OTHERS_EVERY_MS: i64 = 2_000;
/// What re-reading another group costs on average (FindCoordinator, OffsetFetch, a share
/// of ListOffsets and metadata), to tell how long a round over all groups takes.
const OTHER_COST: i64 = 3;
/// The group list is sent to the UI at most this often.
const SEND_EVERY_MS: i64 = 1_000;
const TIMEOUT: Duration = Duration::from_secs(3);
/// A group found not to be a KIP-848 group is asked again after this long.
const CLASSIC_AGAIN_MS: i64 = 30_000;
/// Consumers kept to read groups' commits (one per group).
const AS_GROUP_CLIENTS: usize = 64;
/// Memberless groups in a listing are asked about KIP-848 only up to this many.
const MEMBERLESS_ASKED: usize = 50;
/// How long the message at a committed offset is waited for.
const STAMP_TIMEOUT: Duration = Duration::from_millis(1_500);

/// One partition's committed offset (`None`: the group has committed none).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Committed {
    topic: String,
    partition: i32,
    offset: Option<i64>,
}

/// What the watcher is given: how to judge partitions and how many requests a second it
/// may send for group watching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchConfig {
    /// Verdict thresholds.
    pub health: Thresholds,
    /// Requests a second to the cluster for group watching, at most (on average).
    pub requests_per_sec: u32,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            health: Thresholds::default(),
            requests_per_sec: 20,
        }
    }
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
                regex: None,
                epoch: None,
                target: None,
                classic: false,
            })
            .collect(),
        consumer: None,
    };
    // Brokers list members in no particular order (Kafka's differs from run to run):
    // sort, so rows stay put and A, B, C read in order.
    snapshot
        .members
        .sort_by(|a, b| (&a.client_id, &a.member_id).cmp(&(&b.client_id, &b.member_id)));
    snapshot
}

/// Starts the watcher.
pub fn start(settings: &ClientSettings, config: WatchConfig, events: Outbox) -> GroupWatcher {
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
            // A group id of its own (it never joins or commits): librdkafka 2.12 crashes
            // on some coordinator errors in a client without one.
            let admin = settings
                .watcher_config()
                .set("group.id", WATCHER_CLIENT_ID)
                .create::<BaseConsumer>();
            let admin = match admin {
                Ok(a) => a,
                Err(e) => {
                    // librdkafka names the property it refused (an unknown or misspelt
                    // key, a bad value, a missing file): that is what to fix.
                    let why = settings.scrub(&e.to_string());
                    tracing::warn!("cannot create the group watcher's client: {why}");
                    let _ = events.send(KafkaEvent::Groups(Err(format!(
                        "the client settings: {why}"
                    ))));
                    return;
                }
            };
            let mut w = Watch::new(settings, config);
            while !stop.load(Ordering::Relaxed) {
                let chosen = chosen.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let wait = match w.step(&admin, chosen.as_deref(), now_ms()) {
                    Step::Detail(d) => {
                        if events.send(KafkaEvent::GroupDetail(d)).is_err() {
                            return;
                        }
                        Duration::ZERO
                    }
                    Step::Worked => Duration::ZERO,
                    Step::Wait(d) => d,
                };
                if let Some(listing) = w.listing_to_send(now_ms()) {
                    if events.send(KafkaEvent::Groups(listing)).is_err() {
                        return;
                    }
                }
                if !wait.is_zero() {
                    let _ = woken.recv_timeout(wait);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the group watcher: {e}");
    }
    watcher
}

impl ClientSettings {
    /// The settings of the group watcher's clients.
    fn watcher_config(&self) -> rdkafka::ClientConfig {
        self.config_with_defaults(&[("client.id", WATCHER_CLIENT_ID)])
    }
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

/// What one step of the watcher did.
enum Step {
    /// Read the followed group.
    Detail(Box<GroupDetail>),
    /// Listed groups or read another group's lag.
    Worked,
    /// Nothing was due or affordable: wait this long (or until woken).
    Wait(Duration),
}

/// Which other group to re-read.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// This one, now.
    Read(String),
    /// None yet: the next is due then (`None`: there is none to read).
    At(Option<i64>),
}

/// Whether the watcher reads a listed group's lag: consumer groups, with or without
/// members (a memberless group still has commits and lag), and groups whose protocol
/// type the listing did not tell (a KIP-848 group seen the classic way); not Connect's
/// or other kinds' groups.
fn readable(g: &GroupListing) -> bool {
    g.protocol_type.is_empty() || g.protocol_type == "consumer"
}

/// The other group to re-read: the one tried longest ago (never tried first) once it
/// is `OTHERS_EVERY_MS` old, skipping the followed one. Oldest first keeps every group
/// within one round of fresh however the listing changes.
fn next_other(
    listing: &[GroupListing],
    tried: &HashMap<String, i64>,
    chosen: Option<&str>,
    now: i64,
) -> Next {
    let oldest = listing
        .iter()
        .filter(|g| readable(g) && Some(g.name.as_str()) != chosen)
        .map(|g| (tried.get(&g.name).copied().unwrap_or(i64::MIN), &g.name))
        .min();
    match oldest {
        Some((at, name)) if at <= now - OTHERS_EVERY_MS => Next::Read(name.clone()),
        Some((at, _)) => Next::At(Some(at + OTHERS_EVERY_MS)),
        None => Next::At(None),
    }
}

/// Whether `group` is still in the listing `out` (sorted by name).
fn old_names_kept(out: &[GroupListing], group: &str) -> bool {
    out.binary_search_by(|g| g.name.as_str().cmp(group)).is_ok()
}

/// Topics and their partitions, as one metadata answer gave them.
struct Metadata {
    read_ms: i64,
    brokers: u32,
    topics: BTreeMap<String, Vec<i32>>,
}

struct Watch {
    /// How partitions are judged.
    thresholds: Thresholds,
    /// Requests the watcher may still send.
    budget: Budget,
    /// Each (group, topic, partition)'s recent committed offsets and high watermarks.
    histories: HashMap<(String, String, i32), History>,
    /// Each group's summed committed offsets and high watermarks.
    group_histories: HashMap<String, History>,
    timelines: HashMap<String, Timeline>,
    /// When the previous full listing was taken; groups that appear after it start from
    /// an empty baseline, so their first join is on the timeline too.
    listed_at: Option<i64>,
    metadata: Option<Metadata>,
    /// High watermarks with when each was read.
    highs: HashMap<(String, i32), (i64, i64)>,
    /// Reads the timestamps behind lag in time.
    stamps: Option<Timestamps>,
    /// For consumers of a group's own (`committed_as_group`).
    settings: ClientSettings,
    /// Consumers with a group's id (never subscribed) that read its commits, with when
    /// each was last used.
    as_group: HashMap<String, (BaseConsumer, i64)>,
    /// Reads KIP-848 groups (epochs, targets, member types) with the own client.
    describer: Option<GroupDescriber>,
    /// Groups found not to be KIP-848 groups, and when (asked again after a while).
    classic_seen: HashMap<String, i64>,
    /// Groups ConsumerGroupDescribe last showed as KIP-848 groups: a listing that could
    /// not ask again (too many memberless groups) keeps their last view rather than
    /// librdkafka's "Dead", which would fake a rebalance on the timeline every listing.
    kip848: std::collections::HashSet<String>,
    /// The last listing, with each group's last read lag.
    listing: Vec<GroupListing>,
    /// When each other group was last tried (read or failed), so a failing one waits its
    /// turn instead of being retried before the rest.
    tried: HashMap<String, i64>,
    /// Requests a second the watcher may send.
    per_sec: u32,
    followed_ms: i64,
    sent_ms: i64,
    dirty: bool,
    list_error: Option<String>,
}

impl Watch {
    fn new(settings: ClientSettings, config: WatchConfig) -> Watch {
        let stamps = Timestamps::new(settings.watcher_config())
            .map_err(|e| tracing::warn!("lag in time is unavailable: {e}"))
            .ok();
        // Settings the own client cannot use (Kerberos, say) cost the KIP-848 figures
        // only; librdkafka still reads everything else.
        let describer = GroupDescriber::new(&settings, Duration::from_secs(3))
            .map_err(|e| tracing::warn!("KIP-848 epochs and targets are unavailable: {e}"))
            .ok();
        Watch {
            settings: settings.clone(),
            as_group: HashMap::new(),
            describer,
            classic_seen: HashMap::new(),
            kip848: Default::default(),
            thresholds: config.health,
            budget: Budget::new(config.requests_per_sec, now_ms()),
            histories: HashMap::new(),
            group_histories: HashMap::new(),
            timelines: HashMap::new(),
            listed_at: None,
            metadata: None,
            highs: HashMap::new(),
            stamps,
            listing: Vec::new(),
            tried: HashMap::new(),
            per_sec: config.requests_per_sec.max(1),
            followed_ms: i64::MIN / 2,
            sent_ms: i64::MIN / 2,
            dirty: false,
            list_error: None,
        }
    }

    fn brokers(&self) -> u32 {
        self.metadata.as_ref().map_or(1, |m| m.brokers.max(1))
    }

    /// Does the most urgent affordable work: the followed group when due, then the
    /// group list when due, then the next other group's lag — the last two only with
    /// what the followed group does not need.
    fn step(&mut self, admin: &BaseConsumer, chosen: Option<&str>, now: i64) -> Step {
        let nb = self.brokers();
        // librdkafka describes a group by asking every broker for its groups, then
        // describing it (ListGroups and DescribeGroups to each broker); then OffsetFetch.
        // What a read turns out to need besides (metadata, high watermarks, a coordinator
        // lookup, timestamps) is charged after.
        let follow_cost = 2 * nb + 1;
        let list_cost = 2 * nb;
        // FindCoordinator (librdkafka looks the group's coordinator up again) and
        // OffsetFetch.
        let lag_cost = 2;
        let follow_due = self.followed_ms + FOLLOW_EVERY_MS;
        // With a group followed, the list is read half as often: the budget goes to it.
        let list_every = if chosen.is_some() {
            2 * LIST_EVERY_MS
        } else {
            LIST_EVERY_MS
        };
        // Sleeps until the next due read or until `cost` is affordable, whichever first.
        let wait = |budget: &mut Budget, cost: u32| {
            let affordable = budget.wait_for(cost, now);
            let until = if chosen.is_some() && follow_due > now {
                affordable.min(Duration::from_millis((follow_due - now) as u64))
            } else {
                affordable
            };
            Step::Wait(until.clamp(Duration::from_millis(10), Duration::from_millis(250)))
        };
        // A due listing goes first, so the followed group (which on a cluster of many
        // brokers can cost the whole budget at 4 Hz) never starves it; the followed group
        // is then read as often as the rest of the budget allows.
        if self.listed_at.is_none_or(|at| now >= at + list_every) {
            if !self.budget.try_take(list_cost, now) {
                return wait(&mut self.budget, list_cost);
            }
            self.all_groups(admin, now);
            return Step::Worked;
        }
        if let Some(group) = chosen {
            if now >= follow_due {
                if !self.budget.try_take(follow_cost, now) {
                    return wait(&mut self.budget, follow_cost);
                }
                self.followed_ms = now;
                if let Some(d) = self.detail(admin, group) {
                    return Step::Detail(Box::new(d));
                }
                return Step::Worked;
            }
        }
        // Other groups' lag keeps the followed group's next read affordable.
        let reserve = if chosen.is_some() {
            follow_cost + nb
        } else {
            0
        };
        let name = match next_other(&self.listing, &self.tried, chosen, now) {
            Next::Read(name) => name,
            Next::At(due) => {
                // Nothing else due: sleep until it is, or the next listing or followed read.
                let next = self
                    .listed_at
                    .map_or(now, |at| at + list_every)
                    .min(due.unwrap_or(i64::MAX));
                let next = if chosen.is_some() {
                    next.min(follow_due)
                } else {
                    next
                };
                let until = Duration::from_millis((next - now).max(0) as u64);
                return Step::Wait(
                    until.clamp(Duration::from_millis(10), Duration::from_millis(250)),
                );
            }
        };
        if !self.budget.try_take(lag_cost + reserve, now) {
            return wait(&mut self.budget, lag_cost + reserve);
        }
        self.budget.refund(reserve);
        self.tried.insert(name.clone(), now);
        self.other_lag(admin, &name);
        Step::Worked
    }

    /// How old another group's figures may get before they count as stale: two rounds
    /// over every group the budget has room for (a round is at least `OTHERS_EVERY_MS`).
    fn stale_after(&self, chosen: bool) -> i64 {
        let others = self.listing.iter().filter(|g| readable(g)).count() as i64;
        let nb = i64::from(self.brokers());
        // The followed group (4 reads a second) and the listing take their share first.
        let taken = if chosen {
            4 * (2 * nb + 1) + nb
        } else {
            2 * nb
        };
        let spare = (i64::from(self.per_sec) - taken).max(1);
        let round = (others * OTHER_COST * 1000 / spare).max(OTHERS_EVERY_MS);
        2 * round
    }

    /// The listing to send to the UI, when it changed and a second has passed.
    fn listing_to_send(&mut self, now: i64) -> Option<Result<Vec<GroupListing>, String>> {
        if let Some(e) = self.list_error.take() {
            return Some(Err(e));
        }
        if !self.dirty || now < self.sent_ms + SEND_EVERY_MS {
            return None;
        }
        self.dirty = false;
        self.sent_ms = now;
        let stale_after = self.stale_after(self.followed_ms + 4 * FOLLOW_EVERY_MS >= now);
        for g in &mut self.listing {
            g.stale_after_ms = Some(stale_after);
        }
        Some(Ok(self.listing.clone()))
    }

    fn all_groups(&mut self, admin: &BaseConsumer, at: i64) {
        let list = match list_groups(admin, None) {
            Ok(l) => l,
            Err(e) => {
                self.list_error = Some(e.to_string());
                self.listed_at = Some(at);
                return;
            }
        };
        let mut old: HashMap<String, GroupListing> = std::mem::take(&mut self.listing)
            .into_iter()
            .map(|g| (g.name.clone(), g))
            .collect();
        let mut out = Vec::new();
        // Memberless groups may be KIP-848 groups; asked one by one, so only when few.
        let memberless = list
            .groups()
            .iter()
            .filter(|g| g.members().is_empty())
            .count();
        for g in list.groups() {
            let mut snap = snapshot_of(g);
            let before = old.remove(&snap.name).unwrap_or_default();
            // librdkafka shows a KIP-848 group as Dead; a classic Empty one is what it says.
            if snap.state == "Dead" && snap.members.is_empty() {
                if memberless <= MEMBERLESS_ASKED {
                    snap = self.consumer_protocol_view(snap);
                } else if self.kip848.contains(&snap.name) && before.name == snap.name {
                    // Not asked this time: its last view stands, and the timeline waits
                    // for the next real one (the followed group's reads bring it).
                    out.push(before);
                    continue;
                }
            }
            self.timeline(&snap.name).observe(&snap, at);
            out.push(GroupListing {
                name: snap.name.clone(),
                state: snap.state.clone(),
                protocol_type: if snap.consumer.is_some() {
                    "consumer".to_string()
                } else {
                    g.protocol_type().to_string()
                },
                protocol: snap.protocol.clone(),
                members: snap.members.len(),
                member_list: snap.members,
                ..before
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        self.tried.retain(|g, _| old_names_kept(&out, g));
        self.listing = out;
        self.listed_at = Some(at);
        self.dirty = true;
    }

    /// Reads another group's lag (members from the listing) into the listing.
    fn other_lag(&mut self, admin: &BaseConsumer, name: &str) {
        let Some(g) = self.listing.iter().find(|g| g.name == name) else {
            return;
        };
        let snap = GroupSnapshot {
            name: g.name.clone(),
            state: g.state.clone(),
            protocol: g.protocol.clone(),
            members: g.member_list.clone(),
            consumer: None,
        };
        if let Ok(partitions) = self.lags(admin, &snap, false) {
            self.record_lags(name, partitions);
        }
    }

    /// Keeps a group's freshly read lags in the listing (and its lag history).
    fn record_lags(&mut self, name: &str, partitions: Vec<PartitionLag>) -> Option<Trend> {
        let now = now_ms();
        let history = self.group_histories.entry(name.to_string()).or_default();
        let sum = |f: fn(&PartitionLag) -> Option<i64>| {
            partitions
                .iter()
                .filter(|p| p.committed.is_some() && p.high.is_some())
                .map(f)
                .try_fold(0i64, |a, b| Some(a + b?))
        };
        if !partitions.is_empty() {
            history.push(Sample {
                at_ms: now,
                committed: sum(|p| p.committed),
                high: sum(|p| p.high),
            });
        }
        let trend = (!history.samples.is_empty()).then(|| Trend::of(history));
        if let Some(g) = self.listing.iter_mut().find(|g| g.name == name) {
            g.total_lag = partitions
                .iter()
                .filter_map(PartitionLag::lag)
                .reduce(|a, b| a + b);
            g.status = model::worst_verdict(&partitions);
            g.lag_ms = model::max_lag_ms(&partitions);
            g.trend = trend.clone();
            g.lag_read_ms = Some(now);
            g.partitions = partitions;
            self.dirty = true;
        }
        trend
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
                    consumer: None,
                };
                t.observe(&empty, at);
            }
            t
        })
    }

    fn detail(&mut self, admin: &BaseConsumer, group: &str) -> Option<GroupDetail> {
        // A cluster may refuse to describe a KIP-848 group the classic way: ask
        // ConsumerGroupDescribe then too.
        let listed = list_groups(admin, Some(group))
            .ok()
            .and_then(|l| l.groups().first().map(snapshot_of));
        let snap = listed.unwrap_or_else(|| GroupSnapshot {
            name: group.to_string(),
            state: "Dead".into(),
            protocol: String::new(),
            members: Vec::new(),
            consumer: None,
        });
        let snap = self.consumer_protocol_view(snap);
        if snap.consumer.is_some() {
            // The list row says what the detail says (librdkafka's listing says "Dead").
            if let Some(row) = self.listing.iter_mut().find(|g| g.name == snap.name) {
                row.state = snap.state.clone();
                row.protocol_type = "consumer".into();
                row.protocol = snap.protocol.clone();
                row.members = snap.members.len();
                row.member_list = snap.members.clone();
                self.dirty = true;
            }
        }
        let timeline = self.timeline(group);
        timeline.observe(&snap, now_ms());
        let timeline = timeline.entries.clone();
        let partitions = self.lags(admin, &snap, true).unwrap_or_default();
        let trend = self.record_lags(group, partitions.clone());
        Some(GroupDetail {
            snapshot: snap,
            partitions,
            timeline,
            read_ms: now_ms(),
            trend,
        })
    }

    /// A group librdkafka describes with no members may be a KIP-848 group, which only
    /// ConsumerGroupDescribe shows: ask it (not again for a while if it is not one).
    fn consumer_protocol_view(&mut self, snap: GroupSnapshot) -> GroupSnapshot {
        let now = now_ms();
        if !snap.members.is_empty()
            || self
                .classic_seen
                .get(&snap.name)
                .is_some_and(|at| now < at + CLASSIC_AGAIN_MS)
        {
            return snap;
        }
        let Some(d) = self.describer.as_mut() else {
            return snap;
        };
        let (view, sent) = d.describe(&snap.name);
        self.budget.charge(sent);
        match view {
            Ok(Some(view)) => {
                self.kip848.insert(view.name.clone());
                view
            }
            Ok(None) => {
                self.kip848.remove(&snap.name);
                // Not a KIP-848 group. One the classic view does not know either may
                // become one any moment (a member joining): ask again next time.
                if snap.state != "Dead" {
                    self.classic_seen.insert(snap.name.clone(), now);
                }
                snap
            }
            Err(e) => {
                tracing::debug!(group = %snap.name, "ConsumerGroupDescribe failed: {e}");
                snap
            }
        }
    }

    /// Committed offsets read by a consumer with the group's id (never subscribed), the
    /// least recently used of them closed when there are too many. (librdkafka's admin
    /// call ListConsumerGroupOffsets would need one client for all groups, but 2.12
    /// crashes on it when a group's coordinator dies: seen in the failover e2e.)
    fn committed_of(
        &mut self,
        group: &str,
        tpl: TopicPartitionList,
    ) -> Result<Vec<Committed>, String> {
        let now = now_ms();
        if !self.as_group.contains_key(group) {
            if self.as_group.len() >= AS_GROUP_CLIENTS {
                if let Some(oldest) = self
                    .as_group
                    .iter()
                    .min_by_key(|(_, (_, used))| *used)
                    .map(|(g, _)| g.clone())
                {
                    self.as_group.remove(&oldest);
                }
            }
            // A new client connects to the bootstrap server and then to each broker it
            // needs (ApiVersions, Metadata each) and finds the coordinator: the broker
            // counted about eight requests per new client on one broker
            // (`cargo bench --bench groups`), more with more brokers.
            self.budget.charge(7 + self.brokers());
            let c: BaseConsumer = self
                .settings
                .watcher_config()
                .set("group.id", group)
                .set("enable.auto.commit", "false")
                .create()
                .map_err(|e| e.to_string())?;
            self.as_group.insert(group.to_string(), (c, now));
        }
        let entry = self.as_group.get_mut(group).expect("just inserted");
        entry.1 = now;
        let got = entry
            .0
            .committed_offsets(tpl, TIMEOUT)
            .map_err(|e| e.to_string())?;
        Ok(got
            .elements()
            .iter()
            .map(|e| Committed {
                topic: e.topic().to_string(),
                partition: e.partition(),
                offset: match e.offset() {
                    rdkafka::Offset::Offset(o) => Some(o),
                    _ => None,
                },
            })
            .collect())
    }

    /// Topics and partitions, read again when older than `METADATA_FOR_MS`.
    fn metadata(&mut self, admin: &BaseConsumer) -> Result<&Metadata, String> {
        let now = now_ms();
        if self
            .metadata
            .as_ref()
            .is_none_or(|m| now >= m.read_ms + METADATA_FOR_MS)
        {
            self.budget.charge(1);
            let md = admin
                .fetch_metadata(None, TIMEOUT)
                .map_err(|e| e.to_string())?;
            self.metadata = Some(Metadata {
                read_ms: now,
                brokers: md.brokers().len() as u32,
                topics: md
                    .topics()
                    .iter()
                    .map(|t| {
                        (
                            t.name().to_string(),
                            t.partitions().iter().map(|p| p.id()).collect(),
                        )
                    })
                    .collect(),
            });
        }
        Ok(self.metadata.as_ref().expect("just read"))
    }

    /// Every partition of the topics the group reads (or, with no members, has committed),
    /// with owner, committed offset, high watermark and lag in time. `fresh` reads the
    /// high watermarks now; otherwise ones read in the last second are used.
    fn lags(
        &mut self,
        admin: &BaseConsumer,
        snap: &GroupSnapshot,
        fresh: bool,
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
        let only_committed = topics.is_empty();
        let md = self.metadata(admin)?;
        if only_committed {
            // No members: whatever the group has committed, on topics that still exist.
            topics = md
                .topics
                .keys()
                .filter(|t| !t.starts_with("__"))
                .cloned()
                .collect();
        }
        let mut tpl = TopicPartitionList::new();
        for (t, parts) in md.topics.iter().filter(|(t, _)| topics.contains(*t)) {
            for p in parts {
                tpl.add_partition(t, *p);
            }
        }
        if tpl.count() == 0 {
            return Ok(Vec::new());
        }
        let committed = self.committed_of(&snap.name, tpl)?;
        let known = |t: &str| {
            self.metadata
                .as_ref()
                .is_some_and(|m| m.topics.contains_key(t) && !t.starts_with("__"))
        };
        // A memberless group's lag is only over what it committed: other partitions'
        // watermarks are not read for it.
        let committed: Vec<Committed> = committed
            .into_iter()
            .filter(|c| known(&c.topic) && (!only_committed || c.offset.is_some()))
            .collect();
        let owners: BTreeMap<(String, i32), String> = snap.owners();
        let now = now_ms();
        let stale: Vec<(&str, i32)> = committed
            .iter()
            .map(|e| (e.topic.as_str(), e.partition))
            .filter(|(t, p)| {
                fresh
                    || self
                        .highs
                        .get(&(t.to_string(), *p))
                        .is_none_or(|(_, at)| now >= at + HIGHS_FOR_MS)
            })
            .collect();
        if !stale.is_empty() {
            self.budget.charge(self.brokers());
            for (k, high) in watermarks::highs(admin, &stale, TIMEOUT) {
                self.highs.insert(k, (high, now));
            }
        }
        let rows: Vec<(String, i32, Option<i64>, Option<i64>)> = committed
            .into_iter()
            .map(|e| {
                let high = self.highs.get(&(e.topic.clone(), e.partition)).map(|h| h.0);
                (e.topic, e.partition, e.offset, high)
            })
            .collect();
        let behind: Vec<(String, i32, i64)> = rows
            .iter()
            .filter_map(|(t, p, c, h)| match (c, h) {
                (Some(c), Some(h)) if c < h => Some((t.clone(), *p, *c)),
                _ => None,
            })
            .collect();
        if let Some(stamps) = self.stamps.as_mut() {
            let read = stamps.read(&behind, STAMP_TIMEOUT);
            if read > 0 {
                // A fetch to each leader, and sometimes a second.
                self.budget.charge(self.brokers() + 1);
            }
        }
        let mut out = Vec::new();
        for (topic, partition, committed, high) in rows {
            let owner = owners.get(&(topic.clone(), partition)).cloned();
            let history = self
                .histories
                .entry((snap.name.clone(), topic.clone(), partition))
                .or_default();
            history.push(Sample {
                at_ms: now,
                committed,
                high,
            });
            let stamp = committed.and_then(|c| {
                self.stamps
                    .as_ref()
                    .and_then(|s| s.stamp(&topic, partition, c))
            });
            let lag_ms = lag_time::lag_ms(committed, high, stamp, now);
            let holder = match (&owner, snap.members.is_empty()) {
                (Some(_), _) => health::Holder::Member,
                (None, false) => health::Holder::Nobody,
                (None, true) => health::Holder::NoMembers,
            };
            let verdict = health::judge(history, holder, lag_ms, &self.thresholds, now);
            let trend = Some(Trend::of(history));
            out.push(PartitionLag {
                lag_ms,
                topic,
                partition,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(name: &str, state: &str, members: usize, protocol_type: &str) -> GroupListing {
        GroupListing {
            name: name.into(),
            state: state.into(),
            protocol_type: protocol_type.into(),
            members,
            ..Default::default()
        }
    }

    #[test]
    fn every_consumer_group_is_re_read_oldest_first_members_or_not() {
        // The reported case: `ga` lost its only member (Empty, 0 members) and `kip848`
        // is a consumer-protocol group the classic listing shows memberless with no
        // protocol type; both must still be re-read, as must the busy one.
        let listing = vec![
            listed("busy", "Stable", 2, "consumer"),
            listed("connect-sink", "Stable", 1, "connect"),
            listed("followed", "Stable", 1, "consumer"),
            listed("ga", "Empty", 0, "consumer"),
            listed("kip848", "Dead", 0, ""),
        ];
        let mut tried = HashMap::new();
        let now = 100_000;
        let mut order = Vec::new();
        for k in 0..3 {
            match next_other(&listing, &tried, Some("followed"), now + k) {
                Next::Read(g) => {
                    tried.insert(g.clone(), now + k);
                    order.push(g);
                }
                other => panic!("{other:?} after {order:?}"),
            }
        }
        order.sort();
        assert_eq!(order, ["busy", "ga", "kip848"]);
        // All read just now: nothing is due until the oldest is OTHERS_EVERY_MS old.
        assert_eq!(
            next_other(&listing, &tried, Some("followed"), now + 3),
            Next::At(Some(now + OTHERS_EVERY_MS))
        );
        // Then the oldest goes first, whatever its place in the listing.
        tried.insert("busy".into(), now + 500);
        tried.insert("ga".into(), now - 1_000);
        assert_eq!(
            next_other(&listing, &tried, Some("followed"), now + OTHERS_EVERY_MS),
            Next::Read("ga".into())
        );
        assert_eq!(next_other(&[], &tried, None, now), Next::At(None));
    }
}
