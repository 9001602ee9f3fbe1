//! OffsetCommit, OffsetFetch and OffsetDelete: a group's committed offsets.

use std::time::Instant;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::offset_commit_response::{
    OffsetCommitResponsePartition, OffsetCommitResponseTopic,
};
use kafka_protocol::messages::offset_fetch_response::{
    OffsetFetchResponseGroup, OffsetFetchResponsePartition, OffsetFetchResponsePartitions,
    OffsetFetchResponseTopic, OffsetFetchResponseTopics,
};
use kafka_protocol::messages::*;

use super::{now_ms, sb, Ctx};
use crate::acl::{op, resource};
use crate::error_codes;
use crate::group::classic::CommittedOffset;

/// Kafka's `offset.metadata.max.bytes`.
const MAX_METADATA: usize = 4096;

/// OffsetCommit.
pub(crate) fn offset_commit(ctx: &Ctx<'_>, req: OffsetCommitRequest) -> OffsetCommitResponse {
    let v = ctx.version;
    let shared = ctx.shared;
    let group = req.group_id.as_str();
    let generation = if v >= 1 {
        req.generation_id_or_member_epoch
    } else {
        -1
    };
    let instance = if v >= 7 {
        req.group_instance_id.as_ref().map(|s| s.as_str())
    } else {
        None
    };
    let check = if !ctx.allowed(op::READ, resource::GROUP, group) {
        ResponseError::GroupAuthorizationFailed.code()
    } else if generation >= 0 && shared.consumer_groups.has_members(group) {
        // A member of a consumer group (KIP-848) commits with its member epoch.
        shared
            .consumer_groups
            .check_commit(group, req.member_id.as_str(), generation)
    } else if ctx.allowed(op::READ, resource::GROUP, group) {
        shared.groups.check_commit(
            group,
            generation,
            req.member_id.as_str(),
            instance,
            Instant::now(),
        )
    } else {
        ResponseError::GroupAuthorizationFailed.code()
    };
    let mut store = Vec::new();
    let topics = req
        .topics
        .into_iter()
        .map(|t| {
            let topic = shared.topics.get(t.name.as_str());
            let readable = ctx.allowed(op::READ, resource::TOPIC, t.name.as_str());
            let partitions = t
                .partitions
                .into_iter()
                .map(|p| {
                    let error = if check != error_codes::NONE {
                        check
                    } else if !readable {
                        ResponseError::TopicAuthorizationFailed.code()
                    } else if topic
                        .as_ref()
                        .and_then(|tp| tp.partition(p.partition_index))
                        .is_none()
                    {
                        ResponseError::UnknownTopicOrPartition.code()
                    } else if p
                        .committed_metadata
                        .as_ref()
                        .is_some_and(|m| m.len() > MAX_METADATA)
                    {
                        ResponseError::OffsetMetadataTooLarge.code()
                    } else {
                        store.push((
                            (t.name.as_str().to_string(), p.partition_index),
                            CommittedOffset {
                                offset: p.committed_offset,
                                leader_epoch: if v >= 6 { p.committed_leader_epoch } else { -1 },
                                metadata: p.committed_metadata.map(|m| m.to_string()),
                                commit_timestamp: now_ms(),
                            },
                        ));
                        error_codes::NONE
                    };
                    OffsetCommitResponsePartition::default()
                        .with_partition_index(p.partition_index)
                        .with_error_code(error)
                })
                .collect();
            OffsetCommitResponseTopic::default()
                .with_name(t.name)
                .with_partitions(partitions)
        })
        .collect();
    if !store.is_empty() {
        shared.groups.store_offsets(group, store);
    }
    OffsetCommitResponse::default().with_topics(topics)
}

/// A topic's partitions with their committed offsets, if any.
type TopicOffsets = (TopicName, Vec<(i32, Option<CommittedOffset>)>);

/// One group's committed offsets for the wanted partitions (`None` = all committed).
fn committed_for(
    ctx: &Ctx<'_>,
    group: &str,
    wanted: Option<Vec<(TopicName, Vec<i32>)>>,
) -> Vec<TopicOffsets> {
    let committed = ctx.shared.groups.committed(group);
    match wanted {
        Some(list) => list
            .into_iter()
            .map(|(name, parts)| {
                let entries = parts
                    .into_iter()
                    .map(|p| (p, committed.get(&(name.as_str().to_string(), p)).cloned()))
                    .collect();
                (name, entries)
            })
            .collect(),
        None => {
            let mut out: Vec<TopicOffsets> = Vec::new();
            for ((topic, p), c) in committed {
                match out.last_mut() {
                    Some((name, entries)) if name.as_str() == topic => entries.push((p, Some(c))),
                    _ => out.push((TopicName(sb(topic)), vec![(p, Some(c))])),
                }
            }
            out
        }
    }
}

/// OffsetFetch (one group up to v7, several from v8).
pub(crate) fn offset_fetch(ctx: &Ctx<'_>, req: OffsetFetchRequest) -> OffsetFetchResponse {
    let v = ctx.version;
    if v >= 8 {
        let groups = req
            .groups
            .into_iter()
            .map(|g| {
                let wanted = g.topics.map(|ts| {
                    ts.into_iter()
                        .map(|t| (t.name, t.partition_indexes))
                        .collect()
                });
                let topics = committed_for(ctx, g.group_id.as_str(), wanted)
                    .into_iter()
                    .map(|(name, parts)| {
                        OffsetFetchResponseTopics::default()
                            .with_name(name)
                            .with_partitions(
                                parts
                                    .into_iter()
                                    .map(|(p, c)| {
                                        let c = c.unwrap_or(CommittedOffset {
                                            offset: -1,
                                            leader_epoch: -1,
                                            metadata: Some(String::new()),
                                            commit_timestamp: -1,
                                        });
                                        OffsetFetchResponsePartitions::default()
                                            .with_partition_index(p)
                                            .with_committed_offset(c.offset)
                                            .with_committed_leader_epoch(c.leader_epoch)
                                            .with_metadata(Some(sb(c.metadata.unwrap_or_default())))
                                    })
                                    .collect(),
                            )
                    })
                    .collect();
                OffsetFetchResponseGroup::default()
                    .with_group_id(g.group_id)
                    .with_topics(topics)
            })
            .collect();
        return OffsetFetchResponse::default().with_groups(groups);
    }
    let wanted = req.topics.map(|ts| {
        ts.into_iter()
            .map(|t| (t.name, t.partition_indexes))
            .collect()
    });
    let topics = committed_for(ctx, req.group_id.as_str(), wanted)
        .into_iter()
        .map(|(name, parts)| {
            OffsetFetchResponseTopic::default()
                .with_name(name)
                .with_partitions(
                    parts
                        .into_iter()
                        .map(|(p, c)| {
                            let c = c.unwrap_or(CommittedOffset {
                                offset: -1,
                                leader_epoch: -1,
                                metadata: Some(String::new()),
                                commit_timestamp: -1,
                            });
                            let mut r = OffsetFetchResponsePartition::default()
                                .with_partition_index(p)
                                .with_committed_offset(c.offset)
                                .with_metadata(Some(sb(c.metadata.unwrap_or_default())));
                            if v >= 5 {
                                r.committed_leader_epoch = c.leader_epoch;
                            }
                            r
                        })
                        .collect(),
                )
        })
        .collect();
    OffsetFetchResponse::default().with_topics(topics)
}

/// OffsetDelete (KIP-496).
pub(crate) fn offset_delete(ctx: &Ctx<'_>, req: OffsetDeleteRequest) -> OffsetDeleteResponse {
    use kafka_protocol::messages::offset_delete_response::{
        OffsetDeleteResponsePartition, OffsetDeleteResponseTopic,
    };
    let group = req.group_id.as_str();
    if !ctx.allowed(op::DELETE, resource::GROUP, group) {
        return OffsetDeleteResponse::default()
            .with_error_code(ResponseError::GroupAuthorizationFailed.code());
    }
    let wanted: Vec<(String, i32)> = req
        .topics
        .iter()
        .flat_map(|t| {
            t.partitions
                .iter()
                .map(|p| (t.name.as_str().to_string(), p.partition_index))
        })
        .collect();
    let codes = match ctx.shared.groups.delete_offsets(group, &wanted) {
        Ok(codes) => codes,
        Err(code) => return OffsetDeleteResponse::default().with_error_code(code),
    };
    let mut codes = codes.into_iter();
    let topics = req
        .topics
        .into_iter()
        .map(|t| {
            let known = ctx.shared.topics.get(t.name.as_str());
            let partitions = t
                .partitions
                .into_iter()
                .map(|p| {
                    let deleted = codes.next().unwrap_or(error_codes::NONE);
                    let error = if known
                        .as_ref()
                        .and_then(|k| k.partition(p.partition_index))
                        .is_none()
                    {
                        ResponseError::UnknownTopicOrPartition.code()
                    } else {
                        deleted
                    };
                    OffsetDeleteResponsePartition::default()
                        .with_partition_index(p.partition_index)
                        .with_error_code(error)
                })
                .collect();
            OffsetDeleteResponseTopic::default()
                .with_name(t.name)
                .with_partitions(partitions)
        })
        .collect();
    OffsetDeleteResponse::default().with_topics(topics)
}
