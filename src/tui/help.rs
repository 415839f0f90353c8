//! The `?` overlay: every key, and what to type to read the résumé elsewhere.
//!
//! Keys and actions stand in two columns where the box is wide enough, and stack (keys,
//! then the action indented) on narrow terminals. When the list is taller than the
//! screen the box scrolls with the arrow keys and says so in its bottom border.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::app::App;
use super::theme::Theme;
use super::view::centered;

/// Every key the view knows: (keys, what they do).
const KEYS: [(&str, &str); 13] = [
    ("← → h l Tab", "previous / next section"),
    ("1 … 9", "jump to a section"),
    ("↑ ↓ j k Enter", "scroll a line"),
    ("PgUp PgDn b Space", "scroll a page"),
    ("g G Home End", "top / bottom"),
    ("mouse wheel", "scroll"),
    ("/", "find in the whole résumé"),
    ("n N", "next / previous match"),
    ("s", "share card with QR code"),
    ("p", "plain text, for screen readers"),
    ("?", "this help"),
    ("Esc", "close the top box, or quit"),
    ("q Ctrl-C Ctrl-D", "quit"),
];

/// The help text's lines for a box whose inside is `inner` columns wide.
fn lines(app: &App, inner: usize) -> Vec<Line<'static>> {
    let theme = app.theme();
    let action_width = KEYS.iter().map(|(_, a)| a.width()).max().unwrap_or(0);
    let key_column = KEYS.iter().map(|(k, _)| shown(theme, k).width()).max().unwrap_or(0) + 1;
    let two_columns = inner >= 1 + key_column + action_width;
    let mut lines = Vec::with_capacity(KEYS.len() * 2 + 2);
    for (keys, action) in KEYS {
        let (keys, action) = (shown(theme, keys), shown(theme, action));
        if two_columns {
            lines.push(Line::from(vec![
                Span::styled(format!(" {keys:<key_column$}"), theme.footer_key),
                Span::raw(action),
            ]));
        } else {
            lines.push(Line::from(Span::styled(format!(" {keys}"), theme.footer_key)));
            lines.extend(wrapped(&action, 3, inner, ratatui::style::Style::new()));
        }
    }
    lines.push(Line::from(""));
    lines.extend(wrapped(&shown(theme, "Read it anywhere:"), 1, inner, ratatui::style::Style::new()));
    lines.extend(wrapped(app.ssh_command(), 1, inner, theme.footer_key));
    lines
}

/// `text` wrapped to fit `inner` columns after `indent` spaces.
fn wrapped(text: &str, indent: usize, inner: usize, style: ratatui::style::Style) -> Vec<Line<'static>> {
    let pad = " ".repeat(indent);
    let width = inner.saturating_sub(indent + 1).max(1);
    textwrap::wrap(text, width).into_iter().map(|l| Line::styled(format!("{pad}{l}"), style)).collect()
}

/// Arrows and accents spelled out for ASCII terminals.
fn shown(theme: &Theme, text: &str) -> String {
    if !theme.ascii() {
        return text.to_owned();
    }
    let spelled = text.replace('←', "Left").replace('→', "Right").replace('↑', "Up").replace('↓', "Down");
    deunicode::deunicode(&spelled.replace('…', ".."))
}

/// The box for `area`, and its lines.
fn layout(app: &App, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let inner = usize::from(area.width.saturating_sub(2));
    let lines = lines(app, inner);
    let width = lines.iter().map(Line::width).max().unwrap_or(0) + 3;
    let height = lines.len() + 2;
    let popup = centered(area, clamp_u16(width), clamp_u16(height));
    (popup, lines)
}

fn clamp_u16(value: usize) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

fn full_area(app: &App) -> Rect {
    Rect::new(0, 0, app.size().width, app.size().height)
}

/// Lines of help visible at once at the app's size.
pub fn visible_lines(app: &App) -> u16 {
    layout(app, full_area(app)).0.height.saturating_sub(2)
}

/// How far the help box can scroll (0 when it all fits).
pub fn max_scroll(app: &App) -> usize {
    let (popup, lines) = layout(app, full_area(app));
    lines.len().saturating_sub(usize::from(popup.height.saturating_sub(2)))
}

/// Whether the help box is too short for its text, so scroll keys move it.
pub fn scrolls(app: &App) -> bool {
    max_scroll(app) > 0
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let (popup, lines) = layout(app, area);
    let scroll = app.help_scroll().min(max_scroll(app));
    let more = match (scroll > 0, scroll < max_scroll(app)) {
        (_, true) => shown(theme, " ↓ more "),
        (true, false) => shown(theme, " ↑ more "),
        (false, false) => String::new(),
    };
    Clear.render(popup, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.rule)
        .title(" Keys ")
        .title_bottom(Line::from(more).right_aligned());
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    Paragraph::new(lines).block(block).scroll((scroll, 0)).render(popup, buf);
}
