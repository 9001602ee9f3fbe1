//! The embedded single-node Kafka broker: a wire-protocol server built on the
//! `kafka-protocol` crate, with in-memory partition logs and Kafka's classic group
//! coordinator. Unmodified clients (librdkafka, sarama, kafka-python, ...) use it as
//! they would Apache Kafka.

mod acl;
mod cluster;
mod config;
mod dynamic_config;
mod error_codes;
mod framing;
mod group;
mod handlers;
mod log;
mod records;
mod server;
mod topic_config;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::AtomicI64;

pub use cluster::{TopicError, CONSUMER_OFFSETS};
pub use config::BrokerConfig;
pub use group::classic::{GroupState, GroupSummary, MemberSummary};
pub use server::Broker;

/// State shared by every connection of one broker.
#[derive(Debug)]
pub(crate) struct Shared {
    config: BrokerConfig,
    /// Host and port put in Metadata answers.
    advertised: (String, i32),
    topics: cluster::Topics,
    groups: group::classic::Coordinator,
    /// Consumer groups of the next generation (KIP-848).
    consumer_groups: group::consumer::Registry,
    /// ACLs, enforced as Kafka's StandardAuthorizer does with allow.everyone.if.no.acl.found.
    acls: acl::Acls,
    /// SCRAM credentials (stored and described only).
    scram: handlers::ScramStore,
    /// Broker and group configs changed at run time.
    dynamic_configs: dynamic_config::DynamicConfigs,
    /// Bumped on every append so long-polling fetches wake up.
    appended: tokio::sync::watch::Sender<u64>,
    next_producer_id: AtomicI64,
    /// Requests received, by client id (what a benchmark checks a client's politeness by).
    requests: std::sync::Mutex<std::collections::HashMap<(String, i16), u64>>,
}

impl Shared {
    fn new(config: BrokerConfig, bound: SocketAddr) -> Self {
        let host = config
            .advertised_host
            .clone()
            .unwrap_or_else(|| bound.ip().to_string());
        let groups = group::classic::Coordinator::new(group::classic::CoordinatorConfig {
            initial_rebalance_delay: config.initial_rebalance_delay,
            min_session_timeout: config.group_min_session_timeout,
            max_session_timeout: config.group_max_session_timeout,
        });
        Self {
            topics: cluster::Topics::new(config.partition_size_cap),
            advertised: (host, bound.port() as i32),
            groups,
            consumer_groups: group::consumer::Registry::default(),
            acls: acl::Acls::default(),
            dynamic_configs: dynamic_config::DynamicConfigs::default(),
            scram: Default::default(),
            appended: tokio::sync::watch::channel(0).0,
            next_producer_id: AtomicI64::new(1000),
            requests: Default::default(),
            config,
        }
    }

    /// Counts a request frame by the client id in its header (api key, version and
    /// correlation id come first, then the client id as a nullable string).
    fn count_request(&self, frame: &[u8]) {
        if frame.len() < 2 {
            return;
        }
        let client = frame
            .get(8..10)
            .map(|l| i16::from_be_bytes([l[0], l[1]]))
            .filter(|l| *l >= 0)
            .and_then(|l| frame.get(10..10 + l as usize))
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        *self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((client, i16::from_be_bytes([frame[0], frame[1]])))
            .or_default() += 1;
    }

    /// The topics a subscription can name or match: name → (id, partition count).
    /// Internal topics too: Kafka's coordinator matches regexes against every topic name.
    fn group_topics(&self) -> group::consumer::group::Topics {
        self.topics
            .all()
            .iter()
            .map(|t| (t.name.clone(), (t.id, t.partition_count())))
            .collect()
    }

    /// Creates a topic from inside the process (the dashboard's seed topics, tests).
    fn create_topic(&self, name: &str, partitions: i32) -> Result<(), TopicError> {
        self.topics
            .create(name, partitions, 1, BTreeMap::new())
            .map(|_| ())
    }
}
