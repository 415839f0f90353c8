//! Frames for one visitor's terminal: draws an [`App`] into a ratatui buffer and encodes
//! what changed as escape sequences.
//!
//! No `ratatui::Terminal` lives between frames. Its two full cell buffers per visitor
//! (about 8 MB at 500x200) would dominate the memory of every idle visitor; instead the
//! previous frame is re-rendered from the previous state when the next one is drawn, and
//! both buffers are dropped once the bytes are produced. Nothing here asks the server's
//! own terminal for anything (ratatui's crossterm backend would, for the size).
//!
//! Cells become bytes in [`encode`] (its own file), written exactly as the visitor's
//! theme chose the colours.

use ratatui_core::buffer::{Buffer, Cell};
use ratatui_core::layout::{Rect, Size};
use ratatui_core::widgets::Widget;

use crate::escape::{self, Counter, Sink};
use crate::tui::App;
use crate::tui::geometry::content_area;

mod encode;

pub use encode::encode;

/// The bytes that turn a screen showing `before` (or a blank screen, when `None` or of
/// another size) into one showing `now`.
pub fn frame(before: Option<&App>, now: &App) -> Vec<u8> {
    let size = now.size();
    let area = Rect::new(0, 0, size.width, size.height);
    let mut current = spare_buffer(area);
    now.render(area, &mut current);
    let mut previous = spare_buffer(area);
    let out = encode_frame(before, now, &mut previous, &current);
    give_back(previous);
    give_back(current);
    out
}

/// The bytes that turn a screen showing `before` (as it was drawn at its size; `None`
/// or another size: a blank screen) into one showing `now` at `size`: the plain diff,
/// for views without the résumé's scroll steps (the owner console).
pub fn redraw<V>(before: Option<(&V, Size)>, now: &V, size: Size) -> Vec<u8>
where
    for<'a> &'a V: Widget,
{
    let area = Rect::new(0, 0, size.width, size.height);
    let mut current = spare_buffer(area);
    now.render(area, &mut current);
    let mut previous = spare_buffer(area);
    let out = match before.filter(|(_, drawn)| *drawn == size) {
        Some((before, _)) => {
            before.render(area, &mut previous);
            encoded(previous.diff(&current))
        }
        None => {
            let mut out = escape::ERASE_SCREEN.as_bytes().to_vec();
            encode(previous.diff(&current).into_iter(), &mut out);
            out
        }
    };
    give_back(previous);
    give_back(current);
    out
}

/// The shortest bytes from `before` (rendered into `previous`) to `current`: the plain
/// diff, or on a scroll step the terminal's own scrolling and the diff after it. Both
/// are measured first; only the shorter is encoded.
fn encode_frame(before: Option<&App>, now: &App, previous: &mut Buffer, current: &Buffer) -> Vec<u8> {
    let area = previous.area;
    let Some(before) = before.filter(|before| before.size() == now.size()) else {
        // A new or resized screen: start from blank, whatever the terminal shows now.
        let mut out = escape::ERASE_SCREEN.as_bytes().to_vec();
        encode(previous.diff(current).into_iter(), &mut out);
        return out;
    };
    before.render(area, previous);
    let Some((rows, lines)) = scroll_step(before, now) else {
        return encoded(previous.diff(current));
    };
    let mut plain = Counter::default();
    encode(previous.diff(current).into_iter(), &mut plain);
    let mut scrolled = Counter::default();
    scroll(&mut scrolled, &rows, lines);
    shift_rows(previous, rows.clone(), lines);
    encode(previous.diff(current).into_iter(), &mut scrolled);
    if scrolled.0 < plain.0 {
        let mut out = Vec::with_capacity(scrolled.0);
        scroll(&mut out, &rows, lines);
        encode(previous.diff(current).into_iter(), &mut out);
        return out;
    }
    // The plain diff is shorter (rare): draw the previous screen again, unshifted.
    previous.reset();
    before.render(area, previous);
    encoded(previous.diff(current))
}

fn encoded(cells: Vec<(u16, u16, &Cell)>) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    encode(cells.into_iter(), &mut out);
    out
}

/// Cell buffers kept per worker thread for the next frame: allocating and freeing two
/// buffers per frame (half a megabyte each at 200x60, mapped and unmapped every time)
/// cost more than drawing. Only buffers up to [`SPARE_CELLS`] are kept, two per thread.
const SPARE_CELLS: usize = 200 * 60;

thread_local! {
    static SPARE: std::cell::RefCell<Vec<Buffer>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A blank buffer for `area`, reused when one is spare.
fn spare_buffer(area: Rect) -> Buffer {
    match SPARE.with(|spare| spare.borrow_mut().pop()) {
        Some(mut buffer) => {
            buffer.resize(area);
            buffer.reset();
            buffer
        }
        None => Buffer::empty(area),
    }
}

fn give_back(buffer: Buffer) {
    if buffer.content.len() <= SPARE_CELLS {
        SPARE.with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < 2 {
                spare.push(buffer);
            }
        });
    }
}

/// When `now` shows the same section as `before`, scrolled by fewer lines than the text
/// area holds: the text area's rows and how many lines the text moved up (negative:
/// down).
fn scroll_step(before: &App, now: &App) -> Option<(std::ops::Range<u16>, isize)> {
    let same_view = before.section() == now.section() && before.is_linear() == now.is_linear();
    let area = content_area(now.size()).filter(|_| same_view)?;
    let lines = now.scroll() as isize - before.scroll() as isize;
    (lines != 0 && lines.unsigned_abs() < usize::from(area.height)).then(|| (area.y..area.bottom(), lines))
}

/// Moves the text in `rows` by `lines` with the terminal's own scrolling (a scroll
/// region, line feed or reverse index, all VT100), so a scroll step costs a new line
/// and the scrollbar instead of every line of text.
fn scroll(out: &mut impl Sink, rows: &std::ops::Range<u16>, lines: isize) {
    let (top, bottom) = (u32::from(rows.start) + 1, u32::from(rows.end));
    escape::scroll_region(out, top, bottom);
    // A line feed on the region's last row scrolls it up; reverse index on its first
    // row scrolls it down.
    let (row, step) = if lines > 0 { (bottom, "\n") } else { (top, escape::REVERSE_INDEX) };
    escape::cursor_to(out, row, 1);
    for _ in 0..lines.unsigned_abs() {
        out.push(step.as_bytes());
    }
    out.push(escape::RESET_SCROLL_REGION.as_bytes());
}

/// What the terminal does to its screen for the scroll above: rows in `rows` move up by
/// `lines` (down when negative), and the rows uncovered are blank.
fn shift_rows(buffer: &mut Buffer, rows: std::ops::Range<u16>, lines: isize) {
    let width = usize::from(buffer.area.width);
    let (start, end) = (usize::from(rows.start) * width, usize::from(rows.end) * width);
    let region = &mut buffer.content[start..end];
    let moved = lines.unsigned_abs() * width;
    let len = region.len();
    if lines > 0 {
        region.rotate_left(moved);
        region[len - moved..].fill(Cell::default());
    } else {
        region.rotate_right(moved);
        region[..moved].fill(Cell::default());
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;
    use std::sync::Arc;

    use ratatui_core::layout::Size;

    use super::*;
    use crate::resume::{Loaded, load};
    use crate::tui::theme::{Charset, ColorDepth, Profile};
    use crate::tui::{Event, Theme};
    use ratatui_core::style::{Color, Style};

    fn app(width: u16, height: u16) -> App {
        let resume = load::parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap();
        let theme = Theme::new(Profile::new(ColorDepth::Ansi256, Charset::Utf8));
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
    fn scroll_steps_use_the_terminals_scrolling_and_stay_small() {
        for (width, height) in [(80, 24), (40, 20), (200, 60)] {
            let mut app = app(width, height);
            app.handle(&key('3'));
            let mut screen = screen(width, height);
            screen.process(&frame(None, &app));
            for c in ['j', 'j', 'k', ' ', 'b', 'j'] {
                let before = app.clone();
                app.handle(&key(c));
                let bytes = frame(Some(&before), &app);
                // With the section list beside the text (200 columns), its lines scroll
                // along and are drawn again.
                let budget = if width < 120 { 400 } else { 800 };
                if c == 'j' || c == 'k' {
                    assert!(bytes.len() <= budget, "{c} at {width}x{height}: {} bytes", bytes.len());
                }
                screen.process(&bytes);
                let mut fresh = self::screen(width, height);
                fresh.process(&frame(None, &app));
                let shown = |p: &vt100::Parser| -> Vec<String> {
                    p.screen().contents().lines().map(|l| l.trim_end().to_owned()).collect()
                };
                assert_eq!(shown(&screen), shown(&fresh), "after {c} at {width}x{height}");
            }
        }
    }

    #[test]
    fn a_resize_starts_from_a_blank_screen() {
        let before = app(80, 24);
        let mut after = before.clone();
        after.handle(&Event::Resize { cols: 100, rows: 30 });
        assert!(frame(Some(&before), &after).starts_with(b"\x1b[2J"));
    }

    fn drawn(buf: &Buffer) -> String {
        let mut out = Vec::new();
        encode(Buffer::empty(buf.area).diff(buf).into_iter(), &mut out);
        String::from_utf8(out).unwrap()
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
