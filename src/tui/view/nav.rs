//! Where the reader is among the sections: tabs across the top when they all fit, a
//! compact `‹ 3/7 Experience ›` line when they do not, and the section list beside the
//! text on wide terminals. Drawn from the app; which arrangement a size gets is
//! `geometry`'s.

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::Rect;
use ratatui_core::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::app::App;
use crate::tui::geometry::{SIDEBAR_WIDTH, cols};

/// Tabs across the top when they all fit, otherwise `‹ 3/7 Experience ›`.
pub(super) fn render_nav_line(app: &App, area: Rect, buf: &mut Buffer) {
    let sections = &app.outline().sections;
    let theme = app.theme();
    let tabs_width: usize = sections.iter().map(|s| s.title.width() + 2).sum::<usize>() + 1;
    if tabs_width <= usize::from(area.width) {
        let mut spans = vec![Span::raw(" ")];
        for (index, section) in sections.iter().enumerate() {
            let style = if index == app.section() { theme.tab_selected } else { theme.tab };
            spans.push(Span::styled(format!(" {} ", section.title), style));
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
        return;
    }
    let Some(section) = sections.get(app.section()) else {
        return;
    };
    let (prev, next) = if theme.ascii() { ("<", ">") } else { ("‹", "›") };
    let label = format!("{prev} {}/{} {} {next}", app.section() + 1, sections.len(), section.title);
    let x = area.width.saturating_sub(cols(label.width())) / 2;
    buf.set_stringn(area.x + x, area.y, label, usize::from(area.width), theme.tab_selected);
}

pub(super) fn render_sidebar(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let marker = if theme.ascii() { ">" } else { "▶" };
    for (index, section) in app.outline().sections.iter().enumerate() {
        let y = area.y.saturating_add(1).saturating_add(cols(index));
        if y >= area.bottom() {
            break;
        }
        let selected = index == app.section();
        let (lead, style) = if selected { (marker, theme.tab_selected) } else { (" ", theme.tab) };
        let entry = format!("{lead} {} {:<w$}", index + 1, section.title, w = usize::from(SIDEBAR_WIDTH) - 6);
        buf.set_stringn(area.x + 1, y, entry, usize::from(area.width - 1), style);
    }
}
