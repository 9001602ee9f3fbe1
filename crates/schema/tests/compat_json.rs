//! JSON Schema compatibility: content models, types, limits, enums, combinations, refs.

use schema::compat::{check, validate, Kind, Level, SchemaText};

fn json(text: &str) -> SchemaText {
    SchemaText::new(Kind::Json, text)
}

/// An object schema with `properties` and extra top-level keywords.
fn object(properties: &str, extra: &str) -> SchemaText {
    json(&format!(
        r#"{{"type":"object","properties":{{{properties}}}{extra}}}"#
    ))
}

/// The errorType of each message (quoted schema lines left out).
fn error_types(messages: &[String]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m.strip_prefix("{errorType:\""))
        .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

fn types_at(level: Level, new: &SchemaText, old: &SchemaText) -> Vec<String> {
    error_types(&check(level, new, std::slice::from_ref(old)))
}

const CLOSED: &str = r#","additionalProperties":false"#;

#[test]
fn open_content_model_property_added_and_removed() {
    let old = object(r#""a":{"type":"string"}"#, "");
    let new = object(r#""a":{"type":"string"},"b":{"type":"string"}"#, "");
    let messages = check(Level::Backward, &new, std::slice::from_ref(&old));
    assert_eq!(
        error_types(&messages),
        ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"]
    );
    assert_eq!(
        messages[0],
        "{errorType:\"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL\", description:\"The new \
         schema has an open content model and has a property or item at path \
         '#/properties/b' which is missing in the old schema'}"
    );
    // The old reader is open: a property it never heard of is fine.
    assert!(types_at(Level::Forward, &new, &old).is_empty());
    // A property with the empty schema is fine both ways.
    let any = object(r#""a":{"type":"string"},"b":{}"#, "");
    assert!(types_at(Level::Full, &any, &old).is_empty());
}

#[test]
fn closed_content_model_property_added_and_removed() {
    let old = object(r#""a":{"type":"string"}"#, CLOSED);
    let new = object(r#""a":{"type":"string"},"b":{"type":"string"}"#, CLOSED);
    assert!(types_at(Level::Backward, &new, &old).is_empty());
    assert_eq!(
        types_at(Level::Forward, &new, &old),
        ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"]
    );
    let required = object(
        r#""a":{"type":"string"},"b":{"type":"string"}"#,
        &format!(r#"{CLOSED},"required":["b"]"#),
    );
    assert_eq!(
        types_at(Level::Backward, &required, &old),
        ["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"]
    );
    let defaulted = object(
        r#""a":{"type":"string"},"b":{"type":"string","default":""}"#,
        &format!(r#"{CLOSED},"required":["b"]"#),
    );
    assert!(types_at(Level::Backward, &defaulted, &old).is_empty());
}

#[test]
fn partially_open_content_model_covers_matching_properties() {
    let old = object(
        r#""a":{"type":"string"}"#,
        r#","additionalProperties":{"type":"integer"}"#,
    );
    let covered = object(
        r#""a":{"type":"string"},"n":{"type":"number"}"#,
        r#","additionalProperties":{"type":"integer"}"#,
    );
    assert!(types_at(Level::Backward, &covered, &old).is_empty());
    let not_covered = object(
        r#""a":{"type":"string"},"s":{"type":"string"}"#,
        r#","additionalProperties":{"type":"integer"}"#,
    );
    assert_eq!(
        types_at(Level::Backward, &not_covered, &old),
        [
            "TYPE_CHANGED",
            "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
        ]
    );
}

#[test]
fn required_added_and_removed() {
    let old = object(r#""a":{"type":"string"}"#, "");
    let new = object(r#""a":{"type":"string"}"#, r#","required":["a"]"#);
    let messages = check(Level::Backward, &new, std::slice::from_ref(&old));
    assert_eq!(error_types(&messages), ["REQUIRED_ATTRIBUTE_ADDED"]);
    assert!(
        messages[0].contains(
            "The keyword at path '#/required/a' in the new schema is not present in the old schema"
        ),
        "{}",
        messages[0]
    );
    assert!(types_at(Level::Forward, &new, &old).is_empty());
}

#[test]
fn types_changed_extended_narrowed() {
    let string = json(r#"{"type":"string"}"#);
    let integer = json(r#"{"type":"integer"}"#);
    let number = json(r#"{"type":"number"}"#);
    assert_eq!(
        types_at(Level::Backward, &integer, &string),
        ["TYPE_CHANGED"]
    );
    assert!(types_at(Level::Backward, &number, &integer).is_empty());
    assert_eq!(
        types_at(Level::Forward, &number, &integer),
        ["TYPE_NARROWED"]
    );
    let nullable = json(r#"{"type":["string","null"]}"#);
    assert!(types_at(Level::Backward, &nullable, &string).is_empty());
    assert_eq!(
        types_at(Level::Forward, &nullable, &string),
        ["TYPE_CHANGED"]
    );
}

#[test]
fn limits_narrowed_and_extended() {
    let old = json(r#"{"type":"string","maxLength":10}"#);
    let shorter = json(r#"{"type":"string","maxLength":5}"#);
    let messages = check(Level::Backward, &shorter, std::slice::from_ref(&old));
    assert_eq!(error_types(&messages), ["MAX_LENGTH_DECREASED"]);
    assert!(messages[0].contains("The value at path '#/maxLength' in the new schema is less than its value in the old schema"));
    assert!(types_at(Level::Forward, &shorter, &old).is_empty());
    let minimum = |m: i32| json(&format!(r#"{{"type":"number","minimum":{m}}}"#));
    assert_eq!(
        types_at(Level::Backward, &minimum(5), &minimum(0)),
        ["MINIMUM_INCREASED"]
    );
    assert!(types_at(Level::Backward, &minimum(0), &minimum(5)).is_empty());
    let items = |t: &str| {
        json(&format!(
            r#"{{"type":"array","items":{{"type":"{t}"}},"maxItems":3}}"#
        ))
    };
    let messages = check(Level::Backward, &items("integer"), &[items("string")]);
    assert_eq!(error_types(&messages), ["TYPE_CHANGED"]);
    assert!(messages[0].contains("'#/items'"), "{}", messages[0]);
}

#[test]
fn enums_extend_backward_only() {
    let old = json(r#"{"enum":["A","B"]}"#);
    let new = json(r#"{"enum":["A","B","C"]}"#);
    assert!(types_at(Level::Backward, &new, &old).is_empty());
    assert_eq!(
        types_at(Level::Forward, &new, &old),
        ["ENUM_ARRAY_NARROWED"]
    );
    let typed_old = json(r#"{"type":"string","enum":["A","B"]}"#);
    let typed_new = json(r#"{"type":"string","enum":["A","B","C"]}"#);
    assert!(types_at(Level::Backward, &typed_new, &typed_old).is_empty());
    // Typed enums are an allOf of the type and the enum: the narrowed enum finds no
    // compatible partner, so the registry reports the combination.
    assert_eq!(
        types_at(Level::Forward, &typed_new, &typed_old),
        ["COMBINED_TYPE_SUBSCHEMAS_CHANGED"]
    );
}

#[test]
fn combined_types() {
    let old = json(r#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#);
    let wider = json(r#"{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}"#);
    assert!(types_at(Level::Backward, &wider, &old).is_empty());
    assert_eq!(
        types_at(Level::Forward, &wider, &old),
        ["SUM_TYPE_NARROWED"]
    );
    let changed = json(r#"{"oneOf":[{"type":"string"},{"type":"boolean"}]}"#);
    assert_eq!(
        types_at(Level::Backward, &changed, &old),
        ["COMBINED_TYPE_SUBSCHEMAS_CHANGED"]
    );
    let all = json(r#"{"allOf":[{"type":"string"},{"type":"integer"}]}"#);
    assert_eq!(
        types_at(Level::Backward, &all, &old),
        ["COMBINED_TYPE_CHANGED"]
    );
    // A plain type becoming a union containing it.
    let plain = json(r#"{"type":"string"}"#);
    assert!(types_at(Level::Backward, &old, &plain).is_empty());
}

#[test]
fn refs_local_and_by_reference_name() {
    let local = |t: &str| {
        json(&format!(
            r##"{{"type":"object","properties":{{"a":{{"$ref":"#/definitions/A"}}}},"definitions":{{"A":{{"type":"{t}"}}}}}}"##
        ))
    };
    let messages = check(Level::Backward, &local("integer"), &[local("string")]);
    assert_eq!(error_types(&messages), ["TYPE_CHANGED"]);
    assert!(messages[0].contains("'#/properties/a'"), "{}", messages[0]);
    let outer = r#"{"type":"object","properties":{"a":{"$ref":"a.json"}}}"#;
    let a = |t: &str| json(&format!(r#"{{"type":"{t}"}}"#));
    let old = json(outer).with_reference("a.json", a("string"));
    let new = json(outer).with_reference("a.json", a("integer"));
    assert_eq!(validate(&old), Ok(()));
    assert_eq!(types_at(Level::Backward, &new, &old), ["TYPE_CHANGED"]);
    assert!(validate(&json(outer))
        .unwrap_err()
        .contains("Unresolved $ref"));
    // Recursive definitions end.
    let tree = json(
        r##"{"$ref":"#/definitions/N","definitions":{"N":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/definitions/N"}}}}}}"##,
    );
    assert!(types_at(Level::Full, &tree, &tree).is_empty());
}

/// v2 was registered while the level was NONE; v3 suits v2 but not v1.
#[test]
fn transitive_levels_check_every_version() {
    let v1 = json(r#"{"type":"string"}"#);
    let v2 = json(r#"{"type":"integer","maximum":10}"#);
    let v3 = json(r#"{"type":"integer","maximum":10}"#);
    let history = [v1, v2];
    for (plain, transitive) in [
        (Level::Backward, Level::BackwardTransitive),
        (Level::Forward, Level::ForwardTransitive),
        (Level::Full, Level::FullTransitive),
    ] {
        assert!(check(plain, &v3, &history).is_empty(), "{plain}");
        assert!(
            error_types(&check(transitive, &v3, &history)).contains(&"TYPE_CHANGED".to_owned()),
            "{transitive}"
        );
    }
}

#[test]
fn invalid_schemas() {
    assert!(validate(&json("{"))
        .unwrap_err()
        .starts_with("Invalid schema"));
    assert!(validate(&json(r#"{"type":"strung"}"#)).is_err());
    assert!(validate(&json(r#"{"type":"object","minProperties":-1}"#)).is_err());
    assert_eq!(validate(&json("true")), Ok(()));
}
