//! A small modal form: labelled single-line inputs (tui-input), used for creating topics,
//! adding partitions, confirmations, start offsets and filters.

use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

use crate::keys::{Binding, Key};

/// What a key does in a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// Next field, or submit on the last.
    Enter,
    /// Next field.
    Next,
    /// Previous field.
    Prev,
    /// Close the form without acting.
    Cancel,
}

/// A form's keys (any other key is typed into the focused field).
pub const KEYS: &[Binding<FormKey>] = &[
    Binding::new(
        &[Key::plain(KeyCode::Enter)],
        FormKey::Enter,
        "next field; on the last, submit",
    )
    .hinted("Enter next/submit"),
    Binding::new(
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Down)],
        FormKey::Next,
        "next field",
    ),
    Binding::new(
        &[Key::plain(KeyCode::BackTab), Key::plain(KeyCode::Up)],
        FormKey::Prev,
        "previous field",
    ),
    Binding::new(&[Key::plain(KeyCode::Esc)], FormKey::Cancel, "cancel").hinted("Esc cancel"),
];

/// What a form is for; the app acts on it when submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// Topics pane: create a topic.
    CreateTopic,
    /// Topics pane: grow a topic.
    AddPartitions(String),
    /// Topics pane: delete a topic (type its name to confirm).
    DeleteTopic(String),
    /// Live view: start at an offset.
    StartOffset,
    /// Live view: start at a time.
    StartTime,
    /// Live view: filter by text.
    Filter,
    /// Groups pane: start an in-app member.
    AddMember,
    /// Groups pane: reset a group's offsets.
    ResetOffsets(String),
    /// Groups pane: delete a group.
    DeleteGroup(String),
    /// Groups pane: filter the list.
    GroupFilter,
    /// Live view: save the messages in view to a file.
    SaveMessages,
    /// Composer: replay a file into a topic.
    Replay,
}

/// A modal form.
#[derive(Debug, Clone)]
pub struct Form {
    /// Purpose.
    pub kind: FormKind,
    /// Title line.
    pub title: String,
    /// Labels and inputs.
    pub fields: Vec<(String, Input)>,
    /// Focused field.
    pub focus: usize,
    /// Validation message shown under the fields.
    pub error: Option<String>,
}

/// What a key did to a form.
#[derive(Debug, PartialEq, Eq)]
pub enum FormOutcome {
    /// Still editing.
    Editing,
    /// Enter on the last field.
    Submit,
    /// Esc.
    Cancel,
}

impl Form {
    /// A form with `(label, initial value)` fields.
    pub fn new(kind: FormKind, title: impl Into<String>, fields: &[(&str, &str)]) -> Self {
        Self {
            kind,
            title: title.into(),
            fields: fields
                .iter()
                .map(|(l, v)| (l.to_string(), Input::new(v.to_string())))
                .collect(),
            focus: 0,
            error: None,
        }
    }

    /// The value of field `i`, trimmed.
    pub fn value(&self, i: usize) -> &str {
        self.fields
            .get(i)
            .map_or("", |(_, input)| input.value().trim())
    }

    /// Inserts pasted text into the focused field (one line: line breaks become spaces).
    pub fn paste(&mut self, text: &str) {
        if let Some((_, input)) = self.fields.get_mut(self.focus) {
            *input = crate::ui::insert_at_cursor(input, &text.replace(['\r', '\n'], " "));
        }
        self.error = None;
    }

    /// Handles a key.
    pub fn handle_key(&mut self, key: KeyEvent) -> FormOutcome {
        let fields = self.fields.len().max(1);
        match crate::keys::lookup(KEYS, &key) {
            Some(FormKey::Cancel) => return FormOutcome::Cancel,
            Some(FormKey::Enter) if self.focus + 1 >= self.fields.len() => {
                return FormOutcome::Submit
            }
            Some(FormKey::Enter | FormKey::Next) => self.focus = (self.focus + 1) % fields,
            Some(FormKey::Prev) => self.focus = (self.focus + fields - 1) % fields,
            None => {
                if let Some((_, input)) = self.fields.get_mut(self.focus) {
                    input.handle_event(&Event::Key(key));
                }
                self.error = None;
            }
        }
        FormOutcome::Editing
    }

    /// Draws the form centred over `area`.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect) {
        let height = (self.fields.len() as u16) + 4 + u16::from(self.error.is_some());
        let [row] = Layout::vertical([Constraint::Length(height)])
            .flex(Flex::Center)
            .areas(area);
        let [rect] = Layout::horizontal([Constraint::Max(70)])
            .flex(Flex::Center)
            .areas(row);
        frame.render_widget(Clear, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} ", self.title))
            .title_bottom(super::border_hint(&crate::keys::hint(KEYS), rect))
            .border_style(Style::default().fg(Color::Yellow));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let label_width = self.fields.iter().map(|(l, _)| l.len()).max().unwrap_or(0) as u16 + 2;
        for (i, (label, input)) in self.fields.iter().enumerate() {
            let y = inner.y + i as u16;
            if y >= inner.bottom() {
                break;
            }
            let focused = i == self.focus;
            let style = if focused {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            let line = Line::from(vec![
                Span::styled(
                    format!("{label:>w$}: ", w = label_width as usize - 2),
                    style,
                ),
                Span::raw(input.value().to_string()),
            ]);
            frame.render_widget(
                Paragraph::new(line),
                Rect {
                    y,
                    height: 1,
                    ..inner
                },
            );
            if focused {
                let x = inner.x + label_width + input.visual_cursor() as u16;
                frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), y));
            }
        }
        if let Some(err) = &self.error {
            let y = inner.y + self.fields.len() as u16 + 1;
            if y < inner.bottom() {
                frame.render_widget(
                    Paragraph::new(Span::styled(err.as_str(), Style::default().fg(Color::Red))),
                    Rect {
                        y,
                        height: 1,
                        ..inner
                    },
                );
            }
        }
    }
}
