//! Groups pane benchmark (not a test): time from a new member's subscribe to the pane
//! showing its assignment, and from a second member's to the pane showing both — with
//! the classic protocol and with KIP-848's consumer protocol, on the embedded broker
//! and on Apache Kafka (when Java and its jars are here); frame time with
//! 50 groups × 20 members × 100 partitions; and a cluster of 2,000 groups, each with a
//! member and commits: requests a second the watcher sends (counted by the broker),
//! time for a new group to be listed, the followed group's refresh latency, frame time
//! and the dashboard's memory.
//!
//!     cargo bench --bench groups

use std::time::{Duration, Instant};

use broker::{Broker, BrokerConfig};
use kafka_dash::action::{Action, KafkaEvent};
use kafka_dash::app::App;
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::groups::GroupDetail;
use kafka_dash::kafka::model::{GroupListing, GroupSnapshot, MemberInfo, PartitionLag};
use kafka_dash::kafka::timeline::Timeline;
use kafka_dash::kafka::workers;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rdkafka::consumer::{Consumer, StreamConsumer};

#[path = "support/real_kafka.rs"]
mod real_kafka;
#[path = "support/wire_members.rs"]
mod wire_members;

/// The group protocol a benchmark member speaks.
#[derive(Debug, Clone, Copy)]
enum Protocol {
    /// JoinGroup/SyncGroup, librdkafka's range assignor, heartbeats every 500 ms.
    Classic,
    /// KIP-848: the coordinator assigns; heartbeats every 5 s as the broker says.
    Consumer,
}

/// Polls a consumer forever (its rebalance callbacks run inside poll).
fn member(
    settings: &ClientSettings,
    group: &str,
    protocol: Protocol,
) -> tokio::task::JoinHandle<()> {
    let mut config = settings.config();
    config.set("group.id", group);
    match protocol {
        Protocol::Classic => config.set("heartbeat.interval.ms", "500"),
        Protocol::Consumer => config.set("group.protocol", "consumer"),
    };
    let consumer: StreamConsumer = config.create().unwrap();
    consumer.subscribe(&["joins"]).unwrap();
    tokio::spawn(async move {
        loop {
            let _ = tokio::time::timeout(Duration::from_millis(50), consumer.recv()).await;
        }
    })
}

/// Feeds worker events to the app until `done(app)`; returns how long that took.
async fn until(
    app: &mut App,
    w: &mut workers::Workers,
    start: Instant,
    done: impl Fn(&App) -> bool,
) -> Duration {
    loop {
        let Some(ev) = w.events.recv().await else {
            panic!("workers stopped")
        };
        app.update(Action::Kafka(ev));
        if done(app) {
            return start.elapsed();
        }
    }
}

fn holders(app: &App, group: &str) -> Vec<usize> {
    let d = app.groups.current().filter(|d| d.snapshot.name == group);
    d.map_or(vec![], |d| {
        d.snapshot
            .members
            .iter()
            .map(|m| m.assignment.iter().map(|(_, p)| p.len()).sum())
            .collect()
    })
}

/// (new group: first member's subscribe → pane shows its assignment,
///  second member's subscribe → pane shows both holding one partition each), on a
///  cluster with a two-partition topic `joins`.
async fn join_to_pane(
    bootstrap: &str,
    group: &str,
    protocol: Protocol,
    run: u64,
) -> (Duration, Duration) {
    let settings = ClientSettings {
        bootstrap: bootstrap.to_string(),
        overrides: vec![],
    };
    let mut w = workers::spawn(settings.clone(), Default::default());
    let mut app = App::new("bench".into(), w.commands.clone());
    // Earlier runs' groups are still listed: follow this one as soon as it is.
    app.groups.want_selected = Some(group.to_string());
    // Each run joins at another point of the watcher's listing cycle (every 1–2 s), so
    // the median is not one lucky or unlucky phase five times over.
    tokio::time::sleep(Duration::from_millis(300 + 370 * run)).await;
    let start = Instant::now();
    let a = member(&settings, group, protocol);
    let first = until(&mut app, &mut w, start, |app| holders(app, group) == [2]).await;
    let start = Instant::now();
    let b = member(&settings, group, protocol);
    let second = until(&mut app, &mut w, start, |app| holders(app, group) == [1, 1]).await;
    a.abort();
    b.abort();
    (first, second)
}

/// Five runs of `join_to_pane` with each protocol on one cluster, reported as medians.
async fn joins_on(cluster: &str, bootstrap: &str) {
    for protocol in [Protocol::Classic, Protocol::Consumer] {
        let mut runs = Vec::new();
        for i in 0..5 {
            let group = format!("bench-join-{protocol:?}-{i}").to_lowercase();
            runs.push(join_to_pane(bootstrap, &group, protocol, i).await);
        }
        let report = |what: &str, mut v: Vec<Duration>| {
            v.sort();
            println!(
                "{cluster}, {protocol:?} protocol: {what}: median {:.0} ms (min {:.0}, max {:.0}, 5 runs)",
                v[2].as_secs_f64() * 1e3,
                v[0].as_secs_f64() * 1e3,
                v[4].as_secs_f64() * 1e3
            );
        };
        report(
            "member subscribes -> pane shows its assignment",
            runs.iter().map(|r| r.0).collect(),
        );
        report(
            "second member subscribes -> pane shows both holding one partition",
            runs.iter().map(|r| r.1).collect(),
        );
    }
}

fn big_app() -> App {
    let (tx, _rx) = tokio::sync::mpsc::channel(8);
    let mut app = App::new("bench".into(), tx);
    app.update(Action::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('4'),
        crossterm::event::KeyModifiers::NONE,
    )));
    let groups: Vec<GroupListing> = (0..50)
        .map(|g| GroupListing {
            name: format!("group-{g:02}"),
            state: "Stable".into(),
            protocol_type: "consumer".into(),
            protocol: "range".into(),
            members: 20,
            total_lag: Some(g * 100),
            ..Default::default()
        })
        .collect();
    app.update(Action::Kafka(KafkaEvent::Groups(Ok(groups))));
    let members: Vec<MemberInfo> = (0..20)
        .map(|m| MemberInfo {
            member_id: format!("consumer-{m}-6a1f6b1c-0d9e-4c4e-9a57-{m:012}"),
            client_id: format!("consumer-{m}"),
            host: "/10.0.0.1".into(),
            assignment: vec![("orders".into(), (m * 5..m * 5 + 5).collect())],
            subscription: vec!["orders".into()],
            regex: None,
            epoch: None,
            target: None,
            classic: false,
        })
        .collect();
    let partitions = (0..100)
        .map(|p| PartitionLag {
            topic: "orders".into(),
            partition: p,
            owner: Some(members[(p / 5) as usize].member_id.clone()),
            committed: Some(1_000),
            high: Some(1_000 + p as i64),
            verdict: None,
            trend: None,
            lag_ms: Some(1_000),
        })
        .collect();
    let snapshot = GroupSnapshot {
        name: "group-00".into(),
        state: "Stable".into(),
        protocol: "range".into(),
        members,
        consumer: None,
    };
    let mut t = Timeline::default();
    t.observe(&snapshot, 0);
    app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(
        GroupDetail {
            snapshot,
            partitions,
            timeline: t.entries,
            read_ms: 0,
            trend: None,
        },
    ))));
    app
}

/// Draws the app `frames` times at 200×60: "median X ms, p99 Y ms".
fn frame_times(app: &mut App, frames: usize) -> String {
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut times = Vec::with_capacity(frames);
    for _ in 0..frames {
        let start = Instant::now();
        terminal.draw(|f| kafka_dash::screen::draw(f, app)).unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    format!(
        "median {:.2} ms, p99 {:.2} ms",
        times[frames / 2].as_secs_f64() * 1e3,
        times[frames * 99 / 100].as_secs_f64() * 1e3
    )
}

/// Resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Feeds worker events to the app until `done(app)` or `limit` passes; how long it took.
async fn pump(
    app: &mut App,
    w: &mut workers::Workers,
    limit: Duration,
    done: impl Fn(&App) -> bool,
) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if done(app) {
            return Some(start.elapsed());
        }
        let left = limit.checked_sub(start.elapsed())?;
        if let Ok(Some(ev)) = tokio::time::timeout(left, w.events.recv()).await {
            app.update(Action::Kafka(ev));
        }
    }
}

const GROUPS: usize = 2_000;
const TOPICS: usize = 20;
const PARTITIONS: i32 = 4;

fn median(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "median {:.0} ms (min {:.0}, max {:.0}, {} runs)",
        v[v.len() / 2].as_secs_f64() * 1e3,
        v[0].as_secs_f64() * 1e3,
        v[v.len() - 1].as_secs_f64() * 1e3,
        v.len()
    )
}

/// 2,000 groups, each with one member (over the wire) holding the 4 partitions of one of
/// 20 topics, with commits: how the watcher copes within its request budget.
async fn many_groups() {
    let broker = Broker::start(BrokerConfig::default()).await.unwrap();
    let topics: Vec<String> = (0..TOPICS).map(|t| format!("orders-{t:02}")).collect();
    for t in &topics {
        broker.create_topic(t, PARTITIONS).unwrap();
    }
    let settings = ClientSettings {
        bootstrap: broker.bootstrap(),
        overrides: vec![],
    };
    let beating = join_many_groups(&broker, &settings, &topics).await;
    let before = rss_mib();
    let mut w = workers::spawn(settings.clone(), Default::default());
    let mut app = App::new("bench".into(), w.commands.clone());
    app.update(Action::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('4'),
        crossterm::event::KeyModifiers::NONE,
    )));
    let listed = pump(&mut app, &mut w, Duration::from_secs(60), |a| {
        a.groups.all.len() >= GROUPS
    })
    .await;
    println!(
        "all {GROUPS} groups listed {:.1} s after the dashboard started",
        listed.map_or(f64::NAN, |d| d.as_secs_f64())
    );
    watcher_requests(&broker, &mut app, &mut w).await;
    let mut wire = wire_members::Wire::connect(&broker.bootstrap()).await;
    let topic = topics[0].clone();
    followed_group_refresh(&mut wire, &topic, &mut app, &mut w).await;
    new_groups_listed(&mut wire, &topic, &mut app, &mut w).await;
    let after = rss_mib();
    println!(
        "frame time, groups pane with {} groups (200x60 cells): {} (goal < 5 ms)",
        app.groups.all.len(),
        frame_times(&mut app, 100)
    );
    println!(
        "memory: the process grew by {:.0} MiB while the dashboard watched {GROUPS} groups (RSS {before:.0} -> {after:.0} MiB, broker in the same process)",
        after - before
    );
    for b in beating {
        b.abort();
    }
}

/// Fills the topics, then joins [`GROUPS`] groups with commits over eight connections;
/// the returned tasks keep every member in with heartbeats.
async fn join_many_groups(
    broker: &Broker,
    settings: &ClientSettings,
    topics: &[String],
) -> Vec<tokio::task::JoinHandle<()>> {
    use rdkafka::producer::{FutureProducer, FutureRecord};
    let producer: FutureProducer = settings.config().create().unwrap();
    for t in topics {
        for p in 0..PARTITIONS {
            for i in 0..100 {
                let v = format!("m{i}");
                let _ = producer
                    .send(
                        FutureRecord::<(), _>::to(t).partition(p).payload(&v),
                        Duration::from_secs(5),
                    )
                    .await;
            }
        }
    }
    // Eight connections join 250 groups each; group g commits 50 + g % 50 of 100.
    let joined = std::time::Instant::now();
    let mut tasks = Vec::new();
    for c in 0..8 {
        let bootstrap = broker.bootstrap();
        let topics = topics.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut wire = wire_members::Wire::connect(&bootstrap).await;
            let mut members = Vec::new();
            for g in (c..GROUPS).step_by(8) {
                let topic = &topics[g % TOPICS];
                let m = wire
                    .join(
                        &format!("group-{g:04}"),
                        topic,
                        PARTITIONS,
                        50 + (g % 50) as i64,
                    )
                    .await;
                members.push(m);
            }
            (wire, members)
        }));
    }
    let mut wires = Vec::new();
    for t in tasks {
        wires.push(t.await.unwrap());
    }
    println!(
        "{GROUPS} groups joined and committed in {:.1} s",
        joined.elapsed().as_secs_f64()
    );
    // Heartbeats keep every member in (session timeout 60 s).
    let mut beating = Vec::new();
    for (mut wire, members) in wires {
        beating.push(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                for m in &members {
                    wire.heartbeat(m).await;
                }
            }
        }));
    }
    beating
}

/// Requests the watcher sends over a minute of watching (the followed group is the first
/// one), counted by the broker.
async fn watcher_requests(broker: &Broker, app: &mut App, w: &mut workers::Workers) {
    let counted = || broker.requests_from(kafka_dash::kafka::groups::WATCHER_CLIENT_ID);
    let sent_before = counted();
    let window = Duration::from_secs(60);
    pump(app, w, window, |_| false).await;
    let by_api: Vec<(String, u64)> = counted()
        .into_iter()
        .map(|(api, n)| {
            let name = kafka_protocol::messages::ApiKey::try_from(api)
                .map_or(api.to_string(), |k| format!("{k:?}"));
            (name, n - sent_before.get(&api).copied().unwrap_or(0))
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let sent: u64 = by_api.iter().map(|(_, n)| n).sum();
    println!("watcher requests by API over the window: {by_api:?}");
    let read = app
        .groups
        .all
        .iter()
        .filter(|g| g.lag_read_ms.is_some())
        .count();
    println!(
        "watcher requests: {:.1}/s over {} s (budget 20/s), counted by the broker; {read} of {GROUPS} groups had their lag read by then",
        sent as f64 / window.as_secs_f64(),
        window.as_secs()
    );
}

/// The followed group's refresh: its member commits until the pane shows it. The probe
/// group is chosen the way a person would: filter the list to it.
async fn followed_group_refresh(
    wire: &mut wire_members::Wire,
    topic: &str,
    app: &mut App,
    w: &mut workers::Workers,
) {
    let mut refresh = Vec::new();
    let probe = "zz-followed".to_string();
    let m = wire.join(&probe, topic, PARTITIONS, 10).await;
    app.groups.filter = probe.clone();
    app.groups.refresh_view();
    let _ = pump(app, w, Duration::from_secs(30), |a| {
        a.groups.selected_name() == Some(probe.as_str())
    })
    .await;
    app.update(Action::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('g'),
        crossterm::event::KeyModifiers::NONE,
    )));
    let _ = pump(app, w, Duration::from_secs(10), |a| {
        a.groups.current().is_some()
    })
    .await;
    for run in 0..5 {
        let offset = 20 + run as i64;
        let start = Instant::now();
        wire.commit(&m, topic, PARTITIONS, offset).await;
        let shown = pump(app, w, Duration::from_secs(10), |a| {
            a.groups
                .current()
                .is_some_and(|d| d.partitions.iter().all(|p| p.committed == Some(offset)))
        })
        .await;
        refresh.push(shown.map_or(Duration::from_secs(10), |_| start.elapsed()));
    }
    println!(
        "followed group: a commit until the pane shows it: {} (goal < 500 ms)",
        median(refresh)
    );
}

/// New groups: a join until the (unfiltered) list holds it.
async fn new_groups_listed(
    wire: &mut wire_members::Wire,
    topic: &str,
    app: &mut App,
    w: &mut workers::Workers,
) {
    app.groups.filter.clear();
    app.groups.refresh_view();
    let mut appear = Vec::new();
    for run in 0..5 {
        let name = format!("zz-new-{run}");
        let start = Instant::now();
        wire.join(&name, topic, PARTITIONS, 1).await;
        let shown = pump(app, w, Duration::from_secs(30), |a| {
            a.groups.all.iter().any(|g| g.name == name)
        })
        .await;
        appear.push(shown.map_or(Duration::from_secs(30), |_| start.elapsed()));
    }
    println!("new group until listed: {} (goal < 5 s)", median(appear));
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Joins on the embedded broker, then on Apache Kafka under the same load (the
    // classic goal: < 1500 ms; the consumer protocol's steps wait for 5 s heartbeats).
    rt.block_on(async {
        let broker = Broker::start(BrokerConfig::default()).await.unwrap();
        broker.create_topic("joins", 2).unwrap();
        joins_on("embedded broker", &broker.bootstrap()).await;
    });
    match real_kafka::RealKafka::start() {
        Some(kafka) => rt.block_on(async {
            real_kafka::create_topics(&kafka.bootstrap, &[("joins", 2)]).await;
            joins_on("Apache Kafka", &kafka.bootstrap).await;
        }),
        None => println!("Apache Kafka: not run (see above)"),
    }

    rt.block_on(many_groups());

    println!(
        "frame time, 50 groups x 20 members x 100 partitions (200x60 cells): {}",
        frame_times(&mut big_app(), 200)
    );
}
