//! Save and replay (issue 9 #4): messages with binary keys, values and headers saved as
//! JSON lines, replayed into a new topic, saved again: the two files are the same apart
//! from topic and offsets.

mod common;

use std::time::Duration;

use common::{broker, client, producer};
use kafka_dash::kafka::files::{self, ReplayProgress, ReplaySpec};
use kafka_dash::kafka::model::Record;
use kafka_dash::kafka::tail;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::FutureRecord;
use rdkafka::{Offset, TopicPartitionList};

const WAIT: Duration = Duration::from_secs(10);

/// Every record of `topic` (partitions 0..n), in (partition, offset) order, values cut to
/// `value_limit` bytes as the live view keeps them.
fn read_all(b: &broker::Broker, topic: &str, n: i32, value_limit: usize) -> Vec<Record> {
    let c: BaseConsumer = client(b)
        .set("group.id", "save-replay-reader")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..n {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).unwrap();
    let mut out = Vec::new();
    let deadline = std::time::Instant::now() + WAIT;
    while out.len() < 24 && std::time::Instant::now() < deadline {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(100)) {
            out.push(tail::to_record(&m, value_limit));
        }
    }
    out.sort_by_key(|r| (r.partition, r.offset));
    out
}

/// The file's lines without topic and offset.
fn comparable(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let o = v.as_object_mut().unwrap();
            o.remove("topic");
            o.remove("offset");
            v
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_file_replays_into_a_new_topic_and_saves_again_the_same() {
    let b = broker().await;
    b.create_topic("src", 2).unwrap();
    b.create_topic("dst", 2).unwrap();
    let p = producer(&b);
    for i in 0..24u8 {
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "dup",
                value: Some(&[i, 0xff, 0x00][..]),
            })
            .insert(Header {
                key: "dup",
                value: Some(&b"second"[..]),
            })
            .insert(Header::<&[u8]> {
                key: "null",
                value: None,
            });
        let key = [0x80, i, b'k'];
        let value: Vec<u8> = (0..200).map(|j| i.wrapping_mul(j)).collect();
        let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to("src")
            .partition(i32::from(i % 2))
            .timestamp(1_700_000_000_000 + i64::from(i) * 1000)
            .headers(headers);
        // Null keys, null values and empty values are kept apart.
        if i % 3 != 0 {
            record = record.key(&key);
        }
        if i % 4 == 1 {
            record = record.payload(&[]);
        } else if i % 4 != 2 {
            record = record.payload(&value);
        }
        p.send(record, WAIT).await.expect("delivered");
    }
    let dir = std::env::temp_dir().join(format!("kd-save-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (first, second) = (dir.join("first.jsonl"), dir.join("second.jsonl"));
    // Values cut to 16 bytes, as the live view keeps large ones: saving reads them whole.
    let config = client(&b);
    let records = read_all(&b, "src", 2, 16);
    assert_eq!(records.len(), 24);
    assert!(records.iter().any(|r| r.value_size.is_some()));
    let saved = tokio::task::spawn_blocking({
        let (config, first) = (config.clone(), first.clone());
        move || files::save(&config, "src", records, &first)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(saved, 24);

    let outcome = std::sync::Arc::new(std::sync::Mutex::new(ReplayProgress::default()));
    let seen = outcome.clone();
    files::replay(
        producer(&b),
        ReplaySpec {
            path: first.clone(),
            topic: "dst".into(),
            keep_partitions: true,
            keep_timestamps: true,
            rate: None,
        },
        move |p| *seen.lock().unwrap() = p,
    )
    .await;
    let done = outcome.lock().unwrap().clone();
    assert_eq!(
        (done.total, done.sent, done.failed, done.done),
        (24, 24, 0, true),
        "{done:?}"
    );

    let again = read_all(&b, "dst", 2, usize::MAX);
    files::save(&config, "dst", again, &second).unwrap();
    let (a, b2) = (comparable(&first), comparable(&second));
    assert_eq!(a.len(), 24);
    assert_eq!(a, b2, "the same messages, byte for byte");
    // Binary bytes were kept as base64, nulls as null, duplicates in order.
    let text = std::fs::read_to_string(&first).unwrap();
    assert!(text.contains(r#""base64""#), "{text}");
    assert!(text.contains(r#""payload":null"#) && text.contains(r#""payload":"""#));
    assert!(text.contains(r#""key":null"#));
    assert!(text.contains(r#""dup",{"base64":"#) && text.contains(r#""dup","second","null",null"#));
    let _ = std::fs::remove_dir_all(dir);
}

/// Replays a file holding `lines` into `topic` (1 partition) of a new broker at `rate`
/// messages a second (`None`: as fast as it goes); how the replay ended.
async fn replay_lines(
    topic: &str,
    lines: &str,
    keep_partitions: bool,
    rate: Option<f64>,
) -> ReplayProgress {
    let b = broker().await;
    b.create_topic(topic, 1).unwrap();
    let dir = std::env::temp_dir().join(format!("kd-replay-{topic}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("replayed.jsonl");
    std::fs::write(&path, lines).unwrap();
    let outcome = std::sync::Arc::new(std::sync::Mutex::new(ReplayProgress::default()));
    let seen = outcome.clone();
    files::replay(
        producer(&b),
        ReplaySpec {
            path,
            topic: topic.into(),
            keep_partitions,
            keep_timestamps: false,
            rate,
        },
        move |p| *seen.lock().unwrap() = p,
    )
    .await;
    let _ = std::fs::remove_dir_all(dir);
    let done = outcome.lock().unwrap().clone();
    done
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replay_reports_unreadable_lines_and_keeps_going() {
    let done = replay_lines(
        "rate",
        "{\"key\":\"a\",\"payload\":\"1\"}\nnot json\n\n{\"payload\":\"2\",\"headers\":[\"h\",\"v\"]}\n",
        false,
        Some(500.0),
    )
    .await;
    assert_eq!((done.total, done.sent, done.failed), (3, 2, 1), "{done:?}");
    assert!(
        done.first_error
            .as_deref()
            .unwrap_or("")
            .starts_with("line 2:"),
        "{done:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replay_names_the_line_of_a_message_the_cluster_refused() {
    // Saved from a topic with more partitions; kept partitions do not exist here.
    let done = replay_lines(
        "narrow",
        "{\"partition\":0,\"payload\":\"a\"}\n\n{\"partition\":0,\"payload\":\"b\"}\n{\"partition\":3,\"payload\":\"c\"}\n{\"partition\":5,\"payload\":\"d\"}\n",
        true,
        None,
    )
    .await;
    assert_eq!((done.total, done.sent, done.failed), (4, 2, 2), "{done:?}");
    let first = done.first_error.as_deref().unwrap_or("");
    assert!(
        first.starts_with("line 4: ") && first.to_lowercase().contains("partition"),
        "the earliest refused line, with the cluster's reason: {done:?}"
    );
}
