//! The cluster picker (`C`): the clusters the dashboard can switch to — the embedded
//! broker, the config file's profiles, the last `-b` — with the one in view marked.
//! It only chooses; the app starts the switch.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::escape::escape_bytes;
use crate::keys::{Binding, Key};

/// What a key does in the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKey {
    /// The row above.
    Up,
    /// The row below.
    Down,
    /// The first row.
    First,
    /// The last row.
    Last,
    /// Switch to the selected cluster.
    Choose,
    /// Close without switching.
    Close,
}

/// The picker's keys.
pub const KEYS: &[Binding<PickerKey>] = &[
    Binding::new(
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        PickerKey::Up,
        "the cluster above",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        PickerKey::Down,
        "the cluster below",
    )
    .hinted("↑↓ select"),
    Binding::new(
        &[Key::plain(KeyCode::Home), Key::ch('g')],
        PickerKey::First,
        "the first cluster",
    ),
    Binding::new(
        &[Key::plain(KeyCode::End), Key::ch('G')],
        PickerKey::Last,
        "the last cluster",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Enter)],
        PickerKey::Choose,
        "switch the whole dashboard to it",
    )
    .hinted("Enter switch"),
    Binding::new(
        &[Key::plain(KeyCode::Esc), Key::ch('q')],
        PickerKey::Close,
        "close",
    )
    .hinted("Esc close"),
];

/// One cluster as the picker lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its name.
    pub title: String,
    /// What it is (bootstrap, files, secrets not remembered).
    pub detail: String,
}

/// What the picker asks of the app after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing more (the selection may have moved).
    Stay,
    /// Close it.
    Close,
    /// Switch to the cluster at this index.
    Choose(usize),
}

/// The open picker.
#[derive(Debug, Clone)]
pub struct Picker {
    rows: Vec<Row>,
    /// The cluster in view.
    current: usize,
    /// The selected row.
    pub selected: usize,
}

impl Picker {
    /// A picker over `rows`, the one in view (`current`) selected.
    pub fn new(rows: Vec<Row>, current: usize) -> Picker {
        Picker {
            rows,
            current,
            selected: current,
        }
    }

    /// The rows listed.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Applies a key; any key not in [`KEYS`] is left alone.
    pub fn key(&mut self, k: &KeyEvent) -> Outcome {
        match crate::keys::lookup(KEYS, k) {
            Some(PickerKey::Up) => self.selected = self.selected.saturating_sub(1),
            Some(PickerKey::Down) => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1))
            }
            Some(PickerKey::First) => self.selected = 0,
            Some(PickerKey::Last) => self.selected = self.rows.len().saturating_sub(1),
            Some(PickerKey::Choose) if self.selected == self.current => return Outcome::Close,
            Some(PickerKey::Choose) => return Outcome::Choose(self.selected),
            Some(PickerKey::Close) => return Outcome::Close,
            None => {}
        }
        Outcome::Stay
    }

    /// Draws the picker centred in `area`.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect) {
        let height = (self.rows.len() as u16 * 2 + 2).min(area.height);
        let width = area.width.saturating_sub(4).clamp(20, 76).min(area.width);
        let [_, mid, _] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(height),
            Constraint::Fill(1),
        ])
        .areas(area);
        let [_, rect, _] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(width),
            Constraint::Fill(1),
        ])
        .areas(mid);
        frame.render_widget(Clear, rect);
        let inner = usize::from(rect.width.saturating_sub(2));
        let mut lines = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            let mark = if i == self.current { "● " } else { "  " };
            let style = if i == self.selected {
                Style::default()
                    .fg(Color::Black)
                    .bg(Color::Cyan)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            // Names come from files the user wrote, but a profile name could hold anything.
            let title = escape_bytes(row.title.as_bytes());
            let first = super::fit_str(&format!("{mark}{title}"), inner);
            lines.push(Line::from(Span::styled(format!("{first:inner$}"), style)));
            let detail = super::fit_str(
                &format!("    {}", escape_bytes(row.detail.as_bytes())),
                inner,
            );
            lines.push(Line::from(Span::styled(
                detail,
                Style::default().fg(Color::DarkGray),
            )));
        }
        let scroll = (self.selected as u16 * 2 + 2).saturating_sub(rect.height.saturating_sub(2));
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" Clusters · ● in view ")
            .title_bottom(super::border_hint(&crate::keys::hint(KEYS), rect));
        frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), rect);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn press(p: &mut Picker, code: KeyCode) -> Outcome {
        p.key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn rows(n: usize) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                title: format!("c{i}"),
                detail: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_selection_starts_on_the_cluster_in_view_and_enter_chooses_another() {
        crate::keys::check_table("picker", KEYS).unwrap();
        let mut p = Picker::new(rows(3), 1);
        assert_eq!(
            press(&mut p, KeyCode::Enter),
            Outcome::Close,
            "already there"
        );
        assert_eq!(press(&mut p, KeyCode::Down), Outcome::Stay);
        press(&mut p, KeyCode::Down);
        assert_eq!(p.selected, 2, "stops at the last");
        assert_eq!(press(&mut p, KeyCode::Enter), Outcome::Choose(2));
        for _ in 0..5 {
            press(&mut p, KeyCode::Up);
        }
        assert_eq!(press(&mut p, KeyCode::Enter), Outcome::Choose(0));
        assert_eq!(press(&mut p, KeyCode::Esc), Outcome::Close);
        assert_eq!(press(&mut p, KeyCode::Char('x')), Outcome::Stay);
        press(&mut p, KeyCode::End);
        assert_eq!(p.selected, 2, "End: the last");
        press(&mut p, KeyCode::Home);
        assert_eq!(p.selected, 0, "Home: the first");
    }
}
