//! The topics pane: every topic with partitions, replication, internal flag and a message
//! estimate; below it the selected topic's partitions (leader, replicas, in-sync replicas,
//! watermarks) and the brokers that are up.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Row, Table, TableState};
use ratatui::Frame;

use crate::escape::escape_bytes;
use crate::kafka::model::{BrokerInfo, PartitionMeta, TopicInfo};

/// Rows (borders included) the topic list takes of a body `height` rows tall; the rest
/// shows the selected topic's partitions.
pub fn list_height(height: u16) -> u16 {
    (height * 11 / 20).max(4).min(height)
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
    selected: usize,
) {
    let [list_area, detail_area] = Layout::vertical([
        Constraint::Length(list_height(area.height)),
        Constraint::Min(0),
    ])
    .areas(area);
    let header = Row::new([
        "topic",
        "partitions",
        "replication",
        "internal",
        "messages (≈ high − low)",
    ])
    .style(Style::default().add_modifier(Modifier::BOLD));
    let rows = topics.iter().map(|t| {
        Row::new(vec![
            escape_bytes(t.name.as_bytes()),
            t.partitions.to_string(),
            t.replication.to_string(),
            if t.internal {
                "yes".into()
            } else {
                String::new()
            },
            t.messages.map_or("?".into(), |m| m.to_string()),
        ])
    });
    let widths = [
        Constraint::Min(20),
        Constraint::Length(11),
        Constraint::Length(12),
        Constraint::Length(9),
        Constraint::Length(24),
    ];
    let hint = " Enter watch · w compose · c create · p add partitions · d delete · r refresh ";
    let up = if brokers.is_empty() {
        String::new()
    } else {
        format!(
            "· brokers up: {} ",
            ids(&brokers.iter().map(|b| b.id).collect::<Vec<_>>())
        )
    };
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" Topics ({}) {up}", topics.len()))
                .title_bottom(super::border_hint(hint, list_area)),
        );
    let selected = (!topics.is_empty()).then_some(selected.min(topics.len().saturating_sub(1)));
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, list_area, &mut state);
    if detail_area.height >= 3 {
        draw_partitions(frame, detail_area, selected.map(|i| &topics[i]));
    }
}

/// The selected topic's partitions, as `kafka-topics --describe` lists them.
fn draw_partitions(frame: &mut Frame<'_>, area: Rect, topic: Option<&TopicInfo>) {
    let title = match topic {
        Some(t) => format!(" {} · partitions ", escape_bytes(t.name.as_bytes())),
        None => " partitions ".into(),
    };
    let header = Row::new([
        "partition",
        "leader",
        "replicas",
        "in-sync",
        "low",
        "high",
        "state",
    ])
    .style(Style::default().add_modifier(Modifier::BOLD));
    let mark = |o: Option<i64>| o.map_or("?".into(), |v| v.to_string());
    let rows = topic
        .map(|t| t.partition_meta.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|p| {
            let health = partition_health(p);
            let style = match health {
                "ok" => Style::default(),
                "offline" => Style::default().fg(Color::Red),
                _ => Style::default().fg(Color::Yellow),
            };
            Row::new(vec![
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
            ])
            .style(style)
        });
    let widths = [
        Constraint::Length(9),
        Constraint::Length(6),
        Constraint::Min(8),
        Constraint::Min(8),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(16),
    ];
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}
