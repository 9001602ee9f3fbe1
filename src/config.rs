//! The TOML config: the built-in default merged with the user's file; named profiles
//! that give a bootstrap list and librdkafka properties.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The default config shipped with the binary.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/default-config.toml");

/// One named cluster.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// `bootstrap.servers`; none means the embedded broker.
    pub bootstrap: Option<String>,
    /// librdkafka properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Where the user's config lives by default.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kafka-dash").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Parses one TOML text.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The default config with the user's file (if it exists) laid over it.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        let mut config =
            Config::parse(DEFAULT_CONFIG).map_err(|e| format!("built-in config: {e}"))?;
        let Some(path) = path else { return Ok(config) };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let user = Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                config.profiles.extend(user.profiles);
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(config),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// A profile by name, or an error listing the known ones.
    pub fn profile(&self, name: &str) -> Result<&Profile, String> {
        self.profiles.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            format!("no profile {name:?} (known: {})", known.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_parses() {
        assert!(Config::parse(DEFAULT_CONFIG)
            .unwrap()
            .profiles
            .contains_key("embedded-demo"));
    }

    #[test]
    fn user_profiles_merge_over_defaults() {
        let dir = std::env::temp_dir().join(format!("kd-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, "[profiles.prod]\nbootstrap = \"b1:9092,b2:9092\"\n[profiles.prod.properties]\n\"security.protocol\" = \"SASL_SSL\"\n").unwrap();
        let c = Config::load(Some(&path)).unwrap();
        let p = c.profile("prod").unwrap();
        assert_eq!(p.bootstrap.as_deref(), Some("b1:9092,b2:9092"));
        assert_eq!(p.properties["security.protocol"], "SASL_SSL");
        assert!(c.profile("embedded-demo").is_ok());
        assert!(c.profile("nope").unwrap_err().contains("known"));
        std::fs::write(&path, "[profiles.x]\nbootstrp = \"typo\"\n").unwrap();
        assert!(Config::load(Some(&path)).is_err());
    }
}
