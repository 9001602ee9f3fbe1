//! What the dashboard remembers between runs (the pane it was on, the last cluster given
//! with `-b`, without its secrets), in the user's data directory. Losing it is harmless:
//! the dashboard starts on the watch screen.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::pane::Pane;

/// The remembered state.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct State {
    /// The pane in use when the dashboard last quit.
    pub pane: Option<Pane>,
    /// The last cluster given on the command line (`-b`), for the cluster picker.
    pub last_cluster: Option<RememberedCluster>,
}

/// A cluster given on the command line, as far as it may be written down: secrets are
/// left out, and named, so the picker can say what is missing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RememberedCluster {
    /// `bootstrap.servers`.
    pub bootstrap: String,
    /// The Java client properties file, if one was given (it is read again).
    pub client_config: Option<PathBuf>,
    /// The kcat `-F` file, if one was given.
    pub kcat_config: Option<PathBuf>,
    /// The `-X` properties that are not secret.
    #[serde(default)]
    pub properties: Vec<(String, String)>,
    /// Names of the `-X` properties left out because they are secret.
    #[serde(default)]
    pub dropped: Vec<String>,
}

impl RememberedCluster {
    /// What may be remembered of a cluster: every property but the secret ones.
    pub fn new(
        bootstrap: String,
        client_config: Option<PathBuf>,
        kcat_config: Option<PathBuf>,
        properties: &[(String, String)],
    ) -> RememberedCluster {
        let (secret, kept): (Vec<_>, Vec<_>) = properties
            .iter()
            .cloned()
            .partition(|(k, _)| crate::kafka::client::is_secret(k));
        RememberedCluster {
            bootstrap,
            client_config,
            kcat_config,
            properties: kept,
            dropped: secret.into_iter().map(|(k, _)| k).collect(),
        }
    }
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
            last_cluster: None,
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

    #[test]
    fn the_last_cluster_is_saved_without_its_secrets() {
        let dir = std::env::temp_dir().join(format!("kd-state-sec-{}", std::process::id()));
        let path = dir.join("state.toml");
        let remembered = RememberedCluster::new(
            "b:9093".into(),
            Some("/etc/client.properties".into()),
            None,
            &[
                ("security.protocol".into(), "SASL_SSL".into()),
                ("sasl.password".into(), "s3cr3t-pw".into()),
                ("sasl.oauthbearer.client.secret".into(), "s3cr3t-cs".into()),
            ],
        );
        let state = State {
            pane: None,
            last_cluster: Some(remembered.clone()),
        };
        state.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("s3cr3t"), "{text}");
        let back = State::load(Some(&path)).last_cluster.unwrap();
        assert_eq!(back, remembered);
        assert_eq!(
            back.properties,
            vec![("security.protocol".to_string(), "SASL_SSL".to_string())]
        );
        assert_eq!(
            back.dropped,
            vec!["sasl.password", "sasl.oauthbearer.client.secret"]
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
