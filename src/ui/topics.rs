//! The topics pane: every topic with partitions, replication, internal flag and a message
//! estimate; below it the selected topic's partitions (leader, replicas, in-sync replicas,
//! watermarks) and the brokers that are up. Its forms (create, grow, delete) are built
//! and parsed in `topics/forms.rs`.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, TableState};
use ratatui::Frame;

use crossterm::event::{KeyCode, KeyEvent};

use crate::escape::escape_bytes;
use crate::kafka::messages::KafkaCommand;
use crate::kafka::model::{BrokerInfo, PartitionMeta, TopicInfo};
use crate::keys::{Binding, Key};
use crate::ui::columns::{self, Column};
use crate::ui::component::{Component, Ctx, DrawCtx};
use crate::ui::drawn::{Part, Region};
use crate::ui::effect::Effect;
use crate::ui::form::Form;
use crate::ui::groups::GroupsState;
use crate::ui::scroll::keep_in_view;

pub mod forms;

/// What a key does in the topics pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicsKey {
    /// Select the topic above.
    Up,
    /// Select the topic below.
    Down,
    /// Select the topic a page up.
    PageUp,
    /// Select the topic a page down.
    PageDown,
    /// Select the first topic.
    First,
    /// Select the last topic.
    Last,
    /// Watch the topic live from its beginning.
    Watch,
    /// Compose a message to it.
    Compose,
    /// Create a topic.
    Create,
    /// Add partitions.
    AddPartitions,
    /// Delete it.
    Delete,
    /// Read the topic list again now.
    Refresh,
    /// Scroll the selected topic's partitions up a page.
    PartitionsUp,
    /// Scroll the selected topic's partitions down a page.
    PartitionsDown,
    /// Filter the list by name.
    Filter,
}

/// The topics pane's keys.
pub const KEYS: &[Binding<TopicsKey>] = &[
    Binding::new(
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        TopicsKey::Up,
        "select the topic above",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        TopicsKey::Down,
        "select the topic below",
    ),
    Binding::new(
        &[Key::plain(KeyCode::PageUp)],
        TopicsKey::PageUp,
        "a page of topics up",
    ),
    Binding::new(
        &[Key::plain(KeyCode::PageDown)],
        TopicsKey::PageDown,
        "a page of topics down",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Home), Key::ch('g')],
        TopicsKey::First,
        "first topic",
    ),
    Binding::new(
        &[Key::plain(KeyCode::End), Key::ch('G')],
        TopicsKey::Last,
        "last topic",
    ),
    Binding::new(
        &[Key::plain(KeyCode::Enter)],
        TopicsKey::Watch,
        "watch it live from the beginning",
    )
    .hinted("Enter watch"),
    Binding::new(
        &[Key::ch('w')],
        TopicsKey::Compose,
        "compose a message to it",
    )
    .hinted("w compose"),
    Binding::new(&[Key::ch('c')], TopicsKey::Create, "create a topic").hinted("c create"),
    Binding::new(
        &[Key::ch('/')],
        TopicsKey::Filter,
        "filter the list by name (empty: all)",
    )
    .hinted("/ filter"),
    Binding::new(
        &[Key::ch('p'), Key::ch('+')],
        TopicsKey::AddPartitions,
        "add partitions",
    )
    .hinted("p add partitions"),
    Binding::new(
        &[Key::ch('d'), Key::plain(KeyCode::Delete)],
        TopicsKey::Delete,
        "delete it (type the name to confirm)",
    )
    .hinted("d delete"),
    Binding::new(
        &[Key::ch('r')],
        TopicsKey::Refresh,
        "read the topic list again now",
    )
    .hinted("r refresh"),
];

/// What the mouse does in the topics pane.
pub const MOUSE: &[(&str, &str)] = &[("click  wheel", "select a topic")];

/// State of the topics pane.
#[derive(Debug, Clone, Default)]
pub struct TopicsState {
    /// The topics shown: those of the last metadata answer whose name passes the filter.
    pub list: Vec<TopicInfo>,
    /// Every topic, as the last metadata answer listed them.
    pub all: Vec<TopicInfo>,
    /// Shown are the topics whose name contains this, in any case (empty: all).
    pub filter: String,
    /// The brokers in that answer.
    pub brokers: Vec<BrokerInfo>,
    /// Selected row.
    pub selected: usize,
    /// First row shown of the selected topic's partitions (it scrolls with `[` `]`).
    pub parts_scroll: usize,
    /// The first topic row of the last frame, so the list scrolls only when it must.
    pub list_top: usize,
    /// Where the last frame drew the list and the partitions (for the mouse).
    pub drawn: crate::ui::drawn::Drawn,
}

impl TopicsState {
    /// The selected topic.
    pub fn selected_topic(&self) -> Option<&TopicInfo> {
        self.list.get(self.selected)
    }

    /// Whether the cluster has a topic of this name (shown or filtered out).
    pub fn has(&self, name: &str) -> bool {
        self.all.iter().any(|t| t.name == name)
    }

    /// A new topic list; the selection stays within it.
    pub fn set(&mut self, list: Vec<TopicInfo>) {
        self.all = list;
        self.refilter();
    }

    /// A new filter: the list shows the topics whose name contains it.
    pub fn set_filter(&mut self, filter: String) {
        self.filter = filter;
        self.refilter();
    }

    /// Rebuilds the shown list from every topic and the filter.
    fn refilter(&mut self) {
        // The selection stays on its topic when others are created or deleted before
        // it (Enter or `p` must act on the topic the user chose, not on its old row).
        let chosen = self.selected_topic().map(|t| t.name.clone());
        let needle = self.filter.to_lowercase();
        self.list = self
            .all
            .iter()
            .filter(|t| needle.is_empty() || t.name.to_lowercase().contains(&needle))
            .cloned()
            .collect();
        let kept = chosen.and_then(|name| self.list.iter().position(|t| t.name == name));
        self.selected = kept.unwrap_or(self.selected.min(self.list.len().saturating_sub(1)));
    }

    /// Moves the selection by `delta` rows; another topic's partitions start at the top.
    pub fn scroll(&mut self, delta: isize) {
        let n = self.list.len() as isize;
        let before = self.selected;
        self.selected = (self.selected as isize + delta).clamp(0, (n - 1).max(0)) as usize;
        if self.selected != before {
            self.parts_scroll = 0;
        }
    }

    /// Acts on a key of the pane's table in a body `body_height` rows tall.
    pub fn on_key(&mut self, action: TopicsKey, body_height: u16) -> Vec<Effect> {
        let selected = self.selected_topic().map(|t| t.name.clone());
        match action {
            TopicsKey::Up => self.scroll(-1),
            TopicsKey::Down => self.scroll(1),
            TopicsKey::PageUp => self.scroll(-(list_rows(body_height).max(1) as isize)),
            TopicsKey::PageDown => self.scroll(list_rows(body_height).max(1) as isize),
            TopicsKey::First => self.scroll(isize::MIN / 2),
            TopicsKey::Last => self.scroll(isize::MAX / 2),
            TopicsKey::PartitionsUp | TopicsKey::PartitionsDown => {
                let len = self.selected_topic().map_or(0, |t| t.partition_meta.len());
                let pages = if action == TopicsKey::PartitionsUp {
                    -1
                } else {
                    1
                };
                self.parts_scroll = crate::ui::scroll::page(
                    self.parts_scroll,
                    len,
                    partition_rows(body_height),
                    pages,
                );
            }
            TopicsKey::Watch => {
                return selected
                    .map(|t| Effect::Watch(t, crate::kafka::messages::StartFrom::Beginning))
                    .into_iter()
                    .collect()
            }
            TopicsKey::Compose => return selected.map(Effect::Compose).into_iter().collect(),
            TopicsKey::Refresh => return vec![Effect::Command(KafkaCommand::RefreshTopics)],
            TopicsKey::Create => return vec![Effect::Form(forms::create())],
            TopicsKey::Filter => return vec![Effect::Form(forms::filter(&self.filter))],
            TopicsKey::AddPartitions => {
                if let Some(t) = self.selected_topic() {
                    let (name, current) = (t.name.clone(), t.partitions);
                    // Kafka maps each group (or transactional id) to a partition of an
                    // internal topic by the partition count: growing one moves them all.
                    if t.internal {
                        return vec![Effect::Error(format!(
                            "{name} is internal: Kafka finds each group's offsets by its partition count, so it is not grown from here"
                        ))];
                    }
                    return vec![Effect::Form(forms::add_partitions(&name, current))];
                }
            }
            TopicsKey::Delete => {
                if let Some(t) = selected {
                    return vec![Effect::Form(forms::delete(&t))];
                }
            }
        }
        Vec::new()
    }

    /// A click at `pos` on a topic row of the last frame selects that topic (found by
    /// name: the list may have changed since it was drawn).
    pub fn click(&mut self, pos: Position) {
        let Some(hit) = self.drawn.hit(pos) else {
            return;
        };
        if let (Part::TopicList, Some(name)) = (hit.part, hit.name) {
            if let Some(i) = self.list.iter().position(|t| t.name == name) {
                self.scroll(i as isize - self.selected as isize);
            }
        }
    }

    /// The wheel at `pos`, `delta` rows: over the list it moves the selection, over the
    /// partitions it scrolls them.
    pub fn wheel(&mut self, pos: Position, delta: isize) {
        let Some(region) = self.drawn.hit(pos).and_then(|h| self.drawn.get(h.part)) else {
            return;
        };
        match region.part {
            Part::TopicList => self.scroll(delta),
            Part::TopicPartitions => {
                let len = self.selected_topic().map_or(0, |t| t.partition_meta.len());
                let room = region.room();
                self.parts_scroll = crate::ui::scroll::by_rows(self.parts_scroll, len, room, delta);
            }
            _ => {}
        }
    }

    /// The first topic row drawn in a body `body_height` rows tall: the selection is
    /// kept in view, and the view moves only when it has to (remembered for the next).
    pub fn list_first(&mut self, body_height: u16) -> usize {
        let rows = list_rows(body_height);
        let selected = self.selected.min(self.list.len().saturating_sub(1));
        self.list_top = keep_in_view(self.list_top, selected, rows, self.list.len());
        self.list_top
    }
}

impl Component for TopicsState {
    fn key(&mut self, key: KeyEvent, ctx: &Ctx) -> Option<Vec<Effect>> {
        crate::keys::lookup(KEYS, &key).map(|a| self.on_key(a, ctx.body.1))
    }

    fn click(&mut self, column: u16, row: u16) -> Vec<Effect> {
        TopicsState::click(self, Position::new(column, row));
        Vec::new()
    }

    fn submit(&mut self, form: &Form, _ctx: &Ctx) -> Result<Vec<Effect>, String> {
        if form.kind == crate::ui::form::FormKind::TopicFilter {
            self.set_filter(forms::parse_filter(form));
            return Ok(Vec::new());
        }
        forms::submit(form).map(|c| vec![Effect::Command(c)])
    }

    fn hints(&self) -> String {
        crate::keys::hint(KEYS)
    }

    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, ctx: &DrawCtx<'_>) {
        let none = GroupsState::default();
        draw(frame, area, self, ctx.groups.unwrap_or(&none));
    }
}

/// Rows (borders included) the topic list takes of a body `height` rows tall; the rest
/// shows the selected topic's partitions.
pub fn list_height(height: u16) -> u16 {
    (height * 11 / 20).max(4).min(height)
}

/// Topic rows the list shows at once in a body `height` rows tall (borders and header
/// taken off).
fn list_rows(height: u16) -> usize {
    list_height(height).saturating_sub(3) as usize
}

/// Partition rows the selected topic's list shows at once in a body `height` rows tall.
pub fn partition_rows(height: u16) -> usize {
    height.saturating_sub(list_height(height)).saturating_sub(3) as usize
}

/// Broker ids joined by commas, e.g. `2,3,1`.
fn ids(v: &[i32]) -> String {
    v.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// What is wrong with a partition's replication, if anything.
pub fn partition_health(p: &PartitionMeta) -> &'static str {
    if p.leader < 0 {
        "offline"
    } else if p.isr.len() < p.replicas.len() {
        "under-replicated"
    } else {
        "ok"
    }
}

/// Draws the topic list with its selection, the selected topic's partitions and the
/// groups reading it.
pub fn draw(frame: &mut Frame<'_>, area: Rect, s: &mut TopicsState, groups: &GroupsState) {
    // Only the rows in view are built: a cluster may have thousands of topics, and the
    // pane is redrawn every second.
    let first = s.list_first(area.height);
    let (topics, brokers, selected, parts_scroll) =
        (&s.list, &s.brokers, s.selected, s.parts_scroll);
    let [list_area, detail_area] = Layout::vertical([
        Constraint::Length(list_height(area.height)),
        Constraint::Min(0),
    ])
    .areas(area);
    let topic_columns = [
        Column::new("topic", 9).at_most(60),
        Column::new("partitions", 8),
        Column::new("replication", 5),
        Column::new("internal", 3),
        Column::new("messages (≈ high − low)", 7),
    ];
    let shown = list_rows(area.height);
    let rows = topics
        .iter()
        .skip(first)
        .take(shown)
        .map(|t| {
            (
                vec![
                    escape_bytes(t.name.as_bytes()),
                    t.partitions.to_string(),
                    t.replication.to_string(),
                    if t.internal {
                        "yes".into()
                    } else {
                        String::new()
                    },
                    t.messages.map_or("?".into(), |m| m.to_string()),
                ],
                Style::default(),
            )
        })
        .collect();
    let hint = crate::keys::hint(KEYS);
    // The count and the ids apart: the embedded broker's id is 0, and "up: 0" read as
    // "no broker".
    let up = match brokers.len() {
        0 => String::new(),
        n => format!(
            "· {n} broker{} up (id{} {}) ",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" },
            ids(&brokers.iter().map(|b| b.id).collect::<Vec<_>>())
        ),
    };
    let rows_note = crate::ui::scroll::shown(first, shown, topics.len());
    // Filtered: how many of how many, and by what (escaped: it is drawn).
    let count = if s.filter.is_empty() {
        topics.len().to_string()
    } else {
        format!(
            "{} of {} · filter \"{}\"",
            topics.len(),
            s.all.len(),
            escape_bytes(s.filter.as_bytes())
        )
    };
    let table = columns::table(&topic_columns, rows, list_area.width.saturating_sub(2))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(super::border_hint(
                    &format!(" Topics ({count}){rows_note} {up}"),
                    list_area,
                ))
                .title_bottom(super::border_hint(&hint, list_area)),
        );
    let selected = (!topics.is_empty()).then_some(selected.min(topics.len().saturating_sub(1)));
    let mut state = TableState::default().with_selected(selected.map(|i| i - first.min(i)));
    let built = topics.len().saturating_sub(first).min(shown);
    frame.render_stateful_widget(table, list_area, &mut state);
    // The table may have scrolled further to show the selection: its offset says so.
    let drawn_first = first + state.offset();
    let names = topics
        .iter()
        .skip(drawn_first)
        .take(built.saturating_sub(state.offset()))
        .map(|t| t.name.clone())
        .collect::<Vec<_>>();
    s.drawn.push(
        Region::table(Part::TopicList, list_area, drawn_first, names.len()).with_names(names),
    );
    if detail_area.height >= 3 {
        let topic = selected.map(|i| &topics[i]);
        // Wide enough: the groups reading the topic beside its partitions.
        let (parts_area, readers_area) = if detail_area.width >= 110 {
            let [a, b] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(detail_area);
            (a, Some(b))
        } else {
            (detail_area, None)
        };
        let drawn = draw_partitions(frame, parts_area, topic, parts_scroll);
        s.drawn.push(drawn);
        if let (Some(area), Some(t)) = (readers_area, topic) {
            let drawn = crate::ui::groups::draw_readers(frame, area, &t.name, groups);
            s.drawn.push(drawn);
        }
    }
}

/// The selected topic's partitions, as `kafka-topics --describe` lists them; returns
/// where they were drawn.
fn draw_partitions(
    frame: &mut Frame<'_>,
    area: Rect,
    topic: Option<&TopicInfo>,
    scroll: usize,
) -> Region {
    let title = match topic {
        Some(t) => format!(" {} · partitions ", escape_bytes(t.name.as_bytes())),
        None => " partitions ".into(),
    };
    let part_columns = [
        Column::new("partition", 9),
        Column::new("leader", 8),
        Column::new("replicas", 5).at_most(40),
        Column::new("in-sync", 6).at_most(40),
        Column::new("low", 4),
        Column::new("high", 7),
        Column::new("state", 8),
    ];
    let mark = |o: Option<i64>| o.map_or("?".into(), |v| v.to_string());
    let all = topic
        .map(|t| t.partition_meta.as_slice())
        .unwrap_or_default();
    let shown = area.height.saturating_sub(3) as usize;
    let first = crate::ui::scroll::clamp_scroll(scroll, all.len(), shown);
    let hint = crate::ui::scroll::rows_hint("partitions", first, shown, all.len(), "[ ]");
    let rows = all
        .iter()
        .skip(first)
        .take(shown)
        .map(|p| {
            let health = partition_health(p);
            let style = match health {
                "ok" => Style::default(),
                "offline" => Style::default().fg(Color::Red),
                _ => Style::default().fg(Color::Yellow),
            };
            (
                vec![
                    p.id.to_string(),
                    if p.leader < 0 {
                        "none".into()
                    } else {
                        p.leader.to_string()
                    },
                    ids(&p.replicas),
                    ids(&p.isr),
                    mark(p.low),
                    mark(p.high),
                    health.to_string(),
                ],
                style,
            )
        })
        .collect();
    frame.render_widget(
        columns::table(&part_columns, rows, area.width.saturating_sub(2)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(super::border_hint(&title, area))
                .title_bottom(super::border_hint(&hint, area)),
        ),
        area,
    );
    let drawn_rows = all.len().saturating_sub(first).min(shown);
    Region::table(Part::TopicPartitions, area, first, drawn_rows)
}
