//! Fetch's legacy message sets: records an rdkafka producer wrote come back to Fetch v0–3
//! readers in message format v0/v1, as Kafka down-converts them. (The broker's other
//! robustness tests need no librdkafka and live in crates/broker/tests/robustness.rs.)

mod common;

use std::time::Duration;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{ApiKey, RequestHeader};
use kafka_protocol::protocol::{Decodable, Encodable, StrBytes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WAIT: Duration = Duration::from_secs(5);

/// A framed request with its header claiming `version` and the body encoded at `body_version`.
fn request_as<R: Encodable>(
    key: ApiKey,
    version: i16,
    header_version: i16,
    body: &R,
    body_version: i16,
) -> Vec<u8> {
    let mut buf = BytesMut::new();
    RequestHeader::default()
        .with_request_api_key(key as i16)
        .with_request_api_version(version)
        .with_correlation_id(7)
        .with_client_id(Some(StrBytes::from_static_str("robustness")))
        .encode(&mut buf, header_version)
        .unwrap();
    body.encode(&mut buf, body_version).unwrap();
    let mut framed = Vec::new();
    framed.put_i32(buf.len() as i32);
    framed.extend_from_slice(&buf);
    framed
}

/// Sends `bytes`, returns the response body (after the correlation id), or `None` if the
/// broker closed the connection instead.
async fn exchange(stream: &mut TcpStream, bytes: &[u8]) -> Option<Bytes> {
    stream.write_all(bytes).await.ok()?;
    let mut len = [0u8; 4];
    match tokio::time::timeout(WAIT, stream.read_exact(&mut len))
        .await
        .expect("broker answered or closed in time")
    {
        Ok(_) => {}
        Err(_) => return None,
    }
    let mut body = vec![0u8; i32::from_be_bytes(len) as usize];
    stream.read_exact(&mut body).await.ok()?;
    let mut body = Bytes::from(body);
    assert_eq!(body.get_i32(), 7, "correlation id echoed");
    Some(body)
}

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
