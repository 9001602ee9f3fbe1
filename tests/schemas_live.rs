//! Schema'd values in the live view, end to end in one process: the embedded broker and
//! its registry, a producer writing Confluent-framed Avro, the workers fetching the schema
//! by id, and the app drawing the rows decoded — or naming why a value was not decoded
//! (an unknown id, a registry that is not there), with plain values shown as before.

mod common;

use std::time::{Duration, Instant};

use kafka_dash::action::{Action, StartFrom};
use kafka_dash::app::App;
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::messages::KafkaCommand;
use kafka_dash::kafka::registry::client::RegistryClient;
use kafka_dash::kafka::registry::settings::RegistrySettings;
use kafka_dash::kafka::workers;
use kafka_dash::schemas::cache::Schemas;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rdkafka::producer::FutureRecord;

/// A guard against a hung test, never a figure the test is about.
const GUARD: Duration = Duration::from_secs(60);

const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
 {"name":"id","type":"long"},
 {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"note","type":["null","string"],"default":null}]}"#;

/// The screen's text at 240×40 (wide enough for a reason on a row).
fn screen(app: &mut App) -> String {
    let mut t = Terminal::new(TestBackend::new(240, 40)).unwrap();
    t.draw(|f| kafka_dash::screen::draw(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Feeds the workers' events to the app until `done` holds for the drawn screen.
async fn until(app: &mut App, w: &mut workers::Workers, what: &str, done: impl Fn(&str) -> bool) {
    let start = Instant::now();
    loop {
        let text = screen(app);
        if done(&text) {
            return;
        }
        assert!(start.elapsed() < GUARD, "{what} never showed:\n{text}");
        if let Ok(Some(ev)) =
            tokio::time::timeout(Duration::from_millis(200), w.events.recv()).await
        {
            app.update(Action::Kafka(ev));
        }
    }
}

/// Produces framed and plain values to `topic`.
async fn produce(broker: &broker::Broker, topic: &str, values: Vec<Vec<u8>>) {
    let p = common::producer(broker);
    for (i, v) in values.iter().enumerate() {
        let key = format!("k{i}");
        p.send(
            FutureRecord::to(topic).key(&key).payload(v),
            Duration::from_secs(5),
        )
        .await
        .expect("delivered");
    }
}

/// The app watching `topic` through workers that decode with `registry`.
async fn watching(
    broker: &broker::Broker,
    topic: &str,
    registry: Option<&str>,
) -> (App, workers::Workers) {
    let client =
        registry.map(|url| RegistryClient::new(&RegistrySettings::from_url(url).unwrap()).unwrap());
    let settings = ClientSettings {
        bootstrap: broker.bootstrap(),
        overrides: Vec::new(),
    };
    let w = workers::spawn_with_registry(settings, Default::default(), client);
    let mut app = App::new("test".into(), w.commands.clone());
    app.live.schemas = Schemas::new(registry.is_some());
    app.watch(topic.into(), StartFrom::Beginning);
    w.commands
        .send(KafkaCommand::Tail {
            topic: topic.into(),
            from: StartFrom::Beginning,
            value_limit: 64 * 1024,
        })
        .await
        .unwrap();
    app.switch(kafka_dash::app::Pane::Live);
    (app, w)
}

#[tokio::test(flavor = "multi_thread")]
async fn framed_avro_is_decoded_and_what_cannot_be_says_why() {
    let broker = common::broker().await;
    let served = kafka_dash::embedded_registry::start(&broker, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let req = registry::SchemaRequest {
        schema: Some(ORDER.into()),
        ..Default::default()
    };
    let id = served
        .registry
        .register("orders-value", &req, false)
        .unwrap()
        .id as u32;
    let schema = schema::Schema::compile(schema::SchemaKind::Avro, ORDER, &[]).unwrap();
    let framed = |json: &str| schema::frame::write(id, &schema.encode(json, None).unwrap());
    broker.create_topic("orders", 1).unwrap();
    produce(
        &broker,
        "orders",
        vec![
            framed(r#"{"id":7,"price":"12.34","note":"gift"}"#),
            schema::frame::write(9999, b"\x02"),
            b"plain text".to_vec(),
            // Framed with the right id, but the bytes stop short of the record.
            schema::frame::write(id, b"\x0e"),
        ],
    )
    .await;

    let (mut app, mut w) = watching(&broker, "orders", Some(&served.url)).await;
    until(&mut app, &mut w, "the decoded order", |s| {
        s.contains(r#"{"id":7,"price":"12.34","note":"gift"}"#)
    })
    .await;
    until(&mut app, &mut w, "why id 9999 was not decoded", |s| {
        s.contains("[schema 9999: schema registry: Schema 9999 not found")
    })
    .await;
    let text = screen(&mut app);
    assert!(text.contains("plain text"), "{text}");
    assert!(
        text.contains("[schema 1: price: payload ends inside"),
        "the short record names its schema and where it stopped fitting:\n{text}"
    );

    // The open message names the schema and shows the value decoded.
    app.live.selected = Some(3);
    app.update(Action::Key(key(crossterm::event::KeyCode::Enter)));
    let text = screen(&mut app);
    assert!(
        text.contains("value schema: AVRO id 1 · orders-value v1 · shop.Order"),
        "{text}"
    );
    assert!(text.contains(r#""price": "12.34","#), "{text}");
    app.update(Action::Key(key(crossterm::event::KeyCode::Char('v'))));
    assert!(screen(&mut app).contains(r#""logicalType": "decimal","#));

    // The filter finds a record by a decoded field.
    app.live.filter = "gift".into();
    assert_eq!(app.live.visible().len(), 1);
    stop(w).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registry_that_is_not_there_leaves_the_bytes_with_the_reason() {
    let broker = common::broker().await;
    broker.create_topic("t", 1).unwrap();
    produce(&broker, "t", vec![schema::frame::write(1, b"\x02")]).await;
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (mut app, mut w) = watching(&broker, "t", Some(&url)).await;
    until(&mut app, &mut w, "the registry's absence", |s| {
        s.contains("[schema 1: schema registry http://127.0.0.1:") && s.contains("unreachable")
    })
    .await;
    // Opened, it is not called decoded: its text, with why.
    app.live.selected = Some(0);
    app.update(Action::Key(key(crossterm::event::KeyCode::Enter)));
    let text = screen(&mut app);
    assert!(
        text.contains("value (not decoded, as text, 6 bytes"),
        "{text}"
    );
    assert!(
        text.contains("value schema: id 1, not decoded: schema registry"),
        "{text}"
    );
    stop(w).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_registry_framed_values_are_bytes_as_before() {
    let broker = common::broker().await;
    broker.create_topic("t", 1).unwrap();
    produce(&broker, "t", vec![schema::frame::write(1, b"\x02")]).await;
    let (mut app, mut w) = watching(&broker, "t", None).await;
    until(&mut app, &mut w, "the framed bytes", |s| {
        s.contains(r"\x00\x00\x00\x00\x01\x02")
    })
    .await;
    assert!(!screen(&mut app).contains("[schema"));
    stop(w).await;
}

fn key(code: crossterm::event::KeyCode) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE)
}

async fn stop(w: workers::Workers) {
    let (done, wait) = tokio::sync::oneshot::channel();
    w.commands.send(KafkaCommand::Shutdown(done)).await.unwrap();
    let _ = tokio::time::timeout(GUARD, wait).await;
}
