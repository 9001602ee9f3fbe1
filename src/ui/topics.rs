//! The topics pane: every topic with partitions, replication, internal flag and a message
//! estimate; below it the selected topic's partitions (leader, replicas, in-sync replicas,
//! watermarks) and the brokers that are up.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, TableState};
use ratatui::Frame;

use crossterm::event::KeyCode;

use crate::escape::escape_bytes;
use crate::kafka::model::{BrokerInfo, PartitionMeta, TopicInfo};
use crate::keys::{Binding, Key};
use crate::ui::columns::{self, Column};

/// What a key does in the topics pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicsKey {
    /// Select the topic above.
    Up,
    /// Select the topic below.
    Down,
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

/// Rows (borders included) the topic list takes of a body `height` rows tall; the rest
/// shows the selected topic's partitions.
pub fn list_height(height: u16) -> u16 {
    (height * 11 / 20).max(4).min(height)
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

/// Draws the topic list with `selected` highlighted, and the selected topic's partitions.
pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    topics: &[TopicInfo],
    brokers: &[BrokerInfo],
    (selected, parts_scroll): (usize, usize),
) {
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
    let rows = topics
        .iter()
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
    let up = if brokers.is_empty() {
        String::new()
    } else {
        format!(
            "· brokers up: {} ",
            ids(&brokers.iter().map(|b| b.id).collect::<Vec<_>>())
        )
    };
    let table = columns::table(&topic_columns, rows, list_area.width.saturating_sub(2))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" Topics ({}) {up}", topics.len()))
                .title_bottom(super::border_hint(&hint, list_area)),
        );
    let selected = (!topics.is_empty()).then_some(selected.min(topics.len().saturating_sub(1)));
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, list_area, &mut state);
    if detail_area.height >= 3 {
        draw_partitions(
            frame,
            detail_area,
            selected.map(|i| &topics[i]),
            parts_scroll,
        );
    }
}

/// The selected topic's partitions, as `kafka-topics --describe` lists them.
fn draw_partitions(frame: &mut Frame<'_>, area: Rect, topic: Option<&TopicInfo>, scroll: usize) {
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
}
