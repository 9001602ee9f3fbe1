//! Which cluster the dashboard shows and how to reach it: the choices (the embedded
//! broker, each profile, the command line's cluster or the one remembered from the last
//! `-b`), the settings each one means once its files are read, and the embedded broker,
//! started once and kept. `main` connects to the first choice with it; the cluster
//! picker switches to another on a task of its own.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use broker::{Broker, BrokerConfig};
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::action::KafkaCommand;
use crate::config::{Config, Profile};
use crate::kafka;
use crate::kafka::client::ClientSettings;
use crate::kafka::client_config::{self, Format};
use crate::kafka::registry::client::RegistryClient;
use crate::kafka::registry::settings::{RegistrySettings, RegistryTable};
use crate::state::RememberedCluster;

/// The seed walkthrough's topics: `strconv` with 1 partition, `sarama` with 2.
const SEED_TOPICS: &[(&str, i32)] = &[("strconv", 1), ("sarama", 2)];
/// The topic the embedded broker's background producer writes to, as the seed's sarama
/// example does: the first screen follows it, so it moves from the first second.
pub const SEED_PRODUCER_TOPIC: &str = "sarama";
/// How long in-app members get to leave their groups before the workers are dropped.
const LEAVE_TIMEOUT: Duration = Duration::from_secs(8);

/// One layer of settings; later layers win (profile < client config file < `-X`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    /// `bootstrap.servers`.
    Bootstrap(String),
    /// librdkafka properties.
    Properties(Vec<(String, String)>),
    /// A client config file to read when connecting.
    File(PathBuf, Format),
    /// A schema registry: a URL from the command line, or a profile's table.
    Registry(RegistryLayer),
}

/// Where a registry layer came from (read when connecting, so its errors show there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryLayer {
    /// `--schema-registry URL`.
    Url(String),
    /// A profile's `schema_registry` table.
    Table(RegistryTable),
}

/// A cluster the picker offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What the status bar and the picker call it (None: its bootstrap, or the
    /// embedded broker's address).
    pub name: Option<String>,
    /// One line on what it is (its bootstrap, its files, secrets not remembered).
    pub detail: String,
    /// Its settings, in order.
    pub layers: Vec<Layer>,
}

/// A choice's settings with its files read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    /// None: the embedded broker.
    pub bootstrap: Option<String>,
    /// librdkafka properties, in order.
    pub overrides: Vec<(String, String)>,
    /// Keys the client config files had no use for.
    pub ignored: Vec<String>,
    /// The schema registry, if one was given (the embedded broker serves its own).
    pub schema_registry: Option<RegistrySettings>,
}

impl Entry {
    /// The embedded broker.
    pub fn embedded() -> Entry {
        Entry {
            name: None,
            detail: "built into kafka-dash, in memory; kept running across switches".into(),
            layers: Vec::new(),
        }
    }

    /// A profile of the config file.
    pub fn profile(name: &str, p: &Profile) -> Entry {
        let mut detail = p.bootstrap.clone().unwrap_or_default();
        for file in p.client_config.iter().chain(&p.kcat_config) {
            detail.push_str(&format!(" · {}", file.display()));
        }
        Entry {
            name: Some(name.to_string()),
            detail: detail.trim_start_matches(" · ").to_string(),
            layers: profile_layers(p),
        }
    }

    /// The cluster remembered from the last `-b`.
    pub fn remembered(r: &RememberedCluster) -> Entry {
        let mut layers = vec![Layer::Bootstrap(r.bootstrap.clone())];
        layers.extend(
            r.client_config
                .clone()
                .map(|p| Layer::File(p, Format::Java)),
        );
        layers.extend(r.kcat_config.clone().map(|p| Layer::File(p, Format::Kcat)));
        layers.push(Layer::Properties(r.properties.clone()));
        let mut detail = "last -b".to_string();
        if !r.dropped.is_empty() {
            detail.push_str(&format!(
                " · secrets not remembered: {}",
                r.dropped.join(", ")
            ));
        }
        Entry {
            name: Some(r.bootstrap.clone()),
            detail,
            layers,
        }
    }

    /// Whether this is the embedded broker (no layer names a bootstrap, and no file
    /// could).
    pub fn is_embedded(&self) -> bool {
        self.layers
            .iter()
            .all(|l| matches!(l, Layer::Properties(_) | Layer::Registry(_)))
    }

    /// The name the status bar gives it, once connected to `bootstrap`.
    pub fn label(&self, bootstrap: Option<&str>, embedded: &str) -> String {
        match (&self.name, bootstrap) {
            (Some(n), _) => n.clone(),
            (None, Some(b)) => b.to_string(),
            (None, None) => format!("embedded broker {embedded}"),
        }
    }

    /// The name the picker and "switching to …" use before connecting.
    pub fn title(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => "embedded broker".into(),
        }
    }

    /// Reads its files and lays its layers over one another.
    pub fn resolve(&self) -> Result<Resolved, String> {
        let mut r = Resolved::default();
        for layer in &self.layers {
            match layer {
                Layer::Bootstrap(b) => r.bootstrap = Some(b.clone()),
                Layer::Properties(p) => r.overrides.extend(p.iter().cloned()),
                Layer::File(path, format) => {
                    let t = client_config::load(path, *format)?;
                    if t.bootstrap.is_some() {
                        r.bootstrap = t.bootstrap;
                    }
                    r.overrides.extend(t.properties);
                    r.ignored.extend(t.ignored);
                }
                Layer::Registry(RegistryLayer::Url(url)) => {
                    r.schema_registry = Some(RegistrySettings::from_url(url)?)
                }
                Layer::Registry(RegistryLayer::Table(t)) => {
                    r.schema_registry = Some(RegistrySettings::from_table(t)?)
                }
            }
        }
        // A client config is for a cluster: its TLS or SASL settings would only fail on
        // the embedded broker, so a missing bootstrap is said, not guessed.
        let file = self.layers.iter().find_map(|l| match l {
            Layer::File(path, _) => Some(path),
            _ => None,
        });
        if let (None, Some(path)) = (&r.bootstrap, file) {
            return Err(format!(
                "{} gives no bootstrap.servers: add it there, or give the cluster with -b",
                path.display()
            ));
        }
        Ok(r)
    }
}

/// A profile's layers: its bootstrap, its properties, then its files.
fn profile_layers(p: &Profile) -> Vec<Layer> {
    let mut layers = Vec::new();
    layers.extend(p.bootstrap.clone().map(Layer::Bootstrap));
    layers.push(Layer::Properties(
        p.properties
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ));
    layers.extend(
        p.client_config
            .clone()
            .map(|f| Layer::File(f, Format::Java)),
    );
    layers.extend(p.kcat_config.clone().map(|f| Layer::File(f, Format::Kcat)));
    layers.extend(
        p.schema_registry
            .clone()
            .map(|t| Layer::Registry(RegistryLayer::Table(t))),
    );
    layers
}

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    /// `--profile`.
    pub profile: Option<String>,
    /// `-b`.
    pub bootstrap: Option<String>,
    /// `--client-config`.
    pub client_config: Option<PathBuf>,
    /// `--kcat-config`.
    pub kcat_config: Option<PathBuf>,
    /// `-X`, in order.
    pub properties: Vec<(String, String)>,
    /// `--schema-registry`.
    pub schema_registry: Option<String>,
}

impl CommandLine {
    /// The cluster it names: a profile's layers, then the files, `-X` and `-b`.
    pub fn entry(&self, config: &Config) -> Result<Entry, String> {
        let mut layers = match &self.profile {
            Some(name) => profile_layers(config.profile(name)?),
            None => Vec::new(),
        };
        layers.extend(
            self.client_config
                .clone()
                .map(|f| Layer::File(f, Format::Java)),
        );
        layers.extend(
            self.kcat_config
                .clone()
                .map(|f| Layer::File(f, Format::Kcat)),
        );
        if !self.properties.is_empty() {
            layers.push(Layer::Properties(self.properties.clone()));
        }
        layers.extend(self.bootstrap.clone().map(Layer::Bootstrap));
        layers.extend(
            self.schema_registry
                .clone()
                .map(|u| Layer::Registry(RegistryLayer::Url(u))),
        );
        let name = match (&self.bootstrap, &self.profile) {
            (None, Some(p)) => Some(p.clone()),
            _ => self.bootstrap.clone(),
        };
        let detail = match (&self.bootstrap, &self.profile) {
            (Some(_), _) => "command line".to_string(),
            (None, Some(_)) => "profile (command line)".to_string(),
            (None, None) => "the built-in broker".to_string(),
        };
        Ok(Entry {
            name,
            detail,
            layers,
        })
    }

    /// What the state file may keep of it: only a cluster given with `-b`. Its files
    /// are kept by absolute path, as the next run may start elsewhere.
    pub fn remembered(&self) -> Option<RememberedCluster> {
        let absolute = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
        Some(RememberedCluster::new(
            self.bootstrap.clone()?,
            self.client_config.as_ref().map(absolute),
            self.kcat_config.as_ref().map(absolute),
            &self.properties,
        ))
    }
}

/// The picker's list: the embedded broker, each profile that names a cluster, and the
/// command line's cluster or, without one, the last `-b` remembered (the caller passes
/// `remembered` only then). Returns the list and which of it is `start`.
pub fn entries(
    config: &Config,
    start: Entry,
    remembered: Option<&RememberedCluster>,
) -> (Vec<Entry>, usize) {
    let mut list = vec![Entry::embedded()];
    for (name, p) in &config.profiles {
        let names_a_cluster =
            p.bootstrap.is_some() || p.client_config.is_some() || p.kcat_config.is_some();
        if names_a_cluster {
            list.push(Entry::profile(name, p));
        }
    }
    list.extend(remembered.map(Entry::remembered));
    if start.is_embedded() {
        // The embedded broker keeps the command line's -X (as before the picker).
        list[0].layers = start.layers;
        return (list, 0);
    }
    if let Some(i) = list.iter().position(|e| e.layers == start.layers) {
        return (list, i);
    }
    // The command line's own cluster, with its secrets (in memory only).
    list.push(start);
    let at = list.len() - 1;
    (list, at)
}

/// Connects: starts the embedded broker if the entry needs it and it is not running,
/// and starts the workers on the entry's settings.
#[derive(Debug)]
pub struct Connector {
    /// The embedded broker, once started (kept across switches).
    embedded: Mutex<Option<Broker>>,
    /// The embedded schema registry's URL, once it serves (beside the embedded broker).
    registry_url: Mutex<Option<String>>,
    /// Whether the embedded broker gets the seed's background producer.
    seed_producer: bool,
    watch: kafka::groups::WatchConfig,
}

/// A cluster connected to.
#[derive(Debug)]
pub struct Connected {
    /// The status bar's name for it.
    pub label: String,
    /// The workers on it.
    pub workers: kafka::workers::Workers,
    /// Whether it is the embedded broker.
    pub embedded: bool,
    /// Keys its client config files had no use for.
    pub ignored: Vec<String>,
    /// Its settings, secrets masked, for the log.
    pub described: Vec<String>,
    /// The schema registry its framed records are decoded through, if any.
    pub schema_registry: Option<String>,
}

impl Connector {
    /// A connector; the embedded broker is started when first needed.
    pub fn new(watch: kafka::groups::WatchConfig, seed_producer: bool) -> Arc<Connector> {
        Arc::new(Connector {
            embedded: Mutex::new(None),
            registry_url: Mutex::new(None),
            seed_producer,
            watch,
        })
    }

    /// The embedded broker's address, starting it (with the seed's topics and, first
    /// time only, its background producer) if it is not running.
    async fn embedded(&self, overrides: &[(String, String)]) -> Result<String, String> {
        let mut slot = self.embedded.lock().await;
        if let Some(b) = slot.as_ref() {
            return Ok(b.bootstrap());
        }
        let broker = Broker::start(BrokerConfig::default())
            .await
            .map_err(|e| format!("cannot start the embedded broker: {e}"))?;
        for (name, partitions) in SEED_TOPICS {
            broker
                .create_topic(name, *partitions)
                .map_err(|e| format!("embedded broker: {e}"))?;
        }
        let bootstrap = broker.bootstrap();
        // The registry is a convenience beside the broker: without it framed records
        // show as bytes, so a failure to start it is logged, not fatal.
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let served = match crate::embedded_registry::start(&broker, loopback).await {
            Ok(served) => {
                tracing::info!("embedded schema registry at {}", served.url);
                *self.registry_url.lock().await = Some(served.url.clone());
                Some(served)
            }
            Err(e) => {
                tracing::warn!("{e}");
                None
            }
        };
        if self.seed_producer {
            let settings = ClientSettings {
                bootstrap: bootstrap.clone(),
                overrides: overrides.to_vec(),
            };
            kafka::seed_producer::spawn(&settings, SEED_PRODUCER_TOPIC);
            if let Some(served) = &served {
                let started = broker
                    .create_topic(kafka::seed_orders::TOPIC, 1)
                    .map_err(|e| e.to_string())
                    .and_then(|()| kafka::seed_orders::spawn(&settings, &served.registry));
                if let Err(e) = started {
                    tracing::warn!("first run's orders: {e}");
                }
            }
        }
        *slot = Some(broker);
        Ok(bootstrap)
    }

    /// The embedded schema registry's URL, if it serves.
    async fn embedded_registry(&self) -> Option<String> {
        self.registry_url.lock().await.clone()
    }

    /// Connects to `entry` (its files read, the embedded broker started if needed).
    pub async fn connect(&self, entry: &Entry) -> Result<Connected, String> {
        let r = entry.resolve()?;
        self.connect_resolved(entry, r).await
    }

    async fn connect_resolved(&self, entry: &Entry, r: Resolved) -> Result<Connected, String> {
        let (bootstrap, label, embedded) = match &r.bootstrap {
            Some(b) => (b.clone(), entry.label(Some(b), ""), false),
            None => {
                let b = self.embedded(&r.overrides).await?;
                (b.clone(), entry.label(None, &b), true)
            }
        };
        let registry_settings = match (&r.schema_registry, embedded) {
            (Some(s), _) => Some(s.clone()),
            (None, true) => self
                .embedded_registry()
                .await
                .map(|url| RegistrySettings::from_url(&url))
                .transpose()?,
            (None, false) => None,
        };
        let registry = registry_settings
            .as_ref()
            .map(RegistryClient::new)
            .transpose()?;
        let schema_registry = registry.as_ref().map(|c| c.url().to_string());
        let settings = ClientSettings {
            bootstrap,
            overrides: r.overrides,
        };
        let described = settings.describe_overrides();
        log_connect(&label, &described, &r.ignored);
        Ok(Connected {
            label,
            workers: kafka::workers::spawn_with_registry(settings, self.watch, registry),
            embedded,
            ignored: r.ignored,
            described,
            schema_registry,
        })
    }

    /// Switches from the workers behind `old` to `entry`, on a task: the entry's files
    /// are read first (a mistake there leaves the current cluster as it is), then the
    /// in-app members leave their groups and the old workers stop, then the new ones
    /// start. The answer comes on the returned channel.
    pub fn switch(
        self: &Arc<Self>,
        entry: Entry,
        old: mpsc::Sender<KafkaCommand>,
    ) -> oneshot::Receiver<Result<Connected, String>> {
        let (tx, rx) = oneshot::channel();
        let this = self.clone();
        tokio::spawn(async move {
            let result = match entry.resolve() {
                Ok(r) => {
                    stop_workers(&old).await;
                    this.connect_resolved(&entry, r).await
                }
                Err(e) => Err(e),
            };
            if let Err(e) = &result {
                tracing::warn!(cluster = %entry.title(), "cannot switch: {e}");
            }
            let _ = tx.send(result);
        });
        rx
    }

    /// Stops the embedded broker, if it was started.
    pub async fn stop(&self) {
        if let Some(b) = self.embedded.lock().await.take() {
            b.stop().await;
        }
    }
}

/// Asks the workers behind `commands` to stop, in-app members leaving their groups first
/// (so the groups rebalance at once), waiting at most [`LEAVE_TIMEOUT`].
pub async fn stop_workers(commands: &mpsc::Sender<KafkaCommand>) {
    let (done_tx, done_rx) = oneshot::channel();
    if commands.send(KafkaCommand::Shutdown(done_tx)).await.is_ok() {
        let _ = tokio::time::timeout(LEAVE_TIMEOUT, done_rx).await;
    }
}

/// Says in the log which cluster the dashboard uses, with which settings (secrets
/// masked) and which client config keys it did not use (names only).
pub fn log_connect(label: &str, described: &[String], ignored: &[String]) {
    tracing::info!(cluster = %label, overrides = ?described, "connecting the dashboard");
    if !ignored.is_empty() {
        tracing::warn!(keys = %ignored.join(", "), "client config: ignored keys");
    }
}

/// The status line's word on ignored client config keys, if any.
pub fn ignored_notice(ignored: &[String]) -> Option<String> {
    (!ignored.is_empty()).then(|| format!("client config: ignored {}", ignored.join(", ")))
}

#[cfg(test)]
mod tests;
