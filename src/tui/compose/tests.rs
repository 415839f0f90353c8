//! Tests of `compose`: keys in, and the visitor's terminal (vt100) after the echo.

use std::num::NonZeroU16;

use super::*;
use crate::tui::profile::{Charset, ColorDepth};

fn composer() -> Composer {
    Composer::new(Profile::new(ColorDepth::None, Charset::Utf8))
}

/// A terminal `cols` wide with a prompt on its first row, the cursor on the second.
fn terminal(cols: u16) -> vt100::Parser {
    let mut terminal = vt100::Parser::new(NonZeroU16::new(10).unwrap(), NonZeroU16::new(cols).unwrap(), 0);
    terminal.process(b"prompt\r\n");
    terminal
}

/// Feeds each read in turn, echoing into `terminal`; the end, if one came.
fn type_reads(composer: &mut Composer, terminal: &mut vt100::Parser, reads: &[&[u8]]) -> Option<End> {
    let cols = terminal.screen().size().1.get();
    let mut end = None;
    for read in reads {
        let typed = composer.feed(read, cols);
        terminal.process(&typed.echo);
        end = end.or(typed.end);
    }
    end
}

fn rows(terminal: &vt100::Parser) -> Vec<String> {
    let cols = terminal.screen().size().1.get();
    let mut rows: Vec<String> = terminal.screen().rows(0, cols).collect();
    while rows.last().is_some_and(String::is_empty) {
        rows.pop();
    }
    rows
}

#[test]
fn backspace_erases_what_it_follows_and_the_screen_shows_what_is_stored() {
    let (mut composer, mut terminal) = (composer(), terminal(40));
    let end = type_reads(&mut composer, &mut terminal, &[b"Hellp", b"\x7f", b"o world", b"\x04"]);
    assert_eq!(end, Some(End::Send("Hello world".into())));
    assert_eq!(rows(&terminal), ["prompt", "Hello world"]);
}

#[test]
fn bs_ctrl_w_alt_backspace_and_ctrl_u_erase_as_a_terminal_does() {
    let (mut composer, mut terminal) = (composer(), terminal(40));
    type_reads(&mut composer, &mut terminal, &[b"one two three\x08\x08\x08\x08\x08", b"x\x17"]);
    assert_eq!(rows(&terminal), ["prompt", "one two "]);
    type_reads(&mut composer, &mut terminal, &[b"four-five\x1b\x7f"]);
    assert_eq!(rows(&terminal), ["prompt", "one two four-"]);
    let end = type_reads(&mut composer, &mut terminal, &[b"\x15gone\x15kept\x04"]);
    assert_eq!(rows(&terminal), ["prompt", "kept"]);
    assert_eq!(end, Some(End::Send("kept".into())));
}

#[test]
fn enter_ends_a_line_that_stays_as_it_was_typed() {
    let (mut composer, mut terminal) = (composer(), terminal(40));
    let end = type_reads(&mut composer, &mut terminal, &[b"abc\x7f\rdef\x7f\x7fx\r\x7f", b"last\x04"]);
    assert_eq!(end, Some(End::Send("ab\ndx\nlast".into())), "Backspace stops at the line's start");
    assert_eq!(rows(&terminal), ["prompt", "ab", "dx", "last"]);
}

#[test]
fn an_erased_line_is_drawn_again_from_its_first_row_however_it_wrapped() {
    let (mut composer, mut terminal) = (composer(), terminal(10));
    type_reads(&mut composer, &mut terminal, &[b"0123456789abcdefghij", b"klm"]);
    assert_eq!(rows(&terminal), ["prompt", "0123456789", "abcdefghij", "klm"]);
    type_reads(&mut composer, &mut terminal, &[b"\x7f\x7f\x7f\x7f"]);
    assert_eq!(rows(&terminal), ["prompt", "0123456789", "abcdefghi"], "from a pending wrap back");
    type_reads(&mut composer, &mut terminal, &[b"\x15"]);
    assert_eq!(rows(&terminal), ["prompt"]);
    // Wide characters wrap early, leaving the last column empty.
    type_reads(&mut composer, &mut terminal, &["abc中文字典x".as_bytes()]);
    assert_eq!(rows(&terminal), ["prompt", "abc中文字", "典x"]);
    type_reads(&mut composer, &mut terminal, &[b"\x7f"]);
    assert_eq!(rows(&terminal), ["prompt", "abc中文字", "典"]);
    type_reads(&mut composer, &mut terminal, &[b"\x7f"]);
    assert_eq!(rows(&terminal), ["prompt", "abc中文字"]);
    assert_eq!(composer.finish(), "abc中文字");
}

#[test]
fn keys_that_edit_elsewhere_and_unsafe_characters_do_nothing() {
    let (mut composer, mut terminal) = (composer(), terminal(40));
    let keys = "a\x1b[D\x1b[A\x01\x0b\tb\u{202E}\u{200F}\u{9b}c".as_bytes();
    let end = type_reads(&mut composer, &mut terminal, &[keys, b"\x04"]);
    assert_eq!(end, Some(End::Send("abc".into())));
    assert_eq!(rows(&terminal), ["prompt", "abc"]);
}

#[test]
fn the_message_is_bounded_and_a_key_past_it_rings_the_bell() {
    let mut composer = composer();
    let typed = composer.feed(&vec![b'x'; MAX_BODY - 1], 80);
    assert!(!typed.echo.contains(&0x07));
    assert_eq!(composer.feed(b"\r", 80).echo, b"\r\n");
    assert_eq!(composer.feed(b"yz\r", 80).echo, b"\x07\x07\x07", "neither a character nor a line break");
    let Some(End::Send(text)) = composer.feed(b"\x04", 80).end else { panic!("Ctrl-D sends") };
    assert_eq!(text.chars().count(), MAX_BODY);
}

#[test]
fn ctrl_c_cancels_and_later_keys_are_ignored() {
    let mut composer = composer();
    let typed = composer.feed(b"never\x03more", 80);
    assert_eq!((typed.end, typed.echo), (Some(End::Cancel), b"never\r\n".to_vec()));
    assert_eq!(composer.feed(b"\x04", 80), Typed::default());
}

#[test]
fn an_ascii_terminal_sees_ascii_and_the_message_keeps_the_text() {
    let mut composer = Composer::new(Profile::new(ColorDepth::None, Charset::Ascii));
    assert!(composer.prompt(Some("Zoë"), "zoé@example.org").is_ascii());
    let typed = composer.feed("café — ok\x04".as_bytes(), 80);
    assert_eq!(typed.echo, b"cafe -- ok\r\n");
    assert_eq!(typed.end, Some(End::Send("café — ok".into())));
}

#[test]
fn a_lone_esc_waits_then_is_the_esc_key_which_types_nothing() {
    let mut composer = composer();
    assert_eq!(composer.wait(), None);
    composer.feed(b"a\x1b", 80);
    assert_eq!(composer.wait(), Some(LONE_ESC_DELAY));
    assert_eq!(composer.expire(80), Typed::default());
    assert_eq!(composer.feed(b"b", 80).echo, b"b", "b after the Esc key is b, not Alt-B");
    composer.feed(b"\x1b[200~unfinished", 80);
    assert_eq!(composer.wait(), Some(OPEN_STRING_DEADLINE));
    composer.expire(80);
    assert_eq!(composer.finish(), "abunfinished");
}

#[test]
fn a_paste_is_typed_with_its_line_breaks() {
    let mut composer = composer();
    let typed = composer.feed(b"\x1b[200~one\r\ntwo\x1b[201~\x04", 80);
    assert_eq!(typed.end, Some(End::Send("one\n\ntwo".into())), "a CR LF pasted is two keys");
    let prompt = composer.prompt(None, "jane@example.org");
    assert!(prompt.contains("Ctrl-D sends") && prompt.contains("jane@example.org"), "{prompt}");
}
