//! Terminal bytes to crossterm events, one byte at a time, never stuck.
//!
//! crossterm 0.29's parser waits for more bytes after `ESC [ ?` and after any unfinished
//! sequence, and keeps waiting while every later byte — Ctrl-C included — joins the
//! sequence (crossterm issue #1104). This one follows ECMA-48: a sequence ends at its
//! final byte (0x40–0x7E) whether or not it is known, C0 controls inside it are acted on,
//! ESC restarts it, and the reader calls [`Parser::flush`] when no byte came for
//! [`Parser::wait`]: a lone ESC is then the Esc key and an unfinished sequence is dropped.

use std::time::Duration;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};

/// How long an unfinished sequence waits for its next byte. Terminals write a key's
/// sequence in one go, so a longer gap means a person pressed Esc (or Alt-[ and more).
pub const SEQUENCE_WAIT: Duration = Duration::from_millis(50);
/// How long a bracketed paste may pause before what arrived is delivered as the paste
/// (a slow link can stall a big paste; a lost end marker must not eat the keyboard).
pub const PASTE_WAIT: Duration = Duration::from_secs(1);
/// Parameter bytes kept for one sequence; a longer one is read to its end and dropped.
const MAX_PARAMS: usize = 64;
/// What ends a bracketed paste.
const PASTE_END: &[u8] = b"\x1b[201~";
const ESC: u8 = 0x1b;
const CTRL_C: u8 = 0x03;

/// Where the parser is inside the byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Between keys.
    #[default]
    Ground,
    /// Inside a UTF-8 character of `len` bytes (Alt held when it followed an ESC).
    Utf8 { len: usize, alt: bool },
    /// After an ESC: the Esc key, an Alt+key, or the start of a sequence.
    Escape,
    /// After `ESC [`: parameter and intermediate bytes until a final byte.
    Csi,
    /// After `ESC O`: an SS3 key, optionally with parameters.
    Ss3,
    /// After `ESC [ [`: the Linux console's F1–F5.
    LinuxFn,
    /// After `ESC [ M`: a legacy mouse report's three raw bytes.
    X10Mouse,
    /// Inside a bracketed paste.
    Paste,
    /// After `ESC ]`, `ESC P` or `ESC _` (OSC, DCS, APC: a terminal's answer to a
    /// query): its text up to BEL or `ESC \`, dropped; `esc` after an ESC inside it.
    Text { intro: u8, esc: bool },
}

/// Turns terminal input bytes into the events the app consumes.
#[derive(Debug, Default)]
pub struct Parser {
    state: State,
    /// The bytes of the unfinished character or sequence (after `ESC [` or `ESC O`).
    pending: Vec<u8>,
    /// The sequence outgrew [`MAX_PARAMS`]; it is dropped at its final byte.
    overflow: bool,
    /// The text of the paste in progress.
    paste: Vec<u8>,
}

impl Parser {
    /// Parses `bytes`, appending finished events to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Event>) {
        for &b in bytes {
            self.byte(b, out);
        }
    }

    /// No byte came for [`Parser::wait`]: a lone ESC (or `ESC [`, `ESC O`) becomes its
    /// key, a paste ends with what arrived, anything else unfinished is dropped.
    pub fn flush(&mut self, out: &mut Vec<Event>) {
        match self.state {
            State::Escape => out.push(key(KeyCode::Esc, KeyModifiers::NONE)),
            State::Csi if self.pending.is_empty() && !self.overflow => {
                out.push(key(KeyCode::Char('['), KeyModifiers::ALT))
            }
            State::Ss3 if self.pending.is_empty() => out.push(char_key('O', KeyModifiers::ALT)),
            // Nothing after `ESC ]`: it was Alt+].
            State::Text { intro, esc: false } if self.pending.is_empty() => {
                out.push(char_key(intro as char, KeyModifiers::ALT))
            }
            State::Paste => self.end_paste(out),
            // A sequence cut short: its bytes as keys would type garbage or act as
            // commands (`1` switches panes), so a lost key beats an invented one.
            _ => {}
        }
        self.reset();
    }

    /// How long to wait for more input before calling [`Parser::flush`]; `None` when
    /// nothing is pending.
    pub fn wait(&self) -> Option<Duration> {
        match self.state {
            State::Ground => None,
            State::Paste => Some(PASTE_WAIT),
            _ => Some(SEQUENCE_WAIT),
        }
    }

    /// True when no bytes are held back.
    pub fn is_idle(&self) -> bool {
        self.state == State::Ground && self.pending.is_empty() && self.paste.is_empty()
    }

    fn reset(&mut self) {
        self.state = State::Ground;
        self.pending.clear();
        self.overflow = false;
    }

    fn byte(&mut self, b: u8, out: &mut Vec<Event>) {
        match self.state {
            State::Ground => self.ground(b, out),
            State::Utf8 { len, alt } => self.utf8(b, len, alt, out),
            State::Escape => self.escape(b, out),
            State::Csi => self.csi(b, out),
            State::Ss3 => self.ss3(b, out),
            State::LinuxFn => self.linux_fn(b, out),
            State::X10Mouse => self.x10_mouse(b, out),
            State::Paste => self.paste_byte(b, out),
            State::Text { intro, esc } => self.text(b, intro, esc, out),
        }
    }

    /// A byte of an OSC, DCS or APC string: it ends at BEL or `ESC \`; its text never
    /// becomes keys (an unfinished one used to type `52;c;…` into the focused field).
    fn text(&mut self, b: u8, intro: u8, esc: bool, out: &mut Vec<Event>) {
        match (esc, b) {
            (_, CTRL_C) => {
                self.reset();
                out.push(Event::Key(control_key(b)));
            }
            (false, 0x07) | (true, b'\\') => self.reset(),
            (false, ESC) => self.state = State::Text { intro, esc: true },
            // Any other ESC starts a new sequence, as ECMA-48 has it.
            (true, _) => {
                self.reset();
                self.state = State::Escape;
                self.escape(b, out);
            }
            (false, _) => {
                if self.pending.is_empty() {
                    self.pending.push(b);
                }
            }
        }
    }

    fn ground(&mut self, b: u8, out: &mut Vec<Event>) {
        match b {
            ESC => self.state = State::Escape,
            0x00..=0x1f | 0x7f => out.push(Event::Key(control_key(b))),
            0x20..=0x7e => out.push(char_key(b as char, KeyModifiers::NONE)),
            _ => self.start_utf8(b, false),
        }
    }

    /// A UTF-8 lead byte starts a character; a stray continuation or invalid byte is
    /// dropped.
    fn start_utf8(&mut self, b: u8, alt: bool) {
        let len = match b {
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return self.reset(),
        };
        self.pending.clear();
        self.pending.push(b);
        self.state = State::Utf8 { len, alt };
    }

    fn utf8(&mut self, b: u8, len: usize, alt: bool, out: &mut Vec<Event>) {
        if b & 0xc0 != 0x80 {
            // The character was cut short; the byte is the start of what comes next.
            self.reset();
            return self.ground(b, out);
        }
        self.pending.push(b);
        if self.pending.len() < len {
            return;
        }
        let mods = if alt {
            KeyModifiers::ALT
        } else {
            KeyModifiers::NONE
        };
        // Overlong forms and surrogates fail here and are dropped.
        if let Some(c) = std::str::from_utf8(&self.pending)
            .ok()
            .and_then(|s| s.chars().next())
        {
            out.push(char_key(c, mods));
        }
        self.reset();
    }

    fn escape(&mut self, b: u8, out: &mut Vec<Event>) {
        self.reset();
        match b {
            // Esc pressed twice is two Esc keys.
            ESC => {
                out.push(key(KeyCode::Esc, KeyModifiers::NONE));
                self.state = State::Escape;
            }
            b'[' => self.state = State::Csi,
            b'O' => self.state = State::Ss3,
            b']' | b'P' | b'_' => {
                self.state = State::Text {
                    intro: b,
                    esc: false,
                }
            }
            // Ctrl-C stands for itself even right after an ESC: it always quits.
            CTRL_C => {
                out.push(key(KeyCode::Esc, KeyModifiers::NONE));
                out.push(Event::Key(control_key(b)));
            }
            0x00..=0x1f | 0x7f => {
                let mut k = control_key(b);
                k.modifiers |= KeyModifiers::ALT;
                out.push(Event::Key(k));
            }
            0x20..=0x7e => out.push(char_key(b as char, KeyModifiers::ALT)),
            0xc2..=0xf4 => self.start_utf8(b, true),
            _ => out.push(key(KeyCode::Esc, KeyModifiers::NONE)),
        }
    }

    /// Bytes every sequence treats alike; true when `b` was one of them.
    fn in_sequence(&mut self, b: u8, out: &mut Vec<Event>) -> bool {
        match b {
            // ESC restarts the sequence.
            ESC => {
                self.reset();
                self.state = State::Escape;
            }
            // ECMA-48: C0 controls inside a control sequence are executed.
            0x00..=0x1f | 0x7f => out.push(Event::Key(control_key(b))),
            // Parameter and intermediate bytes.
            0x20..=0x3f => {
                if self.pending.len() < MAX_PARAMS {
                    self.pending.push(b);
                } else {
                    self.overflow = true;
                }
            }
            // Final bytes are each state's own business.
            0x40..=0x7e => return false,
            // Not part of any sequence: it is dropped, the byte starts what comes next.
            _ => {
                self.reset();
                self.ground(b, out);
            }
        }
        true
    }

    fn csi(&mut self, b: u8, out: &mut Vec<Event>) {
        if self.in_sequence(b, out) {
            return;
        }
        let overflow = self.overflow;
        let mut params = std::mem::take(&mut self.pending);
        self.reset();
        match (params.as_slice(), b) {
            _ if overflow => {}
            (b"", b'M') => self.state = State::X10Mouse,
            (b"", b'[') => self.state = State::LinuxFn,
            (b"200", b'~') => self.state = State::Paste,
            _ => out.extend(csi_event(&params, b)),
        }
        // The buffer goes back empty, keeping its allocation.
        params.clear();
        self.pending = params;
    }

    fn ss3(&mut self, b: u8, out: &mut Vec<Event>) {
        if self.in_sequence(b, out) {
            return;
        }
        if !self.overflow {
            if let Some(fields) = parse_params(&self.pending) {
                out.extend(letter_key(&fields, b).map(Event::Key));
            }
        }
        self.reset();
    }

    fn linux_fn(&mut self, b: u8, out: &mut Vec<Event>) {
        match b {
            b'A'..=b'E' => {
                out.push(key(KeyCode::F(1 + b - b'A'), KeyModifiers::NONE));
                self.reset();
            }
            ESC | 0x00..=0x1f | 0x7f => {
                self.in_sequence(b, out);
            }
            _ => {
                self.reset();
                self.ground(b, out);
            }
        }
    }

    fn x10_mouse(&mut self, b: u8, out: &mut Vec<Event>) {
        if b < 0x20 {
            // Report bytes are 32 or more: this is a key, and the report was not one.
            self.reset();
            return self.ground(b, out);
        }
        self.pending.push(b);
        if let [cb, x, y] = self.pending[..] {
            if let Some((kind, modifiers)) = mouse_button(u32::from(cb - 32)) {
                out.push(mouse(kind, modifiers, u32::from(x - 32), u32::from(y - 32)));
            }
            self.reset();
        }
    }

    fn paste_byte(&mut self, b: u8, out: &mut Vec<Event>) {
        self.paste.push(b);
        if self.paste.ends_with(PASTE_END) {
            self.paste.truncate(self.paste.len() - PASTE_END.len());
            self.end_paste(out);
            self.reset();
        }
    }

    fn end_paste(&mut self, out: &mut Vec<Event>) {
        let text = String::from_utf8_lossy(&self.paste).into_owned();
        self.paste.clear();
        if !text.is_empty() {
            out.push(Event::Paste(text));
        }
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

/// A typed character; an upper-case one carries Shift, as crossterm reports it.
fn char_key(c: char, mut modifiers: KeyModifiers) -> Event {
    if c.is_uppercase() {
        modifiers |= KeyModifiers::SHIFT;
    }
    key(KeyCode::Char(c), modifiers)
}

/// The key a C0 control byte (or DEL) stands for.
fn control_key(b: u8) -> KeyEvent {
    let (code, modifiers) = match b {
        b'\r' => (KeyCode::Enter, KeyModifiers::NONE),
        b'\t' => (KeyCode::Tab, KeyModifiers::NONE),
        // DEL from most terminals, BS from some (and from Ctrl-H, which nothing binds).
        0x7f | 0x08 => (KeyCode::Backspace, KeyModifiers::NONE),
        ESC => (KeyCode::Esc, KeyModifiers::NONE),
        0x00 => (KeyCode::Char(' '), KeyModifiers::CONTROL),
        0x01..=0x1a => (KeyCode::Char((b - 1 + b'a') as char), KeyModifiers::CONTROL),
        _ => (
            KeyCode::Char((b - 0x1c + b'4') as char),
            KeyModifiers::CONTROL,
        ),
    };
    KeyEvent::new(code, modifiers)
}

/// A sequence's parameters: fields separated by `;`, sub-parameters by `:`, an empty one
/// is `None`. `None` overall when there are other bytes (private markers, intermediates)
/// or a number does not fit.
fn parse_params(bytes: &[u8]) -> Option<Vec<Vec<Option<u32>>>> {
    let text = std::str::from_utf8(bytes).ok()?;
    text.split(';')
        .map(|field| {
            field
                .split(':')
                .map(|n| match n {
                    "" => Some(None),
                    n if n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok().map(Some),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The number at field `i`, sub-parameter `j`, with `default` when absent or empty.
fn param(fields: &[Vec<Option<u32>>], i: usize, j: usize, default: u32) -> u32 {
    fields
        .get(i)
        .and_then(|f| f.get(j).copied().flatten())
        .unwrap_or(default)
}

/// The event a complete CSI sequence stands for; `None` for one the dashboard does not
/// know (it is dropped).
fn csi_event(params: &[u8], last: u8) -> Option<Event> {
    if let Some(sgr) = params.strip_prefix(b"<") {
        return sgr_mouse(&parse_params(sgr)?, last);
    }
    let fields = parse_params(params)?;
    match last {
        b'~' => tilde_key(&fields).map(Event::Key),
        b'u' => csi_u_key(&fields).map(Event::Key),
        b'Z' => Some(key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        b'M' => rxvt_mouse(&fields),
        b'I' if params.is_empty() => Some(Event::FocusGained),
        b'O' if params.is_empty() => Some(Event::FocusLost),
        _ => letter_key(&fields, last).map(Event::Key),
    }
}

/// xterm's modifier parameter (1 + Shift 1 + Alt 2 + Ctrl 4 + Super 8 + Hyper 16 +
/// Meta 32) and kitty's event type after a colon.
fn modifiers(mask: u32, kind: u32) -> (KeyModifiers, KeyEventKind, KeyEventState) {
    let bits = mask.saturating_sub(1);
    let mut mods = KeyModifiers::NONE;
    for (bit, m) in [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::ALT),
        (4, KeyModifiers::CONTROL),
        (8, KeyModifiers::SUPER),
        (16, KeyModifiers::HYPER),
        (32, KeyModifiers::META),
    ] {
        if bits & bit != 0 {
            mods |= m;
        }
    }
    let mut state = KeyEventState::NONE;
    if bits & 64 != 0 {
        state |= KeyEventState::CAPS_LOCK;
    }
    if bits & 128 != 0 {
        state |= KeyEventState::NUM_LOCK;
    }
    let kind = match kind {
        2 => KeyEventKind::Repeat,
        3 => KeyEventKind::Release,
        _ => KeyEventKind::Press,
    };
    (mods, kind, state)
}

/// A key with the modifiers of field 1 (`CSI 5;5~` is Ctrl-PgUp).
fn modified(code: KeyCode, fields: &[Vec<Option<u32>>]) -> KeyEvent {
    let (mods, kind, state) = modifiers(param(fields, 1, 0, 1), param(fields, 1, 1, 1));
    KeyEvent::new_with_kind_and_state(code, mods, kind, state)
}

/// `CSI A`…`CSI S` and `ESC O A`…: arrows, Home, End, F1–F4. The modifier is the second
/// field (`CSI 1;5A`), or the only one in the older `CSI 5A` form.
fn letter_key(fields: &[Vec<Option<u32>>], last: u8) -> Option<KeyEvent> {
    let code = match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(1 + last - b'P'),
        _ => return None,
    };
    if fields.len() == 1 {
        let (mods, _, _) = modifiers(param(fields, 0, 0, 1), 1);
        return Some(KeyEvent::new(code, mods));
    }
    Some(modified(code, fields))
}

/// `CSI n ~` keys: the VT220 editing keys and F1–F20 as xterm, tmux and the Linux console
/// number them.
fn tilde_key(fields: &[Vec<Option<u32>>]) -> Option<KeyEvent> {
    let code = match param(fields, 0, 0, 0) {
        1 | 7 => KeyCode::Home,
        2 => KeyCode::Insert,
        3 => KeyCode::Delete,
        4 | 8 => KeyCode::End,
        5 => KeyCode::PageUp,
        6 => KeyCode::PageDown,
        n @ 11..=15 => KeyCode::F((n - 10) as u8),
        n @ 17..=21 => KeyCode::F((n - 11) as u8),
        n @ 23..=26 => KeyCode::F((n - 12) as u8),
        n @ 28..=29 => KeyCode::F((n - 15) as u8),
        n @ 31..=34 => KeyCode::F((n - 17) as u8),
        _ => return None,
    };
    Some(modified(code, fields))
}

/// `CSI codepoint ; modifiers u` (fixterms, kitty, tmux's extended keys).
fn csi_u_key(fields: &[Vec<Option<u32>>]) -> Option<KeyEvent> {
    let mut k = modified(KeyCode::Null, fields);
    k.code = match param(fields, 0, 0, 0) {
        27 => KeyCode::Esc,
        13 => KeyCode::Enter,
        9 if k.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        9 => KeyCode::Tab,
        127 | 8 => KeyCode::Backspace,
        n => KeyCode::Char(char::from_u32(n).filter(|c| !c.is_control())?),
    };
    Some(k)
}

/// The button byte of a mouse report: button, Shift 4, Alt 8, Ctrl 16, motion 32, and
/// 64/128 for the wheel and extra buttons.
fn mouse_button(cb: u32) -> Option<(MouseEventKind, KeyModifiers)> {
    if cb > 0xff {
        return None;
    }
    let button = (cb & 0b11) | ((cb & 0b1100_0000) >> 4);
    let kind = match (button, cb & 32 != 0) {
        (0, false) => MouseEventKind::Down(MouseButton::Left),
        (1, false) => MouseEventKind::Down(MouseButton::Middle),
        (2, false) => MouseEventKind::Down(MouseButton::Right),
        (0, true) => MouseEventKind::Drag(MouseButton::Left),
        (1, true) => MouseEventKind::Drag(MouseButton::Middle),
        (2, true) => MouseEventKind::Drag(MouseButton::Right),
        (3, false) => MouseEventKind::Up(MouseButton::Left),
        (3..=5, true) => MouseEventKind::Moved,
        (4, false) => MouseEventKind::ScrollUp,
        (5, false) => MouseEventKind::ScrollDown,
        (6, false) => MouseEventKind::ScrollLeft,
        (7, false) => MouseEventKind::ScrollRight,
        _ => return None,
    };
    let mut mods = KeyModifiers::NONE;
    for (bit, m) in [
        (4, KeyModifiers::SHIFT),
        (8, KeyModifiers::ALT),
        (16, KeyModifiers::CONTROL),
    ] {
        if cb & bit != 0 {
            mods |= m;
        }
    }
    Some((kind, mods))
}

/// A mouse event at 1-based terminal cell (`x`, `y`), made 0-based.
fn mouse(kind: MouseEventKind, modifiers: KeyModifiers, x: u32, y: u32) -> Event {
    let cell = |n: u32| u16::try_from(n.saturating_sub(1)).unwrap_or(u16::MAX);
    Event::Mouse(MouseEvent {
        kind,
        column: cell(x),
        row: cell(y),
        modifiers,
    })
}

/// SGR mouse report (mode 1006): `CSI < b ; x ; y M` for a press or motion, `m` for a
/// release.
fn sgr_mouse(fields: &[Vec<Option<u32>>], last: u8) -> Option<Event> {
    if !matches!(last, b'M' | b'm') || fields.len() != 3 {
        return None;
    }
    let (mut kind, mods) = mouse_button(param(fields, 0, 0, 0))?;
    if last == b'm' {
        if let MouseEventKind::Down(b) = kind {
            kind = MouseEventKind::Up(b);
        }
    }
    Some(mouse(
        kind,
        mods,
        param(fields, 1, 0, 1),
        param(fields, 2, 0, 1),
    ))
}

/// urxvt mouse report (mode 1015): `CSI b ; x ; y M` with the button byte plus 32.
fn rxvt_mouse(fields: &[Vec<Option<u32>>]) -> Option<Event> {
    if fields.len() != 3 {
        return None;
    }
    let (kind, mods) = mouse_button(param(fields, 0, 0, 0).checked_sub(32)?)?;
    Some(mouse(
        kind,
        mods,
        param(fields, 1, 0, 1),
        param(fields, 2, 0, 1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn k(code: KeyCode) -> Event {
        key(code, KeyModifiers::NONE)
    }

    fn ch(c: char) -> Event {
        char_key(c, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> Event {
        key(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn alt(code: KeyCode) -> Event {
        key(code, KeyModifiers::ALT)
    }

    fn with(code: KeyCode, modifiers: KeyModifiers) -> Event {
        key(code, modifiers)
    }

    fn click(kind: MouseEventKind, column: u16, row: u16, modifiers: KeyModifiers) -> Event {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers,
        })
    }

    #[test]
    fn osc_dcs_and_apc_strings_never_become_keys() {
        // Finished by BEL or ST, then keys go on as usual.
        check(b"\x1b]52;c;aGk=\x07x", &[ch('x')]);
        check(b"\x1bP>|xterm(390)\x1b\\x", &[ch('x')]);
        check(b"\x1b_Gi=1;OK\x1b\\x", &[ch('x')]);
        // Unfinished: dropped when the wait runs out (the stranger's `5` and `2` switched
        // panes); Ctrl-C inside still quits.
        check(b"\x1b]52;c;", &[]);
        check(b"\x1b]52;c\x03", &[ctrl('c')]);
        // Another escape inside starts anew; a lone `ESC ]` is Alt+].
        check(b"\x1b]52\x1b[A", &[k(KeyCode::Up)]);
        check(b"\x1b]", &[alt(KeyCode::Char(']'))]);
    }

    /// The events of `chunks` fed in turn, then the wait running out.
    fn parse_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<Event> {
        let mut p = Parser::default();
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut out);
        }
        p.flush(&mut out);
        assert!(p.is_idle(), "bytes held after a flush");
        out
    }

    /// `bytes` give `expected` in one read, byte by byte, and split in two at every
    /// boundary.
    fn check(bytes: &[u8], expected: &[Event]) {
        assert_eq!(parse_chunks([bytes]), expected, "in one read: {bytes:?}");
        assert_eq!(
            parse_chunks(bytes.chunks(1)),
            expected,
            "byte by byte: {bytes:?}"
        );
        for i in 1..bytes.len() {
            let (a, b) = bytes.split_at(i);
            assert_eq!(parse_chunks([a, b]), expected, "split at {i}: {bytes:?}");
        }
    }

    #[test]
    fn text_is_keys() {
        check(b"ab Z", &[ch('a'), ch('b'), ch(' '), ch('Z')]);
        check("é€😀".as_bytes(), &[ch('é'), ch('€'), ch('😀')]);
        // An upper-case letter carries Shift, as crossterm reports it.
        assert_eq!(
            parse_chunks([&b"Q"[..]]),
            [with(KeyCode::Char('Q'), KeyModifiers::SHIFT)]
        );
    }

    #[test]
    fn broken_utf8_is_dropped_and_what_follows_comes_through() {
        check(b"\xffa\x80b", &[ch('a'), ch('b')]);
        // A character cut short by an ASCII byte, or by the wait.
        check(b"\xc3x", &[ch('x')]);
        check(b"\xe2\x82", &[]);
        // Overlong form of '/'.
        check(b"\xe0\x80\xaf.", &[ch('.')]);
    }

    #[test]
    fn c0_controls_are_keys() {
        check(
            b"\x01\x03\x13\r\t\x7f\x08\x00\x0a\x1c",
            &[
                ctrl('a'),
                ctrl('c'),
                ctrl('s'),
                k(KeyCode::Enter),
                k(KeyCode::Tab),
                k(KeyCode::Backspace),
                k(KeyCode::Backspace),
                ctrl(' '),
                ctrl('j'),
                ctrl('4'),
            ],
        );
    }

    #[test]
    fn a_lone_esc_is_the_esc_key_once_the_wait_passes() {
        let mut p = Parser::default();
        let mut out = Vec::new();
        p.feed(b"\x1b", &mut out);
        assert_eq!(out, []);
        assert_eq!(p.wait(), Some(SEQUENCE_WAIT));
        p.flush(&mut out);
        assert_eq!(out, [k(KeyCode::Esc)]);
        assert_eq!(p.wait(), None);
        check(b"\x1b\x1b", &[k(KeyCode::Esc), k(KeyCode::Esc)]);
    }

    #[test]
    fn esc_then_a_key_is_alt_and_the_key() {
        check(b"\x1bx", &[alt(KeyCode::Char('x'))]);
        check(
            b"\x1bX",
            &[with(
                KeyCode::Char('X'),
                KeyModifiers::ALT | KeyModifiers::SHIFT,
            )],
        );
        check(b"\x1b1", &[alt(KeyCode::Char('1'))]);
        check("\x1bé".as_bytes(), &[alt(KeyCode::Char('é'))]);
        check(b"\x1b\x7f", &[alt(KeyCode::Backspace)]);
        check(b"\x1b\r", &[alt(KeyCode::Enter)]);
        check(
            b"\x1b\x13",
            &[with(
                KeyCode::Char('s'),
                KeyModifiers::ALT | KeyModifiers::CONTROL,
            )],
        );
        // Alt-[ and Alt-O begin sequences; alone they are the keys once the wait passes.
        check(b"\x1b[", &[alt(KeyCode::Char('['))]);
        check(
            b"\x1bO",
            &[with(
                KeyCode::Char('O'),
                KeyModifiers::ALT | KeyModifiers::SHIFT,
            )],
        );
    }

    #[test]
    fn ctrl_c_after_esc_is_still_ctrl_c() {
        check(b"\x1b\x03", &[k(KeyCode::Esc), ctrl('c')]);
    }

    #[test]
    fn arrows_home_end_in_csi_and_ss3_forms() {
        for (seq, code) in [
            (&b"\x1b[A"[..], KeyCode::Up),
            (b"\x1b[B", KeyCode::Down),
            (b"\x1b[C", KeyCode::Right),
            (b"\x1b[D", KeyCode::Left),
            (b"\x1b[H", KeyCode::Home),
            (b"\x1b[F", KeyCode::End),
            (b"\x1bOA", KeyCode::Up),
            (b"\x1bOB", KeyCode::Down),
            (b"\x1bOC", KeyCode::Right),
            (b"\x1bOD", KeyCode::Left),
            (b"\x1bOH", KeyCode::Home),
            (b"\x1bOF", KeyCode::End),
            (b"\x1b[1~", KeyCode::Home),
            (b"\x1b[7~", KeyCode::Home),
            (b"\x1b[4~", KeyCode::End),
            (b"\x1b[8~", KeyCode::End),
            (b"\x1b[2~", KeyCode::Insert),
            (b"\x1b[3~", KeyCode::Delete),
            (b"\x1b[5~", KeyCode::PageUp),
            (b"\x1b[6~", KeyCode::PageDown),
        ] {
            check(seq, &[k(code)]);
        }
    }

    #[test]
    fn function_keys_as_xterm_tmux_and_the_linux_console_send_them() {
        let forms: [(&[u8], u8); 21] = [
            (b"\x1bOP", 1),
            (b"\x1bOQ", 2),
            (b"\x1bOR", 3),
            (b"\x1bOS", 4),
            (b"\x1b[11~", 1),
            (b"\x1b[12~", 2),
            (b"\x1b[13~", 3),
            (b"\x1b[14~", 4),
            (b"\x1b[15~", 5),
            (b"\x1b[17~", 6),
            (b"\x1b[18~", 7),
            (b"\x1b[19~", 8),
            (b"\x1b[20~", 9),
            (b"\x1b[21~", 10),
            (b"\x1b[23~", 11),
            (b"\x1b[24~", 12),
            (b"\x1b[[A", 1),
            (b"\x1b[[B", 2),
            (b"\x1b[[C", 3),
            (b"\x1b[[D", 4),
            (b"\x1b[[E", 5),
        ];
        for (seq, n) in forms {
            check(seq, &[k(KeyCode::F(n))]);
        }
        check(b"\x1b[P", &[k(KeyCode::F(1))]);
    }

    #[test]
    fn back_tab() {
        check(b"\x1b[Z", &[with(KeyCode::BackTab, KeyModifiers::SHIFT)]);
    }

    #[test]
    fn xterm_modifier_parameters() {
        let ctrl_ = KeyModifiers::CONTROL;
        for (seq, code, mods) in [
            (&b"\x1b[1;5A"[..], KeyCode::Up, ctrl_),
            (b"\x1b[1;2D", KeyCode::Left, KeyModifiers::SHIFT),
            (b"\x1b[1;3H", KeyCode::Home, KeyModifiers::ALT),
            (
                b"\x1b[1;6F",
                KeyCode::End,
                KeyModifiers::SHIFT | KeyModifiers::CONTROL,
            ),
            (b"\x1b[5;5~", KeyCode::PageUp, ctrl_),
            (b"\x1b[3;3~", KeyCode::Delete, KeyModifiers::ALT),
            (b"\x1b[1;5P", KeyCode::F(1), ctrl_),
            (b"\x1b[1;5R", KeyCode::F(3), ctrl_),
            (b"\x1b[15;2~", KeyCode::F(5), KeyModifiers::SHIFT),
            (b"\x1b[24;5~", KeyCode::F(12), ctrl_),
            (b"\x1b[5A", KeyCode::Up, ctrl_),
            (b"\x1bO5A", KeyCode::Up, ctrl_),
        ] {
            check(seq, &[with(code, mods)]);
        }
    }

    #[test]
    fn csi_u_keys() {
        check(b"\x1b[99;5u", &[ctrl('c')]);
        check(b"\x1b[27u", &[k(KeyCode::Esc)]);
        check(b"\x1b[13;3u", &[alt(KeyCode::Enter)]);
    }

    #[test]
    fn sgr_mouse_reports() {
        use MouseButton::*;
        use MouseEventKind::*;
        let none = KeyModifiers::NONE;
        for (seq, event) in [
            (&b"\x1b[<0;10;5M"[..], click(Down(Left), 9, 4, none)),
            (b"\x1b[<0;10;5m", click(Up(Left), 9, 4, none)),
            (b"\x1b[<2;1;1M", click(Down(Right), 0, 0, none)),
            (b"\x1b[<1;3;4M", click(Down(Middle), 2, 3, none)),
            (b"\x1b[<32;11;5M", click(Drag(Left), 10, 4, none)),
            (b"\x1b[<35;11;5M", click(Moved, 10, 4, none)),
            (b"\x1b[<64;7;8M", click(ScrollUp, 6, 7, none)),
            (b"\x1b[<65;7;8M", click(ScrollDown, 6, 7, none)),
            (
                b"\x1b[<16;300;200M",
                click(Down(Left), 299, 199, KeyModifiers::CONTROL),
            ),
            (
                b"\x1b[<4;2;2M",
                click(Down(Left), 1, 1, KeyModifiers::SHIFT),
            ),
            (b"\x1b[<72;2;2M", click(ScrollUp, 1, 1, KeyModifiers::ALT)),
            // Zero is not a cell; it must not wrap around.
            (b"\x1b[<0;0;0M", click(Down(Left), 0, 0, none)),
        ] {
            check(seq, &[event]);
        }
    }

    #[test]
    fn rxvt_and_x10_mouse_reports() {
        use MouseButton::*;
        use MouseEventKind::*;
        let none = KeyModifiers::NONE;
        check(b"\x1b[32;10;5M", &[click(Down(Left), 9, 4, none)]);
        check(b"\x1b[M *%", &[click(Down(Left), 9, 4, none)]);
        check(b"\x1b[M#*%", &[click(Up(Left), 9, 4, none)]);
        // A key inside a legacy report: the report was not one.
        check(b"\x1b[M \r", &[k(KeyCode::Enter)]);
    }

    #[test]
    fn focus_reports() {
        check(b"\x1b[I\x1b[O", &[Event::FocusGained, Event::FocusLost]);
    }

    #[test]
    fn bracketed_paste_arrives_whole() {
        check(
            b"\x1b[200~one\r\ntwo \x1b[A\x03\x1b[201~x",
            &[Event::Paste("one\r\ntwo \x1b[A\x03".into()), ch('x')],
        );
        // An empty paste is nothing.
        check(b"\x1b[200~\x1b[201~", &[]);
    }

    #[test]
    fn a_long_paste_across_many_reads() {
        let text = "0123456789".repeat(10_000) + "end";
        let bytes = [&b"\x1b[200~"[..], text.as_bytes(), b"\x1b[201~q"].concat();
        for size in [1, 7, 1000, 4096] {
            assert_eq!(
                parse_chunks(bytes.chunks(size)),
                [Event::Paste(text.clone()), ch('q')],
                "in reads of {size}"
            );
        }
    }

    #[test]
    fn a_paste_without_its_end_is_delivered_after_its_wait() {
        let mut p = Parser::default();
        let mut out = Vec::new();
        p.feed(b"\x1b[200~half a pa", &mut out);
        assert_eq!(out, []);
        assert_eq!(p.wait(), Some(PASTE_WAIT));
        p.flush(&mut out);
        p.feed(b"q", &mut out);
        assert_eq!(out, [Event::Paste("half a pa".into()), ch('q')]);
    }

    /// The report's first case: `ESC [ ?` took every later key.
    #[test]
    fn an_unfinished_private_sequence_is_dropped_after_the_wait() {
        let mut p = Parser::default();
        let mut out = Vec::new();
        p.feed(b"\x1b[?", &mut out);
        assert_eq!(p.wait(), Some(SEQUENCE_WAIT));
        p.flush(&mut out);
        assert!(p.is_idle());
        p.feed(b"q2", &mut out);
        assert_eq!(out, [ch('q'), ch('2')]);
    }

    /// The report's second case: `ESC [ 1 ;` then Ctrl-C.
    #[test]
    fn ctrl_c_after_an_unfinished_sequence_comes_through() {
        let mut p = Parser::default();
        let mut out = Vec::new();
        p.feed(b"\x1b[1;", &mut out);
        p.flush(&mut out);
        p.feed(b"\x03", &mut out);
        assert_eq!(out, [ctrl('c')]);
    }

    #[test]
    fn c0_controls_inside_a_sequence_are_acted_on_at_once() {
        let mut p = Parser::default();
        let mut out = Vec::new();
        p.feed(b"\x1b[?\x03", &mut out);
        assert_eq!(out, [ctrl('c')], "without waiting");
        // ECMA-48: the sequence goes on around the control.
        check(
            b"\x1b[1;\r5A",
            &[k(KeyCode::Enter), with(KeyCode::Up, KeyModifiers::CONTROL)],
        );
    }

    #[test]
    fn unknown_complete_sequences_are_dropped() {
        check(b"\x1b[?1;2cx", &[ch('x')]);
        check(b"\x1b[?25hx", &[ch('x')]);
        check(b"\x1b[2Jx", &[ch('x')]);
        check(b"\x1b[99~x", &[ch('x')]);
        check(b"\x1b[201~x", &[ch('x')]);
        check(b"\x1b[1 qx", &[ch('x')]);
        check(b"\x1bOzx", &[ch('x')]);
        // A number too big for any parameter.
        check(b"\x1b[99999999999Ax", &[ch('x')]);
        // `ESC [ ?` then q at once: q is the sequence's final byte.
        check(b"\x1b[?qx", &[ch('x')]);
    }

    #[test]
    fn esc_inside_a_sequence_restarts_it() {
        check(b"\x1b[1;\x1b[A", &[k(KeyCode::Up)]);
        check(b"\x1bO\x1b[B", &[k(KeyCode::Down)]);
        check(b"\x1b[[\x1b[C", &[k(KeyCode::Right)]);
    }

    #[test]
    fn a_byte_no_sequence_holds_ends_it_and_counts() {
        check("\x1b[1é".as_bytes(), &[ch('é')]);
        check(b"\x1b[[x", &[ch('x')]);
    }

    #[test]
    fn an_overlong_sequence_is_read_to_its_end_and_dropped() {
        let long = [&b"\x1b["[..], &[b'1'; 1000], b"Ax"].concat();
        check(&long, &[ch('x')]);
        let cut = [&b"\x1b["[..], &[b';'; 1000]].concat();
        check(&cut, &[]);
    }

    /// Bytes that make up keys, sequences and their pieces, so that random input hits
    /// the parser's states far more often than uniform bytes would.
    fn soup() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            any::<u8>().prop_map(|b| vec![b]),
            Just(b"\x1b".to_vec()),
            Just(b"[".to_vec()),
            Just(b"O".to_vec()),
            Just(b"?".to_vec()),
            Just(b";".to_vec()),
            Just(b"<".to_vec()),
            Just(b"M".to_vec()),
            Just(b"~".to_vec()),
            Just(b"200~".to_vec()),
            Just(b"\x1b[201~".to_vec()),
            Just(b"\x03".to_vec()),
            (0u32..400).prop_map(|n| n.to_string().into_bytes()),
            Just("é".as_bytes().to_vec()),
        ];
        prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn random_input_never_sticks(bytes in soup(), cut in prop::collection::vec(1usize..9, 1..20)) {
            let whole = parse_chunks([bytes.as_slice()]);
            // The same events however the reads split the bytes.
            let mut chunks = Vec::new();
            let mut rest = bytes.as_slice();
            for n in cut.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (a, b) = rest.split_at((*n).min(rest.len()));
                chunks.push(a);
                rest = b;
            }
            prop_assert_eq!(parse_chunks(chunks), whole);

            let mut p = Parser::default();
            let mut out = Vec::new();
            p.feed(&bytes, &mut out);
            // Outside a paste, Ctrl-C acts at once, whatever came before it.
            if p.wait() != Some(PASTE_WAIT) {
                out.clear();
                p.feed(b"\x03", &mut out);
                prop_assert_eq!(out.last(), Some(&ctrl('c')));
            }
            p.flush(&mut out);
            prop_assert!(p.is_idle());
            out.clear();
            p.feed(b"q", &mut out);
            prop_assert_eq!(out, vec![ch('q')]);
        }
    }
}
