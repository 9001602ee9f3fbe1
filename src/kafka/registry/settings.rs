//! Where the schema registry is and how to log in to it: from `--schema-registry URL`
//! (credentials may ride in the URL, as Confluent's `URL` credential source reads them)
//! or a profile's `schema_registry` table.

use std::path::PathBuf;

use serde::Deserialize;

use crate::kafka::security::settings::Secret;

/// How requests to the registry log in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RegistryAuth {
    /// No credentials.
    #[default]
    None,
    /// HTTP basic authentication (Confluent's `basic.auth.user.info`).
    Basic {
        /// User name (or API key).
        user: String,
        /// Password (or API secret).
        password: Secret,
    },
    /// A bearer token (`bearer.auth.token`).
    Bearer(Secret),
}

/// A schema registry to read schemas from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySettings {
    /// Base URL without credentials and without a trailing slash.
    pub url: String,
    /// Credentials.
    pub auth: RegistryAuth,
    /// A PEM file of CAs to trust besides the system's (a private registry's CA).
    pub ca: Option<PathBuf>,
}

/// A profile's `schema_registry` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryTable {
    /// Base URL (`https://registry:8081`).
    pub url: String,
    /// Basic-auth user (with `password`).
    pub username: Option<String>,
    /// Basic-auth password.
    pub password: Option<String>,
    /// Bearer token (instead of a user and password).
    pub token: Option<String>,
    /// CA file to trust; relative to the config file.
    pub ca: Option<PathBuf>,
}

impl RegistrySettings {
    /// Settings from a URL that may hold `user:password@` (taken out of the URL, so it is
    /// never shown).
    pub fn from_url(url: &str) -> Result<RegistrySettings, String> {
        let url = url.trim();
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            format!("schema registry {url:?}: give a URL such as http://localhost:8081")
        })?;
        if scheme != "http" && scheme != "https" {
            return Err(format!(
                "schema registry: {scheme}:// is not supported (http or https)"
            ));
        }
        let rest = rest.trim_end_matches('/');
        let (host_part, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (auth, host) = match host_part.rsplit_once('@') {
            Some((info, host)) => {
                let (user, password) = info.split_once(':').unwrap_or((info, ""));
                (
                    RegistryAuth::Basic {
                        user: user.to_string(),
                        password: Secret::new(password),
                    },
                    host,
                )
            }
            None => (RegistryAuth::None, host_part),
        };
        if host.is_empty() {
            return Err(format!(
                "schema registry {scheme}://: the URL names no host"
            ));
        }
        Ok(RegistrySettings {
            url: format!("{scheme}://{host}{path}"),
            auth,
            ca: None,
        })
    }

    /// Settings from a profile's table (its CA path already made absolute by the
    /// config's loader when it was relative).
    pub fn from_table(t: &RegistryTable) -> Result<RegistrySettings, String> {
        let mut s = RegistrySettings::from_url(&t.url)?;
        match (&t.username, &t.password, &t.token) {
            (Some(_), _, Some(_)) => {
                return Err("schema_registry: give username/password or token, not both".into())
            }
            (Some(user), password, None) => {
                s.auth = RegistryAuth::Basic {
                    user: user.clone(),
                    password: Secret::new(password.clone().unwrap_or_default()),
                }
            }
            (None, Some(_), _) => return Err("schema_registry: a password needs a username".into()),
            (None, None, Some(token)) => s.auth = RegistryAuth::Bearer(Secret::new(token.clone())),
            (None, None, None) => {}
        }
        s.ca = t.ca.clone();
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_url_become_basic_auth_and_leave_the_url() {
        let s = RegistrySettings::from_url("https://key:se:cret@sr.example:8081/base/").unwrap();
        assert_eq!(s.url, "https://sr.example:8081/base");
        match s.auth {
            RegistryAuth::Basic { user, password } => {
                assert_eq!(user, "key");
                assert_eq!(password.expose(), "se:cret");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            !format!("{:?}", RegistrySettings::from_url("http://u:pw@h").unwrap()).contains("pw")
        );
    }

    #[test]
    fn urls_that_cannot_be_a_registry_say_why() {
        assert!(RegistrySettings::from_url("localhost:8081")
            .unwrap_err()
            .contains("http://localhost:8081"));
        assert!(RegistrySettings::from_url("ftp://h")
            .unwrap_err()
            .contains("ftp"));
        assert!(RegistrySettings::from_url("http://")
            .unwrap_err()
            .contains("no host"));
    }

    #[test]
    fn a_profile_table_gives_a_token_or_a_user_and_a_ca_beside_the_config() {
        let t = RegistryTable {
            url: "http://h:1".into(),
            token: Some("tok".into()),
            ca: Some("ca.pem".into()),
            ..Default::default()
        };
        let s = RegistrySettings::from_table(&t).unwrap();
        assert_eq!(s.auth, RegistryAuth::Bearer(Secret::new("tok")));
        assert_eq!(s.ca.unwrap(), PathBuf::from("ca.pem"));
        let both = RegistryTable {
            username: Some("u".into()),
            ..t
        };
        assert!(RegistrySettings::from_table(&both).is_err());
    }
}
