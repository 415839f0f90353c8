use std::path::Path;
use std::time::UNIX_EPOCH;

use super::*;
use crate::resume::load;

fn shipped() -> Loaded {
    Loaded::from_path(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/resume.toml"))).expect("resume.toml")
}

fn named() -> Loaded {
    let toml = "[basics]\nname = \"Ada Lovelace\"\nlabel = \"Analyst\"\nemail = \"ada@example.org\"\n";
    Loaded::from_resume(load::parse_str(toml, "test.toml").expect("loads"))
}

fn with_pdf(loaded: &Loaded) -> Directory {
    Directory::new(loaded, Some(Bytes::from_static(b"%PDF-1.7 stand-in")), UNIX_EPOCH)
}

#[test]
fn the_directory_lists_every_file_in_order_with_sizes() {
    let loaded = named();
    let dir = with_pdf(&loaded);
    let names: Vec<&str> = dir.files().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["resume.pdf", "resume.json", "resume.md", "resume.txt", "resume.vcf"]);
    let text = dir.get(FileName::Text).unwrap();
    assert_eq!(text.bytes, loaded.printed(Format::Text).as_bytes());
    assert_eq!(text.size(), u64::try_from(loaded.printed(Format::Text).len()).unwrap());
    assert!(dir.get(FileName::Vcard).unwrap().bytes.starts_with(b"BEGIN:VCARD\r\n"));
}

#[test]
fn the_exports_are_the_printouts_visitors_get_not_made_again() {
    let loaded = shipped();
    let dir = with_pdf(&loaded);
    let printed =
        loaded.printout(Printout::Whole(Format::Json), PrintForm::AsIs, |_| unreachable!()).unwrap();
    assert_eq!(dir.get(FileName::Json).unwrap().bytes.as_ptr(), printed.as_ptr(), "the same bytes, shared");
}

#[test]
fn etags_are_strong_quoted_and_follow_the_bytes() {
    let loaded = named();
    let dir = with_pdf(&loaded);
    let etags: Vec<&str> = dir.files().iter().map(|f| f.etag.as_str()).collect();
    for etag in &etags {
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() == 34, "{etag}");
    }
    let mut unique = etags.clone();
    unique.dedup();
    assert_eq!(unique.len(), etags.len());
    assert_eq!(with_pdf(&loaded).get(FileName::Pdf).unwrap().etag, etags[0], "same bytes, same tag");
}

#[test]
fn paths_resolve_lexically_to_the_root_or_one_name() {
    let loaded = named();
    let dir = with_pdf(&loaded);
    let pdf = Resolved::File(dir.get(FileName::Pdf).unwrap());
    for path in
        ["resume.pdf", "/resume.pdf", "./resume.pdf", "~/resume.pdf", "//resume.pdf", "x/../resume.pdf"]
    {
        assert_eq!(dir.resolve(path), pdf, "{path}");
    }
    for path in ["", ".", "/", "..", "/..", "../../..", "~", "~/", "resume.pdf/.."] {
        assert_eq!(dir.resolve(path), Resolved::Root, "{path:?}");
    }
    for path in [
        "../../etc/passwd",
        "/etc",
        "/etc/passwd",
        "~root",
        "~root/.ssh",
        "Resume.PDF",
        "resume.pdf/x",
        "a/b/..",
        "..\\..\\etc",
        "resume",
        "resume.pdf\0",
    ] {
        assert_eq!(dir.resolve(path), Resolved::NotFound, "{path:?}");
    }
    assert_eq!(
        dir.resolve("/../../resume.txt"),
        Resolved::File(dir.get(FileName::Text).unwrap()),
        "never above the root"
    );
}

#[test]
fn a_path_longer_than_the_bound_is_not_walked() {
    let loaded = named();
    let dir = with_pdf(&loaded);
    let at_bound = format!("{}resume.pdf", "./".repeat((MAX_PATH_BYTES - "resume.pdf".len()) / 2));
    assert_eq!(at_bound.len(), MAX_PATH_BYTES);
    assert!(matches!(dir.resolve(&at_bound), Resolved::File(_)));
    assert_eq!(dir.resolve(&format!("./{at_bound}")), Resolved::NotFound);
}

#[test]
fn a_missing_pdf_is_unavailable_and_a_missing_card_is_no_file() {
    let loaded = shipped();
    let dir = Directory::new(&loaded, None, UNIX_EPOCH);
    assert_eq!(dir.resolve("resume.pdf"), Resolved::Unavailable(FileName::Pdf));
    assert_eq!(dir.resolve("resume.vcf"), Resolved::NotFound, "the shipped résumé has no name");
    let names: Vec<&str> = dir.files().iter().map(|f| f.name.label()).collect();
    assert_eq!(names, ["json", "md", "txt"]);
}

#[test]
fn names_parse_exactly_and_have_media_types() {
    for name in FileName::ALL {
        assert_eq!(FileName::parse(name.as_str()), Some(name));
    }
    assert_eq!(FileName::parse("resume.PDF"), None);
    assert_eq!(FileName::Pdf.media_type(), "application/pdf");
    assert_eq!(FileName::Vcard.media_type(), "text/vcard; charset=utf-8");
}

#[test]
fn downloads_are_counted_per_file() {
    let mut downloads = Downloads::default();
    downloads.add(FileName::Pdf);
    downloads.add(FileName::Vcard);
    downloads.add(FileName::Pdf);
    assert_eq!(downloads.iter().collect::<Vec<_>>(), [(FileName::Pdf, 2), (FileName::Vcard, 1)]);
    assert_eq!((downloads.get(FileName::Json), downloads.total()), (0, 3));
}
