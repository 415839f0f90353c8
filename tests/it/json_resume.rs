//! JSON Resume files, without a server: every fixture in `tests/fixtures/json/` loads
//! and prints as text, Markdown and JSON Resume with nothing of the file's mess showing;
//! broken files are refused with line, column and JSON path; the round trips hold; and
//! `check`, `import` and `init` behave as the README says.

use std::path::PathBuf;
use std::process::Command;

use crate::common::{manifest_path, temp_dir};
use serde_json::Value;
use ssh_resume::resume::export::{self, Format};
use ssh_resume::resume::load::{self, LoadError};
use ssh_resume::resume::{Loaded, ReadOptions, toml_out};

const BIN: &str = env!("CARGO_BIN_EXE_ssh-resume");

/// The fixtures that must load.
const GOOD: [&str; 8] = ["sample", "all-sections", "dates", "messy", "markup", "types", "scripts", "long"];

/// What a visitor must never see: markup left in, or a null shown as text.
const MESS: [&str; 12] =
    ["<strong", "<em", "<br", "<a ", "</", "<script", "<p>", "&amp;", "&mdash;", "&lt;", "**", "null"];

fn fixture(name: &str) -> PathBuf {
    manifest_path(&format!("tests/fixtures/json/{name}.resume.json"))
}

fn load(name: &str) -> Loaded {
    Loaded::from_path(&fixture(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn assert_clean(what: &str, text: &str) {
    for mess in MESS {
        assert!(!text.contains(mess), "{what} shows {mess:?}:\n{text}");
    }
}

#[test]
fn every_fixture_prints_clean_text_and_markdown() {
    for name in GOOD {
        let loaded = load(name);
        for width in [40, 80] {
            let text = loaded.render(Format::Text, width);
            assert_clean(&format!("{name} text at {width}"), &text);
            // The title block (name, headline, contacts) is printed as it is; sections wrap.
            let sections = text.split_once("\n\n").map_or("", |(_, rest)| rest);
            let wide = sections.lines().find(|line| unicode_width::UnicodeWidthStr::width(*line) > width);
            assert_eq!(wide, None, "{name} at {width}");
        }
        // Markdown's own `**headline**` is not mess; everything else is.
        let markdown = loaded.render(Format::Markdown, 80).replacen("**", "", 2);
        assert_clean(&format!("{name} markdown"), &markdown);
    }
}

#[test]
fn every_fixture_exports_json_resume_without_nulls_and_stably() {
    for name in GOOD {
        let loaded = load(name);
        let json = loaded.render(Format::Json, 80);
        let value: Value = serde_json::from_str(&json).unwrap();
        assert!(!has_null(&value), "{name}: a null in the export");
        for tag in ["<strong", "<em", "<br", "<a ", "</", "&amp;"] {
            assert!(!json.contains(tag), "{name}: {tag} in the export");
        }
        let again = load::parse_str(&json, "again.json").unwrap();
        assert_eq!(export::json_resume(&again), json, "{name}: JSON → JSON is not stable");
    }
}

fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(map) => map.values().any(has_null),
        _ => false,
    }
}

#[test]
fn the_schema_sample_comes_back_unchanged() {
    let original: Value = serde_json::from_str(&std::fs::read_to_string(fixture("sample")).unwrap()).unwrap();
    let exported: Value = serde_json::from_str(&load("sample").render(Format::Json, 80)).unwrap();
    let mut expected = original.clone();
    // An empty image is no image: absent facts stay absent.
    expected["basics"].as_object_mut().unwrap().remove("image");
    assert_eq!(exported, expected);
}

#[test]
fn json_to_toml_and_back_keeps_every_field() {
    for name in ["sample", "all-sections", "types", "messy"] {
        let loaded = load(name);
        let written = toml_out::to_toml(&loaded.resume, name);
        assert!(written.unmapped.is_empty(), "{name}: {:?}", written.unmapped);
        let back = load::parse_str(&written.toml, "imported.toml").unwrap();
        assert_eq!(export::json_resume(&back), loaded.render(Format::Json, 80), "{name}");
    }
}

/// JSON → TOML → JSON over every fixture, field by field: what the TOML writer leaves
/// out shows as a difference in the text (which prints every field, links with their
/// addresses, as TOML keeps them); only what it lists as left out may differ, and that
/// may only be a date kept as written.
#[test]
fn every_fixture_keeps_every_field_through_toml() {
    for name in GOOD {
        let loaded = load(name);
        let written = toml_out::to_toml(&loaded.resume, name);
        let back = Loaded::from_resume(load::parse_str(&written.toml, "imported.toml").unwrap());
        for note in &written.unmapped {
            assert!(note.message.contains("is not a date resume.toml can hold"), "{name}: {note}");
        }
        if written.unmapped.is_empty() {
            assert_eq!(back.render(Format::Text, 80), loaded.render(Format::Text, 80), "{name}");
            let again = toml_out::to_toml(&back.resume, name);
            assert_eq!(again.toml, written.toml, "{name}: TOML → TOML is not stable");
        }
    }
}

#[test]
fn toml_to_json_to_toml_is_stable() {
    let shipped = load::parse(&manifest_path("resume.toml")).unwrap();
    let json = export::json_resume(&shipped);
    let read = load::read_str(&json, "resume.json").unwrap();
    // Our export gives open_source and community keys the schema's projects and
    // volunteer do not have (each a copy of one they do have); import lists them.
    let left_out: Vec<&str> = read.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        left_out,
        ["projects[0].organization", "projects[0].summary", "volunteer[0].name", "volunteer[0].description"]
    );
    let first = toml_out::to_toml(&read.resume, "resume.json");
    assert!(first.unmapped.is_empty());
    let reread = load::parse_str(&first.toml, "resume.toml").unwrap();
    let highlights =
        |r: &ssh_resume::resume::Resume| r.work.iter().map(|w| w.highlights.clone()).collect::<Vec<_>>();
    assert_eq!(highlights(&reread), highlights(&shipped));
    assert_eq!(reread.basics.summary, shipped.basics.summary);
    let json_again = export::json_resume(&reread);
    let second = toml_out::to_toml(&load::parse_str(&json_again, "resume.json").unwrap(), "resume.json");
    assert_eq!(second.toml, first.toml, "a second trip changes nothing");
    assert_eq!(export::json_resume(&load::parse_str(&second.toml, "r.toml").unwrap()), json_again);
}

#[test]
fn dates_are_shown_sensibly_and_never_fail() {
    let text = load("dates").render(Format::Text, 80);
    for shown in [
        "2019 — 2020",
        "05/2019 — 11/2021",
        "05/2019 — 09/2019",
        "01/2022 — Present",
        "02/2022 — present",
        "03/2022 — now",
        "04/2023 — present",
        "05/2023 — present",
        "06/2023 — present",
        "Spring 2019 — late 2020",
        "05/2018 — 2018-13-45",
        "2015 — 2016",
        "12/2020",
    ] {
        assert!(text.contains(shown), "{shown} missing:\n{text}");
    }
}

#[test]
fn nulls_a_byte_order_mark_and_unknown_keys_are_accepted() {
    let loaded = load("messy");
    let paths: Vec<&str> = loaded.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "basics.pronouns",
            "basics.profiles[1].followers",
            "work[0].team",
            "work[0].tags",
            "hobbies",
            "hobbies[0]"
        ]
    );
    let text = loaded.render(Format::Text, 80);
    assert!(text.contains("Malmö, SE") && text.contains("GitHub: tove-example"), "{text}");
    assert!(text.contains("Pronouns: she/her") && text.contains("Team: Platform"), "{text}");
    assert!(text.contains("INTERESTS\n---------\n- sailing"), "the 0.x schema's hobbies: {text}");
    assert!(text.contains("- Moved nightly batch jobs to streaming\n\nEDUCATION"), "{text}");
}

#[test]
fn markup_keeps_its_links_and_drops_the_rest() {
    let loaded = load("markup");
    let text = loaded.render(Format::Text, 200);
    assert!(text.contains("Writing at my notes (https://rafaela.example.org/notes) & speaking"), "{text}");
    assert!(text.contains("Second paragraph with emphasis and <angle brackets>."), "{text}");
    assert!(text.contains("- Link that must not work: click me\n"), "{text}");
    assert!(!text.contains("alert"), "script content is not text");
    let markdown = loaded.render(Format::Markdown, 80);
    assert!(markdown.contains("[accessibility guide](https://tessellate.example.com/a11y)"), "{markdown}");
    assert!(!markdown.contains("javascript:"));
    assert!(markdown.contains("and \\<angle brackets>."), "{markdown}");
}

#[test]
fn types_that_mean_the_same_are_accepted() {
    let resume = load("types").resume;
    assert_eq!(resume.basics.summary.len(), 2);
    assert_eq!(resume.basics.phone.as_ref().unwrap().as_str(), "4915550123");
    assert_eq!(resume.work[0].summary.len(), 2);
    assert_eq!(resume.work[0].highlights.len(), 1);
    assert_eq!(resume.education[0].score.as_ref().unwrap().as_str(), "3.8");
    assert_eq!(resume.skills[0].keywords.len(), 1);
}

#[test]
fn hidden_bidi_controls_never_reach_the_text() {
    let text = load("scripts").render(Format::Text, 80);
    assert!(text.contains("Bidi controls stripped: abc, def, gh, ij"), "{text}");
    for control in ['\u{202E}', '\u{202C}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}'] {
        assert!(!text.contains(control), "U+{:04X} reached the text", u32::from(control));
    }
}

#[test]
fn the_all_sections_fixture_has_every_section_in_order() {
    let slugs = load("all-sections").outline.slugs();
    let expected = [
        "about",
        "experience",
        "projects",
        "volunteer",
        "education",
        "certificates",
        "awards",
        "publications",
        "skills",
        "languages",
        "interests",
        "references",
        "colophon",
    ];
    assert_eq!(slugs, expected);
}

/// (fixture, line, column, path, what the message says, whether only `--strict` refuses it)
const BROKEN: [(&str, usize, usize, &str, &str, bool); 4] = [
    ("error-trailing-comma", 4, 53, "work[0]", "trailing comma", false),
    ("error-truncated", 4, 56, "work[0].highlights", "EOF while parsing a list", false),
    ("error-work-object", 3, 12, "work", "invalid type: map, expected a list of entries", true),
    ("error-number-list", 6, 43, "work[2].highlights", "invalid type: integer `42`", true),
];

#[test]
fn broken_files_are_refused_with_line_column_and_path() {
    let strict = ReadOptions { strict: true, language: None };
    for (name, line, column, path, message, only_strict) in BROKEN {
        match Loaded::from_path_with(&fixture(name), &strict) {
            Err(LoadError::InvalidJson { located, path: found }) => {
                assert_eq!((located.line, located.column, found.as_str()), (line, column, path), "{name}");
                assert!(
                    located.message.starts_with(&format!("{path}: {message}")),
                    "{name}: {}",
                    located.message
                );
            }
            other => panic!("{name}: expected an invalid JSON error, got {other:?}"),
        }
        let lenient = Loaded::from_path(&fixture(name));
        match (only_strict, lenient) {
            (true, Ok(loaded)) => assert!(!loaded.warnings.is_empty(), "{name}: read, and said how"),
            (false, Err(LoadError::InvalidJson { located, .. })) => {
                assert_eq!((located.line, located.column), (line, column), "{name}: the same syntax error");
            }
            (_, other) => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn check_reports_errors_with_exit_status_2_and_warnings_with_0() {
    for (name, line, column, path, _, only_strict) in BROKEN {
        let file = format!("tests/fixtures/json/{name}.resume.json");
        let check =
            |args: &[&str]| Command::new(BIN).args(args).current_dir(manifest_path("")).output().unwrap();
        let out = check(&["check", "--strict", &file]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.starts_with(&format!("error: {file}:{line}:{column}: {path}: ")), "{stderr}");
        assert!(stderr.contains(&format!("{line} | ")), "the offending line is shown: {stderr}");
        let lenient = check(&["check", &file]);
        assert_eq!(lenient.status.code(), Some(if only_strict { 0 } else { 2 }), "{name}");
    }
    let out = Command::new(BIN)
        .args(["check", "tests/fixtures/json/messy.resume.json"])
        .current_dir(manifest_path(""))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "warning: tests/fixtures/json/messy.resume.json:26:7: work[0].team: not in the JSON Resume schema: \
             shown in `summary`"
        ),
        "{stderr}"
    );
}

#[test]
fn import_writes_toml_that_checks_and_lists_what_it_left_out() {
    let dir = temp_dir("import");
    let out_file = dir.join("resume.toml");
    let out = Command::new(BIN)
        .args(["import", fixture("dates").to_str().unwrap(), "-o", out_file.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("work[9].startDate: `Spring 2019` is not a date resume.toml can hold"),
        "{stderr}"
    );
    let check = Command::new(BIN).args(["check", out_file.to_str().unwrap()]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let again = Command::new(BIN)
        .args(["import", fixture("dates").to_str().unwrap(), "-o", out_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "an existing file is not replaced without --force");
    let stdout = Command::new(BIN).args(["import", fixture("sample").to_str().unwrap()]).output().unwrap();
    assert!(String::from_utf8_lossy(&stdout.stdout).contains("[[publications]]"));
}

#[test]
fn init_writes_a_starter_that_checks_and_reads_as_placeholders() {
    let dir = temp_dir("init");
    let path = dir.join("resume.toml");
    let run = |args: &[&str]| Command::new(BIN).args(args).current_dir(&dir).output().unwrap();
    assert!(run(&["init"]).status.success());
    let check = run(&["check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let starter = std::fs::read_to_string(&path).unwrap();
    assert!(starter.contains("name = \"Your Name\"") && starter.contains("Placeholder:"));
    let again = run(&["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(run(&["init", "--force"]).status.success());
}

#[test]
fn a_toml_file_may_start_with_a_byte_order_mark() {
    let text = format!("\u{feff}{}", std::fs::read_to_string(manifest_path("resume.toml")).unwrap());
    assert_eq!(
        load::parse_str(&text, "resume.toml").unwrap(),
        load::parse(&manifest_path("resume.toml")).unwrap()
    );
}
