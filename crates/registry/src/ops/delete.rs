//! Soft and hard deletion of subjects and versions (KafkaSchemaRegistry.deleteSubject,
//! deleteSchemaVersion): hard deletion only after soft, never under a live reference.

use crate::errors::ApiError;
use crate::records::{ConfigValue, DeleteSubjectValue, Key, ModeValue, SchemaValue};
use crate::registry::{check_writable, Registry};
use crate::store::State;

impl Registry {
    /// DELETE /subjects/{s}/versions/{v}: the version deleted.
    pub fn delete_version(
        &self,
        subject: &str,
        version: i32,
        permanent: bool,
    ) -> Result<i32, ApiError> {
        let mut state = self.lock();
        // "latest" soft-deletes the latest live version, not an already deleted one.
        let version = match state.get(subject, version, false) {
            Some(v) if version == -1 && !permanent => v.version,
            _ => version,
        };
        // validateDeleteSchemaVersion: a soft-deleted version is only deleted again for good.
        if !permanent
            && state.get(subject, version, true).is_some()
            && state.get(subject, version, false).is_none()
        {
            let shown = state
                .get(subject, version, true)
                .map_or(version, |v| v.version);
            return Err(ApiError::version_soft_deleted(subject, shown));
        }
        let target = match state.get(subject, version, true) {
            Some(v) => v.clone(),
            None if !state.has_subject(subject, true) => {
                return Err(ApiError::subject_not_found(subject))
            }
            None => return Err(ApiError::version_not_found(version)),
        };
        check_writable(&state, Some(subject))?;
        if !state
            .referenced_by(subject, target.version, permanent)
            .is_empty()
        {
            return Err(ApiError::reference_exists(subject, target.version));
        }
        if permanent && !target.deleted {
            return Err(ApiError::version_not_soft_deleted(subject, target.version));
        }
        let key = Key::Schema {
            subject: subject.to_string(),
            version: target.version,
        };
        if permanent {
            self.write::<SchemaValue>(&mut state, key, None)?;
            if !state.has_subject(subject, true) {
                self.drop_subject_settings(&mut state, subject)?;
            }
        } else {
            let value = SchemaValue {
                deleted: true,
                ..target.clone()
            };
            self.write(&mut state, key, Some(&value))?;
        }
        Ok(target.version)
    }

    /// DELETE /subjects/{s}: the versions deleted, ascending.
    pub fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i32>, ApiError> {
        let mut state = self.lock();
        if !state.has_subject(subject, true) {
            return Err(ApiError::subject_not_found(subject));
        }
        if !permanent && !state.has_subject(subject, false) {
            return Err(ApiError::subject_soft_deleted(subject));
        }
        check_writable(&state, Some(subject))?;
        let mut deleted = Vec::new();
        for v in state.versions(subject, permanent) {
            let mut others = state.referencing_subjects(subject, v.version, permanent);
            others.remove(subject);
            if !others.is_empty() {
                return Err(ApiError::reference_exists(subject, v.version));
            }
            if permanent && !v.deleted {
                return Err(ApiError::subject_not_soft_deleted(subject));
            }
            deleted.push(v.version);
        }
        if permanent {
            // Descending, so versions referencing earlier ones of the subject go first.
            for version in deleted.iter().rev() {
                let key = Key::Schema {
                    subject: subject.to_string(),
                    version: *version,
                };
                self.write::<SchemaValue>(&mut state, key, None)?;
            }
            self.drop_subject_settings(&mut state, subject)?;
        } else {
            let value = DeleteSubjectValue {
                subject: subject.to_string(),
                version: deleted.last().copied().unwrap_or(0),
            };
            self.write(
                &mut state,
                Key::DeleteSubject(subject.to_string()),
                Some(&value),
            )?;
        }
        Ok(deleted)
    }

    // A subject gone for good takes its mode and compatibility with it.
    fn drop_subject_settings(&self, state: &mut State, subject: &str) -> Result<(), ApiError> {
        if state.mode(Some(subject)).is_some() {
            self.write::<ModeValue>(state, Key::Mode(Some(subject.to_string())), None)?;
        }
        if state.config(Some(subject)).is_some() {
            self.write::<ConfigValue>(state, Key::Config(Some(subject.to_string())), None)?;
        }
        Ok(())
    }
}
