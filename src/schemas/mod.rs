//! Schema'd keys and values in the dashboard: the schemas fetched so far (the UI's
//! cache), what bytes are shown as, and the codec door. Fetching is the Kafka side's
//! (`crate::kafka::registry`); this module does no I/O.

pub mod cache;
pub mod choice;
pub mod codec;
pub mod encode;
pub mod fetched;
pub mod shown;
