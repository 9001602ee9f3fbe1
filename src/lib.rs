//! kafka-dash: a terminal dashboard for Apache Kafka, and the embedded broker it runs on.

pub mod broker;
pub mod cli;
pub mod escape;
pub mod kafka;
pub mod logging;
