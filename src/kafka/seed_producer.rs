//! The gentle background producer of the first run, like the seed's sarama example:
//! every second, key = Unix seconds, value = four random capital letters.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use rdkafka::producer::{FutureProducer, FutureRecord};

use crate::kafka::client::ClientSettings;

/// Four random capitals, like `BZGB`.
pub fn random_letters(rng: &mut impl Rng) -> String {
    (0..4).map(|_| rng.gen_range(b'A'..=b'Z') as char).collect()
}

/// Produces to `topic` once a second until the runtime stops.
pub fn spawn(settings: &ClientSettings, topic: &'static str) {
    let producer: FutureProducer = match settings
        .config()
        .set("acks", "all")
        .set("message.send.max.retries", "5")
        .create()
    {
        Ok(p) => p,
        Err(e) => {
            tracing::error!("background producer: {e}");
            return;
        }
    };
    every_second(producer, topic, |_| {
        let key = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
            .to_string();
        Some((key, random_letters(&mut rand::thread_rng()).into_bytes()))
    });
}

/// Sends the key and value `next` makes of 1, 2, 3… to `topic` once a second, until
/// the runtime stops or `next` has nothing (a failure it has logged).
pub fn every_second(
    producer: FutureProducer,
    topic: &'static str,
    mut next: impl FnMut(u64) -> Option<(String, Vec<u8>)> + Send + 'static,
) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        let mut failed = 0u64;
        for enqueued in 1u64.. {
            every.tick().await;
            let Some((key, value)) = next(enqueued) else {
                return;
            };
            let record = FutureRecord::to(topic).key(&key).payload(&value);
            if let Err((e, _)) = producer.send(record, Duration::from_secs(5)).await {
                failed += 1;
                tracing::warn!(topic, enqueued, failed, "background producer: {e}");
            }
        }
    });
}
