//! Listener, per-connection tasks, the coordinator's timer, and the handle to stop it all.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::framing::{frame, read_frame, FrameError};
use super::handlers::{self, Outcome, Peer};
use super::{BrokerConfig, GroupSummary, Shared, TopicError};

/// A running embedded broker. Dropping it stops the broker.
#[derive(Debug)]
pub struct Broker {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// `true` stops everything; bumping the counter drops connections only.
    stop_tx: watch::Sender<(bool, u64)>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Broker {
    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(config: BrokerConfig) -> std::io::Result<Broker> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config, addr));
        let (stop_tx, stop_rx) = watch::channel((false, 0));
        let task = tokio::spawn(serve(listener, shared.clone(), stop_rx));
        tracing::info!(%addr, "embedded broker listening");
        Ok(Broker {
            addr,
            shared,
            stop_tx,
            task: Some(task),
        })
    }

    /// The bound address (useful after binding port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `host:port` for a client's `bootstrap.servers`.
    pub fn bootstrap(&self) -> String {
        format!("{}:{}", self.shared.advertised.0, self.shared.advertised.1)
    }

    /// Creates a topic directly (no client round trip).
    pub fn create_topic(&self, name: &str, partitions: i32) -> Result<(), TopicError> {
        self.shared.create_topic(name, partitions)
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

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<(bool, u64)>) {
    let mut conns = JoinSet::new();
    let ticker = tokio::spawn(tick(shared.clone()));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(connection(stream, peer, shared.clone(), stop.clone()));
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
    ticker.abort();
    drop(listener);
    conns.shutdown().await;
    tracing::info!("embedded broker stopped");
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

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<(bool, u64)>,
) {
    let generation = stop.borrow().1;
    let (rd, mut wr) = stream.into_split();
    let mut rd = BufReader::with_capacity(64 * 1024, rd);
    let who = Peer {
        host: format!("/{}", peer.ip()),
    };
    loop {
        let frame_result = tokio::select! {
            f = read_frame(&mut rd, shared.config.max_request_bytes) => f,
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
        let outcome = tokio::select! {
            o = handlers::handle(&shared, &who, request) => o,
            _ = stop.wait_for(|(s, n)| *s || *n != generation) => return,
        };
        match outcome {
            Outcome::Respond(body) => {
                if let Err(e) = wr.write_all(&frame(&body)).await {
                    tracing::debug!(%peer, "write failed: {e}");
                    return;
                }
            }
            Outcome::NoResponse => {}
            Outcome::Close(reason) => {
                tracing::warn!(%peer, "closing connection: {reason}");
                return;
            }
        }
    }
}
