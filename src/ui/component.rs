//! The one shape every part of the screen has — topics, composer, live view, an open
//! message, groups, the help and each form: it takes keys, pastes and clicks, parses
//! the forms it built, says which keys apply now (its border hint), and draws itself.
//! A part owns its state and answers with [`Effect`]s; the app routes input to the
//! part (or overlay) that has the keyboard and carries the effects out.

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use crate::action::Now;
use crate::ui::effect::Effect;
use crate::ui::form::Form;
use crate::ui::groups::GroupsState;

/// What a part may need to know of the rest when it takes a key or a form.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The time of the last tick.
    pub now: Now,
    /// The body's size (columns, rows): the screen less the tab and status bars.
    pub body: (u16, u16),
    /// The topic a new in-app member reads unless its group says otherwise.
    pub member_topic: Option<String>,
}

/// What a part may need to know of the rest when it draws.
#[derive(Debug, Clone, Copy, Default)]
pub struct DrawCtx<'a> {
    /// The groups, for a part that lists those reading a topic.
    pub groups: Option<&'a GroupsState>,
    /// The partition count of the composer's topic, if the topic is known.
    pub partitions: Option<i32>,
}

/// A part of the screen.
pub trait Component {
    /// A key: what the app must do, or `None` when the part does not take the key.
    fn key(&mut self, key: KeyEvent, ctx: &Ctx) -> Option<Vec<Effect>>;

    /// Pasted text, whole; false when no field of the part has the keyboard.
    fn paste(&mut self, _text: &str) -> bool {
        false
    }

    /// A click at a screen position, hit-tested against what the last draw recorded.
    fn click(&mut self, _column: u16, _row: u16) -> Vec<Effect> {
        Vec::new()
    }

    /// A submitted form this part built: what the app must do, or what is wrong with it
    /// (shown in the form, which stays open).
    fn submit(&mut self, form: &Form, _ctx: &Ctx) -> Result<Vec<Effect>, String> {
        Err(format!("{:?} is not this part's form", form.kind))
    }

    /// Whether a text field has the keyboard: then only keys with Ctrl, Alt or F act
    /// everywhere, and the others are typed.
    fn typing(&self) -> bool {
        false
    }

    /// The keys that apply now, as the border hint shows them.
    fn hints(&self) -> String;

    /// Draws the part into `area`, recording what it drew for clicks.
    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, ctx: &DrawCtx<'_>);
}
