//! What the interactive view sends besides the loop's logic: the frame for a state
//! (full screen or the linear pager's text), the sequences that enter and leave the
//! full screen, and which sections the visitor has seen.

use super::super::output::{Output, crlf};
use super::super::terminal;
use crate::escape;
use crate::tui::App;

/// Which sections a visitor has seen, for the metrics and the disconnect line.
#[derive(Default)]
pub(super) struct SectionViews {
    current: Option<usize>,
    /// One bit per section index below 64.
    pub(super) seen: u64,
}

impl SectionViews {
    /// Counts a view when the frame just sent shows another section than the last one.
    pub(super) fn note(&mut self, app: &App, out: &Output<'_>) {
        let section = app.section();
        if self.current == Some(section) {
            return;
        }
        self.current = Some(section);
        if let Some(shown) = app.outline().sections.get(section) {
            out.metrics().section_viewed(shown.slug);
        }
        self.seen |= 1u64.checked_shl(u32::try_from(section).unwrap_or(u32::MAX)).unwrap_or(0);
    }
}

/// The next frame: what changed since `shown` (the screen the visitor has; `None`
/// before the first frame), or in linear mode the text the pager produced, switching
/// between the full screen and the linear mode when the visitor did.
pub(super) fn frame(shown: Option<&App>, app: &mut App) -> Vec<u8> {
    let full_screen_up = shown.is_some_and(|shown| !shown.is_linear());
    if let Some(text) = app.take_linear_output() {
        let mut bytes = if full_screen_up { restore_sequence() } else { Vec::new() };
        bytes.extend_from_slice(&crlf(&text));
        return bytes;
    }
    match shown {
        Some(shown) if !shown.is_linear() => terminal::frame(Some(shown), app),
        _ => {
            let mut bytes = enter_sequence();
            bytes.extend_from_slice(&terminal::frame(None, app));
            bytes
        }
    }
}

/// Alternate screen, cursor hidden, screen cleared, wheel as arrow keys.
pub(crate) fn enter_sequence() -> Vec<u8> {
    [escape::ALTERNATE_SCREEN_ON, escape::CURSOR_HIDE, escape::ERASE_SCREEN, escape::ALTERNATE_SCROLL_ON]
        .concat()
        .into_bytes()
}

/// Everything `enter_sequence` changed, undone: the main screen is back.
pub(crate) fn restore_sequence() -> Vec<u8> {
    [escape::ALTERNATE_SCROLL_OFF, escape::SGR_RESET, escape::CURSOR_SHOW, escape::ALTERNATE_SCREEN_OFF]
        .concat()
        .into_bytes()
}
