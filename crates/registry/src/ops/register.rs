//! Registering a schema under a subject, and looking one up.

use crate::checker::{Reference, ResolvedRef};
use crate::errors::ApiError;
use crate::ops::SchemaRequest;
use crate::records::{Key, SchemaValue};
use crate::registry::{compatibility_in_scope, mode_in_scope, resolve_refs, Registry};
use crate::store::State;

/// A requested schema, validated, with what identity comparison needs.
pub(crate) struct Candidate {
    pub kind: String,
    pub schema: String,
    pub refs: Vec<Reference>,
    pub resolved: Vec<ResolvedRef>,
    pub canonical: String,
    pub normalize: bool,
}

impl Registry {
    /// Validates a request's schema: 42201 for an empty or invalid one or an unknown type.
    pub(crate) fn candidate(
        &self,
        state: &State,
        req: &SchemaRequest,
        normalize: bool,
    ) -> Result<Candidate, ApiError> {
        let schema = req.schema.clone().unwrap_or_default();
        if schema.trim().is_empty() {
            return Err(ApiError::invalid_schema("Empty schema"));
        }
        let kind = req
            .schema_type
            .clone()
            .unwrap_or_else(|| "AVRO".into())
            .to_ascii_uppercase();
        if !self.checker().types().contains(&kind) {
            return Err(ApiError::invalid_schema(format!(
                "Invalid schema type {kind}"
            )));
        }
        let refs = req.references.clone().unwrap_or_default();
        let resolved = resolve_refs(state, &refs)?;
        self.checker()
            .validate(&kind, &schema, &resolved)
            .map_err(|e| {
                ApiError::invalid_schema(format!(
                    "Invalid schema {schema} of type {kind}, details: {e}"
                ))
            })?;
        // Stored (and compared for id reuse) as the registry would store it, so the same
        // base64 registered twice, or its printed source, gets one id.
        let schema = self
            .checker()
            .stored_form(&kind, &schema, &resolved)
            .unwrap_or(schema);
        let canonical = self
            .checker()
            .canonical(&kind, &schema, &resolved, normalize);
        Ok(Candidate {
            kind,
            schema,
            refs,
            resolved,
            canonical,
            normalize,
        })
    }

    /// Whether a stored version holds the candidate's schema (same type, references and
    /// canonical text).
    pub(crate) fn same_schema(&self, c: &Candidate, v: &SchemaValue) -> bool {
        v.kind() == c.kind
            && v.references == c.refs
            && (v.schema == c.schema
                || self.canonical_of(v, &c.resolved, c.normalize) == c.canonical)
    }

    /// POST /subjects/{s}/versions: the id the schema has (or gets) under the subject.
    pub fn register(
        &self,
        subject: &str,
        req: &SchemaRequest,
        normalize: bool,
    ) -> Result<SchemaValue, ApiError> {
        let mut state = self.lock();
        let c = self.candidate(&state, req, normalize)?;
        let wanted_id = req.id.filter(|id| *id >= 0);
        let wanted_version = req.version.filter(|v| *v > 0);
        // As registerOrForward: a schema already live under the subject is answered before
        // any mode check, so clients re-registering in READONLY mode still get their id.
        if let Some(found) = state
            .versions(subject, false)
            .into_iter()
            .rev()
            .find(|v| self.same_schema(&c, v))
        {
            let id_ok = wanted_id.is_none_or(|id| id == found.id);
            if id_ok && wanted_version.is_none_or(|v| v == found.version) {
                return Ok(found.clone());
            }
        }
        let mode = check_register_mode(&state, subject, wanted_id.is_some())?;
        let import = mode == "IMPORT";
        // Versions only grow; soft-deleted ones count, hard-deleted ones are gone.
        let next_version = state
            .versions(subject, true)
            .last()
            .map_or(1, |v| v.version + 1);
        let existing_id = state
            .all()
            .find(|v| self.same_schema(&c, v))
            .map(|v| v.id)
            .filter(|id| wanted_id.is_none_or(|w| w == *id));
        if !import {
            self.check_compatible(&state, subject, &c)?;
        }
        let version = match wanted_version {
            Some(v) if v != next_version && !import => {
                return Err(ApiError::invalid_schema(
                    "Version is not one more than previous version",
                ))
            }
            Some(v) => v,
            None => next_version,
        };
        let id = match (wanted_id, existing_id) {
            (_, Some(id)) => id,
            (Some(id), None) => {
                if !state.by_id(id, true).is_empty() {
                    return Err(ApiError::id_does_not_match(format!(
                        "Overwrite new schema with id {id} is not permitted."
                    )));
                }
                id
            }
            (None, None) => state.next_id(),
        };
        self.tombstone_deleted_same_id(&mut state, subject, id, version)?;
        let value = SchemaValue {
            subject: subject.to_string(),
            version,
            id,
            schema_type: (c.kind != "AVRO").then(|| c.kind.clone()),
            references: c.refs.clone(),
            schema: c.schema.clone(),
            deleted: false,
        };
        let key = Key::Schema {
            subject: subject.to_string(),
            version,
        };
        self.write(&mut state, key, Some(&value))?;
        Ok(value)
    }

    /// 409 unless the candidate is compatible with the subject's live versions.
    fn check_compatible(
        &self,
        state: &State,
        subject: &str,
        c: &Candidate,
    ) -> Result<(), ApiError> {
        let level = compatibility_in_scope(state, subject);
        let messages =
            self.compatibility_messages(state, &level, c, state.versions(subject, false))?;
        if messages.is_empty() {
            Ok(())
        } else {
            Err(ApiError::incompatible(subject, &messages))
        }
    }

    // A soft-deleted older version with the id being registered is tombstoned, as
    // KafkaSchemaRegistry.register does, unless something still references it.
    fn tombstone_deleted_same_id(
        &self,
        state: &mut State,
        subject: &str,
        id: i32,
        version: i32,
    ) -> Result<(), ApiError> {
        let stale: Vec<i32> = state
            .versions(subject, true)
            .into_iter()
            .filter(|v| v.deleted && v.id == id && v.version < version)
            .filter(|v| state.referenced_by(subject, v.version, true).is_empty())
            .map(|v| v.version)
            .collect();
        for v in stale {
            let key = Key::Schema {
                subject: subject.to_string(),
                version: v,
            };
            self.write::<SchemaValue>(state, key, None)?;
        }
        Ok(())
    }

    /// POST /subjects/{s}: the subject's version holding the schema (40401, 40403).
    pub fn lookup(
        &self,
        subject: &str,
        req: &SchemaRequest,
        normalize: bool,
        include_deleted: bool,
    ) -> Result<SchemaValue, ApiError> {
        let state = self.lock();
        let c = self.candidate(&state, req, normalize)?;
        let found = state
            .versions(subject, include_deleted)
            .into_iter()
            .rev()
            .find(|v| self.same_schema(&c, v));
        match found {
            Some(v) => Ok(v.clone()),
            None if !state.has_subject(subject, include_deleted) => {
                Err(ApiError::subject_not_found(subject))
            }
            None => Err(ApiError::schema_not_found()),
        }
    }
}

// AbstractSchemaRegistry.checkRegisterMode; returns the mode in force.
fn check_register_mode(state: &State, subject: &str, with_id: bool) -> Result<String, ApiError> {
    crate::registry::check_writable(state, Some(subject))?;
    let mode = mode_in_scope(state, Some(subject));
    if with_id && mode != "IMPORT" {
        return Err(ApiError::not_permitted(format!(
            "Subject {subject} in context . is not in import mode"
        )));
    }
    if !with_id && mode != "READWRITE" {
        return Err(ApiError::not_permitted(format!(
            "Subject {subject} in context . is not in read-write mode"
        )));
    }
    Ok(mode)
}
