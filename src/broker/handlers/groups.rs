//! JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups, DeleteGroups:
//! wire formats around the coordinator in `coordinator.rs`.

use std::time::{Duration, Instant};

use kafka_protocol::messages::delete_groups_response::DeletableGroupResult;
use kafka_protocol::messages::describe_groups_response::{DescribedGroup, DescribedGroupMember};
use kafka_protocol::messages::join_group_response::JoinGroupResponseMember;
use kafka_protocol::messages::leave_group_response::MemberResponse;
use kafka_protocol::messages::list_groups_response::ListedGroup;
use kafka_protocol::messages::*;

use super::cluster_info::authorized_ops;
use super::{sb, Ctx};

/// ACL operations allowed on a group without an authorizer: READ, DELETE, DESCRIBE.
const GROUP_OPS: &[u8] = &[3, 6, 8];
use crate::broker::coordinator::{code, JoinOutcome, JoinRequest, Reply, SyncOutcome};

fn ms(v: i32) -> Duration {
    Duration::from_millis(v.max(0) as u64)
}

/// JoinGroup: may wait until the rebalance completes.
pub(crate) async fn join_group(ctx: &Ctx<'_>, req: JoinGroupRequest) -> JoinGroupResponse {
    let v = ctx.version;
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
            error: code::UNKNOWN_MEMBER_ID,
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

/// SyncGroup: followers wait for the leader's assignment.
pub(crate) async fn sync_group(ctx: &Ctx<'_>, req: SyncGroupRequest) -> SyncGroupResponse {
    let v = ctx.version;
    let instance = if v >= 3 {
        req.group_instance_id.as_ref().map(|s| s.as_str())
    } else {
        None
    };
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
            error: code::UNKNOWN_MEMBER_ID,
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
    let codes = ctx
        .shared
        .groups
        .leave(req.group_id.as_str(), &leaving, Instant::now());
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
        LeaveGroupResponse::default().with_error_code(codes.first().copied().unwrap_or(code::NONE))
    }
}

/// DescribeGroups: state, protocol and every member with metadata and assignment.
pub(crate) fn describe_groups(ctx: &Ctx<'_>, req: DescribeGroupsRequest) -> DescribeGroupsResponse {
    let v = ctx.version;
    let groups = req
        .groups
        .iter()
        .map(|g| {
            let s = ctx.shared.groups.describe(g.as_str());
            let mut described = DescribedGroup::default();
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

/// ListGroups, with the v4 state filter.
pub(crate) fn list_groups(ctx: &Ctx<'_>, req: ListGroupsRequest) -> ListGroupsResponse {
    let v = ctx.version;
    let filter: Vec<String> = if v >= 4 {
        req.states_filter.iter().map(|s| s.to_lowercase()).collect()
    } else {
        Vec::new()
    };
    let groups = ctx
        .shared
        .groups
        .list()
        .into_iter()
        .filter(|g| filter.is_empty() || filter.contains(&g.state.as_str().to_lowercase()))
        .map(|g| {
            let mut l = ListedGroup::default()
                .with_group_id(GroupId(sb(g.group_id)))
                .with_protocol_type(sb(g.protocol_type));
            if v >= 4 {
                l.group_state = sb(g.state.as_str());
            }
            l
        })
        .collect();
    ListGroupsResponse::default().with_groups(groups)
}

/// DeleteGroups: only empty groups.
pub(crate) fn delete_groups(ctx: &Ctx<'_>, req: DeleteGroupsRequest) -> DeleteGroupsResponse {
    let results = req
        .groups_names
        .into_iter()
        .map(|g| {
            let error = ctx.shared.groups.delete(g.as_str());
            if error == code::NONE {
                tracing::info!(group = %g.as_str(), "deleted group");
            }
            DeletableGroupResult::default()
                .with_group_id(g)
                .with_error_code(error)
        })
        .collect();
    DeleteGroupsResponse::default().with_results(results)
}
