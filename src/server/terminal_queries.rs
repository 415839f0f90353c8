//! Asking the visitor's terminal about itself, after the first frame is sent (never
//! delaying it): its background colour (OSC 11), its name and version (XTVERSION) and,
//! last, its primary device attributes (DA1). Terminals answer in order and every one
//! answers DA1, so its answer means no more are coming; [`QUERY_WAIT`] bounds the wait
//! for terminals that answer nothing. What came in time picks the theme: the light or
//! dark palette for the reported background, 24-bit colour for a terminal known to
//! show it. Answers after the wait change nothing (the decoder still consumes them).
//! Terminals without colour, hardware-era terminals and consoles (`vt100`, `linux`,
//! `ansi`, which may print an OSC they do not know) and the linear pager are never asked.

use std::time::Duration;

use tokio::time::Instant;

use crate::escape;
use crate::tui::input::{Reply, Rgb};
use crate::tui::{Profile, Theme};

/// How long answers are waited for after the queries are sent: enough for a phone's
/// round trip, short enough that a late re-theme does not surprise the reader.
pub const QUERY_WAIT: Duration = Duration::from_millis(1000);

/// The queries, in the order terminals answer them: DA1 last.
const QUERIES: [&str; 3] =
    [escape::QUERY_BACKGROUND, escape::QUERY_VERSION, escape::QUERY_PRIMARY_ATTRIBUTES];

/// One visit's queries and what was answered.
#[derive(Debug, Default)]
pub struct Answers {
    /// While waiting: when the wait ends.
    deadline: Option<Instant>,
    background: Option<Rgb>,
    version: Option<String>,
}

impl Answers {
    /// The query bytes to send now, when `profile` may be asked; starts the wait.
    pub fn ask(&mut self, profile: Profile, linear: bool) -> Option<Vec<u8>> {
        // Hardware-era terminals and consoles (`hyperlinks` off: vt100, linux, ansi…)
        // may print an OSC they do not know as text.
        if linear || profile.color == crate::tui::theme::ColorDepth::None || !profile.hyperlinks {
            return None;
        }
        self.deadline = Some(Instant::now() + QUERY_WAIT);
        Some(QUERIES.concat().into_bytes())
    }

    /// When the wait ends, while it lasts.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Takes in `replies`; true when the wait is over (DA1 came).
    pub fn note(&mut self, replies: Vec<Reply>) -> bool {
        if self.deadline.is_none() {
            return false;
        }
        for reply in replies {
            match reply {
                Reply::Background(colour) => self.background = Some(colour),
                Reply::Version(version) => self.version = Some(version),
                Reply::PrimaryAttributes(_) => return true,
            }
        }
        false
    }

    /// Ends the wait; the theme the answers call for, if they call for another than
    /// `profile`'s default.
    pub fn finish(&mut self, profile: Profile) -> Option<Theme> {
        self.deadline.take()?;
        let upgraded = self.version.as_deref().map_or(profile, |version| profile.upgraded_by(version));
        match self.background {
            Some(background) => Some(Theme::for_background(upgraded, background)),
            None if upgraded != profile => Some(Theme::new(upgraded)),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::{Charset, ColorDepth};

    fn profile(color: ColorDepth) -> Profile {
        Profile::new(color, Charset::Utf8)
    }

    #[test]
    fn no_colour_hardware_terminals_and_the_pager_are_never_asked() {
        assert!(Answers::default().ask(profile(ColorDepth::None), false).is_none());
        assert!(Answers::default().ask(profile(ColorDepth::Ansi256), true).is_none());
        let hardware = Profile { hyperlinks: false, ..profile(ColorDepth::Ansi256) };
        assert!(Answers::default().ask(hardware, false).is_none(), "vt100, linux, ansi");
        let asked = Answers::default().ask(profile(ColorDepth::Ansi16), false).unwrap();
        assert!(asked.ends_with(escape::QUERY_PRIMARY_ATTRIBUTES.as_bytes()), "DA1 last");
    }

    #[tokio::test]
    async fn a_background_answer_themes_and_da1_ends_the_wait() {
        let mut answers = Answers::default();
        answers.ask(profile(ColorDepth::Ansi256), false);
        let white = Rgb { r: 255, g: 255, b: 255 };
        assert!(!answers.note(vec![Reply::Background(white)]));
        assert!(answers.note(vec![Reply::PrimaryAttributes(vec![64])]));
        let theme = answers.finish(profile(ColorDepth::Ansi256)).unwrap();
        assert_eq!(theme, Theme::for_background(profile(ColorDepth::Ansi256), white));
        assert!(
            !answers.note(vec![Reply::Background(Rgb { r: 0, g: 0, b: 0 })]),
            "late answers change nothing"
        );
    }

    #[tokio::test]
    async fn no_answer_means_todays_theme() {
        let mut answers = Answers::default();
        answers.ask(profile(ColorDepth::Ansi256), false);
        assert!(answers.note(vec![Reply::PrimaryAttributes(vec![1, 2])]));
        assert_eq!(answers.finish(profile(ColorDepth::Ansi256)), None);
    }

    #[tokio::test]
    async fn a_known_terminal_gets_24_bit_colour() {
        let mut answers = Answers::default();
        answers.ask(profile(ColorDepth::Ansi256), false);
        answers.note(vec![Reply::Version("WezTerm 20240203".into())]);
        let theme = answers.finish(profile(ColorDepth::Ansi256)).unwrap();
        assert_eq!(theme.profile.color, ColorDepth::TrueColor);
    }
}
