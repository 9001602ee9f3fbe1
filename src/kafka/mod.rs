//! The dashboard's Kafka side: workers around rdkafka, the owned types they send to the
//! UI, and partition prediction. The consumer-protocol codecs it shares with the
//! embedded broker are in the `wire` crate.

pub mod admin;
pub mod budget;
pub mod client;
pub mod client_config;
pub mod connection;
pub mod connector;
pub mod diagnose;
pub mod files;
pub mod frame;
pub mod groups;
pub mod health;
pub mod jsonl;
pub mod lag_time;
pub mod members;
pub mod messages;
pub mod metadata;
pub mod model;
pub mod outbox;
pub mod partitioner;
pub mod probe;
pub mod registry;
pub mod security;
pub mod seed_orders;
pub mod seed_producer;
pub mod tail;
pub mod timeline;
pub mod watermarks;
pub mod wire;
pub mod workers;

/// Milliseconds since the Unix epoch (the watcher's clock).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
