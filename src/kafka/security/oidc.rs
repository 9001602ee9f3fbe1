//! OAUTHBEARER tokens from an OIDC token endpoint (the client-credentials grant, as
//! librdkafka's `sasl.oauthbearer.method=oidc` asks for them), cached until about 80% of
//! their lifetime has passed. Blocking: called from worker threads, never the UI task.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use super::settings::{OidcSettings, Secret};
use crate::kafka::diagnose::Cause;

/// A token and when it was issued (Debug shows no token: `Secret`).
#[derive(Clone, Debug)]
pub struct Token {
    /// The JWT (a secret: it logs in as the client).
    pub value: Secret,
    /// Its lifetime as the endpoint said (`expires_in`).
    pub lifetime: Duration,
    /// When it was fetched.
    pub fetched: Instant,
    /// Its `sub` claim, librdkafka's principal name for it.
    pub subject: String,
}

impl Token {
    /// Fresh enough to use: under 80% of its lifetime gone.
    fn fresh(&self, now: Instant) -> bool {
        now < self.fetched + self.lifetime.mul_f64(0.8)
    }
}

/// Fetches tokens for one client and hands out the cached one while it is fresh.
#[derive(Clone)]
pub struct TokenSource {
    settings: OidcSettings,
    agent: ureq::Agent,
    cached: Arc<Mutex<Option<Token>>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("endpoint", &self.settings.token_endpoint)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// A source for these settings; `ca_pem` (ssl.ca.location's content) is trusted for
    /// an https endpoint as well as the system's CAs.
    pub fn new(
        settings: OidcSettings,
        ca_pem: Option<&[u8]>,
        timeout: Duration,
    ) -> Result<TokenSource, String> {
        let mut tls = native_tls::TlsConnector::builder();
        if let Some(pem) = ca_pem {
            let ca = native_tls::Certificate::from_pem(pem).map_err(|e| e.to_string())?;
            tls.add_root_certificate(ca);
        }
        let tls = tls.build().map_err(|e| e.to_string())?;
        let agent = ureq::AgentBuilder::new()
            .tls_connector(Arc::new(tls))
            .timeout(timeout)
            .build();
        Ok(TokenSource {
            settings,
            agent,
            cached: Arc::default(),
        })
    }

    /// The OIDC settings.
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// A fresh token: the cached one, or a new one from the endpoint.
    pub fn token(&self) -> Result<Token, Cause> {
        let now = Instant::now();
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = cached.as_ref().filter(|t| t.fresh(now)) {
            return Ok(t.clone());
        }
        let t = self.fetch()?;
        *cached = Some(t.clone());
        Ok(t)
    }

    /// Forgets the cached token (the broker refused it).
    pub fn forget(&self) {
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn fetch(&self) -> Result<Token, Cause> {
        let s = &self.settings;
        let url = &s.token_endpoint;
        let basic = B64.encode(format!("{}:{}", s.client_id, s.client_secret.expose()));
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = &s.scope {
            form.push(("scope", scope));
        }
        let fetched = Instant::now();
        let answer = self
            .agent
            .post(url)
            .set("Authorization", &format!("Basic {basic}"))
            .set("Accept", "application/json")
            .send_form(&form);
        let body = match answer {
            Ok(r) => r
                .into_string()
                .map_err(|e| Cause::TokenEndpointUnreachable {
                    url: url.clone(),
                    detail: e.to_string(),
                })?,
            Err(ureq::Error::Status(status, r)) => {
                let text = r.into_string().unwrap_or_default();
                return Err(Cause::TokenRefused {
                    url: url.clone(),
                    client_id: s.client_id.clone(),
                    detail: format!("HTTP {status} {}", oauth_error(&text)),
                });
            }
            Err(ureq::Error::Transport(t)) => {
                return Err(Cause::TokenEndpointUnreachable {
                    url: url.clone(),
                    detail: transport_detail(&t),
                })
            }
        };
        parse_token(&body, fetched).map_err(|detail| Cause::TokenRefused {
            url: url.clone(),
            client_id: s.client_id.clone(),
            detail,
        })
    }
}

/// What a transport failure comes down to, in a few words ("connection refused").
pub(crate) fn transport_detail(t: &ureq::Transport) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(t);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                    "no answer in time".into()
                }
                _ => io.to_string(),
            };
        }
        source = e.source();
    }
    t.message()
        .map(str::to_string)
        .unwrap_or_else(|| t.kind().to_string())
}

/// The `error` and `error_description` of an OAuth error answer, if it is one.
fn oauth_error(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return String::new();
    };
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    match (field("error"), field("error_description")) {
        (Some(e), Some(d)) => format!("{e}: {d}"),
        (Some(e), None) => e,
        _ => String::new(),
    }
}

/// A token answer: `access_token`, `expires_in` (seconds; an hour if absent), and the
/// JWT's `sub`.
fn parse_token(body: &str, fetched: Instant) -> Result<Token, String> {
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|_| "the token answer is not JSON".to_string())?;
    let token = v
        .get("access_token")
        .and_then(|t| t.as_str())
        .ok_or_else(|| "the token answer has no access_token".to_string())?;
    let lifetime = v
        .get("expires_in")
        .and_then(|e| e.as_u64().or_else(|| e.as_str()?.parse().ok()))
        .unwrap_or(3600);
    Ok(Token {
        subject: jwt_subject(token).unwrap_or_default(),
        value: Secret::new(token),
        lifetime: Duration::from_secs(lifetime.max(1)),
        fetched,
    })
}

/// The `sub` claim of a JWT (not verified: the broker does that).
fn jwt_subject(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&raw).ok()?;
    v.get("sub")?.as_str().map(str::to_string)
}

/// The OAUTHBEARER client's first (and only) message, RFC 7628: the GS2 header, the
/// token and the extensions, separated by ^A.
pub fn client_message(token: &str, extensions: &[(String, String)]) -> Vec<u8> {
    let mut m = format!("n,,\x01auth=Bearer {token}\x01");
    for (k, v) in extensions {
        m.push_str(&format!("{k}={v}\x01"));
    }
    m.push('\x01');
    m.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(sub: &str) -> String {
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!(
            "{}.{}.sig",
            enc(r#"{"alg":"RS256"}"#),
            enc(&format!(r#"{{"sub":"{sub}","aud":"kafka"}}"#))
        )
    }

    #[test]
    fn token_answers_are_read_with_their_lifetime_and_subject() {
        let now = Instant::now();
        let body = format!(
            r#"{{"access_token":"{}","expires_in":100,"token_type":"Bearer"}}"#,
            jwt("kafka-dash")
        );
        let t = parse_token(&body, now).unwrap();
        assert_eq!(t.subject, "kafka-dash");
        assert_eq!(t.lifetime, Duration::from_secs(100));
        assert!(t.fresh(now + Duration::from_secs(79)));
        assert!(!t.fresh(now + Duration::from_secs(80)));
        assert!(parse_token(r#"{"error":"x"}"#, now)
            .unwrap_err()
            .contains("no access_token"));
    }

    #[test]
    fn oauth_errors_are_shown() {
        assert_eq!(
            oauth_error(r#"{"error":"invalid_client","error_description":"bad secret"}"#),
            "invalid_client: bad secret"
        );
        assert_eq!(oauth_error("<html>"), "");
    }

    #[test]
    fn client_message_follows_rfc7628() {
        let m = client_message("T", &[("logicalCluster".into(), "lkc".into())]);
        assert_eq!(m, b"n,,\x01auth=Bearer T\x01logicalCluster=lkc\x01\x01");
    }

    #[test]
    fn an_unreachable_endpoint_is_named() {
        // A port nothing listens on: bind one, note it, close it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/token");
        let source = TokenSource::new(
            OidcSettings {
                token_endpoint: url.clone(),
                client_id: "kafka-dash".into(),
                client_secret: Secret::new("kafka-dash-secret"),
                scope: None,
                extensions: Vec::new(),
            },
            None,
            Duration::from_secs(2),
        )
        .unwrap();
        let err = source.token().err().unwrap();
        assert_eq!(
            err,
            Cause::TokenEndpointUnreachable {
                url,
                detail: "connection refused".into()
            }
        );
    }
}
