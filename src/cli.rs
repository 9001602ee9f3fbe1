//! Command-line interface.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use broker::BrokerConfig;

/// A terminal dashboard for Apache Kafka, with a built-in broker.
#[derive(Debug, Parser)]
#[command(name = "kafka-dash", version, about)]
pub struct Cli {
    /// What to run; without one, the dashboard on the embedded broker.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Where logs go (never to the terminal the dashboard draws on).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Kafka cluster to use instead of the embedded broker (kcat's -b).
    #[arg(
        short = 'b',
        long = "bootstrap-servers",
        env = "KAFKA_DASH_BOOTSTRAP_SERVERS",
        value_name = "HOST:PORT,..."
    )]
    pub bootstrap: Option<String>,
    /// A librdkafka property, e.g. -X security.protocol=SASL_SSL (repeatable).
    #[arg(short = 'X', value_name = "KEY=VALUE", value_parser = crate::kafka::client::parse_property)]
    pub properties: Vec<(String, String)>,
    /// A Java client properties file (as Kafka's tools take): bootstrap.servers,
    /// security.protocol, sasl.jaas.config, ssl.truststore.*/ssl.keystore.* (PEM or
    /// PKCS12), ... Its settings come after the profile's, before -X.
    #[arg(long, value_name = "FILE")]
    pub client_config: Option<PathBuf>,
    /// A kcat -F config file (librdkafka properties, key=value). Read after
    /// --client-config, before -X.
    #[arg(long, value_name = "FILE")]
    pub kcat_config: Option<PathBuf>,
    /// A named profile from the config file.
    #[arg(long, env = "KAFKA_DASH_PROFILE")]
    pub profile: Option<String>,
    /// Config file (default: the user's config directory, kafka-dash/config.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The pane to start on (default: the one in use when the dashboard last quit; the
    /// watch screen the first time).
    #[arg(long, env = "KAFKA_DASH_PANE", value_enum)]
    pub pane: Option<crate::app::Pane>,
    /// On the embedded broker, do not run the background producer.
    #[arg(long)]
    pub no_producer: bool,
    /// Test hook: panic right after the first frame (to test terminal restore).
    #[arg(long, hide = true)]
    pub test_panic: bool,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run only the embedded broker, for other Kafka clients (kcat, sarama, Python, ...).
    Broker(BrokerArgs),
}

/// Flags of `kafka-dash broker`.
#[derive(Debug, Args)]
pub struct BrokerArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:9092")]
    pub listen: SocketAddr,
    /// Host name advertised to clients (default: the listen IP).
    #[arg(long)]
    pub advertised_host: Option<String>,
    /// Kafka's group.initial.rebalance.delay.ms (Kafka's default is 3000).
    #[arg(long, default_value_t = 0)]
    pub initial_rebalance_delay_ms: u64,
    /// Kafka's num.partitions: partitions of auto-created topics.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..=10_000))]
    pub default_partitions: i32,
    /// Bytes kept per partition before old batches are dropped (0 = keep everything).
    #[arg(long, default_value_t = 256 * 1024 * 1024)]
    pub partition_size_cap: usize,
    /// Turn off Kafka's auto.create.topics.enable.
    #[arg(long)]
    pub no_auto_create_topics: bool,
    /// Kafka's group.min.session.timeout.ms.
    #[arg(long, default_value_t = 6_000)]
    pub group_min_session_timeout_ms: u64,
    /// Stamp records with the broker's clock (log.message.timestamp.type=LogAppendTime).
    #[arg(long)]
    pub log_append_time: bool,
    /// Topics to create at start, as NAME:PARTITIONS (repeatable).
    #[arg(long = "topic", value_name = "NAME:PARTITIONS")]
    pub topics: Vec<String>,
}

impl BrokerArgs {
    /// The broker configuration these flags describe.
    pub fn config(&self) -> BrokerConfig {
        BrokerConfig {
            listen: self.listen,
            advertised_host: self.advertised_host.clone(),
            initial_rebalance_delay: Duration::from_millis(self.initial_rebalance_delay_ms),
            default_partitions: self.default_partitions,
            auto_create_topics: !self.no_auto_create_topics,
            partition_size_cap: self.partition_size_cap,
            group_min_session_timeout: Duration::from_millis(self.group_min_session_timeout_ms),
            log_append_time: self.log_append_time,
            ..BrokerConfig::default()
        }
    }
}

/// Parses `NAME:PARTITIONS` (partitions default to 1).
pub fn parse_topic_spec(spec: &str) -> Result<(String, i32), String> {
    let (name, parts) = match spec.rsplit_once(':') {
        Some((n, p)) => (
            n,
            p.parse::<i32>()
                .map_err(|_| format!("bad partition count in {spec:?}"))?,
        ),
        None => (spec, 1),
    };
    wire::validate_topic_name(name).map_err(|e| e.to_string())?;
    if parts < 1 {
        return Err(format!("{spec:?}: a topic needs at least 1 partition"));
    }
    Ok((name.to_string(), parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_specs() {
        assert_eq!(parse_topic_spec("sarama:2").unwrap(), ("sarama".into(), 2));
        assert_eq!(parse_topic_spec("strconv").unwrap(), ("strconv".into(), 1));
        assert!(parse_topic_spec("bad name:2").is_err());
        assert!(parse_topic_spec("t:0").is_err());
        assert!(parse_topic_spec("t:x").is_err());
    }
}
