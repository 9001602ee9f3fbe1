//! The workers never wait on each other or on the UI (issue 21, item 4): a hanging admin
//! call does not hold a produce up, a command that cannot be carried out says so, and a
//! UI that stops reading neither stops the workers nor loses a delivery report.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use broker::BrokerConfig;
use kafka_dash::kafka::client::{ClientSettings, WATCHER_CLIENT_ID};
use kafka_dash::kafka::messages::{KafkaCommand, KafkaEvent, MemberSpec, ResetTo};
use kafka_dash::kafka::model::OutgoingMessage;
use kafka_dash::kafka::partitioner::Partitioner;
use kafka_dash::kafka::workers::{self, Workers};
use rdkafka::consumer::{BaseConsumer, Consumer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

/// Kafka's api key of OffsetFetch (what a reset reads committed offsets with).
const OFFSET_FETCH: i16 = 9;
/// A guard against a hung test, never a figure the test is about.
const GUARD: Duration = Duration::from_secs(60);

fn settings(bootstrap: &str) -> ClientSettings {
    ClientSettings {
        bootstrap: bootstrap.to_string(),
        overrides: Vec::new(),
    }
}

fn message(topic: &str, n: u64) -> KafkaCommand {
    KafkaCommand::Produce {
        id: n,
        message: OutgoingMessage {
            topic: topic.into(),
            partition: Some(0),
            key: None,
            value: Some(format!("m{n}").into_bytes()),
            headers: Vec::new(),
        },
        partitioner: Partitioner::ConsistentRandom,
    }
}

/// The next event, or a panic naming what was awaited.
async fn next(w: &mut Workers, awaiting: &str) -> KafkaEvent {
    tokio::time::timeout(GUARD, w.events.recv())
        .await
        .unwrap_or_else(|_| panic!("no event while awaiting {awaiting}"))
        .expect("the workers are running")
}

// ---------------------------------------------------------------- a hanging admin call

/// A TCP proxy in front of the broker that holds every request of one kind from the
/// dashboard's clients (not the group watcher's) until released, so the call that sent
/// it hangs for real while everything else goes through.
struct HoldingProxy {
    held: mpsc::Receiver<()>,
    release: watch::Sender<bool>,
}

async fn holding_proxy(listener: TcpListener, upstream: SocketAddr, key: i16) -> HoldingProxy {
    let (held_tx, held) = mpsc::channel(16);
    let (release, released) = watch::channel(false);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(broker) = TcpStream::connect(upstream).await else {
                return;
            };
            let (from_client, to_broker) = (client.into_split(), broker.into_split());
            let (mut client_rd, mut client_wr) = from_client;
            let (mut broker_rd, mut broker_wr) = to_broker;
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut broker_rd, &mut client_wr).await;
            });
            let (held_tx, mut released) = (held_tx.clone(), released.clone());
            tokio::spawn(async move {
                while let Some(frame) = read_frame(&mut client_rd).await {
                    if is_held(&frame, key) && !*released.borrow() {
                        let _ = held_tx.send(()).await;
                        let _ = released.wait_for(|r| *r).await;
                    }
                    if broker_wr.write_all(&frame).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    HoldingProxy { held, release }
}

/// One request: its size and the bytes after it.
async fn read_frame(from: &mut tokio::net::tcp::OwnedReadHalf) -> Option<Vec<u8>> {
    let mut size = [0u8; 4];
    from.read_exact(&mut size).await.ok()?;
    let mut frame = size.to_vec();
    frame.resize(4 + i32::from_be_bytes(size) as usize, 0);
    from.read_exact(&mut frame[4..]).await.ok()?;
    Some(frame)
}

/// A request of kind `key` from a client other than the group watcher (header: size,
/// api key, version, correlation id, then the client id as a length and bytes).
fn is_held(frame: &[u8], key: i16) -> bool {
    let api_key = i16::from_be_bytes([frame[4], frame[5]]);
    let len = i16::from_be_bytes([frame[12], frame[13]]).max(0) as usize;
    let client_id = frame.get(14..14 + len).unwrap_or_default();
    api_key == key && client_id != WATCHER_CLIENT_ID.as_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_is_delivered_while_a_reset_hangs() {
    // The broker advertises the proxy's address, so every client goes through it.
    let broker = common::broker_with(BrokerConfig {
        listen: "127.0.0.2:0".parse().unwrap(),
        advertised_host: Some("127.0.0.1".into()),
        ..BrokerConfig::default()
    })
    .await;
    broker.create_topic("orders", 1).unwrap();
    let port = broker.addr().port();
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let mut proxy = holding_proxy(listener, broker.addr(), OFFSET_FETCH).await;
    let mut w = workers::spawn(settings(&broker.bootstrap()), Default::default());

    let reset = KafkaCommand::ResetOffsets {
        group: "stuck".into(),
        to: ResetTo::Earliest,
    };
    w.commands.send(reset).await.unwrap();
    tokio::time::timeout(GUARD, proxy.held.recv())
        .await
        .expect("the reset reads committed offsets");
    w.commands.send(message("orders", 1)).await.unwrap();
    loop {
        match next(&mut w, "the send's report").await {
            KafkaEvent::Delivered(1, d) => {
                assert_eq!(d.result, Ok((0, 0)));
                break;
            }
            KafkaEvent::Admin(outcome) => {
                panic!("the reset ended before the send was reported: {outcome:?}")
            }
            _ => {}
        }
    }
    // Released, the reset finishes and says how.
    proxy.release.send(true).unwrap();
    loop {
        if let KafkaEvent::Admin(_) = next(&mut w, "the reset's outcome").await {
            break;
        }
    }
    let (done, wait) = tokio::sync::oneshot::channel();
    w.commands.send(KafkaCommand::Shutdown(done)).await.unwrap();
    wait.await.unwrap();
}

// ---------------------------------------------------------------- commands that cannot be carried out

#[tokio::test]
async fn a_command_that_cannot_be_carried_out_says_why() {
    // No client can be made with a property librdkafka does not know.
    let mut s = settings("127.0.0.1:9");
    s.overrides.push(("no.such.property".into(), "1".into()));
    let mut w = workers::spawn(s, Default::default());
    let commands = [
        KafkaCommand::CreateTopic {
            name: "a".into(),
            partitions: 1,
            replication: 1,
            configs: Vec::new(),
        },
        KafkaCommand::AddPartitions {
            topic: "b".into(),
            total: 2,
        },
        KafkaCommand::DeleteTopic("c".into()),
        KafkaCommand::DeleteGroup("d".into()),
        KafkaCommand::ResetOffsets {
            group: "e".into(),
            to: ResetTo::Latest,
        },
        KafkaCommand::AddMember(MemberSpec {
            group: "f".into(),
            topics: vec!["t".into()],
            assignor: "range".into(),
        }),
        KafkaCommand::RemoveMember(6),
    ];
    for c in commands {
        w.commands.send(c).await.unwrap();
    }
    w.commands.send(message("t", 7)).await.unwrap();
    w.commands.send(KafkaCommand::RefreshTopics).await.unwrap();
    let mut said = BTreeSet::new();
    let mut delivered = None;
    let mut topics = None;
    while said.len() < 7 || delivered.is_none() || topics.is_none() {
        match next(&mut w, "an error for every command").await {
            KafkaEvent::Admin(Err(e)) => {
                said.insert(e);
            }
            KafkaEvent::Admin(Ok(m)) => panic!("carried out without a client: {m}"),
            KafkaEvent::Delivered(7, d) => delivered = Some(d.result),
            KafkaEvent::Topics(Err(e)) => topics = Some(e),
            _ => {}
        }
    }
    let said: Vec<String> = said.into_iter().collect();
    for (needle, what) in [
        ("create a", "create topic"),
        ("add partitions to b", "add partitions"),
        ("delete c", "delete topic"),
        ("delete group d", "delete group"),
        ("no.such.property", "reset offsets and add member"),
        ("kafka-dash-G is not running", "remove member"),
    ] {
        assert!(
            said.iter().any(|s| s.contains(needle)),
            "{what}: nothing says {needle:?} in {said:?}"
        );
    }
    assert!(matches!(delivered, Some(Err(e)) if e.contains("no.such.property")));
    assert!(topics.unwrap().contains("cannot create a client"));
}

// ---------------------------------------------------------------- a UI that does not read

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_go_on_while_the_ui_does_not_read_and_lose_no_report() {
    let broker = common::broker().await;
    broker.create_topic("t", 1).unwrap();
    // Room for one event: the admin outcomes below fill it at once.
    let mut w = workers::spawn_with_capacity(settings(&broker.bootstrap()), Default::default(), 1);
    for n in 0..3 {
        let grow = KafkaCommand::AddPartitions {
            topic: format!("missing-{n}"),
            total: 2,
        };
        w.commands.send(grow).await.unwrap();
    }
    for n in 0..50 {
        w.commands.send(message("t", n)).await.unwrap();
    }
    // Nothing has been read, yet every message reaches the broker.
    let check: BaseConsumer = common::client(&broker).create().unwrap();
    common::eventually(60, "50 messages in t", || {
        let (_, high) = check
            .fetch_watermarks("t", 0, Duration::from_secs(5))
            .ok()?;
        (high == 50).then_some(())
    })
    .await;
    w.commands.send(KafkaCommand::RefreshTopics).await.unwrap();
    // Reading again: every report, once, and the topic list catches up.
    let mut reports = BTreeSet::new();
    let mut admin_errors = 0;
    let mut newest_count = None;
    while reports.len() < 50 || admin_errors < 3 || newest_count != Some(Some(50)) {
        match next(&mut w, "every report and the newest topic list").await {
            KafkaEvent::Delivered(id, d) => {
                assert!(d.result.is_ok(), "{d:?}");
                assert!(reports.insert(id), "report {id} came twice");
            }
            KafkaEvent::Admin(Err(_)) => admin_errors += 1,
            KafkaEvent::Topics(Ok(topics)) => {
                newest_count = topics.iter().find(|t| t.name == "t").map(|t| t.messages);
            }
            _ => {}
        }
    }
    assert_eq!(reports, (0..50).collect());
}
