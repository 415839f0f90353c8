use super::*;
use crate::resume::links::Link;
use crate::resume::load;

fn plain_span(text: &str) -> Span {
    Span { text: text.to_owned(), link: None, figure: false }
}

fn figure(text: &str) -> Span {
    Span { text: text.to_owned(), link: None, figure: true }
}

fn document(toml: &str) -> Document {
    let resume = load::parse_str(toml, "test.toml").expect("loads");
    let outline = Outline::from_resume(&resume);
    Document::new(&resume, &outline, DocumentDate { year: 2026, month: 1, day: 2 }, Paper::A4)
}

#[test]
fn figures_are_their_own_spans_without_the_punctuation_around_them() {
    let spans = spans(&Rich::from("serving ~84M requests/day (~250 staff) in 2019, (~2000 RPS) 1.5k+."));
    assert_eq!(
        spans,
        [
            plain_span("serving "),
            figure("~84M"),
            plain_span(" requests/day ("),
            figure("~250"),
            plain_span(" staff) in 2019, (~2000 RPS) "),
            figure("1.5k+"),
            plain_span("."),
        ],
        "a bare four-digit number reads as a year, as in the view"
    );
}

#[test]
fn links_are_spans_with_their_target_and_no_figure() {
    let rich = Rich::new(
        "see v2 docs, or mail a@b.example".to_owned(),
        vec![Link { range: 4..11, target: "https://docs.example".to_owned() }],
    );
    let spans = spans(&rich);
    assert_eq!(
        spans[1],
        Span { text: "v2 docs".into(), link: Some("https://docs.example".into()), figure: false }
    );
    assert_eq!(spans.last().and_then(|s| s.link.as_deref()), Some("mailto:a@b.example"));
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(text, rich.as_str(), "nothing is lost between spans");
}

#[test]
fn entries_are_cut_at_gaps_and_bullets_run_together() {
    let doc = document(
        r#"[basics]
label = "Engineer"
[[work]]
company = "A"
start = "2020"
highlights = ["one", "two"]
[[work]]
company = "B"
summary = "did things"
"#,
    );
    let experience = doc.sections.iter().find(|s| s.title == "Experience").unwrap();
    assert_eq!(experience.entries.len(), 2);
    let first = &experience.entries[0];
    assert_eq!(first.heading.as_ref().map(|h| h.period.as_deref()), Some(Some("2020 —")));
    let bullets = vec![vec![plain_span("one")], vec![plain_span("two")]];
    assert_eq!(first.blocks, [Part::Bullets { items: bullets }]);
    assert_eq!(experience.entries[1].blocks, [Part::Paragraph { spans: vec![plain_span("did things")] }]);
}

#[test]
fn about_leaves_the_contacts_to_the_title_block() {
    let doc = document(
        "[basics]\nname = \"Ada\"\nlabel = \"Analyst\"\nemail = \"ada@example.org\"\nurl = \"https://ada.example/\"\nsummary = [\"one\", \"two\"]\n",
    );
    let about = &doc.sections[0];
    assert_eq!(about.title, "About");
    assert_eq!(about.entries.len(), 2, "two paragraphs, no contact lines");
    assert_eq!(doc.contacts.len(), 2);
    let site = &doc.contacts[1][0];
    assert_eq!((site.text.as_str(), site.link.as_deref()), ("ada.example", Some("https://ada.example/")));
    assert_eq!(doc.title, "Ada — Analyst");
    assert_eq!(doc.author, ["Ada"]);
}

#[test]
fn an_activity_s_period_goes_beside_its_section_title() {
    let doc = document(
        "[basics]\nlabel = \"E\"\n[open_source]\nstart = \"2011\"\nend = \"current\"\nhighlights = [\"benchee\"]\n",
    );
    let open_source = doc.sections.iter().find(|s| s.title == "Open Source").unwrap();
    assert_eq!(open_source.period.as_deref(), Some("2011 — current"));
    assert!(open_source.entries[0].heading.is_none());
}

#[test]
fn skills_are_laid_out_as_groups() {
    let doc = document("[basics]\nlabel = \"E\"\n[[skills]]\nname = \"Rust\"\nkeywords = [\"tokio\"]\n");
    assert_eq!(doc.sections.iter().find(|s| s.title == "Skills").map(|s| s.layout), Some("groups"));
}

#[test]
fn every_printed_character_is_collected() {
    let doc = document("[basics]\nname = \"Zoë\"\nlabel = \"東京\"\n");
    let mut found = std::collections::BTreeSet::new();
    characters(&serde_json::to_value(&doc).unwrap(), &mut found);
    assert!(found.contains(&'ë') && found.contains(&'東') && !found.contains(&' '));
}

#[test]
fn the_document_date_is_the_day_in_utc_or_the_resume_s_own() {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    assert_eq!(DocumentDate::of(time), DocumentDate { year: 2023, month: 11, day: 14 });
    let resume = load::parse_str(
        "[basics]\nlabel = \"E\"\n[meta]\nlast_modified = \"2024-02-29T10:00:00\"\n",
        "t.toml",
    );
    let resume = resume.expect("loads");
    assert_eq!(DocumentDate::from_meta(&resume), Some(DocumentDate { year: 2024, month: 2, day: 29 }));
    let vague =
        load::parse_str("[basics]\nlabel = \"E\"\n[meta]\nlast_modified = \"last spring\"\n", "t.toml");
    assert_eq!(DocumentDate::from_meta(&vague.expect("loads")), None);
}
