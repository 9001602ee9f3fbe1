//! The parts of the screen — topics, composer, live view, groups, help, forms — each a
//! [`component::Component`] owning its state, keys, forms and drawing, and the helpers
//! they share (fitting text, counts, border hints). Nothing here knows the app: the app
//! routes input to these parts, and `crate::screen` lays them out.
//! Every string that came from Kafka goes through `escape` before it reaches the screen.

pub mod columns;
pub mod component;
pub mod composer;
pub mod drawn;
pub mod effect;
pub mod form;
pub mod groups;
pub mod help;
pub mod partitions;
pub mod picker;
pub mod scroll;
pub mod send_state;
pub mod topics;
pub mod watch;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

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
