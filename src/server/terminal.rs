//! The ratatui backend for one visitor: crossterm's escape-sequence writer over an
//! in-memory buffer, with the size the client reported over SSH.
//!
//! ratatui's crossterm backend would ask the *server's* terminal for its size (opening
//! `/dev/tty` or spawning `tput`); this backend answers from the PTY size instead and
//! never queries anything. Each frame's bytes are taken with [`SshBackend::take_frame`]
//! and sent as one write, so a frame is never split across writes by us.
//!
//! Cells are written here rather than by crossterm, which sends even the 16 basic
//! colours as `38;5;N`: a 16-colour terminal gets `30`–`37`/`90`–`97`, a 256-colour
//! one `38;5;N`, truecolor `38;2;R;G;B`, each exactly as the visitor's theme chose.
//! Every style change is one SGR sequence that starts from a reset, so no attribute
//! can leak from one cell to the next.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// A backend that renders into a byte buffer for one SSH channel.
pub struct SshBackend {
    inner: CrosstermBackend<Vec<u8>>,
    size: Size,
    cursor: Position,
}

impl SshBackend {
    pub fn new(size: Size) -> Self {
        Self { inner: CrosstermBackend::new(Vec::with_capacity(4096)), size, cursor: Position::ORIGIN }
    }

    /// Sets the size the next `draw` lays out for (from pty-req or window-change).
    pub fn set_size(&mut self, size: Size) {
        self.size = size;
    }

    /// Appends raw bytes (mode switches, the farewell) to the pending output.
    pub fn write_raw(&mut self, bytes: &[u8]) {
        self.inner.writer_mut().extend_from_slice(bytes);
    }

    /// Takes everything written since the last call: one frame for the wire.
    pub fn take_frame(&mut self) -> Vec<u8> {
        std::mem::take(self.inner.writer_mut())
    }
}

impl Backend for SshBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let out = self.inner.writer_mut();
        let mut style: Option<(Color, Color, Modifier)> = None;
        let mut last: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
            // Move unless this cell directly follows the last one written.
            if last.is_none_or(|(lx, ly)| ly != y || lx.checked_add(1) != Some(x)) {
                write!(out, "\x1b[{};{}H", u32::from(y) + 1, u32::from(x) + 1)?;
            }
            last = Some((x, y));
            let wanted = (cell.fg, cell.bg, cell.modifier);
            if style != Some(wanted) {
                out.extend_from_slice(&sgr(cell.fg, cell.bg, cell.modifier));
                style = Some(wanted);
            }
            out.extend_from_slice(cell.symbol().as_bytes());
        }
        out.extend_from_slice(b"\x1b[0m");
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.cursor = position.into();
        self.inner.set_cursor_position(self.cursor)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize { columns_rows: self.size, pixels: Size::default() })
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(()) // frames are taken whole by `take_frame`, never flushed piecemeal
    }
}

/// One SGR sequence that resets, then sets `modifier`, `fg` and `bg`.
fn sgr(fg: Color, bg: Color, modifier: Modifier) -> Vec<u8> {
    const CODES: [(Modifier, &str); 9] = [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ];
    let mut params = vec!["0".to_owned()];
    params.extend(CODES.iter().filter(|(m, _)| modifier.contains(*m)).map(|(_, code)| (*code).to_owned()));
    params.extend(color_param(fg, 30, 38));
    params.extend(color_param(bg, 40, 48));
    format!("\x1b[{}m", params.join(";")).into_bytes()
}

/// The SGR parameter for `color`: `base`+N for the 16 named colours (bright ones at
/// `base`+60), `extended;5;N` and `extended;2;R;G;B` otherwise; none for the default.
fn color_param(color: Color, base: u8, extended: u8) -> Option<String> {
    let named = |offset: u8| Some((base + offset).to_string());
    match color {
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
        Color::Indexed(index) => Some(format!("{extended};5;{index}")),
        Color::Rgb(r, g, b) => Some(format!("{extended};2;{r};{g};{b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn drawn(buf: &Buffer) -> String {
        let mut backend = SshBackend::new(buf.area.as_size());
        let empty = Buffer::empty(buf.area);
        backend.draw(empty.diff(buf).into_iter()).unwrap();
        String::from_utf8(backend.take_frame()).unwrap()
    }

    #[test]
    fn colours_are_written_in_the_depth_the_theme_chose() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(0, 0, "a", Style::new().fg(Color::Blue));
        buf.set_string(1, 0, "b", Style::new().fg(Color::Indexed(32)).bg(Color::White));
        buf.set_string(2, 0, "c", Style::new().fg(Color::Rgb(1, 2, 3)).bold());
        let out = drawn(&buf);
        assert!(out.starts_with("\x1b[1;1H\x1b[0;34ma\x1b[0;38;5;32;107mb\x1b[0;1;38;2;1;2;3mc"), "{out:?}");
        assert!(out.ends_with("\x1b[0m"));
    }

    #[test]
    fn the_cursor_moves_only_across_gaps() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
        buf.set_string(0, 0, "ab", Style::new());
        buf.set_string(5, 1, "c", Style::new());
        let out = drawn(&buf);
        assert_eq!(out, "\x1b[1;1H\x1b[0mab\x1b[2;6Hc\x1b[0m");
    }
}
