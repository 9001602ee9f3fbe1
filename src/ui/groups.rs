//! The groups pane: every group (state, assignor, members, total lag); for the chosen one
//! its members and what they hold, the partition → member grid with committed offsets and
//! lag, in-app members' read counts, and the rebalance timeline. Its forms (add a member,
//! reset offsets, delete, filter) are built and parsed in `groups/forms.rs`.

use std::collections::BTreeMap;

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, TableState};
use ratatui::Frame;

use crossterm::event::{KeyCode, KeyEvent};

use crate::escape::escape_bytes;
use crate::kafka::groups::GroupDetail;
use crate::kafka::messages::KafkaCommand;
use crate::kafka::model::{member_id_tail, member_labels, GroupListing, InAppMember, PartitionLag};
use crate::keys::{Binding, Key};
use crate::ui::columns::{self, Column};
use crate::ui::component::{Component, Ctx, DrawCtx};
use crate::ui::drawn::{Part, Region};
use crate::ui::effect::Effect;
use crate::ui::form::Form;
use crate::ui::partitions::clock;
use crate::ui::scroll::{clamp_scroll, keep_in_view, page, rows_hint};

pub mod forms;

/// What a key does in the groups pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupsKey {
    /// Select the group above.
    Up,
    /// Select the group below.
    Down,
    /// Select the group a page of the list up.
    PageUp,
    /// Select the group a page of the list down.
    PageDown,
    /// Select the first group.
    First,
    /// Select the last group.
    Last,
    /// Select the next member of the group.
    NextMember,
    /// Select the previous member.
    PrevMember,
    /// Start an in-app member.
    AddMember,
    /// Stop the selected in-app member.
    RemoveMember,
    /// Reset the group's offsets.
    ResetOffsets,
    /// Delete the group.
    Delete,
    /// Scroll the partition grid up a page.
    GridUp,
    /// Scroll the partition grid down a page.
    GridDown,
    /// Filter the list by name and state.
    Filter,
    /// Sort the list by the next key.
    Sort,
}

/// What the group list is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupSort {
    /// Name, A to Z.
    #[default]
    Name,
    /// Lag in messages, most first.
    Lag,
    /// Lag in time, oldest first.
    LagTime,
    /// Status, worst first.
    Status,
    /// Members, most first.
    Members,
}

impl GroupSort {
    /// The next order `o` gives.
    pub fn next(self) -> GroupSort {
        match self {
            GroupSort::Name => GroupSort::Lag,
            GroupSort::Lag => GroupSort::LagTime,
            GroupSort::LagTime => GroupSort::Status,
            GroupSort::Status => GroupSort::Members,
            GroupSort::Members => GroupSort::Name,
        }
    }

    /// As the list's title names it.
    pub fn name(self) -> &'static str {
        match self {
            GroupSort::Name => "name",
            GroupSort::Lag => "lag",
            GroupSort::LagTime => "lag time",
            GroupSort::Status => "status",
            GroupSort::Members => "members",
        }
    }
}

/// The groups pane's keys.
pub const KEYS: &[Binding<GroupsKey>] = &[
    Binding::new(
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        GroupsKey::Up,
        "select the group above (it is followed closely)",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        GroupsKey::Down,
        "select the group below",
    ),
    Binding::new(
        &[Key::plain(KeyCode::PageUp)],
        GroupsKey::PageUp,
        "a page of groups up",
    ),
    Binding::new(
        &[Key::plain(KeyCode::PageDown)],
        GroupsKey::PageDown,
        "a page of groups down",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Home), Key::ch('g')],
        GroupsKey::First,
        "first group",
    ),
    Binding::new(
        &[Key::plain(KeyCode::End), Key::ch('G')],
        GroupsKey::Last,
        "last group",
    ),
    Binding::new(
        &[Key::ch('a')],
        GroupsKey::AddMember,
        "add an in-app member: group, topics, assignor",
    )
    .hinted("a add member"),
    Binding::new(
        &[Key::ch('x')],
        GroupsKey::RemoveMember,
        "remove the selected member if it is ours (★), with a clean leave",
    )
    .hinted("x remove"),
    Binding::new(
        &[Key::ch('m')],
        GroupsKey::NextMember,
        "select the next member",
    )
    .hinted("m/M member"),
    Binding::new(
        &[Key::ch('M')],
        GroupsKey::PrevMember,
        "select the previous member",
    ),
    Binding::new(
        &[Key::ch('R')],
        GroupsKey::ResetOffsets,
        "reset an inactive group's offsets (type its name)",
    ),
    Binding::new(
        &[Key::ch('D')],
        GroupsKey::Delete,
        "delete an empty group (type its name)",
    ),
    Binding::new(
        &[Key::ch('/')],
        GroupsKey::Filter,
        "filter the list by name and state",
    )
    .hinted("/ filter"),
    Binding::new(
        &[Key::ch('o')],
        GroupsKey::Sort,
        "sort the list: name, lag, lag time, status, members",
    )
    .hinted("o sort"),
    Binding::new(
        &[Key::ch('[')],
        GroupsKey::GridUp,
        "scroll the partition grid up",
    ),
    Binding::new(
        &[Key::ch(']')],
        GroupsKey::GridDown,
        "scroll the partition grid down",
    ),
];

/// What the mouse does in the groups pane.
pub const MOUSE: &[(&str, &str)] = &[("click  wheel", "select a group")];

/// Rows the members table and the partition grid take in a detail `height` rows tall
/// (each wants a row per entry and three for borders and header; the timeline keeps
/// four). When both do not fit, the members get up to half and the grid the rest.
pub fn detail_heights(members: usize, partitions: usize, height: u16) -> (u16, u16) {
    let want = |n: usize| n.max(1).min(u16::MAX as usize - 3) as u16 + 3;
    let room = height.saturating_sub(4);
    let (m, g) = (want(members), want(partitions));
    let members_h = m.min((room / 2).max(room.saturating_sub(g)));
    (members_h, g.min(room.saturating_sub(members_h)))
}

/// State of the groups pane.
#[derive(Debug, Clone, Default)]
pub struct GroupsState {
    /// Every group, as the watcher listed them.
    pub all: Vec<GroupListing>,
    /// The groups the list shows: those passing the filter, in the chosen order.
    pub groups: Vec<GroupListing>,
    /// The list's order.
    pub sort: GroupSort,
    /// Shown are groups whose name contains this (any case).
    pub filter: String,
    /// Shown are groups in a state starting with this (any case); empty: any state.
    pub state_filter: String,
    /// The clock the freshness of figures is told against (ms since the epoch).
    pub now_ms: i64,
    /// A group to select as soon as it is listed (one a member was just added to).
    pub want_selected: Option<String>,
    /// Selected group row.
    pub selected: usize,
    /// The group being followed, and what the watcher last said about it.
    pub detail: Option<GroupDetail>,
    /// In-app members by id (kept after they leave, marked not running).
    pub members: BTreeMap<u64, InAppMember>,
    /// Selected member row of the chosen group.
    pub member_selected: usize,
    /// First row shown of the partition grid (it scrolls with `[` and `]`).
    pub grid_scroll: usize,
    /// The first group row of the last frame, so the list scrolls only when it must.
    pub list_top: usize,
    /// The first member row of the last frame, likewise.
    pub members_top: usize,
    /// Where the last frame drew the list, the members and the grid (for the mouse).
    pub drawn: crate::ui::drawn::Drawn,
}

impl GroupsState {
    /// Takes a new listing from the watcher, keeping the same group selected.
    pub fn set_listing(&mut self, all: Vec<GroupListing>) {
        self.all = all;
        self.refresh_view();
    }

    /// Rebuilds the shown list from every group, the filter and the order; the selected
    /// group stays selected if it is still shown.
    pub fn refresh_view(&mut self) {
        let chosen = self.selected_name().map(str::to_string);
        let name = self.filter.to_lowercase();
        let state = self.state_filter.to_lowercase();
        let mut shown: Vec<GroupListing> = self
            .all
            .iter()
            .filter(|g| g.name.to_lowercase().contains(&name))
            .filter(|g| g.state.to_lowercase().starts_with(&state))
            .cloned()
            .collect();
        // Lag figures of the followed group come from its detail (read more often).
        let key_lag = |g: &GroupListing| self.total_lag(g);
        let key_time = |g: &GroupListing| self.lag_ms(g);
        let key_status = |g: &GroupListing| self.status(g).map(|v| v.status);
        match self.sort {
            GroupSort::Name => {}
            GroupSort::Lag => shown.sort_by_key(|g| std::cmp::Reverse(key_lag(g))),
            GroupSort::LagTime => shown.sort_by_key(|g| std::cmp::Reverse(key_time(g))),
            GroupSort::Status => shown.sort_by_key(|g| std::cmp::Reverse(key_status(g))),
            GroupSort::Members => shown.sort_by_key(|g| std::cmp::Reverse(g.members)),
        }
        self.groups = shown;
        let wanted = self
            .want_selected
            .as_ref()
            .and_then(|w| self.groups.iter().position(|g| &g.name == w));
        if wanted.is_some() {
            self.want_selected = None;
        }
        self.selected = wanted
            .or_else(|| chosen.and_then(|c| self.groups.iter().position(|g| g.name == c)))
            .unwrap_or(self.selected.min(self.groups.len().saturating_sub(1)));
    }

    /// A group's lag in time as the list shows it (from the detail for the followed
    /// group).
    pub fn lag_ms(&self, g: &GroupListing) -> Option<i64> {
        match self.followed(g) {
            Some(d) => crate::kafka::model::max_lag_ms(&d.partitions).or(g.lag_ms),
            None => g.lag_ms,
        }
    }

    /// When the figures the list shows for a group were read.
    fn read_ms(&self, g: &GroupListing) -> Option<i64> {
        match self.followed(g) {
            Some(d) => Some(d.read_ms),
            None => g.lag_read_ms,
        }
    }

    /// How long ago a group's lag was read, as the list shows it.
    fn read_age(&self, g: &GroupListing) -> String {
        self.read_ms(g)
            .map_or("—".into(), |at| age_text(self.now_ms - at))
    }

    /// Whether a group's figures have missed their re-read: then its verdict is not
    /// shown as if it were current.
    pub fn is_stale(&self, g: &GroupListing) -> bool {
        match (self.read_ms(g), g.stale_after_ms) {
            (Some(at), Some(after)) => self.now_ms - at > after,
            _ => false,
        }
    }

    /// The first group row drawn in a list `height` rows tall (borders included): the
    /// selection is kept in view, and the view moves only when it has to (remembered
    /// for the next frame).
    pub fn list_first(&mut self, height: u16) -> usize {
        let rows = height.saturating_sub(3) as usize;
        self.list_top = keep_in_view(self.list_top, self.selected, rows, self.groups.len());
        self.list_top
    }

    /// The selected group's name.
    pub fn selected_name(&self) -> Option<&str> {
        self.groups.get(self.selected).map(|g| g.name.as_str())
    }

    /// A group's total lag as the list shows it. For the followed group it is the sum of
    /// the lags its detail shows (read more often), so list and detail never disagree.
    pub fn total_lag(&self, g: &GroupListing) -> Option<i64> {
        match self.followed(g) {
            Some(d) => d
                .partitions
                .iter()
                .filter_map(PartitionLag::lag)
                .reduce(|a, b| a + b)
                .or(g.total_lag),
            None => g.total_lag,
        }
    }

    /// The detail of `g` if it is the group the watcher follows.
    fn followed(&self, g: &GroupListing) -> Option<&GroupDetail> {
        self.detail.as_ref().filter(|d| d.snapshot.name == g.name)
    }

    /// A group's verdict as the list shows it: for the followed group, from its detail
    /// (read more often), so list and detail agree.
    pub fn status(&self, g: &GroupListing) -> Option<crate::kafka::health::Verdict> {
        match self.followed(g) {
            Some(d) => {
                crate::kafka::model::worst_verdict(&d.partitions).or_else(|| g.status.clone())
            }
            None => g.status.clone(),
        }
    }

    /// Detail of the selected group, if it is the one the watcher follows.
    pub fn current(&self) -> Option<&GroupDetail> {
        self.detail
            .as_ref()
            .filter(|d| Some(d.snapshot.name.as_str()) == self.selected_name())
    }

    /// The selected member row, kept within the members there are now.
    pub fn member_index(&self) -> Option<usize> {
        let n = self.current()?.snapshot.members.len();
        (n > 0).then(|| self.member_selected.min(n - 1))
    }

    /// Selects the member `delta` rows on, wrapping around.
    pub fn step_member(&mut self, delta: isize) {
        let n = self.current().map_or(0, |d| d.snapshot.members.len());
        self.member_selected = match (n, self.member_index()) {
            (0, _) | (_, None) => 0,
            (n, Some(i)) => (i as isize + delta).rem_euclid(n as isize) as usize,
        };
    }

    /// Scrolls the partition grid by `pages` pages of `rows` rows, within its length.
    pub fn scroll_grid(&mut self, pages: isize, rows: usize) {
        let len = self.current().map_or(0, |d| d.partitions.len());
        self.grid_scroll = page(self.grid_scroll, len, rows, pages);
    }

    /// Moves the group selection by `delta` rows; a new group starts at its first member
    /// and the top of its grid, and is followed.
    pub fn scroll(&mut self, delta: isize) -> Vec<Effect> {
        let n = self.groups.len() as isize;
        let before = self.selected;
        self.selected = (self.selected as isize + delta).clamp(0, (n - 1).max(0)) as usize;
        if self.selected != before {
            self.member_selected = 0;
            self.grid_scroll = 0;
        }
        vec![Effect::FollowSelectedGroup]
    }

    /// A click at `pos` on a row of the last frame: a group row selects that group, a
    /// member row that member (both found by name: the lists may have changed since).
    pub fn click(&mut self, pos: Position) -> Vec<Effect> {
        let Some(hit) = self.drawn.hit(pos) else {
            return Vec::new();
        };
        match (hit.part, hit.name) {
            (Part::GroupList, Some(name)) => self.select_named(&name),
            (Part::Members, Some(id)) => {
                let members = self.current().map(|d| &d.snapshot.members);
                if let Some(i) = members.and_then(|m| m.iter().position(|m| m.member_id == id)) {
                    self.member_selected = i;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The wheel at `pos`, `delta` rows: over the list it moves the group selection,
    /// over the members the member selection, over the grid it scrolls the grid.
    pub fn wheel(&mut self, pos: Position, delta: isize) -> Vec<Effect> {
        let Some(region) = self.drawn.hit(pos).and_then(|h| self.drawn.get(h.part)) else {
            return Vec::new();
        };
        let room = region.room();
        match region.part {
            Part::GroupList => return self.scroll(delta),
            Part::Members => {
                let n = self.current().map_or(0, |d| d.snapshot.members.len());
                let at = self.member_index().unwrap_or(0) as isize + delta;
                self.member_selected = at.clamp(0, (n as isize - 1).max(0)) as usize;
            }
            Part::GroupGrid => {
                let len = self.current().map_or(0, |d| d.partitions.len());
                self.grid_scroll = crate::ui::scroll::by_rows(self.grid_scroll, len, room, delta);
            }
            _ => {}
        }
        Vec::new()
    }

    /// Selects the group `name` (a row of the groups reading a topic was clicked); says
    /// so when the list's filter hides it.
    pub fn select_named(&mut self, name: &str) -> Vec<Effect> {
        match self.groups.iter().position(|g| g.name == name) {
            Some(i) => self.scroll(i as isize - self.selected as isize),
            None => vec![Effect::Notice(format!(
                "group {} is hidden by the groups list's filter (/ in Groups changes it)",
                escape_bytes(name.as_bytes())
            ))],
        }
    }

    /// Acts on a key of the pane's table in a body `body_height` rows tall; `topic` is
    /// what a new in-app member reads when the group gives no better idea.
    pub fn on_key(
        &mut self,
        action: GroupsKey,
        body_height: u16,
        topic: Option<String>,
    ) -> Vec<Effect> {
        let form = |f: Form| vec![Effect::Form(f)];
        match action {
            GroupsKey::Up => return self.scroll(-1),
            GroupsKey::Down => return self.scroll(1),
            // A page is the rows the list shows (the list is as tall as the body).
            GroupsKey::PageUp | GroupsKey::PageDown => {
                let page = body_height.saturating_sub(3).max(1) as isize;
                let up = action == GroupsKey::PageUp;
                return self.scroll(if up { -page } else { page });
            }
            GroupsKey::First => return self.scroll(isize::MIN / 2),
            GroupsKey::Last => return self.scroll(isize::MAX / 2),
            GroupsKey::NextMember => self.step_member(1),
            GroupsKey::PrevMember => self.step_member(-1),
            GroupsKey::GridUp | GroupsKey::GridDown => {
                let (members, parts) = self
                    .current()
                    .map_or((0, 0), |d| (d.snapshot.members.len(), d.partitions.len()));
                let rows = detail_heights(members, parts, body_height)
                    .1
                    .saturating_sub(3) as usize;
                self.scroll_grid(if action == GroupsKey::GridUp { -1 } else { 1 }, rows);
            }
            GroupsKey::AddMember => {
                let group = self
                    .selected_name()
                    .unwrap_or("kafka-dash-demo")
                    .to_string();
                // What the group's members subscribe to (a regex as librdkafka writes
                // one: `^…`), and its protocol: a new member joins like the others.
                let topics = self
                    .current()
                    .and_then(|d| {
                        d.snapshot
                            .members
                            .iter()
                            .flat_map(|m| m.subscription.iter().chain(m.regex.iter()).cloned())
                            .next()
                    })
                    .or(topic)
                    .unwrap_or_default();
                let assignor = match self.current().map(|d| &d.snapshot) {
                    Some(g) if g.consumer.is_some() => match g.protocol.as_str() {
                        "range" => "consumer:range",
                        _ => "consumer:uniform",
                    },
                    _ => "range",
                };
                return form(forms::add_member(&group, &topics, assignor));
            }
            GroupsKey::RemoveMember => {
                return match self.selected_in_app() {
                    Some(m) => vec![
                        Effect::Command(KafkaCommand::RemoveMember(m.id)),
                        Effect::Notice(format!("{} is leaving the group", m.client_id)),
                    ],
                    None => vec![Effect::Error(
                        "the selected member is not one of ours (m / M select a member)".into(),
                    )],
                }
            }
            GroupsKey::ResetOffsets => {
                if let Some(g) = self.selected_name().map(str::to_string) {
                    return form(forms::reset_offsets(&g));
                }
            }
            GroupsKey::Sort => {
                self.sort = self.sort.next();
                self.refresh_view();
                return vec![Effect::FollowSelectedGroup];
            }
            GroupsKey::Filter => {
                return form(forms::filter(&self.filter, &self.state_filter));
            }
            GroupsKey::Delete => {
                if let Some(g) = self.selected_name().map(str::to_string) {
                    return form(forms::delete(&g));
                }
            }
        }
        Vec::new()
    }

    /// The in-app member running as the selected member row, if it is ours.
    pub fn selected_in_app(&self) -> Option<&InAppMember> {
        let d = self.current()?;
        let m = d.snapshot.members.get(self.member_index()?)?;
        self.in_app(&m.member_id)
    }

    /// The running in-app member with this member id: ours are known by the id the
    /// coordinator gave them, not by client id (an outside member may be called
    /// `kafka-dash-A` too).
    fn in_app(&self, member_id: &str) -> Option<&InAppMember> {
        self.members
            .values()
            .find(|a| a.running && !a.member_id.is_empty() && a.member_id == member_id)
    }
}

impl Component for GroupsState {
    fn key(&mut self, key: KeyEvent, ctx: &Ctx) -> Option<Vec<Effect>> {
        crate::keys::lookup(KEYS, &key)
            .map(|a| self.on_key(a, ctx.body.1, ctx.member_topic.clone()))
    }

    fn click(&mut self, column: u16, row: u16) -> Vec<Effect> {
        GroupsState::click(self, Position::new(column, row))
    }

    fn submit(&mut self, form: &Form, ctx: &Ctx) -> Result<Vec<Effect>, String> {
        self.submit_form(form, ctx.now.unix_ms)
    }

    /// `x remove` only while the selected member is one of ours.
    fn hints(&self) -> String {
        let removable = self.selected_in_app().is_some();
        crate::keys::hint_where(KEYS, |a| a != GroupsKey::RemoveMember || removable)
    }

    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, _ctx: &DrawCtx<'_>) {
        draw(frame, area, self);
    }
}

/// A lag trend as the grid shows it: a sparkline of the last half minute, rising or
/// falling, and when the lag will be gone.
fn trend_text(t: &crate::kafka::health::Trend) -> String {
    let lags: Vec<u64> = t.lags.iter().map(|l| (*l).max(0) as u64).collect();
    let spark = crate::ui::partitions::sparkline(lags.iter(), 12);
    format!("{spark:>12} {} {}", t.arrow(), t.outlook())
        .trim_end()
        .to_string()
}

/// A lag in time: `0.4s` under ten seconds, else `45s`, `2m10s`, `1h05m`.
pub fn lag_time_text(ms: i64) -> String {
    if ms < 10_000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        crate::kafka::health::duration(ms / 1000)
    }
}

/// How long ago something was read: `0s`, `12s`, `3m05s`.
fn age_text(ms: i64) -> String {
    crate::kafka::health::duration(ms.max(0) / 1000)
}

/// Rows whose partition is not keeping up are coloured by how badly.
fn verdict_style(v: Option<&crate::kafka::health::Verdict>) -> Style {
    use crate::kafka::health::Status;
    match v.map(|v| v.status) {
        Some(Status::Warn) => Style::default().fg(Color::Yellow),
        Some(Status::Stall | Status::Stop | Status::Rewind) => Style::default().fg(Color::Red),
        _ => Style::default(),
    }
}

/// A member's name as the screen shows it (see `member_labels`), escaped.
fn name_of(labels: &std::collections::BTreeMap<String, String>, member_id: &str) -> String {
    labels
        .get(member_id)
        .map_or_else(|| member_id_tail(member_id), |n| escape_bytes(n.as_bytes()))
}

/// What a member holds; a KIP-848 member still converging also shows where it is going
/// (`sarama [0,1] → [0]`: it is giving 1 up; `[] → [1]`: 1 is still held by another).
fn holds_text(m: &crate::kafka::model::MemberInfo) -> String {
    match &m.target {
        Some(t) if m.converging() => {
            let bare = |a: &[(String, Vec<i32>)]| {
                if a.is_empty() {
                    "[]".to_string()
                } else {
                    parts_text(a)
                }
            };
            format!("{} → {}", bare(&m.assignment), bare(t))
        }
        _ => parts_text(&m.assignment),
    }
}

/// What a member subscribes to: topic names, and a regex between slashes.
fn subscribes_text(m: &crate::kafka::model::MemberInfo) -> String {
    let names = m.subscription.iter().map(|t| escape_bytes(t.as_bytes()));
    let regex = m
        .regex
        .iter()
        .map(|r| format!("/{}/", escape_bytes(r.as_bytes())));
    names.chain(regex).collect::<Vec<_>>().join(",")
}

fn parts_text(assignment: &[(String, Vec<i32>)]) -> String {
    if assignment.is_empty() {
        return "idle (no partitions)".into();
    }
    assignment
        .iter()
        .map(|(t, ps)| {
            format!(
                "{} [{}]",
                escape_bytes(t.as_bytes()),
                ps.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One step of a KIP-848 group's convergence, in words; `ours` finds an in-app member by
/// member id (the one cause of a removal the dashboard knows: its own clean leave).
fn step_text(
    kind: &crate::kafka::timeline::StepKind,
    ours: &dyn Fn(&str) -> Option<bool>,
) -> String {
    use crate::kafka::timeline::StepKind;
    let e = |x: &str| escape_bytes(x.as_bytes());
    match kind {
        StepKind::Released(t, p, who) => format!("{} gives up {}[{p}]", e(who), e(t)),
        StepKind::Received(t, p, who, Some(ms)) => format!(
            "{} receives {}[{p}], {:.1} s without an owner",
            e(who),
            e(t),
            *ms as f64 / 1000.0
        ),
        StepKind::Received(t, p, who, None) => format!("{} receives {}[{p}]", e(who), e(t)),
        StepKind::FirstPartitions(who, ms, false) => format!(
            "{}: first partitions {:.1} s after joining",
            e(who),
            *ms as f64 / 1000.0
        ),
        StepKind::FirstPartitions(who, ms, true) => format!(
            "{}: first partitions after {} idle (none were free for it)",
            e(who),
            crate::kafka::health::duration(ms / 1000)
        ),
        StepKind::Removed(who, id, held) => {
            let cause = match ours(id) {
                Some(false) => "left the group (a clean leave from here)",
                _ => "removed from the group (it left, or its session timed out)",
            };
            let held: Vec<String> = held.iter().map(|(t, p)| format!("{}[{p}]", e(t))).collect();
            format!("{} {cause}; held {}", e(who), held.join(", "))
        }
    }
}

/// Draws the groups pane: the list, then the followed group's members, grid and
/// rebalance timeline.
pub fn draw(frame: &mut Frame<'_>, area: Rect, s: &mut GroupsState) {
    let [list_area, detail_area] =
        Layout::horizontal([Constraint::Percentage(34), Constraint::Percentage(66)]).areas(area);
    s.list_first(list_area.height);
    let list_drawn = draw_list(frame, list_area, s);
    s.drawn.push(list_drawn);
    let Some((members, parts)) = s
        .current()
        .map(|d| (d.snapshot.members.len(), d.partitions.len()))
    else {
        draw_no_detail(frame, detail_area, s);
        return;
    };
    let (members_h, grid_h) = detail_heights(members, parts, detail_area.height);
    let selected = s.member_index().unwrap_or(0);
    s.members_top = keep_in_view(
        s.members_top,
        selected,
        members_h.saturating_sub(3) as usize,
        members,
    );
    let Some(d) = s.current() else {
        return;
    };
    let [members_area, grid_area, timeline_area] = Layout::vertical([
        Constraint::Length(members_h),
        Constraint::Length(grid_h),
        Constraint::Min(4),
    ])
    .areas(detail_area);
    let members_drawn = draw_members(frame, members_area, members_h, s, d);
    let grid_drawn = draw_grid(frame, grid_area, grid_h, s, d);
    draw_timeline(frame, timeline_area, s, d);
    s.drawn.push(members_drawn);
    s.drawn.push(grid_drawn);
}

/// The list of groups, scrolled to the selection; returns where its rows are.
fn draw_list(frame: &mut Frame<'_>, area: Rect, s: &GroupsState) -> Region {
    // Columns by priority: the assignor goes first when the list is narrow, then the
    // state, then the verdict; name, members and lag always stay.
    let list_columns = [
        Column::new("group", 10).at_most(40),
        Column::new("state", 4),
        Column::new("assignor", 2),
        Column::new("mem", 8),
        Column::new("lag", 9),
        Column::new("lag time", 7),
        Column::new("status", 6),
        Column::new("trend", 3),
        Column::new("read", 5),
    ];
    // Only the rows in view are built: a cluster may have thousands of groups.
    let first = s.list_top;
    let rows = s
        .groups
        .iter()
        .skip(first)
        .take(area.height.saturating_sub(3) as usize)
        .map(|g| {
            let stale = s.is_stale(g);
            let trend = g.trend.as_ref().map_or(String::new(), |t| {
                let lags: Vec<u64> = t.lags.iter().map(|l| (*l).max(0) as u64).collect();
                format!(
                    "{} {}",
                    crate::ui::partitions::sparkline(lags.iter(), 8),
                    t.arrow()
                )
            });
            (
                vec![
                    escape_bytes(g.name.as_bytes()),
                    g.state.clone(),
                    escape_bytes(g.protocol.as_bytes()),
                    g.members.to_string(),
                    s.total_lag(g).map_or("?".into(), |l| l.to_string()),
                    s.lag_ms(g).map_or("?".into(), lag_time_text),
                    if stale {
                        "stale".into()
                    } else {
                        s.status(g)
                            .map_or(String::new(), |v| v.status.name().to_string())
                    },
                    trend,
                    s.read_age(g),
                ],
                if stale {
                    // Old figures are dimmed, whatever their verdict was.
                    Style::default().fg(Color::DarkGray)
                } else {
                    verdict_style(s.status(g).as_ref())
                },
            )
        })
        .collect();
    // Which rows are shown comes first: a narrow list's title is cut at its end.
    let in_view = usize::from(area.height.saturating_sub(3));
    let filtered = s.groups.len() != s.all.len();
    let mut list_title = match (s.groups.len() > in_view, filtered) {
        (true, _) => format!(
            " Groups {}–{} of {}",
            first + 1,
            (first + in_view).min(s.groups.len()),
            s.groups.len()
        ),
        (false, true) => format!(" Groups ({} of {})", s.groups.len(), s.all.len()),
        (false, false) => format!(" Groups ({})", s.groups.len()),
    };
    if filtered && s.groups.len() > in_view {
        list_title += &format!(" ({} in all)", s.all.len());
    }
    list_title += &format!(" · by {}", s.sort.name());
    if !s.filter.is_empty() {
        list_title += &format!(" · name ~ {:?}", escape_bytes(s.filter.as_bytes()));
    }
    if !s.state_filter.is_empty() {
        list_title += &format!(" · state {}", escape_bytes(s.state_filter.as_bytes()));
    }
    list_title += " ";
    let table = columns::table(&list_columns, rows, area.width.saturating_sub(2))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(super::border_hint(&list_title, area))
                .title_bottom(super::border_hint(&s.hints(), area)),
        );
    let mut state = TableState::default().with_selected(
        (!s.groups.is_empty()).then(|| s.selected.min(s.groups.len() - 1).saturating_sub(first)),
    );
    frame.render_stateful_widget(table, area, &mut state);
    let drawn_first = first + state.offset();
    let names = s
        .groups
        .iter()
        .skip(drawn_first)
        .take(in_view.saturating_sub(state.offset()))
        .map(|g| g.name.clone())
        .collect::<Vec<_>>();
    Region::table(Part::GroupList, area, drawn_first, names.len()).with_names(names)
}

/// What the detail says while there is no group to show.
fn draw_no_detail(frame: &mut Frame<'_>, area: Rect, s: &GroupsState) {
    let msg = if s.groups.is_empty() && !s.all.is_empty() {
        "No group passes the filter. Press / to change it."
    } else if s.groups.is_empty() {
        "No groups yet. Press a to add an in-app member to a new group, or start any consumer."
    } else {
        "Loading the group…"
    };
    frame.render_widget(
        Paragraph::new(msg).block(Block::default().borders(Borders::ALL).title(" Group ")),
        area,
    );
}

/// The followed group's members, `members_h` rows tall, scrolled to the selected one;
/// returns where its rows are.
fn draw_members(
    frame: &mut Frame<'_>,
    area: Rect,
    members_h: u16,
    s: &GroupsState,
    d: &GroupDetail,
) -> Region {
    // The selected member is always drawn: the list scrolls to it, and only then.
    let member_rows = members_h.saturating_sub(3) as usize;
    let selected_member = s.member_index().unwrap_or(0);
    let first_member = s.members_top;

    let labels = member_labels(&d.snapshot.members);
    // Member epochs exist in KIP-848 groups only.
    let epochs = d.snapshot.consumer.is_some();
    let mut member_columns = vec![
        Column::new("client id", 9),
        Column::new("host", 3),
        Column::new("member", 5),
        Column::new("holds", 8),
        Column::new("subscribes", 1).at_most(24),
        Column::new("read (in-app)", 2),
    ];
    if epochs {
        // While classic members are in it (online migration), the epoch column says which
        // ones they are: it outranks the member id, so it stays at 80 columns.
        let rank = if d.snapshot.members.iter().any(|m| m.classic) {
            6
        } else {
            4
        };
        member_columns.insert(3, Column::new("epoch", rank));
    }
    let rows = d
        .snapshot
        .members
        .iter()
        .enumerate()
        .skip(first_member)
        .take(member_rows)
        .map(|(i, m)| {
            let ours = s.in_app(&m.member_id);
            let read = ours.map_or(String::new(), |a| {
                a.read
                    .iter()
                    .map(|((t, p), n)| format!("{}[{p}]={n}", escape_bytes(t.as_bytes())))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            let style = if i == selected_member {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            let name = name_of(&labels, &m.member_id) + if ours.is_some() { " ★" } else { "" };
            let mut cells = vec![
                name,
                escape_bytes(m.host.as_bytes()),
                member_id_tail(&m.member_id),
                holds_text(m),
                subscribes_text(m),
                read,
            ];
            if epochs {
                // A classic member in a consumer group (online migration) says so.
                let epoch = m.epoch.map_or(String::new(), |e| match m.classic {
                    true => format!("{e} classic"),
                    false => e.to_string(),
                });
                cells.insert(3, epoch);
            }
            (cells, style)
        })
        .collect();
    // An empty group has no assignor: leave it out rather than show "·  ·".
    let assignor = match d.snapshot.protocol.as_str() {
        "" => String::new(),
        p => format!(" · {}", escape_bytes(p.as_bytes())),
    };
    // A KIP-848 group says so, with its epochs (the target's while members converge).
    let protocol = d.snapshot.consumer.map_or(String::new(), |c| {
        let target = if c.assignment_epoch == c.group_epoch {
            String::new()
        } else {
            format!(", target {}", c.assignment_epoch)
        };
        format!(" · consumer protocol, epoch {}{target}", c.group_epoch)
    });
    let classic = d.snapshot.members.iter().filter(|m| m.classic).count();
    let classic = match classic {
        0 => String::new(),
        n => format!(" ({n} classic)"),
    };
    let title = format!(
        " {} · {}{protocol}{assignor} · {}{classic} ",
        escape_bytes(d.snapshot.name.as_bytes()),
        d.snapshot.state,
        super::count(d.snapshot.members.len(), "member")
    );
    let scrolled = rows_hint(
        "members",
        first_member,
        member_rows,
        d.snapshot.members.len(),
        "m/M",
    );
    let room = area.width.saturating_sub(2);
    let ids: Vec<String> = d
        .snapshot
        .members
        .iter()
        .skip(first_member)
        .take(member_rows)
        .map(|m| m.member_id.clone())
        .collect();
    let members_drawn = Region::table(Part::Members, area, first_member, ids.len()).with_names(ids);
    frame.render_widget(
        columns::table(&member_columns, rows, room).block(
            Block::default()
                .borders(Borders::ALL)
                .title(super::border_hint(&title, area))
                .title_bottom(super::border_hint(&scrolled, area)),
        ),
        area,
    );

    members_drawn
}

/// The followed group's partition → member grid, `grid_h` rows tall; returns where its
/// rows are.
fn draw_grid(
    frame: &mut Frame<'_>,
    area: Rect,
    grid_h: u16,
    s: &GroupsState,
    d: &GroupDetail,
) -> Region {
    let labels = member_labels(&d.snapshot.members);
    let owner_name = |member_id: &str| name_of(&labels, member_id);
    let any_trouble = d.partitions.iter().any(|p| {
        p.verdict
            .as_ref()
            .is_some_and(|v| v.status != crate::kafka::health::Status::Ok)
    });
    let grid_columns = [
        Column::new("topic", 4),
        Column::new("part", 9),
        Column::new("held by", 8),
        Column::new("committed", 6),
        Column::new("high", 2),
        Column::new("lag", 7),
        Column::new("lag time", 6),
        Column::new("status", 5),
        Column::new("lag trend", 3),
        // The reason is cut rather than dropped; while a row is not OK it matters more
        // than the topic, the trend and the high watermark.
        Column::new("why", 4)
            .shrinks_to(16)
            .ranked(if any_trouble { 5 } else { 4 }),
    ];
    let grid_rows = grid_h.saturating_sub(3) as usize;
    let first_part = clamp_scroll(s.grid_scroll, d.partitions.len(), grid_rows);
    let rows = d
        .partitions
        .iter()
        .skip(first_part)
        .take(grid_rows)
        .map(|p| {
            (
                vec![
                    escape_bytes(p.topic.as_bytes()),
                    p.partition.to_string(),
                    p.owner.as_deref().map_or("—".into(), owner_name),
                    p.committed.map_or("none".into(), |c| c.to_string()),
                    p.high.map_or("?".into(), |h| h.to_string()),
                    p.lag().map_or("unknown".into(), |l| l.to_string()),
                    p.lag_ms.map_or("unknown".into(), lag_time_text),
                    p.verdict
                        .as_ref()
                        .map_or(String::new(), |v| v.status.name().to_string()),
                    p.trend.as_ref().map_or(String::new(), trend_text),
                    p.verdict.as_ref().map_or(String::new(), |v| v.why.clone()),
                ],
                verdict_style(p.verdict.as_ref()),
            )
        })
        .collect();
    let scrolled = rows_hint(
        "partitions",
        first_part,
        grid_rows,
        d.partitions.len(),
        "[ ]",
    );
    let grid_drawn = Region::table(
        Part::GroupGrid,
        area,
        first_part,
        d.partitions.len().saturating_sub(first_part).min(grid_rows),
    );
    frame.render_widget(
        columns::table(&grid_columns, rows, area.width.saturating_sub(2)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(super::border_hint(
                    &format!(
                        " Partitions → members{} · read {} ago ",
                        d.trend.as_ref().map_or(String::new(), |t| format!(
                            " · lag {}",
                            trend_text(t).trim_start()
                        )),
                        age_text(s.now_ms - d.read_ms)
                    ),
                    area,
                ))
                .title_bottom(super::border_hint(&scrolled, area)),
        ),
        area,
    );

    grid_drawn
}

/// The followed group's rebalances, newest first.
fn draw_timeline(frame: &mut Frame<'_>, area: Rect, s: &GroupsState, d: &GroupDetail) {
    let height = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2);
    // KIP-848's online migration, as the entry where the group changed kind.
    let kind_change = |i: usize| {
        let before = d.timeline.get(i.checked_sub(1)?)?;
        match (before.epoch.is_some(), d.timeline.get(i)?.epoch.is_some()) {
            (false, true) => Some("now a consumer group  "),
            (true, false) => Some("classic again  "),
            _ => None,
        }
    };
    // Whether an in-app member with this member id is still running.
    let ours = |id: &str| {
        s.members
            .values()
            .find(|a| !a.member_id.is_empty() && a.member_id == id)
            .map(|a| a.running)
    };
    // Numbers as wide as the largest, and a space before the time (#100 and on ran into it).
    let seq_width = d
        .timeline
        .iter()
        .map(|r| r.seq)
        .max()
        .unwrap_or(0)
        .to_string()
        .len()
        .max(2);
    let lines: Vec<Line<'_>> = d
        .timeline
        .iter()
        .enumerate()
        .rev()
        .flat_map(|(i, r)| {
            let mut spans = vec![
                Span::styled(
                    format!("#{:<seq_width$} ", r.seq),
                    Style::default().fg(Color::Cyan),
                ),
                Span::raw(format!(
                    "{} {} {:.1} s  ",
                    clock(Some(r.settled_ms)),
                    if r.began_is_bound { "≤" } else { " " },
                    r.duration_ms() as f64 / 1000.0
                )),
            ];
            if let Some(e) = r.epoch {
                spans.push(Span::styled(
                    format!("epoch {e}  "),
                    Style::default().fg(Color::Cyan),
                ));
            }
            if let Some(k) = kind_change(i) {
                spans.push(Span::styled(k, Style::default().fg(Color::Magenta)));
            }
            for j in &r.joined {
                spans.push(Span::styled(
                    format!("+{} ", escape_bytes(j.as_bytes())),
                    Style::default().fg(Color::Green),
                ));
            }
            for l in &r.left {
                spans.push(Span::styled(
                    format!("−{} ", escape_bytes(l.as_bytes())),
                    Style::default().fg(Color::Red),
                ));
            }
            for (t, p, from, to) in &r.moved {
                let who = |x: &Option<String>| {
                    x.as_deref()
                        .map_or("∅".to_string(), |s| escape_bytes(s.as_bytes()))
                };
                spans.push(Span::raw(format!(
                    "{}[{p}] {}→{}  ",
                    escape_bytes(t.as_bytes()),
                    who(from),
                    who(to)
                )));
            }
            // A rebalance that moved many partitions ends in … rather than at the border.
            let head = super::fit_spans(spans, width);
            // A KIP-848 group's steps, one line each, timed from the first look at it.
            let steps = r.steps.iter().map(|st| {
                let since = (st.at_ms - r.began_ms).max(0) as f64 / 1000.0;
                let text = step_text(&st.kind, &ours);
                super::fit_spans(
                    vec![Span::raw(format!("      +{since:.1} s  {text}"))],
                    width,
                )
            });
            std::iter::once(head).chain(steps).collect::<Vec<_>>()
        })
        .take(height)
        .collect();
    let title = if d.snapshot.consumer.is_some() {
        " Rebalance timeline (newest first; time settled, time converging, each step) "
    } else {
        " Rebalance timeline (newest first; time settled, time not consuming) "
    };
    let title = super::border_hint(title, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}

/// One group as the watch screen shows it: members and the partitions of one topic.
struct Reader<'a> {
    name: &'a str,
    state: &'a str,
    members: &'a [crate::kafka::model::MemberInfo],
    partitions: Vec<&'a PartitionLag>,
}

impl GroupsState {
    /// Groups reading `topic`, with what the watcher last said of them: the followed
    /// group's detail (read every 250 ms) where it is that group, else the listing.
    fn readers<'a>(&'a self, topic: &str) -> Vec<Reader<'a>> {
        self.all
            .iter()
            .map(|g| match &self.detail {
                Some(d) if d.snapshot.name == g.name => Reader {
                    name: &g.name,
                    state: &d.snapshot.state,
                    members: &d.snapshot.members,
                    partitions: d.partitions.iter().filter(|p| p.topic == topic).collect(),
                },
                _ => Reader {
                    name: &g.name,
                    state: &g.state,
                    members: &g.member_list,
                    partitions: g.partitions.iter().filter(|p| p.topic == topic).collect(),
                },
            })
            // Judged by what is drawn: the followed group by its detail, fresher than its
            // listing.
            .filter(|r| {
                crate::kafka::model::reads_topic(r.members, r.partitions.iter().copied(), topic)
            })
            .collect()
    }
}

/// Draws the groups reading `topic`: per group, each partition of the topic with the
/// member holding it, the committed offset and the lag; members holding none are listed
/// as idle. Returns where it drew them, each row naming its group.
pub fn draw_readers(frame: &mut Frame<'_>, area: Rect, topic: &str, s: &GroupsState) -> Region {
    let readers = s.readers(topic);
    let title = format!(
        " Groups reading {} ({}) ",
        escape_bytes(topic.as_bytes()),
        readers.len()
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    if readers.is_empty() {
        let msg = "No group reads this topic yet. Start any consumer, or press 4 then a to add an in-app member.";
        frame.render_widget(
            Paragraph::new(msg)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(block),
            area,
        );
        return Region::new(Part::Readers, area);
    }
    let mut rows = Vec::new();
    // The group each row belongs to, for a click on it.
    let mut names: Vec<String> = Vec::new();
    for r in &readers {
        let labels = member_labels(r.members);
        let mut first = true;
        let mut cells = |part: String,
                         who: String,
                         committed: String,
                         lag: String,
                         lag_time: String,
                         status: String,
                         style: Style| {
            let (name, state) = if std::mem::take(&mut first) {
                (escape_bytes(r.name.as_bytes()), r.state.to_string())
            } else {
                (String::new(), String::new())
            };
            (
                vec![name, state, part, who, committed, lag, lag_time, status],
                style,
            )
        };
        for p in &r.partitions {
            rows.push(cells(
                p.partition.to_string(),
                // A partition read before its holder left names nobody.
                p.owner
                    .as_deref()
                    .filter(|o| labels.contains_key(*o))
                    .map_or("—".into(), |o| name_of(&labels, o)),
                p.committed.map_or("none".into(), |c| c.to_string()),
                p.lag().map_or("unknown".into(), |l| l.to_string()),
                p.lag_ms.map_or("unknown".into(), lag_time_text),
                p.verdict
                    .as_ref()
                    .map_or(String::new(), |v| v.status.name().to_string()),
                verdict_style(p.verdict.as_ref()),
            ));
        }
        let idle: Vec<String> = r
            .members
            .iter()
            .filter(|m| {
                !m.assignment
                    .iter()
                    .any(|(t, ps)| t == topic && !ps.is_empty())
            })
            .map(|m| name_of(&labels, &m.member_id))
            .collect();
        if !idle.is_empty() {
            rows.push(cells(
                "idle".into(),
                idle.join(", "),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                Style::default(),
            ));
        }
        if r.partitions.is_empty() && idle.is_empty() {
            rows.push(cells(
                "…".into(),
                "reading".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                Style::default(),
            ));
        }
        names.resize(rows.len(), r.name.to_string());
    }
    let fits = area.height.saturating_sub(3) as usize;
    let cut = if rows.len() > fits {
        format!(" {} of {} rows shown ", fits, rows.len())
    } else {
        String::new()
    };
    let reader_columns = [
        Column::new("group", 9),
        Column::new("state", 3),
        Column::new("part", 8),
        Column::new("held by", 8),
        Column::new("committed", 4),
        Column::new("lag", 7),
        Column::new("lag time", 6),
        Column::new("status", 5),
    ];
    let block = block.title_bottom(super::border_hint(&cut, area));
    let shown = rows.len().min(fits);
    frame.render_widget(
        columns::table(&reader_columns, rows, area.width.saturating_sub(2)).block(block),
        area,
    );
    names.truncate(shown);
    Region::table(Part::Readers, area, 0, shown).with_names(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::model::GroupSnapshot;

    #[test]
    fn list_and_detail_agree_on_the_followed_groups_lag() {
        let listing = |name: &str| GroupListing {
            name: name.into(),
            state: "Empty".into(),
            protocol_type: "consumer".into(),
            protocol: String::new(),
            members: 0,
            total_lag: None,
            ..Default::default()
        };
        let mut s = GroupsState {
            groups: vec![listing("quiet"), listing("other")],
            ..Default::default()
        };
        s.detail = Some(GroupDetail {
            snapshot: GroupSnapshot {
                name: "quiet".into(),
                state: "Empty".into(),
                protocol: String::new(),
                members: vec![],
                consumer: None,
            },
            partitions: vec![crate::kafka::model::PartitionLag {
                topic: "t".into(),
                partition: 0,
                owner: None,
                committed: Some(10),
                high: Some(10),
                verdict: None,
                trend: None,
                lag_ms: Some(0),
            }],
            timeline: vec![],
            read_ms: 0,
            trend: None,
        });
        assert_eq!(
            s.total_lag(&s.groups[0]),
            Some(0),
            "the detail's 0, not '?'"
        );
        assert_eq!(s.total_lag(&s.groups[1]), None);
    }

    fn listed(
        name: &str,
        state: &str,
        lag: Option<i64>,
        lag_ms: Option<i64>,
        members: usize,
    ) -> GroupListing {
        GroupListing {
            name: name.into(),
            state: state.into(),
            protocol_type: "consumer".into(),
            members,
            total_lag: lag,
            lag_ms,
            ..Default::default()
        }
    }

    #[test]
    fn the_list_sorts_and_filters_and_keeps_the_selection() {
        let mut s = GroupsState::default();
        s.set_listing(vec![
            listed("alpha", "Stable", Some(5), Some(90_000), 1),
            listed("beta", "Empty", None, None, 0),
            listed("gamma", "Stable", Some(500), Some(2_000), 3),
        ]);
        let names = |s: &GroupsState| s.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&s), ["alpha", "beta", "gamma"]);
        s.selected = 1; // beta
        s.on_key(GroupsKey::Sort, 20, None);
        assert_eq!(s.sort, GroupSort::Lag);
        assert_eq!(
            names(&s),
            ["gamma", "alpha", "beta"],
            "most lag first, unknown last"
        );
        assert_eq!(
            s.selected_name(),
            Some("beta"),
            "the selection follows the group"
        );
        s.on_key(GroupsKey::Sort, 20, None);
        assert_eq!(
            names(&s),
            ["alpha", "gamma", "beta"],
            "oldest unconsumed first"
        );
        s.sort = GroupSort::Members;
        s.refresh_view();
        assert_eq!(names(&s), ["gamma", "alpha", "beta"]);
        s.state_filter = "stab".into();
        s.refresh_view();
        assert_eq!(names(&s), ["gamma", "alpha"]);
        s.filter = "ALP".into();
        s.refresh_view();
        assert_eq!(names(&s), ["alpha"]);
        assert_eq!(s.selected_name(), Some("alpha"));
        assert_eq!(
            s.all.len(),
            3,
            "filtering never drops a group from what readers see"
        );
    }

    #[test]
    fn lag_time_reads_in_the_units_a_person_wants() {
        assert_eq!(lag_time_text(0), "0.0s");
        assert_eq!(lag_time_text(2_345), "2.3s");
        assert_eq!(lag_time_text(130_000), "2m10s");
    }
}
