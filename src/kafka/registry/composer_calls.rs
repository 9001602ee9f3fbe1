//! The composer's registry calls — list subjects, fetch a subject's version, register a
//! file — each on a blocking thread under the fetcher's limit, answered as an event.

use std::sync::Arc;

use super::client::RegistryClient;
use super::fetcher::SchemaFetcher;
use crate::kafka::messages::KafkaEvent;
use crate::kafka::outbox::Outbox;
use crate::schemas::choice::{Chosen, RegisterSpec, SchemaChoice};

impl SchemaFetcher {
    /// Runs `call` with the client on a blocking thread; its event goes to `events`.
    fn run<F>(&self, events: Outbox, call: F)
    where
        F: FnOnce(&RegistryClient) -> KafkaEvent + Send + 'static,
    {
        let client = self.client.clone();
        let permits = self.permits.clone();
        tokio::spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            if let Ok(event) = tokio::task::spawn_blocking(move || call(&client)).await {
                let _ = events.send(event);
            }
        });
    }

    /// Lists the registry's subjects.
    pub fn list_subjects(&self, events: Outbox) {
        self.run(events, |c| KafkaEvent::Subjects(c.subjects()));
    }

    /// Fetches and compiles the version `choice` names.
    pub fn choose(&self, choice: SchemaChoice, events: Outbox) {
        self.run(events, move |c| {
            let answer = c
                .subject_version(&choice.subject, &choice.version_text())
                .and_then(|(fetched, version)| {
                    let id = fetched.id;
                    let loaded = crate::schemas::codec::load(fetched)?;
                    Ok(Arc::new(Chosen {
                        subject: choice.subject.clone(),
                        version,
                        id,
                        loaded,
                    }))
                });
            KafkaEvent::SchemaChosen(choice, answer)
        });
    }

    /// Reads `spec`'s file and registers it under its subject.
    pub fn register(&self, spec: RegisterSpec, events: Outbox) {
        self.run(events, move |c| {
            let answer = std::fs::read_to_string(&spec.path)
                .map_err(|e| format!("{}: {e}", spec.path.display()))
                .and_then(|text| c.register(&spec.subject, spec.kind, &text));
            KafkaEvent::Registered(spec, answer)
        });
    }
}

/// The answer to `call` when no registry is configured.
pub fn unconfigured(call: ComposerCall) -> KafkaEvent {
    const WHY: &str = "no schema registry configured (start with --schema-registry URL)";
    match call {
        ComposerCall::Subjects => KafkaEvent::Subjects(Err(WHY.into())),
        ComposerCall::Choose(c) => KafkaEvent::SchemaChosen(c, Err(WHY.into())),
        ComposerCall::Register(s) => KafkaEvent::Registered(s, Err(WHY.into())),
    }
}

/// A registry call of the composer's, as the workers pass it on.
#[derive(Debug)]
pub enum ComposerCall {
    /// Listing subjects.
    Subjects,
    /// Choosing a schema.
    Choose(SchemaChoice),
    /// Registering a file.
    Register(RegisterSpec),
}
