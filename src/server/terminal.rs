//! Frames for one visitor's terminal: draws an [`App`] into a ratatui buffer and encodes
//! what changed as escape sequences.
//!
//! No `ratatui::Terminal` lives between frames. Its two full cell buffers per visitor
//! (megabytes at the largest sizes; BENCHMARKS.md has the figures) would dominate the
//! memory of every idle visitor; instead the previous frame is re-rendered from the
//! previous state when the next one is drawn, and both buffers are dropped once the
//! bytes are produced. Nothing here asks the server's
//! own terminal for anything (ratatui's crossterm backend would, for the size).
//!
//! Cells become bytes in [`encode`] (its own file), written exactly as the visitor's
//! theme chose the colours.

use ratatui_core::buffer::{Buffer, Cell};
use ratatui_core::layout::{Rect, Size};
use ratatui_core::style::{Color, Modifier};
use ratatui_core::widgets::Widget;

use crate::escape::{self, Budget, Counter, Sink};
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
    frame_keeping(before, now, modes, &mut Kept::default())
}

/// Which screen a visit's last frame left in its worker thread's spare buffers.
///
/// A frame's screen goes back to the thread's spares when the frame is sent; when the
/// same visit draws the next frame on the same thread before anyone else took that
/// buffer, it is still the screen the terminal shows, and the next frame diffs against
/// it instead of drawing the previous state again: one render a frame instead of two
/// for a visitor who scrolls, at no memory per visitor (16 bytes: no buffer is held by
/// the visit). Anything else — another visit drew meanwhile, the task moved threads —
/// falls back to drawing the previous state.
#[derive(Debug)]
pub struct Kept {
    /// This visit, unique in the process.
    visit: u64,
    /// Frames drawn so far.
    frames: u64,
}

impl Default for Kept {
    fn default() -> Self {
        static VISITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self { visit: VISITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed), frames: 0 }
    }
}

impl Kept {
    /// The screen drawn is no longer what the terminal shows (it was left, or drawn over
    /// outside the frames).
    pub fn forget(&mut self) {
        self.frames += 1;
    }

    /// Whether this thread's newest spare buffer is this visit's last screen.
    pub fn is_kept(&self) -> bool {
        SPARE_TOP.with(|top| top.get() == Some((self.visit, self.frames)))
    }
}

/// [`frame`], diffing against this visit's last screen when this thread still holds
/// it (see [`Kept`]), and leaving `now`'s screen there for the next frame.
pub fn frame_keeping(before: Option<&App>, now: &App, modes: &mut Modes, kept: &mut Kept) -> Vec<u8> {
    let area = Rect::new(0, 0, now.size().width, now.size().height);
    let last = kept.is_kept().then(take_top).flatten().filter(|last| before.is_some() && last.area == area);
    let drawn = last.is_some();
    let mut previous = last.unwrap_or_else(|| spare_buffer(area));
    let mut current = spare_buffer(area);
    now.render(area, &mut current);
    let out = encode_frame(before, now, &mut previous, &current, modes, drawn);
    give_back(previous);
    kept.frames += 1;
    give_back_on_top(current, (kept.visit, kept.frames));
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
    with_buffers(now, size, |previous, current| match before.filter(|(_, drawn)| *drawn == size) {
        Some((before, _)) => {
            before.render(previous.area, previous);
            encoded(previous, current, modes)
        }
        None => blank_then(previous, current, modes),
    })
}

/// Runs `encode` with a blank buffer for the previous screen and `now` drawn at `size`
/// into another, both taken from and given back to the thread's spares.
fn with_buffers<V>(now: &V, size: Size, encode: impl FnOnce(&mut Buffer, &Buffer) -> Vec<u8>) -> Vec<u8>
where
    for<'a> &'a V: Widget,
{
    let area = Rect::new(0, 0, size.width, size.height);
    let mut current = spare_buffer(area);
    now.render(area, &mut current);
    let mut previous = spare_buffer(area);
    let out = encode(&mut previous, &current);
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

/// The shortest bytes from `before` (rendered into `previous`, unless `previous_drawn`:
/// it is the screen kept from the last frame) to `current`: the plain
/// diff, or on a scroll step the terminal's own scrolling and the diff after it. The
/// scrolled form is measured first, the plain diff only until it is longer; only the
/// shorter is encoded.
fn encode_frame(
    before: Option<&App>,
    now: &App,
    previous: &mut Buffer,
    current: &Buffer,
    modes: &mut Modes,
    previous_drawn: bool,
) -> Vec<u8> {
    let area = previous.area;
    let Some(before) = before.filter(|before| before.size() == now.size()) else {
        // A new or resized screen: start from blank, whatever the terminal shows now.
        previous.reset();
        return blank_then(previous, current, modes);
    };
    if !previous_drawn {
        before.render(area, previous);
    }
    let Some((rows, lines)) = scroll_step(before, now) else {
        return encoded(previous, current, modes);
    };
    // The screen as the terminal's own scrolling leaves it, and what is left to draw.
    let displaced = shift_rows(previous, rows.clone(), lines);
    let mut cells = previous.diff(current);
    let uncovered = uncovered_rows(&rows, lines);
    // The uncovered rows first: the scroll leaves the cursor on them.
    cells.sort_by_key(|&(_, y, _)| !uncovered.contains(&y));
    let mut length = Counter::default();
    let cursor = scroll(&mut length, &rows, lines, &mut modes.clone());
    encode(current, cells.iter().copied(), &mut modes.pen.clone(), cursor, &mut length);
    // The plain diff is measured only as far as it takes to be longer.
    unshift_rows(previous, rows.clone(), lines, displaced);
    let mut plain = Budget::new(length.0);
    encode(current, previous.diff_iter(current), &mut modes.pen.clone(), None, &mut plain);
    if !plain.exceeded() {
        // The plain diff is no longer (rare: a mostly blank text area).
        return encoded(previous, current, modes);
    }
    let mut out = Vec::with_capacity(length.0);
    let cursor = scroll(&mut out, &rows, lines, modes);
    encode(current, cells.into_iter(), &mut modes.pen, cursor, &mut out);
    out
}

/// The plain diff from `previous` to `current`, encoded.
fn encoded(previous: &Buffer, current: &Buffer, modes: &mut Modes) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    encode(current, previous.diff_iter(current), &mut modes.pen, None, &mut out);
    out
}

/// Cell buffers kept per worker thread for the next frame: allocating and freeing two
/// buffers per frame (half a megabyte each at 200x60, mapped and unmapped every time)
/// cost more than drawing. Only buffers up to [`SPARE_CELLS`] are kept, two per thread
/// (the previous screen and the current one).
const SPARE_CELLS: usize = 200 * 60;

thread_local! {
    static SPARE: std::cell::RefCell<Vec<Buffer>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Whose screen the newest spare buffer is: (visit, frame) from [`Kept`].
    static SPARE_TOP: std::cell::Cell<Option<(u64, u64)>> = const { std::cell::Cell::new(None) };
}

/// A blank buffer for `area`, reused when one is spare.
fn spare_buffer(area: Rect) -> Buffer {
    SPARE_TOP.with(|top| top.set(None));
    match SPARE.with(|spare| spare.borrow_mut().pop()) {
        Some(mut buffer) => {
            buffer.resize(area);
            buffer.reset();
            buffer
        }
        None => Buffer::empty(area),
    }
}

/// The newest spare buffer as it is (a visit's last screen).
fn take_top() -> Option<Buffer> {
    SPARE_TOP.with(|top| top.set(None));
    SPARE.with(|spare| spare.borrow_mut().pop())
}

fn give_back(buffer: Buffer) {
    if buffer.content.len() <= SPARE_CELLS {
        SPARE.with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < 2 {
                spare.push(buffer);
                SPARE_TOP.with(|top| top.set(None));
            }
        });
    }
}

/// Gives `screen` back as the newest spare, marked as `owner`'s last screen (the
/// oldest spare goes if there is no room).
fn give_back_on_top(screen: Buffer, owner: (u64, u64)) {
    if screen.content.len() > SPARE_CELLS {
        return;
    }
    SPARE.with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.len() >= 2 {
            spare.remove(0);
        }
        spare.push(screen);
    });
    SPARE_TOP.with(|top| top.set(Some(owner)));
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
/// step. Returns where the cursor is (column, row; from 0).
fn scroll(
    out: &mut impl Sink,
    rows: &std::ops::Range<u16>,
    lines: isize,
    modes: &mut Modes,
) -> Option<(u16, u16)> {
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
    Some((0, u16::try_from(row - 1).unwrap_or(0)))
}

/// The rows of `rows` a scroll by `lines` leaves blank: at the bottom when the text
/// moves up, at the top when it moves down.
fn uncovered_rows(rows: &std::ops::Range<u16>, lines: isize) -> std::ops::Range<u16> {
    let count = u16::try_from(lines.unsigned_abs()).unwrap_or(u16::MAX);
    if lines > 0 {
        rows.end.saturating_sub(count)..rows.end
    } else {
        rows.start..rows.start.saturating_add(count).min(rows.end)
    }
}

/// What the terminal does to its screen for the scroll above: rows in `rows` move up by
/// `lines` (down when negative), and the rows uncovered are blank. Returns the cells
/// the scroll pushed out, for [`unshift_rows`].
fn shift_rows(buffer: &mut Buffer, rows: std::ops::Range<u16>, lines: isize) -> Vec<Cell> {
    let width = usize::from(buffer.area.width);
    let (start, end) = (usize::from(rows.start) * width, usize::from(rows.end) * width);
    let region = &mut buffer.content[start..end];
    let moved = lines.unsigned_abs() * width;
    let len = region.len();
    let uncovered = if lines > 0 {
        region.rotate_left(moved);
        &mut region[len - moved..]
    } else {
        region.rotate_right(moved);
        &mut region[..moved]
    };
    uncovered.iter_mut().map(std::mem::take).collect()
}

/// Undoes [`shift_rows`]: the `displaced` rows back where they were, the rest moved
/// back, so the buffer is the screen before the scroll again.
fn unshift_rows(buffer: &mut Buffer, rows: std::ops::Range<u16>, lines: isize, displaced: Vec<Cell>) {
    let width = usize::from(buffer.area.width);
    let (start, end) = (usize::from(rows.start) * width, usize::from(rows.end) * width);
    let region = &mut buffer.content[start..end];
    let moved = displaced.len();
    let len = region.len();
    if lines > 0 {
        region[len - moved..].iter_mut().zip(displaced).for_each(|(cell, was)| *cell = was);
        region.rotate_right(moved);
    } else {
        region[..moved].iter_mut().zip(displaced).for_each(|(cell, was)| *cell = was);
        region.rotate_left(moved);
    }
}

#[cfg(test)]
mod tests;
