//! The composer pane: topic, partition, key, multi-line value, headers, partitioner,
//! repeat settings; the predicted partition; the delivery reports. It owns its send
//! state (`send_state`): a key or a tick that sends asks the app for `Effect::Produce`,
//! and the app tells it when the workers took the message and when its report came.
//! Its replay form is built and parsed in `composer/forms.rs`.

use std::collections::VecDeque;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use rand::Rng;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

use crate::action::Now;
use crate::escape::{escape_bytes, escape_typed, parse_escapes};
use crate::kafka::messages::KafkaCommand;
use crate::kafka::model::{Delivery, OutgoingMessage};
use crate::kafka::partitioner::Partitioner;
use crate::keys::{Binding, Key};
use crate::schemas::choice::{ChosenAnswer, SchemaChoice, Target};
use crate::ui::component::{Component, Ctx, DrawCtx};
use crate::ui::effect::Effect;
use crate::ui::send_state::SendState;

pub mod encoding;
pub mod forms;
pub mod schema_forms;

/// What a key does while the composer's fields have the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComposerKey {
    /// Send one message.
    Send,
    /// Start or stop repeat mode.
    Repeat,
    /// Add a header.
    AddHeader,
    /// Remove the focused header.
    RemoveHeader,
    /// Key: null or empty; value: empty or null.
    NullOrEmpty,
    /// Give the keyboard back to the pane switcher.
    Leave,
    /// The next field.
    NextField,
    /// The previous field.
    PrevField,
    /// A new line in the value; elsewhere the next field.
    Enter,
    /// On the partitioner's row: the next partitioner (elsewhere the key is typed).
    Partitioner,
    /// Replay a file of messages into a topic.
    Replay,
    /// Choose a registered schema for the key or the value.
    ChooseSchema,
    /// Fill the key or the value with its schema's template.
    Template,
    /// Send the key or the value as typed bytes again (no schema).
    PlainBytes,
    /// Register a schema file as a subject's new version.
    RegisterSchema,
}

impl ComposerKey {
    /// Keys with Ctrl or a function key act on the message as a whole, so they work
    /// whether or not a field is being edited; the others move or type in the fields.
    pub fn works_outside_fields(&self) -> bool {
        matches!(
            self,
            ComposerKey::Send
                | ComposerKey::Repeat
                | ComposerKey::AddHeader
                | ComposerKey::RemoveHeader
                | ComposerKey::NullOrEmpty
                | ComposerKey::Replay
                | ComposerKey::ChooseSchema
                | ComposerKey::Template
                | ComposerKey::PlainBytes
                | ComposerKey::RegisterSchema
        )
    }
}

/// The composer's keys (any other key is typed into the focused field).
pub const KEYS: &[Binding<ComposerKey>] = &[
    Binding::new(
        &[Key::ctrl('s'), Key::plain(KeyCode::F(5))],
        ComposerKey::Send,
        "send",
    )
    .hinted("Ctrl-S send"),
    Binding::new(
        &[Key::ctrl('r')],
        ComposerKey::Repeat,
        "start / stop repeat: every N ms, M times, with {seq} {unix} {letters}",
    )
    .hinted("Ctrl-R repeat"),
    Binding::new(&[Key::ctrl('a')], ComposerKey::AddHeader, "add a header")
        .hinted("Ctrl-A/D header"),
    Binding::new(
        &[Key::ctrl('d')],
        ComposerKey::RemoveHeader,
        "remove the focused header",
    ),
    Binding::new(
        &[Key::ctrl('o')],
        ComposerKey::Replay,
        "replay a file of JSON lines (saved with s, or kcat -J) into a topic",
    ),
    Binding::new(
        &[Key::ctrl('n')],
        ComposerKey::NullOrEmpty,
        "key: null ↔ empty \"\"; value: empty ↔ null (a tombstone)",
    )
    .hinted("Ctrl-N null/empty"),
    Binding::new(
        &[Key::ctrl('g')],
        ComposerKey::ChooseSchema,
        "encode the value (the key when it has the cursor) with a registered schema",
    )
    .hinted("Ctrl-G schema"),
    Binding::new(
        &[Key::ctrl('t')],
        ComposerKey::Template,
        "fill the value (or key) with its schema's fields at their defaults",
    ),
    Binding::new(
        &[Key::ctrl('x')],
        ComposerKey::PlainBytes,
        "no schema for the value (or key): send it as typed bytes",
    ),
    Binding::new(
        &[Key::ctrl('p')],
        ComposerKey::RegisterSchema,
        "register a schema file (.avsc, .proto, .json) as a subject's new version",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Down)],
        ComposerKey::NextField,
        "next field",
    ),
    Binding::new(
        &[Key::plain(KeyCode::BackTab), Key::plain(KeyCode::Up)],
        ComposerKey::PrevField,
        "previous field",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Enter)],
        ComposerKey::Enter,
        "next field; in the value, a new line",
    ),
    Binding::new(
        &[
            Key::ch(' '),
            Key::plain(KeyCode::Left),
            Key::plain(KeyCode::Right),
        ],
        ComposerKey::Partitioner,
        "on the partitioner's row: switch partitioner",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Esc)],
        ComposerKey::Leave,
        "leave the fields (then Enter or i edits again)",
    )
    .hinted("Esc done"),
];

/// The composer's keys while its fields do not have the keyboard.
pub const IDLE_KEYS: &[Binding<()>] = &[Binding::new(
    &[Key::plain(KeyCode::Enter), Key::ch('i')],
    (),
    "edit the fields",
)
.hinted("Enter edit")];

/// What is typed rather than pressed in the composer.
pub const NOTES: &[(&str, &str)] = &[
    (
        "\\x00 \\n \\t \\\\",
        "escapes in key, value and header values",
    ),
    (
        "{seq} {unix} {letters}",
        "filled in when sent (repeat numbers them)",
    ),
];

/// A focusable part of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Topic name.
    Topic,
    /// `any` or a partition number.
    Partition,
    /// Key (empty = no key).
    Key,
    /// Value, may span lines.
    Value,
    /// Key of header i.
    HeaderKey(usize),
    /// Value of header i.
    HeaderValue(usize),
    /// The partitioner toggle.
    Partitioner,
    /// Repeat: interval in ms.
    RepeatEvery,
    /// Repeat: how many messages.
    RepeatCount,
}

/// What a key press asks the app to do.
#[derive(Debug, PartialEq, Eq)]
pub enum ComposerOutcome {
    /// Nothing beyond redrawing.
    None,
    /// Send one message now.
    Send,
    /// Start (or stop) repeat mode.
    ToggleRepeat,
    /// Esc: give the keyboard back to the pane switcher.
    Leave,
    /// Ask where to replay a file from.
    Replay,
    /// Ask which schema to encode with.
    ChooseSchema,
    /// Ask which schema file to register.
    RegisterSchema,
}

/// The composer's own state.
#[derive(Debug, Clone)]
pub struct ComposerState {
    /// Topic.
    pub topic: Input,
    /// Partition (`any` or a number).
    pub partition: Input,
    /// Key.
    pub key: Input,
    /// Value (newlines allowed).
    pub value: Input,
    /// Headers as (key, value) inputs; values take escapes.
    pub headers: Vec<(Input, Input)>,
    /// Partitioner for keyed messages.
    pub partitioner: Partitioner,
    /// Repeat interval (ms).
    pub repeat_every: Input,
    /// Repeat count.
    pub repeat_count: Input,
    /// Focused field.
    pub focus: Field,
    /// Why the last send was refused (shown under the form).
    pub error: Option<String>,
    /// An empty key field sends an empty key, not a null one (Ctrl-N on the key).
    pub empty_key: bool,
    /// An empty value field sends a null value, a tombstone (Ctrl-N on the value).
    pub null_value: bool,
    /// The fields have the keyboard (keys type into them).
    pub editing: bool,
    /// What has been sent and how it went.
    pub send: SendState,
    /// The schemas the key and the value are encoded with.
    pub encoding: encoding::Encoding,
}

impl Default for ComposerState {
    fn default() -> Self {
        Self {
            topic: Input::default(),
            partition: Input::new("any".into()),
            key: Input::default(),
            value: Input::default(),
            headers: Vec::new(),
            partitioner: Partitioner::ConsistentRandom,
            repeat_every: Input::new("1000".into()),
            repeat_count: Input::new("10".into()),
            focus: Field::Topic,
            error: None,
            empty_key: false,
            null_value: false,
            editing: false,
            send: SendState::default(),
            encoding: encoding::Encoding::default(),
        }
    }
}

/// Template fields filled in for each message of a repeat run.
#[derive(Debug, Clone, Copy)]
pub struct TemplateVars {
    /// `{seq}`: 0, 1, 2, ...
    pub seq: u64,
    /// `{unix}`: Unix time in seconds.
    pub unix: u64,
}

/// Replaces `{seq}`, `{unix}` and `{letters}` (four random capitals).
pub fn fill_template(text: &str, vars: TemplateVars, rng: &mut impl Rng) -> String {
    let mut out = text
        .replace("{seq}", &vars.seq.to_string())
        .replace("{unix}", &vars.unix.to_string());
    while let Some(i) = out.find("{letters}") {
        let letters = crate::kafka::seed_producer::random_letters(rng);
        out.replace_range(i..i + "{letters}".len(), &letters);
    }
    out
}

impl ComposerState {
    /// The walkthrough's message, ready to send to `topic`: `Hello Go!` with the header
    /// `myTestHeader` — what the first run shows, so a newcomer sees headers at once.
    pub fn seed_message(topic: &str) -> Self {
        Self {
            topic: Input::new(topic.into()),
            value: Input::new("Hello Go!".into()),
            headers: vec![(
                Input::new("myTestHeader".into()),
                Input::new("header values are binary".into()),
            )],
            ..Self::default()
        }
    }

    /// Every field in focus order.
    pub fn fields(&self) -> Vec<Field> {
        let mut v = vec![Field::Topic, Field::Partition, Field::Key, Field::Value];
        for i in 0..self.headers.len() {
            v.push(Field::HeaderKey(i));
            v.push(Field::HeaderValue(i));
        }
        v.extend([Field::Partitioner, Field::RepeatEvery, Field::RepeatCount]);
        v
    }

    fn move_focus(&mut self, delta: isize) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = fields.len() as isize;
        self.focus = fields[((i + delta).rem_euclid(n)) as usize];
    }

    fn input_mut(&mut self, field: Field) -> Option<&mut Input> {
        match field {
            Field::Topic => Some(&mut self.topic),
            Field::Partition => Some(&mut self.partition),
            Field::Key => Some(&mut self.key),
            Field::Value => Some(&mut self.value),
            Field::HeaderKey(i) => self.headers.get_mut(i).map(|h| &mut h.0),
            Field::HeaderValue(i) => self.headers.get_mut(i).map(|h| &mut h.1),
            Field::Partitioner => None,
            Field::RepeatEvery => Some(&mut self.repeat_every),
            Field::RepeatCount => Some(&mut self.repeat_count),
        }
    }

    /// Adds an empty header and focuses its key.
    pub fn add_header(&mut self) {
        self.headers.push((Input::default(), Input::default()));
        self.focus = Field::HeaderKey(self.headers.len() - 1);
    }

    /// Removes the focused header, if a header is focused.
    pub fn remove_focused_header(&mut self) {
        if let Field::HeaderKey(i) | Field::HeaderValue(i) = self.focus {
            if i < self.headers.len() {
                self.headers.remove(i);
                self.focus = if self.headers.is_empty() {
                    Field::Value
                } else {
                    Field::HeaderKey(i.min(self.headers.len() - 1))
                };
            }
        }
    }

    /// Handles a key while the composer has the keyboard.
    pub fn handle_key(&mut self, key: KeyEvent) -> ComposerOutcome {
        match crate::keys::lookup(KEYS, &key) {
            Some(ComposerKey::Send) => return ComposerOutcome::Send,
            Some(ComposerKey::Repeat) => return ComposerOutcome::ToggleRepeat,
            Some(ComposerKey::Leave) => return ComposerOutcome::Leave,
            Some(ComposerKey::Replay) => return ComposerOutcome::Replay,
            Some(ComposerKey::ChooseSchema) => return ComposerOutcome::ChooseSchema,
            Some(ComposerKey::RegisterSchema) => return ComposerOutcome::RegisterSchema,
            Some(ComposerKey::Template) => {
                self.error = self.fill_template().err();
                return ComposerOutcome::None;
            }
            Some(ComposerKey::PlainBytes) => self.encoding.set(self.target(), None),
            Some(ComposerKey::AddHeader) => self.add_header(),
            Some(ComposerKey::RemoveHeader) => self.remove_focused_header(),
            // Null and empty differ on compacted topics: make both expressible.
            Some(ComposerKey::NullOrEmpty) => match self.focus {
                Field::Key => {
                    self.key = Input::default();
                    self.empty_key = !self.empty_key;
                }
                Field::Value => {
                    self.value = Input::default();
                    self.null_value = !self.null_value;
                }
                _ => {}
            },
            Some(ComposerKey::NextField) => self.move_focus(1),
            Some(ComposerKey::PrevField) => self.move_focus(-1),
            Some(ComposerKey::Enter) if self.focus == Field::Value => {
                self.value.handle_event(&Event::Key(KeyEvent::new(
                    KeyCode::Char('\n'),
                    KeyModifiers::NONE,
                )));
            }
            Some(ComposerKey::Enter) => self.move_focus(1),
            Some(ComposerKey::Partitioner) if self.focus == Field::Partitioner => {
                self.partitioner = self.partitioner.next();
            }
            Some(ComposerKey::Partitioner) | None => {
                let focus = self.focus;
                // Typing into a field makes its text the content again.
                match focus {
                    Field::Key => self.empty_key = false,
                    Field::Value => self.null_value = false,
                    _ => {}
                }
                if let Some(input) = self.input_mut(focus) {
                    input.handle_event(&Event::Key(key));
                }
            }
        }
        self.error = None;
        ComposerOutcome::None
    }

    /// Inserts pasted text at the cursor of the focused field; line breaks are kept in
    /// the value and become spaces elsewhere.
    pub fn paste(&mut self, text: &str) {
        let focus = self.focus;
        let text = if focus == Field::Value {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.replace(['\r', '\n'], " ")
        };
        match focus {
            Field::Key => self.empty_key = false,
            Field::Value => self.null_value = false,
            _ => {}
        }
        if let Some(input) = self.input_mut(focus) {
            *input = crate::ui::insert_at_cursor(input, &text);
        }
        self.error = None;
    }

    /// A key for the composer, whether or not its fields have the keyboard: what the
    /// app must do, or `None` if the key is not the composer's. Outside the fields,
    /// Enter or i starts editing, and the keys that act on the message as a whole (send,
    /// repeat, replay, headers) work too.
    pub fn on_key(&mut self, key: KeyEvent, now: Now) -> Option<Vec<Effect>> {
        if !self.editing {
            if crate::keys::lookup(IDLE_KEYS, &key).is_some() {
                self.editing = true;
                return Some(Vec::new());
            }
            let action =
                crate::keys::lookup(KEYS, &key).filter(ComposerKey::works_outside_fields)?;
            if action == ComposerKey::AddHeader {
                self.editing = true;
            }
        }
        let outcome = self.handle_key(key);
        Some(self.carry_out(outcome, now))
    }

    /// What a key's outcome asks of the app.
    fn carry_out(&mut self, outcome: ComposerOutcome, now: Now) -> Vec<Effect> {
        match outcome {
            ComposerOutcome::None => Vec::new(),
            ComposerOutcome::Leave => {
                self.editing = false;
                Vec::new()
            }
            ComposerOutcome::Send => match self.message(now) {
                Ok(command) => vec![Effect::Produce {
                    command,
                    repeat: false,
                }],
                Err(e) => {
                    self.error = Some(e);
                    Vec::new()
                }
            },
            ComposerOutcome::ToggleRepeat => self.toggle_repeat(now),
            ComposerOutcome::Replay => {
                vec![Effect::Form(forms::replay(self.topic.value().trim()))]
            }
            ComposerOutcome::ChooseSchema => vec![
                Effect::Form(schema_forms::choose(
                    self.topic.value().trim(),
                    self.target(),
                    self.encoding.subjects.as_ref(),
                )),
                Effect::Command(KafkaCommand::ListSubjects),
            ],
            ComposerOutcome::RegisterSchema => vec![Effect::Form(schema_forms::register(
                self.topic.value().trim(),
            ))],
        }
    }

    /// The produce command for the composed message at `now`, or why it cannot be built.
    pub fn message(&mut self, now: Now) -> Result<KafkaCommand, String> {
        // The generator is lent out while the fields are read.
        let mut rng = self.send.rng.clone();
        let built = self.build(self.send.vars(now), &mut rng);
        self.send.rng = rng;
        Ok(KafkaCommand::Produce {
            id: self.send.next_id(),
            message: built?,
            partitioner: self.partitioner,
        })
    }

    /// Stops a running repeat, or starts one with the settings typed (its first message
    /// goes at once).
    fn toggle_repeat(&mut self, now: Now) -> Vec<Effect> {
        if self.send.repeat.take().is_some() {
            return vec![Effect::Notice("repeat stopped".into())];
        }
        match self.repeat_settings() {
            Err(e) => {
                self.error = Some(e);
                Vec::new()
            }
            Ok((every, total)) => {
                self.send
                    .start_repeat(std::time::Duration::from_millis(every), total, now);
                self.due(now).into_iter().collect()
            }
        }
    }

    /// The next message a repeat run has due at `now`; a message that cannot be built
    /// stops the run and says why.
    pub fn due(&mut self, now: Now) -> Option<Effect> {
        if !self.send.repeat_due(now) {
            return None;
        }
        match self.message(now) {
            Ok(command) => Some(Effect::Produce {
                command,
                repeat: true,
            }),
            Err(e) => {
                self.error = Some(e);
                self.send.repeat = None;
                None
            }
        }
    }

    /// Acts on a submitted form of the composer's: what the app must do, or what is
    /// wrong.
    pub fn submit_form(&mut self, form: &crate::ui::form::Form) -> Result<Vec<Effect>, String> {
        use crate::ui::form::FormKind;
        match form.kind {
            FormKind::SchemaChoice => {
                let choice = schema_forms::parse_choice(form)?;
                self.encoding.pending = Some(choice.clone());
                Ok(vec![Effect::Command(KafkaCommand::ChooseSchema(choice))])
            }
            FormKind::RegisterSchema => {
                let spec = schema_forms::parse_register(form)?;
                Ok(vec![
                    Effect::Command(KafkaCommand::RegisterSchema(spec)),
                    Effect::Notice("registering…".into()),
                ])
            }
            _ => {
                let spec = forms::parse_replay(form)?;
                Ok(vec![
                    Effect::Command(KafkaCommand::Replay(spec)),
                    Effect::ReplayStarted,
                ])
            }
        }
    }

    /// The part of the message a schema key acts on: the key when it has the cursor,
    /// else the value.
    pub fn target(&self) -> Target {
        if self.focus == Field::Key {
            Target::Key
        } else {
            Target::Value
        }
    }

    /// Fills the key or the value with its schema's template (the key in one line).
    pub fn fill_template(&mut self) -> Result<(), String> {
        let target = self.target();
        let Some(schema) = self.encoding.of(target) else {
            return Err(format!(
                "no schema for the {}: Ctrl-G chooses one",
                target.name()
            ));
        };
        let template = schema.template()?;
        match target {
            Target::Key => {
                let compact = serde_json::from_str::<serde_json::Value>(&template)
                    .map_or(template, |v| v.to_string());
                self.key = Input::new(compact);
                self.empty_key = false;
            }
            Target::Value => {
                self.value = Input::new(template);
                self.null_value = false;
            }
        }
        Ok(())
    }

    /// The registry answered a schema choice: the composer encodes with it from now on
    /// (an empty field gets its template), or says why not. What to tell the user.
    pub fn schema_answered(
        &mut self,
        choice: &SchemaChoice,
        answer: ChosenAnswer,
    ) -> Option<Effect> {
        match self.encoding.answered(choice, answer)? {
            Err(e) => {
                self.error = Some(e.clone());
                Some(Effect::Error(e))
            }
            Ok(in_use) => {
                let said = format!("{} encoded as {}", choice.target.name(), in_use.label());
                let empty = match choice.target {
                    Target::Key => self.key.value().is_empty(),
                    Target::Value => self.value.value().is_empty(),
                };
                let focus = self.focus;
                self.focus = if choice.target == Target::Key {
                    Field::Key
                } else {
                    Field::Value
                };
                if empty {
                    self.error = self.fill_template().err();
                }
                self.focus = focus;
                Some(Effect::Notice(said))
            }
        }
    }

    /// The fixed partition typed, `None` for `any`, or why it is not valid.
    pub fn fixed_partition(&self) -> Result<Option<i32>, String> {
        let p = self.partition.value().trim();
        if p.is_empty() || p.eq_ignore_ascii_case("any") {
            return Ok(None);
        }
        match p.parse::<i128>() {
            Err(_) => Err(format!(
                "partition must be 'any' or a partition number, not {p:?}"
            )),
            Ok(n) if n < 0 => Err(format!("partition numbers start at 0, not {n}")),
            Ok(n) => i32::try_from(n).map(Some).map_err(|_| {
                format!(
                    "partition {n} cannot exist (Kafka's largest is {})",
                    i32::MAX
                )
            }),
        }
    }

    /// Builds the message, filling templates; errors say which field is wrong.
    pub fn build(&self, vars: TemplateVars, rng: &mut impl Rng) -> Result<OutgoingMessage, String> {
        let topic = self.topic.value().trim().to_string();
        wire::validate_topic_name(&topic).map_err(|e| format!("topic: {e}"))?;
        let partition = self.fixed_partition()?;
        let key = match (self.key.value(), &self.encoding.key) {
            ("", _) if self.empty_key => Some(Vec::new()),
            ("", _) => None,
            (k, Some(schema)) => Some(
                schema
                    .encode(&fill_template(k, vars, rng))
                    .map_err(|e| format!("key: {e}"))?,
            ),
            (k, None) => {
                Some(parse_escapes(&fill_template(k, vars, rng)).map_err(|e| format!("key: {e}"))?)
            }
        };
        let text = self.value.value();
        let value = match &self.encoding.value {
            _ if self.null_value && text.is_empty() => None,
            // The value is JSON: its backslashes are JSON's, not the composer's escapes.
            Some(schema) => Some(
                schema
                    .encode(&fill_template(text, vars, rng))
                    .map_err(|e| format!("value: {e}"))?,
            ),
            None => Some(
                parse_escapes(&fill_template(text, vars, rng))
                    .map_err(|e| format!("value: {e}"))?,
            ),
        };
        let mut headers = Vec::new();
        for (i, (k, v)) in self.headers.iter().enumerate() {
            if k.value().is_empty() {
                return Err(format!("header {} has no key", i + 1));
            }
            let bytes = parse_escapes(&fill_template(v.value(), vars, rng))
                .map_err(|e| format!("header {}: {e}", k.value()))?;
            headers.push((k.value().to_string(), bytes));
        }
        Ok(OutgoingMessage {
            topic,
            partition,
            key,
            value,
            headers,
        })
    }

    /// Repeat settings: (interval ms ≥ 1, count ≥ 1) or why not.
    pub fn repeat_settings(&self) -> Result<(u64, u64), String> {
        let every = self
            .repeat_every
            .value()
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|v| *v >= 1);
        let count = self
            .repeat_count
            .value()
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|v| *v >= 1);
        match (every, count) {
            (Some(e), Some(c)) => Ok((e, c)),
            _ => Err("repeat needs an interval ≥ 1 ms and a count ≥ 1".into()),
        }
    }

    /// Where the message will land, in words.
    pub fn prediction(&self, partitions: Option<i32>) -> String {
        match self.fixed_partition() {
            Err(e) => e,
            Ok(Some(p)) => match partitions {
                Some(n) if p >= n => format!("partition {p} does not exist ({n} partitions)"),
                _ => format!("→ partition {p} (fixed)"),
            },
            Ok(None) if self.encoding.key.is_some() && !self.key.value().is_empty() => {
                self.schema_key_prediction(partitions)
            }
            Ok(None) => {
                let key = self.key.value();
                // A key that cannot be sent is the news, whatever the partition count.
                if let (false, Err(e)) = (key.contains('{'), parse_escapes(key)) {
                    return format!("key: {e}");
                }
                if partitions == Some(1) {
                    return "→ partition 0 (the topic has one)".into();
                }
                if key.is_empty() {
                    return format!(
                        "→ a random partition (no key, {})",
                        self.partitioner.config_name()
                    );
                }
                if key.contains('{') {
                    return "→ depends on the template's expansion".into();
                }
                match (parse_escapes(key), partitions) {
                    (Err(e), _) => format!("key: {e}"),
                    (Ok(_), None) => "→ unknown topic (it may be auto-created)".into(),
                    (Ok(k), Some(n)) => match self.partitioner.partition(Some(&k), n) {
                        Some(p) => format!(
                            "→ partition {p} of {n} ({})",
                            self.partitioner.config_name()
                        ),
                        None => "→ no partitions".into(),
                    },
                }
            }
        }
    }
}

impl ComposerState {
    /// Where a message keyed through a schema lands: the encoded key decides.
    fn schema_key_prediction(&self, partitions: Option<i32>) -> String {
        let key = self.key.value();
        let Some(schema) = &self.encoding.key else {
            return String::new();
        };
        if ["{seq}", "{unix}", "{letters}"]
            .iter()
            .any(|t| key.contains(t))
        {
            return "→ depends on the template's expansion".into();
        }
        match (schema.encode(key), partitions) {
            (Err(e), _) => format!("key: {e}"),
            (Ok(_), None) => "→ unknown topic (it may be auto-created)".into(),
            (Ok(k), Some(n)) => match self.partitioner.partition(Some(&k), n) {
                Some(p) => format!(
                    "→ partition {p} of {n} ({})",
                    self.partitioner.config_name()
                ),
                None => "→ no partitions".into(),
            },
        }
    }
}

impl Component for ComposerState {
    fn key(&mut self, key: KeyEvent, ctx: &Ctx) -> Option<Vec<Effect>> {
        self.on_key(key, ctx.now)
    }

    /// Pasted text goes into the field being edited; outside the fields it is ignored (a
    /// paste is not a stream of commands).
    fn paste(&mut self, text: &str) -> bool {
        if self.editing {
            ComposerState::paste(self, text);
        }
        self.editing
    }

    fn submit(&mut self, form: &crate::ui::form::Form, _ctx: &Ctx) -> Result<Vec<Effect>, String> {
        self.submit_form(form)
    }

    fn typing(&self) -> bool {
        self.editing
    }

    fn hints(&self) -> String {
        if self.editing {
            crate::keys::hint(KEYS)
        } else {
            crate::keys::hint(IDLE_KEYS)
        }
    }

    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, ctx: &DrawCtx<'_>) {
        let reports = Reports {
            list: &self.send.deliveries,
            delivered: self.send.totals.0,
            failed: self.send.totals.1,
            replay: self.send.replay.as_ref(),
        };
        let repeat = self.send.repeat.as_ref().map(|r| (r.sent, r.total));
        draw(
            frame,
            area,
            self,
            self.editing,
            ctx.partitions,
            reports,
            repeat,
        );
    }
}

/// Labels are right-aligned in this many columns; the longest, `repeat every`, keeps a
/// space from the border like the others.
const LABEL_WIDTH: usize = 13;
/// Where values start: after the labels and a space.
const VALUE_COLUMN: u16 = LABEL_WIDTH as u16 + 1;

fn field_line<'a>(label: &'a str, value: String, focused: bool) -> Line<'a> {
    let style = if focused {
        Style::default()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(Color::Gray)
    };
    Line::from(vec![
        Span::styled(format!("{label:>LABEL_WIDTH$} "), style),
        Span::raw(value),
    ])
}

/// A field line whose content is a state, not text (`null`, `""`), shown dimmed.
fn placeholder_line<'a>(label: &'a str, what: &'a str, focused: bool) -> Line<'a> {
    let mut line = field_line(label, String::new(), focused);
    line.spans.push(Span::styled(
        what,
        Style::default()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::ITALIC),
    ));
    line
}

/// One delivery report as the list shows it: `strconv [0] @ 1   3 ms`.
pub fn delivery_line(d: &Delivery) -> Line<'static> {
    match &d.result {
        Ok((p, o)) => Line::from(vec![
            Span::styled(
                format!("{} [{p}] @ {o}", d.topic),
                Style::default().fg(Color::Green),
            ),
            Span::styled(
                format!("  {} ms", d.latency.as_millis()),
                Style::default().fg(Color::DarkGray),
            ),
        ]),
        Err(e) => Line::from(Span::styled(
            format!("✗ {}: {}", d.topic, escape_bytes(e.as_bytes())),
            Style::default().fg(Color::Red),
        )),
    }
}

/// The delivery reports the composer lists, with totals since the start.
#[derive(Debug, Clone, Copy)]
pub struct Reports<'a> {
    /// Newest first (only the newest are kept).
    pub list: &'a VecDeque<Delivery>,
    /// Reports of messages delivered.
    pub delivered: u64,
    /// Reports of messages that failed.
    pub failed: u64,
    /// The last replay of a file, if any.
    pub replay: Option<&'a crate::kafka::files::ReplayProgress>,
}

/// A replay's progress as lines: a bar while it runs, the outcome once it is over.
pub fn replay_lines(p: &crate::kafka::files::ReplayProgress, width: usize) -> Vec<Line<'static>> {
    let done_count = p.sent + p.failed;
    let mut lines = Vec::new();
    if p.done {
        let color = if p.failed == 0 {
            Color::Green
        } else {
            Color::Red
        };
        lines.push(Line::from(Span::styled(
            format!("replayed {} of {} · {} failed", p.sent, p.total, p.failed),
            Style::default().fg(color),
        )));
    } else {
        let bar_width = width.saturating_sub(24).clamp(4, 30);
        let filled = (done_count * bar_width).checked_div(p.total).unwrap_or(0);
        lines.push(Line::from(vec![
            Span::raw("replay "),
            Span::styled("█".repeat(filled), Style::default().fg(Color::Cyan)),
            Span::styled(
                "░".repeat(bar_width - filled),
                Style::default().fg(Color::DarkGray),
            ),
            Span::raw(format!(" {done_count}/{}", p.total)),
        ]));
    }
    if let Some(e) = &p.first_error {
        lines.push(Line::from(Span::styled(
            format!("first failure: {}", escape_bytes(e.as_bytes())),
            Style::default().fg(Color::Red),
        )));
    }
    lines
}

/// Draws the composer: the form on the left, delivery reports on the right.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &ComposerState,
    editing: bool,
    partitions: Option<i32>,
    reports: Reports<'_>,
    repeat: Option<(u64, u64)>,
) {
    let [form_area, reports_area] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let lines = field_lines(state, editing);
    let feedback = feedback_lines(state, partitions, repeat);
    draw_form(frame, form_area, state, editing, lines, feedback);
    draw_reports(frame, reports_area, reports);
}

/// One line a field (a line of the value), the focused one marked while editing.
fn field_lines(state: &ComposerState, editing: bool) -> Vec<Line<'static>> {
    let focused = |f: Field| editing && state.focus == f;
    let mut lines = vec![
        field_line(
            "topic",
            escape_typed(state.topic.value()),
            focused(Field::Topic),
        ),
        field_line(
            "partition",
            escape_typed(state.partition.value()),
            focused(Field::Partition),
        ),
        match state.key.value() {
            "" => placeholder_line(
                "key",
                if state.empty_key {
                    "\"\" (empty)"
                } else {
                    "null"
                },
                focused(Field::Key),
            ),
            k => field_line("key", escape_typed(k), focused(Field::Key)),
        },
    ];
    let value_lines: Vec<&str> = state.value.value().split('\n').collect();
    if state.value.value().is_empty() {
        lines.push(placeholder_line(
            "value",
            if state.null_value {
                "null (tombstone)"
            } else {
                "\"\" (empty)"
            },
            focused(Field::Value),
        ));
    }
    for (i, l) in value_lines
        .iter()
        .enumerate()
        .filter(|_| !state.value.value().is_empty())
    {
        lines.push(field_line(
            if i == 0 { "value" } else { "" },
            escape_typed(l),
            focused(Field::Value),
        ));
    }
    for (i, (k, v)) in state.headers.iter().enumerate() {
        let label = format!("header {}", i + 1);
        let style = if focused(Field::HeaderKey(i)) || focused(Field::HeaderValue(i)) {
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        let kstyle = if focused(Field::HeaderKey(i)) {
            Style::default().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::default()
        };
        let vstyle = if focused(Field::HeaderValue(i)) {
            Style::default().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{label:>LABEL_WIDTH$} "), style),
            Span::styled(escape_typed(k.value()), kstyle),
            Span::raw(" = "),
            Span::styled(escape_typed(v.value()), vstyle),
        ]));
    }
    if state.headers.is_empty() {
        lines.push(placeholder_line("headers", "none · Ctrl-A adds one", false));
    }
    lines.push(field_line(
        "partitioner",
        format!("‹ {} ›", state.partitioner.config_name()),
        focused(Field::Partitioner),
    ));
    lines.push(field_line(
        "repeat every",
        format!("{} ms", escape_typed(state.repeat_every.value())),
        focused(Field::RepeatEvery),
    ));
    lines.push(field_line(
        "times",
        escape_typed(state.repeat_count.value()),
        focused(Field::RepeatCount),
    ));
    lines
}

/// Under the fields: where the message will land, a repeat's progress, why the last
/// send was refused.
fn feedback_lines(
    state: &ComposerState,
    partitions: Option<i32>,
    repeat: Option<(u64, u64)>,
) -> Vec<Line<'static>> {
    // Feedback has rows of its own at the bottom of the form, so a long value can never
    // push it out of sight; the fields scroll to keep the cursor visible instead.
    let prediction = state.prediction(partitions);
    let mut feedback = vec![Line::from(Span::styled(
        prediction.clone(),
        Style::default().fg(Color::Cyan),
    ))];
    // What will be sent is never a guess: the schema each part is encoded with.
    feedback.extend(
        state
            .encoding
            .lines()
            .into_iter()
            .map(|l| Line::from(Span::styled(l, Style::default().fg(Color::LightBlue)))),
    );
    if let Some((sent, total)) = repeat {
        feedback.push(Line::from(Span::styled(
            format!("repeating: {sent}/{total} sent (Ctrl-R stops)"),
            Style::default().fg(Color::Magenta),
        )));
    }
    // The prediction line may already say it (a bad partition or key): once is enough.
    if let Some(e) = state.error.as_ref().filter(|e| **e != prediction) {
        feedback.push(Line::from(Span::styled(
            e.clone(),
            Style::default().fg(Color::Red),
        )));
    }
    feedback
}

/// The form's box: the fields, scrolled to keep the cursor in view (or summed up when
/// they do not fit and nothing is being edited), and the feedback rows under them.
fn draw_form(
    frame: &mut Frame<'_>,
    form_area: Rect,
    state: &ComposerState,
    editing: bool,
    lines: Vec<Line<'static>>,
    feedback: Vec<Line<'static>>,
) {
    let hint = state.hints();
    let feedback_rows: u16 = feedback
        .iter()
        .map(|l| {
            (l.width() as u16)
                .div_ceil(form_area.width.saturating_sub(2).max(1))
                .max(1)
        })
        .sum();
    // Outside the fields, a form too tall for its box is summed up in fewer rows with
    // one line of feedback each, so the value and the headers are seen before any key.
    let inner_height = form_area.height.saturating_sub(2);
    let compact = !editing && lines.len() as u16 + feedback_rows > inner_height;
    let (lines, feedback, feedback_rows) = if compact {
        let width = form_area.width.saturating_sub(2);
        let cut: Vec<Line<'_>> = feedback
            .into_iter()
            .map(|l| super::fit_spans(l.spans, width))
            .collect();
        let rows = cut.len() as u16;
        let lines = compact_lines(state)
            .into_iter()
            .map(|l| super::fit_spans(l.spans, width))
            .collect();
        (lines, cut, rows)
    } else {
        (lines, feedback, feedback_rows)
    };
    let gap = u16::from(lines.len() as u16 + 1 + feedback_rows <= inner_height);
    let (row, col) = cursor_of(state);
    let fields_height = inner_height
        .saturating_sub(gap + feedback_rows.min(inner_height.saturating_sub(2)))
        .max(1);
    let scroll = if compact {
        0
    } else {
        row.saturating_sub(fields_height.saturating_sub(1))
    };
    let total = lines.len() as u16;
    // Rows out of view are named, never hidden silently.
    let title = if total > fields_height {
        let last = (scroll + fields_height).min(total);
        format!(" Compose · rows {}–{last} of {total} ", scroll + 1)
    } else {
        " Compose ".to_string()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(super::border_hint(&title, form_area))
        .title_bottom(super::border_hint(&hint, form_area));
    let inner = block.inner(form_area);
    frame.render_widget(block, form_area);
    let [fields_area, _, feedback_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(gap),
        Constraint::Length(feedback_rows.min(inner.height.saturating_sub(2))),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        fields_area,
    );
    frame.render_widget(
        Paragraph::new(feedback).wrap(Wrap { trim: false }),
        feedback_area,
    );
    if editing && row - scroll < fields_area.height {
        frame.set_cursor_position((
            fields_area.x
                + VALUE_COLUMN
                + col.min(fields_area.width.saturating_sub(VALUE_COLUMN + 1)),
            fields_area.y + row - scroll,
        ));
    }
}

/// The delivery reports, newest first, under a replay's progress, with the totals.
fn draw_reports(frame: &mut Frame<'_>, reports_area: Rect, reports: Reports<'_>) {
    // Errors wrap rather than being cut: "UnknownPa" says nothing.
    let mut lines: Vec<Line<'_>> = reports
        .replay
        .map(|p| replay_lines(p, reports_area.width.saturating_sub(2) as usize))
        .unwrap_or_default();
    lines.extend(reports.list.iter().map(delivery_line));
    let full = format!(
        " Delivery reports · {} delivered · {} failed ",
        reports.delivered, reports.failed
    );
    let title = if full.chars().count() + 2 <= reports_area.width as usize {
        full
    } else {
        super::border_hint(
            &format!(" Reports ✓{} ✗{} ", reports.delivered, reports.failed),
            reports_area,
        )
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        reports_area,
    );
}

/// Columns that the first `chars` characters of typed `text` take once drawn escaped.
fn drawn_width(text: &str, chars: usize) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let before: String = text.chars().take(chars).collect();
    escape_typed(&before).width() as u16
}

/// The form in four rows, for a box too small for one row a field: where it goes, the
/// value's first line, the headers (or how to add one), and how it is sent.
fn compact_lines(state: &ComposerState) -> Vec<Line<'static>> {
    let key = match state.key.value() {
        "" if state.empty_key => "\"\"".to_string(),
        "" => "null".to_string(),
        k => escape_typed(k),
    };
    let mut lines = vec![field_line(
        "topic",
        format!(
            "{} · partition {} · key {key}",
            escape_typed(state.topic.value()),
            escape_typed(state.partition.value())
        ),
        false,
    )];
    let value = state.value.value();
    lines.push(match value.split_once('\n') {
        _ if value.is_empty() && state.null_value => {
            placeholder_line("value", "null (tombstone)", false)
        }
        _ if value.is_empty() => placeholder_line("value", "\"\" (empty)", false),
        Some((first, rest)) => field_line(
            "value",
            format!(
                "{} (+{} lines)",
                escape_typed(first),
                rest.split('\n').count()
            ),
            false,
        ),
        None => field_line("value", escape_typed(value), false),
    });
    lines.push(match state.headers.as_slice() {
        [] => placeholder_line("headers", "none · Ctrl-A adds one", false),
        [(k, v)] => field_line(
            "header 1",
            format!("{} = {}", escape_typed(k.value()), escape_typed(v.value())),
            false,
        ),
        many => field_line(
            "headers",
            many.iter()
                .map(|(k, v)| format!("{} = {}", escape_typed(k.value()), escape_typed(v.value())))
                .collect::<Vec<_>>()
                .join(", "),
            false,
        ),
    });
    lines.push(field_line(
        "partitioner",
        format!(
            "‹ {} › · repeat every {} ms × {}",
            state.partitioner.config_name(),
            escape_typed(state.repeat_every.value()),
            escape_typed(state.repeat_count.value())
        ),
        false,
    ));
    lines
}

/// Row and column of the text cursor inside the form.
fn cursor_of(state: &ComposerState) -> (u16, u16) {
    let value_rows = state.value.value().split('\n').count() as u16;
    // Without headers, a row says how to add one.
    let header_rows = state.headers.len().max(1) as u16;
    let col_of = |i: &Input| drawn_width(i.value(), i.cursor());
    match state.focus {
        Field::Topic => (0, col_of(&state.topic)),
        Field::Partition => (1, col_of(&state.partition)),
        Field::Key => (2, col_of(&state.key)),
        Field::Value => {
            let before: String = state
                .value
                .value()
                .chars()
                .take(state.value.cursor())
                .collect();
            let row = before.matches('\n').count() as u16;
            let line = before.rsplit('\n').next().unwrap_or("");
            (3 + row, drawn_width(line, usize::MAX))
        }
        Field::HeaderKey(i) => (3 + value_rows + i as u16, col_of(&state.headers[i].0)),
        Field::HeaderValue(i) => {
            let key = state.headers[i].0.value();
            (
                3 + value_rows + i as u16,
                drawn_width(key, usize::MAX) + 3 + col_of(&state.headers[i].1),
            )
        }
        Field::Partitioner => (3 + value_rows + header_rows, 0),
        Field::RepeatEvery => (4 + value_rows + header_rows, col_of(&state.repeat_every)),
        Field::RepeatCount => (5 + value_rows + header_rows, col_of(&state.repeat_count)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(state: &mut ComposerState, text: &str) {
        for c in text.chars() {
            state.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    #[test]
    fn builds_the_seed_message_with_a_binary_header() {
        let mut s = ComposerState::default();
        typed(&mut s, "strconv");
        s.focus = Field::Value;
        typed(&mut s, "Hello Go!");
        s.add_header();
        typed(&mut s, "myTestHeader");
        s.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        typed(&mut s, "bin\\x00\\xff");
        let m = s
            .build(TemplateVars { seq: 0, unix: 0 }, &mut rand::thread_rng())
            .unwrap();
        assert_eq!(m.topic, "strconv");
        assert_eq!(m.value.as_deref(), Some(&b"Hello Go!"[..]));
        assert_eq!(
            m.headers,
            vec![("myTestHeader".to_string(), b"bin\x00\xff".to_vec())]
        );
        assert_eq!(m.partition, None);
    }

    #[test]
    fn bad_input_is_explained() {
        let mut s = ComposerState::default();
        typed(&mut s, "bad topic");
        let vars = TemplateVars { seq: 0, unix: 0 };
        assert!(s
            .build(vars, &mut rand::thread_rng())
            .unwrap_err()
            .starts_with("topic:"));
        s.topic = Input::new("t".into());
        s.partition = Input::new("-3".into());
        assert!(s
            .build(vars, &mut rand::thread_rng())
            .unwrap_err()
            .contains("partition"));
        s.partition = Input::new("any".into());
        s.value = Input::new("\\xZZ".into());
        assert!(s
            .build(vars, &mut rand::thread_rng())
            .unwrap_err()
            .starts_with("value:"));
    }

    #[test]
    fn templates_fill_sequence_time_and_letters() {
        let out = fill_template(
            "{seq}-{unix}-{letters}",
            TemplateVars {
                seq: 7,
                unix: 1_700_000_000,
            },
            &mut rand::thread_rng(),
        );
        let parts: Vec<&str> = out.split('-').collect();
        assert_eq!(&parts[..2], &["7", "1700000000"]);
        assert!(parts[2].len() == 4 && parts[2].chars().all(|c| c.is_ascii_uppercase()));
    }

    #[test]
    fn empty_key_and_null_value_are_expressible() {
        let vars = TemplateVars { seq: 0, unix: 0 };
        let mut s = ComposerState {
            topic: Input::new("compacted".into()),
            ..Default::default()
        };
        let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        let m = s.build(vars, &mut rand::thread_rng()).unwrap();
        assert_eq!(
            (m.key, m.value),
            (None, Some(Vec::new())),
            "defaults: null key, empty value"
        );
        s.focus = Field::Key;
        s.handle_key(ctrl_n);
        s.focus = Field::Value;
        s.handle_key(ctrl_n);
        let m = s.build(vars, &mut rand::thread_rng()).unwrap();
        assert_eq!(
            (m.key, m.value),
            (Some(Vec::new()), None),
            "empty key, tombstone"
        );
        // Typing into the value makes it a value again.
        typed(&mut s, "v");
        let m = s.build(vars, &mut rand::thread_rng()).unwrap();
        assert_eq!(m.value.as_deref(), Some(&b"v"[..]));
    }

    #[test]
    fn partition_errors_say_what_is_wrong() {
        let with = |p: &str| ComposerState {
            partition: Input::new(p.into()),
            ..Default::default()
        };
        assert_eq!(with("any").fixed_partition(), Ok(None));
        assert_eq!(with("7").fixed_partition(), Ok(Some(7)));
        assert!(with("99999999999999")
            .fixed_partition()
            .unwrap_err()
            .contains("cannot exist"));
        assert!(with("-1")
            .fixed_partition()
            .unwrap_err()
            .contains("start at 0"));
        assert!(with("x").fixed_partition().unwrap_err().contains("'any'"));
    }

    #[test]
    fn a_bad_key_is_reported_even_on_a_one_partition_topic() {
        let s = ComposerState {
            key: Input::new(r"k\x+1".into()),
            ..Default::default()
        };
        assert!(
            s.prediction(Some(1)).starts_with("key: "),
            "{}",
            s.prediction(Some(1))
        );
    }

    #[test]
    fn prediction_follows_the_partitioner() {
        let mut s = ComposerState {
            key: Input::new("user-42".into()),
            ..Default::default()
        };
        let crc = Partitioner::ConsistentRandom
            .partition(Some(b"user-42"), 6)
            .unwrap();
        assert_eq!(
            s.prediction(Some(6)),
            format!("→ partition {crc} of 6 (consistent_random)")
        );
        s.partitioner = Partitioner::Murmur2Random;
        assert!(s.prediction(Some(6)).ends_with("(murmur2_random)"));
        s.key = Input::default();
        assert!(s.prediction(Some(6)).contains("random partition"));
    }
}
