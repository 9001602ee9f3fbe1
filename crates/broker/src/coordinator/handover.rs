//! KIP-848's online migration, classic side: a classic group hands its members over to a
//! consumer group when a consumer-protocol member joins it, and takes them back when the
//! last consumer-protocol member leaves (Kafka's `convertToConsumerGroup` and
//! `convertToClassicGroup`). The group's committed offsets stay here either way.

use std::time::{Duration, Instant};

use bytes::Bytes;
use kafka_protocol::error::ResponseError;

use super::{Coordinator, Group, GroupState, Member, SyncOutcome};

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
                        super::JoinOutcome::error(ResponseError::RebalanceInProgress.code(), &m.id);
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
                Member {
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
