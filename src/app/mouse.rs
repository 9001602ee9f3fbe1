//! What the app does with the mouse: a click or a wheel turn is matched against what the
//! last frame drew (`crate::ui::drawn`) — a tab shows its pane, a watch part takes the
//! keyboard, a readers row selects its group, and anything inside a pane goes to that
//! pane, which finds the row under the pointer. Nothing here computes a layout.

use crossterm::event::{MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use crate::pane::Pane;
use crate::ui::component::Component;
use crate::ui::drawn::{Hit, Part};
use crate::ui::effect::Effect;

use super::App;

impl App {
    pub(super) fn on_mouse(&mut self, m: MouseEvent) {
        let pos = Position::new(m.column, m.row);
        match m.kind {
            MouseEventKind::Down(_) => self.click(pos),
            MouseEventKind::ScrollDown => self.scroll(pos, 1),
            MouseEventKind::ScrollUp => self.scroll(pos, -1),
            _ => return,
        }
        self.dirty = true;
    }

    /// A click at `pos`, matched against what the last frame drew: a tab shows its pane,
    /// a watch part takes the keyboard, a readers row selects its group, and anything
    /// inside a pane goes to that pane, which finds the row under the pointer.
    fn click(&mut self, pos: Position) {
        if self.pane == Pane::Watch {
            if let Some(part) = self.watch_part_at(pos) {
                if part != self.watch_focus {
                    self.watch_focus = part;
                    self.composer.editing = false;
                }
            }
        }
        let effects = match self.drawn.hit(pos) {
            Some(Hit {
                part: Part::Tab(pane),
                ..
            }) => {
                self.switch(pane);
                Vec::new()
            }
            Some(Hit {
                part: Part::Readers,
                name: Some(group),
                ..
            }) => self.groups.select_named(&group),
            Some(Hit {
                part: Part::Overlay | Part::Readers,
                ..
            }) => Vec::new(),
            _ => match self.pane {
                Pane::Topics => {
                    let mut effects = Component::click(&mut self.topics, pos.x, pos.y);
                    effects.extend(self.topics_readers_click(pos));
                    effects
                }
                // On the watch screen the rows under the pointer are the live view's.
                Pane::Watch => Component::click(&mut self.live, pos.x, pos.y),
                pane => self.component(pane).click(pos.x, pos.y),
            },
        };
        self.apply(effects);
    }

    /// A click on the readers beside the topics pane's partitions selects that group.
    fn topics_readers_click(&mut self, pos: Position) -> Vec<Effect> {
        match self.topics.drawn.hit(pos) {
            Some(Hit {
                part: Part::Readers,
                name: Some(group),
                ..
            }) => self.groups.select_named(&group),
            _ => Vec::new(),
        }
    }

    /// The watch screen's part under `pos` in the last frame.
    fn watch_part_at(&self, pos: Position) -> Option<Pane> {
        self.drawn.regions().iter().find_map(|r| match r.part {
            Part::WatchPart(p) if r.rect.contains(pos) => Some(p),
            _ => None,
        })
    }

    /// The wheel moves the part under the pointer (as a click would pick it), whichever
    /// part has the keyboard; it does not move the keyboard.
    fn scroll(&mut self, pos: Position, delta: isize) {
        if self.drawn.hit(pos).is_some_and(|h| h.part == Part::Overlay) {
            return;
        }
        match self.pane {
            Pane::Topics => self.topics.wheel(pos, delta),
            Pane::Live | Pane::Watch => self.live.wheel(pos, delta),
            Pane::Groups => {
                let effects = self.groups.wheel(pos, delta);
                self.apply(effects);
            }
            Pane::Composer => {}
        }
    }
}
