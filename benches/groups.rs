//! Groups pane benchmark (not a test): time from a new member's subscribe to the pane
//! showing its assignment (embedded broker, default settings), and frame time with
//! 50 groups × 20 members × 100 partitions.
//!
//!     cargo bench --bench groups

use std::time::{Duration, Instant};

use kafka_dash::action::{Action, KafkaEvent};
use kafka_dash::app::App;
use kafka_dash::broker::{Broker, BrokerConfig};
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::groups::GroupDetail;
use kafka_dash::kafka::model::{GroupListing, GroupSnapshot, MemberInfo, PartitionLag};
use kafka_dash::kafka::timeline::Timeline;
use kafka_dash::kafka::workers;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rdkafka::consumer::{Consumer, StreamConsumer};

/// Polls a consumer forever (its rebalance callbacks run inside poll).
fn member(settings: &ClientSettings, group: &str) -> tokio::task::JoinHandle<()> {
    let consumer: StreamConsumer = settings
        .config()
        .set("group.id", group)
        .set("heartbeat.interval.ms", "500")
        .create()
        .unwrap();
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

fn holders(app: &App) -> Vec<usize> {
    app.groups.current().map_or(vec![], |d| {
        d.snapshot
            .members
            .iter()
            .map(|m| m.assignment.iter().map(|(_, p)| p.len()).sum())
            .collect()
    })
}

/// (new group: first member's subscribe → pane shows its assignment,
///  second member's subscribe → pane shows both holding one partition each).
async fn join_to_pane() -> (Duration, Duration) {
    let broker = Broker::start(BrokerConfig::default()).await.unwrap();
    broker.create_topic("joins", 2).unwrap();
    let settings = ClientSettings {
        bootstrap: broker.bootstrap(),
        overrides: vec![],
    };
    let mut w = workers::spawn(settings.clone(), Default::default());
    let mut app = App::new("bench".into(), w.commands.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start = Instant::now();
    let a = member(&settings, "bench-join");
    let first = until(&mut app, &mut w, start, |app| holders(app) == [2]).await;
    let start = Instant::now();
    let b = member(&settings, "bench-join");
    let second = until(&mut app, &mut w, start, |app| holders(app) == [1, 1]).await;
    a.abort();
    b.abort();
    (first, second)
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
        })
        .collect();
    let snapshot = GroupSnapshot {
        name: "group-00".into(),
        state: "Stable".into(),
        protocol: "range".into(),
        members,
    };
    let mut t = Timeline::default();
    t.observe(&snapshot, 0);
    app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(
        GroupDetail {
            snapshot,
            partitions,
            timeline: t.entries,
        },
    ))));
    app
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let runs: Vec<(Duration, Duration)> = (0..5).map(|_| rt.block_on(join_to_pane())).collect();
    let report = |what: &str, mut v: Vec<Duration>| {
        v.sort();
        println!(
            "{what}: median {:.0} ms (min {:.0}, max {:.0}, 5 runs; goal < 1500 ms)",
            v[2].as_secs_f64() * 1e3,
            v[0].as_secs_f64() * 1e3,
            v[4].as_secs_f64() * 1e3
        );
    };
    report(
        "new group: member subscribes -> pane shows its assignment",
        runs.iter().map(|r| r.0).collect(),
    );
    report(
        "second member subscribes -> pane shows both holding one partition",
        runs.iter().map(|r| r.1).collect(),
    );

    let app = big_app();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let frames = 200;
    let mut times = Vec::with_capacity(frames);
    for _ in 0..frames {
        let start = Instant::now();
        terminal.draw(|f| kafka_dash::ui::draw(f, &app)).unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "frame time, 50 groups x 20 members x 100 partitions (200x60 cells): median {:.2} ms, p99 {:.2} ms",
        times[frames / 2].as_secs_f64() * 1e3,
        times[frames * 99 / 100].as_secs_f64() * 1e3
    );
}
