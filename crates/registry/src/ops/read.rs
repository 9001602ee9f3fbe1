//! Reads: subjects, versions, schemas by id, references.

use crate::errors::ApiError;
use crate::records::SchemaValue;
use crate::registry::Registry;

impl Registry {
    /// GET /subjects/{s}/versions/{v}; -1 is the latest (40401, 40402).
    pub fn get_version(
        &self,
        subject: &str,
        version: i32,
        include_deleted: bool,
    ) -> Result<SchemaValue, ApiError> {
        let state = self.lock();
        match state.get(subject, version, include_deleted) {
            Some(v) => Ok(v.clone()),
            None if !state.has_subject(subject, include_deleted) => {
                Err(ApiError::subject_not_found(subject))
            }
            None => Err(ApiError::version_not_found(version)),
        }
    }

    /// GET /subjects/{s}/versions (40401).
    pub fn list_versions(
        &self,
        subject: &str,
        include_deleted: bool,
    ) -> Result<Vec<i32>, ApiError> {
        let state = self.lock();
        let versions: Vec<i32> = state
            .versions(subject, include_deleted)
            .iter()
            .map(|v| v.version)
            .collect();
        if versions.is_empty() {
            return Err(ApiError::subject_not_found(subject));
        }
        Ok(versions)
    }

    /// GET /subjects, sorted; `deleted_only` (Confluent's deletedOnly) lists the subjects
    /// that have a soft-deleted version.
    pub fn list_subjects(
        &self,
        prefix: &str,
        include_deleted: bool,
        deleted_only: bool,
    ) -> Vec<String> {
        let state = self.lock();
        if deleted_only {
            let mut out: Vec<String> = state
                .all()
                .filter(|v| v.deleted && v.subject.starts_with(prefix))
                .map(|v| v.subject.clone())
                .collect();
            out.dedup();
            return out;
        }
        state
            .subjects(include_deleted)
            .into_iter()
            .filter(|s| s.starts_with(prefix))
            .map(str::to_string)
            .collect()
    }

    /// The schema in the `format` a read asks for: Protobuf as base64 of its descriptor
    /// for `serialized`; otherwise (and when it cannot be converted) as registered.
    pub fn in_format(&self, mut v: SchemaValue, format: Option<&str>) -> SchemaValue {
        if format == Some("serialized") {
            let refs = crate::registry::resolve_refs(&self.lock(), &v.references);
            if let Some(text) = refs
                .ok()
                .and_then(|refs| self.checker().serialized(v.kind(), &v.schema, &refs))
            {
                v.schema = text;
            }
        }
        v
    }

    /// GET /schemas/ids/{id}: a version holding the id, preferring `subject`'s (40403).
    pub fn schema_by_id(&self, id: i32, subject: Option<&str>) -> Result<SchemaValue, ApiError> {
        let state = self.lock();
        let holders = state.by_id(id, true);
        let pick = subject
            .and_then(|s| holders.iter().find(|v| v.subject == s))
            .or(holders.first());
        pick.map(|v| (*v).clone())
            .ok_or_else(|| ApiError::schema_id_not_found(id))
    }

    /// GET /schemas/ids/{id}/versions: (subject, version) pairs holding the id (40403).
    pub fn id_versions(
        &self,
        id: i32,
        include_deleted: bool,
    ) -> Result<Vec<(String, i32)>, ApiError> {
        let state = self.lock();
        if state.by_id(id, true).is_empty() {
            return Err(ApiError::schema_id_not_found(id));
        }
        Ok(state
            .by_id(id, include_deleted)
            .iter()
            .map(|v| (v.subject.clone(), v.version))
            .collect())
    }

    /// GET /schemas: versions by subject then version, filtered as Confluent's query params.
    pub fn list_schemas(
        &self,
        prefix: &str,
        include_deleted: bool,
        latest_only: bool,
    ) -> Vec<SchemaValue> {
        let state = self.lock();
        let mut out: Vec<SchemaValue> = Vec::new();
        for v in state.all() {
            if !v.subject.starts_with(prefix) || (v.deleted && !include_deleted) {
                continue;
            }
            if latest_only && out.last().is_some_and(|l| l.subject == v.subject) {
                out.pop();
            }
            out.push(v.clone());
        }
        out
    }

    /// GET /subjects/{s}/versions/{v}/referencedby: ids referencing the version (40401, 40402).
    pub fn referenced_by(
        &self,
        subject: &str,
        version: i32,
        include_deleted: bool,
    ) -> Result<Vec<i32>, ApiError> {
        // As Confluent: the version itself is looked up soft-deleted or not.
        let target = self.get_version(subject, version, true)?;
        let state = self.lock();
        Ok(state.referenced_by(subject, target.version, include_deleted))
    }
}
