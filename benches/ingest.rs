//! How fast the live view ingests messages while the watch screen draws at its normal
//! frame rate, against two peers reading the same topic in the same run — a librdkafka
//! consumer tuned for throughput that only counts messages, and kcat to /dev/null — and
//! the dashboard's peak memory after 1M messages. The cluster runs in its own processes — `kafka-dash broker`,
//! then Apache Kafka (each measurement in a fresh process of this bench, so peak memory
//! is per cluster) — and a producer process of its own writes the data, so the memory
//! measured is the dashboard's.
//! Each cluster serves a plaintext and a SASL_SSL (SCRAM-SHA-512) listener at once, and
//! every client (producer, live view, peers) of a listener takes the same settings, so the
//! table ends with what TLS and SASL cost the live view: its sasl_ssl/plaintext ratio.
//! On `kafka-dash broker`, which then also serves the schema registry, a third topic holds
//! Confluent-framed Avro values of the same size: the live view reads it decoding through
//! the registry (rows as drawn), and again with a filter set (every record decoded), so the
//! table also gives the avro/plaintext ratio; a last read goes through a registry that
//! answers after 2 s, to see reading go on meanwhile.
//!
//!     cargo bench --bench ingest [-- MESSAGES] [--cluster embedded|kafka]

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/avro.rs"]
mod avro;
#[path = "support/real_kafka.rs"]
mod real_kafka;
use real_kafka::{sasl_ssl_settings, USER};

use kafka_dash::action::{Action, KafkaCommand, StartFrom};
use kafka_dash::app::App;
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::registry::client::RegistryClient;
use kafka_dash::kafka::registry::settings::RegistrySettings;
use kafka_dash::kafka::workers;
use kafka_dash::schemas::cache::Schemas;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// The live view may keep at least this share of its plaintext rate on SASL_SSL.
const GOAL: f64 = 0.67;

/// The live view may read framed Avro values at least this fast (msg/s) while drawing.
const AVRO_GOAL: f64 = 500_000.0;

/// The filter of the `avro+filter` case: it matches a quarter of the decoded values, and
/// every record is decoded to tell.
const FILTER: &str = "widget";

/// How late the slow registry answers.
const SLOW: Duration = Duration::from_secs(2);

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// One listener of a cluster and the librdkafka settings every client of it takes.
struct Listener {
    /// The mode's name: `plaintext` or `sasl_ssl`.
    mode: &'static str,
    bootstrap: String,
    settings: Vec<(String, String)>,
    /// For the framed Avro topic: the registry and schema the values were written with.
    avro: Option<Avro>,
}

/// The registry a schema'd case decodes through, its schema and the live view's filter.
#[derive(Clone)]
struct Avro {
    registry: String,
    id: u32,
    filter: Option<&'static str>,
}

impl Listener {
    /// Its topic: each listener reads data its own clients produced.
    fn topic(&self) -> String {
        match self.avro {
            Some(_) => avro::TOPIC.to_string(),
            None => format!("ingest-{}", self.mode),
        }
    }

    /// The settings as kcat arguments.
    fn kcat_args(&self) -> Vec<String> {
        self.settings
            .iter()
            .flat_map(|(k, v)| ["-X".to_string(), format!("{k}={v}")])
            .collect()
    }
}

/// Produces with librdkafka in a fresh process of this bench (so this process's memory
/// is the dashboard's). Not kcat: its librdkafka 2.0.2 fails SCRAM on Kafka 4.4 and on ours.
fn produce(listener: &Listener, n: usize) {
    let settings = listener.settings.iter().map(|(k, v)| format!("{k}={v}"));
    let avro = listener
        .avro
        .iter()
        .flat_map(|a| ["--avro".into(), a.id.to_string()]);
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--produce",
            &listener.bootstrap,
            &listener.topic(),
            &n.to_string(),
        ])
        .args(avro)
        .args(settings)
        .status()
        .expect("producer process");
    assert!(status.success(), "producing to {} failed", listener.topic());
}

/// The producer process: `--produce BOOTSTRAP TOPIC N [--avro ID] [KEY=VALUE]...`, 99-byte
/// values (or, with `--avro`, 100-byte values framed with schema ID) spread over
/// partitions 0 and 1.
fn producer_main(args: &[String]) {
    use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
    let [bootstrap, topic, n, settings @ ..] = args else {
        panic!("--produce BOOTSTRAP TOPIC N [--avro ID] [KEY=VALUE]...");
    };
    let (values, settings) = match settings {
        [flag, id, rest @ ..] if flag == "--avro" => {
            (avro::values(id.parse().expect("--avro ID")), rest)
        }
        _ => (vec![vec![b'x'; 99]], settings),
    };
    let mut config = rdkafka::ClientConfig::new();
    config
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "5")
        .set("batch.num.messages", "10000")
        .set("queue.buffering.max.messages", "1000000");
    for (k, v) in settings.iter().filter_map(|kv| kv.split_once('=')) {
        config.set(k, v);
    }
    let producer: ThreadedProducer<DefaultProducerContext> =
        config.create().expect("bench producer");
    for i in 0..n.parse::<usize>().expect("N messages") {
        let mut record = BaseRecord::<(), [u8]>::to(topic)
            .payload(&values[i % values.len()][..])
            .partition((i % 2) as i32);
        while let Err((_, r)) = producer.send(record) {
            record = r;
            producer.poll(Duration::from_millis(1));
        }
    }
    producer
        .flush(Duration::from_secs(120))
        .expect("every message delivered");
}

/// `kafka-dash broker` with a plaintext and (when this build has one) a SASL_SSL listener.
struct Embedded {
    process: std::process::Child,
    /// Kept open: the broker may print more, and a closed pipe would end it.
    stdout: std::io::BufReader<std::process::ChildStdout>,
    listeners: Vec<Listener>,
    ca: std::path::PathBuf,
}

impl Embedded {
    /// Adds the Avro cases, on the plaintext listener: the registry the broker serves
    /// (named on its stdout after the listeners), the schema registered there.
    fn with_avro(mut self) -> Self {
        let registry = read_registry(&mut self.stdout).expect("the broker serves a registry");
        let id = avro::register(&registry);
        let plaintext = &self.listeners[0];
        let case = |mode, filter| Listener {
            mode,
            bootstrap: plaintext.bootstrap.clone(),
            settings: plaintext.settings.clone(),
            avro: Some(Avro {
                registry: registry.clone(),
                id,
                filter,
            }),
        };
        let cases = [case("avro", None), case("avro+filter", Some(FILTER))];
        self.listeners.extend(cases);
        self
    }
}

/// The registry's URL from the broker's `  schema registry URL` line.
fn read_registry(stdout: &mut impl BufRead) -> Option<String> {
    for _ in 0..10 {
        let mut line = String::new();
        if stdout.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some(url) = line.trim().strip_prefix("schema registry ") {
            return Some(url.to_string());
        }
    }
    None
}

impl Drop for Embedded {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_file(&self.ca);
    }
}

/// Starts `kafka-dash broker` with both topics; a build without secured listeners falls
/// back to the plaintext one alone.
fn start_embedded() -> Embedded {
    let ca = std::env::temp_dir().join(format!("kafka-dash-ingest-{}-ca.pem", std::process::id()));
    let secured = [
        "--listener".to_string(),
        "SASL_SSL://127.0.0.1:0".into(),
        "--tls-ca-out".into(),
        ca.display().to_string(),
        "--user".into(),
        format!("{}:{}", USER.0, USER.1),
    ];
    spawn_embedded(&secured, ca.clone())
        .unwrap_or_else(|| {
            println!("sasl_ssl on kafka-dash broker skipped: the embedded broker has no SASL_SSL listener in this build");
            spawn_embedded(&[], ca).expect("kafka-dash broker starts")
        })
        .with_avro()
}

/// Spawns the broker with `extra` flags; `None` when it refuses them.
fn spawn_embedded(extra: &[String], ca: std::path::PathBuf) -> Option<Embedded> {
    let mut process = Command::new(env!("CARGO_BIN_EXE_kafka-dash"))
        .args([
            "broker",
            "--listen",
            "127.0.0.1:0",
            "--partition-size-cap",
            "0",
        ])
        .args([
            "--topic",
            "ingest-plaintext:2",
            "--topic",
            "ingest-sasl_ssl:2",
            "--topic",
            "ingest-avro:2",
            "--schema-registry",
            "127.0.0.1:0",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("broker process");
    let mut stdout = std::io::BufReader::new(process.stdout.take().unwrap());
    match read_listeners(&mut stdout, !extra.is_empty(), &ca) {
        Some(listeners) => Some(Embedded {
            process,
            stdout,
            listeners,
            ca,
        }),
        None => {
            let _ = process.kill();
            let _ = process.wait();
            None
        }
    }
}

/// The listeners the broker says it serves: `listening on BOOTSTRAP`, then `  PROTOCOL
/// host:port` a listener, then (with a secured one) the CA's file.
fn read_listeners(
    stdout: &mut impl BufRead,
    secured: bool,
    ca: &std::path::Path,
) -> Option<Vec<Listener>> {
    let mut lines = Vec::new();
    let want = if secured { 4 } else { 2 };
    while lines.len() < want {
        let mut line = String::new();
        if stdout.read_line(&mut line).ok()? == 0 {
            return None;
        }
        lines.push(line.trim().to_string());
    }
    let address = |protocol: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(protocol)?.strip_prefix(' '))
            .map(str::to_string)
    };
    let mut listeners = vec![Listener {
        mode: "plaintext",
        bootstrap: address("PLAINTEXT")?,
        settings: vec![],
        avro: None,
    }];
    if secured {
        listeners.push(Listener {
            mode: "sasl_ssl",
            bootstrap: address("SASL_SSL")?,
            settings: sasl_ssl_settings(&ca.display().to_string()),
            avro: None,
        });
    }
    Some(listeners)
}

/// Kafka's plaintext and SASL_SSL listeners of one `--security all` node.
fn kafka_listeners(kafka: &real_kafka::RealKafka) -> Vec<Listener> {
    vec![
        Listener {
            mode: "plaintext",
            bootstrap: kafka.bootstrap.clone(),
            settings: vec![],
            avro: None,
        },
        Listener {
            mode: "sasl_ssl",
            bootstrap: kafka.bootstrap_of("sasl_ssl"),
            settings: kafka.client_settings("sasl_ssl"),
            avro: None,
        },
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--produce") {
        return producer_main(&args[2..]);
    }
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
    if !args.iter().any(|a| a == "--child") {
        // Each cluster in a fresh process, one after the other.
        let clusters = cluster.map_or(vec!["embedded", "kafka"], |c| vec![c]);
        let rows: Vec<Row> = clusters.iter().flat_map(|c| run_child(c, n)).collect();
        print_table(&rows, n);
        return;
    }
    match cluster {
        Some("embedded") => {
            let embedded = start_embedded();
            run(&embedded.listeners, n, "kafka-dash broker");
        }
        Some("kafka") => {
            let Some(kafka) = real_kafka::RealKafka::start_secured() else {
                return;
            };
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(real_kafka::create_topics(
                    &kafka.bootstrap,
                    &[("ingest-plaintext", 2), ("ingest-sasl_ssl", 2)],
                ));
            run(&kafka_listeners(&kafka), n, "Apache Kafka");
        }
        other => panic!("--cluster embedded|kafka, not {other:?}"),
    }
}

/// What one cluster's listener measured: medians, msg/s (start-up in ms).
struct Row {
    cluster: String,
    mode: String,
    /// The live view: whole read, from its first message on, and start-up.
    live: [f64; 3],
    /// The counting consumer, likewise.
    peer: [f64; 3],
    kcat: Option<f64>,
}

/// Prefix of the lines a cluster's process hands its medians back on.
const ROW: &str = "row\t";

/// Runs one cluster's measurements in a fresh process, passing its report through and
/// keeping its rows for the table.
fn run_child(cluster: &str, n: usize) -> Vec<Row> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--child", "--cluster", cluster, &n.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("bench process");
    let mut rows = Vec::new();
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.expect("bench output");
        match line.strip_prefix(ROW) {
            Some(row) => rows.extend(parse_row(row)),
            None => println!("{line}"),
        }
    }
    assert!(child.wait().unwrap().success(), "the {cluster} run failed");
    rows
}

fn parse_row(row: &str) -> Option<Row> {
    let f: Vec<&str> = row.split('\t').collect();
    let num = |i: usize| f.get(i)?.parse::<f64>().ok();
    Some(Row {
        cluster: f.first()?.to_string(),
        mode: f.get(1)?.to_string(),
        live: [num(2)?, num(3)?, num(4)?],
        peer: [num(5)?, num(6)?, num(7)?],
        kcat: num(8),
    })
}

/// Cluster × protocol, and what SASL_SSL costs the live view on each cluster.
fn print_table(rows: &[Row], n: usize) {
    println!();
    println!("{n} x 100 bytes, 2 partitions; sasl_ssl = SASL_SSL with SCRAM-SHA-512; avro = framed Avro values decoded through the registry (avro+filter: with the filter {FILTER:?}); medians of {ROUNDS}");
    println!(
        "msg/s over the whole read (start-up included), and from the first message on (steady)"
    );
    println!(
        "{:<18} {:<10} {:>10} {:>10} {:>9} {:>10} {:>10} {:>9} {:>10}",
        "cluster",
        "protocol",
        "live",
        "live stdy",
        "start ms",
        "peer",
        "peer stdy",
        "start ms",
        "kcat"
    );
    for r in rows {
        let kcat = r.kcat.map_or("-".to_string(), |k| format!("{k:.0}"));
        println!(
            "{:<18} {:<10} {:>10.0} {:>10.0} {:>9.0} {:>10.0} {:>10.0} {:>9.0} {:>10}",
            r.cluster,
            r.mode,
            r.live[0],
            r.live[1],
            r.live[2],
            r.peer[0],
            r.peer[1],
            r.peer[2],
            kcat
        );
    }
    for cluster in ["kafka-dash broker", "Apache Kafka"] {
        if !rows.iter().any(|r| r.cluster == cluster) {
            continue;
        }
        let find = |mode: &str| rows.iter().find(|r| r.cluster == cluster && r.mode == mode);
        let (Some(p), Some(s)) = (find("plaintext"), find("sasl_ssl")) else {
            println!("{cluster}: no sasl_ssl/plaintext ratio (a listener was not measured)");
            continue;
        };
        let ratio = s.live[1] / p.live[1];
        let verdict = if ratio >= GOAL { "meets" } else { "MISSES" };
        let kcat = s
            .kcat
            .zip(p.kcat)
            .map_or("-".into(), |(s, p)| format!("{:.2}", s / p));
        println!(
            "{cluster}: sasl_ssl/plaintext, live view steady {ratio:.2} ({verdict} the goal ≥ {GOAL}), whole read {:.2}; peer steady {:.2}, whole {:.2}; kcat {kcat}",
            s.live[0] / p.live[0],
            s.peer[1] / p.peer[1],
            s.peer[0] / p.peer[0],
        );
    }
    print_avro(rows);
}

/// What decoding costs the live view on `kafka-dash broker`, and the goal's verdict.
fn print_avro(rows: &[Row]) {
    let find = |mode: &str| rows.iter().find(|r| r.mode == mode);
    let (Some(p), Some(a)) = (find("plaintext"), find("avro")) else {
        println!("no avro/plaintext ratio (the Avro cases run on kafka-dash broker only)");
        return;
    };
    println!(
        "avro/plaintext, live view: whole read {:.2}, steady {:.2}; peer whole read {:.2}",
        a.live[0] / p.live[0],
        a.live[1] / p.live[1],
        a.peer[0] / p.peer[0],
    );
    let verdict = if a.live[0] >= AVRO_GOAL {
        "meets the goal"
    } else {
        "does NOT meet the goal on this machine"
    };
    println!(
        "avro live view while drawing: {:.0} msg/s whole read, {:.0} steady: {verdict} ≥ {:.1} M msg/s (judged on the whole read)",
        a.live[0],
        a.live[1],
        AVRO_GOAL / 1e6
    );
    if let Some(f) = find("avro+filter") {
        println!(
            "avro with the filter {FILTER:?} (every record decoded): live view {:.0} msg/s whole read, {:.0} steady; {:.2} of avro's whole read, {:.2} of plaintext's",
            f.live[0],
            f.live[1],
            f.live[0] / a.live[0],
            f.live[0] / p.live[0],
        );
        if f.live[1] == 0.0 {
            // The first count came when the queue was drained: after the whole read.
            println!("  (steady 0: the live view took its first batches in one go with the whole read, so there is no steady part)");
        }
    }
}

/// Rounds of each measurement; the ratios use the medians.
const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Every round of one listener's measurements.
#[derive(Default)]
struct Rounds {
    live: Vec<Reading>,
    peer: Vec<Reading>,
    kcat: Vec<f64>,
    /// Frames the live view drew in the last round.
    frames: u64,
    /// The longest time without a frame in any round.
    longest_gap: Duration,
}

/// Produces `n` messages to each listener's topic and measures the live view reading
/// them, against the peers, in interleaved rounds (so a busy moment of the machine falls
/// on every listener and reader).
fn run(listeners: &[Listener], n: usize, cluster: &str) {
    let mut produced = std::collections::HashSet::new();
    for l in listeners {
        // The Avro cases share one topic.
        if produced.insert(l.topic()) {
            produce(l, n);
        }
    }
    let baseline = peak_rss_mb();
    let mut measured: Vec<Rounds> = listeners.iter().map(|_| Rounds::default()).collect();
    let mut dashboard_rss = 0.0;
    for _ in 0..ROUNDS {
        for (l, m) in listeners.iter().zip(measured.iter_mut()) {
            let (reading, f, sight) = dashboard_rate(l, n, false);
            if l.avro.is_some() && sight.decoded_at.is_none() {
                println!("{}: no decoded row was drawn in this round", l.mode);
            }
            m.live.push(reading);
            m.frames = f;
            m.longest_gap = m.longest_gap.max(sight.longest_gap);
            if dashboard_rss == 0.0 {
                // Before any peer ran in this process: the dashboard's own peak.
                dashboard_rss = peak_rss_mb();
            }
            m.peer.push(counting_consumer_rate(l, n));
            if let Some(k) = kcat_rate(l, n) {
                m.kcat.push(k);
            }
        }
    }
    for (l, m) in listeners.iter().zip(measured) {
        report(cluster, l.mode, n, &m);
    }
    println!("dashboard peak RSS: {dashboard_rss:.0} MiB (before ingest: {baseline:.0} MiB)");
    if let Some(l) = listeners.iter().find(|l| l.avro.is_some()) {
        slow_registry(l, n);
    }
}

/// One more read of the Avro topic through a registry that answers after [`SLOW`]: the
/// live view must go on reading (rows show `schema N…`) and decode once the answer comes.
fn slow_registry(listener: &Listener, n: usize) {
    let mut avro = listener.avro.clone().expect("an Avro case");
    avro.registry = avro::slow_proxy(&avro.registry, SLOW);
    avro.filter = None;
    let slow = Listener {
        mode: "avro-slow",
        bootstrap: listener.bootstrap.clone(),
        settings: listener.settings.clone(),
        avro: Some(avro),
    };
    let (reading, frames, sight) = dashboard_rate(&slow, n, true);
    println!(
        "slow registry (every answer {} s late), one round: live view {:.0} msg/s, from its first message {:.0} msg/s; all {n} read after {:.2} s; {} of {frames} frames showed rows as `schema N…`; the first decoded row drawn after {}",
        SLOW.as_secs(),
        reading.whole,
        reading.steady,
        n as f64 / reading.whole,
        sight.pending_frames,
        sight
            .decoded_at
            .map_or("— none within 30 s".into(), |d| format!("{:.2} s", d.as_secs_f64())),
    );
}

/// Medians of the rounds' readings: whole-read rate, steady rate, start-up in ms.
fn medians(readings: &[Reading]) -> [f64; 3] {
    [
        median(readings.iter().map(|r| r.whole).collect()),
        median(readings.iter().map(|r| r.steady).collect()),
        median(
            readings
                .iter()
                .map(|r| r.startup.as_secs_f64() * 1e3)
                .collect(),
        ),
    ]
}

/// Prints one listener's figures, and its row for the table.
fn report(cluster: &str, mode: &str, n: usize, m: &Rounds) {
    let (frames, gap) = (m.frames, m.longest_gap.as_millis());
    let (live, peer) = (medians(&m.live), medians(&m.peer));
    let whole = |v: &[Reading]| v.iter().map(|r| r.whole.round()).collect::<Vec<_>>();
    println!(
        "{cluster}, {mode}: {n} x 100 bytes, 2 partitions, the watch screen drawing at ≤ 30 fps ({frames} frames, at most {gap} ms apart), median of {ROUNDS}"
    );
    println!(
        "live view ingest: {:>10.0} msg/s (rounds: {:?}); from its first message {:.0} msg/s, start-up {:.0} ms",
        live[0],
        whole(&m.live),
        live[1],
        live[2]
    );
    println!(
        "librdkafka consumer, batches of 10,000, counting only: {:>10.0} msg/s (rounds: {:?}) → ratio dashboard/consumer = {:.2}; from its first message {:.0} msg/s, start-up {:.0} ms",
        peer[0],
        whole(&m.peer),
        live[0] / peer[0],
        peer[1],
        peer[2]
    );
    let kcat = (!m.kcat.is_empty()).then(|| median(m.kcat.clone()));
    match kcat {
        None => println!("kcat could not read this listener (not installed, or see its error above)"),
        Some(k) => println!(
            "kcat -C -e -o beginning > /dev/null: {k:>10.0} msg/s (rounds: {:.0?}) → ratio dashboard/kcat = {:.2}",
            m.kcat,
            live[0] / k
        ),
    }
    let kcat = kcat.map_or("-".to_string(), |k| k.to_string());
    let [l0, l1, l2] = live;
    let [p0, p1, p2] = peer;
    println!("{ROW}{cluster}\t{mode}\t{l0}\t{l1}\t{l2}\t{p0}\t{p1}\t{p2}\t{kcat}");
}

/// One read of the whole topic: its rate start-up included, its rate from the first
/// message on, and the start-up (connecting, TLS and SASL included) before that message.
#[derive(Clone, Copy)]
struct Reading {
    whole: f64,
    steady: f64,
    startup: Duration,
}

impl Reading {
    /// A read started at `start` that saw its first `seen` messages at `at`, and ends now
    /// with `n`.
    fn new(start: Instant, (at, seen): (Instant, u64), n: usize) -> Self {
        let end = Instant::now();
        let rest = (n as u64).saturating_sub(seen) as f64;
        Self {
            whole: n as f64 / (end - start).as_secs_f64(),
            steady: rest / (end - at).as_secs_f64().max(1e-9),
            startup: at - start,
        }
    }
}

/// How often frames came, and what those of a schema'd topic showed.
#[derive(Default)]
struct Sight {
    /// The longest time without a frame until the read ended (the UI drains the events
    /// queued before it draws, so a slow ingest delays frames).
    longest_gap: Duration,
    /// Frames with a row waiting for its schema (`schema N…`).
    pending_frames: u64,
    /// When a decoded row was first drawn.
    decoded_at: Option<Duration>,
}

impl Sight {
    /// Looks at a drawn frame.
    fn look(&mut self, buffer: &ratatui::buffer::Buffer, avro: &Avro, since: Instant) {
        let text: String = buffer.content.iter().map(|c| c.symbol()).collect();
        if text.contains(&format!("schema {}…", avro.id)) {
            self.pending_frames += 1;
        }
        // The decoded JSON's first field; the raw bytes never show it.
        if self.decoded_at.is_none() && text.contains(r#"{"id":1"#) {
            self.decoded_at = Some(since.elapsed());
        }
    }
}

/// The live view reading the whole topic while the watch screen draws: messages a second,
/// frames drawn, and (for a schema'd topic) what they showed. With `linger` it draws on
/// after the read until a decoded row shows (at most 30 s).
fn dashboard_rate(listener: &Listener, n: usize, linger: bool) -> (Reading, u64, Sight) {
    let topic = listener.topic();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let registry = listener.avro.as_ref().map(|a| {
            RegistryClient::new(&RegistrySettings::from_url(&a.registry).unwrap()).unwrap()
        });
        let mut w = workers::spawn_with_registry(
            ClientSettings {
                bootstrap: listener.bootstrap.clone(),
                overrides: listener.settings.clone(),
            },
            Default::default(),
            registry,
        );
        let mut app = App::new("bench".into(), w.commands.clone());
        app.live.schemas = Schemas::new(listener.avro.is_some());
        app.live.filter = listener
            .avro
            .as_ref()
            .and_then(|a| a.filter)
            .unwrap_or_default()
            .into();
        w.commands
            .send(KafkaCommand::Tail {
                topic: topic.clone(),
                from: StartFrom::Beginning,
                value_limit: app.live.limits.value_preview_bytes.0,
            })
            .await
            .unwrap();
        app.watch(topic.clone(), StartFrom::Beginning);
        // The watch screen draws the live view, the composer and the groups at once.
        app.switch(kafka_dash::app::Pane::Watch);
        let mut terminal = Terminal::new(TestBackend::new(160, 50)).unwrap();
        let mut frame = tokio::time::interval(Duration::from_millis(33));
        let start = Instant::now();
        let mut first = None;
        let mut frames = 0u64;
        let mut sight = Sight::default();
        let mut done = None;
        let mut last_frame = start;
        loop {
            tokio::select! {
                Some(ev) = w.events.recv() => {
                    app.update(Action::Kafka(ev));
                    // As the dashboard's loop: queued events for 25 ms at most, then the
                    // frame gets its turn.
                    let until = Instant::now() + Duration::from_millis(25);
                    while let Ok(ev) = w.events.try_recv() {
                        app.update(Action::Kafka(ev));
                        if Instant::now() >= until {
                            break;
                        }
                    }
                }
                _ = frame.tick() => {
                    // Lingering, it draws every tick: a schema's answer need not dirty.
                    if app.dirty || done.is_some() {
                        app.dirty = false;
                        terminal.draw(|f| kafka_dash::screen::draw(f, &mut app)).unwrap();
                        frames += 1;
                        if done.is_none() {
                            sight.longest_gap = sight.longest_gap.max(last_frame.elapsed());
                            last_frame = Instant::now();
                        }
                        if let Some(a) = &listener.avro {
                            sight.look(terminal.backend().buffer(), a, start);
                        }
                    }
                }
            }
            let seen: u64 = app.live.stats.iter().map(|s| s.seen).sum();
            if seen > 0 && first.is_none() {
                first = Some((Instant::now(), seen));
            }
            if seen >= n as u64 && done.is_none() {
                done = Some(Reading::new(start, first.unwrap(), n));
                sight.longest_gap = sight.longest_gap.max(last_frame.elapsed());
            }
            if let Some(reading) = done {
                let waited = start.elapsed() > Duration::from_secs(30);
                if !linger || sight.decoded_at.is_some() || waited {
                    return (reading, frames, sight);
                }
            }
            if start.elapsed() > Duration::from_secs(300) {
                panic!("ingest did not finish: seen {seen}");
            }
        }
    })
}

/// kcat reading the whole topic to /dev/null, if kcat is there.
fn kcat_rate(listener: &Listener, n: usize) -> Option<f64> {
    let start = Instant::now();
    let ok = Command::new("kcat")
        .args(["-C", "-b", &listener.bootstrap, "-t", &listener.topic()])
        .args(["-o", "beginning", "-e", "-q"])
        .args(listener.kcat_args())
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    ok.then(|| n as f64 / start.elapsed().as_secs_f64())
}

/// A librdkafka consumer set up for throughput (large fetches, a deep prefetch queue) that
/// does nothing but count: the fastest this machine reads the topic through librdkafka.
fn counting_consumer_rate(listener: &Listener, n: usize) -> Reading {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::{Offset, TopicPartitionList};
    let mut config = rdkafka::ClientConfig::new();
    config
        .set("bootstrap.servers", &listener.bootstrap)
        .set("group.id", "ingest-bench-counter")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "false")
        .set("fetch.max.bytes", "52428800")
        .set("max.partition.fetch.bytes", "10485760")
        .set("queued.min.messages", "1000000")
        .set("fetch.wait.max.ms", "10");
    for (k, v) in &listener.settings {
        config.set(k, v);
    }
    // INGEST_PEER="k=v,k=v" tries other settings for the peer.
    for kv in std::env::var("INGEST_PEER").unwrap_or_default().split(',') {
        if let Some((k, v)) = kv.split_once('=') {
            config.set(k, v);
        }
    }
    let consumer: BaseConsumer = config.create().expect("counting consumer");
    let mut tpl = TopicPartitionList::new();
    for p in 0..2 {
        tpl.add_partition_offset(&listener.topic(), p, Offset::Beginning)
            .unwrap();
    }
    consumer.assign(&tpl).unwrap();
    let start = Instant::now();
    let mut first = None;
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
            if count > 0 && first.is_none() {
                first = Some((Instant::now(), count as u64));
            }
        }
        rdkafka_sys::rd_kafka_queue_destroy(queue);
    }
    Reading::new(start, first.expect("the topic is not empty"), n)
}
