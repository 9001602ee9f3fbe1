//! Embedded broker benchmark (not a test): produce and consume rates of 100-byte messages
//! through rdkafka, and the time from a new group member's subscribe to its first message.
//!
//!     cargo bench --bench broker [-- MESSAGES]

use std::time::{Duration, Instant};

use kafka_dash::broker::{Broker, BrokerConfig};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer, StreamConsumer};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Message, Offset, TopicPartitionList};

fn config(broker: &Broker) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", broker.bootstrap())
        .set("log_level", "3");
    c
}

fn produce(broker: &Broker, topic: &str, n: usize) -> f64 {
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
fn consume(broker: &Broker, topic: &str, n: usize) -> (f64, Duration) {
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
fn kcat_consume(broker: &Broker, topic: &str, n: usize) -> Option<f64> {
    let start = Instant::now();
    let status = std::process::Command::new("kcat")
        .args([
            "-C",
            "-b",
            &broker.bootstrap(),
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
async fn raw_fetch(broker: &Broker, topic: &str, partitions: i32, n: usize) -> f64 {
    use bytes::{Buf, BufMut, BytesMut};
    use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
    use kafka_protocol::messages::{ApiKey, FetchRequest, FetchResponse, RequestHeader, TopicName};
    use kafka_protocol::protocol::{Decodable, Encodable, StrBytes};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut stream = tokio::net::TcpStream::connect(broker.addr()).await.unwrap();
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

async fn first_message(broker: &Broker, topic: &str, run: usize) -> Duration {
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

fn main() {
    let n: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(1_000_000);
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

    let p = produce(&broker, "bench", n);
    let (c, startup) = consume(&broker, "bench", n);
    let kcat = kcat_consume(&broker, "bench", n);
    let raw = rt.block_on(raw_fetch(&broker, "bench", 2, n));
    produce(&broker, "first", 1);
    let mut firsts: Vec<Duration> = (0..5)
        .map(|i| rt.block_on(first_message(&broker, "first", i)))
        .collect();
    firsts.sort();
    println!(
        "messages: {n} x 100 bytes, 2 partitions, rdkafka {}",
        rdkafka::util::get_rdkafka_version().1
    );
    println!("produce: {:>10.0} msg/s", p);
    println!(
        "consume: {:>10.0} msg/s (rdkafka BaseConsumer, after {:.0} ms start-up)",
        c,
        startup.as_secs_f64() * 1e3
    );
    println!(
        "raw Fetch requests (broker side, no client decoding): {:>10.0} msg/s",
        raw
    );
    match kcat {
        Some(k) => println!(
            "kcat -C -e -o beginning to /dev/null: {:>10.0} msg/s (start-up included)",
            k
        ),
        None => println!("kcat not found: no peer consume measurement"),
    }
    println!(
        "new member subscribe -> first message: median {:.0} ms (min {:.0}, max {:.0}, 5 runs)",
        firsts[2].as_secs_f64() * 1e3,
        firsts[0].as_secs_f64() * 1e3,
        firsts[4].as_secs_f64() * 1e3
    );
}
