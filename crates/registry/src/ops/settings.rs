//! Compatibility levels and modes, global (`None`) and per subject.

use crate::errors::ApiError;
use crate::ops::compat::LEVELS;
use crate::records::{ClearSubjectValue, ConfigValue, Key, ModeValue, SchemaValue};
use crate::registry::{
    check_writable, compatibility_in_scope, mode_in_scope, Registry, DEFAULT_COMPATIBILITY,
    DEFAULT_MODE,
};
use crate::store::State;

/// The modes Confluent accepts (storage/Mode.java).
pub const MODES: [&str; 5] = [
    "READWRITE",
    "READONLY",
    "READONLY_OVERRIDE",
    "IMPORT",
    "FORWARD",
];

impl Registry {
    /// GET /config[/{s}]: the level; 40408 for a subject without one unless `default_to_global`.
    pub fn get_config(
        &self,
        subject: Option<&str>,
        default_to_global: bool,
    ) -> Result<String, ApiError> {
        let state = self.lock();
        match subject {
            None => Ok(state
                .config(None)
                .unwrap_or(DEFAULT_COMPATIBILITY)
                .to_string()),
            Some(s) if default_to_global => Ok(compatibility_in_scope(&state, s)),
            Some(s) => state
                .config(Some(s))
                .map(str::to_string)
                .ok_or_else(|| ApiError::compatibility_not_configured(s)),
        }
    }

    /// PUT /config[/{s}]: the level set (42203 for an unknown one).
    pub fn set_config(
        &self,
        subject: Option<&str>,
        level: Option<&str>,
    ) -> Result<String, ApiError> {
        let level = level
            .map(str::to_ascii_uppercase)
            .filter(|l| LEVELS.contains(&l.as_str()))
            .ok_or_else(ApiError::invalid_compatibility)?;
        let mut state = self.lock();
        check_writable(&state, subject)?;
        let value = ConfigValue {
            subject: subject.map(str::to_string),
            compatibility_level: Some(level.clone()),
        };
        self.write(
            &mut state,
            Key::Config(subject.map(str::to_string)),
            Some(&value),
        )?;
        Ok(level)
    }

    /// DELETE /config[/{s}]: the level removed (40401 for a subject without one).
    pub fn delete_config(&self, subject: Option<&str>) -> Result<String, ApiError> {
        let mut state = self.lock();
        let previous = match subject {
            None => state
                .config(None)
                .unwrap_or(DEFAULT_COMPATIBILITY)
                .to_string(),
            Some(s) => state
                .config(Some(s))
                .map(str::to_string)
                .ok_or_else(|| ApiError::subject_not_found(s))?,
        };
        check_writable(&state, subject)?;
        self.write::<ConfigValue>(&mut state, Key::Config(subject.map(str::to_string)), None)?;
        Ok(previous)
    }

    /// GET /mode[/{s}]: the mode; 40409 for a subject without one unless `default_to_global`.
    pub fn get_mode(
        &self,
        subject: Option<&str>,
        default_to_global: bool,
    ) -> Result<String, ApiError> {
        let state = self.lock();
        match subject {
            None => Ok(state.mode(None).unwrap_or(DEFAULT_MODE).to_string()),
            Some(s) if default_to_global => Ok(mode_in_scope(&state, Some(s))),
            Some(s) => state
                .mode(Some(s))
                .map(str::to_string)
                .ok_or_else(|| ApiError::mode_not_configured(s)),
        }
    }

    /// PUT /mode[/{s}]: the mode set (42204 unknown; 42205 IMPORT over live schemas
    /// unless `force`).
    pub fn set_mode(
        &self,
        subject: Option<&str>,
        mode: Option<&str>,
        force: bool,
    ) -> Result<String, ApiError> {
        let mode = mode
            .map(str::to_ascii_uppercase)
            .filter(|m| MODES.contains(&m.as_str()))
            .ok_or_else(ApiError::invalid_mode)?;
        if mode == "FORWARD" && subject.is_some() {
            return Err(ApiError::bad_mode(
                "Forward mode only supported on global level",
            ));
        }
        let mut state = self.lock();
        if mode == "IMPORT" && mode_in_scope(&state, subject) != "IMPORT" && !force {
            let live = match subject {
                Some(s) => state.has_subject(s, false),
                None => !state.subjects(false).is_empty(),
            };
            if live {
                return Err(ApiError::not_permitted(
                    "Cannot import since found existing subjects",
                ));
            }
            self.clear_for_import(&mut state, subject)?;
        }
        let value = ModeValue {
            subject: subject.map(str::to_string),
            mode: mode.clone(),
        };
        self.write(
            &mut state,
            Key::Mode(subject.map(str::to_string)),
            Some(&value),
        )?;
        Ok(mode)
    }

    // As KafkaSchemaRegistry.setMode: entering IMPORT hard-deletes the soft-deleted
    // versions left in scope, so imported versions and ids cannot collide with them.
    fn clear_for_import(&self, state: &mut State, subject: Option<&str>) -> Result<(), ApiError> {
        let doomed: Vec<(String, i32)> = state
            .all()
            .filter(|v| subject.is_none_or(|s| v.subject == s))
            .map(|v| (v.subject.clone(), v.version))
            .collect();
        if let Some((s, v)) = doomed
            .iter()
            .find(|(s, v)| !state.referenced_by(s, *v, true).is_empty())
        {
            return Err(ApiError::reference_exists(s, *v));
        }
        for (s, v) in doomed {
            let key = Key::Schema {
                subject: s,
                version: v,
            };
            self.write::<SchemaValue>(state, key, None)?;
        }
        if let Some(s) = subject {
            let value = ClearSubjectValue {
                subject: s.to_string(),
            };
            self.write(state, Key::ClearSubject(s.to_string()), Some(&value))?;
        }
        Ok(())
    }

    /// DELETE /mode[/{s}]: the mode removed (40401 for a subject without one).
    pub fn delete_mode(&self, subject: Option<&str>) -> Result<String, ApiError> {
        let mut state = self.lock();
        let previous = match subject {
            None => state.mode(None).unwrap_or(DEFAULT_MODE).to_string(),
            Some(s) => state
                .mode(Some(s))
                .map(str::to_string)
                .ok_or_else(|| ApiError::subject_not_found(s))?,
        };
        self.write::<ModeValue>(&mut state, Key::Mode(subject.map(str::to_string)), None)?;
        Ok(previous)
    }
}
