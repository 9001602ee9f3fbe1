//! Broker benchmark (not a test): the embedded broker and Apache Kafka side by side, same
//! client, data and machine: produce and consume rates of 100-byte messages through
//! rdkafka (kcat and bare Fetch requests as peers), and the time from a new group member's
//! subscribe to its first message.
//!
//!     cargo bench --bench broker [-- MESSAGES] [--no-kafka]

use std::time::{Duration, Instant};

#[path = "support/real_kafka.rs"]
mod real_kafka;

use broker::{Broker, BrokerConfig};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer, StreamConsumer};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Message, Offset, TopicPartitionList};

fn config(bootstrap: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap).set("log_level", "3");
    c
}

fn produce(broker: &str, topic: &str, n: usize) -> f64 {
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
fn consume(broker: &str, topic: &str, n: usize) -> (f64, Duration) {
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
fn kcat_consume(broker: &str, topic: &str, n: usize) -> Option<f64> {
    let start = Instant::now();
    let status = std::process::Command::new("kcat")
        .args([
            "-C",
            "-b",
            broker,
            "-t",
            topic,
            "-o",
            "beginning",
            "-e",
            "-q",
        ])
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

async fn first_message(broker: &str, topic: &str, run: usize) -> Duration {
    let consumer: StreamConsumer = config(broker)
        .set("group.id", format!("bench-first-{run}"))
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("consumer");
    let start = Instant::now();
    consumer.subscribe(&[topic]).unwrap();
    consumer.recv().await.expect("first message");
    start.elapsed()
}

/// What one cluster measured.
struct Measured {
    produce: f64,
    consume: f64,
    startup: Duration,
    kcat: Option<f64>,
    raw: f64,
    firsts: Vec<Duration>,
}

/// Runs every measurement on the cluster at `bootstrap`, whose topics `bench` (2
/// partitions) and `first` (1) exist and are empty.
fn measure(rt: &tokio::runtime::Runtime, bootstrap: &str, n: usize) -> Measured {
    let produce_rate = produce(bootstrap, "bench", n);
    let (consume_rate, startup) = consume(bootstrap, "bench", n);
    let kcat = kcat_consume(bootstrap, "bench", n);
    let raw = rt.block_on(raw_fetch(bootstrap, "bench", 2, n));
    produce(bootstrap, "first", 1);
    let mut firsts: Vec<Duration> = (0..5)
        .map(|i| rt.block_on(first_message(bootstrap, "first", i)))
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
    let broker = rt
        .block_on(Broker::start(BrokerConfig {
            partition_size_cap: 0,
            ..BrokerConfig::default()
        }))
        .unwrap();
    broker.create_topic("bench", 2).unwrap();
    broker.create_topic("first", 1).unwrap();
    let embedded = measure(&rt, &broker.bootstrap(), n);
    rt.block_on(broker.stop());

    // Kafka runs after the embedded broker has stopped, so neither competes for the cores.
    let kafka = with_kafka
        .then(real_kafka::RealKafka::start)
        .flatten()
        .map(|k| {
            rt.block_on(real_kafka::create_topics(
                &k.bootstrap,
                &[("bench", 2), ("first", 1)],
            ));
            measure(&rt, &k.bootstrap, n)
        });

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
    let k = kafka.as_ref();
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
        embedded.raw,
        k.map(|k| k.raw),
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
