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
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        let (mut enqueued, mut failed) = (0u64, 0u64);
        loop {
            every.tick().await;
            let key = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                .to_string();
            let value = random_letters(&mut rand::thread_rng());
            enqueued += 1;
            if let Err((e, _)) = producer
                .send(
                    FutureRecord::to(topic).key(&key).payload(&value),
                    Duration::from_secs(5),
                )
                .await
            {
                failed += 1;
                tracing::warn!(enqueued, failed, "background producer: {e}");
            }
        }
    });
}
