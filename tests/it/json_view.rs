//! JSON Resume files through the real server: every fixture served with `--resume
//! file.json` (those the schema would refuse too), every section read at 80x24 and 40x20 in a `vt100` screen (its top and
//! its end), and the web page. No raw tag and no `null` may show, and the frame (the
//! rule under the header, the right margin, the scrollbar, the footer) must stay whole
//! whatever the script.

use crate::common::http::get;
use crate::common::{TestServer, Visit, Visitor, manifest_path, temp_dir};
use ratatui_core::layout::Size;
use ssh_resume::resume::Loaded;
use ssh_resume::server::Settings;
use ssh_resume::tui::geometry::content_size;
use ssh_resume::web::WebSettings;

/// The schema's fixtures, then one per kind of file read otherwise than the schema says
/// (`json_reading.rs`).
const FIXTURES: [&str; 17] = [
    "sample",
    "all-sections",
    "dates",
    "messy",
    "markup",
    "types",
    "scripts",
    "long",
    "zero-x",
    "languages",
    "shapes",
    "skills-knowhow",
    "odd-dates",
    "duplicates",
    "nameless",
    "other-names",
    "repeated",
];

const MESS: [&str; 10] =
    ["<strong", "<em", "<br", "<a ", "</", "<script", "&amp;", "&mdash;", "&lt;", "null"];

fn path(name: &str) -> std::path::PathBuf {
    manifest_path(&format!("tests/fixtures/json/{name}.resume.json"))
}

/// What is wrong with the screen's frame or text, if anything.
fn frame_fault(screen: &vt100::Screen, cols: u16, rows: u16) -> Option<String> {
    let cell = |row: u16, col: u16| screen.cell(row, col).map_or("", |c| c.contents()).to_owned();
    if let Some(col) = (0..cols).find(|&col| cell(2, col) != "─") {
        return Some(format!("the rule is broken at column {col}"));
    }
    for row in 3..rows - 1 {
        let bar = cell(row, cols - 1);
        if !["", " ", "↑", "↓", "█", "│"].contains(&bar.as_str()) {
            return Some(format!("row {row}: {bar:?} where the scrollbar is"));
        }
        for col in [0, cols - 2] {
            let margin = screen.cell(row, col);
            if margin.is_some_and(|c| !c.contents().trim().is_empty() || c.is_wide_continuation()) {
                return Some(format!("row {row}: text in the margin at column {col}"));
            }
        }
    }
    let footer = screen.rows(0, cols).nth(usize::from(rows - 1)).unwrap_or_default();
    if !footer.contains("quit") {
        return Some(format!("the footer is gone: {footer:?}"));
    }
    let text = screen.contents();
    MESS.iter().find(|mess| text.contains(*mess)).map(|mess| format!("{mess:?} is shown"))
}

/// Reads every section of `name` top to end at `cols`x`rows`, checking each screen.
async fn read_every_section(server: &TestServer, loaded: &Loaded, name: &str, cols: u16, rows: u16) {
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(cols.into(), rows.into())).await;
    let width = usize::from(content_size(Size::new(cols, rows)).width);
    for index in 0..loaded.outline.sections.len() {
        if index > 0 {
            visitor.send(b"l").await;
        }
        let laid_out = loaded.rows(index, width, true).unwrap();
        let first = laid_out[0].text.trim().to_owned();
        let title = loaded.outline.sections[index].title;
        visitor
            .wait_for(&format!("{name} {title} at {cols}x{rows}"), |s| {
                s.rows(0, cols).nth(3).is_some_and(|row| row.contains(&first))
            })
            .await;
        check(&visitor, name, title, cols, rows);
        let last = laid_out.iter().rev().find(|r| !r.text.trim().is_empty()).unwrap().text.trim().to_owned();
        visitor.send(b"G").await;
        visitor.wait_for_text(&last).await;
        check(&visitor, name, title, cols, rows);
    }
}

fn check(visitor: &Visitor, name: &str, title: &str, cols: u16, rows: u16) {
    if let Some(fault) = frame_fault(visitor.screen.screen(), cols, rows) {
        panic!("{name}, {title} at {cols}x{rows}: {fault}\n{}", visitor.contents());
    }
}

#[tokio::test]
async fn every_section_of_every_fixture_reads_cleanly_in_a_terminal() {
    for name in FIXTURES {
        let server =
            TestServer::start_with(&temp_dir(&format!("json-view-{name}")), &path(name), Settings::default())
                .await;
        let loaded = Loaded::from_path(&path(name)).unwrap();
        for (cols, rows) in [(80, 24), (40, 20)] {
            read_every_section(&server, &loaded, name, cols, rows).await;
        }
        server.stop().await;
    }
}

#[tokio::test]
async fn links_hidden_behind_text_are_osc8_links_in_the_view() {
    let server = TestServer::start_with(&temp_dir("json-osc8"), &path("markup"), Settings::default()).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(100, 30)).await;
    visitor.wait_for_text("Frontend & Design Systems Engineer").await;
    visitor.send(b"l").await;
    visitor.wait_for_text("accessibility guide").await;
    let sent = visitor.stdout_text();
    assert!(
        sent.contains(";https://tessellate.example.com/a11y\u{1b}\\a\u{1b}]8;;\u{1b}\\"),
        "the guide is linked"
    );
    assert!(!sent.contains("javascript:"), "an unsafe target is never sent");
    assert!(
        !visitor.contents().contains("(https://tessellate.example.com/a11y)"),
        "the view shows the text only"
    );
    server.stop().await;
}

#[tokio::test]
async fn every_fixture_is_a_clean_web_page() {
    for name in FIXTURES {
        let server =
            TestServer::start_with(&temp_dir(&format!("json-web-{name}")), &path(name), Settings::default())
                .await;
        let addr = server.start_web(WebSettings::default()).await;
        let page = get(addr, "/", &[("Accept", "text/html")]).await;
        assert_eq!(page.status, 200, "{name}");
        let html = page.text();
        let document = scraper::Html::parse_document(&html);
        assert!(document.errors.is_empty(), "{name}: {:?}", document.errors);
        let main = scraper::Selector::parse("main").unwrap();
        let text: String = document.select(&main).flat_map(|m| m.text()).collect();
        for mess in MESS {
            assert!(!text.contains(mess), "{name}: the page shows {mess:?}");
        }
        let loaded = Loaded::from_path(&path(name)).unwrap();
        for section in &loaded.outline.sections {
            assert!(
                html.contains(&format!("<section id=\"{}\"", section.slug)),
                "{name}: {} missing",
                section.slug
            );
        }
        if name == "markup" {
            assert!(html.contains("<a href=\"https://tessellate.example.com/a11y\">accessibility guide</a>"));
            assert!(html.contains("<a href=\"https://rafaela.example.org/notes\">my notes</a>"));
            assert!(!html.contains("javascript:"));
        }
        server.stop().await;
    }
}
