//! How the registry's JSON Schema library sees a schema object: one typed schema, an enum,
//! a const, a `not`, a combination, or, when several of those are present at once, an
//! `allOf` of them; a list of types is an `anyOf` of one schema per type.

use serde_json::{Map, Value};

/// A schema's class; the diff compares classes before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Empty,
    False,
    Null,
    Boolean,
    String,
    Number,
    Object,
    Array,
    Enum,
    Const,
    Combined,
    Not,
}

/// A schema object seen as one class, with its keywords.
pub(super) struct Node {
    pub(super) class: Class,
    /// The keywords (for `Combined`, the criterion's subschemas are in `subschemas`).
    pub(super) keywords: Map<String, Value>,
    /// "allOf", "anyOf" or "oneOf" for `Combined`.
    pub(super) criterion: &'static str,
    pub(super) subschemas: Vec<Value>,
}

/// Keywords that each make their own part of a schema.
const PART_KEYWORDS: [&str; 6] = ["allOf", "anyOf", "oneOf", "not", "enum", "const"];

/// Keywords that imply a type when `type` is absent.
const IMPLIED: [(Class, &[&str]); 4] = [
    (
        Class::Object,
        &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "minProperties",
            "maxProperties",
            "dependencies",
            "unevaluatedProperties",
        ],
    ),
    (
        Class::Array,
        &[
            "items",
            "prefixItems",
            "additionalItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
            "unevaluatedItems",
        ],
    ),
    (Class::String, &["minLength", "maxLength", "pattern"]),
    (
        Class::Number,
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
];

impl Node {
    /// A node without combination.
    fn plain(class: Class, keywords: Map<String, Value>) -> Node {
        Node {
            class,
            keywords,
            criterion: "",
            subschemas: Vec::new(),
        }
    }

    /// A combination of `subschemas`.
    fn combined(criterion: &'static str, subschemas: Vec<Value>) -> Node {
        Node {
            class: Class::Combined,
            keywords: Map::new(),
            criterion,
            subschemas,
        }
    }

    /// Classifies a (dereferenced) schema value.
    pub(super) fn of(value: &Value) -> Node {
        match value {
            Value::Bool(false) => Node::plain(Class::False, Map::new()),
            Value::Object(map) => Node::of_object(map),
            _ => Node::plain(Class::Empty, Map::new()),
        }
    }

    /// Splits an object into its parts; one part is the node, several are an `allOf`.
    fn of_object(map: &Map<String, Value>) -> Node {
        let mut parts: Vec<Value> = Vec::new();
        for keyword in PART_KEYWORDS {
            if let Some(value) = map.get(keyword) {
                let mut part = Map::new();
                part.insert(keyword.to_owned(), value.clone());
                parts.push(Value::Object(part));
            }
        }
        let rest: Map<String, Value> = map
            .iter()
            .filter(|(k, _)| !PART_KEYWORDS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let typed = rest.contains_key("type")
            || IMPLIED
                .iter()
                .any(|(_, kws)| kws.iter().any(|k| rest.contains_key(*k)));
        match (parts.len(), typed) {
            (0, _) => Node::typed(rest),
            (1, false) => Node::single_part(map),
            _ => {
                if typed {
                    parts.push(Value::Object(rest));
                }
                Node::combined("allOf", parts)
            }
        }
    }

    /// The one part-keyword present, as its own class.
    fn single_part(map: &Map<String, Value>) -> Node {
        if let Some(Value::Array(subs)) = map.get("allOf") {
            return Node::combined("allOf", subs.clone());
        }
        if let Some(Value::Array(subs)) = map.get("anyOf") {
            return Node::combined("anyOf", subs.clone());
        }
        if let Some(Value::Array(subs)) = map.get("oneOf") {
            return Node::combined("oneOf", subs.clone());
        }
        let class = if map.contains_key("not") {
            Class::Not
        } else if map.contains_key("enum") {
            Class::Enum
        } else {
            Class::Const
        };
        Node::plain(class, map.clone())
    }

    /// The typed part: by `type`, a list of types, or implied by keywords.
    fn typed(rest: Map<String, Value>) -> Node {
        let with_type = |t: &str| {
            let mut copy = rest.clone();
            copy.insert("type".to_owned(), Value::String(t.to_owned()));
            Value::Object(copy)
        };
        match rest.get("type") {
            Some(Value::String(t)) => Node::plain(class_named(t), rest.clone()),
            Some(Value::Array(types)) => {
                let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
                match names.as_slice() {
                    [] => Node::plain(Class::Empty, rest.clone()),
                    [one] => Node::plain(class_named(one), rest.clone()),
                    many => Node::combined("anyOf", many.iter().map(|t| with_type(t)).collect()),
                }
            }
            _ => {
                let implied: Vec<Class> = IMPLIED
                    .iter()
                    .filter(|(_, kws)| kws.iter().any(|k| rest.contains_key(*k)))
                    .map(|(class, _)| *class)
                    .collect();
                match implied.as_slice() {
                    [] => Node::plain(Class::Empty, rest),
                    [one] => Node::plain(*one, rest),
                    many => {
                        let names: Vec<&str> = many.iter().map(|c| class_name(*c)).collect();
                        Node::combined("anyOf", names.iter().map(|t| with_type(t)).collect())
                    }
                }
            }
        }
    }

    /// A keyword as a number.
    pub(super) fn number(&self, keyword: &str) -> Option<f64> {
        self.keywords.get(keyword).and_then(Value::as_f64)
    }
}

/// The class for a `type` name ("integer" is a number that requires integers).
fn class_named(name: &str) -> Class {
    match name {
        "null" => Class::Null,
        "boolean" => Class::Boolean,
        "string" => Class::String,
        "number" | "integer" => Class::Number,
        "object" => Class::Object,
        "array" => Class::Array,
        _ => Class::Empty,
    }
}

/// The `type` name for an implied class.
fn class_name(class: Class) -> &'static str {
    match class {
        Class::Object => "object",
        Class::Array => "array",
        Class::String => "string",
        _ => "number",
    }
}
