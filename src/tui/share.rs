//! The `s` share card for networking events: a QR code of the résumé's `share_url`
//! above the URL itself and the `ssh` command that opens this view.
//!
//! Without a `share_url` the card shows only the `ssh` command. The code keeps the full
//! quiet zone when it fits, a narrower one when only that fits, and otherwise the card
//! says how large the terminal must be. ASCII terminals cannot draw half blocks, so
//! they get the URL and a note instead of the code.
//!
//! When the server has the PDF to give, the card says how to copy it (`scp`); when it
//! takes messages the card ends with "Press m to write to me".
//!
//! It draws a [`ShareCard`] of plain values the view takes from the app (theme,
//! command, URL, code); it neither knows the app nor encodes the code.

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::{Position, Rect, Size};
use ratatui_core::style::Style;
use ratatui_core::text::Line;
use ratatui_core::widgets::Widget;
use ratatui_widgets::{block::Block, borders::Borders, clear::Clear};
use unicode_width::UnicodeWidthStr;

use super::geometry::{centered, cols};
use super::hyperlink::link_cells;
use super::qr::{MIN_QUIET_ZONE, QUIET_ZONE, Qr, QrError};
use super::theme::Theme;
use crate::resume::links::percent_encode;

/// What the share card shows.
pub(crate) struct ShareCard<'a> {
    pub(crate) theme: &'a Theme,
    pub(crate) ssh_command: &'a str,
    /// The résumé's `share_url`, as written in it.
    pub(crate) share_url: Option<&'a str>,
    /// The share URL's QR code, once encoded.
    pub(crate) qr: Option<&'a Result<Qr, QrError>>,
    /// Whether the card invites the reader to write (`m`).
    pub(crate) messages: bool,
    /// Whether it says how to take the PDF away.
    pub(crate) downloads: bool,
}

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
fn text(card: &ShareCard, width: usize) -> Vec<Item> {
    let theme = card.theme;
    let mut items = Vec::new();
    match card.share_url {
        Some(url) => {
            let target = percent_encode(url);
            for piece in wrap(&shown(theme, url), width) {
                items.push(Item { link: Some(target.clone()), ..Item::new(piece, theme.link) });
            }
            items.push(Item::new("or in a terminal:", theme.period));
        }
        None => items.extend(
            wrap(&shown(theme, "Read this résumé in a terminal:"), width)
                .into_iter()
                .map(|l| Item::new(l, theme.body)),
        ),
    }
    items.extend(wrap(card.ssh_command, width).into_iter().map(|l| Item::new(l, theme.footer_key)));
    if card.downloads {
        items.push(Item::new(shown(theme, "the PDF:"), theme.period));
        let [_, scp] = super::help::take_away(card.ssh_command);
        items.extend(wrap(&scp, width).into_iter().map(|l| Item::new(l, theme.footer_key)));
    }
    if card.messages {
        items.extend(wrap("Press m to write to me", width).into_iter().map(|l| Item::new(l, theme.period)));
    }
    items
}

/// Wraps at `width`, breaking long words (URLs) rather than cutting them off.
fn wrap(text: &str, width: usize) -> Vec<String> {
    textwrap::wrap(text, width.max(1)).into_iter().map(|l| l.into_owned()).collect()
}

/// `text` transliterated for ASCII terminals.
fn shown(theme: &Theme, text: &str) -> String {
    if theme.ascii() { deunicode::deunicode(text) } else { text.to_owned() }
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
fn note(card: &ShareCard, room: Size, text_rows: usize) -> Option<String> {
    card.share_url?;
    match card.qr {
        _ if card.theme.ascii() => Some("(The QR code needs a UTF-8 terminal.)".to_owned()),
        Some(Ok(qr)) => {
            let cells = qr.cells(QUIET_ZONE);
            let needed = (cells.width + 2, usize::from(cells.height) + text_rows + 2);
            (fitting_quiet_zone(qr, room, text_rows).is_none()).then(|| {
                format!("Terminal too small for the QR code: enlarge it to {}x{}.", needed.0, needed.1)
            })
        }
        Some(Err(err)) => Some(format!("cannot make a QR code of share_url: {err}")),
        None => None,
    }
}

impl Widget for ShareCard<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let room = Size::new(area.width.saturating_sub(2), area.height.saturating_sub(2));
        let text_width = usize::from(room.width.saturating_sub(2));
        let mut items = text(&self, text_width);
        let code = match self.qr {
            Some(Ok(qr)) if !theme.ascii() => fitting_quiet_zone(qr, room, items.len()).map(|q| (qr, q)),
            _ => None,
        };
        if let Some(note) = note(&self, room, items.len()) {
            items.extend(wrap(&note, text_width).into_iter().map(|l| Item::new(l, theme.period)));
        }
        let code_size = code.map_or(Size::ZERO, |(qr, quiet)| qr.cells(quiet));
        let text_max = items.iter().map(|i| i.text.width()).max().unwrap_or(0) + 2;
        let inner_width = usize::from(code_size.width).max(text_max);
        let inner_height = usize::from(code_size.height) + items.len();
        let popup = centered(area, cols(inner_width + 2), cols(inner_height + 2));
        Clear.render(popup, buf);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_set(theme.border_set())
            .border_style(theme.rule)
            .title(" Share ")
            .title_bottom(Line::from(" Esc closes ").right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);
        if let Some((qr, quiet)) = code {
            let x = inner.x + inner.width.saturating_sub(code_size.width) / 2;
            qr.render(Position::new(x, inner.y), quiet, theme.qr_colors, buf);
        }
        render_items(theme, &items, Rect { y: inner.y + code_size.height, ..inner }, buf);
    }
}

/// The text lines, centred, the share URL linked.
fn render_items(theme: &Theme, items: &[Item], area: Rect, buf: &mut Buffer) {
    for (offset, item) in items.iter().enumerate() {
        let y = area.y.saturating_add(cols(offset));
        if y >= area.bottom() {
            break;
        }
        let width = cols(item.text.width()).min(area.width);
        let x = area.x + (area.width - width) / 2;
        buf.set_stringn(x, y, &item.text, usize::from(area.width), item.style);
        if let (Some(target), true) = (&item.link, theme.profile.hyperlinks) {
            link_cells(buf, Position::new(x, y), width, target);
        }
    }
}
