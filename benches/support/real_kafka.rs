//! Apache Kafka for the benchmarks: started with scripts/real-kafka.sh in a state
//! directory of its own, stopped (and its data removed) when dropped.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;

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
    pub fn start() -> Option<Self> {
        let home = std::env::temp_dir().join(format!("kafka-dash-bench-{}", std::process::id()));
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
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
        let bootstrap = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Some(Self { bootstrap, home })
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
