//! kafka-dash: parse the command line, start logging, connect to the cluster it names
//! (`crate::cluster` decides which and how, the embedded broker when none), then run the
//! dashboard.

use std::path::PathBuf;

use anyhow::Context;
use broker::Broker;
use clap::Parser;
use kafka_dash::app::{App, Pane};
use kafka_dash::cli::{parse_topic_spec, Cli, Command};
use kafka_dash::cluster::{self, CommandLine, Connector};
use kafka_dash::config::Config;
use kafka_dash::state::State;
use kafka_dash::ui::composer::ComposerState;
use kafka_dash::{dashboard, kafka, logging, tui};

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
        if let Some(addr) = args.schema_registry {
            let served = kafka_dash::embedded_registry::start(&broker, addr)
                .await
                .map_err(anyhow::Error::msg)?;
            println!("  schema registry {}", served.url);
        }
        wait_for_shutdown().await;
        broker.stop().await;
        return Ok(());
    }

    let log = cli.log_file.clone().unwrap_or_else(default_log_path);
    let _guard = logging::to_file(&log)
        .with_context(|| format!("cannot open log file {}", log.display()))?;
    let config_path = cli.config.clone().or_else(kafka_dash::config::default_path);
    let config = Config::load(config_path.as_deref()).map_err(anyhow::Error::msg)?;
    let command_line = CommandLine {
        profile: cli.profile.clone(),
        bootstrap: cli.bootstrap.clone(),
        client_config: cli.client_config.clone(),
        kcat_config: cli.kcat_config.clone(),
        properties: cli.properties.clone(),
        schema_registry: cli.schema_registry.clone(),
    };
    let start = command_line.entry(&config).map_err(anyhow::Error::msg)?;
    let state_path = kafka_dash::state::path();
    let mut state = State::load(state_path.as_deref());
    // This run's -b replaces the one remembered; without one, the last is offered.
    let remembered = match command_line.remembered() {
        Some(r) => Some(r),
        None => state.last_cluster.clone(),
    };
    let offered = cli
        .bootstrap
        .is_none()
        .then_some(remembered.as_ref())
        .flatten();
    let (clusters, at) = cluster::entries(&config, start.clone(), offered);

    let connector = Connector::new(
        kafka::groups::WatchConfig {
            health: config.health,
            requests_per_sec: config.groups.requests_per_sec,
        },
        !cli.no_producer,
    );
    // A mistake in the first cluster's settings (a missing file, a JKS store) stops
    // here, on the terminal, before the screen is taken over.
    let first = connector
        .connect(&start)
        .await
        .map_err(anyhow::Error::msg)?;
    let mut app = App::new(first.label.clone(), first.workers.commands.clone());
    app.clusters = clusters;
    app.cluster_at = at;
    app.notice = cluster::ignored_notice(&first.ignored);
    app.live.limits = config.live;
    app.live.schemas = kafka_dash::schemas::cache::Schemas::new(first.schema_registry.is_some());
    if first.embedded && !cli.no_producer {
        // The topic with traffic, and the walkthrough's message with its header.
        app.composer = ComposerState::seed_message(cluster::SEED_PRODUCER_TOPIC);
        if let (None, Some(url)) = (&app.notice, &first.schema_registry) {
            app.notice = Some(format!(
                "{} holds Avro values, decoded through the schema registry at {url}",
                kafka::seed_orders::TOPIC
            ));
        }
    }
    // `{letters}` differ from run to run; tests keep the fixed seed.
    app.seed_random(rand::random());
    app.switch(cli.pane.or(state.pane).unwrap_or(Pane::Watch));
    let mut terminal = tui::init().context("cannot set up the terminal")?;
    if cli.test_panic {
        terminal.draw(|f| kafka_dash::screen::draw(f, &mut app))?;
        panic!("test panic requested with --test-panic");
    }
    let result = dashboard::run(&mut terminal, &mut app, first.workers, connector.clone()).await;
    tui::restore();
    if let Some(path) = &state_path {
        state.pane = Some(app.pane);
        state.last_cluster = remembered;
        if let Err(e) = state.save(path) {
            tracing::warn!("cannot save {}: {e}", path.display());
        }
    }
    // In-app members leave their groups so the others rebalance at once.
    cluster::stop_workers(&app.worker_commands()).await;
    connector.stop().await;
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
