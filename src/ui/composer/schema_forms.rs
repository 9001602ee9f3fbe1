//! The composer's schema forms — choose a registered schema for the key or the value,
//! register a schema file as a new version — built and parsed here, side by side.

use std::path::PathBuf;

use schema::SchemaKind;

use crate::schemas::choice::{RegisterSpec, SchemaChoice, Target};
use crate::ui::form::{Form, FormKind};

/// What the subject field of the choice form says before the registry's list came.
const SUBJECT_HINT: &str =
    "<topic>-value (topic name), <record full name>, or <topic>-<record name>";

/// The form that chooses a schema for `target` of messages to `topic`.
pub fn choose(topic: &str, target: Target, subjects: Option<&Result<Vec<String>, String>>) -> Form {
    let subject = format!("{topic}-{}", target.name());
    let mut form = Form::new(
        FormKind::SchemaChoice,
        "Schema to encode with",
        &[
            ("for", target.name()),
            ("subject", &subject),
            ("version", "latest"),
            ("message", ""),
        ],
    )
    .with_hints(&[
        "value or key",
        SUBJECT_HINT,
        "a version number, or latest",
        "Protobuf: the message's full name (empty: the first); Avro: a union's branch",
    ]);
    if let Some(subjects) = subjects {
        show_subjects(&mut form, subjects);
    }
    form
}

/// Lists the registry's subjects (or why they could not be listed) under the subject
/// field of a choice form.
pub fn show_subjects(form: &mut Form, subjects: &Result<Vec<String>, String>) {
    let Some(i) = form.fields.iter().position(|(l, _)| l == "subject") else {
        return;
    };
    form.hints[i] = match subjects {
        Ok(s) if s.is_empty() => format!("the registry has no subjects yet · {SUBJECT_HINT}"),
        Ok(s) => format!("registry subjects: {}", s.join(", ")),
        Err(e) => format!("{e} · {SUBJECT_HINT}"),
    };
}

/// The schema a filled-in choice form asks for, or what is wrong with it.
pub fn parse_choice(form: &Form) -> Result<SchemaChoice, String> {
    let target = match form.field("for") {
        "value" | "v" | "" => Target::Value,
        "key" | "k" => Target::Key,
        other => return Err(format!("for: key or value, not {other:?}")),
    };
    let subject = form.field("subject").to_string();
    if subject.is_empty() {
        return Err("which subject?".into());
    }
    let version = match form.field("version") {
        "" | "latest" => None,
        v => Some(
            v.parse::<i32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("version: a number from 1, or latest, not {v:?}"))?,
        ),
    };
    let message = Some(form.field("message").to_string()).filter(|m| !m.is_empty());
    Ok(SchemaChoice {
        target,
        subject,
        version,
        message,
    })
}

/// The form that registers a schema file under a subject (`<topic>-value` to start with).
pub fn register(topic: &str) -> Form {
    Form::new(
        FormKind::RegisterSchema,
        "Register a schema version from a file",
        &[
            ("subject", &format!("{topic}-value")),
            ("file", ""),
            ("type", ""),
        ],
    )
    .with_hints(&[
        "the subject the new version goes under",
        "the schema's file: .avsc, .proto or .json",
        "AVRO, PROTOBUF or JSON; empty: from the file's extension",
    ])
}

/// The registration a filled-in register form asks for, or what is wrong with it.
pub fn parse_register(form: &Form) -> Result<RegisterSpec, String> {
    let subject = form.field("subject").to_string();
    if subject.is_empty() {
        return Err("which subject?".into());
    }
    let path = PathBuf::from(form.field("file"));
    if path.as_os_str().is_empty() {
        return Err("which file?".into());
    }
    let kind = match form.field("type") {
        "" => kind_of_file(&path).ok_or(
            "type: the file's extension is not .avsc, .proto or .json: say AVRO, PROTOBUF or JSON",
        )?,
        t => SchemaKind::from_schema_type(Some(t))
            .ok_or_else(|| format!("type: AVRO, PROTOBUF or JSON, not {t:?}"))?,
    };
    Ok(RegisterSpec {
        subject,
        path,
        kind,
    })
}

/// The schema language a file's extension names.
fn kind_of_file(path: &std::path::Path) -> Option<SchemaKind> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "avsc" => Some(SchemaKind::Avro),
        "proto" => Some(SchemaKind::Protobuf),
        "json" => Some(SchemaKind::Json),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_defaults_to_the_topic_name_strategy_and_the_latest_version() {
        let c = parse_choice(&choose("orders", Target::Value, None)).unwrap();
        assert_eq!(
            c,
            SchemaChoice {
                target: Target::Value,
                subject: "orders-value".into(),
                version: None,
                message: None,
            }
        );
        let k = choose("orders", Target::Key, None);
        assert_eq!(parse_choice(&k).unwrap().subject, "orders-key");
        let c = parse_choice(
            &choose("orders", Target::Value, None)
                .with_value("for", "k")
                .with_value("subject", "shop.Order")
                .with_value("version", "3")
                .with_value("message", "shop.Order.Line"),
        )
        .unwrap();
        assert_eq!(c.target, Target::Key);
        assert_eq!((c.subject.as_str(), c.version), ("shop.Order", Some(3)));
        assert_eq!(c.message.as_deref(), Some("shop.Order.Line"));
    }

    #[test]
    fn choice_says_what_is_wrong() {
        let form = || choose("t", Target::Value, None);
        let msg = |f: Form| parse_choice(&f).unwrap_err();
        assert_eq!(
            msg(form().with_value("for", "header")),
            "for: key or value, not \"header\""
        );
        assert_eq!(msg(form().with_value("subject", " ")), "which subject?");
        assert_eq!(
            msg(form().with_value("version", "0")),
            "version: a number from 1, or latest, not \"0\""
        );
        assert_eq!(
            msg(form().with_value("version", "new")),
            "version: a number from 1, or latest, not \"new\""
        );
    }

    #[test]
    fn the_registrys_subjects_are_listed_under_the_subject() {
        let subjects = Ok(vec!["a-value".to_string(), "b-value".to_string()]);
        let mut form = choose("t", Target::Value, Some(&subjects));
        assert_eq!(form.hints[1], "registry subjects: a-value, b-value");
        show_subjects(&mut form, &Err("schema registry unreachable".into()));
        assert!(form.hints[1].starts_with("schema registry unreachable · "));
        show_subjects(&mut form, &Ok(Vec::new()));
        assert!(form.hints[1].starts_with("the registry has no subjects yet"));
    }

    #[test]
    fn register_takes_the_type_from_the_extension_or_the_field() {
        let form = register("orders").with_value("file", "order.avsc");
        let spec = parse_register(&form).unwrap();
        assert_eq!(spec.subject, "orders-value");
        assert_eq!(spec.path, PathBuf::from("order.avsc"));
        assert_eq!(spec.kind, SchemaKind::Avro);
        let proto = form.clone().with_value("file", "o.PROTO");
        assert_eq!(parse_register(&proto).unwrap().kind, SchemaKind::Protobuf);
        let typed = form
            .with_value("file", "schema.txt")
            .with_value("type", "json");
        assert_eq!(parse_register(&typed).unwrap().kind, SchemaKind::Json);
    }

    #[test]
    fn register_says_what_is_wrong() {
        let msg = |f: Form| parse_register(&f).unwrap_err();
        assert_eq!(msg(register("t")), "which file?");
        assert_eq!(
            msg(register("t").with_value("subject", "")),
            "which subject?"
        );
        let txt = register("t").with_value("file", "s.txt");
        assert!(msg(txt.clone()).starts_with("type: the file's extension is not"));
        assert_eq!(
            msg(txt.with_value("type", "xml")),
            "type: AVRO, PROTOBUF or JSON, not \"xml\""
        );
    }
}
