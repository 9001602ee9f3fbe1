//! The schema registry kafka-dash serves beside its embedded broker: Confluent's REST API
//! on a loopback port, its schemas kept in the broker's `_schemas` topic (Confluent's
//! topic name and record formats), checked by the `schema` crate.

use std::net::SocketAddr;

use broker::{Broker, LocalPartition, TopicError};
use bytes::Bytes;

/// The topic the registry keeps its schemas in, as Confluent's registry names it.
pub const SCHEMAS_TOPIC: &str = "_schemas";

/// The registry's log: partition 0 of `_schemas`, written and read in-process.
struct BrokerLog(LocalPartition);

impl registry::Log for BrokerLog {
    fn append(&self, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<(), String> {
        self.0
            .append(Some(Bytes::from(key)), value.map(Bytes::from))
            .map(|_| ())
    }

    fn read_all(&self) -> Result<Vec<registry::LogRecord>, String> {
        Ok(self
            .0
            .read_all()?
            .into_iter()
            // A record without a key is not the registry's; replay skips what it cannot read.
            .filter_map(|(k, v)| Some((k?.to_vec(), v.map(|v| v.to_vec()))))
            .collect())
    }
}

/// A registry serving.
#[derive(Clone)]
pub struct Served {
    /// Its base URL (`http://127.0.0.1:PORT`).
    pub url: String,
    /// The registry itself, for what runs in this process (the first run's producer).
    pub registry: registry::Registry,
}

/// Starts the registry over `broker` on `addr` (port 0: any free port). It serves until
/// the runtime stops.
pub async fn start(broker: &Broker, addr: SocketAddr) -> Result<Served, String> {
    match broker.create_topic_with_configs(SCHEMAS_TOPIC, 1, &[("cleanup.policy", "compact")]) {
        Ok(()) | Err(TopicError::Exists(_)) => {}
        Err(e) => {
            return Err(format!(
                "schema registry: cannot create {SCHEMAS_TOPIC}: {e}"
            ))
        }
    }
    let log = BrokerLog(broker.local_partition(SCHEMAS_TOPIC, 0));
    let registry =
        tokio::task::spawn_blocking(move || registry::Registry::open(log, registry::SchemaChecker))
            .await
            .map_err(|e| format!("schema registry: {e}"))??;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("schema registry: cannot listen on {addr}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("schema registry: {e}"))?;
    let served = Served {
        url: format!("http://{local}"),
        registry: registry.clone(),
    };
    tokio::spawn(async move {
        if let Err(e) = registry::serve(listener, registry).await {
            tracing::warn!("schema registry stopped: {e}");
        }
    });
    Ok(served)
}
