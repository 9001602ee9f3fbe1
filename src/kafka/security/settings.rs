//! The security settings of the dashboard's own protocol client, read from the same
//! librdkafka properties the user gave every other client (`security.protocol`,
//! `sasl.*`, `ssl.*`), so a user writes them once. Secrets are kept in [`Secret`], which
//! never prints its value.

use std::fmt;
use std::path::PathBuf;

use wire::scram::Mechanism as ScramMechanism;

/// A value that must never reach the screen, the log or an error message.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("******")
    }
}

/// `security.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// PLAINTEXT.
    Plaintext,
    /// SSL.
    Ssl,
    /// SASL_PLAINTEXT.
    SaslPlaintext,
    /// SASL_SSL.
    SaslSsl,
}

impl Protocol {
    /// Whether connections start with a TLS handshake.
    pub fn tls(self) -> bool {
        matches!(self, Protocol::Ssl | Protocol::SaslSsl)
    }

    /// Whether connections authenticate with SASL.
    pub fn sasl(self) -> bool {
        matches!(self, Protocol::SaslPlaintext | Protocol::SaslSsl)
    }
}

/// How the client proves itself to the broker in TLS, and how it checks the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// `ssl.ca.location`: a PEM file (or directory of hashed certificates) of CAs to trust
    /// instead of the system's.
    pub ca_location: Option<PathBuf>,
    /// `ssl.ca.pem`: CA certificates inline.
    pub ca_pem: Option<String>,
    /// `ssl.certificate.location`: the client certificate (PEM, chain allowed).
    pub certificate_location: Option<PathBuf>,
    /// `ssl.certificate.pem`.
    pub certificate_pem: Option<String>,
    /// `ssl.key.location`: the client's private key (PEM).
    pub key_location: Option<PathBuf>,
    /// `ssl.key.pem`.
    pub key_pem: Option<Secret>,
    /// `ssl.key.password`: the private key's passphrase.
    pub key_password: Option<Secret>,
    /// `ssl.keystore.location`: a PKCS12 file with the client certificate and key.
    pub keystore_location: Option<PathBuf>,
    /// `ssl.keystore.password`.
    pub keystore_password: Option<Secret>,
    /// `enable.ssl.certificate.verification` (default true).
    pub verify: bool,
    /// `ssl.endpoint.identification.algorithm` is `https` (the default), not `none`.
    pub verify_host: bool,
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings {
            ca_location: None,
            ca_pem: None,
            certificate_location: None,
            certificate_pem: None,
            key_location: None,
            key_pem: None,
            key_password: None,
            keystore_location: None,
            keystore_password: None,
            verify: true,
            verify_host: true,
        }
    }
}

impl TlsSettings {
    /// Which setting decides the CAs trusted, for error messages (the system's CAs
    /// when neither is set: then ssl.ca.location is the one to set).
    pub fn trust_source(&self) -> String {
        match (&self.ca_location, &self.ca_pem) {
            (None, Some(_)) => "ssl.ca.pem".into(),
            _ => "ssl.ca.location".into(),
        }
    }

    /// Whether a client certificate is configured.
    pub fn has_identity(&self) -> bool {
        self.keystore_location.is_some()
            || self.certificate_location.is_some()
            || self.certificate_pem.is_some()
    }
}

/// OIDC client-credentials settings (`sasl.oauthbearer.method=oidc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// `sasl.oauthbearer.token.endpoint.url`.
    pub token_endpoint: String,
    /// `sasl.oauthbearer.client.id`.
    pub client_id: String,
    /// `sasl.oauthbearer.client.secret`.
    pub client_secret: Secret,
    /// `sasl.oauthbearer.scope`.
    pub scope: Option<String>,
    /// `sasl.oauthbearer.extensions`: key=value pairs sent with the token.
    pub extensions: Vec<(String, String)>,
}

/// The SASL mechanism and its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslSettings {
    /// PLAIN.
    Plain {
        /// `sasl.username`.
        username: String,
        /// `sasl.password`.
        password: Secret,
    },
    /// SCRAM-SHA-256 or SCRAM-SHA-512.
    Scram {
        /// Which hash.
        mechanism: ScramMechanism,
        /// `sasl.username`.
        username: String,
        /// `sasl.password`.
        password: Secret,
    },
    /// OAUTHBEARER with tokens from an OIDC endpoint.
    OAuthBearer(OidcSettings),
}

impl SaslSettings {
    /// The mechanism's SASL name.
    pub fn mechanism(&self) -> &'static str {
        match self {
            SaslSettings::Plain { .. } => "PLAIN",
            SaslSettings::Scram { mechanism, .. } => mechanism.name(),
            SaslSettings::OAuthBearer(_) => "OAUTHBEARER",
        }
    }
}

/// Everything the own client needs to connect as the user asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// `security.protocol`.
    pub protocol: Protocol,
    /// TLS settings when the protocol uses TLS.
    pub tls: Option<TlsSettings>,
    /// SASL settings when the protocol uses SASL.
    pub sasl: Option<SaslSettings>,
}

impl Security {
    /// No TLS, no SASL.
    pub fn plaintext() -> Security {
        Security {
            protocol: Protocol::Plaintext,
            tls: None,
            sasl: None,
        }
    }

    /// Whether `error` (from [`Security::from_properties`]) says the settings ask for what
    /// librdkafka can do and the own client cannot (Kerberos, unsecured JWTs), rather
    /// than that they are wrong.
    pub fn beyond_own_client(error: &str) -> bool {
        error.contains(BEYOND_OWN_CLIENT)
    }

    /// Reads the settings from librdkafka properties (later ones win, as in librdkafka).
    pub fn from_properties(props: &[(String, String)]) -> Result<Security, String> {
        let get = |key: &str| {
            props
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
        };
        let protocol = match get("security.protocol") {
            None => Protocol::Plaintext,
            Some(p) => parse_protocol(&p)?,
        };
        let tls = protocol.tls().then(|| tls_settings(&get)).transpose()?;
        let sasl = protocol.sasl().then(|| sasl_settings(&get)).transpose()?;
        Ok(Security {
            protocol,
            tls,
            sasl,
        })
    }
}

/// The words every "librdkafka can, the own client cannot" error carries.
const BEYOND_OWN_CLIENT: &str = "beyond kafka-dash's own client";

fn parse_protocol(p: &str) -> Result<Protocol, String> {
    match p.to_ascii_uppercase().as_str() {
        "PLAINTEXT" => Ok(Protocol::Plaintext),
        "SSL" => Ok(Protocol::Ssl),
        "SASL_PLAINTEXT" => Ok(Protocol::SaslPlaintext),
        "SASL_SSL" => Ok(Protocol::SaslSsl),
        _ => Err(format!(
            "security.protocol={p} is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"
        )),
    }
}

fn parse_bool(key: &str, v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("{key}={v} is not true or false")),
    }
}

fn tls_settings(get: &dyn Fn(&str) -> Option<String>) -> Result<TlsSettings, String> {
    let path = |k: &str| get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let secret = |k: &str| get(k).map(Secret::new);
    let verify = match get("enable.ssl.certificate.verification") {
        Some(v) => parse_bool("enable.ssl.certificate.verification", &v)?,
        None => true,
    };
    let verify_host = match get("ssl.endpoint.identification.algorithm") {
        None => true,
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "https" => true,
            "none" | "" => false,
            _ => {
                return Err(format!(
                    "ssl.endpoint.identification.algorithm={v} is not https or none"
                ))
            }
        },
    };
    let tls = TlsSettings {
        ca_location: path("ssl.ca.location"),
        ca_pem: get("ssl.ca.pem"),
        certificate_location: path("ssl.certificate.location"),
        certificate_pem: get("ssl.certificate.pem"),
        key_location: path("ssl.key.location"),
        key_pem: secret("ssl.key.pem"),
        key_password: secret("ssl.key.password"),
        keystore_location: path("ssl.keystore.location"),
        keystore_password: secret("ssl.keystore.password"),
        verify,
        verify_host,
    };
    let has_cert = tls.certificate_location.is_some() || tls.certificate_pem.is_some();
    let has_key = tls.key_location.is_some() || tls.key_pem.is_some();
    if has_cert != has_key {
        return Err(if has_cert {
            "a client certificate needs its key: set ssl.key.location or ssl.key.pem".into()
        } else {
            "a client key needs its certificate: set ssl.certificate.location or ssl.certificate.pem".into()
        });
    }
    Ok(tls)
}

fn sasl_settings(get: &dyn Fn(&str) -> Option<String>) -> Result<SaslSettings, String> {
    let mechanism = get("sasl.mechanism")
        .or_else(|| get("sasl.mechanisms"))
        .unwrap_or_else(|| "GSSAPI".into());
    let username = || {
        get("sasl.username")
            .ok_or_else(|| format!("sasl.mechanism={mechanism} needs sasl.username"))
    };
    let password = || {
        get("sasl.password")
            .map(Secret::new)
            .ok_or_else(|| format!("sasl.mechanism={mechanism} needs sasl.password"))
    };
    if let Some(m) = ScramMechanism::from_name(&mechanism) {
        return Ok(SaslSettings::Scram {
            mechanism: m,
            username: username()?,
            password: password()?,
        });
    }
    match mechanism.to_ascii_uppercase().as_str() {
        "PLAIN" => Ok(SaslSettings::Plain {
            username: username()?,
            password: password()?,
        }),
        "OAUTHBEARER" => oidc_settings(get).map(SaslSettings::OAuthBearer),
        "GSSAPI" => Err(format!(
            "SASL GSSAPI (Kerberos) is {BEYOND_OWN_CLIENT}; set sasl.mechanism"
        )),
        _ => Err(format!(
            "sasl.mechanism={mechanism} is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER"
        )),
    }
}

fn oidc_settings(get: &dyn Fn(&str) -> Option<String>) -> Result<OidcSettings, String> {
    let method = get("sasl.oauthbearer.method").unwrap_or_else(|| "default".into());
    if !method.eq_ignore_ascii_case("oidc") {
        return Err(format!(
            "sasl.oauthbearer.method={method} is {BEYOND_OWN_CLIENT}: it gets tokens only from an OIDC endpoint (sasl.oauthbearer.method=oidc)"
        ));
    }
    let need = |k: &str| get(k).ok_or_else(|| format!("OIDC needs {k}"));
    let extensions = match get("sasl.oauthbearer.extensions") {
        None => Vec::new(),
        Some(list) => parse_extensions(&list)?,
    };
    Ok(OidcSettings {
        token_endpoint: need("sasl.oauthbearer.token.endpoint.url")?,
        client_id: need("sasl.oauthbearer.client.id")?,
        client_secret: Secret::new(need("sasl.oauthbearer.client.secret")?),
        scope: get("sasl.oauthbearer.scope").filter(|s| !s.is_empty()),
        extensions,
    })
}

/// `key=value,key=value` as librdkafka reads sasl.oauthbearer.extensions.
fn parse_extensions(list: &str) -> Result<Vec<(String, String)>, String> {
    list.split(',')
        .filter(|kv| !kv.trim().is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && k.trim() != "auth" => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(format!(
                "sasl.oauthbearer.extensions: {:?} is not key=value (and the key may not be auth)",
                kv.trim()
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn no_properties_is_plaintext() {
        assert_eq!(Security::from_properties(&[]), Ok(Security::plaintext()));
        let s = Security::from_properties(&props(&[("security.protocol", "plaintext")]));
        assert_eq!(s, Ok(Security::plaintext()));
    }

    #[test]
    fn every_tls_property_is_read() {
        let s = Security::from_properties(&props(&[
            ("security.protocol", "SSL"),
            ("ssl.ca.location", "/c/ca.pem"),
            ("ssl.ca.pem", "CA"),
            ("ssl.certificate.location", "/c/client.pem"),
            ("ssl.certificate.pem", "CERT"),
            ("ssl.key.location", "/c/client.key"),
            ("ssl.key.pem", "KEY"),
            ("ssl.key.password", "kp"),
            ("ssl.keystore.location", "/c/client.p12"),
            ("ssl.keystore.password", "sp"),
            ("enable.ssl.certificate.verification", "false"),
            ("ssl.endpoint.identification.algorithm", "none"),
        ]))
        .unwrap();
        assert_eq!(s.protocol, Protocol::Ssl);
        assert!(s.sasl.is_none());
        let t = s.tls.unwrap();
        assert_eq!(t.ca_location, Some(PathBuf::from("/c/ca.pem")));
        assert_eq!(t.ca_pem.as_deref(), Some("CA"));
        assert_eq!(t.certificate_location, Some("/c/client.pem".into()));
        assert_eq!(t.certificate_pem.as_deref(), Some("CERT"));
        assert_eq!(t.key_location, Some("/c/client.key".into()));
        assert_eq!(t.key_pem, Some(Secret::new("KEY")));
        assert_eq!(t.key_password, Some(Secret::new("kp")));
        assert_eq!(t.keystore_location, Some("/c/client.p12".into()));
        assert_eq!(t.keystore_password, Some(Secret::new("sp")));
        assert!(!t.verify && !t.verify_host);
    }

    #[test]
    fn tls_defaults_verify_everything() {
        let s = Security::from_properties(&props(&[
            ("security.protocol", "sasl_ssl"),
            ("sasl.mechanism", "PLAIN"),
            ("sasl.username", "u"),
            ("sasl.password", "p"),
        ]))
        .unwrap();
        let t = s.tls.unwrap();
        assert!(t.verify && t.verify_host);
        assert_eq!(t.trust_source(), "ssl.ca.location");
    }

    #[test]
    fn every_sasl_mechanism_is_read() {
        let base = [
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.username", "alice"),
            ("sasl.password", "alice-secret"),
        ];
        let with = |m: &str| {
            let mut p = props(&base);
            p.push(("sasl.mechanisms".into(), m.into()));
            Security::from_properties(&p).unwrap().sasl.unwrap()
        };
        assert_eq!(
            with("PLAIN"),
            SaslSettings::Plain {
                username: "alice".into(),
                password: Secret::new("alice-secret")
            }
        );
        assert_eq!(with("SCRAM-SHA-256").mechanism(), "SCRAM-SHA-256");
        assert_eq!(with("scram-sha-512").mechanism(), "SCRAM-SHA-512");
        let s = Security::from_properties(&props(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "OAUTHBEARER"),
            ("sasl.oauthbearer.method", "oidc"),
            ("sasl.oauthbearer.client.id", "kafka-dash"),
            ("sasl.oauthbearer.client.secret", "kafka-dash-secret"),
            (
                "sasl.oauthbearer.token.endpoint.url",
                "http://127.0.0.1:8080/token",
            ),
            ("sasl.oauthbearer.scope", "kafka"),
            (
                "sasl.oauthbearer.extensions",
                "logicalCluster=lkc-1, identityPoolId=pool-2",
            ),
        ]))
        .unwrap();
        let SaslSettings::OAuthBearer(o) = s.sasl.unwrap() else {
            panic!("not OAUTHBEARER")
        };
        assert_eq!(o.client_id, "kafka-dash");
        assert_eq!(o.client_secret.expose(), "kafka-dash-secret");
        assert_eq!(o.token_endpoint, "http://127.0.0.1:8080/token");
        assert_eq!(o.scope.as_deref(), Some("kafka"));
        assert_eq!(
            o.extensions,
            vec![
                ("logicalCluster".into(), "lkc-1".into()),
                ("identityPoolId".into(), "pool-2".into())
            ]
        );
    }

    #[test]
    fn bad_values_are_named() {
        let err = |list: &[(&str, &str)]| Security::from_properties(&props(list)).unwrap_err();
        assert!(err(&[("security.protocol", "TLS")]).contains("security.protocol=TLS"));
        assert!(err(&[
            ("security.protocol", "SSL"),
            ("enable.ssl.certificate.verification", "maybe")
        ])
        .contains("is not true or false"));
        assert!(err(&[
            ("security.protocol", "SSL"),
            ("ssl.endpoint.identification.algorithm", "dns")
        ])
        .contains("https or none"));
        assert!(err(&[
            ("security.protocol", "SSL"),
            ("ssl.certificate.location", "/c.pem")
        ])
        .contains("ssl.key.location"));
        assert!(err(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "PLAIN")
        ])
        .contains("needs sasl.username"));
        assert!(err(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "GSSAPI")
        ])
        .contains("Kerberos"));
        assert!(err(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "OAUTHBEARER")
        ])
        .contains("sasl.oauthbearer.method=oidc"));
        assert!(err(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "OAUTHBEARER"),
            ("sasl.oauthbearer.method", "oidc"),
            ("sasl.oauthbearer.extensions", "auth=x")
        ])
        .contains("may not be auth"));
    }

    #[test]
    fn secrets_never_show_in_debug_or_errors() {
        let s = Security::from_properties(&props(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "SCRAM-SHA-512"),
            ("sasl.username", "alice"),
            ("sasl.password", "alice-secret"),
            ("ssl.key.pem", "PRIVATE-KEY-BYTES"),
            ("ssl.certificate.pem", "CERT"),
            ("ssl.key.password", "key-pass"),
        ]))
        .unwrap();
        let shown = format!("{s:?}");
        for secret in ["alice-secret", "PRIVATE-KEY-BYTES", "key-pass"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        let e = Security::from_properties(&props(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "OAUTHBEARER"),
            ("sasl.oauthbearer.method", "oidc"),
            ("sasl.oauthbearer.client.secret", "kafka-dash-secret"),
        ]))
        .unwrap_err();
        assert!(!e.contains("kafka-dash-secret"), "{e}");
    }
}
