//! Avro compatibility: each level, the resolution rules, messages, transitivity, references.

use schema::compat::{check, validate, Kind, Level, SchemaText};

fn avro(text: &str) -> SchemaText {
    SchemaText::new(Kind::Avro, text)
}

/// A record `R` with the given fields JSON.
fn record(fields: &str) -> SchemaText {
    avro(&format!(
        r#"{{"type":"record","name":"R","namespace":"ns","fields":[{fields}]}}"#
    ))
}

/// The errorType of each incompatibility message (quoted schema lines left out).
fn error_types(messages: &[String]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m.strip_prefix("{errorType:'"))
        .map(|rest| rest.split('\'').next().unwrap_or_default().to_owned())
        .collect()
}

fn types_at(level: Level, new: &SchemaText, old: &[SchemaText]) -> Vec<String> {
    error_types(&check(level, new, old))
}

const A: &str = r#"{"name":"a","type":"int"}"#;
const B_NO_DEFAULT: &str = r#"{"name":"b","type":"string"}"#;
const B_DEFAULT: &str = r#"{"name":"b","type":"string","default":""}"#;

#[test]
fn level_names_round_trip() {
    for level in Level::ALL {
        assert_eq!(level.to_string().parse::<Level>().unwrap(), level);
    }
    assert_eq!(
        "full_transitive".parse::<Level>().unwrap(),
        Level::FullTransitive
    );
    assert!("SIDEWAYS".parse::<Level>().is_err());
    assert_eq!(Level::BackwardTransitive.to_string(), "BACKWARD_TRANSITIVE");
}

#[test]
fn field_added_without_default_breaks_backward_only() {
    let old = record(A);
    let new = record(&format!("{A},{B_NO_DEFAULT}"));
    let messages = check(Level::Backward, &new, std::slice::from_ref(&old));
    assert_eq!(
        error_types(&messages),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
    assert_eq!(
        messages[0],
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path \
         '/fields/1' in the new schema has no default value and is missing in the old schema', \
         additionalInfo:'b'}"
    );
    assert!(messages.last().unwrap().starts_with("{oldSchema: '"));
    assert!(check(Level::Forward, &new, std::slice::from_ref(&old)).is_empty());
    assert_eq!(
        types_at(Level::Full, &new, std::slice::from_ref(&old)),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
    assert!(check(Level::None, &new, &[old]).is_empty());
}

#[test]
fn field_removed_without_default_breaks_forward_only() {
    let old = record(&format!("{A},{B_NO_DEFAULT}"));
    let new = record(A);
    assert!(check(Level::Backward, &new, std::slice::from_ref(&old)).is_empty());
    let messages = check(Level::Forward, &new, &[old.clone().with_version(3)]);
    assert_eq!(
        error_types(&messages),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
    assert!(messages[0]
        .contains("in the old schema has no default value and is missing in the new schema"));
    assert_eq!(messages[1], "{oldSchemaVersion: 3}");
    assert_eq!(
        types_at(Level::FullTransitive, &new, &[old]),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
}

#[test]
fn field_with_default_is_fully_compatible() {
    let old = record(A);
    let new = record(&format!("{A},{B_DEFAULT}"));
    for level in Level::ALL {
        assert!(
            check(level, &new, std::slice::from_ref(&old)).is_empty(),
            "{level}"
        );
        assert!(
            check(level, &old, std::slice::from_ref(&new)).is_empty(),
            "{level}"
        );
    }
}

#[test]
fn promotions_widen_only() {
    let chain = [
        ("int", "long"),
        ("int", "float"),
        ("int", "double"),
        ("long", "float"),
        ("long", "double"),
        ("float", "double"),
        ("string", "bytes"),
        ("bytes", "string"),
    ];
    for (writer, reader) in chain {
        let old = record(&format!(r#"{{"name":"x","type":"{writer}"}}"#));
        let new = record(&format!(r#"{{"name":"x","type":"{reader}"}}"#));
        assert!(
            check(Level::Backward, &new, std::slice::from_ref(&old)).is_empty(),
            "{writer}->{reader}"
        );
        if writer != "string" && writer != "bytes" {
            let messages = check(Level::Forward, &new, &[old]);
            assert_eq!(
                error_types(&messages),
                ["TYPE_MISMATCH"],
                "{reader}->{writer}"
            );
            assert!(
                messages[0].contains("path '/fields/0/type'"),
                "{}",
                messages[0]
            );
            assert!(messages[0].contains(&format!(
                "additionalInfo:'reader type: {} not compatible with writer type: {}'",
                writer.to_uppercase(),
                reader.to_uppercase()
            )));
        }
    }
    let old = record(r#"{"name":"x","type":"int"}"#);
    let new = record(r#"{"name":"x","type":"string"}"#);
    assert_eq!(
        types_at(Level::Full, &new, &[old]),
        ["TYPE_MISMATCH", "TYPE_MISMATCH"]
    );
}

#[test]
fn logical_types_resolve_by_base_type() {
    let old = record(r#"{"name":"d","type":{"type":"int","logicalType":"date"}}"#);
    let new = record(r#"{"name":"d","type":"long"}"#);
    assert!(check(Level::Backward, &new, &[old]).is_empty());
}

fn enum_field(symbols: &str, default: Option<&str>) -> SchemaText {
    let default = default
        .map(|d| format!(r#","default":"{d}""#))
        .unwrap_or_default();
    record(&format!(
        r#"{{"name":"e","type":{{"type":"enum","name":"E","symbols":[{symbols}]{default}}}}}"#
    ))
}

#[test]
fn enum_symbol_added_breaks_forward_unless_reader_has_default() {
    let old = enum_field(r#""A","B""#, None);
    let new = enum_field(r#""A","B","C""#, None);
    assert!(check(Level::Backward, &new, std::slice::from_ref(&old)).is_empty());
    let messages = check(Level::Forward, &new, &[old]);
    assert_eq!(error_types(&messages), ["MISSING_ENUM_SYMBOLS"]);
    assert!(messages[0].contains(
        "description:'The old schema is missing enum symbols '[C]' at path '/fields/0/type/symbols' in the new schema'"
    ), "{}", messages[0]);
    // The old (reading) schema has an enum default: unknown symbols read as it.
    let old = enum_field(r#""A","B""#, Some("A"));
    let new = enum_field(r#""A","B","C""#, Some("A"));
    assert!(check(Level::Full, &new, &[old]).is_empty());
}

#[test]
fn unions_need_every_writer_branch() {
    let old = record(r#"{"name":"u","type":["null","string"]}"#);
    let new = record(r#"{"name":"u","type":["null","string","int"]}"#);
    assert!(check(Level::Backward, &new, std::slice::from_ref(&old)).is_empty());
    let messages = check(Level::Forward, &new, &[old]);
    assert_eq!(error_types(&messages), ["MISSING_UNION_BRANCH"]);
    assert!(
        messages[0].contains("path '/fields/0/type/2'"),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains("additionalInfo:'reader union lacking writer type: INT'"));

    // A plain type becoming a union that contains it reads old data; the reverse fails
    // only for the branch the old reader lacks.
    let old = record(r#"{"name":"u","type":"string"}"#);
    let new = record(r#"{"name":"u","type":["null","string"]}"#);
    assert!(check(Level::Backward, &new, std::slice::from_ref(&old)).is_empty());
    let messages = check(Level::Forward, &new, &[old]);
    assert_eq!(error_types(&messages), ["TYPE_MISMATCH"]);
    assert!(
        messages[0].contains("path '/fields/0/type/0'"),
        "{}",
        messages[0]
    );
}

#[test]
fn renamed_record_needs_an_alias() {
    let old = avro(r#"{"type":"record","name":"Old","namespace":"ns","fields":[]}"#);
    let new = avro(r#"{"type":"record","name":"New","namespace":"ns","fields":[]}"#);
    let messages = check(Level::Backward, &new, std::slice::from_ref(&old));
    assert_eq!(error_types(&messages), ["NAME_MISMATCH"]);
    assert!(messages[0].contains("The name of the schema has changed (path '/name')"));
    assert!(messages[0].contains("additionalInfo:'expected: ns.Old'"));
    let aliased =
        avro(r#"{"type":"record","name":"New","namespace":"ns","aliases":["Old"],"fields":[]}"#);
    assert!(check(Level::Backward, &aliased, std::slice::from_ref(&old)).is_empty());
    // Forward: the old reader has no alias for the new name.
    assert_eq!(
        types_at(Level::Forward, &aliased, &[old]),
        ["NAME_MISMATCH"]
    );
}

#[test]
fn renamed_field_with_alias_reads_old_data() {
    let old = record(B_NO_DEFAULT);
    let new = record(r#"{"name":"c","type":"string","aliases":["b"]}"#);
    assert!(check(Level::Backward, &new, std::slice::from_ref(&old)).is_empty());
    assert_eq!(
        types_at(Level::Forward, &new, &[old]),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
}

#[test]
fn fixed_size_change() {
    let old = avro(r#"{"type":"fixed","name":"F","size":4}"#);
    let new = avro(r#"{"type":"fixed","name":"F","size":8}"#);
    let messages = check(Level::Backward, &new, &[old]);
    assert_eq!(error_types(&messages), ["FIXED_SIZE_MISMATCH"]);
    assert!(messages[0].contains("additionalInfo:'expected: 4, found: 8'"));
    assert!(messages[0].contains("path '/size'"));
}

#[test]
fn arrays_maps_and_recursive_records() {
    let old = avro(r#"{"type":"map","values":{"type":"array","items":"int"}}"#);
    let new = avro(r#"{"type":"map","values":{"type":"array","items":"long"}}"#);
    assert!(check(Level::Backward, &new, std::slice::from_ref(&old)).is_empty());
    let messages = check(Level::Forward, &new, &[old]);
    assert!(
        messages[0].contains("path '/values/items'"),
        "{}",
        messages[0]
    );

    let list = |extra: &str| {
        avro(&format!(
            r#"{{"type":"record","name":"Node","fields":[{{"name":"next","type":["null","Node"]}}{extra}]}}"#
        ))
    };
    let old = list("");
    let new = list(r#",{"name":"v","type":"int","default":0}"#);
    assert!(check(Level::Full, &new, std::slice::from_ref(&old)).is_empty());
    let new = list(r#",{"name":"v","type":"int"}"#);
    assert_eq!(
        types_at(Level::Backward, &new, &[old]),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
}

/// v2 reads v1 and v3 reads v2, but v3 cannot read v1: only transitive levels see it.
#[test]
fn transitive_levels_check_every_version() {
    let v1 = record(A);
    let v2 = record(&format!("{A},{B_DEFAULT}"));
    let v3 = record(&format!("{A},{B_NO_DEFAULT}"));
    let history = [v1, v2];
    assert!(check(Level::Backward, &v3, &history).is_empty());
    assert_eq!(
        types_at(Level::BackwardTransitive, &v3, &history),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
    assert!(check(Level::Full, &v3, &history).is_empty());
    assert_eq!(
        types_at(Level::FullTransitive, &v3, &history),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );

    // Forward: the reverse chain (v3 drops what v2 defaulted and v1 required).
    let w1 = record(&format!("{A},{B_NO_DEFAULT}"));
    let w2 = record(&format!("{A},{B_DEFAULT}"));
    let w3 = record(A);
    let history = [w1, w2];
    assert!(check(Level::Forward, &w3, &history).is_empty());
    assert_eq!(
        types_at(Level::ForwardTransitive, &w3, &history),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
}

#[test]
fn references_resolve_named_types() {
    let address_v1 = avro(
        r#"{"type":"record","name":"Address","namespace":"ns","fields":[{"name":"street","type":"string"}]}"#,
    );
    let address_v2 = avro(
        r#"{"type":"record","name":"Address","namespace":"ns","fields":[{"name":"street","type":"string"},{"name":"zip","type":"string"}]}"#,
    );
    let person = r#"{"type":"record","name":"Person","namespace":"ns","fields":[{"name":"home","type":"Address"}]}"#;
    let old = avro(person).with_reference("ns.Address", address_v1);
    let new = avro(person).with_reference("ns.Address", address_v2);
    assert!(validate(&old).is_ok());
    let messages = check(Level::Backward, &new, &[old]);
    assert_eq!(
        error_types(&messages),
        ["READER_FIELD_MISSING_DEFAULT_VALUE"]
    );
    assert!(
        messages[0].contains("path '/fields/0/type/fields/1'"),
        "{}",
        messages[0]
    );
    assert!(validate(&avro(person)).is_err());
}

#[test]
fn invalid_and_mixed_kinds() {
    let error = validate(&avro(r#"{"type":"record","name":"R"}"#)).unwrap_err();
    assert!(error.starts_with("Invalid schema"), "{error}");
    assert!(validate(&avro(r#""int""#)).is_ok());
    let json = SchemaText::new(Kind::Json, r#"{"type":"object"}"#);
    assert_eq!(
        check(Level::Backward, &record(A), &[json])[0],
        "Incompatible because of different schema type"
    );
}

/// Why the crate's own checker is not used: it calls these "partially" compatible
/// (`Ok(Partial)`), where Avro Java and the registry say incompatible.
#[test]
fn apache_avro_checker_is_lenient_on_enums_and_unions() {
    use apache_avro::schema_compatibility::{Compatibility, SchemaCompatibility};
    use apache_avro::Schema;
    let writer =
        Schema::parse_str(r#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#).unwrap();
    let reader = Schema::parse_str(r#"{"type":"enum","name":"E","symbols":["A","B"]}"#).unwrap();
    assert_eq!(
        SchemaCompatibility::can_read(&writer, &reader),
        Ok(Compatibility::Partial)
    );
    let writer = Schema::parse_str(r#"["null","string","int"]"#).unwrap();
    let reader = Schema::parse_str(r#"["null","string"]"#).unwrap();
    assert_eq!(
        SchemaCompatibility::can_read(&writer, &reader),
        Ok(Compatibility::Partial)
    );
    // Ours follows Avro Java.
    let enums = |s: &str| avro(&format!(r#"{{"type":"enum","name":"E","symbols":[{s}]}}"#));
    assert_eq!(
        types_at(
            Level::Backward,
            &enums(r#""A","B""#),
            &[enums(r#""A","B","C""#)]
        ),
        ["MISSING_ENUM_SYMBOLS"]
    );
}
