//! The app: the whole UI state and `update(Action)`, which only routes. Every input is
//! an action — a key, a paste, a click, the time, the size, a worker's event — and
//! `update` never awaits, never does I/O and never reads a clock.
//!
//! How an event reaches the screen: a key goes first to the top overlay (an open
//! form, the help, an open message); one it does not take, or any key when there is no
//! overlay, is looked up among the keys that work everywhere (only those with Ctrl, Alt
//! or F while a field is being typed in); the rest go to the part with the keyboard
//! (the pane, or the watch screen's marked part). Each part answers with effects —
//! commands for the workers (sent with `try_send`, "busy" when they cannot take one),
//! forms to open, panes to show — which `apply` carries out. A worker's event updates
//! the part it is about (`on_kafka`). Either way the app is marked dirty, and the
//! dashboard loop draws it (`crate::screen`) at its next frame.

use crossterm::event::{KeyEvent, KeyEventKind};
use tokio::sync::mpsc;
use tui_input::Input;

use crate::action::{Action, KafkaCommand, Now, StartFrom};
use crate::kafka::model::TopicInfo;
use crate::keys;
use crate::ui::component::{Component, Ctx};
use crate::ui::composer::ComposerState;
use crate::ui::effect::Effect;
use crate::ui::form::Form;
use crate::ui::groups::GroupsState;
use crate::ui::help::Help;
use crate::ui::partitions::{Detail, LiveState};
use crate::ui::picker::{self, Picker};
use crate::ui::topics::TopicsState;

pub use crate::pane::{GlobalKey, Pane, GLOBAL_KEYS};

mod mouse;
mod worker_events;

/// Seconds a status message stays once nothing new replaces it.
pub const STATUS_SECONDS: u32 = 10;
/// How often schemas the registry could not give are asked for again, in seconds.
const SCHEMA_RETRY_SECONDS: i64 = 15;

/// What is drawn over the panes and takes the keys first, innermost last.
#[derive(Debug)]
pub enum Overlay {
    /// The message open in the live view (its state is the view's).
    Detail,
    /// A form, modal.
    Form(Form),
    /// The help.
    Help(Help),
    /// The cluster picker.
    Picker(Picker),
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
    /// The composer, with what it has sent.
    pub composer: ComposerState,
    /// The live view.
    pub live: LiveState,
    /// The groups pane.
    pub groups: GroupsState,
    /// Bytes to put on the clipboard (the dashboard writes them to the terminal).
    pub clipboard: Option<Vec<u8>>,
    /// The part of the watch screen the keyboard is in (Composer, Live or Groups).
    pub watch_focus: Pane,
    /// The app should exit.
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// The clusters the picker offers (`crate::cluster` builds them), and which is in
    /// view.
    pub clusters: Vec<crate::cluster::Entry>,
    /// Index in `clusters` of the cluster in view.
    pub cluster_at: usize,
    /// The cluster being switched to, while the switch runs (the status bar says so).
    pub switching: Option<String>,
    /// A switch chosen in the picker, for the dashboard loop to start.
    switch_request: Option<usize>,
    /// The switch the loop started (an index in `clusters`).
    switch_running: Option<usize>,
    /// Terminal size (for mouse hit tests), as the last resize said.
    pub size: (u16, u16),
    /// The time, as the last tick said.
    pub now: Now,
    /// Overlays, innermost last: the last takes the keys.
    overlays: Vec<Overlay>,
    /// What the last frame drew outside the panes' own parts (the tabs, the watch
    /// screen's parts, the readers beside the live view, overlays): clicks are matched
    /// against it.
    pub drawn: crate::ui::drawn::Drawn,
    commands: mpsc::Sender<KafkaCommand>,
    /// The status (error, notice) as of the last second, and for how many seconds.
    status_seen: (Option<String>, Option<String>),
    status_age: u32,
    watching_group: Option<String>,
}

impl App {
    /// A new app talking to workers through `commands`. Its clock starts now (ticks
    /// move it) and its random generator from a fixed seed (`seed_random` changes it).
    pub fn new(cluster: String, commands: mpsc::Sender<KafkaCommand>) -> Self {
        Self {
            pane: Pane::Topics,
            cluster,
            connected: None,
            last_error: None,
            notice: None,
            topics: TopicsState::default(),
            composer: ComposerState::default(),
            live: LiveState::default(),
            groups: GroupsState::default(),
            watch_focus: Pane::Composer,
            clipboard: None,
            quit: false,
            dirty: true,
            clusters: Vec::new(),
            cluster_at: 0,
            switching: None,
            switch_request: None,
            switch_running: None,
            size: (80, 24),
            now: Now::read(),
            overlays: Vec::new(),
            drawn: Default::default(),
            commands,
            status_seen: (None, None),
            status_age: 0,
            watching_group: None,
        }
    }

    /// Seeds the generator templates draw `{letters}` from.
    pub fn seed_random(&mut self, seed: u64) {
        self.composer.send.seed(seed);
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

    /// The overlays, innermost last.
    pub fn overlays(&self) -> &[Overlay] {
        &self.overlays
    }

    /// The overlays to draw, innermost last, mutably (drawing records what was drawn).
    pub fn overlays_mut(&mut self) -> &mut [Overlay] {
        &mut self.overlays
    }

    /// The open form, if any.
    pub fn form(&self) -> Option<&Form> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Form(f) => Some(f),
            _ => None,
        })
    }

    /// Whether the help is open.
    pub fn help_open(&self) -> bool {
        self.overlays.iter().any(|o| matches!(o, Overlay::Help(_)))
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
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
            }
            Action::Tick(now) => self.on_tick(now),
            Action::Second(now) => self.on_second(now),
            Action::Kafka(e) => {
                self.on_kafka(e);
                self.dirty = true;
            }
        }
        self.sync_detail();
        // Cheap unless the open message, its value, the view or the width changed. The
        // detail is drawn 2 columns in from each side, inside its border.
        self.live.detail_width = usize::from(self.size.0.saturating_sub(6)).max(1);
        self.live.refresh_detail_text();
    }

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

    /// The time moved on: a repeat run sends what is due.
    fn on_tick(&mut self, now: Now) {
        self.now = now;
        let running = self.composer.send.repeat.is_some();
        // A send the workers refuse, or one that cannot be built, ends the run.
        while let Some(send) = self.composer.due(now) {
            self.apply(vec![send]);
        }
        if running {
            self.dirty = true;
        }
    }

    /// Once a second: rates for the live view and the ages of group figures move on;
    /// status messages that have stood unchanged for [`STATUS_SECONDS`] are cleared (a
    /// connection error stays while the cluster is unreachable).
    fn on_second(&mut self, now: Now) {
        self.now = now;
        self.groups.now_ms = now.unix_ms;
        if matches!(self.pane, Pane::Groups | Pane::Watch | Pane::Topics) {
            self.dirty = true;
        }
        if self.live.topic.is_some() {
            self.live.tick();
            self.dirty = true;
        }
        // Schemas the registry could not give are asked for again every 15 s.
        if now.unix_ms / 1000 % SCHEMA_RETRY_SECONDS == 0 {
            self.live.schemas.retry_unavailable();
            self.ask_for_schemas();
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

    /// Shows `pane` (the pane the dashboard starts on, or one chosen by a key); the
    /// composer's fields take the keyboard on its own tab.
    pub fn switch(&mut self, pane: Pane) {
        self.pane = pane;
        self.composer.editing = pane == Pane::Composer;
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

    /// The part `pane` is (on the watch screen, its focused part).
    fn component(&mut self, pane: Pane) -> &mut dyn Component {
        let pane = if pane == Pane::Watch {
            self.watch_focus
        } else {
            pane
        };
        match pane {
            Pane::Topics => &mut self.topics,
            Pane::Composer | Pane::Watch => &mut self.composer,
            Pane::Live => &mut self.live,
            Pane::Groups => &mut self.groups,
        }
    }

    /// Whether a text field has the keyboard (a form, or the composer's fields).
    pub fn typing(&self) -> bool {
        match self.overlays.last() {
            Some(Overlay::Form(_)) => true,
            Some(_) => false,
            None => self.part() == Pane::Composer && self.composer.typing(),
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
        self.composer.editing = false;
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

    /// The open message is an overlay while the live view has the keyboard; it stays
    /// open in the view (and on screen) while another part has it.
    fn sync_detail(&mut self) {
        let open = self.part() == Pane::Live && self.live.detail.is_some();
        let at = self
            .overlays
            .iter()
            .position(|o| matches!(o, Overlay::Detail));
        match (open, at) {
            (true, None) => self.overlays.insert(0, Overlay::Detail),
            (false, Some(i)) => {
                self.overlays.remove(i);
            }
            _ => {}
        }
    }

    /// What the parts may need to know when they take a key or a form.
    fn ctx(&self) -> Ctx {
        Ctx {
            now: self.now,
            body: (self.size.0, self.body_height()),
            member_topic: self.member_topic(),
        }
    }

    /// Pasted text goes whole into the field being edited: the top overlay's, else the
    /// part's; elsewhere it is ignored (a paste is not a stream of commands).
    fn on_paste(&mut self, text: &str) {
        let taken = match self.overlays.last_mut() {
            Some(Overlay::Form(f)) => Component::paste(f, text),
            _ => false,
        };
        if !taken {
            self.component(self.pane).paste(text);
        }
    }

    /// Routes a key: Ctrl-C quits; the top overlay; the keys that work everywhere; the
    /// part with the keyboard.
    fn on_key(&mut self, k: KeyEvent) {
        if keys::lookup(GLOBAL_KEYS, &k) == Some(GlobalKey::Quit) {
            self.quit = true;
            return;
        }
        if let Some(Overlay::Picker(p)) = self.overlays.last_mut() {
            match p.key(&k) {
                picker::Outcome::Stay => {}
                picker::Outcome::Close => {
                    self.overlays.pop();
                }
                picker::Outcome::Choose(i) => {
                    self.overlays.pop();
                    self.request_switch(i);
                }
            }
            return;
        }
        let ctx = self.ctx();
        if !self.overlays.is_empty() {
            let taken = match self.overlays.last_mut() {
                Some(Overlay::Help(h)) => h.key(k, &ctx),
                Some(Overlay::Form(f)) => f.key(k, &ctx),
                Some(Overlay::Detail) | Some(Overlay::Picker(_)) | None => {
                    Detail(&mut self.live).key(k, &ctx)
                }
            };
            match taken {
                Some(effects) => self.apply(effects),
                // An open message leaves the keys that switch panes to them, not q.
                None => {
                    self.global_key(k, |g| g != GlobalKey::QuitOutsideFields);
                }
            }
            return;
        }
        if !self.global_key(k, |_| true) {
            let effects = self.component(self.pane).key(k, &ctx);
            self.apply(effects.unwrap_or_default());
        }
    }

    /// A key that works everywhere, if `k` is one (and `allowed`): while a field is being
    /// typed in, only those with Ctrl, Alt or F. False if it was not one.
    fn global_key(&mut self, k: KeyEvent, allowed: impl Fn(GlobalKey) -> bool) -> bool {
        let found = if self.typing() {
            keys::lookup_while_typing(GLOBAL_KEYS, &k)
        } else {
            keys::lookup(GLOBAL_KEYS, &k)
        };
        let Some(g) = found.filter(|g| allowed(*g)) else {
            return false;
        };
        match g {
            GlobalKey::Quit | GlobalKey::QuitOutsideFields => self.quit = true,
            GlobalKey::Help => self.overlays.push(Overlay::Help(Help::default())),
            GlobalKey::Clusters => self.open_picker(),
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
        true
    }

    /// Opens the cluster picker on the clusters known, the one in view selected.
    fn open_picker(&mut self) {
        let rows = self
            .clusters
            .iter()
            .map(|e| picker::Row {
                title: e.title(),
                detail: e.detail.clone(),
            })
            .collect();
        self.overlays
            .push(Overlay::Picker(Picker::new(rows, self.cluster_at)));
    }

    /// Asks the dashboard loop to switch to the cluster at `index` (one switch at a time).
    fn request_switch(&mut self, index: usize) {
        let Some(entry) = self.clusters.get(index) else {
            return;
        };
        if let Some(to) = &self.switching {
            self.last_error = Some(format!("still switching to {to}"));
            return;
        }
        self.switching = Some(entry.title());
        self.switch_request = Some(index);
    }

    /// The switch chosen in the picker, once: the dashboard loop starts it.
    pub fn take_switch_request(&mut self) -> Option<crate::cluster::Entry> {
        let i = self.switch_request.take()?;
        self.switch_running = Some(i);
        self.clusters.get(i).cloned()
    }

    /// The workers' command channel (the loop stops them with it on a switch or at exit).
    pub fn worker_commands(&self) -> mpsc::Sender<KafkaCommand> {
        self.commands.clone()
    }

    /// The switch started for the picker's choice ended on `cluster`, with new workers
    /// behind `commands`: what was shown of the old cluster goes, the pane stays.
    pub fn switched(&mut self, cluster: String, commands: mpsc::Sender<KafkaCommand>) {
        if let Some(i) = self.switch_running.take() {
            self.cluster_at = i;
        }
        self.switching = None;
        self.cluster = cluster;
        self.commands = commands;
        self.connected = None;
        self.last_error = None;
        self.notice = None;
        self.topics = TopicsState::default();
        self.groups = GroupsState {
            now_ms: self.groups.now_ms,
            ..GroupsState::default()
        };
        let limits = self.live.limits;
        self.live = LiveState::default();
        self.live.limits = limits;
        let send = &mut self.composer.send;
        send.in_flight = 0;
        send.repeat = None;
        send.replay = None;
        // Another cluster has another registry: its ids and subjects are not these.
        self.composer.encoding = Default::default();
        self.watching_group = None;
        self.overlays.retain(|o| !matches!(o, Overlay::Detail));
        self.dirty = true;
    }

    /// The switch could not be made; the cluster in view stays.
    pub fn switch_failed(&mut self, why: String) {
        self.switch_running = None;
        self.switching = None;
        self.last_error = Some(why);
        self.dirty = true;
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

    /// The topic a new in-app member reads unless its group says otherwise: on the
    /// watch screen the topic in view, elsewhere the seed's `sarama` if it exists.
    fn member_topic(&self) -> Option<String> {
        let wanted = match (self.pane, &self.live.topic) {
            (Pane::Watch, Some(t)) => t.as_str(),
            _ => "sarama",
        };
        self.topics.has(wanted).then(|| wanted.to_string())
    }

    /// Hands the open form to the part that built it; a form it refuses stays open and
    /// says why.
    fn submit_form(&mut self) {
        let Some(Overlay::Form(mut form)) = self.overlays.pop() else {
            return;
        };
        let ctx = self.ctx();
        match self.component(form.kind.owner()).submit(&form, &ctx) {
            Ok(effects) => self.apply(effects),
            Err(e) => {
                form.error = Some(e);
                self.overlays.push(Overlay::Form(form));
            }
        }
    }

    /// Carries out what a part asked for, in order; a command the workers cannot take
    /// (they are busy) stops the rest.
    fn apply(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Command(c) => {
                    if !self.command(c) {
                        return;
                    }
                }
                Effect::Produce { command, repeat } => {
                    if self.command(command) {
                        self.composer.send.accepted(repeat);
                    } else {
                        if repeat {
                            self.composer.send.repeat = None;
                        }
                        return;
                    }
                }
                Effect::ReplayStarted => {
                    self.composer.send.replay = Some(Default::default());
                }
                Effect::WatchGroup(group) => {
                    self.watching_group = Some(group.clone());
                    self.command(KafkaCommand::WatchGroup(Some(group)));
                }
                Effect::Form(f) => self.overlays.push(Overlay::Form(f)),
                Effect::Close => {
                    self.overlays.pop();
                }
                Effect::Submit => self.submit_form(),
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::KafkaEvent;
    use crate::kafka::model::Delivery;
    use crate::ui::form::FormKind;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
    use std::time::Duration;

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
        assert!(app.composer.editing);
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
        assert_eq!(app.composer.send.totals.0, 1);
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
    fn the_topic_selection_stays_on_its_topic_when_others_come_before_it() {
        let (mut app, _rx) = app();
        let names = |ns: &[&str]| ns.iter().map(|n| topic(n, 1)).collect::<Vec<_>>();
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(names(&[
            "b", "c", "d",
        ])))));
        key(&mut app, KeyCode::Down);
        assert_eq!(app.selected_topic().map(|t| t.name.as_str()), Some("c"));
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(names(&[
            "a", "aa", "b", "c", "d",
        ])))));
        assert_eq!(app.selected_topic().map(|t| t.name.as_str()), Some("c"));
        // Deleted: the row it was on.
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(names(&[
            "a", "aa", "b",
        ])))));
        assert_eq!(app.selected_topic().map(|t| t.name.as_str()), Some("b"));
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
    fn status_messages_clear_after_a_while_but_not_while_disconnected() {
        let (mut app, _rx) = app();
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic("a", 1)]))));
        app.last_error = Some("send to a failed: boom".into());
        let second = |app: &mut App| {
            let now = app.now.after(Duration::from_secs(1));
            app.update(Action::Second(now));
        };
        for _ in 0..STATUS_SECONDS {
            second(&mut app);
        }
        assert!(
            app.last_error.is_some(),
            "not yet: it was first seen a second in"
        );
        second(&mut app);
        assert_eq!(app.last_error, None);
        // A new message starts its own time.
        app.notice = Some("created topic b".into());
        second(&mut app);
        assert!(app.notice.is_some());
        // While the cluster is unreachable, the reason stays.
        app.update(Action::Kafka(KafkaEvent::Topics(Err("down".into()))));
        for _ in 0..3 * STATUS_SECONDS {
            second(&mut app);
        }
        assert!(app.last_error.as_deref().unwrap().contains("down"));
    }

    #[test]
    fn compose_and_send_produces_a_command() {
        let (mut app, mut rx) = app();
        key(&mut app, KeyCode::Char('2'));
        assert!(app.composer.editing);
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
        assert_eq!(app.composer.send.in_flight, 1);
        app.update(Action::Kafka(KafkaEvent::Delivered(
            0,
            Delivery {
                topic: "strconv".into(),
                result: Ok((0, 3)),
                latency: Duration::from_millis(2),
            },
        )));
        assert_eq!(app.composer.send.in_flight, 0);
        assert_eq!(app.composer.send.deliveries[0].result, Ok((0, 3)));
    }

    #[test]
    fn the_composers_ctrl_and_f_keys_work_after_esc_too() {
        let (mut app, mut rx) = app();
        let ctrl = |c| Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        key(&mut app, KeyCode::Char('2'));
        typed(&mut app, "strconv");
        key(&mut app, KeyCode::Esc);
        assert!(!app.composer.editing, "Esc leaves the fields");
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
        assert!(app.composer.editing, "… and puts the cursor in its key");
        key(&mut app, KeyCode::Esc);
        app.update(ctrl('o'));
        assert_eq!(
            app.form().map(|f| f.kind.clone()),
            Some(FormKind::Replay),
            "Ctrl-O asks for a file to replay"
        );
        key(&mut app, KeyCode::Esc);
        app.update(ctrl('d'));
        assert!(app.composer.headers.is_empty(), "Ctrl-D removes it");
        key(&mut app, KeyCode::Esc);
        app.update(ctrl('r'));
        assert!(
            app.composer.send.repeat.is_some(),
            "Ctrl-R starts repeating"
        );
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
                shown: Default::default(),
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
        t.draw(|f| crate::screen::draw(f, &mut app)).unwrap();
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
        assert!(app.form().unwrap().error.is_some());
        assert!(rx.try_recv().is_err());
        for _ in 0..4 {
            key(&mut app, KeyCode::Backspace);
        }
        typed(&mut app, "doomed");
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
            .form()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("partitions"));
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn repeat_sends_the_requested_count_as_time_moves() {
        let (tx, mut rx) = mpsc::channel(64);
        let mut app = App::new("t".into(), tx);
        key(&mut app, KeyCode::Char('2'));
        typed(&mut app, "t");
        app.composer.value = Input::new("n{seq}".into());
        app.composer.repeat_every = Input::new("1".into());
        app.composer.repeat_count = Input::new("3".into());
        let mut produced = || -> Vec<Vec<u8>> {
            std::iter::from_fn(|| rx.try_recv().ok())
                .filter_map(|c| match c {
                    KafkaCommand::Produce { message, .. } => message.value,
                    _ => None,
                })
                .collect()
        };
        app.update(Action::Key(KeyEvent::new(
            KeyCode::Char('r'),
            KeyModifiers::CONTROL,
        )));
        assert_eq!(produced(), vec![b"n0".to_vec()], "the first at once");
        let start = app.now;
        app.update(Action::Tick(start));
        assert!(produced().is_empty(), "the next is a millisecond away");
        app.update(Action::Tick(start.after(Duration::from_millis(5))));
        assert_eq!(produced(), vec![b"n1".to_vec(), b"n2".to_vec()]);
        assert!(app.composer.send.repeat.is_none());
    }
    fn clusters() -> Vec<crate::cluster::Entry> {
        use crate::cluster::{Entry, Layer};
        vec![
            Entry::embedded(),
            Entry {
                name: Some("prod".into()),
                detail: "b:9093".into(),
                layers: vec![
                    Layer::Bootstrap("b:9093".into()),
                    Layer::Properties(vec![("sasl.password".into(), "PW-S3CRET".into())]),
                ],
            },
        ]
    }

    #[test]
    fn the_picker_lists_the_clusters_and_choosing_one_asks_for_a_switch() {
        let (mut app, _rx) = app();
        app.clusters = clusters();
        app.update(Action::Kafka(KafkaEvent::Topics(Ok(vec![topic("a", 1)]))));
        key(&mut app, KeyCode::Char('C'));
        let Some(Overlay::Picker(p)) = app.overlays().last() else {
            panic!("C opens the picker");
        };
        let titles: Vec<&str> = p.rows().iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, vec!["embedded broker", "prod"]);
        assert_eq!(p.selected, 0, "on the cluster in view");
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        assert!(app.overlays().is_empty());
        assert_eq!(app.switching.as_deref(), Some("prod"));
        let entry = app
            .take_switch_request()
            .expect("the loop is asked to switch");
        assert_eq!(entry.title(), "prod");
        assert!(app.take_switch_request().is_none(), "once");
        // A second choice while the first runs is refused.
        key(&mut app, KeyCode::Char('C'));
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        assert!(app.take_switch_request().is_none());
        assert!(app
            .last_error
            .as_deref()
            .unwrap()
            .contains("still switching"));
        // Done: the new cluster's workers take the commands; what was shown goes.
        let (tx, mut new_rx) = mpsc::channel(8);
        app.composer.send.in_flight = 3;
        app.switched("prod".into(), tx);
        assert_eq!((app.cluster.as_str(), app.cluster_at), ("prod", 1));
        assert!(app.topics.list.is_empty() && app.switching.is_none());
        assert_eq!((app.connected, app.composer.send.in_flight), (None, 0));
        key(&mut app, KeyCode::Char('1'));
        key(&mut app, KeyCode::Char('r'));
        assert!(matches!(new_rx.try_recv(), Ok(KafkaCommand::RefreshTopics)));
    }

    #[test]
    fn the_status_bar_names_the_cluster_and_the_switch_and_never_a_secret() {
        let (mut app, _rx) = app();
        app.cluster = "embedded broker 127.0.0.1:1".into();
        app.clusters = clusters();
        app.notice = crate::cluster::ignored_notice(&["group.id".into()]);
        let screen = |app: &mut App| {
            let mut t =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 24)).unwrap();
            t.draw(|f| crate::screen::draw(f, app)).unwrap();
            let buf = t.backend().buffer().clone();
            buf.content().iter().map(|c| c.symbol()).collect::<String>()
        };
        let s = screen(&mut app);
        assert!(s.contains("embedded broker 127.0.0.1:1"));
        assert!(s.contains("client config: ignored group.id"));
        key(&mut app, KeyCode::Char('C'));
        let s = screen(&mut app);
        assert!(s.contains("prod") && !s.contains("S3CRET"), "{s}");
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        let s = screen(&mut app);
        assert!(s.contains("switching to prod…"), "{s}");
        assert!(!s.contains("S3CRET"));
    }
}
