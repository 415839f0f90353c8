//! The ratatui backend for one visitor: crossterm's escape-sequence writer over an
//! in-memory buffer, with the size the client reported over SSH.
//!
//! ratatui's crossterm backend would ask the *server's* terminal for its size (opening
//! `/dev/tty` or spawning `tput`); this backend answers from the PTY size instead and
//! never queries anything. Each frame's bytes are taken with [`SshBackend::take_frame`]
//! and sent as one write, so a frame is never split across writes by us.

use std::io;

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

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
        self.inner.draw(content)
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
