//! JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups, DeleteGroups:
//! wire formats around the coordinator in `coordinator.rs`.

use std::time::{Duration, Instant};

use bytes::{BufMut, BytesMut};
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::delete_groups_response::DeletableGroupResult;
use kafka_protocol::messages::describe_groups_response::{DescribedGroup, DescribedGroupMember};
use kafka_protocol::messages::join_group_response::JoinGroupResponseMember;
use kafka_protocol::messages::leave_group_response::MemberResponse;
use kafka_protocol::messages::list_groups_response::ListedGroup;
use kafka_protocol::messages::*;
use kafka_protocol::protocol::Encodable;

use super::cluster_info::{authorized_ops, GROUP_OPS};
use super::{now_ms, sb, Ctx};
use crate::acl::{op, resource};
use crate::error_codes;
use crate::group::classic::{GroupState, JoinOutcome, JoinRequest, Reply, SyncOutcome};
use crate::group::consumer::classic_members::ClassicJoin;

fn ms(v: i32) -> Duration {
    Duration::from_millis(v.max(0) as u64)
}

/// JoinGroup: may wait until the rebalance completes.
pub(crate) async fn join_group(ctx: &Ctx<'_>, req: JoinGroupRequest) -> JoinGroupResponse {
    let v = ctx.version;
    if !ctx.allowed(op::READ, resource::GROUP, req.group_id.as_str()) {
        return JoinGroupResponse::default()
            .with_error_code(ResponseError::GroupAuthorizationFailed.code())
            .with_generation_id(-1);
    }
    let group = req.group_id.as_str();
    match ctx.shared.consumer_groups.remove_empty(group) {
        // A classic member joins a KIP-848 group with members as one of them…
        Some(false) => {
            if let Some(resp) = join_consumer_group(ctx, &req) {
                return resp;
            }
        }
        // …and an empty one becomes classic.
        Some(true) => tracing::info!(group, "empty consumer group taken over by a classic member"),
        None => {}
    }
    let join = JoinRequest {
        group_id: req.group_id.as_str().to_string(),
        member_id: req.member_id.as_str().to_string(),
        instance_id: if v >= 5 {
            req.group_instance_id.map(|s| s.to_string())
        } else {
            None
        },
        client_id: ctx.client_id.clone(),
        client_host: ctx.peer.host.clone(),
        session_timeout: ms(req.session_timeout_ms),
        rebalance_timeout: if v >= 1 {
            ms(req.rebalance_timeout_ms)
        } else {
            ms(req.session_timeout_ms)
        },
        protocol_type: req.protocol_type.to_string(),
        protocols: req
            .protocols
            .into_iter()
            .map(|p| (p.name.to_string(), p.metadata))
            .collect(),
        require_known_member_id: v >= 4,
    };
    let member_id = join.member_id.clone();
    let outcome = match ctx.shared.groups.join(join, Instant::now()) {
        Reply::Ready(o) => o,
        Reply::Wait(rx) => rx.await.unwrap_or_else(|_| JoinOutcome {
            error: ResponseError::UnknownMemberId.code(),
            generation: -1,
            member_id,
            ..Default::default()
        }),
    };
    let mut resp = JoinGroupResponse::default()
        .with_error_code(outcome.error)
        .with_generation_id(outcome.generation)
        .with_leader(sb(outcome.leader))
        .with_member_id(sb(outcome.member_id))
        .with_members(
            outcome
                .members
                .into_iter()
                .map(|m| {
                    let mut e = JoinGroupResponseMember::default()
                        .with_member_id(sb(m.member_id))
                        .with_metadata(m.metadata);
                    if v >= 5 {
                        e.group_instance_id = m.instance_id.map(sb);
                    }
                    e
                })
                .collect(),
        );
    if v >= 7 {
        resp.protocol_type = outcome.protocol_type.map(sb);
        resp.protocol_name = outcome.protocol_name.map(sb);
    } else {
        // Not nullable before v7.
        resp.protocol_name = Some(sb(outcome.protocol_name.unwrap_or_default()));
    }
    resp
}

/// JoinGroup to a consumer group with members (KIP-848's online migration): the member
/// is one of them, its generation its member epoch; no leader, no member list (the
/// coordinator assigns). `None` if the group went away meanwhile.
fn join_consumer_group(ctx: &Ctx<'_>, req: &JoinGroupRequest) -> Option<JoinGroupResponse> {
    let v = ctx.version;
    let instance_id = if v >= 5 {
        req.group_instance_id.as_ref().map(|s| s.to_string())
    } else {
        None
    };
    let unknown = req.member_id.is_empty();
    let member_id = if unknown {
        uuid::Uuid::new_v4().to_string()
    } else {
        req.member_id.to_string()
    };
    let failed = |error: i16, member_id: String| {
        JoinGroupResponse::default()
            .with_error_code(error)
            .with_generation_id(-1)
            .with_member_id(sb(member_id))
            .with_protocol_name((v < 7).then(|| sb("")))
    };
    if unknown && v >= 4 && instance_id.is_none() {
        // KIP-394, as for a classic group: learn the id, then join with it.
        return Some(failed(ResponseError::MemberIdRequired.code(), member_id));
    }
    let join = ClassicJoin {
        member_id: member_id.clone(),
        unknown_member: unknown,
        instance_id,
        client_id: ctx.client_id.clone(),
        host: ctx.peer.host.clone(),
        session_timeout_ms: i64::from(req.session_timeout_ms),
        rebalance_timeout_ms: if v >= 1 {
            req.rebalance_timeout_ms
        } else {
            req.session_timeout_ms
        },
        protocol_type: req.protocol_type.to_string(),
        protocols: req
            .protocols
            .iter()
            .map(|p| (p.name.to_string(), p.metadata.clone()))
            .collect(),
    };
    let registry = &ctx.shared.consumer_groups;
    let topics = ctx.shared.group_topics();
    Some(
        match registry.classic_join(
            req.group_id.as_str(),
            join,
            &topics,
            now_ms(),
            &ctx.shared.groups,
        )? {
            Ok(j) => {
                let mut resp = JoinGroupResponse::default()
                    .with_generation_id(j.generation)
                    .with_member_id(sb(j.member_id))
                    .with_leader(sb(""))
                    .with_protocol_name(Some(sb(j.protocol_name)));
                if v >= 7 {
                    resp.protocol_type = Some(sb("consumer"));
                }
                resp
            }
            Err(e) => {
                tracing::info!(group = %req.group_id.as_str(), "classic join refused: {}", e.message);
                failed(e.code, member_id)
            }
        },
    )
}

/// SyncGroup: followers wait for the leader's assignment.
pub(crate) async fn sync_group(ctx: &Ctx<'_>, req: SyncGroupRequest) -> SyncGroupResponse {
    let v = ctx.version;
    let instance = if v >= 3 {
        req.group_instance_id.as_ref().map(|s| s.as_str())
    } else {
        None
    };
    let registry = &ctx.shared.consumer_groups;
    let to_consumer_group = registry.classic_sync(
        req.group_id.as_str(),
        (req.member_id.as_str(), instance),
        req.generation_id,
        (
            req.protocol_type.as_ref().map(|s| s.as_str()),
            req.protocol_name.as_ref().map(|s| s.as_str()),
        ),
        || ctx.shared.group_topics(),
        now_ms(),
    );
    if let Some(r) = to_consumer_group {
        let mut resp = match r {
            Ok(assignment) => SyncGroupResponse::default().with_assignment(assignment),
            Err(e) => SyncGroupResponse::default().with_error_code(e.code),
        };
        if v >= 5 && resp.error_code == error_codes::NONE {
            resp.protocol_type = req.protocol_type.clone();
            resp.protocol_name = req.protocol_name.clone();
        }
        return resp;
    }
    let assignments = req
        .assignments
        .into_iter()
        .map(|a| (a.member_id.to_string(), a.assignment))
        .collect();
    let reply = ctx.shared.groups.sync(
        req.group_id.as_str(),
        req.generation_id,
        req.member_id.as_str(),
        instance,
        assignments,
        Instant::now(),
    );
    let outcome = match reply {
        Reply::Ready(o) => o,
        Reply::Wait(rx) => rx.await.unwrap_or(SyncOutcome {
            error: ResponseError::UnknownMemberId.code(),
            ..Default::default()
        }),
    };
    let mut resp = SyncGroupResponse::default()
        .with_error_code(outcome.error)
        .with_assignment(outcome.assignment);
    if v >= 5 {
        resp.protocol_type = outcome.protocol_type.map(sb);
        resp.protocol_name = outcome.protocol_name.map(sb);
    }
    resp
}

/// Heartbeat: REBALANCE_IN_PROGRESS tells members to rejoin.
pub(crate) fn heartbeat(ctx: &Ctx<'_>, req: HeartbeatRequest) -> HeartbeatResponse {
    let instance = if ctx.version >= 3 {
        req.group_instance_id.as_ref().map(|s| s.as_str())
    } else {
        None
    };
    let to_consumer_group = ctx.shared.consumer_groups.classic_heartbeat(
        req.group_id.as_str(),
        (req.member_id.as_str(), instance),
        req.generation_id,
        now_ms(),
    );
    if let Some(error) = to_consumer_group {
        return HeartbeatResponse::default().with_error_code(error);
    }
    let error = ctx.shared.groups.heartbeat(
        req.group_id.as_str(),
        req.generation_id,
        req.member_id.as_str(),
        instance,
        Instant::now(),
    );
    HeartbeatResponse::default().with_error_code(error)
}

/// LeaveGroup: one member (v0-2) or a batch (v3+).
pub(crate) fn leave_group(ctx: &Ctx<'_>, req: LeaveGroupRequest) -> LeaveGroupResponse {
    let v = ctx.version;
    let leaving: Vec<(String, Option<String>)> = if v >= 3 {
        req.members
            .iter()
            .map(|m| {
                (
                    m.member_id.to_string(),
                    m.group_instance_id.as_ref().map(|s| s.to_string()),
                )
            })
            .collect()
    } else {
        vec![(req.member_id.to_string(), None)]
    };
    let codes = match ctx
        .shared
        .consumer_groups
        .classic_leave(req.group_id.as_str(), &leaving)
    {
        Some(codes) => codes,
        None => ctx
            .shared
            .groups
            .leave(req.group_id.as_str(), &leaving, Instant::now()),
    };
    if v >= 3 {
        LeaveGroupResponse::default().with_members(
            leaving
                .into_iter()
                .zip(codes)
                .map(|((id, inst), error)| {
                    MemberResponse::default()
                        .with_member_id(sb(id))
                        .with_group_instance_id(inst.map(sb))
                        .with_error_code(error)
                })
                .collect(),
        )
    } else {
        LeaveGroupResponse::default()
            .with_error_code(codes.first().copied().unwrap_or(error_codes::NONE))
    }
}

/// DescribeGroups: state, protocol and every member with metadata and assignment.
pub(crate) fn describe_groups(ctx: &Ctx<'_>, req: DescribeGroupsRequest) -> DescribeGroupsResponse {
    let v = ctx.version;
    run_due_timers(ctx);
    let groups = req
        .groups
        .iter()
        .map(|g| {
            let mut s = ctx.shared.groups.describe(g.as_str());
            if ctx.shared.consumer_groups.get(g.as_str()).is_some() {
                // A KIP-848 group is not described the classic way: Kafka says Dead (its
                // offsets are kept by an empty classic entry here).
                s = crate::group::classic::GroupSummary {
                    group_id: g.to_string(),
                    state: GroupState::Dead,
                    protocol_type: String::new(),
                    protocol: String::new(),
                    members: Vec::new(),
                    generation: -1,
                };
            }
            let mut described = DescribedGroup::default();
            if v >= 6 && s.state == GroupState::Dead {
                // From v6 Kafka reports an unknown group as not found, not as Dead.
                described.error_code = ResponseError::GroupIdNotFound.code();
            }
            if v >= 3 && req.include_authorized_operations {
                described.authorized_operations = authorized_ops(GROUP_OPS);
            }
            described
                .with_group_id(g.clone())
                .with_group_state(sb(s.state.as_str()))
                .with_protocol_type(sb(s.protocol_type))
                .with_protocol_data(sb(s.protocol))
                .with_members(
                    s.members
                        .into_iter()
                        .map(|m| {
                            let mut d = DescribedGroupMember::default()
                                .with_member_id(sb(m.member_id))
                                .with_client_id(sb(m.client_id))
                                .with_client_host(sb(m.client_host))
                                .with_member_metadata(m.metadata)
                                .with_member_assignment(m.assignment);
                            if v >= 4 {
                                d.group_instance_id = m.instance_id.map(sb);
                            }
                            d
                        })
                        .collect(),
                )
        })
        .collect();
    DescribeGroupsResponse::default().with_groups(groups)
}

/// Writes a DescribeGroups v6 body: v5's layout with each group's error message after
/// its error code ("Group X not found." for GROUP_ID_NOT_FOUND).
pub(crate) fn encode_describe_groups_v6(resp: &DescribeGroupsResponse, buf: &mut BytesMut) {
    use wire::compact::{put_compact_str as compact_str, put_uvarint as uvarint};
    buf.put_i32(resp.throttle_time_ms);
    uvarint(resp.groups.len() as u64 + 1, buf);
    for g in &resp.groups {
        buf.put_i16(g.error_code);
        let message = (g.error_code == ResponseError::GroupIdNotFound.code())
            .then(|| format!("Group {} not found.", g.group_id.as_str()));
        compact_str(message.as_deref(), buf);
        compact_str(Some(g.group_id.as_str()), buf);
        compact_str(Some(g.group_state.as_str()), buf);
        compact_str(Some(g.protocol_type.as_str()), buf);
        compact_str(Some(g.protocol_data.as_str()), buf);
        uvarint(g.members.len() as u64 + 1, buf);
        for m in &g.members {
            // A member is the same in v5 and v6.
            if let Err(e) = m.encode(buf, 5) {
                tracing::error!("group member could not be encoded: {e}");
            }
        }
        buf.put_i32(g.authorized_operations);
        uvarint(0, buf); // no tagged fields
    }
    uvarint(0, buf);
}

/// Expires what is due before answering about groups: Kafka's coordinator runs its
/// timers and requests in time order, so a session that ended before the request came
/// is over by the time it is answered.
fn run_due_timers(ctx: &Ctx<'_>) {
    ctx.shared.groups.tick(Instant::now());
}

/// ListGroups, with the v4 state filter and the v5 type filter (every group here is a
/// classic group).
pub(crate) fn list_groups(ctx: &Ctx<'_>, req: ListGroupsRequest) -> ListGroupsResponse {
    let mut resp = all_groups(ctx, req);
    // As Kafka: Describe on the cluster lists every group, otherwise only the groups the
    // principal may describe.
    if !ctx.allowed(op::DESCRIBE, resource::CLUSTER, "kafka-cluster") {
        resp.groups
            .retain(|g| ctx.allowed(op::DESCRIBE, resource::GROUP, g.group_id.as_str()));
    }
    resp
}

/// Every group the filters select.
fn all_groups(ctx: &Ctx<'_>, req: ListGroupsRequest) -> ListGroupsResponse {
    let v = ctx.version;
    run_due_timers(ctx);
    let filter: Vec<String> = if v >= 4 {
        req.states_filter.iter().map(|s| s.to_lowercase()).collect()
    } else {
        Vec::new()
    };
    let wants = |kind: &str| {
        v < 5
            || req.types_filter.is_empty()
            || req
                .types_filter
                .iter()
                .any(|t| t.eq_ignore_ascii_case(kind))
    };
    let consumer_groups = ctx.shared.consumer_groups.list();
    let mut listed: Vec<ListedGroup> = Vec::new();
    if wants("consumer") {
        for (id, state) in &consumer_groups {
            if !filter.is_empty() && !filter.contains(&state.to_lowercase()) {
                continue;
            }
            let mut l = ListedGroup::default()
                .with_group_id(GroupId(sb(id.clone())))
                .with_protocol_type(sb("consumer"));
            if v >= 4 {
                l.group_state = sb(*state);
            }
            if v >= 5 {
                l.group_type = sb("consumer");
            }
            listed.push(l);
        }
    }
    if !wants("classic") {
        return ListGroupsResponse::default().with_groups(listed);
    }
    let groups = ctx
        .shared
        .groups
        .list()
        .into_iter()
        // A consumer group's offsets are kept by an empty classic entry: list it once.
        .filter(|g| !consumer_groups.iter().any(|(id, _)| *id == g.group_id))
        .filter(|g| filter.is_empty() || filter.contains(&g.state.as_str().to_lowercase()))
        .map(|g| {
            let mut l = ListedGroup::default()
                .with_group_id(GroupId(sb(g.group_id)))
                .with_protocol_type(sb(g.protocol_type));
            if v >= 4 {
                l.group_state = sb(g.state.as_str());
            }
            if v >= 5 {
                l.group_type = sb("classic");
            }
            l
        })
        .collect::<Vec<_>>();
    listed.extend(groups);
    ListGroupsResponse::default().with_groups(listed)
}

/// DeleteGroups: only empty groups.
pub(crate) fn delete_groups(ctx: &Ctx<'_>, req: DeleteGroupsRequest) -> DeleteGroupsResponse {
    run_due_timers(ctx);
    let results = req
        .groups_names
        .into_iter()
        .map(|g| {
            // A KIP-848 group: not while it has members; its offsets go with it.
            let error = match ctx.shared.consumer_groups.remove_empty(g.as_str()) {
                Some(false) => ResponseError::NonEmptyGroup.code(),
                Some(true) => match ctx.shared.groups.delete(g.as_str()) {
                    e if e == ResponseError::GroupIdNotFound.code() => error_codes::NONE,
                    e => e,
                },
                None => ctx.shared.groups.delete(g.as_str()),
            };
            if error == error_codes::NONE {
                tracing::info!(group = %g.as_str(), "deleted group");
            }
            DeletableGroupResult::default()
                .with_group_id(g)
                .with_error_code(error)
        })
        .collect();
    DeleteGroupsResponse::default().with_results(results)
}
