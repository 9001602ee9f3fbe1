//! The whole screen: the tab bar, the active pane (or the watch screen's three parts),
//! the status bar, and the overlays on top (a form, the help). Each part draws itself
//! (`Component::draw`) into the rectangle given here, recording what it drew for
//! clicks. The app does not import this module: it owns the state, this lays it out.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Overlay};
use crate::escape::escape_bytes;
use crate::pane::Pane;
use crate::ui::component::{Component, DrawCtx};
use crate::ui::{fit_spans, groups, watch};

/// Below this size the panes do not fit; a message says so instead.
pub const MIN_SIZE: (u16, u16) = (40, 10);

/// Draws the whole app.
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = format!(
            "kafka-dash needs {}×{} (now {}×{}); q quits",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_tabs(frame, tabs, app);
    match app.pane {
        Pane::Topics => {
            let ctx = DrawCtx {
                groups: Some(&app.groups),
                ..DrawCtx::default()
            };
            app.topics.draw(frame, body, &ctx);
        }
        Pane::Composer => draw_composer(frame, body, app),
        Pane::Live => {
            let ctx = DrawCtx {
                groups: Some(&app.groups),
                ..DrawCtx::default()
            };
            app.live.draw(frame, body, &ctx);
        }
        Pane::Groups => app.groups.draw(frame, body, &DrawCtx::default()),
        Pane::Watch => draw_watch(frame, body, app),
    }
    draw_status(frame, status, app);
    for overlay in app.overlays_mut() {
        match overlay {
            Overlay::Form(form) => form.draw(frame, body, &DrawCtx::default()),
            Overlay::Help(help) => help.draw(frame, body, &DrawCtx::default()),
            // Drawn by the live view, over its own area.
            Overlay::Detail => {}
        }
    }
}

/// The composer, told the partition count of its topic.
fn draw_composer(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let ctx = DrawCtx {
        partitions: app.partitions_of(app.composer.topic.value().trim()),
        ..DrawCtx::default()
    };
    app.composer.draw(frame, area, &ctx);
}

/// The watch screen: a line naming its parts (the focused one marked), then them.
fn draw_watch(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let [parts_line, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let mut spans = vec![Span::raw(" ")];
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
        spans.push(Span::styled(format!(" {name} "), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        "Tab: next part · keys act on the marked one",
        Style::default().fg(Color::DarkGray),
    ));
    frame.render_widget(
        Paragraph::new(fit_spans(spans, parts_line.width)),
        parts_line,
    );
    let (composer_area, live_area, groups_area) = watch::layout(body);
    draw_composer(frame, composer_area, app);
    // The groups reading the topic are a part of their own here, not beside the view.
    app.live.draw(frame, live_area, &DrawCtx::default());
    match app.live.topic.as_deref() {
        Some(topic) => groups::draw_readers(frame, groups_area, topic, &app.groups),
        None => frame.render_widget(
            Paragraph::new(
                " No topic yet: type one in the composer and send, or pick one in Topics (1).",
            )
            .wrap(ratatui::widgets::Wrap { trim: true }),
            groups_area,
        ),
    }
}

fn draw_tabs(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut spans = Vec::new();
    for pane in Pane::ALL {
        let style = if pane == app.pane {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        spans.push(Span::styled(format!(" {} ", pane.title()), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        "kafka-dash",
        Style::default().fg(Color::DarkGray),
    ));
    // A narrow terminal cuts the tabs with …, never in the middle of a word silently.
    frame.render_widget(Paragraph::new(fit_spans(spans, area.width)), area);
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let (dot, state) = match app.connected {
        Some(true) => (
            Span::styled("●", Style::default().fg(Color::Green)),
            "connected",
        ),
        Some(false) => (
            Span::styled("●", Style::default().fg(Color::Red)),
            "disconnected",
        ),
        None => (
            Span::styled("●", Style::default().fg(Color::Yellow)),
            "connecting",
        ),
    };
    let mut spans = vec![
        Span::raw(format!(" {} ", app.cluster)),
        dot,
        Span::raw(format!(" {state} ")),
    ];
    if app.composer.send.in_flight > 0 {
        spans.push(Span::styled(
            format!("· {} in flight ", app.composer.send.in_flight),
            Style::default().fg(Color::Yellow),
        ));
    }
    if let Some(e) = &app.last_error {
        spans.push(Span::styled(
            format!("· {} ", escape_bytes(e.as_bytes())),
            Style::default().fg(Color::Red),
        ));
    } else if let Some(n) = &app.notice {
        spans.push(Span::styled(
            format!("· {} ", escape_bytes(n.as_bytes())),
            Style::default().fg(Color::Green),
        ));
    }
    let hint = if app.part() == Pane::Composer && app.composer.editing {
        "Esc: leave fields · F1 help "
    } else {
        "? help · q quit "
    };
    let [left, _, right] = Layout::horizontal([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(hint.chars().count() as u16),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(fit_spans(spans, left.width)).style(Style::default().bg(Color::Black)),
        left,
    );
    frame.render_widget(
        Paragraph::new(hint).style(Style::default().fg(Color::DarkGray).bg(Color::Black)),
        right,
    );
}
