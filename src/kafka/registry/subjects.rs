//! What the composer asks of the registry: its subjects, one subject's version (with its
//! references, compiled by the caller), and registering a new version. Blocking (ureq),
//! like the rest of the client: called on worker threads.

use serde::Deserialize;

use super::client::{
    kind_of, path_segment, status_error, ErrorAnswer, RegistryClient, SchemaAnswer,
};
use crate::schemas::fetched::Fetched;

#[derive(Deserialize)]
struct VersionAnswer {
    id: u32,
    version: i32,
    #[serde(flatten)]
    schema: SchemaAnswer,
}

#[derive(Deserialize)]
struct LookupAnswer {
    id: u32,
    version: i32,
}

impl RegistryClient {
    /// Every subject, sorted.
    pub fn subjects(&self) -> Result<Vec<String>, String> {
        let mut subjects: Vec<String> = self.get("/subjects")?;
        subjects.sort();
        Ok(subjects)
    }

    /// Version `version` (a number or `latest`) of `subject`, with its references: the
    /// schema, and its version number.
    pub fn subject_version(&self, subject: &str, version: &str) -> Result<(Fetched, i32), String> {
        let v: VersionAnswer = self.get(&format!(
            "/subjects/{}/versions/{version}",
            path_segment(subject)
        ))?;
        let references = self.resolve(&v.schema.references)?;
        let fetched = Fetched {
            id: v.id,
            kind: kind_of(v.schema.schema_type),
            text: v.schema.schema,
            references,
            versions: vec![(subject.to_string(), v.version)],
        };
        Ok((fetched, v.version))
    }

    /// Registers `text` (of `kind`) under `subject`: its id and version, or the
    /// registry's refusal in words (incompatible: the 409's messages; invalid: 42201's).
    pub fn register(
        &self,
        subject: &str,
        kind: schema::SchemaKind,
        text: &str,
    ) -> Result<(u32, i32), String> {
        let mut body = serde_json::json!({ "schema": text });
        // The registry leaves the type out for Avro, its default.
        if kind != schema::SchemaKind::Avro {
            body["schemaType"] = kind.as_schema_type().into();
        }
        let body = body.to_string();
        let segment = path_segment(subject);
        self.post(&format!("/subjects/{segment}/versions"), &body)
            .map_err(|(status, answer)| refusal(subject, status, &answer))?;
        // Looking the schema up names its version too (the POST gives only the id).
        let found: LookupAnswer = serde_json::from_str(
            &self
                .post(&format!("/subjects/{segment}"), &body)
                .map_err(|(status, answer)| refusal(subject, status, &answer))?,
        )
        .map_err(|e| format!("schema registry: unreadable answer: {e}"))?;
        Ok((found.id, found.version))
    }

    /// POSTs JSON `body` to `path`: the answer's text, or the status and text of a
    /// refusal (status 0 when the registry could not be reached).
    fn post(&self, path: &str, body: &str) -> Result<String, (u16, String)> {
        let req = self
            .request("POST", path)
            .set("Content-Type", "application/vnd.schemaregistry.v1+json");
        match req.send_string(body) {
            Ok(r) => r.into_string().map_err(|e| (0, e.to_string())),
            Err(ureq::Error::Status(status, r)) => {
                Err((status, r.into_string().unwrap_or_default()))
            }
            Err(ureq::Error::Transport(t)) => Err((0, self.unreachable(&t))),
        }
    }
}

/// Why `subject` did not get a new version, in the registry's words.
fn refusal(subject: &str, status: u16, body: &str) -> String {
    let message = serde_json::from_str::<ErrorAnswer>(body)
        .ok()
        .and_then(|e| e.message);
    match (status, message) {
        (0, _) => body.to_string(),
        (409, Some(m)) => format!(
            "{subject}: not registered, incompatible: {}",
            without_schemas(&m)
        ),
        (422, Some(m)) => format!("{subject}: not registered, the schema is invalid: {m}"),
        _ => format!("{subject}: not registered: {}", status_error(status, body)),
    }
}

/// A 409's message without the old schema's text and the settings Confluent's registry
/// appends to the reasons: the reasons are what a person reads.
fn without_schemas(message: &str) -> String {
    match message.find(", {oldSchema:") {
        Some(cut) => format!("{}]", &message[..cut]),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_subject_and_the_registrys_reason() {
        let conflict = r#"{"error_code":409,"message":"Schema being registered is incompatible with an earlier schema for subject \"o-value\", details: [reader field x has no default]"}"#;
        assert_eq!(
            refusal("o-value", 409, conflict),
            "o-value: not registered, incompatible: Schema being registered is incompatible with an earlier schema for subject \"o-value\", details: [reader field x has no default]"
        );
        let long = r#"{"error_code":409,"message":"incompatible, details: [{errorType:'TYPE_MISMATCH'}, {oldSchema: '{\"type\":\"record\"}'}, {validateFields: 'false'}]"}"#;
        assert_eq!(
            refusal("o", 409, long),
            "o: not registered, incompatible: incompatible, details: [{errorType:'TYPE_MISMATCH'}]"
        );
        let invalid = r#"{"error_code":42201,"message":"Invalid schema: no type"}"#;
        assert_eq!(
            refusal("s", 422, invalid),
            "s: not registered, the schema is invalid: Invalid schema: no type"
        );
        assert_eq!(
            refusal("s", 0, "schema registry http://x unreachable: refused"),
            "schema registry http://x unreachable: refused"
        );
        assert_eq!(
            refusal("s", 500, ""),
            "s: not registered: schema registry answered HTTP 500"
        );
    }
}
