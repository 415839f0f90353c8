//! The `s` share card for networking events: a QR code of the résumé's `share_url`
//! above the URL itself and the `ssh` command that opens this view.
//!
//! Without a `share_url` the card shows only the `ssh` command. The code keeps the full
//! quiet zone when it fits, a narrower one when only that fits, and otherwise the card
//! says how large the terminal must be. ASCII terminals cannot draw half blocks, so
//! they get the URL and a note instead of the code.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Widget};
use unicode_width::UnicodeWidthStr;

use super::app::App;
use super::hyperlink::link_cells;
use super::qr::{MIN_QUIET_ZONE, QUIET_ZONE, Qr};
use super::view::centered;
use crate::resume::links::percent_encode;

/// One line of the card's text.
struct Item {
    text: String,
    style: Style,
    /// Where the line links to (the share URL).
    link: Option<String>,
}

impl Item {
    fn new(text: impl Into<String>, style: Style) -> Self {
        Self { text: text.into(), style, link: None }
    }
}

/// The card's text for a box whose text is at most `width` columns wide.
fn text(app: &App, width: usize) -> Vec<Item> {
    let theme = app.theme();
    let mut items = Vec::new();
    match app.share_url() {
        Some(url) => {
            let target = app.doc().resume.basics.share_url.as_ref().map(|u| percent_encode(u.as_str()));
            for piece in wrap(&url, width) {
                items.push(Item { link: target.clone(), ..Item::new(piece, theme.link) });
            }
            items.push(Item::new("or in a terminal:", theme.period));
        }
        None => items.extend(
            wrap(&shown(app, "Read this résumé in a terminal:"), width)
                .into_iter()
                .map(|l| Item::new(l, theme.body)),
        ),
    }
    items.extend(wrap(app.ssh_command(), width).into_iter().map(|l| Item::new(l, theme.footer_key)));
    items
}

/// Wraps at `width`, breaking long words (URLs) rather than cutting them off.
fn wrap(text: &str, width: usize) -> Vec<String> {
    textwrap::wrap(text, width.max(1)).into_iter().map(|l| l.into_owned()).collect()
}

fn shown(app: &App, text: &str) -> String {
    if app.theme().ascii() { deunicode::deunicode(text) } else { text.to_owned() }
}

/// The quiet zone to draw the code with in `room` (inside the border), if it fits
/// above `text_rows` lines of text.
fn fitting_quiet_zone(qr: &Qr, room: Size, text_rows: usize) -> Option<u16> {
    [QUIET_ZONE, MIN_QUIET_ZONE].into_iter().find(|&quiet| {
        let cells = qr.cells(quiet);
        cells.width <= room.width && usize::from(cells.height) + text_rows <= usize::from(room.height)
    })
}

/// Why the code is not shown, when there is a share URL.
fn note(app: &App, room: Size, text_rows: usize) -> Option<String> {
    app.share_url()?;
    match app.qr() {
        _ if app.theme().ascii() => Some("(The QR code needs a UTF-8 terminal.)".to_owned()),
        Some(Ok(qr)) => {
            let cells = qr.cells(QUIET_ZONE);
            let needed = (cells.width + 2, usize::from(cells.height) + text_rows + 2);
            (fitting_quiet_zone(qr, room, text_rows).is_none()).then(|| {
                format!("Terminal too small for the QR code: enlarge it to {}x{}.", needed.0, needed.1)
            })
        }
        Some(Err(err)) => Some(err.clone()),
        None => None,
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let room = Size::new(area.width.saturating_sub(2), area.height.saturating_sub(2));
    let text_width = usize::from(room.width.saturating_sub(2));
    let mut items = text(app, text_width);
    let code = match app.qr() {
        Some(Ok(qr)) if !app.theme().ascii() => fitting_quiet_zone(qr, room, items.len()).map(|q| (qr, q)),
        _ => None,
    };
    if let Some(note) = note(app, room, items.len()) {
        let lines = wrap(&note, text_width);
        items.extend(lines.into_iter().map(|l| Item::new(l, app.theme().period)));
    }
    let code_size = code.map_or(Size::ZERO, |(qr, quiet)| qr.cells(quiet));
    let text_max = items.iter().map(|i| i.text.width()).max().unwrap_or(0) + 2;
    let inner_width = usize::from(code_size.width).max(text_max);
    let inner_height = usize::from(code_size.height) + items.len();
    let popup = centered(area, clamp_u16(inner_width + 2), clamp_u16(inner_height + 2));
    Clear.render(popup, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_set(app.theme().border_set())
        .border_style(app.theme().rule)
        .title(" Share ")
        .title_bottom(Line::from(" Esc closes ").right_aligned());
    let inner = block.inner(popup);
    block.render(popup, buf);
    if let Some((qr, quiet)) = code {
        let x = inner.x + inner.width.saturating_sub(code_size.width) / 2;
        qr.render(Position::new(x, inner.y), quiet, app.theme().qr_colors, buf);
    }
    render_items(app, &items, Rect { y: inner.y + code_size.height, ..inner }, buf);
}

/// The text lines, centred, the share URL linked.
fn render_items(app: &App, items: &[Item], area: Rect, buf: &mut Buffer) {
    for (offset, item) in items.iter().enumerate() {
        let y = area.y.saturating_add(clamp_u16(offset));
        if y >= area.bottom() {
            break;
        }
        let cols = clamp_u16(item.text.width()).min(area.width);
        let x = area.x + (area.width - cols) / 2;
        buf.set_stringn(x, y, &item.text, usize::from(area.width), item.style);
        if let (Some(target), true) = (&item.link, app.theme().profile.hyperlinks) {
            link_cells(buf, Position::new(x, y), cols, target);
        }
    }
}

fn clamp_u16(value: usize) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}
