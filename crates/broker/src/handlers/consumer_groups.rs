//! ConsumerGroupHeartbeat and ConsumerGroupDescribe (KIP-848): wire formats around the
//! consumer groups in `group/consumer`.

use std::collections::BTreeSet;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::consumer_group_describe_response::{
    Assignment as DescribedAssignment, DescribedGroup, Member as DescribedMember,
    TopicPartitions as DescribedPartitions,
};
use kafka_protocol::messages::consumer_group_heartbeat_response::{
    Assignment as ReplyAssignment, TopicPartitions as ReplyPartitions,
};
use kafka_protocol::messages::*;

use super::{now_ms, sb, Ctx};
use crate::acl::{op, resource};
use crate::group::consumer::group::{Heartbeat, HeartbeatError};
use crate::group::consumer::Assignment;
use wire::member_type;

/// Reads an unsigned varint at `*at`.
fn uvarint(b: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at).ok_or("truncated varint")?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("varint too long".into())
}

/// Skips a compact (nullable) string at `*at`, returning it.
fn compact_string(b: &[u8], at: &mut usize) -> Result<Option<String>, String> {
    let n = uvarint(b, at)?;
    if n == 0 {
        return Ok(None);
    }
    let end = *at + (n - 1) as usize;
    let s = b.get(*at..end).ok_or("truncated string")?;
    *at = end;
    Ok(Some(String::from_utf8_lossy(s).into_owned()))
}

/// Takes SubscribedTopicRegex out of a version-1 ConsumerGroupHeartbeat body, leaving a
/// version-0 body; returns the regex.
pub(crate) fn take_regex(body: &mut bytes::Bytes) -> Result<Option<String>, String> {
    let b = &body[..];
    let mut at = 0;
    compact_string(b, &mut at)?; // GroupId
    compact_string(b, &mut at)?; // MemberId
    at += 4; // MemberEpoch
    compact_string(b, &mut at)?; // InstanceId
    compact_string(b, &mut at)?; // RackId
    at += 4; // RebalanceTimeoutMs
    let topics = uvarint(b, &mut at)?; // SubscribedTopicNames
    for _ in 1..topics.max(1) {
        compact_string(b, &mut at)?;
    }
    let start = at;
    let regex = compact_string(b, &mut at)?;
    if at > b.len() {
        return Err("truncated request".into());
    }
    let mut v0 = bytes::BytesMut::with_capacity(b.len());
    v0.extend_from_slice(&b[..start]);
    v0.extend_from_slice(&b[at..]);
    *body = v0.freeze();
    Ok(regex)
}

/// ConsumerGroupHeartbeat: join, stay, reconcile, leave (`regex`: version 1's
/// SubscribedTopicRegex).
pub(crate) fn consumer_group_heartbeat(
    ctx: &Ctx<'_>,
    req: ConsumerGroupHeartbeatRequest,
    regex: Option<String>,
) -> ConsumerGroupHeartbeatResponse {
    let fail = |code: i16, msg: String| {
        ConsumerGroupHeartbeatResponse::default()
            .with_error_code(code)
            .with_error_message(Some(sb(msg)))
    };
    let group = req.group_id.as_str();
    if !ctx.allowed(op::READ, resource::GROUP, group) {
        return fail(
            ResponseError::GroupAuthorizationFailed.code(),
            "Group authorization failed.".into(),
        );
    }
    if group.is_empty() {
        return fail(24, "GroupId can't be empty.".into()); // INVALID_GROUP_ID
    }
    let registry = &ctx.shared.consumer_groups;
    let topics = ctx.shared.group_topics();
    // Version 0: the coordinator names a joining member.
    let member_id = if req.member_id.is_empty() && req.member_epoch == 0 {
        uuid::Uuid::new_v4().to_string()
    } else {
        req.member_id.to_string()
    };
    let owned = req.topic_partitions.map(|tps| {
        let mut a = Assignment::new();
        for tp in tps {
            a.entry(tp.topic_id)
                .or_default()
                .extend(tp.partitions.iter().copied());
        }
        a.retain(|_, ps: &mut BTreeSet<i32>| !ps.is_empty());
        a
    });
    let hb = Heartbeat {
        member_id,
        member_epoch: req.member_epoch,
        instance_id: req.instance_id.map(|s| s.to_string()),
        rebalance_timeout_ms: req.rebalance_timeout_ms,
        subscribed_topics: req
            .subscribed_topic_names
            .map(|ts| ts.iter().map(|t| t.as_str().to_string()).collect()),
        subscribed_regex: regex,
        server_assignor: req.server_assignor.map(|s| s.to_string()),
        owned,
        client_id: ctx.client_id.clone(),
        host: ctx.peer.host.clone(),
    };
    match registry.heartbeat(group, hb, &topics, now_ms(), &ctx.shared.groups) {
        Ok(r) => ConsumerGroupHeartbeatResponse::default()
            .with_member_id(Some(sb(r.member_id)))
            .with_member_epoch(r.member_epoch)
            .with_heartbeat_interval_ms(r.heartbeat_interval_ms)
            .with_assignment(r.assignment.map(|a| {
                ReplyAssignment::default().with_topic_partitions(
                    a.into_iter()
                        .map(|(t, ps)| {
                            ReplyPartitions::default()
                                .with_topic_id(t)
                                .with_partitions(ps.into_iter().collect())
                        })
                        .collect(),
                )
            })),
        Err(e) => {
            let msg = match &e {
                HeartbeatError::UnknownMemberId => {
                    format!("Member {} is not a member of group {group}.", req.member_id.as_str())
                }
                HeartbeatError::FencedMemberEpoch => format!(
                    "The consumer group member has a greater epoch ({}) than the one known by the coordinator, or an epoch it has left behind.",
                    req.member_epoch
                ),
                HeartbeatError::UnreleasedInstanceId => {
                    "Static member with this instance id is still in the group.".into()
                }
                HeartbeatError::UnsupportedAssignor => "ServerAssignor is not supported.".into(),
                HeartbeatError::InvalidRequest(m)
                | HeartbeatError::InvalidRegularExpression(m)
                | HeartbeatError::GroupIdNotFound(m) => m.clone(),
            };
            fail(e.code(), msg)
        }
    }
}

/// ConsumerGroupDescribe: epochs, assignor, and each member's assignment and target;
/// with each member's type (classic or consumer protocol) by group, for version 1.
pub(crate) fn consumer_group_describe(
    ctx: &Ctx<'_>,
    req: ConsumerGroupDescribeRequest,
) -> (ConsumerGroupDescribeResponse, Vec<Vec<i8>>) {
    let mut types = Vec::new();
    let settings = &ctx.shared.consumer_groups.settings;
    let name_of = |id: &uuid::Uuid| {
        ctx.shared
            .topics
            .get_by_id(*id)
            .map_or(String::new(), |t| t.name.clone())
    };
    let described = |a: &Assignment| {
        DescribedAssignment::default().with_topic_partitions(
            a.iter()
                .map(|(t, ps)| {
                    DescribedPartitions::default()
                        .with_topic_id(*t)
                        .with_topic_name(TopicName(sb(name_of(t))))
                        .with_partitions(ps.iter().copied().collect())
                })
                .collect(),
        )
    };
    let groups = req
        .group_ids
        .iter()
        .map(|id| {
            let group = id.as_str();
            let base = DescribedGroup::default().with_group_id(id.clone());
            types.push(Vec::new());
            if !ctx.allowed(op::DESCRIBE, resource::GROUP, group) {
                return base.with_error_code(ResponseError::GroupAuthorizationFailed.code());
            }
            let Some(g) = ctx.shared.consumer_groups.get(group) else {
                // A classic group is one even without members (offsets committed by
                // a simple consumer make one): Kafka says it is not a consumer group.
                let classic = ctx.shared.groups.describe(group).state;
                let msg = if classic == crate::group::classic::GroupState::Dead {
                    format!("Group {group} not found.")
                } else {
                    format!("Group {group} is not a consumer group.")
                };
                return base
                    .with_error_code(ResponseError::GroupIdNotFound.code())
                    .with_error_message(Some(sb(msg)));
            };
            if let Some(t) = types.last_mut() {
                *t = g
                    .members
                    .values()
                    .map(|m| match m.classic {
                        Some(_) => member_type::CLASSIC,
                        None => member_type::CONSUMER,
                    })
                    .collect();
            }
            base.with_group_state(sb(g.state()))
                .with_group_epoch(g.epoch)
                .with_assignment_epoch(g.target_epoch)
                .with_assignor_name(sb(g.assignor(settings)))
                .with_authorized_operations(if req.include_authorized_operations {
                    super::cluster_info::authorized_ops(super::cluster_info::GROUP_OPS)
                } else {
                    i32::MIN
                })
                .with_members(
                    g.members
                        .values()
                        .map(|m| {
                            DescribedMember::default()
                                .with_member_id(sb(m.id.clone()))
                                .with_instance_id(m.instance_id.clone().map(sb))
                                .with_member_epoch(m.progress.epoch)
                                .with_client_id(sb(m.client_id.clone()))
                                .with_client_host(sb(m.host.clone()))
                                .with_subscribed_topic_names(
                                    m.subscribed
                                        .iter()
                                        .map(|t| TopicName(sb(t.clone())))
                                        .collect(),
                                )
                                .with_subscribed_topic_regex(m.regex.clone().map(sb))
                                .with_assignment(described(&m.progress.assigned))
                                .with_target_assignment(described(
                                    &g.targets.get(&m.id).cloned().unwrap_or_default(),
                                ))
                        })
                        .collect(),
                )
        })
        .collect();
    (
        ConsumerGroupDescribeResponse::default().with_groups(groups),
        types,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handlers::testing::{shared, with_ctx};

    /// A classic group that only has committed offsets (a simple consumer's) is still a
    /// group of another type: Kafka answers "is not a consumer group", not "not found".
    #[test]
    fn describing_a_classic_group_without_members_says_what_it_is() {
        let s = shared();
        let offset = crate::group::classic::CommittedOffset {
            offset: 1,
            leader_epoch: -1,
            metadata: None,
            commit_timestamp: 0,
        };
        s.groups
            .store_offsets("simple", vec![(("t".into(), 0), offset)]);
        let req = ConsumerGroupDescribeRequest::default()
            .with_group_ids(vec![GroupId(sb("simple")), GroupId(sb("nobody"))]);
        let (resp, _) = with_ctx(&s, 0, |ctx| consumer_group_describe(ctx, req));
        let said: Vec<_> = resp
            .groups
            .iter()
            .map(|g| {
                (
                    g.error_code,
                    g.error_message.as_ref().map(|m| m.to_string()),
                )
            })
            .collect();
        assert_eq!(
            said,
            vec![
                (
                    ResponseError::GroupIdNotFound.code(),
                    Some("Group simple is not a consumer group.".into())
                ),
                (
                    ResponseError::GroupIdNotFound.code(),
                    Some("Group nobody not found.".into())
                ),
            ]
        );
    }
    use bytes::{BufMut, BytesMut};
    use kafka_protocol::protocol::Encodable;

    /// A version-1 body is a version-0 body with SubscribedTopicRegex after the topic
    /// names: taking it out gives back the version-0 bytes.
    #[test]
    fn version_one_regex_is_taken_out() {
        let req = ConsumerGroupHeartbeatRequest::default()
            .with_group_id(GroupId(sb("g")))
            .with_member_id(sb("m-1"))
            .with_member_epoch(3)
            .with_rebalance_timeout_ms(30_000)
            .with_subscribed_topic_names(Some(vec![TopicName(sb("a")), TopicName(sb("bb"))]))
            .with_server_assignor(Some(sb("uniform")));
        let mut v0 = BytesMut::new();
        req.encode(&mut v0, 0).unwrap();
        // GroupId(2) MemberId(4) epoch(4) instance(1) rack(1) timeout(4) topics(1+2+3).
        let split = 2 + 4 + 4 + 1 + 1 + 4 + 6;
        for regex in [None, Some("^orders-.*")] {
            let mut v1 = BytesMut::new();
            v1.extend_from_slice(&v0[..split]);
            match regex {
                None => v1.put_u8(0),
                Some(r) => {
                    v1.put_u8(r.len() as u8 + 1);
                    v1.extend_from_slice(r.as_bytes());
                }
            }
            v1.extend_from_slice(&v0[split..]);
            let mut body = v1.freeze();
            assert_eq!(take_regex(&mut body).unwrap().as_deref(), regex);
            assert_eq!(&body[..], &v0[..]);
        }
        let mut short = bytes::Bytes::from_static(&[5, b'g']);
        assert!(
            take_regex(&mut short).is_err(),
            "truncated: an error, not a panic"
        );
    }
}
