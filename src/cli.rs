//! Command-line interface.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use broker::{
    AuthorizerConfig, BrokerConfig, ClientAuth, ListenerSpec, MechanismSpec, TlsConfig, User,
};

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
    /// A Confluent-compatible schema registry to decode framed keys and values with
    /// (http[s]://[user:password@]host:port; the embedded broker serves its own).
    #[arg(long, env = "KAFKA_DASH_SCHEMA_REGISTRY", value_name = "URL")]
    pub schema_registry: Option<String>,
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
    /// A PLAINTEXT listener's address (port 0 picks a free one); the default when no
    /// --listener is given.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// A listener as Kafka writes it, e.g. SASL_SSL://127.0.0.1:9093 (repeatable;
    /// PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL).
    #[arg(long = "listener", value_name = "PROTOCOL://IP:PORT")]
    pub listeners: Vec<ListenerSpec>,
    /// Server certificate chain (PEM) for TLS listeners; without it one is generated.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The server certificate's private key (PEM, unencrypted).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Where a generated CA certificate is written, for clients to trust.
    #[arg(long, value_name = "FILE", conflicts_with = "tls_cert")]
    pub tls_ca_out: Option<PathBuf>,
    /// CA certificates (PEM) client certificates must chain to (SSL listeners).
    #[arg(long, value_name = "FILE")]
    pub tls_client_ca: Option<PathBuf>,
    /// Kafka's ssl.client.auth on SSL listeners: required, requested or none.
    #[arg(long, value_name = "MODE", default_value = "none")]
    pub tls_client_auth: ClientAuth,
    /// A SASL user as NAME:PASSWORD, for PLAIN and SCRAM-SHA-256/512 (repeatable).
    #[arg(long = "user", value_name = "NAME:PASSWORD")]
    pub users: Vec<User>,
    /// The SASL mechanisms of one listener protocol, e.g.
    /// SASL_SSL=SCRAM-SHA-512,SCRAM-SHA-256 (Kafka's listener.name.*.sasl.enabled.mechanisms;
    /// default: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; repeatable).
    #[arg(long = "sasl-mechanisms", value_name = "PROTOCOL=MECHANISMS")]
    pub sasl_mechanisms: Vec<MechanismSpec>,
    /// A file of SASL users, one NAME:PASSWORD a line (# starts a comment).
    #[arg(long, value_name = "FILE")]
    pub users_file: Option<PathBuf>,
    /// Kafka's connections.max.reauth.ms: SASL sessions last this long, then clients
    /// re-authenticate (KIP-368); 0 never ends them.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub reauth_ms: u64,
    /// Deny what no ACL allows (Kafka's allow.everyone.if.no.acl.found=false); without
    /// it a resource without ACLs is open to everyone.
    #[arg(long)]
    pub authorizer: bool,
    /// A super user, allowed everything: NAME or User:NAME (repeatable).
    #[arg(long = "super-user", value_name = "NAME")]
    pub super_users: Vec<String>,
    /// Host name advertised to clients (default: each listener's IP).
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
    /// Also serve a Confluent-compatible schema registry on ADDR (e.g. 127.0.0.1:8081),
    /// its schemas kept in the broker's _schemas topic.
    #[arg(long, value_name = "ADDR")]
    pub schema_registry: Option<SocketAddr>,
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

/// The PLAINTEXT address `kafka-dash broker` listens on without --listen or --listener.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9092";

impl BrokerArgs {
    /// The broker configuration these flags describe; `Err` says which flag or file is
    /// wrong (never with a password in it).
    pub fn config(&self) -> Result<BrokerConfig, String> {
        let mut users = self.users.clone();
        if let Some(path) = &self.users_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--users-file {}: {e}", path.display()))?;
            let from_file = broker::parse_users_file(&text)
                .map_err(|e| format!("--users-file {}: {e}", path.display()))?;
            users.extend(from_file);
        }
        let listeners = self.listeners();
        Ok(BrokerConfig {
            listen: listeners[0].addr,
            listeners,
            tls: TlsConfig {
                cert: self.tls_cert.clone(),
                key: self.tls_key.clone(),
                ca_out: self.tls_ca_out.clone(),
                client_ca: self.tls_client_ca.clone(),
                client_auth: self.tls_client_auth,
            },
            users,
            sasl_mechanisms: self.sasl_mechanisms.clone(),
            reauth: (self.reauth_ms > 0).then(|| Duration::from_millis(self.reauth_ms)),
            authorizer: AuthorizerConfig {
                deny_without_acl: self.authorizer,
                super_users: self.super_users.iter().map(|u| principal(u)).collect(),
            },
            advertised_host: self.advertised_host.clone(),
            initial_rebalance_delay: Duration::from_millis(self.initial_rebalance_delay_ms),
            default_partitions: self.default_partitions,
            auto_create_topics: !self.no_auto_create_topics,
            partition_size_cap: self.partition_size_cap,
            group_min_session_timeout: Duration::from_millis(self.group_min_session_timeout_ms),
            log_append_time: self.log_append_time,
            ..BrokerConfig::default()
        })
    }

    /// `--listen` (as PLAINTEXT) first, then each `--listener`; the default PLAINTEXT
    /// listener when neither is given.
    fn listeners(&self) -> Vec<ListenerSpec> {
        let default = || DEFAULT_LISTEN.parse().expect("static address");
        let listen = match (self.listen, self.listeners.is_empty()) {
            (Some(addr), _) => Some(addr),
            (None, true) => Some(default()),
            (None, false) => None,
        };
        listen
            .map(ListenerSpec::plaintext)
            .into_iter()
            .chain(self.listeners.iter().copied())
            .collect()
    }
}

/// `User:NAME` for a bare `NAME`; a typed principal stays as it is.
fn principal(name: &str) -> String {
    if name.contains(':') {
        name.to_string()
    } else {
        format!("User:{name}")
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

    fn broker_args(args: &[&str]) -> Result<BrokerArgs, clap::Error> {
        let cli = Cli::try_parse_from(["kafka-dash", "broker"].iter().chain(args))?;
        match cli.command {
            Some(Command::Broker(b)) => Ok(b),
            other => panic!("not the broker command: {other:?}"),
        }
    }

    #[test]
    fn listeners_default_to_one_plaintext_and_keep_listen_first() {
        let listeners = |args: &[&str]| {
            let config = broker_args(args).unwrap().config().unwrap();
            config
                .listeners
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(listeners(&[]), ["PLAINTEXT://127.0.0.1:9092"]);
        assert_eq!(
            listeners(&["--listen", "127.0.0.1:0"]),
            ["PLAINTEXT://127.0.0.1:0"]
        );
        assert_eq!(
            listeners(&[
                "--listener",
                "SASL_SSL://127.0.0.1:9093",
                "--listener",
                "ssl://127.0.0.1:0"
            ]),
            ["SASL_SSL://127.0.0.1:9093", "SSL://127.0.0.1:0"]
        );
        assert_eq!(
            listeners(&[
                "--listen",
                "127.0.0.1:1",
                "--listener",
                "SASL_PLAINTEXT://127.0.0.1:2"
            ]),
            ["PLAINTEXT://127.0.0.1:1", "SASL_PLAINTEXT://127.0.0.1:2"]
        );
    }

    #[test]
    fn bad_listener_specs_and_half_tls_flags_are_refused() {
        let err = broker_args(&["--listener", "127.0.0.1:9092"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("PROTOCOL://HOST:PORT"), "{err}");
        let err = broker_args(&["--listener", "TLS://127.0.0.1:1"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("SASL_SSL"), "{err}");
        assert!(broker_args(&["--tls-cert", "c.pem"]).is_err());
        assert!(broker_args(&["--tls-client-auth", "sometimes"]).is_err());
    }

    #[test]
    fn users_super_users_and_reauth() {
        let args = broker_args(&[
            "--user",
            "alice:alice-secret",
            "--super-user",
            "admin",
            "--super-user",
            "User:ops",
            "--authorizer",
            "--reauth-ms",
            "5000",
            "--sasl-mechanisms",
            "SASL_PLAINTEXT=PLAIN",
        ])
        .unwrap();
        let config = args.config().unwrap();
        assert_eq!(config.users[0].name, "alice");
        assert_eq!(config.authorizer.super_users, ["User:admin", "User:ops"]);
        assert!(config.authorizer.deny_without_acl);
        assert_eq!(config.reauth, Some(Duration::from_millis(5000)));
        assert_eq!(config.sasl_mechanisms[0].mechanisms, ["PLAIN"]);
        let err = broker_args(&["--user", "alice"]).unwrap_err().to_string();
        assert!(err.contains("NAME:PASSWORD"), "{err}");
        let missing = broker_args(&["--users-file", "/nonexistent/users"]).unwrap();
        assert!(missing
            .config()
            .unwrap_err()
            .contains("--users-file /nonexistent/users"));
    }
}
