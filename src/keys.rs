//! Key tables: each part of the screen lists its keys once, as data. The part's key
//! handler looks actions up in its table, and the help overlay and border hints are built
//! from the same tables, so what the help says and what a key does cannot drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key, with the modifiers it needs (Shift is not one: `R` is its own character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// A character key without modifiers.
    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// Ctrl and a character.
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// Alt and a character.
    pub const fn alt(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: false,
            alt: true,
        }
    }

    /// Whether a terminal key event is this key.
    pub fn matches(&self, k: &KeyEvent) -> bool {
        self.code == k.code
            && self.ctrl == k.modifiers.contains(KeyModifiers::CONTROL)
            && self.alt == k.modifiers.contains(KeyModifiers::ALT)
    }

    /// Whether the key still acts while a text field has the keyboard (it cannot be
    /// typed: it has Ctrl or Alt, or is a function key).
    pub fn works_while_typing(&self) -> bool {
        self.ctrl || self.alt || matches!(self.code, KeyCode::F(_))
    }

    /// The key as the help names it: `↑`, `PgDn`, `Ctrl-S`, `Space`, `F1`.
    pub fn name(&self) -> String {
        let base = match self.code {
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl-{base}"),
            (_, true) => format!("Alt-{base}"),
            _ => base,
        }
    }
}

/// What one or more keys do in one part of the screen.
#[derive(Debug, Clone, Copy)]
pub struct Binding<A: 'static> {
    /// The keys, the first being the one hints name.
    pub keys: &'static [Key],
    /// What the part does.
    pub action: A,
    /// What the help says it does.
    pub what: &'static str,
    /// The words in the part's border hint, starting with a key's name; none when the
    /// key is only in the help.
    pub hint: Option<&'static str>,
}

impl<A: Copy> Binding<A> {
    /// A binding the help lists and the border does not.
    pub const fn new(keys: &'static [Key], action: A, what: &'static str) -> Self {
        Binding {
            keys,
            action,
            what,
            hint: None,
        }
    }

    /// Also named in the part's border, as `hint`.
    pub const fn hinted(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
}

/// The action a key event has in a table, if any (the first binding that lists it).
pub fn lookup<A: Copy>(table: &[Binding<A>], k: &KeyEvent) -> Option<A> {
    table
        .iter()
        .find(|b| b.keys.iter().any(|key| key.matches(k)))
        .map(|b| b.action)
}

/// Like [`lookup`], but only keys that act while a text field has the keyboard.
pub fn lookup_while_typing<A: Copy>(table: &[Binding<A>], k: &KeyEvent) -> Option<A> {
    table
        .iter()
        .find(|b| {
            b.keys
                .iter()
                .any(|key| key.works_while_typing() && key.matches(k))
        })
        .map(|b| b.action)
}

/// A part's border hint: its hinted bindings in table order, ` · ` between them.
pub fn hint<A>(table: &[Binding<A>]) -> String {
    let parts: Vec<&str> = table.iter().filter_map(|b| b.hint).collect();
    format!(" {} ", parts.join(" · "))
}

/// Like [`hint`], with only the bindings whose action applies now (a pane offers
/// `x remove` only while there is something to remove).
pub fn hint_where<A: Copy>(table: &[Binding<A>], applies: impl Fn(A) -> bool) -> String {
    let parts: Vec<&str> = table
        .iter()
        .filter(|b| applies(b.action))
        .filter_map(|b| b.hint)
        .collect();
    format!(" {} ", parts.join(" · "))
}

/// One help line: the keys' names and what they do.
pub type HelpRow = (String, &'static str);

/// A table as help lines.
pub fn help_rows<A>(table: &[Binding<A>]) -> Vec<HelpRow> {
    table
        .iter()
        .map(|b| {
            let names: Vec<String> = b.keys.iter().map(Key::name).collect();
            (names.join(" "), b.what)
        })
        .collect()
}

/// Things done with the mouse or by typing, which the help lists beside the keys.
pub fn note_rows(notes: &[(&'static str, &'static str)]) -> Vec<HelpRow> {
    notes.iter().map(|(k, w)| (k.to_string(), *w)).collect()
}

/// Checks a table: no key bound twice (the second binding could never act), and every
/// hint starts with the name of one of its binding's keys. Used by each table's tests.
pub fn check_table<A: std::fmt::Debug>(name: &str, table: &[Binding<A>]) -> Result<(), String> {
    let mut seen: Vec<Key> = Vec::new();
    for b in table {
        for key in b.keys {
            if seen.contains(key) {
                return Err(format!(
                    "{name}: {} is bound twice ({:?})",
                    key.name(),
                    b.action
                ));
            }
            seen.push(*key);
        }
        if let Some(h) = b.hint {
            let first = h.split_whitespace().next().unwrap_or("");
            let named = b.keys.iter().any(|k| {
                let n = k.name();
                first.contains(&n)
            });
            if !named {
                return Err(format!(
                    "{name}: hint {h:?} does not start with a key of {:?}",
                    b.action
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum A {
        Up,
        Send,
        Reset,
    }

    const T: &[Binding<A>] = &[
        Binding::new(&[Key::plain(KeyCode::Up), Key::ch('k')], A::Up, "up").hinted("↑ up"),
        Binding::new(
            &[Key::ctrl('s'), Key::plain(KeyCode::F(5))],
            A::Send,
            "send",
        ),
        Binding::new(&[Key::ch('R')], A::Reset, "reset"),
    ];

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn keys_match_with_their_modifiers_only() {
        assert_eq!(
            lookup(T, &ev(KeyCode::Char('k'), KeyModifiers::NONE)),
            Some(A::Up)
        );
        assert_eq!(
            lookup(T, &ev(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            Some(A::Send)
        );
        assert_eq!(lookup(T, &ev(KeyCode::Char('s'), KeyModifiers::NONE)), None);
        // Shift is part of the character.
        assert_eq!(
            lookup(T, &ev(KeyCode::Char('R'), KeyModifiers::SHIFT)),
            Some(A::Reset)
        );
        assert_eq!(
            lookup_while_typing(T, &ev(KeyCode::F(5), KeyModifiers::NONE)),
            Some(A::Send)
        );
        assert_eq!(
            lookup_while_typing(T, &ev(KeyCode::Char('k'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn help_and_hints_come_from_the_table() {
        assert_eq!(help_rows(T)[1], ("Ctrl-S F5".to_string(), "send"));
        assert_eq!(hint(T), " ↑ up ");
        assert!(check_table("T", T).is_ok());
        const X: &[Key] = &[Key::ch('x')];
        let twice = [Binding::new(X, A::Up, "a"), Binding::new(X, A::Reset, "b")];
        assert!(check_table("twice", &twice).unwrap_err().contains("twice"));
        let wrong = [Binding::new(X, A::Up, "a").hinted("y: a")];
        assert!(check_table("wrong", &wrong).is_err());
    }
}
