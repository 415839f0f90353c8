//! The view's colours, and how they are made to read on the visitor's background.
//!
//! Without knowing the background, the view uses hues that read on dark and on light
//! terminals alike and leaves body text in the terminal's own colour ([`UNKNOWN`]).
//! When the terminal reports its background (OSC 11), [`Palette::for_background`]
//! picks the light or the dark palette and moves every text colour — body text
//! included, which is then set explicitly — until its contrast ratio against that
//! background is at least [`MIN_CONTRAST`], computed as WCAG 2.2 defines it (relative
//! luminance of linearised sRGB, ratio `(L1 + 0.05) / (L2 + 0.05)`). Each colour depth
//! writes the colour its own way — 24-bit, the nearest of xterm's 256, or one of the
//! 16 named colours — and the contrast is checked on the colour actually written
//! (xterm's default values for the 16). Pure arithmetic; no terminal I/O.

use ratatui_core::style::Color;

use super::input::Rgb;

/// WCAG 2.2 success criterion 1.4.3 (contrast, minimum) for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// The colours of the text roles; `body` is `None` for the terminal's own foreground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub accent: Rgb,
    pub figure: Rgb,
    pub muted: Rgb,
    pub body: Option<Rgb>,
}

const fn rgb(r: u8, g: u8, b: u8) -> Rgb {
    Rgb { r, g, b }
}

/// Hues for a background nobody told us: mid-tones that read on dark and on light.
pub const UNKNOWN: Palette =
    Palette { accent: rgb(38, 139, 210), figure: rgb(203, 75, 22), muted: rgb(128, 128, 128), body: None };
/// Starting points on dark backgrounds, before the contrast check.
const DARK: Palette = Palette {
    accent: rgb(38, 139, 210),
    figure: rgb(203, 75, 22),
    muted: rgb(138, 138, 138),
    body: Some(rgb(220, 220, 220)),
};
/// Starting points on light backgrounds, before the contrast check.
const LIGHT: Palette = Palette {
    accent: rgb(0, 95, 175),
    figure: rgb(175, 55, 0),
    muted: rgb(95, 95, 95),
    body: Some(rgb(28, 28, 28)),
};

impl Palette {
    /// The palette for a terminal whose background is `background`: every role at
    /// least [`MIN_CONTRAST`] against it.
    pub fn for_background(background: Rgb) -> Self {
        let base = if is_light(background) { LIGHT } else { DARK };
        let fit = |colour| with_contrast(colour, background);
        Self {
            accent: fit(base.accent),
            figure: fit(base.figure),
            muted: fit(base.muted),
            body: base.body.map(fit),
        }
    }
}

/// Whether dark text reads better than light text on `background`.
pub fn is_light(background: Rgb) -> bool {
    contrast(background, rgb(0, 0, 0)) > contrast(background, rgb(255, 255, 255))
}

/// WCAG 2.2 relative luminance, 0 (black) to 1 (white).
pub fn luminance(colour: Rgb) -> f64 {
    let channel = |value: u8| {
        let c = f64::from(value) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)
}

/// WCAG 2.2 contrast ratio, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `colour` moved toward black (on light backgrounds) or white (on dark ones) just far
/// enough to reach [`MIN_CONTRAST`] against `background`; black or white always does.
pub fn with_contrast(colour: Rgb, background: Rgb) -> Rgb {
    let target = if is_light(background) { rgb(0, 0, 0) } else { rgb(255, 255, 255) };
    (0..=20)
        .map(|step| mix(colour, target, f64::from(step) / 20.0))
        .find(|c| contrast(*c, background) >= MIN_CONTRAST)
        .unwrap_or(target)
}

fn mix(from: Rgb, to: Rgb, share: f64) -> Rgb {
    let channel =
        |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round().clamp(0.0, 255.0) as u8;
    rgb(channel(from.r, to.r), channel(from.g, to.g), channel(from.b, to.b))
}

/// The 256-colour index nearest to `colour` that still has [`MIN_CONTRAST`] against
/// `background` (when given), from xterm's 6×6×6 cube and grey ramp.
pub fn ansi256(colour: Rgb, background: Option<Rgb>) -> u8 {
    let target = background.map(|bg| if is_light(bg) { rgb(0, 0, 0) } else { rgb(255, 255, 255) });
    for step in 0..=20 {
        let moved = target.map_or(colour, |t| mix(colour, t, f64::from(step) / 20.0));
        let index = nearest_ansi256(moved);
        if background.is_none_or(|bg| contrast(ansi256_rgb(index), bg) >= MIN_CONTRAST) {
            return index;
        }
    }
    if target == Some(rgb(0, 0, 0)) { 16 } else { 231 }
}

/// The levels of xterm's colour cube (indices 16–231).
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The RGB value xterm gives a 256-colour index from 16 up.
pub fn ansi256_rgb(index: u8) -> Rgb {
    match index {
        16..=231 => {
            let i = index - 16;
            rgb(CUBE[usize::from(i / 36)], CUBE[usize::from(i / 6 % 6)], CUBE[usize::from(i % 6)])
        }
        232..=255 => {
            let level = 8 + (index - 232) * 10;
            rgb(level, level, level)
        }
        named => xterm16(named),
    }
}

fn nearest_ansi256(colour: Rgb) -> u8 {
    let distance = |c: Rgb| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(c.r, colour.r) + d(c.g, colour.g) + d(c.b, colour.b)
    };
    (16..=255).min_by_key(|&index| distance(ansi256_rgb(index))).unwrap_or(16)
}

/// xterm's default values for the 16 named colours (`XTerm-col.ad`).
fn xterm16(index: u8) -> Rgb {
    const VALUES: [Rgb; 16] = [
        rgb(0, 0, 0),
        rgb(205, 0, 0),
        rgb(0, 205, 0),
        rgb(205, 205, 0),
        rgb(0, 0, 238),
        rgb(205, 0, 205),
        rgb(0, 205, 205),
        rgb(229, 229, 229),
        rgb(127, 127, 127),
        rgb(255, 0, 0),
        rgb(0, 255, 0),
        rgb(255, 255, 0),
        rgb(92, 92, 255),
        rgb(255, 0, 255),
        rgb(0, 255, 255),
        rgb(255, 255, 255),
    ];
    VALUES[usize::from(index % 16)]
}

/// The named colours in xterm's index order.
const NAMED: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// The first of `preferred` named colours (xterm indices) with [`MIN_CONTRAST`] against
/// `background`, else black or white, whichever reads.
pub fn named(preferred: &[u8], background: Rgb) -> Color {
    let fits = |index: &&u8| contrast(xterm16(**index), background) >= MIN_CONTRAST;
    let fallback = if is_light(background) { 0 } else { 15 };
    NAMED[usize::from(*preferred.iter().find(fits).unwrap_or(&fallback))]
}

/// The RGB value a colour is shown in, as xterm shows it by default.
pub fn shown_rgb(colour: Color) -> Option<Rgb> {
    match colour {
        Color::Reset => None,
        Color::Rgb(r, g, b) => Some(rgb(r, g, b)),
        Color::Indexed(index) => Some(ansi256_rgb(index)),
        named => NAMED.iter().position(|c| *c == named).and_then(|i| u8::try_from(i).ok()).map(xterm16),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_computed_as_wcag_defines_it() {
        assert!((contrast(rgb(0, 0, 0), rgb(255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast(rgb(1, 2, 3), rgb(1, 2, 3)) - 1.0).abs() < 1e-9);
        // WCAG's own example: #777 on white is just under 4.5:1.
        let grey = contrast(rgb(0x77, 0x77, 0x77), rgb(255, 255, 255));
        assert!((4.47..4.49).contains(&grey), "{grey}");
    }

    #[test]
    fn light_and_dark_backgrounds_are_told_apart() {
        assert!(is_light(rgb(255, 255, 255)) && is_light(rgb(0xfd, 0xf6, 0xe3)));
        assert!(!is_light(rgb(0, 0, 0)) && !is_light(rgb(0x14, 0x19, 0x1f)));
    }

    #[test]
    fn every_role_reads_on_any_background() {
        let backgrounds = [
            rgb(255, 255, 255),
            rgb(0xfd, 0xf6, 0xe3),
            rgb(0, 0, 0),
            rgb(0x14, 0x19, 0x1f),
            rgb(128, 128, 128),
            rgb(70, 130, 180),
        ];
        for background in backgrounds {
            let palette = Palette::for_background(background);
            let roles = [palette.accent, palette.figure, palette.muted, palette.body.unwrap()];
            for colour in roles {
                assert!(contrast(colour, background) >= MIN_CONTRAST, "{colour:?} on {background:?}");
                assert!(contrast(ansi256_rgb(ansi256(colour, Some(background))), background) >= MIN_CONTRAST);
            }
        }
    }

    #[test]
    fn the_256_colour_values_are_xterms() {
        assert_eq!(ansi256_rgb(16), rgb(0, 0, 0));
        assert_eq!(ansi256_rgb(32), rgb(0, 135, 215));
        assert_eq!(ansi256_rgb(231), rgb(255, 255, 255));
        assert_eq!(ansi256_rgb(244), rgb(128, 128, 128));
        assert_eq!(ansi256(rgb(38, 139, 210), None), 32, "today's accent");
    }

    #[test]
    fn named_colours_fall_back_to_black_or_white() {
        assert_eq!(named(&[4], rgb(255, 255, 255)), Color::Blue);
        assert_eq!(named(&[5], rgb(255, 255, 255)), Color::Magenta, "xterm's magenta is 4.7:1 on white");
        assert_eq!(named(&[3], rgb(255, 255, 255)), Color::Black, "xterm's yellow is 1.7:1 on white");
        assert_eq!(named(&[8], rgb(0, 0, 0)), Color::DarkGray);
        assert_eq!(named(&[4], rgb(0, 0, 0)), Color::White, "xterm's blue is too dark on black");
    }
}
