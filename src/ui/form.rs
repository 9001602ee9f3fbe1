//! A small modal form: labelled single-line inputs (tui-input), used for creating topics,
//! adding partitions, confirmations, start offsets and filters. The form only edits
//! text; the part that builds a form (each pane's `forms` module) also parses it,
//! reading its fields by label, and the app hands a submitted form back to that part.

use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::escape::escape_typed;
use crate::keys::{Binding, Key};
use crate::pane::Pane;
use crate::ui::component::{Component, Ctx, DrawCtx};
use crate::ui::effect::Effect;

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

/// What a form is for: the part that built it parses it when it is submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// Topics pane: create a topic.
    CreateTopic,
    /// Topics pane: grow a topic.
    AddPartitions(String),
    /// Topics pane: delete a topic (type its name to confirm).
    DeleteTopic(String),
    /// Topics pane: filter the list.
    TopicFilter,
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
    /// Composer: choose a registered schema for the key or the value.
    SchemaChoice,
    /// Composer: register a schema file as a subject's new version.
    RegisterSchema,
}

impl FormKind {
    /// The part that built the form and parses it when it is submitted.
    pub fn owner(&self) -> Pane {
        match self {
            FormKind::CreateTopic
            | FormKind::AddPartitions(_)
            | FormKind::DeleteTopic(_)
            | FormKind::TopicFilter => Pane::Topics,
            FormKind::StartOffset
            | FormKind::StartTime
            | FormKind::Filter
            | FormKind::SaveMessages => Pane::Live,
            FormKind::AddMember
            | FormKind::ResetOffsets(_)
            | FormKind::DeleteGroup(_)
            | FormKind::GroupFilter => Pane::Groups,
            FormKind::Replay | FormKind::SchemaChoice | FormKind::RegisterSchema => Pane::Composer,
        }
    }
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
    /// What each field takes, shown under the fields while it is focused ("" for none).
    pub hints: Vec<String>,
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
            hints: vec![String::new(); fields.len()],
            focus: 0,
            error: None,
        }
    }

    /// The same form with a hint for each field, in order (what it takes, its choices):
    /// labels stay short, so a field's value has room however long its explanation.
    pub fn with_hints(mut self, hints: &[&str]) -> Self {
        for (slot, hint) in self.hints.iter_mut().zip(hints) {
            *slot = hint.to_string();
        }
        self
    }

    /// The value of the field labelled `label`, trimmed ("" if the form has none: each
    /// form's parse function is tested against the builder beside it).
    pub fn field(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|(l, _)| l == label)
            .map_or("", |(_, input)| input.value().trim())
    }

    /// The same form with `label` set to `value` (for tests of each form's parse).
    pub fn with_value(mut self, label: &str, value: &str) -> Self {
        if let Some((_, input)) = self.fields.iter_mut().find(|(l, _)| l == label) {
            *input = Input::new(value.to_string());
        }
        self
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

    /// Draws the form centred over `area`: a column of short labels, the values beside
    /// them (scrolled so the cursor stays in view, drawn escaped), and under them the
    /// focused field's hint and the validation message, each cut with `…` to fit.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect) {
        let hint = self.hints.get(self.focus).filter(|h| !h.is_empty());
        let notes = u16::from(hint.is_some()) + u16::from(self.error.is_some());
        let height = (self.fields.len() as u16) + 2 + notes + u16::from(notes > 0);
        let [row] = Layout::vertical([Constraint::Length(height)])
            .flex(Flex::Center)
            .areas(area);
        let [rect] = Layout::horizontal([Constraint::Max(FORM_WIDTH)])
            .flex(Flex::Center)
            .areas(row);
        frame.render_widget(Clear, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(super::border_hint(&format!(" {} ", self.title), rect))
            .title_bottom(super::border_hint(&self.hints(), rect))
            .border_style(Style::default().fg(Color::Yellow));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        // Labels never take more than a third of the form: the value is what is typed.
        let widest = self
            .fields
            .iter()
            .map(|(l, _)| l.width())
            .max()
            .unwrap_or(0);
        let label_width = widest.min(usize::from(inner.width / 3));
        let value_x = inner.x + label_width as u16 + 2;
        let value_width = inner.right().saturating_sub(value_x);
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
            let (shown, cursor) = visible_value(input, usize::from(value_width));
            let line = Line::from(vec![
                Span::styled(
                    format!(
                        "{:>w$}: ",
                        super::fit_str(label, label_width),
                        w = label_width
                    ),
                    style,
                ),
                Span::raw(shown),
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
                let x = value_x + cursor as u16;
                frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), y));
            }
        }
        let notes = [
            hint.map(|h| (h.as_str(), Style::default().fg(Color::DarkGray))),
            self.error
                .as_deref()
                .map(|e| (e, Style::default().fg(Color::Red))),
        ];
        let first = inner.y + self.fields.len() as u16 + 1;
        for (y, (text, style)) in (first..inner.bottom()).zip(notes.into_iter().flatten()) {
            let text = super::fit_str(text, usize::from(inner.width));
            frame.render_widget(
                Paragraph::new(Span::styled(text, style)),
                Rect {
                    y,
                    height: 1,
                    ..inner
                },
            );
        }
    }
}

impl Component for Form {
    /// Takes every key: Esc closes it, Enter on the last field submits it.
    fn key(&mut self, key: KeyEvent, _ctx: &Ctx) -> Option<Vec<Effect>> {
        Some(match self.handle_key(key) {
            FormOutcome::Editing => Vec::new(),
            FormOutcome::Cancel => vec![Effect::Close],
            FormOutcome::Submit => vec![Effect::Submit],
        })
    }

    fn paste(&mut self, text: &str) -> bool {
        Form::paste(self, text);
        true
    }

    fn typing(&self) -> bool {
        true
    }

    fn hints(&self) -> String {
        crate::keys::hint(KEYS)
    }

    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, _ctx: &DrawCtx<'_>) {
        Form::draw(self, frame, area);
    }
}

/// The widest a form is drawn.
const FORM_WIDTH: u16 = 90;

/// The part of `input`'s value that fits in `width` columns, drawn escaped, with the
/// cursor in view (`…` marks text cut on either side), and the cursor's column in it.
fn visible_value(input: &Input, width: usize) -> (String, usize) {
    let value = input.value();
    let before: String = value.chars().take(input.cursor()).collect();
    let after: String = value.chars().skip(input.cursor()).collect();
    let (before, after) = (escape_typed(&before), escape_typed(&after));
    let room = width.saturating_sub(1); // the cursor may sit after the last character
    if before.width() + after.width() <= room {
        return (format!("{before}{after}"), before.width());
    }
    // Keep the end of what is before the cursor, then as much of the rest as fits.
    let mut kept_before = String::new();
    let mut used = 0;
    let cut_before = before.width() > room.saturating_sub(1);
    let budget_before = if cut_before {
        room.saturating_sub(2)
    } else {
        room
    };
    for c in before.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > budget_before {
            break;
        }
        used += w;
        kept_before.insert(0, c);
    }
    let prefix = if cut_before { "…" } else { "" };
    let cursor = prefix.width() + kept_before.width();
    let rest = room.saturating_sub(cursor);
    let shown_after = super::fit_str(&after, rest);
    (format!("{prefix}{kept_before}{shown_after}"), cursor)
}
