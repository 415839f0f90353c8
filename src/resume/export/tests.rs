//! Tests of `export`.

use super::*;
use crate::resume::load::parse_str;
use unicode_width::UnicodeWidthStr;

fn shipped() -> (Resume, Outline) {
    let resume = parse_str(include_str!("../../../resume.toml"), "resume.toml").unwrap();
    let outline = Outline::from_resume(&resume);
    (resume, outline)
}

#[test]
fn text_is_wrapped_at_the_width() {
    let (_, outline) = shipped();
    for width in [40, 80] {
        let out = text(&outline, width);
        assert!(out.lines().all(|l| l.width() <= width), "a line is wider than {width}");
    }
}

#[test]
fn text_right_aligns_periods() {
    let (_, outline) = shipped();
    let out = text(&outline, 80);
    let line = out.lines().find(|l| l.starts_with("Together.ai")).unwrap();
    assert!(line.ends_with("07/2025 — now") && line.width() == 80, "{line}");
}

#[test]
fn a_non_ascii_title_is_underlined_to_its_width() {
    for (title, columns) in [("Éducation", 9), ("Проекты", 7), ("職歴", 4)] {
        let section = Section { slug: "t", title, key: "t", blocks: vec![Block::Paragraph("x".into())] };
        let text = section_text(&section, 80);
        let rule = text.lines().nth(1).unwrap();
        assert_eq!(rule, "-".repeat(columns), "{title}");
        assert_eq!(rule.width(), text.lines().next().unwrap().width(), "{title}");
    }
}

#[test]
fn markdown_has_a_heading_per_section() {
    let (_, outline) = shipped();
    let out = markdown(&outline);
    assert!(out.starts_with("# Staff Software Engineer\n"));
    for section in &outline.sections {
        assert!(out.contains(&format!("\n## {}\n", section.title)));
    }
    assert!(out.contains("\n### Remote\n\n*~150 → 1100 employees · 04/2021 — 10/2023*\n"));
}

#[test]
fn json_resume_maps_dates_and_leaves_out_absent_fields() {
    let (resume, _) = shipped();
    let value: Value = serde_json::from_str(&json_resume(&resume)).unwrap();
    assert_eq!(value["basics"]["label"], "Staff Software Engineer");
    assert!(value["basics"].get("name").is_none());
    assert_eq!(value["work"][0]["startDate"], "2025-07");
    assert!(value["work"][0].get("endDate").is_none());
    assert_eq!(value["work"].as_array().unwrap().len(), 8);
    assert_eq!(value["skills"][3]["keywords"][3], "Hiring & Mentoring");
}

#[test]
fn contact_lines_are_printed_once_in_about() {
    let resume = parse_str(include_str!("../../../tests/fixtures/links.toml"), "links.toml").unwrap();
    let outline = Outline::from_resume(&resume);
    assert!(!outline.contacts.is_empty());
    for out in [text(&outline, 80), markdown(&outline)] {
        for contact in &outline.contacts {
            let lines = out.lines().filter(|line| line.trim_start_matches("- ") == contact.as_str());
            assert_eq!(lines.count(), 1, "{contact}:\n{out}");
        }
    }
}
