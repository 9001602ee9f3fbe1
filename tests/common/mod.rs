//! Helpers shared by the integration tests: an embedded broker on port 0, rdkafka clients.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use broker::{Broker, BrokerConfig};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::producer::FutureProducer;

/// A broker on a free loopback port with Kafka's defaults (initial delay 0).
pub async fn broker() -> Broker {
    broker_with(BrokerConfig::default()).await
}

/// A broker with a custom config (listen address forced to port 0 unless set).
pub async fn broker_with(config: BrokerConfig) -> Broker {
    Broker::start(config).await.expect("broker starts")
}

/// A client config pointed at the broker, quiet and quick.
pub fn client(broker: &Broker) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", broker.bootstrap())
        .set("log_level", "3");
    c
}

/// A producer that waits for acks from the partition leader.
pub fn producer(broker: &Broker) -> FutureProducer {
    client(broker)
        .set("linger.ms", "0")
        .create()
        .expect("producer")
}

/// A group member subscribed to `topics`.
pub fn member(
    broker: &Broker,
    group: &str,
    client_id: &str,
    topics: &[&str],
    extra: &[(&str, &str)],
) -> StreamConsumer {
    let mut c = client(broker);
    c.set("group.id", group)
        .set("client.id", client_id)
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "6000")
        .set("heartbeat.interval.ms", "200")
        .set("enable.auto.commit", "false");
    for (k, v) in extra {
        c.set(*k, *v);
    }
    let consumer: StreamConsumer = c.create().expect("consumer");
    consumer.subscribe(topics).expect("subscribe");
    consumer
}

/// Polls `check` until it returns `Some`, or panics after `secs` seconds with `what`.
pub async fn eventually<T>(secs: u64, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Leaves the group cleanly and closes: unsubscribe (LeaveGroup), serve the revoke by
/// polling, then drop. Dropping a consumer while a rebalance reaches it can hang inside
/// librdkafka's close, so group members in tests always go this way.
pub async fn leave(consumer: StreamConsumer) {
    consumer.unsubscribe();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline
        && consumer
            .assignment()
            .map(|a| a.count() > 0)
            .unwrap_or(false)
    {
        let _ = tokio::time::timeout(Duration::from_millis(20), consumer.recv()).await;
    }
    tokio::task::spawn_blocking(move || drop(consumer))
        .await
        .expect("consumer closed");
}
