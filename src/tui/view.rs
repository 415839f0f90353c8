//! Draws an [`App`] into a ratatui buffer: `impl Widget for &App`.
//!
//! The layout responds to the visitor's size: wide terminals (≥ 120 columns) get a
//! section list beside the text, centred as one column group on very wide screens;
//! standard ones tabs across the top; narrow ones (phones in portrait, or when the tabs
//! would not fit) a compact `‹ 3/7 Experience ›` line. Below [`MIN_SIZE`] a short
//! "please enlarge" screen replaces everything. Where each part goes is `geometry`'s
//! (shared with the app, which bounds scrolling by it); how a row is styled is `rows`'.
//! Overlays live in `help` and `share`, drawn from plain values taken from the app here;
//! links become OSC 8 in `hyperlink`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::scrollbar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Overlay};
use super::geometry::{Geometry, MIN_SIZE, SIDEBAR_WIDTH, cols};
use super::help::HelpBox;
use super::hyperlink::link_cells;
use super::rows::row_line;
use super::search::Search;
use super::share::ShareCard;
use super::theme::Theme;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(geometry) = Geometry::of(area) else {
            return render_too_small(area, buf);
        };
        let theme = self.theme();
        render_header(self, geometry.header, buf);
        if let Some(nav) = geometry.nav {
            render_nav_line(self, nav, buf);
        }
        let rule = theme.rule_symbol().repeat(usize::from(geometry.rule.width));
        buf.set_string(geometry.rule.x, geometry.rule.y, rule, theme.rule);
        if let Some(sidebar) = geometry.sidebar {
            render_sidebar(self, sidebar, buf);
        }
        render_rows(self, geometry.text, buf);
        render_scrollbar(self, geometry.scrollbar, buf);
        render_footer(self, geometry.footer, buf);
        match self.overlay() {
            Overlay::Help => help_box(self).render(area, buf),
            Overlay::Share => share_card(self).render(area, buf),
            Overlay::None => {}
        }
    }
}

/// The help box as this app shows it.
fn help_box(app: &App) -> HelpBox<'_> {
    HelpBox { theme: app.theme(), ssh_command: app.ssh_command(), scroll: app.help_scroll() }
}

/// The share card as this app shows it.
fn share_card(app: &App) -> ShareCard<'_> {
    ShareCard {
        theme: app.theme(),
        ssh_command: app.ssh_command(),
        share_url: app.doc().resume.basics.share_url.as_ref().map(|url| url.as_str()),
        qr: app.qr(),
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
pub fn fit_words(text: &str, width: usize, ellipsis: &str) -> String {
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

/// Tabs across the top when they all fit, otherwise `‹ 3/7 Experience ›`.
fn render_nav_line(app: &App, area: Rect, buf: &mut Buffer) {
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

fn render_sidebar(app: &App, area: Rect, buf: &mut Buffer) {
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

fn render_rows(app: &App, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let visible = app.rows().iter().enumerate().skip(app.scroll()).take(usize::from(area.height));
    for (offset, (index, row)) in visible.enumerate() {
        let y = area.y + cols(offset);
        let line = row_line(row, app.theme(), width);
        buf.set_line(area.x, y, &line, area.width);
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

/// A key hint in the footer.
struct Hint {
    keys: &'static str,
    ascii_keys: &'static str,
    action: &'static str,
    /// Hints of lower rank are left out first when space is short.
    rank: u8,
    /// Whether a narrow footer shows only the keys (arrows speak for themselves).
    keys_alone_when_short: bool,
}

const HINTS: [Hint; 7] = [
    Hint { keys: "←/→", ascii_keys: "<-/->", action: "sections", rank: 5, keys_alone_when_short: true },
    Hint { keys: "↑/↓", ascii_keys: "up/down", action: "scroll", rank: 4, keys_alone_when_short: true },
    Hint { keys: "/", ascii_keys: "/", action: "find", rank: 2, keys_alone_when_short: false },
    Hint { keys: "s", ascii_keys: "s", action: "share", rank: 3, keys_alone_when_short: false },
    Hint { keys: "p", ascii_keys: "p", action: "plain", rank: 1, keys_alone_when_short: false },
    Hint { keys: "?", ascii_keys: "?", action: "help", rank: 6, keys_alone_when_short: false },
    Hint { keys: "q", ascii_keys: "q", action: "quit", rank: 7, keys_alone_when_short: false },
];

impl Hint {
    /// (keys, label) as shown, in the long or the short form.
    fn shown(&self, theme: &Theme, short: bool) -> (String, String) {
        let keys = if theme.ascii() { self.ascii_keys } else { self.keys };
        match (short, self.keys_alone_when_short) {
            (false, _) => (keys.to_owned(), format!(" {}  ", self.action)),
            (true, true) => (keys.replace('/', ""), " ".to_owned()),
            (true, false) => (keys.to_owned(), format!(" {} ", self.action)),
        }
    }
}

/// The hints of at least `rank` in one form, and their width.
fn hints(theme: &Theme, short: bool, rank: u8) -> (Vec<(String, String)>, usize) {
    let shown: Vec<(String, String)> =
        HINTS.iter().filter(|h| h.rank >= rank).map(|h| h.shown(theme, short)).collect();
    let width = 1 + shown.iter().map(|(k, a)| k.width() + a.width()).sum::<usize>();
    let trailing = shown.last().map_or(0, |(_, a)| a.len() - a.trim_end().len());
    (shown, width - trailing)
}

/// As many key hints as fit in `room` columns, the least important left out first,
/// long labels preferred when they keep as many hints.
fn hints_line(theme: &Theme, room: usize) -> Line<'static> {
    let fits = |short: bool| (1..=8).map(|rank| hints(theme, short, rank)).find(|(_, w)| *w <= room);
    let best = match (fits(false), fits(true)) {
        (Some(long), Some(short)) if short.0.len() > long.0.len() => short.0,
        (Some(long), _) => long.0,
        (None, Some(short)) => short.0,
        (None, None) => Vec::new(),
    };
    let mut spans = vec![Span::raw(" ")];
    for (keys, action) in best {
        spans.push(Span::styled(keys, theme.footer_key));
        spans.push(Span::styled(action, theme.footer));
    }
    Line::from(spans)
}

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let position = position_label(app);
    let room = usize::from(area.width).saturating_sub(position.width() + 3);
    let line = match app.search() {
        Some(search) => search_line(search, theme, room),
        None => hints_line(theme, room),
    };
    buf.set_line(area.x, area.y, &line, area.width);
    let x = area.right().saturating_sub(cols(position.width()) + 1);
    buf.set_string(x, area.y, position, theme.footer);
}

/// The query being typed (with a cursor) or the confirmed one with its hit count.
fn search_line(search: &Search, theme: &Theme, room: usize) -> Line<'static> {
    let cursor = if theme.ascii() { "_" } else { "▏" };
    let count = match (search.hits().len(), search.current()) {
        (0, _) if search.query().is_empty() => String::new(),
        (0, _) => "no match".to_owned(),
        (total, Some((index, _))) => format!("{}/{total}", index + 1),
        (total, None) => format!("{total} found"),
    };
    let query = if theme.ascii() { deunicode::deunicode(search.query()) } else { search.query().to_owned() };
    let (prompt, keys) = if search.editing() {
        (format!(" /{query}{cursor} "), "Enter go  Esc cancel")
    } else {
        (format!(" /{query} "), "n next  N previous  Esc close")
    };
    let mut spans = vec![Span::styled(prompt, theme.footer_key), Span::styled(count, theme.footer)];
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    if used + keys.width() + 2 <= room {
        spans.push(Span::styled(format!("  {keys}"), theme.footer));
    }
    Line::from(spans)
}

/// `All`, `Top`, `End` or a percentage, like a pager.
fn position_label(app: &App) -> String {
    let (scroll, max) = (app.scroll(), app.max_scroll());
    match (scroll, max) {
        (_, 0) => "All".to_owned(),
        (0, _) => "Top".to_owned(),
        (s, m) if s >= m => "End".to_owned(),
        (s, m) => format!("{}%", s * 100 / m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_words_cuts_at_a_word_boundary() {
        assert_eq!(fit_words("Jane Doe · Staff Engineer", 30, "…"), "Jane Doe · Staff Engineer");
        assert_eq!(fit_words("Jane Doe · Staff Engineer", 18, "…"), "Jane Doe · Staff…");
        assert_eq!(fit_words("Supercalifragilistic", 5, "…"), "Super");
    }

    #[test]
    fn footer_hints_fit_and_keep_help_and_quit() {
        let theme = Theme::new(super::super::theme::Profile::new(
            super::super::theme::ColorDepth::None,
            super::super::theme::Charset::Utf8,
        ));
        for room in [20, 30, 40, 60, 80, 120] {
            let line = hints_line(&theme, room);
            assert!(line.width() <= room + 2, "{room}: {line:?}");
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            assert!(text.contains("? help") && text.contains("q quit"), "{room}: {text}");
        }
    }
}
