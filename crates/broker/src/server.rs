//! Listeners (plain or TLS), per-connection tasks with their authentication, the coordinator's timer, and the handle to stop it all.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::framing::{frame, read_frame, FrameError};
use super::handlers::{self, Outcome, Peer};
use super::listener::{ListenerSpec, SecurityProtocol};
use super::{sasl, tls, BrokerConfig, GroupSummary, Shared, TopicError};

/// A running embedded broker. Dropping it stops the broker.
#[derive(Debug)]
pub struct Broker {
    addr: SocketAddr,
    listeners: Vec<(ListenerSpec, String)>,
    generated_ca: Option<std::path::PathBuf>,
    shared: Arc<Shared>,
    /// `true` stops everything; bumping the counter drops connections only.
    stop_tx: watch::Sender<(bool, u64)>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// What a connection needs to know about the listener it came in on.
struct Listening {
    protocol: SecurityProtocol,
    /// The SASL mechanisms it offers.
    mechanisms: Arc<[&'static str]>,
    advertised: Arc<(String, i32)>,
    tls: Option<Arc<tls::Tls>>,
}

impl Broker {
    /// Binds every listener and starts serving on the current tokio runtime.
    pub async fn start(config: BrokerConfig) -> std::io::Result<Broker> {
        let specs = config.effective_listeners();
        // As Kafka refuses 0.0.0.0 in advertised.listeners: clients would be told to
        // connect to an address that means "any" and reaches nothing.
        if let Some(l) = specs
            .iter()
            .find(|l| l.addr.ip().is_unspecified() && config.advertised_host.is_none())
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "listener {l} binds every address, which cannot be given to clients: \
                     add --advertised-host with the host name clients use"
                ),
            ));
        }
        let mut bound = Vec::with_capacity(specs.len());
        for spec in &specs {
            let listener = TcpListener::bind(spec.addr).await.map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot listen on {spec}: {e}"))
            })?;
            let addr = listener.local_addr()?;
            bound.push((ListenerSpec { addr, ..*spec }, listener));
        }
        let tls = if specs.iter().any(|l| l.protocol.tls()) {
            let hosts: Vec<_> = bound.iter().map(|(l, _)| l.addr.ip()).collect();
            let tls = tls::setup(&config.tls, &hosts).map_err(std::io::Error::other)?;
            Some(Arc::new(tls))
        } else {
            None
        };
        let addr = bound[0].0.addr;
        let shared = Arc::new(Shared::new(config, addr));
        let (stop_tx, stop_rx) = watch::channel((false, 0));
        let mut listeners = Vec::new();
        let mut serving = Vec::new();
        for (spec, listener) in bound {
            let host = shared.config.advertised_host_for(spec.addr);
            let advertised = format!("{host}:{}", spec.addr.port());
            tracing::info!(listener = %spec, %advertised, "embedded broker listening");
            let listening = Listening {
                protocol: spec.protocol,
                mechanisms: shared.config.mechanisms_for(spec.protocol).into(),
                advertised: Arc::new((host, spec.addr.port() as i32)),
                tls: tls.clone().filter(|_| spec.protocol.tls()),
            };
            listeners.push((spec, advertised));
            serving.push((listener, listening));
        }
        let broker = Broker {
            addr,
            listeners,
            generated_ca: tls.as_ref().and_then(|t| t.generated_ca.clone()),
            shared: shared.clone(),
            stop_tx,
            task: Some(tokio::spawn(serve(serving, shared, stop_rx))),
        };
        for w in broker.warnings() {
            tracing::warn!("{w}");
        }
        Ok(broker)
    }

    /// The first listener's bound address (useful after binding port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every listener as bound, with the `host:port` clients are given for it.
    pub fn listeners(&self) -> &[(ListenerSpec, String)] {
        &self.listeners
    }

    /// `host:port` of the first listener speaking `protocol`.
    pub fn bootstrap_for(&self, protocol: SecurityProtocol) -> Option<&str> {
        self.listeners
            .iter()
            .find(|(l, _)| l.protocol == protocol)
            .map(|(_, b)| b.as_str())
    }

    /// Where the generated CA certificate was written (TLS without given certificates).
    pub fn generated_ca(&self) -> Option<&std::path::Path> {
        self.generated_ca.as_deref()
    }

    /// What an operator should hear about at start: listeners beyond loopback that
    /// anyone can use without a password or a client certificate, and SASL listeners no
    /// one can log in to.
    pub fn warnings(&self) -> Vec<String> {
        let config = &self.shared.config;
        let certificates = config.tls.client_auth == crate::tls::ClientAuth::Required;
        let open = self.listeners.iter().filter(|(l, _)| {
            let guarded =
                l.protocol.sasl() || (l.protocol == SecurityProtocol::Ssl && certificates);
            !guarded && !l.addr.ip().is_loopback()
        });
        let mut out: Vec<String> = open
            .map(|(l, _)| {
                format!(
                    "listener {l} is reachable beyond this machine and asks for no password: \
                     anyone who can reach it can read and write every topic (use SASL_SSL)"
                )
            })
            .collect();
        if config.users.is_empty() {
            out.extend(
                self.listeners
                    .iter()
                    .filter(|(l, _)| l.protocol.sasl())
                    .map(|(l, _)| {
                        format!(
                            "listener {l} takes SASL but no user is given (--user, --users-file): \
                     no one can log in until AlterUserScramCredentials adds one"
                        )
                    }),
            );
        }
        out
    }

    /// `host:port` for a client's `bootstrap.servers`.
    pub fn bootstrap(&self) -> String {
        format!("{}:{}", self.shared.advertised.0, self.shared.advertised.1)
    }

    /// Creates a topic directly (no client round trip).
    pub fn create_topic(&self, name: &str, partitions: i32) -> Result<(), TopicError> {
        self.shared.create_topic(name, partitions)
    }

    /// Creates a topic with topic configs (`cleanup.policy=compact`, ...) directly.
    pub fn create_topic_with_configs(
        &self,
        name: &str,
        partitions: i32,
        configs: &[(&str, &str)],
    ) -> Result<(), TopicError> {
        let configs = configs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.shared
            .topics
            .create(name, partitions, 1, configs)
            .map(|_| ())
    }

    /// A handle that appends to and reads one partition in-process (no client, no
    /// credentials); it keeps working while the broker runs.
    pub fn local_partition(&self, topic: &str, partition: i32) -> crate::local::LocalPartition {
        crate::local::LocalPartition {
            shared: self.shared.clone(),
            topic: topic.to_string(),
            partition,
        }
    }

    /// A consumer group of the next generation (KIP-848), as its coordinator keeps it.
    pub fn consumer_group(
        &self,
        group: &str,
    ) -> Option<crate::group::consumer::group::ConsumerGroup> {
        self.shared.consumer_groups.get(group)
    }

    /// What DescribeGroups would say about a group.
    pub fn describe_group(&self, group: &str) -> GroupSummary {
        self.shared.groups.describe(group)
    }

    /// Requests received so far from clients whose client id starts with `prefix`, by
    /// API key.
    pub fn requests_from(&self, prefix: &str) -> std::collections::BTreeMap<i16, u64> {
        let mut by_api = std::collections::BTreeMap::new();
        for ((client, api), n) in self
            .shared
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            if client.starts_with(prefix) {
                *by_api.entry(*api).or_default() += n;
            }
        }
        by_api
    }

    /// Closes every client connection; the listener keeps accepting.
    pub fn drop_connections(&self) {
        self.stop_tx.send_modify(|(_, n)| *n += 1);
    }

    /// Stops listening, closes all connections, and waits until that is done.
    pub async fn stop(mut self) {
        self.stop_tx.send_modify(|(stop, _)| *stop = true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop_tx.send_modify(|(stop, _)| *stop = true);
    }
}

async fn serve(
    listeners: Vec<(TcpListener, Listening)>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<(bool, u64)>,
) {
    let ticker = tokio::spawn(tick(shared.clone()));
    let mut accepting = JoinSet::new();
    for (listener, listening) in listeners {
        accepting.spawn(accept_loop(
            listener,
            Arc::new(listening),
            shared.clone(),
            stop.clone(),
        ));
    }
    let _ = stop.wait_for(|(s, _)| *s).await;
    while accepting.join_next().await.is_some() {}
    ticker.abort();
    tracing::info!("embedded broker stopped");
}

async fn accept_loop(
    listener: TcpListener,
    listening: Arc<Listening>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<(bool, u64)>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(open(stream, peer, listening.clone(), shared.clone(), stop.clone()));
                }
                Err(e) => {
                    // Running out of descriptors must not end the broker; back off briefly.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            changed = stop.changed() => {
                if changed.is_err() || stop.borrow().0 {
                    break;
                }
            }
            Some(_) = conns.join_next() => {}
        }
    }
    drop(listener);
    conns.shutdown().await;
}

/// How long a client may take over its TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts a connection: the TLS handshake on TLS listeners (a client certificate names
/// the principal on SSL ones), then requests.
async fn open(
    stream: TcpStream,
    peer: SocketAddr,
    listening: Arc<Listening>,
    shared: Arc<Shared>,
    stop: watch::Receiver<(bool, u64)>,
) {
    let Some(tls) = &listening.tls else {
        let principal = crate::principal::ANONYMOUS.to_string();
        return connection(stream, peer, principal, listening, shared, stop).await;
    };
    let acceptor = match listening.protocol {
        SecurityProtocol::SaslSsl => &tls.sasl_acceptor,
        _ => &tls.acceptor,
    };
    let stream = match tls_accept(acceptor, stream).await {
        Ok(s) => s,
        Err(e) => {
            tracing::info!(%peer, "TLS handshake failed: {e}");
            return;
        }
    };
    let principal = match (listening.protocol, stream.ssl().peer_certificate()) {
        (SecurityProtocol::Ssl, Some(cert)) => tls::principal_of(&cert),
        _ => crate::principal::ANONYMOUS.to_string(),
    };
    connection(stream, peer, principal, listening, shared, stop).await;
}

async fn tls_accept(
    acceptor: &openssl::ssl::SslAcceptor,
    stream: TcpStream,
) -> Result<tokio_openssl::SslStream<TcpStream>, String> {
    let ssl = openssl::ssl::Ssl::new(acceptor.context()).map_err(|e| e.to_string())?;
    let mut stream = tokio_openssl::SslStream::new(ssl, stream).map_err(|e| e.to_string())?;
    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, Pin::new(&mut stream).accept()).await {
        Ok(Ok(())) => Ok(stream),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no handshake within {TLS_HANDSHAKE_TIMEOUT:?}")),
    }
}

/// Runs the group coordinator's timers: at the earliest deadline, and at least every
/// 25 ms (new deadlines appear with requests).
async fn tick(shared: Arc<Shared>) {
    loop {
        let now = Instant::now();
        let at_most = now + Duration::from_millis(25);
        let wake = shared
            .groups
            .next_deadline()
            .map_or(at_most, |d| d.clamp(now, at_most));
        tokio::time::sleep_until(wake.into()).await;
        shared.groups.tick(Instant::now());
        shared
            .consumer_groups
            .expire(handlers::now_ms(), || shared.group_topics(), &shared.groups);
        shared
            .consumer_groups
            .resolve_regexes(|| shared.group_topics(), handlers::now_ms());
    }
}

async fn connection<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    peer: SocketAddr,
    principal: String,
    listening: Arc<Listening>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<(bool, u64)>,
) {
    let generation = stop.borrow().1;
    // Reads and writes take turns, so one buffered stream serves both.
    let mut conn = BufReader::with_capacity(64 * 1024, stream);
    let mut session = sasl::Session::new(
        listening.protocol,
        listening.mechanisms.clone(),
        principal,
        shared.config.reauth,
    );
    let mut who = Peer {
        host: format!("/{}", peer.ip()),
        principal: session.principal().to_string(),
        advertised: listening.advertised.clone(),
    };
    loop {
        let frame_result = tokio::select! {
            f = read_frame(&mut conn, shared.config.max_request_bytes) => f,
            _ = stop.wait_for(|(s, n)| *s || *n != generation) => return,
        };
        let request = match frame_result {
            Ok(r) => r,
            Err(FrameError::Closed) => return,
            Err(e) => {
                tracing::warn!(%peer, "closing connection: {e}");
                return;
            }
        };
        shared.count_request(&request);
        let outcome = match session.route(&shared, &request, Instant::now()) {
            sasl::Route::Done(outcome) => outcome,
            sasl::Route::Broker => {
                if who.principal != session.principal() {
                    who.principal = session.principal().to_string();
                }
                tokio::select! {
                    o = handlers::handle(&shared, &who, request) => o,
                    _ = stop.wait_for(|(s, n)| *s || *n != generation) => return,
                }
            }
        };
        match outcome {
            Outcome::Respond(body) => {
                if let Err(e) = write(&mut conn, &body).await {
                    tracing::debug!(%peer, "write failed: {e}");
                    return;
                }
            }
            Outcome::NoResponse => {}
            Outcome::Close(reason) => {
                tracing::warn!(%peer, "closing connection: {reason}");
                return;
            }
            Outcome::RespondThenClose(body, reason) => {
                let _ = write(&mut conn, &body).await;
                tracing::warn!(%peer, "closing connection: {reason}");
                let _ = conn.shutdown().await;
                return;
            }
        }
    }
}

async fn write<S: AsyncWrite + Unpin>(conn: &mut S, body: &[u8]) -> std::io::Result<()> {
    conn.write_all(&frame(body)).await?;
    conn.flush().await
}
