//! The visitor's frames: the bytes for a state (the full screen, or the linear pager's
//! text), entering and leaving the full screen as the visitor switches, and which
//! sections the visitor has seen.

use super::super::output::{Output, crlf};
use super::super::screen::{enter_sequence, restore_sequence};
use super::super::terminal::{self, Kept, Modes};
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
/// between the full screen and the linear mode when the visitor did; the whole screen
/// when the visitor asked for it again (Ctrl-L). `modes` are what
/// the terminal was left set to, and are kept up to date.
/// `kept` says which screen the last frame left in the thread's spare buffers.
pub(super) fn frame(shown: Option<&App>, app: &mut App, modes: &mut Modes, kept: &mut Kept) -> Vec<u8> {
    let full_screen_up = shown.is_some_and(|shown| !shown.is_linear());
    if let Some(text) = app.take_linear_output() {
        kept.forget();
        let mut bytes = if full_screen_up { restore_sequence(modes) } else { Vec::new() };
        bytes.extend_from_slice(&crlf(&text));
        return bytes;
    }
    match shown {
        // Ctrl-L since: from blank, every mode set again, as on entering.
        Some(shown) if !shown.is_linear() && shown.repaints() == app.repaints() => {
            terminal::frame_keeping(Some(shown), app, modes, kept)
        }
        _ => {
            let mut bytes = enter_sequence(modes);
            bytes.extend_from_slice(&terminal::frame_keeping(None, app, modes, kept));
            bytes
        }
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU16;
    use std::sync::Arc;

    use ratatui_core::layout::Size;

    use super::*;
    use crate::resume::{Loaded, load};
    use crate::tui::input::{KeyCode, KeyEvent};
    use crate::tui::theme::{Charset, ColorDepth, Profile};
    use crate::tui::{Event, Theme};

    #[test]
    fn the_main_screen_and_its_cursor_are_as_they_were_after_the_view() {
        let resume = load::parse_str(include_str!("../../../resume.toml"), "resume.toml").unwrap();
        let theme = Theme::new(Profile::new(ColorDepth::Ansi256, Charset::Utf8));
        let mut app = App::new(Arc::new(Loaded::from_resume(resume)), theme, Size::new(80, 24));
        let mut terminal = vt100::Parser::new(NonZeroU16::new(24).unwrap(), NonZeroU16::new(80).unwrap(), 0);
        terminal.process(b"earlier output\r\nprompt$ ");
        let (mut modes, mut kept) = (Modes::default(), Kept::default());
        terminal.process(&frame(None, &mut app, &mut modes, &mut kept));
        for key in ['3', 'j', 'j', 'k'] {
            let before = app.clone();
            app.handle(&Event::Key(KeyEvent::new(KeyCode::Char(key))));
            terminal.process(&frame(Some(&before), &mut app, &mut modes, &mut kept));
        }
        terminal.process(&restore_sequence(&mut modes));
        terminal.process(b"Goodbye");
        let screen = terminal.screen();
        assert!(!screen.alternate_screen() && !screen.hide_cursor());
        let rows: Vec<String> = screen.rows(0, 80).take(2).collect();
        assert_eq!(rows, ["earlier output", "prompt$ Goodbye"]);
        // The scroll region is the whole screen again: a line feed on the last row scrolls it all.
        terminal.process(b"\x1b[24H\n");
        assert_eq!(terminal.screen().rows(0, 80).next().unwrap(), "prompt$ Goodbye");
    }

    #[test]
    fn ctrl_l_draws_a_garbled_screen_whole_again() {
        let resume = load::parse_str(include_str!("../../../resume.toml"), "resume.toml").unwrap();
        let theme = Theme::new(Profile::new(ColorDepth::Ansi256, Charset::Utf8));
        let mut app = App::new(Arc::new(Loaded::from_resume(resume)), theme, Size::new(80, 24));
        let mut terminal = vt100::Parser::new(NonZeroU16::new(24).unwrap(), NonZeroU16::new(80).unwrap(), 0);
        let (mut modes, mut kept) = (Modes::default(), Kept::default());
        terminal.process(&frame(None, &mut app, &mut modes, &mut kept));
        let drawn = terminal.screen().contents();
        terminal.process(b"\x1b[3;1Hline noise\x1b[1;31m");
        let before = app.clone();
        let ctrl_l = KeyEvent::new(KeyCode::Char('l')).modifiers(crate::tui::input::KeyModifiers::CTRL);
        app.handle(&Event::Key(ctrl_l));
        terminal.process(&frame(Some(&before), &mut app, &mut modes, &mut kept));
        assert_eq!(terminal.screen().contents(), drawn);
        let again = app.clone();
        assert_eq!(
            frame(Some(&again), &mut app, &mut modes, &mut kept),
            b"",
            "once drawn, nothing more to send"
        );
    }

    #[test]
    fn the_screen_kept_from_the_last_frame_gives_the_bytes_a_new_render_of_it_gives() {
        let resume = load::parse_str(include_str!("../../../resume.toml"), "resume.toml").unwrap();
        let theme = Theme::new(Profile::new(ColorDepth::Ansi256, Charset::Utf8));
        let mut app = App::new(Arc::new(Loaded::from_resume(resume)), theme, Size::new(80, 24));
        let (mut modes, mut kept) = (Modes::default(), Kept::default());
        let mut fresh_modes = Modes::default();
        frame(None, &mut app.clone(), &mut fresh_modes, &mut Kept::default());
        frame(None, &mut app, &mut modes, &mut kept);
        // Scroll steps, section changes, a resize, a page and back.
        let keys = "3jjjkG7g2jj\x06\x02";
        for key in keys.chars() {
            let before = app.clone();
            let event = match key {
                'G' => Event::Resize { cols: 100, rows: 30 },
                c => Event::Key(KeyEvent::new(KeyCode::Char(c))),
            };
            app.handle(&event);
            // Drawn from the previous state on a thread of its own, whose spares are not ours.
            let fresh = std::thread::scope(|scope| {
                let (before, mut now, modes) = (&before, app.clone(), &mut fresh_modes);
                scope
                    .spawn(move || frame(Some(before), &mut now, modes, &mut Kept::default()))
                    .join()
                    .unwrap()
            });
            assert!(kept.is_kept(), "the last screen is still this thread's newest spare");
            assert_eq!(frame(Some(&before), &mut app, &mut modes, &mut kept), fresh, "after {key:?}");
        }
        // Another visit draws on this thread meanwhile: the next frame draws the
        // previous state again, and is just as right.
        let mut neighbour = app.clone();
        frame(None, &mut neighbour, &mut Modes::default(), &mut Kept::default());
        assert!(!kept.is_kept());
        let before = app.clone();
        app.handle(&Event::Key(KeyEvent::new(KeyCode::Char('j'))));
        let fresh = std::thread::scope(|scope| {
            let (before, mut now, modes) = (&before, app.clone(), &mut fresh_modes);
            scope.spawn(move || frame(Some(before), &mut now, modes, &mut Kept::default())).join().unwrap()
        });
        assert_eq!(frame(Some(&before), &mut app, &mut modes, &mut kept), fresh, "after a neighbour's frame");
        kept.forget();
        assert!(!kept.is_kept());
    }
}
