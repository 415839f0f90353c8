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
use ratatui_core::style::{Color, Modifier};
use ratatui_core::widgets::Widget;

use crate::escape::{self, Counter, Sink};
use crate::tui::App;
use crate::tui::geometry::content_area;

mod encode;

pub use encode::{Pen, encode};

/// What the visitor's terminal was left set to by the frames sent so far: the SGR pen
/// and the scroll region. A frame starts from them, so what is already set is not sent
/// again; whatever else is sent to the terminal must leave them as recorded here (the
/// view's entry and exit sequences reset both).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Modes {
    /// The SGR state; `None` when unknown.
    pub pen: Option<Pen>,
    /// The DECSTBM scroll region's rows (from 0, end excluded); `None` for the whole
    /// screen.
    pub scroll_region: Option<std::ops::Range<u16>>,
}

impl Modes {
    /// The pen once an SGR reset was sent, and the whole screen scrolling.
    pub fn reset() -> Self {
        Self { pen: Some((Color::Reset, Color::Reset, Modifier::empty())), scroll_region: None }
    }

    /// Whether erasing or scrolling would leave blank cells as `Cell::default()`:
    /// terminals fill them with the current background (xterm's "bce").
    fn erases_to_default(&self) -> bool {
        self.pen.is_some_and(|(_, bg, modifier)| bg == Color::Reset && !modifier.contains(Modifier::REVERSED))
    }

    /// An SGR reset, unless erasing already leaves default cells.
    fn reset_pen_for_erase(&mut self, out: &mut impl Sink) {
        if !self.erases_to_default() {
            out.push(escape::SGR_RESET.as_bytes());
            self.pen = Self::reset().pen;
        }
    }
}

/// The bytes that turn a screen showing `before` (or a blank screen, when `None` or of
/// another size) into one showing `now`, from the terminal `modes` the last frame left
/// (updated to what this one leaves).
pub fn frame(before: Option<&App>, now: &App, modes: &mut Modes) -> Vec<u8> {
    let size = now.size();
    let area = Rect::new(0, 0, size.width, size.height);
    let mut current = spare_buffer(area);
    now.render(area, &mut current);
    let mut previous = spare_buffer(area);
    let out = encode_frame(before, now, &mut previous, &current, modes);
    give_back(previous);
    give_back(current);
    out
}

/// The bytes that turn a screen showing `before` (as it was drawn at its size; `None`
/// or another size: a blank screen) into one showing `now` at `size`, from the terminal
/// `modes` the last frame left (updated): the plain diff, for views without the
/// résumé's scroll steps (the owner console).
pub fn redraw<V>(before: Option<(&V, Size)>, now: &V, size: Size, modes: &mut Modes) -> Vec<u8>
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
            encoded(&previous, &current, modes)
        }
        None => blank_then(&previous, &current, modes),
    };
    give_back(previous);
    give_back(current);
    out
}

/// A cleared screen (the scroll region reset, and the pen when it would colour the
/// blanks), then `current` drawn on it; `previous` is blank.
fn blank_then(previous: &Buffer, current: &Buffer, modes: &mut Modes) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    if modes.scroll_region.take().is_some() {
        out.extend_from_slice(escape::RESET_SCROLL_REGION.as_bytes());
    }
    modes.reset_pen_for_erase(&mut out);
    out.extend_from_slice(escape::ERASE_SCREEN.as_bytes());
    encode(current, previous.diff_iter(current), &mut modes.pen, None, &mut out);
    out
}

/// The shortest bytes from `before` (rendered into `previous`) to `current`: the plain
/// diff, or on a scroll step the terminal's own scrolling and the diff after it. Both
/// are measured first; only the shorter is encoded.
fn encode_frame(
    before: Option<&App>,
    now: &App,
    previous: &mut Buffer,
    current: &Buffer,
    modes: &mut Modes,
) -> Vec<u8> {
    let area = previous.area;
    let Some(before) = before.filter(|before| before.size() == now.size()) else {
        // A new or resized screen: start from blank, whatever the terminal shows now.
        return blank_then(previous, current, modes);
    };
    before.render(area, previous);
    let Some((rows, lines)) = scroll_step(before, now) else {
        return encoded(previous, current, modes);
    };
    let mut plain = Counter::default();
    encode(current, previous.diff_iter(current), &mut modes.pen.clone(), None, &mut plain);
    let mut scrolled = Counter::default();
    let mut scrolled_modes = modes.clone();
    let (uncovered, cursor) = scroll(&mut scrolled, &rows, lines, &mut scrolled_modes);
    shift_rows(previous, rows.clone(), lines);
    let cells = new_rows_first(previous, current, uncovered.clone());
    encode(current, cells, &mut scrolled_modes.pen, cursor, &mut scrolled);
    if scrolled.0 < plain.0 {
        let mut out = Vec::with_capacity(scrolled.0);
        scroll(&mut out, &rows, lines, modes);
        let cells = new_rows_first(previous, current, uncovered);
        encode(current, cells, &mut modes.pen, cursor, &mut out);
        return out;
    }
    // The plain diff is shorter (rare): draw the previous screen again, unshifted.
    previous.reset();
    before.render(area, previous);
    encoded(previous, current, modes)
}

/// The plain diff from `previous` to `current`, encoded.
fn encoded(previous: &Buffer, current: &Buffer, modes: &mut Modes) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    encode(current, previous.diff_iter(current), &mut modes.pen, None, &mut out);
    out
}

/// The changed cells of the rows a scroll uncovered first (the cursor is on them after
/// the scroll), then the others.
fn new_rows_first<'a>(
    previous: &'a Buffer,
    current: &'a Buffer,
    uncovered: std::ops::Range<u16>,
) -> impl Iterator<Item = (u16, u16, &'a Cell)> {
    let first = uncovered.clone();
    let new_rows = previous.diff_iter(current).filter(move |(_, y, _)| first.contains(y));
    new_rows.chain(previous.diff_iter(current).filter(move |(_, y, _)| !uncovered.contains(y)))
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
/// and the scrollbar instead of every line of text. The region stays set for the next
/// step. Returns the rows uncovered, and where the cursor is (column, row; from 0).
fn scroll(
    out: &mut impl Sink,
    rows: &std::ops::Range<u16>,
    lines: isize,
    modes: &mut Modes,
) -> (std::ops::Range<u16>, Option<(u16, u16)>) {
    let (top, bottom) = (u32::from(rows.start) + 1, u32::from(rows.end));
    if modes.scroll_region.as_ref() != Some(rows) {
        escape::scroll_region(out, top, bottom);
        modes.scroll_region = Some(rows.clone());
    }
    modes.reset_pen_for_erase(out);
    // A line feed on the region's last row scrolls it up; reverse index on its first
    // row scrolls it down.
    let (row, step) = if lines > 0 { (bottom, "\n") } else { (top, escape::REVERSE_INDEX) };
    escape::cursor_to(out, row, 1);
    for _ in 0..lines.unsigned_abs() {
        out.push(step.as_bytes());
    }
    let count = u16::try_from(lines.unsigned_abs()).unwrap_or(u16::MAX);
    let uncovered =
        if lines > 0 { rows.end.saturating_sub(count)..rows.end } else { rows.start..rows.start + count };
    (uncovered, Some((0, u16::try_from(row - 1).unwrap_or(0))))
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
    use ratatui_core::style::{Color, Modifier, Style};

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
        let mut modes = Modes::default();
        incremental.process(&frame(None, &app, &mut modes));
        for c in ['3', 'j', 'j', ' ', '5', '?', 'q'] {
            let before = app.clone();
            app.handle(&key(c));
            incremental.process(&frame(Some(&before), &app, &mut modes));
        }
        let mut full = screen(80, 24);
        full.process(&frame(None, &app, &mut Modes::default()));
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
        let mut modes = Modes::default();
        let full = frame(None, &app, &mut modes).len();
        let before = app.clone();
        app.handle(&key('j'));
        let step = frame(Some(&before), &app, &mut modes).len();
        assert!(step < full, "scroll step {step} bytes, full frame {full}");
    }

    #[test]
    fn scroll_steps_use_the_terminals_scrolling_and_stay_small() {
        for (width, height) in [(80, 24), (40, 20), (200, 60)] {
            let mut app = app(width, height);
            app.handle(&key('3'));
            let mut screen = screen(width, height);
            let mut modes = Modes::default();
            screen.process(&frame(None, &app, &mut modes));
            for c in ['j', 'j', 'k', ' ', 'b', 'j'] {
                let before = app.clone();
                app.handle(&key(c));
                let bytes = frame(Some(&before), &app, &mut modes);
                // With the section list beside the text (200 columns), its lines scroll
                // along and are drawn again.
                let budget = if width < 120 { 400 } else { 800 };
                if c == 'j' || c == 'k' {
                    assert!(bytes.len() <= budget, "{c} at {width}x{height}: {} bytes", bytes.len());
                }
                screen.process(&bytes);
                let mut fresh = self::screen(width, height);
                fresh.process(&frame(None, &app, &mut Modes::default()));
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
        let mut modes = Modes::default();
        assert!(
            frame(Some(&before), &after, &mut modes).starts_with(b"\x1b[0m\x1b[2J"),
            "unknown pen: reset first"
        );
        assert!(
            frame(Some(&before), &after, &mut modes).starts_with(b"\x1b[2J"),
            "a pen that erases to blank"
        );
    }

    fn drawn(buf: &Buffer) -> String {
        let mut out = Vec::new();
        encode(buf, Buffer::empty(buf.area).diff_iter(buf), &mut None, None, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn colours_are_written_in_the_depth_the_theme_chose() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(0, 0, "a", Style::new().fg(Color::Blue));
        buf.set_string(1, 0, "b", Style::new().fg(Color::Indexed(32)).bg(Color::White));
        buf.set_string(2, 0, "c", Style::new().fg(Color::Rgb(1, 2, 3)).bold());
        let out = drawn(&buf);
        assert!(out.starts_with("\x1b[1H\x1b[0;34ma\x1b[38;5;32;107mb\x1b[0;1;38;2;1;2;3mc"), "{out:?}");
    }

    #[test]
    fn a_style_change_sends_only_what_changed_unless_an_attribute_goes() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 5, 1));
        buf.set_string(0, 0, "a", Style::new().fg(Color::Blue));
        buf.set_string(1, 0, "b", Style::new().fg(Color::Blue).bold());
        buf.set_string(2, 0, "c", Style::new().fg(Color::Red).bold().bg(Color::Black));
        buf.set_string(3, 0, "d", Style::new().bold());
        buf.set_string(4, 0, "e", Style::new().fg(Color::Red));
        let out = drawn(&buf);
        assert_eq!(out, "\x1b[1H\x1b[0;34ma\x1b[1mb\x1b[31;40mc\x1b[0;1md\x1b[0;31me");
    }

    #[test]
    fn the_cursor_moves_only_across_gaps() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
        buf.set_string(0, 0, "ab", Style::new());
        buf.set_string(5, 1, "c", Style::new());
        let out = drawn(&buf);
        assert_eq!(out, "\x1b[1H\x1b[0mab\x1b[2;6Hc");
    }

    #[test]
    fn short_gaps_are_written_over_and_long_ones_skipped_forward() {
        let before = Buffer::with_lines(["a b  c", "x     y"]);
        let mut now = before.clone();
        now.set_string(0, 0, "A", Style::new());
        now.set_string(2, 0, "B", Style::new());
        now.set_string(0, 1, "X", Style::new());
        now.set_string(6, 1, "Y", Style::new());
        let mut out = Vec::new();
        encode(
            &now,
            before.diff_iter(&now),
            &mut Some((Color::Reset, Color::Reset, Modifier::empty())),
            None,
            &mut out,
        );
        // One space between A and B costs a byte; five cost more than CUF.
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1HA B\x1b[2HX\x1b[5CY");
    }

    #[test]
    fn gaps_in_another_style_or_within_wide_characters_are_skipped_not_written() {
        let mut before = Buffer::empty(Rect::new(0, 0, 6, 1));
        before.set_string(1, 0, " ", Style::new().bold());
        let mut now = before.clone();
        now.set_string(0, 0, "a", Style::new());
        now.set_string(2, 0, "b", Style::new());
        let mut out = Vec::new();
        let mut pen = None;
        encode(&now, before.diff_iter(&now), &mut pen, None, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1H\x1b[0ma\x1b[1Cb");

        let mut wide = Buffer::empty(Rect::new(0, 0, 6, 1));
        wide.set_string(0, 0, "a界b", Style::new());
        let mut now = wide.clone();
        now.set_string(0, 0, "A", Style::new());
        now.set_string(3, 0, "B", Style::new());
        let mut out = Vec::new();
        encode(&now, wide.diff_iter(&now), &mut pen, None, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1HA\x1b[2CB");
    }

    #[test]
    fn the_pen_and_scroll_region_carry_over_between_frames() {
        let mut app = app(80, 24);
        app.handle(&key('3'));
        let mut modes = Modes::default();
        let _ = frame(None, &app, &mut modes);
        let before = app.clone();
        app.handle(&key('j'));
        let first = frame(Some(&before), &app, &mut modes);
        assert!(first.starts_with(b"\x1b[4;23r"), "the region is set once");
        assert_eq!(modes.scroll_region, Some(3..23));
        let before = app.clone();
        app.handle(&key('j'));
        let second = frame(Some(&before), &app, &mut modes);
        let shown = String::from_utf8_lossy(&second);
        assert!(shown.starts_with("\x1b[23H\n"), "and then kept: {shown:?}");
        assert!(!shown.contains("\x1b[23;"), "the new line is written from where the scroll left the cursor");
        // A pen left with a background is reset before the terminal fills a new line.
        modes.pen = Some((Color::Reset, Color::Blue, Modifier::empty()));
        let before = app.clone();
        app.handle(&key('j'));
        let third = frame(Some(&before), &app, &mut modes);
        assert!(third.starts_with(b"\x1b[0m\x1b[23H\n"), "{:?}", String::from_utf8_lossy(&third));
    }
}
