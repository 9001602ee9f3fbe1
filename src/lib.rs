//! kafka-dash: a terminal dashboard for Apache Kafka, and the embedded broker it runs on.

pub mod action;
pub mod app;
pub mod broker;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod escape;
pub mod input;
pub mod kafka;
pub mod keys;
pub mod logging;
pub mod pane;
pub mod screen;
pub mod state;
pub mod tui;
pub mod ui;
