//! KIP-848's online migration, both ways and both sides, as Kafka's group coordinator
//! does it (`convertToConsumerGroup`, `convertToClassicGroup`): a classic group hands its
//! members over to a consumer group when a consumer-protocol member joins it
//! (`Coordinator::hand_over`, `ConsumerGroup::from_classic`), and takes them back when
//! the last consumer-protocol member leaves (`ConsumerGroup::to_classic`,
//! `Coordinator::take_back`). The group's committed offsets stay with the classic
//! coordinator either way. Classic members living inside a consumer group meanwhile are
//! `consumer::classic_members`.

use std::time::{Duration, Instant};

use bytes::Bytes;
use kafka_protocol::error::ResponseError;

use super::classic::{self, Coordinator, Group, GroupState, JoinOutcome, SyncOutcome};
use super::consumer::assignment::Assignment;
use super::consumer::classic_members::{subscription_bytes, to_ids, to_names};
use super::consumer::group::{ClassicMember, ConsumerGroup, Member, Topics};
use super::consumer::reconcile::{MemberProgress, MemberState};
use wire::consumer_protocol;

/// A classic group's members, as they move between the two kinds of group.
#[derive(Debug, Clone, Default)]
pub struct Handover {
    /// The classic generation (the consumer group's epoch on the way back).
    pub generation: i32,
    /// The protocol the group selected, if it had one.
    pub protocol_name: Option<String>,
    /// Its members.
    pub members: Vec<HandoverMember>,
}

/// One classic member on the move.
#[derive(Debug, Clone)]
pub struct HandoverMember {
    /// Member id.
    pub id: String,
    /// Static membership id.
    pub instance_id: Option<String>,
    /// Client id.
    pub client_id: String,
    /// Client host (`/ip`).
    pub client_host: String,
    /// Session timeout of its JoinGroup.
    pub session_timeout: Duration,
    /// Rebalance timeout of its JoinGroup.
    pub rebalance_timeout: Duration,
    /// Its protocols in preference order, with their metadata (its subscription).
    pub protocols: Vec<(String, Bytes)>,
    /// Its last assignment (consumer-protocol bytes).
    pub assignment: Bytes,
}

/// Why a classic group cannot become a consumer group (the rest of Kafka's message).
const NOT_CONSUMER_PROTOCOL: &str = "the group does not use the consumer embedded protocol";

impl Coordinator {
    /// Takes a classic group's members for an online upgrade: `None` when it has none,
    /// an error when its members do not speak the consumer protocol. Members waiting in a
    /// rebalance are told REBALANCE_IN_PROGRESS (they rejoin the consumer group).
    pub fn hand_over(&self, group_id: &str) -> Option<Result<Handover, &'static str>> {
        let mut groups = self.lock();
        let group = groups.get_mut(group_id)?;
        if group.members.is_empty() {
            return None;
        }
        if group.protocol_type.as_deref() != Some("consumer") {
            return Some(Err(NOT_CONSUMER_PROTOCOL));
        }
        let members = group
            .members
            .drain(..)
            .map(|(_, mut m)| {
                if let Some(tx) = m.join_waiter.take() {
                    let mut o =
                        JoinOutcome::error(ResponseError::RebalanceInProgress.code(), &m.id);
                    o.generation = group.generation;
                    let _ = tx.send(o);
                }
                if let Some(tx) = m.sync_waiter.take() {
                    let _ = tx.send(SyncOutcome::error(
                        ResponseError::RebalanceInProgress.code(),
                    ));
                }
                HandoverMember {
                    id: m.id,
                    instance_id: m.instance_id,
                    client_id: m.client_id,
                    client_host: m.client_host,
                    session_timeout: m.session_timeout,
                    rebalance_timeout: m.rebalance_timeout,
                    protocols: m.protocols,
                    assignment: m.assignment,
                }
            })
            .collect();
        let handover = Handover {
            generation: group.generation,
            protocol_name: group.protocol_name.clone(),
            members,
        };
        // What stays is the group's offsets, as for a group whose members left.
        group.state = GroupState::Empty;
        group.leader = None;
        group.protocol_name = None;
        group.pending.clear();
        group.statics.clear();
        group.join_deadline = None;
        group.initial_delay = None;
        group.sync_deadline = None;
        tracing::info!(
            group = group_id,
            generation = handover.generation,
            "classic group upgraded to a consumer group"
        );
        Some(Ok(handover))
    }

    /// Takes members back from a consumer group (an online downgrade): the group is
    /// Stable at the consumer group's epoch with each member's target assignment, and
    /// rebalances at once so that every member rejoins the classic way.
    pub fn take_back(&self, group_id: &str, handover: Handover, now: Instant) {
        let mut groups = self.lock();
        let group = groups
            .entry(group_id.to_string())
            .or_insert_with(|| Group::new(group_id));
        group.generation = handover.generation;
        group.protocol_type = Some("consumer".into());
        group.members.clear();
        group.statics.clear();
        group.pending.clear();
        for h in handover.members {
            if let Some(inst) = &h.instance_id {
                group.statics.insert(inst.clone(), h.id.clone());
            }
            group.members.insert(
                h.id.clone(),
                classic::Member {
                    id: h.id,
                    instance_id: h.instance_id,
                    client_id: h.client_id,
                    client_host: h.client_host,
                    session_timeout: h.session_timeout,
                    rebalance_timeout: h.rebalance_timeout,
                    protocols: h.protocols,
                    assignment: h.assignment,
                    join_waiter: None,
                    sync_waiter: None,
                    pending_sync: false,
                    last_heartbeat: now,
                },
            );
        }
        group.leader = group.members.keys().next().cloned();
        group.protocol_name = group.select_protocol();
        group.state = GroupState::Stable;
        tracing::info!(
            group = group_id,
            generation = group.generation,
            "consumer group downgraded to a classic group"
        );
        group.prepare_rebalance(now, &self.config);
    }
}

impl ConsumerGroup {
    /// A consumer group made of a classic group's members (Kafka's `fromClassicGroup`):
    /// epochs at the classic generation, each member Stable with its last assignment,
    /// which is also its target.
    pub fn from_classic(h: Handover, topics: &Topics, now_ms: i64) -> Result<Self, String> {
        let mut g = ConsumerGroup::default();
        g.epoch = h.generation;
        g.target_epoch = h.generation;
        for m in h.members {
            let metadata = h
                .protocol_name
                .as_ref()
                .and_then(|p| m.protocols.iter().find(|(n, _)| n == p))
                .map_or(subscription_bytes(&m.protocols), |(_, b)| &b[..]);
            let sub =
                consumer_protocol::decode_subscription(metadata).map_err(|e| e.to_string())?;
            let parts =
                consumer_protocol::decode_assignment(&m.assignment).map_err(|e| e.to_string())?;
            let assigned = to_ids(&parts, topics);
            let session = m.session_timeout.as_millis() as i64;
            g.targets.insert(m.id.clone(), assigned.clone());
            g.members.insert(
                m.id.clone(),
                Member {
                    id: m.id,
                    instance_id: m.instance_id,
                    client_id: m.client_id,
                    host: m.client_host,
                    subscribed: sub.topics.into_iter().collect(),
                    regex: None,
                    server_assignor: None,
                    progress: MemberProgress {
                        epoch: h.generation,
                        state: MemberState::Stable,
                        assigned,
                        pending_revocation: Assignment::new(),
                    },
                    previous_epoch: h.generation,
                    rebalance_timeout_ms: m.rebalance_timeout.as_millis() as i32,
                    expires_at_ms: now_ms + session,
                    revoking_since_ms: None,
                    away: false,
                    classic: Some(ClassicMember {
                        session_timeout_ms: session,
                        protocols: m.protocols,
                        join_deadline_ms: None,
                        sync_deadline_ms: None,
                    }),
                },
            );
        }
        g.seen_topics = g.subscribed_topics(topics);
        Ok(g)
    }

    /// Whether every member speaks the classic protocol (and there is one): the group
    /// goes back to being a classic group.
    pub fn only_classic_members(&self) -> bool {
        !self.members.is_empty() && self.members.values().all(|m| m.classic.is_some())
    }

    /// The members as a classic group takes them back (Kafka's `fromConsumerGroup`): the
    /// generation is the group epoch, each member's assignment its target.
    pub fn to_classic(&self, topics: &Topics) -> Handover {
        let members = self
            .members
            .values()
            .filter_map(|m| {
                let c = m.classic.as_ref()?;
                let target = self.targets.get(&m.id).cloned().unwrap_or_default();
                let version = consumer_protocol::version(subscription_bytes(&c.protocols));
                Some(HandoverMember {
                    id: m.id.clone(),
                    instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    client_host: m.host.clone(),
                    session_timeout: std::time::Duration::from_millis(c.session_timeout_ms as u64),
                    rebalance_timeout: std::time::Duration::from_millis(
                        m.rebalance_timeout_ms.max(0) as u64,
                    ),
                    protocols: c.protocols.clone(),
                    assignment: consumer_protocol::encode_assignment(
                        &to_names(&target, topics),
                        version,
                    ),
                })
            })
            .collect();
        Handover {
            generation: self.epoch,
            protocol_name: None,
            members,
        }
    }
}
