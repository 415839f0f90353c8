//! The share card's QR code scans: the rendered `TestBackend`-style buffer is turned
//! into the picture a terminal would show (each cell twice as tall as wide, half
//! blocks split into top and bottom), handed to a QR decoder, and must give back the
//! exact `share_url`.

use crate::common::screen::{app_with, fixture, press, render, shipped, text};
use ratatui_core::buffer::Buffer;
use ratatui_core::style::Color;
use rqrr::PreparedImage;
use ssh_resume::tui::input::KeyCode;
use ssh_resume::tui::theme::{Charset, ColorDepth};

const SHARE_URL: &str = "https://ada.example.org/cv";
/// Pixels per cell column; a row is twice as tall, as on a real terminal.
const SCALE: usize = 3;

/// The terminal's own colours: (foreground, background) as grey levels.
const DARK_TERMINAL: (u8, u8) = (230, 20);
const LIGHT_TERMINAL: (u8, u8) = (20, 235);

fn grey(color: Color, default: u8) -> u8 {
    match color {
        Color::Reset => default,
        Color::Black | Color::Indexed(16) | Color::Rgb(0, 0, 0) => 0,
        Color::White | Color::Indexed(231) | Color::Rgb(255, 255, 255) => 255,
        _ => 128,
    }
}

/// The grey level of the screen at pixel (x, y); text other than blocks shows as
/// background.
fn pixel(buf: &Buffer, terminal: (u8, u8), x: usize, y: usize) -> u8 {
    let cell = &buf[(u16::try_from(x / SCALE).unwrap(), u16::try_from(y / (SCALE * 2)).unwrap())];
    let (fg, bg) = (grey(cell.fg, terminal.0), grey(cell.bg, terminal.1));
    let top = (y / SCALE).is_multiple_of(2);
    match cell.symbol() {
        "█" => fg,
        "▀" if top => fg,
        "▄" if !top => fg,
        _ => bg,
    }
}

fn decoded(buf: &Buffer, terminal: (u8, u8)) -> Vec<String> {
    let (cols, rows) = (usize::from(buf.area.width), usize::from(buf.area.height));
    let mut image = PreparedImage::prepare_from_greyscale(cols * SCALE, rows * SCALE * 2, |x, y| {
        pixel(buf, terminal, x, y)
    });
    image.detect_grids().into_iter().filter_map(|grid| grid.decode().ok()).map(|(_, text)| text).collect()
}

fn card(size: (u16, u16), color: ColorDepth) -> Buffer {
    let mut app = app_with(fixture(), size, color, Charset::Utf8);
    press(&mut app, KeyCode::Char('s'));
    render(&app)
}

#[test]
fn the_code_scans_to_the_exact_url_in_colour_on_any_background() {
    for size in [(80, 24), (40, 20), (200, 60)] {
        for color in [ColorDepth::Ansi16, ColorDepth::Ansi256, ColorDepth::TrueColor] {
            let buf = card(size, color);
            for terminal in [DARK_TERMINAL, LIGHT_TERMINAL] {
                assert_eq!(decoded(&buf, terminal), [SHARE_URL], "{size:?} {color:?} {terminal:?}");
            }
        }
    }
}

#[test]
fn without_colour_the_code_scans_on_a_dark_terminal() {
    for size in [(80, 24), (40, 20), (120, 40)] {
        let buf = card(size, ColorDepth::None);
        assert_eq!(decoded(&buf, DARK_TERMINAL), [SHARE_URL], "{size:?}");
    }
}

#[test]
fn the_code_is_square_with_a_quiet_zone_and_fits_80x24() {
    let buf = card((80, 24), ColorDepth::Ansi256);
    let white: Vec<(u16, u16)> = buf
        .content
        .iter()
        .enumerate()
        .filter(|(_, cell)| cell.bg == Color::Indexed(231))
        .map(|(i, _)| (u16::try_from(i % 80).unwrap(), u16::try_from(i / 80).unwrap()))
        .collect();
    let (xs, ys): (Vec<u16>, Vec<u16>) = white.iter().copied().unzip();
    let width = xs.iter().max().unwrap() - xs.iter().min().unwrap() + 1;
    let height = ys.iter().max().unwrap() - ys.iter().min().unwrap() + 1;
    // 25 modules + 2 x 4 quiet: 33 columns, 33 half rows (17 rows, the last half blank).
    assert_eq!((width, height), (33, 17));
    let shown = text(&buf);
    assert!(shown.contains(SHARE_URL) && shown.contains("ssh -p 2222 cv.example.org"), "{shown}");
}

#[test]
fn a_terminal_too_small_for_the_code_says_so() {
    let buf = card((30, 10), ColorDepth::Ansi256);
    let shown = text(&buf);
    assert!(shown.contains("Terminal too small"), "{shown}");
    assert!(!shown.contains('▀') && !shown.contains('▄'));
    assert!(decoded(&buf, DARK_TERMINAL).is_empty());
}

#[test]
fn without_a_share_url_the_card_shows_the_ssh_command_and_no_code() {
    let mut app = app_with(shipped(), (80, 24), ColorDepth::Ansi256, Charset::Utf8);
    press(&mut app, KeyCode::Char('s'));
    let buf = render(&app);
    let shown = text(&buf);
    assert!(
        shown.contains("Read this résumé in a terminal:") && shown.contains("ssh -p 2222 cv.example.org")
    );
    assert!(!buf.content.iter().any(|c| c.bg == Color::Indexed(231)), "no QR code");
    insta::assert_snapshot!(shown);
}
