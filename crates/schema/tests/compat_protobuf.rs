//! Protobuf compatibility: the registry's diff kinds, per direction and level.

use schema::compat::{check, serialized, validate, Kind, Level, SchemaText};

fn proto(text: &str) -> SchemaText {
    SchemaText::new(Kind::Protobuf, text)
}

/// A proto3 file in package `p` with `body` after the header.
fn p3(body: &str) -> SchemaText {
    proto(&format!("syntax = \"proto3\";\npackage p;\n{body}\n"))
}

/// A proto2 file in package `p`.
fn p2(body: &str) -> SchemaText {
    proto(&format!("syntax = \"proto2\";\npackage p;\n{body}\n"))
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

#[test]
fn fields_added_or_removed_are_compatible_every_way() {
    let old = p3("message M { int32 a = 1; }");
    let new = p3("message M { int32 a = 1; string b = 2; }");
    for level in Level::ALL {
        assert!(types_at(level, &new, &old).is_empty(), "{level}");
        assert!(types_at(level, &old, &new).is_empty(), "{level}");
    }
}

#[test]
fn message_removed_breaks_backward_only() {
    let old = p3("message A { int32 a = 1; }\nmessage B { int32 b = 1; }");
    let new = p3("message A { int32 a = 1; }");
    let messages = check(Level::Backward, &new, std::slice::from_ref(&old));
    assert_eq!(
        messages[0],
        "{errorType:\"MESSAGE_REMOVED\", description:\"The new schema is missing a MESSAGE \
         type at path '#/B' in the old schema\"}"
    );
    assert!(messages[1].starts_with("{oldSchema: '"));
    assert!(types_at(Level::Forward, &new, &old).is_empty());
    assert_eq!(types_at(Level::Full, &new, &old), ["MESSAGE_REMOVED"]);
}

#[test]
fn scalar_kinds_change_within_their_group_only() {
    let field = |t: &str| p3(&format!("enum E {{ Z = 0; }}\nmessage M {{ {t} a = 1; }}"));
    for (from, to) in [
        ("int32", "int64"),
        ("uint64", "bool"),
        ("int32", "E"),
        ("string", "bytes"),
        ("fixed32", "sfixed32"),
    ] {
        assert!(
            types_at(Level::Full, &field(to), &field(from)).is_empty(),
            "{from}->{to}"
        );
    }
    for (from, to) in [
        ("int32", "sint32"),
        ("int32", "string"),
        ("float", "double"),
        ("fixed32", "fixed64"),
    ] {
        assert_eq!(
            types_at(Level::Backward, &field(to), &field(from)),
            ["FIELD_SCALAR_KIND_CHANGED"],
            "{from}->{to}"
        );
        assert_eq!(
            types_at(Level::Forward, &field(to), &field(from)),
            ["FIELD_SCALAR_KIND_CHANGED"],
            "{from}->{to}"
        );
    }
    let messages = check(Level::Backward, &field("string"), &[field("int32")]);
    assert!(
        messages[0].contains(
            "at path '#/M/1' in the new schema does not match its kind in the old schema"
        ),
        "{}",
        messages[0]
    );
}

#[test]
fn kinds_and_named_types() {
    let old = p3("message N { int32 x = 1; }\nmessage O { int32 x = 1; }\nmessage M { N a = 1; }");
    let to_scalar =
        p3("message N { int32 x = 1; }\nmessage O { int32 x = 1; }\nmessage M { int32 a = 1; }");
    assert_eq!(
        types_at(Level::Backward, &to_scalar, &old),
        ["FIELD_KIND_CHANGED"]
    );
    let to_other =
        p3("message N { int32 x = 1; }\nmessage O { int32 x = 1; }\nmessage M { O a = 1; }");
    assert_eq!(
        types_at(Level::Backward, &to_other, &old),
        ["FIELD_NAMED_TYPE_CHANGED"]
    );
    let to_map = p3("message N { int32 x = 1; }\nmessage O { int32 x = 1; }\nmessage M { map<string, N> a = 1; }");
    assert_eq!(
        types_at(Level::Backward, &to_map, &old),
        ["FIELD_KIND_CHANGED"]
    );
}

#[test]
fn map_values_compare_like_fields() {
    let old = p3("message M { map<string, int32> m = 1; }");
    let new = p3("message M { map<string, int64> m = 1; }");
    assert!(types_at(Level::Full, &new, &old).is_empty());
    let new = p3("message M { map<string, string> m = 1; }");
    assert_eq!(
        types_at(Level::Backward, &new, &old),
        ["FIELD_SCALAR_KIND_CHANGED"]
    );
}

#[test]
fn package_change_breaks_both_ways() {
    let old = p3("message M { int32 a = 1; }");
    let new = proto("syntax = \"proto3\";\npackage q;\nmessage M { int32 a = 1; }");
    assert_eq!(types_at(Level::Backward, &new, &old), ["PACKAGE_CHANGED"]);
    assert_eq!(
        types_at(Level::Full, &new, &old),
        ["PACKAGE_CHANGED", "PACKAGE_CHANGED"]
    );
    assert!(check(Level::Backward, &new, &[old])[0].contains("at '#/' in the new schema"));
}

#[test]
fn required_fields_added_and_removed() {
    let old = p2("message M { optional int32 a = 1; }");
    let new = p2("message M { optional int32 a = 1; required int32 b = 2; }");
    assert_eq!(
        types_at(Level::Backward, &new, &old),
        ["REQUIRED_FIELD_ADDED"]
    );
    assert_eq!(
        types_at(Level::Forward, &new, &old),
        ["REQUIRED_FIELD_REMOVED"]
    );
    let added = check(Level::Backward, &new, &[old]);
    assert!(
        added[0].contains(
            "A required field  at path '#/M/2' in the new schema is missing in the old schema"
        ),
        "{}",
        added[0]
    );
}

#[test]
fn numeric_labels_matter_string_labels_do_not() {
    let old = p2("message M { optional int32 a = 1; optional string s = 2; }");
    let new = p2("message M { repeated int32 a = 1; repeated string s = 2; }");
    assert_eq!(
        types_at(Level::Backward, &new, &old),
        ["FIELD_NUMERIC_LABEL_CHANGED"]
    );
    // proto3's unlabelled fields have no label to compare.
    let old = p3("message M { int32 a = 1; }");
    let new = p3("message M { optional int32 a = 1; }");
    assert!(types_at(Level::Full, &new, &old).is_empty());
}

#[test]
fn oneof_rules() {
    let base = p3("message M { oneof o { int32 a = 1; string b = 2; } int32 c = 3; int32 d = 4; }");
    // A member dropped while its oneof stays.
    let dropped = p3("message M { oneof o { int32 a = 1; } int32 c = 3; int32 d = 4; }");
    assert_eq!(
        types_at(Level::Backward, &dropped, &base),
        ["ONEOF_FIELD_REMOVED"]
    );
    let messages = check(Level::Backward, &dropped, std::slice::from_ref(&base));
    assert!(
        messages[0].contains("missing a oneof field at path '#/M/o/2'"),
        "{}",
        messages[0]
    );
    // The whole oneof deleted: compatible.
    let gone = p3("message M { int32 c = 3; int32 d = 4; }");
    assert!(types_at(Level::Backward, &gone, &base).is_empty());
    // A top-level field joining an existing oneof.
    let joined =
        p3("message M { oneof o { int32 a = 1; string b = 2; int32 c = 3; } int32 d = 4; }");
    assert_eq!(
        types_at(Level::Backward, &joined, &base),
        ["FIELD_MOVED_TO_EXISTING_ONEOF"]
    );
    // Two top-level fields into a new oneof.
    let grouped = p3("message M { oneof o { int32 a = 1; string b = 2; } oneof n { int32 c = 3; int32 d = 4; } }");
    assert_eq!(
        types_at(Level::Backward, &grouped, &base),
        ["MULTIPLE_FIELDS_MOVED_TO_ONEOF"]
    );
    // Out of a oneof to the top level: compatible.
    let freed =
        p3("message M { oneof o { int32 a = 1; } string b = 2; int32 c = 3; int32 d = 4; }");
    assert!(types_at(Level::Backward, &freed, &base).is_empty());
}

#[test]
fn nested_messages_and_recursion() {
    let old = p3("message M { message In { int32 x = 1; } In i = 1; M next = 2; }");
    let new = p3("message M { message In { string x = 1; } In i = 1; M next = 2; }");
    let messages = check(Level::Backward, &new, &[old]);
    assert_eq!(error_types(&messages), ["FIELD_SCALAR_KIND_CHANGED"]);
    assert!(messages[0].contains("'#/M/In/1'"), "{}", messages[0]);
}

#[test]
fn imports_resolve_and_changed_imports_are_compared() {
    let address = |t: &str| {
        proto(&format!(
            "syntax = \"proto3\";\npackage p;\nmessage Address {{ {t} zip = 1; }}"
        ))
    };
    let person = "syntax = \"proto3\";\npackage p;\nimport \"address.proto\";\nimport \"google/protobuf/timestamp.proto\";\nmessage Person { Address home = 1; google.protobuf.Timestamp born = 2; }";
    let old = proto(person).with_reference("address.proto", address("string"));
    let same = proto(person).with_reference("address.proto", address("bytes"));
    let changed = proto(person).with_reference("address.proto", address("int32"));
    assert_eq!(validate(&old), Ok(()));
    assert!(types_at(Level::Full, &same, &old).is_empty());
    let messages = check(Level::Backward, &changed, &[old]);
    assert_eq!(
        error_types(&messages),
        ["FIELD_SCALAR_KIND_CHANGED", "FIELD_NAMED_TYPE_CHANGED"]
    );
    assert!(messages[0].contains("'#/Address/1'"), "{}", messages[0]);
    assert!(messages[1].contains("'#/Person/1'"), "{}", messages[1]);
    assert!(validate(&proto(person))
        .unwrap_err()
        .starts_with("Invalid schema"));
}

/// v2 drops the field v1 had as int32 and v3 adds it back as a string.
#[test]
fn transitive_levels_check_every_version() {
    let v1 = p3("message M { int32 a = 1; }");
    let v2 = p3("message M { }");
    let v3 = p3("message M { string a = 1; }");
    let history = [v1, v2];
    for (plain, transitive) in [
        (Level::Backward, Level::BackwardTransitive),
        (Level::Forward, Level::ForwardTransitive),
        (Level::Full, Level::FullTransitive),
    ] {
        assert!(check(plain, &v3, &history).is_empty(), "{plain}");
        assert!(
            error_types(&check(transitive, &v3, &history))
                .contains(&"FIELD_SCALAR_KIND_CHANGED".to_owned()),
            "{transitive}"
        );
    }
}

#[test]
fn invalid_schemas() {
    let error = validate(&proto("syntax = \"proto3\"; message M { int32 a = ; }")).unwrap_err();
    assert!(error.starts_with("Invalid schema"), "{error}");
    assert!(validate(&proto("syntax = \"proto3\"; message M { Missing a = 1; }")).is_err());
    assert_eq!(
        check(
            Level::Backward,
            &proto("syntax = \"proto3\"; message"),
            &[p3("")]
        )
        .len(),
        1
    );
}

/// `order.proto` with its import, as text or as confluent-kafka-python's base64
/// `FileDescriptorProto`s.
fn order(serialized: bool) -> SchemaText {
    let (main, money) = if serialized {
        (
            include_str!("order.desc.b64"),
            include_str!("common/money.desc.b64"),
        )
    } else {
        (
            include_str!("order.proto"),
            include_str!("common/money.proto"),
        )
    };
    proto(main).with_reference("common/money.proto", proto(money).with_version(1))
}

#[test]
fn base64_descriptors_validate_and_compare_with_source() {
    validate(&order(true)).unwrap();
    for level in Level::ALL {
        assert!(
            check(level, &order(true), &[order(false)]).is_empty(),
            "{level}"
        );
        assert!(
            check(level, &order(false), &[order(true)]).is_empty(),
            "{level}"
        );
    }
    // A real difference is still found across the two forms.
    let retyped = include_str!("order.proto").replace("string id = 1;", "double id = 1;");
    let changed = proto(&retyped).with_reference(
        "common/money.proto",
        proto(include_str!("common/money.proto")),
    );
    assert_eq!(
        types_at(Level::Backward, &changed, &order(true)),
        ["FIELD_SCALAR_KIND_CHANGED"]
    );
}

#[test]
fn serialized_form_is_base64_of_the_descriptor() {
    // Registered as base64: returned as registered.
    let text = include_str!("order.desc.b64");
    assert_eq!(serialized(&order(true)).unwrap().as_deref(), Some(text));
    // Registered as source: compiled, and the base64 compiles back to the same schema.
    let from_source = serialized(&order(false)).unwrap().unwrap();
    let back = proto(&from_source).with_reference(
        "common/money.proto",
        proto(include_str!("common/money.proto")),
    );
    for level in Level::ALL {
        assert!(check(level, &back, &[order(false)]).is_empty(), "{level}");
    }
    assert_eq!(
        serialized(&SchemaText::new(Kind::Avro, "\"int\"")),
        Ok(None)
    );
}
