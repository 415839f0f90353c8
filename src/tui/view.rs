//! Draws an [`App`] into a ratatui buffer: `impl Widget for &App`.
//!
//! The layout responds to the visitor's size: wide terminals (≥ 120 columns) get a
//! section list beside the text; standard ones tabs across the top; narrow ones (phones
//! in portrait, or when the tabs would not fit) a compact `‹ 3/7 Experience ›` line.
//! Below [`MIN_SIZE`] a short "please enlarge" screen replaces everything. The geometry
//! lives here once (`content_size`), and the app uses it to bound scrolling.

use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::style::Style;
use ratatui::symbols::scrollbar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Clear, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget,
};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Overlay};
use super::theme::Theme;
use crate::resume::layout::{Row, RowKind};

/// Smallest terminal the résumé is drawn in.
pub const MIN_SIZE: Size = Size { width: 30, height: 10 };
/// From this width on, sections are listed beside the text.
pub const WIDE_FROM: u16 = 120;
/// Widest the text column grows, for readable line lengths on big monitors.
pub const MAX_TEXT_WIDTH: u16 = 100;
const SIDEBAR_WIDTH: u16 = 24;

/// Which arrangement a size gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    TooSmall,
    /// One column; tabs across the top when they fit, a compact line otherwise.
    Column,
    Wide,
}

pub fn mode(size: Size) -> Mode {
    if size.width < MIN_SIZE.width || size.height < MIN_SIZE.height {
        Mode::TooSmall
    } else if size.width >= WIDE_FROM {
        Mode::Wide
    } else {
        Mode::Column
    }
}

/// The size of the scrolling text area for a terminal of `size`.
pub fn content_size(size: Size) -> Size {
    text_area(Rect::new(0, 0, size.width, size.height)).as_size()
}

fn text_area(area: Rect) -> Rect {
    match mode(area.as_size()) {
        Mode::TooSmall => Rect::new(area.x, area.y, area.width.max(1), area.height.max(1)),
        // header, tabs, rule above; footer below; one column of margin, one for the scrollbar
        Mode::Column => Rect::new(area.x + 1, area.y + 3, area.width - 3, area.height - 4),
        Mode::Wide => {
            let width = (area.width - SIDEBAR_WIDTH - 4).min(MAX_TEXT_WIDTH);
            Rect::new(area.x + SIDEBAR_WIDTH + 2, area.y + 2, width, area.height - 3)
        }
    }
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mode = mode(area.as_size());
        if mode == Mode::TooSmall {
            return render_too_small(area, buf);
        }
        let theme = self.theme();
        render_header(self, Rect { height: 1, ..area }, buf);
        let nav_y = area.y + 1;
        let rule_y = match mode {
            Mode::Wide => nav_y,
            _ => nav_y + 1,
        };
        if mode == Mode::Column {
            render_nav_line(self, Rect::new(area.x, nav_y, area.width, 1), buf);
        }
        let rule = theme.rule_symbol().repeat(usize::from(area.width));
        buf.set_string(area.x, rule_y, rule, theme.rule);
        if mode == Mode::Wide {
            let height = area.height - 3;
            render_sidebar(self, Rect::new(area.x, rule_y + 1, SIDEBAR_WIDTH, height), buf);
        }
        let text = text_area(area);
        render_rows(self, text, buf);
        render_scrollbar(self, text, buf);
        render_footer(self, Rect::new(area.x, area.bottom() - 1, area.width, 1), buf);
        if self.overlay() == Overlay::Help {
            render_help(theme, area, buf);
        }
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

fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    let outline = &app.outline();
    let theme = app.theme();
    let title = match &outline.name {
        Some(name) => format!(" {name}{}{}", app.theme().separator(), outline.headline),
        None => format!(" {}", outline.headline),
    };
    buf.set_stringn(area.x, area.y, title, usize::from(area.width), theme.headline);
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
    let x = area.width.saturating_sub(label.width() as u16) / 2;
    buf.set_stringn(area.x + x, area.y, label, usize::from(area.width), theme.tab_selected);
}

fn render_sidebar(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let marker = if theme.ascii() { ">" } else { "▶" };
    for (index, section) in app.outline().sections.iter().enumerate() {
        let y = area.y + 1 + index as u16;
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
    let visible = app.rows().iter().skip(app.scroll()).take(usize::from(area.height));
    for (offset, row) in visible.enumerate() {
        let line = row_line(row, app.theme(), usize::from(area.width));
        buf.set_line(area.x, area.y + offset as u16, &line, area.width);
    }
}

/// One laid-out row as a styled line: bullet marker in the indent, key figures
/// emphasised, heading detail and right-aligned period.
fn row_line(row: &Row, theme: &Theme, width: usize) -> Line<'static> {
    let mut spans = Vec::with_capacity(6);
    if row.indent > 0 {
        let lead = match row.kind {
            RowKind::BulletStart => format!("{:<w$}", theme.bullet_symbol(), w = row.indent),
            _ => " ".repeat(row.indent),
        };
        spans.push(Span::styled(lead, theme.bullet));
    }
    let text_style = match row.kind {
        RowKind::Heading => theme.heading,
        RowKind::Detail => theme.detail,
        RowKind::Period => theme.period,
        RowKind::Label => theme.label,
        _ => theme.body,
    };
    match row.kind {
        RowKind::Body | RowKind::BulletStart | RowKind::BulletRest => {
            spans.extend(emphasise_figures(&row.text, theme.body, theme.figure))
        }
        _ => spans.push(Span::styled(row.text.clone(), text_style)),
    }
    if let Some(detail) = &row.detail {
        spans.push(Span::styled(format!("{}{detail}", theme.separator()), theme.detail));
    }
    if let Some(right) = &row.right {
        let used: usize = spans.iter().map(|s| s.content.width()).sum();
        let gap = width.saturating_sub(used + right.width()).max(1);
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(right.clone(), theme.period));
    }
    Line::from(spans)
}

/// Splits `text` into spans, giving words that carry a figure (`~84M`, `1.5k+`,
/// `100ms`) the `figure` style, so the numbers of a résumé stand out.
pub fn emphasise_figures(text: &str, body: Style, figure: Style) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for word in text.split_inclusive(' ') {
        let style = if is_figure(word) { figure } else { body };
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(word),
            _ => spans.push(Span::styled(word.to_owned(), style)),
        }
    }
    spans
}

fn is_figure(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    let is_year = core.len() == 4 && core.chars().all(|c| c.is_ascii_digit());
    core.chars().any(|c| c.is_ascii_digit()) && !is_year
}

fn render_scrollbar(app: &App, text: Rect, buf: &mut Buffer) {
    let max = app.max_scroll();
    if max == 0 {
        return;
    }
    let track = Rect::new(text.right() + 1, text.y, 1, text.height);
    let mut state =
        ScrollbarState::new(max + 1).position(app.scroll()).viewport_content_length(usize::from(text.height));
    let symbols = if app.theme().ascii() { ASCII_SCROLLBAR } else { scrollbar::VERTICAL };
    Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .symbols(symbols)
        .style(app.theme().rule)
        .render(track, buf, &mut state);
}

const ASCII_SCROLLBAR: scrollbar::Set = scrollbar::Set { track: "|", thumb: "#", begin: "^", end: "v" };

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let keys: &[(&str, &str)] = match (area.width >= 70, theme.ascii()) {
        (true, false) => {
            &[("←/→", "sections"), ("↑/↓", "scroll"), ("PgUp/PgDn", "page"), ("?", "help"), ("q", "quit")]
        }
        (true, true) => &[
            ("<-/->", "sections"),
            ("up/down", "scroll"),
            ("PgUp/PgDn", "page"),
            ("?", "help"),
            ("q", "quit"),
        ],
        (false, false) => &[("←→", ""), ("↑↓", ""), ("?", "help"), ("q", "quit")],
        (false, true) => &[("<>", ""), ("^v", ""), ("?", "help"), ("q", "quit")],
    };
    let mut spans = vec![Span::raw(" ")];
    for (key, action) in keys {
        spans.push(Span::styled(*key, theme.footer_key));
        let label = if action.is_empty() { " ".to_owned() } else { format!(" {action}  ") };
        spans.push(Span::styled(label, theme.footer));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    let position = position_label(app);
    let x = area.right().saturating_sub(position.width() as u16 + 1);
    buf.set_string(x, area.y, position, theme.footer);
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

/// Every key, in a box over the résumé.
fn render_help(theme: &Theme, area: Rect, buf: &mut Buffer) {
    let entries: [(&str, &str); 9] = [
        ("← → h l Tab", "previous / next section"),
        ("1 … 9", "jump to a section"),
        ("↑ ↓ j k", "scroll a line"),
        ("PgUp PgDn b Space", "scroll a page"),
        ("g G Home End", "top / bottom"),
        ("mouse wheel", "scroll"),
        ("?", "this help"),
        ("Esc", "close help, or quit"),
        ("q Ctrl-C Ctrl-D", "quit"),
    ];
    let lines: Vec<Line> = entries
        .iter()
        .map(|(keys, action)| {
            let keys = if theme.ascii() { ascii_keys(keys) } else { (*keys).to_owned() };
            Line::from(vec![
                Span::styled(format!(" {keys:<18}"), theme.footer_key),
                Span::raw(format!("{action} ")),
            ])
        })
        .collect();
    let width = (lines.iter().map(Line::width).max().unwrap_or(0) + 2).min(usize::from(area.width));
    let height = (lines.len() + 2).min(usize::from(area.height));
    let popup = centered(area, width as u16, height as u16);
    Clear.render(popup, buf);
    let mut block = Block::new().borders(Borders::ALL).title(" Keys ").border_style(theme.rule);
    if theme.ascii() {
        block = block.border_set(ratatui::symbols::border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        });
    }
    Paragraph::new(lines).block(block).render(popup, buf);
}

fn ascii_keys(keys: &str) -> String {
    keys.replace('←', "Left").replace('→', "Right").replace('↑', "Up").replace('↓', "Down").replace('…', "..")
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let x = area.x + (area.width - width) / 2;
    let y = area.y + (area.height - height) / 2;
    Rect::new(x, y, width, height)
}
