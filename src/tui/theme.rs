//! How the view looks on one visitor's terminal: the styles of every element, derived
//! from the visitor's [`Profile`] and, once the terminal has told us, its background.
//!
//! The palette sets foregrounds only, never backgrounds, in hues that read on dark and
//! on light terminals; the one exception is the share card's QR code, drawn explicitly
//! dark on light so a phone can scan it whatever the terminal's colours. With 16 colours
//! the muted grey is left out (many palettes make "bright black" the background colour).
//! Nothing is carried by colour alone: the selected tab is reversed and bold, headings
//! and key figures bold, links underlined, search matches underlined and the current
//! one reversed.

use ratatui_core::style::{Color, Modifier, Style};

use super::input::Rgb;
use super::palette::{self, Palette};
pub use super::profile::{Charset, ClientTerminal, ColorDepth, Profile};

/// The styles of every element of the view for one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub profile: Profile,
    pub headline: Style,
    pub heading: Style,
    pub detail: Style,
    pub period: Style,
    pub label: Style,
    pub body: Style,
    pub figure: Style,
    pub bullet: Style,
    pub tab: Style,
    pub tab_selected: Style,
    pub rule: Style,
    pub footer: Style,
    pub footer_key: Style,
    pub link: Style,
    /// A search match, and the one `n`/`N` last jumped to.
    pub search_match: Style,
    pub search_current: Style,
    /// A field of the "Write to me" form, and the cursor in the focused one.
    pub form_field: Style,
    pub form_cursor: Style,
    /// QR modules: `Some((dark, light))` when colours may be set; without colour the
    /// code is drawn in the terminal's own foreground (light modules) on its background.
    pub qr_colors: Option<(Color, Color)>,
}

/// The colour of each text role, as the profile's depth writes it; `None` is the
/// terminal's own colour.
#[derive(Debug, Clone, Copy)]
struct Colours {
    accent: Option<Color>,
    figure: Option<Color>,
    muted: Option<Color>,
    body: Option<Color>,
    qr: Option<(Color, Color)>,
}

impl Colours {
    /// Today's hues for a background nobody told us ([`palette::UNKNOWN`]); with 16
    /// colours the muted grey is left out (many palettes make "bright black" the
    /// background colour).
    fn unknown(depth: ColorDepth) -> Self {
        let (accent, figure, muted) =
            (palette::UNKNOWN.accent, palette::UNKNOWN.figure, palette::UNKNOWN.muted);
        let depth_colour = |rgb: Rgb, named: Option<Color>| match depth {
            ColorDepth::None => None,
            ColorDepth::Ansi16 => named,
            ColorDepth::Ansi256 => Some(Color::Indexed(palette::ansi256(rgb, None))),
            ColorDepth::TrueColor => Some(Color::Rgb(rgb.r, rgb.g, rgb.b)),
        };
        Self {
            accent: depth_colour(accent, Some(Color::Blue)),
            figure: depth_colour(figure, Some(Color::Magenta)),
            muted: depth_colour(muted, None),
            body: None,
            qr: Self::qr(depth),
        }
    }

    /// Colours with at least WCAG's 4.5:1 against `background` in every role, body text
    /// included (see [`palette`]).
    fn on(background: Rgb, depth: ColorDepth) -> Self {
        let palette = Palette::for_background(background);
        let light = palette::is_light(background);
        let depth_colour = |rgb: Rgb, named: &[u8]| match depth {
            ColorDepth::None => None,
            ColorDepth::Ansi16 => Some(palette::named(named, background)),
            ColorDepth::Ansi256 => Some(Color::Indexed(palette::ansi256(rgb, Some(background)))),
            ColorDepth::TrueColor => Some(Color::Rgb(rgb.r, rgb.g, rgb.b)),
        };
        let body = palette.body.unwrap_or(if light {
            Rgb { r: 0, g: 0, b: 0 }
        } else {
            Rgb { r: 255, g: 255, b: 255 }
        });
        Self {
            accent: depth_colour(palette.accent, &[4, 12, 6, 14]),
            figure: depth_colour(palette.figure, &[1, 5, 9, 13]),
            muted: depth_colour(palette.muted, &[8, 7]),
            body: depth_colour(body, if light { &[0] } else { &[7, 15] }),
            qr: Self::qr(depth),
        }
    }

    /// QR modules, drawn dark on light whatever the terminal's colours.
    fn qr(depth: ColorDepth) -> Option<(Color, Color)> {
        match depth {
            ColorDepth::None => None,
            ColorDepth::Ansi16 => Some((Color::Black, Color::White)),
            ColorDepth::Ansi256 => Some((Color::Indexed(16), Color::Indexed(231))),
            ColorDepth::TrueColor => Some((Color::Rgb(0, 0, 0), Color::Rgb(255, 255, 255))),
        }
    }
}

impl Theme {
    /// The theme for a terminal whose background is unknown.
    pub fn new(profile: Profile) -> Self {
        Self::with(profile, Colours::unknown(profile.color))
    }

    /// The theme for a terminal that reported its `background` (OSC 11): the light or
    /// the dark palette, every text colour at least 4.5:1 against it.
    pub fn for_background(profile: Profile, background: Rgb) -> Self {
        Self::with(profile, Colours::on(background, profile.color))
    }

    fn with(profile: Profile, colours: Colours) -> Self {
        let fg = |colour: Option<Color>| colour.map_or(Style::new(), |c| Style::new().fg(c));
        let body = fg(colours.body);
        let bold = Modifier::BOLD;
        Self {
            profile,
            headline: body.add_modifier(bold),
            heading: fg(colours.accent).add_modifier(bold),
            detail: fg(colours.muted),
            period: fg(colours.muted),
            label: fg(colours.accent).add_modifier(bold | Modifier::UNDERLINED),
            body,
            figure: fg(colours.figure).add_modifier(bold),
            bullet: fg(colours.accent),
            tab: body,
            tab_selected: body.add_modifier(bold | Modifier::REVERSED),
            rule: fg(colours.muted),
            footer: fg(colours.muted),
            footer_key: body.add_modifier(bold),
            link: fg(colours.accent).add_modifier(Modifier::UNDERLINED),
            search_match: body.add_modifier(bold | Modifier::UNDERLINED),
            search_current: body.add_modifier(bold | Modifier::REVERSED),
            form_field: body.add_modifier(Modifier::UNDERLINED),
            form_cursor: body.add_modifier(Modifier::REVERSED),
            qr_colors: colours.qr,
        }
    }

    pub fn ascii(&self) -> bool {
        self.profile.charset == Charset::Ascii
    }

    /// The bullet marker, drawn in the row's indent.
    pub fn bullet_symbol(&self) -> &'static str {
        if self.ascii() { "-" } else { "•" }
    }

    /// Between a heading and its detail, and a name and its headline.
    pub fn separator(&self) -> &'static str {
        if self.ascii() { " - " } else { " · " }
    }

    pub fn rule_symbol(&self) -> &'static str {
        if self.ascii() { "-" } else { "─" }
    }

    /// What marks text that was cut short.
    pub fn ellipsis(&self) -> &'static str {
        if self.ascii() { "..." } else { "…" }
    }

    /// Borders of boxes drawn over the résumé (help, share card).
    pub fn border_set(&self) -> ratatui_core::symbols::border::Set<'static> {
        if !self.ascii() {
            return ratatui_core::symbols::border::PLAIN;
        }
        ratatui_core::symbols::border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_colours_leave_muted_text_in_the_default_colour() {
        let theme = Theme::new(Profile::new(ColorDepth::Ansi16, Charset::Utf8));
        assert_eq!(theme.period.fg, None);
        assert_eq!(theme.heading.fg, Some(Color::Blue));
        assert_eq!(theme.qr_colors, Some((Color::Black, Color::White)));
    }

    #[test]
    fn no_colour_theme_sets_no_colours() {
        let theme = Theme::new(Profile::new(ColorDepth::None, Charset::Utf8));
        for style in [theme.heading, theme.figure, theme.rule, theme.tab_selected, theme.link] {
            assert_eq!((style.fg, style.bg), (None, None));
        }
        assert_eq!(theme.qr_colors, None);
        assert!(theme.tab_selected.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_reported_background_sets_every_text_colour_with_enough_contrast() {
        let backgrounds = [
            Rgb { r: 255, g: 255, b: 255 },
            Rgb { r: 0xfd, g: 0xf6, b: 0xe3 },
            Rgb { r: 0x14, g: 0x19, b: 0x1f },
        ];
        for depth in [ColorDepth::Ansi16, ColorDepth::Ansi256, ColorDepth::TrueColor] {
            for background in backgrounds {
                let theme = Theme::for_background(Profile::new(depth, Charset::Utf8), background);
                for style in [theme.body, theme.heading, theme.figure, theme.period, theme.link, theme.footer]
                {
                    let shown = style.fg.and_then(palette::shown_rgb).expect("an explicit colour");
                    let ratio = palette::contrast(shown, background);
                    assert!(
                        ratio >= palette::MIN_CONTRAST,
                        "{depth:?} {background:?}: {style:?} at {ratio:.2}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_unknown_background_keeps_todays_colours() {
        let theme = Theme::new(Profile::new(ColorDepth::Ansi256, Charset::Utf8));
        assert_eq!(theme.heading.fg, Some(Color::Indexed(32)));
        assert_eq!(theme.figure.fg, Some(Color::Indexed(166)));
        assert_eq!(theme.period.fg, Some(Color::Indexed(244)));
        assert_eq!(theme.body, Style::new());
        let truecolor = Theme::new(Profile::new(ColorDepth::TrueColor, Charset::Utf8));
        assert_eq!(truecolor.heading.fg, Some(Color::Rgb(38, 139, 210)));
    }
}
