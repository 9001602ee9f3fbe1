//! How fast the live view ingests messages while the watch screen draws at its normal
//! frame rate, against two peers reading the same topic in the same run — a librdkafka
//! consumer tuned for throughput that only counts messages, and kcat to /dev/null — and
//! the dashboard's peak memory after 1M messages. The cluster runs in its own processes — `kafka-dash broker`,
//! then Apache Kafka (each measurement in a fresh process of this bench, so peak memory
//! is per cluster) — and kcat produces the data, so the memory measured is the dashboard's.
//!
//!     cargo bench --bench ingest [-- MESSAGES] [--cluster embedded|kafka]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/real_kafka.rs"]
mod real_kafka;

use kafka_dash::action::{Action, KafkaCommand, StartFrom};
use kafka_dash::app::App;
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::workers;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Produces with kcat, in its own process, so this process's memory is the dashboard's.
fn produce(bootstrap: &str, topic: &str, n: usize) {
    use std::io::Write;
    let mut kcat = Command::new("kcat")
        .args([
            "-P",
            "-b",
            bootstrap,
            "-t",
            topic,
            "-X",
            "linger.ms=5",
            "-X",
            "queue.buffering.max.messages=1000000",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("kcat is needed to produce the bench data");
    let line = [b'x'; 99];
    {
        let mut stdin = std::io::BufWriter::new(kcat.stdin.take().unwrap());
        for _ in 0..n {
            stdin.write_all(&line).unwrap();
            stdin.write_all(b"\n").unwrap();
        }
    }
    assert!(kcat.wait().unwrap().success(), "kcat -P failed");
}

/// Starts `kafka-dash broker` with the `ingest` topic; returns it and its bootstrap.
fn start_embedded() -> (std::process::Child, String) {
    let mut broker = Command::new(env!("CARGO_BIN_EXE_kafka-dash"))
        .args([
            "broker",
            "--listen",
            "127.0.0.1:0",
            "--topic",
            "ingest:2",
            "--partition-size-cap",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("broker process");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(broker.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let bootstrap = line.trim().rsplit(' ').next().unwrap().to_string();
    (broker, bootstrap)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .iter()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(1_000_000);
    let cluster = args
        .iter()
        .position(|a| a == "--cluster")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    match cluster {
        Some("embedded") => {
            let (mut broker, bootstrap) = start_embedded();
            run(&bootstrap, n, "kafka-dash broker");
            let _ = broker.kill();
            let _ = broker.wait();
        }
        Some("kafka") => {
            let Some(kafka) = real_kafka::RealKafka::start() else {
                return;
            };
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(real_kafka::create_topics(
                    &kafka.bootstrap,
                    &[("ingest", 2)],
                ));
            run(&kafka.bootstrap, n, "Apache Kafka");
        }
        _ => {
            // Each cluster in a fresh process, one after the other.
            for c in ["embedded", "kafka"] {
                let status = Command::new(std::env::current_exe().unwrap())
                    .args(["--cluster", c, &n.to_string()])
                    .status()
                    .expect("bench process");
                assert!(status.success(), "the {c} run failed");
            }
        }
    }
}

/// Produces `n` messages to `ingest` and measures the live view reading them.
fn run(bootstrap: &str, n: usize, cluster: &str) {
    let bootstrap = bootstrap.to_string();
    produce(&bootstrap, "ingest", n);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let baseline = peak_rss_mb();
    let (elapsed, frames, shown) = rt.block_on(async {
        let mut w = workers::spawn(ClientSettings {
            bootstrap: bootstrap.clone(),
            overrides: vec![],
        });
        let mut app = App::new("bench".into(), w.commands.clone());
        w.commands
            .send(KafkaCommand::Tail {
                topic: "ingest".into(),
                from: StartFrom::Beginning,
                value_limit: app.live.limits.value_preview_bytes.0,
            })
            .await
            .unwrap();
        app.watch("ingest".into(), StartFrom::Beginning);
        // The watch screen draws the live view, the composer and the groups at once.
        app.switch(kafka_dash::app::Pane::Watch);
        let mut terminal = Terminal::new(TestBackend::new(160, 50)).unwrap();
        let mut frame = tokio::time::interval(Duration::from_millis(33));
        let start = Instant::now();
        let mut frames = 0u64;
        loop {
            tokio::select! {
                Some(ev) = w.events.recv() => {
                    app.update(Action::Kafka(ev));
                    while let Ok(ev) = w.events.try_recv() {
                        app.update(Action::Kafka(ev));
                    }
                }
                _ = frame.tick() => {
                    if app.dirty {
                        app.dirty = false;
                        terminal.draw(|f| kafka_dash::ui::draw(f, &app)).unwrap();
                        frames += 1;
                    }
                }
            }
            let seen: u64 = app.live.stats.iter().map(|s| s.seen).sum();
            if seen >= n as u64 {
                return (
                    start.elapsed(),
                    frames,
                    app.live.records.len() as u64 + app.live.evicted,
                );
            }
            if start.elapsed() > Duration::from_secs(300) {
                panic!("ingest did not finish: seen {seen}");
            }
        }
    });
    let rate = n as f64 / elapsed.as_secs_f64();
    let dashboard_rss = peak_rss_mb();
    let tuned = counting_consumer_rate(&bootstrap, n);
    let kcat_start = Instant::now();
    let kcat_ok = Command::new("kcat")
        .args([
            "-C",
            "-b",
            &bootstrap,
            "-t",
            "ingest",
            "-o",
            "beginning",
            "-e",
            "-q",
        ])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let kcat_rate = n as f64 / kcat_start.elapsed().as_secs_f64();
    println!(
        "{cluster}: {n} x 100 bytes, 2 partitions, live view drawing at ≤ 30 fps ({frames} frames)"
    );
    println!(
        "live view ingest: {rate:>10.0} msg/s ({} records reached the UI, rest counted only)",
        shown
    );
    println!(
        "librdkafka consumer, tuned, counting only: {tuned:>10.0} msg/s  → ratio dashboard/consumer = {:.2}",
        rate / tuned
    );
    if kcat_ok {
        println!("kcat -C -e -o beginning > /dev/null: {kcat_rate:>10.0} msg/s  → ratio dashboard/kcat = {:.2}", rate / kcat_rate);
    } else {
        println!("kcat not available: no peer measurement");
    }
    println!("dashboard peak RSS: {dashboard_rss:.0} MiB (before ingest: {baseline:.0} MiB)");
}

/// A librdkafka consumer set up for throughput (large fetches, a deep prefetch queue) that
/// does nothing but count: the fastest this machine reads the topic through librdkafka.
fn counting_consumer_rate(bootstrap: &str, n: usize) -> f64 {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::{Offset, TopicPartitionList};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "ingest-bench-counter")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "false")
        .set("fetch.max.bytes", "52428800")
        .set("max.partition.fetch.bytes", "10485760")
        .set("queued.min.messages", "1000000")
        .set("fetch.wait.max.ms", "10")
        .create()
        .expect("counting consumer");
    let mut tpl = TopicPartitionList::new();
    for p in 0..2 {
        tpl.add_partition_offset("ingest", p, Offset::Beginning)
            .unwrap();
    }
    consumer.assign(&tpl).unwrap();
    let start = Instant::now();
    let mut count = 0usize;
    while count < n && start.elapsed() < Duration::from_secs(300) {
        if let Some(Ok(_)) = consumer.poll(Duration::from_millis(100)) {
            count += 1;
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}
