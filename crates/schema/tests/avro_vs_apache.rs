//! Random records through our codec and apache-avro's: each reads what the other wrote.

use std::collections::{BTreeMap, HashMap};

use apache_avro::types::Value as A;
use proptest::prelude::*;
use schema::{Schema, SchemaKind};
use serde_json::{json, Value};

const SCHEMA: &str = r#"{"type":"record","name":"P","fields":[
 {"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
 {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"by","type":"bytes"},
 {"name":"s","type":"string"},{"name":"o","type":["null","string"]},
 {"name":"a","type":{"type":"array","items":"int"}},
 {"name":"m","type":{"type":"map","values":"long"}}]}"#;

#[derive(Debug, Clone)]
struct Row {
    b: bool,
    i: i32,
    l: i64,
    f: f32,
    d: f64,
    by: Vec<u8>,
    s: String,
    o: Option<String>,
    a: Vec<i32>,
    m: BTreeMap<String, i64>,
}

fn rows() -> impl Strategy<Value = Row> {
    (
        (any::<bool>(), any::<i32>(), any::<i64>()),
        (-1e30f32..1e30, -1e300f64..1e300),
        (proptest::collection::vec(any::<u8>(), 0..20), ".{0,12}"),
        proptest::option::of(".{0,8}"),
        proptest::collection::vec(any::<i32>(), 0..5),
        proptest::collection::btree_map("[a-z]{0,4}", any::<i64>(), 0..4),
    )
        .prop_map(|((b, i, l), (f, d), (by, s), o, a, m)| Row {
            b,
            i,
            l,
            f,
            d,
            by,
            s,
            o,
            a,
            m,
        })
}

/// The natural JSON our decoder gives for a row.
fn natural(row: &Row) -> Value {
    // A float shows as its shortest text, read as a double.
    let f: f64 = row.f.to_string().parse().unwrap();
    json!({"b": row.b, "i": row.i, "l": row.l, "f": f, "d": row.d,
        "by": row.by.iter().map(|&b| char::from(b)).collect::<String>(), "s": row.s,
        "o": row.o, "a": row.a, "m": row.m})
}

/// The same row as apache-avro's value.
fn theirs(row: &Row) -> A {
    let o = match &row.o {
        None => A::Union(0, Box::new(A::Null)),
        Some(s) => A::Union(1, Box::new(A::String(s.clone()))),
    };
    let m: HashMap<String, A> = row
        .m
        .iter()
        .map(|(k, v)| (k.clone(), A::Long(*v)))
        .collect();
    A::Record(vec![
        ("b".into(), A::Boolean(row.b)),
        ("i".into(), A::Int(row.i)),
        ("l".into(), A::Long(row.l)),
        ("f".into(), A::Float(row.f)),
        ("d".into(), A::Double(row.d)),
        ("by".into(), A::Bytes(row.by.clone())),
        ("s".into(), A::String(row.s.clone())),
        ("o".into(), o),
        (
            "a".into(),
            A::Array(row.a.iter().map(|&v| A::Int(v)).collect()),
        ),
        ("m".into(), A::Map(m)),
    ])
}

proptest! {
    #[test]
    #[allow(deprecated)] // to_avro_datum / from_avro_datum: the plain calls read clearest
    fn each_reads_what_the_other_wrote(row in rows()) {
        let ours = Schema::compile(SchemaKind::Avro, SCHEMA, &[]).unwrap();
        let parsed = apache_avro::Schema::parse_str(SCHEMA).unwrap();

        let our_bytes = ours.encode(&natural(&row).to_string(), None).unwrap();
        let read_back = apache_avro::from_avro_datum(&parsed, &mut &our_bytes[..], None).unwrap();
        prop_assert_eq!(read_back, theirs(&row));

        let their_bytes = apache_avro::to_avro_datum(&parsed, theirs(&row)).unwrap();
        prop_assert_eq!(ours.decode(&their_bytes, &[]).unwrap().json, natural(&row));
        // Maps aside (apache-avro writes them in hash order), the bytes are the same.
        if row.m.len() < 2 {
            prop_assert_eq!(our_bytes, their_bytes);
        }
    }
}
