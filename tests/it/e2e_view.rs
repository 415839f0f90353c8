//! End to end, at the byte level: what the real server sends each kind of visitor's
//! terminal. Colour depth per TERM/COLORTERM/NO_COLOR, OSC 8 links, the ASCII
//! profile, mouse modes, the linear mode, deep links and resizes, all through the
//! accept loop and a real SSH client.

use crate::common::{Launch, ServiceSettings, TestServer, Visit, Visitor, manifest_path, temp_dir};

/// Every SGR sequence's parameters in `bytes` (`ESC [ params m`).
fn sgr_params(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = Vec::new();
    for piece in text.split("\u{1b}[").skip(1) {
        let params: String = piece.chars().take_while(|c| c.is_ascii_digit() || *c == ';').collect();
        if piece[params.len()..].starts_with('m') {
            found.push(params);
        }
    }
    found
}

/// The colour-setting parameters among them (foreground, background, underline colour).
fn colour_params(bytes: &[u8]) -> Vec<String> {
    let mut colours = Vec::new();
    for params in sgr_params(bytes) {
        let codes: Vec<u32> = params.split(';').filter_map(|p| p.parse().ok()).collect();
        let mut i = 0;
        while i < codes.len() {
            match codes[i] {
                30..=37 | 40..=47 | 90..=97 | 100..=107 => colours.push(codes[i].to_string()),
                38 | 48 | 58 => {
                    let len = if codes.get(i + 1) == Some(&2) { 5 } else { 3 };
                    let end = (i + len).min(codes.len());
                    colours.push(codes[i..end].iter().map(u32::to_string).collect::<Vec<_>>().join(";"));
                    i = end;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
    colours
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Connects with `term` and `env`, opens the view, and drives it through every layer
/// (share card, help, a search) so every style has been drawn once.
async fn tour(server: &TestServer, term: &str, env: Vec<(&str, &str)>) -> Visitor {
    let visit = Visit { pty: Some((term, 100, 30)), env, command: None };
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.wait_for_text("Engineer").await;
    for (keys, shown) in
        [("3", "employees"), ("s", "Share"), ("?", "Keys"), ("\x1b", "s share"), ("/elixir\r", "next")]
    {
        visitor.send(keys.as_bytes()).await;
        visitor.wait_for_text(shown).await;
    }
    visitor
}

async fn fixture_server(name: &str) -> TestServer {
    let service =
        ServiceSettings { public_host: Some("cv.example.org:2222".to_owned()), ..Default::default() };
    let resume = manifest_path("tests/fixtures/links.toml");
    TestServer::launch(&temp_dir(name), Launch { resume, service, ..Launch::default() }).await
}

#[tokio::test]
async fn no_color_sent_as_env_means_no_colour_at_all() {
    let server = fixture_server("no-color").await;
    let visitor = tour(&server, "xterm-256color", vec![("NO_COLOR", "1")]).await;
    assert!(!sgr_params(&visitor.stdout).is_empty(), "bold and reverse are still used");
    assert_eq!(colour_params(&visitor.stdout), Vec::<String>::new());
    server.stop().await;
}

#[tokio::test]
async fn colour_depth_follows_term_and_colorterm() {
    let server = fixture_server("depth").await;
    let truecolor = tour(&server, "xterm-256color", vec![("COLORTERM", "truecolor")]).await;
    assert!(contains(&truecolor.stdout, "38;2;"));
    let indexed = tour(&server, "xterm-256color", Vec::new()).await;
    assert!(contains(&indexed.stdout, "38;5;") && !contains(&indexed.stdout, "38;2;"));
    let basic = tour(&server, "xterm", Vec::new()).await;
    let colours = colour_params(&basic.stdout);
    assert!(!colours.is_empty(), "xterm gets the 16 colours");
    assert!(colours.iter().all(|c| !c.starts_with("38;") && !c.starts_with("48;")), "{colours:?}");
    server.stop().await;
}

#[tokio::test]
async fn links_are_osc8_hyperlinks_with_the_plain_url_visible() {
    let server = fixture_server("osc8").await;
    let visit = Visit::terminal(120, 40);
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.wait_for_text("https://ada.example.org/blog-posts-about-terminals").await;
    let url = "https://ada.example.org/blog-posts-about-terminals";
    assert!(contains(&visitor.stdout, &format!(";{url}\u{1b}\\h\u{1b}]8;;\u{1b}\\")), "each cell is linked");
    assert!(contains(&visitor.stdout, ";mailto:ada@example.org\u{1b}\\a"));
    visitor.send(b"s").await;
    visitor.wait_for_text("or in a terminal").await;
    assert!(contains(&visitor.stdout, ";https://ada.example.org/cv\u{1b}\\"), "the share URL is linked");
    server.stop().await;
}

#[tokio::test]
async fn hardware_terminals_get_no_links_and_no_box_drawing() {
    let server = fixture_server("vt100").await;
    for (term, env) in [("vt100", vec![]), ("xterm-256color", vec![("LANG", "C")])] {
        let visitor = tour(&server, term, env.clone()).await;
        let text = String::from_utf8_lossy(&visitor.stdout);
        assert!(text.is_ascii(), "{term} {env:?}: non-ASCII sent");
        assert!(!text.contains('─') && !text.contains('│') && !text.contains('▀'));
        if term == "vt100" {
            assert!(!text.contains("\u{1b}]8;"), "no OSC 8 for a VT100");
            assert_eq!(colour_params(&visitor.stdout), Vec::<String>::new());
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn the_wheel_scrolls_through_alternate_scroll_and_the_mouse_is_not_captured() {
    let server = TestServer::start(&temp_dir("mouse")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer focused").await;
    assert!(contains(&visitor.stdout, "\u{1b}[?1007h"));
    for capture in ["?1000h", "?1002h", "?1003h", "?1006h", "?1015h"] {
        assert!(!contains(&visitor.stdout, &format!("\u{1b}[{capture}")), "{capture} captures the mouse");
    }
    visitor.send(b"3").await;
    visitor.wait_for_text("Together.ai").await;
    // In alternate-scroll mode a wheel notch arrives as arrow keys (SS3 form).
    visitor.send(b"\x1bOB\x1bOB\x1bOB").await;
    visitor
        .wait_for("scrolled", |s| !s.contents().lines().nth(3).unwrap_or("").contains("Together.ai"))
        .await;
    server.stop().await;
}

#[tokio::test]
async fn resize_wide_narrow_wide_keeps_section_and_scroll() {
    let server = TestServer::start(&temp_dir("resize-place")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(200, 60)).await;
    visitor.wait_for_text("▶ 1 About").await;
    visitor.send(b"3").await;
    visitor.wait_for_text("Together.ai").await;
    visitor.send(&[b'j'; 25]).await;
    visitor.wait_for("scrolled", |s| !s.contents().contains("Together.ai")).await;
    let wide = visitor.contents();
    let top = wide.lines().nth(2).unwrap().to_owned();
    let word = top.split_whitespace().find(|w| w.len() > 3).unwrap().to_owned();
    visitor.resize(40, 20).await;
    visitor.wait_for_text("‹ 3/7 Experience ›").await;
    let narrow_top = visitor.contents().lines().nth(3).unwrap().to_owned();
    assert!(narrow_top.contains(&word), "{top} / {narrow_top}");
    visitor.resize(200, 60).await;
    visitor.wait_for("the same screen as before", move |s| s.contents() == wide).await;
    server.stop().await;
}

#[tokio::test]
async fn plain_gives_a_linear_pager_without_cursor_tricks() {
    let server = TestServer::start(&temp_dir("plain")).await;
    let visit = Visit { command: Some("plain"), ..Visit::terminal(80, 24) };
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.wait_for_text("Space: more").await;
    visitor.send(b" ").await;
    visitor.wait_for_text("EXPERIENCE").await;
    visitor.send(b"q").await;
    visitor.read_to_end().await;
    let text = visitor.stdout_text();
    assert!(text.starts_with("Staff Software Engineer\r\n"), "{text:?}");
    assert!(!text.contains('\u{1b}'), "no escape sequences at all: {text:?}");
    assert!(!text.contains('─') && !text.contains('│'));
    assert!(text.contains("Thanks for reading"));
    assert_eq!(visitor.exit_status, Some(0));
}

#[tokio::test]
async fn p_leaves_the_full_screen_for_the_pager_and_back() {
    let server = TestServer::start(&temp_dir("p-key")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer focused").await;
    visitor.send(b"p").await;
    visitor
        .wait_for("the main screen", |s| !s.alternate_screen() && s.contents().contains("Space: more"))
        .await;
    visitor.send(b"p").await;
    visitor.wait_for("the view again", |s| s.alternate_screen() && s.contents().contains("Highlights")).await;
    server.stop().await;
}

#[tokio::test]
async fn deep_links_open_a_section_and_help_names_the_public_host() {
    let server = fixture_server("deep-link").await;
    let visit = Visit { command: Some("EXP"), ..Visit::terminal(80, 24) };
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.wait_for_text("Example Corp").await;
    visitor.send(b"?").await;
    visitor.wait_for_text("ssh -p 2222 cv.example.org").await;
    server.stop().await;
}

#[tokio::test]
async fn an_ambiguous_section_exits_2_listing_the_slugs_even_with_a_terminal() {
    let server = TestServer::start(&temp_dir("ambiguous")).await;
    let visit = Visit { command: Some("e"), ..Visit::terminal(80, 24) };
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.read_to_end().await;
    let stderr = String::from_utf8_lossy(&visitor.stderr);
    assert!(stderr.contains("experience") && stderr.contains("education") && stderr.contains("open-source"));
    assert_eq!(visitor.exit_status, Some(2));
    server.stop().await;
}
