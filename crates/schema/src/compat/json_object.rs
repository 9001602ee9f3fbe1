//! Object and array keywords of the registry's JSON Schema diff, with its content models:
//! open (anything else allowed), closed (nothing else), partially open (others must match
//! a schema: `additionalProperties`/`patternProperties`/`unevaluatedProperties` or items').

use serde_json::{Map, Value};

use super::json_diff::{union_keys, Diff, Src};
use super::json_node::{Class, Node};

/// Whether a schema value is the empty (always-valid) schema.
fn is_empty_schema(value: &Value) -> bool {
    Node::of(value).class == Class::Empty
}

/// Object-side content model.
struct Model<'n> {
    keywords: &'n Map<String, Value>,
    additional: &'static str,
    unevaluated: &'static str,
}

impl<'n> Model<'n> {
    /// The object model of `node`.
    fn object(node: &'n Node) -> Model<'n> {
        Model {
            keywords: &node.keywords,
            additional: "additionalProperties",
            unevaluated: "unevaluatedProperties",
        }
    }

    /// The array model of `node`.
    fn array(node: &'n Node) -> Model<'n> {
        Model {
            keywords: &node.keywords,
            additional: "additionalItems",
            unevaluated: "unevaluatedItems",
        }
    }

    /// Not `false`.
    fn permits_additional(&self) -> bool {
        self.keywords.get(self.additional) != Some(&Value::Bool(false))
    }

    /// The schema others must match, when it is a schema object.
    fn schema_of_additional(&self) -> Option<&'n Value> {
        self.keywords.get(self.additional).filter(|v| v.is_object())
    }

    /// `unevaluated*`, when present.
    fn unevaluated(&self) -> Option<&'n Value> {
        self.keywords.get(self.unevaluated)
    }

    /// The object's `patternProperties` (arrays have none).
    fn patterns(&self) -> Option<&'n Map<String, Value>> {
        self.keywords
            .get("patternProperties")
            .and_then(Value::as_object)
            .filter(|m| !m.is_empty())
    }

    /// Open: others allowed without any schema to match.
    fn is_open(&self) -> bool {
        self.permits_additional()
            && self.schema_of_additional().is_none()
            && self.patterns().is_none()
            && self.unevaluated().is_none_or(is_empty_schema)
    }

    /// The schema a property (or item, `key` None) outside the listed ones must match.
    fn partial(&self, key: Option<&str>) -> Option<&'n Value> {
        if let (Some(patterns), Some(key)) = (self.patterns(), key) {
            let matched = patterns
                .iter()
                .find(|(pattern, _)| pattern_matches(pattern, key));
            if let Some((_, schema)) = matched {
                return Some(schema);
            }
        }
        if let Some(schema) = self.schema_of_additional() {
            return Some(schema);
        }
        let absent = self.permits_additional() && self.schema_of_additional().is_none();
        self.unevaluated()
            .filter(|u| absent && **u != Value::Bool(false) && !is_empty_schema(u))
    }
}

/// Whether `pattern` matches `key`, by the validator's own regex engine.
fn pattern_matches(pattern: &str, key: &str) -> bool {
    let mut patterns = Map::new();
    patterns.insert(pattern.to_owned(), Value::Bool(false));
    let mut schema = Map::new();
    schema.insert("patternProperties".to_owned(), Value::Object(patterns));
    let mut instance = Map::new();
    instance.insert(key.to_owned(), Value::Null);
    !jsonschema::is_valid(&Value::Object(schema), &Value::Object(instance))
}

/// A node's required property names.
fn required(node: &Node) -> Vec<&str> {
    match node.keywords.get("required") {
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether the schema of property `key` has a `default`.
fn has_default(node: &Node, key: &str) -> bool {
    node.keywords
        .get("properties")
        .and_then(|p| p.get(key))
        .and_then(|s| s.get("default"))
        .is_some()
}

impl Diff<'_> {
    /// Required, properties, dependencies, additional and unevaluated properties, counts.
    pub(super) fn compare_object(&mut self, od: usize, o: &Node, ud: usize, u: &Node) {
        self.compare_required(o, u);
        self.compare_properties(od, o, ud, u);
        self.compare_dependencies(od, o, ud, u);
        let (om, um) = (Model::object(o), Model::object(u));
        self.compare_additional(
            od,
            &om,
            ud,
            &um,
            [
                "ADDITIONAL_PROPERTIES_ADDED",
                "ADDITIONAL_PROPERTIES_REMOVED",
                "ADDITIONAL_PROPERTIES_NARROWED",
                "ADDITIONAL_PROPERTIES_EXTENDED",
            ],
        );
        self.compare_unevaluated(
            od,
            &om,
            ud,
            &um,
            [
                "UNEVALUATED_PROPERTIES_ADDED",
                "UNEVALUATED_PROPERTIES_REMOVED",
                "UNEVALUATED_PROPERTIES_NARROWED",
                "UNEVALUATED_PROPERTIES_EXTENDED",
            ],
        );
        self.limit(
            "maxProperties",
            o,
            u,
            [
                "MAX_PROPERTIES_ADDED",
                "MAX_PROPERTIES_REMOVED",
                "MAX_PROPERTIES_INCREASED",
                "MAX_PROPERTIES_DECREASED",
            ],
        );
        self.limit(
            "minProperties",
            o,
            u,
            [
                "MIN_PROPERTIES_ADDED",
                "MIN_PROPERTIES_REMOVED",
                "MIN_PROPERTIES_INCREASED",
                "MIN_PROPERTIES_DECREASED",
            ],
        );
    }

    /// Properties on both sides that became required or stopped being.
    fn compare_required(&mut self, o: &Node, u: &Node) {
        let (o_props, u_props) = (o.keywords.get("properties"), u.keywords.get("properties"));
        let (o_req, u_req) = (required(o), required(u));
        self.path.push("required".to_owned());
        for key in o_props
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            if u_props.and_then(|p| p.get(key)).is_none() {
                continue;
            }
            let (was, is) = (o_req.contains(&key.as_str()), u_req.contains(&key.as_str()));
            if was && !is {
                self.add_at(key, "REQUIRED_ATTRIBUTE_REMOVED");
            } else if !was && is {
                let kind = if has_default(u, key) {
                    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                } else {
                    "REQUIRED_ATTRIBUTE_ADDED"
                };
                self.add_at(key, kind);
            }
        }
        self.path.pop();
    }

    /// Each property: compared, or judged by the content model of the side that lacks it.
    fn compare_properties(&mut self, od: usize, o: &Node, ud: usize, u: &Node) {
        let (o_props, u_props) = (o.keywords.get("properties"), u.keywords.get("properties"));
        self.path.push("properties".to_owned());
        for key in union_keys(o_props, u_props) {
            self.path.push(key.clone());
            let (os, us) = (
                o_props.and_then(|p| p.get(key)),
                u_props.and_then(|p| p.get(key)),
            );
            match (os, us) {
                (Some(os), Some(us)) => self.compare((od, os.clone()), (ud, us.clone())),
                (Some(os), None) => self.property_removed(od, os, ud, u, key),
                (None, Some(us)) => self.property_added(od, o, ud, us, u, key),
                (None, None) => {}
            }
            self.path.pop();
        }
        self.path.pop();
    }

    /// A property the update lacks: fine if the update lets it through.
    fn property_removed(&mut self, od: usize, os: &Value, ud: usize, u: &Node, key: &str) {
        let model = Model::object(u);
        if model.is_open() {
            self.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL");
        } else if let Some(partial) = model.partial(Some(key)) {
            let compatible = self.try_keep((od, os.clone()), (ud, partial.clone()));
            self.add(if compatible {
                "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            } else {
                "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            });
        } else if *os == Value::Bool(false) {
            self.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL");
        } else {
            self.add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL");
        }
    }

    /// A property the original lacks: judged by what the original let through.
    fn property_added(&mut self, od: usize, o: &Node, ud: usize, us: &Value, u: &Node, key: &str) {
        let model = Model::object(o);
        let is_required = required(u).contains(&key);
        if model.is_open() {
            let kind = if is_empty_schema(us) {
                "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
            } else if is_required && has_default(u, key) {
                "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
            } else if is_required {
                "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            } else {
                "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            };
            self.add(kind);
            return;
        }
        if let Some(partial) = model.partial(Some(key)) {
            let compatible = self.try_keep((od, partial.clone()), (ud, us.clone()));
            self.add(if compatible {
                "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            } else {
                "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            });
        }
        self.add(match (is_required, has_default(u, key)) {
            (true, true) => "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
            (true, false) => "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
            _ => "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
        });
    }

    /// Compares in a trial, keeps everything it found, and says whether it was compatible.
    fn try_keep(&mut self, original: Src, update: Src) -> bool {
        let mut trial = self.sub();
        trial.compare(original, update);
        let compatible = trial.is_compatible();
        self.found.extend(trial.found);
        compatible
    }

    /// `dependencies`: property arrays as sets, schemas compared.
    fn compare_dependencies(&mut self, od: usize, o: &Node, ud: usize, u: &Node) {
        let (o_deps, u_deps) = (
            o.keywords.get("dependencies"),
            u.keywords.get("dependencies"),
        );
        self.path.push("dependencies".to_owned());
        for key in union_keys(o_deps, u_deps) {
            let (a, b) = (
                o_deps.and_then(|d| d.get(key)),
                u_deps.and_then(|d| d.get(key)),
            );
            self.path.push(key.clone());
            match (a, b) {
                (Some(Value::Array(a)), Some(Value::Array(b))) if a != b => {
                    let covers = |x: &[Value], y: &[Value]| y.iter().all(|v| x.contains(v));
                    self.add(if covers(b, a) {
                        "DEPENDENCY_ARRAY_EXTENDED"
                    } else if covers(a, b) {
                        "DEPENDENCY_ARRAY_NARROWED"
                    } else {
                        "DEPENDENCY_ARRAY_CHANGED"
                    });
                }
                (Some(Value::Array(_)), None) => self.add("DEPENDENCY_ARRAY_REMOVED"),
                (None, Some(Value::Array(_))) => self.add("DEPENDENCY_ARRAY_ADDED"),
                (Some(a), None) if !a.is_array() => self.add("DEPENDENCY_SCHEMA_REMOVED"),
                (None, Some(b)) if !b.is_array() => self.add("DEPENDENCY_SCHEMA_ADDED"),
                (Some(a), Some(b)) if !a.is_array() && !b.is_array() => {
                    self.compare((od, a.clone()), (ud, b.clone()))
                }
                _ => {}
            }
            self.path.pop();
        }
        self.path.pop();
    }

    /// `additional*`: allowed or not, then its schema (kinds: added, removed, narrowed, extended).
    fn compare_additional(
        &mut self,
        od: usize,
        o: &Model<'_>,
        ud: usize,
        u: &Model<'_>,
        kinds: [&'static str; 4],
    ) {
        self.path.push(o.additional.to_owned());
        if o.permits_additional() != u.permits_additional() {
            self.add(if u.permits_additional() {
                kinds[0]
            } else {
                kinds[1]
            });
        } else {
            match (o.schema_of_additional(), u.schema_of_additional()) {
                (None, Some(_)) => self.add(kinds[2]),
                (Some(_), None) => self.add(kinds[3]),
                (Some(a), Some(b)) => self.compare((od, a.clone()), (ud, b.clone())),
                (None, None) => {}
            }
        }
        self.path.pop();
    }

    /// `unevaluated*` (kinds: added, removed, narrowed, extended).
    fn compare_unevaluated(
        &mut self,
        od: usize,
        o: &Model<'_>,
        ud: usize,
        u: &Model<'_>,
        kinds: [&'static str; 4],
    ) {
        let (a, b) = (o.unevaluated(), u.unevaluated());
        if a.is_none() && b.is_none() {
            return;
        }
        let is_false = |v: Option<&Value>| v == Some(&Value::Bool(false));
        let is_empty = |v: Option<&Value>| v.is_some_and(is_empty_schema);
        self.path.push(o.unevaluated.to_owned());
        let kind = match (a, b) {
            (None, _) => Some(if is_false(b) { kinds[1] } else { kinds[2] }),
            (_, None) => Some(if is_false(a) { kinds[0] } else { kinds[3] }),
            _ if is_false(a) && !is_false(b) => Some(kinds[0]),
            _ if !is_false(a) && is_false(b) => Some(kinds[1]),
            _ if is_empty(a) && !is_empty(b) => Some(kinds[2]),
            _ if !is_empty(a) && is_empty(b) => Some(kinds[3]),
            _ => None,
        };
        match (kind, a, b) {
            (Some(kind), _, _) => self.add(kind),
            (None, Some(a), Some(b)) => self.compare((od, a.clone()), (ud, b.clone())),
            _ => {}
        }
        self.path.pop();
    }

    /// Items (one schema for all, or a tuple), additional and unevaluated items, counts.
    pub(super) fn compare_array(&mut self, od: usize, o: &Node, ud: usize, u: &Node) {
        let all = |n: &Node| n.keywords.get("items").filter(|v| !v.is_array()).cloned();
        self.path.push("items".to_owned());
        self.compare_opt(all(o).map(|v| (od, v)), all(u).map(|v| (ud, v)));
        self.path.pop();
        self.compare_tuples(od, o, ud, u);
        let (om, um) = (Model::array(o), Model::array(u));
        self.compare_additional(
            od,
            &om,
            ud,
            &um,
            [
                "ADDITIONAL_ITEMS_ADDED",
                "ADDITIONAL_ITEMS_REMOVED",
                "ADDITIONAL_ITEMS_NARROWED",
                "ADDITIONAL_ITEMS_EXTENDED",
            ],
        );
        self.compare_unevaluated(
            od,
            &om,
            ud,
            &um,
            [
                "UNEVALUATED_ITEMS_ADDED",
                "UNEVALUATED_ITEMS_REMOVED",
                "UNEVALUATED_ITEMS_NARROWED",
                "UNEVALUATED_ITEMS_EXTENDED",
            ],
        );
        self.limit(
            "maxItems",
            o,
            u,
            [
                "MAX_ITEMS_ADDED",
                "MAX_ITEMS_REMOVED",
                "MAX_ITEMS_INCREASED",
                "MAX_ITEMS_DECREASED",
            ],
        );
        self.limit(
            "minItems",
            o,
            u,
            [
                "MIN_ITEMS_ADDED",
                "MIN_ITEMS_REMOVED",
                "MIN_ITEMS_INCREASED",
                "MIN_ITEMS_DECREASED",
            ],
        );
        let unique = |n: &Node| n.keywords.get("uniqueItems") == Some(&Value::Bool(true));
        match (unique(o), unique(u)) {
            (true, false) => self.add_at("uniqueItems", "UNIQUE_ITEMS_REMOVED"),
            (false, true) => self.add_at("uniqueItems", "UNIQUE_ITEMS_ADDED"),
            _ => {}
        }
        self.limit(
            "maxContains",
            o,
            u,
            [
                "MAX_CONTAINS_ADDED",
                "MAX_CONTAINS_REMOVED",
                "MAX_CONTAINS_INCREASED",
                "MAX_CONTAINS_DECREASED",
            ],
        );
        self.limit(
            "minContains",
            o,
            u,
            [
                "MIN_CONTAINS_ADDED",
                "MIN_CONTAINS_REMOVED",
                "MIN_CONTAINS_INCREASED",
                "MIN_CONTAINS_DECREASED",
            ],
        );
    }

    /// Tuple items by position; extra ones judged by the other side's content model.
    fn compare_tuples(&mut self, od: usize, o: &Node, ud: usize, u: &Node) {
        let tuple = |n: &Node| match n
            .keywords
            .get("items")
            .or_else(|| n.keywords.get("prefixItems"))
        {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        let (ot, ut) = (tuple(o), tuple(u));
        let (om, um) = (Model::array(o), Model::array(u));
        for index in 0..ot.len().max(ut.len()) {
            self.path.push(format!("items/{index}"));
            match (ot.get(index), ut.get(index)) {
                (Some(a), Some(b)) => self.compare((od, a.clone()), (ud, b.clone())),
                (Some(_), None) if um.is_open() => self.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL"),
                (Some(a), None) => match um.partial(None) {
                    Some(p) => {
                        let ok = self.try_keep((od, a.clone()), (ud, p.clone()));
                        self.add(if ok {
                            "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                        } else {
                            "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                        });
                    }
                    None if *a == Value::Bool(false) => {
                        self.add("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
                    }
                    None => self.add("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"),
                },
                (None, Some(b)) if om.is_open() => self.add(if is_empty_schema(b) {
                    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                } else {
                    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
                }),
                (None, Some(b)) => match om.partial(None) {
                    Some(p) => {
                        let ok = self.try_keep((od, p.clone()), (ud, b.clone()));
                        self.add(if ok {
                            "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                        } else {
                            "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                        });
                    }
                    None => self.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"),
                },
                (None, None) => {}
            }
            self.path.pop();
        }
    }
}
