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
    /// A Java client properties file (as `--client-config`), read after `properties`;
    /// a relative path is relative to the config file.
    pub client_config: Option<PathBuf>,
    /// A kcat `-F` file (as `--kcat-config`), read after `properties`.
    pub kcat_config: Option<PathBuf>,
    /// The schema registry for this cluster's framed keys and values.
    pub schema_registry: Option<crate::kafka::registry::settings::RegistryTable>,
}

/// A size in bytes, written as a number of bytes or as text with a unit: `"32 MiB"`,
/// `"64KiB"`, `"1 GB"` (KiB/MiB/GiB and K/M/G are powers of 1024, KB/MB/GB of 1000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub usize);

impl ByteSize {
    /// Parses `"32 MiB"`-style text.
    pub fn parse(text: &str) -> Result<ByteSize, String> {
        let t = text.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (number, unit) = (t[..split].trim(), t[split..].trim());
        let n: f64 = number.parse().map_err(|_| {
            format!("{text:?} is not a size (e.g. 33554432, \"32 MiB\", \"64 KiB\")")
        })?;
        let scale: f64 = match unit.to_ascii_lowercase().as_str() {
            "" | "b" => 1.0,
            "k" | "kib" => 1024.0,
            "m" | "mib" => 1024.0 * 1024.0,
            "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
            "kb" => 1e3,
            "mb" => 1e6,
            "gb" => 1e9,
            _ => {
                return Err(format!(
                    "{text:?}: unknown unit {unit:?} (B, KiB, MiB, GiB, KB, MB, GB)"
                ))
            }
        };
        let bytes = n * scale;
        if !bytes.is_finite() || bytes > usize::MAX as f64 {
            return Err(format!("{text:?} is too large"));
        }
        Ok(ByteSize(bytes.round() as usize))
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bytes(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bytes(n) => usize::try_from(n)
                .map(ByteSize)
                .map_err(|_| serde::de::Error::custom(format!("{n} bytes is too large"))),
            Raw::Text(t) => ByteSize::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const UNITS: [(&str, usize); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
        match UNITS
            .iter()
            .find(|(_, n)| self.0 >= *n && self.0.is_multiple_of(*n))
        {
            Some((unit, n)) => write!(f, "{} {unit}", self.0 / n),
            None => write!(f, "{} B", self.0),
        }
    }
}

/// How much of a topic the live view keeps in memory (the `[live]` table).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct LiveLimits {
    /// Messages kept at most; older ones are counted, not kept.
    pub keep_messages: usize,
    /// Bytes of keys, values and headers kept at most.
    pub keep_bytes: ByteSize,
    /// Values longer than this are kept cut to it (their true size shown) and read again
    /// in full when opened.
    pub value_preview_bytes: ByteSize,
}

impl Default for LiveLimits {
    fn default() -> Self {
        LiveLimits {
            keep_messages: 10_000,
            keep_bytes: ByteSize(32 << 20),
            value_preview_bytes: ByteSize(64 << 10),
        }
    }
}

impl LiveLimits {
    /// Why these limits cannot work, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.keep_messages == 0 {
            return Err("live.keep_messages must be at least 1".into());
        }
        if self.keep_bytes.0 < 1024 {
            return Err(format!(
                "live.keep_bytes must be at least 1 KiB, not {}",
                self.keep_bytes
            ));
        }
        if self.value_preview_bytes.0 < 64 {
            return Err(format!(
                "live.value_preview_bytes must be at least 64 B, not {}",
                self.value_preview_bytes
            ));
        }
        Ok(())
    }
}

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// What the live view keeps in memory.
    #[serde(default)]
    pub live: LiveLimits,
    /// How groups' partitions are judged (OK, WARN, STALL, STOP, REWIND).
    #[serde(default)]
    pub health: crate::kafka::health::Thresholds,
    /// How politely groups are watched.
    #[serde(default)]
    pub groups: GroupsLimits,
}

/// The `[groups]` table: how many requests a second group watching may send.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct GroupsLimits {
    /// Requests a second to the cluster for group watching, at most.
    pub requests_per_sec: u32,
}

impl Default for GroupsLimits {
    fn default() -> Self {
        GroupsLimits {
            requests_per_sec: 20,
        }
    }
}

/// Where the user's config lives by default.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kafka-dash").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Parses one TOML text.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.live.check()?;
        if config.health.window_secs == 0 || config.health.stuck_secs == 0 {
            return Err("health.window_secs and health.stuck_secs must be at least 1".into());
        }
        if config.groups.requests_per_sec < 4 {
            return Err(format!(
                "groups.requests_per_sec must be at least 4 (one read of the followed group a second needs about that), not {}",
                config.groups.requests_per_sec
            ));
        }
        Ok(config)
    }

    /// The default config with the user's file (if it exists) laid over it.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        let mut config =
            Config::parse(DEFAULT_CONFIG).map_err(|e| format!("built-in config: {e}"))?;
        let Some(path) = path else { return Ok(config) };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let mut user =
                    Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                let dir = path.parent().unwrap_or(Path::new("."));
                for p in user.profiles.values_mut() {
                    for file in [&mut p.client_config, &mut p.kcat_config]
                        .into_iter()
                        .flatten()
                    {
                        *file = dir.join(&*file);
                    }
                    if let Some(ca) = p.schema_registry.as_mut().and_then(|r| r.ca.as_mut()) {
                        *ca = dir.join(&*ca);
                    }
                }
                config.profiles.extend(user.profiles);
                config.live = user.live;
                config.health = user.health;
                config.groups = user.groups;
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
        std::fs::write(
            &path,
            "[profiles.sec]\nclient_config = \"sec.properties\"\nkcat_config = \"/abs/kcat.conf\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&path)).unwrap();
        let p = c.profile("sec").unwrap();
        assert_eq!(
            p.client_config,
            Some(dir.join("sec.properties")),
            "next to the config"
        );
        assert_eq!(p.kcat_config.as_deref(), Some(Path::new("/abs/kcat.conf")));
        std::fs::write(&path, "[profiles.x]\nbootstrp = \"typo\"\n").unwrap();
        assert!(Config::load(Some(&path)).is_err());
    }

    #[test]
    fn live_limits_are_read_with_units_and_checked() {
        assert_eq!(Config::parse("").unwrap().live, LiveLimits::default());
        let c = Config::parse(
            "[live]\nkeep_bytes = \"8 MiB\"\nvalue_preview_bytes = 4096\nkeep_messages = 500\n",
        )
        .unwrap();
        assert_eq!(c.live.keep_bytes, ByteSize(8 << 20));
        assert_eq!(c.live.value_preview_bytes, ByteSize(4096));
        assert_eq!(c.live.keep_messages, 500);
        // Fields left out keep their defaults.
        let c = Config::parse("[live]\nkeep_bytes = \"1.5GiB\"\n").unwrap();
        assert_eq!(c.live.keep_bytes, ByteSize(3 << 29));
        assert_eq!(
            c.live.value_preview_bytes,
            LiveLimits::default().value_preview_bytes
        );
        assert_eq!(ByteSize::parse("2 MB").unwrap(), ByteSize(2_000_000));
        assert_eq!(ByteSize(32 << 20).to_string(), "32 MiB");
        assert_eq!(ByteSize(1000).to_string(), "1000 B");
        let bad = Config::parse("[live]\nkeep_bytes = \"32 MeB\"\n").unwrap_err();
        assert!(bad.contains("unknown unit"), "{bad}");
        let small = Config::parse("[live]\nkeep_bytes = 10\n").unwrap_err();
        assert!(small.contains("at least 1 KiB"), "{small}");
        assert!(Config::parse("[live]\nkeep_mesages = 5\n").is_err());
        let h = Config::parse("[health]\nallowed_lag = 100\nstuck_secs = 30\n").unwrap();
        assert_eq!(
            (
                h.health.allowed_lag,
                h.health.stuck_secs,
                h.health.window_secs
            ),
            (100, 30, 120)
        );
        assert!(Config::parse("[health]\nstuck_secs = 0\n").is_err());
    }
}
