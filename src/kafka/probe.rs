//! Finds out why the cluster cannot be reached, with the dashboard's own client: each
//! bootstrap server in turn through TCP, TLS, ApiVersions, SASL and one Metadata request,
//! each step timed out, so the status line can name the cause within seconds instead of
//! waiting on librdkafka's retries.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kafka_protocol::messages::{ApiKey, MetadataRequest, MetadataResponse};

use rdkafka::client::ClientContext;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::KafkaError;

use crate::kafka::client::ClientSettings;
use crate::kafka::connection::ExchangeError;
use crate::kafka::connector::Connector;
use crate::kafka::diagnose::{from_librdkafka, Cause, Failure};
use crate::kafka::messages::KafkaEvent;
use crate::kafka::outbox::Outbox;
use crate::kafka::security::settings::{SaslSettings, Security};

/// The probe's client id, told apart from the group watcher's.
pub const PROBE_CLIENT_ID: &str = "kafka-dash-probe";

/// How long each step of a probe waits at most.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(2);

/// A failure in the status bar's words: the address only when there are several to
/// tell apart (the status bar already names a single bootstrap server).
pub fn said(settings: &ClientSettings, f: &Failure) -> String {
    if settings.bootstrap.trim() == f.addr {
        format!("cannot connect: {}", f.cause)
    } else {
        f.to_string()
    }
}

/// `Ok` when some bootstrap server answers a request after connecting as the settings
/// say (or the own client cannot use the settings); otherwise the first server's failure.
pub fn probe(settings: &ClientSettings, step_timeout: Duration) -> Result<(), Failure> {
    let first = settings
        .bootstrap
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string();
    // Settings the own client cannot use may still suit librdkafka (Kerberos, say): the
    // probe then has nothing to say, and librdkafka's own error stands. Any other fault
    // in them (a missing password or CA file) is what the user must fix: said.
    let connector = match Connector::new(settings, step_timeout) {
        Ok(c) => c.with_client_id(PROBE_CLIENT_ID),
        Err(e) if Security::beyond_own_client(&e) => {
            tracing::info!("no probe: {e}");
            return Ok(());
        }
        Err(e) => {
            return Err(Failure {
                addr: first,
                cause: Cause::Other(format!("the client settings: {e}")),
            })
        }
    };
    let mut failure = None;
    for addr in settings
        .bootstrap
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match probe_one(&connector, addr) {
            Ok(()) => return Ok(()),
            Err(f) => {
                tracing::info!("probe: {f}");
                failure.get_or_insert(f);
            }
        }
    }
    Err(failure.unwrap_or(Failure {
        addr: first,
        cause: Cause::Settings("no bootstrap server given".into()),
    }))
}

fn probe_one(connector: &Connector, addr: &str) -> Result<(), Failure> {
    let mut conn = connector.open(addr)?;
    let fail = |cause| Failure {
        addr: addr.to_string(),
        cause,
    };
    // Kafka 4 knows Metadata 0 no more; 9 is the first flexible one, known to every
    // Kafka since 2.4 and to the embedded broker.
    let version = conn.max_version(ApiKey::Metadata).unwrap_or(9).min(9);
    let req = MetadataRequest::default().with_topics(Some(Vec::new()));
    let answer: Result<MetadataResponse, ExchangeError> =
        conn.call(ApiKey::Metadata, version, &req);
    match answer {
        Ok(_) => Ok(()),
        Err(ExchangeError::Closed) if !connector.security().protocol.sasl() => {
            Err(fail(Cause::NeedsSasl))
        }
        Err(ExchangeError::TimedOut) => Err(fail(Cause::TimedOut("Metadata"))),
        Err(e) => Err(fail(Cause::Other(format!("Metadata: {e}")))),
    }
}

/// Why a librdkafka read failed, in words, when a probe or librdkafka's own text can
/// say: the probe's failure first (it names the step), else librdkafka's error mapped to
/// a cause; `None` when neither knows more than the raw error.
pub fn explain(settings: &ClientSettings, librdkafka_error: &str) -> Option<String> {
    match probe(settings, STEP_TIMEOUT) {
        Err(f) => Some(said(settings, &f)),
        Ok(()) => {
            let sasl = Security::from_properties(&settings.overrides)
                .ok()
                .and_then(|s| s.sasl);
            let user = match &sasl {
                Some(
                    SaslSettings::Plain { username, .. } | SaslSettings::Scram { username, .. },
                ) => Some(username.as_str()),
                _ => None,
            };
            let cause =
                from_librdkafka(librdkafka_error, user, sasl.as_ref().map(|s| s.mechanism()))?;
            let addr = settings
                .bootstrap
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            Some(said(settings, &Failure { addr, cause }))
        }
    }
}

/// Probes at most this often on librdkafka's errors (it repeats them every reconnect).
const PROBE_AT_MOST_EVERY: Duration = Duration::from_secs(5);

/// A librdkafka client context that logs librdkafka's errors and, on one, probes the
/// cluster with the own client and tells the UI the cause in words (librdkafka reports a
/// refused password or certificate at once, long before a metadata read times out).
pub struct ProbingContext {
    settings: ClientSettings,
    events: Outbox,
    running: Arc<AtomicBool>,
    last: Mutex<Option<Instant>>,
}

impl ProbingContext {
    /// A context reporting to `events` about the cluster `settings` name.
    pub fn new(settings: ClientSettings, events: Outbox) -> ProbingContext {
        ProbingContext {
            settings,
            events,
            running: Arc::default(),
            last: Mutex::new(None),
        }
    }

    /// Starts a probe on a thread of its own unless one runs or ran lately.
    fn probe_soon(&self) {
        let now = Instant::now();
        {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|t| now < t + PROBE_AT_MOST_EVERY) {
                return;
            }
            if self.running.swap(true, Ordering::AcqRel) {
                return;
            }
            *last = Some(now);
        }
        let (settings, events, running) = (
            self.settings.clone(),
            self.events.clone(),
            self.running.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("kafka-dash-probe".into())
            .spawn(move || {
                if let Err(f) = probe(&settings, STEP_TIMEOUT) {
                    let _ = events.send(KafkaEvent::Unreachable(said(&settings, &f)));
                }
                running.store(false, Ordering::Release);
            });
        if spawned.is_err() {
            self.running.store(false, Ordering::Release);
        }
    }
}

impl ClientContext for ProbingContext {
    fn error(&self, error: KafkaError, reason: &str) {
        // librdkafka's detail goes to the log; the status line gets the probe's words.
        tracing::error!("librdkafka: {error}: {reason}");
        self.probe_soon();
    }
}

impl ConsumerContext for ProbingContext {}
