//! Protobuf files in memory, as `.proto` source or as a serialized `FileDescriptorProto`
//! in base64 (what confluent-kafka-python's serializer registers, and what the registry
//! returns for `?format=serialized`): compiled together with their imports, for the
//! codec and the compatibility checks alike.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use prost_reflect::prost::Message as _;
use prost_reflect::prost_types::FileDescriptorProto;
use prost_reflect::{DescriptorPool, FileDescriptor};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

/// Serves files by import path from memory, either form.
struct MemoryResolver(HashMap<String, String>);

impl FileResolver for MemoryResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.0.get(name) {
            Some(text) => match descriptor_from_base64(text) {
                Some(mut descriptor) => {
                    // The descriptor names itself as its producer's file did; the import
                    // path (or our main file's name) is what the compilation knows it by.
                    descriptor.name = Some(name.to_owned());
                    Ok(File::from_file_descriptor_proto(descriptor))
                }
                None => File::from_source(name, text),
            },
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

/// The `FileDescriptorProto` a text holds when it is base64 of one (never `.proto`
/// source: source always has a space, `;` or `{` outside base64's alphabet).
pub(crate) fn descriptor_from_base64(text: &str) -> Option<FileDescriptorProto> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let bytes = STANDARD.decode(trimmed).ok()?;
    FileDescriptorProto::decode(bytes.as_slice()).ok()
}

/// Whether `text` is a base64 `FileDescriptorProto` rather than `.proto` source.
pub(crate) fn is_serialized(text: &str) -> bool {
    descriptor_from_base64(text).is_some()
}

/// A name for the main file that no import uses, starting from `preferred`.
pub(crate) fn main_name(preferred: &str, imports: &HashMap<String, String>) -> String {
    let mut main = preferred.to_owned();
    while imports.contains_key(&main) {
        main.insert(0, '_');
    }
    main
}

/// Compiles the file `main` (its text in `files`, beside every import's by path);
/// `google/protobuf/*.proto` come with protox. The pool holds the imports too.
pub(crate) fn compile(
    main: &str,
    files: HashMap<String, String>,
) -> Result<DescriptorPool, protox::Error> {
    let mut resolver = ChainFileResolver::new();
    resolver.add(MemoryResolver(files));
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true);
    compiler.open_file(main)?;
    Ok(compiler.descriptor_pool())
}

/// The file as the registry's `format=serialized` gives it: base64 of its
/// `FileDescriptorProto`, without source positions (as Confluent's), so that one schema
/// serializes alike whatever its layout as source.
pub(crate) fn serialized(file: &FileDescriptor) -> String {
    let mut descriptor = file.file_descriptor_proto().clone();
    descriptor.source_code_info = None;
    STANDARD.encode(descriptor.encode_to_vec())
}
