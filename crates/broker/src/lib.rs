//! The embedded single-node Kafka broker: a wire-protocol server built on the
//! `kafka-protocol` crate, with in-memory partition logs and Kafka's classic group
//! coordinator. Unmodified clients (librdkafka, sarama, kafka-python, ...) use it as
//! they would Apache Kafka.

mod acl;
mod authorizer;
mod cluster;
mod config;
mod dynamic_config;
mod error_codes;
mod framing;
mod group;
mod handlers;
mod listener;
mod local;
mod log;
mod principal;
mod records;
mod sasl;
mod server;
mod tls;
mod topic_config;
mod users;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::AtomicI64;

pub use authorizer::AuthorizerConfig;
pub use cluster::{TopicError, CONSUMER_OFFSETS};
pub use config::BrokerConfig;
pub use group::classic::{GroupState, GroupSummary, MemberSummary};
pub use listener::{ListenerSpec, MechanismSpec, SecurityProtocol, MECHANISMS};
pub use local::{KeyValue, LocalPartition};
pub use server::Broker;
pub use tls::{ClientAuth, TlsConfig};
pub use users::{parse_users_file, User};

/// State shared by every connection of one broker.
#[derive(Debug)]
pub(crate) struct Shared {
    config: BrokerConfig,
    /// Host and port of the first listener (what `Broker::bootstrap` gives).
    advertised: (String, i32),
    topics: cluster::Topics,
    groups: group::classic::Coordinator,
    /// Consumer groups of the next generation (KIP-848).
    consumer_groups: group::consumer::Registry,
    /// ACLs, enforced by `authorizer` for each request's principal.
    acls: acl::Acls,
    /// Super users and allow.everyone.if.no.acl.found.
    authorizer: authorizer::Authorizer,
    /// PLAIN users.
    users: users::Users,
    /// SCRAM credentials: from `--user` and AlterUserScramCredentials.
    scram: handlers::ScramStore,
    /// Broker and group configs changed at run time.
    dynamic_configs: dynamic_config::DynamicConfigs,
    /// Bumped on every append so long-polling fetches wake up.
    appended: tokio::sync::watch::Sender<u64>,
    next_producer_id: AtomicI64,
    /// Requests received, by client id (what a benchmark checks a client's politeness by).
    requests: std::sync::Mutex<std::collections::HashMap<(String, i16), u64>>,
}

/// SCRAM-SHA-256 and -512 credentials for the users given at start.
fn scram_of(users: &[users::User]) -> BTreeMap<String, BTreeMap<i8, handlers::ScramCredential>> {
    use wire::scram::Mechanism;
    users
        .iter()
        .map(|u| {
            let creds = [Mechanism::Sha256, Mechanism::Sha512]
                .into_iter()
                .map(|m| (m.kafka_type(), sasl::credential_for(m, &u.password)))
                .collect();
            (u.name.clone(), creds)
        })
        .collect()
}

impl Shared {
    fn new(config: BrokerConfig, bound: SocketAddr) -> Self {
        let host = config.advertised_host_for(bound);
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
            authorizer: authorizer::Authorizer::new(&config.authorizer),
            users: users::Users::new(&config.users),
            dynamic_configs: dynamic_config::DynamicConfigs::default(),
            scram: std::sync::Mutex::new(scram_of(&config.users)),
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
