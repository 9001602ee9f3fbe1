//! The whole UI state and `update(Action)`: never awaits, never does I/O; asks workers for
//! work with `try_send` and shows "busy" when they cannot take it.

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use tokio::sync::mpsc;
use tui_input::Input;

use crate::action::{Action, KafkaCommand, KafkaEvent, ResetTo, StartFrom};
use crate::kafka::members::MemberSpec;
use crate::kafka::model::{Delivery, TopicInfo};
use crate::keys::{self, Binding, Key};
use crate::ui::composer::{ComposerOutcome, ComposerState, TemplateVars};
use crate::ui::drawn::{Hit, Part};
use crate::ui::effect::Effect;
use crate::ui::form::{Form, FormKind, FormOutcome};
use crate::ui::groups::GroupsState;
use crate::ui::partitions::LiveState;
use crate::ui::topics::TopicsState;

/// Seconds a status message stays once nothing new replaces it.
pub const STATUS_SECONDS: u32 = 10;
/// Delivery reports kept for the list.
const KEEP_DELIVERIES: usize = 200;

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

/// A running repeat send.
#[derive(Debug, Clone)]
pub struct Repeat {
    /// Messages sent so far.
    pub sent: u64,
    /// Messages to send.
    pub total: u64,
    /// Interval.
    pub every: Duration,
    /// When the next one is due.
    pub next_at: Instant,
}

/// Everything the dashboard shows.
#[derive(Debug)]
pub struct App {
    /// Active pane.
    pub pane: Pane,
    /// What the status bar calls the cluster.
    pub cluster: String,
    /// `None` until the first metadata answer.
    pub connected: Option<bool>,
    /// Last error, shown in the status bar.
    pub last_error: Option<String>,
    /// Last notice (admin results and such).
    pub notice: Option<String>,
    /// The topics pane: topics (sorted by name), the brokers that are up, the selection.
    pub topics: TopicsState,
    /// The composer.
    pub composer: ComposerState,
    /// The composer has the keyboard.
    pub composing: bool,
    /// Delivery reports, newest first.
    pub deliveries: VecDeque<Delivery>,
    /// Sends waiting for a report.
    pub in_flight: usize,
    /// Delivery reports so far: (delivered, failed); the list keeps only the newest.
    pub delivery_totals: (u64, u64),
    /// Repeat mode.
    pub repeat: Option<Repeat>,
    /// The live view.
    pub live: LiveState,
    /// The groups pane.
    pub groups: GroupsState,
    /// A modal form, if open.
    pub form: Option<Form>,
    /// Help overlay shown.
    pub help: bool,
    /// Lines the help is scrolled down by.
    pub help_scroll: u16,
    /// Bytes to put on the clipboard (the dashboard writes them to the terminal).
    pub clipboard: Option<Vec<u8>>,
    /// The last replay's progress, or how it ended.
    pub replay: Option<crate::kafka::files::ReplayProgress>,
    /// The part of the watch screen the keyboard is in (Composer, Live or Groups).
    pub watch_focus: Pane,
    /// The app should exit.
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// Terminal size (for mouse hit tests).
    pub size: (u16, u16),
    /// What the last frame drew outside the panes' own parts (the tabs, the watch
    /// screen's parts, the readers beside the live view, overlays): clicks are matched
    /// against it.
    pub drawn: crate::ui::drawn::Drawn,
    commands: mpsc::Sender<KafkaCommand>,
    /// The status (error, notice) as of the last second, and for how many seconds.
    status_seen: (Option<String>, Option<String>),
    status_age: u32,
    watching_group: Option<String>,
    next_send_id: u64,
    seq: u64,
}

/// Puts a report into the newest-first list. Reports can arrive out of order (each send
/// completes on its own task); within one partition the list keeps offsets descending, so
/// `@975` is never listed above `@974`'s successor out of turn.
fn insert_delivery(list: &mut VecDeque<Delivery>, d: Delivery) {
    let at = match &d.result {
        Ok((p, o)) => list
            .iter()
            .rposition(|e| {
                e.topic == d.topic && matches!(e.result, Ok((ep, eo)) if ep == *p && eo > *o)
            })
            .map_or(0, |i| i + 1),
        Err(_) => 0,
    };
    list.insert(at, d);
}

fn unix_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

impl App {
    /// A new app talking to workers through `commands`.
    pub fn new(cluster: String, commands: mpsc::Sender<KafkaCommand>) -> Self {
        Self {
            pane: Pane::Topics,
            cluster,
            connected: None,
            last_error: None,
            notice: None,
            topics: TopicsState::default(),
            composer: ComposerState::default(),
            composing: false,
            deliveries: VecDeque::new(),
            in_flight: 0,
            delivery_totals: (0, 0),
            repeat: None,
            live: LiveState::default(),
            groups: GroupsState::default(),
            form: None,
            help: false,
            help_scroll: 0,
            watch_focus: Pane::Composer,
            replay: None,
            clipboard: None,
            quit: false,
            dirty: true,
            size: (80, 24),
            drawn: Default::default(),
            commands,
            status_seen: (None, None),
            status_age: 0,
            watching_group: None,
            next_send_id: 0,
            seq: 0,
        }
    }

    fn command(&mut self, cmd: KafkaCommand) -> bool {
        match self.commands.try_send(cmd) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.last_error = Some("busy: the Kafka worker is behind, try again".into());
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.last_error = Some("the Kafka worker has stopped".into());
                false
            }
        }
    }

    /// The selected topic.
    pub fn selected_topic(&self) -> Option<&TopicInfo> {
        self.topics.selected_topic()
    }

    /// Partition count of a topic, if known.
    pub fn partitions_of(&self, topic: &str) -> Option<i32> {
        self.topics
            .list
            .iter()
            .find(|t| t.name == topic)
            .map(|t| t.partitions)
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Key(k) if k.kind != KeyEventKind::Release => {
                self.on_key(k);
                self.dirty = true;
            }
            Action::Key(_) => {}
            Action::Paste(text) => {
                self.on_paste(&text);
                self.dirty = true;
            }
            Action::Mouse(m) => self.on_mouse(m),
            Action::Resize => self.dirty = true,
            Action::Tick => self.on_tick(),
            Action::Kafka(e) => {
                self.on_kafka(e);
                self.dirty = true;
            }
        }
        // Cheap unless the open message, its value, the view or the width changed. The
        // detail is drawn 2 columns in from each side, inside its border.
        self.live.detail_width = usize::from(self.size.0.saturating_sub(6)).max(1);
        self.live.refresh_detail_text();
    }

    /// Opens the selected message; a value that was cut in the list is read again whole.
    /// Opens the live view on a topic.
    pub fn watch(&mut self, topic: String, from: StartFrom) {
        if self.command(KafkaCommand::Tail {
            topic: topic.clone(),
            from,
            value_limit: self.live.limits.value_preview_bytes.0,
        }) {
            self.live.reset(topic, from);
            if self.pane != Pane::Watch {
                self.pane = Pane::Live;
            }
        }
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        if let Some(r) = &self.repeat {
            let (every, mut next_at, mut sent, total) = (r.every, r.next_at, r.sent, r.total);
            while sent < total && next_at <= now {
                if !self.send_one() {
                    self.repeat = None;
                    self.dirty = true;
                    return;
                }
                sent += 1;
                next_at += every;
            }
            self.repeat = (sent < total).then_some(Repeat {
                sent,
                total,
                every,
                next_at,
            });
            self.dirty = true;
        }
    }

    /// Called once a second by the loop: rates for the live view; status messages that
    /// have stood unchanged for [`STATUS_SECONDS`] are cleared (a connection error stays
    /// while the cluster is unreachable).
    pub fn on_second(&mut self) {
        // Ages of group figures ("read 3s ago") move on even when nothing new arrives.
        self.groups.now_ms = unix_now().as_millis() as i64;
        if matches!(self.pane, Pane::Groups | Pane::Watch | Pane::Topics) {
            self.dirty = true;
        }
        if self.live.topic.is_some() {
            self.live.tick();
            self.dirty = true;
        }
        let shown = (self.last_error.clone(), self.notice.clone());
        if shown != self.status_seen {
            self.status_seen = shown;
            self.status_age = 0;
        } else if shown != (None, None) {
            self.status_age += 1;
            if self.status_age >= STATUS_SECONDS && self.connected != Some(false) {
                self.last_error = None;
                self.notice = None;
                self.status_seen = (None, None);
                self.dirty = true;
            }
        }
    }

    /// Builds and sends the composed message; false if it could not be sent.
    fn send_one(&mut self) -> bool {
        let vars = TemplateVars {
            seq: self.seq,
            unix: unix_now().as_secs(),
        };
        match self.composer.build(vars, &mut rand::thread_rng()) {
            Err(e) => {
                self.composer.error = Some(e);
                false
            }
            Ok(message) => {
                let id = self.next_send_id;
                let partitioner = self.composer.partitioner;
                if self.command(KafkaCommand::Produce {
                    id,
                    message,
                    partitioner,
                }) {
                    self.next_send_id += 1;
                    self.seq += 1;
                    self.in_flight += 1;
                    true
                } else {
                    false
                }
            }
        }
    }

    fn on_kafka(&mut self, e: KafkaEvent) {
        match e {
            KafkaEvent::Topics(Ok(topics)) => {
                if self.connected == Some(false) {
                    self.notice = Some("connected again".into());
                    self.last_error = None;
                }
                self.connected = Some(true);
                self.topics.set(topics);
                // Partitions added to the topic in view: the live view reads them too.
                if let Some(t) = self.live.topic.as_deref() {
                    let count = self.partitions_of(t).unwrap_or(0);
                    if !self.live.stats.is_empty() && count as usize > self.live.stats.len() {
                        self.command(KafkaCommand::GrowTail(count));
                    }
                }
                if self.pane == Pane::Watch {
                    self.watch_something();
                }
            }
            KafkaEvent::Brokers(b) => self.topics.brokers = b,
            KafkaEvent::Topics(Err(e)) => {
                self.connected = Some(false);
                self.last_error = Some(format!("cannot reach the cluster: {e}"));
            }
            KafkaEvent::Delivered(_, d) => {
                self.in_flight = self.in_flight.saturating_sub(1);
                match &d.result {
                    Ok(_) => {
                        self.delivery_totals.0 += 1;
                        // The watch screen shows the topic being written to.
                        if self.pane == Pane::Watch
                            && self.live.topic.as_deref() != Some(d.topic.as_str())
                        {
                            self.watch(d.topic.clone(), StartFrom::Beginning);
                        }
                    }
                    Err(e) => {
                        self.delivery_totals.1 += 1;
                        self.last_error = Some(format!("send to {} failed: {e}", d.topic));
                    }
                }
                insert_delivery(&mut self.deliveries, d);
                self.deliveries.truncate(KEEP_DELIVERIES);
            }
            KafkaEvent::Tail {
                topic,
                records,
                stats,
                dropped,
            } => {
                if self.live.topic.as_deref() == Some(topic.as_str()) {
                    self.live.ingest(records, stats, dropped);
                }
            }
            KafkaEvent::TailError(e) => self.live.error = Some(e),
            KafkaEvent::TailNotice(n) => self.live.notice = Some(n),
            KafkaEvent::FullRecord(Ok(r)) => self.live.opened = Some(r),
            KafkaEvent::Saved(Ok(what)) => self.notice = Some(what),
            KafkaEvent::Saved(Err(e)) => self.last_error = Some(format!("save: {e}")),
            KafkaEvent::Replay(p) => {
                if p.done {
                    let summary = format!("replayed {} of {} messages", p.sent, p.total);
                    match &p.first_error {
                        Some(e) => {
                            self.last_error =
                                Some(format!("{summary}; {} failed, the first: {e}", p.failed))
                        }
                        None => self.notice = Some(summary),
                    }
                }
                self.replay = Some(p);
            }
            KafkaEvent::FullRecord(Err(e)) => {
                self.last_error = Some(format!("cannot read the whole message: {e}"))
            }
            KafkaEvent::Admin(Ok(msg)) => {
                self.notice = Some(msg);
                self.command(KafkaCommand::RefreshTopics);
            }
            KafkaEvent::Admin(Err(e)) => self.last_error = Some(e),
            KafkaEvent::Groups(Ok(groups)) => {
                self.groups.now_ms = unix_now().as_millis() as i64;
                self.groups.set_listing(groups);
                // The watch screen follows a group that reads its topic.
                if let (Pane::Watch, Some(topic)) = (self.pane, self.live.topic.as_deref()) {
                    let selected_reads = self
                        .groups
                        .groups
                        .get(self.groups.selected)
                        .is_some_and(|g| g.reads(topic));
                    if !selected_reads {
                        if let Some(i) = self.groups.groups.iter().position(|g| g.reads(topic)) {
                            self.groups.selected = i;
                            self.groups.member_selected = 0;
                        }
                    }
                }
                self.follow_selected_group();
            }
            KafkaEvent::Groups(Err(e)) => self.last_error = Some(format!("groups: {e}")),
            KafkaEvent::GroupDetail(d) => {
                self.groups.now_ms = unix_now().as_millis() as i64;
                self.groups.detail = Some(*d);
            }
            KafkaEvent::Member(m) => {
                self.groups.members.insert(m.id, m);
            }
        }
    }

    fn on_mouse(&mut self, m: MouseEvent) {
        let pos = Position::new(m.column, m.row);
        match m.kind {
            MouseEventKind::Down(_) => self.click(pos),
            MouseEventKind::ScrollDown => self.scroll(pos, 1),
            MouseEventKind::ScrollUp => self.scroll(pos, -1),
            _ => return,
        }
        self.dirty = true;
    }

    /// A click at `pos`, matched against what the last frame drew: a tab shows its pane,
    /// a watch part takes the keyboard, a readers row selects its group, and anything
    /// inside a pane goes to that pane, which finds the row under the pointer.
    fn click(&mut self, pos: Position) {
        if self.pane == Pane::Watch {
            if let Some(part) = self.watch_part_at(pos) {
                if part != self.watch_focus {
                    self.watch_focus = part;
                    self.composing = false;
                }
            }
        }
        let effects = match self.drawn.hit(pos) {
            Some(Hit {
                part: Part::Tab(pane),
                ..
            }) => {
                self.switch(pane);
                Vec::new()
            }
            Some(Hit {
                part: Part::Readers,
                name: Some(group),
                ..
            }) => self.groups.select_named(&group),
            Some(Hit {
                part: Part::Overlay | Part::Readers,
                ..
            }) => Vec::new(),
            _ => match self.pane {
                Pane::Topics => {
                    self.topics.click(pos);
                    self.topics_readers_click(pos)
                }
                Pane::Groups => self.groups.click(pos),
                Pane::Live | Pane::Watch => self.live.click(pos),
                Pane::Composer => Vec::new(),
            },
        };
        self.apply(effects);
    }

    /// A click on the readers beside the topics pane's partitions selects that group.
    fn topics_readers_click(&mut self, pos: Position) -> Vec<Effect> {
        match self.topics.drawn.hit(pos) {
            Some(Hit {
                part: Part::Readers,
                name: Some(group),
                ..
            }) => self.groups.select_named(&group),
            _ => Vec::new(),
        }
    }

    /// The watch screen's part under `pos` in the last frame.
    fn watch_part_at(&self, pos: Position) -> Option<Pane> {
        self.drawn.regions().iter().find_map(|r| match r.part {
            Part::WatchPart(p) if r.rect.contains(pos) => Some(p),
            _ => None,
        })
    }

    /// The wheel moves the part under the pointer (as a click would pick it), whichever
    /// part has the keyboard; it does not move the keyboard.
    fn scroll(&mut self, pos: Position, delta: isize) {
        if self.drawn.hit(pos).is_some_and(|h| h.part == Part::Overlay) {
            return;
        }
        match self.pane {
            Pane::Topics => self.topics.wheel(pos, delta),
            Pane::Live | Pane::Watch => self.live.wheel(pos, delta),
            Pane::Groups => {
                let effects = self.groups.wheel(pos, delta);
                self.apply(effects);
            }
            Pane::Composer => {}
        }
    }

    /// Shows `pane` (the pane the dashboard starts on, or one chosen by a key).
    pub fn switch(&mut self, pane: Pane) {
        self.pane = pane;
        self.composing = pane == Pane::Composer;
        if pane == Pane::Watch {
            self.watch_something();
        }
    }

    /// The pane whose keys apply: on the watch screen, its focused part.
    pub fn part(&self) -> Pane {
        if self.pane == Pane::Watch {
            self.watch_focus
        } else {
            self.pane
        }
    }

    /// Moves the watch screen's focus `step` parts on.
    fn step_watch_focus(&mut self, step: isize) {
        let parts = Pane::WATCH_PARTS;
        let i = parts
            .iter()
            .position(|p| *p == self.watch_focus)
            .unwrap_or(0) as isize;
        self.watch_focus = parts[(i + step).rem_euclid(parts.len() as isize) as usize];
        self.composing = false;
    }

    /// The watch screen shows a topic: the one in the live view, else the composer's,
    /// else the seed's `strconv`, else the first that is not internal.
    fn watch_something(&mut self) {
        if self.live.topic.is_some() {
            return;
        }
        let typed = self.composer.topic.value().trim().to_string();
        let known = |name: &str| self.topics.has(name);
        let topic = if known(&typed) {
            Some(typed)
        } else if known("strconv") {
            Some("strconv".to_string())
        } else {
            self.topics
                .list
                .iter()
                .find(|t| !t.internal)
                .map(|t| t.name.clone())
        };
        if let Some(t) = topic {
            if self.composer.topic.value().trim().is_empty() {
                self.composer.topic = Input::new(t.clone());
            }
            self.watch(t, StartFrom::Beginning);
        }
    }

    /// Pasted text goes whole into the field being edited; elsewhere it is ignored (a
    /// paste is not a stream of commands).
    fn on_paste(&mut self, text: &str) {
        if let Some(form) = &mut self.form {
            form.paste(text);
        } else if self.part() == Pane::Composer && self.composing {
            self.composer.paste(text);
        }
    }

    fn on_key(&mut self, k: KeyEvent) {
        let typing = self.part() == Pane::Composer && self.composing;
        if keys::lookup(GLOBAL_KEYS, &k) == Some(GlobalKey::Quit) {
            self.quit = true;
            return;
        }
        if self.help {
            // The help scrolls; any other key closes it.
            match keys::lookup(crate::ui::help::KEYS, &k) {
                Some(action) => {
                    let body = (self.size.0, self.body_height());
                    self.help_scroll = crate::ui::help::scrolled(self.help_scroll, action, body);
                }
                None => {
                    self.help = false;
                    self.help_scroll = 0;
                }
            }
            return;
        }
        // A form is modal: every key but Ctrl-C is its own.
        if let Some(form) = &mut self.form {
            match form.handle_key(k) {
                FormOutcome::Editing => {}
                FormOutcome::Cancel => self.form = None,
                FormOutcome::Submit => self.submit_form(),
            }
            return;
        }
        let global = if typing {
            keys::lookup_while_typing(GLOBAL_KEYS, &k)
        } else {
            keys::lookup(GLOBAL_KEYS, &k)
        };
        // In a detail or a form, Enter/Esc/q belong to it; the pane keys still switch.
        let global = global.filter(|g| {
            !(self.part() == Pane::Live
                && self.live.detail.is_some()
                && *g == GlobalKey::QuitOutsideFields)
        });
        if let Some(g) = global {
            match g {
                GlobalKey::Quit | GlobalKey::QuitOutsideFields => self.quit = true,
                GlobalKey::Help => self.help = true,
                GlobalKey::Show(pane) => self.switch(pane),
                GlobalKey::NextPane if self.pane == Pane::Watch => self.step_watch_focus(1),
                GlobalKey::PrevPane if self.pane == Pane::Watch => self.step_watch_focus(-1),
                GlobalKey::NextPane | GlobalKey::PrevPane => {
                    let n = Pane::ALL.len();
                    let i = Pane::ALL.iter().position(|p| *p == self.pane).unwrap_or(0);
                    let step = if g == GlobalKey::NextPane { 1 } else { n - 1 };
                    self.switch(Pane::ALL[(i + step) % n]);
                }
            }
            return;
        }
        if self.part() == Pane::Composer && self.composing {
            self.composer_key(k);
            return;
        }
        if self.part() == Pane::Live && self.live.detail.is_some() {
            if let Some(action) = keys::lookup(crate::ui::partitions::DETAIL_KEYS, &k) {
                let effects = self.live.on_detail_key(action);
                self.apply(effects);
            }
            return;
        }
        self.part_key(k);
    }

    /// A key for the composer's fields, and what it asks of the app.
    fn composer_key(&mut self, k: KeyEvent) {
        match self.composer.handle_key(k) {
            ComposerOutcome::None => {}
            ComposerOutcome::Leave => self.composing = false,
            ComposerOutcome::Send => {
                self.send_one();
            }
            ComposerOutcome::ToggleRepeat => self.toggle_repeat(),
            ComposerOutcome::Replay => {
                let topic = self.composer.topic.value().trim().to_string();
                self.form = Some(Form::new(
                    FormKind::Replay,
                    "Replay a file into a topic",
                    &[
                        ("file", ""),
                        ("topic", &topic),
                        ("keep partitions", "no"),
                        ("keep timestamps", "no"),
                        ("messages a second", "0"),
                    ],
                )
                .with_hints(&[
                    "a file of JSON lines: saved with s in the live view, or by kcat -J",
                    "the topic to write to",
                    "yes: each message to the partition it was saved from; no: the partitioner picks",
                    "yes: each message keeps its saved timestamp; no: stamped when sent",
                    "0: as fast as the cluster takes them",
                ]));
            }
        }
    }

    fn toggle_repeat(&mut self) {
        if self.repeat.take().is_some() {
            self.notice = Some("repeat stopped".into());
            return;
        }
        match self.composer.repeat_settings() {
            Err(e) => self.composer.error = Some(e),
            Ok((every, total)) => {
                self.seq = 0;
                self.repeat = Some(Repeat {
                    sent: 0,
                    total,
                    every: Duration::from_millis(every),
                    next_at: Instant::now(),
                });
                self.on_tick();
            }
        }
    }

    /// Rows of the body (the screen less the tab and status bars).
    fn body_height(&self) -> u16 {
        self.size.1.saturating_sub(2)
    }

    /// Tells the watcher which group to follow (the selected one).
    fn follow_selected_group(&mut self) {
        let name = self.groups.selected_name().map(str::to_string);
        let following = self.groups.detail.as_ref().map(|d| d.snapshot.name.clone());
        if name.is_some() && name != following && self.watching_group != name {
            self.watching_group = name.clone();
            self.command(KafkaCommand::WatchGroup(name));
        }
    }

    /// A key for the part that has the keyboard: looked up in its table, handled by it.
    fn part_key(&mut self, k: KeyEvent) {
        let body = self.body_height();
        let effects = match self.part() {
            Pane::Topics => {
                keys::lookup(crate::ui::topics::KEYS, &k).map(|a| self.topics.on_key(a, body))
            }
            Pane::Composer => {
                if keys::lookup(crate::ui::composer::IDLE_KEYS, &k).is_some() {
                    self.composing = true;
                } else if let Some(action) = keys::lookup(crate::ui::composer::KEYS, &k)
                    .filter(crate::ui::composer::ComposerKey::works_outside_fields)
                {
                    // Send, repeat, replay and the header keys work whether or not a
                    // field is being edited, as the help lists them.
                    if action == crate::ui::composer::ComposerKey::AddHeader {
                        self.composing = true;
                    }
                    self.composer_key(k);
                }
                None
            }
            Pane::Live => {
                keys::lookup(crate::ui::partitions::KEYS, &k).map(|a| self.live.on_key(a, body))
            }
            Pane::Groups => keys::lookup(crate::ui::groups::KEYS, &k).map(|a| {
                let topic = self.member_topic();
                self.groups.on_key(a, body, topic)
            }),
            Pane::Watch => None,
        };
        self.apply(effects.unwrap_or_default());
    }

    /// The topic a new in-app member reads unless its group says otherwise: on the
    /// watch screen the topic in view, elsewhere the seed's `sarama` if it exists.
    fn member_topic(&self) -> Option<String> {
        let wanted = match (self.pane, &self.live.topic) {
            (Pane::Watch, Some(t)) => t.as_str(),
            _ => "sarama",
        };
        self.topics.has(wanted).then(|| wanted.to_string())
    }

    /// Carries out what a pane asked for, in order; a command the workers cannot take
    /// (they are busy) stops the rest.
    fn apply(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Command(c) => {
                    if !self.command(c) {
                        return;
                    }
                }
                Effect::Form(f) => self.form = Some(f),
                Effect::Watch(topic, from) => self.watch(topic, from),
                Effect::Compose(topic) => {
                    self.composer.topic = Input::new(topic);
                    self.composer.focus = crate::ui::composer::Field::Value;
                    self.switch(Pane::Composer);
                }
                Effect::FollowSelectedGroup => self.follow_selected_group(),
                Effect::Pause(paused) => {
                    if self.command(KafkaCommand::PauseTail(paused)) {
                        self.live.paused = paused;
                    }
                }
                Effect::Copy(bytes, what) => {
                    self.notice = Some(format!(
                        "copied {what} ({} bytes) to the clipboard",
                        bytes.len()
                    ));
                    self.clipboard = Some(bytes);
                }
                Effect::Notice(n) => self.notice = Some(n),
                Effect::Error(e) => self.last_error = Some(e),
            }
        }
    }

    fn submit_form(&mut self) {
        let Some(mut form) = self.form.take() else {
            return;
        };
        let result: Result<(), String> = (|| match form.kind.clone() {
            FormKind::CreateTopic => {
                let name = form.value(0).to_string();
                crate::broker::validate_topic_name(&name).map_err(|e| e.to_string())?;
                let partitions = form
                    .value(1)
                    .parse::<i32>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or("partitions must be a number ≥ 1")?;
                let replication = form
                    .value(2)
                    .parse::<i32>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or("replication must be a number ≥ 1")?;
                let mut configs = Vec::new();
                for kv in form
                    .value(3)
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    let (k, v) = kv
                        .split_once('=')
                        .ok_or_else(|| format!("config {kv:?} is not key=value"))?;
                    configs.push((k.trim().to_string(), v.trim().to_string()));
                }
                self.command(KafkaCommand::CreateTopic {
                    name,
                    partitions,
                    replication,
                    configs,
                });
                Ok(())
            }
            FormKind::AddPartitions(topic) => {
                let total = form
                    .value(0)
                    .parse::<usize>()
                    .map_err(|_| "the new total must be a number")?;
                self.command(KafkaCommand::AddPartitions { topic, total });
                Ok(())
            }
            FormKind::DeleteTopic(topic) => {
                if form.value(0) != topic {
                    return Err(format!("type {topic} exactly to delete it"));
                }
                self.command(KafkaCommand::DeleteTopic(topic));
                Ok(())
            }
            FormKind::StartOffset => {
                let offset = form
                    .value(0)
                    .parse::<i64>()
                    .ok()
                    .filter(|o| *o >= 0)
                    .ok_or("offset must be a number ≥ 0")?;
                let topic = self.live.topic.clone().ok_or("no topic")?;
                self.watch(topic, StartFrom::Offset(offset));
                Ok(())
            }
            FormKind::StartTime => {
                let v = form
                    .value(0)
                    .parse::<i64>()
                    .map_err(|_| "enter minutes ago (e.g. 5) or ms since the epoch")?;
                let ts = if v < 10_000_000 {
                    unix_now().as_millis() as i64 - v * 60_000
                } else {
                    v
                };
                let topic = self.live.topic.clone().ok_or("no topic")?;
                self.watch(topic, StartFrom::Time(ts));
                Ok(())
            }
            FormKind::AddMember => {
                let group = form.value(0).to_string();
                if group.is_empty() {
                    return Err("a group id is needed".into());
                }
                let topics: Vec<String> = form
                    .value(1)
                    .split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
                if topics.is_empty() {
                    return Err("at least one topic is needed".into());
                }
                for t in &topics {
                    // librdkafka's rule: a leading ^ makes it a regex.
                    if t.starts_with('^') {
                        regex::Regex::new(t).map_err(|e| format!("regex {t:?}: {e}"))?;
                    } else {
                        crate::broker::validate_topic_name(t)
                            .map_err(|e| format!("topic {t:?}: {e}"))?;
                    }
                }
                let assignor = form.value(2).trim().to_string();
                let known = [
                    "range",
                    "roundrobin",
                    "cooperative-sticky",
                    "consumer:uniform",
                    "consumer:range",
                ];
                if !known.contains(&assignor.as_str()) {
                    return Err("assignor must be range, roundrobin or cooperative-sticky (classic protocol), or consumer:uniform or consumer:range (the consumer protocol, KIP-848)".into());
                }
                self.command(KafkaCommand::AddMember(MemberSpec {
                    group: group.clone(),
                    topics,
                    assignor,
                }));
                if let Some(i) = self.groups.groups.iter().position(|g| g.name == group) {
                    self.groups.selected = i;
                } else {
                    // A new group: select it when the watcher lists it.
                    self.groups.want_selected = Some(group.clone());
                }
                self.watching_group = Some(group.clone());
                self.command(KafkaCommand::WatchGroup(Some(group)));
                Ok(())
            }
            FormKind::ResetOffsets(group) => {
                if form.value(1) != group {
                    return Err(format!("type {group} exactly to reset its offsets"));
                }
                let to = match form.value(0) {
                    "earliest" => ResetTo::Earliest,
                    "latest" => ResetTo::Latest,
                    v if v.starts_with('-') => {
                        let minutes = v[1..]
                            .parse::<i64>()
                            .map_err(|_| "-N means N minutes ago")?;
                        ResetTo::Time(unix_now().as_millis() as i64 - minutes * 60_000)
                    }
                    v => ResetTo::Offset(
                        v.parse::<i64>()
                            .map_err(|_| "earliest, latest, an offset, or -N minutes")?,
                    ),
                };
                self.command(KafkaCommand::ResetOffsets { group, to });
                Ok(())
            }
            FormKind::SaveMessages => {
                let path = std::path::PathBuf::from(form.value(0).trim());
                if path.as_os_str().is_empty() {
                    return Err("a file name is needed".into());
                }
                let topic = self.live.topic.clone().ok_or("no topic")?;
                // Oldest first, as they are in the log.
                let records: Vec<_> = self.live.visible().into_iter().rev().cloned().collect();
                let n = records.len();
                if self.command(KafkaCommand::Save {
                    topic,
                    records,
                    path: path.clone(),
                }) {
                    self.notice = Some(format!("saving {n} messages to {}…", path.display()));
                }
                Ok(())
            }
            FormKind::Replay => {
                let path = std::path::PathBuf::from(form.value(0).trim());
                if path.as_os_str().is_empty() {
                    return Err("which file?".into());
                }
                let topic = form.value(1).trim().to_string();
                crate::broker::validate_topic_name(&topic).map_err(|e| format!("topic: {e}"))?;
                let yes = |i: usize, what: &str| match form.value(i).trim() {
                    "yes" | "y" => Ok(true),
                    "no" | "n" | "" => Ok(false),
                    other => Err(format!("{what}: yes or no, not {other:?}")),
                };
                let keep_partitions = yes(2, "keep partitions")?;
                let keep_timestamps = yes(3, "keep timestamps")?;
                let rate = form
                    .value(4)
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 0.0)
                    .ok_or("messages a second: a number, 0 for as fast as possible")?;
                let spec = crate::kafka::files::ReplaySpec {
                    path,
                    topic,
                    keep_partitions,
                    keep_timestamps,
                    rate: (rate > 0.0).then_some(rate),
                };
                if self.command(KafkaCommand::Replay(spec)) {
                    self.replay = Some(crate::kafka::files::ReplayProgress::default());
                }
                Ok(())
            }
            FormKind::DeleteGroup(group) => {
                if form.value(0) != group {
                    return Err(format!("type {group} exactly to delete it"));
                }
                self.command(KafkaCommand::DeleteGroup(group));
                Ok(())
            }
            FormKind::GroupFilter => {
                self.groups.filter = form.value(0).trim().to_string();
                self.groups.state_filter = form.value(1).trim().to_string();
                self.groups.refresh_view();
                self.follow_selected_group();
                Ok(())
            }
            FormKind::Filter => {
                self.live.filter = form.value(0).to_string();
                self.live.selected = None;
                Ok(())
            }
        })();
        if let Err(e) = result {
            form.error = Some(e);
            self.form = Some(form);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEvent, KeyModifiers};

    fn app() -> (App, mpsc::Receiver<KafkaCommand>) {
        let (tx, rx) = mpsc::channel(8);
        (App::new("test".into(), tx), rx)
    }

    fn key(app: &mut App, code: KeyCode) {
        app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn typed(app: &mut App, text: &str) {
        text.chars().for_each(|c| key(app, KeyCode::Char(c)));
    }

    fn topic(name: &str, partitions: i32) -> TopicInfo {
        TopicInfo {
            name: name.into(),
            partitions,
            replication: 1,
            internal: false,
            messages: Some(0),
            partition_meta: Vec::new(),
        }
    }

    #[test]
    fn the_watch_screen_shows_a_topic_moves_focus_with_tab_and_follows_sends() {
        let (mut app, mut rx) = app();
        app.switch(Pane::Watch);
        assert_eq!(app.live.topic, None, "no topics known yet");
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![
            topic("other", 1),
            topic("strconv", 1),
            topic("sarama", 2),
        ]))));
        assert_eq!(
            app.live.topic.as_deref(),
            Some("strconv"),
            "the seed's topic"
        );
        assert_eq!(app.pane, Pane::Watch, "watching does not leave the screen");
        assert!(
            matches!(rx.try_recv(), Ok(KafkaCommand::Tail { topic, .. }) if topic == "strconv")
        );
        assert_eq!(app.composer.topic.value(), "strconv");
        // Tab moves between the parts; Enter on the composer edits it.
        assert_eq!(app.part(), Pane::Composer);
        key(&mut app, KeyCode::Tab);
        assert_eq!(app.part(), Pane::Live);
        key(&mut app, KeyCode::Tab);
        assert_eq!(app.part(), Pane::Groups);
        key(&mut app, KeyCode::BackTab);
        key(&mut app, KeyCode::BackTab);
        assert_eq!(app.part(), Pane::Composer);
        key(&mut app, KeyCode::Enter);
        assert!(app.composing);
        // While typing, Tab is the composer's (next field), not the screen's.
        key(&mut app, KeyCode::Tab);
        assert_eq!(app.part(), Pane::Composer);
        // A delivery to another topic: the screen shows that topic.
        app.update(Action::Kafka(KafkaEvent::Delivered(
            0,
            Delivery {
                topic: "sarama".into(),
                result: Ok((1, 0)),
                latency: Duration::from_millis(2),
            },
        )));
        assert_eq!(app.live.topic.as_deref(), Some("sarama"));
        assert_eq!(app.pane, Pane::Watch);
        assert_eq!(app.delivery_totals.0, 1);
    }

    #[test]
    fn the_watch_screen_follows_a_group_that_reads_its_topic() {
        use crate::kafka::model::{GroupListing, MemberInfo};
        let (mut app, _rx) = app();
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic(
            "strconv", 1,
        )]))));
        app.switch(Pane::Watch);
        let member = MemberInfo {
            member_id: "m-1".into(),
            client_id: "m".into(),
            host: "/h".into(),
            assignment: vec![("strconv".into(), vec![0])],
            subscription: vec!["strconv".into()],
            regex: None,
            epoch: None,
            target: None,
            classic: false,
        };
        app.update(Action::Kafka(KafkaEvent::Groups(Ok(vec![
            GroupListing {
                name: "a-unrelated".into(),
                ..Default::default()
            },
            GroupListing {
                name: "b-reader".into(),
                members: 1,
                member_list: vec![member],
                ..Default::default()
            },
        ]))));
        assert_eq!(app.groups.selected_name(), Some("b-reader"));
        assert_eq!(app.watching_group.as_deref(), Some("b-reader"));
    }

    #[test]
    fn added_partitions_of_the_topic_in_view_are_read_too() {
        let (mut app, mut rx) = app();
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic("t", 3)]))));
        app.watch("t".into(), StartFrom::Beginning);
        assert!(matches!(rx.try_recv(), Ok(KafkaCommand::Tail { .. })));
        let stats = (0..3)
            .map(|p| crate::kafka::model::PartitionStats {
                partition: p,
                ..Default::default()
            })
            .collect();
        app.update(Action::Kafka(KafkaEvent::Tail {
            topic: "t".into(),
            records: vec![],
            stats,
            dropped: 0,
        }));
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic("t", 3)]))));
        assert!(
            rx.try_recv().is_err(),
            "nothing to do while the count is the same"
        );
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic("t", 5)]))));
        assert!(matches!(rx.try_recv(), Ok(KafkaCommand::GrowTail(5))));
    }

    #[test]
    fn delivery_reports_of_a_partition_stay_in_offset_order() {
        let report = |p: i32, o: i64| Delivery {
            topic: "t".into(),
            result: Ok((p, o)),
            latency: Duration::ZERO,
        };
        let mut list = VecDeque::new();
        for (p, o) in [(0, 971), (0, 975), (1, 3), (0, 974), (0, 976)] {
            insert_delivery(&mut list, report(p, o));
        }
        let shown: Vec<(i32, i64)> = list.iter().map(|d| d.result.clone().unwrap()).collect();
        assert_eq!(shown, vec![(0, 976), (1, 3), (0, 975), (0, 974), (0, 971)]);
    }

    #[test]
    fn status_messages_clear_after_a_while_but_not_while_disconnected() {
        let (mut app, _rx) = app();
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic("a", 1)]))));
        app.last_error = Some("send to a failed: boom".into());
        for _ in 0..STATUS_SECONDS {
            app.on_second();
        }
        assert!(
            app.last_error.is_some(),
            "not yet: it was first seen a second in"
        );
        app.on_second();
        assert_eq!(app.last_error, None);
        // A new message starts its own time.
        app.notice = Some("created topic b".into());
        app.on_second();
        assert!(app.notice.is_some());
        // While the cluster is unreachable, the reason stays.
        app.update(Action::Kafka(KafkaEvent::Topics(Err("down".into()))));
        for _ in 0..3 * STATUS_SECONDS {
            app.on_second();
        }
        assert!(app.last_error.as_deref().unwrap().contains("down"));
    }

    #[test]
    fn compose_and_send_produces_a_command() {
        let (mut app, mut rx) = app();
        key(&mut app, KeyCode::Char('2'));
        assert!(app.composing);
        typed(&mut app, "strconv");
        key(&mut app, KeyCode::Tab);
        key(&mut app, KeyCode::Tab);
        key(&mut app, KeyCode::Tab);
        typed(&mut app, "Hello Go!");
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char('a'),
            KeyModifiers::CONTROL,
        )));
        typed(&mut app, "myTestHeader");
        key(&mut app, KeyCode::Tab);
        typed(&mut app, "header values are binary");
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        )));
        match rx.try_recv().unwrap() {
            KafkaCommand::Produce { message, .. } => {
                assert_eq!(message.topic, "strconv");
                assert_eq!(message.value.as_deref(), Some(&b"Hello Go!"[..]));
                assert_eq!(
                    message.headers,
                    vec![("myTestHeader".into(), b"header values are binary".to_vec())]
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(app.in_flight, 1);
        app.update(Action::Kafka(KafkaEvent::Delivered(
            0,
            Delivery {
                topic: "strconv".into(),
                result: Ok((0, 3)),
                latency: Duration::from_millis(2),
            },
        )));
        assert_eq!(app.in_flight, 0);
        assert_eq!(app.deliveries[0].result, Ok((0, 3)));
    }

    #[test]
    fn the_composers_ctrl_and_f_keys_work_after_esc_too() {
        let (mut app, mut rx) = app();
        let ctrl = |c| Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        key(&mut app, KeyCode::Char('2'));
        typed(&mut app, "strconv");
        key(&mut app, KeyCode::Esc);
        assert!(!app.composing, "Esc leaves the fields");
        app.update(ctrl('s'));
        assert!(
            matches!(rx.try_recv(), Ok(KafkaCommand::Produce { .. })),
            "Ctrl-S sends"
        );
        key(&mut app, KeyCode::F(5));
        assert!(
            matches!(rx.try_recv(), Ok(KafkaCommand::Produce { .. })),
            "F5 sends"
        );
        app.update(ctrl('a'));
        assert_eq!(app.composer.headers.len(), 1, "Ctrl-A adds a header");
        assert!(app.composing, "… and puts the cursor in its key");
        key(&mut app, KeyCode::Esc);
        app.update(ctrl('o'));
        assert_eq!(
            app.form.as_ref().map(|f| f.kind.clone()),
            Some(FormKind::Replay),
            "Ctrl-O asks for a file to replay"
        );
        key(&mut app, KeyCode::Esc);
        app.update(ctrl('d'));
        assert!(app.composer.headers.is_empty(), "Ctrl-D removes it");
        key(&mut app, KeyCode::Esc);
        app.update(ctrl('r'));
        assert!(app.repeat.is_some(), "Ctrl-R starts repeating");
        // Plain keys still do what they do outside the fields.
        key(&mut app, KeyCode::Char('1'));
        assert_eq!(app.pane, Pane::Topics);
    }

    #[test]
    fn q_types_into_the_composer_but_quits_elsewhere() {
        let (mut app, _rx) = app();
        key(&mut app, KeyCode::Char('2'));
        typed(&mut app, "q");
        assert!(!app.quit);
        assert_eq!(app.composer.topic.value(), "q");
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('q'));
        assert!(app.quit);
    }

    #[test]
    fn full_worker_channel_shows_busy_instead_of_blocking() {
        let (tx, _rx) = mpsc::channel(1);
        let mut app = App::new("t".into(), tx);
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic("a", 1)]))));
        key(&mut app, KeyCode::Char('r'));
        key(&mut app, KeyCode::Char('r'));
        assert!(app.last_error.as_deref().unwrap().starts_with("busy"));
    }

    #[test]
    fn reconnecting_clears_the_connection_error() {
        let (mut app, _rx) = app();
        app.update(Action::Kafka(KafkaEvent::Topics(Err(
            "BrokerTransportFailure".into(),
        ))));
        assert_eq!(app.connected, Some(false));
        assert!(app.last_error.as_deref().unwrap().contains("cannot reach"));
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic("a", 1)]))));
        assert_eq!(
            (app.connected, app.last_error.as_deref()),
            (Some(true), None)
        );
        assert_eq!(app.notice.as_deref(), Some("connected again"));
    }

    #[test]
    fn clicking_a_message_selects_it_and_a_second_click_opens_it() {
        use crate::kafka::model::{PartitionStats, Record};
        let (mut app, _rx) = app();
        app.size = (100, 24);
        app.watch("t".into(), StartFrom::Beginning);
        let records = (0..5)
            .map(|o| Record {
                partition: 0,
                offset: o,
                timestamp: None,
                key: None,
                value: Some(vec![b'v']),
                headers: vec![],
                value_size: None,
            })
            .collect();
        let stats = vec![PartitionStats {
            partition: 0,
            seen: 5,
            ..Default::default()
        }];
        app.update(Action::Kafka(KafkaEvent::Tail {
            topic: "t".into(),
            records,
            stats,
            dropped: 0,
        }));
        // Clicks hit what the last frame drew, so draw one at 100x24.
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
        t.draw(|f| crate::ui::draw(f, &mut app)).unwrap();
        // Body rows 1..=22; the partition table takes 4 rows, then a border and a header:
        // the newest message (offset 4) is on row 7, offset 3 on row 8.
        let click = |row| {
            Action::Mouse(MouseEvent {
                kind: MouseEventKind::Down(crossterm::event::MouseButton::Left),
                column: 10,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        app.update(click(8));
        assert_eq!(app.live.selected_record().map(|r| r.offset), Some(3));
        app.update(click(8));
        assert!(app.live.detail.is_some());
    }

    #[test]
    fn enter_on_a_topic_starts_the_live_view() {
        let (mut app, mut rx) = app();
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![
            topic("a", 1),
            topic("b", 2),
        ]))));
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.pane, Pane::Live);
        assert!(
            matches!(rx.try_recv().unwrap(), KafkaCommand::Tail { topic, from: StartFrom::Beginning, .. } if topic == "b")
        );
    }

    #[test]
    fn delete_needs_the_name_typed() {
        let (mut app, mut rx) = app();
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic(
            "doomed", 1,
        )]))));
        key(&mut app, KeyCode::Char('d'));
        typed(&mut app, "nope");
        key(&mut app, KeyCode::Enter);
        assert!(app.form.as_ref().unwrap().error.is_some());
        assert!(rx.try_recv().is_err());
        let form = app.form.as_mut().unwrap();
        form.fields[0].1 = Input::new("doomed".into());
        key(&mut app, KeyCode::Enter);
        assert!(matches!(rx.try_recv().unwrap(), KafkaCommand::DeleteTopic(t) if t == "doomed"));
    }

    #[test]
    fn create_topic_form_rejects_zero_partitions() {
        let (mut app, mut rx) = app();
        key(&mut app, KeyCode::Char('c'));
        typed(&mut app, "new-topic");
        key(&mut app, KeyCode::Tab);
        key(&mut app, KeyCode::Backspace);
        typed(&mut app, "0");
        for _ in 0..3 {
            key(&mut app, KeyCode::Enter);
        }
        assert!(app
            .form
            .as_ref()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("partitions"));
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn repeat_sends_the_requested_count() {
        let (tx, mut rx) = mpsc::channel(64);
        let mut app = App::new("t".into(), tx);
        key(&mut app, KeyCode::Char('2'));
        typed(&mut app, "t");
        app.composer.value = Input::new("n{seq}".into());
        app.composer.repeat_every = Input::new("1".into());
        app.composer.repeat_count = Input::new("3".into());
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char('r'),
            KeyModifiers::CONTROL,
        )));
        std::thread::sleep(Duration::from_millis(5));
        app.update(Action::Tick);
        let values: Vec<Vec<u8>> = std::iter::from_fn(|| rx.try_recv().ok())
            .filter_map(|c| match c {
                KafkaCommand::Produce { message, .. } => message.value,
                _ => None,
            })
            .collect();
        assert_eq!(values, vec![b"n0".to_vec(), b"n1".to_vec(), b"n2".to_vec()]);
        assert!(app.repeat.is_none());
    }
}
