//! How the view looks on one visitor's terminal: the colour depth and character set
//! decided once per session from what the client sent (TERM, COLORTERM, NO_COLOR and
//! the locale), and the styles derived from them.
//!
//! The palette sets foregrounds only, never backgrounds, in hues that read on dark and
//! on light terminals; the one exception is the share card's QR code, drawn explicitly
//! dark on light so a phone can scan it whatever the terminal's colours. With 16 colours
//! the muted grey is left out (many palettes make "bright black" the background colour).
//! Nothing is carried by colour alone: the selected tab is reversed and bold, headings
//! and key figures bold, links underlined, search matches underlined and the current
//! one reversed.

use ratatui_core::style::{Color, Modifier, Style};

/// How many colours the visitor's terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    None,
    Ansi16,
    Ansi256,
    TrueColor,
}

/// Characters the visitor's terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Ascii,
}

/// The per-visitor rendering profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub color: ColorDepth,
    pub charset: Charset,
    /// Whether links are sent as OSC 8 hyperlinks (not to hardware-era terminals).
    pub hyperlinks: bool,
}

impl Profile {
    /// A profile with hyperlinks on, as a modern terminal gets.
    pub fn new(color: ColorDepth, charset: Charset) -> Self {
        Self { color, charset, hyperlinks: true }
    }
}

/// What the client told us about its terminal (pty-req and env requests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientTerminal {
    pub term: String,
    pub colorterm: Option<String>,
    pub no_color: Option<String>,
    pub lc_all: Option<String>,
    pub lc_ctype: Option<String>,
    pub lang: Option<String>,
}

impl ClientTerminal {
    /// Records an environment variable the client sent; the others are ignored.
    pub fn set_env(&mut self, name: &str, value: &str) {
        let slot = match name {
            "COLORTERM" => &mut self.colorterm,
            "NO_COLOR" => &mut self.no_color,
            "LC_ALL" => &mut self.lc_all,
            "LC_CTYPE" => &mut self.lc_ctype,
            "LANG" => &mut self.lang,
            _ => return,
        };
        // Values are only compared, never shown; the cap keeps a session's state bounded.
        *slot = Some(value.chars().take(64).collect());
    }

    /// The locale in effect: LC_ALL over LC_CTYPE over LANG, as in POSIX.
    fn locale(&self) -> Option<&str> {
        let set = [&self.lc_all, &self.lc_ctype, &self.lang].into_iter().flatten();
        set.map(String::as_str).find(|value| !value.is_empty())
    }

    /// `TERM=dumb`: no cursor addressing at all, so the visitor gets plain text.
    pub fn is_dumb(&self) -> bool {
        self.term == "dumb"
    }

    pub fn profile(&self) -> Profile {
        Profile { color: self.color_depth(), charset: self.charset(), hyperlinks: self.hyperlinks() }
    }

    /// OSC 8 is ignored by terminal emulators that do not know it, but a real VT100, the
    /// Linux console and ANSI.SYS-style terminals would print parts of it as text.
    fn hyperlinks(&self) -> bool {
        !matches!(self.term.as_str(), "vt100" | "vt102" | "vt220" | "ansi" | "dumb" | "linux")
    }

    fn color_depth(&self) -> ColorDepth {
        let term = self.term.as_str();
        if self.no_color.as_deref().is_some_and(|v| !v.is_empty()) {
            return ColorDepth::None;
        }
        if matches!(term, "vt100" | "vt102" | "vt220" | "dumb") {
            return ColorDepth::None;
        }
        if matches!(self.colorterm.as_deref(), Some("truecolor" | "24bit")) {
            return ColorDepth::TrueColor;
        }
        let multiplexer = term.starts_with("tmux") || term.starts_with("screen");
        if term.ends_with("-256color") || (multiplexer && term.contains("256")) {
            return ColorDepth::Ansi256;
        }
        ColorDepth::Ansi16
    }

    fn charset(&self) -> Charset {
        if matches!(self.term.as_str(), "vt100" | "vt102" | "vt220" | "ansi" | "dumb") {
            return Charset::Ascii;
        }
        match self.locale() {
            Some(locale) if !is_utf8_locale(locale) => Charset::Ascii,
            _ => Charset::Utf8,
        }
    }
}

fn is_utf8_locale(locale: &str) -> bool {
    let lower = locale.to_ascii_lowercase();
    lower.contains("utf-8") || lower.contains("utf8")
}

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

/// A hue per colour depth: (truecolor, 256-colour index, 16-colour fallback).
type Hue = ((u8, u8, u8), u8, Option<Color>);

const ACCENT: Hue = ((38, 139, 210), 32, Some(Color::Blue));
const FIGURE: Hue = ((203, 75, 22), 166, Some(Color::Magenta));
const MUTED: Hue = ((128, 128, 128), 244, None);
const QR_DARK: Hue = ((0, 0, 0), 16, Some(Color::Black));
const QR_LIGHT: Hue = ((255, 255, 255), 231, Some(Color::White));

impl Theme {
    pub fn new(profile: Profile) -> Self {
        let color = |hue: Hue| match profile.color {
            ColorDepth::None => None,
            ColorDepth::Ansi16 => hue.2,
            ColorDepth::Ansi256 => Some(Color::Indexed(hue.1)),
            ColorDepth::TrueColor => Some(Color::Rgb(hue.0.0, hue.0.1, hue.0.2)),
        };
        let fg = |hue: Hue| color(hue).map_or(Style::new(), |c| Style::new().fg(c));
        let bold = Modifier::BOLD;
        Self {
            profile,
            headline: Style::new().add_modifier(bold),
            heading: fg(ACCENT).add_modifier(bold),
            detail: fg(MUTED),
            period: fg(MUTED),
            label: fg(ACCENT).add_modifier(bold | Modifier::UNDERLINED),
            body: Style::new(),
            figure: fg(FIGURE).add_modifier(bold),
            bullet: fg(ACCENT),
            tab: Style::new(),
            tab_selected: Style::new().add_modifier(bold | Modifier::REVERSED),
            rule: fg(MUTED),
            footer: fg(MUTED),
            footer_key: Style::new().add_modifier(bold),
            link: fg(ACCENT).add_modifier(Modifier::UNDERLINED),
            search_match: Style::new().add_modifier(bold | Modifier::UNDERLINED),
            search_current: Style::new().add_modifier(bold | Modifier::REVERSED),
            form_field: Style::new().add_modifier(Modifier::UNDERLINED),
            form_cursor: Style::new().add_modifier(Modifier::REVERSED),
            qr_colors: color(QR_DARK).zip(color(QR_LIGHT)),
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

    fn client(term: &str, env: &[(&str, &str)]) -> ClientTerminal {
        let mut client = ClientTerminal { term: term.to_owned(), ..Default::default() };
        for (name, value) in env {
            client.set_env(name, value);
        }
        client
    }

    #[test]
    fn colour_depth_follows_what_the_client_sent() {
        let cases = [
            ("xterm-256color", &[("COLORTERM", "truecolor")][..], ColorDepth::TrueColor),
            ("xterm", &[("COLORTERM", "24bit")][..], ColorDepth::TrueColor),
            ("xterm-256color", &[][..], ColorDepth::Ansi256),
            ("tmux-256color", &[][..], ColorDepth::Ansi256),
            ("screen-256color", &[][..], ColorDepth::Ansi256),
            ("xterm", &[][..], ColorDepth::Ansi16),
            ("linux", &[][..], ColorDepth::Ansi16),
            ("screen", &[][..], ColorDepth::Ansi16),
            ("tmux", &[][..], ColorDepth::Ansi16),
            ("ansi", &[][..], ColorDepth::Ansi16),
            ("vt100", &[][..], ColorDepth::None),
            ("vt220", &[("COLORTERM", "truecolor")][..], ColorDepth::None),
            ("xterm-256color", &[("NO_COLOR", "1")][..], ColorDepth::None),
            ("xterm-256color", &[("NO_COLOR", "")][..], ColorDepth::Ansi256),
        ];
        for (term, env, expected) in cases {
            assert_eq!(client(term, env).profile().color, expected, "{term} {env:?}");
        }
    }

    #[test]
    fn charset_follows_term_and_locale() {
        assert_eq!(client("xterm", &[]).profile().charset, Charset::Utf8);
        assert_eq!(client("xterm", &[("LANG", "en_US.UTF-8")]).profile().charset, Charset::Utf8);
        assert_eq!(client("xterm", &[("LANG", "C")]).profile().charset, Charset::Ascii);
        let lc_all = client("xterm", &[("LANG", "de_DE.utf8"), ("LC_ALL", "POSIX")]);
        assert_eq!(lc_all.profile().charset, Charset::Ascii);
        assert_eq!(client("vt100", &[]).profile().charset, Charset::Ascii);
        assert_eq!(client("ansi", &[]).profile().charset, Charset::Ascii);
    }

    #[test]
    fn hyperlinks_go_to_emulators_but_not_to_hardware_era_terminals() {
        for term in ["xterm-256color", "xterm", "tmux-256color", "screen", "alacritty", ""] {
            assert!(client(term, &[("NO_COLOR", "1")]).profile().hyperlinks, "{term}");
        }
        for term in ["vt100", "vt220", "ansi", "dumb", "linux"] {
            assert!(!client(term, &[]).profile().hyperlinks, "{term}");
        }
    }

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
}
