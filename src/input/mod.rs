//! The dashboard's own terminal input: a thread reads the terminal's bytes and
//! [`parser::Parser`] turns them into the crossterm events the app consumes.
//!
//! crossterm's reader is not used: its parser stops the whole keyboard, Ctrl-C included,
//! after an unfinished or unknown escape sequence such as `ESC [ ?` (crossterm issue
//! #1104), and it is private, so it cannot be fixed from outside. Resizes come from
//! SIGWINCH in the dashboard loop.

pub mod parser;

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use crossterm::event::Event;
use tokio::sync::mpsc;

use parser::Parser;

/// Bytes taken from the terminal per read.
const READ_CHUNK: usize = 4096;

/// Opens the terminal for reading: standard input when it is one (as crossterm did),
/// else `/dev/tty`.
fn open_terminal() -> io::Result<File> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        // A duplicate, so that dropping the File leaves standard input open.
        return Ok(File::from(stdin.as_fd().try_clone_to_owned()?));
    }
    File::options().read(true).open("/dev/tty")
}

/// Starts the thread that reads terminal events into a channel of `capacity` events.
/// The thread ends when the terminal closes, on a read error (sent as the last item), or
/// when the receiver is dropped and the next event comes.
pub fn spawn_reader(capacity: usize) -> io::Result<mpsc::Receiver<io::Result<Event>>> {
    let tty = open_terminal()?;
    let (tx, rx) = mpsc::channel(capacity);
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || read_loop(tty, tx))?;
    Ok(rx)
}

/// Reads, parses and sends until the terminal or the receiver goes away.
fn read_loop(mut tty: File, tx: mpsc::Sender<io::Result<Event>>) {
    let mut parser = Parser::default();
    let mut buf = vec![0u8; READ_CHUNK];
    let mut events = Vec::new();
    loop {
        let step = match readable(&tty, parser.wait()) {
            Ok(true) => read_into(&mut tty, &mut buf, &mut parser, &mut events),
            // Nothing more came in time: the pending ESC or sequence is settled.
            Ok(false) => {
                parser.flush(&mut events);
                Ok(())
            }
            Err(e) => Err(e),
        };
        for event in events.drain(..) {
            if tx.blocking_send(Ok(event)).is_err() {
                return;
            }
        }
        if let Err(e) = step {
            let _ = tx.blocking_send(Err(e));
            return;
        }
    }
}

/// One read from the terminal into the parser; an end of file (the terminal hung up) is
/// an error so the dashboard stops instead of reading nothing forever.
fn read_into(
    tty: &mut File,
    buf: &mut [u8],
    parser: &mut Parser,
    events: &mut Vec<Event>,
) -> io::Result<()> {
    match tty.read(buf) {
        Ok(0) => Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the terminal closed",
        )),
        Ok(n) => {
            parser.feed(&buf[..n], events);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
        Err(e) => Err(e),
    }
}

/// Waits until `tty` has bytes (true) or `wait` passes without any (false); `None`
/// waits for ever.
fn readable(tty: &File, wait: Option<Duration>) -> io::Result<bool> {
    let deadline = wait.map(|w| Instant::now() + w);
    loop {
        let timeout_ms = match deadline {
            None => -1,
            // Rounded up: a wait cut to 0 ms would spin.
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(false);
                }
                i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX)
            }
        };
        let mut fds = [libc::pollfd {
            fd: tty.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        // SAFETY: `fds` is a valid array of one pollfd that lives across the call, and
        // its descriptor stays open while `tty` is borrowed.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), 1, timeout_ms) };
        match ready {
            // A signal (SIGWINCH on a resize) woke it: wait out the rest.
            -1 if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => continue,
            -1 => return Err(io::Error::last_os_error()),
            0 => return Ok(false),
            // Readable, hung up or failed: the read that follows says which.
            _ => return Ok(true),
        }
    }
}
