//! The watch screen: the composer with its delivery reports, the live view of the topic
//! (partitions and newest messages) and the groups reading it, drawn by the same parts as
//! their own tabs, so a send, its delivery report, the high watermark, the message and the
//! groups' lag change on one screen.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Pane};
use crate::ui::drawn::{Part, Region};

/// Rows the composer takes: its fields, the feedback lines and the borders.
const COMPOSER_ROWS: u16 = 11;

/// Where each part goes in a body of `area`: composer, live view, groups. Wide screens
/// put the composer over the groups on the left and the live view on the right; others
/// stack the three.
pub fn layout(area: Rect) -> (Rect, Rect, Rect) {
    if area.width >= 160 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(area);
        let [composer, groups] = Layout::vertical([
            Constraint::Length(COMPOSER_ROWS.max(left.height / 2)),
            Constraint::Min(4),
        ])
        .areas(left);
        (composer, right, groups)
    } else {
        let groups_rows = (area.height / 4).max(5);
        let [composer, live, groups] = Layout::vertical([
            Constraint::Length(COMPOSER_ROWS.min(area.height / 3).max(6)),
            Constraint::Min(6),
            Constraint::Length(groups_rows),
        ])
        .areas(area);
        (composer, live, groups)
    }
}

/// Draws the watch screen: a line naming its parts (the focused one marked), then them.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let [parts_line, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let mut spans = vec![Span::raw(" ")];
    // Each part's name takes clicks too: a click there marks that part.
    let mut x = parts_line.x + 1;
    for part in Pane::WATCH_PARTS {
        let name = match part {
            Pane::Composer => "compose",
            Pane::Live => "live",
            _ => "groups",
        };
        let style = if part == app.watch_focus {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        let label = Span::styled(format!(" {name} "), style);
        let width = (label.width() as u16).min(parts_line.right().saturating_sub(x));
        if width > 0 {
            let rect = Rect::new(x, parts_line.y, width, 1);
            app.drawn.push(Region::new(Part::WatchPart(part), rect));
        }
        x = x.saturating_add(label.width() as u16 + 1);
        spans.push(label);
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        "Tab: next part · keys act on the marked one",
        Style::default().fg(Color::DarkGray),
    ));
    frame.render_widget(
        Paragraph::new(super::fit_spans(spans, parts_line.width)),
        parts_line,
    );
    let (composer_area, live_area, groups_area) = layout(body);
    for (part, rect) in [
        (Pane::Composer, composer_area),
        (Pane::Live, live_area),
        (Pane::Groups, groups_area),
    ] {
        app.drawn.push(Region::new(Part::WatchPart(part), rect));
    }
    super::draw_composer(frame, composer_area, app);
    super::partitions::draw(frame, live_area, &mut app.live);
    match app.live.topic.clone() {
        Some(topic) => {
            let drawn = super::groups::draw_readers(frame, groups_area, &topic, &app.groups);
            app.drawn.push(drawn);
        }
        None => frame.render_widget(
            Paragraph::new(
                " No topic yet: type one in the composer and send, or pick one in Topics (1).",
            )
            .wrap(ratatui::widgets::Wrap { trim: true }),
            groups_area,
        ),
    }
}
