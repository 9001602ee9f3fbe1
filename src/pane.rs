//! The panes and the keys that work in every one of them (show a pane, the next or
//! previous one, help, quit). The app routes by these; the help lists `GLOBAL_KEYS`.
//! Nothing here knows the panes' state, so the app, the UI and the remembered state
//! (`state.rs`) can all use it without importing one another.

use crossterm::event::KeyCode;

use crate::keys::{Binding, Key};

/// The panes, in tab order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Pane {
    /// Topics list.
    Topics,
    /// Message composer.
    Composer,
    /// Live per-partition view.
    Live,
    /// Consumer groups.
    Groups,
    /// Compose, live view and the groups reading the topic, on one screen.
    Watch,
}

impl Pane {
    /// All panes in tab order.
    pub const ALL: [Pane; 5] = [
        Pane::Topics,
        Pane::Composer,
        Pane::Live,
        Pane::Groups,
        Pane::Watch,
    ];
    /// The parts of the watch screen, in Tab order.
    pub const WATCH_PARTS: [Pane; 3] = [Pane::Composer, Pane::Live, Pane::Groups];

    /// Tab title.
    pub fn title(self) -> &'static str {
        match self {
            Pane::Topics => "1 Topics",
            Pane::Composer => "2 Compose",
            Pane::Live => "3 Live",
            Pane::Groups => "4 Groups",
            Pane::Watch => "5 Watch",
        }
    }
}

/// What a key does wherever the keyboard is (keys with Ctrl or Alt and F-keys even while
/// typing in a field, the others only outside fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalKey {
    /// Quit.
    Quit,
    /// Quit, outside text fields.
    QuitOutsideFields,
    /// Open the help.
    Help,
    /// Show a pane.
    Show(Pane),
    /// The next pane.
    NextPane,
    /// The previous pane.
    PrevPane,
    /// Open the cluster picker.
    Clusters,
}

/// Keys that work in every pane.
pub const GLOBAL_KEYS: &[Binding<GlobalKey>] = &[
    Binding::new(
        &[Key::ch('1'), Key::alt('1')],
        GlobalKey::Show(Pane::Topics),
        "show Topics",
    ),
    Binding::new(
        &[Key::ch('2'), Key::alt('2')],
        GlobalKey::Show(Pane::Composer),
        "show Compose",
    ),
    Binding::new(
        &[Key::ch('3'), Key::alt('3')],
        GlobalKey::Show(Pane::Live),
        "show Live",
    ),
    Binding::new(
        &[Key::ch('4'), Key::alt('4')],
        GlobalKey::Show(Pane::Groups),
        "show Groups",
    ),
    Binding::new(
        &[Key::ch('5'), Key::alt('5')],
        GlobalKey::Show(Pane::Watch),
        "show Watch: compose, live view and groups on one screen",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Tab)],
        GlobalKey::NextPane,
        "next pane (also click a tab); on Watch, its next part",
    ),
    Binding::new(
        &[Key::plain(KeyCode::BackTab)],
        GlobalKey::PrevPane,
        "previous pane; on Watch, its previous part",
    ),
    Binding::new(
        &[Key::ch('C')],
        GlobalKey::Clusters,
        "switch cluster: the embedded broker, a profile, the last -b",
    ),
    Binding::new(
        &[Key::ch('?'), Key::plain(KeyCode::F(1))],
        GlobalKey::Help,
        "this help",
    ),
    Binding::new(
        &[Key::ch('q')],
        GlobalKey::QuitOutsideFields,
        "quit (outside text fields)",
    ),
    Binding::new(&[Key::ctrl('c')], GlobalKey::Quit, "quit"),
];
