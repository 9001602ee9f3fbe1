//! librdkafka client settings: the bootstrap list plus `-X key=value` overrides, and how
//! they are shown without leaking secrets.

use rdkafka::config::ClientConfig;

/// The client id the watcher's clients use, so a broker's operator (and our benchmark)
/// can tell its requests from everyone else's.
pub const WATCHER_CLIENT_ID: &str = "kafka-dash-groups";

/// Where and how to connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientSettings {
    /// `bootstrap.servers`.
    pub bootstrap: String,
    /// Extra librdkafka properties, applied in order.
    pub overrides: Vec<(String, String)>,
}

/// Property names whose values must never be shown, logged or saved: passwords, client
/// secrets, private keys, and settings that carry one inside (a JAAS line, OAuth
/// extensions, an unsecured JWT's config).
pub fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    // Not only "password": a misspelt key (sasl.pasword, .passwd, .pwd) still holds the
    // password, and only librdkafka's refusal says the key is wrong.
    k.contains("pass")
        || k.contains("pasw")
        || k.contains("pwd")
        || k.contains("secret")
        || k.contains("jaas")
        || k.ends_with(".key.pem")
        || k.ends_with("keystore.key")
        || k == "sasl.oauthbearer.config"
        || k == "sasl.oauthbearer.extensions"
}

impl ClientSettings {
    /// A librdkafka config with these settings and quiet logging.
    pub fn config(&self) -> ClientConfig {
        self.config_with_defaults(&[])
    }

    /// Like [`Self::config`], with our own defaults that the user's overrides may change.
    pub fn config_with_defaults(&self, defaults: &[(&str, &str)]) -> ClientConfig {
        let mut c = ClientConfig::new();
        c.set("bootstrap.servers", &self.bootstrap)
            .set("log_level", "3");
        for (k, v) in defaults {
            c.set(*k, *v);
        }
        for (k, v) in &self.overrides {
            c.set(k, v);
        }
        c
    }

    /// `text` with the value of every secret setting masked (librdkafka's errors may
    /// quote the value of the property they refuse).
    pub fn scrub(&self, text: &str) -> String {
        self.overrides
            .iter()
            .filter(|(k, v)| is_secret(k) && !v.is_empty())
            .fold(text.to_string(), |t, (_, v)| {
                t.replace(v.as_str(), "******")
            })
    }

    /// The overrides as `key=value`, secrets masked and PEM contents summarised.
    pub fn describe_overrides(&self) -> Vec<String> {
        self.overrides
            .iter()
            .map(|(k, v)| {
                if is_secret(k) {
                    format!("{k}=******")
                } else if k.ends_with(".pem") {
                    // Certificates are public, but a page of base64 says nothing.
                    format!("{k}=(PEM, {} bytes)", v.len())
                } else {
                    format!("{k}={v}")
                }
            })
            .collect()
    }
}

/// Parses one `-X key=value`.
pub fn parse_property(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "expected key=value, got {:?}",
            if is_secret(s) { "******" } else { s }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        let s = ClientSettings {
            bootstrap: "b:9092".into(),
            overrides: vec![
                ("sasl.password".into(), "hunter2".into()),
                ("security.protocol".into(), "SASL_SSL".into()),
            ],
        };
        let shown = s.describe_overrides().join(" ");
        assert!(!shown.contains("hunter2"));
        assert_eq!(
            s.scrub(r#"Invalid value "hunter2" for "sasl.password""#),
            r#"Invalid value "******" for "sasl.password""#
        );
        for key in [
            "sasl.jaas.config",
            "ssl.keystore.password",
            "ssl.key.password",
            "ssl.truststore.password",
            "sasl.oauthbearer.client.secret",
            "ssl.key.pem",
            "ssl.keystore.key",
            "sasl.oauthbearer.extensions",
            // Misspelt, but still a password: masked and never kept.
            "sasl.pasword",
            "sasl.passwd",
            "ssl.keystore.pwd",
        ] {
            assert!(is_secret(key), "{key}");
        }
        for key in [
            "ssl.ca.pem",
            "ssl.certificate.pem",
            "sasl.username",
            "sasl.oauthbearer.client.id",
            "ssl.keystore.location",
            "sasl.oauthbearer.token.endpoint.url",
        ] {
            assert!(!is_secret(key), "{key}");
        }
        assert!(shown.contains("security.protocol=SASL_SSL"));
    }

    #[test]
    fn overrides_win_over_our_defaults() {
        let s = ClientSettings {
            bootstrap: "b:9092".into(),
            overrides: vec![("enable.idempotence".into(), "false".into())],
        };
        let c = s.config_with_defaults(&[("enable.idempotence", "true"), ("linger.ms", "0")]);
        assert_eq!(c.get("enable.idempotence"), Some("false"));
        assert_eq!(c.get("linger.ms"), Some("0"));
    }

    #[test]
    fn properties_need_a_key_and_equals() {
        assert_eq!(
            parse_property("a.b=c=d").unwrap(),
            ("a.b".into(), "c=d".into())
        );
        assert!(parse_property("novalue").is_err());
        assert!(parse_property("=x").is_err());
    }
}
