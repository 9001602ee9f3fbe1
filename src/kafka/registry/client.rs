//! The schema registry's REST API as the dashboard reads it: a schema by id with every
//! schema it references (transitively), and the subjects and versions it is registered
//! under. Blocking (ureq): called on worker threads, never the UI task.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::Deserialize;

use super::settings::{RegistryAuth, RegistrySettings};
use crate::schemas::fetched::{Fetched, FetchedRef};

/// How long one registry request may take before the row says the registry is slow.
const TIMEOUT: Duration = Duration::from_secs(5);
/// References deeper than this are a loop or a mistake.
const MAX_REFERENCES: usize = 256;

#[derive(Deserialize)]
pub(super) struct SchemaAnswer {
    pub(super) schema: String,
    #[serde(rename = "schemaType")]
    pub(super) schema_type: Option<String>,
    #[serde(default)]
    pub(super) references: Vec<Reference>,
}

#[derive(Deserialize, Clone)]
pub(super) struct Reference {
    name: String,
    subject: String,
    version: i32,
}

#[derive(Deserialize)]
struct SubjectVersion {
    subject: String,
    version: i32,
}

#[derive(Deserialize)]
pub(super) struct ErrorAnswer {
    pub(super) error_code: Option<i64>,
    pub(super) message: Option<String>,
}

/// A client of one registry.
#[derive(Clone)]
pub struct RegistryClient {
    url: String,
    authorization: Option<String>,
    agent: ureq::Agent,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("url", &self.url)
            .finish()
    }
}

impl RegistryClient {
    /// A client for these settings (the CA file is read now, so a wrong path is said once).
    pub fn new(s: &RegistrySettings) -> Result<RegistryClient, String> {
        let mut tls = native_tls::TlsConnector::builder();
        if let Some(path) = &s.ca {
            let pem = std::fs::read(path)
                .map_err(|e| format!("schema registry CA {}: {e}", path.display()))?;
            let ca = native_tls::Certificate::from_pem(&pem)
                .map_err(|e| format!("schema registry CA {}: {e}", path.display()))?;
            tls.add_root_certificate(ca);
        }
        let tls = tls.build().map_err(|e| e.to_string())?;
        let agent = ureq::AgentBuilder::new()
            .tls_connector(Arc::new(tls))
            .timeout(TIMEOUT)
            .build();
        let authorization = match &s.auth {
            RegistryAuth::None => None,
            RegistryAuth::Basic { user, password } => Some(format!(
                "Basic {}",
                B64.encode(format!("{user}:{}", password.expose()))
            )),
            RegistryAuth::Bearer(token) => Some(format!("Bearer {}", token.expose())),
        };
        Ok(RegistryClient {
            url: s.url.clone(),
            authorization,
            agent,
        })
    }

    /// The registry's base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A `method` request to `path` asking for the registry's media type, with the
    /// credentials.
    pub(super) fn request(&self, method: &str, path: &str) -> ureq::Request {
        let req = self
            .agent
            .request(method, &format!("{}{path}", self.url))
            .set(
                "Accept",
                "application/vnd.schemaregistry.v1+json, application/json",
            );
        match &self.authorization {
            Some(a) => req.set("Authorization", a),
            None => req,
        }
    }

    /// A request that found no registry, in words.
    pub(super) fn unreachable(&self, t: &ureq::Transport) -> String {
        format!(
            "schema registry {} unreachable: {}",
            self.url,
            crate::kafka::security::oidc::transport_detail(t)
        )
    }

    pub(super) fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, String> {
        match self.request("GET", path).call() {
            Ok(r) => r
                .into_string()
                .map_err(|e| e.to_string())
                .and_then(|body| serde_json::from_str::<T>(&body).map_err(|e| e.to_string()))
                .map_err(|e| format!("schema registry: unreadable answer to {path}: {e}")),
            Err(ureq::Error::Status(status, r)) => {
                let body = r.into_string().unwrap_or_default();
                Err(status_error(status, &body))
            }
            Err(ureq::Error::Transport(t)) => Err(self.unreachable(&t)),
        }
    }

    /// The schema with global id `id`, its references and where it is registered.
    pub fn schema_by_id(&self, id: u32) -> Result<Fetched, String> {
        let s: SchemaAnswer = self.get(&format!("/schemas/ids/{id}"))?;
        let references = self.resolve(&s.references)?;
        // Older registries lack this endpoint; the schema decodes without it.
        let versions: Vec<SubjectVersion> = self
            .get(&format!("/schemas/ids/{id}/versions"))
            .unwrap_or_default();
        Ok(Fetched {
            id,
            kind: kind_of(s.schema_type),
            text: s.schema,
            references,
            versions: versions
                .into_iter()
                .map(|v| (v.subject, v.version))
                .collect(),
        })
    }

    /// Every schema `refs` reach, depth first, each once, a schema after what it uses.
    pub(super) fn resolve(&self, refs: &[Reference]) -> Result<Vec<FetchedRef>, String> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for r in refs {
            self.resolve_one(r, &mut seen, &mut out)?;
        }
        Ok(out)
    }

    fn resolve_one(
        &self,
        r: &Reference,
        seen: &mut BTreeSet<(String, i32)>,
        out: &mut Vec<FetchedRef>,
    ) -> Result<(), String> {
        if !seen.insert((r.subject.clone(), r.version)) {
            return Ok(());
        }
        if seen.len() > MAX_REFERENCES {
            return Err(format!("schema references over {MAX_REFERENCES} deep"));
        }
        let s: SchemaAnswer = self.get(&format!(
            "/subjects/{}/versions/{}",
            path_segment(&r.subject),
            r.version
        ))?;
        for inner in &s.references {
            self.resolve_one(inner, seen, out)?;
        }
        out.push(FetchedRef {
            name: r.name.clone(),
            subject: r.subject.clone(),
            version: r.version,
            kind: kind_of(s.schema_type),
            text: s.schema,
        });
        Ok(())
    }
}

pub(super) fn kind_of(schema_type: Option<String>) -> String {
    schema_type.unwrap_or_else(|| "AVRO".into())
}

/// A subject as one URL path segment (subjects may hold `/`, `:` or spaces).
pub(super) fn path_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A registry's refusal in words: its own message, or what the status means.
pub(super) fn status_error(status: u16, body: &str) -> String {
    let parsed: Option<ErrorAnswer> = serde_json::from_str(body).ok();
    let message = parsed.as_ref().and_then(|e| e.message.clone());
    let code = parsed.and_then(|e| e.error_code);
    match (status, message) {
        (401, _) => "schema registry: the credentials were refused (401)".into(),
        (403, _) => "schema registry: not allowed to read schemas (403)".into(),
        (_, Some(m)) => format!(
            "schema registry: {m} ({})",
            code.map_or(status.to_string(), |c| c.to_string())
        ),
        (_, None) => format!("schema registry answered HTTP {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_escaped_as_one_path_segment() {
        assert_eq!(path_segment("orders-value"), "orders-value");
        assert_eq!(path_segment("a/b c:d"), "a%2Fb%20c%3Ad");
    }

    #[test]
    fn refusals_are_told_in_the_registrys_words() {
        assert_eq!(
            status_error(
                404,
                r#"{"error_code":40403,"message":"Schema 7 not found"}"#
            ),
            "schema registry: Schema 7 not found (40403)"
        );
        assert!(status_error(401, "").contains("credentials"));
        assert_eq!(
            status_error(502, "<html>"),
            "schema registry answered HTTP 502"
        );
    }
}
