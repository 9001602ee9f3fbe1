//! Configs changed while the broker runs: dynamic broker configs (stored, reported, not
//! acted on) and group configs (KIP-848), checked and reported as Kafka 4 does.

use std::collections::BTreeMap;
use std::sync::RwLock;

/// Config resource type of a broker (its id, or "" for the cluster-wide default).
pub const RESOURCE_BROKER: i8 = 4;
/// Config resource type of a group.
pub const RESOURCE_GROUP: i8 = 32;

/// Broker configs Kafka refuses to change dynamically, among those this broker reports.
const STATIC_BROKER_CONFIGS: &[&str] = &[
    "auto.create.topics.enable",
    "broker.id",
    "group.initial.rebalance.delay.ms",
    "group.max.session.timeout.ms",
    "group.min.session.timeout.ms",
    "node.id",
    "num.partitions",
    "offsets.topic.num.partitions",
    "socket.request.max.bytes",
];

/// Broker configs whose value must be an INT (checked as Kafka does).
const INT_BROKER_CONFIGS: &[&str] = &[
    "background.threads",
    "num.io.threads",
    "num.network.threads",
    "num.replica.fetchers",
    "message.max.bytes",
];

/// How a group config's value is checked.
#[derive(Debug, Clone, Copy)]
enum GroupKind {
    /// An INT within an inclusive range, with Kafka's own range message.
    Range(i32, i32),
    /// An INT at least this.
    AtLeast(i32),
    /// `true` or `false`.
    Bool,
    /// `earliest`, `latest` or `by_duration:...`.
    OffsetReset,
    /// Any string.
    Text,
}

/// Kafka 4.4's group configs and their defaults, sorted by name.
const GROUP_CONFIGS: &[(&str, GroupKind, &str)] = &[
    (
        "consumer.assignment.interval.ms",
        GroupKind::AtLeast(0),
        "1000",
    ),
    (
        "consumer.heartbeat.interval.ms",
        GroupKind::Range(5000, 15000),
        "5000",
    ),
    (
        "consumer.session.timeout.ms",
        GroupKind::Range(45000, 60000),
        "45000",
    ),
    (
        "errors.deadletterqueue.copy.record.enable",
        GroupKind::Bool,
        "false",
    ),
    ("errors.deadletterqueue.topic.name", GroupKind::Text, ""),
    (
        "share.assignment.interval.ms",
        GroupKind::AtLeast(0),
        "1000",
    ),
    ("share.auto.offset.reset", GroupKind::OffsetReset, "latest"),
    ("share.delivery.count.limit", GroupKind::AtLeast(0), "5"),
    ("share.heartbeat.interval.ms", GroupKind::AtLeast(0), "5000"),
    ("share.isolation.level", GroupKind::Text, "read_uncommitted"),
    (
        "share.partition.max.record.locks",
        GroupKind::AtLeast(0),
        "2000",
    ),
    (
        "share.record.lock.duration.ms",
        GroupKind::AtLeast(0),
        "30000",
    ),
    ("share.renew.acknowledge.enable", GroupKind::Bool, "true"),
    ("share.session.timeout.ms", GroupKind::AtLeast(0), "45000"),
    (
        "streams.assignment.interval.ms",
        GroupKind::AtLeast(0),
        "1000",
    ),
    ("streams.assignor.name", GroupKind::Text, "sticky"),
    (
        "streams.heartbeat.interval.ms",
        GroupKind::AtLeast(0),
        "5000",
    ),
    (
        "streams.initial.rebalance.delay.ms",
        GroupKind::AtLeast(0),
        "3000",
    ),
    ("streams.num.standby.replicas", GroupKind::AtLeast(0), "0"),
    ("streams.rack.aware.assignment.tags", GroupKind::Text, ""),
    ("streams.session.timeout.ms", GroupKind::AtLeast(0), "45000"),
];

/// Why a change was refused: INVALID_REQUEST (42) or INVALID_CONFIG (40), and a message.
pub type Refusal = (i16, String);

/// Checks a dynamic broker config (`None` value = delete).
pub fn validate_broker(name: &str, value: Option<&str>) -> Result<(), Refusal> {
    if STATIC_BROKER_CONFIGS.contains(&name) {
        return Err((
            42,
            format!("Cannot update these configs dynamically: [{name}]"),
        ));
    }
    if let Some(v) = value {
        if INT_BROKER_CONFIGS.contains(&name) && v.trim().parse::<i32>().is_err() {
            return Err((
                42,
                format!("Invalid value {v} for configuration {name}: Not a number of type INT"),
            ));
        }
    }
    Ok(())
}

/// Checks a group config (`None` value = delete).
pub fn validate_group(name: &str, value: Option<&str>) -> Result<(), Refusal> {
    let Some((_, kind, _)) = GROUP_CONFIGS.iter().find(|(n, _, _)| *n == name) else {
        return Err((40, format!("Unknown group config name: {name}")));
    };
    let Some(v) = value.map(str::trim) else {
        return Ok(());
    };
    let invalid = |why: &str| {
        Err((
            40,
            format!("Invalid value {v} for configuration {name}: {why}"),
        ))
    };
    match kind {
        GroupKind::Range(lo, hi) => match v.parse::<i32>() {
            Err(_) => invalid("Not a number of type INT"),
            Ok(n) if n < *lo || n > *hi => Err((
                40,
                format!("{name} must be in the range {lo} to {hi} inclusive."),
            )),
            Ok(_) => Ok(()),
        },
        GroupKind::AtLeast(lo) => match v.parse::<i32>() {
            Err(_) => invalid("Not a number of type INT"),
            Ok(n) if n < *lo => invalid(&format!("Value must be at least {lo}")),
            Ok(_) => Ok(()),
        },
        GroupKind::Bool => {
            if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
                Ok(())
            } else {
                invalid("Expected value to be either true or false")
            }
        }
        GroupKind::OffsetReset => {
            if v == "earliest" || v == "latest" || v.starts_with("by_duration:") {
                Ok(())
            } else {
                invalid(&format!("Invalid value `{v}` for configuration {name}. The value must be either 'earliest', 'latest' or of the format 'by_duration:<PnDTnHnMn.nS>'."))
            }
        }
        GroupKind::Text => Ok(()),
    }
}

/// Every group config with its default.
pub fn group_defaults() -> impl Iterator<Item = (&'static str, &'static str)> {
    GROUP_CONFIGS.iter().map(|(n, _, d)| (*n, *d))
}

/// Kafka 4.4's defaults of broker configs one may change at run time (listed as the
/// DEFAULT_CONFIG synonym under a dynamic value), sorted by name.
const BROKER_DEFAULTS: &[(&str, &str)] = &[
    ("background.threads", "10"),
    ("compression.type", "producer"),
    ("log.cleaner.backoff.ms", "15000"),
    ("log.cleaner.dedupe.buffer.size", "134217728"),
    ("log.cleaner.io.buffer.size", "524288"),
    ("log.cleaner.threads", "1"),
    ("log.cleanup.policy", "delete"),
    ("log.retention.bytes", "-1"),
    ("log.segment.bytes", "1073741824"),
    ("max.connections", "2147483647"),
    ("max.connections.per.ip", "2147483647"),
    ("message.max.bytes", "1048588"),
    ("min.insync.replicas", "1"),
    ("num.io.threads", "8"),
    ("num.network.threads", "3"),
    ("num.recovery.threads.per.data.dir", "2"),
    ("num.replica.fetchers", "1"),
    ("unclean.leader.election.enable", "false"),
];

/// Kafka's default of a broker config, when it is one this broker knows.
pub fn broker_default(name: &str) -> Option<&'static str> {
    BROKER_DEFAULTS
        .binary_search_by_key(&name, |(n, _)| n)
        .ok()
        .map(|i| BROKER_DEFAULTS[i].1)
}

/// The broker config that gives a group config its default (Kafka names it
/// `group.` + the group config's name), for the groups of the three protocols.
pub fn group_broker_synonym(name: &str) -> Option<String> {
    let own_only = ["share.auto.offset.reset", "share.isolation.level"];
    let prefixed = ["consumer.", "share.", "streams."]
        .iter()
        .any(|p| name.starts_with(p));
    (prefixed && !own_only.contains(&name)).then(|| format!("group.{name}"))
}

/// One resource's configs; a `None` value was set without one.
pub type ConfigSet = BTreeMap<String, Option<String>>;

/// Dynamic configs by resource (type, name).
#[derive(Debug, Default)]
pub struct DynamicConfigs {
    by_resource: RwLock<BTreeMap<(i8, String), ConfigSet>>,
}

impl DynamicConfigs {
    /// The configs set on one resource (a `None` value was set without one).
    pub fn get(&self, resource_type: i8, name: &str) -> ConfigSet {
        self.by_resource
            .read()
            .expect("configs lock")
            .get(&(resource_type, name.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    /// Replaces one resource's configs.
    pub fn set(&self, resource_type: i8, name: &str, configs: ConfigSet) {
        self.by_resource
            .write()
            .expect("configs lock")
            .insert((resource_type, name.to_string()), configs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_configs_are_checked_with_kafkas_words() {
        assert_eq!(
            validate_group("consumer.session.timeout.ms", Some("1"))
                .unwrap_err()
                .1,
            "consumer.session.timeout.ms must be in the range 45000 to 60000 inclusive."
        );
        assert_eq!(
            validate_group("bogus", Some("1")).unwrap_err().1,
            "Unknown group config name: bogus"
        );
        assert!(validate_group("consumer.session.timeout.ms", Some("50000")).is_ok());
        assert!(validate_group("share.auto.offset.reset", Some("by_duration:PT1H")).is_ok());
    }

    #[test]
    fn broker_defaults_are_found_by_name() {
        assert!(
            BROKER_DEFAULTS.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted"
        );
        assert_eq!(broker_default("log.cleaner.threads"), Some("1"));
        assert_eq!(broker_default("no.such.config"), None);
        assert_eq!(
            group_broker_synonym("consumer.session.timeout.ms").as_deref(),
            Some("group.consumer.session.timeout.ms")
        );
        assert_eq!(
            group_broker_synonym("errors.deadletterqueue.topic.name"),
            None
        );
    }

    #[test]
    fn static_broker_configs_cannot_change() {
        assert_eq!(
            validate_broker("num.partitions", Some("3")).unwrap_err().0,
            42
        );
        assert!(validate_broker("background.threads", Some("9")).is_ok());
        assert!(validate_broker("background.threads", Some("x")).is_err());
        assert!(validate_broker("some.custom.thing", Some("x")).is_ok());
    }
}
