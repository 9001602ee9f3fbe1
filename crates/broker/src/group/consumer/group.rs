//! One consumer group of the next generation (KIP-848) as its coordinator keeps it:
//! members and their subscriptions, the group epoch (bumped by every change that calls
//! for a new assignment), the target assignment and its epoch, and each member's way
//! towards its target. Time is passed in (milliseconds), so every rule can be tested
//! without waiting.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use kafka_protocol::error::ResponseError;
use uuid::Uuid;

use super::assignment::{minus, Assignment};
use super::assignors::{self, Subscriber, Targets};
use super::reconcile::{reconcile, MemberProgress, MemberState};
use crate::error_codes;

/// Kafka's error codes a heartbeat can end in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeartbeatError {
    /// The member id is not (or no longer) in the group: it must rejoin with epoch 0.
    UnknownMemberId,
    /// The epoch is not the member's: it must give up its partitions and rejoin.
    FencedMemberEpoch,
    /// Another active member uses this group instance id.
    UnreleasedInstanceId,
    /// The asked server assignor does not exist.
    UnsupportedAssignor,
    /// A malformed request.
    InvalidRequest(String),
    /// SubscribedTopicRegex does not compile.
    InvalidRegularExpression(String),
    /// The group is a classic group that may not (or cannot) become a consumer group.
    GroupIdNotFound(String),
}

impl HeartbeatError {
    /// The protocol's error code.
    pub fn code(&self) -> i16 {
        match self {
            HeartbeatError::UnknownMemberId => ResponseError::UnknownMemberId.code(),
            HeartbeatError::FencedMemberEpoch => error_codes::FENCED_MEMBER_EPOCH,
            HeartbeatError::UnreleasedInstanceId => error_codes::UNRELEASED_INSTANCE_ID,
            HeartbeatError::UnsupportedAssignor => error_codes::UNSUPPORTED_ASSIGNOR,
            HeartbeatError::InvalidRequest(_) => ResponseError::InvalidRequest.code(),
            HeartbeatError::InvalidRegularExpression(_) => error_codes::INVALID_REGULAR_EXPRESSION,
            HeartbeatError::GroupIdNotFound(_) => ResponseError::GroupIdNotFound.code(),
        }
    }
}

/// Epoch a leaving member sends.
pub const LEAVE_EPOCH: i32 = -1;
/// Epoch a static member sends when it leaves for a while (keeping its partitions).
pub const STATIC_LEAVE_EPOCH: i32 = -2;

/// What the group keeps of a member speaking the classic protocol.
#[derive(Debug, Clone)]
pub struct ClassicMember {
    /// Its JoinGroup's session timeout (its heartbeats keep it alive this long).
    pub session_timeout_ms: i64,
    /// Its protocols in preference order, with their metadata.
    pub protocols: Vec<(String, Bytes)>,
    /// When it is removed if it has not rejoined since being told to.
    pub join_deadline_ms: Option<i64>,
    /// When it is removed if it has not synced since joining.
    pub sync_deadline_ms: Option<i64>,
}

/// One ConsumerGroupHeartbeat, as the group needs it.
#[derive(Debug, Clone, Default)]
pub struct Heartbeat {
    /// Member id (chosen by the client from version 1; empty on a version-0 join).
    pub member_id: String,
    /// 0 to join, −1 to leave, −2 for a static member's temporary leave, else its epoch.
    pub member_epoch: i32,
    /// Static membership id.
    pub instance_id: Option<String>,
    /// How long it may take to give partitions up.
    pub rebalance_timeout_ms: i32,
    /// Topics it subscribes to, when they changed (always on join).
    pub subscribed_topics: Option<Vec<String>>,
    /// The regex it subscribes to, when it changed (empty: none any more).
    pub subscribed_regex: Option<String>,
    /// The server assignor it asks for, if any.
    pub server_assignor: Option<String>,
    /// What it owns now, when it says (full heartbeats).
    pub owned: Option<Assignment>,
    /// Client id and host, for describing.
    pub client_id: String,
    /// Client host (`/ip`).
    pub host: String,
}

/// What a heartbeat is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatReply {
    /// The member's id.
    pub member_id: String,
    /// Its epoch now (−1 after leaving).
    pub member_epoch: i32,
    /// How often to heartbeat.
    pub heartbeat_interval_ms: i32,
    /// Its assignment, when it changed (or it joined, or said it owns something else).
    pub assignment: Option<Assignment>,
}

/// Coordinator settings for these groups (Kafka's `group.consumer.*`).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `group.consumer.session.timeout.ms` (45 s).
    pub session_timeout_ms: i64,
    /// `group.consumer.heartbeat.interval.ms` (5 s).
    pub heartbeat_interval_ms: i32,
    /// `group.consumer.assignors`, the first the default (`uniform`, `range`).
    pub assignors: Vec<String>,
    /// `group.consumer.regex.refresh.interval.ms` (10 min): regexes are resolved again
    /// this often even when no topic was created.
    pub regex_refresh_interval_ms: i64,
    /// `group.consumer.migration.policy` allows upgrades (a consumer-protocol member
    /// turning a classic group with members into a consumer group).
    pub upgrade: bool,
    /// … and downgrades (the last consumer-protocol member leaving turns the group back).
    pub downgrade: bool,
}

/// Regexes are resolved again at most this often (Kafka's fixed 10 s).
const REGEX_MIN_REFRESH_MS: i64 = 10_000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 5_000,
            assignors: vec!["uniform".into(), "range".into()],
            regex_refresh_interval_ms: 600_000,
            // Kafka's default policy, `bidirectional`.
            upgrade: true,
            downgrade: true,
        }
    }
}

/// A member as the group keeps it.
#[derive(Debug, Clone)]
pub struct Member {
    /// Member id.
    pub id: String,
    /// Static membership id.
    pub instance_id: Option<String>,
    /// Client id.
    pub client_id: String,
    /// Client host.
    pub host: String,
    /// Subscribed topic names.
    pub subscribed: BTreeSet<String>,
    /// Subscribed topic regex (matched against whole topic names).
    pub regex: Option<String>,
    /// The server assignor it asked for.
    pub server_assignor: Option<String>,
    /// Its way to its target.
    pub progress: MemberProgress,
    /// The epoch before the current one (a reply carrying the new one may be lost).
    pub previous_epoch: i32,
    /// How long it may take to give partitions up.
    pub rebalance_timeout_ms: i32,
    /// When it is removed without another heartbeat.
    pub expires_at_ms: i64,
    /// When it was asked to give partitions up, while it has not.
    pub revoking_since_ms: Option<i64>,
    /// A static member away for a while (−2): it keeps its partitions until it expires.
    pub away: bool,
    /// Set for a member speaking the classic protocol (JoinGroup, SyncGroup, Heartbeat).
    pub classic: Option<ClassicMember>,
}

/// One consumer group.
#[derive(Debug, Clone)]
pub struct ConsumerGroup {
    /// Bumped by every change that calls for a new assignment.
    pub epoch: i32,
    /// The epoch of the target assignment.
    pub target_epoch: i32,
    /// Each member's target.
    pub targets: Targets,
    /// Members by id.
    pub members: BTreeMap<String, Member>,
    /// Topic ids and partition counts the last target assignment was computed for.
    pub(in crate::group) seen_topics: BTreeMap<String, (Uuid, i32)>,
    /// The members' regexes with the topics each matched when last resolved.
    pub resolved: BTreeMap<String, BTreeSet<String>>,
    /// Regex resolution: when it last ran, what the topic names were then, whether a
    /// heartbeat asked for it (Kafka resolves off the heartbeat path, so what it finds
    /// reaches members with their next heartbeat).
    regex_refresh: RegexRefresh,
}

/// When the group's regexes were last resolved, and whether they are due again.
#[derive(Debug, Clone, Default)]
struct RegexRefresh {
    at_ms: Option<i64>,
    names: u64,
    due: bool,
    /// When the heartbeat that made them due came: the resolution counts from then, as
    /// Kafka's executor starts at once (the broker's tick runs it up to 25 ms later, and
    /// counting from the tick made the next window open after the members' heartbeats,
    /// so a new regex waited a heartbeat interval longer than on Kafka).
    asked_ms: Option<i64>,
}

impl Default for ConsumerGroup {
    /// A new group starts at epoch 1, as Kafka 4's (so its first member's join makes it 2).
    fn default() -> Self {
        ConsumerGroup {
            epoch: 1,
            target_epoch: 0,
            targets: Targets::default(),
            members: BTreeMap::new(),
            seen_topics: BTreeMap::new(),
            resolved: BTreeMap::new(),
            regex_refresh: RegexRefresh::default(),
        }
    }
}

/// The topics that exist: name → (id, partition count).
pub type Topics = BTreeMap<String, (Uuid, i32)>;

impl ConsumerGroup {
    /// Empty, Assigning, Reconciling or Stable, as ConsumerGroupDescribe says.
    pub fn state(&self) -> &'static str {
        if self.members.is_empty() {
            "Empty"
        } else if self.target_epoch < self.epoch {
            "Assigning"
        } else if self.members.values().any(|m| {
            m.progress.epoch != self.target_epoch || m.progress.state != MemberState::Stable
        }) {
            "Reconciling"
        } else {
            "Stable"
        }
    }

    /// The assignor the group uses: the one its members ask for, else the default.
    pub fn assignor(&self, settings: &Settings) -> String {
        self.members
            .values()
            .find_map(|m| m.server_assignor.clone())
            .unwrap_or_else(|| settings.assignors[0].clone())
    }

    /// Handles one heartbeat at `now_ms` against the topics that exist.
    pub fn heartbeat(
        &mut self,
        hb: Heartbeat,
        topics: &Topics,
        settings: &Settings,
        now_ms: i64,
    ) -> Result<HeartbeatReply, HeartbeatError> {
        if let Some(a) = &hb.server_assignor {
            if !settings.assignors.contains(a) {
                return Err(HeartbeatError::UnsupportedAssignor);
            }
        }
        if hb.member_epoch == LEAVE_EPOCH || hb.member_epoch == STATIC_LEAVE_EPOCH {
            return self.leave(&hb, settings);
        }
        let joining = hb.member_epoch == 0;
        if joining && hb.subscribed_topics.is_none() {
            return Err(HeartbeatError::InvalidRequest(
                "SubscribedTopicNames must be set in first request.".into(),
            ));
        }
        if let Some(r) = hb.subscribed_regex.as_deref() {
            if !r.is_empty() && !self.resolved.contains_key(r) {
                if let Err(e) = regex::Regex::new(r) {
                    return Err(HeartbeatError::InvalidRegularExpression(format!(
                        "SubscribedTopicRegex `{r}` is not a valid regular expression: {e}."
                    )));
                }
            }
        }
        // One change or several, one heartbeat bumps the group epoch once (as Kafka's
        // coordinator writes one record). A new member calls for one by what it
        // subscribes to (a regex not yet resolved does not, until it is).
        let mut bump = joining && self.join(&hb, now_ms)?;
        let Some(member) = self.members.get(&hb.member_id) else {
            return Err(HeartbeatError::UnknownMemberId);
        };
        if !joining {
            check_epoch(member, hb.member_epoch, hb.owned.as_ref())?;
        }
        let assignor_before = self.assignor(settings);
        let member = self.members.get_mut(&hb.member_id).expect("checked");
        member.expires_at_ms = now_ms + settings.session_timeout_ms;
        // −1 and null mean "unchanged since the last heartbeat".
        if hb.rebalance_timeout_ms >= 0 {
            member.rebalance_timeout_ms = hb.rebalance_timeout_ms;
        }
        if let Some(t) = hb.subscribed_topics {
            let t: BTreeSet<String> = t.into_iter().collect();
            if t != member.subscribed {
                member.subscribed = t;
                bump = true;
            }
        }
        if let Some(r) = hb.subscribed_regex {
            let r = (!r.is_empty()).then_some(r);
            if r != member.regex {
                // A regex another member's resolution already covers counts at once;
                // a new one (or one dropped) waits for the next resolution, which Kafka's
                // 10 s rule may put off (`maybe_due_regexes`).
                bump |= r.as_ref().is_some_and(|r| self.resolved.contains_key(r));
                member.regex = r;
            }
        }
        if hb.server_assignor.is_some() && hb.server_assignor != member.server_assignor {
            // Only a change of the group's assignor calls for a new assignment (asking
            // for the default one changes nothing, as on Kafka).
            member.server_assignor = hb.server_assignor.clone();
        }
        bump |= self.assignor(settings) != assignor_before;
        let (before, after) = self.advance(
            &hb.member_id,
            bump,
            hb.owned.as_ref(),
            topics,
            settings,
            now_ms,
        );
        let changed = after.assigned != before.assigned || after.epoch != before.epoch;
        let told_other = hb.owned.as_ref().is_some_and(|o| *o != after.assigned);
        Ok(HeartbeatReply {
            member_id: hb.member_id,
            member_epoch: after.epoch,
            heartbeat_interval_ms: settings.heartbeat_interval_ms,
            assignment: (joining || changed || told_other).then_some(after.assigned),
        })
    }

    /// After a member's changes (`bump`: they call for a new assignment): bumps the group
    /// epoch once if they or the topics do, computes the target when it is behind, and
    /// moves the member one step towards its target (`owned`: what it says it owns);
    /// its progress before and after.
    pub(super) fn advance(
        &mut self,
        member_id: &str,
        mut bump: bool,
        owned: Option<&Assignment>,
        topics: &Topics,
        settings: &Settings,
        now_ms: i64,
    ) -> (MemberProgress, MemberProgress) {
        self.maybe_due_regexes(topics, settings, now_ms);
        // Topics created, deleted or grown call for a new assignment too.
        let wanted = self.subscribed_topics(topics);
        if wanted != self.seen_topics {
            self.seen_topics = wanted;
            bump = true;
        }
        if bump {
            self.epoch += 1;
        }
        if self.target_epoch < self.epoch {
            self.assign(settings);
        }
        let before = self.members[member_id].progress.clone();
        let after = {
            let member = &self.members[member_id];
            let target = self.targets.get(&member.id).cloned().unwrap_or_default();
            reconcile(
                &member.progress,
                self.target_epoch,
                &target,
                owned,
                |t, p| self.held_elsewhere(&member.id, t, p),
            )
        };
        let member = self.members.get_mut(member_id).expect("checked");
        if after.epoch != before.epoch {
            member.previous_epoch = before.epoch;
        }
        member.revoking_since_ms = match after.state {
            MemberState::UnrevokedPartitions => member.revoking_since_ms.or(Some(now_ms)),
            _ => None,
        };
        member.progress = after.clone();
        (before, after)
    }

    /// Adds a joining member (or restarts one that rejoins with epoch 0); whether that
    /// calls for a new assignment (a static member taking its old place does not).
    fn join(&mut self, hb: &Heartbeat, now_ms: i64) -> Result<bool, HeartbeatError> {
        if hb.member_id.is_empty() {
            return Err(HeartbeatError::InvalidRequest(
                "MemberId can't be empty.".into(),
            ));
        }
        if let Some(instance) = &hb.instance_id {
            let holder = self
                .members
                .values()
                .find(|m| m.instance_id.as_ref() == Some(instance) && m.id != hb.member_id)
                .map(|m| (m.id.clone(), m.away));
            match holder {
                // A static member coming back under a new member id takes its place,
                // partitions and all: no rebalance.
                Some((old, true)) => {
                    let mut m = self.members.remove(&old).expect("listed");
                    m.id = hb.member_id.clone();
                    m.away = false;
                    m.expires_at_ms = now_ms;
                    if let Some(t) = self.targets.remove(&old) {
                        self.targets.insert(m.id.clone(), t);
                    }
                    self.members.insert(m.id.clone(), m);
                    return Ok(false);
                }
                Some((_, false)) => return Err(HeartbeatError::UnreleasedInstanceId),
                None => {}
            }
        }
        if self.members.contains_key(&hb.member_id) {
            // Rejoining with epoch 0: it starts over with nothing.
            let m = self.members.get_mut(&hb.member_id).expect("checked");
            m.progress = MemberProgress::joined();
            m.previous_epoch = 0;
            return Ok(true);
        }
        self.members.insert(
            hb.member_id.clone(),
            Member {
                id: hb.member_id.clone(),
                instance_id: hb.instance_id.clone(),
                client_id: hb.client_id.clone(),
                host: hb.host.clone(),
                subscribed: BTreeSet::new(),
                regex: None,
                server_assignor: None,
                progress: MemberProgress::joined(),
                previous_epoch: 0,
                rebalance_timeout_ms: if hb.rebalance_timeout_ms < 0 {
                    300_000
                } else {
                    hb.rebalance_timeout_ms
                },
                expires_at_ms: now_ms,
                revoking_since_ms: None,
                away: false,
                classic: None,
            },
        );
        // What it subscribes to decides (the caller compares it with nothing).
        Ok(false)
    }

    fn leave(
        &mut self,
        hb: &Heartbeat,
        settings: &Settings,
    ) -> Result<HeartbeatReply, HeartbeatError> {
        let Some(m) = self.members.get_mut(&hb.member_id) else {
            return Err(HeartbeatError::UnknownMemberId);
        };
        if hb.member_epoch == STATIC_LEAVE_EPOCH && m.instance_id.is_some() {
            // Away for a while: its partitions wait for it until its session ends.
            m.away = true;
        } else {
            self.remove(&hb.member_id, settings);
        }
        Ok(HeartbeatReply {
            member_id: hb.member_id.clone(),
            member_epoch: hb.member_epoch,
            heartbeat_interval_ms: settings.heartbeat_interval_ms,
            assignment: None,
        })
    }

    /// Removes a member; its partitions go to the others in a new target assignment,
    /// computed at once (as Kafka does on a leave or an expiry).
    pub fn remove(&mut self, member_id: &str, settings: &Settings) {
        if self.members.remove(member_id).is_some() {
            self.targets.remove(member_id);
            self.epoch += 1;
            self.assign(settings);
        }
    }

    /// Removes members whose session ended, and those that did not give partitions up
    /// within their rebalance timeout; returns their ids.
    pub fn expire(&mut self, now_ms: i64, settings: &Settings) -> Vec<String> {
        let gone = self.overdue(now_ms);
        for id in &gone {
            self.remove(id, settings);
        }
        gone
    }

    /// Members whose session ended, that did not give partitions up within their
    /// rebalance timeout, or (classic members) did not rejoin or sync in time.
    pub fn overdue(&self, now_ms: i64) -> Vec<String> {
        self.members
            .values()
            .filter(|m| {
                now_ms >= m.expires_at_ms
                    || Self::classic_overdue(m, now_ms)
                    || m.revoking_since_ms
                        .is_some_and(|t| now_ms >= t + i64::from(m.rebalance_timeout_ms))
            })
            .map(|m| m.id.clone())
            .collect()
    }

    /// Whether `leaving` is the last consumer-protocol member and classic members remain:
    /// Kafka then turns the group back into a classic group (`validateOnlineDowngrade`).
    pub fn downgrades_without(&self, leaving: &str) -> bool {
        self.members
            .get(leaving)
            .is_some_and(|m| m.classic.is_none())
            && self.members.len() > 1
            && self
                .members
                .values()
                .all(|m| m.id == leaving || m.classic.is_some())
    }

    /// A member's topics: the names it gave and what its regex matched when resolved.
    fn topics_of<'a>(&'a self, m: &'a Member) -> impl Iterator<Item = &'a String> + 'a {
        let matched = m.regex.as_ref().and_then(|r| self.resolved.get(r));
        m.subscribed.iter().chain(matched.into_iter().flatten())
    }

    /// The topics some member subscribes to, as they exist now.
    pub(in crate::group) fn subscribed_topics(&self, topics: &Topics) -> Topics {
        self.members
            .values()
            .flat_map(|m| self.topics_of(m))
            .filter_map(|t| topics.get(t).map(|v| (t.clone(), *v)))
            .collect()
    }

    /// Asks for a regex resolution when Kafka would: not within 10 s of the last one,
    /// and then when a regex is new or gone, topics were created, or the refresh
    /// interval passed.
    fn maybe_due_regexes(&mut self, topics: &Topics, settings: &Settings, now_ms: i64) {
        let wanted: BTreeSet<&String> = self
            .members
            .values()
            .filter_map(|m| m.regex.as_ref())
            .collect();
        if wanted.is_empty() && self.resolved.is_empty() {
            return;
        }
        let r = &mut self.regex_refresh;
        // Kafka waits while `now <= last + 10 s`.
        if r.at_ms
            .is_some_and(|at| now_ms <= at + REGEX_MIN_REFRESH_MS)
        {
            return;
        }
        let changed_set = wanted.len() != self.resolved.len()
            || wanted.iter().any(|w| !self.resolved.contains_key(*w));
        r.due |= changed_set
            || r.names != names_hash(topics)
            || r.at_ms
                .is_none_or(|at| now_ms > at + settings.regex_refresh_interval_ms);
        if r.due && r.asked_ms.is_none() {
            r.asked_ms = Some(now_ms);
        }
    }

    /// Whether a heartbeat asked for the regexes to be resolved.
    pub fn regexes_due(&self) -> bool {
        self.regex_refresh.due
    }

    /// Resolves the members' regexes against every topic name (internal ones too, as
    /// Kafka's coordinator does); a different outcome bumps the group epoch.
    pub fn resolve_regexes(&mut self, topics: &Topics, now_ms: i64) {
        let wanted: BTreeSet<String> = self
            .members
            .values()
            .filter_map(|m| m.regex.clone())
            .collect();
        let resolved: BTreeMap<String, BTreeSet<String>> = wanted
            .into_iter()
            .map(|r| {
                // Whole names, as re2j's `matches()`; an invalid one was refused earlier.
                let matched = regex::Regex::new(&format!("^(?:{r})$"))
                    .map(|re| topics.keys().filter(|t| re.is_match(t)).cloned().collect())
                    .unwrap_or_default();
                (r, matched)
            })
            .collect();
        self.regex_refresh = RegexRefresh {
            at_ms: Some(self.regex_refresh.asked_ms.unwrap_or(now_ms)),
            names: names_hash(topics),
            due: false,
            asked_ms: None,
        };
        if resolved != self.resolved {
            self.resolved = resolved;
            self.seen_topics = self.subscribed_topics(topics);
            self.epoch += 1;
        }
    }

    /// Computes the target assignment for the group epoch.
    fn assign(&mut self, settings: &Settings) {
        let subscribers: Vec<Subscriber> = self
            .members
            .values()
            .map(|m| Subscriber {
                id: m.id.clone(),
                topics: self
                    .topics_of(m)
                    .filter_map(|t| self.seen_topics.get(t).map(|v| v.0))
                    .collect(),
                current: self.targets.get(&m.id).cloned().unwrap_or_default(),
            })
            .collect();
        let partitions: BTreeMap<Uuid, i32> = self.seen_topics.values().copied().collect();
        self.targets = match self.assignor(settings).as_str() {
            "range" => assignors::range(&subscribers, &partitions),
            _ => assignors::uniform(&subscribers, &partitions),
        };
        self.target_epoch = self.epoch;
    }

    /// Whether a member other than `me` still holds (or has not yet given up) a partition.
    pub(super) fn held_elsewhere(&self, me: &str, topic: &Uuid, partition: i32) -> bool {
        self.members.values().filter(|m| m.id != me).any(|m| {
            let has = |a: &Assignment| a.get(topic).is_some_and(|ps| ps.contains(&partition));
            has(&m.progress.assigned) || has(&m.progress.pending_revocation)
        })
    }
}

/// A fingerprint of the topic names (a new topic changes it).
fn names_hash(topics: &Topics) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    topics.keys().for_each(|t| t.hash(&mut h));
    h.finish()
}

/// Kafka's epoch rule: an epoch ahead of the member's is fenced; one behind is accepted
/// only if it is the previous epoch and the member owns no more than it is assigned (the
/// reply with the new epoch may have been lost).
fn check_epoch(m: &Member, epoch: i32, owned: Option<&Assignment>) -> Result<(), HeartbeatError> {
    let current = m.progress.epoch;
    if epoch > current {
        return Err(HeartbeatError::FencedMemberEpoch);
    }
    if epoch < current {
        let subset = owned.is_some_and(|o| minus(o, &m.progress.assigned).is_empty());
        if epoch != m.previous_epoch || !subset {
            return Err(HeartbeatError::FencedMemberEpoch);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Uuid = Uuid::from_u128(42);

    fn topics() -> Topics {
        Topics::from([("sarama".to_string(), (T, 2))])
    }

    fn parts(ps: &[i32]) -> Assignment {
        if ps.is_empty() {
            return Assignment::new();
        }
        Assignment::from([(T, ps.iter().copied().collect())])
    }

    fn hb(id: &str, epoch: i32, owned: Option<&[i32]>) -> Heartbeat {
        Heartbeat {
            member_id: id.into(),
            member_epoch: epoch,
            rebalance_timeout_ms: 30_000,
            subscribed_topics: (epoch == 0).then(|| vec!["sarama".to_string()]),
            owned: owned.map(parts),
            client_id: id.into(),
            host: "/127.0.0.1".into(),
            ..Default::default()
        }
    }

    struct Clock {
        g: ConsumerGroup,
        s: Settings,
        now: i64,
    }

    impl Clock {
        fn new() -> Clock {
            Clock {
                g: ConsumerGroup::default(),
                s: Settings::default(),
                now: 1_000,
            }
        }
        fn beat(&mut self, h: Heartbeat) -> Result<HeartbeatReply, HeartbeatError> {
            self.now += 100;
            self.g.heartbeat(h, &topics(), &self.s, self.now)
        }
    }

    fn got(r: &HeartbeatReply) -> (i32, Option<Vec<i32>>) {
        (
            r.member_epoch,
            r.assignment
                .as_ref()
                .map(|a| a.get(&T).map_or(vec![], |ps| ps.iter().copied().collect())),
        )
    }

    #[test]
    fn the_seed_demo_a_then_b_then_c_then_a_leaves() {
        let mut c = Clock::new();
        let a = c.beat(hb("A", 0, Some(&[]))).unwrap();
        assert_eq!(got(&a), (2, Some(vec![0, 1])), "A alone: both, epochs 2");
        assert_eq!((c.g.epoch, c.g.state()), (2, "Stable"));

        // B joins: group epoch 3; partition 1 goes to B only once A has let it go.
        let b = c.beat(hb("B", 0, Some(&[]))).unwrap();
        assert_eq!(got(&b), (3, Some(vec![])), "B waits for partition 1");
        assert_eq!(c.g.state(), "Reconciling");
        let a = c.beat(hb("A", 2, Some(&[0, 1]))).unwrap();
        assert_eq!(
            got(&a),
            (2, Some(vec![0])),
            "A is asked to give 1 up, keeping epoch 2"
        );
        let b = c.beat(hb("B", 3, Some(&[]))).unwrap();
        assert_eq!(got(&b), (3, None), "still held by A: nothing new for B");
        let a = c.beat(hb("A", 2, Some(&[0]))).unwrap();
        assert_eq!(got(&a), (3, Some(vec![0])), "A confirmed: epoch 3");
        let b = c.beat(hb("B", 3, Some(&[]))).unwrap();
        assert_eq!(got(&b), (3, Some(vec![1])), "B receives 1");
        assert_eq!(c.g.state(), "Stable");

        // C joins and idles; nothing moves.
        let cc = c.beat(hb("C", 0, Some(&[]))).unwrap();
        assert_eq!(got(&cc), (4, Some(vec![])));
        assert_eq!(
            got(&c.beat(hb("A", 3, Some(&[0]))).unwrap()),
            (4, Some(vec![0]))
        );
        assert_eq!(
            got(&c.beat(hb("B", 3, Some(&[1]))).unwrap()),
            (4, Some(vec![1]))
        );

        // A leaves: C takes 0.
        let left = c.beat(hb("A", LEAVE_EPOCH, None)).unwrap();
        assert_eq!(left.member_epoch, LEAVE_EPOCH);
        assert_eq!(
            got(&c.beat(hb("C", 4, Some(&[]))).unwrap()),
            (5, Some(vec![0]))
        );
        assert_eq!(c.g.epoch, 5);
    }

    #[test]
    fn epochs_are_fenced_and_unknown_members_told_to_rejoin() {
        let mut c = Clock::new();
        c.beat(hb("A", 0, Some(&[]))).unwrap();
        assert_eq!(
            c.beat(hb("A", 7, Some(&[0, 1]))),
            Err(HeartbeatError::FencedMemberEpoch)
        );
        assert_eq!(
            c.beat(hb("Z", 2, Some(&[]))),
            Err(HeartbeatError::UnknownMemberId)
        );
        c.beat(hb("B", 0, Some(&[]))).unwrap();
        c.beat(hb("A", 2, Some(&[0]))).unwrap(); // A at epoch 3 now
                                                 // The reply with epoch 3 was lost: epoch 2 with no more than it holds is fine…
        assert!(c.beat(hb("A", 2, Some(&[0]))).is_ok());
        // …but not while it claims a partition it no longer has.
        assert_eq!(
            c.beat(hb("A", 2, Some(&[0, 1]))),
            Err(HeartbeatError::FencedMemberEpoch)
        );
        let err = c
            .beat(Heartbeat {
                subscribed_topics: None,
                ..hb("D", 0, None)
            })
            .unwrap_err();
        assert_eq!(err.code(), 42, "a join must say what it subscribes to");
        let err = c
            .beat(Heartbeat {
                server_assignor: Some("sticky".into()),
                ..hb("E", 0, None)
            })
            .unwrap_err();
        assert_eq!(err, HeartbeatError::UnsupportedAssignor);
    }

    #[test]
    fn silent_members_expire_and_slow_revokers_are_removed() {
        let mut c = Clock::new();
        c.beat(hb("A", 0, Some(&[]))).unwrap();
        c.beat(hb("B", 0, Some(&[]))).unwrap();
        c.beat(hb("A", 2, Some(&[0, 1]))).unwrap(); // asked to give 1 up
                                                    // A never confirms: gone after its rebalance timeout (30 s), B's session lives on.
        let t = c.now;
        assert!(c.g.expire(t + 29_000, &c.s).is_empty());
        c.now = t + 29_500;
        c.beat(hb("B", 3, Some(&[]))).unwrap();
        assert_eq!(c.g.expire(t + 30_100, &c.s), vec!["A".to_string()]);
        assert_eq!(
            got(&c.beat(hb("B", 3, Some(&[]))).unwrap()),
            (4, Some(vec![0, 1]))
        );
        // B goes silent: removed when its session (45 s) ends.
        let last = c.now;
        assert!(c.g.expire(last + 44_999, &c.s).is_empty());
        assert_eq!(c.g.expire(last + 45_000, &c.s), vec!["B".to_string()]);
        assert_eq!(c.g.state(), "Empty");
    }

    #[test]
    fn a_static_member_comes_back_to_its_partitions() {
        let mut c = Clock::new();
        let with_id = |id: &str, epoch, owned: Option<&[i32]>| Heartbeat {
            instance_id: Some("i-1".into()),
            ..hb(id, epoch, owned)
        };
        c.beat(with_id("A1", 0, Some(&[]))).unwrap();
        c.beat(hb("B", 0, Some(&[]))).unwrap();
        c.beat(with_id("A1", 2, Some(&[0, 1]))).unwrap();
        c.beat(with_id("A1", 2, Some(&[0]))).unwrap();
        let epoch = c.g.epoch;
        // Another process with the same instance id while A1 is active: refused.
        assert_eq!(
            c.beat(with_id("A2", 0, Some(&[]))),
            Err(HeartbeatError::UnreleasedInstanceId)
        );
        // A1 steps away (−2) and comes back as A2: same partition, no new epoch.
        c.beat(with_id("A1", STATIC_LEAVE_EPOCH, None)).unwrap();
        let back = c.beat(with_id("A2", 0, Some(&[]))).unwrap();
        assert_eq!(got(&back), (3, Some(vec![0])));
        assert_eq!(
            c.g.epoch, epoch,
            "no rebalance for a static member's return"
        );
        assert!(!c.g.members.contains_key("A1"));
    }

    /// Topics `sarama` (id T) and, when `more`, `saramb` (id 43, one partition) and
    /// `other`.
    fn many(more: bool) -> Topics {
        let mut t = topics();
        if more {
            t.insert("saramb".into(), (Uuid::from_u128(43), 1));
            t.insert("other".into(), (Uuid::from_u128(44), 1));
        }
        t
    }

    #[test]
    fn a_regex_subscription_is_resolved_off_the_heartbeat_and_follows_new_topics() {
        let s = Settings::default();
        let mut g = ConsumerGroup::default();
        let by_regex = |id: &str, epoch, owned: Option<&[i32]>| Heartbeat {
            subscribed_topics: (epoch == 0).then(Vec::new),
            subscribed_regex: (epoch == 0).then(|| "^saram.*".to_string()),
            // Asking for the default assignor changes nothing either.
            server_assignor: (epoch == 0).then(|| "uniform".to_string()),
            ..hb(id, epoch, owned)
        };
        // Joining by a regex nobody resolved yet: nothing to assign, no new epoch.
        let r = g
            .heartbeat(by_regex("A", 0, Some(&[])), &many(false), &s, 1_000)
            .unwrap();
        assert_eq!(r.assignment, Some(Assignment::new()));
        assert_eq!(g.epoch, 1);
        assert!(g.regexes_due());
        // Resolution (the broker's tick) finds `sarama`, not `other`: epoch 2.
        g.resolve_regexes(&many(false), 1_010);
        assert_eq!(g.epoch, 2);
        assert_eq!(
            g.resolved["^saram.*"],
            BTreeSet::from(["sarama".to_string()])
        );
        let r = g
            .heartbeat(
                by_regex("A", r.member_epoch, Some(&[])),
                &many(false),
                &s,
                6_000,
            )
            .unwrap();
        assert_eq!((r.member_epoch, r.assignment), (2, Some(parts(&[0, 1]))));

        // A topic created soon after is not looked for within 10 s of the last look…
        g.heartbeat(by_regex("A", 2, Some(&[0, 1])), &many(true), &s, 9_000)
            .unwrap();
        assert!(!g.regexes_due());
        // …then it is; what it finds reaches A with its next heartbeat.
        g.heartbeat(by_regex("A", 2, Some(&[0, 1])), &many(true), &s, 11_100)
            .unwrap();
        assert!(g.regexes_due());
        g.resolve_regexes(&many(true), 11_110);
        assert_eq!(g.epoch, 3);
        let r = g
            .heartbeat(by_regex("A", 2, Some(&[0, 1])), &many(true), &s, 16_000)
            .unwrap();
        let saramb = Uuid::from_u128(43);
        assert_eq!(r.member_epoch, 3);
        assert_eq!(r.assignment.unwrap()[&saramb], BTreeSet::from([0]));

        // A second member with the same regex counts at once: no wait for a resolution.
        g.heartbeat(by_regex("B", 0, Some(&[])), &many(true), &s, 17_000)
            .unwrap();
        assert_eq!((g.epoch, g.target_epoch), (4, 4));
        assert_eq!(g.targets["B"].values().map(|p| p.len()).sum::<usize>(), 1);

        // A regex that does not compile is refused with Kafka's error.
        let bad = Heartbeat {
            subscribed_regex: Some("^(bad".into()),
            ..by_regex("C", 0, Some(&[]))
        };
        let err = g.heartbeat(bad, &many(true), &s, 18_000).unwrap_err();
        assert_eq!(err.code(), 128);
        assert!(!g.members.contains_key("C"));

        // Another new regex waits for Kafka's 10 s since the last resolution, counted
        // from the heartbeat that asked for it (11.1 s), not from when it ran (11.11 s).
        let other = |epoch| Heartbeat {
            subscribed_regex: (epoch == 0).then(|| "oth.r".to_string()),
            ..by_regex("D", epoch, Some(&[]))
        };
        let d = g.heartbeat(other(0), &many(true), &s, 19_000).unwrap();
        assert!(!g.regexes_due(), "resolved 7.9 s ago: not yet");
        g.heartbeat(other(d.member_epoch), &many(true), &s, 21_100)
            .unwrap();
        assert!(!g.regexes_due(), "exactly 10 s: Kafka still waits");
        g.heartbeat(other(d.member_epoch), &many(true), &s, 21_105)
            .unwrap();
        assert!(g.regexes_due());
        g.resolve_regexes(&many(true), 21_130);
        assert_eq!(g.resolved["oth.r"], BTreeSet::from(["other".to_string()]));
    }
}
