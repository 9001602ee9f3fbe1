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
            ("1 2 3  Tab", "switch pane (also click a tab)"),
            ("Alt-1 2 3", "switch pane, even while typing"),
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
            ("b / e", "restart from beginning / end"),
            ("o / t", "start at an offset / a time"),
            ("Space", "pause / resume"),
            ("/", "filter by text"),
        ],
    ),
];

/// Draws the help overlay.
pub fn draw(frame: &mut Frame<'_>, area: Rect) {
    let rect = Rect {
        x: area.x + 1,
        y: area.y,
        width: area.width.saturating_sub(2),
        height: area.height,
    };
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
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys ")
        .title_bottom(" any key closes ");
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
