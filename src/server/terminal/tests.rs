//! Tests of `terminal`.

use std::num::NonZeroU16;
use std::sync::Arc;

use ratatui_core::layout::Size;

use super::*;
use crate::resume::{Loaded, load};
use crate::tui::theme::{Charset, ColorDepth, Profile};
use crate::tui::{Event, Theme};
use ratatui_core::style::{Color, Modifier, Style};

fn app(width: u16, height: u16) -> App {
    let resume = load::parse_str(include_str!("../../../resume.toml"), "resume.toml").unwrap();
    let theme = Theme::new(Profile::new(ColorDepth::Ansi256, Charset::Utf8));
    App::new(Arc::new(Loaded::from_resume(resume)), theme, Size::new(width, height))
}

fn screen(width: u16, height: u16) -> vt100::Parser {
    vt100::Parser::new(NonZeroU16::new(height).unwrap(), NonZeroU16::new(width).unwrap(), 0)
}

fn key(c: char) -> Event {
    Event::Key(crate::tui::input::KeyEvent::new(crate::tui::input::KeyCode::Char(c)))
}

#[test]
fn diffs_applied_in_order_give_the_same_screen_as_a_full_redraw() {
    let mut app = app(80, 24);
    let mut incremental = screen(80, 24);
    let mut modes = Modes::default();
    incremental.process(&frame(None, &app, &mut modes));
    for c in ['3', 'j', 'j', ' ', '5', '?', 'q'] {
        let before = app.clone();
        app.handle(&key(c));
        incremental.process(&frame(Some(&before), &app, &mut modes));
    }
    let mut full = screen(80, 24);
    full.process(&frame(None, &app, &mut Modes::default()));
    // Cells a diff blanked hold written spaces, a fresh screen none: compare what shows.
    let shown = |p: &vt100::Parser| -> Vec<String> {
        p.screen().contents().lines().map(|l| l.trim_end().to_owned()).collect()
    };
    assert_eq!(shown(&incremental), shown(&full));
}

#[test]
fn a_scroll_step_sends_far_less_than_a_full_frame() {
    let mut app = app(80, 24);
    app.handle(&key('3'));
    let mut modes = Modes::default();
    let full = frame(None, &app, &mut modes).len();
    let before = app.clone();
    app.handle(&key('j'));
    let step = frame(Some(&before), &app, &mut modes).len();
    assert!(step <= 400 && step * 5 < full, "scroll step {step} bytes, full frame {full}");
}

#[test]
fn scroll_steps_use_the_terminals_scrolling_and_stay_small() {
    for (width, height) in [(80, 24), (40, 20), (200, 60)] {
        let mut app = app(width, height);
        app.handle(&key('3'));
        let mut screen = screen(width, height);
        let mut modes = Modes::default();
        screen.process(&frame(None, &app, &mut modes));
        for c in ['j', 'j', 'k', ' ', 'b', 'j'] {
            let before = app.clone();
            app.handle(&key(c));
            let bytes = frame(Some(&before), &app, &mut modes);
            // With the section list beside the text (200 columns), its lines scroll
            // along and are drawn again.
            let budget = if width < 120 { 400 } else { 800 };
            if c == 'j' || c == 'k' {
                assert!(bytes.len() <= budget, "{c} at {width}x{height}: {} bytes", bytes.len());
            }
            screen.process(&bytes);
            let mut fresh = self::screen(width, height);
            fresh.process(&frame(None, &app, &mut Modes::default()));
            let shown = |p: &vt100::Parser| -> Vec<String> {
                p.screen().contents().lines().map(|l| l.trim_end().to_owned()).collect()
            };
            assert_eq!(shown(&screen), shown(&fresh), "after {c} at {width}x{height}");
        }
    }
}

#[test]
fn a_resize_starts_from_a_blank_screen() {
    let before = app(80, 24);
    let mut after = before.clone();
    after.handle(&Event::Resize { cols: 100, rows: 30 });
    let mut modes = Modes::default();
    assert!(
        frame(Some(&before), &after, &mut modes).starts_with(b"\x1b[0m\x1b[2J"),
        "unknown pen: reset first"
    );
    assert!(frame(Some(&before), &after, &mut modes).starts_with(b"\x1b[2J"), "a pen that erases to blank");
}

fn drawn(buf: &Buffer) -> String {
    let mut out = Vec::new();
    encode(buf, Buffer::empty(buf.area).diff_iter(buf), &mut None, None, &mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn colours_are_written_in_the_depth_the_theme_chose() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
    buf.set_string(0, 0, "a", Style::new().fg(Color::Blue));
    buf.set_string(1, 0, "b", Style::new().fg(Color::Indexed(32)).bg(Color::White));
    buf.set_string(2, 0, "c", Style::new().fg(Color::Rgb(1, 2, 3)).bold());
    let out = drawn(&buf);
    assert!(out.starts_with("\x1b[1H\x1b[0;34ma\x1b[38;5;32;107mb\x1b[0;1;38;2;1;2;3mc"), "{out:?}");
}

#[test]
fn a_style_change_sends_only_what_changed_unless_an_attribute_goes() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 5, 1));
    buf.set_string(0, 0, "a", Style::new().fg(Color::Blue));
    buf.set_string(1, 0, "b", Style::new().fg(Color::Blue).bold());
    buf.set_string(2, 0, "c", Style::new().fg(Color::Red).bold().bg(Color::Black));
    buf.set_string(3, 0, "d", Style::new().bold());
    buf.set_string(4, 0, "e", Style::new().fg(Color::Red));
    let out = drawn(&buf);
    assert_eq!(out, "\x1b[1H\x1b[0;34ma\x1b[1mb\x1b[31;40mc\x1b[0;1md\x1b[0;31me");
}

#[test]
fn the_cursor_moves_only_across_gaps() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
    buf.set_string(0, 0, "ab", Style::new());
    buf.set_string(5, 1, "c", Style::new());
    let out = drawn(&buf);
    assert_eq!(out, "\x1b[1H\x1b[0mab\x1b[2;6Hc");
}

#[test]
fn short_gaps_are_written_over_and_long_ones_skipped_forward() {
    let before = Buffer::with_lines(["a b  c", "x     y"]);
    let mut now = before.clone();
    now.set_string(0, 0, "A", Style::new());
    now.set_string(2, 0, "B", Style::new());
    now.set_string(0, 1, "X", Style::new());
    now.set_string(6, 1, "Y", Style::new());
    let mut out = Vec::new();
    encode(
        &now,
        before.diff_iter(&now),
        &mut Some((Color::Reset, Color::Reset, Modifier::empty())),
        None,
        &mut out,
    );
    // One space between A and B costs a byte; five cost more than CUF.
    assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1HA B\x1b[2HX\x1b[5CY");
}

#[test]
fn gaps_in_another_style_or_within_wide_characters_are_skipped_not_written() {
    let mut before = Buffer::empty(Rect::new(0, 0, 6, 1));
    before.set_string(1, 0, " ", Style::new().bold());
    let mut now = before.clone();
    now.set_string(0, 0, "a", Style::new());
    now.set_string(2, 0, "b", Style::new());
    let mut out = Vec::new();
    let mut pen = None;
    encode(&now, before.diff_iter(&now), &mut pen, None, &mut out);
    assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1H\x1b[0ma\x1b[1Cb");

    let mut wide = Buffer::empty(Rect::new(0, 0, 6, 1));
    wide.set_string(0, 0, "a界b", Style::new());
    let mut now = wide.clone();
    now.set_string(0, 0, "A", Style::new());
    now.set_string(3, 0, "B", Style::new());
    let mut out = Vec::new();
    encode(&now, wide.diff_iter(&now), &mut pen, None, &mut out);
    assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1HA\x1b[2CB");
}

#[test]
fn the_pen_and_scroll_region_carry_over_between_frames() {
    let mut app = app(80, 24);
    app.handle(&key('3'));
    let mut modes = Modes::default();
    let _ = frame(None, &app, &mut modes);
    let before = app.clone();
    app.handle(&key('j'));
    let first = frame(Some(&before), &app, &mut modes);
    assert!(first.starts_with(b"\x1b[4;23r"), "the region is set once");
    assert_eq!(modes.scroll_region, Some(3..23));
    let before = app.clone();
    app.handle(&key('j'));
    let second = frame(Some(&before), &app, &mut modes);
    let shown = String::from_utf8_lossy(&second);
    assert!(shown.starts_with("\x1b[23H\n"), "and then kept: {shown:?}");
    assert!(!shown.contains("\x1b[23;"), "the new line is written from where the scroll left the cursor");
    // A pen left with a background is reset before the terminal fills a new line.
    modes.pen = Some((Color::Reset, Color::Blue, Modifier::empty()));
    let before = app.clone();
    app.handle(&key('j'));
    let third = frame(Some(&before), &app, &mut modes);
    assert!(third.starts_with(b"\x1b[0m\x1b[23H\n"), "{:?}", String::from_utf8_lossy(&third));
}

#[test]
fn shifting_rows_blanks_the_uncovered_ones_and_unshifting_restores_the_screen() {
    let area = Rect::new(0, 0, 3, 6);
    let lines: Vec<String> = (0..6).map(|row| format!("r{row}!")).collect();
    let original = Buffer::with_lines(lines.iter().map(String::as_str));
    let row = |buffer: &Buffer, y: u16| (0..3).map(|x| buffer[(x, y)].symbol()).collect::<String>();
    for (lines_moved, expected) in
        [(2, ["r0!", "r3!", "r4!", "", "", "r5!"]), (-2, ["r0!", "", "", "r1!", "r2!", "r5!"])]
    {
        let mut buffer = original.clone();
        let displaced = shift_rows(&mut buffer, 1..5, lines_moved);
        assert_eq!(buffer.area, area);
        let shown: Vec<String> = (0..6).map(|y| row(&buffer, y).trim().to_owned()).collect();
        assert_eq!(shown, expected, "moved by {lines_moved}");
        unshift_rows(&mut buffer, 1..5, lines_moved, displaced);
        assert_eq!(buffer, original, "moved by {lines_moved}, then back");
    }
}
