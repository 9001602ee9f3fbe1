//! Fetches and compiles schemas on blocking threads, a few at a time, and hands each
//! answer to the UI as `KafkaEvent::Schema`; a slow registry delays only the rows that
//! need it.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::client::RegistryClient;
use crate::kafka::messages::KafkaEvent;
use crate::kafka::outbox::Outbox;

/// Registry requests in flight at most.
const PARALLEL: usize = 4;

/// The registry client and the limit on requests in flight.
#[derive(Debug, Clone)]
pub struct SchemaFetcher {
    pub(super) client: RegistryClient,
    pub(super) permits: Arc<Semaphore>,
}

impl SchemaFetcher {
    /// A fetcher over `client`.
    pub fn new(client: RegistryClient) -> SchemaFetcher {
        SchemaFetcher {
            client,
            permits: Arc::new(Semaphore::new(PARALLEL)),
        }
    }

    /// Fetches schema `id` and compiles it; the answer goes to `events`.
    pub fn fetch(&self, id: u32, events: Outbox) {
        let client = self.client.clone();
        let permits = self.permits.clone();
        tokio::spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let answer = tokio::task::spawn_blocking(move || {
                let fetched = client.schema_by_id(id)?;
                crate::schemas::codec::load(fetched)
            })
            .await
            .unwrap_or_else(|e| Err(format!("schema fetch stopped: {e}")));
            if let Err(e) = &answer {
                tracing::warn!(id, "schema {id}: {e}");
            }
            let _ = events.send(KafkaEvent::Schema(id, Arc::new(answer)));
        });
    }
}
