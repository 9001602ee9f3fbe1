//! Apache Kafka for the benchmarks: started with scripts/real-kafka.sh in a state
//! directory of its own (plain, or one node serving every secured listener too), asked for
//! a mode's bootstrap and librdkafka settings, stopped (and its data removed) when dropped.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;

/// The SASL user both brokers' SASL_SSL listeners are measured with (the test users of
/// `real-kafka.sh start --security all`).
#[allow(dead_code)] // not every bench measures SASL_SSL
pub const USER: (&str, &str) = ("alice", "alice-secret");

/// librdkafka settings for the embedded broker's SASL_SSL listener with the CA at `ca`,
/// as `real-kafka.sh client-args sasl_ssl` prints them for Kafka's.
#[allow(dead_code)] // not every bench measures SASL_SSL
pub fn sasl_ssl_settings(ca: &str) -> Vec<(String, String)> {
    [
        ("security.protocol", "SASL_SSL"),
        ("sasl.mechanisms", "SCRAM-SHA-512"),
        ("sasl.username", USER.0),
        ("sasl.password", USER.1),
        ("ssl.ca.location", ca),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// A running single-node Kafka.
pub struct RealKafka {
    /// Its bootstrap list.
    pub bootstrap: String,
    home: PathBuf,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/real-kafka.sh")
}

impl RealKafka {
    /// Starts one combined broker/controller; `None` (with the reason printed) when Java,
    /// Maven or the jars are missing.
    #[allow(dead_code)] // not every bench runs the plain node
    pub fn start() -> Option<Self> {
        Self::start_with(&[])
    }

    /// Starts one node serving PLAINTEXT and every secured mode's listener at once
    /// (`start --security all`); `bootstrap` is the plaintext listener.
    #[allow(dead_code)] // not every bench measures security
    pub fn start_secured() -> Option<Self> {
        Self::start_with(&["--security", "all"])
    }

    fn start_with(args: &[&str]) -> Option<Self> {
        // REAL_KAFKA_HOME keeps one person's node apart from another's on a shared machine.
        let home = std::env::var_os("REAL_KAFKA_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                std::env::temp_dir().join(format!("kafka-dash-bench-{}", std::process::id()))
            });
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
            .args(args)
            .env("REAL_KAFKA_HOME", &home)
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!(
                "cannot start Apache Kafka: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return None;
        }
        // The first line is the bootstrap; a secured start prints its settings after it.
        let stdout = String::from_utf8_lossy(&out.stdout);
        let bootstrap = stdout.lines().next().unwrap_or_default().trim().to_string();
        Some(Self { bootstrap, home })
    }

    /// Output of `real-kafka.sh ARGS` against this node.
    #[allow(dead_code)]
    fn ask(&self, args: &[&str]) -> String {
        let out = Command::new("bash")
            .arg(script())
            .args(args)
            .env("REAL_KAFKA_HOME", &self.home)
            .output()
            .expect("bash runs scripts/real-kafka.sh");
        assert!(
            out.status.success(),
            "real-kafka.sh {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The bootstrap of a secured node's listener for `mode` (e.g. `sasl_ssl`).
    #[allow(dead_code)]
    pub fn bootstrap_of(&self, mode: &str) -> String {
        self.ask(&["bootstrap", mode])
    }

    /// librdkafka settings for `mode` on a secured node, as `(key, value)` pairs.
    #[allow(dead_code)]
    pub fn client_settings(&self, mode: &str) -> Vec<(String, String)> {
        self.ask(&["client-args", mode])
            .lines()
            .filter_map(|l| l.trim().strip_prefix("-X "))
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

impl Drop for RealKafka {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .env("REAL_KAFKA_HOME", &self.home)
            .status();
    }
}

/// Creates topics `(name, partitions)` through the admin API (works on any cluster).
pub async fn create_topics(bootstrap: &str, topics: &[(&str, i32)]) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin client");
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|(name, p)| NewTopic::new(name, *p, TopicReplication::Fixed(1)))
        .collect();
    let results = admin
        .create_topics(
            &new,
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(30))),
        )
        .await
        .expect("create topics");
    for r in results {
        r.expect("topic created");
    }
}
