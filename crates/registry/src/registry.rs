//! The registry handle: the log, the checker and the state, with the rules shared by the
//! operations (scopes, reference resolution, writing a record).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::checker::{Checker, Reference, ResolvedRef};
use crate::errors::ApiError;
use crate::log::Log;
use crate::records::Key;
use crate::store::State;

/// Confluent's default compatibility level.
pub const DEFAULT_COMPATIBILITY: &str = "BACKWARD";
/// Confluent's default mode.
pub const DEFAULT_MODE: &str = "READWRITE";

/// The embedded schema registry; cheap to clone, clones share one state.
#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

struct Inner {
    log: Box<dyn Log>,
    checker: Box<dyn Checker>,
    state: Mutex<State>,
    // Canonical forms by (id, normalize): an id's schema never changes and ids are never
    // reused, so entries never go stale, and id reuse need not re-parse every schema.
    canonical: Mutex<HashMap<(i32, bool), String>>,
}

impl Registry {
    /// Opens a registry over `log`, replaying every record in it first; records that do
    /// not parse are skipped, as Confluent's KafkaStoreReaderThread skips them.
    pub fn open(log: impl Log, checker: impl Checker) -> Result<Registry, String> {
        let mut state = State::default();
        for (key, value) in log.read_all()? {
            if let Ok(key) = Key::decode(&key) {
                // A value that does not parse leaves the state as it was.
                let _ = state.apply(&key, value.as_deref());
            }
        }
        Ok(Registry {
            inner: Arc::new(Inner {
                log: Box::new(log),
                checker: Box::new(checker),
                state: Mutex::new(state),
                canonical: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The state, locked: writers hold it from their checks to their append, so two
    /// requests cannot both take the same version or id.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn checker(&self) -> &dyn Checker {
        self.inner.checker.as_ref()
    }

    /// The canonical form of a stored schema, computed once per id.
    pub(crate) fn canonical_of(
        &self,
        v: &crate::records::SchemaValue,
        refs: &[ResolvedRef],
        normalize: bool,
    ) -> String {
        let mut cache = self
            .inner
            .canonical
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        cache
            .entry((v.id, normalize))
            .or_insert_with(|| {
                self.inner
                    .checker
                    .canonical(v.kind(), &v.schema, refs, normalize)
            })
            .clone()
    }

    /// Appends a record and applies it to `state` once the log has it.
    pub(crate) fn write<T: serde::Serialize>(
        &self,
        state: &mut State,
        key: Key,
        value: Option<&T>,
    ) -> Result<(), ApiError> {
        let value = value
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ApiError::store(e.to_string()))?;
        self.inner
            .log
            .append(key.encode(), value.clone())
            .map_err(|e| ApiError::store(format!("Error while writing to the Kafka store: {e}")))?;
        state.apply(&key, value.as_deref()).map_err(ApiError::store)
    }
}

/// The compatibility level in force for a subject: its own, else the global one.
pub(crate) fn compatibility_in_scope(state: &State, subject: &str) -> String {
    state
        .config(Some(subject))
        .or_else(|| state.config(None))
        .unwrap_or(DEFAULT_COMPATIBILITY)
        .to_string()
}

/// The mode in force for a subject: its own, else the global one.
pub(crate) fn mode_in_scope(state: &State, subject: Option<&str>) -> String {
    subject
        .and_then(|s| state.mode(Some(s)))
        .or_else(|| state.mode(None))
        .unwrap_or(DEFAULT_MODE)
        .to_string()
}

/// 42205 when the subject (`None`: the global scope) is read-only
/// (AbstractSchemaRegistry.isReadOnlyMode).
pub(crate) fn check_writable(state: &State, subject: Option<&str>) -> Result<(), ApiError> {
    let mode = mode_in_scope(state, subject);
    if mode == "READONLY" || mode == "READONLY_OVERRIDE" {
        // Confluent prints the global scope's subject as null.
        let shown = subject.unwrap_or("null");
        return Err(ApiError::not_permitted(format!(
            "Subject {shown} in context . is in read-only mode"
        )));
    }
    Ok(())
}

/// Resolves references to their schemas, transitively, dependencies before dependents.
pub(crate) fn resolve_refs(
    state: &State,
    refs: &[Reference],
) -> Result<Vec<ResolvedRef>, ApiError> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    for r in refs {
        resolve_one(state, r, &mut out, &mut path)?;
    }
    Ok(out)
}

fn resolve_one(
    state: &State,
    r: &Reference,
    out: &mut Vec<ResolvedRef>,
    path: &mut Vec<(String, i32)>,
) -> Result<(), ApiError> {
    let target = state.get(&r.subject, r.version, true).ok_or_else(|| {
        ApiError::invalid_schema(format!(
            "Invalid schema reference {}: subject '{}' version {} not found",
            r.name, r.subject, r.version
        ))
    })?;
    let at = (target.subject.clone(), target.version);
    if out.iter().any(|o| o.subject == at.0 && o.version == at.1) || path.contains(&at) {
        // Already resolved, or a cycle: each schema is given to the checker once.
        return Ok(());
    }
    path.push(at);
    for inner in &target.references {
        resolve_one(state, inner, out, path)?;
    }
    path.pop();
    out.push(ResolvedRef {
        name: r.name.clone(),
        subject: target.subject.clone(),
        version: target.version,
        kind: target.kind().to_string(),
        schema: target.schema.clone(),
    });
    Ok(())
}
