//! kafka-dash: parse the command line, start logging and the embedded broker, run.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use kafka_dash::broker::{Broker, BrokerConfig};
use kafka_dash::cli::{parse_topic_spec, Cli, Command};
use kafka_dash::logging;

/// The seed walkthrough's topics: `strconv` with 1 partition, `sarama` with 2.
const SEED_TOPICS: &[(&str, i32)] = &[("strconv", 1), ("sarama", 2)];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Every client connection is a descriptor; take what the hard limit allows.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    match cli.command {
        Some(Command::Broker(args)) => {
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
            let broker = Broker::start(args.config())
                .await
                .with_context(|| format!("cannot listen on {}", args.listen))?;
            for (name, partitions) in topics {
                broker.create_topic(&name, partitions)?;
            }
            println!("kafka-dash broker listening on {}", broker.bootstrap());
            wait_for_shutdown().await;
            broker.stop().await;
        }
        None => {
            let log = cli.log_file.unwrap_or_else(default_log_path);
            let _guard = logging::to_file(&log)
                .with_context(|| format!("cannot open log file {}", log.display()))?;
            let broker = Broker::start(BrokerConfig::default())
                .await
                .context("cannot start the embedded broker")?;
            for (name, partitions) in SEED_TOPICS {
                broker.create_topic(name, *partitions)?;
            }
            // The dashboard itself is being built (issue 3); until then this serves the seed topics.
            println!(
                "embedded broker on {} with topics strconv (1) and sarama (2); logs in {}",
                broker.bootstrap(),
                log.display()
            );
            println!("Ctrl-C stops it.");
            wait_for_shutdown().await;
            broker.stop().await;
        }
    }
    Ok(())
}

fn default_log_path() -> PathBuf {
    std::env::temp_dir().join("kafka-dash.log")
}

/// Resolves on Ctrl-C or SIGTERM.
async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
