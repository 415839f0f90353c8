//! Draws the owner console: `impl Widget for &Console`. A header with the two tabs
//! (Stats, and Inbox with its unread count), the page — the report in the theme's
//! styles, the message list, or one message — and a footer with the keys that work
//! here (or the delete question, or the last status line); `?` draws every key in a
//! box over it. It reads the console and never changes it.

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::text::{Line, Span};
use ratatui_core::widgets::Widget;
use ratatui_widgets::{block::Block, borders::Borders, clear::Clear, paragraph::Paragraph};
use unicode_width::UnicodeWidthStr;

use super::pages::{self, CHROME_ROWS};
use super::{Console, Tab};
use crate::insights::render::Role;
use crate::tui::geometry::{centered, cols};
use crate::tui::theme::Theme;

/// Every key of the console: (keys, what they do).
pub const KEYS: [(&str, &str); 11] = [
    ("Tab 1 2", "switch between Stats and Inbox"),
    ("↑ ↓ j k", "scroll, or choose a message"),
    ("PgUp PgDn Space b", "a page up or down"),
    ("g G Home End", "top / bottom"),
    ("Enter", "read the chosen message"),
    ("Esc ←", "back to the list"),
    ("r", "mark the message read"),
    ("d", "delete the message (y confirms)"),
    ("?", "this list"),
    ("q Ctrl-C", "quit"),
    ("", "figures refresh every few seconds"),
];

impl Widget for &Console {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < CHROME_ROWS + 1 || area.width < 20 {
            buf.set_string(area.x, area.y, "enlarge the window", Style::new());
            return;
        }
        let theme = self.theme();
        render_header(self, Rect { height: 1, ..area }, buf);
        let rule = theme.rule_symbol().repeat(usize::from(area.width));
        buf.set_string(area.x, area.y + 1, rule, theme.rule);
        let body = Rect::new(area.x, area.y + 2, area.width, area.height - CHROME_ROWS);
        match (self.tab(), self.open_letter()) {
            (Tab::Stats, _) => render_report(self, body, buf),
            (Tab::Inbox, Some(_)) => render_letter(self, body, buf),
            (Tab::Inbox, None) => render_list(self, body, buf),
        }
        render_footer(self, Rect::new(area.x, area.bottom() - 1, area.width, 1), buf);
        if self.help() {
            render_help(theme, area, buf);
        }
    }
}

fn render_header(console: &Console, area: Rect, buf: &mut Buffer) {
    let theme = console.theme();
    let inbox = format!(" 2 Inbox ({} unread) ", console.unread());
    let tabs = [(Tab::Stats, " 1 Stats ".to_owned()), (Tab::Inbox, inbox)];
    let mut spans = vec![Span::styled(" ssh-resume owner console  ", theme.headline)];
    for (tab, label) in tabs {
        let style = if console.tab() == tab { theme.tab_selected } else { theme.tab };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// The style of a piece of the report.
fn style(theme: &Theme, role: Role) -> Style {
    match role {
        Role::Title => theme.headline,
        Role::Heading => theme.heading,
        Role::Figure => theme.figure,
        Role::Label => theme.body,
        Role::Bar => theme.bullet,
        Role::Muted => theme.detail,
    }
}

fn render_report(console: &Console, area: Rect, buf: &mut Buffer) {
    let theme = console.theme();
    let Some(report) = console.report() else {
        let waiting = console.status().unwrap_or("Reading the figures…");
        buf.set_string(area.x + 1, area.y, waiting, theme.detail);
        return;
    };
    let lines = pages::report_lines(report, area.width, theme.ascii());
    // The lines just laid out say how far the page scrolls (`Console::max_scroll`).
    let skip = console.scroll().min(lines.len().saturating_sub(usize::from(area.height)));
    for (row, line) in lines.iter().skip(skip).take(usize::from(area.height)).enumerate() {
        let spans: Vec<Span> =
            line.iter().map(|p| Span::styled(p.text.as_str(), style(theme, p.role))).collect();
        buf.set_line(area.x, area.y + cols(row), &Line::from(spans), area.width);
    }
}

fn render_list(console: &Console, area: Rect, buf: &mut Buffer) {
    let theme = console.theme();
    let letters = console.letters();
    if letters.is_empty() {
        buf.set_string(area.x + 1, area.y, "No messages.", theme.detail);
        return;
    }
    let height = usize::from(area.height);
    // Keep the chosen message in view.
    let first = console.selected().saturating_sub(height.saturating_sub(1));
    let unread_mark = if theme.ascii() { "*" } else { "●" };
    for (row, (index, letter)) in letters.iter().enumerate().skip(first).take(height).enumerate() {
        let name = crate::messages::shown_name(letter.name.as_deref()).unwrap_or_else(|| "-".to_owned());
        let mark = if letter.read { " " } else { unread_mark };
        let text = format!(
            " {mark} #{:<5} {}  {}  {}",
            letter.id,
            letter.received,
            fit(&name, 16),
            pages::first_line(&letter.body)
        );
        let style = if index == console.selected() { theme.tab_selected } else { theme.body };
        let text = fit(&text, usize::from(area.width));
        buf.set_string(area.x, area.y + cols(row), text, style);
    }
}

fn render_letter(console: &Console, area: Rect, buf: &mut Buffer) {
    let theme = console.theme();
    let Some(letter) = console.open_letter() else { return };
    let lines = pages::letter_lines(letter, area.width);
    // The lines just laid out say how far the page scrolls (`Console::max_scroll`).
    let skip = console.scroll().min(lines.len().saturating_sub(usize::from(area.height)));
    for (row, line) in lines.iter().skip(skip).take(usize::from(area.height)).enumerate() {
        let style = if skip + row < 4 { theme.heading } else { theme.body };
        buf.set_stringn(
            area.x + 1,
            area.y + cols(row),
            line,
            usize::from(area.width.saturating_sub(1)),
            style,
        );
    }
}

/// The keys that work on the page shown, or the delete question, or the status line.
fn render_footer(console: &Console, area: Rect, buf: &mut Buffer) {
    let theme = console.theme();
    let arrows = if theme.ascii() { "up/down" } else { "↑/↓" };
    let hints: Vec<(String, &str)> = match (console.confirming(), console.tab(), console.open_letter()) {
        (Some(id), _, _) => {
            vec![(format!("Delete message #{id}?"), ""), ("y".into(), "yes"), ("other".into(), "no")]
        }
        (None, Tab::Stats, _) => vec![(arrows.into(), "scroll"), ("Tab".into(), "inbox")],
        (None, Tab::Inbox, Some(_)) => {
            vec![
                (arrows.into(), "scroll"),
                ("Esc".into(), "back"),
                ("r".into(), "read"),
                ("d".into(), "delete"),
            ]
        }
        (None, Tab::Inbox, None) => vec![
            (arrows.into(), "choose"),
            ("Enter".into(), "open"),
            ("r".into(), "read"),
            ("d".into(), "delete"),
            ("Tab".into(), "stats"),
        ],
    };
    let mut spans = vec![Span::raw(" ")];
    for (keys, action) in &hints {
        spans.push(Span::styled(keys.as_str(), theme.footer_key));
        spans.push(Span::styled(format!(" {action}  "), theme.footer));
    }
    if console.confirming().is_none() {
        spans.extend([Span::styled("?", theme.footer_key), Span::styled(" keys  ", theme.footer)]);
        spans.extend([Span::styled("q", theme.footer_key), Span::styled(" quit", theme.footer)]);
    }
    let line = Line::from(spans);
    buf.set_line(area.x, area.y, &line, area.width);
    if let Some(status) = console.status().filter(|_| console.confirming().is_none()) {
        let room = usize::from(area.width).saturating_sub(line.width() + 2);
        let shown = fit(status, room);
        let x = area.right().saturating_sub(cols(shown.width()) + 1);
        buf.set_string(x, area.y, shown.trim_end(), theme.figure);
    }
}

fn render_help(theme: &Theme, area: Rect, buf: &mut Buffer) {
    let key_width = KEYS.iter().map(|(keys, _)| keys.width()).max().unwrap_or(0);
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(keys, action)| {
            let keys = if theme.ascii() {
                keys.replace('↑', "up").replace('↓', "down").replace('←', "left")
            } else {
                (*keys).to_owned()
            };
            Line::from(vec![
                Span::styled(format!(" {keys:<key_width$}  "), theme.footer_key),
                Span::styled(*action, theme.body),
            ])
        })
        .collect();
    let width = lines.iter().map(Line::width).max().unwrap_or(0) + 3;
    let box_area = centered(area, cols(width), cols(lines.len() + 2));
    Clear.render(box_area, buf);
    let block = Block::default().borders(Borders::ALL).border_set(theme.border_set()).title(" Keys ");
    Paragraph::new(lines).block(block).render(box_area, buf);
}

/// `text` cut or padded to exactly `width` columns.
fn fit(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(width);
    let mut used = 0;
    for c in text.chars() {
        let columns = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + columns > width {
            break;
        }
        out.push(c);
        used += columns;
    }
    out + &" ".repeat(width - used)
}
