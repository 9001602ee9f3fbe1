//! What the user or a worker asks the app to do. The worker messages themselves live
//! with the workers (`kafka::messages`); the app's input wraps them.

use crossterm::event::{KeyEvent, MouseEvent};

pub use crate::kafka::messages::{KafkaCommand, KafkaEvent, ResetTo, StartFrom};

/// Input to `App::update`.
#[derive(Debug)]
pub enum Action {
    /// A key press.
    Key(KeyEvent),
    /// A mouse event.
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste), delivered whole.
    Paste(String),
    /// The terminal was resized.
    Resize,
    /// Once a second: rates, repeat sends.
    Tick,
    /// Something from a Kafka worker.
    Kafka(KafkaEvent),
}
