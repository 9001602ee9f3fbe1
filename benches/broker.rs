//! Broker benchmark (not a test): the embedded broker and Apache Kafka side by side, same
//! client, data and machine: produce and consume rates of 100-byte messages through
//! rdkafka (kcat and bare Fetch requests as peers), and the time from a new group member's
//! subscribe to its first message. Each cluster serves a plaintext and a SASL_SSL
//! (SCRAM-SHA-512) listener at once; the same measurements on both give what TLS and SASL
//! cost (bare Fetch requests on plaintext only: they speak neither).
//!
//!     cargo bench --bench broker [-- MESSAGES] [--no-kafka]

use std::time::{Duration, Instant};

#[path = "support/real_kafka.rs"]
mod real_kafka;
use real_kafka::{sasl_ssl_settings, USER};

use broker::{Broker, BrokerConfig, ListenerSpec, SecurityProtocol, TlsConfig, User};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer, StreamConsumer};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Message, Offset, TopicPartitionList};

/// One listener of a cluster and the librdkafka settings its clients take.
struct Listener {
    /// `plaintext` or `sasl_ssl`.
    mode: &'static str,
    bootstrap: String,
    settings: Vec<(String, String)>,
}

impl Listener {
    /// A topic of this listener's own (`bench-sasl_ssl`), so each reads what it produced.
    fn topic(&self, name: &str) -> String {
        format!("{name}-{}", self.mode)
    }
}

fn config(broker: &Listener) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &broker.bootstrap)
        .set("log_level", "3");
    for (k, v) in &broker.settings {
        c.set(k, v);
    }
    c
}

fn produce(broker: &Listener, topic: &str, n: usize) -> f64 {
    let producer: ThreadedProducer<DefaultProducerContext> = config(broker)
        .set("linger.ms", "5")
        .set("batch.num.messages", "10000")
        .set("queue.buffering.max.messages", "1000000")
        .set("acks", "1")
        .create()
        .expect("producer");
    let value = [b'x'; 100];
    let start = Instant::now();
    for i in 0..n {
        let mut record = BaseRecord::<(), [u8]>::to(topic)
            .payload(&value[..])
            .partition((i % 2) as i32);
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((_, r)) => {
                    record = r;
                    producer.poll(Duration::from_millis(1));
                }
            }
        }
    }
    producer.flush(Duration::from_secs(120)).expect("flushed");
    n as f64 / start.elapsed().as_secs_f64()
}

/// Consume rate from the first message on (client start-up excluded), and the start-up time.
fn consume(broker: &Listener, topic: &str, n: usize) -> (f64, Duration) {
    let consumer: BaseConsumer = config(broker)
        .set("group.id", "bench-consume")
        // librdkafka 2.x waits 1 s after its prefetch queue fills; the reader here keeps up.
        .set("fetch.queue.backoff.ms", "10")
        .set("enable.partition.eof", "false")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Beginning)
        .unwrap();
    tpl.add_partition_offset(topic, 1, Offset::Beginning)
        .unwrap();
    consumer.assign(&tpl).unwrap();
    let start = Instant::now();
    let mut seen = 0;
    let mut first = None;
    while seen < n {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
            std::hint::black_box(m.payload());
            first.get_or_insert_with(Instant::now);
            seen += 1;
        }
    }
    let first = first.expect("n > 0");
    (n as f64 / first.elapsed().as_secs_f64(), first - start)
}

/// The same read done by kcat (librdkafka's own C consumer) to /dev/null, as a peer.
fn kcat_consume(broker: &Listener, topic: &str, n: usize) -> Option<f64> {
    let start = Instant::now();
    let status = std::process::Command::new("kcat")
        .args(["-C", "-b", &broker.bootstrap, "-t", topic])
        .args(["-o", "beginning", "-e", "-q"])
        .args(
            broker
                .settings
                .iter()
                .flat_map(|(k, v)| ["-X".to_string(), format!("{k}={v}")]),
        )
        .stdout(std::process::Stdio::null())
        .status()
        .ok()?;
    status
        .success()
        .then(|| n as f64 / start.elapsed().as_secs_f64())
}

/// Reads the topic with bare Fetch requests (no per-record decoding; record counts come
/// from batch headers): what the broker itself can serve, without a client library's cost.
async fn raw_fetch(broker: &str, topic: &str, partitions: i32, n: usize) -> f64 {
    use bytes::{Buf, BufMut, BytesMut};
    use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
    use kafka_protocol::messages::{ApiKey, FetchRequest, FetchResponse, RequestHeader, TopicName};
    use kafka_protocol::protocol::{Decodable, Encodable, StrBytes};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let addr = broker.split(',').next().unwrap_or(broker);
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut offsets = vec![0i64; partitions as usize];
    let mut seen = 0usize;
    let start = Instant::now();
    while seen < n {
        let req = FetchRequest::default()
            .with_max_wait_ms(500)
            .with_min_bytes(1)
            .with_max_bytes(50 << 20)
            .with_topics(vec![FetchTopic::default()
                .with_topic(TopicName(StrBytes::from_string(topic.into())))
                .with_partitions(
                    (0..partitions)
                        .map(|p| {
                            FetchPartition::default()
                                .with_partition(p)
                                .with_fetch_offset(offsets[p as usize])
                                .with_partition_max_bytes(10 << 20)
                        })
                        .collect(),
                )]);
        let mut buf = BytesMut::new();
        RequestHeader::default()
            .with_request_api_key(ApiKey::Fetch as i16)
            .with_request_api_version(11)
            .encode(&mut buf, 1)
            .unwrap();
        req.encode(&mut buf, 11).unwrap();
        let mut framed = BytesMut::new();
        framed.put_i32(buf.len() as i32);
        framed.extend_from_slice(&buf);
        stream.write_all(&framed).await.unwrap();
        let len = stream.read_i32().await.unwrap() as usize;
        let mut body = vec![0u8; len];
        stream.read_exact(&mut body).await.unwrap();
        let mut body = bytes::Bytes::from(body);
        body.advance(4);
        let resp = FetchResponse::decode(&mut body, 11).unwrap();
        for part in &resp.responses[0].partitions {
            let mut records = part.records.clone().unwrap_or_default();
            while records.len() >= 61 {
                let base = i64::from_be_bytes(records[0..8].try_into().unwrap());
                let batch_len = i32::from_be_bytes(records[8..12].try_into().unwrap()) as usize;
                let last_delta = i32::from_be_bytes(records[23..27].try_into().unwrap()) as i64;
                let count = i32::from_be_bytes(records[57..61].try_into().unwrap()) as usize;
                let next = base + last_delta + 1;
                let slot = &mut offsets[part.partition_index as usize];
                if next > *slot {
                    seen += count;
                    *slot = next;
                }
                records.advance((12 + batch_len).min(records.len()));
            }
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

async fn first_message(broker: &Listener, topic: &str, run: usize) -> Duration {
    let consumer: StreamConsumer = config(broker)
        .set("group.id", format!("bench-first-{}-{run}", broker.mode))
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("consumer");
    let start = Instant::now();
    consumer.subscribe(&[topic]).unwrap();
    consumer.recv().await.expect("first message");
    start.elapsed()
}

/// What one listener of a cluster measured.
struct Measured {
    produce: f64,
    consume: f64,
    startup: Duration,
    kcat: Option<f64>,
    /// Bare Fetch requests: plaintext only.
    raw: Option<f64>,
    firsts: Vec<Duration>,
}

/// Runs every measurement on `broker`, whose topics `bench-MODE` (2 partitions) and
/// `first-MODE` (1) exist and are empty.
fn measure(rt: &tokio::runtime::Runtime, broker: &Listener, n: usize) -> Measured {
    let (bench, first) = (broker.topic("bench"), broker.topic("first"));
    let produce_rate = produce(broker, &bench, n);
    let (consume_rate, startup) = consume(broker, &bench, n);
    let kcat = kcat_consume(broker, &bench, n);
    let raw = broker
        .settings
        .is_empty()
        .then(|| rt.block_on(raw_fetch(&broker.bootstrap, &bench, 2, n)));
    produce(broker, &first, 1);
    let mut firsts: Vec<Duration> = (0..5)
        .map(|i| rt.block_on(first_message(broker, &first, i)))
        .collect();
    firsts.sort();
    Measured {
        produce: produce_rate,
        consume: consume_rate,
        startup,
        kcat,
        raw,
        firsts,
    }
}

/// Every listener's topics, for clusters whose topics are created up front.
const TOPICS: [(&str, i32); 4] = [
    ("bench-plaintext", 2),
    ("first-plaintext", 1),
    ("bench-sasl_ssl", 2),
    ("first-sasl_ssl", 1),
];

/// The embedded broker with a plaintext and a SASL_SSL listener (a generated CA written to
/// `ca`), and the topics; measures both listeners, then stops it.
fn measure_embedded(rt: &tokio::runtime::Runtime, n: usize) -> (Measured, Measured) {
    let ca = std::env::temp_dir().join(format!("kafka-dash-bench-{}-ca.pem", std::process::id()));
    let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    let broker = rt
        .block_on(Broker::start(BrokerConfig {
            partition_size_cap: 0,
            listeners: vec![
                ListenerSpec::plaintext(any),
                ListenerSpec {
                    protocol: SecurityProtocol::SaslSsl,
                    addr: any,
                },
            ],
            tls: TlsConfig {
                ca_out: Some(ca.clone()),
                ..TlsConfig::default()
            },
            users: vec![User {
                name: USER.0.into(),
                password: USER.1.into(),
            }],
            ..BrokerConfig::default()
        }))
        .unwrap();
    for (topic, partitions) in TOPICS {
        broker.create_topic(topic, partitions).unwrap();
    }
    let plaintext = Listener {
        mode: "plaintext",
        bootstrap: broker
            .bootstrap_for(SecurityProtocol::Plaintext)
            .unwrap()
            .into(),
        settings: vec![],
    };
    let sasl_ssl = Listener {
        mode: "sasl_ssl",
        bootstrap: broker
            .bootstrap_for(SecurityProtocol::SaslSsl)
            .unwrap()
            .into(),
        settings: sasl_ssl_settings(&ca.display().to_string()),
    };
    let measured = (measure(rt, &plaintext, n), measure(rt, &sasl_ssl, n));
    rt.block_on(broker.stop());
    let _ = std::fs::remove_file(&ca);
    measured
}

/// One `--security all` Kafka node: both listeners measured, then stopped.
fn measure_kafka(rt: &tokio::runtime::Runtime, n: usize) -> Option<(Measured, Measured)> {
    let kafka = real_kafka::RealKafka::start_secured()?;
    rt.block_on(real_kafka::create_topics(&kafka.bootstrap, &TOPICS));
    let plaintext = Listener {
        mode: "plaintext",
        bootstrap: kafka.bootstrap.clone(),
        settings: vec![],
    };
    let sasl_ssl = Listener {
        mode: "sasl_ssl",
        bootstrap: kafka.bootstrap_of("sasl_ssl"),
        settings: kafka.client_settings("sasl_ssl"),
    };
    Some((measure(rt, &plaintext, n), measure(rt, &sasl_ssl, n)))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .iter()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(1_000_000);
    let with_kafka = !args.iter().any(|a| a == "--no-kafka");
    if std::env::var_os("KAFKA_DASH_LOG").is_some() {
        kafka_dash::logging::to_stderr();
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (embedded, embedded_sasl) = measure_embedded(&rt, n);
    // Kafka runs after the embedded broker has stopped, so neither competes for the cores.
    let kafka = if with_kafka {
        measure_kafka(&rt, n)
    } else {
        None
    };
    print_comparison(n, &embedded, kafka.as_ref().map(|k| &k.0));
    print_security(&embedded, &embedded_sasl, kafka.as_ref());
}

/// The plaintext table: the embedded broker against Apache Kafka.
fn print_comparison(n: usize, embedded: &Measured, kafka: Option<&Measured>) {
    println!(
        "messages: {n} x 100 bytes, 2 partitions, rdkafka {}; Apache Kafka from tests/kafka/pom.xml, one node, default settings",
        rdkafka::util::get_rdkafka_version().1
    );
    println!(
        "{:<58} {:>14} {:>14} {:>7}",
        "", "kafka-dash", "Apache Kafka", "ratio"
    );
    let row = |what: &str, ours: f64, theirs: Option<f64>, unit: &str| match theirs {
        Some(t) => println!(
            "{what:<58} {ours:>10.0} {unit:<3} {t:>10.0} {unit:<3} {:>7.2}",
            ours / t
        ),
        None => println!("{what:<58} {ours:>10.0} {unit:<3} {:>14}", "-"),
    };
    let k = kafka;
    row(
        "produce (acks=1, linger 5 ms)",
        embedded.produce,
        k.map(|k| k.produce),
        "/s",
    );
    row(
        "consume (rdkafka BaseConsumer, from its first message)",
        embedded.consume,
        k.map(|k| k.consume),
        "/s",
    );
    row(
        "consumer start-up to first message",
        ms(embedded.startup),
        k.map(|k| ms(k.startup)),
        "ms",
    );
    row(
        "kcat -C -e -o beginning > /dev/null (start-up included)",
        embedded.kcat.unwrap_or(0.0),
        k.and_then(|k| k.kcat),
        "/s",
    );
    row(
        "bare Fetch requests (no client decoding)",
        embedded.raw.unwrap_or(0.0),
        k.and_then(|k| k.raw),
        "/s",
    );
    row(
        "new member subscribe -> first message, median of 5",
        ms(embedded.firsts[2]),
        k.map(|k| ms(k.firsts[2])),
        "ms",
    );
    row(
        "  fastest",
        ms(embedded.firsts[0]),
        k.map(|k| ms(k.firsts[0])),
        "ms",
    );
    row(
        "  slowest",
        ms(embedded.firsts[4]),
        k.map(|k| ms(k.firsts[4])),
        "ms",
    );
    if kafka.is_none() {
        println!("(Apache Kafka not measured: --no-kafka, or it could not start)");
    }
}

/// Security's cost: each cluster's SASL_SSL figures against its own plaintext ones.
fn print_security(plain: &Measured, sasl: &Measured, kafka: Option<&(Measured, Measured)>) {
    println!();
    println!("security's cost: sasl_ssl = SASL_SSL with SCRAM-SHA-512, same node as plaintext");
    println!(
        "{:<44} {:>11} {:>11} {:>6} {:>11} {:>11} {:>6}",
        "", "ours plain", "ours sasl", "ratio", "Kafka plain", "Kafka sasl", "ratio"
    );
    // A figure a client could not measure (kcat's SCRAM, librdkafka 2.0, on either broker) shows as -.
    let cell = |v: Option<f64>, unit: &str| {
        v.map_or(format!("{:>11}", "-"), |v| format!("{v:>8.0} {unit:<2}"))
    };
    let ratio = |p: Option<f64>, s: Option<f64>| {
        p.zip(s)
            .map_or(format!("{:>6}", "-"), |(p, s)| format!("{:>6.2}", s / p))
    };
    let row = |what: &str, get: &dyn Fn(&Measured) -> Option<f64>, unit: &str| {
        let (p, s) = (get(plain), get(sasl));
        let mut line = format!(
            "{what:<44} {} {} {}",
            cell(p, unit),
            cell(s, unit),
            ratio(p, s)
        );
        if let Some((kp, ks)) = kafka {
            let (kp, ks) = (get(kp), get(ks));
            line += &format!(" {} {} {}", cell(kp, unit), cell(ks, unit), ratio(kp, ks));
        }
        println!("{line}");
    };
    row("produce (acks=1, linger 5 ms)", &|m| Some(m.produce), "/s");
    row("consume (rdkafka BaseConsumer)", &|m| Some(m.consume), "/s");
    row(
        "consumer start-up to first message",
        &|m| Some(ms(m.startup)),
        "ms",
    );
    row("kcat -C -e (start-up included)", &|m| m.kcat, "/s");
    row(
        "new member -> first message, median of 5",
        &|m| Some(ms(m.firsts[2])),
        "ms",
    );
    if kafka.is_none() {
        println!("(Apache Kafka not measured: --no-kafka, or it could not start)");
    }
}
