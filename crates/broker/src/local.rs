//! In-process produce and read, for what runs in the broker's own process (the embedded
//! schema registry keeps its `_schemas` log here): records go through the same log and
//! wake the same long-polling fetches as a client's, without a socket or credentials.

use bytes::{Bytes, BytesMut};
use kafka_protocol::indexmap::IndexMap;
use kafka_protocol::records::{
    Compression, Record, RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};

use crate::records::parse_produce_payload;
use crate::Shared;

/// A record as stored: key and value (None: null, a tombstone's value).
pub type KeyValue = (Option<Bytes>, Option<Bytes>);

/// One partition, written and read in-process.
#[derive(Debug, Clone)]
pub struct LocalPartition {
    pub(crate) shared: std::sync::Arc<Shared>,
    pub(crate) topic: String,
    pub(crate) partition: i32,
}

impl LocalPartition {
    /// Appends one record: its offset. Fetches waiting for data wake up as for a
    /// produced record.
    pub fn append(&self, key: Option<Bytes>, value: Option<Bytes>) -> Result<i64, String> {
        let now = crate::handlers::now_ms();
        self.shared
            .append_local(&self.topic, self.partition, key, value, now)
    }

    /// Every record still in the partition's log, oldest first.
    pub fn read_all(&self) -> Result<Vec<KeyValue>, String> {
        self.shared.read_local(&self.topic, self.partition)
    }
}

impl Shared {
    /// Appends one record to `topic`'s partition `partition`; its offset.
    pub(crate) fn append_local(
        &self,
        topic: &str,
        partition: i32,
        key: Option<Bytes>,
        value: Option<Bytes>,
        timestamp: i64,
    ) -> Result<i64, String> {
        let log = self
            .topics
            .get(topic)
            .and_then(|t| t.partition(partition))
            .ok_or_else(|| format!("no partition {partition} of topic {topic}"))?;
        let record = Record {
            transactional: false,
            control: false,
            partition_leader_epoch: 0,
            producer_id: -1,
            producer_epoch: -1,
            timestamp_type: TimestampType::Creation,
            offset: 0,
            sequence: -1,
            timestamp,
            key,
            value,
            headers: IndexMap::new(),
        };
        let mut buf = BytesMut::new();
        let options = RecordEncodeOptions {
            version: 2,
            compression: Compression::None,
        };
        RecordBatchEncoder::encode(&mut buf, std::iter::once(&record), &options)
            .map_err(|e| format!("cannot encode the record: {e}"))?;
        let batches = parse_produce_payload(buf.freeze()).map_err(|e| format!("{e:?}"))?;
        let appended = log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .append(batches, None)
            .map_err(|e| format!("{e:?}"))?;
        self.appended.send_modify(|n| *n = n.wrapping_add(1));
        Ok(match appended {
            crate::log::Appended::New(base) | crate::log::Appended::Duplicate(base) => base,
        })
    }

    /// Every record of `topic`'s partition `partition` still in the log, oldest first.
    pub(crate) fn read_local(&self, topic: &str, partition: i32) -> Result<Vec<KeyValue>, String> {
        let log = self
            .topics
            .get(topic)
            .and_then(|t| t.partition(partition))
            .ok_or_else(|| format!("no partition {partition} of topic {topic}"))?;
        let mut bytes = {
            let log = log.lock().unwrap_or_else(|e| e.into_inner());
            log.read(log.log_start(), usize::MAX).freeze()
        };
        let mut out = Vec::new();
        if bytes.is_empty() {
            return Ok(out);
        }
        let sets = RecordBatchDecoder::decode_all(&mut bytes)
            .map_err(|e| format!("cannot read {topic}-{partition}: {e}"))?;
        for set in sets {
            out.extend(
                set.records
                    .into_iter()
                    .filter(|r| !r.control)
                    .map(|r| (r.key, r.value)),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use crate::{Broker, BrokerConfig};

    #[tokio::test]
    async fn records_appended_in_process_are_read_back_in_order_with_their_offsets() {
        let broker = Broker::start(BrokerConfig::default()).await.unwrap();
        broker
            .create_topic_with_configs("_schemas", 1, &[("cleanup.policy", "compact")])
            .unwrap();
        let k = |s: &'static str| Some(Bytes::from_static(s.as_bytes()));
        let log = broker.local_partition("_schemas", 0);
        assert_eq!(log.read_all().unwrap(), vec![]);
        assert_eq!(log.append(k("a"), k("1")).unwrap(), 0);
        assert_eq!(log.append(k("b"), k("2")).unwrap(), 1);
        assert_eq!(log.append(k("a"), None).unwrap(), 2);
        let read = log.read_all().unwrap();
        assert_eq!(
            read,
            vec![(k("a"), k("1")), (k("b"), k("2")), (k("a"), None)]
        );
        let missing = broker.local_partition("missing", 0);
        assert!(missing.append(k("a"), k("1")).is_err());
        assert!(broker.local_partition("_schemas", 1).read_all().is_err());
        broker.stop().await;
    }
}
