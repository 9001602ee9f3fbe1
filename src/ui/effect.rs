//! What a part asks of the app after a key, a click, a tick or a submitted form. The
//! parts own their state and their keys; the app owns what they share — the workers'
//! channel, the overlays (forms), the status line, which pane is shown — and carries
//! these out in order, stopping at a command the workers cannot take.

use crate::kafka::messages::{KafkaCommand, StartFrom};
use crate::ui::form::Form;

/// One thing a pane wants done.
#[derive(Debug)]
pub enum Effect {
    /// Send this to the workers.
    Command(KafkaCommand),
    /// Send the composer's message (a `Produce`); once the workers take it the composer
    /// counts it in flight, and, if it is one of a repeat run, toward the run.
    Produce {
        /// The produce command.
        command: KafkaCommand,
        /// One of a repeat run (refused, it stops the run).
        repeat: bool,
    },
    /// A replay was asked for: the composer shows its progress from nothing.
    ReplayStarted,
    /// Follow this group closely (one a member was just added to).
    WatchGroup(String),
    /// Open this form.
    Form(Form),
    /// Watch a topic live, from here.
    Watch(String, StartFrom),
    /// Compose a message to a topic (on the Compose pane).
    Compose(String),
    /// The selected group changed: follow it closely.
    FollowSelectedGroup,
    /// Pause (or resume) the live view's consumer.
    Pause(bool),
    /// Put these bytes on the clipboard (said as the second part).
    Copy(Vec<u8>, String),
    /// Close the overlay this came from (the help, a form).
    Close,
    /// Submit the form this came from to the part that built it.
    Submit,
    /// Tell the user.
    Notice(String),
    /// Tell the user what went wrong.
    Error(String),
}
