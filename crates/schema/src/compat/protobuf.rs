//! Protobuf: in-memory compilation with imports, and the entry to the registry's diff.

use std::collections::HashMap;

use prost_reflect::{DescriptorPool, FileDescriptor};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

use super::protobuf_diff::Diff;
use super::{Kind, SchemaText};

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

/// Opens the referenced files from memory, by import path.
struct MemoryResolver(HashMap<String, String>);

impl FileResolver for MemoryResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.0.get(name) {
            Some(source) => File::from_source(name, source),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

/// Compiles `schema` with its references as imports; google/protobuf ones are built in.
pub(super) fn parse(schema: &SchemaText) -> Result<Parsed, String> {
    let imports: HashMap<String, String> = schema
        .flat_references()
        .into_iter()
        .filter(|(_, r)| r.kind == Kind::Protobuf)
        .map(|(name, r)| (name.to_owned(), r.text.clone()))
        .collect();
    let mut main = MAIN_FILE.to_owned();
    while imports.contains_key(&main) {
        main.insert(0, '_');
    }
    let mut files = imports.clone();
    files.insert(main.clone(), schema.text.clone());
    let mut resolver = ChainFileResolver::new();
    resolver.add(MemoryResolver(files));
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true);
    compiler
        .open_file(&main)
        .map_err(|e| format!("Invalid schema of type PROTOBUF, details: {e}"))?;
    Ok(Parsed {
        pool: compiler.descriptor_pool(),
        main,
        imports,
    })
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
