//! What terminals send on their own, through the real server: replies and pastes are
//! never read as typing, LF is Enter, ASCII visitors get only ASCII, and a terminal that
//! reports its background gets a palette made for it — one that never answers, or
//! answers too late, keeps today's.

use std::time::Duration;

use crate::common::{LIVENESS, TestServer, Visit, Visitor, manifest_path, temp_dir};
use ssh_resume::server::Settings;
use ssh_resume::server::terminal_queries::QUERY_WAIT;
use ssh_resume::tui::input::Rgb;
use ssh_resume::tui::theme::{Charset, ColorDepth, Profile, Theme};

async fn start(name: &str, settings: Settings) -> TestServer {
    TestServer::start_with(&temp_dir(name), &manifest_path("resume.toml"), settings).await
}

async fn open(server: &TestServer, visit: Visit<'_>) -> Visitor {
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.wait_for_text("Staff Software Engineer").await;
    visitor
}

/// The footer shows the hints (no find open) and section `title` is selected.
fn on_section_without_find(screen: &vt100::Screen, title: &str) -> bool {
    let text = screen.contents();
    text.contains("q quit") && !text.contains("Esc cancel") && text.contains(title)
}

#[tokio::test]
async fn a_terminals_reply_is_not_typing() {
    let server = start("replies", Settings::default()).await;
    let mut visitor = open(&server, Visit::terminal(80, 24)).await;
    visitor.send(b"\x1b]11;rgb:1414/1919/1f1f\x1b\\").await;
    visitor.send(b"\x1b]11;rgb:0000/0000/0000\x07").await;
    visitor.send(b"\x1bP>|tmux 3.3a\x1b\\").await;
    // Had any of it been keys, `/` would have opened find and `4` changed section.
    visitor.send(b"2").await;
    visitor.wait_for("Highlights, no find", |s| s.contents().contains("Created benchee")).await;
    assert!(on_section_without_find(visitor.screen.screen(), "Highlights"), "{}", visitor.contents());
    server.stop().await;
}

#[tokio::test]
async fn a_long_bracketed_paste_is_one_paste() {
    let server = start("paste", Settings::default()).await;
    let mut visitor = open(&server, Visit::terminal(80, 24)).await;
    let paste = format!("\x1b[200~{} then 4 and q\x1b[201~", "x".repeat(70));
    visitor.send(paste.as_bytes()).await;
    visitor.send(b"3").await;
    visitor.wait_for_text("Together.ai").await;
    assert!(!visitor.closed, "the paste's `q` did not quit");
    // With find open, a paste lands in the query.
    visitor.send(b"/").await;
    visitor.send(b"\x1b[200~elixir\x1b[201~").await;
    visitor.wait_for_text("/elixir").await;
    server.stop().await;
}

#[tokio::test]
async fn enter_sent_as_lf_confirms_find() {
    let server = start("lf", Settings::default()).await;
    let mut visitor = open(&server, Visit::terminal(80, 24)).await;
    visitor.send(b"/elixir").await;
    visitor.wait_for_text("Esc cancel").await;
    visitor.send(b"\n").await;
    visitor.wait_for_text("n next").await;
    server.stop().await;
}

fn assert_ascii(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    assert!(bytes.is_ascii(), "{what}: non-ASCII in {text:?}");
}

/// An ASCII visitor (`LANG=C`) whom the server says goodbye to, for `settings`.
async fn farewell_bytes(name: &str, settings: Settings, shutdown: bool) -> Vec<u8> {
    let server = start(name, settings).await;
    let visit = Visit { pty: Some(("xterm-256color", 80, 24)), env: vec![("LANG", "C")], command: None };
    let mut visitor = open(&server, visit).await;
    let seen = visitor.stdout.len();
    if shutdown {
        server.shutdown.cancel();
    }
    visitor.read_to_end().await;
    let farewell = visitor.stdout[seen..].to_vec();
    let text = String::from_utf8_lossy(&farewell);
    assert!(text.contains("reconnect"), "{name}: {text:?}");
    farewell
}

#[tokio::test]
async fn ascii_visitors_get_ascii_farewells_errors_and_text() {
    let idle = Settings { idle_timeout: Duration::from_millis(300), ..Settings::default() };
    assert_ascii(&farewell_bytes("ascii-idle", idle, false).await, "idle farewell");
    let max = Settings { max_session: Duration::from_millis(700), ..Settings::default() };
    assert_ascii(&farewell_bytes("ascii-max", max, false).await, "max-session farewell");
    assert_ascii(&farewell_bytes("ascii-shutdown", Settings::default(), true).await, "shutdown farewell");

    let server = start("ascii-exec", Settings::default()).await;
    for command in ["text", "markdown", "json", "help", "no-such-command"] {
        let visit =
            Visit { pty: Some(("xterm-256color", 80, 24)), env: vec![("LANG", "C")], command: Some(command) };
        let mut visitor = Visitor::connect(server.addr, visit).await;
        visitor.read_to_end().await;
        assert_ascii(&visitor.stdout, command);
        assert_ascii(&visitor.stderr, command);
        assert!(!visitor.stdout.is_empty() || !visitor.stderr.is_empty(), "{command} printed nothing");
    }
    // JSON stays JSON: the escapes mean the same characters.
    let visit = Visit { pty: Some(("vt100", 80, 24)), env: vec![], command: Some("json") };
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.read_to_end().await;
    let json: serde_json::Value = serde_json::from_slice(&visitor.stdout).unwrap();
    assert!(json.to_string().contains('→'), "the escapes decode to the résumé's own characters");
    server.stop().await;
}

/// The colour the view gives body text once the terminal reported `background`.
fn body_index(background: Rgb) -> u8 {
    let theme = Theme::for_background(Profile::new(ColorDepth::Ansi256, Charset::Utf8), background);
    match theme.body.fg {
        Some(ratatui_core::style::Color::Indexed(index)) => index,
        other => panic!("body colour {other:?}"),
    }
}

fn shows_colour(screen: &vt100::Screen, index: u8) -> bool {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    (0..rows).any(|r| {
        (0..cols).any(|c| screen.cell(r, c).is_some_and(|cell| cell.fgcolor() == vt100::Color::Idx(index)))
    })
}

const QUERIES: &str = "\x1b]11;?\x1b\\\x1b[>0q\x1b[c";

/// The view after the terminal answers its queries with `reply`, sent after `delay`.
async fn answered(name: &str, reply: &[u8], delay: Duration) -> Visitor {
    let server = start(name, Settings::default()).await;
    let mut visitor = open(&server, Visit::terminal(80, 24)).await;
    let deadline = tokio::time::Instant::now() + LIVENESS;
    while !String::from_utf8_lossy(&visitor.stdout).contains(QUERIES) {
        assert!(tokio::time::Instant::now() < deadline, "no queries after the first frame");
        visitor.wait_for_any_output().await;
    }
    tokio::time::sleep(delay).await;
    visitor.send(reply).await;
    visitor
}

#[tokio::test]
async fn a_light_background_gets_the_light_palette() {
    let white = Rgb { r: 255, g: 255, b: 255 };
    let mut visitor =
        answered("light", b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?64;1;22c", Duration::ZERO).await;
    let body = body_index(white);
    visitor.wait_for("the light palette", |s| shows_colour(s, body)).await;
    assert!(on_section_without_find(visitor.screen.screen(), "About"));
}

#[tokio::test]
async fn a_dark_background_gets_the_dark_palette() {
    let dark = Rgb { r: 0x14, g: 0x19, b: 0x1f };
    let mut visitor = answered("dark", b"\x1b]11;rgb:1414/1919/1f1f\x07\x1b[?62c", Duration::ZERO).await;
    let body = body_index(dark);
    assert_ne!(body, body_index(Rgb { r: 255, g: 255, b: 255 }));
    visitor.wait_for("the dark palette", |s| shows_colour(s, body)).await;
}

#[tokio::test]
async fn a_late_or_missing_answer_keeps_todays_palette() {
    let late = QUERY_WAIT + Duration::from_millis(500);
    let white = Rgb { r: 255, g: 255, b: 255 };
    for (name, reply) in [("late", &b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?64c"[..]), ("never", &b""[..])] {
        let mut visitor = answered(name, reply, late).await;
        visitor.send(b"3").await;
        visitor.wait_for_text("Together.ai").await;
        assert!(!shows_colour(visitor.screen.screen(), body_index(white)), "{name}: re-themed");
        // Today's palette: the 256-colour accent on headings.
        assert!(shows_colour(visitor.screen.screen(), 32), "{name}: {}", visitor.contents());
    }
}

#[tokio::test]
async fn terminals_without_colour_are_never_asked() {
    let server = start("no-queries", Settings::default()).await;
    for visit in [
        Visit { pty: Some(("vt100", 80, 24)), env: vec![], command: None },
        Visit { pty: Some(("xterm-256color", 80, 24)), env: vec![("NO_COLOR", "1")], command: None },
        Visit { pty: Some(("linux", 80, 24)), env: vec![], command: None },
        Visit { pty: Some(("xterm-256color", 80, 24)), env: vec![], command: Some("plain") },
    ] {
        let mut visitor = Visitor::connect(server.addr, visit).await;
        visitor.wait_for_text("Staff Software Engineer").await;
        visitor.send(b"q").await;
        visitor.read_to_end().await;
        let sent = String::from_utf8_lossy(&visitor.stdout);
        assert!(!sent.contains("\x1b]11;?") && !sent.contains("\x1b[c"), "{sent:?}");
    }
    server.stop().await;
}
