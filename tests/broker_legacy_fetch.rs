//! Fetch's legacy message sets: records an rdkafka producer wrote come back to Fetch v0–3
//! readers in message format v0/v1, as Kafka down-converts them. (The broker's other
//! robustness tests need no librdkafka and live in crates/broker/tests/robustness.rs.)

mod common;
#[path = "../crates/broker/tests/support/frames.rs"]
mod frames;

use bytes::Bytes;
use frames::{exchange, request_as, WAIT};
use kafka_protocol::messages::ApiKey;
use kafka_protocol::protocol::{Decodable, StrBytes};
use tokio::net::TcpStream;

/// Fetch v0–3 readers only understand message format v0/v1: the broker down-converts, as
/// Kafka does (headers cannot survive that, keys and values do).
#[tokio::test(flavor = "multi_thread")]
async fn old_fetch_versions_get_legacy_message_sets() {
    use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
    use kafka_protocol::messages::{FetchRequest, FetchResponse, TopicName};
    use kafka_protocol::records::RecordBatchDecoder;
    use rdkafka::producer::{FutureProducer, FutureRecord};

    let b = common::broker().await;
    b.create_topic("legacy", 1).unwrap();
    let p: FutureProducer = common::client(&b).create().unwrap();
    for i in 0..3 {
        p.send(
            FutureRecord::to("legacy")
                .key("k")
                .payload(&format!("v{i}")),
            WAIT,
        )
        .await
        .unwrap();
    }
    for (version, magic) in [(0i16, 0i8), (2, 1), (3, 1), (4, 2)] {
        let req = FetchRequest::default()
            .with_max_wait_ms(100)
            .with_min_bytes(1)
            .with_max_bytes(1 << 20)
            .with_topics(vec![FetchTopic::default()
                .with_topic(TopicName(StrBytes::from_static_str("legacy")))
                .with_partitions(vec![FetchPartition::default()
                    .with_partition(0)
                    .with_fetch_offset(0)
                    .with_partition_max_bytes(1 << 20)])]);
        let mut s = TcpStream::connect(b.addr()).await.unwrap();
        let mut body = exchange(
            &mut s,
            &request_as(ApiKey::Fetch, version, 1, &req, version),
        )
        .await
        .expect("answered");
        let resp = FetchResponse::decode(&mut body, version).unwrap();
        let mut records = resp.responses[0].partitions[0].records.clone().unwrap();
        let sets = RecordBatchDecoder::decode_all(&mut records).unwrap();
        assert!(
            sets.iter().all(|s| s.version == magic),
            "Fetch v{version} got magic {:?}",
            sets.iter().map(|s| s.version).collect::<Vec<_>>()
        );
        let values: Vec<_> = sets
            .iter()
            .flat_map(|s| s.records.iter().map(|r| r.value.clone().unwrap()))
            .collect();
        assert_eq!(
            values,
            vec![Bytes::from("v0"), Bytes::from("v1"), Bytes::from("v2")],
            "Fetch v{version}"
        );
    }
}
