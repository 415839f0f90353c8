//! QR codes for the share card, drawn with half-block characters.
//!
//! A terminal cell is about twice as tall as it is wide, so each cell shows two modules
//! stacked (`▀`, `▄`, `█` or a space) and the code comes out square. The quiet zone is
//! part of what is drawn. Where colours may be set the code is explicitly black on
//! white, whatever the terminal's own colours; without colour it is drawn in the
//! terminal's foreground on its background, light modules as ink, which is the right
//! way round on the dark background most terminals have (and most scanners read
//! inverted codes too). Encoding is done once, when the card opens.

pub use qrcode::types::QrError;
use qrcode::{Color as Module, EcLevel, QrCode};
use ratatui_core::buffer::Buffer;
use ratatui_core::layout::{Position, Size};
use ratatui_core::style::{Color, Style};

/// The quiet zone the QR specification asks for, in modules.
pub const QUIET_ZONE: u16 = 4;
/// The least quiet zone drawn when the full one does not fit; scanners manage with it.
pub const MIN_QUIET_ZONE: u16 = 2;

/// An encoded QR code: its modules, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qr {
    width: usize,
    dark: Vec<bool>,
}

impl Qr {
    /// Encodes `data` with medium error correction (a screen is clean, but a photo of
    /// one can have glare and moiré).
    ///
    /// # Errors
    /// `data` does not fit in a QR code (about 2,300 bytes at this level).
    pub fn encode(data: &str) -> Result<Self, QrError> {
        let code = QrCode::with_error_correction_level(data, EcLevel::M)?;
        let dark = code.to_colors().into_iter().map(|m| m == Module::Dark).collect();
        Ok(Self { width: code.width(), dark })
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at (x, y) is dark; everything outside the code is light.
    pub fn is_dark(&self, x: i32, y: i32) -> bool {
        let (Ok(x), Ok(y)) = (usize::try_from(x), usize::try_from(y)) else {
            return false;
        };
        x < self.width && y < self.width && self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// Cells the code takes with `quiet` modules of quiet zone on each side.
    pub fn cells(&self, quiet: u16) -> Size {
        let side = u16::try_from(self.width).unwrap_or(u16::MAX).saturating_add(quiet.saturating_mul(2));
        Size::new(side, side.div_ceil(2))
    }

    /// Draws the code with its quiet zone, top-left at `at`. `colors` is `(dark, light)`
    /// when colours may be set. Cells outside `buf` are left out.
    pub fn render(&self, at: Position, quiet: u16, colors: Option<(Color, Color)>, buf: &mut Buffer) {
        let size = self.cells(quiet);
        let style = colors.map_or(Style::new(), |(dark, light)| Style::new().fg(dark).bg(light));
        for row in 0..size.height {
            for col in 0..size.width {
                let x = i32::from(col) - i32::from(quiet);
                let y = 2 * i32::from(row) - i32::from(quiet);
                // Ink is what the foreground draws: dark modules on an explicit light
                // background, or light modules in the terminal's own foreground.
                let ink = |y: i32| self.is_dark(x, y) == colors.is_some();
                let symbol = match (ink(y), ink(y + 1)) {
                    (false, false) => " ",
                    (true, false) => "▀",
                    (false, true) => "▄",
                    (true, true) => "█",
                };
                if let Some(cell) = buf.cell_mut((at.x.saturating_add(col), at.y.saturating_add(row))) {
                    cell.set_symbol(symbol).set_style(style);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui_core::layout::Rect;

    #[test]
    fn short_urls_make_small_codes_and_cells_are_square() {
        let qr = Qr::encode("https://example.org/cv").unwrap();
        assert_eq!(qr.width(), 25);
        assert_eq!(qr.cells(4), Size::new(33, 17));
        assert_eq!(qr.cells(2), Size::new(29, 15));
    }

    #[test]
    fn finder_pattern_corners_are_dark_and_the_outside_light() {
        let qr = Qr::encode("x").unwrap();
        assert!(qr.is_dark(0, 0) && qr.is_dark(6, 6) && !qr.is_dark(1, 1));
        assert!(!qr.is_dark(-1, 0) && !qr.is_dark(0, 21));
    }

    #[test]
    fn too_much_data_is_an_error_not_a_panic() {
        assert!(Qr::encode(&"x".repeat(5000)).is_err());
    }

    #[test]
    fn rendering_clips_at_the_buffer_edge() {
        let qr = Qr::encode("https://example.org/cv").unwrap();
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 5));
        qr.render(Position::new(3, 2), QUIET_ZONE, None, &mut buf);
        assert_eq!(buf[(0, 0)].symbol(), " ");
    }
}
