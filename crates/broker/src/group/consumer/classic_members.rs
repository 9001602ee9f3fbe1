//! KIP-848's online migration, consumer-group side: members that speak the classic
//! protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) inside a consumer group, as
//! Kafka's coordinator keeps them (`classicGroupJoinToConsumerGroup` and its siblings).
//! A classic member learns of a new target by a Heartbeat answered REBALANCE_IN_PROGRESS
//! and rejoins; its JoinGroup moves it one step towards the target (what it says it owns
//! is in its subscription), and SyncGroup hands it what it may consume now. Also the
//! conversions: a classic group's members coming in, and going back out.

use std::collections::BTreeSet;

use bytes::Bytes;
use kafka_protocol::error::ResponseError;
use uuid::Uuid;

use super::assignment::{minus, Assignment};
use super::group::{ClassicMember, ConsumerGroup, Member, Settings, Topics};
use super::reconcile::{MemberProgress, MemberState};
use wire::consumer_protocol::{self, TopicPartitions};

/// A JoinGroup from a classic member.
#[derive(Debug, Clone, Default)]
pub struct ClassicJoin {
    /// Its member id (the handler names a new one).
    pub member_id: String,
    /// Whether it came without one (a static member then takes its old place).
    pub unknown_member: bool,
    /// Static membership id.
    pub instance_id: Option<String>,
    /// Client id.
    pub client_id: String,
    /// Client host (`/ip`).
    pub host: String,
    /// Session timeout.
    pub session_timeout_ms: i64,
    /// Rebalance timeout.
    pub rebalance_timeout_ms: i32,
    /// Protocol type ("consumer").
    pub protocol_type: String,
    /// Protocols in preference order, with their metadata.
    pub protocols: Vec<(String, Bytes)>,
}

/// A JoinGroup's answer: the member's epoch is its generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassicJoined {
    /// Member id.
    pub member_id: String,
    /// Its member epoch.
    pub generation: i32,
    /// Its most preferred protocol.
    pub protocol_name: String,
}

/// A Kafka error code with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassicError {
    /// Error code.
    pub code: i16,
    /// Message for the log.
    pub message: String,
}

fn error(code: i16, message: impl Into<String>) -> ClassicError {
    ClassicError {
        code,
        message: message.into(),
    }
}

/// Partitions by topic name → by topic id (topics that no longer exist are dropped).
pub(crate) fn to_ids(parts: &TopicPartitions, topics: &Topics) -> Assignment {
    parts
        .iter()
        .filter_map(|(t, ps)| Some((topics.get(t)?.0, ps.iter().copied().collect())))
        .filter(|(_, ps): &(Uuid, BTreeSet<i32>)| !ps.is_empty())
        .collect()
}

/// Partitions by topic id → by topic name.
pub(crate) fn to_names(a: &Assignment, topics: &Topics) -> TopicPartitions {
    a.iter()
        .filter_map(|(id, ps)| {
            let name = topics.iter().find(|(_, (i, _))| i == id)?.0;
            Some((name.clone(), ps.iter().copied().collect()))
        })
        .collect()
}

/// The metadata of a member's most preferred protocol (its subscription).
pub(crate) fn subscription_bytes(protocols: &[(String, Bytes)]) -> &[u8] {
    protocols.first().map_or(&[][..], |(_, m)| &m[..])
}

impl ConsumerGroup {
    /// Whether the classic members share a protocol with `protocols` (Kafka's
    /// `supportsClassicProtocols`).
    fn supports_classic(&self, protocol_type: &str, protocols: &[(String, Bytes)]) -> bool {
        if protocol_type != "consumer" || protocols.is_empty() {
            return false;
        }
        let classic: Vec<&ClassicMember> = self
            .members
            .values()
            .filter_map(|m| m.classic.as_ref())
            .collect();
        protocols.iter().any(|(name, _)| {
            classic
                .iter()
                .all(|c| c.protocols.iter().any(|(n, _)| n == name))
        })
    }

    /// JoinGroup from a classic member: it joins (or rejoins) and takes one step towards
    /// its target; its generation is its member epoch.
    pub fn classic_join(
        &mut self,
        j: ClassicJoin,
        topics: &Topics,
        settings: &Settings,
        now_ms: i64,
    ) -> Result<ClassicJoined, ClassicError> {
        if !self.supports_classic(&j.protocol_type, &j.protocols) {
            return Err(error(
                ResponseError::InconsistentGroupProtocol.code(),
                format!("Member {}'s protocols are not supported.", j.member_id),
            ));
        }
        let sub = consumer_protocol::decode_subscription(subscription_bytes(&j.protocols))
            .map_err(|e| {
                error(
                    ResponseError::InconsistentGroupProtocol.code(),
                    e.to_string(),
                )
            })?;
        let id = self.classic_member_for(&j)?;
        let m = self.members.get_mut(&id).expect("just made");
        if j.rebalance_timeout_ms >= 0 {
            m.rebalance_timeout_ms = j.rebalance_timeout_ms;
        }
        m.instance_id = j.instance_id.clone();
        m.client_id = j.client_id;
        m.host = j.host;
        let subscribed: BTreeSet<String> = sub.topics.into_iter().collect();
        let bump = subscribed != m.subscribed;
        m.subscribed = subscribed;
        m.expires_at_ms = now_ms + j.session_timeout_ms;
        m.classic = Some(ClassicMember {
            session_timeout_ms: j.session_timeout_ms,
            protocols: j.protocols,
            join_deadline_ms: None,
            sync_deadline_ms: Some(now_ms + i64::from(m.rebalance_timeout_ms.max(0))),
        });
        let owned = to_ids(&sub.owned, topics);
        let (_, after) = self.advance(&id, bump, Some(&owned), topics, settings, now_ms);
        let protocol_name = self.members[&id].classic.as_ref().expect("set").protocols[0]
            .0
            .clone();
        Ok(ClassicJoined {
            member_id: id,
            generation: after.epoch,
            protocol_name,
        })
    }

    /// The member a classic JoinGroup is for: the one with its id, a static member's old
    /// place, or a new one.
    fn classic_member_for(&mut self, j: &ClassicJoin) -> Result<String, ClassicError> {
        if let Some(inst) = &j.instance_id {
            let holder = self
                .members
                .values()
                .find(|m| m.instance_id.as_ref() == Some(inst))
                .map(|m| m.id.clone());
            match holder {
                Some(old) if old == j.member_id => return Ok(old),
                // A static member back with a new id takes its old place, partitions and all.
                Some(old) if j.unknown_member => {
                    let mut m = self.members.remove(&old).expect("listed");
                    m.id = j.member_id.clone();
                    m.away = false;
                    if let Some(t) = self.targets.remove(&old) {
                        self.targets.insert(m.id.clone(), t);
                    }
                    self.members.insert(m.id.clone(), m);
                    return Ok(j.member_id.clone());
                }
                Some(_) => {
                    return Err(error(
                        ResponseError::FencedInstanceId.code(),
                        format!(
                            "Static member {} with instance id {inst} is fenced.",
                            j.member_id
                        ),
                    ))
                }
                None => {}
            }
        }
        if !self.members.contains_key(&j.member_id) {
            self.members.insert(
                j.member_id.clone(),
                Member {
                    id: j.member_id.clone(),
                    instance_id: j.instance_id.clone(),
                    client_id: String::new(),
                    host: String::new(),
                    subscribed: BTreeSet::new(),
                    regex: None,
                    server_assignor: None,
                    progress: MemberProgress::joined(),
                    previous_epoch: 0,
                    rebalance_timeout_ms: j.rebalance_timeout_ms.max(0),
                    expires_at_ms: 0,
                    revoking_since_ms: None,
                    away: false,
                    classic: None,
                },
            );
        }
        Ok(j.member_id.clone())
    }

    /// The classic member a SyncGroup, Heartbeat or LeaveGroup names (Kafka's
    /// `validateConsumerGroupMember` and `throwIfMemberDoesNotUseClassicProtocol`).
    fn classic_member(
        &mut self,
        member_id: &str,
        instance_id: Option<&str>,
    ) -> Result<&mut Member, ClassicError> {
        let found = match instance_id {
            None => self.members.get(member_id).map(|m| m.id.clone()),
            Some(inst) => {
                let m = self
                    .members
                    .values()
                    .find(|m| m.instance_id.as_deref() == Some(inst));
                if let Some(m) = m {
                    if !member_id.is_empty() && m.id != member_id {
                        return Err(error(
                            ResponseError::FencedInstanceId.code(),
                            format!("Static member {member_id} with instance id {inst} is fenced."),
                        ));
                    }
                }
                m.map(|m| m.id.clone())
            }
        };
        let Some(id) = found else {
            return Err(error(
                ResponseError::UnknownMemberId.code(),
                format!("Member {member_id} is not a member of the group."),
            ));
        };
        let m = self.members.get_mut(&id).expect("found");
        if m.classic.is_none() {
            return Err(error(
                ResponseError::UnknownMemberId.code(),
                format!("Member {id} does not use the classic protocol."),
            ));
        }
        Ok(m)
    }

    /// Whether a member still waits for a partition of its target that another member
    /// holds (Kafka's `waitingOnUnreleasedPartition`).
    fn waiting_on_unreleased(&self, m: &Member) -> bool {
        let target = self.targets.get(&m.id).cloned().unwrap_or_default();
        minus(&target, &m.progress.assigned)
            .iter()
            .any(|(t, ps)| ps.iter().any(|p| self.held_elsewhere(&m.id, t, *p)))
    }

    /// Whether a classic member must rejoin: the group moved on, it has partitions to
    /// give up, or partitions it waited for are free now. Sets its join deadline.
    fn must_rejoin(&mut self, id: &str, now_ms: i64) -> bool {
        let m = &self.members[id];
        // Against the target's epoch, as Kafka 4.4 compares (its 2024 source: the group's).
        let rejoin = m.progress.epoch < self.target_epoch
            || m.progress.state == MemberState::UnrevokedPartitions
            || (m.progress.state == MemberState::UnreleasedPartitions
                && !self.waiting_on_unreleased(m));
        if rejoin {
            let m = self.members.get_mut(id).expect("member");
            let timeout = i64::from(m.rebalance_timeout_ms.max(0));
            if let Some(c) = m.classic.as_mut() {
                c.join_deadline_ms.get_or_insert(now_ms + timeout);
            }
        }
        rejoin
    }

    /// SyncGroup from a classic member: its assignment now, in its protocol's version.
    pub fn classic_sync(
        &mut self,
        member_id: &str,
        instance_id: Option<&str>,
        generation: i32,
        protocol: (Option<&str>, Option<&str>),
        topics: &Topics,
        now_ms: i64,
    ) -> Result<Bytes, ClassicError> {
        let m = self.classic_member(member_id, instance_id)?;
        let id = m.id.clone();
        if generation != m.progress.epoch {
            return Err(error(
                ResponseError::IllegalGeneration.code(),
                format!(
                    "The request generation id {generation} is not equal to the member epoch {} of member {id}.",
                    m.progress.epoch
                ),
            ));
        }
        let c = m.classic.as_ref().expect("classic");
        let name = &c.protocols[0].0;
        if protocol.0.is_some_and(|t| t != "consumer")
            || protocol.1.is_some_and(|n| n != name.as_str())
        {
            return Err(error(
                ResponseError::InconsistentGroupProtocol.code(),
                format!("The protocol of member {id}'s request is not the group's."),
            ));
        }
        // A member still giving partitions up has rejoined already; it is told to rejoin
        // again once that is done.
        if self.target_epoch > self.members[&id].progress.epoch
            && self.members[&id].progress.state != MemberState::UnrevokedPartitions
        {
            self.must_rejoin(&id, now_ms);
            return Err(error(
                ResponseError::RebalanceInProgress.code(),
                format!("A new rebalance is triggered and member {id} should rejoin to catch up."),
            ));
        }
        let m = self.members.get_mut(&id).expect("member");
        let c = m.classic.as_mut().expect("classic");
        c.sync_deadline_ms = None;
        m.expires_at_ms = now_ms + c.session_timeout_ms;
        let version = consumer_protocol::version(subscription_bytes(&c.protocols));
        Ok(consumer_protocol::encode_assignment(
            &to_names(&m.progress.assigned, topics),
            version,
        ))
    }

    /// Heartbeat from a classic member: REBALANCE_IN_PROGRESS when it must rejoin.
    pub fn classic_heartbeat(
        &mut self,
        member_id: &str,
        instance_id: Option<&str>,
        generation: i32,
        now_ms: i64,
    ) -> Result<(), ClassicError> {
        let m = self.classic_member(member_id, instance_id)?;
        if generation != m.progress.epoch {
            return Err(error(
                ResponseError::IllegalGeneration.code(),
                format!(
                    "The request generation id {generation} is not equal to the member epoch {}.",
                    m.progress.epoch
                ),
            ));
        }
        m.expires_at_ms = now_ms + m.classic.as_ref().expect("classic").session_timeout_ms;
        let id = m.id.clone();
        if self.must_rejoin(&id, now_ms) {
            return Err(error(
                ResponseError::RebalanceInProgress.code(),
                "The group is rebalancing.",
            ));
        }
        Ok(())
    }

    /// LeaveGroup from (or for) a classic member: it is removed, its partitions go to the
    /// others; its member id.
    pub fn classic_leave(
        &mut self,
        member_id: &str,
        instance_id: Option<&str>,
        settings: &Settings,
    ) -> Result<String, ClassicError> {
        let id = self.classic_member(member_id, instance_id)?.id.clone();
        self.remove(&id, settings);
        Ok(id)
    }

    /// Whether a classic member missed its join or sync deadline.
    pub(super) fn classic_overdue(m: &Member, now_ms: i64) -> bool {
        m.classic.as_ref().is_some_and(|c| {
            c.join_deadline_ms.is_some_and(|t| now_ms >= t)
                || c.sync_deadline_ms.is_some_and(|t| now_ms >= t)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::group::classic::{Coordinator, CoordinatorConfig, GroupState, JoinRequest};
    use crate::group::consumer::group::{Heartbeat, HeartbeatError, HeartbeatReply};
    use crate::group::consumer::Registry;
    use crate::group::migration::{Handover, HandoverMember};

    const T: Uuid = Uuid::from_u128(42);

    fn topics() -> Topics {
        Topics::from([("sarama".to_string(), (T, 2))])
    }

    /// A version-0 subscription to "sarama", as an eager librdkafka member sends it.
    fn subscription() -> Bytes {
        use kafka_protocol::messages::ConsumerProtocolSubscription;
        use kafka_protocol::protocol::{Encodable, StrBytes};
        let s = ConsumerProtocolSubscription::default()
            .with_topics(vec![StrBytes::from_static_str("sarama")]);
        let mut buf = bytes::BytesMut::new();
        bytes::BufMut::put_i16(&mut buf, 0);
        s.encode(&mut buf, 0).unwrap();
        buf.freeze()
    }

    fn classic(id: &str, holds: &[i32]) -> HandoverMember {
        HandoverMember {
            id: id.into(),
            instance_id: None,
            client_id: id.into(),
            client_host: "/127.0.0.1".into(),
            session_timeout: Duration::from_secs(45),
            rebalance_timeout: Duration::from_secs(30),
            protocols: vec![("range".into(), subscription())],
            assignment: consumer_protocol::encode_assignment(
                &vec![("sarama".into(), holds.to_vec())],
                0,
            ),
        }
    }

    fn join(id: &str) -> ClassicJoin {
        ClassicJoin {
            member_id: id.into(),
            client_id: id.into(),
            host: "/127.0.0.1".into(),
            session_timeout_ms: 45_000,
            rebalance_timeout_ms: 30_000,
            protocol_type: "consumer".into(),
            protocols: vec![("range".into(), subscription())],
            ..Default::default()
        }
    }

    fn consumer(id: &str, epoch: i32) -> Heartbeat {
        Heartbeat {
            member_id: id.into(),
            member_epoch: epoch,
            rebalance_timeout_ms: 30_000,
            subscribed_topics: (epoch == 0).then(|| vec!["sarama".to_string()]),
            client_id: id.into(),
            ..Default::default()
        }
    }

    fn partitions(bytes: &[u8]) -> Vec<i32> {
        let parts = consumer_protocol::decode_assignment(bytes).unwrap();
        parts.into_iter().flat_map(|(_, ps)| ps).collect()
    }

    fn held(r: &HeartbeatReply) -> Option<Vec<i32>> {
        r.assignment
            .as_ref()
            .map(|a| a.get(&T).map_or(vec![], |ps| ps.iter().copied().collect()))
    }

    #[test]
    fn an_upgraded_groups_classic_member_rejoins_to_give_a_partition_to_a_new_member() {
        let s = Settings::default();
        let h = Handover {
            generation: 3,
            protocol_name: Some("range".into()),
            members: vec![classic("K1", &[0, 1])],
        };
        let mut g = ConsumerGroup::from_classic(h, &topics(), 0).unwrap();
        assert_eq!((g.epoch, g.target_epoch, g.state()), (3, 3, "Stable"));
        assert_eq!(g.members["K1"].progress.epoch, 3);

        // N joins: epoch 4, target K1 [0], N [1]; partition 1 is still K1's.
        let r = g.heartbeat(consumer("N", 0), &topics(), &s, 100).unwrap();
        assert_eq!((r.member_epoch, held(&r)), (4, Some(vec![])));
        // K1 learns of it from its heartbeat, rejoins having given everything up (eager),
        // and is handed [0] at generation 4.
        let e = g.classic_heartbeat("K1", None, 3, 200).unwrap_err();
        assert_eq!(e.code, ResponseError::RebalanceInProgress.code());
        let j = g.classic_join(join("K1"), &topics(), &s, 300).unwrap();
        assert_eq!((j.generation, j.protocol_name.as_str()), (4, "range"));
        let a = g
            .classic_sync(
                "K1",
                None,
                4,
                (Some("consumer"), Some("range")),
                &topics(),
                400,
            )
            .unwrap();
        assert_eq!(partitions(&a), vec![0]);
        assert_eq!(g.classic_heartbeat("K1", None, 4, 500), Ok(()));
        // Now N receives partition 1.
        let r = g.heartbeat(consumer("N", 4), &topics(), &s, 600).unwrap();
        assert_eq!(held(&r), Some(vec![1]));
        assert_eq!(g.state(), "Stable");
    }

    #[test]
    fn a_classic_member_joins_a_consumer_group_and_waits_for_what_is_held() {
        let s = Settings::default();
        let mut g = ConsumerGroup::default();
        let r = g.heartbeat(consumer("N", 0), &topics(), &s, 0).unwrap();
        assert_eq!(held(&r), Some(vec![0, 1]));
        // K joins: epoch 3, target N [0], K [1]; 1 is still N's, so K gets nothing yet.
        let j = g.classic_join(join("K"), &topics(), &s, 100).unwrap();
        assert_eq!(j.generation, 3);
        let a = g
            .classic_sync(
                "K",
                None,
                3,
                (Some("consumer"), Some("range")),
                &topics(),
                150,
            )
            .unwrap();
        assert!(partitions(&a).is_empty());
        // While N still holds it, K's heartbeats are fine; once N gives it up, K is told
        // to rejoin, and its rejoin gets it.
        assert_eq!(g.classic_heartbeat("K", None, 3, 200), Ok(()));
        let r = g.heartbeat(consumer("N", 2), &topics(), &s, 300).unwrap();
        assert_eq!(held(&r), Some(vec![0]));
        let mut n = consumer("N", 2);
        n.owned = Some(Assignment::from([(T, BTreeSet::from([0]))]));
        let r = g.heartbeat(n, &topics(), &s, 400).unwrap();
        assert_eq!(r.member_epoch, 3);
        let e = g.classic_heartbeat("K", None, 3, 500).unwrap_err();
        assert_eq!(e.code, ResponseError::RebalanceInProgress.code());
        g.classic_join(join("K"), &topics(), &s, 600).unwrap();
        let a = g
            .classic_sync("K", None, 3, (None, None), &topics(), 700)
            .unwrap();
        assert_eq!(partitions(&a), vec![1]);
    }

    #[test]
    fn classic_requests_are_checked_as_kafka_checks_them() {
        let s = Settings::default();
        let mut g = ConsumerGroup::default();
        g.heartbeat(consumer("N", 0), &topics(), &s, 0).unwrap();
        g.classic_join(join("K"), &topics(), &s, 10).unwrap();
        g.classic_sync("K", None, 3, (None, None), &topics(), 15)
            .unwrap();
        let code = |r: Result<Bytes, ClassicError>| r.map(|_| ()).unwrap_err().code;
        // A generation that is not its epoch.
        let r = g.classic_sync("K", None, 2, (None, None), &topics(), 20);
        assert_eq!(code(r), ResponseError::IllegalGeneration.code());
        // Another protocol than the one its join was answered with.
        let r = g.classic_sync("K", None, 3, (None, Some("roundrobin")), &topics(), 20);
        assert_eq!(code(r), ResponseError::InconsistentGroupProtocol.code());
        // A consumer-protocol member cannot use the classic requests, nor can a stranger.
        let e = g.classic_heartbeat("N", None, 2, 20).unwrap_err();
        assert_eq!(e.code, ResponseError::UnknownMemberId.code());
        let e = g.classic_heartbeat("who", None, 3, 20).unwrap_err();
        assert_eq!(e.code, ResponseError::UnknownMemberId.code());
        // A member of another protocol type.
        let mut connect = join("C");
        connect.protocol_type = "connect".into();
        let e = g.classic_join(connect, &topics(), &s, 30).unwrap_err();
        assert_eq!(e.code, ResponseError::InconsistentGroupProtocol.code());
        // Told to rejoin, a member that does not within its rebalance timeout is removed.
        g.heartbeat(consumer("M", 0), &topics(), &s, 40).unwrap();
        g.classic_sync("K", None, 3, (None, None), &topics(), 50)
            .unwrap_err();
        assert!(g.overdue(50 + 29_999).is_empty());
        assert_eq!(g.overdue(50 + 30_000), vec!["K".to_string()]);
    }

    fn coordinator() -> Coordinator {
        Coordinator::new(CoordinatorConfig {
            initial_rebalance_delay: Duration::ZERO,
            min_session_timeout: Duration::from_secs(6),
            max_session_timeout: Duration::from_secs(1800),
        })
    }

    fn classic_join_request(id: &str) -> JoinRequest {
        JoinRequest {
            group_id: "g".into(),
            member_id: id.into(),
            instance_id: None,
            client_id: "K1".into(),
            client_host: "/127.0.0.1".into(),
            session_timeout: Duration::from_secs(45),
            rebalance_timeout: Duration::from_secs(30),
            protocol_type: "consumer".into(),
            protocols: vec![("range".into(), subscription())],
            require_known_member_id: false,
        }
    }

    #[test]
    fn a_classic_group_becomes_a_consumer_group_and_back() {
        let classic_side = coordinator();
        let registry = Registry::default();
        // K1 is a classic group's only member (generation 1).
        let now = Instant::now();
        classic_side.join(classic_join_request(""), now);
        classic_side.tick(now + Duration::from_millis(10));
        let k1 = classic_side.describe("g").members[0].member_id.clone();
        assert_eq!(classic_side.describe("g").generation, 1);

        // N's first heartbeat upgrades it: K1 is a classic member of a consumer group.
        let r = registry
            .heartbeat("g", consumer("N", 0), &topics(), 0, &classic_side)
            .unwrap();
        assert!(classic_side.describe("g").members.is_empty());
        let g = registry.get("g").unwrap();
        assert_eq!((g.epoch, g.members.len()), (2, 2));
        assert!(g.members[&k1].classic.is_some());

        // N leaves: only K1 is left, a classic member, so the group is classic again, at
        // the group's epoch, and rebalances at once so that K1 rejoins.
        let mut leave = consumer(&r.member_id, group_leave());
        leave.subscribed_topics = None;
        registry
            .heartbeat("g", leave, &topics(), 10, &classic_side)
            .unwrap();
        assert!(registry.get("g").is_none());
        let d = classic_side.describe("g");
        assert_eq!(d.state, GroupState::PreparingRebalance);
        assert_eq!(d.generation, 2);
        assert_eq!(d.members.len(), 1);
        assert_eq!(d.members[0].member_id, k1);
    }

    #[test]
    fn a_static_member_back_with_the_classic_protocol_turns_the_group_back() {
        let classic_side = coordinator();
        let registry = Registry::default();
        // S (consumer protocol, instance "s") and K (classic) share the group.
        let mut s = consumer("S", 0);
        s.instance_id = Some("s".into());
        registry
            .heartbeat("g", s, &topics(), 0, &classic_side)
            .unwrap();
        registry
            .classic_join("g", join("K"), &topics(), 10, &classic_side)
            .unwrap()
            .unwrap();
        // S goes away for a while (−2) and comes back as a classic member: the last
        // consumer-protocol member is replaced, so the group is classic again.
        let mut away = consumer("S", crate::group::consumer::group::STATIC_LEAVE_EPOCH);
        away.instance_id = Some("s".into());
        away.subscribed_topics = None;
        registry
            .heartbeat("g", away, &topics(), 20, &classic_side)
            .unwrap();
        assert!(registry.get("g").is_some());
        let mut back = join("S2");
        back.unknown_member = true;
        back.instance_id = Some("s".into());
        let j = registry
            .classic_join("g", back, &topics(), 30, &classic_side)
            .unwrap()
            .unwrap();
        assert_eq!(j.member_id, "S2");
        assert!(registry.get("g").is_none());
        let d = classic_side.describe("g");
        assert_eq!(d.state, GroupState::PreparingRebalance);
        let mut ids: Vec<String> = d.members.iter().map(|m| m.member_id.clone()).collect();
        ids.sort();
        assert_eq!(ids, ["K", "S2"]);
    }

    fn group_leave() -> i32 {
        crate::group::consumer::group::LEAVE_EPOCH
    }

    #[test]
    fn with_migration_disabled_a_classic_group_stays_classic() {
        let classic_side = coordinator();
        let mut registry = Registry::default();
        registry.settings.upgrade = false;
        classic_side.join(classic_join_request(""), Instant::now());
        let e = registry
            .heartbeat("g", consumer("N", 0), &topics(), 0, &classic_side)
            .unwrap_err();
        assert_eq!(
            e,
            HeartbeatError::GroupIdNotFound(
                "Cannot upgrade classic group g to consumer group because online upgrade is disabled."
                    .into()
            )
        );
        assert_eq!(classic_side.describe("g").members.len(), 1);
        assert!(registry.get("g").is_none());
    }
}
