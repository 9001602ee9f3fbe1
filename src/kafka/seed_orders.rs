//! The first run's schema'd topic: `orders`, whose values are Avro records registered
//! under `orders-value` in the embedded schema registry, one a second — so the first
//! screens show a decoded value, its schema and its id without any setup.

use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;
use rdkafka::producer::FutureProducer;

use crate::kafka::client::ClientSettings;

/// The topic the orders go to.
pub const TOPIC: &str = "orders";
/// Its value subject (the topic name strategy).
pub const SUBJECT: &str = "orders-value";

/// The orders' Avro schema: a record with a decimal, a timestamp, an enum, an optional
/// note and a nested record, so the first decoded value shows what decoding does.
pub const SCHEMA: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
 {"name":"id","type":"long"},
 {"name":"item","type":"string"},
 {"name":"quantity","type":"int"},
 {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"placed_at","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]}},
 {"name":"note","type":["null","string"],"default":null},
 {"name":"ship_to","type":{"type":"record","name":"Address","fields":[
   {"name":"city","type":"string"},{"name":"zip","type":"string"}]}}
]}"#;

const ITEMS: &[&str] = &["widget", "gizmo", "sprocket", "doohickey"];
const CITIES: &[(&str, &str)] = &[
    ("Lisbon", "1100-148"),
    ("Osaka", "530-0001"),
    ("Lima", "15001"),
];

/// One order as JSON, the form the schema crate encodes.
fn order_json(n: u64, now_ms: i64, rng: &mut impl Rng) -> String {
    let (city, zip) = CITIES[rng.gen_range(0..CITIES.len())];
    let note = if rng.gen_bool(0.3) {
        r#""gift""#
    } else {
        "null"
    };
    format!(
        r#"{{"id":{n},"item":"{}","quantity":{},"price":"{}.{:02}","placed_at":{now_ms},"status":"{}","note":{note},"ship_to":{{"city":"{city}","zip":"{zip}"}}}}"#,
        ITEMS[rng.gen_range(0..ITEMS.len())],
        rng.gen_range(1..=5),
        rng.gen_range(1..=99),
        rng.gen_range(0..100),
        ["NEW", "PAID", "SHIPPED"][rng.gen_range(0..3)],
    )
}

/// Registers the orders' schema in `registry` and produces an order a second to
/// `orders` until the runtime stops.
pub fn spawn(settings: &ClientSettings, registry: &registry::Registry) -> Result<(), String> {
    let req = registry::SchemaRequest {
        schema: Some(SCHEMA.to_string()),
        ..Default::default()
    };
    let registered = registry
        .register(SUBJECT, &req, false)
        .map_err(|e| format!("registering {SUBJECT}: {e:?}"))?;
    let id = u32::try_from(registered.id).map_err(|e| e.to_string())?;
    let schema = schema::Schema::compile(schema::SchemaKind::Avro, SCHEMA, &[])
        .map_err(|e| e.to_string())?;
    let producer: FutureProducer = settings
        .config()
        .set("acks", "all")
        .create()
        .map_err(|e| format!("orders producer: {e}"))?;
    crate::kafka::seed_producer::every_second(producer, TOPIC, move |n| {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let json = order_json(n, now_ms, &mut rand::thread_rng());
        match schema.encode(&json, None) {
            Ok(payload) => Some((format!("order-{n}"), schema::frame::write(id, &payload))),
            Err(e) => {
                tracing::error!("orders producer: {e}");
                None
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_order_fits_the_schema_and_decodes_to_itself() {
        let schema = schema::Schema::compile(schema::SchemaKind::Avro, SCHEMA, &[]).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for n in 0..200 {
            let json = order_json(n, 1_733_300_000_000 + n as i64, &mut rng);
            let payload = schema
                .encode(&json, None)
                .unwrap_or_else(|e| panic!("{json}: {e}"));
            let back = schema.decode(&payload, &[]).unwrap();
            assert_eq!(back.type_name, "shop.Order");
            assert_eq!(back.json["id"], serde_json::json!(n));
            let price = back.json["price"].as_str().unwrap();
            assert!(price.contains('.') && price.len() >= 4, "{price}");
            assert!(back.json["placed_at"].as_str().unwrap().ends_with('Z'));
        }
    }
}
