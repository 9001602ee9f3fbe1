//! The import-circle check (issue 21, item 6): reads every `.rs` file under `src/` (and
//! `crates/*/src`), builds the graph of `crate::` / `super::` / `self::` (and workspace
//! crate name) references between files, between top-level modules and between crates,
//! and fails naming each circle it finds. Plain Rust over the sources, no extra tools.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// The parts of the tree that must have no circle, at file and at module level. Not clean
/// yet, being untangled while this was written (the lead adds them when they are):
/// `src/app.rs` and `src/ui` (app ↔ ui/help.rs), and `src/broker` (consumer_group/group ↔
/// classic_members, handlers/groups ↔ consumer_groups, handlers ↔ server).
const ROOTS: &[&str] = &[
    "src/kafka",
    "src/input",
    "src/action.rs",
    "src/cli.rs",
    "src/config.rs",
    "src/dashboard.rs",
    "src/escape.rs",
    "src/keys.rs",
    "src/logging.rs",
    "src/state.rs",
    "src/tui.rs",
    "crates/wire/src",
    "crates/broker/src",
];

/// A directed graph by name; edges point from the importing side to the imported one.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// One crate of the workspace: its name as code spells it, and the files of its library.
struct Crate {
    ident: String,
    src: PathBuf,
}

/// One parsed source file: its crate, its module path and its path from the repository.
struct SourceFile {
    krate: String,
    module: Vec<String>,
    shown: String,
    text: String,
}

// ---------------------------------------------------------------- reading the sources

/// The workspace's crates: the root package and any `crates/*` with a `src/lib.rs`.
fn workspace_crates(root: &Path) -> Vec<Crate> {
    let mut out = vec![Crate {
        ident: package_ident(&root.join("Cargo.toml")),
        src: root.join("src"),
    }];
    if let Ok(dirs) = std::fs::read_dir(root.join("crates")) {
        for dir in dirs.flatten() {
            let manifest = dir.path().join("Cargo.toml");
            if manifest.exists() {
                out.push(Crate {
                    ident: package_ident(&manifest),
                    src: dir.path().join("src"),
                });
            }
        }
    }
    out
}

/// The name code spells a crate by: its `[lib]` name if it sets one, else its package's
/// name with `-` as `_` (`kafka-dash` → `kafka_dash`).
fn package_ident(manifest: &Path) -> String {
    let text = std::fs::read_to_string(manifest).expect("Cargo.toml readable");
    let name_in = |section: &str| {
        text.split("\n[")
            .find(|s| s.starts_with(section))?
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("name").map(str::trim))
            .and_then(|l| l.strip_prefix('='))
            .map(|v| v.trim().trim_matches('"').to_string())
    };
    let name = name_in("lib]")
        .or_else(|| name_in("package]"))
        .or_else(|| name_in("[package]"))
        .expect("a package name");
    name.replace('-', "_")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The module path of a library file (`kafka/workers.rs` → `kafka::workers`), or `None`
/// for a binary's root (`main.rs`, `bin/*`), which is a crate of its own.
fn module_of(relative: &Path) -> Option<Vec<String>> {
    let parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [only] if only == "main" => None,
        [first, ..] if first == "bin" => None,
        [only] if only == "lib" => Some(Vec::new()),
        [init @ .., last] if last == "mod" => Some(init.to_vec()),
        all => Some(all.to_vec()),
    }
}

/// Reads every library file of every crate.
fn read_sources(root: &Path, crates: &[Crate]) -> Vec<SourceFile> {
    let mut out = Vec::new();
    for c in crates {
        for path in rust_files(&c.src) {
            let relative = path.strip_prefix(&c.src).expect("under src");
            let Some(module) = module_of(relative) else {
                continue;
            };
            out.push(SourceFile {
                krate: c.ident.clone(),
                module,
                shown: path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
                text: std::fs::read_to_string(&path).expect("source readable"),
            });
        }
    }
    out
}

// ---------------------------------------------------------------- tokens

/// Source text without comments, strings and character literals (they may hold `crate::`
/// that is no reference).
fn strip(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        let ident_before = i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_');
        i = match (b[i], next) {
            ('/', Some('/')) => skip_line(&b, i),
            ('/', Some('*')) => skip_block_comment(&b, i),
            ('"', _) => skip_string(&b, i + 1),
            ('r', Some('#' | '"')) if !ident_before => skip_raw_string(&b, i + 1),
            ('\'', _) => skip_char(&b, i),
            (c, _) => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        // What was skipped still separates the tokens around it.
        out.push(' ');
    }
    out
}

fn skip_line(b: &[char], mut i: usize) -> usize {
    while i < b.len() && b[i] != '\n' {
        i += 1;
    }
    i
}

fn skip_block_comment(b: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            ('/', '*') => depth += 1,
            ('*', '/') => {
                depth -= 1;
                if depth == 0 {
                    return i + 2;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

fn skip_string(b: &[char], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// After the `r`: `#`s, a quote, the text, the quote and as many `#`s.
fn skip_raw_string(b: &[char], mut i: usize) -> usize {
    let hashes = b[i..].iter().take_while(|c| **c == '#').count();
    i += hashes;
    if b.get(i) != Some(&'"') {
        return i; // `r#ident`, a raw identifier
    }
    i += 1;
    while i < b.len() {
        if b[i] == '"'
            && b[i + 1..]
                .iter()
                .take(hashes)
                .filter(|c| **c == '#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// A character literal (`'x'`, `'\n'`, `'\u{1F600}'`) is skipped; a lifetime is kept.
fn skip_char(b: &[char], i: usize) -> usize {
    if b.get(i + 1) == Some(&'\\') {
        // The escaped character may itself be a quote: look for the close after it.
        let close = b[i + 3..].iter().position(|c| *c == '\'').unwrap_or(0);
        return i + 4 + close;
    }
    if b.get(i + 2) == Some(&'\'') {
        return i + 3;
    }
    i + 1
}

/// Identifiers and the punctuation paths are made of; everything else is one `?`.
fn tokens(stripped: &str) -> Vec<String> {
    let b: Vec<char> = stripped.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(b[start..i].iter().collect());
            continue;
        }
        if c == ':' && b.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
            continue;
        }
        if !c.is_whitespace() {
            out.push(if "{},;*$".contains(c) {
                c.to_string()
            } else {
                "?".into()
            });
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------- references

/// Paths a file names, each relative to the module it is named in: (the inline module
/// path inside the file, the path as written).
type Named = Vec<(Vec<String>, Vec<String>)>;

/// Every `crate::`, `super::`, `self::` or `<crate>::` path in a file, with `use` trees
/// expanded (`use crate::a::{b, c::d}` names `crate::a::b` and `crate::a::c::d`).
fn named_paths(text: &str, crate_idents: &BTreeSet<String>) -> Named {
    let t = tokens(&strip(text));
    let mut out = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < t.len() {
        let starts =
            (t[i] == "crate" || t[i] == "super" || t[i] == "self" || crate_idents.contains(&t[i]))
                && t.get(i + 1).is_some_and(|n| n == "::")
                && (i == 0 || (t[i - 1] != "::" && t[i - 1] != "$"));
        if starts {
            let here: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
            let (paths, end) = use_tree(&t, i, Vec::new());
            out.extend(paths.into_iter().map(|p| (here.clone(), p)));
            i = end;
            continue;
        }
        match t[i].as_str() {
            // Unit tests look into their parents by design; they are not the program's
            // layering, so `#[cfg(test)] mod x { .. }` is left out.
            "mod" if t.get(i + 2).is_some_and(|n| n == "{") && is_cfg_test(&t, i) => {
                i = after_block(&t, i + 2);
                continue;
            }
            "mod" if t.get(i + 2).is_some_and(|n| n == "{") => {
                inline.push((t[i + 1].clone(), depth + 1));
            }
            "{" => depth += 1,
            "}" => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `#[cfg(test)]` just before the `mod` at `t[i]` (tokens `? ? cfg ? test ? ?`).
fn is_cfg_test(t: &[String], i: usize) -> bool {
    i >= 5 && t[i - 5] == "cfg" && t[i - 3] == "test"
}

/// The index after the block whose `{` is at `t[open]`.
fn after_block(t: &[String], open: usize) -> usize {
    let mut depth = 0usize;
    for (j, tok) in t.iter().enumerate().skip(open) {
        match tok.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
    }
    t.len()
}

/// Reads a path (or a brace group of them) from `t[i]` on, below `prefix`; returns the
/// full paths and the index after them.
fn use_tree(t: &[String], mut i: usize, mut prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    loop {
        match t.get(i).map(String::as_str) {
            Some("{") => return brace_group(t, i + 1, &prefix),
            Some("*") => return (vec![prefix], i + 1),
            Some(seg) if is_ident(seg) && (seg != "self" || prefix.is_empty()) => {
                prefix.push(seg.to_string());
                i += 1;
                if t.get(i).is_some_and(|n| n == "::") {
                    i += 1;
                    continue;
                }
                return (vec![prefix], i);
            }
            // `self` inside a group names the group's prefix itself.
            Some("self") => return (vec![prefix], i + 1),
            _ => return (vec![prefix], i),
        }
    }
}

/// The members of `{ a, b::c, self }` after `prefix`; `i` is just past the `{`.
fn brace_group(t: &[String], mut i: usize, prefix: &[String]) -> (Vec<Vec<String>>, usize) {
    let mut out = Vec::new();
    while i < t.len() && t[i] != "}" {
        if t[i] == "," {
            i += 1;
            continue;
        }
        let (paths, end) = use_tree(t, i, prefix.to_vec());
        out.extend(paths);
        // Past an `as name` or anything else up to the next member.
        i = end.max(i + 1);
        while i < t.len() && t[i] != "," && t[i] != "}" {
            i += 1;
        }
    }
    (out, i + 1)
}

fn is_ident(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c == '_') && !s.is_empty()
}

/// The absolute module path (and crate) a named path points into, seen from `at` in
/// crate `krate`; `None` when `super` climbs past the root.
fn absolute(
    krate: &str,
    at: &[String],
    path: &[String],
    crate_idents: &BTreeSet<String>,
) -> Option<(String, Vec<String>)> {
    let (first, rest) = path.split_first()?;
    let mut base: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" => at.to_vec(),
        "super" => at[..at.len().checked_sub(1)?].to_vec(),
        other if crate_idents.contains(other) => return Some((other.to_string(), rest.to_vec())),
        _ => return None,
    };
    let mut rest = rest;
    while let Some(("super", tail)) = rest.split_first().map(|(h, t)| (h.as_str(), t)) {
        base.pop()?;
        rest = tail;
    }
    base.extend(rest.iter().cloned());
    Some((krate.to_string(), base))
}

// ---------------------------------------------------------------- graphs

/// The file each module path lives in, by crate.
type Files = BTreeMap<(String, Vec<String>), String>;

/// The file that holds `module` (its longest prefix that is a file of the crate).
fn file_of(files: &Files, krate: &str, module: &[String]) -> Option<String> {
    (0..=module.len()).rev().find_map(|n| {
        files
            .get(&(krate.to_string(), module[..n].to_vec()))
            .cloned()
    })
}

/// File, top-level module and crate graphs of the sources.
fn graphs(sources: &[SourceFile], crate_idents: &BTreeSet<String>) -> (Graph, Graph, Graph) {
    let files: Files = sources
        .iter()
        .map(|s| ((s.krate.clone(), s.module.clone()), s.shown.clone()))
        .collect();
    let top_of: BTreeMap<String, String> = sources
        .iter()
        .map(|s| (s.shown.clone(), top_module(&s.krate, &s.module)))
        .collect();
    let (mut by_file, mut by_module, mut by_crate) = (Graph::new(), Graph::new(), Graph::new());
    for s in sources {
        for (inline, path) in named_paths(&s.text, crate_idents) {
            let at: Vec<String> = s.module.iter().chain(&inline).cloned().collect();
            let Some((krate, module)) = absolute(&s.krate, &at, &path, crate_idents) else {
                continue;
            };
            let Some(target) = file_of(&files, &krate, &module) else {
                continue;
            };
            add_edge(&mut by_file, &s.shown, &target);
            add_edge(&mut by_module, &top_of[&s.shown], &top_of[&target]);
            add_edge(&mut by_crate, &s.krate, &krate);
        }
    }
    (by_file, by_module, by_crate)
}

/// `kafka_dash::kafka` for `src/kafka/**`; `kafka_dash` for the crate root file.
fn top_module(krate: &str, module: &[String]) -> String {
    match module.first() {
        Some(m) => format!("{krate}::{m}"),
        None => krate.to_string(),
    }
}

fn add_edge(g: &mut Graph, from: &str, to: &str) {
    if from != to {
        g.entry(from.to_string())
            .or_default()
            .insert(to.to_string());
    }
}

/// One circle per strongly connected part of the graph with more than one node, each
/// given as its nodes in order, starting and ending at its smallest.
fn circles(g: &Graph) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<&String> = BTreeSet::new();
    for start in g.keys() {
        if seen.contains(start) {
            continue;
        }
        let part: BTreeSet<&String> = reachable(g, start)
            .into_iter()
            .filter(|n| reachable(g, n).contains(start))
            .collect();
        seen.extend(part.iter().copied());
        if part.len() > 1 {
            out.push(shortest_circle(g, start, &part));
        }
    }
    out
}

/// Every node reachable from `from` (itself included).
fn reachable<'a>(g: &'a Graph, from: &'a String) -> BTreeSet<&'a String> {
    let mut seen = BTreeSet::from([from]);
    let mut todo = vec![from];
    while let Some(n) = todo.pop() {
        for m in g.get(n).into_iter().flatten() {
            if seen.insert(m) {
                todo.push(m);
            }
        }
    }
    seen
}

/// The shortest way from `start` back to itself inside `part`.
fn shortest_circle(g: &Graph, start: &String, part: &BTreeSet<&String>) -> Vec<String> {
    let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut todo = VecDeque::from([start]);
    while let Some(n) = todo.pop_front() {
        for m in g.get(n).into_iter().flatten().filter(|m| part.contains(m)) {
            if m == start {
                let mut path = vec![start.clone(), n.clone()];
                let mut at = n;
                while at != start {
                    at = came_from[at];
                    path.push(at.clone());
                }
                path.reverse();
                return path;
            }
            if !came_from.contains_key(m) {
                came_from.insert(m, n);
                todo.push_back(m);
            }
        }
    }
    unreachable!("a strongly connected part has a circle through each node")
}

/// The circles that touch a file under one of `roots` (or a module one of them is in).
fn circles_under(
    g: &Graph,
    roots: &[&str],
    node_in_root: impl Fn(&str, &str) -> bool,
) -> Vec<String> {
    circles(g)
        .into_iter()
        .filter(|c| c.iter().any(|n| roots.iter().any(|r| node_in_root(n, r))))
        .map(|c| c.join(" -> "))
        .collect()
}

// ---------------------------------------------------------------- the checks

fn repository_graphs() -> (Graph, Graph, Graph) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let crates = workspace_crates(root);
    let idents: BTreeSet<String> = crates.iter().map(|c| c.ident.clone()).collect();
    let sources = read_sources(root, &crates);
    assert!(
        sources.iter().any(|s| s.shown == "src/kafka/workers.rs"),
        "the sources were not found"
    );
    graphs(&sources, &idents)
}

/// `src/kafka` holds `src/kafka/workers.rs`; `src/cli.rs` holds itself.
fn file_in_root(file: &str, root: &str) -> bool {
    file == root || file.starts_with(&format!("{root}/"))
}

/// `kafka_dash::kafka` is the module of root `src/kafka` (and of `src/kafka.rs`).
fn module_in_root(module: &str, root: &str) -> bool {
    let name = root.trim_start_matches("src/").trim_end_matches(".rs");
    module.rsplit("::").next() == Some(name) && module.contains("::")
}

#[test]
fn no_file_imports_itself_through_others() {
    let (by_file, _, _) = repository_graphs();
    let found = circles_under(&by_file, ROOTS, file_in_root);
    assert!(
        found.is_empty(),
        "import circles between files:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_module_imports_itself_through_others() {
    let (_, by_module, _) = repository_graphs();
    let found = circles_under(&by_module, ROOTS, module_in_root);
    assert!(
        found.is_empty(),
        "import circles between modules:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_crate_imports_itself_through_others() {
    let (_, _, by_crate) = repository_graphs();
    let found: Vec<String> = circles(&by_crate).iter().map(|c| c.join(" -> ")).collect();
    assert!(
        found.is_empty(),
        "import circles between crates:\n{}",
        found.join("\n")
    );
}

// ---------------------------------------------------------------- the checker's own tests

fn graph(edges: &[(&str, &str)]) -> Graph {
    let mut g = Graph::new();
    for (a, b) in edges {
        add_edge(&mut g, a, b);
    }
    g
}

#[test]
fn a_circle_is_found_and_named_in_order() {
    let g = graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")]);
    assert_eq!(circles(&g), vec![vec!["a", "b", "c", "a"]]);
    let two = graph(&[("x", "y"), ("y", "x"), ("p", "q"), ("q", "p")]);
    assert_eq!(circles(&two).len(), 2);
}

#[test]
fn a_tree_and_a_diamond_pass() {
    let tree = graph(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "e")]);
    assert!(circles(&tree).is_empty());
    let diamond = graph(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]);
    assert!(circles(&diamond).is_empty());
}

#[test]
fn only_circles_touching_a_root_are_reported() {
    let g = graph(&[("src/ui/a.rs", "src/app.rs"), ("src/app.rs", "src/ui/a.rs")]);
    assert!(circles_under(&g, &["src/kafka"], file_in_root).is_empty());
    assert_eq!(
        circles_under(&g, &["src/app.rs"], file_in_root),
        vec!["src/app.rs -> src/ui/a.rs -> src/app.rs"]
    );
}

fn source(shown: &str, module: &[&str], text: &str) -> SourceFile {
    SourceFile {
        krate: "k".into(),
        module: module.iter().map(|s| s.to_string()).collect(),
        shown: shown.into(),
        text: text.into(),
    }
}

#[test]
fn use_trees_super_self_and_inline_modules_resolve_to_files() {
    let sources = [
        source("lib.rs", &[], "pub mod a; pub mod b;"),
        source("a/mod.rs", &["a"], "pub use self::x::Thing; pub fn f() {}"),
        source(
            "a/x.rs",
            &["a", "x"],
            "use crate::{b::{self, y::Z}, a::f as g};\n\
             // crate::c::in_a_comment\n\
             const S: &str = \"crate::c::in_a_string\";\n\
             #[cfg(test)] mod tests { use super::*; fn t() { super::super::f(); } }",
        ),
        source("b/mod.rs", &["b"], "pub mod y;"),
        source(
            "b/y.rs",
            &["b", "y"],
            "fn h() -> char { let _ = '{'; crate::a::x::Thing }",
        ),
        source("c.rs", &["c"], "fn n() {}"),
    ];
    let (by_file, by_module, _) = graphs(&sources, &BTreeSet::from(["k".to_string()]));
    let edges = |f: &str| by_file.get(f).cloned().unwrap_or_default();
    assert_eq!(edges("a/mod.rs"), BTreeSet::from(["a/x.rs".to_string()]));
    assert_eq!(
        edges("a/x.rs"),
        BTreeSet::from(["a/mod.rs", "b/mod.rs", "b/y.rs"].map(String::from))
    );
    assert_eq!(edges("b/y.rs"), BTreeSet::from(["a/x.rs".to_string()]));
    assert_eq!(
        circles(&by_file),
        vec![vec!["a/mod.rs", "a/x.rs", "a/mod.rs"]],
        "one circle per part; a/x.rs ↔ b/y.rs is in the same part: {by_file:?}"
    );
    assert_eq!(circles(&by_module), vec![vec!["k::a", "k::b", "k::a"]]);
}

#[test]
fn unit_test_modules_are_not_the_programs_layering() {
    let sources = [
        source("lib.rs", &[], "pub mod a; pub mod b;"),
        source(
            "a.rs",
            &["a"],
            "pub fn f() {}\n#[cfg(test)]\nmod tests { use crate::b::g; }",
        ),
        source("b.rs", &["b"], "pub fn g() { crate::a::f() }"),
    ];
    let idents = BTreeSet::from(["k".to_string()]);
    let (by_file, _, _) = graphs(&sources, &idents);
    assert!(circles(&by_file).is_empty(), "{by_file:?}");
    let without_cfg = [
        source("lib.rs", &[], "pub mod a; pub mod b;"),
        source(
            "a.rs",
            &["a"],
            "pub fn f() {}\nmod tests { use crate::b::g; }",
        ),
        source("b.rs", &["b"], "pub fn g() { crate::a::f() }"),
    ];
    let (by_file, _, _) = graphs(&without_cfg, &idents);
    assert_eq!(circles(&by_file).len(), 1, "{by_file:?}");
}
