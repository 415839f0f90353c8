//! Draws an [`App`] into a ratatui buffer: `impl Widget for &App`.
//!
//! The layout responds to the visitor's size: wide terminals (≥ 120 columns) get a
//! section list beside the text, centred as one column group on very wide screens;
//! standard ones tabs across the top; narrow ones (phones in portrait, or when the tabs
//! would not fit) a compact `‹ 3/7 Experience ›` line. Below [`MIN_SIZE`] a short
//! "please enlarge" screen replaces everything.
//!
//! This file owns the frame (header, rule, the résumé's rows with their links and search
//! hits, scrollbar) and hands the rest out: the section tabs and list to `nav`, the
//! bottom line to `footer`, the "Write to me" form to `form`, the boxes to `help` and `share` (as plain values taken
//! from the app here). Where each part goes is `geometry`'s, shared with the app, which
//! bounds scrolling by it; how a row is styled is `rows`'; OSC 8 is `hyperlink`'s. It
//! reads the app and never changes it.

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::{Position, Rect};
use ratatui_core::style::{Color, Style};
use ratatui_core::symbols::scrollbar;
use ratatui_core::text::Line;
use ratatui_core::widgets::{StatefulWidget, Widget};
use ratatui_widgets::{
    paragraph::Paragraph, scrollbar::Scrollbar, scrollbar::ScrollbarOrientation, scrollbar::ScrollbarState,
};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Overlay};
use super::geometry::{Geometry, MIN_SIZE, cols};
use super::help::HelpBox;
use super::hyperlink::link_cells;
use super::rows::{draw_line, row_line};
use super::search::Search;
use super::share::ShareCard;

mod footer;
mod form;
mod nav;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(geometry) = Geometry::of(area) else {
            return render_too_small(area, buf);
        };
        let theme = self.theme();
        render_header(self, geometry.header, buf);
        if let Some(nav) = geometry.nav {
            nav::render_nav_line(self, nav, buf);
        }
        let rule = theme.rule_symbol().repeat(usize::from(geometry.rule.width));
        buf.set_string(geometry.rule.x, geometry.rule.y, rule, theme.rule);
        if let Some(sidebar) = geometry.sidebar {
            nav::render_sidebar(self, sidebar, buf);
        }
        render_rows(self, geometry.text, buf);
        render_scrollbar(self, geometry.scrollbar, buf);
        footer::render_footer(self, geometry.footer, buf);
        match self.overlay() {
            Overlay::Help => help_box(self).render(area, buf),
            Overlay::Share => share_card(self).render(area, buf),
            Overlay::Form => {
                if let Some(form) = self.form() {
                    form::FormBox { form, theme }.render(area, buf);
                }
            }
            Overlay::None => {}
        }
    }
}

/// The help box as this app shows it.
fn help_box(app: &App) -> HelpBox<'_> {
    HelpBox {
        theme: app.theme(),
        ssh_command: app.ssh_command(),
        scroll: app.help_scroll(),
        sections: app.outline().sections.len(),
        lists: app.lists(),
    }
}

/// The share card as this app shows it.
fn share_card(app: &App) -> ShareCard<'_> {
    ShareCard {
        theme: app.theme(),
        ssh_command: app.ssh_command(),
        share_url: app.doc().resume.basics.share_url.as_ref().map(|url| url.as_str()),
        qr: app.qr(),
        messages: app.messages(),
        downloads: app.lists().downloads,
    }
}

fn render_too_small(area: Rect, buf: &mut Buffer) {
    let lines = vec![
        Line::from("Please enlarge your terminal"),
        Line::from(format!("(at least {}x{},", MIN_SIZE.width, MIN_SIZE.height)),
        Line::from(format!("now {}x{})", area.width, area.height)),
        Line::from("q quits"),
    ];
    let top = area.height.saturating_sub(4) / 2;
    let area = Rect { y: area.y + top, height: area.height - top, ..area };
    Paragraph::new(lines).centered().wrap(Default::default()).render(area, buf);
}

/// The name and headline on the left; what to type to get here on the right, when
/// there is room for both.
fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    let outline = app.outline();
    let theme = app.theme();
    let title = match &outline.name {
        Some(name) => format!("{name}{}{}", theme.separator(), outline.headline),
        None => outline.headline.clone(),
    };
    let room = usize::from(area.width).saturating_sub(2);
    let title = fit_words(&title, room, theme.ellipsis());
    buf.set_stringn(area.x + 1, area.y, &title, room, theme.headline);
    let ssh = app.ssh_command();
    if title.width() + ssh.width() + 6 <= room {
        let x = area.right().saturating_sub(cols(ssh.width()) + 1);
        buf.set_string(x, area.y, ssh, theme.period);
    }
}

/// `text` cut to `width` columns at a word boundary, with `ellipsis` when cut.
fn fit_words(text: &str, width: usize, ellipsis: &str) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(ellipsis.width());
    let mut fitted = String::new();
    for word in text.split_inclusive(' ') {
        if (fitted.clone() + word).trim_end().width() > room {
            break;
        }
        fitted.push_str(word);
    }
    let fitted = fitted.trim_end();
    if fitted.is_empty() {
        return text
            .chars()
            .scan(0, |w, c| {
                *w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                (*w <= width).then_some(c)
            })
            .collect();
    }
    format!("{fitted}{ellipsis}")
}

fn render_rows(app: &App, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let visible = app.rows().iter().enumerate().skip(app.scroll()).take(usize::from(area.height));
    for (offset, (index, row)) in visible.enumerate() {
        let y = area.y + cols(offset);
        let line = row_line(row, app.theme(), width);
        draw_line(buf, area.x, y, &line, area.width);
        let text_x = area.x + cols(row.indent);
        for link in &row.links {
            let at = Position::new(text_x.saturating_add(cols(row.text[..link.range.start].width())), y);
            let width = cols(row.text[link.range.clone()].width());
            restyle(buf, at, width, app.theme().link);
            if app.theme().profile.hyperlinks {
                link_cells(buf, at, width, &link.target);
            }
        }
        if let Some(search) = app.search() {
            highlight(app, search, index, &line, Position::new(area.x, y), buf);
        }
    }
}

/// Marks the search's hits on one row: all of them, and the current one more strongly.
fn highlight(app: &App, search: &Search, row: usize, line: &Line, at: Position, buf: &mut Buffer) {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let current = search.current().map(|(index, _)| index);
    let hits = search.hits().iter().enumerate();
    for (index, hit) in hits.filter(|(_, h)| h.section == app.section() && h.row == row) {
        let Some(prefix) = text.get(..hit.range.start) else { continue };
        let Some(found) = text.get(hit.range.clone()) else { continue };
        let style =
            if current == Some(index) { app.theme().search_current } else { app.theme().search_match };
        let x = at.x.saturating_add(cols(prefix.width()));
        buf.set_style(Rect::new(x, at.y, cols(found.width()), 1).intersection(buf.area), style);
    }
}

/// Gives `cols` cells exactly `style` (not merged with what they had).
fn restyle(buf: &mut Buffer, at: Position, cols: u16, style: Style) {
    for x in at.x..at.x.saturating_add(cols) {
        if let Some(cell) = buf.cell_mut((x, at.y)) {
            cell.fg = style.fg.unwrap_or(Color::Reset);
            cell.modifier = style.add_modifier;
        }
    }
}

fn render_scrollbar(app: &App, track: Rect, buf: &mut Buffer) {
    let max = app.max_scroll();
    if max == 0 {
        return;
    }
    let mut state = ScrollbarState::new(max + 1)
        .position(app.scroll())
        .viewport_content_length(usize::from(track.height));
    let symbols = if app.theme().ascii() { ASCII_SCROLLBAR } else { scrollbar::VERTICAL };
    Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .symbols(symbols)
        .style(app.theme().rule)
        .render(track, buf, &mut state);
}

const ASCII_SCROLLBAR: scrollbar::Set = scrollbar::Set { track: "|", thumb: "#", begin: "^", end: "v" };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_words_cuts_at_a_word_boundary() {
        assert_eq!(fit_words("Jane Doe · Staff Engineer", 30, "…"), "Jane Doe · Staff Engineer");
        assert_eq!(fit_words("Jane Doe · Staff Engineer", 18, "…"), "Jane Doe · Staff…");
        assert_eq!(fit_words("Supercalifragilistic", 5, "…"), "Super");
    }
}
