//! The ingest bench's schema'd data: a small Avro record registered in the embedded
//! schema registry, its framed 100-byte values, and a proxy that makes the registry slow.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

/// The topic the framed values go to.
pub const TOPIC: &str = "ingest-avro";
/// Its value subject (the topic name strategy).
pub const SUBJECT: &str = "ingest-avro-value";

/// A few ints and strings, a decimal and a timestamp: what a typical event carries.
pub const SCHEMA: &str = r#"{"type":"record","name":"Sale","namespace":"bench","fields":[
 {"name":"id","type":"long"},
 {"name":"item","type":"string"},
 {"name":"quantity","type":"int"},
 {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"sold_at","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"customer","type":"string"},
 {"name":"city","type":"string"},
 {"name":"comment","type":"string"}]}"#;

/// Framed values are this long, like the plaintext case's 99-byte values.
pub const VALUE_BYTES: usize = 100;

/// Distinct values the producer cycles through (encoding each of 1M would slow it).
const POOL: usize = 1000;

const ITEMS: &[&str] = &["widget", "gizmo", "sprocket", "doohickey"];
const CITIES: &[&str] = &["Lisbon", "Osaka", "Lima", "Tromsø", "Accra"];

/// Registers [`SCHEMA`] under [`SUBJECT`] at `registry` (its base URL): the schema id.
pub fn register(registry: &str) -> u32 {
    let body = serde_json::json!({ "schema": SCHEMA }).to_string();
    let answer = ureq::post(&format!("{registry}/subjects/{SUBJECT}/versions"))
        .set("Content-Type", "application/vnd.schemaregistry.v1+json")
        .send_string(&body)
        .unwrap_or_else(|e| panic!("registering {SUBJECT}: {e}"))
        .into_string()
        .expect("the registry's answer");
    let id = serde_json::from_str::<serde_json::Value>(&answer)
        .ok()
        .and_then(|v| v["id"].as_u64())
        .unwrap_or_else(|| panic!("no id in {answer}"));
    u32::try_from(id).expect("a 32-bit schema id")
}

/// The framed values the producer cycles through, each [`VALUE_BYTES`] long (the
/// comment pads them; under 64 characters its length takes one byte, as the empty one's).
pub fn values(id: u32) -> Vec<Vec<u8>> {
    let schema = schema::Schema::compile(schema::SchemaKind::Avro, SCHEMA, &[])
        .expect("the bench schema compiles");
    let encode = |json: &str| {
        schema
            .encode(json, None)
            .unwrap_or_else(|e| panic!("{json}: {e}"))
    };
    (0..POOL)
        .map(|i| {
            let json = |comment: &str| {
                format!(
                    r#"{{"id":{},"item":"{}","quantity":{},"price":"{}.{:02}","sold_at":{},"customer":"customer-{:06}","city":"{}","comment":"{comment}"}}"#,
                    1_000_000 + i,
                    ITEMS[i % ITEMS.len()],
                    i % 5 + 1,
                    i % 97 + 1,
                    i % 100,
                    1_733_300_000_000u64 + i as u64 * 1_000,
                    i * 7,
                    CITIES[i % CITIES.len()],
                )
            };
            let bare = encode(&json("")).len() + 5;
            let pad = "n".repeat(VALUE_BYTES.saturating_sub(bare));
            let framed = schema::frame::write(id, &encode(&json(&pad)));
            assert_eq!(framed.len(), VALUE_BYTES, "value {i}");
            framed
        })
        .collect()
}

/// A proxy in front of `upstream` (`http://host:port`) that holds every request
/// `delay` before passing it on, so each answer comes that late: its base URL.
pub fn slow_proxy(upstream: &str, delay: Duration) -> String {
    let upstream = upstream.trim_start_matches("http://").to_string();
    let listener = TcpListener::bind("127.0.0.1:0").expect("proxy port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(&upstream) else {
                continue;
            };
            let (client2, server2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || pipe(client, server, delay));
            std::thread::spawn(move || pipe(server2, client2, Duration::ZERO));
        }
    });
    url
}

/// Copies `from` to `to`, each chunk after `delay`, until either side closes.
fn pipe(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buf) {
        std::thread::sleep(delay);
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
