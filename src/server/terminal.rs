//! Frames for one visitor's terminal: draws an [`App`] into a ratatui buffer and encodes
//! what changed as escape sequences, with crossterm's writer.
//!
//! No `ratatui::Terminal` lives between frames. Its two full cell buffers per visitor
//! (about 8 MB at 500x200) would dominate the memory of every idle visitor; instead the
//! previous frame is re-rendered from the previous state when the next one is drawn, and
//! both buffers are dropped once the bytes are produced. Nothing here asks the server's
//! own terminal for anything (ratatui's crossterm backend would, for the size).

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;
use ratatui::crossterm::{queue, terminal};
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use crate::tui::App;

/// The bytes that turn a screen showing `before` (or a blank screen, when `None` or of
/// another size) into one showing `now`.
pub fn frame(before: Option<&App>, now: &App) -> Vec<u8> {
    let size = now.size();
    let area = Rect::new(0, 0, size.width, size.height);
    let mut current = Buffer::empty(area);
    now.render(area, &mut current);
    let mut previous = Buffer::empty(area);
    let mut backend = CrosstermBackend::new(Vec::with_capacity(4096));
    match before {
        Some(before) if before.size() == size => before.render(area, &mut previous),
        // A new or resized screen: start from blank, whatever the terminal shows now.
        _ => {
            let _ = queue!(backend.writer_mut(), terminal::Clear(terminal::ClearType::All));
        }
    }
    // Writing into a Vec cannot fail.
    let _ = backend.draw(previous.diff(&current).into_iter());
    std::mem::take(backend.writer_mut())
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;
    use std::sync::Arc;

    use ratatui::layout::Size;

    use super::*;
    use crate::resume::{Loaded, load};
    use crate::tui::theme::{Charset, ColorDepth, Profile};
    use crate::tui::{Event, Theme};

    fn app(width: u16, height: u16) -> App {
        let resume = load::parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap();
        let theme = Theme::new(Profile { color: ColorDepth::Ansi256, charset: Charset::Utf8 });
        App::new(Arc::new(Loaded::from_resume(resume)), theme, Size::new(width, height))
    }

    fn screen(width: u16, height: u16) -> vt100::Parser {
        vt100::Parser::new(NonZeroU16::new(height).unwrap(), NonZeroU16::new(width).unwrap(), 0)
    }

    fn key(c: char) -> Event {
        Event::Key(crate::tui::input::KeyEvent::new(crate::tui::input::KeyCode::Char(c)))
    }

    #[test]
    fn diffs_applied_in_order_give_the_same_screen_as_a_full_redraw() {
        let mut app = app(80, 24);
        let mut incremental = screen(80, 24);
        incremental.process(&frame(None, &app));
        for c in ['3', 'j', 'j', ' ', '5', '?', 'q'] {
            let before = app.clone();
            app.handle(&key(c));
            incremental.process(&frame(Some(&before), &app));
        }
        let mut full = screen(80, 24);
        full.process(&frame(None, &app));
        // Cells a diff blanked hold written spaces, a fresh screen none: compare what shows.
        let shown = |p: &vt100::Parser| -> Vec<String> {
            p.screen().contents().lines().map(|l| l.trim_end().to_owned()).collect()
        };
        assert_eq!(shown(&incremental), shown(&full));
    }

    #[test]
    fn a_scroll_step_sends_far_less_than_a_full_frame() {
        let mut app = app(80, 24);
        app.handle(&key('3'));
        let full = frame(None, &app).len();
        let before = app.clone();
        app.handle(&key('j'));
        let step = frame(Some(&before), &app).len();
        assert!(step < full, "scroll step {step} bytes, full frame {full}");
    }

    #[test]
    fn a_resize_starts_from_a_blank_screen() {
        let before = app(80, 24);
        let mut after = before.clone();
        after.handle(&Event::Resize { cols: 100, rows: 30 });
        assert!(frame(Some(&before), &after).starts_with(b"\x1b[2J"));
    }
}
