//! The registry's JSON Schema `Difference.Type`s: which are compatible (its strict set,
//! the default policy) and the description each category gets.

use super::{READER, WRITER};

/// One of the registry's JSON Schema difference types, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DiffKind(pub(super) &'static str);

/// The registry's `COMPATIBLE_CHANGES_STRICT`.
const COMPATIBLE: &[&str] = &[
    "ID_CHANGED",
    "DESCRIPTION_CHANGED",
    "TITLE_CHANGED",
    "DEFAULT_CHANGED",
    "SCHEMA_REMOVED",
    "TYPE_EXTENDED",
    "MAX_LENGTH_INCREASED",
    "MAX_LENGTH_REMOVED",
    "MIN_LENGTH_DECREASED",
    "MIN_LENGTH_REMOVED",
    "PATTERN_REMOVED",
    "MAXIMUM_INCREASED",
    "MAXIMUM_REMOVED",
    "MINIMUM_DECREASED",
    "MINIMUM_REMOVED",
    "EXCLUSIVE_MAXIMUM_INCREASED",
    "EXCLUSIVE_MAXIMUM_REMOVED",
    "EXCLUSIVE_MINIMUM_DECREASED",
    "EXCLUSIVE_MINIMUM_REMOVED",
    "MULTIPLE_OF_REDUCED",
    "MULTIPLE_OF_REMOVED",
    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
    "REQUIRED_ATTRIBUTE_REMOVED",
    "DEPENDENCY_ARRAY_NARROWED",
    "DEPENDENCY_ARRAY_REMOVED",
    "DEPENDENCY_SCHEMA_REMOVED",
    "MAX_PROPERTIES_INCREASED",
    "MAX_PROPERTIES_REMOVED",
    "MIN_PROPERTIES_DECREASED",
    "MIN_PROPERTIES_REMOVED",
    "ADDITIONAL_PROPERTIES_ADDED",
    "ADDITIONAL_PROPERTIES_EXTENDED",
    "UNEVALUATED_PROPERTIES_ADDED",
    "UNEVALUATED_PROPERTIES_EXTENDED",
    "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "MAX_ITEMS_INCREASED",
    "MAX_ITEMS_REMOVED",
    "MIN_ITEMS_DECREASED",
    "MIN_ITEMS_REMOVED",
    "MAX_CONTAINS_INCREASED",
    "MAX_CONTAINS_REMOVED",
    "MIN_CONTAINS_DECREASED",
    "MIN_CONTAINS_REMOVED",
    "UNIQUE_ITEMS_REMOVED",
    "ADDITIONAL_ITEMS_ADDED",
    "ADDITIONAL_ITEMS_EXTENDED",
    "UNEVALUATED_ITEMS_ADDED",
    "UNEVALUATED_ITEMS_EXTENDED",
    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
    "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    "ENUM_ARRAY_EXTENDED",
    "COMBINED_TYPE_EXTENDED",
    "PRODUCT_TYPE_NARROWED",
    "SUM_TYPE_EXTENDED",
    "NOT_TYPE_NARROWED",
];

/// Keywords the update has that the original lacks (or the reverse): "not present".
const KEYWORD_ADDED_OR_REMOVED: &[&str] = &[
    "MAXIMUM_ADDED",
    "MINIMUM_ADDED",
    "EXCLUSIVE_MAXIMUM_ADDED",
    "EXCLUSIVE_MINIMUM_ADDED",
    "MULTIPLE_OF_ADDED",
    "MAX_LENGTH_ADDED",
    "MIN_LENGTH_ADDED",
    "PATTERN_ADDED",
    "REQUIRED_ATTRIBUTE_ADDED",
    "MAX_PROPERTIES_ADDED",
    "MIN_PROPERTIES_ADDED",
    "DEPENDENCY_ARRAY_ADDED",
    "DEPENDENCY_SCHEMA_ADDED",
    "MAX_ITEMS_ADDED",
    "MIN_ITEMS_ADDED",
    "MAX_CONTAINS_ADDED",
    "MIN_CONTAINS_ADDED",
    "UNIQUE_ITEMS_ADDED",
    "ADDITIONAL_ITEMS_REMOVED",
    "ADDITIONAL_PROPERTIES_REMOVED",
    "UNEVALUATED_PROPERTIES_REMOVED",
    "UNEVALUATED_ITEMS_REMOVED",
];
const VALUE_INCREASED: &[&str] = &[
    "MIN_LENGTH_INCREASED",
    "MINIMUM_INCREASED",
    "EXCLUSIVE_MINIMUM_INCREASED",
    "MIN_PROPERTIES_INCREASED",
    "MULTIPLE_OF_EXPANDED",
    "MIN_ITEMS_INCREASED",
    "MIN_CONTAINS_INCREASED",
];
const VALUE_DECREASED: &[&str] = &[
    "MAX_LENGTH_DECREASED",
    "MAXIMUM_DECREASED",
    "MAX_ITEMS_DECREASED",
    "MAX_CONTAINS_DECREASED",
    "EXCLUSIVE_MAXIMUM_DECREASED",
    "MAX_PROPERTIES_DECREASED",
];
const TYPE_NARROWED: &[&str] = &[
    "ADDITIONAL_ITEMS_NARROWED",
    "ENUM_ARRAY_NARROWED",
    "SUM_TYPE_NARROWED",
    "ADDITIONAL_PROPERTIES_NARROWED",
    "UNEVALUATED_PROPERTIES_NARROWED",
    "UNEVALUATED_ITEMS_NARROWED",
];
const VALUE_CHANGED: &[&str] = &[
    "PATTERN_CHANGED",
    "MULTIPLE_OF_CHANGED",
    "DEPENDENCY_ARRAY_CHANGED",
];
const TYPE_CHANGED: &[&str] = &[
    "TYPE_CHANGED",
    "TYPE_NARROWED",
    "COMBINED_TYPE_CHANGED",
    "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
    "ENUM_ARRAY_CHANGED",
];
const TYPE_EXTENDED: &[&str] = &[
    "DEPENDENCY_ARRAY_EXTENDED",
    "PRODUCT_TYPE_EXTENDED",
    "SUM_TYPE_EXTENDED",
    "NOT_TYPE_EXTENDED",
];
const ADDED_TO_OPEN: &[&str] = &[
    "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
];

impl DiffKind {
    /// The registry's name.
    pub(super) fn name(self) -> &'static str {
        self.0
    }

    /// Whether the registry's strict compatible set has it.
    pub(super) fn compatible(self) -> bool {
        COMPATIBLE.contains(&self.0)
    }

    /// The registry's description for its category (empty where it has none).
    pub(super) fn description(self, path: &str) -> String {
        let is = |set: &[&str]| set.contains(&self.0);
        if is(KEYWORD_ADDED_OR_REMOVED) {
            format!("The keyword at path '{path}' in the {READER} schema is not present in the {WRITER} schema")
        } else if is(VALUE_INCREASED) {
            format!("The value at path '{path}' in the {READER} schema is more than its value in the {WRITER} schema")
        } else if is(VALUE_DECREASED) {
            format!("The value at path '{path}' in the {READER} schema is less than its value in the {WRITER} schema")
        } else if is(VALUE_CHANGED) {
            format!(
                "The value at path '{path}' is different between the {READER} and {WRITER} schema"
            )
        } else if is(TYPE_NARROWED) {
            format!("An array or combined type at path '{path}' has fewer elements in the {READER} schema than the {WRITER} schema")
        } else if is(TYPE_EXTENDED) {
            format!("An array or combined type at path '{path}' has more elements in the {READER} schema than the {WRITER} schema")
        } else if is(TYPE_CHANGED) {
            format!("A type at path '{path}' is different between the {READER} schema and the {WRITER} schema")
        } else {
            self.property_or_item(path)
        }
    }

    /// Descriptions of the content-model kinds.
    fn property_or_item(self, path: &str) -> String {
        match self.0 {
            k if ADDED_TO_OPEN.contains(&k) => format!(
                "The {READER} schema has an open content model and has a property or item at path '{path}' which is missing in the {WRITER} schema"
            ),
            "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" => format!(
                "The {READER} schema has an unopen content model and has a required property at path '{path}' which is missing in the {WRITER} schema"
            ),
            "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL" | "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL" => format!(
                "The {READER} has a closed content model and is missing a property or item present at path '{path}' in the {WRITER} schema"
            ),
            "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            | "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => format!(
                "A property or item is missing in the {READER} schema but present at path '{path}' in the {WRITER} schema and is not covered by its partially open content model"
            ),
            "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            | "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" => format!(
                "The {READER} schema has a property or item at path '{path}' which is missing in the {WRITER} schema and is not covered by its partially open content model"
            ),
            _ => String::new(),
        }
    }
}
