//! The embedded broker driven by rdkafka (librdkafka): produce with headers, consume,
//! topic administration, groups joining and leaving, DescribeGroups decoding.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use broker::GroupState;
use common::{broker, client, eventually, member, producer};
use rdkafka::admin::{AdminClient, AdminOptions, NewPartitions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, StreamConsumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::FutureRecord;
use rdkafka::{Offset, TopicPartitionList};
use wire::consumer_protocol::decode_assignment;

const WAIT: Duration = Duration::from_secs(10);

fn admin(b: &broker::Broker) -> AdminClient<DefaultClientContext> {
    client(b).create().expect("admin client")
}

#[tokio::test(flavor = "multi_thread")]
async fn produce_with_headers_then_consume_from_beginning() {
    let b = broker().await;
    b.create_topic("strconv", 1).unwrap();
    let p = producer(&b);
    for expected in 0..2 {
        let headers = OwnedHeaders::new().insert(Header {
            key: "myTestHeader",
            value: Some(&b"header values are binary"[..]),
        });
        let record = FutureRecord::to("strconv")
            .payload("Hello Go!")
            .key("k")
            .headers(headers);
        let delivery = p.send(record, WAIT).await.expect("delivered");
        assert_eq!((delivery.partition, delivery.offset), (0, expected));
    }
    let c = member(&b, "reader", "reader", &["strconv"], &[]);
    for expected in 0..2 {
        let m = tokio::time::timeout(WAIT, c.recv())
            .await
            .expect("in time")
            .expect("message");
        assert_eq!((m.partition(), m.offset()), (0, expected));
        assert_eq!(m.payload(), Some(&b"Hello Go!"[..]));
        assert_eq!(m.key(), Some(&b"k"[..]));
        let h = m.headers().expect("headers");
        assert_eq!(h.count(), 1);
        assert_eq!(h.get(0).key, "myTestHeader");
        assert_eq!(h.get(0).value, Some(&b"header values are binary"[..]));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_creates_grows_and_deletes_topics_with_kafka_errors() {
    let b = broker().await;
    let a = admin(&b);
    let opts = AdminOptions::new().operation_timeout(Some(WAIT));
    let created = a
        .create_topics(
            &[
                NewTopic::new("sarama", 2, TopicReplication::Fixed(1)).set("retention.ms", "1000"),
                NewTopic::new("bad name", 1, TopicReplication::Fixed(1)),
                NewTopic::new("too-replicated", 1, TopicReplication::Fixed(3)),
                NewTopic::new("odd-config", 1, TopicReplication::Fixed(1))
                    .set("no.such.config", "1"),
            ],
            &opts,
        )
        .await
        .unwrap();
    assert!(created[0].is_ok(), "{:?}", created[0]);
    let codes: Vec<String> = created[1..]
        .iter()
        .map(|r| format!("{:?}", r.as_ref().unwrap_err().1))
        .collect();
    assert_eq!(
        codes,
        ["InvalidTopic", "InvalidReplicationFactor", "InvalidConfig"]
    );
    let again = a
        .create_topics(
            &[NewTopic::new("sarama", 2, TopicReplication::Fixed(1))],
            &opts,
        )
        .await
        .unwrap();
    assert_eq!(
        format!("{:?}", again[0].as_ref().unwrap_err().1),
        "TopicAlreadyExists"
    );

    let grown = a
        .create_partitions(&[NewPartitions::new("sarama", 4)], &opts)
        .await
        .unwrap();
    assert!(grown[0].is_ok());
    let md_client: BaseConsumer = client(&b).create().unwrap();
    let md = md_client.fetch_metadata(Some("sarama"), WAIT).unwrap();
    assert_eq!(md.topics()[0].partitions().len(), 4);
    let shrink = a
        .create_partitions(&[NewPartitions::new("sarama", 2)], &opts)
        .await
        .unwrap();
    assert_eq!(
        format!("{:?}", shrink[0].as_ref().unwrap_err().1),
        "InvalidPartitions"
    );

    let configs = a
        .describe_configs(&[rdkafka::admin::ResourceSpecifier::Topic("sarama")], &opts)
        .await
        .unwrap();
    let cfg = configs[0].as_ref().unwrap();
    assert_eq!(
        cfg.get("retention.ms").and_then(|e| e.value.as_deref()),
        Some("1000")
    );
    assert_eq!(
        cfg.get("cleanup.policy").and_then(|e| e.value.as_deref()),
        Some("delete")
    );

    let deleted = a
        .delete_topics(&["sarama", "never-existed"], &opts)
        .await
        .unwrap();
    assert!(deleted[0].is_ok());
    assert_eq!(
        format!("{:?}", deleted[1].as_ref().unwrap_err().1),
        "UnknownTopicOrPartition"
    );
}

/// Assignment of every member, by client id, as DescribeGroups reports it over the wire.
fn described(b: &broker::Broker, group: &str) -> (String, BTreeMap<String, Vec<i32>>) {
    let c: BaseConsumer = client(b).create().unwrap();
    let list = c.fetch_group_list(Some(group), WAIT).unwrap();
    let Some(g) = list.groups().first() else {
        return (String::new(), BTreeMap::new());
    };
    let members = g
        .members()
        .iter()
        .map(|m| {
            assert_eq!(m.client_host(), "/127.0.0.1");
            let parts = decode_assignment(m.assignment().unwrap_or_default()).unwrap();
            (
                m.client_id().to_string(),
                parts.into_iter().flat_map(|(_, p)| p).collect(),
            )
        })
        .collect();
    (g.state().to_string(), members)
}

fn stable_with(b: &broker::Broker, group: &str, want: &[(&str, &[i32])]) -> Option<()> {
    let (state, members) = described(b, group);
    let want: BTreeMap<String, Vec<i32>> = want
        .iter()
        .map(|(c, p)| (c.to_string(), p.to_vec()))
        .collect();
    (state == "Stable" && members == want).then_some(())
}

/// Keeps consumers polling (their rebalance callbacks run inside poll) until `done`.
async fn pump(
    members: &[&StreamConsumer],
    secs: u64,
    what: &str,
    mut done: impl FnMut() -> Option<()>,
) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        for m in members {
            let _ = tokio::time::timeout(Duration::from_millis(20), m.recv()).await;
        }
        if done().is_some() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_demo_two_members_split_third_idle_then_leave() {
    let b = broker().await;
    b.create_topic("sarama", 2).unwrap();
    let range = [("partition.assignment.strategy", "range")];
    let a = member(&b, "grp", "A", &["sarama"], &range);
    pump(&[&a], 15, "A holds both", || {
        stable_with(&b, "grp", &[("A", &[0, 1])])
    })
    .await;
    let gen1 = b.describe_group("grp").generation;
    let bm = member(&b, "grp", "B", &["sarama"], &range);
    pump(&[&a, &bm], 15, "A holds 0, B holds 1", || {
        stable_with(&b, "grp", &[("A", &[0]), ("B", &[1])])
    })
    .await;
    assert_eq!(
        b.describe_group("grp").generation,
        gen1 + 1,
        "one rebalance, one generation"
    );
    let c = member(&b, "grp", "C", &["sarama"], &range);
    pump(&[&a, &bm, &c], 15, "C idle", || {
        stable_with(&b, "grp", &[("A", &[0]), ("B", &[1]), ("C", &[])])
    })
    .await;
    assert_eq!(b.describe_group("grp").generation, gen1 + 2);
    // A leaves cleanly (unsubscribe sends LeaveGroup): the group rebalances at once. A keeps
    // polling so its revoke is served; dropping a consumer mid-rebalance can hang in
    // librdkafka's close (rd_kafka_assign waits on its main thread), so it closes idle.
    a.unsubscribe();
    pump(
        &[&a, &bm, &c],
        15,
        "B and C hold one each after A left",
        || stable_with(&b, "grp", &[("B", &[0]), ("C", &[1])]),
    )
    .await;
    let summary = b.describe_group("grp");
    assert_eq!(summary.generation, gen1 + 3);
    assert_eq!(summary.state, GroupState::Stable);
}

#[tokio::test(flavor = "multi_thread")]
async fn range_and_roundrobin_assign_as_kafka_does() {
    let b = broker().await;
    b.create_topic("three", 3).unwrap();
    for (strategy, a_parts, b_parts) in [("range", [0, 1], [2]), ("roundrobin", [0, 2], [1])] {
        let group = format!("g-{strategy}");
        let extra = [("partition.assignment.strategy", strategy)];
        let a = member(&b, &group, "A", &["three"], &extra);
        let bm = member(&b, &group, "B", &["three"], &extra);
        pump(&[&a, &bm], 20, strategy, || {
            stable_with(&b, &group, &[("A", &a_parts), ("B", &b_parts)])
        })
        .await;
        assert_eq!(b.describe_group(&group).members.len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn commits_are_fetched_back_and_groups_listed() {
    let b = broker().await;
    b.create_topic("t", 2).unwrap();
    let p = producer(&b);
    for i in 0..6 {
        p.send(
            FutureRecord::<(), _>::to("t")
                .payload(&format!("m{i}"))
                .partition(i % 2),
            WAIT,
        )
        .await
        .unwrap();
    }
    let c = member(&b, "committer", "cm", &["t"], &[]);
    let mut seen = 0;
    while seen < 6 {
        tokio::time::timeout(WAIT, c.recv()).await.unwrap().unwrap();
        seen += 1;
    }
    c.commit_consumer_state(CommitMode::Sync).unwrap();
    let committed = c.committed(WAIT).unwrap();
    let offsets: Vec<(i32, Offset)> = committed
        .elements()
        .iter()
        .map(|e| (e.partition(), e.offset()))
        .collect();
    assert_eq!(
        offsets,
        vec![(0, Offset::Offset(3)), (1, Offset::Offset(3))]
    );
    let (low, high) = c.fetch_watermarks("t", 1, WAIT).unwrap();
    assert_eq!((low, high), (0, 3));
    let list = c.fetch_group_list(None, WAIT).unwrap();
    assert!(list.groups().iter().any(|g| g.name() == "committer"));

    // A standalone consumer (no group membership) commits with generation -1, as kcat -o does.
    let solo: BaseConsumer = client(&b).set("group.id", "solo").create().unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset("t", 0, Offset::Offset(2)).unwrap();
    solo.commit(&tpl, CommitMode::Sync).unwrap();
    let back = solo.committed_offsets(tpl.clone(), WAIT).unwrap();
    assert_eq!(back.elements()[0].offset(), Offset::Offset(2));
}

/// What the group watcher reads for lag in time: the timestamp of the message at a
/// committed offset, read once and then cached.
#[tokio::test(flavor = "multi_thread")]
async fn the_watcher_reads_the_time_of_the_oldest_unread() {
    use kafka_dash::kafka::lag_time::Timestamps;
    let b = broker().await;
    b.create_topic("lt", 2).unwrap();
    let p = producer(&b);
    // Written with times a minute apart, the oldest ten minutes ago.
    let t0 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 600_000;
    for i in 0..3i64 {
        p.send(
            FutureRecord::<(), _>::to("lt")
                .payload("m")
                .partition(0)
                .timestamp(t0 + i * 60_000),
            WAIT,
        )
        .await
        .unwrap();
    }
    let mut stamps = Timestamps::new(client(&b)).unwrap();
    let wanted = [("lt".to_string(), 0, 1)];
    assert_eq!(
        tokio::task::block_in_place(|| stamps.read(&wanted, WAIT)),
        1,
        "one partition read"
    );
    assert_eq!(stamps.cached("lt", 0, 1), Some(Some(t0 + 60_000)));
    assert_eq!(
        tokio::task::block_in_place(|| stamps.read(&wanted, WAIT)),
        0,
        "read again only when the committed offset moves"
    );
    // The offset moved to 2: until it is read (at most every 2 s), the older timestamp
    // stands in, so lag in time is over- rather than under-stated.
    assert_eq!(stamps.stamp("lt", 0, 2), Some(t0 + 60_000));
    let moved = [("lt".to_string(), 0, 2)];
    assert_eq!(
        tokio::task::block_in_place(|| stamps.read(&moved, WAIT)),
        0,
        "not again within 2 s"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn offsets_for_times_and_max_timestamp() {
    let b = broker().await;
    b.create_topic("ts", 1).unwrap();
    let p = producer(&b);
    for (i, ts) in [1_000i64, 2_000, 3_000].iter().enumerate() {
        let r = FutureRecord::<(), _>::to("ts").payload("x").timestamp(*ts);
        assert_eq!(p.send(r, WAIT).await.unwrap().offset, i as i64);
    }
    let c: BaseConsumer = client(&b).create().unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset("ts", 0, Offset::Offset(1_500))
        .unwrap();
    let found = c.offsets_for_times(tpl, WAIT).unwrap();
    assert_eq!(found.elements()[0].offset(), Offset::Offset(1));
    let mut late = TopicPartitionList::new();
    late.add_partition_offset("ts", 0, Offset::Offset(9_999))
        .unwrap();
    assert_eq!(
        c.offsets_for_times(late, WAIT).unwrap().elements()[0].offset(),
        Offset::End
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotent_producer_and_compressed_batches() {
    let b = broker().await;
    b.create_topic("idem", 1).unwrap();
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
        let p: rdkafka::producer::FutureProducer = client(&b)
            .set("enable.idempotence", "true")
            .set("compression.codec", codec)
            .create()
            .unwrap();
        let d = p
            .send(
                FutureRecord::<(), _>::to("idem").payload(&"y".repeat(500)),
                WAIT,
            )
            .await;
        assert!(d.is_ok(), "{codec}: {d:?}");
    }
    let c = member(&b, "idem-reader", "r", &["idem"], &[]);
    for i in 0..5 {
        let m = tokio::time::timeout(WAIT, c.recv()).await.unwrap().unwrap();
        assert_eq!((m.offset(), m.payload().map(|p| p.len())), (i, Some(500)));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn consumer_resumes_after_broker_drops_connections() {
    let b = broker().await;
    b.create_topic("flaky", 1).unwrap();
    let p = producer(&b);
    let c = member(&b, "flaky-grp", "f", &["flaky"], &[]);
    p.send(FutureRecord::<(), _>::to("flaky").payload("before"), WAIT)
        .await
        .unwrap();
    let m = tokio::time::timeout(WAIT, c.recv()).await.unwrap().unwrap();
    assert_eq!(m.payload(), Some(&b"before"[..]));
    drop(m);
    b.drop_connections();
    p.send(FutureRecord::<(), _>::to("flaky").payload("after"), WAIT)
        .await
        .unwrap();
    // librdkafka reports the dropped connections as errors on the stream, then reconnects.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let m = loop {
        match tokio::time::timeout_at(deadline, c.recv())
            .await
            .expect("message after reconnect")
        {
            Ok(m) => break m,
            Err(_transient) => continue,
        }
    };
    assert_eq!((m.offset(), m.payload()), (1, Some(&b"after"[..])));
    let _ = eventually(5, "group still known", || {
        (b.describe_group("flaky-grp").state != GroupState::Dead).then_some(())
    })
    .await;
}

/// A member speaking KIP-848's consumer protocol (`group.protocol=consumer`).
fn next_gen_member(b: &broker::Broker, group: &str, client_id: &str) -> StreamConsumer {
    let c: StreamConsumer = client(b)
        .set("group.id", group)
        .set("client.id", client_id)
        .set("group.protocol", "consumer")
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("consumer");
    c.subscribe(&["kip848"]).expect("subscribe");
    c
}

fn held(c: &StreamConsumer) -> Vec<i32> {
    let mut v: Vec<i32> = c
        .assignment()
        .map(|a| a.elements().iter().map(|e| e.partition()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Receives on every member until `done`, collecting (partition, offset) of what each read.
async fn read_until(
    members: &[&StreamConsumer],
    seen: &mut Vec<(i32, i64)>,
    secs: u64,
    what: &str,
    done: impl Fn(&[(i32, i64)]) -> bool,
) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while !done(seen) {
        for m in members {
            if let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_millis(20), m.recv())
                .await
                .map(Some)
            {
                seen.push((msg.partition(), msg.offset()));
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
    }
}

/// KIP-848: librdkafka's consumer protocol runs the seed's demo against the embedded
/// broker — the coordinator assigns, a partition moves only once its owner let it go —
/// and every message is read once.
#[tokio::test(flavor = "multi_thread")]
async fn consumer_protocol_runs_the_seed_demo() {
    let b = broker().await;
    b.create_topic("kip848", 2).unwrap();
    let p = producer(&b);
    for i in 0..10 {
        p.send(
            FutureRecord::<(), _>::to("kip848")
                .payload("m")
                .partition(i % 2),
            WAIT,
        )
        .await
        .unwrap();
    }
    let mut seen = Vec::new();
    let a = next_gen_member(&b, "g848", "A");
    read_until(&[&a], &mut seen, 20, "A holds both", |_| held(&a) == [0, 1]).await;
    let g = b.consumer_group("g848").expect("a consumer group");
    // A new group starts at epoch 1, as Kafka 4's: the first join makes it 2.
    assert_eq!((g.epoch, g.state()), (2, "Stable"));

    let bm = next_gen_member(&b, "g848", "B");
    read_until(&[&a, &bm], &mut seen, 30, "A holds 0, B holds 1", |_| {
        held(&a) == [0] && held(&bm) == [1]
    })
    .await;
    let g = b.consumer_group("g848").unwrap();
    assert_eq!(g.epoch, 3, "one member joined, one epoch");

    let c = next_gen_member(&b, "g848", "C");
    read_until(&[&a, &bm, &c], &mut seen, 30, "C joined and idles", |_| {
        b.consumer_group("g848")
            .is_some_and(|g| g.members.len() == 3 && g.state() == "Stable")
    })
    .await;
    assert_eq!((held(&a), held(&bm), held(&c)), (vec![0], vec![1], vec![]));

    // A leaves (unsubscribe sends the leave heartbeat): its partition goes to C.
    a.unsubscribe();
    read_until(
        &[&a, &bm, &c],
        &mut seen,
        30,
        "B and C hold one each",
        |_| held(&bm) == [1] && held(&c) == [0],
    )
    .await;
    let g = b.consumer_group("g848").unwrap();
    assert_eq!((g.members.len(), g.epoch), (2, 5));
    read_until(&[&bm, &c], &mut seen, 10, "every message read", |s| {
        s.len() >= 10
    })
    .await;
    let distinct: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!(
        (seen.len(), distinct.len()),
        (10, 10),
        "each message read once"
    );
    for m in [bm, c] {
        m.unsubscribe();
        tokio::task::spawn_blocking(move || drop(m)).await.unwrap();
    }
    tokio::task::spawn_blocking(move || drop(a)).await.unwrap();
}

/// rdkafka configured for a SASL listener of `b` as `user` with `mechanism`.
fn sasl_client(
    b: &broker::Broker,
    ca: &std::path::Path,
    mechanism: &str,
    user: &str,
    password: &str,
) -> rdkafka::ClientConfig {
    let mut c = rdkafka::ClientConfig::new();
    c.set(
        "bootstrap.servers",
        b.bootstrap_for(broker::SecurityProtocol::SaslSsl).unwrap(),
    )
    .set("security.protocol", "SASL_SSL")
    .set("ssl.ca.location", ca.to_str().unwrap())
    .set("sasl.mechanism", mechanism)
    .set("sasl.username", user)
    .set("sasl.password", password)
    .set("log_level", "3");
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn rdkafka_produces_and_consumes_over_sasl_ssl_with_each_mechanism() {
    let ca = std::env::temp_dir().join(format!("kd-broker-clients-{}-ca.pem", std::process::id()));
    let mut config = broker::BrokerConfig {
        listeners: vec!["SASL_SSL://127.0.0.1:0".parse().unwrap()],
        users: vec!["alice:alice-secret".parse().unwrap()],
        reauth: Some(Duration::from_secs(600)),
        ..broker::BrokerConfig::default()
    };
    config.tls.ca_out = Some(ca.clone());
    let b = broker::Broker::start(config).await.unwrap();
    b.create_topic("guarded", 1).unwrap();
    for (n, mech) in ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
        .iter()
        .enumerate()
    {
        let p: rdkafka::producer::FutureProducer =
            sasl_client(&b, &ca, mech, "alice", "alice-secret")
                .create()
                .unwrap();
        let delivery = p
            .send(FutureRecord::<(), _>::to("guarded").payload(*mech), WAIT)
            .await
            .expect("delivered");
        assert_eq!(delivery.offset, n as i64, "{mech}");
        let c: BaseConsumer = sasl_client(&b, &ca, mech, "alice", "alice-secret")
            .set("group.id", format!("g-{n}"))
            .create()
            .unwrap();
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset("guarded", 0, Offset::Offset(n as i64))
            .unwrap();
        c.assign(&tpl).unwrap();
        let m = eventually(10, "the message read back", || {
            c.poll(Duration::from_millis(100))
                .and_then(Result::ok)
                .map(|m| m.detach())
        })
        .await;
        assert_eq!(m.payload(), Some(mech.as_bytes()));
    }
    // A wrong password is an authentication error, not a hang.
    let p: rdkafka::producer::FutureProducer =
        sasl_client(&b, &ca, "SCRAM-SHA-512", "alice", "wrong")
            .set("message.timeout.ms", "3000")
            .create()
            .unwrap();
    let failed = p
        .send(FutureRecord::<(), _>::to("guarded").payload("x"), WAIT)
        .await
        .expect_err("refused");
    assert!(
        matches!(
            failed.0.rdkafka_error_code(),
            Some(
                rdkafka::types::RDKafkaErrorCode::Authentication
                    | rdkafka::types::RDKafkaErrorCode::MessageTimedOut
            )
        ),
        "{failed:?}"
    );
    let _ = std::fs::remove_file(&ca);
}

/// The dashboard's own client keeps reading a KIP-848 group's epochs across SASL session
/// ends (KIP-368 `connections.max.reauth.ms`), where the broker closes a connection whose
/// session is over: the group must not fall back to "not a KIP-848 group".
#[tokio::test(flavor = "multi_thread")]
async fn own_client_describes_kip848_groups_across_sasl_session_ends() {
    use kafka_dash::kafka::client::ClientSettings;
    use kafka_dash::kafka::wire::GroupDescriber;
    let config = broker::BrokerConfig {
        listeners: vec!["SASL_PLAINTEXT://127.0.0.1:0".parse().unwrap()],
        users: vec!["alice:alice-secret".parse().unwrap()],
        reauth: Some(Duration::from_millis(1000)),
        ..broker::BrokerConfig::default()
    };
    let b = broker::Broker::start(config).await.unwrap();
    b.create_topic("kip848", 2).unwrap();
    let bootstrap = b
        .bootstrap_for(broker::SecurityProtocol::SaslPlaintext)
        .unwrap()
        .to_string();
    let sasl = [
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "SCRAM-SHA-256"),
        ("sasl.username", "alice"),
        ("sasl.password", "alice-secret"),
    ];
    let mut c = rdkafka::ClientConfig::new();
    c.set("bootstrap.servers", bootstrap.as_str());
    for (k, v) in sasl {
        c.set(k, v);
    }
    let m: StreamConsumer = c
        .set("group.id", "reauth-grp")
        .set("group.protocol", "consumer")
        .create()
        .expect("consumer");
    m.subscribe(&["kip848"]).unwrap();
    let settings = ClientSettings {
        bootstrap,
        overrides: sasl
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let mut d = tokio::task::spawn_blocking(move || {
        GroupDescriber::new(&settings, Duration::from_secs(5)).unwrap()
    })
    .await
    .unwrap();
    // Each round past the 1 s session: the describer must renew its connection.
    for round in 0..3 {
        let (found, member, back) = tokio::task::spawn_blocking(move || {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                // Renewed before the broker would close it, the connection never fails.
                let snap = d.describe("reauth-grp").0.expect("describe failed");
                let member = snap.as_ref().is_some_and(|s| !s.members.is_empty());
                if member || std::time::Instant::now() > deadline {
                    return (snap.is_some(), member, d);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
        .await
        .unwrap();
        assert!(
            found && member,
            "round {round}: the group's epochs are gone"
        );
        d = back;
        tokio::time::sleep(Duration::from_millis(1300)).await;
    }
    drop(m);
}
