//! The watch screen's layout: where the composer with its delivery reports, the live
//! view of the topic and the groups reading it go, drawn by the same parts as their own
//! tabs (`crate::screen` draws them), so a send, its delivery report, the high
//! watermark, the message and the groups' lag change on one screen.

use ratatui::layout::{Constraint, Layout, Rect};

/// Rows the composer takes: its fields, the feedback lines and the borders.
const COMPOSER_ROWS: u16 = 11;

/// Where each part goes in a body of `area`: composer, live view, groups. Wide screens
/// put the composer over the groups on the left and the live view on the right; others
/// stack the three.
pub fn layout(area: Rect) -> (Rect, Rect, Rect) {
    if area.width >= 160 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(area);
        let [composer, groups] = Layout::vertical([
            Constraint::Length(COMPOSER_ROWS.max(left.height / 2)),
            Constraint::Min(4),
        ])
        .areas(left);
        (composer, right, groups)
    } else {
        let groups_rows = (area.height / 4).max(5);
        let [composer, live, groups] = Layout::vertical([
            Constraint::Length(COMPOSER_ROWS.min(area.height / 3).max(6)),
            Constraint::Min(6),
            Constraint::Length(groups_rows),
        ])
        .areas(area);
        (composer, live, groups)
    }
}
