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
