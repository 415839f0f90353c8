//! Snapshots of the interactive view at the sizes visitors bring (a phone in portrait,
//! a small window, a standard terminal, a laptop, a big monitor), for the main view,
//! the share card, the help overlay and a search, with no colour and with 256
//! colours. The no-colour snapshot is the text; the 256-colour one adds every styled
//! run, so a change of emphasis shows up in review. Also: any size renders. Review
//! changes with `cargo insta review`.

use std::sync::Arc;

use crate::common::screen::{app_with, fixture, has_colour, press, render, shipped, styles, text, type_keys};
use proptest::prelude::*;
use ratatui_core::style::{Color, Modifier};
use ssh_resume::resume::Loaded;
use ssh_resume::tui::App;
use ssh_resume::tui::input::KeyCode;
use ssh_resume::tui::theme::{Charset, ColorDepth};

const SIZES: [(u16, u16); 5] = [(30, 10), (40, 20), (80, 24), (120, 40), (200, 60)];

/// What is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The Experience section: headings, dates, bullets, figures.
    Main,
    /// The share card of the fixture résumé, which has a `share_url`.
    Share,
    Help,
    /// `/elixir`, Enter, then `n`: highlighted matches, the current one on screen.
    Search,
}

fn app_in(state: State, size: (u16, u16), color: ColorDepth) -> App {
    let doc: Arc<Loaded> = if matches!(state, State::Share) { fixture() } else { shipped() };
    let mut app = app_with(doc, size, color, Charset::Utf8);
    match state {
        State::Main => press(&mut app, KeyCode::Char('3')),
        State::Share => press(&mut app, KeyCode::Char('s')),
        State::Help => press(&mut app, KeyCode::Char('?')),
        State::Search => type_keys(&mut app, "/elixir\rn"),
    }
    app
}

/// The state at every size, in both profiles: text snapshots, and for 256 colours the
/// styles too; the text must not depend on the colour profile.
fn snapshot_all(state: State) {
    for size in SIZES {
        let name = format!("{state:?}_{}x{}", size.0, size.1).to_lowercase();
        let plain = render(&app_in(state, size, ColorDepth::None));
        assert!(!has_colour(&plain), "{name}: colour in the no-colour profile");
        insta::assert_snapshot!(format!("{name}_no_colour"), text(&plain));
        let coloured = render(&app_in(state, size, ColorDepth::Ansi256));
        if !matches!(state, State::Share) {
            // (the QR code is drawn the other way round without colour)
            assert_eq!(text(&coloured), text(&plain), "{name}: text differs between profiles");
        }
        insta::assert_snapshot!(format!("{name}_256_colour"), styles(&coloured));
    }
}

#[test]
fn main_view_at_every_size() {
    snapshot_all(State::Main);
}

#[test]
fn share_card_at_every_size() {
    snapshot_all(State::Share);
}

#[test]
fn help_overlay_at_every_size() {
    snapshot_all(State::Help);
}

#[test]
fn search_at_every_size() {
    snapshot_all(State::Search);
}

/// With the PDF to take away, the help and the share card say how (`ssh … pdf`,
/// `scp`); a paste cut at the query's bound is said in the footer.
#[test]
fn the_help_and_the_share_card_say_how_to_take_the_pdf() {
    for size in [(40, 20), (80, 24)] {
        let mut help = app_with(shipped(), size, ColorDepth::None, Charset::Utf8).with_downloads(true);
        press(&mut help, KeyCode::Char('?'));
        for _ in 0..40 {
            press(&mut help, KeyCode::Down);
        }
        let shown = text(&render(&help));
        insta::assert_snapshot!(format!("help_downloads_{}x{}", size.0, size.1), shown);
        let mut share = app_with(fixture(), size, ColorDepth::None, Charset::Utf8).with_downloads(true);
        press(&mut share, KeyCode::Char('s'));
        insta::assert_snapshot!(format!("share_downloads_{}x{}", size.0, size.1), text(&render(&share)));
    }
    let mut app = app_with(shipped(), (80, 24), ColorDepth::None, Charset::Utf8);
    press(&mut app, KeyCode::Char('/'));
    app.handle(&ssh_resume::tui::Event::Paste("elixir ".repeat(20)));
    let footer = text(&render(&app));
    assert!(footer.contains("pasted text cut at 64 characters"), "{footer}");
}

/// The "Write to me" form with a draft, at the sizes that matter most (a phone, a small
/// window, a standard terminal), in UTF-8 and ASCII without colour, and its styles at
/// 80x24 with 256 colours.
#[test]
fn the_write_to_me_form_at_every_size() {
    let with_draft = |size, color, charset| {
        let mut app = app_with(shipped(), size, color, charset).with_messages(true);
        type_keys(&mut app, "m");
        type_keys(&mut app, "Jane Doe");
        for field in ["jane@example.org", "Hello! I read your résumé."] {
            press(&mut app, KeyCode::Tab);
            type_keys(&mut app, field);
        }
        app
    };
    for size in [(30, 10), (40, 20), (80, 24)] {
        for charset in [Charset::Utf8, Charset::Ascii] {
            let shown = text(&render(&with_draft(size, ColorDepth::None, charset)));
            assert!(charset == Charset::Utf8 || !shown.contains('─'), "{shown}");
            let name = format!("form_{}x{}_{charset:?}", size.0, size.1).to_lowercase();
            insta::assert_snapshot!(name, shown);
        }
    }
    insta::assert_snapshot!(
        "form_80x24_256_colour",
        styles(&render(&with_draft((80, 24), ColorDepth::Ansi256, Charset::Utf8)))
    );
}

#[test]
fn standard_80x24_shows_every_tab() {
    let shown = text(&render(&app_with(shipped(), (80, 24), ColorDepth::None, Charset::Utf8)));
    let tabs = shown.lines().nth(1).unwrap();
    for title in ["About", "Highlights", "Experience", "Open Source", "Community", "Education", "Skills"] {
        assert!(tabs.contains(title), "tab {title} missing");
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn narrow_uses_the_compact_header_and_fits_every_row() {
    for (width, height) in [(40, 15), (45, 30), (59, 20)] {
        let mut app = app_with(shipped(), (width, height), ColorDepth::None, Charset::Utf8);
        press(&mut app, KeyCode::Char('3'));
        let shown = text(&render(&app));
        assert!(shown.contains("‹ 3/7 Experience ›"), "{shown}");
        let content_width = usize::from(width) - 3;
        for row in app.rows() {
            let row_width = row.indent + unicode_width::UnicodeWidthStr::width(row.text.as_str());
            assert!(row_width <= content_width, "{row:?} wider than {content_width}");
        }
    }
}

#[test]
fn ascii_profile_80x24_has_no_box_drawing() {
    for state in [State::Main, State::Help, State::Share] {
        let mut app = app_with(fixture(), (80, 24), ColorDepth::None, Charset::Ascii);
        match state {
            State::Help => press(&mut app, KeyCode::Char('?')),
            State::Share => press(&mut app, KeyCode::Char('s')),
            _ => press(&mut app, KeyCode::Char('2')),
        }
        let shown = text(&render(&app));
        assert!(shown.is_ascii(), "non-ASCII output:\n{shown}");
        insta::assert_snapshot!(format!("ascii_{state:?}_80x24").to_lowercase(), shown);
    }
}

#[test]
fn wide_and_combining_characters_take_their_columns() {
    let app = app_with(fixture(), (40, 20), ColorDepth::None, Charset::Utf8);
    let shown = text(&render(&app));
    assert!(shown.contains("履歴書"), "{shown}");
    for line in shown.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 40, "too wide: {line}");
    }
}

#[test]
fn links_are_underlined_and_figures_bold() {
    let buf = render(&app_with(fixture(), (120, 40), ColorDepth::Ansi256, Charset::Utf8));
    let listing = styles(&buf);
    assert!(
        listing.contains("fg=32 underlined  \"https://ada.example.org/blog-posts-about-terminals\""),
        "{listing}"
    );
    let mut app = app_with(fixture(), (120, 40), ColorDepth::None, Charset::Utf8);
    press(&mut app, KeyCode::Char('2'));
    let buf = render(&app);
    let figure = buf.content.iter().find(|c| c.symbol() == "~").unwrap();
    assert!(figure.modifier.contains(Modifier::BOLD));
    assert_eq!(figure.fg, Color::Reset);
}

#[test]
fn too_small_asks_to_enlarge() {
    let shown = text(&render(&app_with(shipped(), (29, 9), ColorDepth::None, Charset::Utf8)));
    assert!(shown.contains("Please enlarge"), "{shown}");
}

/// The fictional résumé with every JSON Resume section (13 of them).
fn many_sections() -> Arc<Loaded> {
    let text = include_str!("../fixtures/json/all-sections.resume.json");
    let parsed = ssh_resume::resume::load::read_str(text, "all-sections.resume.json").unwrap();
    Arc::new(Loaded::from_resume(parsed.resume))
}

#[test]
fn many_sections_scroll_their_tabs_list_and_header() {
    let doc = many_sections();
    assert!(doc.outline.sections.len() >= 12);
    for (size, keys) in [((80, 24), "12"), ((80, 24), "1"), ((40, 20), "12"), ((120, 12), "13")] {
        let mut app = app_with(doc.clone(), size, ColorDepth::None, Charset::Utf8);
        type_keys(&mut app, keys);
        let shown = text(&render(&app));
        let title = doc.outline.sections[app.section()].title;
        assert!(shown.contains(title), "{title} not shown at {size:?}:\n{shown}");
        for line in shown.lines() {
            assert!(unicode_width::UnicodeWidthStr::width(line) <= usize::from(size.0), "too wide: {line}");
        }
        insta::assert_snapshot!(format!("many_sections_{}x{}_after_{keys}", size.0, size.1), shown);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any size a visitor's client can report, in every state, renders without panic
    /// into a complete screen: no line wider than the terminal; from the smallest
    /// size on, the headline on top (unless an overlay covers it) and where the reader
    /// is at the bottom right;
    /// below it, the request to enlarge where there is room for it.
    #[test]
    fn any_size_renders_a_complete_screen(width in 1u16..=500, height in 1u16..=200, state in 0usize..4) {
        let state = [State::Main, State::Share, State::Help, State::Search][state];
        let app = app_in(state, (width, height), ColorDepth::Ansi256);
        let shown = text(&render(&app));
        let lines: Vec<&str> = shown.lines().collect();
        prop_assert!(lines.iter().all(|line| unicode_width::UnicodeWidthStr::width(*line) <= usize::from(width)));
        if width >= 30 && height >= 10 {
            let footer = lines.last().copied().unwrap_or_default().trim_end();
            let at = ["All", "Top", "End", "%"].iter().any(|label| footer.ends_with(label));
            prop_assert!(at || matches!(state, State::Share | State::Help), "footer: {footer:?}");
            // An overlay may cover the header on a small screen; help then still shows its box.
            prop_assert!(lines[0].contains("Staff") || matches!(state, State::Share | State::Help), "header: {:?}", lines[0]);
            prop_assert!(state != State::Help || shown.contains("Keys"), "help without its box:\n{shown}");
        } else if width >= 28 && height >= 4 {
            prop_assert!(shown.contains("Please enlarge"), "{shown}");
        }
    }
}
