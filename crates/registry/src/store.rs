//! The registry's in-memory state, rebuilt from the log: every record, replayed or newly
//! written, goes through [`State::apply`], so both paths give the same state.

use std::collections::{BTreeMap, BTreeSet};

use crate::records::{
    ClearSubjectValue, ConfigValue, DeleteSubjectValue, Key, ModeValue, SchemaValue,
};

/// Subjects' versions, compatibility levels and modes.
#[derive(Debug, Default)]
pub struct State {
    subjects: BTreeMap<String, BTreeMap<i32, SchemaValue>>,
    configs: BTreeMap<Option<String>, String>,
    modes: BTreeMap<Option<String>, String>,
    // Ids are never reused, even once every version holding one is hard-deleted.
    max_id: i32,
}

fn parse<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("bad _schemas value: {e}"))
}

impl State {
    /// Applies one record of the `_schemas` log.
    pub fn apply(&mut self, key: &Key, value: Option<&[u8]>) -> Result<(), String> {
        match key {
            Key::Schema { subject, version } => match value {
                Some(v) => {
                    let v: SchemaValue = parse(v)?;
                    self.max_id = self.max_id.max(v.id);
                    self.subjects
                        .entry(subject.clone())
                        .or_default()
                        .insert(*version, v);
                }
                None => {
                    if let Some(versions) = self.subjects.get_mut(subject) {
                        versions.remove(version);
                        if versions.is_empty() {
                            self.subjects.remove(subject);
                        }
                    }
                }
            },
            Key::Config(subject) => match value {
                Some(v) => {
                    let v: ConfigValue = parse(v)?;
                    match v.compatibility_level {
                        Some(level) => self.configs.insert(subject.clone(), level),
                        None => self.configs.remove(subject),
                    };
                }
                None => {
                    self.configs.remove(subject);
                }
            },
            Key::Mode(subject) => match value {
                Some(v) => {
                    let v: ModeValue = parse(v)?;
                    self.modes.insert(subject.clone(), v.mode);
                }
                None => {
                    self.modes.remove(subject);
                }
            },
            Key::DeleteSubject(subject) => {
                if let Some(v) = value {
                    let v: DeleteSubjectValue = parse(v)?;
                    self.mark_deleted(subject, v.version);
                }
            }
            Key::ClearSubject(subject) => {
                if let Some(v) = value {
                    let _: ClearSubjectValue = parse(v)?;
                    self.clear_deleted(subject);
                }
            }
            Key::Other(_) => {}
        }
        Ok(())
    }

    // As KafkaStoreMessageHandler.handleDeleteSubject: versions up to the watermark.
    fn mark_deleted(&mut self, subject: &str, up_to: i32) {
        if let Some(versions) = self.subjects.get_mut(subject) {
            for (_, v) in versions.range_mut(..=up_to) {
                v.deleted = true;
            }
        }
    }

    fn clear_deleted(&mut self, subject: &str) {
        if let Some(versions) = self.subjects.get_mut(subject) {
            versions.retain(|_, v| !v.deleted);
            if versions.is_empty() {
                self.subjects.remove(subject);
            }
        }
    }

    /// A subject's versions in ascending order, soft-deleted ones only if asked.
    pub fn versions(&self, subject: &str, include_deleted: bool) -> Vec<&SchemaValue> {
        self.subjects
            .get(subject)
            .map(|vs| {
                vs.values()
                    .filter(|v| include_deleted || !v.deleted)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the subject has a version (a live one unless `include_deleted`).
    pub fn has_subject(&self, subject: &str, include_deleted: bool) -> bool {
        !self.versions(subject, include_deleted).is_empty()
    }

    /// One version; -1 is the latest.
    pub fn get(&self, subject: &str, version: i32, include_deleted: bool) -> Option<&SchemaValue> {
        if version == -1 {
            return self.versions(subject, include_deleted).last().copied();
        }
        self.subjects
            .get(subject)?
            .get(&version)
            .filter(|v| include_deleted || !v.deleted)
    }

    /// Subjects, sorted; those with only soft-deleted versions if `include_deleted`.
    pub fn subjects(&self, include_deleted: bool) -> Vec<&str> {
        self.subjects
            .keys()
            .filter(|s| self.has_subject(s, include_deleted))
            .map(String::as_str)
            .collect()
    }

    /// Every stored version, by subject then version.
    pub fn all(&self) -> impl Iterator<Item = &SchemaValue> {
        self.subjects.values().flat_map(|vs| vs.values())
    }

    /// The versions holding a schema id, by subject then version.
    pub fn by_id(&self, id: i32, include_deleted: bool) -> Vec<&SchemaValue> {
        self.all()
            .filter(|v| v.id == id && (include_deleted || !v.deleted))
            .collect()
    }

    /// Ids of the schemas referencing a subject's version, ascending; when not
    /// `include_deleted`, only ids that still have a live version (AbstractSchemaRegistry's
    /// getReferencedBy).
    pub fn referenced_by(&self, subject: &str, version: i32, include_deleted: bool) -> Vec<i32> {
        let ids: BTreeSet<i32> = self
            .all()
            .filter(|v| refers_to(v, subject, version))
            .map(|v| v.id)
            .collect();
        ids.into_iter()
            .filter(|id| include_deleted || !self.by_id(*id, false).is_empty())
            .collect()
    }

    /// Subjects with a version referencing a subject's version (soft-deleted referrers
    /// only if `include_deleted`).
    pub fn referencing_subjects(
        &self,
        subject: &str,
        version: i32,
        include_deleted: bool,
    ) -> BTreeSet<&str> {
        self.all()
            .filter(|v| (include_deleted || !v.deleted) && refers_to(v, subject, version))
            .map(|v| v.subject.as_str())
            .collect()
    }

    /// The id the next new schema gets.
    pub fn next_id(&self) -> i32 {
        self.max_id + 1
    }

    /// The compatibility level set for a subject (`None`: the global one), if any.
    pub fn config(&self, subject: Option<&str>) -> Option<&str> {
        self.configs
            .get(&subject.map(str::to_string))
            .map(String::as_str)
    }

    /// The mode set for a subject (`None`: the global one), if any.
    pub fn mode(&self, subject: Option<&str>) -> Option<&str> {
        self.modes
            .get(&subject.map(str::to_string))
            .map(String::as_str)
    }
}

fn refers_to(v: &SchemaValue, subject: &str, version: i32) -> bool {
    v.references
        .iter()
        .any(|r| r.subject == subject && r.version == version)
}
