//! OSC 8 hyperlinks in a ratatui buffer.
//!
//! ratatui 0.30 has no link style; its way (see `CellDiffOption::ForcedWidth`) is to
//! put the escape sequence into a cell's symbol and tell the diff how wide the cell
//! really is. Every cell of a link carries the whole sequence around its own
//! character, so a frame that redraws only some of the cells (a scroll, an overlay
//! closing) still leaves each one linked; the shared `id` lets terminals treat the
//! cells as one link for hovering. The visible text is unchanged: a terminal without
//! OSC 8 shows the plain URL. Targets are printable ASCII (`resume::links` ensures it),
//! so nothing a résumé holds can end the sequence early.
//!
//! This is the one place in `tui` that puts escape sequences into cells, spelled by
//! [`crate::escape`] (a test there keeps it so): everything else draws cells and leaves the
//! bytes to the server's terminal writer.

use std::num::NonZeroU16;

use ratatui_core::buffer::{Buffer, CellDiffOption};
use ratatui_core::layout::Position;
use unicode_width::UnicodeWidthStr;

use crate::escape::{ESC, OSC8, OSC8_CLOSE as CLOSE, ST, osc8_open, osc8_wrap};

/// Makes `cols` cells from `at` a link to `target`.
pub fn link_cells(buf: &mut Buffer, at: Position, cols: u16, target: &str) {
    let open = osc8_open(&link_id(target), target);
    for x in at.x..at.x.saturating_add(cols) {
        let Some(cell) = buf.cell_mut((x, at.y)) else { break };
        let symbol = cell.symbol();
        if symbol.starts_with(ESC) {
            continue; // already a link
        }
        let width =
            NonZeroU16::new(u16::try_from(symbol.width()).unwrap_or(1).max(1)).unwrap_or(NonZeroU16::MIN);
        let linked = osc8_wrap(&open, symbol);
        cell.set_symbol(&linked).set_diff_option(CellDiffOption::ForcedWidth(width));
    }
}

/// A short id per target (FNV-1a), the same in every frame.
fn link_id(target: &str) -> String {
    let hash =
        target.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    format!("{hash:08x}")
}

/// A cell's symbol without any OSC 8 wrapping: what the terminal shows.
pub fn visible(symbol: &str) -> &str {
    match (symbol.find(ST), symbol.rfind(CLOSE)) {
        (Some(open_end), Some(close)) if symbol.starts_with(OSC8) && open_end + ST.len() <= close => {
            &symbol[open_end + ST.len()..close]
        }
        _ => symbol,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui_core::layout::Rect;

    #[test]
    fn each_cell_is_wrapped_and_keeps_its_width() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 1));
        buf.set_string(0, 0, "ab", ratatui_core::style::Style::new());
        link_cells(&mut buf, Position::new(0, 0), 2, "https://example.org");
        let cell = &buf[(1, 0)];
        assert!(cell.symbol().starts_with("\u{1b}]8;id="));
        assert!(cell.symbol().contains(";https://example.org\u{1b}\\b\u{1b}]8;;\u{1b}\\"));
        assert_eq!(visible(cell.symbol()), "b");
        assert_eq!(cell.diff_option, CellDiffOption::ForcedWidth(NonZeroU16::MIN));
        assert_eq!(buf[(2, 0)].symbol(), " ");
    }

    #[test]
    fn linking_twice_does_not_nest() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        link_cells(&mut buf, Position::new(0, 0), 3, "https://a.example");
        let once = buf.clone();
        link_cells(&mut buf, Position::new(0, 0), 30, "https://a.example");
        assert_eq!(buf, once);
    }
}
