//! A `FileDescriptorProto` printed back as `.proto` source, as Confluent's registry does
//! with a schema registered as a serialized descriptor (confluent-kafka-python's): clients
//! that parse the text (confluent-kafka-go) can then read it.
//!
//! Covers proto2 and proto3 files: imports, string/bool/enum file options, messages,
//! fields (labels, proto3 `optional`, maps, `packed`, `json_name`, proto2 defaults),
//! oneofs, nested types, enums (`allow_alias`), reserved ranges and names, and services.
//! Not printed: extensions (`extend`), groups (printed as a message field), custom and
//! message/field options other than those, and editions files.

use std::collections::HashSet;
use std::fmt::Write as _;

use prost_reflect::prost_types::field_descriptor_proto::{Label, Type};
use prost_reflect::prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileOptions,
    ServiceDescriptorProto,
};

/// One past the largest field number: a message's reserved range ending here is `to max`.
const FIELD_NUMBER_END: i32 = 536_870_912;

/// The file as `.proto` source that compiles back to an equivalent descriptor.
pub fn print_file(file: &FileDescriptorProto) -> String {
    let proto3 = file.syntax() == "proto3";
    let mut out = String::new();
    let _ = writeln!(
        out,
        "syntax = \"{}\";",
        if proto3 { "proto3" } else { "proto2" }
    );
    if !file.package().is_empty() {
        let _ = writeln!(out, "package {};", file.package());
    }
    let public: HashSet<i32> = file.public_dependency.iter().copied().collect();
    let weak: HashSet<i32> = file.weak_dependency.iter().copied().collect();
    if !file.dependency.is_empty() {
        out.push('\n');
    }
    for (i, dep) in file.dependency.iter().enumerate() {
        let index = i32::try_from(i).unwrap_or(i32::MAX);
        let modifier = if public.contains(&index) {
            "public "
        } else if weak.contains(&index) {
            "weak "
        } else {
            ""
        };
        let _ = writeln!(out, "import {modifier}{};", quote(dep));
    }
    if let Some(options) = &file.options {
        print_file_options(&mut out, options);
    }
    let printer = Printer { proto3 };
    let scope = if file.package().is_empty() {
        String::new()
    } else {
        format!(".{}", file.package())
    };
    for message in &file.message_type {
        out.push('\n');
        printer.message(&mut out, message, &scope, 0);
    }
    for enumeration in &file.enum_type {
        out.push('\n');
        printer.enumeration(&mut out, enumeration, 0);
    }
    for service in &file.service {
        out.push('\n');
        print_service(&mut out, service);
    }
    out
}

/// The file options commonly set, as `option x = ...;` lines.
fn print_file_options(out: &mut String, o: &FileOptions) {
    let strings = [
        ("java_package", &o.java_package),
        ("java_outer_classname", &o.java_outer_classname),
        ("go_package", &o.go_package),
        ("objc_class_prefix", &o.objc_class_prefix),
        ("csharp_namespace", &o.csharp_namespace),
        ("swift_prefix", &o.swift_prefix),
        ("php_class_prefix", &o.php_class_prefix),
        ("php_namespace", &o.php_namespace),
        ("php_metadata_namespace", &o.php_metadata_namespace),
        ("ruby_package", &o.ruby_package),
    ];
    let bools = [
        ("java_multiple_files", o.java_multiple_files),
        ("java_string_check_utf8", o.java_string_check_utf8),
        ("cc_generic_services", o.cc_generic_services),
        ("java_generic_services", o.java_generic_services),
        ("py_generic_services", o.py_generic_services),
        ("deprecated", o.deprecated),
        ("cc_enable_arenas", o.cc_enable_arenas),
    ];
    let mut lines = Vec::new();
    for (name, value) in strings {
        if let Some(value) = value {
            lines.push(format!("option {name} = {};", quote(value)));
        }
    }
    for (name, value) in bools {
        if let Some(value) = value {
            lines.push(format!("option {name} = {value};"));
        }
    }
    if o.optimize_for.is_some() {
        lines.push(format!(
            "option optimize_for = {};",
            o.optimize_for().as_str_name()
        ));
    }
    if !lines.is_empty() {
        out.push('\n');
    }
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}

/// What printing a message needs to know of its file.
struct Printer {
    proto3: bool,
}

impl Printer {
    /// A message with its fields, oneofs, nested types and reserved numbers and names;
    /// `scope` is its parent's full name with a leading dot.
    fn message(&self, out: &mut String, m: &DescriptorProto, scope: &str, depth: usize) {
        let pad = "  ".repeat(depth);
        let inner = "  ".repeat(depth + 1);
        let full_name = format!("{scope}.{}", m.name());
        let _ = writeln!(out, "{pad}message {} {{", m.name());
        let mut oneofs_done = HashSet::new();
        for field in &m.field {
            match real_oneof(field) {
                Some(index) => {
                    if oneofs_done.insert(index) {
                        self.oneof(out, m, index, &full_name, depth + 1);
                    }
                }
                None => {
                    let line = self.field(field, m, &full_name, false);
                    let _ = writeln!(out, "{inner}{line}");
                }
            }
        }
        for nested in &m.nested_type {
            // Map entries are printed as `map<K, V>` fields, never as messages.
            if nested.options.as_ref().and_then(|o| o.map_entry) == Some(true) {
                continue;
            }
            self.message(out, nested, &full_name, depth + 1);
        }
        for nested in &m.enum_type {
            self.enumeration(out, nested, depth + 1);
        }
        let ranges: Vec<String> = m
            .reserved_range
            .iter()
            .map(|r| range(r.start(), r.end() - 1, r.end() == FIELD_NUMBER_END))
            .collect();
        reserved(out, &inner, &ranges, &m.reserved_name);
        let _ = writeln!(out, "{pad}}}");
    }

    /// A oneof with its fields, at the position of its first field.
    fn oneof(&self, out: &mut String, m: &DescriptorProto, index: i32, scope: &str, depth: usize) {
        let pad = "  ".repeat(depth);
        let name = usize::try_from(index)
            .ok()
            .and_then(|i| m.oneof_decl.get(i))
            .map_or("", |o| o.name());
        let _ = writeln!(out, "{pad}oneof {name} {{");
        for field in m.field.iter().filter(|f| real_oneof(f) == Some(index)) {
            let _ = writeln!(out, "{pad}  {}", self.field(field, m, scope, true));
        }
        let _ = writeln!(out, "{pad}}}");
    }

    /// A field's line: label, type (`map<K, V>` for a map), name, number and options.
    fn field(
        &self,
        f: &FieldDescriptorProto,
        m: &DescriptorProto,
        scope: &str,
        in_oneof: bool,
    ) -> String {
        if let Some(entry) = map_entry(f, m, scope) {
            let key = entry.field.iter().find(|e| e.number() == 1);
            let value = entry.field.iter().find(|e| e.number() == 2);
            if let (Some(key), Some(value)) = (key, value) {
                let options = field_options(f, false);
                return format!(
                    "map<{}, {}> {} = {}{options};",
                    type_name(key),
                    type_name(value),
                    f.name(),
                    f.number()
                );
            }
        }
        let label = match (f.label(), in_oneof) {
            (_, true) => "",
            (Label::Repeated, _) => "repeated ",
            (Label::Required, _) => "required ",
            (Label::Optional, _) if !self.proto3 || f.proto3_optional() => "optional ",
            (Label::Optional, _) => "",
        };
        let options = field_options(f, !self.proto3);
        format!(
            "{label}{} {} = {}{options};",
            type_name(f),
            f.name(),
            f.number()
        )
    }

    /// An enum with its values, `allow_alias`, and reserved numbers and names.
    fn enumeration(&self, out: &mut String, e: &EnumDescriptorProto, depth: usize) {
        let pad = "  ".repeat(depth);
        let inner = "  ".repeat(depth + 1);
        let _ = writeln!(out, "{pad}enum {} {{", e.name());
        if e.options.as_ref().and_then(|o| o.allow_alias) == Some(true) {
            let _ = writeln!(out, "{inner}option allow_alias = true;");
        }
        for value in &e.value {
            let deprecated = value.options.as_ref().and_then(|o| o.deprecated);
            let options = deprecated.map_or(String::new(), |d| format!(" [deprecated = {d}]"));
            let _ = writeln!(
                out,
                "{inner}{} = {}{options};",
                value.name(),
                value.number()
            );
        }
        // Enum reserved ranges are inclusive, unlike a message's.
        let ranges: Vec<String> = e
            .reserved_range
            .iter()
            .map(|r| range(r.start(), r.end(), r.end() == i32::MAX))
            .collect();
        reserved(out, &inner, &ranges, &e.reserved_name);
        let _ = writeln!(out, "{pad}}}");
    }
}

/// A service with its methods and their stream flags.
fn print_service(out: &mut String, s: &ServiceDescriptorProto) {
    let _ = writeln!(out, "service {} {{", s.name());
    for m in &s.method {
        let stream = |on: bool| if on { "stream " } else { "" };
        let _ = writeln!(
            out,
            "  rpc {}({}{}) returns ({}{});",
            m.name(),
            stream(m.client_streaming()),
            m.input_type(),
            stream(m.server_streaming()),
            m.output_type()
        );
    }
    let _ = writeln!(out, "}}");
}

/// The field's oneof, unless it is the synthetic one of a proto3 `optional` field.
fn real_oneof(f: &FieldDescriptorProto) -> Option<i32> {
    if f.proto3_optional() {
        return None;
    }
    f.oneof_index
}

/// The map entry message a repeated message field is the map of, if it is a map.
fn map_entry<'a>(
    f: &FieldDescriptorProto,
    m: &'a DescriptorProto,
    scope: &str,
) -> Option<&'a DescriptorProto> {
    if f.label() != Label::Repeated || f.r#type() != Type::Message {
        return None;
    }
    // Entries are nested in the message holding the map, so the type's name is this
    // message's full name and the entry's (relative names too, from protoc's output).
    let simple = f.type_name().rsplit('.').next()?;
    let entry = m.nested_type.iter().find(|n| {
        n.name() == simple && n.options.as_ref().and_then(|o| o.map_entry) == Some(true)
    })?;
    let full = format!("{scope}.{simple}");
    (f.type_name() == full || !f.type_name().starts_with('.')).then_some(entry)
}

/// The type as written in a field: a scalar's keyword, or the message or enum's name as
/// the descriptor gives it (fully qualified with a leading dot, as Confluent prints it).
fn type_name(f: &FieldDescriptorProto) -> String {
    let scalar = match f.r#type() {
        Type::Double => "double",
        Type::Float => "float",
        Type::Int64 => "int64",
        Type::Uint64 => "uint64",
        Type::Int32 => "int32",
        Type::Fixed64 => "fixed64",
        Type::Fixed32 => "fixed32",
        Type::Bool => "bool",
        Type::String => "string",
        Type::Bytes => "bytes",
        Type::Uint32 => "uint32",
        Type::Sfixed32 => "sfixed32",
        Type::Sfixed64 => "sfixed64",
        Type::Sint32 => "sint32",
        Type::Sint64 => "sint64",
        Type::Message | Type::Enum | Type::Group => return f.type_name().to_owned(),
    };
    scalar.to_owned()
}

/// A field's ` [...]` options: `packed`, `deprecated`, `json_name` when not the default
/// one, and (proto2) its default value; empty when none.
fn field_options(f: &FieldDescriptorProto, proto2: bool) -> String {
    let mut options = Vec::new();
    if let Some(default) = f.default_value.as_deref().filter(|_| proto2) {
        options.push(format!("default = {}", default_literal(f, default)));
    }
    if let Some(o) = &f.options {
        if let Some(packed) = o.packed {
            options.push(format!("packed = {packed}"));
        }
        if let Some(deprecated) = o.deprecated {
            options.push(format!("deprecated = {deprecated}"));
        }
    }
    if let Some(json) = f.json_name.as_deref() {
        if json != default_json_name(f.name()) {
            options.push(format!("json_name = {}", quote(json)));
        }
    }
    if options.is_empty() {
        String::new()
    } else {
        format!(" [{}]", options.join(", "))
    }
}

/// A proto2 default as source: strings quoted; bytes are C-escaped in the descriptor
/// already; numbers, `inf`, `nan`, booleans and enum value names as they are.
fn default_literal(f: &FieldDescriptorProto, default: &str) -> String {
    match f.r#type() {
        Type::String => quote(default),
        Type::Bytes => format!("\"{default}\""),
        _ => default.to_owned(),
    }
}

/// protoc's JSON name for a field: underscores dropped, each following letter capitalised.
pub(crate) fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `n`, `a to b` or `a to max` for a reserved range (`last` inclusive).
fn range(start: i32, last: i32, to_max: bool) -> String {
    if to_max {
        format!("{start} to max")
    } else if start == last {
        start.to_string()
    } else {
        format!("{start} to {last}")
    }
}

/// The `reserved` lines of a message or enum, numbers then names.
fn reserved(out: &mut String, pad: &str, ranges: &[String], names: &[String]) {
    if !ranges.is_empty() {
        let _ = writeln!(out, "{pad}reserved {};", ranges.join(", "));
    }
    if !names.is_empty() {
        let names: Vec<String> = names.iter().map(|n| quote(n)).collect();
        let _ = writeln!(out, "{pad}reserved {};", names.join(", "));
    }
}

/// A string literal, escaped so any bytes survive (non-printable ones as octal).
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for byte in text.bytes() {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b' '..=b'~' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out.push('"');
    out
}
