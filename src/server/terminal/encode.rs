//! Cells to bytes: cursor moves, SGR sequences and text, written into any
//! [`Sink`] — a byte buffer, or a [`Counter`](crate::escape::Counter) that only
//! measures, so two candidate encodings of a frame are compared by length before one
//! of them is produced.
//!
//! Colours are written as the visitor's theme chose them, not as crossterm would
//! (which sends even the 16 basic colours as `38;5;N`): a 16-colour terminal gets
//! `30`–`37`/`90`–`97`, a 256-colour one `38;5;N`, truecolor `38;2;R;G;B`. Every style
//! change is one SGR sequence: only what it adds when the new style keeps every
//! attribute of the old one (and that is shorter), else a reset and the whole style,
//! so no attribute can leak from one cell to the next. Parameters are written straight
//! into the sink; no strings are built per style change. The cursor moves between
//! changed cells the shortest way (see [`encode`]).

use ratatui_core::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui_core::style::{Color, Modifier};

use crate::escape::{self, Counter, Sink};

/// The SGR state a cell is written in: foreground, background, attributes.
pub type Pen = (Color, Color, Modifier);

/// Writes `cells` — the cells of `screen` that differ from what the terminal shows, in
/// row-major order, as `Buffer::diff` lists them — as cursor moves, SGR sequences and
/// text. `pen` is the terminal's SGR state before (`None`: unknown) and after; `cursor`
/// where the cursor is known to be (column, row), if it is. Cells may come in any
/// order. Stops early once `out` is full (a [`Budget`](crate::escape::Budget) passed).
///
/// Between two changed cells of a row the cursor is moved the shortest way: by writing
/// the unchanged cells between them again when they are plain ASCII in the current SGR
/// state and take fewer bytes than a move (the spaces between the words of a new line
/// after a scroll), else CUF or CUP, whichever is shorter.
pub fn encode<'a>(
    screen: &Buffer,
    cells: impl Iterator<Item = (u16, u16, &'a Cell)>,
    pen: &mut Option<Pen>,
    mut cursor: Option<(u16, u16)>,
    out: &mut impl Sink,
) {
    // `cursor` is where the next character lands; `None` when unknown, as after the
    // last column, where terminals differ on what a pending wrap does to later moves.
    for (x, y, cell) in cells {
        if out.is_full() {
            return;
        }
        move_to(screen, cursor, (x, y), *pen, out);
        let wanted = (cell.fg, cell.bg, cell.modifier);
        if *pen != Some(wanted) {
            sgr(out, *pen, wanted);
            *pen = Some(wanted);
        }
        out.push(cell.symbol().as_bytes());
        let next = x.saturating_add(cell.cell_width().max(1));
        cursor = (next < screen.area.width).then_some((next, y));
    }
}

/// Moves the cursor from `cursor` to `to`, the shortest of the ways described on
/// [`encode`].
fn move_to(
    screen: &Buffer,
    cursor: Option<(u16, u16)>,
    to: (u16, u16),
    pen: Option<Pen>,
    out: &mut impl Sink,
) {
    let (x, y) = to;
    let (row, column) = (u32::from(y) + 1, u32::from(x) + 1);
    let Some((from, _)) = cursor.filter(|&(cx, cy)| cy == y && cx <= x) else {
        return escape::cursor_to(out, row, column);
    };
    if from == x {
        return;
    }
    let mut cup = Counter::default();
    escape::cursor_to(&mut cup, row, column);
    let mut cuf = Counter::default();
    escape::cursor_forward(&mut cuf, u32::from(x - from));
    let shortest_move = cup.0.min(cuf.0);
    match gap_text(screen, y, from..x, pen, shortest_move) {
        Some(cells) => cells.for_each(|cell| out.push(cell.symbol().as_bytes())),
        None if cuf.0 < cup.0 => escape::cursor_forward(out, u32::from(x - from)),
        None => escape::cursor_to(out, row, column),
    }
}

/// The unchanged cells of row `y` in `columns`, when writing them again takes at most
/// `budget` bytes: each a single printable ASCII character (never part of a wide one,
/// never a link) in the SGR state `pen` already set.
fn gap_text(
    screen: &Buffer,
    y: u16,
    columns: std::ops::Range<u16>,
    pen: Option<Pen>,
    budget: usize,
) -> Option<impl Iterator<Item = &Cell>> {
    let pen = pen?;
    if usize::from(columns.end - columns.start) > budget {
        return None;
    }
    let cells = columns.map(move |x| screen.cell((x, y)));
    let plain = |cell: Option<&Cell>| {
        cell.is_some_and(|cell| {
            let symbol = cell.symbol().as_bytes();
            let ascii = symbol.len() == 1 && (symbol[0].is_ascii_graphic() || symbol[0] == b' ');
            ascii && cell.diff_option == CellDiffOption::None && (cell.fg, cell.bg, cell.modifier) == pen
        })
    };
    cells.clone().all(plain).then(|| cells.flatten())
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

/// One SGR sequence from `from` to `to`: only what changed when `to` keeps every
/// attribute of `from` and that is shorter, else a reset followed by all of `to`.
fn sgr(out: &mut impl Sink, from: Option<Pen>, to: Pen) {
    let mut full = Counter::default();
    full_sgr(&mut full, to);
    let mut changes = Counter::default();
    let fewer = from.filter(|from| to.2.contains(from.2)).filter(|&from| {
        changed_sgr(&mut changes, from, to);
        changes.0 < full.0
    });
    match fewer {
        Some(from) => changed_sgr(out, from, to),
        None => full_sgr(out, to),
    }
}

/// A reset, then `modifier`, `fg` and `bg`.
fn full_sgr(out: &mut impl Sink, (fg, bg, modifier): Pen) {
    escape::sgr_start(out);
    out.push(b"0");
    modifiers(out, modifier);
    colour(out, fg, 30);
    colour(out, bg, 40);
    escape::sgr_end(out);
}

/// The attributes `to` adds to `from` (which it must keep), and the colours that
/// differ (`39`/`49`: the default).
fn changed_sgr(out: &mut impl Sink, from: Pen, to: Pen) {
    escape::sgr_start(out);
    // Every parameter is written with a leading `;`; the first one's goes.
    let mut params = WithoutFirstByte { out, skipped: false };
    modifiers(&mut params, to.2.difference(from.2));
    for (was, now, base) in [(from.0, to.0, 30), (from.1, to.1, 40)] {
        match now {
            _ if now == was => {}
            Color::Reset => {
                params.push(b";");
                params.push_number(base + 9);
            }
            now => colour(&mut params, now, base),
        }
    }
    escape::sgr_end(out);
}

/// Writes into `out` all but the first byte pushed.
struct WithoutFirstByte<'a, S> {
    out: &'a mut S,
    skipped: bool,
}

impl<S: Sink> Sink for WithoutFirstByte<'_, S> {
    fn push(&mut self, bytes: &[u8]) {
        match bytes.split_first() {
            Some((_, rest)) if !self.skipped => {
                self.skipped = true;
                self.out.push(rest);
            }
            _ => self.out.push(bytes),
        }
    }
}

/// `;N` for each attribute in `modifier`.
fn modifiers(out: &mut impl Sink, modifier: Modifier) {
    for (flag, code) in MODIFIER_CODES {
        if modifier.contains(flag) {
            out.push(code);
        }
    }
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
