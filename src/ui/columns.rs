//! Tables whose columns size to their content: each column is as wide as its header or
//! its widest cell; when the box is too narrow the least important columns go first, and
//! what still does not fit is cut with `…`, never silently.

use ratatui::layout::Constraint;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Row, Table};
use unicode_width::UnicodeWidthStr;

use super::fit_str;

/// One column: its header and how important it is (columns with a lower rank go first
/// when the table is too narrow).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Header text.
    pub header: &'static str,
    /// Importance: higher stays longer.
    pub rank: u8,
    /// Widest it gets however long its cells are (0: no limit); longer cells end in `…`.
    pub max: u16,
    /// Narrowest it may be cut to, with `…`, before any column is dropped for room (0:
    /// it is never cut for others).
    pub min: u16,
}

impl Column {
    /// A column without a width limit.
    pub const fn new(header: &'static str, rank: u8) -> Column {
        Column {
            header,
            rank,
            max: 0,
            min: 0,
        }
    }

    /// At most `max` columns wide.
    pub const fn at_most(mut self, max: u16) -> Column {
        self.max = max;
        self
    }

    /// Cut down to as few as `min` columns (with `…`) rather than dropped, while other
    /// columns would have to go to make room for it whole.
    pub const fn shrinks_to(mut self, min: u16) -> Column {
        self.min = min;
        self
    }

    /// Ranked `rank` instead.
    pub const fn ranked(mut self, rank: u8) -> Column {
        self.rank = rank;
        self
    }
}

/// Which columns to show in `room` columns (one space between columns) and how wide
/// each is, for cells of these widths. The most important column is always shown;
/// columns that may shrink count at their narrowest when deciding what to drop, and give
/// up what is missing first; then the widest shown column gives up what is still missing.
pub fn fit(columns: &[Column], widths: &[usize], room: usize) -> Vec<(usize, usize)> {
    let least = |i: usize| match columns[i].min as usize {
        0 => widths[i],
        min => widths[i].min(min),
    };
    let total = |shown: &[usize], w: &dyn Fn(usize) -> usize| -> usize {
        shown.iter().map(|&i| w(i)).sum::<usize>() + shown.len().saturating_sub(1)
    };
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    while shown.len() > 1 {
        // The least important (the rightmost among equals) goes when even the narrowest
        // widths do not fit, or when a more important column would otherwise be cut.
        let (pos, &weakest) = shown
            .iter()
            .enumerate()
            .min_by_key(|(pos, &i)| (columns[i].rank, usize::MAX - pos))
            .expect("more than one column");
        let cut_for_it = total(&shown, &|i| widths[i]) > room
            && shown
                .iter()
                .any(|&i| columns[i].rank > columns[weakest].rank && widths[i] > least(i));
        if total(&shown, &least) <= room && !cut_for_it {
            break;
        }
        shown.remove(pos);
    }
    let mut out: Vec<(usize, usize)> = shown.iter().map(|&i| (i, widths[i])).collect();
    let mut over = total(&shown, &|i| widths[i]).saturating_sub(room);
    for (i, w) in out.iter_mut() {
        let give = (*w - least(*i)).min(over);
        *w -= give;
        over -= give;
    }
    if over > 0 {
        if let Some(widest) = out.iter_mut().max_by_key(|(_, w)| *w) {
            widest.1 = widest.1.saturating_sub(over).max(1);
        }
    }
    out
}

/// A table of `rows` (cells and a style each) under `columns`, sized to fit `room`
/// columns as [`fit`] says; the last shown column takes any room left over.
pub fn table(columns: &[Column], rows: Vec<(Vec<String>, Style)>, room: u16) -> Table<'static> {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.header.width()).collect();
    for (cells, _) in &rows {
        for (w, cell) in widths.iter_mut().zip(cells) {
            *w = (*w).max(cell.width());
        }
    }
    for (w, c) in widths.iter_mut().zip(columns) {
        if c.max > 0 {
            *w = (*w).min(c.max as usize);
        }
    }
    let shown = fit(columns, &widths, room as usize);
    let header = Row::new(
        shown
            .iter()
            .map(|&(i, w)| fit_str(columns[i].header, w))
            .collect::<Vec<_>>(),
    )
    .style(Style::default().add_modifier(Modifier::BOLD));
    let body: Vec<Row<'static>> = rows
        .into_iter()
        .map(|(cells, style)| {
            Row::new(
                shown
                    .iter()
                    .map(|&(i, w)| fit_str(cells.get(i).map_or("", String::as_str), w))
                    .collect::<Vec<_>>(),
            )
            .style(style)
        })
        .collect();
    let last = shown.len().saturating_sub(1);
    let constraints: Vec<Constraint> = shown
        .iter()
        .enumerate()
        .map(|(n, &(_, w))| {
            if n == last {
                Constraint::Min(w as u16)
            } else {
                Constraint::Length(w as u16)
            }
        })
        .collect();
    Table::new(body, constraints).header(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 4] = [
        Column::new("name", 9),
        Column::new("host", 2),
        Column::new("holds", 8),
        Column::new("read", 1),
    ];

    #[test]
    fn the_least_important_columns_go_first() {
        let widths = [10, 12, 14, 20];
        let all = 10 + 12 + 14 + 20 + 3;
        assert_eq!(fit(&COLS, &widths, all).len(), 4);
        let kept: Vec<usize> = fit(&COLS, &widths, all - 1).iter().map(|c| c.0).collect();
        assert_eq!(kept, [0, 1, 2], "read goes first");
        let kept: Vec<usize> = fit(&COLS, &widths, 30).iter().map(|c| c.0).collect();
        assert_eq!(kept, [0, 2], "then host");
        // Too narrow even for the two most important: the widest gives way.
        assert_eq!(fit(&COLS, &widths, 20), [(0, 10)]);
        assert_eq!(fit(&COLS, &widths, 6), [(0, 6)]);
    }

    #[test]
    fn a_column_that_shrinks_is_cut_before_it_is_dropped() {
        let cols = [
            Column::new("name", 9),
            Column::new("host", 2),
            Column::new("why", 5).shrinks_to(12),
        ];
        let widths = [10, 12, 60];
        // Host, less important, goes before why is cut; then why is cut.
        assert_eq!(fit(&cols, &widths, 44), [(0, 10), (2, 33)]);
        // A more important host stays, and why is cut to make room for it.
        let mut host_first = cols;
        host_first[1].rank = 6;
        assert_eq!(fit(&host_first, &widths, 44), [(0, 10), (1, 12), (2, 20)]);
        // Not even why's narrowest fits beside host: host stays, why goes.
        assert_eq!(fit(&host_first, &widths, 30), [(0, 10), (1, 12)]);
        // A short reason is never padded out to its narrowest.
        assert_eq!(fit(&cols, &[10, 12, 5], 30), [(0, 10), (1, 12), (2, 5)]);
    }
}
