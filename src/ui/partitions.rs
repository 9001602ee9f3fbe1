//! The live view: one row per partition (watermarks, messages seen, last offset, rate with
//! a sparkline), the newest messages below, and a detail view of one message (`Detail`,
//! an overlay while the view has the keyboard). Its forms (start at an offset or a time,
//! filter, save) are built and parsed in `partitions/forms.rs`.

use std::collections::VecDeque;

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use crossterm::event::{KeyCode, KeyEvent};

use crate::action::StartFrom;
use crate::config::LiveLimits;
use crate::escape::{escape_bytes, escape_lines};
use crate::kafka::messages::KafkaCommand;
use crate::kafka::model::{PartitionStats, Record};
use crate::keys::{Binding, Key};
use crate::schemas::cache::Schemas;
use crate::schemas::shown::Shown;
use crate::ui::component::{Component, Ctx, DrawCtx};
use crate::ui::drawn::{Hit, Part, Region};
use crate::ui::effect::Effect;
use crate::ui::form::Form;
use crate::ui::scroll::{by_rows, clamp_scroll, keep_in_view, page, rows_hint};

pub mod decoded;
pub mod forms;

/// Messages PgUp/PgDn move the selection by.
const PAGE: isize = 20;
/// Lines PgUp/PgDn move the message detail by.
const DETAIL_PAGE: isize = 20;

/// What a key does in the live view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveKey {
    /// Select the next newer message.
    Newer,
    /// Select the next older message.
    Older,
    /// A page of newer messages.
    PageNewer,
    /// A page of older messages.
    PageOlder,
    /// Stop selecting: follow the newest message.
    Follow,
    /// Open the selected message.
    Open,
    /// Pause or resume reading.
    Pause,
    /// Read again from the beginning.
    FromBeginning,
    /// Read only what arrives from now on.
    FromEnd,
    /// Read from an offset.
    FromOffset,
    /// Read from a time.
    FromTime,
    /// Filter the messages by text.
    Filter,
    /// Scroll the partitions table up a page.
    PartitionsUp,
    /// Scroll the partitions table down a page.
    PartitionsDown,
    /// Save the messages in view to a file.
    Save,
}

/// The live view's keys.
pub const KEYS: &[Binding<LiveKey>] = &[
    Binding::new(
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        LiveKey::Newer,
        "select a newer message",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        LiveKey::Older,
        "select an older message",
    )
    .hinted("↑↓ select"),
    Binding::new(
        &[Key::plain(KeyCode::PageUp)],
        LiveKey::PageNewer,
        "a page newer",
    ),
    Binding::new(
        &[Key::plain(KeyCode::PageDown)],
        LiveKey::PageOlder,
        "a page older",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Home), Key::plain(KeyCode::Esc)],
        LiveKey::Follow,
        "follow the newest message",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Enter)],
        LiveKey::Open,
        "open it: key, headers, the whole value",
    )
    .hinted("Enter open"),
    Binding::new(
        &[Key::ch('b')],
        LiveKey::FromBeginning,
        "read again from the beginning",
    )
    .hinted("b/e/o/t start"),
    Binding::new(
        &[Key::ch('e')],
        LiveKey::FromEnd,
        "read only new messages (from the end)",
    ),
    Binding::new(&[Key::ch('o')], LiveKey::FromOffset, "start at an offset"),
    Binding::new(&[Key::ch('t')], LiveKey::FromTime, "start at a time"),
    Binding::new(&[Key::ch(' ')], LiveKey::Pause, "pause / resume").hinted("Space pause"),
    Binding::new(
        &[Key::ch('/')],
        LiveKey::Filter,
        "filter by text in key, value, headers",
    )
    .hinted("/ filter"),
    Binding::new(
        &[Key::ch('s')],
        LiveKey::Save,
        "save the messages in view (after the filter) to a file, as JSON lines",
    )
    .hinted("s save"),
    Binding::new(
        &[Key::ch('[')],
        LiveKey::PartitionsUp,
        "scroll the partitions table up",
    ),
    Binding::new(
        &[Key::ch(']')],
        LiveKey::PartitionsDown,
        "scroll the partitions table down",
    ),
];

/// What the mouse does in the live view.
pub const MOUSE: &[(&str, &str)] = &[
    ("wheel", "select a newer / older message"),
    ("click", "select a message; click it again to open it"),
];

/// What a key does while a message is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailKey {
    /// Close the message.
    Close,
    /// Next view of the value: text, JSON, hex.
    View,
    /// Open the next newer message.
    Newer,
    /// Open the next older message.
    Older,
    /// Scroll the value a page down.
    PageDown,
    /// Scroll the value a page up.
    PageUp,
    /// Scroll the value a line down.
    LineDown,
    /// Scroll the value a line up.
    LineUp,
    /// The value's first line.
    Top,
    /// The value's last line.
    Bottom,
    /// Copy the value to the clipboard.
    CopyValue,
    /// Copy the whole message, as JSON, to the clipboard.
    CopyMessage,
}

/// The open message's keys.
pub const DETAIL_KEYS: &[Binding<DetailKey>] = &[
    Binding::new(
        &[
            Key::plain(KeyCode::Esc),
            Key::plain(KeyCode::Enter),
            Key::ch('q'),
        ],
        DetailKey::Close,
        "close it",
    )
    .hinted("Esc close"),
    Binding::new(
        &[Key::ch('v')],
        DetailKey::View,
        "value as text / JSON / hex (schema'd: decoded / schema / text / hex)",
    )
    .hinted("v view"),
    Binding::new(
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        DetailKey::Newer,
        "open the newer message",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        DetailKey::Older,
        "open the older message",
    )
    .hinted("↑↓ next"),
    Binding::new(
        &[Key::plain(KeyCode::PageDown)],
        DetailKey::PageDown,
        "scroll the value a page down",
    )
    .hinted("PgUp/PgDn J/K Home/End scroll"),
    Binding::new(
        &[Key::plain(KeyCode::PageUp)],
        DetailKey::PageUp,
        "scroll the value a page up",
    ),
    Binding::new(
        &[Key::ch('J')],
        DetailKey::LineDown,
        "scroll the value a line down",
    ),
    Binding::new(
        &[Key::ch('K')],
        DetailKey::LineUp,
        "scroll the value a line up",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Home)],
        DetailKey::Top,
        "the value's first line",
    ),
    Binding::new(
        &[Key::plain(KeyCode::End)],
        DetailKey::Bottom,
        "the value's last line",
    ),
    Binding::new(
        &[Key::ch('y')],
        DetailKey::CopyValue,
        "copy the value to the clipboard (through the terminal: works over ssh)",
    )
    .hinted("y/Y copy"),
    Binding::new(
        &[Key::ch('Y')],
        DetailKey::CopyMessage,
        "copy the whole message as JSON (as s saves it)",
    ),
];

const HISTORY: usize = 30;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// How the detail view shows a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueView {
    /// Escaped text.
    Text,
    /// Pretty-printed JSON (falls back to text).
    Json,
    /// Hex dump.
    Hex,
    /// Decoded through its schema (Confluent-framed values).
    Decoded,
    /// The value's schema as registered.
    Schema,
}

impl ValueView {
    /// The view `v` goes to next: framed values go decoded → schema → text → hex.
    pub fn next(self, framed: bool) -> ValueView {
        match (self, framed) {
            (ValueView::Decoded, _) => ValueView::Schema,
            (ValueView::Schema, _) => ValueView::Text,
            (ValueView::Text, true) => ValueView::Hex,
            (ValueView::Text, false) => ValueView::Json,
            (ValueView::Json, _) => ValueView::Hex,
            (ValueView::Hex, true) => ValueView::Decoded,
            (ValueView::Hex, false) => ValueView::Text,
        }
    }

    /// Its name in the detail's title.
    pub fn name(self) -> &'static str {
        match self {
            ValueView::Text => "text",
            ValueView::Json => "json",
            ValueView::Hex => "hex",
            ValueView::Decoded => "decoded",
            ValueView::Schema => "schema",
        }
    }
}

/// State of the live view.
#[derive(Debug, Clone)]
pub struct LiveState {
    /// Topic being watched.
    pub topic: Option<String>,
    /// Where reading started.
    pub from: StartFrom,
    /// Per-partition counters from the consumer.
    pub stats: Vec<PartitionStats>,
    /// Messages per second, per partition, newest last.
    pub rates: Vec<VecDeque<u64>>,
    prev_seen: Vec<u64>,
    /// Newest messages, newest last.
    pub records: VecDeque<Record>,
    /// Records that reached the UI but were evicted by the cap.
    pub evicted: u64,
    /// Records the consumer could not hand over in time (UI behind).
    pub dropped: u64,
    /// Selected row in the filtered list (0 = newest); `None` follows the newest.
    pub selected: Option<usize>,
    /// Consumer paused.
    pub paused: bool,
    /// Case-insensitive text filter on key, value and headers.
    pub filter: String,
    /// Detail view open, and how it shows the value.
    pub detail: Option<ValueView>,
    /// The consumer's last error.
    pub error: Option<String>,
    /// What the consumer did differently from what was asked (e.g. a start past the end).
    pub notice: Option<String>,
    /// Bytes the kept records hold.
    pub kept_bytes: usize,
    /// The opened record read again in full (its value was cut in the list).
    pub opened: Option<Record>,
    /// The open message's value as lines, built once per message and view.
    pub detail_text: Option<DetailText>,
    /// First value line shown in the detail (it scrolls).
    pub detail_scroll: usize,
    /// Columns the detail's text has: long lines are wrapped to it once, when the text is
    /// built, so scrolling moves through a 400 KB line as through many short ones.
    pub detail_width: usize,
    /// First row shown of the partitions table (it scrolls with `[` and `]`).
    pub parts_scroll: usize,
    /// How many messages and bytes are kept (from the config's `[live]` table).
    pub limits: LiveLimits,
    /// Where the last frame drew the partitions and the messages (for the mouse).
    pub drawn: crate::ui::drawn::Drawn,
    /// The first message row of the last frame, so the list scrolls only when it must.
    pub msgs_top: usize,
    /// Schemas fetched for framed keys and values (kept across topics).
    pub schemas: Schemas,
}

/// Partition, offset, view, value length, width, and whether the value's schema had
/// answered, that a detail text was built for.
type DetailKeyParts = (i32, i64, ValueView, usize, usize, bool);

/// The open message's value rendered for one view: which message, and its lines.
#[derive(Debug, Clone)]
pub struct DetailText {
    /// What it was built for.
    key: DetailKeyParts,
    /// The value's lines.
    pub lines: std::sync::Arc<Vec<String>>,
}

impl Default for LiveState {
    fn default() -> Self {
        Self {
            topic: None,
            from: StartFrom::Beginning,
            stats: Vec::new(),
            rates: Vec::new(),
            prev_seen: Vec::new(),
            records: VecDeque::new(),
            evicted: 0,
            dropped: 0,
            selected: None,
            paused: false,
            filter: String::new(),
            detail: None,
            error: None,
            notice: None,
            kept_bytes: 0,
            opened: None,
            detail_text: None,
            detail_scroll: 0,
            detail_width: 74,
            parts_scroll: 0,
            limits: LiveLimits::default(),
            drawn: Default::default(),
            msgs_top: 0,
            schemas: Schemas::default(),
        }
    }
}

/// Whether `r` holds `needle` (lower case) in its key, value (as bytes or decoded) or
/// headers.
fn matches(r: &Record, needle: &str, schemas: &Schemas) -> bool {
    if needle.is_empty() {
        return true;
    }
    let hit = |b: &Option<Vec<u8>>| {
        b.as_deref()
            .is_some_and(|b| contains_folded(&escape_bytes(b), needle))
    };
    let shown = shown_of(r, schemas);
    // A decoded part is searched as shown (its JSON), not as its framed bytes as well:
    // escaping the bytes of every record that does not match cost more than decoding.
    let part_hit = |s: &Shown, b: &Option<Vec<u8>>| match s {
        Shown::Decoded(d) => contains_folded(&d.json, needle),
        _ => hit(b),
    };
    part_hit(&shown.0, &r.key)
        || part_hit(&shown.1, &r.value)
        || r.headers
            .iter()
            .any(|(k, v)| k.to_lowercase().contains(needle) || hit(v))
}

/// Whether `hay` holds `needle` (already lower case) in any case, without copying `hay`
/// when both are ASCII (the filter runs over every kept record).
fn contains_folded(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let n = needle.as_bytes();
        return hay
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle)
}

/// A record's key and value as shown through their schemas (kept in the record once
/// final). A value cut to the preview limit is shown as bytes until read whole.
pub fn shown_of(r: &Record, schemas: &Schemas) -> std::sync::Arc<(Shown, Shown)> {
    if let Some(kept) = r.shown.get() {
        return kept.clone();
    }
    let value = if r.value_size.is_some() {
        Shown::Plain
    } else {
        schemas.show(r.value.as_deref())
    };
    r.shown.keep((schemas.show(r.key.as_deref()), value))
}

impl LiveState {
    /// Starts over on a topic.
    pub fn reset(&mut self, topic: String, from: StartFrom) {
        let filter = std::mem::take(&mut self.filter);
        let schemas = std::mem::take(&mut self.schemas);
        *self = LiveState {
            topic: Some(topic),
            from,
            filter,
            schemas,
            limits: self.limits,
            detail_width: self.detail_width,
            ..Default::default()
        };
    }

    /// Takes a batch from the consumer.
    pub fn ingest(&mut self, records: Vec<Record>, stats: Vec<PartitionStats>, dropped: u64) {
        if self.rates.len() != stats.len() {
            self.rates = vec![VecDeque::new(); stats.len()];
            self.prev_seen = stats.iter().map(|s| s.seen).collect();
        }
        self.stats = stats;
        self.dropped = dropped;
        // The selection indexes the filtered list: only new rows that pass the filter
        // push it down.
        for r in &records {
            self.schemas.note(r.key.as_deref());
            self.schemas.note(r.value.as_deref());
        }
        let needle = self.filter.to_lowercase();
        let added = records
            .iter()
            .filter(|r| matches(r, &needle, &self.schemas))
            .count();
        self.kept_bytes += records.iter().map(Record::kept_bytes).sum::<usize>();
        self.records.extend(records);
        let (keep, keep_bytes) = (self.limits.keep_messages, self.limits.keep_bytes.0);
        while self.records.len() > keep || (self.kept_bytes > keep_bytes && self.records.len() > 1)
        {
            if let Some(old) = self.records.pop_front() {
                self.kept_bytes -= old.kept_bytes();
            }
            self.evicted += 1;
        }
        // Keep the selected message in place while new ones arrive above it.
        if let Some(sel) = self.selected {
            let shown = self.visible().len();
            self.selected = Some((sel + added).min(shown.saturating_sub(1)));
        }
    }

    /// Once a second: turns counters into rates.
    pub fn tick(&mut self) {
        for (i, s) in self.stats.iter().enumerate() {
            let prev = self.prev_seen.get(i).copied().unwrap_or(s.seen);
            if let Some(h) = self.rates.get_mut(i) {
                h.push_back(s.seen.saturating_sub(prev));
                if h.len() > HISTORY {
                    h.pop_front();
                }
            }
        }
        self.prev_seen = self.stats.iter().map(|s| s.seen).collect();
    }

    /// Messages passing the filter, newest first.
    pub fn visible(&self) -> Vec<&Record> {
        let needle = self.filter.to_lowercase();
        self.records
            .iter()
            .rev()
            .filter(|r| matches(r, &needle, &self.schemas))
            .collect()
    }

    /// The message the detail shows: the whole record once it has been read again,
    /// until then what is kept.
    pub fn detail_record(&self) -> Option<&Record> {
        let r = self.selected_record()?;
        Some(
            self.opened
                .as_ref()
                .filter(|o| (o.partition, o.offset) == (r.partition, r.offset))
                .unwrap_or(r),
        )
    }

    /// Rebuilds the detail's value lines when the message, its value or the view changed
    /// (a hex dump of a 1 MB value is built once, not on every frame), and starts at the
    /// top for a different message.
    pub fn refresh_detail_text(&mut self) {
        let Some(key) = self.detail_key() else {
            self.detail_text = None;
            return;
        };
        if self.detail_text.as_ref().is_some_and(|d| d.key == key) {
            return;
        }
        let lines = std::sync::Arc::new(self.build_detail_lines(key));
        let same_message = self
            .detail_text
            .as_ref()
            .is_some_and(|d| (d.key.0, d.key.1) == (key.0, key.1));
        if !same_message {
            self.detail_scroll = 0;
        }
        self.detail_scroll = self.detail_scroll.min(lines.len().saturating_sub(1));
        self.detail_text = Some(DetailText { key, lines });
    }

    /// What the open message's text is built from: which message, view, value length
    /// and width; `None` when no message is open.
    fn detail_key(&self) -> Option<DetailKeyParts> {
        let view = self.detail?;
        let r = self.detail_record()?;
        let len = r.value.as_ref().map_or(0, Vec::len);
        let answered = shown_of(r, &self.schemas).1.is_final();
        Some((
            r.partition,
            r.offset,
            view,
            len,
            self.detail_width,
            answered,
        ))
    }

    fn build_detail_lines(&self, key: DetailKeyParts) -> Vec<String> {
        let Some(r) = self.detail_record() else {
            return Vec::new();
        };
        let value = r.value.as_deref().unwrap_or_default();
        let lines = match key.2 {
            ValueView::Decoded | ValueView::Schema => {
                let shown = shown_of(r, &self.schemas);
                decoded::lines(&shown.1, key.2, &self.schemas, value)
            }
            view => value_lines(value, view, key.4),
        };
        wrap_by_width(lines, key.4)
    }

    /// Schema facts for the open message's key and value (none for plain bytes).
    pub fn detail_schema_lines(&self) -> Vec<String> {
        let Some(r) = self.detail_record() else {
            return Vec::new();
        };
        let shown = shown_of(r, &self.schemas);
        decoded::summary(&shown, &self.schemas)
    }

    /// The open message's value lines: the cached ones when they are for this message
    /// and view (always, after `refresh_detail_text`), else built now.
    pub fn detail_lines(&self) -> Option<std::sync::Arc<Vec<String>>> {
        let key = self.detail_key()?;
        Some(match &self.detail_text {
            Some(d) if d.key == key => d.lines.clone(),
            _ => std::sync::Arc::new(self.build_detail_lines(key)),
        })
    }

    /// Scrolls the detail's value by `delta` lines, within its length.
    pub fn scroll_detail(&mut self, delta: isize) {
        let len = self.detail_text.as_ref().map_or(0, |d| d.lines.len());
        self.detail_scroll = self
            .detail_scroll
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }

    /// Opens the selected message; a value that was cut in the list is read again whole
    /// (the command to do so is returned).
    pub fn open_detail(&mut self) -> Option<KafkaCommand> {
        let framed = self
            .selected_record()
            .is_some_and(|r| shown_of(r, &self.schemas).1 != Shown::Plain);
        // A framed value opens decoded; paging to another message keeps a chosen view
        // where it applies.
        self.detail = Some(match (self.detail, framed) {
            (Some(ValueView::Decoded | ValueView::Schema) | None, true) => ValueView::Decoded,
            (Some(v @ (ValueView::Text | ValueView::Hex)), _) => v,
            (Some(ValueView::Json), false) => ValueView::Json,
            (_, true) => ValueView::Decoded,
            (_, false) => ValueView::Text,
        });
        let r = self.selected_record().filter(|r| r.value_size.is_some())?;
        let wanted = (r.partition, r.offset);
        let have = self.opened.as_ref().map(|o| (o.partition, o.offset));
        let topic = self.topic.clone()?;
        (have != Some(wanted)).then_some(KafkaCommand::FetchOne {
            topic,
            partition: wanted.0,
            offset: wanted.1,
        })
    }

    /// Acts on a key of the live view's table in a body `body_height` rows tall, at
    /// wall-clock `now_ms`.
    pub fn on_key(&mut self, action: LiveKey, body_height: u16, now_ms: i64) -> Vec<Effect> {
        let topic = self.topic.clone();
        let form = |f: Form| vec![Effect::Form(f)];
        match action {
            LiveKey::Newer => self.move_selection(-1),
            LiveKey::Older => self.move_selection(1),
            LiveKey::PageNewer => self.move_selection(-PAGE),
            LiveKey::PageOlder => self.move_selection(PAGE),
            LiveKey::Follow => self.selected = None,
            LiveKey::Open if self.selected_record().is_some() => {
                self.selected.get_or_insert(0);
                return self
                    .open_detail()
                    .map(Effect::Command)
                    .into_iter()
                    .collect();
            }
            LiveKey::PartitionsUp | LiveKey::PartitionsDown => {
                let rows = partition_rows(self.stats.len(), body_height);
                let pages = if action == LiveKey::PartitionsUp {
                    -1
                } else {
                    1
                };
                self.scroll_partitions(pages, rows);
            }
            LiveKey::Open => {}
            _ if topic.is_none() => {}
            LiveKey::Pause => return vec![Effect::Pause(!self.paused)],
            LiveKey::FromBeginning | LiveKey::FromEnd => {
                let from = if action == LiveKey::FromBeginning {
                    StartFrom::Beginning
                } else {
                    StartFrom::End
                };
                return topic.map(|t| Effect::Watch(t, from)).into_iter().collect();
            }
            LiveKey::FromOffset => return form(forms::start_offset()),
            LiveKey::FromTime => return form(forms::start_time()),
            LiveKey::Filter => return form(forms::filter(&self.filter)),
            LiveKey::Save => {
                let n = self.visible().len();
                return form(forms::save(topic.as_deref(), n, now_ms));
            }
        }
        Vec::new()
    }

    /// Acts on a key of the open message's table.
    pub fn on_detail_key(&mut self, action: DetailKey) -> Vec<Effect> {
        match action {
            DetailKey::Close => self.detail = None,
            DetailKey::View => {
                let framed = self
                    .detail_record()
                    .is_some_and(|r| shown_of(r, &self.schemas).1 != Shown::Plain);
                self.detail = self.detail.map(|v| v.next(framed));
            }
            DetailKey::Newer | DetailKey::Older => {
                self.move_selection(if action == DetailKey::Newer { -1 } else { 1 });
                return self
                    .open_detail()
                    .map(Effect::Command)
                    .into_iter()
                    .collect();
            }
            DetailKey::PageDown => self.scroll_detail(DETAIL_PAGE),
            DetailKey::PageUp => self.scroll_detail(-DETAIL_PAGE),
            DetailKey::LineDown => self.scroll_detail(1),
            DetailKey::LineUp => self.scroll_detail(-1),
            DetailKey::Top => self.detail_scroll = 0,
            DetailKey::Bottom => self.scroll_detail(isize::MAX),
            DetailKey::CopyValue | DetailKey::CopyMessage => {
                return self.copy(action).into_iter().collect()
            }
        }
        Vec::new()
    }

    /// The open message's value, or all of it as a JSON line, for the clipboard.
    fn copy(&self, what: DetailKey) -> Option<Effect> {
        let r = self.detail_record()?;
        if r.value_size.is_some() {
            return Some(Effect::Notice(
                "the value is still being read whole; copy again in a moment".into(),
            ));
        }
        let shown = shown_of(r, &self.schemas);
        Some(if what == DetailKey::CopyValue {
            match (&shown.1, self.detail) {
                // What is on screen is what is copied: the decoded JSON, not the frame.
                (Shown::Decoded(d), Some(ValueView::Decoded)) => {
                    Effect::Copy(d.json.clone().into_bytes(), "the decoded value".into())
                }
                _ => Effect::Copy(r.value.clone().unwrap_or_default(), "the value".into()),
            }
        } else {
            let topic = self.topic.as_deref().unwrap_or_default();
            Effect::Copy(
                crate::kafka::jsonl::to_line(topic, r).into_bytes(),
                "the message as JSON".into(),
            )
        })
    }

    /// A click at `pos` on a message row of the last frame selects that message, or
    /// opens it if it is already selected. Found by partition and offset: messages
    /// that arrived since the frame moved the rows.
    pub fn click(&mut self, pos: Position) -> Vec<Effect> {
        let Some(Hit {
            part: Part::Messages,
            name: Some(at),
            ..
        }) = self.drawn.hit(pos)
        else {
            return Vec::new();
        };
        let Some(i) = self.visible().iter().position(|r| message_name(r) == at) else {
            return Vec::new();
        };
        if self.selected == Some(i) {
            self.open_detail()
                .map(Effect::Command)
                .into_iter()
                .collect()
        } else {
            self.selected = Some(i);
            Vec::new()
        }
    }

    /// The wheel at `pos`, `delta` rows: over the messages it moves the selection, over
    /// the partitions table it scrolls the table.
    pub fn wheel(&mut self, pos: Position, delta: isize) {
        let Some(region) = self.drawn.hit(pos).and_then(|h| self.drawn.get(h.part)) else {
            return;
        };
        match region.part {
            Part::Messages => self.move_selection(delta),
            Part::LiveGrid => {
                let room = region.room();
                self.parts_scroll = by_rows(self.parts_scroll, self.stats.len(), room, delta);
            }
            _ => {}
        }
    }

    /// Scrolls the partitions table by `pages` pages of `rows` rows, within its length.
    pub fn scroll_partitions(&mut self, pages: isize, rows: usize) {
        self.parts_scroll = page(self.parts_scroll, self.stats.len(), rows, pages);
    }

    /// The selected message (or the newest when following).
    pub fn selected_record(&self) -> Option<&Record> {
        self.visible().get(self.selected.unwrap_or(0)).copied()
    }

    /// Moves the selection by `delta` rows (positive = older).
    pub fn move_selection(&mut self, delta: isize) {
        let n = self.visible().len();
        if n == 0 {
            self.selected = None;
            return;
        }
        // From "following the newest", the first step down lands on the newest row.
        let cur = self.selected.map_or(-1, |s| s as isize);
        let next = (cur.max(0) + delta - isize::from(self.selected.is_none() && delta > 0))
            .clamp(0, n as isize - 1) as usize;
        self.selected = Some(next);
    }
}

impl Component for LiveState {
    fn key(&mut self, key: KeyEvent, ctx: &Ctx) -> Option<Vec<Effect>> {
        crate::keys::lookup(KEYS, &key).map(|a| self.on_key(a, ctx.body.1, ctx.now.unix_ms))
    }

    fn click(&mut self, column: u16, row: u16) -> Vec<Effect> {
        LiveState::click(self, Position::new(column, row))
    }

    fn submit(&mut self, form: &Form, ctx: &Ctx) -> Result<Vec<Effect>, String> {
        self.submit_form(form, ctx.now.unix_ms)
    }

    fn hints(&self) -> String {
        crate::keys::hint(KEYS)
    }

    /// The view, and an open message over it.
    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, ctx: &DrawCtx<'_>) {
        draw(frame, area, self);
        Detail(self).draw(frame, area, ctx);
    }
}

/// The open message, over the live view: it takes the view's keys while it is open
/// (those it does not take still switch panes), and is drawn over the view's area.
pub struct Detail<'a>(pub &'a mut LiveState);

impl Component for Detail<'_> {
    fn key(&mut self, key: KeyEvent, _ctx: &Ctx) -> Option<Vec<Effect>> {
        crate::keys::lookup(DETAIL_KEYS, &key).map(|a| self.0.on_detail_key(a))
    }

    fn hints(&self) -> String {
        crate::keys::hint(DETAIL_KEYS)
    }

    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, _ctx: &DrawCtx<'_>) {
        let s = &*self.0;
        if let (Some(view), Some(r), Some(lines)) = (s.detail, s.detail_record(), s.detail_lines())
        {
            let schema = s.detail_schema_lines();
            // The decoded views of a value that could not be decoded show its text.
            let decoded = matches!(shown_of(r, &s.schemas).1, Shown::Decoded(_));
            let name = match view {
                ValueView::Decoded | ValueView::Schema if !decoded => "not decoded, as text",
                v => v.name(),
            };
            draw_detail(frame, area, r, (name, &lines[..], &schema), s.detail_scroll);
            // The open message covers the view: a click there is not one on a row beneath.
            self.0.drawn.push(Region::new(Part::Overlay, area));
        }
    }
}

/// Rows the per-partition table takes in a body `height` rows tall.
fn partition_table_height(partitions: usize, height: u16) -> u16 {
    (partitions.min(u16::MAX as usize - 3) as u16 + 3)
        .min(height / 2)
        .max(4)
}

/// Partition rows the table shows at once in a body `height` rows tall.
pub fn partition_rows(partitions: usize, height: u16) -> usize {
    partition_table_height(partitions, height).saturating_sub(3) as usize
}

/// How a drawn message row is known again at a click: its partition and offset.
fn message_name(r: &Record) -> String {
    format!("{}@{}", r.partition, r.offset)
}

/// The last `width` values as bars scaled to the largest (blank for zero).
pub fn sparkline<'a>(
    values: impl ExactSizeIterator<Item = &'a u64> + Clone,
    width: usize,
) -> String {
    let max = values.clone().copied().max().unwrap_or(0).max(1);
    let start = values.len().saturating_sub(width);
    values
        .skip(start)
        .map(|v| {
            if *v == 0 {
                ' '
            } else {
                BARS[((*v * 7) / max) as usize]
            }
        })
        .collect()
}

/// Local time of day for a timestamp (UTC; the dashboard does not read the time zone).
pub fn clock(ms: Option<i64>) -> String {
    match ms {
        Some(ms) if ms >= 0 => {
            let secs = ms / 1000;
            format!(
                "{:02}:{:02}:{:02}.{:03}",
                (secs / 3600) % 24,
                (secs / 60) % 60,
                secs % 60,
                ms % 1000
            )
        }
        _ => "--:--:--.---".into(),
    }
}

/// A key or value cell: decoded JSON, a schema being fetched, the bytes with why they
/// were not decoded, or the bytes.
fn shown_preview(b: &Option<Vec<u8>>, shown: &Shown, max: usize) -> String {
    match shown {
        Shown::Plain => preview(b, max),
        Shown::Decoded(d) => crate::ui::fit_str(&escape_typed_cut(&d.json, max), max),
        Shown::Pending(_) | Shown::Failed { .. } | Shown::Unavailable { .. } => {
            let note = shown.preview().unwrap_or_default();
            let bytes = preview(b, max);
            crate::ui::fit_str(&format!("[{note}] {bytes}"), max)
        }
    }
}

/// JSON text for a row: escaped for the terminal, and only the part that can show.
fn escape_typed_cut(json: &str, max: usize) -> String {
    let end = json
        .char_indices()
        .nth(max * 2)
        .map_or(json.len(), |(i, _)| i);
    crate::escape::escape_typed(&json[..end])
}

fn preview(b: &Option<Vec<u8>>, max: usize) -> String {
    match b {
        None => "null".into(),
        Some(b) if b.is_empty() => "\"\"".into(),
        // By display width: emoji and CJK take two columns each.
        Some(b) => crate::ui::fit_str(&escape_bytes(&b[..b.len().min(max * 4)]), max),
    }
}

/// Draws the live view.
pub fn draw(frame: &mut Frame<'_>, area: Rect, s: &mut LiveState) {
    let Some(topic) = &s.topic else {
        let msg = "No topic yet: pick one in Topics (1) and press Enter.";
        frame.render_widget(
            Paragraph::new(msg).block(Block::default().borders(Borders::ALL).title(" Live ")),
            area,
        );
        return;
    };
    let table_height = partition_table_height(s.stats.len(), area.height);
    let [parts_area, msgs_area] =
        Layout::vertical([Constraint::Length(table_height), Constraint::Min(3)]).areas(area);
    let grid_drawn = draw_grid(frame, area, parts_area, topic, s);
    // The view of the messages moves only when the selection leaves it; with nothing
    // selected it shows the newest.
    let rows = msgs_area.height.saturating_sub(3) as usize;
    s.msgs_top = match s.selected {
        Some(sel) => keep_in_view(s.msgs_top, sel, rows, s.visible().len()),
        None => 0,
    };
    let msgs_drawn = draw_messages(frame, msgs_area, s);
    s.drawn.push(grid_drawn);
    s.drawn.push(msgs_drawn);
    let last_line = s
        .error
        .as_ref()
        .map(|e| (e, Color::Red))
        .or(s.notice.as_ref().map(|n| (n, Color::Yellow)));
    if let Some((text, color)) = last_line {
        let y = area.bottom().saturating_sub(1);
        frame.render_widget(
            Paragraph::new(Span::styled(
                escape_bytes(text.as_bytes()),
                Style::default().fg(color),
            )),
            Rect {
                y,
                height: 1,
                ..area
            },
        );
    }
}

/// The per-partition table (counters, rates, sparklines) in `parts_area` of the live
/// view's `area`; returns where its rows are.
fn draw_grid(
    frame: &mut Frame<'_>,
    area: Rect,
    parts_area: Rect,
    topic: &str,
    s: &LiveState,
) -> Region {
    // What is left for the sparkline: its header shortens rather than being cut.
    let rate_width = usize::from(area.width.saturating_sub(2 + 5 + 4 * 9 + 7 + 6));
    let rate_header = match rate_width {
        w if w >= "rate (30 s)".len() => "rate (30 s)".to_string(),
        w => super::fit_str("rate", w),
    };
    let header = Row::new([
        "part".to_string(),
        "low".into(),
        "high".into(),
        "seen".into(),
        "last".into(),
        "msg/s".into(),
        rate_header,
    ])
    .style(Style::default().add_modifier(Modifier::BOLD));
    let shown = partition_rows(s.stats.len(), area.height);
    let first = clamp_scroll(s.parts_scroll, s.stats.len(), shown);
    let rows = s
        .stats
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .map(|(i, p)| {
            let rate = s.rates.get(i).and_then(|h| h.back().copied()).unwrap_or(0);
            let opt = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
            Row::new(vec![
                Cell::from(p.partition.to_string()),
                Cell::from(opt(p.low)),
                Cell::from(opt(p.high)),
                Cell::from(p.seen.to_string()),
                Cell::from(opt(p.last_offset)),
                Cell::from(rate.to_string()),
                Cell::from(Span::styled(
                    s.rates
                        .get(i)
                        .map_or(String::new(), |h| sparkline(h.iter(), HISTORY)),
                    Style::default().fg(Color::Cyan),
                )),
            ])
        });
    let from = match s.from {
        StartFrom::Beginning => "beginning".to_string(),
        StartFrom::End => "end".to_string(),
        StartFrom::Offset(o) => format!("offset {o}"),
        StartFrom::Time(t) => format!("time {}", clock(Some(t))),
    };
    let state = if s.paused { " PAUSED" } else { "" };
    let title = format!(" {} · from {from}{state} ", escape_bytes(topic.as_bytes()));
    let widths = [
        Constraint::Length(5),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Min(10),
    ];
    let scrolled = rows_hint("partitions", first, shown, s.stats.len(), "[ ]");
    let grid_drawn = Region::table(
        Part::LiveGrid,
        parts_area,
        first,
        s.stats.len().saturating_sub(first).min(shown),
    );
    frame.render_widget(
        Table::new(rows, widths).header(header).block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .title_bottom(super::border_hint(&scrolled, parts_area)),
        ),
        parts_area,
    );
    grid_drawn
}

/// The newest messages, scrolled to the selection; returns where its rows are, each
/// named by partition and offset.
fn draw_messages(frame: &mut Frame<'_>, msgs_area: Rect, s: &LiveState) -> Region {
    let visible = s.visible();
    let inner_rows = msgs_area.height.saturating_sub(3) as usize;
    let skip = s.msgs_top;
    let names = visible
        .iter()
        .skip(skip)
        .take(inner_rows)
        .map(|r| message_name(r))
        .collect::<Vec<_>>();
    let msgs_drawn = Region::table(Part::Messages, msgs_area, skip, names.len()).with_names(names);
    let key_w = 16usize;
    let value_w = (msgs_area.width as usize).saturating_sub(12 + 14 + key_w + 8 + 8);
    let rows = visible
        .iter()
        .enumerate()
        .skip(skip)
        .take(inner_rows)
        .map(|(i, r)| {
            let shown = shown_of(r, &s.schemas);
            let style = if Some(i) == s.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Row::new(vec![
                Cell::from(clock(r.timestamp)),
                Cell::from(format!("{}@{}", r.partition, r.offset)),
                Cell::from(shown_preview(&r.key, &shown.0, key_w)),
                Cell::from(shown_preview(&r.value, &shown.1, value_w.max(8))),
                Cell::from(if r.headers.is_empty() {
                    String::new()
                } else {
                    format!("{}h", r.headers.len())
                }),
            ])
            .style(style)
        });
    let kept = format!(
        " messages {}/{}{}{}{} ",
        visible.len(),
        s.records.len(),
        if s.filter.is_empty() {
            String::new()
        } else {
            format!(" · filter {:?}", s.filter)
        },
        if s.evicted > 0 {
            format!(" · {} older not kept", s.evicted)
        } else {
            String::new()
        },
        if s.dropped > 0 {
            format!(" · {} skipped (UI behind)", s.dropped)
        } else {
            String::new()
        },
    );
    let widths = [
        Constraint::Length(12),
        Constraint::Length(14),
        Constraint::Length(key_w as u16),
        Constraint::Min(8),
        Constraint::Length(4),
    ];
    let header = Row::new(["time (UTC)", "part@offset", "key", "value", "hdr"])
        .style(Style::default().add_modifier(Modifier::BOLD));
    let hint = crate::keys::hint(KEYS);
    frame.render_widget(
        Table::new(rows, widths).header(header).block(
            Block::default()
                .borders(Borders::ALL)
                .title(kept)
                .title_bottom(super::border_hint(&hint, msgs_area)),
        ),
        msgs_area,
    );
    msgs_drawn
}

/// The value as lines for a view; a hex dump shows 16 bytes a row where `width` columns
/// hold them, else 8.
pub fn value_lines(value: &[u8], view: ValueView, width: usize) -> Vec<String> {
    let per_row = if width >= 75 { 16 } else { 8 };
    match view {
        // Without a schema at hand the decoded views show the bytes as text.
        ValueView::Text | ValueView::Decoded | ValueView::Schema => escape_lines(value),
        ValueView::Json => match serde_json::from_slice::<serde_json::Value>(value) {
            Ok(v) => serde_json::to_string_pretty(&v)
                .map(|s| escape_lines(s.as_bytes()))
                .unwrap_or_default(),
            Err(e) => {
                let mut l = vec![format!("(not JSON: {e}; shown as text)")];
                l.extend(escape_lines(value));
                l
            }
        },
        ValueView::Hex => value
            .chunks(per_row)
            .enumerate()
            .map(|(i, c)| {
                let hex: Vec<String> = c.iter().map(|b| format!("{b:02x}")).collect();
                let ascii: String = c
                    .iter()
                    .map(|b| {
                        if b.is_ascii_graphic() || *b == b' ' {
                            *b as char
                        } else {
                            '.'
                        }
                    })
                    .collect();
                format!(
                    "{:08x}  {:<w$} {ascii}",
                    i * per_row,
                    hex.join(" "),
                    w = per_row * 3
                )
            })
            .collect(),
    }
}

/// Lines cut into pieces of at most `width` display columns (wide characters are never
/// split); lines that fit are kept as they are.
pub fn wrap_by_width(lines: Vec<String>, width: usize) -> Vec<String> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let width = width.max(1);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let mut piece = String::new();
        let mut used = 0;
        for c in line.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && !piece.is_empty() {
                out.push(std::mem::take(&mut piece));
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        out.push(piece);
    }
    out
}

/// Shows at most this many lines' worth of a key; the rest is folded.
const KEY_LINES: usize = 3;

/// A key folded past `KEY_LINES` rows of `width` columns, with its true size shown, so a
/// 100 KB key cannot push the value out of the detail.
fn folded_key(key: Option<&[u8]>, width: usize) -> String {
    let Some(key) = key else {
        return "null".into();
    };
    let text = escape_bytes(key);
    let limit = width.max(20) * KEY_LINES;
    let cut = super::fit_str(&text, limit.saturating_sub(20));
    if cut == text {
        text
    } else {
        format!("{cut} ({} bytes)", key.len())
    }
}

/// Draws the open message; `shown` is its view's name, the value's lines and the schema
/// facts.
fn draw_detail(
    frame: &mut Frame<'_>,
    area: Rect,
    r: &Record,
    shown: (&str, &[String], &[String]),
    scroll: usize,
) {
    let (name, value, schema) = shown;
    let rect = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(2),
    };
    frame.render_widget(Clear, rect);
    let inner_width = rect.width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::from(format!(
            "partition {} · offset {} · {}",
            r.partition,
            r.offset,
            clock(r.timestamp)
        )),
        Line::from(format!(
            "key: {}",
            folded_key(r.key.as_deref(), inner_width.saturating_sub(5))
        )),
    ];
    lines.extend(schema.iter().map(|l| Line::from(l.as_str())));
    lines.push(Line::from(format!("headers ({}):", r.headers.len())));
    for (k, v) in &r.headers {
        lines.push(Line::from(format!(
            "  {} = {}",
            escape_bytes(k.as_bytes()),
            v.as_deref().map_or("null".into(), escape_bytes)
        )));
    }
    let shown = if value.is_empty() {
        String::new()
    } else {
        format!(
            ", lines {}-{} of {}",
            scroll + 1,
            (scroll + rect.height as usize).min(value.len()),
            value.len()
        )
    };
    lines.push(Line::from(match r.value_size {
        Some(size) => format!(
            "value ({name}, {size} bytes; showing the first {} while the rest is read{shown}):",
            r.value.as_ref().map_or(0, Vec::len)
        ),
        None => format!(
            "value ({name}, {} bytes{shown}):",
            r.value.as_ref().map_or(0, Vec::len)
        ),
    }));
    // Only the lines that can be on screen go to the widget, so a long value costs the
    // same per frame as a short one.
    lines.extend(
        value
            .iter()
            .skip(scroll)
            .take(rect.height as usize)
            .map(|l| Line::from(l.as_str())),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Message ")
        .title_bottom(super::border_hint(&crate::keys::hint(DETAIL_KEYS), rect));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(offset: i64, value: &str) -> Record {
        Record {
            partition: 0,
            offset,
            timestamp: None,
            key: None,
            value: Some(value.as_bytes().to_vec()),
            headers: Vec::new(),
            value_size: None,
            shown: Default::default(),
        }
    }

    fn stats() -> Vec<PartitionStats> {
        vec![PartitionStats::default()]
    }

    #[test]
    fn kept_messages_stay_within_the_byte_budget() {
        let mut live = LiveState::default();
        // A budget from the config holds, and survives watching another topic.
        live.limits.keep_bytes = crate::config::ByteSize(2 << 20);
        live.reset("t".into(), StartFrom::Beginning);
        let big = "x".repeat(400 * 1024);
        for batch in 0..30 {
            let records = (0..10).map(|i| rec(batch * 10 + i, &big)).collect();
            live.ingest(records, stats(), 0);
            assert!(live.kept_bytes <= 2 << 20, "{} kept", live.kept_bytes);
        }
        assert_eq!(live.records.len(), 5, "five 400 KiB values fit in 2 MiB");
        assert_eq!(
            live.kept_bytes,
            live.records.iter().map(Record::kept_bytes).sum::<usize>()
        );
        assert_eq!(
            live.records.len() as u64 + live.evicted,
            300,
            "every record counted"
        );
        assert_eq!(
            live.records.back().unwrap().offset,
            299,
            "the newest are the ones kept"
        );
    }

    #[test]
    fn detail_text_is_built_once_per_message_and_view_and_scrolls() {
        let mut live = LiveState::default();
        let value = "y".repeat(1 << 20);
        live.ingest(vec![rec(0, "small"), rec(1, &value)], stats(), 0);
        live.selected = Some(0); // newest: offset 1
        live.detail = Some(ValueView::Hex);
        live.detail_width = 74;
        live.refresh_detail_text();
        assert_eq!(
            live.detail_text.as_ref().unwrap().lines.len(),
            (1 << 20) / 8,
            "8 bytes a row where 16 do not fit"
        );
        live.detail_width = 120;
        live.refresh_detail_text();
        let first = live.detail_text.as_ref().unwrap().lines.clone();
        assert_eq!(first.len(), (1 << 20) / 16);
        live.refresh_detail_text();
        assert!(
            std::sync::Arc::ptr_eq(&first, &live.detail_text.as_ref().unwrap().lines),
            "an unchanged message is not dumped again"
        );
        live.scroll_detail(100);
        assert_eq!(live.detail_scroll, 100);
        live.scroll_detail(isize::MAX);
        assert_eq!(
            live.detail_scroll,
            first.len() - 1,
            "End stops at the last line"
        );
        live.detail = Some(ValueView::Text);
        live.refresh_detail_text();
        let rows = (1usize << 20).div_ceil(120);
        assert_eq!(
            live.detail_text.as_ref().unwrap().lines.len(),
            rows,
            "one long line, in rows of the detail's width"
        );
        assert_eq!(
            live.detail_scroll,
            rows - 1,
            "clamped to the new view's length"
        );
        live.detail_scroll = 0;
        live.move_selection(1); // the older message
        live.refresh_detail_text();
        assert_eq!(live.detail_text.as_ref().unwrap().lines[0], "small");
    }

    #[test]
    fn long_lines_are_cut_by_display_width() {
        let lines = wrap_by_width(vec!["abcdefg".into(), "ab".into(), "日本語テ".into()], 3);
        assert_eq!(lines, ["abc", "def", "g", "ab", "日", "本", "語", "テ"]);
        assert_eq!(wrap_by_width(vec![String::new()], 3), [""]);
    }

    #[test]
    fn long_keys_are_folded_with_their_size() {
        let key = vec![b'k'; 100 * 1024];
        let folded = folded_key(Some(&key), 80);
        assert!(folded.len() < 300, "{} chars", folded.len());
        assert!(folded.ends_with("… (102400 bytes)"), "{folded}");
        assert_eq!(folded_key(Some(b"short"), 80), "short");
        assert_eq!(folded_key(None, 80), "null");
    }

    #[test]
    fn null_and_empty_are_told_apart() {
        assert_eq!(preview(&None, 10), "null");
        assert_eq!(preview(&Some(Vec::new()), 10), "\"\"");
        assert_eq!(preview(&Some(b"v".to_vec()), 10), "v");
    }

    #[test]
    fn selection_stays_on_the_same_message_under_a_filter() {
        let mut live = LiveState {
            filter: "match".into(),
            ..Default::default()
        };
        let batch = (0..9)
            .flat_map(|i| [rec(2 * i, &format!("match-{i}")), rec(2 * i + 1, "other")])
            .collect();
        live.ingest(batch, stats(), 0);
        // Newest first: match-8, match-7, ... — pick match-4.
        live.selected = Some(4);
        assert_eq!(
            live.selected_record().unwrap().value.as_deref(),
            Some(&b"match-4"[..])
        );
        // Messages that do not pass the filter arrive: the selection must not move.
        live.ingest((18..23).map(|o| rec(o, "noise")).collect(), stats(), 0);
        assert_eq!(
            live.selected_record().unwrap().value.as_deref(),
            Some(&b"match-4"[..])
        );
        // A matching one arrives above it: still the same message.
        live.ingest(vec![rec(23, "match-9")], stats(), 0);
        assert_eq!(
            live.selected_record().unwrap().value.as_deref(),
            Some(&b"match-4"[..])
        );
    }
}
