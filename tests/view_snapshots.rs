//! Snapshots of the interactive view, drawn with ratatui's `TestBackend` at the sizes
//! visitors bring: a standard terminal, a wide one, a phone in portrait, and below the
//! minimum. Review changes with `cargo insta review`.

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use ssh_resume::resume::{Loaded, load};
use ssh_resume::tui::input::{KeyCode, KeyEvent};
use ssh_resume::tui::theme::{Charset, ColorDepth, Profile};
use ssh_resume::tui::{App, Event, Theme};

fn shipped() -> Arc<Loaded> {
    let text = include_str!("../resume.toml");
    Arc::new(Loaded::from_resume(load::parse_str(text, "resume.toml").unwrap()))
}

fn app(width: u16, height: u16, charset: Charset) -> App {
    let theme = Theme::new(Profile { color: ColorDepth::None, charset });
    App::new(shipped(), theme, Size::new(width, height))
}

fn screen(app: &App) -> String {
    let size = app.size();
    let mut terminal = Terminal::new(TestBackend::new(size.width, size.height)).unwrap();
    terminal.draw(|frame| frame.render_widget(app, frame.area())).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..size.height {
        let mut line = String::new();
        for x in 0..size.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn press(app: &mut App, code: KeyCode) {
    app.handle(&Event::Key(KeyEvent::new(code)));
}

#[test]
fn standard_80x24_shows_every_tab() {
    let app = app(80, 24, Charset::Utf8);
    let shown = screen(&app);
    for title in ["About", "Highlights", "Experience", "Open Source", "Community", "Education", "Skills"] {
        assert!(shown.lines().nth(1).unwrap().contains(title), "tab {title} missing");
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn standard_80x24_experience_scrolled() {
    let mut app = app(80, 24, Charset::Utf8);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn wide_120x40_lists_sections_beside_the_text() {
    let mut app = app(120, 40, Charset::Utf8);
    press(&mut app, KeyCode::Char('3'));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn narrow_40x15_uses_the_compact_header() {
    let mut app = app(40, 15, Charset::Utf8);
    press(&mut app, KeyCode::Char('3'));
    let shown = screen(&app);
    assert!(shown.contains("‹ 3/7 Experience ›"));
    insta::assert_snapshot!(shown);
}

#[test]
fn help_overlay_80x24() {
    let mut app = app(80, 24, Charset::Utf8);
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn ascii_profile_80x24_has_no_box_drawing() {
    let mut app = app(80, 24, Charset::Ascii);
    press(&mut app, KeyCode::Char('3'));
    let shown = screen(&app);
    assert!(shown.is_ascii(), "non-ASCII output:\n{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn too_small_asks_to_enlarge() {
    let app = app(29, 9, Charset::Utf8);
    let shown = screen(&app);
    assert!(shown.contains("Please enlarge"), "{shown}");
}

#[test]
fn every_size_renders_without_panic() {
    for width in (1..=500).step_by(23) {
        for height in (1..=200).step_by(11) {
            screen(&app(width, height, Charset::Utf8));
        }
    }
}
