//! The composer's schema'd values end to end (issue 23, item 2): an Avro schema registered
//! from a file in the embedded registry, chosen, a JSON value encoded and sent through the
//! workers Confluent-framed, and read back by the live view decoded.

mod common;

use std::time::Duration;

use kafka_dash::action::Now;
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::groups::WatchConfig;
use kafka_dash::kafka::messages::{KafkaCommand, KafkaEvent, StartFrom};
use kafka_dash::kafka::registry::client::RegistryClient;
use kafka_dash::kafka::registry::settings::RegistrySettings;
use kafka_dash::kafka::workers::{self, Workers};
use kafka_dash::schemas::cache::Schemas;
use kafka_dash::schemas::choice::{RegisterSpec, SchemaChoice, Target};
use kafka_dash::schemas::shown::Shown;
use kafka_dash::ui::composer::ComposerState;

/// A guard against a hung test, never a figure the test is about.
const GUARD: Duration = Duration::from_secs(60);

const ORDER: &str = r#"{"type": "record", "name": "Order", "namespace": "shop",
  "fields": [{"name": "id", "type": "string", "default": ""},
             {"name": "qty", "type": "int", "default": 1}]}"#;

/// Events until `pick` takes one, or a panic naming what was awaited.
async fn until<T>(w: &mut Workers, what: &str, mut pick: impl FnMut(KafkaEvent) -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + GUARD;
    loop {
        let e = tokio::time::timeout_at(deadline, w.events.recv())
            .await
            .unwrap_or_else(|_| panic!("no event while awaiting {what}"))
            .expect("the workers are running");
        if let Some(t) = pick(e) {
            return t;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_registered_chosen_encoded_sent_and_read_back_decoded() {
    let broker = common::broker().await;
    let url = kafka_dash::embedded_registry::start(&broker, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
        .url;
    let registry = RegistryClient::new(&RegistrySettings::from_url(&url).unwrap()).unwrap();
    let settings = ClientSettings {
        bootstrap: broker.bootstrap(),
        overrides: Vec::new(),
    };
    let mut w = workers::spawn_with_registry(settings, WatchConfig::default(), Some(registry));

    // Register from a file, as the composer's form asks.
    let dir = std::env::temp_dir().join(format!("kd-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("order.avsc");
    std::fs::write(&file, ORDER).unwrap();
    let spec = RegisterSpec {
        subject: "orders-value".into(),
        path: file,
        kind: schema::SchemaKind::Avro,
    };
    w.commands
        .send(KafkaCommand::RegisterSchema(spec))
        .await
        .unwrap();
    let (id, version) = until(&mut w, "the registration", |e| match e {
        KafkaEvent::Registered(_, r) => Some(r.expect("registered")),
        _ => None,
    })
    .await;
    assert_eq!(version, 1);

    // An incompatible version is refused in the registry's words.
    let bad = dir.join("bad.avsc");
    std::fs::write(
        &bad,
        r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"}]}"#,
    )
    .unwrap();
    let bad_spec = RegisterSpec {
        subject: "orders-value".into(),
        path: bad,
        kind: schema::SchemaKind::Avro,
    };
    w.commands
        .send(KafkaCommand::RegisterSchema(bad_spec))
        .await
        .unwrap();
    let refusal = until(&mut w, "the refusal", |e| match e {
        KafkaEvent::Registered(_, r) => Some(r.expect_err("incompatible")),
        _ => None,
    })
    .await;
    assert!(
        refusal.starts_with("orders-value: not registered, incompatible: "),
        "{refusal}"
    );

    // Choose it in the composer; the subjects are listed for the form.
    w.commands.send(KafkaCommand::ListSubjects).await.unwrap();
    let subjects = until(&mut w, "the subjects", |e| match e {
        KafkaEvent::Subjects(s) => Some(s.unwrap()),
        _ => None,
    })
    .await;
    assert_eq!(subjects, vec!["orders-value".to_string()]);
    let choice = SchemaChoice {
        target: Target::Value,
        subject: "orders-value".into(),
        version: None,
        message: None,
    };
    let mut composer = ComposerState {
        topic: tui_input::Input::new("orders".into()),
        ..Default::default()
    };
    composer.encoding.pending = Some(choice.clone());
    w.commands
        .send(KafkaCommand::ChooseSchema(choice))
        .await
        .unwrap();
    let (choice, answer) = until(&mut w, "the chosen schema", |e| match e {
        KafkaEvent::SchemaChosen(c, a) => Some((c, a)),
        _ => None,
    })
    .await;
    composer.schema_answered(&choice, answer).unwrap();
    assert!(
        composer.value.value().contains("\"qty\": 1"),
        "the template"
    );
    composer.value = tui_input::Input::new("{\"id\": \"o-1\", \"qty\": 3}".into());

    // Send it and read it back decoded.
    let produce = composer.message(Now::read()).unwrap();
    let KafkaCommand::Produce { message, .. } = &produce else {
        panic!("{produce:?}")
    };
    assert_eq!(
        &message.value.as_deref().unwrap()[..5],
        &[
            0,
            (id >> 24) as u8,
            (id >> 16) as u8,
            (id >> 8) as u8,
            id as u8
        ]
    );
    w.commands.send(produce).await.unwrap();
    let delivered = until(&mut w, "the delivery", |e| match e {
        KafkaEvent::Delivered(_, d) => Some(d),
        _ => None,
    })
    .await;
    assert!(delivered.result.is_ok(), "{delivered:?}");
    w.commands
        .send(KafkaCommand::Tail {
            topic: "orders".into(),
            from: StartFrom::Beginning,
            value_limit: 1 << 20,
        })
        .await
        .unwrap();
    let record = until(&mut w, "the record", |e| match e {
        KafkaEvent::Tail { mut records, .. } if !records.is_empty() => Some(records.remove(0)),
        _ => None,
    })
    .await;
    let mut schemas = Schemas::new(true);
    schemas.note(record.value.as_deref());
    assert_eq!(schemas.take_wanted(), vec![id]);
    w.commands
        .send(KafkaCommand::FetchSchema(id))
        .await
        .unwrap();
    let answer = until(&mut w, "the schema by id", |e| match e {
        KafkaEvent::Schema(i, a) if i == id => Some(a),
        _ => None,
    })
    .await;
    schemas.insert(id, answer);
    match schemas.show(record.value.as_deref()) {
        Shown::Decoded(d) => {
            assert_eq!(d.json, r#"{"id":"o-1","qty":3}"#);
            assert_eq!(d.type_name, "shop.Order");
        }
        other => panic!("not decoded: {other:?}"),
    }
    let _ = std::fs::remove_dir_all(dir);
}
