//! The schemas the composer encodes with: the one chosen for the key and for the value
//! (subject, version, id, type, message), the choice still being fetched, the registry's
//! subjects for the choice form, and what each looks like in the composer.

use std::sync::Arc;

use crate::schemas::choice::{Chosen, ChosenAnswer, SchemaChoice, Target};

/// A schema the composer encodes one part of the message with.
#[derive(Debug, Clone)]
pub struct InUse {
    /// The registry's answer: subject, version, id, the compiled schema.
    pub chosen: Arc<Chosen>,
    /// The Protobuf message or Avro union branch encoded as (`None`: the schema's own).
    pub type_name: Option<String>,
}

impl InUse {
    /// The schema for `choice`, its message checked: a Protobuf message must exist (the
    /// first when none is named), an Avro branch must be one of the union's.
    pub fn new(choice: &SchemaChoice, chosen: Arc<Chosen>) -> Result<InUse, String> {
        let schema = chosen.loaded.schema();
        let names = schema.message_names();
        let type_name = match (&choice.message, names.first()) {
            (Some(m), _) if !names.is_empty() && !names.iter().any(|n| n.full_name == *m) => {
                let all: Vec<&str> = names.iter().map(|n| n.full_name.as_str()).collect();
                return Err(format!(
                    "{} has no message {m}; it has {}",
                    chosen.subject,
                    all.join(", ")
                ));
            }
            (Some(m), _) => Some(m.clone()),
            (None, Some(first)) => Some(first.full_name.clone()),
            (None, None) => None,
        };
        let in_use = InUse { chosen, type_name };
        // An Avro branch that is not there is refused now, not at the first send.
        in_use.template()?;
        Ok(in_use)
    }

    /// `orders-value v3 · id 7 · AVRO · shop.Order`: what is sent, named in full.
    pub fn label(&self) -> String {
        let c = &self.chosen;
        let mut label = format!(
            "{} v{} · id {} · {}",
            c.subject, c.version, c.id, c.loaded.kind
        );
        if let Some(t) = &self.type_name {
            label.push_str(&format!(" · {t}"));
        }
        label
    }

    /// The schema's fields at their defaults, as pretty JSON to start from.
    pub fn template(&self) -> Result<String, String> {
        self.chosen
            .loaded
            .schema()
            .template(self.type_name.as_deref())
            .map_err(|e| format!("{}: {e}", self.chosen.subject))
    }

    /// JSON `text` encoded and framed with this schema's id, or where it does not fit.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, String> {
        crate::schemas::encode::encode_framed(
            self.chosen.loaded.schema(),
            self.chosen.id,
            text,
            self.type_name.as_deref(),
        )
    }
}

/// The composer's schemas.
#[derive(Debug, Clone, Default)]
pub struct Encoding {
    /// The key's schema; `None`: the key is sent as typed (escapes read).
    pub key: Option<InUse>,
    /// The value's schema; `None`: the value is sent as typed (escapes read).
    pub value: Option<InUse>,
    /// A choice asked of the registry and not answered yet.
    pub pending: Option<SchemaChoice>,
    /// The registry's subjects, once listed (or why not).
    pub subjects: Option<Result<Vec<String>, String>>,
}

impl Encoding {
    /// The schema of `target`.
    pub fn of(&self, target: Target) -> Option<&InUse> {
        match target {
            Target::Key => self.key.as_ref(),
            Target::Value => self.value.as_ref(),
        }
    }

    /// Sets (or clears) the schema of `target`.
    pub fn set(&mut self, target: Target, in_use: Option<InUse>) {
        match target {
            Target::Key => self.key = in_use,
            Target::Value => self.value = in_use,
        }
    }

    /// The registry answered `choice`: the schema now in use, or why there is none. An
    /// answer to a choice since replaced is dropped (`None`).
    pub fn answered(
        &mut self,
        choice: &SchemaChoice,
        answer: ChosenAnswer,
    ) -> Option<Result<&InUse, String>> {
        if self.pending.as_ref() != Some(choice) {
            return None;
        }
        self.pending = None;
        let what = format!(
            "{} schema {} {}",
            choice.target.name(),
            choice.subject,
            choice.version_text()
        );
        match answer.and_then(|chosen| InUse::new(choice, chosen)) {
            Ok(in_use) => {
                self.set(choice.target, Some(in_use));
                self.of(choice.target).map(Ok)
            }
            Err(e) => Some(Err(format!("{what}: {e}"))),
        }
    }

    /// The lines the composer shows about its schemas: which one each part is encoded
    /// with, and a choice still being fetched.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for target in [Target::Key, Target::Value] {
            if let Some(s) = self.of(target) {
                lines.push(format!("{} as {}", target.name(), s.label()));
            }
        }
        if let Some(p) = &self.pending {
            lines.push(format!(
                "fetching {} schema {} {}…",
                p.target.name(),
                p.subject,
                p.version_text()
            ));
        }
        lines
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::schemas::fetched::Fetched;

    /// A compiled schema as the registry would give it for `subject` version 2, id 7.
    pub(crate) fn chosen(kind: &str, text: &str, subject: &str) -> Arc<Chosen> {
        let loaded = crate::schemas::codec::load(Fetched {
            id: 7,
            kind: kind.into(),
            text: text.into(),
            references: Vec::new(),
            versions: vec![(subject.into(), 2)],
        })
        .unwrap();
        Arc::new(Chosen {
            subject: subject.into(),
            version: 2,
            id: 7,
            loaded,
        })
    }

    pub(crate) const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string","default":""},{"name":"qty","type":"int","default":1}]}"#;
    const PROTO: &str =
        "syntax = \"proto3\";\npackage shop;\nmessage A { int32 n = 1; }\nmessage B { string s = 1; }\n";

    fn choice(message: Option<&str>) -> SchemaChoice {
        SchemaChoice {
            target: Target::Value,
            subject: "orders-value".into(),
            version: None,
            message: message.map(str::to_string),
        }
    }

    #[test]
    fn a_chosen_schema_is_named_in_full_and_encodes_framed() {
        let s = InUse::new(&choice(None), chosen("AVRO", ORDER, "orders-value")).unwrap();
        assert_eq!(s.label(), "orders-value v2 · id 7 · AVRO");
        let template = s.template().unwrap();
        assert!(template.contains("\"qty\": 1"), "{template}");
        let framed = s.encode(&template).unwrap();
        assert_eq!(&framed[..5], &[0, 0, 0, 0, 7]);
    }

    #[test]
    fn protobuf_takes_the_first_message_or_the_one_named() {
        let proto = || chosen("PROTOBUF", PROTO, "p-value");
        let first = InUse::new(&choice(None), proto()).unwrap();
        assert_eq!(first.type_name.as_deref(), Some("shop.A"));
        assert!(first.label().ends_with("PROTOBUF · shop.A"));
        let b = InUse::new(&choice(Some("shop.B")), proto()).unwrap();
        assert_eq!(b.type_name.as_deref(), Some("shop.B"));
        assert_eq!(
            InUse::new(&choice(Some("shop.C")), proto()).unwrap_err(),
            "p-value has no message shop.C; it has shop.A, shop.B"
        );
    }

    #[test]
    fn only_the_pending_choice_is_taken() {
        let mut e = Encoding::default();
        let c = choice(None);
        assert!(e
            .answered(&c, Ok(chosen("AVRO", ORDER, "orders-value")))
            .is_none());
        e.pending = Some(c.clone());
        assert_eq!(
            e.lines(),
            vec!["fetching value schema orders-value latest…"]
        );
        let err = e.answered(&c, Err("Subject not found".into())).unwrap();
        assert_eq!(
            err.unwrap_err(),
            "value schema orders-value latest: Subject not found"
        );
        e.pending = Some(c.clone());
        assert!(e
            .answered(&c, Ok(chosen("AVRO", ORDER, "orders-value")))
            .unwrap()
            .is_ok());
        assert_eq!(e.lines(), vec!["value as orders-value v2 · id 7 · AVRO"]);
    }
}
