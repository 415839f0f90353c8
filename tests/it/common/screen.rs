//! Reading a rendered view back out of a ratatui buffer: the text a person would see
//! (OSC 8 wrappers removed, wide characters once), the styles as a reviewable list,
//! and the app set up in a given state.

use std::fmt::Write as _;
use std::sync::Arc;

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::{Rect, Size};
use ratatui_core::style::{Color, Modifier, Style};
use ratatui_core::widgets::Widget;
use ssh_resume::resume::{Loaded, load};
use ssh_resume::tui::hyperlink::visible;
use ssh_resume::tui::input::{KeyCode, KeyEvent};
use ssh_resume::tui::theme::{Charset, ColorDepth, Profile};
use ssh_resume::tui::{App, Event, Theme};
use unicode_width::UnicodeWidthStr;

pub const SSH_COMMAND: &str = "ssh -p 2222 cv.example.org";

pub fn shipped() -> Arc<Loaded> {
    let text = include_str!("../../../resume.toml");
    Arc::new(Loaded::from_resume(load::parse_str(text, "resume.toml").unwrap()))
}

/// The fictional résumé with links, a share URL and wide characters.
pub fn fixture() -> Arc<Loaded> {
    let text = include_str!("../../fixtures/links.toml");
    Arc::new(Loaded::from_resume(load::parse_str(text, "links.toml").unwrap()))
}

pub fn app_with(doc: Arc<Loaded>, size: (u16, u16), color: ColorDepth, charset: Charset) -> App {
    let theme = Theme::new(Profile::new(color, charset));
    App::new(doc, theme, Size::new(size.0, size.1)).with_ssh_command(SSH_COMMAND.to_owned())
}

pub fn press(app: &mut App, code: KeyCode) {
    app.handle(&Event::Key(KeyEvent::new(code)));
}

/// Types `text` key by key (`\r` is Enter).
pub fn type_keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, if c == '\r' { KeyCode::Enter } else { KeyCode::Char(c) });
    }
}

pub fn render(app: &App) -> Buffer {
    let size = app.size();
    let area = Rect::new(0, 0, size.width, size.height);
    let mut buf = Buffer::empty(area);
    app.render(area, &mut buf);
    buf
}

/// What each line shows, trailing spaces trimmed.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            let symbol = visible(buf[(x, y)].symbol());
            line.push_str(symbol);
            x += u16::try_from(symbol.width().max(1)).unwrap();
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn style_of(buf: &Buffer, x: u16, y: u16) -> Style {
    let cell = &buf[(x, y)];
    Style::new().fg(cell.fg).bg(cell.bg).add_modifier(cell.modifier)
}

fn describe(style: Style) -> String {
    let color = |c: Option<Color>| match c {
        Some(Color::Indexed(i)) => i.to_string(),
        Some(Color::Rgb(r, g, b)) => format!("#{r:02x}{g:02x}{b:02x}"),
        Some(other) => format!("{other:?}"),
        None => "-".to_owned(),
    };
    let mut out = String::new();
    if style.fg.is_some_and(|c| c != Color::Reset) {
        let _ = write!(out, " fg={}", color(style.fg));
    }
    if style.bg.is_some_and(|c| c != Color::Reset) {
        let _ = write!(out, " bg={}", color(style.bg));
    }
    for (flag, name) in [
        (Modifier::BOLD, "bold"),
        (Modifier::UNDERLINED, "underlined"),
        (Modifier::REVERSED, "reversed"),
        (Modifier::DIM, "dim"),
    ] {
        if style.add_modifier.contains(flag) {
            let _ = write!(out, " {name}");
        }
    }
    out
}

/// Every run of styled cells as `row col+len: style "text"`, for review.
pub fn styles(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let style = describe(style_of(buf, x, y));
            let start = x;
            let mut run = String::new();
            while x < buf.area.width && describe(style_of(buf, x, y)) == style {
                run.push_str(visible(buf[(x, y)].symbol()));
                x += 1;
            }
            if !style.is_empty() {
                let _ = writeln!(out, "{y:>3} {start:>3}+{:<3}{style}  {run:?}", x - start);
            }
        }
    }
    out
}

/// Whether any cell sets a colour.
pub fn has_colour(buf: &Buffer) -> bool {
    buf.content.iter().any(|cell| cell.fg != Color::Reset || cell.bg != Color::Reset)
}
