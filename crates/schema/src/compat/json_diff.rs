//! The registry's JSON Schema diff (its `json.diff` package's rules): class changes,
//! combinations matched subschema to subschema, then each class's keywords.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::json::Parsed;
use super::json_kinds::DiffKind;
use super::json_node::{Class, Node};

/// Differences found, with their paths.
type Found = Vec<(DiffKind, String)>;

/// A schema value with the index of the document it is in (for its `$ref`s).
pub(super) type Src = (usize, Value);

/// One comparison of an original (writer) schema with an update (reader).
pub(super) struct Diff<'a> {
    pub(super) original: &'a Parsed,
    pub(super) update: &'a Parsed,
    pub(super) path: Vec<String>,
    /// `$ref` pairs being compared further up: a cycle counts as compatible.
    in_progress: HashSet<(String, String)>,
    pub(super) found: Vec<(DiffKind, String)>,
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

    /// Every difference found, with its `#/`-path.
    pub(super) fn into_found(self) -> Vec<(DiffKind, String)> {
        self.found
    }

    /// A fresh diff at the same place, to try a comparison before keeping its result.
    pub(super) fn sub(&self) -> Diff<'a> {
        Diff {
            original: self.original,
            update: self.update,
            path: self.path.clone(),
            in_progress: self.in_progress.clone(),
            found: Vec::new(),
        }
    }

    /// Whether nothing found so far is incompatible.
    pub(super) fn is_compatible(&self) -> bool {
        self.found.iter().all(|(kind, _)| kind.compatible())
    }

    /// Records a difference at the current path.
    pub(super) fn add(&mut self, kind: &'static str) {
        let path = format!("#/{}", self.path.join("/"));
        self.found.push((DiffKind(kind), path));
    }

    /// Records a difference one step below the current path.
    pub(super) fn add_at(&mut self, step: &str, kind: &'static str) {
        self.path.push(step.to_owned());
        self.add(kind);
        self.path.pop();
    }

    /// Compares with either side possibly absent (a schema added or removed).
    pub(super) fn compare_opt(&mut self, original: Option<Src>, update: Option<Src>) {
        match (original, update) {
            (Some(o), Some(u)) => self.compare(o, u),
            (None, Some(_)) => self.add("SCHEMA_ADDED"),
            (Some(_), None) => self.add("SCHEMA_REMOVED"),
            (None, None) => {}
        }
    }

    /// Compares two schemas after following their `$ref`s.
    pub(super) fn compare(&mut self, original: Src, update: Src) {
        let (original, o_ref) = dereference(self.original, original);
        let (update, u_ref) = dereference(self.update, update);
        let key = (o_ref.unwrap_or_default(), u_ref.unwrap_or_default());
        let guarded = !key.0.is_empty() || !key.1.is_empty();
        if guarded && !self.in_progress.insert(key.clone()) {
            return;
        }
        self.compare_types(&original, &update);
        if guarded {
            self.in_progress.remove(&key);
        }
    }

    /// Combination against non-combination first, then classes, then keywords.
    fn compare_types(&mut self, original: &Src, update: &Src) {
        let (o, u) = (Node::of(&original.1), Node::of(&update.1));
        if self.one_side_combined(original, &o, update, &u) {
            return;
        }
        if o.class != u.class {
            let bytes = |n: &Node| n.keywords.get("connect.type") == Some(&Value::from("bytes"));
            if o.class == Class::False || u.class == Class::Empty || (bytes(&o) && bytes(&u)) {
                return;
            }
            self.add("TYPE_CHANGED");
            return;
        }
        let (od, ud) = (original.0, update.0);
        match o.class {
            Class::String => self.compare_string(&o, &u),
            Class::Number => self.compare_number(&o, &u),
            Class::Enum => compare_values(self, "enum", &o, &u),
            Class::Const => {
                if o.keywords.get("const") != u.keywords.get("const") {
                    self.add_at("const", "ENUM_ARRAY_CHANGED");
                }
            }
            Class::Combined => self.compare_combined(od, &o, ud, &u),
            Class::Not => self.compare_not(od, &o, ud, &u),
            Class::Object => self.compare_object(od, &o, ud, &u),
            Class::Array => self.compare_array(od, &o, ud, &u),
            Class::Empty | Class::False | Class::Null | Class::Boolean => {}
        }
    }

    /// A singleton or sum update that one branch of covers the original; a singleton or
    /// product original one part of which the update covers. True when settled.
    fn one_side_combined(&mut self, original: &Src, o: &Node, update: &Src, u: &Node) -> bool {
        let (o_comb, u_comb) = (o.class == Class::Combined, u.class == Class::Combined);
        if !o_comb && u_comb {
            let sum = matches!(u.criterion, "anyOf" | "oneOf");
            if u.subschemas.len() == 1 || sum {
                for sub in &u.subschemas {
                    let mut trial = self.sub();
                    trial.compare(original.clone(), (update.0, sub.clone()));
                    if trial.is_compatible() {
                        self.found.extend(trial.found);
                        if u.subschemas.len() > 1 {
                            self.add("SUM_TYPE_EXTENDED");
                        }
                        return true;
                    }
                }
            }
        } else if o_comb && !u_comb && (o.subschemas.len() == 1 || o.criterion == "allOf") {
            for sub in &o.subschemas {
                let mut trial = self.sub();
                trial.compare((original.0, sub.clone()), update.clone());
                if trial.is_compatible() {
                    self.found.extend(trial.found);
                    if o.subschemas.len() > 1 {
                        self.add("PRODUCT_TYPE_NARROWED");
                    }
                    return true;
                }
            }
        }
        false
    }

    /// `not`: the wrapped schemas compared the other way round.
    fn compare_not(&mut self, od: usize, o: &Node, ud: usize, u: &Node) {
        let get = |n: &Node| n.keywords.get("not").cloned().unwrap_or(Value::Bool(true));
        self.path.push("not".to_owned());
        let mut trial = self.sub();
        trial.compare((ud, get(u)), (od, get(o)));
        self.add(if trial.is_compatible() {
            "NOT_TYPE_NARROWED"
        } else {
            "NOT_TYPE_EXTENDED"
        });
        self.path.pop();
    }

    /// String lengths and pattern.
    fn compare_string(&mut self, o: &Node, u: &Node) {
        self.limit(
            "maxLength",
            o,
            u,
            [
                "MAX_LENGTH_ADDED",
                "MAX_LENGTH_REMOVED",
                "MAX_LENGTH_INCREASED",
                "MAX_LENGTH_DECREASED",
            ],
        );
        self.limit(
            "minLength",
            o,
            u,
            [
                "MIN_LENGTH_ADDED",
                "MIN_LENGTH_REMOVED",
                "MIN_LENGTH_INCREASED",
                "MIN_LENGTH_DECREASED",
            ],
        );
        match (o.keywords.get("pattern"), u.keywords.get("pattern")) {
            (None, Some(_)) => self.add_at("pattern", "PATTERN_ADDED"),
            (Some(_), None) => self.add_at("pattern", "PATTERN_REMOVED"),
            (Some(a), Some(b)) if a != b => self.add_at("pattern", "PATTERN_CHANGED"),
            _ => {}
        }
    }

    /// Bounds, `multipleOf`, and integer versus number.
    fn compare_number(&mut self, o: &Node, u: &Node) {
        self.limit(
            "maximum",
            o,
            u,
            [
                "MAXIMUM_ADDED",
                "MAXIMUM_REMOVED",
                "MAXIMUM_INCREASED",
                "MAXIMUM_DECREASED",
            ],
        );
        self.limit(
            "minimum",
            o,
            u,
            [
                "MINIMUM_ADDED",
                "MINIMUM_REMOVED",
                "MINIMUM_INCREASED",
                "MINIMUM_DECREASED",
            ],
        );
        self.limit(
            "exclusiveMaximum",
            o,
            u,
            [
                "EXCLUSIVE_MAXIMUM_ADDED",
                "EXCLUSIVE_MAXIMUM_REMOVED",
                "EXCLUSIVE_MAXIMUM_INCREASED",
                "EXCLUSIVE_MAXIMUM_DECREASED",
            ],
        );
        self.limit(
            "exclusiveMinimum",
            o,
            u,
            [
                "EXCLUSIVE_MINIMUM_ADDED",
                "EXCLUSIVE_MINIMUM_REMOVED",
                "EXCLUSIVE_MINIMUM_INCREASED",
                "EXCLUSIVE_MINIMUM_DECREASED",
            ],
        );
        match (o.number("multipleOf"), u.number("multipleOf")) {
            (None, Some(_)) => self.add_at("multipleOf", "MULTIPLE_OF_ADDED"),
            (Some(_), None) => self.add_at("multipleOf", "MULTIPLE_OF_REMOVED"),
            (Some(a), Some(b)) if (a - b).abs() > f64::EPSILON * a.abs().max(b.abs()) => {
                let kind = if a != 0.0 && divides(a, b) {
                    "MULTIPLE_OF_EXPANDED"
                } else if b != 0.0 && divides(b, a) {
                    "MULTIPLE_OF_REDUCED"
                } else {
                    "MULTIPLE_OF_CHANGED"
                };
                self.add_at("multipleOf", kind);
            }
            _ => {}
        }
        let integer = |n: &Node| n.keywords.get("type") == Some(&Value::from("integer"));
        match (integer(o), integer(u)) {
            (true, false) => self.add("TYPE_EXTENDED"),
            (false, true) => self.add("TYPE_NARROWED"),
            _ => {}
        }
    }

    /// A numeric keyword added, removed, raised or lowered (kinds in that order).
    pub(super) fn limit(&mut self, keyword: &str, o: &Node, u: &Node, kinds: [&'static str; 4]) {
        match (o.number(keyword), u.number(keyword)) {
            (None, Some(_)) => self.add_at(keyword, kinds[0]),
            (Some(_), None) => self.add_at(keyword, kinds[1]),
            (Some(a), Some(b)) if a < b => self.add_at(keyword, kinds[2]),
            (Some(a), Some(b)) if a > b => self.add_at(keyword, kinds[3]),
            _ => {}
        }
    }

    /// Same criterion (or a widening one), then a maximum matching of compatible subschemas.
    fn compare_combined(&mut self, od: usize, o: &Node, ud: usize, u: &Node) {
        if o.criterion != u.criterion {
            let (os, us) = (o.subschemas.len() == 1, u.subschemas.len() == 1);
            let extended = u.criterion == "anyOf"
                || (os && us)
                || (os && u.criterion == "oneOf")
                || (us && o.criterion == "allOf");
            if !extended {
                self.add("COMBINED_TYPE_CHANGED");
                return;
            }
            self.add("COMBINED_TYPE_EXTENDED");
        }
        let originals = distinct(&o.subschemas);
        let updates = distinct(&u.subschemas);
        if originals.len() < updates.len() {
            self.add(if u.criterion == "allOf" {
                "PRODUCT_TYPE_EXTENDED"
            } else {
                "SUM_TYPE_EXTENDED"
            });
        } else if originals.len() > updates.len() {
            self.add(if o.criterion == "allOf" {
                "PRODUCT_TYPE_NARROWED"
            } else {
                "SUM_TYPE_NARROWED"
            });
        }
        let mut edges: Vec<Vec<(usize, Found)>> = Vec::new();
        for (i, original) in originals.iter().enumerate() {
            self.path.push(format!("{}/{i}", o.criterion));
            let mut row = Vec::new();
            for (j, update) in updates.iter().enumerate() {
                let mut trial = self.sub();
                trial.compare((od, (*original).clone()), (ud, (*update).clone()));
                if trial.is_compatible() {
                    row.push((j, trial.found));
                }
            }
            self.path.pop();
            edges.push(row);
        }
        let matched = maximum_matching(&edges, updates.len());
        for (i, j) in matched
            .iter()
            .enumerate()
            .filter_map(|(j, i)| i.map(|i| (i, j)))
        {
            if let Some((_, found)) = edges[i].iter().find(|(to, _)| *to == j) {
                self.found.extend(found.iter().cloned());
            }
        }
        if matched.iter().flatten().count() < originals.len().min(updates.len()) {
            self.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED");
        }
    }
}

/// An enum's values extended, narrowed, or changed.
fn compare_values(diff: &mut Diff<'_>, keyword: &str, o: &Node, u: &Node) {
    let values = |n: &Node| match n.keywords.get(keyword) {
        Some(Value::Array(values)) => values.clone(),
        _ => Vec::new(),
    };
    let (ov, uv) = (values(o), values(u));
    let covers = |a: &[Value], b: &[Value]| b.iter().all(|v| a.contains(v));
    if covers(&ov, &uv) && covers(&uv, &ov) {
        return;
    }
    let kind = if covers(&uv, &ov) {
        "ENUM_ARRAY_EXTENDED"
    } else if covers(&ov, &uv) {
        "ENUM_ARRAY_NARROWED"
    } else {
        "ENUM_ARRAY_CHANGED"
    };
    diff.add_at(keyword, kind);
}

/// Follows `$ref`s (a few levels) and says which reference was followed first.
fn dereference(parsed: &Parsed, (doc, value): Src) -> (Src, Option<String>) {
    let mut current = (doc, value);
    let mut first = None;
    for _ in 0..16 {
        let Some(reference) = current.1.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some((target_doc, target)) = parsed.resolve(current.0, reference) else {
            break;
        };
        first.get_or_insert_with(|| format!("{}:{reference}", current.0));
        current = (target_doc, target.clone());
    }
    (current, first)
}

/// Subschemas without duplicates, in order.
fn distinct(values: &[Value]) -> Vec<&Value> {
    let mut out: Vec<&Value> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// Whether `b` is a whole multiple of `a`.
fn divides(a: f64, b: f64) -> bool {
    let ratio = b / a;
    (ratio - ratio.round()).abs() < 1e-9
}

/// Kuhn's augmenting paths: for each right-side index, the left index matched to it.
fn maximum_matching<T>(edges: &[Vec<(usize, T)>], right: usize) -> Vec<Option<usize>> {
    let mut owner: Vec<Option<usize>> = vec![None; right];
    for left in 0..edges.len() {
        let mut seen = vec![false; right];
        augment(edges, left, &mut seen, &mut owner);
    }
    owner
}

/// Tries to match `left`, re-matching earlier ones along the way.
fn augment<T>(
    edges: &[Vec<(usize, T)>],
    left: usize,
    seen: &mut [bool],
    owner: &mut [Option<usize>],
) -> bool {
    for (to, _) in &edges[left] {
        if seen[*to] {
            continue;
        }
        seen[*to] = true;
        if owner[*to].is_none_or(|other| augment(edges, other, seen, owner)) {
            owner[*to] = Some(left);
            return true;
        }
    }
    false
}

/// Keys present on either side, sorted.
pub(super) fn union_keys<'v>(a: Option<&'v Value>, b: Option<&'v Value>) -> BTreeSet<&'v String> {
    let keys = |v: Option<&'v Value>| {
        v.and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
    };
    keys(a).chain(keys(b)).collect()
}
