//! Logging setup: a file for the dashboard, stderr for the standalone broker.

use std::path::Path;

use tracing_subscriber::EnvFilter;

/// Keeps the file writer alive; logs are flushed when it drops.
pub type Guard = tracing_appender::non_blocking::WorkerGuard;

fn filter() -> EnvFilter {
    EnvFilter::try_from_env("KAFKA_DASH_LOG").unwrap_or_else(|_| EnvFilter::new("info"))
}

/// Logs to `path`, creating its directory.
pub fn to_file(path: &Path) -> std::io::Result<Guard> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(writer)
        .with_ansi(false)
        .init();
    Ok(guard)
}

/// Logs to stderr (only where nothing is drawing on the terminal).
pub fn to_stderr() {
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr)
        .init();
}
