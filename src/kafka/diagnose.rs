//! Why the cluster cannot be reached, in words a user can act on: the causes the
//! dashboard's own client tells apart while connecting (TCP, TLS, SASL, the token
//! endpoint), and librdkafka's error texts mapped to the same causes. The sentences here
//! are what the status line shows; e2e steps look for them, so change them with care.

use std::fmt;

/// One reason a connection failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// Nothing listens at the address.
    Refused,
    /// A step got no answer in time (which step).
    TimedOut(&'static str),
    /// The host name does not resolve.
    Unresolvable(String),
    /// The broker's certificate does not chain to a CA we trust (where trust comes from).
    UntrustedCertificate {
        /// The setting that decides the CAs trusted.
        trust: String,
    },
    /// The broker's certificate has expired.
    CertificateExpired,
    /// The broker's certificate is not valid yet.
    CertificateNotYetValid,
    /// The broker's certificate is for other names.
    HostMismatch {
        /// The host we connected to.
        host: String,
        /// The names the certificate is for.
        names: Vec<String>,
    },
    /// Another certificate check failed (OpenSSL's words).
    CertificateRejected(String),
    /// The broker wants a client certificate and we sent none.
    ClientCertificateRequired,
    /// The broker does not trust our client certificate.
    ClientCertificateRejected,
    /// A TLS client on a listener that does not speak TLS.
    NotTls,
    /// A plaintext client on a TLS listener.
    NeedsTls,
    /// A non-SASL client on a listener that wants SASL first.
    NeedsSasl,
    /// A SASL client on a listener without SASL.
    NotSasl,
    /// The broker refused the user's password (or does not know the user).
    BadCredentials {
        /// `sasl.username`.
        user: String,
        /// The SASL mechanism.
        mechanism: String,
    },
    /// The broker does not offer the mechanism.
    MechanismNotEnabled {
        /// What we asked for.
        mechanism: String,
        /// What it offers.
        enabled: Vec<String>,
    },
    /// The broker refused our OAUTHBEARER token.
    TokenRejected(String),
    /// The OIDC token endpoint cannot be reached.
    TokenEndpointUnreachable {
        /// Its URL.
        url: String,
        /// Why ("connection refused").
        detail: String,
    },
    /// The OIDC token endpoint refused to give us a token.
    TokenRefused {
        /// Its URL.
        url: String,
        /// `sasl.oauthbearer.client.id`.
        client_id: String,
        /// Its answer.
        detail: String,
    },
    /// The security settings themselves are wrong.
    Settings(String),
    /// Anything else, in the words it came with.
    Other(String),
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Refused => write!(f, "nothing listens there (connection refused)"),
            Cause::TimedOut(step) => write!(f, "no answer in time ({step})"),
            Cause::Unresolvable(host) => write!(f, "the host name {host} does not resolve"),
            Cause::UntrustedCertificate { trust } => write!(
                f,
                "the broker's certificate is not signed by a CA we trust ({trust})"
            ),
            Cause::CertificateExpired => write!(f, "the broker's certificate has expired"),
            Cause::CertificateNotYetValid => {
                write!(f, "the broker's certificate is not valid yet")
            }
            Cause::HostMismatch { host, names } if names.is_empty() => {
                write!(f, "host name mismatch: the certificate is not for {host}")
            }
            Cause::HostMismatch { host, names } => write!(
                f,
                "host name mismatch: the certificate is for {}, not {host}",
                names.join(", ")
            ),
            Cause::CertificateRejected(why) => {
                write!(f, "the broker's certificate is not accepted: {why}")
            }
            Cause::ClientCertificateRequired => write!(
                f,
                "the broker requires a client certificate (ssl.certificate.location or ssl.keystore.location)"
            ),
            Cause::ClientCertificateRejected => {
                write!(f, "the broker does not accept our client certificate")
            }
            Cause::NotTls => write!(
                f,
                "the listener does not speak TLS — is security.protocol right?"
            ),
            Cause::NeedsTls => write!(
                f,
                "the listener speaks TLS — is security.protocol right? (SSL or SASL_SSL)"
            ),
            Cause::NeedsSasl => write!(
                f,
                "the broker closed the connection: the listener wants SASL — is security.protocol right?"
            ),
            Cause::NotSasl => write!(
                f,
                "the listener does not use SASL — is security.protocol right?"
            ),
            Cause::BadCredentials { user, mechanism } => write!(
                f,
                "the broker refused user {user}'s password ({mechanism})"
            ),
            Cause::MechanismNotEnabled { mechanism, enabled } => write!(
                f,
                "the broker does not offer {mechanism} (it offers {}) — is sasl.mechanism right?",
                if enabled.is_empty() { "none".to_string() } else { enabled.join(", ") }
            ),
            Cause::TokenRejected(why) => write!(f, "the broker refused our OAUTHBEARER token: {why}"),
            Cause::TokenEndpointUnreachable { url, detail } => {
                write!(f, "the token endpoint {url} is unreachable: {detail}")
            }
            Cause::TokenRefused { url, client_id, detail } => write!(
                f,
                "the token endpoint {url} gave client {client_id} no token: {detail}"
            ),
            Cause::Settings(why) => write!(f, "{why}"),
            Cause::Other(why) => write!(f, "{why}"),
        }
    }
}

/// A cause at an address: the sentence the status line shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The broker's host:port.
    pub addr: String,
    /// Why.
    pub cause: Cause,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot connect to {}: {}", self.addr, self.cause)
    }
}

/// What librdkafka's error text says, as a cause, when it is one we can name;
/// `user` and `mechanism` fill the credential sentence.
pub fn from_librdkafka(text: &str, user: Option<&str>, mechanism: Option<&str>) -> Option<Cause> {
    let t = text.to_ascii_lowercase();
    let cause = if t.contains("authentication failed")
        || t.contains("invalid credentials")
        || t.contains("invalid username or password")
    {
        if mechanism.is_some_and(|m| m.eq_ignore_ascii_case("OAUTHBEARER")) {
            Cause::TokenRejected(after_colon(text))
        } else {
            Cause::BadCredentials {
                user: user.unwrap_or("?").to_string(),
                mechanism: mechanism.unwrap_or("SASL").to_string(),
            }
        }
    } else if t.contains("unsupported sasl mechanism") || t.contains("not supported by broker") {
        Cause::MechanismNotEnabled {
            mechanism: mechanism.unwrap_or("?").to_string(),
            enabled: enabled_mechanisms(text),
        }
    } else if t.contains("certificate has expired") {
        Cause::CertificateExpired
    } else if t.contains("hostname mismatch") || t.contains("ip address mismatch") {
        Cause::HostMismatch {
            host: String::new(),
            names: Vec::new(),
        }
    } else if t.contains("self-signed certificate")
        || t.contains("self signed certificate")
        || t.contains("unable to get local issuer")
        || t.contains("unable to verify the first certificate")
    {
        Cause::UntrustedCertificate {
            trust: "ssl.ca.location".into(),
        }
    } else if t.contains("wrong version number")
        || t.contains("disconnected while requesting apiversion") && t.contains("ssl")
    {
        Cause::NotTls
    } else if t.contains("connection refused") {
        Cause::Refused
    } else {
        return None;
    };
    Some(cause)
}

fn after_colon(text: &str) -> String {
    text.rsplit_once(": ")
        .map_or(text, |(_, b)| b)
        .trim()
        .to_string()
}

/// The mechanisms a "… (enabled: A, B)" style message lists.
fn enabled_mechanisms(text: &str) -> Vec<String> {
    let Some(start) = text.find("enabled") else {
        return Vec::new();
    };
    text[start..]
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| {
            w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && w.len() > 3
                && *w != "enabled"
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(cause: Cause) -> String {
        Failure {
            addr: "127.0.0.1:9093".into(),
            cause,
        }
        .to_string()
    }

    #[test]
    fn each_cause_reads_as_a_sentence() {
        assert_eq!(
            at(Cause::BadCredentials { user: "alice".into(), mechanism: "SCRAM-SHA-512".into() }),
            "cannot connect to 127.0.0.1:9093: the broker refused user alice's password (SCRAM-SHA-512)"
        );
        assert_eq!(
            at(Cause::UntrustedCertificate { trust: "ssl.ca.location".into() }),
            "cannot connect to 127.0.0.1:9093: the broker's certificate is not signed by a CA we trust (ssl.ca.location)"
        );
        assert_eq!(
            at(Cause::HostMismatch {
                host: "10.0.0.5".into(),
                names: vec!["localhost".into()]
            }),
            "cannot connect to 127.0.0.1:9093: host name mismatch: the certificate is for localhost, not 10.0.0.5"
        );
        assert_eq!(
            at(Cause::TokenEndpointUnreachable { url: "http://127.0.0.1:1/token".into(), detail: "connection refused".into() }),
            "cannot connect to 127.0.0.1:9093: the token endpoint http://127.0.0.1:1/token is unreachable: connection refused"
        );
        assert_eq!(at(Cause::NotTls), "cannot connect to 127.0.0.1:9093: the listener does not speak TLS — is security.protocol right?");
        assert_eq!(at(Cause::NeedsTls), "cannot connect to 127.0.0.1:9093: the listener speaks TLS — is security.protocol right? (SSL or SASL_SSL)");
        assert_eq!(
            at(Cause::CertificateExpired),
            "cannot connect to 127.0.0.1:9093: the broker's certificate has expired"
        );
        assert_eq!(
            at(Cause::MechanismNotEnabled { mechanism: "PLAIN".into(), enabled: vec!["SCRAM-SHA-512".into()] }),
            "cannot connect to 127.0.0.1:9093: the broker does not offer PLAIN (it offers SCRAM-SHA-512) — is sasl.mechanism right?"
        );
    }

    #[test]
    fn librdkafka_texts_map_to_causes() {
        let scram = from_librdkafka(
            "sasl_ssl://127.0.0.1:9093/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 (after 3ms in state AUTH_REQ)",
            Some("alice"),
            Some("SCRAM-SHA-512"),
        );
        assert_eq!(
            scram,
            Some(Cause::BadCredentials {
                user: "alice".into(),
                mechanism: "SCRAM-SHA-512".into()
            })
        );
        let plain = from_librdkafka(
            "SASL authentication error: Authentication failed: Invalid username or password",
            Some("bob"),
            Some("PLAIN"),
        );
        assert!(matches!(plain, Some(Cause::BadCredentials { .. })));
        let untrusted = from_librdkafka("ssl://127.0.0.1:9094/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured or root CA certificates are installed (install ca-certificates package) (after 4ms in state SSL_HANDSHAKE): self-signed certificate in certificate chain", None, None);
        assert!(matches!(
            untrusted,
            Some(Cause::UntrustedCertificate { .. })
        ));
        let expired = from_librdkafka(
            "SSL handshake failed: ... certificate verify failed: certificate has expired",
            None,
            None,
        );
        assert_eq!(expired, Some(Cause::CertificateExpired));
        let mechs = from_librdkafka("SASL PLAIN mechanism handshake failed: Broker: Unsupported SASL mechanism: broker's supported mechanisms: SCRAM-SHA-512", None, Some("PLAIN"));
        assert!(matches!(mechs, Some(Cause::MechanismNotEnabled { .. })));
        assert_eq!(from_librdkafka("Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)", None, None), Some(Cause::Refused));
        assert_eq!(from_librdkafka("1/1 brokers are down", None, None), None);
    }
}
