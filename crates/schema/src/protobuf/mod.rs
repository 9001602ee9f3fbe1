//! Protobuf: the main file compiled with its imports, and messages found by index path.

mod codec;
mod map_order;
mod sorted_encode;
mod template;

use std::collections::HashMap;

use prost_reflect::{FileDescriptor, MessageDescriptor};

use crate::error::{CompileError, EncodeError};
use crate::proto_files;
use crate::schema::{MessageName, Reference};

/// A compiled `.proto` file and the pool holding it and its imports.
#[derive(Debug, Clone)]
pub(crate) struct ProtoSchema {
    file: FileDescriptor,
    text: String,
}

impl ProtoSchema {
    /// Compiles `text` as a file importing `references` by their names; the well-known
    /// `google/protobuf/*.proto` come with protox. Each text may be `.proto` source or a
    /// base64 `FileDescriptorProto` (as confluent-kafka-python registers them).
    pub(crate) fn compile(text: &str, references: &[Reference]) -> Result<Self, CompileError> {
        let mut sources: HashMap<String, String> = references
            .iter()
            .map(|r| (r.name.clone(), r.text.clone()))
            .collect();
        let main = proto_files::main_name("main.proto", &sources);
        sources.insert(main.clone(), text.to_string());
        let pool = proto_files::compile(&main, sources)
            // protox's Debug form leads with `file:line:column:`, its Display does not.
            .map_err(|e| CompileError::Protobuf(format!("{e:?}")))?;
        let file = pool
            .get_file_by_name(&main)
            .ok_or_else(|| CompileError::Protobuf("compiled file missing from its pool".into()))?;
        Ok(Self {
            file,
            text: text.to_string(),
        })
    }

    /// The compiled main file.
    pub(crate) fn file(&self) -> &FileDescriptor {
        &self.file
    }

    /// The source as given (protox keeps no printer for descriptors).
    pub(crate) fn source(&self) -> String {
        self.text.clone()
    }

    /// The message at an index path: `[i]` top-level, `[i, j]` its j-th nested message…
    fn message_at(&self, indexes: &[i32]) -> Option<MessageDescriptor> {
        let (first, rest) = indexes.split_first().unwrap_or((&0, &[]));
        let mut message = self.file.messages().nth(usize::try_from(*first).ok()?)?;
        for &index in rest {
            let child = message.child_messages().nth(usize::try_from(index).ok()?)?;
            message = child;
        }
        Some(message)
    }

    /// The message named `type_name` (full name, or the first top-level message).
    fn message_named(&self, type_name: Option<&str>) -> Result<MessageDescriptor, EncodeError> {
        let found = match type_name {
            None => self.file.messages().next(),
            Some(name) => {
                let name = name.trim_start_matches('.');
                self.message_names()
                    .into_iter()
                    .find(|m| m.full_name == name)
                    .and_then(|m| self.message_at(&m.indexes))
            }
        };
        found.ok_or_else(|| EncodeError::UnknownType(type_name.unwrap_or("(first message)").into()))
    }

    /// Every message of the file, depth first in declaration order, without map entries.
    pub(crate) fn message_names(&self) -> Vec<MessageName> {
        let mut names = Vec::new();
        for (i, message) in self.file.messages().enumerate() {
            collect_messages(&message, vec![index_of(i)], &mut names);
        }
        names
    }
}

fn collect_messages(message: &MessageDescriptor, indexes: Vec<i32>, names: &mut Vec<MessageName>) {
    if message.is_map_entry() {
        return;
    }
    names.push(MessageName {
        full_name: message.full_name().to_string(),
        indexes: indexes.clone(),
    });
    for (i, child) in message.child_messages().enumerate() {
        let mut path = indexes.clone();
        path.push(index_of(i));
        collect_messages(&child, path, names);
    }
}

/// A message's position as a wire index (files never hold 2^31 messages).
fn index_of(position: usize) -> i32 {
    i32::try_from(position).unwrap_or(i32::MAX)
}

/// The index path of a message, for the wire framing.
fn index_path(message: &MessageDescriptor) -> Vec<i32> {
    let mut path = Vec::new();
    let mut current = message.clone();
    loop {
        let name = current.full_name().to_string();
        match current.parent_message() {
            Some(parent) => {
                let position = parent.child_messages().position(|m| m.full_name() == name);
                path.push(index_of(position.unwrap_or(0)));
                current = parent;
            }
            None => {
                let position = current
                    .parent_file()
                    .messages()
                    .position(|m| m.full_name() == name);
                path.push(index_of(position.unwrap_or(0)));
                break;
            }
        }
    }
    path.reverse();
    path
}
