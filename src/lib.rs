//! kafka-dash: a terminal dashboard for Apache Kafka, and the embedded broker it runs on.

pub mod action;
pub mod app;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod dashboard;
pub mod embedded_registry;
pub mod escape;
pub mod input;
pub mod kafka;
pub mod keys;
pub mod logging;
pub mod pane;
pub mod schemas;
pub mod screen;
pub mod state;
pub mod tui;
pub mod ui;

/// The UI's layers import downward only: `screen` → `app` → `ui` → `pane`/`keys`/
/// `action`, so none of them is compiled, read or tested through a circle.
#[cfg(test)]
mod layering {
    use std::path::{Path, PathBuf};

    /// Every `.rs` file under `dir`.
    fn sources(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(sources(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }

    /// The code lines of `path` (doc and other comments left out) naming one of `modules`.
    fn imports(path: &Path, modules: &[&str]) -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            // Tests may use any layer (an app test draws a frame to click on).
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .filter(|l| !l.trim_start().starts_with("//"))
            .filter(|l| modules.iter().any(|m| l.contains(&format!("crate::{m}"))))
            .map(|l| format!("{}: {}", path.display(), l.trim()))
            .collect()
    }

    #[test]
    fn the_ui_does_not_reach_up_into_the_app_or_the_screen() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for path in sources(&src.join("ui")) {
            found.extend(imports(&path, &["app", "screen", "dashboard"]));
        }
        found.extend(imports(&src.join("app.rs"), &["screen", "dashboard"]));
        for leaf in ["pane.rs", "keys.rs", "action.rs"] {
            found.extend(imports(&src.join(leaf), &["app", "ui", "screen"]));
        }
        assert!(
            found.is_empty(),
            "imports against the layers:\n{}",
            found.join("\n")
        );
    }
}
