//! Protobuf: in-memory compilation with imports, and the entry to the registry's diff.

use std::collections::HashMap;

use prost_reflect::prost_types::{DescriptorProto, FileDescriptorProto};
use prost_reflect::{DescriptorPool, FileDescriptor};

use super::protobuf_diff::Diff;
use super::{Kind, SchemaText};
use crate::{proto_files, proto_print};

/// The main file's name inside the in-memory compilation (imports use their own paths).
const MAIN_FILE: &str = "schema.proto";

/// A compiled Protobuf schema: its file and the sources of the files it imports.
pub(super) struct Parsed {
    pool: DescriptorPool,
    main: String,
    /// Import path to source, to tell an unchanged import from a changed one.
    imports: HashMap<String, String>,
}

impl Parsed {
    /// The schema's own file.
    pub(super) fn file(&self) -> FileDescriptor {
        self.pool
            .get_file_by_name(&self.main)
            .expect("the compiled main file is in its pool")
    }

    /// Whether `file` is this schema's own file (not an import).
    pub(super) fn is_main(&self, file: &FileDescriptor) -> bool {
        file.name() == self.main
    }

    /// The source of an imported file, `None` for built-in ones.
    pub(super) fn import_source(&self, file: &FileDescriptor) -> Option<&str> {
        self.imports.get(file.name()).map(String::as_str)
    }
}

/// Compiles `schema` with its references as imports (each `.proto` source or a base64
/// `FileDescriptorProto`); google/protobuf ones are built in.
pub(super) fn parse(schema: &SchemaText) -> Result<Parsed, String> {
    let imports: HashMap<String, String> = schema
        .flat_references()
        .into_iter()
        .filter(|(_, r)| r.kind == Kind::Protobuf)
        .map(|(name, r)| (name.to_owned(), r.text.clone()))
        .collect();
    let main = proto_files::main_name(MAIN_FILE, &imports);
    let mut files = imports.clone();
    files.insert(main.clone(), schema.text.clone());
    let pool = proto_files::compile(&main, files)
        .map_err(|e| format!("Invalid schema of type PROTOBUF, details: {e}"))?;
    Ok(Parsed {
        pool,
        main,
        imports,
    })
}

/// The schema as the registry's `format=serialized` returns it: a base64
/// `FileDescriptorProto`, the text as given when it is one already.
pub(super) fn serialized(schema: &SchemaText) -> Result<String, String> {
    if proto_files::is_serialized(&schema.text) {
        return Ok(schema.text.clone());
    }
    Ok(proto_files::serialized(&parse(schema)?.file()))
}

/// The `.proto` source a base64 `FileDescriptorProto` schema prints as, checked to compile
/// (with the references) back to the same descriptor; `None` for source, or when the
/// descriptor holds what the printer does not print (then the base64 is kept).
pub(super) fn source(schema: &SchemaText) -> Result<Option<String>, String> {
    let Some(descriptor) = proto_files::descriptor_from_base64(&schema.text) else {
        return Ok(None);
    };
    let original = parse(schema)?;
    let mut printed = schema.clone();
    printed.text = proto_print::print_file(&descriptor);
    let Ok(reparsed) = parse(&printed) else {
        return Ok(None);
    };
    let same = comparable(reparsed.file().file_descriptor_proto().clone())
        == comparable(original.file().file_descriptor_proto().clone());
    Ok(same.then_some(printed.text))
}

/// A descriptor stripped of what source and serialized forms of one file differ in:
/// the file name, source positions, and `json_name`s that are the default ones.
fn comparable(mut file: FileDescriptorProto) -> FileDescriptorProto {
    fn strip(message: &mut DescriptorProto) {
        for field in &mut message.field {
            if field.json_name.as_deref() == Some(&*proto_print::default_json_name(field.name())) {
                field.json_name = None;
            }
        }
        message.nested_type.iter_mut().for_each(strip);
    }
    file.name = None;
    file.source_code_info = None;
    file.message_type.iter_mut().for_each(strip);
    file
}

/// Incompatibility messages for `reader` reading data written with `writer`: the registry
/// diffs the writer (original) against the reader (update) and keeps incompatible kinds.
pub(super) fn reader_issues(reader: &Parsed, writer: &Parsed) -> Vec<String> {
    let mut diff = Diff::new(writer, reader);
    diff.compare_files();
    let mut messages: Vec<String> = Vec::new();
    for (kind, path) in diff.into_found() {
        if kind.compatible() {
            continue;
        }
        let message = format!(
            "{{errorType:\"{}\", description:\"{}\"}}",
            kind.name(),
            kind.description(&path)
        );
        // The registry can meet one type twice (as a top-level message and as a field's
        // type); one message per difference is enough.
        if !messages.contains(&message) {
            messages.push(message);
        }
    }
    messages
}
