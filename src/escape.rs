//! Bytes and text: message bytes are untrusted, so anything that could steer the terminal
//! (control characters, escape sequences, invalid UTF-8) is shown escaped; and the
//! composer reads `\x00`-style escapes back into bytes.

use std::fmt::Write;

/// Renders bytes as one safe line: printable UTF-8 as is, everything else escaped
/// (`\n`, `\r`, `\t`, `\\`, `\xNN` for other bytes, `\u{NNNN}` for control characters).
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                escape_str_into(s, &mut out);
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                escape_str_into(std::str::from_utf8(valid).expect("valid prefix"), &mut out);
                let bad = e.error_len().unwrap_or(after.len());
                for b in &after[..bad] {
                    let _ = write!(out, "\\x{b:02x}");
                }
                rest = &after[bad..];
            }
        }
    }
    out
}

fn escape_str_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c => escape_char_into(c, out),
        }
    }
}

/// Renders text the user typed (a composer field, a form) as it is drawn: like
/// [`escape_bytes`], except that a backslash stays one — what is typed there is already
/// in the escape syntax (`\x00`), and drawing it doubled would misstate it.
pub fn escape_typed(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        escape_char_into(c, &mut out);
    }
    out
}

fn escape_char_into(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 && c.is_control() => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        // C1 controls, bidi overrides and other invisible format characters; code
        // points with no width a terminal agrees on.
        c if c.is_control() || is_format_char(c) || has_unknown_width(c) => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// Unassigned and private-use code points: terminals, ratatui and fonts each guess their
/// width, and a wrong guess shifts every cell after them (U+0379 left text of other rows
/// behind in the message detail).
fn has_unknown_width(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        c.general_category(),
        GeneralCategory::Unassigned | GeneralCategory::PrivateUse
    )
}

/// Characters a terminal draws as nothing, or as a line break, or that reorder text, or
/// that change the width of the character before them in ways terminals disagree on
/// (flags made of two regional indicators, emoji presentation selectors, skin tones):
/// shown escaped so that what is on screen is what the bytes are, and cell widths hold.
fn is_format_char(c: char) -> bool {
    matches!(
        c as u32,
        0xfe00..=0xfe0f // variation selectors (VS16 widens ❤ to two columns, or not)
            | 0x1f1e6..=0x1f1ff // regional indicators: pairs are flags of uncertain width
            | 0x1f3fb..=0x1f3ff // skin-tone modifiers
            | 0xe0000..=0xe007f // tags (subdivision flags)
            |
        0x00ad // soft hyphen
            | 0x061c // Arabic letter mark
            | 0x180e // Mongolian vowel separator
            | 0x200b..=0x200f // zero-width space, joiners, direction marks
            | 0x2028..=0x2029 // line and paragraph separators
            | 0x202a..=0x202e // bidi embeddings and overrides
            | 0x2060..=0x2064 // word joiner, invisible operators
            | 0x2066..=0x2069 // bidi isolates
            | 0xfeff // zero-width no-break space
            | 0xfff9..=0xfffb // interlinear annotations
    )
}

/// Renders multi-line text safely: like [`escape_bytes`] but keeps line breaks, so a
/// value can be shown as text in the detail view.
pub fn escape_lines(bytes: &[u8]) -> Vec<String> {
    bytes.split(|b| *b == b'\n').map(escape_bytes).collect()
}

/// Parses composer input with escapes (`\n`, `\r`, `\t`, `\0`, `\\`, `\xNN`) into bytes.
/// Errors name the column in characters (what the user sees), counted from 1.
pub fn parse_escapes(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some((_, 'n')) => out.push(b'\n'),
            Some((_, 'r')) => out.push(b'\r'),
            Some((_, 't')) => out.push(b'\t'),
            Some((_, '0')) => out.push(0),
            Some((_, '\\')) => out.push(b'\\'),
            Some((_, 'x')) => {
                let hex: String = (0..2)
                    .filter_map(|_| chars.next().map(|(_, h)| h))
                    .collect();
                // from_str_radix alone would take "+1" as 0x01.
                let byte = Some(&hex)
                    .filter(|h| h.chars().count() == 2 && h.chars().all(|c| c.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        format!("\\x at column {} needs two hex digits, got {hex:?}", i + 1)
                    })?;
                out.push(byte);
            }
            Some((_, other)) => {
                return Err(format!("unknown escape \\{other} at column {}", i + 1))
            }
            None => return Err("a lone \\ at the end (write \\\\ for a backslash)".into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_line_breaking_characters_are_escaped() {
        let shown = escape_bytes("a\u{ad}b\u{2028}c\u{2029}d\u{200b}e".as_bytes());
        assert_eq!(shown, "a\\u{00ad}b\\u{2028}c\\u{2029}d\\u{200b}e");
    }

    #[test]
    fn emoji_whose_width_terminals_disagree_on_are_escaped() {
        assert_eq!(
            escape_bytes("🇩🇪".as_bytes()),
            "\\u{1f1e9}\\u{1f1ea}",
            "a flag is two regional indicators"
        );
        assert_eq!(escape_bytes("❤\u{fe0f}".as_bytes()), "❤\\u{fe0f}");
        assert_eq!(escape_bytes("👍🏽".as_bytes()), "👍\\u{1f3fd}");
        // What stays is drawn the same whether a terminal measures it character by
        // character or as clusters: ratatui and the terminal agree on every cell.
        use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
        for text in [
            "flag 🇩🇪🇫🇷🇯🇵 end",
            "keycap 1\u{fe0f}\u{20e3} heart ❤\u{fe0f} end",
            "family 👨\u{200d}👩\u{200d}👧 thumbs 👍🏽",
            "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f} wales",
            "日本語 😀 plain",
        ] {
            let shown = escape_bytes(text.as_bytes());
            let by_char: usize = shown.chars().map(|c| c.width().unwrap_or(0)).sum();
            assert_eq!(shown.width(), by_char, "{text:?} → {shown:?}");
        }
        assert_eq!(
            escape_bytes("日本語 😀".as_bytes()),
            "日本語 😀",
            "plain wide text stays"
        );
    }

    #[test]
    fn unassigned_and_private_use_code_points_are_escaped() {
        let value = "x\u{379}y\u{379}z\u{379}w".repeat(5);
        let shown = escape_bytes(value.as_bytes());
        assert!(shown.starts_with("x\\u{0379}y\\u{0379}z"), "{shown}");
        assert!(!shown.contains('\u{379}'));
        for c in [
            '\u{378}',
            '\u{e000}',
            '\u{f8ff}',
            '\u{f0000}',
            '\u{10fffd}',
            '\u{fffe}',
        ] {
            let shown = escape_bytes(c.to_string().as_bytes());
            assert_eq!(shown, format!("\\u{{{:04x}}}", c as u32), "{c:?}");
        }
        // Assigned letters of many scripts stay as they are.
        assert_eq!(escape_bytes("Ωж漢字ا".as_bytes()), "Ωж漢字ا");
    }

    #[test]
    fn typed_text_is_drawn_safely_with_its_backslashes_as_typed() {
        assert_eq!(escape_typed("a🇩🇪b"), "a\\u{1f1e9}\\u{1f1ea}b");
        assert_eq!(escape_typed(r"\x00 and \\"), r"\x00 and \\");
        assert_eq!(escape_typed("bell\x07\u{379}"), "bell\\x07\\u{0379}");
    }

    #[test]
    fn hex_escapes_take_exactly_two_hex_digits() {
        assert_eq!(parse_escapes(r"\x41\xfF").unwrap(), b"A\xff");
        assert_eq!(parse_escapes(r"\\x41").unwrap(), br"\x41");
        for bad in [r"\x+1", r"\x-1", r"\x 1", r"\x4", r"\xg0"] {
            assert!(parse_escapes(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn error_columns_count_characters_not_bytes() {
        // "é" and "ä" are two bytes each; columns are what the user sees.
        let e = parse_escapes(r"é\\\q").unwrap_err();
        assert!(e.contains("column 4"), "{e}");
        let e = parse_escapes(r"ää\q").unwrap_err();
        assert!(e.contains("column 3"), "{e}");
    }

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(escape_bytes(b"\x1b[2J"), "\\x1b[2J");
        assert_eq!(escape_bytes(b"\x1b]0;title\x07"), "\\x1b]0;title\\x07");
        assert_eq!(escape_bytes(b"a\rb\0c"), "a\\rb\\x00c");
        assert_eq!(escape_bytes(b"\xff\xfeok"), "\\xff\\xfeok");
        assert_eq!(
            escape_bytes("\u{9b}31m \u{202e}".as_bytes()),
            "\\u{009b}31m \\u{202e}"
        );
        assert_eq!(escape_bytes("Grüße ✓".as_bytes()), "Grüße ✓");
    }

    #[test]
    fn input_escapes_round_trip() {
        assert_eq!(
            parse_escapes("a\\x00\\xff\\n\\\\").unwrap(),
            b"a\x00\xff\n\\"
        );
        assert_eq!(escape_bytes(&parse_escapes("x\\x1by").unwrap()), "x\\x1by");
        assert!(parse_escapes("\\xg0").is_err());
        assert!(parse_escapes("\\q").is_err());
        assert!(parse_escapes("end\\").is_err());
    }
}
