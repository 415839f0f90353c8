//! The shipped `resume.toml` is the owner's CV, whole and unembellished: every line of
//! the source (a copy in `tests/fixtures/`) appears in what visitors are shown, and every
//! string in `resume.toml` comes from the source.

use crate::common::manifest_path;
use ssh_resume::resume::Loaded;
use ssh_resume::resume::export;

/// Source headings that the view names more briefly, and the section they became.
const RENAMED_HEADINGS: [(&str, &str); 2] =
    [("Key Contributions", "highlights"), ("Community & Conferences", "community")];

fn source() -> String {
    std::fs::read_to_string(manifest_path("tests/fixtures/resume-source.txt")).unwrap()
}

fn shipped() -> Loaded {
    Loaded::from_path(&manifest_path("resume.toml")).unwrap()
}

/// A source line as it is shown: without its list marker or the parentheses around a
/// company size.
fn shown_form(line: &str) -> &str {
    let line = line.trim().trim_start_matches("- ");
    line.strip_prefix('(').and_then(|l| l.strip_suffix(')')).unwrap_or(line)
}

#[test]
fn the_fixture_is_the_owners_cv() {
    // Beside a checkout that has the project's shared folder, the copy must match it.
    let shared = manifest_path("../shared/seed/resume-source.txt");
    if let Ok(original) = std::fs::read_to_string(shared) {
        assert_eq!(original, source(), "tests/fixtures/resume-source.txt is out of date");
    }
}

#[test]
fn every_line_of_the_source_is_shown() {
    let loaded = shipped();
    // Unwrapped plain text: what `ssh host text` prints, on one line per paragraph.
    let shown = export::text(&loaded.outline, 100_000).to_lowercase();
    let source = source();
    let mut missing = Vec::new();
    for line in source.lines().filter(|l| !l.trim().is_empty()) {
        let renamed = RENAMED_HEADINGS.iter().find(|(heading, _)| *heading == line);
        match renamed {
            Some((_, slug)) => assert!(loaded.outline.find_section(slug).is_ok(), "{slug}"),
            None if shown.contains(&shown_form(line).to_lowercase()) => {}
            None => missing.push(line),
        }
    }
    assert!(missing.is_empty(), "lines of the source not shown:\n{}", missing.join("\n"));
}

#[test]
fn nothing_in_resume_toml_is_invented() {
    let source = source();
    let text = std::fs::read_to_string(manifest_path("resume.toml")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    let mut strings = Vec::new();
    collect_strings(&value, &mut strings);
    assert!(strings.len() > 80, "expected the whole CV, found {} strings", strings.len());
    let invented: Vec<&String> = strings.iter().filter(|s| !source.contains(s.as_str())).collect();
    assert!(invented.is_empty(), "not in the source: {invented:#?}");
}

#[test]
fn absent_facts_stay_absent() {
    let resume = shipped().resume;
    let basics = &resume.basics;
    assert!(basics.name.is_none() && basics.email.is_none() && basics.phone.is_none());
    assert!(basics.url.is_none() && basics.profiles.is_empty() && basics.share_url.is_none());
}

fn collect_strings(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        toml::Value::Table(table) => table.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
