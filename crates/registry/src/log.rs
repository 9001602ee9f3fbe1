//! Where the registry's records go: a compacted topic in production (the lead's broker
//! adapter), a vector in tests.

use std::sync::{Arc, Mutex};

/// One record of the `_schemas` topic: the key's bytes and the value's, `None` a tombstone.
pub type LogRecord = (Vec<u8>, Option<Vec<u8>>);

/// The registry's storage: an append-only, key-compacted log such as Kafka's `_schemas`.
///
/// The registry replays `read_all` once when it opens and is then the only writer, so
/// `append` must only return once the record is durable in the order given.
pub trait Log: Send + Sync + 'static {
    /// Appends one record; `value` `None` writes a tombstone.
    fn append(&self, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<(), String>;
    /// Every record in log order (compaction may have dropped superseded ones).
    fn read_all(&self) -> Result<Vec<LogRecord>, String>;
}

/// An in-memory [`Log`] for tests; clones share the same records, so a second registry can
/// be opened over what a first one wrote.
#[derive(Clone, Default)]
pub struct MemoryLog {
    records: Arc<Mutex<Vec<LogRecord>>>,
}

impl MemoryLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of every record appended so far, in order.
    pub fn records(&self) -> Vec<LogRecord> {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Log for MemoryLog {
    fn append(&self, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<(), String> {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key, value));
        Ok(())
    }

    fn read_all(&self) -> Result<Vec<LogRecord>, String> {
        Ok(self.records())
    }
}
