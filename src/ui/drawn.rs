//! What the last frame drew where: each part's rectangle and, for a list or table, the
//! screen row of its first item and which item that is. Clicks and the wheel are matched
//! against this record, so they hit what is on screen instead of a layout recomputed
//! (and possibly different) at click time.

use ratatui::layout::{Position, Rect};

use crate::pane::Pane;

/// Which part of the screen a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A tab's title in the tab bar.
    Tab(Pane),
    /// One of the watch screen's parts (composer, live view, groups reading the topic).
    WatchPart(Pane),
    /// The topics pane's list of topics.
    TopicList,
    /// The selected topic's partitions.
    TopicPartitions,
    /// The groups pane's list of groups.
    GroupList,
    /// The followed group's members.
    Members,
    /// The followed group's partition → member grid.
    GroupGrid,
    /// The live view's partitions table.
    LiveGrid,
    /// The live view's messages.
    Messages,
    /// The groups reading a topic (one or more rows per group).
    Readers,
    /// Something drawn over the panes (help, a form, the open message): it takes the
    /// clicks there.
    Overlay,
}

/// Where a list's item rows are: the rows start at screen row `top`, show items
/// `first`.. and are `row_height` rows each; `shown` items fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rows {
    /// Screen row of the first item row drawn.
    pub top: u16,
    /// Index of the first item drawn.
    pub first: usize,
    /// Item rows drawn (not the room there was: blank space below the last does not count).
    pub shown: usize,
    /// Screen rows per item.
    pub row_height: u16,
}

/// One drawn part: where it is, what it is, and its item rows if it lists something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// What was drawn.
    pub part: Part,
    /// Where, borders included.
    pub rect: Rect,
    /// Its item rows, for a list or table.
    pub rows: Option<Rows>,
    /// What each item row names, when items are not indices into a list of the state
    /// (the readers part: the group of each row).
    pub names: Vec<String>,
}

impl Region {
    /// A part without item rows.
    pub fn new(part: Part, rect: Rect) -> Region {
        Region {
            part,
            rect,
            rows: None,
            names: Vec::new(),
        }
    }

    /// A bordered table in `rect` with a header row: its items start under the header.
    /// `first` is the first item drawn, `shown` how many were drawn.
    pub fn table(part: Part, rect: Rect, first: usize, shown: usize) -> Region {
        Region {
            part,
            rect,
            rows: Some(Rows {
                top: rect.y.saturating_add(2),
                first,
                shown,
                row_height: 1,
            }),
            names: Vec::new(),
        }
    }

    /// The same region naming each drawn item row.
    pub fn with_names(mut self, names: Vec<String>) -> Region {
        self.names = names;
        self
    }

    /// Item rows the part has room for (drawn or blank), for scrolling it by the wheel.
    pub fn room(&self) -> usize {
        self.rows.map_or(0, |r| {
            let bottom = self.rect.bottom().saturating_sub(1);
            usize::from(bottom.saturating_sub(r.top) / r.row_height.max(1))
        })
    }

    /// The item under `pos`, if an item row is drawn there: not on a border, the header,
    /// or blank space below the last row.
    pub fn item_at(&self, pos: Position) -> Option<usize> {
        let rows = self.rows?;
        let inside = pos.x > self.rect.x && pos.x + 1 < self.rect.right();
        if !inside || pos.y < rows.top || pos.y + 1 >= self.rect.bottom() {
            return None;
        }
        let n = usize::from((pos.y - rows.top) / rows.row_height.max(1));
        (n < rows.shown).then_some(rows.first + n)
    }
}

/// A click or wheel position matched against a frame: the part and the item under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The part under the pointer.
    pub part: Part,
    /// The item under it, if the part lists items and one is drawn there.
    pub item: Option<usize>,
    /// The name of that item, if the part names its rows.
    pub name: Option<String>,
}

/// The regions one draw recorded, in the order drawn (later ones on top).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drawn {
    regions: Vec<Region>,
}

impl Drawn {
    /// Forgets the last frame's regions.
    pub fn clear(&mut self) {
        self.regions.clear();
    }

    /// Records a drawn region.
    pub fn push(&mut self, region: Region) {
        self.regions.push(region);
    }

    /// The regions, in the order drawn.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The region of `part`, if it was drawn.
    pub fn get(&self, part: Part) -> Option<&Region> {
        self.regions.iter().rev().find(|r| r.part == part)
    }

    /// The topmost region under `pos` and the item there.
    pub fn hit(&self, pos: Position) -> Option<Hit> {
        let region = self.regions.iter().rev().find(|r| r.rect.contains(pos))?;
        let item = region.item_at(pos);
        Some(Hit {
            part: region.part,
            item,
            name: item.and_then(|i| {
                let first = region.rows.map_or(0, |r| r.first);
                region.names.get(i - first).cloned()
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_drawn_item_rows_are_hit() {
        // A table 10 rows tall at row 5: border, header, then items 40.. (3 drawn).
        let r = Region::table(Part::TopicList, Rect::new(0, 5, 20, 10), 40, 3);
        let at = |x, y| r.item_at(Position { x, y });
        assert_eq!(at(3, 5), None, "top border");
        assert_eq!(at(3, 6), None, "header");
        assert_eq!(at(3, 7), Some(40));
        assert_eq!(at(3, 9), Some(42));
        assert_eq!(at(3, 10), None, "blank below the last row");
        assert_eq!(at(0, 7), None, "left border");
        assert_eq!(at(19, 7), None, "right border");
        assert_eq!(at(18, 7), Some(40));
    }

    #[test]
    fn the_topmost_region_takes_the_hit_and_names_its_rows() {
        let mut d = Drawn::default();
        d.push(
            Region::table(Part::Readers, Rect::new(0, 0, 30, 10), 0, 2)
                .with_names(vec!["a".into(), "b".into()]),
        );
        let pos = Position { x: 4, y: 3 };
        assert_eq!(d.hit(pos).and_then(|h| h.name), Some("b".into()));
        d.push(Region::new(Part::Overlay, Rect::new(2, 2, 10, 5)));
        assert_eq!(d.hit(pos).map(|h| h.part), Some(Part::Overlay));
        assert_eq!(d.hit(Position { x: 40, y: 3 }), None);
    }
}
