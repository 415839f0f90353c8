//! Where things go on a visitor's screen, as pure functions of its size: the sizes we
//! accept ([`sanitize_size`]), the arrangement a size gets ([`Mode`]), where each part
//! of the main view goes ([`Geometry`]) and boxes centred over it ([`centered`]).
//!
//! A leaf: both the state (which bounds scrolling by [`content_size`]) and the view
//! (which draws into these rectangles) import it, and it imports nothing of ours. It
//! draws nothing and knows nothing of the résumé.

use ratatui_core::layout::{Rect, Size};

/// Largest terminal a visitor can make us draw for; anything bigger is clamped.
pub(crate) const MAX_SIZE: Size = Size { width: 500, height: 200 };
/// What a size of zero means (`ssh -tt` from a pipe sends 0x0).
pub(crate) const DEFAULT_SIZE: Size = Size { width: 80, height: 24 };
/// Smallest terminal the résumé is drawn in.
pub(crate) const MIN_SIZE: Size = Size { width: 30, height: 10 };
/// From this width on, sections are listed beside the text.
pub(crate) const WIDE_FROM: u16 = 120;
/// Widest the text column grows, for readable line lengths on big monitors.
pub(crate) const MAX_TEXT_WIDTH: u16 = 100;
/// Width of the section list in the wide arrangement.
pub(crate) const SIDEBAR_WIDTH: u16 = 24;

/// Turns a client-reported size into one we draw: 0 means the default, and both sides
/// are capped so no visitor can make the server allocate without bound.
pub(crate) fn sanitize_size(cols: u32, rows: u32) -> Size {
    let side = |value: u32, default: u16, max: u16| match u16::try_from(value) {
        Ok(0) => default,
        Ok(value) => value.min(max),
        Err(_) => max,
    };
    Size {
        width: side(cols, DEFAULT_SIZE.width, MAX_SIZE.width),
        height: side(rows, DEFAULT_SIZE.height, MAX_SIZE.height),
    }
}

/// Which arrangement a size gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    TooSmall,
    /// One column; tabs across the top when they fit, a compact line otherwise.
    Column,
    Wide,
}

impl Mode {
    pub(crate) fn of(size: Size) -> Self {
        if size.width < MIN_SIZE.width || size.height < MIN_SIZE.height {
            Mode::TooSmall
        } else if size.width >= WIDE_FROM {
            Mode::Wide
        } else {
            Mode::Column
        }
    }
}

/// Where each part of the main view goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Geometry {
    pub(crate) header: Rect,
    /// The tabs or compact line (column mode only).
    pub(crate) nav: Option<Rect>,
    pub(crate) rule: Rect,
    pub(crate) sidebar: Option<Rect>,
    pub(crate) text: Rect,
    pub(crate) scrollbar: Rect,
    pub(crate) footer: Rect,
}

impl Geometry {
    /// The parts' places in `area`; `None` when it is too small for the résumé.
    pub(crate) fn of(area: Rect) -> Option<Self> {
        match Mode::of(area.as_size()) {
            Mode::TooSmall => None,
            Mode::Column => Some(Self::column(area)),
            Mode::Wide => Some(Self::wide(area)),
        }
    }

    /// Header, tabs and rule above; footer below; one column of margin, one for the
    /// scrollbar.
    fn column(area: Rect) -> Self {
        let (x, y, w, h) = (area.x, area.y, area.width, area.height);
        Self {
            header: Rect::new(x, y, w, 1),
            nav: Some(Rect::new(x, y + 1, w, 1)),
            rule: Rect::new(x, y + 2, w, 1),
            sidebar: None,
            text: Rect::new(x + 1, y + 3, w - 3, h - 4),
            scrollbar: Rect::new(x + w - 1, y + 3, 1, h - 4),
            footer: Rect::new(x, y + h - 1, w, 1),
        }
    }

    /// The section list beside the text, the two centred as one group.
    fn wide(area: Rect) -> Self {
        let (x, y, w, h) = (area.x, area.y, area.width, area.height);
        let text_width = (w - SIDEBAR_WIDTH - 4).min(MAX_TEXT_WIDTH);
        let group = SIDEBAR_WIDTH + 2 + text_width + 2;
        let left = x + (w - group) / 2;
        let text = Rect::new(left + SIDEBAR_WIDTH + 2, y + 2, text_width, h - 3);
        Self {
            header: Rect::new(left, y, group, 1),
            nav: None,
            rule: Rect::new(x, y + 1, w, 1),
            sidebar: Some(Rect::new(left, y + 2, SIDEBAR_WIDTH, h - 3)),
            text,
            scrollbar: Rect::new(text.right() + 1, text.y, 1, text.height),
            footer: Rect::new(left, y + h - 1, group, 1),
        }
    }
}

/// The size of the scrolling text area for a terminal of `size`.
pub fn content_size(size: Size) -> Size {
    match Geometry::of(Rect::new(0, 0, size.width, size.height)) {
        Some(geometry) => geometry.text.as_size(),
        None => Size::new(size.width.max(1), size.height.max(1)),
    }
}

/// Where the scrolling text is drawn for a terminal of `size`, when the résumé is shown.
pub(crate) fn content_area(size: Size) -> Option<Rect> {
    Geometry::of(Rect::new(0, 0, size.width, size.height)).map(|geometry| geometry.text)
}

/// A `width` x `height` rectangle centred in `area` (clamped to it).
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(area.width), height.min(area.height));
    let x = area.x + (area.width - width) / 2;
    let y = area.y + (area.height - height) / 2;
    Rect::new(x, y, width, height)
}

/// A count of columns or rows as a terminal coordinate, clamped.
pub(crate) fn cols(count: usize) -> u16 {
    u16::try_from(count).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_sanitised() {
        assert_eq!(sanitize_size(0, 0), DEFAULT_SIZE);
        assert_eq!(sanitize_size(100_000, 7), Size::new(500, 7));
        assert_eq!(sanitize_size(u32::MAX, u32::MAX), MAX_SIZE);
    }

    #[test]
    fn wide_layout_centres_the_column_group() {
        let geometry = Geometry::of(Rect::new(0, 0, 200, 60)).unwrap();
        let left = geometry.sidebar.unwrap().x;
        let right_margin = 200 - geometry.scrollbar.right();
        assert!(left.abs_diff(right_margin) <= 2, "{left} vs {right_margin}");
        assert_eq!(geometry.text.width, MAX_TEXT_WIDTH);
    }
}
