//! CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs.

use std::collections::BTreeMap;

use kafka_protocol::messages::create_partitions_response::CreatePartitionsTopicResult;
use kafka_protocol::messages::create_topics_response::{
    CreatableTopicConfigs, CreatableTopicResult,
};
use kafka_protocol::messages::delete_topics_response::DeletableTopicResult;
use kafka_protocol::messages::describe_configs_response::{
    DescribeConfigsResourceResult, DescribeConfigsResult,
};
use kafka_protocol::messages::*;

use super::{sb, Ctx};
use crate::broker::cluster::TopicError;

const INVALID_CONFIG: i16 = 40;
const INVALID_REPLICA_ASSIGNMENT: i16 = 39;
const INVALID_REQUEST: i16 = 42;
const UNKNOWN_TOPIC_OR_PARTITION: i16 = 3;
/// DescribeConfigs source: set on the topic.
const SOURCE_TOPIC: i8 = 1;
/// DescribeConfigs source: static broker config.
const SOURCE_STATIC_BROKER: i8 = 4;
/// DescribeConfigs source: Kafka's default.
const SOURCE_DEFAULT: i8 = 5;

/// Topic configs Kafka knows; others are refused with INVALID_CONFIG, as Kafka does.
const TOPIC_CONFIG_NAMES: &[&str] = &[
    "cleanup.policy",
    "compression.type",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "follower.replication.throttled.replicas",
    "index.interval.bytes",
    "leader.replication.throttled.replicas",
    "local.retention.bytes",
    "local.retention.ms",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.downconversion.enable",
    "message.format.version",
    "message.timestamp.after.max.ms",
    "message.timestamp.before.max.ms",
    "message.timestamp.difference.max.ms",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "preallocate",
    "remote.storage.enable",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
    "unclean.leader.election.enable",
];

fn topic_defaults(ctx: &Ctx<'_>) -> BTreeMap<&'static str, String> {
    let cfg = &ctx.shared.config;
    let cap = if cfg.partition_size_cap == 0 {
        -1
    } else {
        cfg.partition_size_cap as i64
    };
    BTreeMap::from([
        ("cleanup.policy", "delete".to_string()),
        ("compression.type", "producer".to_string()),
        ("max.message.bytes", "1048588".to_string()),
        (
            "message.timestamp.type",
            if cfg.log_append_time {
                "LogAppendTime"
            } else {
                "CreateTime"
            }
            .to_string(),
        ),
        ("min.insync.replicas", "1".to_string()),
        ("retention.bytes", cap.to_string()),
        ("retention.ms", "604800000".to_string()),
        ("segment.bytes", "1073741824".to_string()),
    ])
}

/// CreateTopics.
pub(crate) fn create_topics(ctx: &Ctx<'_>, req: CreateTopicsRequest) -> CreateTopicsResponse {
    let v = ctx.version;
    let shared = ctx.shared;
    let mut seen = BTreeMap::new();
    for t in &req.topics {
        *seen.entry(t.name.as_str().to_string()).or_insert(0) += 1;
    }
    let results = req
        .topics
        .into_iter()
        .map(|t| {
            let name = t.name.as_str().to_string();
            let mut r = CreatableTopicResult::default().with_name(t.name.clone());
            let fail = |mut r: CreatableTopicResult, code: i16, msg: String| {
                r.error_code = code;
                if v >= 1 {
                    r.error_message = Some(sb(msg));
                }
                if v >= 5 {
                    r.num_partitions = -1;
                    r.replication_factor = -1;
                }
                r
            };
            if seen[&name] > 1 {
                return fail(r, INVALID_REQUEST, format!("Create topics request from client contains a duplicate topic {name}"));
            }
            let mut partitions = if t.num_partitions == -1 { shared.config.default_partitions } else { t.num_partitions };
            let replication = if t.replication_factor == -1 { 1 } else { t.replication_factor };
            if !t.assignments.is_empty() {
                if t.num_partitions != -1 || t.replication_factor != -1 {
                    return fail(r, INVALID_REQUEST, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.".into());
                }
                if t.assignments.iter().any(|a| a.broker_ids.iter().any(|b| b.0 != 0) || a.broker_ids.len() != 1) {
                    return fail(r, INVALID_REPLICA_ASSIGNMENT, "Replica assignment may only name broker 0 once".into());
                }
                partitions = t.assignments.len() as i32;
            }
            let mut configs = BTreeMap::new();
            for c in &t.configs {
                let key = c.name.as_str();
                if !TOPIC_CONFIG_NAMES.contains(&key) {
                    return fail(r, INVALID_CONFIG, format!("Unknown topic config name: {key}"));
                }
                if let Some(value) = &c.value {
                    configs.insert(key.to_string(), value.as_str().to_string());
                }
            }
            let created = if req.validate_only {
                shared.topics.validate_create(&name, partitions, replication).map(|_| None)
            } else {
                shared.topics.create(&name, partitions, replication, configs.clone()).map(Some)
            };
            match created {
                Err(e) => fail(r, e.code(), e.to_string()),
                Ok(topic) => {
                    if topic.is_some() {
                        tracing::info!(topic = %name, partitions, "created topic");
                    }
                    if v >= 5 {
                        r.num_partitions = partitions;
                        r.replication_factor = replication;
                        let mut all = topic_defaults(ctx);
                        for (k, val) in &configs {
                            if let Some(slot) = TOPIC_CONFIG_NAMES.iter().find(|n| **n == k) {
                                all.insert(slot, val.clone());
                            }
                        }
                        r.configs = Some(
                            all.into_iter()
                                .map(|(k, val)| {
                                    let source = if configs.contains_key(k) { SOURCE_TOPIC } else { SOURCE_DEFAULT };
                                    CreatableTopicConfigs::default().with_name(sb(k)).with_value(Some(sb(val))).with_config_source(source)
                                })
                                .collect(),
                        );
                    }
                    if v >= 7 {
                        if let Some(t) = topic {
                            r.topic_id = t.id;
                        }
                    }
                    r
                }
            }
        })
        .collect();
    CreateTopicsResponse::default().with_topics(results)
}

/// DeleteTopics (by name, or by id from v6).
pub(crate) fn delete_topics(ctx: &Ctx<'_>, req: DeleteTopicsRequest) -> DeleteTopicsResponse {
    let v = ctx.version;
    let shared = ctx.shared;
    let wanted: Vec<(Option<String>, uuid::Uuid)> = if v >= 6 {
        req.topics
            .into_iter()
            .map(|t| (t.name.map(|n| n.as_str().to_string()), t.topic_id))
            .collect()
    } else {
        req.topic_names
            .into_iter()
            .map(|n| (Some(n.as_str().to_string()), uuid::Uuid::nil()))
            .collect()
    };
    let responses = wanted
        .into_iter()
        .map(|(name, id)| {
            let name = name.or_else(|| shared.topics.get_by_id(id).map(|t| t.name.clone()));
            let mut r =
                DeletableTopicResult::default().with_name(name.clone().map(|n| TopicName(sb(n))));
            if v >= 6 {
                r.topic_id = id;
            }
            let result = match &name {
                Some(n) => shared.topics.delete(n),
                None => Err(TopicError::Unknown),
            };
            match result {
                Ok(t) => {
                    tracing::info!(topic = %t.name, "deleted topic");
                    shared.groups.forget_topic(&t.name);
                    if v >= 6 {
                        r.topic_id = t.id;
                    }
                }
                Err(e) => {
                    r.error_code = e.code();
                    if v >= 5 {
                        r.error_message = Some(sb(e.to_string()));
                    }
                }
            }
            r
        })
        .collect();
    shared.appended.send_modify(|n| *n = n.wrapping_add(1));
    DeleteTopicsResponse::default().with_responses(responses)
}

/// CreatePartitions.
pub(crate) fn create_partitions(
    ctx: &Ctx<'_>,
    req: CreatePartitionsRequest,
) -> CreatePartitionsResponse {
    let results = req
        .topics
        .into_iter()
        .map(|t| {
            let mut r = CreatePartitionsTopicResult::default().with_name(t.name.clone());
            if let Err(e) =
                ctx.shared
                    .topics
                    .set_partition_count(t.name.as_str(), t.count, req.validate_only)
            {
                r.error_code = e.code();
                r.error_message = Some(sb(e.to_string()));
            } else {
                tracing::info!(topic = %t.name.as_str(), count = t.count, "added partitions");
            }
            r
        })
        .collect();
    CreatePartitionsResponse::default().with_results(results)
}

/// DescribeConfigs for topics (type 2) and the broker (type 4).
pub(crate) fn describe_configs(
    ctx: &Ctx<'_>,
    req: DescribeConfigsRequest,
) -> DescribeConfigsResponse {
    let v = ctx.version;
    let cfg = &ctx.shared.config;
    let results = req
        .resources
        .into_iter()
        .map(|res| {
            let mut out = DescribeConfigsResult::default()
                .with_resource_type(res.resource_type)
                .with_resource_name(res.resource_name.clone());
            let entries: Vec<(String, String, i8)> = match res.resource_type {
                2 => match ctx.shared.topics.get(res.resource_name.as_str()) {
                    None => {
                        out.error_code = UNKNOWN_TOPIC_OR_PARTITION;
                        out.error_message =
                            Some(sb("This server does not host this topic-partition."));
                        return out;
                    }
                    Some(topic) => {
                        let mut all: BTreeMap<String, (String, i8)> = topic_defaults(ctx)
                            .into_iter()
                            .map(|(k, val)| (k.to_string(), (val, SOURCE_DEFAULT)))
                            .collect();
                        for (k, val) in &topic.configs {
                            all.insert(k.clone(), (val.clone(), SOURCE_TOPIC));
                        }
                        all.into_iter().map(|(k, (val, s))| (k, val, s)).collect()
                    }
                },
                4 => vec![
                    (
                        "auto.create.topics.enable".into(),
                        cfg.auto_create_topics.to_string(),
                        SOURCE_STATIC_BROKER,
                    ),
                    ("broker.id".into(), "0".into(), SOURCE_STATIC_BROKER),
                    (
                        "group.initial.rebalance.delay.ms".into(),
                        cfg.initial_rebalance_delay.as_millis().to_string(),
                        SOURCE_STATIC_BROKER,
                    ),
                    (
                        "group.max.session.timeout.ms".into(),
                        cfg.group_max_session_timeout.as_millis().to_string(),
                        SOURCE_STATIC_BROKER,
                    ),
                    (
                        "group.min.session.timeout.ms".into(),
                        cfg.group_min_session_timeout.as_millis().to_string(),
                        SOURCE_STATIC_BROKER,
                    ),
                    ("message.max.bytes".into(), "1048588".into(), SOURCE_DEFAULT),
                    (
                        "num.partitions".into(),
                        cfg.default_partitions.to_string(),
                        SOURCE_STATIC_BROKER,
                    ),
                    (
                        "offsets.topic.num.partitions".into(),
                        cfg.offsets_topic_partitions.to_string(),
                        SOURCE_STATIC_BROKER,
                    ),
                    (
                        "socket.request.max.bytes".into(),
                        cfg.max_request_bytes.to_string(),
                        SOURCE_STATIC_BROKER,
                    ),
                ],
                other => {
                    out.error_code = INVALID_REQUEST;
                    out.error_message = Some(sb(format!("Unsupported resource type {other}")));
                    return out;
                }
            };
            let keys = res.configuration_keys.map(|k| {
                k.into_iter()
                    .map(|s| s.as_str().to_string())
                    .collect::<Vec<_>>()
            });
            out.configs = entries
                .into_iter()
                .filter(|(k, _, _)| keys.as_ref().is_none_or(|keys| keys.contains(k)))
                .map(|(k, val, source)| {
                    let mut e = DescribeConfigsResourceResult::default()
                        .with_name(sb(k))
                        .with_value(Some(sb(val)));
                    if v == 0 {
                        e.is_default = source == SOURCE_DEFAULT;
                    } else {
                        e.config_source = source;
                    }
                    e
                })
                .collect();
            out
        })
        .collect();
    DescribeConfigsResponse::default().with_results(results)
}
