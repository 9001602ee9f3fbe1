//! What the user, the clock or a worker asks the app to do: every input to
//! `App::update`, the time and the terminal's size included, so `update` never reads a
//! clock and a test moves time by sending a tick. The worker messages themselves live
//! with the workers (`kafka::messages`); the app's input wraps them.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossterm::event::{KeyEvent, MouseEvent};

pub use crate::kafka::messages::{KafkaCommand, KafkaEvent, ResetTo, StartFrom};

/// A moment, as the dashboard loop read it: the monotonic clock for intervals (repeat
/// sends), the wall clock for what Kafka stamps (ages, "5 minutes ago").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Monotonic time.
    pub mono: Instant,
    /// Milliseconds since the Unix epoch.
    pub unix_ms: i64,
}

impl Now {
    /// The clocks now. Only the loop and `main` read them; `update` is given the time.
    pub fn read() -> Now {
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Now {
            mono: Instant::now(),
            unix_ms: i64::try_from(unix.as_millis()).unwrap_or(i64::MAX),
        }
    }

    /// The same moment `d` later on both clocks (tests step time with it).
    pub fn after(self, d: Duration) -> Now {
        Now {
            mono: self.mono + d,
            unix_ms: self
                .unix_ms
                .saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        }
    }
}

/// Input to `App::update`.
#[derive(Debug)]
pub enum Action {
    /// A key press.
    Key(KeyEvent),
    /// A mouse event.
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste), delivered whole.
    Paste(String),
    /// The terminal is now this many columns and rows.
    Resize(u16, u16),
    /// The time: sent before each batch of input or worker events, and every few
    /// milliseconds while a repeat send runs (it sends what is due).
    Tick(Now),
    /// Once a second: rates, ages, status messages that have stood long enough.
    Second(Now),
    /// Something from a Kafka worker.
    Kafka(KafkaEvent),
}
