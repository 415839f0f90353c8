//! JSON Resume files as people keep them, which the schema would refuse, read as a
//! person reads them: one fixture per kind (the 0.x schema's names, one text per
//! language, other shapes, odd dates, duplicate keys, no name, sections under other
//! names, contact details given once), and files generated mixing those kinds. Every
//! string a file holds that a reader should see is in its text export, over SSH too;
//! nothing is refused, no raw tag or `null` shows; `check` says how each was read, with
//! its place; the JSON export is a clean copy in the schema; `import` carries it all.

use std::process::Command;

use crate::common::{TestServer, Visit, Visitor, manifest_path, temp_dir};
use proptest::prelude::*;
use serde_json::{Value, json};
use ssh_resume::resume::dates::Date;
use ssh_resume::resume::export::Format;
use ssh_resume::resume::load::{self, ReadOptions};
use ssh_resume::resume::{Loaded, toml_out};
use ssh_resume::server::Settings;

const BIN: &str = env!("CARGO_BIN_EXE_ssh-resume");

/// One fixture per kind of file seen in the wild.
const KINDS: [&str; 9] = [
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

const MESS: [&str; 8] = ["<a ", "</", "<br", "&amp;", "null", "{", "[object", "undefined"];

fn path(name: &str) -> std::path::PathBuf {
    manifest_path(&format!("tests/fixtures/json/{name}.resume.json"))
}

fn load(name: &str) -> Loaded {
    Loaded::from_path(&path(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

/// Keys whose strings no reader is shown: the schema's address, a picture, the
/// résumé's language, and the texts in languages other than the one shown.
fn hidden(key: &str) -> bool {
    let other_language = ["de", "fr"].iter().any(|l| key == *l || key.starts_with(&format!("{l}_")));
    ["$schema", "image", "picture", "language"].contains(&key) || other_language
}

fn is_date_key(key: &str) -> bool {
    key.ends_with("Date") || key == "date"
}

/// Every string of `value` a reader should see, as they should see it (a date as the
/// view shows it); serde_json keeps the last of duplicate keys, as the reader does.
fn visible_strings(value: &Value, key: &str, out: &mut Vec<String>) {
    match value {
        Value::String(text) if hidden(key) => {}
        Value::String(text) if is_date_key(key) => out.extend(Date::lenient(text).map(|d| d.to_string())),
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| visible_strings(item, key, out)),
        Value::Object(map) if hidden(key) => {}
        Value::Object(map) => map.iter().for_each(|(k, v)| visible_strings(v, k, out)),
        _ => {}
    }
}

fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What of `json` a reader should see but the text does not show.
fn missing(json: &str, text: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(json).unwrap();
    let mut strings = Vec::new();
    visible_strings(&value, "", &mut strings);
    let shown = squeezed(text);
    strings.into_iter().filter(|s| !shown.contains(&squeezed(s))).collect()
}

fn assert_clean(what: &str, text: &str) {
    for mess in MESS {
        assert!(!text.contains(mess), "{what} shows {mess:?}:\n{text}");
    }
}

#[test]
fn every_kind_loads_and_its_text_shows_every_string() {
    for name in KINDS {
        let loaded = load(name);
        let json = std::fs::read_to_string(path(name)).unwrap();
        for width in [40, 80] {
            let text = loaded.render(Format::Text, width);
            assert_eq!(missing(&json, &text), Vec::<String>::new(), "{name} at {width}:\n{text}");
            assert_clean(&format!("{name} at {width}"), &text);
        }
        assert_clean(&format!("{name} markdown"), &loaded.render(Format::Markdown, 80).replacen("**", "", 2));
        assert!(!loaded.warnings.is_empty() || name == "repeated", "{name}: check says how it was read");
    }
}

#[test]
fn the_json_export_is_a_clean_copy_in_the_schema() {
    for name in KINDS {
        let json = load(name).render(Format::Json, 80);
        assert!(!json.contains("null"), "{name}: {json}");
        let strict = ReadOptions { strict: true, language: None };
        match load::read_str_with(&json, "again.json", &strict) {
            Ok(again) => {
                let left: Vec<&str> = again.warnings.iter().map(|w| w.path.as_str()).collect();
                assert_eq!(left, Vec::<&str>::new(), "{name}: keys outside the schema in the export");
            }
            // Ours, not the schema's: `--strict` wants a name or a label.
            Err(err) if name == "nameless" => assert!(err.to_string().contains("needs a name"), "{err}"),
            Err(err) => panic!("{name}: the export is not the schema's: {err}\n{json}"),
        }
        // Read again, nothing is left to interpret but what has no other form: a date
        // kept as written, a résumé that names no one.
        let lenient = load::read_str(&json, "again.json").unwrap();
        let notes: Vec<String> = lenient.warnings.iter().map(ToString::to_string).collect();
        let left =
            notes.iter().filter(|n| !n.contains("shown as written") && !n.contains("no name and no label"));
        assert_eq!(left.collect::<Vec<_>>(), Vec::<&String>::new(), "{name}: read again");
    }
}

#[test]
fn import_carries_every_interpreted_value_into_toml() {
    for name in KINDS {
        let loaded = load(name);
        let written = toml_out::to_toml(&loaded.resume, name);
        let back = Loaded::from_resume(
            load::parse_str(&written.toml, "imported.toml").unwrap_or_else(|e| panic!("{name}: {e}")),
        );
        for note in written.unmapped.iter().filter(|note| !note.kept) {
            assert!(note.message.contains("is not a date resume.toml can hold"), "{name}: {note}");
        }
        if written.unmapped.iter().all(|note| note.kept) {
            assert_eq!(back.render(Format::Text, 80), loaded.render(Format::Text, 80), "{name}");
        }
    }
}

fn check(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN).args(args).current_dir(manifest_path("")).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn check_says_how_each_thing_was_read_and_where() {
    let (code, _, stderr) = check(&["check", "tests/fixtures/json/zero-x.resume.json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let zero_x = "warning: tests/fixtures/json/zero-x.resume.json:12:7: work[0].company: read as `name`";
    assert!(stderr.contains(zero_x), "{stderr}");
    let (code, _, stderr) = check(&["check", "--strict", "tests/fixtures/json/nameless.resume.json"]);
    assert_eq!(code, Some(2), "strict: no name and no label is an error: {stderr}");
    let (code, _, stderr) = check(&["check", "tests/fixtures/json/nameless.resume.json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("nameless.resume.json:2:3: basics: no name and no label"), "{stderr}");
    let (_, _, stderr) = check(&["check", "tests/fixtures/json/duplicates.resume.json"]);
    let later =
        "duplicates.resume.json:3:5: basics.name: written twice in one object: the later one on line 5";
    assert!(stderr.contains(later), "{stderr}");
}

#[test]
fn the_resumes_language_is_chosen_and_the_others_listed() {
    let english = load("languages").render(Format::Text, 80);
    assert!(english.contains("Software Developer") && english.contains("Geneva, CH"), "{english}");
    let (code, stdout, _) = check(&[
        "render",
        "--resume",
        "tests/fixtures/json/languages.resume.json",
        "--resume-language",
        "fr",
    ]);
    assert_eq!(code, Some(0));
    for french in ["Développeur logiciel", "Genève, CH", "Développeur principal", "Typographie"] {
        assert!(stdout.contains(french), "{french}:\n{stdout}");
    }
    assert!(!stdout.contains("Software Developer"), "one language only:\n{stdout}");
    let file_says_german =
        r#"{"meta": {"language": "de"}, "basics": {"label": {"en": "Cook", "de": "Koch"}}}"#;
    let german = load::parse_str(file_says_german, "r.json").unwrap();
    assert_eq!(german.basics.label.unwrap().as_str(), "Koch");
    let (_, _, stderr) = check(&["check", "tests/fixtures/json/languages.resume.json"]);
    assert!(
        stderr.contains("basics.label: one text per language: en is shown; also written in de, fr"),
        "{stderr}"
    );
}

#[test]
fn contact_details_are_printed_once() {
    let loaded = load("repeated");
    for text in [loaded.render(Format::Text, 80), loaded.render(Format::Markdown, 80)] {
        for fact in ["kalani@example.org", "+1 808 555 0142", "Honolulu, HI, US"] {
            assert_eq!(text.matches(fact).count(), 1, "{fact}:\n{text}");
        }
    }
}

#[test]
fn a_resume_without_name_or_label_is_titled_neutrally() {
    assert!(load("nameless").render(Format::Text, 80).starts_with("LinkedIn: https://www.linkedin.com/in/"));
    let bare = load::parse_str(r#"{"basics": {"summary": "Only this."}}"#, "bare.json").unwrap();
    let outline = ssh_resume::resume::Outline::from_resume(&bare);
    assert_eq!(outline.headline, "Résumé");
}

#[test]
fn sections_outside_the_schema_are_shown_under_their_own_title() {
    let text = load("other-names").render(Format::Text, 80);
    assert!(text.contains("MORE\n----\nTalks\nReproducible climate runs\nExample Conf · 2023"), "{text}");
    let written = toml_out::to_toml(&load("other-names").resume, "other-names");
    assert!(written.toml.contains("[[extra]]\ntitle = \"Talks\""), "{}", written.toml);
}

/// The text over SSH (no terminal: `ssh host text`), from the real server.
#[tokio::test]
async fn every_kind_is_served_as_text_over_ssh_with_every_string() {
    for name in KINDS {
        let server =
            TestServer::start_with(&temp_dir(&format!("reading-{name}")), &path(name), Settings::default())
                .await;
        let mut visitor = Visitor::connect(server.addr, Visit::no_pty(Some("text"))).await;
        visitor.read_to_end().await;
        let text = visitor.stdout_text();
        let json = std::fs::read_to_string(path(name)).unwrap();
        assert_eq!(missing(&json, &text), Vec::<String>::new(), "{name} over SSH:\n{text}");
        server.stop().await;
    }
}

/// A file mixing the kinds above (as text: a duplicate key is written as such), and
/// the strings a reader should see in it.
fn mixed_file() -> impl Strategy<Value = (String, Vec<String>)> {
    let word = "[A-Z][a-z]{2,8}";
    (
        (word, word, word, any::<bool>(), any::<bool>()),
        (word, word, word, any::<bool>(), any::<bool>(), 0..4usize),
        (word, word, word, any::<bool>(), any::<bool>()),
        (word, word, any::<bool>()),
    )
        .prop_map(|basics_work_skills_extra| {
            let ((name, label, other, by_language, duplicate), work, skills, extra) =
                basics_work_skills_extra;
            let mut seen = Vec::new();
            let name = format!("N{name}");
            let label = format!("L{label}");
            let mut basics = json!({});
            if duplicate {
                basics["__earlier__"] = json!(format!("Hidden{other}"));
            }
            basics["name"] = json!(name);
            basics["label"] =
                if by_language { json!({"de": format!("D{other}"), "en": label}) } else { json!(label) };
            seen.extend([name, label]);
            let mut file = json!({ "basics": basics });
            let (company, position, city, old_names, single, date_form) = work;
            let (company, position, city) =
                (format!("C{company}"), format!("P{position}"), format!("T{city}"));
            let dates =
                [json!("2019-05"), json!({"year": 2019, "month": 5}), json!("May 2019"), json!("05-2019")];
            let mut role =
                json!({ "position": position, "startDate": dates[date_form], "endDate": "Present" });
            role[if old_names { "company" } else { "name" }] = json!(company);
            role["location"] = json!({ "city": city, "countryCode": "NZ" });
            seen.extend([company, position, city, "05/2019".to_owned(), "NZ".to_owned()]);
            file[if old_names { "experience" } else { "work" }] = if single { role } else { json!([role]) };
            let (group, first, second, keyed, as_objects) = skills;
            let (group, first, second) = (format!("G{group}"), format!("K{first}"), format!("K{second}"));
            file["skills"] = match (keyed, as_objects) {
                (true, false) => json!({ &group: [first, second] }),
                (true, true) => json!({ &group: [{ "name": first }, { "name": second }] }),
                (false, _) => json!([{ "name": group, "keywords": [first, second] }]),
            };
            seen.extend([group, first, second]);
            let (title, detail, extra_section) = extra;
            let (title, detail) = (format!("X{title}"), format!("Y{detail}"));
            if extra_section {
                file["talks"] = json!([{ "title": title, "event": detail }]);
            } else {
                file["publications"] = json!([{ "title": title, "details": detail }]);
            }
            seen.extend([title, detail]);
            let text = serde_json::to_string_pretty(&file).unwrap_or_default();
            (text.replace("\"__earlier__\"", "\"name\""), seen)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn files_mixing_the_kinds_show_every_string((json, seen) in mixed_file()) {
        let loaded = load::read_str(&json, "mixed.json").unwrap();
        let text = Loaded::from_resume(loaded.resume).render(Format::Text, 80);
        let shown = squeezed(&text);
        for string in &seen {
            prop_assert!(shown.contains(&squeezed(string)), "{} missing:\n{}\n{}", string, json, text);
        }
        prop_assert!(!text.contains("Hidden") && !text.contains("null"), "{}", text);
    }
}
