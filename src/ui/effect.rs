//! What a pane asks of the app after a key or a click. The panes own their state and
//! their keys; the app owns what they share — the workers' channel, the modal form, the
//! status line, which pane is shown — and carries these out.

use crate::kafka::messages::{KafkaCommand, StartFrom};
use crate::ui::form::Form;

/// One thing a pane wants done.
#[derive(Debug)]
pub enum Effect {
    /// Send this to the workers.
    Command(KafkaCommand),
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
    /// Tell the user.
    Notice(String),
    /// Tell the user what went wrong.
    Error(String),
}
