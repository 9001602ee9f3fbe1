//! CreateTopics, DeleteTopics, CreatePartitions.

use std::collections::BTreeMap;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::create_partitions_response::CreatePartitionsTopicResult;
use kafka_protocol::messages::create_topics_response::{
    CreatableTopicConfigs, CreatableTopicResult,
};
use kafka_protocol::messages::delete_topics_response::DeletableTopicResult;
use kafka_protocol::messages::*;

use super::configs::{describe_topic, validated};
use super::{sb, Ctx};
use crate::acl::{op, resource};
use crate::cluster::TopicError;

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
            if !ctx.allowed(op::CREATE, resource::CLUSTER, "kafka-cluster")
                && !ctx.allowed(op::CREATE, resource::TOPIC, &name)
            {
                let e = TopicError::NotAuthorized;
                return fail(r, e.code(), e.to_string());
            }
            if seen[&name] > 1 {
                return fail(r, ResponseError::InvalidRequest.code(), format!("Create topics request from client contains a duplicate topic {name}"));
            }
            let mut partitions = if t.num_partitions == -1 { shared.config.default_partitions } else { t.num_partitions };
            let replication = if t.replication_factor == -1 { 1 } else { t.replication_factor };
            if !t.assignments.is_empty() {
                if t.num_partitions != -1 || t.replication_factor != -1 {
                    return fail(r, ResponseError::InvalidRequest.code(), "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.".into());
                }
                if t.assignments.iter().any(|a| a.broker_ids.iter().any(|b| b.0 != 0) || a.broker_ids.len() != 1) {
                    return fail(r, ResponseError::InvalidReplicaAssignment.code(), "Replica assignment may only name broker 0 once".into());
                }
                partitions = t.assignments.len() as i32;
            }
            let configs = match validated(t.configs.iter().map(|c| (c.name.as_str(), c.value.as_ref().map(|v| v.as_str())))) {
                Ok(c) => c,
                Err(msg) => return fail(r, ResponseError::InvalidConfig.code(), msg),
            };
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
                        r.configs = Some(
                            describe_topic(ctx, &configs)
                                .into_iter()
                                .map(|(k, d)| {
                                    CreatableTopicConfigs::default()
                                        .with_name(sb(k))
                                        .with_value(Some(sb(d.value)))
                                        .with_config_source(d.source)
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
                Some(n) if !ctx.allowed(op::DELETE, resource::TOPIC, n) => {
                    Err(TopicError::NotAuthorized)
                }
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
