//! Settings of the embedded broker, with Kafka's defaults where Kafka has one.

use std::net::SocketAddr;
use std::time::Duration;

/// How the embedded broker listens, advertises itself and behaves.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
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
