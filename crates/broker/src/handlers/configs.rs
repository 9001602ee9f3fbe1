//! DescribeConfigs, AlterConfigs, IncrementalAlterConfigs: topic configs as Kafka
//! validates, stores and reports them (definitions in `broker::topic_config`).

use std::collections::BTreeMap;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::describe_configs_response::{
    DescribeConfigsResourceResult, DescribeConfigsResult, DescribeConfigsSynonym,
};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::StrBytes;

use super::{sb, Ctx};
use crate::dynamic_config::{self, Refusal, RESOURCE_BROKER, RESOURCE_GROUP};
use crate::topic_config::{self, SOURCE_DEFAULT, SOURCE_TOPIC, TOPIC_CONFIGS};

/// DescribeConfigs source: static broker config.
const SOURCE_STATIC_BROKER: i8 = 4;
/// Config resource type of a topic.
const RESOURCE_TOPIC: i8 = 2;
/// DescribeConfigs source: set on this broker at run time.
const SOURCE_DYNAMIC_BROKER: i8 = 2;
/// DescribeConfigs source: cluster-wide default set at run time.
const SOURCE_DYNAMIC_DEFAULT_BROKER: i8 = 3;
/// DescribeConfigs source: set on the group.
const SOURCE_GROUP: i8 = 8;

/// A topic config's value, where it came from, and its synonyms, as DescribeConfigs
/// reports them.
pub(crate) struct Described {
    pub value: String,
    pub source: i8,
    pub synonyms: Vec<(String, String, i8)>,
}

/// Every topic config of `set` (a topic's own configs) with Kafka's defaults for the rest.
pub(crate) fn describe_topic(
    ctx: &Ctx<'_>,
    set: &BTreeMap<String, String>,
) -> BTreeMap<&'static str, Described> {
    let cfg = &ctx.shared.config;
    TOPIC_CONFIGS
        .iter()
        .map(|d| {
            // Broker settings that stand in for a topic default: the in-memory log's cap
            // acts as retention.bytes, and --log-append-time as the timestamp type.
            let broker_value = match d.name {
                "retention.bytes" if cfg.partition_size_cap > 0 => {
                    Some(cfg.partition_size_cap.to_string())
                }
                "message.timestamp.type" if cfg.log_append_time => {
                    Some("LogAppendTime".to_string())
                }
                _ => None,
            };
            let mut synonyms = Vec::new();
            if let Some(syn) = d.synonym {
                if let Some(v) = &broker_value {
                    synonyms.push((syn.to_string(), v.clone(), SOURCE_STATIC_BROKER));
                }
                synonyms.push((syn.to_string(), d.default.to_string(), SOURCE_DEFAULT));
            }
            let (value, source) = match (set.get(d.name), broker_value) {
                (Some(v), _) => {
                    synonyms.insert(0, (d.name.to_string(), v.clone(), SOURCE_TOPIC));
                    (v.clone(), SOURCE_TOPIC)
                }
                (None, Some(v)) => (v, SOURCE_STATIC_BROKER),
                (None, None) => (d.default.to_string(), d.default_source),
            };
            (
                d.name,
                Described {
                    value,
                    source,
                    synonyms,
                },
            )
        })
        .collect()
}

/// Validates configs given by a client; `Err` is Kafka's INVALID_CONFIG message.
pub(crate) fn validated<'a>(
    configs: impl Iterator<Item = (&'a str, Option<&'a str>)>,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (name, value) in configs {
        if topic_config::lookup(name).is_none() {
            return Err(format!("Unknown topic config name: {name}"));
        }
        if let Some(value) = value {
            out.insert(name.to_string(), topic_config::validate(name, value)?);
        }
    }
    Ok(out)
}

/// DescribeConfigs for topics (type 2) and the broker (type 4).
pub(crate) fn describe_configs(
    ctx: &Ctx<'_>,
    req: DescribeConfigsRequest,
) -> DescribeConfigsResponse {
    let v = ctx.version;
    let with_synonyms = v >= 1 && req.include_synonyms;
    let results = req
        .resources
        .into_iter()
        .map(|res| {
            let mut out = DescribeConfigsResult::default()
                .with_resource_type(res.resource_type)
                .with_resource_name(res.resource_name.clone());
            let entries: Vec<(String, Described)> = match res.resource_type {
                RESOURCE_TOPIC => match ctx.shared.topics.get(res.resource_name.as_str()) {
                    None => {
                        out.error_code = ResponseError::UnknownTopicOrPartition.code();
                        out.error_message =
                            Some(sb("This server does not host this topic-partition."));
                        return out;
                    }
                    Some(topic) => {
                        let set = topic.configs.read().expect("configs lock").clone();
                        describe_topic(ctx, &set)
                            .into_iter()
                            .map(|(k, d)| (k.to_string(), d))
                            .collect()
                    }
                },
                RESOURCE_BROKER => broker_configs(ctx, res.resource_name.as_str()),
                RESOURCE_GROUP => group_configs(ctx, res.resource_name.as_str()),
                other => {
                    out.error_code = ResponseError::InvalidRequest.code();
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
                .filter(|(k, _)| keys.as_ref().is_none_or(|keys| keys.contains(k)))
                .map(|(k, d)| {
                    let mut e = DescribeConfigsResourceResult::default()
                        .with_name(sb(k))
                        .with_value(Some(sb(d.value)));
                    if v == 0 {
                        e.is_default = d.source == SOURCE_DEFAULT;
                    } else {
                        e.config_source = d.source;
                    }
                    if with_synonyms {
                        e.synonyms = d
                            .synonyms
                            .into_iter()
                            .map(|(n, val, s)| {
                                DescribeConfigsSynonym::default()
                                    .with_name(sb(n))
                                    .with_value(Some(sb(val)))
                                    .with_source(s)
                            })
                            .collect();
                    }
                    if v >= 3 {
                        e.config_type = config_type(&e.name);
                    }
                    e
                })
                .collect();
            out
        })
        .collect();
    DescribeConfigsResponse::default().with_results(results)
}

/// DescribeConfigs v3+ config type codes (Kafka's ConfigType): 1 BOOLEAN, 2 STRING,
/// 3 INT, 4 SHORT, 5 LONG, 6 DOUBLE, 7 LIST.
fn config_type(name: &str) -> i8 {
    topic_config::lookup(name).map_or(0, |d| d.type_code())
}

/// A group's configs: Kafka's defaults with what was set on the group. As on Kafka,
/// each lists the broker config that gives its default as a DEFAULT_CONFIG synonym.
fn group_configs(ctx: &Ctx<'_>, group: &str) -> Vec<(String, Described)> {
    let set = ctx.shared.dynamic_configs.get(RESOURCE_GROUP, group);
    dynamic_config::group_defaults()
        .map(|(name, default)| {
            let mut synonyms = Vec::new();
            if let Some(v) = set.get(name) {
                synonyms.push((
                    name.to_string(),
                    v.clone().unwrap_or_default(),
                    SOURCE_GROUP,
                ));
            }
            let broker_default = dynamic_config::group_broker_synonym(name);
            match &broker_default {
                Some(b) => synonyms.push((b.clone(), default.to_string(), SOURCE_DEFAULT)),
                None if synonyms.is_empty() => {
                    synonyms.push((name.to_string(), default.to_string(), SOURCE_DEFAULT))
                }
                None => {}
            }
            let (_, value, source) = synonyms[0].clone();
            if broker_default.is_none() && source == SOURCE_DEFAULT {
                // No broker config stands behind it: Kafka lists no synonym.
                synonyms.clear();
            }
            (
                name.to_string(),
                Described {
                    value,
                    source,
                    synonyms,
                },
            )
        })
        .collect()
}

/// The broker's settings: static ones, then what was set at run time as the
/// cluster-wide default (resource "") and on this broker, each with the layers beneath
/// it as synonyms (Kafka's order: this broker, the default, static, Kafka's default).
/// The cluster-wide default resource lists only its own layer, as Kafka does.
fn broker_configs(ctx: &Ctx<'_>, resource_name: &str) -> Vec<(String, Described)> {
    let dynamic = &ctx.shared.dynamic_configs;
    let cluster_default = dynamic.get(RESOURCE_BROKER, "");
    let this_broker = match resource_name {
        "" => Default::default(),
        name => dynamic.get(RESOURCE_BROKER, name),
    };
    let statics: BTreeMap<String, (String, i8)> = static_broker_configs(ctx)
        .into_iter()
        .map(|(k, v, s)| (k.to_string(), (v, s)))
        .collect();
    let names: std::collections::BTreeSet<&String> = statics
        .keys()
        .chain(cluster_default.keys())
        .chain(this_broker.keys())
        .collect();
    names
        .into_iter()
        .map(|k| {
            let mut synonyms = Vec::new();
            let mut layer = |v: Option<&Option<String>>, source: i8| {
                if let Some(v) = v {
                    synonyms.push((k.clone(), v.clone().unwrap_or_default(), source));
                }
            };
            layer(this_broker.get(k), SOURCE_DYNAMIC_BROKER);
            layer(cluster_default.get(k), SOURCE_DYNAMIC_DEFAULT_BROKER);
            if !resource_name.is_empty() || synonyms.is_empty() {
                if let Some((v, source)) = statics.get(k) {
                    synonyms.push((k.clone(), v.clone(), *source));
                }
                let default = dynamic_config::broker_default(k);
                if let Some(d) = default.filter(|_| synonyms.iter().all(|s| s.2 != SOURCE_DEFAULT))
                {
                    synonyms.push((k.clone(), d.to_string(), SOURCE_DEFAULT));
                }
            }
            let (_, value, source) = synonyms[0].clone();
            (
                k.clone(),
                Described {
                    value,
                    source,
                    synonyms,
                },
            )
        })
        .collect()
}

/// The broker's own settings from its command line: name, value, source.
fn static_broker_configs(ctx: &Ctx<'_>) -> Vec<(&'static str, String, i8)> {
    let cfg = &ctx.shared.config;
    let ms = |d: std::time::Duration| d.as_millis().to_string();
    vec![
        (
            "auto.create.topics.enable",
            cfg.auto_create_topics.to_string(),
            SOURCE_STATIC_BROKER,
        ),
        ("broker.id", "0".into(), SOURCE_STATIC_BROKER),
        // What librdkafka's re-authentication test reads to time itself.
        match cfg.reauth {
            Some(d) => ("connections.max.reauth.ms", ms(d), SOURCE_STATIC_BROKER),
            None => ("connections.max.reauth.ms", "0".into(), SOURCE_DEFAULT),
        },
        (
            "group.initial.rebalance.delay.ms",
            ms(cfg.initial_rebalance_delay),
            SOURCE_STATIC_BROKER,
        ),
        (
            "group.max.session.timeout.ms",
            ms(cfg.group_max_session_timeout),
            SOURCE_STATIC_BROKER,
        ),
        (
            "group.min.session.timeout.ms",
            ms(cfg.group_min_session_timeout),
            SOURCE_STATIC_BROKER,
        ),
        ("message.max.bytes", "1048588".into(), SOURCE_DEFAULT),
        (
            "num.partitions",
            cfg.default_partitions.to_string(),
            SOURCE_STATIC_BROKER,
        ),
        (
            "offsets.topic.num.partitions",
            cfg.offsets_topic_partitions.to_string(),
            SOURCE_STATIC_BROKER,
        ),
        (
            "socket.request.max.bytes",
            cfg.max_request_bytes.to_string(),
            SOURCE_STATIC_BROKER,
        ),
    ]
}

/// One resource's outcome in AlterConfigs / IncrementalAlterConfigs.
fn alter_outcome(code: i16, message: Option<String>) -> (i16, Option<StrBytes>) {
    (code, message.map(sb))
}

/// Applies new topic configs (`Err` = (code, message)); `replace` drops what is not named.
fn apply_topic_configs(
    ctx: &Ctx<'_>,
    name: &str,
    validate_only: bool,
    change: impl FnOnce(&mut BTreeMap<String, String>) -> Result<(), String>,
) -> (i16, Option<StrBytes>) {
    let Some(topic) = ctx.shared.topics.get(name) else {
        return alter_outcome(
            ResponseError::UnknownTopicOrPartition.code(),
            Some("This server does not host this topic-partition.".into()),
        );
    };
    let mut configs = topic.configs.write().expect("configs lock");
    let mut next = configs.clone();
    if let Err(msg) = change(&mut next) {
        return alter_outcome(ResponseError::InvalidConfig.code(), Some(msg));
    }
    if !validate_only {
        tracing::info!(topic = %name, ?next, "topic configs changed");
        *configs = next;
    }
    alter_outcome(0, None)
}

/// Applies a change to a broker's or group's run-time configs.
fn apply_dynamic(
    ctx: &Ctx<'_>,
    resource_type: i8,
    name: &str,
    validate_only: bool,
    change: impl FnOnce(&mut BTreeMap<String, Option<String>>) -> Result<(), Refusal>,
) -> (i16, Option<StrBytes>) {
    let store = &ctx.shared.dynamic_configs;
    let mut next = store.get(resource_type, name);
    if let Err((code, msg)) = change(&mut next) {
        return alter_outcome(code, Some(msg));
    }
    if !validate_only {
        tracing::info!(resource_type, name, ?next, "dynamic configs changed");
        store.set(resource_type, name, next);
    }
    alter_outcome(0, None)
}

/// The validator of a run-time config resource type.
fn dynamic_validator(resource_type: i8) -> DynamicCheck {
    if resource_type == RESOURCE_GROUP {
        dynamic_config::validate_group
    } else {
        dynamic_config::validate_broker
    }
}

/// A validator of run-time configs.
type DynamicCheck = fn(&str, Option<&str>) -> Result<(), Refusal>;

/// Changes one resource's configs: a topic's with `topic`, a broker's or group's with
/// `dynamic` (given the validator of its kind); anything else is refused. Alter and
/// IncrementalAlter differ only in these two edits.
fn alter_resource(
    ctx: &Ctx<'_>,
    resource_type: i8,
    name: &str,
    validate_only: bool,
    topic: impl FnOnce(&mut BTreeMap<String, String>) -> Result<(), String>,
    dynamic: impl FnOnce(&mut BTreeMap<String, Option<String>>, DynamicCheck) -> Result<(), Refusal>,
) -> (i16, Option<StrBytes>) {
    match resource_type {
        RESOURCE_TOPIC => apply_topic_configs(ctx, name, validate_only, topic),
        RESOURCE_BROKER | RESOURCE_GROUP => {
            let check = dynamic_validator(resource_type);
            apply_dynamic(ctx, resource_type, name, validate_only, |c| {
                dynamic(c, check)
            })
        }
        other => alter_outcome(
            ResponseError::InvalidRequest.code(),
            Some(format!("Unsupported resource type {other}")),
        ),
    }
}

/// AlterConfigs: replaces a topic's whole config set.
pub(crate) fn alter_configs(ctx: &Ctx<'_>, req: AlterConfigsRequest) -> AlterConfigsResponse {
    let responses = req
        .resources
        .into_iter()
        .map(|res| {
            let (code, message) = alter_resource(
                ctx,
                res.resource_type,
                res.resource_name.as_str(),
                req.validate_only,
                |c| {
                    *c = validated(
                        res.configs
                            .iter()
                            .map(|e| (e.name.as_str(), e.value.as_ref().map(|v| v.as_str()))),
                    )?;
                    Ok(())
                },
                |c, check| {
                    c.clear();
                    for e in &res.configs {
                        let value = e.value.as_ref().map(|v| v.to_string());
                        check(e.name.as_str(), value.as_deref())?;
                        c.insert(e.name.to_string(), value);
                    }
                    Ok(())
                },
            );
            alter_configs_response::AlterConfigsResourceResponse::default()
                .with_error_code(code)
                .with_error_message(message)
                .with_resource_type(res.resource_type)
                .with_resource_name(res.resource_name)
        })
        .collect();
    AlterConfigsResponse::default().with_responses(responses)
}

/// IncrementalAlterConfigs: SET (0), DELETE (1), APPEND (2), SUBTRACT (3) per config.
pub(crate) fn incremental_alter_configs(
    ctx: &Ctx<'_>,
    req: IncrementalAlterConfigsRequest,
) -> IncrementalAlterConfigsResponse {
    let responses = req
        .resources
        .into_iter()
        .map(|res| {
            let (code, message) = alter_resource(
                ctx,
                res.resource_type,
                res.resource_name.as_str(),
                req.validate_only,
                |c| res.configs.iter().try_for_each(|op| incremental_op(c, op)),
                |c, check| {
                    res.configs
                        .iter()
                        .try_for_each(|op| incremental_dynamic_op(c, op, check))
                },
            );
            incremental_alter_configs_response::AlterConfigsResourceResponse::default()
                .with_error_code(code)
                .with_error_message(message)
                .with_resource_type(res.resource_type)
                .with_resource_name(res.resource_name)
        })
        .collect();
    IncrementalAlterConfigsResponse::default().with_responses(responses)
}

fn incremental_op(
    configs: &mut BTreeMap<String, String>,
    op: &incremental_alter_configs_request::AlterableConfig,
) -> Result<(), String> {
    let name = op.name.as_str();
    let Some(d) = topic_config::lookup(name) else {
        return Err(format!("Unknown topic config name: {name}"));
    };
    let value = op.value.as_ref().map(|v| v.as_str().to_string());
    match op.config_operation {
        0 => {
            let v = value.ok_or_else(|| format!("Null value not supported for : {name}"))?;
            configs.insert(name.into(), topic_config::validate(name, &v)?);
        }
        1 => {
            configs.remove(name);
        }
        2 | 3 => {
            if !d.is_list() {
                return Err(format!(
                    "Config value append is not allowed for config key: {name}"
                ));
            }
            let current = configs.get(name).cloned().unwrap_or(d.default.to_string());
            let joined = list_op(&current, value.as_deref(), op.config_operation == 2);
            configs.insert(name.into(), topic_config::validate(name, &joined)?);
        }
        other => return Err(format!("Unknown config operation {other}")),
    }
    Ok(())
}

/// One IncrementalAlterConfigs operation on a broker's or group's run-time configs; list
/// operations start from Kafka's default of `log.cleanup.policy` ("delete").
fn incremental_dynamic_op(
    configs: &mut BTreeMap<String, Option<String>>,
    op: &incremental_alter_configs_request::AlterableConfig,
    check: DynamicCheck,
) -> Result<(), Refusal> {
    let name = op.name.as_str();
    let value = op.value.as_ref().map(|v| v.to_string());
    match op.config_operation {
        0 => {
            check(name, value.as_deref())?;
            configs.insert(name.into(), value);
        }
        1 => {
            check(name, None)?;
            configs.remove(name);
        }
        2 | 3 => {
            let default = if name == "log.cleanup.policy" {
                "delete"
            } else {
                ""
            };
            let current = configs
                .get(name)
                .cloned()
                .flatten()
                .unwrap_or_else(|| default.to_string());
            let joined = list_op(&current, value.as_deref(), op.config_operation == 2);
            check(name, Some(&joined))?;
            configs.insert(name.into(), Some(joined));
        }
        other => {
            return Err((
                ResponseError::InvalidRequest.code(),
                format!("Unknown config operation {other}"),
            ))
        }
    }
    Ok(())
}

/// APPEND (`append`) or SUBTRACT the comma-separated items of `value` to or from the list
/// `current`, keeping order and dropping duplicates, as Kafka does.
fn list_op(current: &str, value: Option<&str>, append: bool) -> String {
    let mut items: Vec<&str> = current
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    for item in value.unwrap_or_default().split(',').map(str::trim) {
        if item.is_empty() {
            continue;
        }
        if append {
            if !items.contains(&item) {
                items.push(item);
            }
        } else {
            items.retain(|i| *i != item);
        }
    }
    items.join(",")
}

/// DescribeClientQuotas: no quotas are ever set here, so every filter matches nothing
/// (Kafka answers an empty list, and `kafka-configs --entity-type users` prints nothing).
pub(crate) fn describe_client_quotas(
    _ctx: &Ctx<'_>,
    _req: DescribeClientQuotasRequest,
) -> DescribeClientQuotasResponse {
    DescribeClientQuotasResponse::default().with_entries(Some(Vec::new()))
}

/// ListConfigResources v0 (client-metrics resources): there are none, as on a fresh Kafka.
pub(crate) fn list_config_resources(
    _ctx: &Ctx<'_>,
    _req: ListClientMetricsResourcesRequest,
) -> ListClientMetricsResourcesResponse {
    ListClientMetricsResourcesResponse::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handlers::testing::{shared, with_ctx};
    use kafka_protocol::messages::describe_configs_request::DescribeConfigsResource;

    /// What `kafka-configs --describe` shows of one resource: name=value (source) and
    /// the synonyms as source:name=value.
    fn described(s: &crate::Shared, kind: i8, name: &str, key: &str) -> Vec<String> {
        let req = DescribeConfigsRequest::default()
            .with_include_synonyms(true)
            .with_resources(vec![DescribeConfigsResource::default()
                .with_resource_type(kind)
                .with_resource_name(sb(name))
                .with_configuration_keys(Some(vec![sb(key)]))]);
        let resp = with_ctx(s, 4, |ctx| describe_configs(ctx, req));
        let e = &resp.results[0].configs[0];
        let value = |v: &Option<StrBytes>| v.as_ref().map_or("", |v| v.as_str()).to_string();
        std::iter::once(format!(
            "{}={} ({})",
            e.name.as_str(),
            value(&e.value),
            e.config_source
        ))
        .chain(
            e.synonyms
                .iter()
                .map(|y| format!("{}:{}={}", y.source, y.name.as_str(), value(&y.value))),
        )
        .collect()
    }

    /// `--entity-default` values show as DYNAMIC_DEFAULT_BROKER_CONFIG (3) on the default
    /// resource, and under a broker's own value with Kafka's default beneath; a group's
    /// value has the broker config behind it as DEFAULT_CONFIG (5).
    #[test]
    fn dynamic_configs_are_described_with_their_layers() {
        let s = shared();
        let one = |k: &str, v: &str| BTreeMap::from([(k.to_string(), Some(v.to_string()))]);
        s.dynamic_configs
            .set(RESOURCE_BROKER, "", one("log.cleaner.threads", "2"));
        s.dynamic_configs
            .set(RESOURCE_BROKER, "0", one("log.cleaner.threads", "3"));
        s.dynamic_configs.set(
            RESOURCE_GROUP,
            "g",
            one("consumer.session.timeout.ms", "50000"),
        );
        assert_eq!(
            described(&s, RESOURCE_BROKER, "", "log.cleaner.threads"),
            ["log.cleaner.threads=2 (3)", "3:log.cleaner.threads=2"]
        );
        assert_eq!(
            described(&s, RESOURCE_BROKER, "0", "log.cleaner.threads"),
            [
                "log.cleaner.threads=3 (2)",
                "2:log.cleaner.threads=3",
                "3:log.cleaner.threads=2",
                "5:log.cleaner.threads=1"
            ]
        );
        assert_eq!(
            described(&s, RESOURCE_GROUP, "g", "consumer.session.timeout.ms"),
            [
                "consumer.session.timeout.ms=50000 (8)",
                "8:consumer.session.timeout.ms=50000",
                "5:group.consumer.session.timeout.ms=45000"
            ]
        );
    }

    #[test]
    fn list_ops_append_once_and_subtract() {
        assert_eq!(list_op("delete", Some("compact"), true), "delete,compact");
        assert_eq!(
            list_op("delete,compact", Some("compact"), true),
            "delete,compact"
        );
        assert_eq!(list_op("delete, compact", Some("delete"), false), "compact");
        assert_eq!(list_op("", Some("a,b"), true), "a,b");
    }
}
