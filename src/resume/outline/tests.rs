//! Tests of `outline`.

use super::*;
use crate::resume::load::parse_str;

fn shipped() -> Outline {
    let text = include_str!("../../../resume.toml");
    Outline::from_resume(&parse_str(text, "resume.toml").unwrap())
}

#[test]
fn shipped_resume_has_seven_sections_in_order() {
    let slugs = shipped().slugs();
    let expected = ["about", "highlights", "experience", "open-source", "community", "education", "skills"];
    assert_eq!(slugs, expected);
}

#[test]
fn sections_are_found_by_slug_or_unambiguous_prefix() {
    let outline = shipped();
    assert_eq!(outline.find_section("experience"), Ok(2));
    assert_eq!(outline.find_section("Open"), Ok(3));
    assert_eq!(outline.find_section("sk"), Ok(6));
    let listed = outline.find_section("e").unwrap_err();
    assert!(listed.contains("experience") && listed.contains("education"), "{listed}");
    assert!(outline.find_section("hobbies").is_err());
    assert!(outline.find_section("").is_err());
}

#[test]
fn sections_are_found_as_the_view_shows_them_and_by_their_key() {
    let outline = shipped();
    for name in
        ["open-source", "Open Source", "open source", "OPEN_SOURCE", " open  source ", "open_source", "4"]
    {
        assert_eq!(outline.find_section(name), Ok(3), "{name:?}");
    }
    assert_eq!(outline.find_section("work"), Ok(2), "the résumé file's key");
    assert_eq!(outline.find_section("basics"), Ok(0));
    assert_eq!(outline.find_section("7"), Ok(6));
    for name in ["0", "8", "99999999999999999999999", "open sauce"] {
        assert!(outline.find_section(name).unwrap_err().contains("open-source"), "{name:?}");
    }
}

#[test]
fn ascii_copy_is_ascii() {
    let ascii = shipped().to_ascii();
    assert!(format!("{ascii:?}").is_ascii());
    assert!(ascii.sections[2].blocks.iter().any(|b| matches!(b,
        Block::Heading { period: Some(p), .. } if p == "07/2025 -- now")));
}

#[test]
fn empty_sections_are_left_out() {
    let outline = Outline::from_resume(&parse_str("[basics]\nlabel = \"E\"\n", "t").unwrap());
    assert!(outline.sections.is_empty());
    assert!(outline.contacts.is_empty());
}

#[test]
fn roles_become_headings_with_period() {
    let experience = &shipped().sections[2];
    let first = &experience.blocks[0];
    let expected = Block::Heading {
        title: "Together.ai".into(),
        detail: Some("~250 employees".into()),
        period: Some("07/2025 — now".into()),
    };
    assert_eq!(first, &expected);
}
