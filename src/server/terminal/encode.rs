//! Cells to bytes: cursor moves, SGR sequences and text, written into any
//! [`Sink`] — a byte buffer, or a [`Counter`](crate::escape::Counter) that only
//! measures, so two candidate encodings of a frame are compared by length before one
//! of them is produced.
//!
//! Colours are written as the visitor's theme chose them, not as crossterm would
//! (which sends even the 16 basic colours as `38;5;N`): a 16-colour terminal gets
//! `30`–`37`/`90`–`97`, a 256-colour one `38;5;N`, truecolor `38;2;R;G;B`. Every style
//! change is one SGR sequence that starts from a reset, so no attribute can leak from
//! one cell to the next. Parameters are written straight into the sink: no strings
//! are built per style change.

use ratatui_core::buffer::Cell;
use ratatui_core::style::{Color, Modifier};

use crate::escape::{self, Sink};

/// Writes `cells` as cursor moves, SGR sequences and text, ending with a reset.
pub fn encode<'a>(cells: impl Iterator<Item = (u16, u16, &'a Cell)>, out: &mut impl Sink) {
    let mut style: Option<(Color, Color, Modifier)> = None;
    let mut last: Option<(u16, u16)> = None;
    for (x, y, cell) in cells {
        // Move unless this cell directly follows the last one written.
        if last.is_none_or(|(lx, ly)| ly != y || lx.checked_add(1) != Some(x)) {
            escape::cursor_to(out, u32::from(y) + 1, u32::from(x) + 1);
        }
        last = Some((x, y));
        let wanted = (cell.fg, cell.bg, cell.modifier);
        if style != Some(wanted) {
            sgr(out, cell.fg, cell.bg, cell.modifier);
            style = Some(wanted);
        }
        out.push(cell.symbol().as_bytes());
    }
    out.push(escape::SGR_RESET.as_bytes());
}

/// SGR parameters of the attributes, in ECMA-48's numbering.
const MODIFIER_CODES: [(Modifier, &[u8]); 9] = [
    (Modifier::BOLD, b";1"),
    (Modifier::DIM, b";2"),
    (Modifier::ITALIC, b";3"),
    (Modifier::UNDERLINED, b";4"),
    (Modifier::SLOW_BLINK, b";5"),
    (Modifier::RAPID_BLINK, b";6"),
    (Modifier::REVERSED, b";7"),
    (Modifier::HIDDEN, b";8"),
    (Modifier::CROSSED_OUT, b";9"),
];

/// One SGR sequence that resets, then sets `modifier`, `fg` and `bg`.
fn sgr(out: &mut impl Sink, fg: Color, bg: Color, modifier: Modifier) {
    escape::sgr_start(out);
    out.push(b"0");
    for (flag, code) in MODIFIER_CODES {
        if modifier.contains(flag) {
            out.push(code);
        }
    }
    colour(out, fg, 30);
    colour(out, bg, 40);
    escape::sgr_end(out);
}

/// The SGR parameter for `colour` as `base`+N for the 16 named colours (bright ones at
/// `base`+60), `base+8;5;N` and `base+8;2;R;G;B` otherwise; none for the default.
fn colour(out: &mut impl Sink, colour: Color, base: u32) {
    let named = |offset: u32| Some(base + offset);
    let code = match colour {
        Color::Reset => None,
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => named(60),
        Color::LightRed => named(61),
        Color::LightGreen => named(62),
        Color::LightYellow => named(63),
        Color::LightBlue => named(64),
        Color::LightMagenta => named(65),
        Color::LightCyan => named(66),
        Color::White => named(67),
        Color::Indexed(index) => return extended(out, base, &[5, u32::from(index)]),
        Color::Rgb(r, g, b) => return extended(out, base, &[2, u32::from(r), u32::from(g), u32::from(b)]),
    };
    if let Some(code) = code {
        out.push(b";");
        out.push_number(code);
    }
}

/// `;38;…` (or `;48;…` for backgrounds) with `parameters`.
fn extended(out: &mut impl Sink, base: u32, parameters: &[u32]) {
    out.push(b";");
    out.push_number(base + 8);
    for parameter in parameters {
        out.push(b";");
        out.push_number(*parameter);
    }
}
