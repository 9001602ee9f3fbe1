//! ApiVersions, Metadata, DescribeCluster, FindCoordinator: what the cluster looks like.

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::api_versions_response::ApiVersion;
use kafka_protocol::messages::describe_cluster_response::DescribeClusterBroker;
use kafka_protocol::messages::find_coordinator_response::Coordinator;
use kafka_protocol::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_protocol::messages::*;
use uuid::Uuid;

use super::{sb, Ctx, SUPPORTED};
use crate::acl::{op, resource};
use crate::cluster::{Topic, TopicError, CONSUMER_OFFSETS};

/// The node id of our only broker.
pub(crate) const NODE_ID: i32 = 0;

/// Kafka's "authorized operations were not requested" value.
const OPS_NOT_REQUESTED: i32 = i32::MIN;
/// ACL operations allowed on a topic without an authorizer: READ, WRITE, CREATE, DELETE,
/// ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (Kafka's AclOperation codes).
pub(crate) const TOPIC_OPS: &[u8] = &[3, 4, 5, 6, 7, 8, 10, 11];
/// On the cluster: CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE.
const CLUSTER_OPS: &[u8] = &[5, 7, 8, 9, 10, 11, 12];

/// ACL operations on a group, as Kafka 4 lists them: READ, DELETE, DESCRIBE,
/// DESCRIBE_CONFIGS, ALTER_CONFIGS (groups have configs since KIP-848).
pub(crate) const GROUP_OPS: &[u8] = &[3, 6, 8, 10, 11];

/// The bit field Kafka sends for a set of allowed operations.
pub(crate) fn authorized_ops(ops: &[u8]) -> i32 {
    ops.iter().fold(0, |bits, op| bits | (1 << op))
}

/// ApiVersions listing exactly what `SUPPORTED` says; `error` 35 for the
/// unsupported-version answer.
pub(crate) fn api_versions_response(error: i16) -> ApiVersionsResponse {
    ApiVersionsResponse::default()
        .with_error_code(error)
        .with_api_keys(
            SUPPORTED
                .iter()
                .map(|(k, lo, hi)| {
                    ApiVersion::default()
                        .with_api_key(*k as i16)
                        .with_min_version(*lo)
                        .with_max_version(*hi)
                })
                .collect(),
        )
}

fn partitions_of(topic: &Topic, version: i16) -> Vec<MetadataResponsePartition> {
    (0..topic.partition_count())
        .map(|i| {
            let mut p = MetadataResponsePartition::default()
                .with_partition_index(i)
                .with_leader_id(BrokerId(NODE_ID))
                .with_replica_nodes(vec![BrokerId(NODE_ID)])
                .with_isr_nodes(vec![BrokerId(NODE_ID)]);
            if version >= 7 {
                p.leader_epoch = 0;
            }
            p
        })
        .collect()
}

fn topic_entry(topic: &Topic, version: i16, with_ops: bool) -> MetadataResponseTopic {
    let mut t = MetadataResponseTopic::default()
        .with_name(Some(TopicName(sb(topic.name.clone()))))
        .with_partitions(partitions_of(topic, version));
    if version >= 1 {
        t.is_internal = topic.internal;
    }
    if version >= 10 {
        t.topic_id = topic.id;
    }
    if version >= 8 {
        t.topic_authorized_operations = if with_ops {
            authorized_ops(TOPIC_OPS)
        } else {
            OPS_NOT_REQUESTED
        };
    }
    t
}

fn topic_error(name: Option<&str>, id: Uuid, code: i16, version: i16) -> MetadataResponseTopic {
    let mut t = MetadataResponseTopic::default()
        .with_error_code(code)
        .with_name(name.map(|n| TopicName(sb(n))));
    if version >= 10 {
        t.topic_id = id;
    }
    t
}

/// One topic a Metadata request names: by id when it has one (the Java consumer of a
/// broker-side regex asks so, with an empty name), else by name, auto-created if allowed.
fn requested_topic(
    ctx: &Ctx<'_>,
    want: &kafka_protocol::messages::metadata_request::MetadataRequestTopic,
    allow_auto: bool,
    with_ops: bool,
) -> MetadataResponseTopic {
    let (shared, v) = (ctx.shared, ctx.version);
    let describable = |name: &str| ctx.allowed(op::DESCRIBE, resource::TOPIC, name);
    if !want.topic_id.is_nil() {
        return match shared.topics.get_by_id(want.topic_id) {
            Some(t) if describable(&t.name) => topic_entry(&t, v, with_ops),
            Some(_) => topic_error(
                None,
                want.topic_id,
                ResponseError::TopicAuthorizationFailed.code(),
                v,
            ),
            None => topic_error(None, want.topic_id, ResponseError::UnknownTopicId.code(), v),
        };
    }
    let Some(n) = want.name.as_ref().map(|n| n.as_str().to_string()) else {
        return topic_error(None, want.topic_id, ResponseError::UnknownTopicId.code(), v);
    };
    if !describable(&n) {
        return topic_error(
            Some(&n),
            want.topic_id,
            ResponseError::TopicAuthorizationFailed.code(),
            v,
        );
    }
    let unknown = |n: &str| topic_error(Some(n), want.topic_id, TopicError::Unknown.code(), v);
    if let Some(t) = shared.topics.get(&n) {
        return topic_entry(&t, v, with_ops);
    }
    if !allow_auto || shared.topics.just_deleted(&n) {
        return unknown(&n);
    }
    match shared
        .topics
        .create(&n, shared.config.default_partitions, 1, Default::default())
    {
        // Kafka 4 creates the topic yet answers UNKNOWN_TOPIC_OR_PARTITION this once;
        // clients ask again and find it.
        Ok(_) => {
            tracing::info!(topic = %n, "auto-created topic");
            unknown(&n)
        }
        Err(TopicError::Exists(_)) => match shared.topics.get(&n) {
            Some(t) => topic_entry(&t, v, with_ops),
            None => unknown(&n),
        },
        Err(e) => topic_error(Some(&n), want.topic_id, e.code(), v),
    }
}

/// Metadata: the broker, and the requested topics (auto-creating them if allowed).
pub(crate) fn metadata(ctx: &Ctx<'_>, req: MetadataRequest) -> MetadataResponse {
    let shared = ctx.shared;
    let v = ctx.version;
    let wanted = match req.topics {
        Some(t) if !(v == 0 && t.is_empty()) => Some(t),
        _ => None,
    };
    let with_ops = v >= 8 && req.include_topic_authorized_operations;
    let allow_auto = shared.config.auto_create_topics && (v < 4 || req.allow_auto_topic_creation);
    let describable = |name: &str| ctx.allowed(op::DESCRIBE, resource::TOPIC, name);
    let topics = match wanted {
        // Topics the client may not describe are left out of a full listing.
        None => shared
            .topics
            .all()
            .iter()
            .filter(|t| describable(&t.name))
            .map(|t| topic_entry(t, v, with_ops))
            .collect(),
        Some(list) => list
            .iter()
            .map(|want| requested_topic(ctx, want, allow_auto, with_ops))
            .collect(),
    };
    let (host, port) = &*ctx.peer.advertised;
    let mut resp = MetadataResponse::default()
        .with_brokers(vec![MetadataResponseBroker::default()
            .with_node_id(BrokerId(NODE_ID))
            .with_host(sb(host.clone()))
            .with_port(*port)])
        .with_topics(topics);
    if v >= 1 {
        resp.controller_id = BrokerId(NODE_ID);
    }
    if v >= 2 {
        resp.cluster_id = Some(sb(shared.config.cluster_id.clone()));
    }
    if (8..=10).contains(&v) && req.include_cluster_authorized_operations {
        resp.cluster_authorized_operations = authorized_ops(CLUSTER_OPS);
    }
    resp
}

/// DescribeTopicPartitions (KIP-966): partitions with their eligible leader replicas,
/// paged by `response_partition_limit` and a cursor, topics sorted by name.
pub(crate) fn describe_topic_partitions(
    ctx: &Ctx<'_>,
    req: DescribeTopicPartitionsRequest,
) -> DescribeTopicPartitionsResponse {
    use kafka_protocol::messages::describe_topic_partitions_response::{
        Cursor, DescribeTopicPartitionsResponsePartition, DescribeTopicPartitionsResponseTopic,
    };
    let shared = ctx.shared;
    let mut names: Vec<String> = if req.topics.is_empty() {
        shared.topics.all().iter().map(|t| t.name.clone()).collect()
    } else {
        req.topics
            .iter()
            .map(|t| t.name.as_str().to_string())
            .collect()
    };
    names.sort();
    names.dedup();
    let (start_topic, start_partition) = req.cursor.as_ref().map_or((String::new(), 0), |c| {
        (c.topic_name.as_str().to_string(), c.partition_index)
    });
    let mut budget = req.response_partition_limit.max(1);
    let mut next_cursor = None;
    let mut topics = Vec::new();
    for name in names.into_iter().filter(|n| *n >= start_topic) {
        let mut entry = DescribeTopicPartitionsResponseTopic::default()
            .with_name(Some(TopicName(sb(name.clone()))))
            .with_topic_authorized_operations(authorized_ops(TOPIC_OPS));
        let Some(topic) = shared.topics.get(&name) else {
            topics.push(entry.with_error_code(TopicError::Unknown.code()));
            continue;
        };
        entry.topic_id = topic.id;
        entry.is_internal = topic.internal;
        let first = if name == start_topic {
            start_partition
        } else {
            0
        };
        for i in first..topic.partition_count() {
            if budget == 0 {
                next_cursor = Some(
                    Cursor::default()
                        .with_topic_name(TopicName(sb(name.clone())))
                        .with_partition_index(i),
                );
                break;
            }
            budget -= 1;
            entry.partitions.push(
                DescribeTopicPartitionsResponsePartition::default()
                    .with_partition_index(i)
                    .with_leader_id(BrokerId(NODE_ID))
                    .with_leader_epoch(0)
                    .with_replica_nodes(vec![BrokerId(NODE_ID)])
                    .with_isr_nodes(vec![BrokerId(NODE_ID)])
                    .with_eligible_leader_replicas(Some(Vec::new()))
                    .with_last_known_elr(Some(Vec::new())),
            );
        }
        topics.push(entry);
        if next_cursor.is_some() {
            break;
        }
    }
    DescribeTopicPartitionsResponse::default()
        .with_topics(topics)
        .with_next_cursor(next_cursor)
}

/// DescribeCluster: the one broker.
pub(crate) fn describe_cluster(
    ctx: &Ctx<'_>,
    _req: DescribeClusterRequest,
) -> DescribeClusterResponse {
    let (host, port) = &*ctx.peer.advertised;
    DescribeClusterResponse::default()
        .with_cluster_id(sb(ctx.shared.config.cluster_id.clone()))
        .with_controller_id(BrokerId(NODE_ID))
        .with_brokers(vec![DescribeClusterBroker::default()
            .with_broker_id(BrokerId(NODE_ID))
            .with_host(sb(host.clone()))
            .with_port(*port)])
}

/// FindCoordinator: always us. Creates `__consumer_offsets` the first time, as Kafka does.
pub(crate) fn find_coordinator(
    ctx: &Ctx<'_>,
    req: FindCoordinatorRequest,
) -> FindCoordinatorResponse {
    let shared = ctx.shared;
    if req.key_type == 0 {
        let _ = shared
            .topics
            .get_or_create(CONSUMER_OFFSETS, shared.config.offsets_topic_partitions);
    }
    let (host, port) = &*ctx.peer.advertised;
    if ctx.version >= 4 {
        FindCoordinatorResponse::default().with_coordinators(
            req.coordinator_keys
                .into_iter()
                .map(|key| {
                    Coordinator::default()
                        .with_key(key)
                        .with_node_id(BrokerId(NODE_ID))
                        .with_host(sb(host.clone()))
                        .with_port(*port)
                })
                .collect(),
        )
    } else {
        FindCoordinatorResponse::default()
            .with_node_id(BrokerId(NODE_ID))
            .with_host(sb(host.clone()))
            .with_port(*port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handlers::testing::{shared, with_ctx};
    use kafka_protocol::messages::metadata_request::MetadataRequestTopic;

    /// The Java consumer of a broker-side regex asks for its assigned topics by id with
    /// an empty name: it is answered by id, internal topics too (Kafka 4.4 does).
    #[test]
    fn metadata_by_topic_id_ignores_the_empty_name() {
        let s = shared();
        s.create_topic("P-orders", 2).unwrap();
        s.topics.get_or_create(CONSUMER_OFFSETS, 3).unwrap();
        let ids: Vec<Uuid> = ["P-orders", CONSUMER_OFFSETS]
            .iter()
            .map(|n| s.topics.get(n).unwrap().id)
            .chain([Uuid::from_u128(7)])
            .collect();
        let req = MetadataRequest::default().with_topics(Some(
            ids.iter()
                .map(|id| {
                    MetadataRequestTopic::default()
                        .with_topic_id(*id)
                        .with_name(Some(TopicName(sb(""))))
                })
                .collect(),
        ));
        let resp = with_ctx(&s, 12, |ctx| metadata(ctx, req));
        let got: Vec<_> = resp
            .topics
            .iter()
            .map(|t| {
                let name = t.name.as_ref().map(|n| n.as_str().to_string());
                (name, t.error_code, t.partitions.len(), t.is_internal)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("P-orders".into()), 0, 2, false),
                (Some(CONSUMER_OFFSETS.into()), 0, 3, true),
                (None, ResponseError::UnknownTopicId.code(), 0, false),
            ]
        );
    }
}
