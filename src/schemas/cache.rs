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

    /// Forgets the ids whose schema could not be had and asks for them again (the
    /// registry may be back); the rows showing why are redrawn when the answers come.
    pub fn retry_unavailable(&mut self) {
        let failed: Vec<u32> = self
            .known
            .iter()
            .filter(|(_, a)| a.is_err())
            .map(|(id, _)| *id)
            .collect();
        for id in failed {
            self.known.remove(&id);
            self.order.retain(|o| *o != id);
            if self.asked.insert(id) {
                self.wanted.push(id);
            }
        }
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
            Some(Err(e)) => Shown::Unavailable {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(id: u32) -> Vec<u8> {
        schema::frame::write(id, b"\x02")
    }

    #[test]
    fn an_id_is_asked_for_once_until_its_answer_comes() {
        let mut s = Schemas::new(true);
        s.note(Some(&framed(3)));
        s.note(Some(&framed(3)));
        s.note(Some(b"plain"));
        s.note(None);
        assert_eq!(s.take_wanted(), vec![3]);
        assert_eq!(s.show(Some(&framed(3))), Shown::Pending(3));
        assert_eq!(s.show(Some(b"plain")), Shown::Plain);
        s.note(Some(&framed(3)));
        assert!(s.take_wanted().is_empty(), "asked already");
    }

    #[test]
    fn without_a_registry_nothing_is_asked_and_framed_bytes_are_plain() {
        let mut s = Schemas::new(false);
        s.note(Some(&framed(3)));
        assert!(s.take_wanted().is_empty());
        assert_eq!(s.show(Some(&framed(3))), Shown::Plain);
    }

    #[test]
    fn a_schema_the_registry_could_not_give_is_asked_for_again() {
        let mut s = Schemas::new(true);
        s.note(Some(&framed(5)));
        s.take_wanted();
        s.insert(5, Arc::new(Err("registry unreachable".into())));
        let shown = s.show(Some(&framed(5)));
        assert!(
            matches!(&shown, Shown::Unavailable { id: 5, .. }),
            "{shown:?}"
        );
        assert!(!shown.is_final(), "rows must not keep it");
        s.retry_unavailable();
        assert_eq!(s.take_wanted(), vec![5]);
        assert_eq!(s.show(Some(&framed(5))), Shown::Pending(5));
    }

    #[test]
    fn at_most_kept_schemas_are_kept_oldest_answer_forgotten_first() {
        let mut s = Schemas::new(true);
        for id in 0..(KEPT as u32 + 2) {
            s.insert(id, Arc::new(Err("x".into())));
        }
        assert!(s.get(0).is_none() && s.get(1).is_none());
        assert!(s.get(2).is_some() && s.get(KEPT as u32 + 1).is_some());
    }
}
