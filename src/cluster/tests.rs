//! Which cluster each choice means, and that its secrets stay out of the log.

use super::*;

fn config(text: &str) -> Config {
    Config::parse(text).unwrap()
}

#[test]
fn layers_are_laid_profile_then_file_then_x_and_b_wins() {
    let dir = std::env::temp_dir().join(format!("kd-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("client.properties");
    std::fs::write(
        &file,
        "bootstrap.servers=file:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\ngroup.id=x\n",
    )
    .unwrap();
    let c = config(
        "[profiles.p]\nbootstrap = \"profile:9092\"\n[profiles.p.properties]\n\"security.protocol\" = \"PLAINTEXT\"\n\"sasl.mechanism\" = \"PLAIN\"\n",
    );
    let mut cl = CommandLine {
        profile: Some("p".into()),
        client_config: Some(file.clone()),
        properties: vec![("sasl.mechanism".into(), "SCRAM-SHA-256".into())],
        ..Default::default()
    };
    let r = cl.entry(&c).unwrap().resolve().unwrap();
    assert_eq!(
        r.bootstrap.as_deref(),
        Some("file:9093"),
        "the file over the profile"
    );
    let last = |k: &str| {
        r.overrides
            .iter()
            .rev()
            .find(|(p, _)| p == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(last("security.protocol").as_deref(), Some("SASL_SSL"));
    assert_eq!(
        last("sasl.mechanism").as_deref(),
        Some("SCRAM-SHA-256"),
        "-X last"
    );
    assert_eq!(r.ignored, vec!["group.id"]);
    std::fs::write(&file, "security.protocol=SSL\n").unwrap();
    let bare = CommandLine {
        client_config: Some(file.clone()),
        ..Default::default()
    };
    let e = bare.entry(&c).unwrap().resolve().unwrap_err();
    assert!(
        e.contains("gives no bootstrap.servers"),
        "a client config without a cluster is not the embedded broker: {e}"
    );
    cl.bootstrap = Some("b:1".into());
    let r = cl.entry(&c).unwrap().resolve().unwrap();
    assert_eq!(r.bootstrap.as_deref(), Some("b:1"), "-b over everything");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_picker_lists_embedded_profiles_and_the_last_b() {
    let c = config("[profiles.local]\nbootstrap = \"127.0.0.1:9092\"\n[profiles.none]\n");
    let remembered = RememberedCluster::new(
        "old:9093".into(),
        None,
        None,
        &[("sasl.password".into(), "pw".into())],
    );
    let start = CommandLine::default().entry(&c).unwrap();
    let (list, at) = entries(&c, start, Some(&remembered));
    let titles: Vec<String> = list.iter().map(Entry::title).collect();
    assert_eq!(titles, vec!["embedded broker", "local", "old:9093"]);
    assert_eq!(at, 0);
    assert!(list[2]
        .detail
        .contains("secrets not remembered: sasl.password"));
    assert!(list[2].layers.iter().all(
        |l| !matches!(l, Layer::Properties(p) if p.iter().any(|(k, _)| k == "sasl.password"))
    ));
    // --profile local: the profile is the one in view.
    let start = CommandLine {
        profile: Some("local".into()),
        ..Default::default()
    }
    .entry(&c)
    .unwrap();
    assert_eq!(entries(&c, start, None).1, 1);
    // -b: its own entry, with what it was given.
    let start = CommandLine {
        bootstrap: Some("new:9092".into()),
        properties: vec![("sasl.password".into(), "pw".into())],
        ..Default::default()
    }
    .entry(&c)
    .unwrap();
    let (list, at) = entries(&c, start.clone(), None);
    assert_eq!((list.len(), at), (3, 2));
    assert_eq!(list[2], start);
    assert_eq!(start.label(Some("new:9092"), ""), "new:9092");
    assert_eq!(
        Entry::embedded().label(None, "127.0.0.1:1"),
        "embedded broker 127.0.0.1:1"
    );
}

/// A writer into a shared buffer, for a subscriber in one test.
#[derive(Clone, Default)]
struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn secrets_from_a_client_config_never_reach_the_log() {
    let dir = std::env::temp_dir().join(format!("kd-cluster-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("client.properties");
    std::fs::write(&file, crate::cluster::tests::SECRET_PROPERTIES).unwrap();
    let entry = CommandLine {
        client_config: Some(file),
        bootstrap: Some("b:9093".into()),
        properties: vec![("ssl.key.password".into(), "KEYPW-S3CRET".into())],
        ..Default::default()
    }
    .entry(&config(""))
    .unwrap();
    let r = entry.resolve().unwrap();
    let settings = ClientSettings {
        bootstrap: r.bootstrap.clone().unwrap(),
        overrides: r.overrides.clone(),
    };
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        log_connect("b:9093", &settings.describe_overrides(), &r.ignored);
    });
    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("sasl.username=alice"), "{log}");
    assert!(log.contains("client config: ignored keys"), "{log}");
    for secret in SECRETS {
        assert!(!log.contains(secret), "{secret} in {log}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A Java client config with a secret in every place one can be.
pub(crate) const SECRET_PROPERTIES: &str = "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"JAAS-S3CRET\";\nsasl.oauthbearer.client.credentials.client.secret=OAUTH-S3CRET\nssl.keystore.type=PEM\nssl.keystore.key=-----BEGIN PRIVATE KEY-----PRIVKEY-S3CRET\nssl.key.password=KEYPW-S3CRET\nfancy.unknown.key=1\n";

/// The secrets in [`SECRET_PROPERTIES`] and the test's -X.
pub(crate) const SECRETS: &[&str] = &[
    "JAAS-S3CRET",
    "OAUTH-S3CRET",
    "PRIVKEY-S3CRET",
    "KEYPW-S3CRET",
];

#[test]
fn secrets_never_reach_the_screen_or_the_state_file() {
    let dir = std::env::temp_dir().join(format!("kd-cluster-screen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("client.properties");
    std::fs::write(&file, SECRET_PROPERTIES).unwrap();
    let command_line = CommandLine {
        client_config: Some(file),
        bootstrap: Some("b:9093".into()),
        properties: vec![("ssl.key.password".into(), "KEYPW-S3CRET".into())],
        ..Default::default()
    };
    let start = command_line.entry(&config("")).unwrap();
    let r = start.resolve().unwrap();
    let (list, at) = entries(&config(""), start, None);
    let (tx, _rx) = mpsc::channel(8);
    let mut app = crate::app::App::new(list[at].label(Some("b:9093"), ""), tx);
    app.clusters = list;
    app.cluster_at = at;
    app.notice = ignored_notice(&r.ignored);
    let mut screen = String::new();
    for key in ['1', 'C'] {
        let k = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(key),
            crossterm::event::KeyModifiers::NONE,
        );
        app.update(crate::action::Action::Key(k));
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 30)).unwrap();
        t.draw(|f| crate::screen::draw(f, &mut app)).unwrap();
        screen.extend(t.backend().buffer().content().iter().map(|c| c.symbol()));
    }
    assert!(screen.contains("ignored fancy.unknown.key"), "{screen}");
    assert!(screen.contains("b:9093"), "{screen}");
    let state_path = dir.join("state.toml");
    crate::state::State {
        pane: None,
        last_cluster: command_line.remembered(),
    }
    .save(&state_path)
    .unwrap();
    let saved = std::fs::read_to_string(&state_path).unwrap();
    assert!(
        saved.contains("ssl.key.password"),
        "named as dropped: {saved}"
    );
    let relative = CommandLine {
        bootstrap: Some("b:1".into()),
        kcat_config: Some("kcat.conf".into()),
        ..Default::default()
    };
    let kept = relative.remembered().unwrap().kcat_config.unwrap();
    assert!(
        kept.is_absolute() && kept.ends_with("kcat.conf"),
        "{kept:?}"
    );
    for secret in SECRETS {
        assert!(!screen.contains(secret), "{secret} on screen");
        assert!(!saved.contains(secret), "{secret} in {saved}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_cluster_whose_file_cannot_be_read_leaves_the_current_one_running() {
    let connector = Connector::new(kafka::groups::WatchConfig::default(), false);
    let entry = Entry {
        name: Some("broken".into()),
        detail: String::new(),
        layers: vec![Layer::File(
            "/nonexistent/kd.properties".into(),
            Format::Java,
        )],
    };
    let (old, mut old_rx) = mpsc::channel(8);
    let result = connector.switch(entry, old).await.unwrap();
    let e = result.expect_err("the file is missing");
    assert!(e.contains("/nonexistent/kd.properties"), "{e}");
    assert!(
        old_rx.try_recv().is_err(),
        "the old workers were not told to stop"
    );
}
