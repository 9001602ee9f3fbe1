//! The broker's files do not import each other in circles: for every file (a module),
//! the modules it names through `crate::`, `super::`, `self::` or a child's name are its
//! imports, and no file may reach itself through them. Unit tests (`mod tests`) are
//! left out: they look into their parent by design. The only circles allowed are
//! listed in `ALLOWED`: the crate root's shared state (`Shared`, `Broker`), the
//! request dispatcher's per-request context (`Ctx`), the SASL mechanisms' trait, which
//! the files under them use, and in-process produce/read's use of the shared state.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Imports that may point back up: (from, to), `to` being an ancestor of `from`.
const ALLOWED: &[(&str, &str)] = &[
    ("handlers", "lib"),
    ("server", "lib"),
    ("handlers/*", "handlers"),
    // Authentication reads the users and SCRAM credentials in the shared state; each
    // mechanism implements its parent's `Mechanism`.
    ("sasl", "lib"),
    ("sasl/*", "lib"),
    ("sasl/*", "sasl"),
    // In-process produce and read (the embedded registry's log) use the shared state's
    // topics, as a Produce request's handler does.
    ("local", "lib"),
];

type Module = Vec<String>;

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file is (`lib.rs` is the empty path, `a/mod.rs` is `a`).
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let mut parts: Module = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// What a file says outside its unit tests and comments.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| {
            // Visibilities name modules without importing them.
            let l = l.replace("pub(crate)", "pub").replace("pub(super)", "pub");
            match (l.find("pub(in "), l.find(')')) {
                (Some(at), Some(end)) if end > at => format!("{}pub{}", &l[..at], &l[end + 1..]),
                _ => l,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths the code names: each `crate::`/`super::`/`self::` path (one level of a `{…}`
/// group expanded), and each path through a child module the file declares.
fn named_paths(module: &Module, code: &str) -> Vec<Module> {
    let parent = module[..module.len().saturating_sub(1)].to_vec();
    let children: BTreeSet<&str> = code
        .lines()
        .filter_map(|l| {
            let l = l
                .trim_start()
                .trim_start_matches("pub ")
                .trim_start_matches("pub(crate) ");
            l.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect();
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) || (i > 0 && (ident(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (ident(bytes[i]) || bytes[i] == b':' || bytes[i] == b'{') {
            if bytes[i] == b'{' {
                break;
            }
            i += 1;
        }
        let path: Vec<&str> = code[start..i]
            .split("::")
            .filter(|s| !s.is_empty())
            .collect();
        // A lone word (`self` the receiver, `crate` in a visibility) names no module.
        if path.len() < 2 && !code[i..].starts_with('{') {
            continue;
        }
        let base = match path.first().copied() {
            Some("crate") => Some((Vec::new(), 1)),
            Some("super") => Some((parent.clone(), 1)),
            Some("self") => Some((module.clone(), 1)),
            Some(c) if children.contains(c) => Some((module.clone(), 0)),
            _ => None,
        };
        let Some((mut full, skip)) = base else {
            continue;
        };
        full.extend(path[skip..].iter().map(|s| s.to_string()));
        if code[i..].starts_with('{') {
            let group_end = code[i..].find('}').map_or(code.len(), |e| i + e);
            for item in code[i + 1..group_end].split(',') {
                let item = item.split(" as ").next().unwrap_or("").trim();
                let mut one = full.clone();
                one.extend(item.split("::").filter(|s| !s.is_empty()).map(String::from));
                out.push(one);
            }
        }
        out.push(full);
    }
    out
}

/// The longest known module a path starts with.
fn resolve(modules: &BTreeSet<Module>, path: &Module) -> Option<Module> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains(m))
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("/")
    }
}

fn allowed(from: &Module, to: &Module) -> bool {
    ALLOWED.iter().any(|(f, t)| {
        let from_ok = match f.strip_suffix("/*") {
            Some(parent) => from.len() > 1 && name(&from[..from.len() - 1].to_vec()) == parent,
            None => name(from) == *f,
        };
        from_ok && name(to) == *t
    })
}

/// The import graph of the crate at `src`: module → modules it imports.
fn graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let by_module: BTreeMap<Module, PathBuf> = files
        .into_iter()
        .map(|f| (module_of(src, &f), f))
        .filter(|(m, _)| m.last().map(String::as_str) != Some("tests"))
        .collect();
    let modules: BTreeSet<Module> = by_module.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (module, file) in &by_module {
        let code = code_of(&std::fs::read_to_string(file).expect("readable file"));
        let deps: BTreeSet<Module> = named_paths(module, &code)
            .iter()
            .filter_map(|p| resolve(&modules, p))
            .filter(|d| d != module && !allowed(module, d))
            .collect();
        edges.insert(module.clone(), deps);
    }
    edges
}

/// A chain of imports from `start` back to itself, if there is one.
fn circle_from(edges: &BTreeMap<Module, BTreeSet<Module>>, start: &Module) -> Option<Vec<String>> {
    let mut stack = vec![(start.clone(), vec![name(start)])];
    let mut seen = BTreeSet::new();
    while let Some((at, trail)) = stack.pop() {
        for next in edges.get(&at).into_iter().flatten() {
            if next == start {
                return Some([trail.clone(), vec![name(start)]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [trail.clone(), vec![name(next)]].concat()));
            }
        }
    }
    None
}

#[test]
fn no_file_imports_itself_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src);
    assert!(
        edges.len() > 20,
        "found the broker's files: {}",
        edges.len()
    );
    let circles: Vec<String> = edges
        .keys()
        .filter_map(|m| circle_from(&edges, m))
        .map(|c| c.join(" → "))
        .collect();
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_checker_sees_a_circle() {
    let dir = std::env::temp_dir().join(format!("import-graph-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("lib.rs"), "mod a;\nmod b;\nmod d;\n").unwrap();
    std::fs::write(
        dir.join("a/mod.rs"),
        "mod c;\nuse crate::b::B;\npub struct A;\n",
    )
    .unwrap();
    std::fs::write(dir.join("a/c.rs"), "pub struct C;\n").unwrap();
    std::fs::write(dir.join("b.rs"), "use crate::{a::A, d};\npub struct B;\n").unwrap();
    std::fs::write(dir.join("d.rs"), "use super::a::c::C;\n").unwrap();
    let edges = graph(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let a = vec!["a".to_string()];
    assert_eq!(
        circle_from(&edges, &a),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
    assert_eq!(
        circle_from(&edges, &vec!["d".to_string()]),
        None,
        "d only uses a/c"
    );
}
