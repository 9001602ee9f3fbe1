//! Drawing, on a fixed-size TestBackend with fixed data: snapshots of each pane, and proof
//! that untrusted message bytes never reach the terminal raw.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_dash::action::{Action, KafkaEvent};
use kafka_dash::app::App;
use kafka_dash::kafka::model::{
    BrokerInfo, Delivery, PartitionMeta, PartitionStats, Record, TopicInfo,
};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;

/// Partitions led by broker 1, fully in sync, 0..21 each.
fn healthy(n: i32) -> Vec<PartitionMeta> {
    (0..n)
        .map(|id| PartitionMeta {
            id,
            leader: 1,
            replicas: vec![1],
            isr: vec![1],
            low: Some(0),
            high: Some(21),
        })
        .collect()
}

fn app() -> (App, mpsc::Receiver<kafka_dash::action::KafkaCommand>) {
    let (tx, rx) = mpsc::channel(64);
    let mut app = App::new("embedded broker 127.0.0.1:9092".into(), tx);
    app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![
        TopicInfo {
            name: "__consumer_offsets".into(),
            partitions: 50,
            replication: 1,
            internal: true,
            messages: Some(0),
            partition_meta: healthy(50),
        },
        TopicInfo {
            name: "sarama".into(),
            partitions: 2,
            replication: 1,
            internal: false,
            messages: Some(42),
            partition_meta: healthy(2),
        },
        TopicInfo {
            name: "strconv".into(),
            partitions: 1,
            replication: 1,
            internal: false,
            messages: Some(2),
            partition_meta: healthy(1),
        },
    ]))));
    (app, rx)
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn render(app: &mut App) -> (String, Vec<String>) {
    render_at(app, 100, 24)
}

fn render_at(app: &mut App, width: u16, height: u16) -> (String, Vec<String>) {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| kafka_dash::screen::draw(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    let symbols: Vec<String> = buf
        .content()
        .iter()
        .map(|c| c.symbol().to_string())
        .collect();
    let text = (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    (text, symbols)
}

fn record(offset: i64, value: &[u8], headers: Vec<(String, Option<Vec<u8>>)>) -> Record {
    Record {
        partition: 0,
        offset,
        timestamp: Some(1_700_000_000_000 + offset * 1000),
        key: Some(b"k".to_vec()),
        value: Some(value.to_vec()),
        headers,
        value_size: None,
        shown: Default::default(),
    }
}

fn live_app(records: Vec<Record>) -> App {
    let (mut app, _rx) = app();
    app.watch("strconv".into(), kafka_dash::action::StartFrom::Beginning);
    let n = records.len() as u64;
    let stats = vec![PartitionStats {
        partition: 0,
        low: Some(0),
        high: Some(n as i64),
        seen: n,
        last_offset: Some(n as i64 - 1),
    }];
    app.update(Action::Kafka(KafkaEvent::Tail {
        topic: "strconv".into(),
        records,
        stats,
        dropped: 0,
    }));
    app
}

#[test]
fn topics_pane_snapshot() {
    let (mut app, _rx) = app();
    insta::assert_snapshot!(render(&mut app).0);
}

#[test]
fn topics_pane_shows_leaders_replicas_isr_and_brokers_up() {
    let (mut app, _rx) = app();
    // Broker 2 is down: partition 0 lost a replica from its ISR, partition 1 (only on 2)
    // has no leader.
    let broker = |id| BrokerInfo {
        id,
        host: "127.0.0.1".into(),
        port: 9090 + id,
    };
    app.update(Action::Kafka(KafkaEvent::Brokers(vec![
        broker(1),
        broker(3),
    ])));
    app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![TopicInfo {
        name: "failover".into(),
        partitions: 2,
        replication: 3,
        internal: false,
        messages: None,
        partition_meta: vec![
            PartitionMeta {
                id: 0,
                leader: 3,
                replicas: vec![2, 3, 1],
                isr: vec![3, 1],
                low: Some(0),
                high: Some(140),
            },
            PartitionMeta {
                id: 1,
                leader: -1,
                replicas: vec![2],
                isr: vec![],
                low: None,
                high: None,
            },
        ],
    }]))));
    let (text, _) = render_at(&mut app, 100, 24);
    assert!(text.contains("2 brokers up (ids 1,3)"), "{text}");
    let row = |p: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("│{p} ")))
            .unwrap_or_else(|| panic!("no row for partition {p}:\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("0"), "│0 3 2,3,1 3,1 0 140 under-replicated │");
    assert_eq!(row("1"), "│1 none 2 ? ? offline │");
    insta::assert_snapshot!(text);
}

#[test]
fn composer_feedback_stays_visible_under_a_long_value() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('2'));
    for c in "strconv".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    app.composer.focus = kafka_dash::ui::composer::Field::Value;
    // A paste of 60 lines, then a bad partition: the prediction (which says what is
    // wrong) must still be on screen, and so must the cursor's line.
    app.update(Action::Paste("line\n".repeat(60) + "LAST"));
    app.composer.partition = tui_input::Input::new("99999999999999".into());
    for (w, h) in [(80, 24), (120, 36)] {
        let (text, _) = render_at(&mut app, w, h);
        assert!(text.contains("cannot exist"), "{w}x{h}:\n{text}");
        assert!(
            text.contains("LAST"),
            "the cursor's line is shown at {w}x{h}:\n{text}"
        );
    }
}

#[test]
fn composer_pane_snapshot() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('2'));
    for c in "strconv".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    app.composer.focus = kafka_dash::ui::composer::Field::Value;
    for c in "Hello Go!".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char('a'),
        KeyModifiers::CONTROL,
    )));
    for c in "myTestHeader".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    app.update(Action::Kafka(KafkaEvent::Delivered(
        0,
        Delivery {
            topic: "strconv".into(),
            result: Ok((0, 1)),
            latency: Duration::from_millis(3),
        },
    )));
    app.update(Action::Kafka(KafkaEvent::Delivered(
        1,
        Delivery {
            topic: "nope".into(),
            result: Err("Broker: Unknown topic or partition".into()),
            latency: Duration::from_millis(1),
        },
    )));
    insta::assert_snapshot!(render(&mut app).0);
}

#[test]
fn live_pane_and_detail_snapshot() {
    let headers = vec![(
        "myTestHeader".to_string(),
        Some(b"header values are binary".to_vec()),
    )];
    let mut app = live_app(vec![
        record(0, b"Hello Go!", headers.clone()),
        record(1, br#"{"a":1,"b":[true,null]}"#, headers),
    ]);
    insta::assert_snapshot!("live", render(&mut app).0);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('v'));
    insta::assert_snapshot!("live_detail_json", render(&mut app).0);
}

#[test]
fn help_lists_keys() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('?'));
    let (text, _) = render(&mut app);
    insta::assert_snapshot!(text);
    assert!(
        text.starts_with(" 1 Topics") && text.lines().nth(1).unwrap().starts_with("┌ Keys"),
        "one border:\n{text}"
    );
    // The help scrolls to its end, where the Groups keys are.
    key(&mut app, KeyCode::End);
    let (end, _) = render(&mut app);
    assert!(
        end.contains("Groups") && end.contains("delete an empty group"),
        "{end}"
    );
    key(&mut app, KeyCode::Char('z'));
    assert!(!app.help_open(), "any other key closes the help");
}

#[test]
fn untrusted_bytes_are_shown_escaped_never_raw() {
    let nasty: Vec<(&[u8], &str)> = vec![
        (b"\x1b[2Jcleared", "\\x1b[2Jcleared"),
        (b"\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        (b"car\rret", "car\\rret"),
        (b"nul\x00byte", "nul\\x00byte"),
        (b"bad\xff\xfeutf8", "bad\\xff\\xfeutf8"),
        // A flag's width is up to the terminal: shown as its two code points.
        ("flag 🇩🇪".as_bytes(), "flag \\u{1f1e9}\\u{1f1ea}"),
    ];
    let records: Vec<Record> = nasty
        .iter()
        .enumerate()
        .map(|(i, (v, _))| {
            record(
                i as i64,
                v,
                vec![("h\x1b[31m".to_string(), Some(v.to_vec()))],
            )
        })
        .collect();
    let mut app = live_app(records);
    let check = |app: &mut App, expect: &[&str]| {
        let (text, symbols) = render(app);
        for s in &symbols {
            assert!(
                !s.chars().any(|c| c.is_control()),
                "raw control character reached the buffer: {s:?}"
            );
        }
        for e in expect {
            assert!(text.contains(e), "expected {e:?} in\n{text}");
        }
    };
    check(&mut app, &nasty.iter().map(|(_, e)| *e).collect::<Vec<_>>());
    // The detail view of each message: header key and value escaped too.
    for (i, (_, escaped)) in nasty.iter().enumerate().rev() {
        app.live.selected = Some(nasty.len() - 1 - i);
        app.live.detail = Some(kafka_dash::ui::partitions::ValueView::Text);
        check(&mut app, &["h\\x1b[31m", escaped]);
    }
}

#[test]
fn tiny_terminal_gets_a_message_not_a_panic() {
    let (mut app, _rx) = app();
    for (w, h) in [(20, 5), (1, 1), (39, 30)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| kafka_dash::screen::draw(f, &mut app)).unwrap();
    }
}

fn member(id: &str, parts: &[i32]) -> kafka_dash::kafka::model::MemberInfo {
    kafka_dash::kafka::model::MemberInfo {
        member_id: format!("{id}-0e50ccfd-13f0-4efa-b7b0-3d39544014dd"),
        client_id: id.into(),
        host: "/127.0.0.1".into(),
        assignment: if parts.is_empty() {
            vec![]
        } else {
            vec![("sarama".into(), parts.to_vec())]
        },
        subscription: vec!["sarama".into()],
        regex: None,
        epoch: None,
        target: None,
        classic: false,
    }
}

#[test]
fn groups_pane_snapshot() {
    use kafka_dash::kafka::groups::GroupDetail;
    use kafka_dash::kafka::model::{GroupListing, GroupSnapshot, InAppMember, PartitionLag};
    use kafka_dash::kafka::timeline::Timeline;

    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    let listing = |name: &str, state: &str, members, lag| GroupListing {
        name: name.into(),
        state: state.into(),
        protocol_type: "consumer".into(),
        protocol: "range".into(),
        members,
        total_lag: lag,
        ..Default::default()
    };
    app.update(Action::Kafka(KafkaEvent::Groups(Ok(vec![
        listing("demo", "Stable", 3, Some(4)),
        listing("idle-group", "Empty", 0, None),
    ]))));
    // The timeline of the seed demo, built the way the watcher builds it.
    let snap = |state: &str, members| GroupSnapshot {
        name: "demo".into(),
        state: state.into(),
        protocol: "range".into(),
        members,
        consumer: None,
    };
    let mut t = Timeline::default();
    t.observe(&snap("Empty", vec![]), 1_700_000_000_000);
    t.observe(
        &snap("Stable", vec![member("A", &[0, 1])]),
        1_700_000_001_000,
    );
    t.observe(
        &snap("PreparingRebalance", vec![member("A", &[])]),
        1_700_000_002_000,
    );
    t.observe(
        &snap("Stable", vec![member("A", &[0]), member("B", &[1])]),
        1_700_000_002_250,
    );
    t.observe(
        &snap(
            "Stable",
            vec![member("A", &[0]), member("B", &[1]), member("C", &[])],
        ),
        1_700_000_003_000,
    );
    let members = vec![member("A", &[0]), member("B", &[1]), member("C", &[])];
    let detail = GroupDetail {
        snapshot: snap("Stable", members),
        partitions: vec![
            PartitionLag {
                topic: "sarama".into(),
                partition: 0,
                owner: Some("A-0e50ccfd-13f0-4efa-b7b0-3d39544014dd".into()),
                committed: Some(10),
                high: Some(14),
                verdict: None,
                trend: None,
                lag_ms: Some(130_000),
            },
            PartitionLag {
                topic: "sarama".into(),
                partition: 1,
                owner: Some("B-0e50ccfd-13f0-4efa-b7b0-3d39544014dd".into()),
                committed: None,
                high: Some(9),
                verdict: None,
                trend: None,
                lag_ms: None,
            },
        ],
        timeline: t.entries.clone(),
        read_ms: unix_ms(),
        trend: None,
    };
    app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(detail))));
    app.update(Action::Kafka(KafkaEvent::Member(InAppMember {
        id: 0,
        group: "demo".into(),
        client_id: "A".into(),
        member_id: "A-0e50ccfd-13f0-4efa-b7b0-3d39544014dd".into(),
        assignor: "range".into(),
        read: vec![(("sarama".into(), 0), 10)],
        running: true,
    })));
    let text = render_at(&mut app, 140, 30).0;
    assert!(
        text.contains("idle (no partitions)"),
        "idle members are shown, not hidden"
    );
    assert!(
        text.contains("unknown"),
        "lag with nothing committed is unknown, not zero"
    );
    // At 80×24 a timeline line too long for the box ends in … instead of at the border.
    let (narrow, _) = render_at(&mut app, 80, 24);
    assert!(
        narrow
            .lines()
            .any(|l| l.contains("#1 ") && l.trim_end().ends_with("…│")),
        "{narrow}"
    );
    // At 80×24 the list drops its less important columns instead of cutting every
    // header to three letters.
    let (narrow, _) = render_at(&mut app, 80, 24);
    let header = narrow.lines().nth(2).unwrap_or_default();
    assert!(
        header.contains("group") && header.contains("mem") && header.contains("lag"),
        "{narrow}"
    );
    assert!(
        !header.contains(" sta ") && !header.contains(" ass "),
        "{narrow}"
    );
    insta::assert_snapshot!(text);
}

/// Issue 8 #8: a 100 KB key is folded so the value stays in view, and the detail scrolls.
#[test]
fn detail_folds_a_huge_key_and_scrolls_the_value() {
    let mut big_key = record(0, b"", Vec::new());
    big_key.key = Some(vec![b'K'; 100 * 1024]);
    big_key.value = Some(
        (0..200)
            .map(|i| format!("line-{i}\n"))
            .collect::<String>()
            .into_bytes(),
    );
    let mut app = live_app(vec![big_key]);
    app.live.selected = Some(0);
    app.live.detail = Some(kafka_dash::ui::partitions::ValueView::Text);
    app.live.refresh_detail_text();
    let (text, _) = render_at(&mut app, 100, 30);
    assert!(
        text.contains("(102400 bytes)"),
        "key folded with its size:\n{text}"
    );
    assert!(text.contains("line-0"), "the value is in view:\n{text}");
    app.live.scroll_detail(150);
    let (text, _) = render_at(&mut app, 100, 30);
    assert!(text.contains("line-150"), "scrolled:\n{text}");
    assert!(!text.contains("line-0 "), "the top scrolled away:\n{text}");
    assert!(
        text.contains("lines 151-"),
        "the position is shown:\n{text}"
    );
}

/// A value on one long line (minified JSON, a base64 blob) scrolls to its end too.
#[test]
fn a_long_single_line_value_scrolls_to_its_end() {
    let mut value = vec![b'a'; 50_000];
    value.extend_from_slice(b"THE-END");
    let mut app = live_app(vec![record(0, &value, Vec::new())]);
    app.size = (100, 30);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let (text, _) = render_at(&mut app, 100, 30);
    assert!(!text.contains("THE-END"), "{text}");
    assert!(text.contains("lines 1-"), "{text}");
    key(&mut app, KeyCode::End);
    let (text, _) = render_at(&mut app, 100, 30);
    assert!(
        text.contains("THE-END"),
        "the end of the line is reachable:\n{text}"
    );
    // 50,007 characters in rows of 94 columns.
    assert!(text.contains("lines 532-532 of 532"), "{text}");
}

/// Issue 8 #11: a border hint that does not fit is shortened with `…`, never cut silently.
#[test]
fn border_hints_that_do_not_fit_end_in_an_ellipsis() {
    let mut app = live_app(vec![record(0, b"v", Vec::new())]);
    let (text, _) = render_at(&mut app, 60, 24);
    let hint_row = text
        .lines()
        .find(|l| l.contains("↑↓ select"))
        .unwrap_or_else(|| panic!("no hint row in\n{text}"));
    assert!(hint_row.contains('…'), "hint cut without …: {hint_row}");
    let (wide, _) = render_at(&mut app, 120, 24);
    let wide_row = wide.lines().find(|l| l.contains("↑↓ select")).unwrap();
    assert!(
        wide_row.contains("/ filter"),
        "a hint that fits is whole: {wide_row}"
    );
    assert!(!wide_row.contains('…'), "{wide_row}");
}

/// The watcher's news of a Stable `range` group `name`: listed with `members` and
/// `partitions`, and followed, with the same in its detail.
fn show_group(
    app: &mut App,
    name: &str,
    members: Vec<kafka_dash::kafka::model::MemberInfo>,
    partitions: Vec<kafka_dash::kafka::model::PartitionLag>,
    total_lag: Option<i64>,
) {
    use kafka_dash::kafka::groups::GroupDetail;
    use kafka_dash::kafka::model::{GroupListing, GroupSnapshot};
    app.update(Action::Kafka(KafkaEvent::Groups(Ok(vec![GroupListing {
        name: name.into(),
        state: "Stable".into(),
        protocol_type: "consumer".into(),
        protocol: "range".into(),
        members: members.len(),
        total_lag,
        member_list: members.clone(),
        partitions: partitions.clone(),
        ..Default::default()
    }]))));
    app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(
        GroupDetail {
            snapshot: GroupSnapshot {
                name: name.into(),
                state: "Stable".into(),
                protocol: "range".into(),
                members,
                consumer: None,
            },
            partitions,
            timeline: vec![],
            read_ms: unix_ms(),
            trend: None,
        },
    ))));
}

/// Now, as the watcher stamps what it reads (so "read 0s ago" on screen).
fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A group of 30 members reading 64 partitions, the member at `selected` chosen.
fn big_group_app() -> App {
    use kafka_dash::kafka::model::PartitionLag;
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    let members: Vec<_> = (0..30)
        .map(|i| {
            let parts: Vec<i32> = (0..64).filter(|p| p % 30 == i).collect();
            member(&format!("member-{i:02}"), &parts)
        })
        .collect();
    let partitions = (0..64)
        .map(|p| PartitionLag {
            topic: "sarama".into(),
            partition: p,
            owner: Some(format!(
                "member-{:02}-0e50ccfd-13f0-4efa-b7b0-3d39544014dd",
                p % 30
            )),
            committed: Some(100 + i64::from(p)),
            high: Some(100 + i64::from(p)),
            verdict: None,
            trend: None,
            lag_ms: Some(0),
        })
        .collect();
    show_group(&mut app, "big", members, partitions, Some(0));
    app
}

/// Issue 8 #7: the members list follows the selected member, the grid scrolls, and both
/// say which rows they show.
#[test]
fn a_big_group_scrolls_and_never_selects_an_undrawn_member() {
    let mut app = big_group_app();
    app.size = (120, 36);
    let (text, _) = render_at(&mut app, 120, 36);
    assert!(text.contains("members 1–"), "members hint:\n{text}");
    assert!(text.contains(" of 30 · m/M scroll"), "{text}");
    assert!(text.contains("partitions 1–"), "grid hint:\n{text}");
    let member_row =
        |t: &str, m: &str| t.lines().any(|l| l.contains(m) && l.contains("/127.0.0.1"));
    assert!(
        member_row(&text, "member-00") && !member_row(&text, "member-29"),
        "{text}"
    );
    // M from the first member wraps to the last: it must be drawn, and x acts on it.
    key(&mut app, KeyCode::Char('M'));
    let (text, _) = render_at(&mut app, 120, 36);
    assert!(
        member_row(&text, "member-29"),
        "selected member not drawn:\n{text}"
    );
    assert!(!member_row(&text, "member-00"), "{text}");
    // The grid scrolls a page at a time, to its end and back.
    let last_row = |t: &str| {
        t.lines()
            .any(|l| l.contains("│sarama") && l.contains(" 63 "))
    };
    assert!(!last_row(&text), "{text}");
    for _ in 0..10 {
        key(&mut app, KeyCode::Char(']'));
    }
    let (text, _) = render_at(&mut app, 120, 36);
    assert!(last_row(&text), "grid did not reach partition 63:\n{text}");
    assert!(text.contains("–64 of 64"), "{text}");
    for _ in 0..10 {
        key(&mut app, KeyCode::Char('['));
    }
    let (text, _) = render_at(&mut app, 120, 36);
    assert!(text.contains("partitions 1–"), "{text}");
}

/// Issue 8 #7: the live view's partition table scrolls with [ and ].
#[test]
fn the_live_partition_table_scrolls() {
    let mut app = live_app(vec![record(0, b"v", Vec::new())]);
    app.size = (120, 36);
    let stats: Vec<PartitionStats> = (0..64)
        .map(|p| PartitionStats {
            partition: p,
            low: Some(0),
            high: Some(1000 + i64::from(p)),
            seen: 0,
            last_offset: None,
        })
        .collect();
    app.update(Action::Kafka(KafkaEvent::Tail {
        topic: "strconv".into(),
        records: vec![],
        stats,
        dropped: 0,
    }));
    let row_of = |t: &str, p: i64| {
        t.lines()
            .any(|l| l.starts_with(&format!("│{p:<6}")) && l.contains(&format!(" {} ", 1000 + p)))
    };
    let (text, _) = render_at(&mut app, 120, 36);
    assert!(row_of(&text, 0) && !row_of(&text, 63), "{text}");
    assert!(
        text.contains("partitions 1–14 of 64 · [ ] scroll"),
        "{text}"
    );
    for _ in 0..5 {
        key(&mut app, KeyCode::Char(']'));
    }
    let (text, _) = render_at(&mut app, 120, 36);
    assert!(row_of(&text, 63) && !row_of(&text, 0), "{text}");
    assert!(text.contains("51–64 of 64"), "{text}");
}

/// Issue 8 #11: at 80×24 a failed delivery is shown whole (wrapped), not cut.
#[test]
fn delivery_errors_are_whole_at_80x24() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('2'));
    let error =
        "Message production error: UnknownTopicOrPartition (Broker: Unknown topic or partition)";
    app.update(Action::Kafka(KafkaEvent::Delivered(
        1,
        Delivery {
            topic: "strconv".into(),
            result: Err(error.into()),
            latency: Duration::from_millis(3),
        },
    )));
    let (text, _) = render_at(&mut app, 80, 24);
    // The reports are the right-hand column: read it back row by row.
    let column: String = text
        .lines()
        .skip(2)
        .map(|l| {
            // The form takes 60 % of 80 columns.
            l.chars()
                .skip(48)
                .filter(|c| *c != '│')
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(" ");
    for word in error.split_whitespace() {
        assert!(column.contains(word), "{word:?} missing from\n{text}");
    }
    assert!(text.contains("✗1"), "the title fits, shortened:\n{text}");
}

/// Issue 8 #11: at 80×24 the open message's hint starts with how to close it.
#[test]
fn the_message_detail_hint_leads_with_esc() {
    let mut app = live_app(vec![record(0, b"v", Vec::new())]);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let (text, _) = render_at(&mut app, 80, 24);
    assert!(text.contains("└ Esc close · v view"), "{text}");
}

/// An app with something in every pane: topics, a composed message and its reports, the
/// live view of `sarama`, and the seed's group (A holds 0, B holds 1, C idles) on it.
fn full_app() -> App {
    use kafka_dash::kafka::model::PartitionLag;
    let headers = vec![(
        "myTestHeader".to_string(),
        Some(b"header values are binary".to_vec()),
    )];
    let mut records: Vec<Record> = (0..30)
        .map(|i| {
            let mut r = record(i, format!("message {i} BZGB").as_bytes(), Vec::new());
            r.partition = (i % 2) as i32;
            r
        })
        .collect();
    records.push(record(30, b"Hello Go!", headers));
    let (mut app, _rx) = app();
    app.watch("sarama".into(), kafka_dash::action::StartFrom::Beginning);
    let stats = (0..2)
        .map(|p| PartitionStats {
            partition: p,
            low: Some(0),
            high: Some(16),
            seen: 16,
            last_offset: Some(15),
        })
        .collect();
    app.update(Action::Kafka(KafkaEvent::Tail {
        topic: "sarama".into(),
        records,
        stats,
        dropped: 0,
    }));
    key(&mut app, KeyCode::Char('2'));
    app.composer.topic = tui_input::Input::new("sarama".into());
    app.composer.focus = kafka_dash::ui::composer::Field::Value;
    for c in "Hello Go!".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Esc);
    for (i, result) in [
        Ok((0, 15)),
        Err("Broker: Unknown topic or partition".to_string()),
    ]
    .into_iter()
    .enumerate()
    {
        app.update(Action::Kafka(KafkaEvent::Delivered(
            i as u64,
            Delivery {
                topic: "sarama".into(),
                result,
                latency: Duration::from_millis(3),
            },
        )));
    }
    let members = vec![member("A", &[0]), member("B", &[1]), member("C", &[])];
    let lag = |p: i32, who: &str, committed| PartitionLag {
        topic: "sarama".into(),
        partition: p,
        owner: Some(format!("{who}-0e50ccfd-13f0-4efa-b7b0-3d39544014dd")),
        committed,
        high: Some(16),
        verdict: None,
        trend: None,
        lag_ms: committed.map(|_| 4_200),
    };
    let partitions = vec![lag(0, "A", Some(12)), lag(1, "B", None)];
    show_group(&mut app, "demo", members, partitions, Some(4));
    app
}

/// Issue 9 #2: every pane and the watch screen at 80×24, 120×36 and 200×60; nothing is
/// drawn past its box, and the snapshots are what a person would see.
#[test]
fn every_pane_at_every_size() {
    let mut app = full_app();
    for (pane, name) in [
        ('1', "topics"),
        ('2', "compose"),
        ('3', "live"),
        ('4', "groups"),
        ('5', "watch"),
    ] {
        key(&mut app, KeyCode::Char(pane));
        for (w, h) in [(80u16, 24u16), (120, 36), (200, 60)] {
            app.size = (w, h);
            let (text, _) = render_at(&mut app, w, h);
            for (i, line) in text.lines().enumerate() {
                assert!(
                    unicode_width::UnicodeWidthStr::width(line) <= w as usize,
                    "{name} {w}x{h} line {i} is wider than the screen"
                );
            }
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
        }
        // Leave the composer's fields so the next pane key is a key, not text.
        key(&mut app, KeyCode::Esc);
    }
    // The watch screen shows the send, the message and the group together.
    key(&mut app, KeyCode::Char('5'));
    let (text, _) = render_at(&mut app, 120, 36);
    for want in [
        "sarama [0] @ 15",
        "Hello Go!",
        "Groups reading sarama (1)",
        "held by",
        "idle",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
}

/// Issue 7 #4: members that share a client id are told apart in the members list, the
/// grid and the watch screen; ours are known by member id, so an outside member named
/// like one of ours is not starred.
#[test]
fn members_sharing_a_client_id_are_told_apart_and_only_ours_are_starred() {
    use kafka_dash::kafka::model::{InAppMember, PartitionLag};
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    let mut a = member("rdkafka", &[0]);
    let mut b = member("rdkafka", &[1]);
    a.member_id = "rdkafka-0e50ccfd-13f0-4efa-b7b0-111111aaaaaa".into();
    b.member_id = "rdkafka-0e50ccfd-13f0-4efa-b7b0-222222bbbbbb".into();
    let impostor = member("kafka-dash-A", &[]);
    let members = vec![a.clone(), b.clone(), impostor];
    let lag = |p: i32, owner: &str| PartitionLag {
        topic: "sarama".into(),
        partition: p,
        owner: Some(owner.into()),
        committed: Some(1),
        high: Some(2),
        verdict: None,
        trend: None,
        lag_ms: Some(61_000),
    };
    let partitions = vec![lag(0, &a.member_id), lag(1, &b.member_id)];
    show_group(&mut app, "g", members, partitions, Some(2));
    // Our in-app member A is another member altogether.
    app.update(Action::Kafka(KafkaEvent::Member(InAppMember {
        id: 0,
        group: "g".into(),
        client_id: "kafka-dash-A".into(),
        member_id: "kafka-dash-A-99999999-0000-0000-0000-000000000000".into(),
        assignor: "range".into(),
        read: vec![],
        running: true,
    })));
    let (text, _) = render_at(&mut app, 160, 30);
    let rows_with = |s: &str| text.lines().filter(|l| l.contains(s)).count();
    assert!(
        rows_with("rdkafka …aaaaaa") >= 2,
        "member list and grid:\n{text}"
    );
    assert!(rows_with("rdkafka …bbbbbb") >= 2, "{text}");
    assert!(
        !text.contains("★"),
        "an outside kafka-dash-A is not ours:\n{text}"
    );
    app.watch("sarama".into(), kafka_dash::action::StartFrom::Beginning);
    key(&mut app, KeyCode::Char('5'));
    let (watch, _) = render_at(&mut app, 160, 40);
    assert!(
        watch.contains("rdkafka …aaaaaa") && watch.contains("rdkafka …bbbbbb"),
        "{watch}"
    );
}

/// Issue 7 #5 and #2: the topics pane shows the groups reading the selected topic, and
/// the grid draws each partition's lag trend with its outlook.
#[test]
fn topics_show_their_readers_and_the_grid_shows_lag_trends() {
    use kafka_dash::kafka::health::{Direction, Trend};
    let mut app = full_app();
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Down);
    let (text, _) = render_at(&mut app, 160, 36);
    assert!(text.contains("Groups reading sarama (1)"), "{text}");
    let mut detail = app.groups.detail.clone().unwrap();
    detail.partitions[0].trend = Some(Trend {
        lags: (0..30).collect(),
        direction: Direction::Rising,
        catch_up_secs: None,
    });
    detail.partitions[1].trend = Some(Trend {
        lags: (1..31).rev().collect(),
        direction: Direction::Falling,
        catch_up_secs: Some(29),
    });
    app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(detail))));
    key(&mut app, KeyCode::Char('4'));
    let (text, _) = render_at(&mut app, 200, 40);
    assert!(text.contains("↑ falling behind"), "{text}");
    assert!(text.contains("↓ catches up in 29s"), "{text}");
    assert!(text.contains("█"), "a sparkline is drawn:\n{text}");
}

/// Issue 12 #3: a KIP-848 group says so with its epoch; each member's epoch shows, and a
/// member still converging shows where it is going (A giving 1 up, B waiting for it).
#[test]
fn a_consumer_protocol_group_shows_epochs_and_who_is_converging() {
    use kafka_dash::kafka::groups::GroupDetail;
    use kafka_dash::kafka::model::{ConsumerProtocol, GroupListing, GroupSnapshot};
    use kafka_dash::kafka::timeline::{Rebalance, Step, StepKind};
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    let with = |id: &str, epoch, held: &[i32], target: &[i32]| {
        let mut m = member(id, held);
        m.epoch = Some(epoch);
        m.target = Some(if target.is_empty() {
            vec![]
        } else {
            vec![("sarama".into(), target.to_vec())]
        });
        m
    };
    // C subscribes by regex: shown between slashes.
    let mut c = with("C", 2, &[], &[]);
    c.subscription.clear();
    c.regex = Some("^sar.*".into());
    // A speaks the classic protocol (the group was upgraded from a classic one).
    let mut a = with("A", 1, &[0, 1], &[0]);
    a.classic = true;
    let members = vec![a, with("B", 2, &[], &[1]), c];
    app.update(Action::Kafka(KafkaEvent::Groups(Ok(vec![GroupListing {
        name: "g848".into(),
        state: "Reconciling".into(),
        protocol_type: "consumer".into(),
        protocol: "uniform".into(),
        members: 3,
        member_list: members.clone(),
        ..Default::default()
    }]))));
    app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(
        GroupDetail {
            snapshot: GroupSnapshot {
                name: "g848".into(),
                state: "Reconciling".into(),
                protocol: "uniform".into(),
                members,
                consumer: Some(ConsumerProtocol {
                    group_epoch: 2,
                    assignment_epoch: 2,
                }),
            },
            partitions: vec![],
            timeline: vec![Rebalance {
                seq: 1,
                began_ms: 1_000,
                settled_ms: 4_000,
                began_is_bound: false,
                joined: vec!["B".into()],
                left: vec![],
                moved: vec![("sarama".into(), 1, Some("A".into()), Some("B".into()))],
                protocol: "uniform".into(),
                members: 2,
                epoch: Some(2),
                steps: vec![
                    Step {
                        at_ms: 1_500,
                        kind: StepKind::Released("sarama".into(), 1, "A".into()),
                    },
                    Step {
                        at_ms: 4_000,
                        kind: StepKind::Received("sarama".into(), 1, "B".into(), Some(2_500)),
                    },
                    Step {
                        at_ms: 4_000,
                        kind: StepKind::FirstPartitions("B".into(), 3_000, false),
                    },
                ],
            }],
            read_ms: unix_ms(),
            trend: None,
        },
    ))));
    let (text, _) = render_at(&mut app, 140, 24);
    assert!(text.contains("+0.5 s  A gives up sarama[1]"), "{text}");
    assert!(
        text.contains("B receives sarama[1], 2.5 s without an owner"),
        "{text}"
    );
    assert!(
        text.contains("B: first partitions 3.0 s after joining"),
        "{text}"
    );
    assert!(
        text.contains("g848 · Reconciling · consumer protocol, epoch 2 · uniform · 3 members"),
        "{text}"
    );
    assert!(text.contains("sarama [0,1] → sarama [0]"), "{text}");
    assert!(text.contains("[] → sarama [1]"), "{text}");
    // At 80 columns the title is cut before "(1 classic)": the row still says it.
    let (small, _) = render_at(&mut app, 80, 24);
    assert!(
        small
            .lines()
            .any(|l| l.contains("A ") && l.contains("1 classic")),
        "{small}"
    );
    insta::assert_snapshot!(text);
}

/// The cursor's (column, row) after drawing `app` at `width`×`height`.
fn cursor_at(app: &mut App, width: u16, height: u16) -> (u16, u16) {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| kafka_dash::screen::draw(f, app)).unwrap();
    let p = t.get_cursor_position().unwrap();
    (p.x, p.y)
}

#[test]
fn the_add_member_form_shows_its_labels_values_and_what_is_typed() {
    for (w, h) in [(80, 24), (120, 36), (220, 50)] {
        let (mut app, _rx) = app();
        key(&mut app, KeyCode::Char('4'));
        key(&mut app, KeyCode::Char('a'));
        let (text, _) = render_at(&mut app, w, h);
        assert!(text.contains("group: kafka-dash-demo"), "{w}x{h}:\n{text}");
        for _ in 0.."kafka-dash-demo".len() {
            key(&mut app, KeyCode::Backspace);
        }
        for c in "kip848-demo".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        let (text, _) = render_at(&mut app, w, h);
        let group = text
            .lines()
            .find(|l| l.contains("group: "))
            .unwrap_or_else(|| panic!("no group field at {w}x{h}:\n{text}"));
        assert!(group.contains("group: kip848-demo"), "{w}x{h}: {group:?}");
        // The cursor sits right after what was typed, on the group's row.
        let row = text.lines().position(|l| l.contains("group: ")).unwrap() as u16;
        let col = group.chars().position(|c| c == 'k').unwrap() as u16 + 11;
        assert_eq!(cursor_at(&mut app, w, h), (col, row), "{w}x{h}:\n{text}");
        assert!(text.contains("topics: sarama"), "{w}x{h}:\n{text}");
        assert!(text.contains("assignor: range"), "{w}x{h}:\n{text}");
        // The focused field says what it takes, cut with … where it does not fit.
        assert!(text.contains("the group id"), "{w}x{h}:\n{text}");
        key(&mut app, KeyCode::Tab);
        key(&mut app, KeyCode::Tab);
        let (text, _) = render_at(&mut app, w, h);
        let hint = text
            .lines()
            .find(|l| l.contains("classic: range"))
            .unwrap_or_else(|| panic!("no assignor hint at {w}x{h}:\n{text}"));
        assert!(
            hint.contains("consumer:range") || hint.contains('…'),
            "{w}x{h}: {hint:?}"
        );
    }
}

#[test]
fn a_long_form_value_scrolls_to_keep_the_cursor_in_view() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    key(&mut app, KeyCode::Char('a'));
    let long = "g".repeat(100) + "END";
    for c in long.chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let (text, _) = render_at(&mut app, 80, 24);
    let group = text.lines().find(|l| l.contains("group: ")).unwrap();
    assert!(
        group.contains("group: …g") && group.contains("gEND"),
        "{group:?}"
    );
    let (x, _) = cursor_at(&mut app, 80, 24);
    assert_eq!(
        x as usize,
        group.chars().position(|c| c == 'E').unwrap() + 3
    );
}

#[test]
fn unassigned_code_points_in_a_value_never_shift_the_screen() {
    let value = "x\u{379}y\u{379}z\u{379}w".repeat(5);
    let mut app = live_app(vec![
        record(0, value.as_bytes(), vec![]),
        record(1, b"next row", vec![]),
    ]);
    let (text, symbols) = render(&mut app);
    assert!(text.contains("x\\u{0379}y"), "{text}");
    assert!(!symbols.iter().any(|s| s.contains('\u{379}')));
    app.live.selected = Some(1);
    app.live.detail = Some(kafka_dash::ui::partitions::ValueView::Text);
    let (text, symbols) = render(&mut app);
    assert!(text.contains("x\\u{0379}y\\u{0379}z"), "{text}");
    assert!(!symbols.iter().any(|s| s.contains('\u{379}')));
}

#[test]
fn what_is_typed_into_the_composer_is_drawn_escaped_with_the_cursor_after_it() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('2'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    for c in "a🇩🇪b".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let (text, symbols) = render_at(&mut app, 120, 36);
    let line = text.lines().find(|l| l.contains("value ")).unwrap();
    assert!(line.contains("value a\\u{1f1e9}\\u{1f1ea}b"), "{line:?}");
    assert!(!symbols
        .iter()
        .any(|s| s.chars().any(|c| ('\u{1f1e6}'..='\u{1f1ff}').contains(&c))));
    let (x, _) = cursor_at(&mut app, 120, 36);
    let end = line.find("b").unwrap();
    assert_eq!(x as usize, line[..end].chars().count() + 1, "{line:?}");
}

#[test]
fn the_composer_shows_that_headers_exist_before_any_key_at_every_size() {
    for (w, h) in [(80, 24), (120, 36), (200, 60)] {
        for pane in ['2', '5'] {
            let (mut app, _rx) = app();
            key(&mut app, KeyCode::Char(pane));
            key(&mut app, KeyCode::Esc);
            let (text, _) = render_at(&mut app, w, h);
            assert!(
                text.contains("headers none · Ctrl-A adds one"),
                "pane {pane} at {w}x{h}:\n{text}"
            );
            app.composer = kafka_dash::ui::composer::ComposerState::seed_message("sarama");
            let (text, _) = render_at(&mut app, w, h);
            assert!(
                text.contains("value Hello Go!") && text.contains("header 1 myTestHeader = header"),
                "pane {pane} at {w}x{h}:\n{text}"
            );
        }
    }
}

#[test]
fn composer_rows_out_of_view_are_named_in_its_title() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('5'));
    app.composer = kafka_dash::ui::composer::ComposerState::seed_message("sarama");
    key(&mut app, KeyCode::Enter);
    let (text, _) = render_at(&mut app, 80, 24);
    assert!(text.contains("Compose · rows 1–3 of 8"), "{text}");
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    let (text, _) = render_at(&mut app, 80, 24);
    assert!(text.contains("Compose · rows 3–5 of 8"), "{text}");
}

fn many_topics(n: usize) -> Vec<TopicInfo> {
    (0..n)
        .map(|i| TopicInfo {
            name: format!("t{i:03}"),
            partitions: 1,
            replication: 1,
            internal: false,
            messages: Some(i as i64),
            partition_meta: healthy(1),
        })
        .collect()
}

#[test]
fn long_lists_say_which_rows_they_show_and_clicks_hit_the_row_drawn() {
    let (mut app, _rx) = app();
    app.update(Action::Kafka(KafkaEvent::Topics(Ok(many_topics(33)))));
    app.update(Action::Kafka(KafkaEvent::Brokers(vec![BrokerInfo {
        id: 0,
        host: "127.0.0.1".into(),
        port: 9092,
    }])));
    key(&mut app, KeyCode::Char('1'));
    let (text, _) = render_at(&mut app, 80, 24);
    assert!(text.contains("Topics (33) · rows 1–9"), "{text}");
    assert!(text.contains("1 broker up (id 0)"), "{text}");
    for _ in 0..20 {
        key(&mut app, KeyCode::Down);
    }
    let (text, _) = render_at(&mut app, 80, 24);
    assert!(text.contains("Topics (33) · rows 13–21"), "{text}");
    // PgDn and PgUp move a page of rows (9 at 80x24).
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.topics.selected, 29);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.topics.selected, 20);
    // A click on the row that shows t015 selects t015.
    let row = text.lines().position(|l| l.contains("│t015")).unwrap() as u16;
    app.update(Action::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: 3,
        row,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.selected_topic().map(|t| t.name.as_str()), Some("t015"));
}

#[test]
fn narrow_terminals_cut_with_an_ellipsis() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    let (text, _) = render_at(&mut app, 40, 10);
    let tabs = text.lines().next().unwrap();
    assert!(tabs.ends_with('…'), "{tabs:?}");
    let mut app = live_app(vec![record(0, b"v", vec![])]);
    key(&mut app, KeyCode::Char('3'));
    let (text, _) = render_at(&mut app, 60, 15);
    let header = text.lines().find(|l| l.contains("part ")).unwrap();
    assert!(
        header.contains("rate") && !header.contains("rate ("),
        "{header:?}"
    );
    let (text, _) = render_at(&mut app, 120, 36);
    assert!(text.contains("rate (30 s)"), "{text}");
}

/// Issue 20 #5: a group whose last member left stays among the topic's readers while it
/// has offsets committed there, with its verdict — followed (its detail) or not (its
/// listing) — and a partition read before its holder left names nobody.
#[test]
fn a_group_whose_members_left_stays_among_the_readers_with_its_verdict() {
    use kafka_dash::kafka::groups::GroupDetail;
    use kafka_dash::kafka::health::{Status, Verdict};
    use kafka_dash::kafka::model::{GroupListing, GroupSnapshot, PartitionLag};
    let stopped = |p: i32, committed: i64, owner: Option<&str>| PartitionLag {
        topic: "sarama".into(),
        partition: p,
        owner: owner.map(str::to_string),
        committed: Some(committed),
        high: Some(committed + 87),
        verdict: Some(Verdict {
            status: Status::Stop,
            why: format!("no member, offset {committed}, lag 87, behind for 1m43s"),
        }),
        trend: None,
        lag_ms: Some(103_000),
    };
    let gone = GroupListing {
        name: "gone".into(),
        state: "Empty".into(),
        protocol_type: "consumer".into(),
        // Read while its member was still there: the member has gone since.
        partitions: vec![
            stopped(0, 897, Some("A-0e50ccfd-13f0-4efa-b7b0-3d39544014dd")),
            stopped(1, 1_197, None),
        ],
        ..Default::default()
    };
    for followed in [false, true] {
        let mut app = full_app();
        app.update(Action::Kafka(KafkaEvent::Groups(Ok(vec![gone.clone()]))));
        if followed {
            app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(
                GroupDetail {
                    snapshot: GroupSnapshot {
                        name: "gone".into(),
                        state: "Empty".into(),
                        protocol: String::new(),
                        members: vec![],
                        consumer: None,
                    },
                    partitions: vec![stopped(0, 897, None), stopped(1, 1_197, None)],
                    timeline: vec![],
                    read_ms: unix_ms(),
                    trend: None,
                },
            ))));
        }
        key(&mut app, KeyCode::Char('5'));
        let (text, _) = render_at(&mut app, 120, 36);
        assert!(
            text.contains("Groups reading sarama (1)"),
            "followed: {followed}\n{text}"
        );
        let row = |p: &str, c: &str| {
            text.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .any(|l| l.contains(&format!("{p} — {c} 87")) && l.contains("STOP"))
        };
        assert!(row("0", "897"), "followed: {followed}\n{text}");
        assert!(row("1", "1197"), "followed: {followed}\n{text}");
    }
}

/// Issue 20 #8: at 120 columns a row that is not OK keeps its reason, cut with `…`,
/// ahead of less important columns (it used to vanish until 160 columns).
#[test]
fn the_reason_stays_in_the_grid_when_a_row_is_not_ok() {
    use kafka_dash::kafka::health::{Status, Verdict};
    use kafka_dash::kafka::model::PartitionLag;
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    let members = vec![member("A", &[0]), member("B", &[1])];
    let part = |p: i32, who: &str, status, why: &str| PartitionLag {
        topic: "sarama".into(),
        partition: p,
        owner: Some(format!("{who}-0e50ccfd-13f0-4efa-b7b0-3d39544014dd")),
        committed: Some(1_011),
        high: Some(1_098),
        verdict: Some(Verdict {
            status,
            why: why.into(),
        }),
        trend: None,
        lag_ms: Some(103_000),
    };
    let partitions = vec![
        part(0, "A", Status::Ok, "lag 87, consuming"),
        part(
            1,
            "B",
            Status::Stall,
            "held by a member, offset 1,011 for 1m43s, lag 87 and growing",
        ),
    ];
    show_group(&mut app, "g", members, partitions, Some(174));
    for (w, h) in [(120, 36), (200, 60)] {
        let (text, _) = render_at(&mut app, w, h);
        // The grid's row (the group list's row says STALL too).
        let stall = text
            .lines()
            .find(|l| l.contains("STALL") && l.contains("1011"))
            .unwrap_or_else(|| panic!("{w}x{h}:\n{text}"));
        assert!(
            stall.contains("held by a member, offset"),
            "{w}x{h}: the reason is there:\n{text}"
        );
        if w == 120 {
            assert!(stall.contains('…'), "cut, and says so:\n{text}");
        }
    }
}

/// Issue 20 #14: a member removed from a KIP-848 group is said to be removed (with the
/// cause where the dashboard knows it: its own member's clean leave), not to "give up"
/// its partitions; a member that waited ten minutes because nothing was free is said to
/// have been idle.
#[test]
fn the_timeline_says_removed_and_idle() {
    use kafka_dash::kafka::groups::GroupDetail;
    use kafka_dash::kafka::model::{ConsumerProtocol, GroupListing, GroupSnapshot, InAppMember};
    use kafka_dash::kafka::timeline::{Rebalance, Step, StepKind};
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    let members = vec![member("C", &[0])];
    app.update(Action::Kafka(KafkaEvent::Groups(Ok(vec![GroupListing {
        name: "orders-app".into(),
        state: "Stable".into(),
        protocol_type: "consumer".into(),
        protocol: "uniform".into(),
        members: 1,
        member_list: members.clone(),
        ..Default::default()
    }]))));
    app.update(Action::Kafka(KafkaEvent::Member(InAppMember {
        id: 0,
        group: "orders-app".into(),
        client_id: "kafka-dash-B".into(),
        member_id: "B-ours".into(),
        assignor: "consumer:uniform".into(),
        read: vec![],
        running: false,
    })));
    let step = |kind| Step { at_ms: 1_000, kind };
    let removed = |who: &str, id: &str, p| {
        StepKind::Removed(who.into(), id.into(), vec![("orders".into(), p)])
    };
    app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(
        GroupDetail {
            snapshot: GroupSnapshot {
                name: "orders-app".into(),
                state: "Stable".into(),
                protocol: "uniform".into(),
                members,
                consumer: Some(ConsumerProtocol {
                    group_epoch: 7,
                    assignment_epoch: 7,
                }),
            },
            partitions: vec![],
            timeline: vec![Rebalance {
                seq: 1,
                began_ms: 1_000,
                settled_ms: 1_000,
                began_is_bound: true,
                joined: vec![],
                left: vec!["A".into(), "kafka-dash-B".into()],
                moved: vec![],
                protocol: "uniform".into(),
                members: 1,
                epoch: Some(7),
                steps: vec![
                    step(removed("A", "A-theirs", 0)),
                    step(removed("kafka-dash-B", "B-ours", 1)),
                    step(StepKind::FirstPartitions("C".into(), 635_000, true)),
                ],
            }],
            read_ms: unix_ms(),
            trend: None,
        },
    ))));
    let (text, _) = render_at(&mut app, 200, 40);
    for want in [
        "A removed from the group (it left, or its session timed out); held orders[0]",
        "kafka-dash-B left the group (a clean leave from here); held orders[1]",
        "C: first partitions after 10m35s idle (none were free for it)",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    assert!(!text.contains("gives up"), "{text}");
}

#[test]
fn a_group_whose_figures_missed_their_re_read_is_stale_not_ok() {
    use kafka_dash::kafka::health::{Status, Verdict};
    use kafka_dash::kafka::model::GroupListing;
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    // The app's own clock, given as the loop gives it (not read again here: a second
    // turning over between two readings made the ages off by one).
    let moment = kafka_dash::action::Now::read();
    app.update(Action::Second(moment));
    let now = moment.unix_ms;
    // Both were judged OK when read; `ga` was read 100 s ago, past its 8 s.
    let listed = |name: &str, read_ago_ms: i64| GroupListing {
        name: name.into(),
        state: "Empty".into(),
        protocol_type: "consumer".into(),
        total_lag: Some(2),
        status: Some(Verdict {
            status: Status::Ok,
            why: "caught up".into(),
        }),
        lag_read_ms: Some(now - read_ago_ms),
        stale_after_ms: Some(8_000),
        ..Default::default()
    };
    app.update(Action::Kafka(KafkaEvent::Groups(Ok(vec![
        listed("fresh", 1_000),
        listed("ga", 100_000),
    ]))));
    let (text, _) = render_at(&mut app, 200, 24);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.trim_start_matches('│').starts_with(name))
            .unwrap_or_else(|| panic!("no row {name} in\n{text}"))
            .to_string()
    };
    assert!(row("fresh").contains(" OK "), "{}", row("fresh"));
    let ga = row("ga");
    assert!(!ga.contains(" OK "), "{ga}");
    assert!(ga.contains(" stale "), "{ga}");
    // The read column tells the true age.
    assert!(ga.contains("1m40s"), "{ga}");
}

#[test]
fn an_internal_topic_is_not_grown_from_the_topics_pane() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(
        app.selected_topic().map(|t| t.name.as_str()),
        Some("__consumer_offsets")
    );
    key(&mut app, KeyCode::Char('p'));
    assert!(app.form().is_none(), "no form to grow it");
    let (text, _) = render_at(&mut app, 200, 40);
    assert!(text.contains("__consumer_offsets is internal"), "{text}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('p'));
    assert!(app.form().is_some(), "other topics grow as before");
}

/// The groups list's hint offers `x remove` only while the selected member is one of
/// ours: on any other member `x` can only say it is not ours.
#[test]
fn the_groups_hint_offers_remove_only_on_our_member() {
    use kafka_dash::kafka::model::InAppMember;
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('4'));
    let ours = member("kafka-dash-A", &[0]);
    show_group(&mut app, "g", vec![ours.clone()], vec![], None);
    let (text, _) = render_at(&mut app, 200, 40);
    assert!(!text.contains("x remove"), "not ours yet:\n{text}");
    assert!(text.contains("a add member · m/M member"), "{text}");
    app.update(Action::Kafka(KafkaEvent::Member(InAppMember {
        id: 0,
        group: "g".into(),
        client_id: "kafka-dash-A".into(),
        member_id: ours.member_id.clone(),
        assignor: "range".into(),
        read: vec![],
        running: true,
    })));
    let (text, _) = render_at(&mut app, 200, 40);
    assert!(text.contains("a add member · x remove"), "ours:\n{text}");
}

// ---------------------------------------------------------------------------------------
// Clicks hit what is on screen (issue 21 #2): long lists are scrolled, drawn at 80×24 and
// 200×60, and clicked on rows read back from the drawn buffer; the row under the pointer
// must be the one selected.
// ---------------------------------------------------------------------------------------

/// The two sizes every click test runs at.
const CLICK_SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

/// The screen after drawing `app` at `size`, cell by cell (the app is told the size, as
/// the dashboard does).
fn screen(app: &mut App, size: (u16, u16)) -> Vec<Vec<String>> {
    app.size = size;
    let (_, symbols) = render_at(app, size.0, size.1);
    symbols
        .chunks(usize::from(size.0))
        .map(<[String]>::to_vec)
        .collect()
}

/// The word drawn from cell (`x`, `y`) up to a space or a border.
fn word_at(grid: &[Vec<String>], x: u16, y: u16) -> String {
    grid[usize::from(y)][usize::from(x)..]
        .iter()
        .take_while(|c| !matches!(c.as_str(), " " | "│" | "┐" | "┘"))
        .map(String::as_str)
        .collect()
}

/// Where `needle` starts on screen, every place it is drawn.
fn find(grid: &[Vec<String>], needle: &str) -> Vec<(u16, u16)> {
    let mut at = Vec::new();
    for (y, row) in grid.iter().enumerate() {
        let line: String = row.iter().map(String::as_str).collect();
        for (i, _) in line.match_indices(needle) {
            at.push((line[..i].chars().count() as u16, y as u16));
        }
    }
    at
}

/// The rows under the header `header` (the `nth` place it is drawn, left to right then
/// top to bottom) whose word in that column passes `item`.
fn item_rows(
    grid: &[Vec<String>],
    header: &str,
    nth: usize,
    item: impl Fn(&str) -> bool,
) -> (u16, Vec<u16>) {
    let word = header.split(' ').next().unwrap_or_default();
    let (x, y) = find(grid, header)
        .into_iter()
        .filter(|&(x, y)| word_at(grid, x, y) == word)
        .nth(nth)
        .expect("the header is drawn");
    let rows = (y + 1..grid.len() as u16)
        .take_while(|&r| item(&word_at(grid, x, r)))
        .collect();
    (x, rows)
}

/// A press of the left button at (`x`, `y`).
fn click(app: &mut App, x: u16, y: u16) {
    app.update(Action::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }));
}

/// One notch of the wheel, down (older, further) or up, at (`x`, `y`).
fn wheel(app: &mut App, x: u16, y: u16, down: bool) {
    use crossterm::event::MouseEventKind::{ScrollDown, ScrollUp};
    app.update(Action::Mouse(crossterm::event::MouseEvent {
        kind: if down { ScrollDown } else { ScrollUp },
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }));
}

/// The first, a middle and the last of the rows shown (the watch screen's live part
/// shows two at 80×24: then the middle is the last).
fn first_middle_last(rows: &[u16]) -> [u16; 3] {
    assert!(rows.len() >= 2, "too few rows shown: {rows:?}");
    [rows[0], rows[rows.len() / 2], rows[rows.len() - 1]]
}

/// A word like `t042`: the letter, then digits.
fn numbered(word: &str, letter: char) -> bool {
    word.len() > 1 && word.starts_with(letter) && word[1..].chars().all(|c| c.is_ascii_digit())
}

/// A message's `partition@offset`.
fn at_offset(word: &str) -> bool {
    word.split_once('@').is_some_and(|(p, o)| {
        !p.is_empty() && !o.is_empty() && (p.to_owned() + o).chars().all(|c| c.is_ascii_digit())
    })
}

/// A crowded cluster: 300 topics of 64 partitions, 150 groups reading `sarama` (one
/// member each, but `g100`, which has 40 and is followed), and the live view of `sarama`
/// with 500 messages over its 64 partitions.
fn crowded_app() -> App {
    use kafka_dash::kafka::groups::GroupDetail;
    use kafka_dash::kafka::model::{GroupListing, GroupSnapshot, PartitionLag};
    let (mut app, _rx) = app();
    let mut topics: Vec<TopicInfo> = (0..300)
        .map(|i| TopicInfo {
            name: format!("t{i:03}"),
            partitions: 64,
            replication: 1,
            internal: false,
            messages: Some(1344),
            partition_meta: healthy(64),
        })
        .collect();
    topics[200].name = "sarama".into();
    app.update(Action::Kafka(KafkaEvent::Topics(Ok(topics))));
    let lag = |g: usize, who: &str| PartitionLag {
        topic: "sarama".into(),
        partition: (g % 64) as i32,
        owner: Some(format!("{who}-0e50ccfd-13f0-4efa-b7b0-3d39544014dd")),
        committed: Some(5),
        high: Some(8),
        verdict: None,
        trend: None,
        lag_ms: Some(1_000),
    };
    let big: Vec<_> = (0..40).map(|i| member(&format!("m{i:02}"), &[i])).collect();
    let listing = (0..150)
        .map(|g| {
            let who = format!("c{g:03}");
            let members = if g == 100 {
                big.clone()
            } else {
                vec![member(&who, &[(g % 64) as i32])]
            };
            GroupListing {
                name: format!("g{g:03}"),
                state: "Stable".into(),
                protocol_type: "consumer".into(),
                protocol: "range".into(),
                members: members.len(),
                total_lag: Some(3),
                member_list: members,
                partitions: vec![lag(g, &who)],
                ..Default::default()
            }
        })
        .collect();
    app.update(Action::Kafka(KafkaEvent::Groups(Ok(listing))));
    app.update(Action::Kafka(KafkaEvent::GroupDetail(Box::new(
        GroupDetail {
            snapshot: GroupSnapshot {
                name: "g100".into(),
                state: "Stable".into(),
                protocol: "range".into(),
                members: big,
                consumer: None,
            },
            partitions: (0..64)
                .map(|p| lag(p, &format!("m{:02}", p % 40)))
                .collect(),
            timeline: vec![],
            read_ms: unix_ms(),
            trend: None,
        },
    ))));
    app.watch("sarama".into(), kafka_dash::action::StartFrom::Beginning);
    let records = (0..500)
        .map(|i| {
            let mut r = record(i / 64, format!("value {i}").as_bytes(), Vec::new());
            r.partition = (i % 64) as i32;
            r
        })
        .collect();
    let stats = (0..64)
        .map(|p| PartitionStats {
            partition: p,
            low: Some(0),
            high: Some(8),
            seen: 8,
            last_offset: Some(7),
        })
        .collect();
    app.update(Action::Kafka(KafkaEvent::Tail {
        topic: "sarama".into(),
        records,
        stats,
        dropped: 0,
    }));
    app
}

/// Presses `code` `n` times.
fn keys(app: &mut App, code: KeyCode, n: usize) {
    for _ in 0..n {
        key(app, code);
    }
}

#[test]
fn a_click_on_a_scrolled_topic_list_selects_the_topic_under_the_pointer() {
    for size in CLICK_SIZES {
        let mut app = crowded_app();
        key(&mut app, KeyCode::Char('1'));
        keys(&mut app, KeyCode::Down, 150);
        for pick in 0..3 {
            let grid = screen(&mut app, size);
            let (x, rows) = item_rows(&grid, "topic", 0, |w| numbered(w, 't'));
            if pick == 0 {
                assert_ne!(word_at(&grid, x, rows[0]), "t000", "the list has scrolled");
            }
            let y = first_middle_last(&rows)[pick];
            let under = word_at(&grid, x, y);
            click(&mut app, x + 1, y);
            assert_eq!(
                app.selected_topic().map(|t| t.name.as_str()),
                Some(under.as_str()),
                "{size:?}, row {y}"
            );
        }
        // The topic's partitions have no selection: a click there changes nothing, the
        // wheel over them scrolls them, and the wheel over the list moves the selection.
        let grid = screen(&mut app, size);
        let chosen = app.topics.selected;
        let (px, parts) = item_rows(&grid, "partition", 0, |w| {
            !w.is_empty() && w.chars().all(|c| c.is_ascii_digit())
        });
        click(&mut app, px, parts[1]);
        assert_eq!(app.topics.selected, chosen);
        wheel(&mut app, px, parts[1], true);
        assert_eq!(app.topics.parts_scroll, 1, "{size:?}");
        assert_eq!(
            app.topics.selected, chosen,
            "the wheel moved what is under it"
        );
        let (x, rows) = item_rows(&grid, "topic", 0, |w| numbered(w, 't'));
        wheel(&mut app, x, rows[0], true);
        assert_eq!(app.topics.selected, chosen + 1);
    }
}

#[test]
fn clicks_on_borders_headers_and_blank_rows_do_nothing() {
    for size in CLICK_SIZES {
        let (mut app, _rx) = app();
        key(&mut app, KeyCode::Char('1'));
        key(&mut app, KeyCode::Down);
        let grid = screen(&mut app, size);
        let (x, rows) = item_rows(&grid, "topic", 0, |w| !w.is_empty());
        let header = rows[0] - 1;
        let below_last = rows[rows.len() - 1] + 1;
        for (cx, cy) in [(x, header), (0, rows[0]), (x, header - 1), (x, below_last)] {
            click(&mut app, cx, cy);
            assert_eq!(app.topics.selected, 1, "{size:?}: click at {cx},{cy}");
        }
    }
}

#[test]
fn a_click_on_a_scrolled_group_list_and_members_selects_the_row_under_the_pointer() {
    for size in CLICK_SIZES {
        let mut app = crowded_app();
        key(&mut app, KeyCode::Char('4'));
        keys(&mut app, KeyCode::Down, 120);
        for pick in 0..3 {
            let grid = screen(&mut app, size);
            let (x, rows) = item_rows(&grid, "group", 0, |w| numbered(w, 'g'));
            if pick == 0 {
                assert_ne!(word_at(&grid, x, rows[0]), "g000", "the list has scrolled");
            }
            let y = first_middle_last(&rows)[pick];
            let under = word_at(&grid, x, y);
            click(&mut app, x + 1, y);
            assert_eq!(app.groups.selected_name(), Some(under.as_str()), "{size:?}");
        }
        // g100 is followed: its 40 members, scrolled by m.
        key(&mut app, KeyCode::Home);
        keys(&mut app, KeyCode::Down, 100);
        assert_eq!(app.groups.selected_name(), Some("g100"));
        keys(&mut app, KeyCode::Char('m'), 30);
        for pick in 0..3 {
            let grid = screen(&mut app, size);
            let (x, rows) = item_rows(&grid, "client id", 0, |w| numbered(w, 'm'));
            let y = first_middle_last(&rows)[pick];
            let under = word_at(&grid, x, y);
            click(&mut app, x + 1, y);
            let chosen = app.groups.member_index().unwrap();
            assert_eq!(format!("m{chosen:02}"), under, "{size:?}");
            assert_eq!(app.groups.selected_name(), Some("g100"));
        }
        // The wheel moves what is under the pointer: over the members, the member.
        let grid = screen(&mut app, size);
        let (x, rows) = item_rows(&grid, "client id", 0, |w| numbered(w, 'm'));
        let member = app.groups.member_index().unwrap();
        wheel(&mut app, x, rows[0], false);
        assert_eq!(app.groups.member_index(), Some(member - 1), "{size:?}");
        assert_eq!(app.groups.selected_name(), Some("g100"));
        // Over the grid, the grid scrolls; a click there selects nothing.
        let (gx, grid_rows) = item_rows(&grid, "part", 0, |w| {
            !w.is_empty() && w.chars().all(|c| c.is_ascii_digit())
        });
        click(&mut app, gx, grid_rows[0]);
        assert_eq!(app.groups.selected_name(), Some("g100"));
        wheel(&mut app, gx, grid_rows[0], true);
        assert_eq!(app.groups.grid_scroll, 1, "{size:?}");
        assert_eq!(app.groups.member_index(), Some(member - 1));
    }
}

#[test]
fn a_click_on_a_scrolled_message_list_selects_the_message_under_the_pointer() {
    for size in CLICK_SIZES {
        let mut app = crowded_app();
        key(&mut app, KeyCode::Char('3'));
        keys(&mut app, KeyCode::Down, 300);
        for pick in 0..3 {
            let grid = screen(&mut app, size);
            let (x, rows) = item_rows(&grid, "part@offset", 0, at_offset);
            let y = first_middle_last(&rows)[pick];
            let under = word_at(&grid, x, y);
            let before = app
                .live
                .selected_record()
                .map(|r| format!("{}@{}", r.partition, r.offset));
            click(&mut app, x + 1, y);
            let r = app.live.selected_record().unwrap();
            assert_eq!(format!("{}@{}", r.partition, r.offset), under, "{size:?}");
            // A click on the message already selected opens it (the list scrolls to
            // keep the selection in view, so one of these rows may be it).
            assert_eq!(app.live.detail.is_some(), before.as_ref() == Some(&under));
            if app.live.detail.is_some() {
                key(&mut app, KeyCode::Esc);
            }
        }
        // The live grid has no selection (its keys only scroll it): a click on a
        // partition row leaves the message selected.
        let selected = app.live.selected;
        let grid = screen(&mut app, size);
        let (px, parts) = item_rows(&grid, "part", 0, |w| {
            !w.is_empty() && w.chars().all(|c| c.is_ascii_digit())
        });
        click(&mut app, px, parts[0]);
        assert_eq!(app.live.selected, selected);
        wheel(&mut app, px, parts[0], true);
        assert_eq!(app.live.parts_scroll, 1, "{size:?}");
        assert_eq!(app.live.selected, selected);
        // A second click on the selected message opens it.
        let grid = screen(&mut app, size);
        let (x, rows) = item_rows(&grid, "part@offset", 0, at_offset);
        let y = rows[rows.len() / 2];
        click(&mut app, x, y);
        assert!(app.live.detail.is_none());
        click(&mut app, x, y);
        assert!(app.live.detail.is_some(), "{size:?}");
    }
}

#[test]
fn a_click_on_the_readers_beside_the_live_view_selects_that_group() {
    let mut app = crowded_app();
    key(&mut app, KeyCode::Char('3'));
    keys(&mut app, KeyCode::Down, 5);
    let selected = app.live.selected;
    for pick in 0..3 {
        let grid = screen(&mut app, (200, 60));
        let (x, rows) = item_rows(&grid, "group", 0, |w| numbered(w, 'g'));
        let y = first_middle_last(&rows)[pick];
        let under = word_at(&grid, x, y);
        click(&mut app, x + 1, y);
        assert_eq!(app.groups.selected_name(), Some(under.as_str()));
        assert_eq!(app.live.selected, selected, "no message was selected");
    }
}

#[test]
fn a_click_on_a_watch_part_marks_it_and_selects_the_row_under_the_pointer() {
    for size in CLICK_SIZES {
        let mut app = crowded_app();
        key(&mut app, KeyCode::Char('5'));
        assert_eq!(app.watch_focus, kafka_dash::app::Pane::Composer);
        // The groups reading the topic: the part is marked, the group selected.
        let grid = screen(&mut app, size);
        let (x, rows) = item_rows(&grid, "group", 0, |w| numbered(w, 'g'));
        let y = rows[rows.len() - 1];
        let under = word_at(&grid, x, y);
        click(&mut app, x + 1, y);
        assert_eq!(app.watch_focus, kafka_dash::app::Pane::Groups, "{size:?}");
        assert_eq!(app.groups.selected_name(), Some(under.as_str()));
        // The live view's messages, scrolled: the part is marked, the message selected.
        keys(&mut app, KeyCode::BackTab, 1);
        keys(&mut app, KeyCode::Down, 40);
        key(&mut app, KeyCode::Tab);
        assert_eq!(app.watch_focus, kafka_dash::app::Pane::Groups);
        for pick in 0..3 {
            let grid = screen(&mut app, size);
            let (x, rows) = item_rows(&grid, "part@offset", 0, at_offset);
            let y = first_middle_last(&rows)[pick];
            let under = word_at(&grid, x, y);
            let before = app
                .live
                .selected_record()
                .map(|r| format!("{}@{}", r.partition, r.offset));
            click(&mut app, x + 1, y);
            assert_eq!(app.watch_focus, kafka_dash::app::Pane::Live, "{size:?}");
            let r = app.live.selected_record().unwrap();
            assert_eq!(format!("{}@{}", r.partition, r.offset), under, "{size:?}");
            assert_eq!(app.live.detail.is_some(), before.as_ref() == Some(&under));
            if app.live.detail.is_some() {
                key(&mut app, KeyCode::Esc);
            }
        }
        // The composer: the part is marked.
        let grid = screen(&mut app, size);
        let (cx, cy) = find(&grid, "Compose")[1];
        click(&mut app, cx, cy + 1);
        assert_eq!(app.watch_focus, kafka_dash::app::Pane::Composer, "{size:?}");
    }
}

#[test]
fn a_click_on_a_tab_shows_its_pane() {
    use kafka_dash::app::Pane;
    for size in CLICK_SIZES {
        let mut app = crowded_app();
        for pane in [
            Pane::Groups,
            Pane::Live,
            Pane::Watch,
            Pane::Composer,
            Pane::Topics,
        ] {
            let grid = screen(&mut app, size);
            let (x, y) = find(&grid, pane.title())[0];
            assert_eq!(y, 0);
            click(&mut app, x + 2, y);
            assert_eq!(app.pane, pane, "{size:?}");
        }
    }
}

/// A click on a row of a scrolled list, then a frame: the list has not moved, the row
/// under the pointer is still the one clicked, and a second click there finds it again
/// (for a message: opens it). Found by a stranger's run: every list kept its selection
/// on the bottom row, so a click scrolled the row away from the pointer.
#[test]
fn a_click_in_a_scrolled_list_leaves_the_row_under_the_pointer() {
    type Pick = fn(&str) -> bool;
    let lists: [(char, &str, Pick); 3] = [
        ('1', "topic", |w| numbered(w, 't')),
        ('4', "group", |w| numbered(w, 'g')),
        ('3', "part@offset", at_offset),
    ];
    for size in CLICK_SIZES {
        for (pane, header, pick) in lists {
            let mut app = crowded_app();
            key(&mut app, KeyCode::Char(pane));
            keys(&mut app, KeyCode::Down, 120);
            keys(&mut app, KeyCode::Up, 3);
            for which in 0..3 {
                let grid = screen(&mut app, size);
                let (x, rows) = item_rows(&grid, header, 0, pick);
                let y = first_middle_last(&rows)[which];
                let under = word_at(&grid, x, y);
                click(&mut app, x + 1, y);
                let grid = screen(&mut app, size);
                assert_eq!(
                    word_at(&grid, x, y),
                    under,
                    "{size:?} pane {pane}: the clicked row moved"
                );
                if pane == '3' {
                    if app.live.detail.is_none() {
                        click(&mut app, x + 1, y);
                    }
                    assert!(
                        app.live.detail.is_some(),
                        "{size:?}: a second click opens it"
                    );
                    key(&mut app, KeyCode::Esc);
                }
            }
        }
    }
}

/// The members table keeps still under a click too (it kept its selection on the bottom
/// row, as the lists did).
#[test]
fn a_click_on_a_scrolled_members_table_leaves_the_member_under_the_pointer() {
    for size in CLICK_SIZES {
        let mut app = crowded_app();
        key(&mut app, KeyCode::Char('4'));
        keys(&mut app, KeyCode::Down, 100);
        assert_eq!(app.groups.selected_name(), Some("g100"));
        keys(&mut app, KeyCode::Char('m'), 30);
        keys(&mut app, KeyCode::Char('M'), 2);
        for which in 0..3 {
            let grid = screen(&mut app, size);
            let (x, rows) = item_rows(&grid, "client id", 0, |w| numbered(w, 'm'));
            let y = first_middle_last(&rows)[which];
            let under = word_at(&grid, x, y);
            click(&mut app, x + 1, y);
            let grid = screen(&mut app, size);
            assert_eq!(
                word_at(&grid, x, y),
                under,
                "{size:?}: the clicked member moved"
            );
        }
    }
}

/// PgUp and PgDn move the groups list's selection a page, as they do the topics list's
/// (they did nothing there; found by a stranger's run). At 80×24 the list shows 19 rows.
#[test]
fn page_keys_move_the_groups_list_a_page() {
    let mut app = crowded_app();
    key(&mut app, KeyCode::Char('4'));
    screen(&mut app, (80, 24));
    assert_eq!(app.groups.selected_name(), Some("g000"));
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.groups.selected_name(), Some("g019"));
    let grid = screen(&mut app, (80, 24));
    let (x, rows) = item_rows(&grid, "group", 0, |w| numbered(w, 'g'));
    assert!(rows.iter().any(|y| word_at(&grid, x, *y) == "g019"));
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.groups.selected_name(), Some("g019"));
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.groups.selected_name(), Some("g000"));
}

/// The cluster picker at 80×24: the embedded broker (in view), a profile, the last -b
/// with the secrets it did not remember named; the status bar names the cluster in view.
#[test]
fn the_cluster_picker_at_80x24() {
    use kafka_dash::cluster::{Entry, Layer};
    let (mut app, _rx) = app();
    app.clusters = vec![
        Entry::embedded(),
        Entry {
            name: Some("prod".into()),
            detail: "broker-1.example.net:9093 · /etc/kafka/client.properties".into(),
            layers: vec![Layer::Bootstrap("broker-1.example.net:9093".into())],
        },
        Entry {
            name: Some("10.0.0.7:9092".into()),
            detail: "last -b · secrets not remembered: sasl.password".into(),
            layers: vec![Layer::Bootstrap("10.0.0.7:9092".into())],
        },
    ];
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('C'));
    key(&mut app, KeyCode::Down);
    let (text, _) = render_at(&mut app, 80, 24);
    assert!(text.contains("● embedded broker"), "{text}");
    assert!(text
        .lines()
        .last()
        .unwrap()
        .contains("embedded broker 127.0.0.1:9092"));
    insta::assert_snapshot!(text);
}

#[test]
fn the_topic_list_filters_by_name_and_says_so() {
    let (mut app, _rx) = app();
    key(&mut app, KeyCode::Char('/'));
    for c in "STR".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let (screen, _) = render(&mut app);
    assert!(
        screen.contains("Topics (1 of 3 · filter \"STR\")"),
        "{screen}"
    );
    assert!(
        screen.contains("strconv") && !screen.contains("sarama"),
        "{screen}"
    );
    // Enter acts on the row shown, and the cluster still knows the hidden topics.
    assert_eq!(
        app.topics.selected_topic().map(|t| t.name.as_str()),
        Some("strconv")
    );
    assert!(app.topics.has("sarama"));
    // A new listing keeps the filter.
    app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![TopicInfo {
        name: "strings".into(),
        partitions: 1,
        replication: 1,
        internal: false,
        messages: Some(0),
        partition_meta: healthy(1),
    }]))));
    let (screen, _) = render(&mut app);
    assert!(
        screen.contains("Topics (1 of 1 · filter \"STR\")"),
        "{screen}"
    );
}

/// The composer with `strconv-value` (an Avro record) chosen for the value through the
/// schema form, the registry's answer fed back as the workers would send it.
fn composer_with_a_schema() -> App {
    use kafka_dash::action::KafkaCommand;
    use kafka_dash::schemas::choice::Chosen;
    use kafka_dash::schemas::fetched::Fetched;
    let (mut app, mut rx) = app();
    key(&mut app, KeyCode::Char('2'));
    for c in "strconv".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char('g'),
        KeyModifiers::CONTROL,
    )));
    for _ in 0..4 {
        key(&mut app, KeyCode::Enter);
    }
    let choice = loop {
        match rx.try_recv().expect("the choice went to the workers") {
            KafkaCommand::ChooseSchema(c) => break c,
            _ => continue,
        }
    };
    assert_eq!(choice.subject, "strconv-value");
    let text = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string","default":""},
        {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2},"default":"\u0000"},
        {"name":"qty","type":"int","default":1}]}"#;
    let loaded = kafka_dash::schemas::codec::load(Fetched {
        id: 12,
        kind: "AVRO".into(),
        text: text.into(),
        references: Vec::new(),
        versions: vec![("strconv-value".into(), 3)],
    })
    .unwrap();
    let chosen = Chosen {
        subject: "strconv-value".into(),
        version: 3,
        id: 12,
        loaded,
    };
    app.update(Action::Kafka(KafkaEvent::SchemaChosen(
        choice,
        Ok(std::sync::Arc::new(chosen)),
    )));
    app
}

#[test]
fn the_composer_names_the_schema_it_encodes_with() {
    let mut app = composer_with_a_schema();
    assert!(app.composer.value.value().contains("\"qty\": 1"));
    for (w, h) in [(80, 24), (200, 60)] {
        let (text, _) = render_at(&mut app, w, h);
        assert!(
            text.contains("value as strconv-value v3 · id 12 · AVRO"),
            "{w}x{h}:\n{text}"
        );
        insta::assert_snapshot!(format!("composer_schema_{w}x{h}"), text);
    }
}

#[test]
fn a_value_that_does_not_fit_its_schema_is_refused_at_its_line() {
    let mut app = composer_with_a_schema();
    app.composer.value = tui_input::Input::new(
        "{\n  \"id\": \"a\",\n  \"price\": \"1.50\",\n  \"qty\": \"three\"\n}".into(),
    );
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    let error = app.composer.error.clone().expect("the send was refused");
    assert!(error.starts_with("value: line 4: qty: "), "{error}");
    let (text, _) = render_at(&mut app, 80, 24);
    assert!(text.contains("line 4: qty"), "{text}");
}
