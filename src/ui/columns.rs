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
}

impl Column {
    /// A column without a width limit.
    pub const fn new(header: &'static str, rank: u8) -> Column {
        Column {
            header,
            rank,
            max: 0,
        }
    }

    /// At most `max` columns wide.
    pub const fn at_most(mut self, max: u16) -> Column {
        self.max = max;
        self
    }
}

/// Which columns to show in `room` columns (one space between columns) and how wide
/// each is, for cells of these widths. The most important column is always shown; the
/// widest shown column gives up what is still missing.
pub fn fit(columns: &[Column], widths: &[usize], room: usize) -> Vec<(usize, usize)> {
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let total = |shown: &[usize]| -> usize {
        shown.iter().map(|&i| widths[i]).sum::<usize>() + shown.len().saturating_sub(1)
    };
    while total(&shown) > room && shown.len() > 1 {
        // Drop the least important (the rightmost among equals).
        let (pos, _) = shown
            .iter()
            .enumerate()
            .min_by_key(|(pos, &i)| (columns[i].rank, usize::MAX - pos))
            .expect("more than one column");
        shown.remove(pos);
    }
    let mut out: Vec<(usize, usize)> = shown.iter().map(|&i| (i, widths[i])).collect();
    let over = total(&shown).saturating_sub(room);
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
}
