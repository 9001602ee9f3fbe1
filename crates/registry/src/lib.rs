//! The embedded schema registry: Confluent's REST API on loopback, its schemas kept in
//! the embedded broker's `_schemas` topic as the Confluent registry keeps them.

pub mod api;
pub mod checker;
pub mod errors;
pub mod log;
pub mod ops;
pub mod records;
pub mod registry;
pub mod schema_checker;
pub mod store;

use std::future::Future;
use std::io;

pub use api::router;
pub use checker::{Checker, Reference, ResolvedRef};
pub use errors::ApiError;
pub use log::{Log, LogRecord, MemoryLog};
pub use ops::SchemaRequest;
pub use records::SchemaValue;
pub use registry::Registry;
pub use schema_checker::SchemaChecker;

/// Serves the registry's REST API on `listener` until the connection loop fails.
pub async fn serve(listener: tokio::net::TcpListener, registry: Registry) -> io::Result<()> {
    axum::serve(listener, router(registry)).await
}

/// Serves the registry's REST API on `listener` until `shutdown` completes, then lets
/// requests in flight finish.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    registry: Registry,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(listener, router(registry))
        .with_graceful_shutdown(shutdown)
        .await
}
