//! Settings of the embedded broker, with Kafka's defaults where Kafka has one.

use std::net::SocketAddr;
use std::time::Duration;

use crate::authorizer::AuthorizerConfig;
use crate::listener::{ListenerSpec, MechanismSpec, SecurityProtocol};
use crate::tls::TlsConfig;
use crate::users::User;

/// How the embedded broker listens, advertises itself and behaves.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// Address of the PLAINTEXT listener when `listeners` is empty; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Listeners with their security protocols; empty means `PLAINTEXT://listen`.
    pub listeners: Vec<ListenerSpec>,
    /// Certificates for SSL and SASL_SSL listeners.
    pub tls: TlsConfig,
    /// SASL users (PLAIN, and SCRAM-SHA-256/512 credentials made from the password).
    pub users: Vec<User>,
    /// Mechanisms per SASL protocol; a protocol not named offers all of `sasl::MECHANISMS`.
    pub sasl_mechanisms: Vec<MechanismSpec>,
    /// Kafka's `connections.max.reauth.ms` (KIP-368); `None` never ends a session.
    pub reauth: Option<Duration>,
    /// Super users and what a resource without ACLs allows.
    pub authorizer: AuthorizerConfig,
    /// Host put in Metadata/FindCoordinator answers; `None` uses the bound IP.
    pub advertised_host: Option<String>,
    /// Kafka's `group.initial.rebalance.delay.ms` (Kafka: 3 s; here 0 so demos react at once).
    pub initial_rebalance_delay: Duration,
    /// Kafka's `num.partitions`, used for auto-created topics.
    pub default_partitions: i32,
    /// Kafka's `auto.create.topics.enable`.
    pub auto_create_topics: bool,
    /// Bytes kept per partition before the log start offset advances (0 = unbounded).
    pub partition_size_cap: usize,
    /// Kafka's `socket.request.max.bytes`: larger frames close the connection.
    pub max_request_bytes: usize,
    /// Kafka's `group.min.session.timeout.ms`.
    pub group_min_session_timeout: Duration,
    /// Kafka's `group.max.session.timeout.ms`.
    pub group_max_session_timeout: Duration,
    /// Kafka's `offsets.topic.num.partitions` (partitions of `__consumer_offsets`).
    pub offsets_topic_partitions: i32,
    /// Kafka's `log.message.timestamp.type` is LogAppendTime when true.
    pub log_append_time: bool,
    /// Cluster id reported in Metadata and DescribeCluster.
    pub cluster_id: String,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:0".parse().expect("static address"),
            listeners: Vec::new(),
            tls: TlsConfig::default(),
            users: Vec::new(),
            sasl_mechanisms: Vec::new(),
            reauth: None,
            authorizer: AuthorizerConfig::default(),
            advertised_host: None,
            initial_rebalance_delay: Duration::ZERO,
            default_partitions: 1,
            auto_create_topics: true,
            partition_size_cap: 256 * 1024 * 1024,
            max_request_bytes: 100 * 1024 * 1024,
            group_min_session_timeout: Duration::from_millis(6_000),
            group_max_session_timeout: Duration::from_millis(1_800_000),
            offsets_topic_partitions: 50,
            log_append_time: false,
            cluster_id: "kafka-dash-embedded".to_string(),
        }
    }
}

impl BrokerConfig {
    /// The listeners to bind: `listeners`, or the one PLAINTEXT listener on `listen`.
    pub fn effective_listeners(&self) -> Vec<ListenerSpec> {
        if self.listeners.is_empty() {
            vec![ListenerSpec::plaintext(self.listen)]
        } else {
            self.listeners.clone()
        }
    }
}

impl BrokerConfig {
    /// The host clients are told to use for a listener bound to `bound`.
    pub(crate) fn advertised_host_for(&self, bound: SocketAddr) -> String {
        self.advertised_host
            .clone()
            .unwrap_or_else(|| bound.ip().to_string())
    }
}

impl BrokerConfig {
    /// The SASL mechanisms listeners of `protocol` offer.
    pub(crate) fn mechanisms_for(&self, protocol: SecurityProtocol) -> Vec<&'static str> {
        self.sasl_mechanisms
            .iter()
            .rev()
            .find(|m| m.protocol == protocol)
            .map_or_else(
                || crate::listener::MECHANISMS.to_vec(),
                |m| m.mechanisms.clone(),
            )
    }
}
