//! Drawing: the tab bar, the active pane, the status bar, and overlays (help, forms).
//! Every string that came from Kafka goes through `escape` before it reaches the screen.

pub mod columns;
pub mod composer;
pub mod drawn;
pub mod effect;
pub mod form;
pub mod groups;
pub mod help;
pub mod partitions;
pub mod scroll;
pub mod topics;
pub mod watch;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Pane};
use crate::escape::escape_bytes;
use crate::ui::drawn::{Part, Region};

/// `input` with `text` inserted at its cursor, the cursor after it. One allocation for
/// the whole text: a 20,000-character paste must not cost one rebuild per character.
pub fn insert_at_cursor(input: &tui_input::Input, text: &str) -> tui_input::Input {
    let value = input.value();
    let at = value
        .char_indices()
        .nth(input.cursor())
        .map_or(value.len(), |(i, _)| i);
    let mut new = String::with_capacity(value.len() + text.len());
    new.push_str(&value[..at]);
    new.push_str(text);
    new.push_str(&value[at..]);
    let cursor = input.cursor() + text.chars().count();
    tui_input::Input::new(new).with_cursor(cursor)
}

/// `text` cut to `width` display columns (wide characters count two, and are never
/// split), ending in `…` when something was cut.
pub fn fit_str(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    let mut room = width.saturating_sub(1);
    let mut out = String::new();
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if w > room {
            break;
        }
        room -= w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `n` and the noun, plural unless `n` is 1: `1 member`, `3 members`.
pub fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// A hint for a block's border: cut with `…` to what fits between the corners of `area`,
/// so a narrow pane says that it shortened its hint instead of dropping words silently.
pub fn border_hint(text: &str, area: Rect) -> String {
    fit_str(text, area.width.saturating_sub(2) as usize)
}

/// The spans cut to `width` display columns, ending in `…` when something was cut, so a
/// long status never runs into what is drawn beside it.
pub fn fit_spans(spans: Vec<Span<'_>>, width: u16) -> Line<'static> {
    use unicode_width::UnicodeWidthChar;
    let total: usize = spans.iter().map(Span::width).sum();
    let width = width as usize;
    if total <= width {
        return Line::from(
            spans
                .into_iter()
                .map(|s| Span::styled(s.content.into_owned(), s.style))
                .collect::<Vec<_>>(),
        );
    }
    let mut room = width.saturating_sub(1); // for the "…"
    let mut out = Vec::new();
    for s in spans {
        let mut text = String::new();
        for c in s.content.chars() {
            let w = c.width().unwrap_or(0);
            if w > room {
                room = 0;
                break;
            }
            room -= w;
            text.push(c);
        }
        let full = text.len() == s.content.len();
        out.push(Span::styled(text, s.style));
        if !full {
            out.push(Span::styled("…", s.style));
            break;
        }
    }
    Line::from(out)
}

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
    let tab_regions = draw_tabs(frame, tabs, app);
    for region in tab_regions {
        app.drawn.push(region);
    }
    match app.pane {
        Pane::Topics => topics::draw(frame, body, &mut app.topics, &app.groups),
        Pane::Composer => draw_composer(frame, body, app),
        Pane::Live => match app.live.topic.clone() {
            // Wide enough: the groups reading the topic beside it (the watch screen's part).
            Some(topic) if body.width >= LIVE_READERS_MIN_WIDTH => {
                let [live, readers] =
                    Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                        .areas(body);
                partitions::draw(frame, live, &mut app.live);
                let drawn = groups::draw_readers(frame, readers, &topic, &app.groups);
                app.drawn.push(drawn);
            }
            _ => partitions::draw(frame, body, &mut app.live),
        },
        Pane::Groups => groups::draw(frame, body, &mut app.groups),
        Pane::Watch => watch::draw(frame, body, app),
    }
    draw_status(frame, status, app);
    if let Some(form) = &app.form {
        form.draw(frame, body);
    }
    if app.help {
        help::draw(frame, body, app.help_scroll);
    }
    if app.form.is_some() || app.help {
        // Help and forms are modal: what they cover takes no clicks.
        app.drawn.push(Region::new(Part::Overlay, body));
    }
}

/// The composer with what the app knows of its topic, reports and repeat.
fn draw_composer(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let topic = app.composer.topic.value().trim();
    let repeat = app.repeat.as_ref().map(|r| (r.sent, r.total));
    composer::draw(
        frame,
        area,
        &app.composer,
        app.composing,
        app.partitions_of(topic),
        composer::Reports {
            list: &app.deliveries,
            delivered: app.delivery_totals.0,
            failed: app.delivery_totals.1,
            replay: app.replay.as_ref(),
        },
        repeat,
    )
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
    if app.in_flight > 0 {
        spans.push(Span::styled(
            format!("· {} in flight ", app.in_flight),
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
    let hint = if app.part() == Pane::Composer && app.composing {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line<'_>) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn spans_are_cut_by_display_width_with_an_ellipsis() {
        let spans = || vec![Span::raw("ab "), Span::raw("send failed: UnknownPartition")];
        assert_eq!(
            text(&fit_spans(spans(), 80)),
            "ab send failed: UnknownPartition"
        );
        let cut = fit_spans(spans(), 12);
        assert_eq!(text(&cut), "ab send fai…");
        assert_eq!(cut.width(), 12);
        assert_eq!(fit_str("日本語テキスト", 7), "日本語…");
        assert_eq!(fit_str("🇩🇪 ok", 10), "🇩🇪 ok");
        assert!(unicode_width::UnicodeWidthStr::width(fit_str("😀😀😀😀", 5).as_str()) <= 5);
        // Wide characters count two columns and are never split.
        let wide = fit_spans(vec![Span::raw("日本語テキスト")], 6);
        assert_eq!(text(&wide), "日本…");
        assert!(wide.width() <= 6);
    }
}
