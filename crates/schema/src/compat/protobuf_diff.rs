//! The registry's Protobuf schema diff (its `protobuf.diff` package's rules): messages by
//! name, fields by tag, oneof membership, field kinds in the registry's compatible groups.
//! Enum changes are all compatible there, so enums are not walked.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use prost_reflect::{Cardinality, FieldDescriptor, Kind as FieldKind, MessageDescriptor, Syntax};

use super::protobuf::Parsed;
use super::{READER, WRITER};

/// The registry's `Difference.Type`s this diff can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DiffType {
    PackageChanged,
    MessageAdded,
    MessageRemoved,
    FieldAdded,
    FieldRemoved,
    FieldNameChanged,
    FieldKindChanged,
    FieldScalarKindChanged,
    FieldNamedTypeChanged,
    FieldNumericLabelChanged,
    FieldStringOrBytesLabelChanged,
    RequiredFieldAdded,
    RequiredFieldRemoved,
    OneofAdded,
    OneofRemoved,
    OneofFieldAdded,
    OneofFieldRemoved,
    OneofFieldMovedToTopLevel,
    MultipleFieldsMovedToOneof,
    FieldMovedToExistingOneof,
}

impl DiffType {
    /// The registry's name for it.
    pub(super) fn name(self) -> &'static str {
        match self {
            DiffType::PackageChanged => "PACKAGE_CHANGED",
            DiffType::MessageAdded => "MESSAGE_ADDED",
            DiffType::MessageRemoved => "MESSAGE_REMOVED",
            DiffType::FieldAdded => "FIELD_ADDED",
            DiffType::FieldRemoved => "FIELD_REMOVED",
            DiffType::FieldNameChanged => "FIELD_NAME_CHANGED",
            DiffType::FieldKindChanged => "FIELD_KIND_CHANGED",
            DiffType::FieldScalarKindChanged => "FIELD_SCALAR_KIND_CHANGED",
            DiffType::FieldNamedTypeChanged => "FIELD_NAMED_TYPE_CHANGED",
            DiffType::FieldNumericLabelChanged => "FIELD_NUMERIC_LABEL_CHANGED",
            DiffType::FieldStringOrBytesLabelChanged => "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
            DiffType::RequiredFieldAdded => "REQUIRED_FIELD_ADDED",
            DiffType::RequiredFieldRemoved => "REQUIRED_FIELD_REMOVED",
            DiffType::OneofAdded => "ONEOF_ADDED",
            DiffType::OneofRemoved => "ONEOF_REMOVED",
            DiffType::OneofFieldAdded => "ONEOF_FIELD_ADDED",
            DiffType::OneofFieldRemoved => "ONEOF_FIELD_REMOVED",
            DiffType::OneofFieldMovedToTopLevel => "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
            DiffType::MultipleFieldsMovedToOneof => "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
            DiffType::FieldMovedToExistingOneof => "FIELD_MOVED_TO_EXISTING_ONEOF",
        }
    }

    /// Whether the registry's `COMPATIBLE_CHANGES` has it.
    pub(super) fn compatible(self) -> bool {
        matches!(
            self,
            DiffType::MessageAdded
                | DiffType::FieldAdded
                | DiffType::FieldRemoved
                | DiffType::FieldNameChanged
                | DiffType::FieldStringOrBytesLabelChanged
                | DiffType::OneofAdded
                | DiffType::OneofRemoved
                | DiffType::OneofFieldAdded
                | DiffType::OneofFieldMovedToTopLevel
        )
    }

    /// The registry's description (empty for the kinds it gives none).
    pub(super) fn description(self, path: &str) -> String {
        match self {
            DiffType::PackageChanged => format!(
                "The package at '{path}' in the {READER} schema does not match the package in the {WRITER} schema"
            ),
            DiffType::MessageRemoved => format!(
                "The {READER} schema is missing a MESSAGE type at path '{path}' in the {WRITER} schema"
            ),
            DiffType::FieldKindChanged => format!(
                "The type of a field at path '{path}' in the {READER} schema does not match the {WRITER} schema"
            ),
            DiffType::FieldScalarKindChanged => format!(
                "The kind of a SCALAR field at path '{path}' in the {READER} schema does not match its kind in the {WRITER} schema"
            ),
            DiffType::FieldNamedTypeChanged => format!(
                "The type of a MESSAGE field at path '{path}' in the {READER} schema does not match its type in the {WRITER} schema"
            ),
            DiffType::FieldNumericLabelChanged => format!(
                "The label for a NUMERIC field at path '{path}' in the {READER} schema does not match its label in the {WRITER} schema"
            ),
            // The registry's text has the double space.
            DiffType::RequiredFieldAdded => format!(
                "A required field  at path '{path}' in the {READER} schema is missing in the {WRITER} schema"
            ),
            DiffType::RequiredFieldRemoved => format!(
                "The {READER} schema is missing a required field at path: '{path}' in the {WRITER} schema"
            ),
            DiffType::OneofFieldRemoved => format!(
                "The {READER} schema is missing a oneof field at path '{path}' in the {WRITER} schema"
            ),
            DiffType::OneofFieldMovedToTopLevel => format!(
                "The oneof field at path '{path}' in the {READER} schema was moved out of its oneof to a top-level field in the {WRITER} schema"
            ),
            DiffType::MultipleFieldsMovedToOneof => format!(
                "Multiple fields in the oneof at path '{path}' in the {READER} schema are outside a oneof in the {WRITER} schema"
            ),
            DiffType::FieldMovedToExistingOneof => format!(
                "A field in the oneof at path '{path}' in the {READER} schema is outside an existing oneof in the {WRITER} schema"
            ),
            _ => String::new(),
        }
    }
}

/// The registry's scalar groups: kinds within one group share a wire encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarKind {
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}

/// What a field holds, as the registry compares it.
enum Shape {
    Scalar(ScalarKind),
    Map(FieldDescriptor, FieldDescriptor),
    Message(MessageDescriptor),
}

/// A field's label as written in the source; `None` where the source has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Optional,
    Required,
    Repeated,
}

/// A field's tag-indexed view of one message: fields, their oneofs, the oneofs' members.
struct Layout {
    by_tag: BTreeMap<u32, FieldDescriptor>,
    oneof_of: HashMap<u32, String>,
    oneofs: BTreeMap<String, Vec<u32>>,
}

impl Layout {
    /// Indexes `message`, leaving out proto3 `optional`'s synthetic oneofs.
    fn of(message: &MessageDescriptor) -> Layout {
        let mut layout = Layout {
            by_tag: BTreeMap::new(),
            oneof_of: HashMap::new(),
            oneofs: BTreeMap::new(),
        };
        for field in message.fields() {
            layout.by_tag.insert(field.number(), field);
        }
        for oneof in message.oneofs().filter(|o| !o.is_synthetic()) {
            let tags: Vec<u32> = oneof.fields().map(|f| f.number()).collect();
            for tag in &tags {
                layout.oneof_of.insert(*tag, oneof.name().to_owned());
            }
            layout.oneofs.insert(oneof.name().to_owned(), tags);
        }
        layout
    }
}

/// One comparison of an original (writer) schema with an update (reader).
pub(super) struct Diff<'a> {
    original: &'a Parsed,
    update: &'a Parsed,
    path: Vec<String>,
    /// Original messages whose fields are being compared further up (recursive types).
    in_progress: HashSet<String>,
    found: Vec<(DiffType, String)>,
}

impl<'a> Diff<'a> {
    /// A diff of `original` against `update`, nothing compared yet.
    pub(super) fn new(original: &'a Parsed, update: &'a Parsed) -> Diff<'a> {
        Diff {
            original,
            update,
            path: Vec::new(),
            in_progress: HashSet::new(),
            found: Vec::new(),
        }
    }

    /// Every difference found, with its `#/`-path, in the order found.
    pub(super) fn into_found(self) -> Vec<(DiffType, String)> {
        self.found
    }

    /// The two files: package, then top-level messages.
    pub(super) fn compare_files(&mut self) {
        let (original, update) = (self.original.file(), self.update.file());
        if original.package_name() != update.package_name() {
            self.add(DiffType::PackageChanged);
        }
        self.compare_messages(original.messages().collect(), update.messages().collect());
    }

    /// Records a difference at the current path.
    fn add(&mut self, kind: DiffType) {
        self.found
            .push((kind, format!("#/{}", self.path.join("/"))));
    }

    /// Records a difference one step below the current path.
    fn add_at(&mut self, step: &str, kind: DiffType) {
        self.path.push(step.to_owned());
        self.add(kind);
        self.path.pop();
    }

    /// Messages matched by name (map entries are not messages to the registry).
    fn compare_messages(
        &mut self,
        original: Vec<MessageDescriptor>,
        update: Vec<MessageDescriptor>,
    ) {
        let original: Vec<MessageDescriptor> =
            original.into_iter().filter(|m| !m.is_map_entry()).collect();
        let update: Vec<MessageDescriptor> =
            update.into_iter().filter(|m| !m.is_map_entry()).collect();
        for o in &original {
            self.path.push(o.name().to_owned());
            match update.iter().find(|u| u.name() == o.name()) {
                Some(u) => self.compare_message(o, u),
                None => self.add(DiffType::MessageRemoved),
            }
            self.path.pop();
        }
        for u in update
            .iter()
            .filter(|u| !original.iter().any(|o| o.name() == u.name()))
        {
            self.add_at(u.name(), DiffType::MessageAdded);
        }
    }

    /// One message: oneof membership, fields by tag, then nested messages.
    fn compare_message(&mut self, original: &MessageDescriptor, update: &MessageDescriptor) {
        if self.in_progress.insert(original.full_name().to_owned()) {
            let (o, u) = (Layout::of(original), Layout::of(update));
            self.compare_oneofs(&o, &u);
            self.compare_fields(&o, &u);
            self.in_progress.remove(original.full_name());
        }
        self.compare_messages(
            original.child_messages().collect(),
            update.child_messages().collect(),
        );
    }

    /// Newly mutually exclusive fields, and oneofs added or removed.
    fn compare_oneofs(&mut self, o: &Layout, u: &Layout) {
        for (name, tags) in &u.oneofs {
            let mut groups = BTreeSet::new();
            let mut moved_in = 0;
            for tag in tags {
                if let Some(oneof) = o.oneof_of.get(tag) {
                    groups.insert(format!("oneof:{oneof}"));
                } else if o.by_tag.contains_key(tag) {
                    groups.insert(format!("field:{tag}"));
                    moved_in += 1;
                }
            }
            if groups.len() > 1 {
                let kind = if moved_in > 1 {
                    DiffType::MultipleFieldsMovedToOneof
                } else {
                    DiffType::FieldMovedToExistingOneof
                };
                self.add_at(name, kind);
            }
        }
        let names: BTreeSet<&String> = o.oneofs.keys().chain(u.oneofs.keys()).collect();
        for name in names {
            if !u.oneofs.contains_key(name) {
                self.add_at(name, DiffType::OneofRemoved);
            } else if !o.oneofs.contains_key(name) {
                self.add_at(name, DiffType::OneofAdded);
            }
        }
    }

    /// Every tag of either side: removed, added, or compared where it now lives.
    fn compare_fields(&mut self, o: &Layout, u: &Layout) {
        // A oneof gone by name with none of its members surviving anywhere was deleted whole.
        let deleted_whole: HashSet<&String> = o
            .oneofs
            .iter()
            .filter(|(name, tags)| {
                !u.oneofs.contains_key(*name) && !tags.iter().any(|t| u.by_tag.contains_key(t))
            })
            .map(|(name, _)| name)
            .collect();
        let tags: BTreeSet<u32> = o.by_tag.keys().chain(u.by_tag.keys()).copied().collect();
        for tag in tags {
            let step = tag.to_string();
            let (o_oneof, u_oneof) = (o.oneof_of.get(&tag), u.oneof_of.get(&tag));
            match (o.by_tag.get(&tag), u.by_tag.get(&tag)) {
                (Some(_), None) => match o_oneof {
                    Some(oneof) if deleted_whole.contains(oneof) => {}
                    Some(oneof) => self.add_in_oneof(oneof, &step, DiffType::OneofFieldRemoved),
                    None if label(&o.by_tag[&tag]) == Some(Label::Required) => {
                        self.add_at(&step, DiffType::RequiredFieldRemoved);
                    }
                    None => self.add_at(&step, DiffType::FieldRemoved),
                },
                (None, Some(field)) => match u_oneof {
                    Some(oneof) => self.add_in_oneof(oneof, &step, DiffType::OneofFieldAdded),
                    None if label(field) == Some(Label::Required) => {
                        self.add_at(&step, DiffType::RequiredFieldAdded);
                    }
                    None => self.add_at(&step, DiffType::FieldAdded),
                },
                (Some(of), Some(uf)) => {
                    if o_oneof.is_some() && u_oneof.is_none() {
                        self.add_at(&step, DiffType::OneofFieldMovedToTopLevel);
                    }
                    if let Some(oneof) = u_oneof {
                        self.path.push(oneof.clone());
                    }
                    self.path.push(step);
                    self.compare_field(of, uf);
                    self.path.pop();
                    if u_oneof.is_some() {
                        self.path.pop();
                    }
                }
                (None, None) => {}
            }
        }
    }

    /// Records a difference at `oneof/tag`.
    fn add_in_oneof(&mut self, oneof: &str, step: &str, kind: DiffType) {
        self.path.push(oneof.to_owned());
        self.add_at(step, kind);
        self.path.pop();
    }

    /// One field present on both sides, at the current path.
    fn compare_field(&mut self, original: &FieldDescriptor, update: &FieldDescriptor) {
        if original.name() != update.name() {
            self.add(DiffType::FieldNameChanged);
        }
        self.compare_labels_and_shapes(label(original), label(update), original, update);
    }

    /// Kind (scalar, map, message), then scalar group and label, message type, or map parts.
    fn compare_labels_and_shapes(
        &mut self,
        o_label: Option<Label>,
        u_label: Option<Label>,
        original: &FieldDescriptor,
        update: &FieldDescriptor,
    ) {
        match (shape(original), shape(update)) {
            (Shape::Scalar(o), Shape::Scalar(u)) if o != u => {
                self.add(DiffType::FieldScalarKindChanged);
            }
            (Shape::Scalar(kind), Shape::Scalar(_)) => {
                if let (Some(o), Some(u)) = (o_label, u_label) {
                    if o != u {
                        self.add(if kind == ScalarKind::StringOrBytes {
                            DiffType::FieldStringOrBytesLabelChanged
                        } else {
                            DiffType::FieldNumericLabelChanged
                        });
                    }
                }
            }
            (Shape::Message(o), Shape::Message(u)) => self.compare_message_types(&o, &u),
            (Shape::Map(ok, ov), Shape::Map(uk, uv)) => {
                self.compare_labels_and_shapes(None, None, &ok, &uk);
                self.compare_labels_and_shapes(None, None, &ov, &uv);
            }
            _ => self.add(DiffType::FieldKindChanged),
        }
    }

    /// Same local name required; a type from an import that changed is compared in full.
    fn compare_message_types(&mut self, original: &MessageDescriptor, update: &MessageDescriptor) {
        let (o_local, u_local) = (local_name(original), local_name(update));
        if o_local != u_local {
            self.add(DiffType::FieldNamedTypeChanged);
            return;
        }
        let (o_file, u_file) = (original.parent_file(), update.parent_file());
        // Local types are compared as top-level messages; an import unchanged needs nothing.
        let both_local = self.original.is_main(&o_file) && self.update.is_main(&u_file);
        let same_import = !self.original.is_main(&o_file)
            && !self.update.is_main(&u_file)
            && o_file.name() == u_file.name()
            && self.original.import_source(&o_file) == self.update.import_source(&u_file);
        if both_local || same_import {
            return;
        }
        let mut sub = Diff {
            original: self.original,
            update: self.update,
            path: o_local.split('.').map(str::to_owned).collect(),
            in_progress: self.in_progress.clone(),
            found: Vec::new(),
        };
        sub.compare_message(original, update);
        let incompatible = sub.found.iter().any(|(kind, _)| !kind.compatible());
        self.found.extend(sub.found);
        if incompatible {
            self.add(DiffType::FieldNamedTypeChanged);
        }
    }
}

/// The message's name within its package (nested names dotted).
fn local_name(message: &MessageDescriptor) -> String {
    let package = message.package_name();
    let full = message.full_name();
    match full
        .strip_prefix(package)
        .and_then(|rest| rest.strip_prefix('.'))
    {
        Some(local) if !package.is_empty() => local.to_owned(),
        _ => full.to_owned(),
    }
}

/// The label the source wrote: proto3 plain fields and oneof members have none.
fn label(field: &FieldDescriptor) -> Option<Label> {
    let proto3_optional = field.field_descriptor_proto().proto3_optional();
    let in_real_oneof = field.containing_oneof().is_some_and(|o| !o.is_synthetic());
    match field.cardinality() {
        Cardinality::Repeated => Some(Label::Repeated),
        Cardinality::Required => Some(Label::Required),
        Cardinality::Optional if in_real_oneof => None,
        Cardinality::Optional if proto3_optional => Some(Label::Optional),
        Cardinality::Optional if field.parent_file().syntax() == Syntax::Proto3 => None,
        Cardinality::Optional => Some(Label::Optional),
    }
}

/// Maps by key and value; enums count as numbers, as the registry's scalar groups have them.
fn shape(field: &FieldDescriptor) -> Shape {
    if field.is_map() {
        if let FieldKind::Message(entry) = field.kind() {
            return Shape::Map(entry.map_entry_key_field(), entry.map_entry_value_field());
        }
    }
    Shape::Scalar(match field.kind() {
        FieldKind::Message(message) => return Shape::Message(message),
        FieldKind::Enum(_)
        | FieldKind::Int32
        | FieldKind::Int64
        | FieldKind::Uint32
        | FieldKind::Uint64
        | FieldKind::Bool => ScalarKind::GeneralNumber,
        FieldKind::Sint32 | FieldKind::Sint64 => ScalarKind::SignedNumber,
        FieldKind::String | FieldKind::Bytes => ScalarKind::StringOrBytes,
        FieldKind::Fixed32 | FieldKind::Sfixed32 => ScalarKind::Fixed32,
        FieldKind::Fixed64 | FieldKind::Sfixed64 => ScalarKind::Fixed64,
        FieldKind::Float => ScalarKind::Float,
        FieldKind::Double => ScalarKind::Double,
    })
}
