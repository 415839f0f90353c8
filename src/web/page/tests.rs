//! Tests of `page`.

use super::*;
use crate::resume::load::parse_str;

fn invite() -> Invite {
    Invite {
        ssh_command: "ssh resume.example.com".into(),
        fingerprint: "SHA256:abc".into(),
        share_url: "https://example.org/cv".into(),
        messages: false,
        pdf: false,
        vcard: false,
        scp_command: String::new(),
    }
}

fn loaded(toml: &str) -> Loaded {
    Loaded::from_resume(parse_str(toml, "test.toml").unwrap())
}

#[test]
fn escape_covers_markup_and_quotes() {
    assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

#[test]
fn resume_text_cannot_inject_markup() {
    let toml = r#"
        [basics]
        label = "<script>alert(1)</script>"
        summary = ["see javascript:alert(1) and <img src=x onerror=alert(1)>"]
        [[work]]
        company = "\"><b>Co</b>"
        start = "2020"
    "#;
    let html = page(&loaded(toml), &invite(), "/style.css");
    assert!(!html.contains("<script") && !html.contains("<img src=x") && !html.contains("<b>Co"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("href=\"javascript"), "only http(s) and mailto become links");
}

#[test]
fn addresses_become_links_and_dates_times() {
    let toml = r#"
        [basics]
        label = "Engineer"
        email = "jane@example.org"
        [[work]]
        company = "Example"
        start = "07/2025"
        end = "now"
        highlights = ["Wrote https://example.org/a?b=1&c=2 docs"]
    "#;
    let html = page(&loaded(toml), &invite(), "/style.css");
    assert!(html.contains("<a href=\"mailto:jane@example.org\">jane@example.org</a>"));
    assert!(
        html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\">https://example.org/a?b=1&amp;c=2</a>")
    );
    assert!(html.contains("<time datetime=\"2025-07\">07/2025</time> — now"));
}

#[test]
fn an_entry_reads_as_in_the_view_without_a_title_and_with_one_date() {
    let toml = r#"
        [basics]
        label = "Engineer"
        [[work]]
        start = "2019"
        end = "2019"
        highlights = ["Shipped"]
    "#;
    let html = page(&loaded(toml), &invite(), "/style.css");
    assert!(!html.contains("<h3></h3>"), "no empty heading");
    assert!(html.contains("<p class=\"period\"><time datetime=\"2019\">2019</time></p>"), "{html}");
    assert_eq!(
        crate::resume::dates::period(Some(&"2019".parse().unwrap()), Some(&"2019".parse().unwrap()))
            .as_deref(),
        Some("2019")
    );
}

#[test]
fn unknown_sections_fall_back_to_the_outline() {
    let section = Section {
        slug: "extra",
        title: "Extra",
        key: "extra",
        blocks: vec![Block::Label("L".into()), Block::Bullet("a".into()), Block::Paragraph("p".into())],
    };
    let mut out = String::new();
    blocks(&mut out, &section.blocks);
    assert_eq!(out, "<h3>L</h3>\n<ul>\n<li>a</li>\n</ul>\n<p>p</p>\n");
}
