//! kafka-dash: parse the command line, start logging and (if no cluster is given) the
//! embedded broker, then run the dashboard.

use std::path::PathBuf;

use anyhow::Context;
use broker::{Broker, BrokerConfig};
use clap::Parser;
use kafka_dash::app::{App, Pane};
use kafka_dash::cli::{parse_topic_spec, Cli, Command};
use kafka_dash::config::Config;
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::state::State;
use kafka_dash::ui::composer::ComposerState;
use kafka_dash::{dashboard, kafka, logging, tui};

/// The seed walkthrough's topics: `strconv` with 1 partition, `sarama` with 2.
const SEED_TOPICS: &[(&str, i32)] = &[("strconv", 1), ("sarama", 2)];
/// The topic the embedded broker's background producer writes to, as the seed's sarama
/// example does: the first screen follows it, so it moves from the first second.
const SEED_PRODUCER_TOPIC: &str = "sarama";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // A mistake in a flag or the config file: its causes, without a backtrace.
            eprintln!("kafka-dash: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Prints where the broker listens: the first line as scripts read it (`listening on
/// HOST:PORT`), then each listener, the generated CA, and warnings (also on stderr when
/// the log goes to a file).
fn announce(broker: &Broker, log_to_file: bool) {
    println!("kafka-dash broker listening on {}", broker.bootstrap());
    for (listener, advertised) in broker.listeners() {
        println!("  {} {advertised}", listener.protocol);
    }
    if let Some(ca) = broker.generated_ca() {
        println!("  TLS CA certificate for clients: {}", ca.display());
    }
    if log_to_file {
        for w in broker.warnings() {
            eprintln!("warning: {w}");
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    // Every client connection is a descriptor; take what the hard limit allows.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    if let Some(Command::Broker(args)) = &cli.command {
        match &cli.log_file {
            Some(path) => std::mem::forget(logging::to_file(path)?),
            None => logging::to_stderr(),
        }
        let topics = args
            .topics
            .iter()
            .map(|t| parse_topic_spec(t))
            .collect::<Result<Vec<_>, _>>()
            .map_err(anyhow::Error::msg)?;
        let broker = Broker::start(args.config().map_err(anyhow::Error::msg)?)
            .await
            .context("the broker cannot start")?;
        for (name, partitions) in topics {
            broker.create_topic(&name, partitions)?;
        }
        announce(&broker, cli.log_file.is_some());
        wait_for_shutdown().await;
        broker.stop().await;
        return Ok(());
    }

    let log = cli.log_file.clone().unwrap_or_else(default_log_path);
    let _guard = logging::to_file(&log)
        .with_context(|| format!("cannot open log file {}", log.display()))?;
    let config_path = cli.config.clone().or_else(kafka_dash::config::default_path);
    let config = Config::load(config_path.as_deref()).map_err(anyhow::Error::msg)?;
    let profile = match &cli.profile {
        Some(name) => Some(config.profile(name).map_err(anyhow::Error::msg)?.clone()),
        None => None,
    };
    let bootstrap = cli
        .bootstrap
        .clone()
        .or_else(|| profile.as_ref().and_then(|p| p.bootstrap.clone()));
    let mut overrides: Vec<(String, String)> = profile
        .map(|p| p.properties.into_iter().collect())
        .unwrap_or_default();
    overrides.extend(cli.properties.iter().cloned());

    let embedded_demo = bootstrap.is_none() && !cli.no_producer;
    let (settings, broker, label) = match bootstrap {
        Some(b) => {
            let label = b.clone();
            (
                ClientSettings {
                    bootstrap: b,
                    overrides,
                },
                None,
                label,
            )
        }
        None => {
            let broker = Broker::start(BrokerConfig::default())
                .await
                .context("cannot start the embedded broker")?;
            for (name, partitions) in SEED_TOPICS {
                broker.create_topic(name, *partitions)?;
            }
            let settings = ClientSettings {
                bootstrap: broker.bootstrap(),
                overrides,
            };
            if !cli.no_producer {
                kafka::seed_producer::spawn(&settings, SEED_PRODUCER_TOPIC);
            }
            let label = format!("embedded broker {}", broker.bootstrap());
            (settings, Some(broker), label)
        }
    };
    tracing::info!(cluster = %label, overrides = ?settings.describe_overrides(), "starting the dashboard");
    let workers = kafka::workers::spawn(
        settings,
        kafka::groups::WatchConfig {
            health: config.health,
            requests_per_sec: config.groups.requests_per_sec,
        },
    );
    let commands = workers.commands.clone();
    let mut app = App::new(label, workers.commands.clone());
    app.live.limits = config.live;
    if embedded_demo {
        // The topic with traffic, and the walkthrough's message with its header.
        app.composer = ComposerState::seed_message(SEED_PRODUCER_TOPIC);
    }
    // `{letters}` differ from run to run; tests keep the fixed seed.
    app.seed_random(rand::random());
    let state_path = kafka_dash::state::path();
    let state = State::load(state_path.as_deref());
    app.switch(cli.pane.or(state.pane).unwrap_or(Pane::Watch));
    let mut terminal = tui::init().context("cannot set up the terminal")?;
    if cli.test_panic {
        terminal.draw(|f| kafka_dash::screen::draw(f, &mut app))?;
        panic!("test panic requested with --test-panic");
    }
    let result = dashboard::run(&mut terminal, &mut app, workers).await;
    tui::restore();
    if let Some(path) = &state_path {
        let state = State {
            pane: Some(app.pane),
        };
        if let Err(e) = state.save(path) {
            tracing::warn!("cannot save {}: {e}", path.display());
        }
    }
    // In-app members leave their groups so the others rebalance at once.
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    if commands
        .send(kafka_dash::action::KafkaCommand::Shutdown(done_tx))
        .await
        .is_ok()
    {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(8), done_rx).await;
    }
    if let Some(b) = broker {
        b.stop().await;
    }
    result.context("the dashboard stopped with an error")
}

fn default_log_path() -> PathBuf {
    std::env::temp_dir().join("kafka-dash.log")
}

/// Resolves on Ctrl-C or SIGTERM.
async fn wait_for_shutdown() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
