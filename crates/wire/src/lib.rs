//! Kafka wire codecs that both kafka-dash's client (the watcher) and its embedded broker
//! speak, so neither imports the other: the consumer protocol's subscription and
//! assignment, compact encodings, ConsumerGroupDescribe v1 member types, Kafka's
//! topic-name rules and SCRAM authentication.

pub mod compact;
pub mod consumer_protocol;
pub mod member_type;
pub mod scram;
pub mod topic_name;

pub use topic_name::{validate_topic_name, InvalidTopicName};
