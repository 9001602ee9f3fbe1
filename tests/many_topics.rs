//! The topics pane at cluster sizes where one ListOffsets round per leader would be too
//! big: every topic's message count must still be read (in bounded batches).

mod common;

use std::time::{Duration, Instant};

use common::{broker, producer};
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::groups::WatchConfig;
use kafka_dash::kafka::messages::{KafkaCommand, KafkaEvent};
use kafka_dash::kafka::workers;
use rdkafka::producer::FutureRecord;

const TOPICS: usize = 1_200;

#[tokio::test(flavor = "multi_thread")]
async fn every_count_is_read_with_more_than_a_thousand_topics() {
    let b = broker().await;
    let names: Vec<String> = (0..TOPICS).map(|i| format!("many-{i:04}")).collect();
    for name in &names {
        b.create_topic(name, 1).unwrap();
    }
    // Topic i holds i % 3 + 1 messages, so a count read for the wrong topic shows.
    let p = producer(&b);
    let sends: Vec<_> = names
        .iter()
        .enumerate()
        .flat_map(|(i, t)| (0..=i % 3).map(move |_| t))
        .map(|t| {
            p.send(
                FutureRecord::<(), _>::to(t).payload("x"),
                Duration::from_secs(30),
            )
        })
        .collect();
    for s in sends {
        s.await.expect("delivered");
    }
    let settings = ClientSettings {
        bootstrap: b.bootstrap(),
        overrides: Vec::new(),
    };
    let mut w = workers::spawn(settings, WatchConfig::default());
    w.commands.send(KafkaCommand::RefreshTopics).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut missing = Vec::new();
    while Instant::now() < deadline {
        let event = tokio::time::timeout(Duration::from_secs(10), w.events.recv()).await;
        let Ok(Some(KafkaEvent::Topics(Ok(topics)))) = event else {
            continue;
        };
        missing = names
            .iter()
            .enumerate()
            .filter(|(i, n)| {
                let t = topics.iter().find(|t| &t.name == *n);
                t.and_then(|t| t.messages) != Some((i % 3 + 1) as i64)
            })
            .map(|(_, n)| n.clone())
            .collect();
        if missing.is_empty() {
            return;
        }
    }
    panic!(
        "{} of {TOPICS} topics without the right count, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
}
