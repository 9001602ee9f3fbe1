//! The `?` overlay: every key, built from the key tables the parts act on. It scrolls
//! with its own keys; any other key closes it.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crossterm::event::{KeyCode, KeyEvent};

use crate::keys::{help_rows, note_rows, Binding, HelpRow, Key};
use crate::ui::component::{Component, Ctx, DrawCtx};
use crate::ui::effect::Effect;

/// What a key does while the help is open (any other key closes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpKey {
    /// A line up.
    Up,
    /// A line down.
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// The top.
    Top,
    /// The bottom.
    Bottom,
}

/// The help's own keys.
pub const KEYS: &[Binding<HelpKey>] = &[
    Binding::new(
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        HelpKey::Up,
        "scroll up",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        HelpKey::Down,
        "scroll down",
    )
    .hinted("↑↓ PgUp PgDn scroll"),
    Binding::new(&[Key::plain(KeyCode::PageUp)], HelpKey::PageUp, "a page up"),
    Binding::new(
        &[Key::plain(KeyCode::PageDown)],
        HelpKey::PageDown,
        "a page down",
    ),
    Binding::new(&[Key::plain(KeyCode::Home)], HelpKey::Top, "the top"),
    Binding::new(&[Key::plain(KeyCode::End)], HelpKey::Bottom, "the bottom"),
];

const PAGE: u16 = 10;
/// Columns the key names take, indent included.
const KEY_COLUMN: usize = 24;

/// The scroll position after a help key, the help drawn over a body of `body` (width,
/// height): never past the point where the last line is at the bottom.
pub fn scrolled(scroll: u16, action: HelpKey, body: (u16, u16)) -> u16 {
    let last = max_scroll(body);
    let scroll = scroll.min(last);
    match action {
        HelpKey::Up => scroll.saturating_sub(1),
        HelpKey::Down => (scroll + 1).min(last),
        HelpKey::PageUp => scroll.saturating_sub(PAGE),
        HelpKey::PageDown => (scroll + PAGE).min(last),
        HelpKey::Top => 0,
        HelpKey::Bottom => last,
    }
}

/// Every key, by where it works, built from the key tables the parts act on.
pub fn sections() -> Vec<(&'static str, Vec<HelpRow>)> {
    use crate::ui::{composer, form, groups, partitions, topics};
    let with = |mut rows: Vec<HelpRow>, more: Vec<HelpRow>| {
        rows.extend(more);
        rows
    };
    vec![
        (
            "Everywhere (with Ctrl, Alt or F also while typing)",
            help_rows(crate::pane::GLOBAL_KEYS),
        ),
        (
            "Topics",
            with(help_rows(topics::KEYS), note_rows(topics::MOUSE)),
        ),
        (
            "Compose (Enter or i to edit; other keys type)",
            with(help_rows(composer::KEYS), note_rows(composer::NOTES)),
        ),
        (
            "Live",
            with(help_rows(partitions::KEYS), note_rows(partitions::MOUSE)),
        ),
        ("Live: an open message", help_rows(partitions::DETAIL_KEYS)),
        (
            "Groups",
            with(help_rows(groups::KEYS), note_rows(groups::MOUSE)),
        ),
        ("Forms (other keys type)", help_rows(form::KEYS)),
        ("This help (any other key closes it)", help_rows(KEYS)),
    ]
}

/// How far the help scrolls over a body of `body` (width, height).
pub fn max_scroll(body: (u16, u16)) -> u16 {
    let lines = lines(body.0.saturating_sub(2)).len() as u16;
    lines.saturating_sub(body.1.saturating_sub(2))
}

/// `text` broken at spaces into lines of at most `width` columns (a word longer than
/// that has a line of its own).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut out = vec![String::new()];
    for word in text.split(' ') {
        let line = out.last_mut().expect("one line at least");
        let needed = line.width() + usize::from(!line.is_empty()) + word.width();
        if !line.is_empty() && needed > width {
            out.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    out
}

/// The help's lines at `width` columns: a heading per section, a line per key, long
/// descriptions continued under themselves (wrapped here, so scrolling counts exactly
/// the lines drawn).
fn lines(width: u16) -> Vec<Line<'static>> {
    let room = (width as usize).saturating_sub(KEY_COLUMN).max(10);
    let mut lines = Vec::new();
    for (section, rows) in sections() {
        lines.push(Line::from(Span::styled(
            section,
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        )));
        for (k, what) in rows {
            // Keys too wide for their column get a line of their own, so a description
            // never runs into them.
            let own_line = unicode_width::UnicodeWidthStr::width(k.as_str()) > KEY_COLUMN - 3;
            if own_line {
                lines.push(Line::from(Span::styled(
                    format!("  {k}"),
                    Style::default().fg(Color::Yellow),
                )));
            }
            for (i, part) in wrap_words(what, room).into_iter().enumerate() {
                let keys = if i == 0 && !own_line { k.as_str() } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {keys:<w$}", w = KEY_COLUMN - 2),
                        Style::default().fg(Color::Yellow),
                    ),
                    Span::raw(part),
                ]));
            }
        }
    }
    lines
}

/// Draws the help overlay over the whole body (one border, not two), scrolled down by
/// `scroll` lines (clamped so the last line stays at the bottom).
pub fn draw(frame: &mut Frame<'_>, area: Rect, scroll: u16) {
    let rect = area;
    frame.render_widget(Clear, rect);
    let lines = lines(rect.width.saturating_sub(2));
    let visible = rect.height.saturating_sub(2);
    let scroll = scroll.min((lines.len() as u16).saturating_sub(visible));
    let more = if scroll + visible < lines.len() as u16 {
        " ↓ more"
    } else {
        ""
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys ")
        .title_bottom(super::border_hint(
            &format!(
                " {}{more} · any other key closes ",
                crate::keys::hint(KEYS).trim()
            ),
            rect,
        ));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), rect);
}

/// The help while it is open: how far it is scrolled.
#[derive(Debug, Clone, Copy, Default)]
pub struct Help {
    /// Lines scrolled down by.
    pub scroll: u16,
}

impl Component for Help {
    /// Takes every key: its own scroll it, any other closes it.
    fn key(&mut self, key: KeyEvent, ctx: &Ctx) -> Option<Vec<Effect>> {
        Some(match crate::keys::lookup(KEYS, &key) {
            Some(action) => {
                self.scroll = scrolled(self.scroll, action, ctx.body);
                Vec::new()
            }
            None => vec![Effect::Close],
        })
    }

    fn hints(&self) -> String {
        crate::keys::hint(KEYS)
    }

    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, _ctx: &DrawCtx<'_>) {
        draw(frame, area, self.scroll);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEvent, KeyModifiers};

    #[test]
    fn every_pane_has_a_section_and_every_key_a_description() {
        let sections = sections();
        for pane in ["Everywhere", "Topics", "Compose", "Live", "Groups", "Forms"] {
            assert!(
                sections.iter().any(|(name, _)| name.starts_with(pane)),
                "no help for {pane}"
            );
        }
        for (section, rows) in &sections {
            assert!(!rows.is_empty(), "{section} lists no key");
            for (key, what) in rows {
                assert!(!key.is_empty() && !what.is_empty(), "{section}: {key:?}");
            }
        }
    }

    #[test]
    fn the_end_of_the_help_is_reachable_at_80x24() {
        // The body of an 80×24 screen is 80×22; the last line is the help's own End key.
        let body = (80, 22);
        let end = scrolled(0, HelpKey::Bottom, body);
        let all = lines(78);
        let last: String = all[all.len() - 1]
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert!(last.contains("End"), "{last}");
        assert_eq!(
            end as usize + 20,
            all.len(),
            "the last line sits at the bottom"
        );
        assert_eq!(
            scrolled(end, HelpKey::Down, body),
            end,
            "no scrolling past it"
        );
        assert_eq!(
            scrolled(end, HelpKey::Up, body),
            end - 1,
            "one step back is one line"
        );
        assert!(all.iter().all(|l| l.width() <= 78), "every line fits");
        // A key and its description never touch.
        for l in &all {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if let Some(key) = l.spans.first().filter(|_| l.spans.len() > 1) {
                assert!(
                    key.content.ends_with(' '),
                    "no gap after the keys in {text:?}"
                );
            }
        }
        assert!(all.iter().any(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            text.trim() == "{seq} {unix} {letters}"
        }));
    }

    #[test]
    fn no_table_binds_a_key_twice_and_hints_name_their_keys() {
        use crate::keys::check_table;
        use crate::ui::{composer, form, groups, partitions, topics};
        check_table("global", crate::pane::GLOBAL_KEYS).unwrap();
        check_table("topics", topics::KEYS).unwrap();
        check_table("composer", composer::KEYS).unwrap();
        check_table("composer idle", composer::IDLE_KEYS).unwrap();
        check_table("live", partitions::KEYS).unwrap();
        check_table("detail", partitions::DETAIL_KEYS).unwrap();
        check_table("groups", groups::KEYS).unwrap();
        check_table("form", form::KEYS).unwrap();
        check_table("help", KEYS).unwrap();
    }

    #[test]
    fn pane_keys_are_not_taken_by_the_keys_that_work_everywhere() {
        use crate::ui::{groups, partitions, topics};
        // Outside text fields the global table is asked first: a pane key it also binds
        // would never reach the pane.
        let panes: Vec<(&str, Vec<&crate::keys::Key>)> = vec![
            ("topics", topics::KEYS.iter().flat_map(|b| b.keys).collect()),
            (
                "live",
                partitions::KEYS.iter().flat_map(|b| b.keys).collect(),
            ),
            ("groups", groups::KEYS.iter().flat_map(|b| b.keys).collect()),
        ];
        for (pane, keys) in panes {
            for key in keys {
                for g in crate::pane::GLOBAL_KEYS {
                    assert!(
                        !g.keys.contains(key),
                        "{pane}: {} is taken by {:?}",
                        key.name(),
                        g.action
                    );
                }
            }
        }
    }

    #[test]
    fn the_help_lists_the_keys_the_groups_pane_acts_on() {
        let text: String = sections()
            .iter()
            .filter(|(s, _)| *s == "Groups")
            .flat_map(|(_, rows)| rows.iter().map(|(k, w)| format!("{k} {w}\n")))
            .collect();
        for key in ["a ", "m ", "M ", "x ", "R ", "D ", "[ ", "] "] {
            assert!(
                text.lines().any(|l| l.starts_with(key)),
                "{key:?} missing:\n{text}"
            );
        }
        let k = KeyEvent::new(KeyCode::Char('M'), KeyModifiers::SHIFT);
        assert_eq!(
            crate::keys::lookup(crate::ui::groups::KEYS, &k),
            Some(crate::ui::groups::GroupsKey::PrevMember)
        );
    }
}
