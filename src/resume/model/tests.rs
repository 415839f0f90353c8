//! Tests of `model`.

use super::*;

#[test]
fn text_refuses_control_characters() {
    assert!(Text::try_from("ok — é".to_owned()).is_ok());
    assert!(Text::try_from("\u{1b}[31mred".to_owned()).is_err());
    assert!(Text::try_from("two\nlines".to_owned()).is_err());
    assert!(Text::try_from("\u{9b}31m".to_owned()).is_err());
    assert!(Text::try_from("   ".to_owned()).is_err());
}

#[test]
fn text_drops_what_would_reorder_or_hide_the_line() {
    let text = Text::try_from("abc\u{202E}def\u{2066}g\u{200F}".to_owned()).unwrap();
    assert_eq!(text.as_str(), "abcdefg");
    assert!(Text::try_from("\u{202E}\u{200B}".to_owned()).is_err(), "nothing visible is left");
    assert!(Text::from_rich(Rich::from("a\u{202E}b")).is_none());
}

#[test]
fn location_reads_one_line_or_its_parts() {
    let line: Basics = toml::from_str("location = \"Zürich\"").unwrap();
    assert_eq!(line.location.unwrap().shown().as_deref(), Some("Zürich"));
    let parts: Basics =
        toml::from_str("location = { address = [\"Main St 1\", \"Floor 2\"], city = \"Bern\", postal_code = \"3000\", country_code = \"CH\" }").unwrap();
    assert_eq!(parts.location.unwrap().shown().as_deref(), Some("Main St 1, Floor 2, 3000 Bern, CH"));
}
