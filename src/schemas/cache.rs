//! The schemas the dashboard has fetched, by id: owned by the UI task, filled by the
//! fetcher's answers, bounded (oldest fetched forgotten first), and the ids seen on
//! records that are still to be asked for.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use super::codec::{self, Loaded};
use super::shown::Shown;

/// Schemas kept at most; one is fetched again if a record needs it after it went.
pub const KEPT: usize = 1000;

/// A fetched schema or why there is none.
pub type Answer = Arc<Result<Loaded, String>>;

/// Fetched schemas and the ones asked for.
#[derive(Debug, Clone, Default)]
pub struct Schemas {
    /// Whether a registry is configured (without one nothing is asked for).
    pub enabled: bool,
    known: HashMap<u32, Answer>,
    order: VecDeque<u32>,
    asked: HashSet<u32>,
    wanted: Vec<u32>,
}

impl Schemas {
    /// A cache that asks the registry for ids when `enabled`.
    pub fn new(enabled: bool) -> Schemas {
        Schemas {
            enabled,
            ..Default::default()
        }
    }

    /// Notes the schema id of framed bytes, so it is asked for if it is unknown.
    pub fn note(&mut self, bytes: Option<&[u8]>) {
        if !self.enabled {
            return;
        }
        if let Some(id) = bytes.and_then(codec::schema_id) {
            if !self.known.contains_key(&id) && self.asked.insert(id) {
                self.wanted.push(id);
            }
        }
    }

    /// Ids to ask the registry for now (each once until its answer came).
    pub fn take_wanted(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.wanted)
    }

    /// `id` could not be asked for now: ask again when a record needs it.
    pub fn forget_asked(&mut self, id: u32) {
        self.asked.remove(&id);
    }

    /// The registry's answer for `id`.
    pub fn insert(&mut self, id: u32, answer: Answer) {
        self.asked.remove(&id);
        if self.known.insert(id, answer).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > KEPT {
            if let Some(old) = self.order.pop_front() {
                self.known.remove(&old);
            }
        }
    }

    /// The schema for `id`, if its answer came.
    pub fn get(&self, id: u32) -> Option<&Answer> {
        self.known.get(&id)
    }

    /// What `bytes` are shown as, with the schemas known now.
    pub fn show(&self, bytes: Option<&[u8]>) -> Shown {
        let Some(bytes) = bytes else {
            return Shown::Plain;
        };
        let Some(id) = codec::schema_id(bytes) else {
            return Shown::Plain;
        };
        if !self.enabled {
            return Shown::Plain;
        }
        match self.known.get(&id).map(|a| a.as_ref()) {
            None => Shown::Pending(id),
            Some(Err(e)) => Shown::Failed {
                id,
                reason: e.clone(),
            },
            Some(Ok(loaded)) => match codec::decode(loaded, bytes) {
                Ok(d) => Shown::Decoded(Arc::new(d)),
                Err(reason) => Shown::Failed { id, reason },
            },
        }
    }
}
