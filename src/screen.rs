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
use crate::ui::drawn::{Part, Region};
use crate::ui::{fit_spans, groups, watch};

/// Below this size the panes do not fit; a message says so instead.
pub const MIN_SIZE: (u16, u16) = (40, 10);

/// From this width on, the live view shows the groups reading its topic beside it.
const LIVE_READERS_MIN_WIDTH: u16 = 150;

/// Draws the whole app, and records in it what was drawn where (for the mouse).
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    // A part not drawn this frame must not take clicks meant for what is drawn now.
    for drawn in [
        &mut app.drawn,
        &mut app.topics.drawn,
        &mut app.groups.drawn,
        &mut app.live.drawn,
    ] {
        drawn.clear();
    }
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
    for region in draw_tabs(frame, tabs, app) {
        app.drawn.push(region);
    }
    match app.pane {
        Pane::Topics => {
            let ctx = DrawCtx {
                groups: Some(&app.groups),
                ..DrawCtx::default()
            };
            app.topics.draw(frame, body, &ctx);
        }
        Pane::Composer => draw_composer(frame, body, app),
        Pane::Live => draw_live(frame, body, app),
        Pane::Groups => app.groups.draw(frame, body, &DrawCtx::default()),
        Pane::Watch => draw_watch(frame, body, app),
    }
    draw_status(frame, status, app);
    let mut modal = false;
    for overlay in app.overlays_mut() {
        match overlay {
            Overlay::Form(form) => form.draw(frame, body, &DrawCtx::default()),
            Overlay::Help(help) => help.draw(frame, body, &DrawCtx::default()),
            Overlay::Picker(picker) => picker.draw(frame, body),
            // Drawn by the live view, over its own area.
            Overlay::Detail => continue,
        }
        modal = true;
    }
    if modal {
        // Help and forms are modal: what they cover takes no clicks.
        app.drawn.push(Region::new(Part::Overlay, body));
    }
}

/// The live view; from [`LIVE_READERS_MIN_WIDTH`] columns on, the groups reading its
/// topic beside it (the watch screen's part).
fn draw_live(frame: &mut Frame<'_>, body: Rect, app: &mut App) {
    match app.live.topic.clone() {
        Some(topic) if body.width >= LIVE_READERS_MIN_WIDTH => {
            let [live, readers] =
                Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                    .areas(body);
            app.live.draw(frame, live, &DrawCtx::default());
            let drawn = groups::draw_readers(frame, readers, &topic, &app.groups);
            app.drawn.push(drawn);
        }
        _ => app.live.draw(frame, body, &DrawCtx::default()),
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
        Paragraph::new(fit_spans(spans, parts_line.width)),
        parts_line,
    );
    let (composer_area, live_area, groups_area) = watch::layout(body);
    for (part, rect) in [
        (Pane::Composer, composer_area),
        (Pane::Live, live_area),
        (Pane::Groups, groups_area),
    ] {
        app.drawn.push(Region::new(Part::WatchPart(part), rect));
    }
    draw_composer(frame, composer_area, app);
    // The groups reading the topic are a part of their own here, not beside the view.
    app.live.draw(frame, live_area, &DrawCtx::default());
    match app.live.topic.clone() {
        Some(topic) => {
            let drawn = groups::draw_readers(frame, groups_area, &topic, &app.groups);
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

/// Draws the tab bar; returns where each tab's title landed (a tab cut off by a narrow
/// terminal keeps the part that shows).
fn draw_tabs(frame: &mut Frame<'_>, area: Rect, app: &App) -> Vec<Region> {
    let mut spans = Vec::new();
    let mut regions = Vec::new();
    let mut x = area.x;
    for pane in Pane::ALL {
        let style = if pane == app.pane {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        let title = Span::styled(format!(" {} ", pane.title()), style);
        let width = (title.width() as u16).min(area.right().saturating_sub(x));
        if width > 0 {
            regions.push(Region::new(Part::Tab(pane), Rect::new(x, area.y, width, 1)));
        }
        x = x.saturating_add(title.width() as u16 + 1);
        spans.push(title);
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        "kafka-dash",
        Style::default().fg(Color::DarkGray),
    ));
    // A narrow terminal cuts the tabs with …, never in the middle of a word silently.
    frame.render_widget(Paragraph::new(fit_spans(spans, area.width)), area);
    regions
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
    if let Some(to) = &app.switching {
        spans.push(Span::styled(
            format!("· switching to {}… ", escape_bytes(to.as_bytes())),
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
