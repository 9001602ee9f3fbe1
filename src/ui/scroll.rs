//! Scrolling a list that is longer than its box: where it starts, paging, and the hint
//! that says which rows are shown.

/// The first row shown of a list of `len` rows, `rows` at a time, scrolled to `scroll`:
/// never past the point where the last row is at the bottom.
pub fn clamp_scroll(scroll: usize, len: usize, rows: usize) -> usize {
    scroll.min(len.saturating_sub(rows))
}

/// The first row shown of a list of `len` rows, `rows` at a time, so the `selected` row
/// is in view, moving the view as little as possible from `previous` (the first row of
/// the last frame): a click or a key on a row already in view does not scroll the list,
/// so the row stays under the pointer and a second click finds it again.
pub fn keep_in_view(previous: usize, selected: usize, rows: usize, len: usize) -> usize {
    let rows = rows.max(1);
    let previous = clamp_scroll(previous, len, rows);
    if selected < previous {
        selected
    } else if selected >= previous + rows {
        selected + 1 - rows
    } else {
        previous
    }
}

/// The first row shown after moving `pages` pages of `rows` rows from `scroll`.
pub fn page(scroll: usize, len: usize, rows: usize, pages: isize) -> usize {
    let step = pages.saturating_mul(rows.max(1) as isize);
    let first = clamp_scroll(scroll, len, rows);
    clamp_scroll(first.saturating_add_signed(step), len, rows)
}

/// The first row shown after the wheel moves a list of `len` rows, `rows` at a time,
/// `delta` rows on from `scroll`.
pub fn by_rows(scroll: usize, len: usize, rows: usize, delta: isize) -> usize {
    let first = clamp_scroll(scroll, len, rows);
    clamp_scroll(first.saturating_add_signed(delta), len, rows)
}

/// For a list's title: ` · rows 13–24` when not every row of `len` is shown (rows
/// `first`.. of `rows` at a time), so a long list never looks complete when it is not.
pub fn shown(first: usize, rows: usize, len: usize) -> String {
    if len <= rows {
        return String::new();
    }
    format!(" · rows {}–{}", first + 1, (first + rows).min(len))
}

/// A border hint saying which rows of a scrolled list are shown, and the keys that
/// scroll it; empty when every row is shown.
pub fn rows_hint(what: &str, first: usize, rows: usize, len: usize, keys: &str) -> String {
    if len <= rows {
        return String::new();
    }
    let last = (first + rows).min(len);
    format!(" {what} {}–{last} of {len} · {keys} scroll ", first + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_in_view_does_not_scroll_the_list() {
        // Rows 10..20 shown: selecting 12 (a click) keeps them.
        assert_eq!(keep_in_view(10, 12, 10, 100), 10);
        assert_eq!(keep_in_view(10, 10, 10, 100), 10);
        assert_eq!(keep_in_view(10, 19, 10, 100), 10);
        // Down past the bottom: the selection becomes the last row shown.
        assert_eq!(keep_in_view(10, 20, 10, 100), 11);
        // Up past the top: the selection becomes the first row shown.
        assert_eq!(keep_in_view(10, 9, 10, 100), 9);
        // A list that shrank below the view starts where its end fits.
        assert_eq!(keep_in_view(90, 3, 10, 5), 0);
        assert_eq!(
            keep_in_view(0, 0, 0, 5),
            0,
            "no room: the selection is shown"
        );
    }

    #[test]
    fn pages_stay_within_the_list() {
        assert_eq!(page(0, 64, 14, 1), 14);
        assert_eq!(
            page(40, 64, 14, 1),
            50,
            "the last page ends at the last row"
        );
        assert_eq!(page(50, 64, 14, 1), 50);
        assert_eq!(page(10, 64, 14, -1), 0);
        assert_eq!(page(0, 5, 14, 3), 0, "a list that fits does not scroll");
        assert_eq!(
            rows_hint("partitions", 50, 14, 64, "[ ]"),
            " partitions 51–64 of 64 · [ ] scroll "
        );
        assert_eq!(rows_hint("partitions", 0, 14, 10, "[ ]"), "");
        assert_eq!(shown(9, 9, 33), " · rows 10–18");
        assert_eq!(shown(30, 9, 33), " · rows 31–33");
        assert_eq!(shown(0, 9, 9), "");
        assert_eq!(by_rows(0, 64, 14, 3), 3);
        assert_eq!(
            by_rows(49, 64, 14, 3),
            50,
            "the wheel stops at the last row"
        );
        assert_eq!(by_rows(2, 64, 14, -3), 0);
    }
}
