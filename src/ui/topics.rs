//! The topics pane: every topic with partitions, replication, internal flag and a message
//! estimate.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Row, Table, TableState};
use ratatui::Frame;

use crate::escape::escape_bytes;
use crate::kafka::model::TopicInfo;

/// Draws the topic list with `selected` highlighted.
pub fn draw(frame: &mut Frame<'_>, area: Rect, topics: &[TopicInfo], selected: usize) {
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
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" Topics ({}) ", topics.len()))
                .title_bottom(hint),
        );
    let mut state = TableState::default().with_selected(
        (!topics.is_empty()).then_some(selected.min(topics.len().saturating_sub(1))),
    );
    frame.render_stateful_widget(table, area, &mut state);
}
