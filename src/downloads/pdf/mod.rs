//! The résumé as a typeset PDF, made in-process by typst from the same outline the view
//! walks: a vendored template (`template.typ`), the résumé handed to it as JSON data,
//! Inter shipped in the binary and the owner's or the system's fonts for other scripts.
//!
//! A render is CPU work (tens of milliseconds in a release build, most of a second in a
//! debug one; measured by `benches/pdf.rs`, figures in BENCHMARKS.md). The caller runs
//! it off the async threads, once per résumé version, and serves the bytes it keeps.
//! Each render empties typst's process-wide memo caches when it ends, failed or not, so the
//! memory it used does not pile up across reloads (Relacibo/typst-as-lib#8). Output is
//! PDF/A-2a and PDF/UA-1 (archivable, tagged for screen readers) when typst can certify
//! it; a résumé it cannot certify (a character no font has) still gets a tagged PDF.
//! The same résumé, date and options always give the same bytes.

mod document;
mod fonts;
mod world;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use typst::diag::SourceDiagnostic;
use typst::{Library, LibraryExt, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfStandard, PdfStandards};

pub use document::{DocumentDate, Paper};

use crate::resume::{Outline, Resume};
use document::Document;
use fonts::Fonts;
use world::{Base, Compile};

/// How the PDF is made: paper and where fonts beyond the shipped ones come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfOptions {
    pub paper: Paper,
    /// `--pdf-font-dir`: searched first, in order, for characters Inter lacks.
    pub font_dirs: Vec<PathBuf>,
    /// Also search the system's font directories (`/usr/share/fonts` …).
    pub system_fonts: bool,
}

/// What a render made.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Bytes,
    pub pages: usize,
    pub conformance: Conformance,
}

/// The standards the PDF claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conformance {
    /// PDF/A-2a and PDF/UA-1, validated by typst while writing.
    Archival,
    /// Tagged PDF only: typst refused to certify it, for the reason given.
    TaggedOnly { refused: String },
}

/// Why the résumé could not be typeset.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("cannot read the PDF font directory {}: {source}", path.display())]
    FontDir { path: PathBuf, source: std::io::Error },
    #[error("the PDF typesetter could not be set up (typst refused its fixed file paths)")]
    Setup,
    #[error("typesetting failed: {0}")]
    Compile(String),
    #[error("writing the PDF failed: {0}")]
    Export(String),
    #[error("the typesetter crashed: {0}")]
    Crashed(String),
}

/// The typesetter: the standard library and the fonts, made once and shared by every
/// render (a font directory is scanned once, here). `Send + Sync`.
pub struct Typesetter {
    base: Arc<Base>,
    paper: Paper,
}

/// The standards asked for first (typst-pdf `PdfStandard`, several at once since 0.15).
const ARCHIVAL: [PdfStandard; 2] = [PdfStandard::A_2a, PdfStandard::Ua_1];

impl Typesetter {
    /// Loads the fonts (`options.font_dirs`, then the system's when asked) and the
    /// library: a few milliseconds with the shipped fonts alone.
    pub fn new(options: &PdfOptions) -> Result<Self, PdfError> {
        let fonts = Fonts::scan(&options.font_dirs, options.system_fonts)
            .map_err(|(path, source)| PdfError::FontDir { path, source })?;
        let base = Base::new(Library::default(), fonts).ok_or(PdfError::Setup)?;
        Ok(Self { base: Arc::new(base), paper: options.paper })
    }

    /// The résumé typeset, dated `date` (see [`DocumentDate::from_meta`]).
    pub fn render(&self, resume: &Resume, date: DocumentDate) -> Result<Pdf, PdfError> {
        let outline = Outline::from_resume(resume);
        let document = Document::new(resume, &outline, date, self.paper);
        let data = serde_json::to_vec(&document).map_err(|err| PdfError::Compile(err.to_string()))?;
        let _evict = EvictOnDrop;
        let world = Compile::new(&self.base, data);
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| typeset(&world)));
        unwound.unwrap_or_else(|panic| Err(PdfError::Crashed(panic_message(&panic))))
    }

    /// The characters of `resume` that no available font has a glyph for, which the
    /// PDF would show as empty boxes: for `check`, and to name in the logs.
    pub fn uncovered(&self, resume: &Resume) -> BTreeSet<char> {
        let outline = Outline::from_resume(resume);
        // The date is a number in the data, not printed text: any will do.
        let date = DocumentDate::of(std::time::UNIX_EPOCH);
        let document = Document::new(resume, &outline, date, self.paper);
        let mut found = BTreeSet::new();
        if let Ok(value) = serde_json::to_value(&document) {
            document::characters(&value, &mut found);
        }
        found.retain(|c| !self.base.fonts.covers(*c));
        found
    }
}

/// The résumé typeset with a typesetter made for this one render (`ssh-resume render`);
/// a server keeps its [`Typesetter`] instead.
pub fn render(resume: &Resume, options: &PdfOptions, date: DocumentDate) -> Result<Pdf, PdfError> {
    Typesetter::new(options)?.render(resume, date)
}

/// Compiles and writes the PDF, certified if typst can.
fn typeset(world: &Compile) -> Result<Pdf, PdfError> {
    let compiled = typst::compile::<PagedDocument>(world).output;
    let document = compiled.map_err(|errors| PdfError::Compile(messages(world, &errors)))?;
    let pages = document.pages().len();
    let standards =
        PdfStandards::new(&ARCHIVAL).map_err(|err| PdfError::Export(err.message().to_string()))?;
    let options = typst_pdf::PdfOptions { standards, ..typst_pdf::PdfOptions::default() };
    let (bytes, conformance) = match typst_pdf::pdf(&document, &options) {
        Ok(bytes) => (bytes, Conformance::Archival),
        Err(refused) => {
            let tagged = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default());
            let bytes = tagged.map_err(|errors| PdfError::Export(messages(world, &errors)))?;
            (bytes, Conformance::TaggedOnly { refused: messages(world, &refused) })
        }
    };
    Ok(Pdf { bytes: Bytes::from(bytes), pages, conformance })
}

/// typst's diagnostics as one line each, joined; those in the template say where.
fn messages(world: &Compile, errors: &[SourceDiagnostic]) -> String {
    let lines: Vec<String> = errors
        .iter()
        .map(|error| match world.range(error.span).and_then(|r| world.source.lines().byte_to_line(r.start)) {
            Some(line) => format!("template.typ:{}: {}", line + 1, error.message),
            None => error.message.to_string(),
        })
        .collect();
    lines.join("; ")
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic.downcast_ref::<&str>().map(|s| (*s).to_owned());
    text.or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_else(|| "unknown panic".to_owned())
}

/// Empties typst's memo caches when a render ends, whichever way it ends (through the
/// `typst::comemo` re-export: another comemo version's `evict` would clear nothing).
struct EvictOnDrop;

impl Drop for EvictOnDrop {
    fn drop(&mut self) {
        typst::comemo::evict(0);
    }
}

#[cfg(test)]
mod tests;
