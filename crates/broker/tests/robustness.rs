//! Bad input never brings the broker down: each bad connection is answered with an error
//! or closed, and every other connection keeps working. It also holds 1,000 connections.
//! Speaks the protocol with kafka-protocol only, so it needs no librdkafka (Fetch's
//! legacy message sets, written by an rdkafka producer, are in the root package's
//! tests/broker_legacy_fetch.rs).

#[path = "support/frames.rs"]
mod frames;

use kafka_protocol::messages::{ApiKey, ApiVersionsRequest, ApiVersionsResponse, MetadataRequest};
use kafka_protocol::protocol::{Decodable, Encodable};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use broker::{Broker, BrokerConfig};
use frames::{exchange, request_as, WAIT};

/// A broker on a free loopback port with Kafka's defaults.
async fn start() -> Broker {
    Broker::start(BrokerConfig::default())
        .await
        .expect("broker starts")
}

/// A framed request whose header claims `version`; the body is encoded at a version the
/// codec knows (the same one, or the highest for versions from the future).
fn request<R: Encodable>(key: ApiKey, version: i16, header_version: i16, body: &R) -> Vec<u8> {
    request_as(key, version, header_version, body, version.min(3))
}

fn api_versions_v0() -> Vec<u8> {
    request(ApiKey::ApiVersions, 0, 1, &ApiVersionsRequest::default())
}

async fn healthy_exchange(addr: std::net::SocketAddr) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut body = exchange(&mut s, &api_versions_v0())
        .await
        .expect("healthy connection answered");
    let resp = ApiVersionsResponse::decode(&mut body, 0).unwrap();
    assert_eq!(resp.error_code, 0);
}

async fn assert_closed(stream: &mut TcpStream) {
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(WAIT, stream.read(&mut buf))
        .await
        .expect("closed in time");
    assert!(
        matches!(n, Ok(0) | Err(_)),
        "expected the broker to close the connection, got {n:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_frames_close_only_their_connection() {
    let b = start().await;
    let addr = b.addr();
    // A connection opened before the abuse must keep working after it.
    let mut bystander = TcpStream::connect(addr).await.unwrap();
    assert!(exchange(&mut bystander, &api_versions_v0()).await.is_some());

    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "garbage",
            b"\xde\xad\xbe\xef garbage that is not kafka".to_vec(),
        ),
        ("2 GiB frame", vec![0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
        ("negative size", vec![0xff, 0xff, 0xff, 0xfe]),
        ("shorter than a header", vec![0, 0, 0, 3, 0, 1, 2]),
        ("unknown API key", {
            let mut v = api_versions_v0();
            v[4..6].copy_from_slice(&9_999i16.to_be_bytes());
            v
        }),
        (
            "unadvertised version",
            request(ApiKey::Metadata, 99, 1, &ApiVersionsRequest::default()),
        ),
        ("malformed body", {
            let mut v = request(ApiKey::Metadata, 3, 1, &MetadataRequest::default());
            let body_start = v.len() - 6;
            v[body_start..].copy_from_slice(&[0x7f, 0xff, 0xff, 0xff, 1, 1]);
            v
        }),
    ];
    // A truncated frame: claims 100 bytes, sends 10, then the client stops writing.
    cases.push(("truncated frame", {
        let mut v = vec![0, 0, 0, 100];
        v.extend_from_slice(&[1; 10]);
        v
    }));
    for (name, bytes) in cases {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(&bytes).await.unwrap();
        if name == "truncated frame" {
            s.shutdown().await.unwrap();
        }
        assert_closed(&mut s).await;
        healthy_exchange(addr).await;
        assert!(
            exchange(&mut bystander, &api_versions_v0()).await.is_some(),
            "bystander after {name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unsupported_api_versions_request_gets_v0_error_with_our_versions() {
    let b = start().await;
    let mut s = TcpStream::connect(b.addr()).await.unwrap();
    let mut body = exchange(
        &mut s,
        &request(ApiKey::ApiVersions, 99, 2, &ApiVersionsRequest::default()),
    )
    .await
    .expect("answered, not closed");
    let resp = ApiVersionsResponse::decode(&mut body, 0).unwrap();
    assert_eq!(resp.error_code, 35, "UNSUPPORTED_VERSION");
    let produce = resp
        .api_keys
        .iter()
        .find(|k| k.api_key == ApiKey::Produce as i16)
        .unwrap();
    assert_eq!((produce.min_version, produce.max_version), (0, 9));
    // The connection stays usable, as with Kafka.
    assert!(exchange(&mut s, &api_versions_v0()).await.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn holds_a_thousand_concurrent_connections() {
    let b = start().await;
    let addr = b.addr();
    let mut streams = Vec::with_capacity(1_000);
    for _ in 0..1_000 {
        streams.push(TcpStream::connect(addr).await.expect("connect"));
    }
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|mut s| {
            tokio::spawn(async move { exchange(&mut s, &api_versions_v0()).await.map(|_| s) })
        })
        .collect();
    let mut open = Vec::new();
    for t in tasks {
        open.push(t.await.unwrap().expect("every connection answered"));
    }
    assert_eq!(open.len(), 1_000);
    // All still open at once, and a new client still gets through.
    healthy_exchange(addr).await;
}
