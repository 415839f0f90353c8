//! Where the reader is among the sections, however many there are: tabs across the top
//! (all of them when they fit; from [`TABS_FROM`] columns a window of them around the
//! selected one, with `‹`/`›` where more are hidden), a compact `‹ 3/13 Experience ›`
//! line on narrower screens, and on wide ones the numbered list beside the text,
//! scrolled to keep the selected section in view. Drawn from the app; which
//! arrangement a size gets is `geometry`'s.

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::Rect;
use ratatui_core::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::app::App;
use crate::tui::geometry::{SIDEBAR_WIDTH, cols};

/// From this width on, tabs that do not all fit scroll; below it (phones) the compact
/// line is shown.
pub(crate) const TABS_FROM: u16 = 60;

/// Tabs across the top, or `‹ 3/7 Experience ›`.
pub(super) fn render_nav_line(app: &App, area: Rect, buf: &mut Buffer) {
    let widths: Vec<usize> = app.outline().sections.iter().map(|s| s.title.width() + 2).collect();
    let room = usize::from(area.width).saturating_sub(1);
    if widths.iter().sum::<usize>() <= room {
        return render_tabs(app, 0..widths.len(), area, buf);
    }
    if area.width >= TABS_FROM {
        // One column each side for the markers of hidden tabs.
        let window = tab_window(&widths, app.section(), room.saturating_sub(2));
        return render_tabs(app, window, area, buf);
    }
    render_compact(app, area, buf);
}

/// The tabs in `shown`, with a marker on each side where tabs are hidden.
fn render_tabs(app: &App, shown: std::ops::Range<usize>, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let sections = &app.outline().sections;
    let (prev, next) = if theme.ascii() { ("<", ">") } else { ("‹", "›") };
    let lead = if shown.start > 0 { Span::styled(prev, theme.footer) } else { Span::raw(" ") };
    let mut spans = vec![lead];
    for index in shown.clone() {
        let style = if index == app.section() { theme.tab_selected } else { theme.tab };
        spans.push(Span::styled(format!(" {} ", sections[index].title), style));
    }
    if shown.end < sections.len() {
        spans.push(Span::styled(next, theme.footer));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// The widest run of tabs around `selected` that fits `room` columns: the selected tab,
/// then its neighbours, alternately after and before it.
fn tab_window(widths: &[usize], selected: usize, room: usize) -> std::ops::Range<usize> {
    let Some(&first) = widths.get(selected) else { return 0..0 };
    let (mut start, mut end, mut used) = (selected, selected + 1, first);
    loop {
        let mut grew = false;
        if let Some(&width) = widths.get(end)
            && used + width <= room
        {
            (end, used, grew) = (end + 1, used + width, true);
        }
        if start > 0 && used + widths[start - 1] <= room {
            (start, used, grew) = (start - 1, used + widths[start - 1], true);
        }
        if !grew {
            return start..end;
        }
    }
}

fn render_compact(app: &App, area: Rect, buf: &mut Buffer) {
    let sections = &app.outline().sections;
    let theme = app.theme();
    let Some(section) = sections.get(app.section()) else {
        return;
    };
    let (prev, next) = if theme.ascii() { ("<", ">") } else { ("‹", "›") };
    let label = format!("{prev} {}/{} {} {next}", app.section() + 1, sections.len(), section.title);
    let x = area.width.saturating_sub(cols(label.width())) / 2;
    buf.set_stringn(area.x + x, area.y, label, usize::from(area.width), theme.tab_selected);
}

/// The numbered list of sections, scrolled so the selected one is in view; `↑`/`↓`
/// mark sections above and below the list's rows.
pub(super) fn render_sidebar(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let sections = &app.outline().sections;
    let rows = usize::from(area.height.saturating_sub(1));
    let first = first_listed(sections.len(), app.section(), rows);
    let number_width = sections.len().to_string().len();
    let marker = if theme.ascii() { ">" } else { "▶" };
    for (row, index) in (first..sections.len()).take(rows).enumerate() {
        let y = area.y.saturating_add(1).saturating_add(cols(row));
        let selected = index == app.section();
        let (lead, style) = if selected { (marker, theme.tab_selected) } else { (" ", theme.tab) };
        let title_width = usize::from(SIDEBAR_WIDTH).saturating_sub(5 + number_width);
        let entry = format!("{lead} {:>number_width$} {:<title_width$}", index + 1, sections[index].title);
        buf.set_stringn(area.x + 1, y, entry, usize::from(area.width.saturating_sub(1)), style);
    }
    let (up, down) = if theme.ascii() { ("^", "v") } else { ("↑", "↓") };
    let right = area.x + area.width.saturating_sub(1);
    if first > 0 {
        buf.set_string(right, area.y.saturating_add(1), up, theme.footer);
    }
    if first + rows < sections.len() {
        buf.set_string(right, area.y.saturating_add(cols(rows)), down, theme.footer);
    }
}

/// The first section listed so that `selected` is in `rows` rows, the list starting
/// at the top while it can.
fn first_listed(count: usize, selected: usize, rows: usize) -> usize {
    if count <= rows || rows == 0 {
        return 0;
    }
    selected.saturating_sub(rows - 1).min(count - rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tab_window_holds_the_selected_tab_and_as_many_neighbours_as_fit() {
        let widths = [10; 13];
        assert_eq!(tab_window(&widths, 0, 45), 0..4);
        assert_eq!(tab_window(&widths, 12, 45), 9..13);
        let middle = tab_window(&widths, 6, 45);
        assert!(middle.contains(&6) && middle.len() == 4, "{middle:?}");
        assert_eq!(tab_window(&widths, 6, 5), 6..7, "the selected tab even when it alone is too wide");
    }

    #[test]
    fn the_list_scrolls_to_keep_the_selected_section_in_view() {
        assert_eq!(first_listed(7, 6, 20), 0);
        assert_eq!(first_listed(16, 0, 10), 0);
        assert_eq!(first_listed(16, 9, 10), 0);
        assert_eq!(first_listed(16, 10, 10), 1);
        assert_eq!(first_listed(16, 15, 10), 6);
    }
}
