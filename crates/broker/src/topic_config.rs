//! Kafka 4's topic configs: names, types, validators, defaults and broker-level synonyms,
//! so that CreateTopics, AlterConfigs and DescribeConfigs answer as Kafka does.
//! The table mirrors what Apache Kafka 4.4 reports for a new topic (see the differential
//! suite, `tests/differential`).

/// How a config's value is checked (Kafka's `ConfigDef` type and validator).
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A 64-bit integer at least `min`.
    Long { min: i64 },
    /// A 32-bit integer within `min..=max`.
    Int { min: i32, max: i32 },
    /// Like `Int`, but -1 (the codec's default level) is allowed too.
    IntOrMinusOne { min: i32, max: i32 },
    /// A float within `min..=max`.
    Double { min: f64, max: f64 },
    /// `true` or `false`, any case.
    Bool,
    /// One of the given strings, exactly.
    OneOf(&'static [&'static str]),
    /// A comma-separated list, each item one of the given strings.
    ListOf(&'static [&'static str]),
    /// `*` or a list of `partition:broker` pairs.
    ThrottledReplicas,
}

/// Where a config's value came from (DescribeConfigs `config_source`).
pub(crate) const SOURCE_TOPIC: i8 = 1;
/// A cluster-wide dynamic default (Kafka 4 sets `min.insync.replicas` this way).
pub(crate) const SOURCE_DYNAMIC_DEFAULT_BROKER: i8 = 3;
/// Kafka's built-in default.
pub(crate) const SOURCE_DEFAULT: i8 = 5;

/// One topic config as Kafka defines it.
#[derive(Debug)]
pub(crate) struct TopicConfigDef {
    /// The topic-level name.
    pub name: &'static str,
    kind: Kind,
    /// Kafka's default, as DescribeConfigs prints it.
    pub default: &'static str,
    /// Where the default comes from.
    pub default_source: i8,
    /// The broker-level config that supplies the default, if any.
    pub synonym: Option<&'static str>,
}

const fn def(
    name: &'static str,
    kind: Kind,
    default: &'static str,
    synonym: Option<&'static str>,
) -> TopicConfigDef {
    TopicConfigDef {
        name,
        kind,
        default,
        default_source: SOURCE_DEFAULT,
        synonym,
    }
}

const L_MAX: &str = "9223372036854775807";
const THROTTLED: Kind = Kind::ThrottledReplicas;
const BOOL: Kind = Kind::Bool;
const fn long(min: i64) -> Kind {
    Kind::Long { min }
}
const fn int(min: i32) -> Kind {
    Kind::Int { min, max: i32::MAX }
}

/// Every topic config Kafka 4.4 accepts, sorted by name.
pub(crate) const TOPIC_CONFIGS: &[TopicConfigDef] = &[
    def(
        "cleanup.policy",
        Kind::ListOf(&["compact", "delete"]),
        "delete",
        Some("log.cleanup.policy"),
    ),
    def(
        "compression.gzip.level",
        Kind::IntOrMinusOne { min: 1, max: 9 },
        "-1",
        Some("compression.gzip.level"),
    ),
    def(
        "compression.lz4.level",
        Kind::Int { min: 1, max: 17 },
        "9",
        Some("compression.lz4.level"),
    ),
    def(
        "compression.type",
        Kind::OneOf(&["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]),
        "producer",
        Some("compression.type"),
    ),
    def(
        "compression.zstd.level",
        Kind::Int {
            min: -131_072,
            max: 22,
        },
        "3",
        Some("compression.zstd.level"),
    ),
    def(
        "delete.retention.ms",
        long(0),
        "86400000",
        Some("log.cleaner.delete.retention.ms"),
    ),
    def("errors.deadletterqueue.group.enable", BOOL, "false", None),
    def(
        "file.delete.delay.ms",
        long(0),
        "60000",
        Some("log.segment.delete.delay.ms"),
    ),
    def(
        "flush.messages",
        long(1),
        L_MAX,
        Some("log.flush.interval.messages"),
    ),
    def("flush.ms", long(0), L_MAX, None),
    def(
        "follower.replication.throttled.replicas",
        THROTTLED,
        "",
        None,
    ),
    def(
        "index.interval.bytes",
        int(0),
        "4096",
        Some("log.index.interval.bytes"),
    ),
    def("leader.replication.throttled.replicas", THROTTLED, "", None),
    def(
        "local.retention.bytes",
        long(-2),
        "-2",
        Some("log.local.retention.bytes"),
    ),
    def(
        "local.retention.ms",
        long(-2),
        "-2",
        Some("log.local.retention.ms"),
    ),
    def(
        "max.compaction.lag.ms",
        long(1),
        L_MAX,
        Some("log.cleaner.max.compaction.lag.ms"),
    ),
    def(
        "max.decompressed.message.bytes",
        int(1),
        "2147483639",
        Some("max.decompressed.message.bytes"),
    ),
    def(
        "max.message.bytes",
        int(0),
        "1048588",
        Some("message.max.bytes"),
    ),
    def(
        "message.timestamp.after.max.ms",
        long(0),
        "3600000",
        Some("log.message.timestamp.after.max.ms"),
    ),
    def(
        "message.timestamp.before.max.ms",
        long(0),
        L_MAX,
        Some("log.message.timestamp.before.max.ms"),
    ),
    def(
        "message.timestamp.type",
        Kind::OneOf(&["CreateTime", "LogAppendTime"]),
        "CreateTime",
        Some("log.message.timestamp.type"),
    ),
    def(
        "min.cleanable.dirty.ratio",
        Kind::Double { min: 0.0, max: 1.0 },
        "0.5",
        Some("log.cleaner.min.cleanable.ratio"),
    ),
    def(
        "min.compaction.lag.ms",
        long(0),
        "0",
        Some("log.cleaner.min.compaction.lag.ms"),
    ),
    TopicConfigDef {
        // Kafka 4 writes a cluster-wide min.insync.replicas when a cluster is formatted
        // (KIP-966), so a new topic reports it as a dynamic default.
        name: "min.insync.replicas",
        kind: int(1),
        default: "1",
        default_source: SOURCE_DYNAMIC_DEFAULT_BROKER,
        synonym: Some("min.insync.replicas"),
    },
    def("preallocate", BOOL, "false", Some("log.preallocate")),
    def(
        "remote.copy.lag.bytes",
        long(-1),
        "-1",
        Some("log.remote.copy.lag.bytes"),
    ),
    def(
        "remote.copy.lag.ms",
        long(-1),
        "0",
        Some("log.remote.copy.lag.ms"),
    ),
    def("remote.log.copy.disable", BOOL, "false", None),
    def("remote.log.delete.on.disable", BOOL, "false", None),
    def("remote.storage.enable", BOOL, "false", None),
    def(
        "retention.bytes",
        long(-1),
        "-1",
        Some("log.retention.bytes"),
    ),
    def("retention.ms", long(-1), "604800000", None),
    def(
        "segment.bytes",
        int(1_048_576),
        "1073741824",
        Some("log.segment.bytes"),
    ),
    def(
        "segment.index.bytes",
        int(4),
        "10485760",
        Some("log.index.size.max.bytes"),
    ),
    def("segment.jitter.ms", long(0), "0", None),
    def("segment.ms", long(1), "604800000", None),
    def(
        "unclean.leader.election.enable",
        BOOL,
        "false",
        Some("unclean.leader.election.enable"),
    ),
];

impl TopicConfigDef {
    /// True for list-valued configs (the ones APPEND and SUBTRACT work on).
    pub fn is_list(&self) -> bool {
        matches!(self.kind, Kind::ListOf(_) | Kind::ThrottledReplicas)
    }

    /// Kafka's ConfigType code, as DescribeConfigs v3+ reports it.
    pub fn type_code(&self) -> i8 {
        match self.kind {
            Kind::Bool => 1,
            Kind::OneOf(_) => 2,
            Kind::Int { .. } | Kind::IntOrMinusOne { .. } => 3,
            Kind::Long { .. } => 5,
            Kind::Double { .. } => 6,
            Kind::ListOf(_) | Kind::ThrottledReplicas => 7,
        }
    }
}

/// The definition of a topic config, if Kafka has one by that name.
pub(crate) fn lookup(name: &str) -> Option<&'static TopicConfigDef> {
    TOPIC_CONFIGS.iter().find(|d| d.name == name)
}

/// Checks a value as Kafka does; `Err` holds Kafka's INVALID_CONFIG message. Returns
/// the value as Kafka stores it (trimmed).
pub(crate) fn validate(name: &str, value: &str) -> Result<String, String> {
    let Some(d) = lookup(name) else {
        return Err(format!("Unknown topic config name: {name}"));
    };
    let v = value.trim();
    let invalid = |shown: &str, why: String| {
        Err(format!(
            "Invalid value {shown} for configuration {name}: {why}"
        ))
    };
    match d.kind {
        Kind::Long { min } => match v.parse::<i64>() {
            Err(_) => return invalid(v, "Not a number of type LONG".into()),
            Ok(n) if n < min => return invalid(v, format!("Value must be at least {min}")),
            Ok(_) => {}
        },
        Kind::Int { min, max } => match v.parse::<i32>() {
            Err(_) => return invalid(v, "Not a number of type INT".into()),
            Ok(n) if n < min => return invalid(v, format!("Value must be at least {min}")),
            Ok(n) if n > max => return invalid(v, format!("Value must be no more than {max}")),
            Ok(_) => {}
        },
        Kind::IntOrMinusOne { min, max } => match v.parse::<i32>() {
            Err(_) => return invalid(v, "Not a number of type INT".into()),
            Ok(n) if n != -1 && !(min..=max).contains(&n) => {
                return invalid(
                    v,
                    format!("Value must be between {min} and {max} or equal to -1"),
                )
            }
            Ok(_) => {}
        },
        Kind::Double { min, max } => match v.parse::<f64>() {
            Err(_) => return invalid(v, "Not a number of type DOUBLE".into()),
            Ok(n) => {
                // Java prints a parsed double with at least one decimal ("2.0").
                let shown = if n.fract() == 0.0 && n.is_finite() {
                    format!("{n:.1}")
                } else {
                    n.to_string()
                };
                if n < min {
                    return invalid(&shown, format!("Value must be at least {min}"));
                }
                if n > max {
                    return invalid(&shown, format!("Value must be no more than {max}"));
                }
            }
        },
        Kind::Bool => {
            if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                return invalid(v, "Expected value to be either true or false".into());
            }
        }
        Kind::OneOf(allowed) => {
            if !allowed.contains(&v) {
                return invalid(v, format!("String must be one of: {}", allowed.join(", ")));
            }
        }
        Kind::ListOf(allowed) => {
            for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if !allowed.contains(&item) {
                    return invalid(
                        item,
                        format!("String must be one of: {}", allowed.join(", ")),
                    );
                }
            }
        }
        Kind::ThrottledReplicas => {
            let ok = v == "*"
                || v.split(',').map(str::trim).all(|pair| {
                    pair.is_empty()
                        || pair.split_once(':').is_some_and(|(p, b)| {
                            p.trim().parse::<u32>().is_ok() && b.trim().parse::<u32>().is_ok()
                        })
                });
            if !ok {
                return invalid(
                    &format!("[{v}]"),
                    format!(
                        "{name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."
                    ),
                );
            }
        }
    }
    if name == "remote.storage.enable" && v.eq_ignore_ascii_case("true") {
        return Err("Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.".into());
    }
    Ok(v.to_string())
}

/// True when a `cleanup.policy` value includes compaction.
pub(crate) fn is_compacted(policy: Option<&str>) -> bool {
    policy.is_some_and(|p| p.split(',').any(|s| s.trim() == "compact"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_kafka_refuses_with_its_words() {
        let cases = [
            (
                "retention.ms",
                "abc",
                "Invalid value abc for configuration retention.ms: Not a number of type LONG",
            ),
            (
                "cleanup.policy",
                "compact,bogus",
                "Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete",
            ),
            (
                "max.message.bytes",
                "-1",
                "Invalid value -1 for configuration max.message.bytes: Value must be at least 0",
            ),
            (
                "max.message.bytes",
                "2147483648",
                "Invalid value 2147483648 for configuration max.message.bytes: Not a number of type INT",
            ),
            (
                "min.cleanable.dirty.ratio",
                "2",
                "Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1",
            ),
            (
                "compression.gzip.level",
                "20",
                "Invalid value 20 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1",
            ),
            ("no.such", "1", "Unknown topic config name: no.such"),
        ];
        for (name, value, want) in cases {
            assert_eq!(validate(name, value).unwrap_err(), want, "{name}={value}");
        }
    }

    #[test]
    fn accepts_what_kafka_accepts() {
        for (name, value) in [
            ("retention.ms", " 100"),
            ("cleanup.policy", "delete, compact"),
            ("cleanup.policy", ""),
            ("preallocate", "TRUE"),
            ("leader.replication.throttled.replicas", "0:1,1:1"),
            ("leader.replication.throttled.replicas", "*"),
            ("remote.copy.lag.ms", "-1"),
        ] {
            assert!(validate(name, value).is_ok(), "{name}={value}");
        }
        assert!(is_compacted(Some("delete, compact")));
        assert!(!is_compacted(Some("delete")));
    }

    #[test]
    fn every_default_passes_its_own_validator() {
        for d in TOPIC_CONFIGS {
            assert!(validate(d.name, d.default).is_ok(), "{}", d.name);
        }
        let names: Vec<_> = TOPIC_CONFIGS.iter().map(|d| d.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
