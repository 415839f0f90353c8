use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::*;
use crate::resume::load;
use crate::resume::outline::Block;

const DATE: DocumentDate = DocumentDate { year: 2026, month: 3, day: 14 };

fn shipped() -> Resume {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/resume.toml"));
    load::read(path).expect("the shipped résumé loads").resume
}

fn typesetter() -> &'static Typesetter {
    static TYPESETTER: OnceLock<Typesetter> = OnceLock::new();
    TYPESETTER.get_or_init(|| Typesetter::new(&PdfOptions::default()).expect("the shipped fonts load"))
}

/// The shipped résumé rendered once for every test that reads it (a debug render takes
/// most of a second).
fn shipped_pdf() -> &'static Pdf {
    static PDF: OnceLock<Pdf> = OnceLock::new();
    PDF.get_or_init(|| typesetter().render(&shipped(), DATE).expect("the shipped résumé typesets"))
}

fn parse(toml: &str) -> Resume {
    load::parse_str(toml, "test.toml").expect("the test résumé loads")
}

/// A tool from poppler-utils or qpdf, or `None` (then the test skips, except in CI).
fn tool(name: &str) -> Option<PathBuf> {
    let found = Command::new("sh").args(["-c", &format!("command -v {name}")]).output().ok()?;
    if found.status.success() {
        return Some(PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()));
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but `{name}` is not installed");
    None
}

/// Runs `tool FILE after…` on `pdf` written to a temporary file; its stdout.
fn run_on(tool: &Path, after: &[&str], pdf: &[u8], name: &str) -> String {
    let path = std::env::temp_dir().join(format!("ssh-resume-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool).arg(&path).args(after).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success(), "{}: {}", tool.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_shipped_resume_is_an_archival_tagged_pdf_of_several_pages() {
    let pdf = shipped_pdf();
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    assert_eq!(pdf.conformance, Conformance::Archival);
    assert!((2..=4).contains(&pdf.pages), "{} pages", pdf.pages);
}

#[test]
fn the_same_resume_and_date_give_the_same_bytes() {
    let again = typesetter().render(&shipped(), DATE).unwrap();
    assert_eq!(again.bytes, shipped_pdf().bytes);
    let later = typesetter().render(&shipped(), DocumentDate { day: 15, ..DATE }).unwrap();
    assert_ne!(later.bytes, shipped_pdf().bytes, "the date is in the metadata");
}

#[test]
fn letter_paper_is_letter_sized() {
    let Some(pdfinfo) = tool("pdfinfo") else { return };
    let letter = Typesetter::new(&PdfOptions { paper: Paper::Letter, ..PdfOptions::default() }).unwrap();
    let info = run_on(&pdfinfo, &[], &letter.render(&shipped(), DATE).unwrap().bytes, "letter");
    assert!(info.contains("Page size:       612 x 792 pts (letter)"), "{info}");
}

#[test]
fn resume_text_is_data_not_markup() {
    let resume = parse(
        r#"[basics]
name = "Ada #panic(\"boom\") *Lovelace* $x$ ] @label <tag>"
label = "Engineer // not a comment"
summary = "A = [b] #let x = 1 \\ `raw`"
"#,
    );
    let pdf = typesetter().render(&resume, DATE).expect("markup characters are only text");
    let Some(pdftotext) = tool("pdftotext") else { return };
    let text = run_on(&pdftotext, &["-"], &pdf.bytes, "markup");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Ada #panic(\"boom\") *Lovelace* $x$ ] @label <tag>"), "{text}");
    assert!(text.contains("A = [b] #let x = 1 \\ `raw`"), "{text}");
}

#[test]
fn characters_no_font_has_are_named_and_still_typeset() {
    let resume =
        parse("[basics]\nname = \"山田 太郎\"\nlabel = \"Engineer\"\nsummary = \"مرحبا and Zürich\"\n");
    let uncovered: String = typesetter().uncovered(&resume).into_iter().collect();
    assert_eq!(uncovered, "حرمبا山太田郎".chars().collect::<BTreeSet<_>>().into_iter().collect::<String>());
    assert!(typesetter().uncovered(&shipped()).is_empty(), "Inter covers the shipped résumé");
    let pdf = typesetter().render(&resume, DATE).expect("typeset with empty boxes");
    assert!(matches!(pdf.conformance, Conformance::TaggedOnly { .. }), "PDF/A refuses missing glyphs");
}

#[test]
fn a_font_directory_covers_other_scripts() {
    let dir = Path::new("/usr/share/fonts/truetype/droid");
    if !dir.join("DroidSansFallbackFull.ttf").exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but fonts-droid-fallback is missing");
        return;
    }
    let options = PdfOptions { font_dirs: vec![dir.to_owned()], ..PdfOptions::default() };
    let cjk = Typesetter::new(&options).unwrap();
    let resume = parse("[basics]\nname = \"山田 太郎\"\nlabel = \"ソフトウェアエンジニア\"\n");
    assert!(cjk.uncovered(&resume).is_empty());
    let pdf = cjk.render(&resume, DATE).unwrap();
    assert_eq!(pdf.conformance, Conformance::Archival);
    let Some(pdftotext) = tool("pdftotext") else { return };
    assert!(run_on(&pdftotext, &["-"], &pdf.bytes, "cjk").contains("山田 太郎"));
}

#[test]
fn a_font_directory_that_cannot_be_read_is_an_error() {
    let options =
        PdfOptions { font_dirs: vec![PathBuf::from("/nonexistent/fonts")], ..PdfOptions::default() };
    let Err(err) = Typesetter::new(&options) else { panic!("made a typesetter") };
    assert!(err.to_string().contains("/nonexistent/fonts"), "{err}");
}

/// Every heading, period, paragraph and bullet of the outline, in order.
fn outline_texts(resume: &Resume) -> Vec<String> {
    let outline = Outline::from_resume(resume);
    let mut texts = vec![outline.headline.clone()];
    for section in outline.sections.iter().filter(|s| s.slug != "about") {
        texts.push(section.title.to_owned());
        for block in &section.blocks {
            match block {
                Block::Heading { title, detail, period } => {
                    // An activity's heading repeats its section's title: printed once.
                    texts.extend((title.as_str() != section.title).then(|| title.to_string()));
                    texts.extend(detail.iter().chain(period).cloned());
                }
                Block::Label(text) | Block::Paragraph(text) | Block::Bullet(text) => {
                    texts.push(text.to_string())
                }
                Block::Gap => {}
            }
        }
    }
    texts
}

#[test]
fn the_text_extracts_whole_and_in_order() {
    let Some(pdftotext) = tool("pdftotext") else { return };
    let pdf = shipped_pdf();
    let raw = run_on(&pdftotext, &["-"], &pdf.bytes, "fidelity");
    assert!(!raw.contains('\u{ad}'), "no soft hyphens");
    // The footer (the title, then "2/3") comes between the pages' texts; the title
    // block opens the document with the same title.
    let title = Outline::from_resume(&shipped()).headline;
    let page_number =
        |line: &str| line.split('/').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let lines =
        raw.lines().enumerate().filter(|(i, line)| !(page_number(line) || (*i > 0 && *line == title)));
    let flat = lines.flat_map(|(_, line)| line.split_whitespace()).collect::<Vec<_>>().join(" ");
    let mut at = 0;
    for expected in outline_texts(&shipped()) {
        let expected = expected.split_whitespace().collect::<Vec<_>>().join(" ");
        let found =
            flat[at..].find(&expected).unwrap_or_else(|| panic!("{expected:?} missing after byte {at}"));
        at += found;
    }
}

#[test]
fn every_font_is_embedded_and_the_file_is_sound() {
    let pdf = &shipped_pdf().bytes;
    if let Some(pdffonts) = tool("pdffonts") {
        let listing = run_on(&pdffonts, &[], pdf, "fonts");
        let rows: Vec<&str> = listing.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{listing}");
        for row in rows {
            let columns: Vec<&str> = row.split_whitespace().collect();
            let n = columns.len();
            assert_eq!(columns[n - 5..n - 2], ["yes", "yes", "yes"], "embedded, subset, ToUnicode: {row}");
        }
    }
    if let Some(qpdf) = tool("qpdf") {
        let path = std::env::temp_dir().join(format!("ssh-resume-{}-qpdf.pdf", std::process::id()));
        std::fs::write(&path, pdf).unwrap();
        let out = Command::new(qpdf).arg("--check").arg(&path).output().unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn the_metadata_names_the_resume() {
    let Some(pdfinfo) = tool("pdfinfo") else { return };
    let named =
        parse("[basics]\nname = \"Ada Lovelace\"\nlabel = \"Analyst\"\nemail = \"ada@example.org\"\n");
    let info = run_on(&pdfinfo, &[], &typesetter().render(&named, DATE).unwrap().bytes, "info");
    for line in [
        "Title:           Ada Lovelace — Analyst",
        "Author:          Ada Lovelace",
        "Subject:         Analyst",
        "Tagged:          yes",
    ] {
        assert!(info.lines().any(|l| l == line), "{line:?} in {info}");
    }
    assert!(info.contains("Page size:       595.276 x 841.89 pts (A4)"), "{info}");
}

#[test]
fn one_typesetter_serves_every_thread() {
    fn shared<T: Send + Sync>() {}
    shared::<Typesetter>();
    shared::<Pdf>();
}

#[test]
fn every_json_resume_fixture_typesets() {
    let fixtures = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/json"));
    let mut typeset = 0;
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // The fixtures of refused files (under --strict) are read leniently too.
        if !name.ends_with(".json") {
            continue;
        }
        let Ok(read) = load::read(&path) else { continue };
        let pdf = typesetter().render(&read.resume, DATE).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(pdf.bytes.starts_with(b"%PDF-") && pdf.pages >= 1, "{name}");
        typeset += 1;
    }
    assert!(typeset >= 10, "only {typeset} fixtures typeset");
}
