//! The `?` overlay: every key.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Every key, by where it works.
pub const KEYS: &[(&str, &[(&str, &str)])] = &[
    (
        "Everywhere",
        &[
            ("1 2 3 4  Tab", "switch pane (also click a tab)"),
            ("Alt-1 … 4", "switch pane, even while typing"),
            ("?  F1", "this help"),
            ("q", "quit (outside text fields)"),
            ("Ctrl-C", "quit"),
        ],
    ),
    (
        "Topics",
        &[
            ("↑↓ j k  wheel", "select"),
            ("Enter", "watch live from the beginning"),
            ("w", "compose to the selected topic"),
            ("c", "create a topic"),
            ("p  +", "add partitions"),
            ("d  Del", "delete (type the name to confirm)"),
            ("r", "refresh now"),
        ],
    ),
    (
        "Compose",
        &[
            (
                "Tab ↑↓ Enter",
                "next / previous field (Enter adds a line in value)",
            ),
            ("Ctrl-S  F5", "send"),
            (
                "Ctrl-R",
                "start / stop repeat: every N ms, M times, with {seq} {unix} {letters}",
            ),
            ("Ctrl-A / Ctrl-D", "add / remove a header"),
            (
                "Ctrl-N",
                "key: null ↔ empty \"\"; value: empty ↔ null (a tombstone)",
            ),
            ("Space ← →", "switch partitioner"),
            ("\\x00 \\n \\\\", "escapes in key, value, header values"),
            ("Esc", "leave the fields (then Enter edits again)"),
        ],
    ),
    (
        "Live",
        &[
            (
                "↑↓ PgUp PgDn  wheel",
                "select a message (Home/Esc: follow newest)",
            ),
            ("click", "select a message; click it again to open it"),
            ("Enter", "open it: headers and value"),
            ("v", "value as text / JSON / hex"),
            ("PgUp PgDn J K", "scroll the message detail"),
            ("b / e", "restart from beginning / end"),
            ("o / t", "start at an offset / a time"),
            ("Space", "pause / resume"),
            ("/", "filter by text"),
        ],
    ),
    (
        "Groups",
        &[
            ("↑↓ j k  click", "select a group (it is followed closely)"),
            ("a", "add an in-app member: group, topics, assignor"),
            ("m", "select the next member"),
            (
                "x",
                "remove the selected member if it is ours (★), with a clean leave",
            ),
            ("R", "reset an inactive group's offsets (type its name)"),
            ("D", "delete an empty group (type its name)"),
        ],
    ),
];

/// Draws the help overlay.
/// Lines the help has (a heading per section, a line per key), before wrapping.
pub fn line_count() -> u16 {
    KEYS.iter().map(|(_, keys)| 1 + keys.len() as u16).sum()
}

/// Draws the help overlay over the whole body (one border, not two), scrolled down by
/// `scroll` lines (clamped so the last line stays at the bottom).
pub fn draw(frame: &mut Frame<'_>, area: Rect, scroll: u16) {
    let rect = area;
    frame.render_widget(Clear, rect);
    let mut lines = Vec::new();
    for (section, keys) in KEYS {
        lines.push(Line::from(Span::styled(
            *section,
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        )));
        for (k, what) in *keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {k:<22}"), Style::default().fg(Color::Yellow)),
                Span::raw(*what),
            ]));
        }
    }
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
            &format!(" ↑↓ PgUp PgDn scroll{more} · any other key closes "),
            rect,
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pane_has_a_section_and_every_key_a_description() {
        for pane in ["Everywhere", "Topics", "Compose", "Live", "Groups"] {
            assert!(
                KEYS.iter().any(|(name, _)| *name == pane),
                "no help for {pane}"
            );
        }
        for (section, keys) in KEYS {
            assert!(!keys.is_empty(), "{section} lists no key");
            for (key, what) in *keys {
                assert!(!key.is_empty() && !what.is_empty(), "{section}: {key:?}");
            }
        }
    }
}
