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

/// Rounds of each measurement; the ratios use the medians.
const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Produces `n` messages to `ingest` and measures the live view reading them, against the
/// peers, in interleaved rounds (so a busy moment of the machine falls on all of them).
fn run(bootstrap: &str, n: usize, cluster: &str) {
    let bootstrap = bootstrap.to_string();
    produce(&bootstrap, "ingest", n);
    let baseline = peak_rss_mb();
    let (mut live, mut peer, mut kcat) = (Vec::new(), Vec::new(), Vec::new());
    let mut dashboard_rss = 0.0;
    let mut frames = 0;
    for round in 0..ROUNDS {
        let (rate, f) = dashboard_rate(&bootstrap, n);
        live.push(rate);
        frames = f;
        if round == 0 {
            // Before any peer ran in this process: the dashboard's own peak.
            dashboard_rss = peak_rss_mb();
        }
        peer.push(counting_consumer_rate(&bootstrap, n));
        if let Some(k) = kcat_rate(&bootstrap, n) {
            kcat.push(k);
        }
    }
    let rate = median(live.clone());
    println!(
        "{cluster}: {n} x 100 bytes, 2 partitions, the watch screen drawing at ≤ 30 fps ({frames} frames), median of {ROUNDS}"
    );
    println!("live view ingest: {rate:>10.0} msg/s (rounds: {live:.0?})");
    let tuned = median(peer.clone());
    println!(
        "librdkafka consumer, batches of 10,000, counting only: {tuned:>10.0} msg/s (rounds: {peer:.0?}) → ratio dashboard/consumer = {:.2}",
        rate / tuned
    );
    if kcat.is_empty() {
        println!("kcat not available: no peer measurement");
    } else {
        let k = median(kcat.clone());
        println!(
            "kcat -C -e -o beginning > /dev/null: {k:>10.0} msg/s (rounds: {kcat:.0?}) → ratio dashboard/kcat = {:.2}",
            rate / k
        );
    }
    println!("dashboard peak RSS: {dashboard_rss:.0} MiB (before ingest: {baseline:.0} MiB)");
}

/// The live view reading the whole topic while the watch screen draws: messages a second
/// and frames drawn.
fn dashboard_rate(bootstrap: &str, n: usize) -> (f64, u64) {
    let bootstrap = bootstrap.to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (elapsed, frames, _shown) = rt.block_on(async {
        let mut w = workers::spawn(
            ClientSettings {
                bootstrap: bootstrap.clone(),
                overrides: vec![],
            },
            Default::default(),
        );
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
                        terminal.draw(|f| kafka_dash::screen::draw(f, &mut app)).unwrap();
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
    (n as f64 / elapsed.as_secs_f64(), frames)
}

/// kcat reading the whole topic to /dev/null, if kcat is there.
fn kcat_rate(bootstrap: &str, n: usize) -> Option<f64> {
    let start = Instant::now();
    let ok = Command::new("kcat")
        .args([
            "-C",
            "-b",
            bootstrap,
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
    ok.then(|| n as f64 / start.elapsed().as_secs_f64())
}

/// A librdkafka consumer set up for throughput (large fetches, a deep prefetch queue) that
/// does nothing but count: the fastest this machine reads the topic through librdkafka.
fn counting_consumer_rate(bootstrap: &str, n: usize) -> f64 {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::{Offset, TopicPartitionList};
    let mut config = rdkafka::ClientConfig::new();
    config
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "ingest-bench-counter")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "false")
        .set("fetch.max.bytes", "52428800")
        .set("max.partition.fetch.bytes", "10485760")
        .set("queued.min.messages", "1000000")
        .set("fetch.wait.max.ms", "10");
    // INGEST_PEER="k=v,k=v" tries other settings for the peer.
    for kv in std::env::var("INGEST_PEER").unwrap_or_default().split(',') {
        if let Some((k, v)) = kv.split_once('=') {
            config.set(k, v);
        }
    }
    let consumer: BaseConsumer = config.create().expect("counting consumer");
    let mut tpl = TopicPartitionList::new();
    for p in 0..2 {
        tpl.add_partition_offset("ingest", p, Offset::Beginning)
            .unwrap();
    }
    consumer.assign(&tpl).unwrap();
    let start = Instant::now();
    let mut count = 0usize;
    // Batches of up to 10,000 straight from the consumer queue, as librdkafka's own
    // performance tool reads: no per-message wrapper, nothing kept.
    let rk = consumer.client().native_ptr();
    // SAFETY: the queue and the messages belong to `consumer`, which outlives them; each
    // message is destroyed once, and the queue handle is released before returning.
    unsafe {
        let queue = rdkafka_sys::rd_kafka_queue_get_consumer(rk);
        let mut batch: Vec<*mut rdkafka_sys::rd_kafka_message_t> =
            vec![std::ptr::null_mut(); 10_000];
        while count < n && start.elapsed() < Duration::from_secs(300) {
            let got = rdkafka_sys::rd_kafka_consume_batch_queue(
                queue,
                100,
                batch.as_mut_ptr(),
                batch.len(),
            );
            for m in batch.iter().take(got.max(0) as usize) {
                if (**m).err == rdkafka_sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                    count += 1;
                }
                rdkafka_sys::rd_kafka_message_destroy(*m);
            }
        }
        rdkafka_sys::rd_kafka_queue_destroy(queue);
    }
    n as f64 / start.elapsed().as_secs_f64()
}
