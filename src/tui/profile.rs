//! What one visitor's terminal can show, decided once per session from what the
//! client sent (TERM, COLORTERM, NO_COLOR and the locale in pty-req and env requests),
//! and possibly raised later by the terminal's own answer (XTVERSION naming one known
//! for 24-bit colour). The [`Profile`] is the one place that decides ASCII or UTF-8
//! and how many colours for everything a session sends: the view's theme, and through
//! [`Profile::printable`] every line of text — farewells, errors, printed résumés.

use std::borrow::Cow;

/// How many colours the visitor's terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    None,
    Ansi16,
    Ansi256,
    TrueColor,
}

impl ColorDepth {
    /// The name the insights count it under.
    pub fn label(self) -> &'static str {
        match self {
            ColorDepth::None => "none",
            ColorDepth::Ansi16 => "16",
            ColorDepth::Ansi256 => "256",
            ColorDepth::TrueColor => "truecolor",
        }
    }
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

impl Profile {
    /// `text` as this terminal can show it: unchanged for UTF-8, transliterated to
    /// ASCII (`—` → `--`, `é` → `e`) for ASCII terminals, its line breaks and tabs kept.
    pub fn printable<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.charset {
            Charset::Ascii if !text.is_ascii() => Cow::Owned(transliterated(text)),
            _ => Cow::Borrowed(text),
        }
    }

    /// JSON text as this terminal can show it: for ASCII terminals every non-ASCII
    /// character becomes a `\uXXXX` escape (RFC 8259 §7), so the JSON means the same.
    pub fn printable_json<'a>(&self, json: &'a str) -> Cow<'a, str> {
        if self.charset == Charset::Utf8 || json.is_ascii() {
            return Cow::Borrowed(json);
        }
        let mut out = String::with_capacity(json.len() + json.len() / 8);
        for c in json.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        Cow::Owned(out)
    }

    /// The profile a terminal that named itself `version` (XTVERSION) can take: 24-bit
    /// colour for the terminals known to show it, even when the client did not forward
    /// COLORTERM (OpenSSH does not). Never raises a terminal without colour.
    pub fn upgraded_by(self, version: &str) -> Self {
        match self.color {
            ColorDepth::None | ColorDepth::TrueColor => self,
            _ if shows_24_bit(version) => Self { color: ColorDepth::TrueColor, ..self },
            _ => self,
        }
    }
}

/// `text` in ASCII. `deunicode` drops every ASCII control character after the first
/// character it transliterates (line breaks and tabs among them), so it is given the
/// runs between them.
fn transliterated(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for run in text.split_inclusive(|c: char| c.is_ascii_control()) {
        let (words, control) = match run.char_indices().next_back() {
            Some((at, c)) if c.is_ascii_control() => (&run[..at], Some(c)),
            _ => (run, None),
        };
        out.push_str(&deunicode::deunicode(words));
        out.extend(control);
    }
    out
}

/// Terminals whose XTVERSION answer names them, that draw `38;2;R;G;B` in 24 bits:
/// kitty, WezTerm, iTerm2, foot, Ghostty, contour and mintty, and xterm from patch 331
/// on (xterm's "direct colour", its ctlseqs). tmux is left out: it passes 24-bit colour
/// on only when its own outer terminal has it.
fn shows_24_bit(version: &str) -> bool {
    const NAMES: [&str; 7] = ["kitty", "WezTerm", "iTerm2", "foot", "ghostty", "contour", "mintty"];
    let lower = version.to_ascii_lowercase();
    if NAMES.iter().any(|name| lower.starts_with(&name.to_ascii_lowercase())) {
        return true;
    }
    let patch = version.strip_prefix("XTerm(").and_then(|rest| rest.split(')').next());
    patch.and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n >= 331)
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
    fn ascii_text_keeps_its_line_breaks_and_tabs() {
        let ascii = Profile::new(ColorDepth::None, Charset::Ascii);
        assert_eq!(ascii.printable("sent — thank you\n"), "sent -- thank you\n");
        assert_eq!(ascii.printable("résumé\r\n\tcafé\n\nend"), "resume\r\n\tcafe\n\nend");
        let utf8 = Profile::new(ColorDepth::None, Charset::Utf8);
        assert!(matches!(utf8.printable("é\n"), Cow::Borrowed("é\n")));
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
    fn ascii_terminals_get_ascii_text() {
        let ascii = Profile::new(ColorDepth::None, Charset::Ascii);
        assert_eq!(
            ascii.printable("Thanks — reconnect in a moment: résumé"),
            "Thanks -- reconnect in a moment: resume"
        );
        let utf8 = Profile::new(ColorDepth::None, Charset::Utf8);
        assert_eq!(utf8.printable("— é"), "— é");
    }

    #[test]
    fn ascii_terminals_get_json_with_escapes_that_mean_the_same() {
        let ascii = Profile::new(ColorDepth::None, Charset::Ascii);
        let json = r#"{"label":"Résumé — 😀"}"#;
        let shown = ascii.printable_json(json);
        assert!(shown.is_ascii(), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["label"], "Résumé — 😀");
    }

    #[test]
    fn terminals_known_for_24_bit_colour_get_it() {
        let base = Profile::new(ColorDepth::Ansi256, Charset::Utf8);
        for version in ["kitty(0.35.2)", "WezTerm 20240203", "iTerm2 3.5.0", "foot(1.16.2)", "XTerm(390)"] {
            assert_eq!(base.upgraded_by(version).color, ColorDepth::TrueColor, "{version}");
        }
        for version in ["tmux 3.3a", "XTerm(322)", "unknown"] {
            assert_eq!(base.upgraded_by(version).color, ColorDepth::Ansi256, "{version}");
        }
        let none = Profile::new(ColorDepth::None, Charset::Utf8);
        assert_eq!(none.upgraded_by("kitty(0.35.2)").color, ColorDepth::None);
    }
}
