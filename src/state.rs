//! What the dashboard remembers between runs (the pane it was on), in the user's data
//! directory. Losing it is harmless: the dashboard starts on the watch screen.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::pane::Pane;

/// The remembered state.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct State {
    /// The pane in use when the dashboard last quit.
    pub pane: Option<Pane>,
}

/// Where the state lives.
pub fn path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kafka-dash").map(|d| d.data_dir().join("state.toml"))
}

impl State {
    /// The state saved at `path`, or the default if there is none or it cannot be read.
    pub fn load(path: Option<&std::path::Path>) -> State {
        path.and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Saves the state at `path`, creating its directory.
    pub fn save(&self, path: &std::path::Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = toml::to_string(self).map_err(std::io::Error::other)?;
        std::fs::write(path, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pane_is_remembered_and_a_missing_file_means_the_first_run() {
        let dir = std::env::temp_dir().join(format!("kd-state-{}", std::process::id()));
        let path = dir.join("deep").join("state.toml");
        assert_eq!(State::load(Some(&path)), State::default());
        State {
            pane: Some(Pane::Groups),
        }
        .save(&path)
        .unwrap();
        assert_eq!(State::load(Some(&path)).pane, Some(Pane::Groups));
        std::fs::write(&path, "pane = 7").unwrap();
        assert_eq!(
            State::load(Some(&path)),
            State::default(),
            "unreadable: start afresh"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
