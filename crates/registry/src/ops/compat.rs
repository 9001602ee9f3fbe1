//! Compatibility: the check run on registration and the /compatibility endpoints.

use crate::errors::ApiError;
use crate::ops::register::Candidate;
use crate::ops::SchemaRequest;
use crate::records::SchemaValue;
use crate::registry::{compatibility_in_scope, resolve_refs, Registry};
use crate::store::State;

/// The levels Confluent accepts (CompatibilityLevel.java).
pub const LEVELS: [&str; 7] = [
    "NONE",
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
];

impl Registry {
    /// The checker's messages for `c` against `existing` (ascending) under `level`, with
    /// Confluent's trailer naming the level when there are any.
    pub(crate) fn compatibility_messages(
        &self,
        state: &State,
        level: &str,
        c: &Candidate,
        existing: Vec<&SchemaValue>,
    ) -> Result<Vec<String>, ApiError> {
        if level == "NONE" || existing.is_empty() {
            return Ok(Vec::new());
        }
        // Non-transitive levels compare with the latest only.
        let skip = if level.ends_with("_TRANSITIVE") {
            0
        } else {
            existing.len() - 1
        };
        let mut previous = Vec::new();
        for v in existing.into_iter().skip(skip) {
            previous.push((v.schema.clone(), resolve_refs(state, &v.references)?));
        }
        let mut messages =
            self.checker()
                .check(level, &c.kind, (&c.schema, &c.resolved), &previous);
        if !messages.is_empty() {
            messages.push(format!(
                "{{validateFields: 'false', compatibility: '{level}'}}"
            ));
        }
        Ok(messages)
    }

    /// POST /compatibility/subjects/{s}/versions[/{v}]: the messages (empty: compatible).
    /// `version` None checks against every live version, as the level says; Some(-1) the
    /// latest. An invalid schema is an error, or with `verbose` the one message.
    pub fn test_compatibility(
        &self,
        subject: &str,
        version: Option<i32>,
        req: &SchemaRequest,
        normalize: bool,
        verbose: bool,
    ) -> Result<Vec<String>, ApiError> {
        let state = self.lock();
        let existing = match version {
            None => state.versions(subject, false),
            Some(v) => match state.get(subject, v, false) {
                Some(found) => vec![found],
                None if v == -1 => Vec::new(),
                None => return Err(ApiError::version_not_found(v)),
            },
        };
        let c = match self.candidate(&state, req, normalize) {
            Ok(c) => c,
            Err(e) if verbose && e.error_code == 42201 => return Ok(vec![e.message]),
            Err(e) => return Err(e),
        };
        let level = compatibility_in_scope(&state, subject);
        // One given version is checked alone whatever the level; the transitive rule
        // applies to the list of all versions.
        let level_for = if version.is_some() {
            level.trim_end_matches("_TRANSITIVE").to_string()
        } else {
            level
        };
        self.compatibility_messages(&state, &level_for, &c, existing)
    }
}
