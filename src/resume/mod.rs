//! The résumé: its data model, loading and validation (our TOML, or a JSON Resume file:
//! `json.rs`, the schema written once in `json/sections.rs` for reading and the export
//! alike, read leniently from a tree that keeps positions by `json/reader.rs`,
//! `json_values.rs`, with HTML and Markdown cleaned by `markup.rs` into
//! [`rich::Rich`] text), the reading outline shared by every view, width-aware layout,
//! the parts a laid-out row reads as (which every renderer styles its own way), the
//! text/Markdown/JSON Resume exports, and the TOML `import` writes (`toml_out.rs`).
//! Imports nothing else of this crate but [`crate::diagnostic`].

pub mod dates;
pub mod export;
pub mod json;
pub mod json_values;
pub mod layout;
pub mod links;
pub mod load;
pub mod markup;
pub mod model;
pub mod outline;
pub mod rich;
pub mod row_parts;
pub mod toml_out;

use std::path::Path;
use std::sync::OnceLock;

use bytes::Bytes;

pub use load::{LoadError, ReadOptions, Warning};
pub use model::Resume;
pub use outline::Outline;

/// A loaded résumé together with its outline: built once, shared read-only (behind an
/// `Arc`) by every visitor's session.
#[derive(Debug)]
pub struct Loaded {
    pub resume: Resume,
    pub outline: Outline,
    /// The same outline transliterated to ASCII (`—` → `--`, `é` → `e`), for terminals
    /// whose locale is not UTF-8.
    pub ascii_outline: Outline,
    /// Sections laid out at the widths visitors use.
    pub layouts: layout::LayoutCache,
    /// What was read but not used (keys outside the JSON Resume schema), for `check`
    /// and the logs.
    pub warnings: Vec<Warning>,
    /// Text, Markdown and JSON Resume as printed, made on first use.
    printed: [OnceLock<String>; 3],
    /// Every [`Printout`] in every [`PrintForm`], made on first use: three slots per
    /// format, then three per section.
    printouts: Box<[OnceLock<Bytes>]>,
}

/// What a visitor who asked for text rather than the view is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printout {
    /// The whole résumé in a format.
    Whole(export::Format),
    /// One section (by index in the outline) as text.
    Section(usize),
}

/// The forms printed text is delivered in, each made once per résumé by the caller's
/// conversion: as it is (a pipe or a script), or for a terminal (CRLF line endings,
/// as a PTY without our line discipline needs) in UTF-8 or in ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintForm {
    AsIs = 0,
    TerminalUtf8 = 1,
    TerminalAscii = 2,
}

/// How many [`PrintForm`]s there are.
const PRINT_FORMS: usize = 3;

/// A commented starter `resume.toml` with placeholder text, for `ssh-resume init`.
pub const STARTER: &str = include_str!("starter.toml");

/// Width printed text is wrapped at.
pub const PRINT_WIDTH: usize = 80;

impl Loaded {
    pub fn from_resume(resume: Resume) -> Self {
        let outline = Outline::from_resume(&resume);
        let ascii_outline = outline.to_ascii();
        let layouts = layout::LayoutCache::default();
        let printouts = (0..(3 + outline.sections.len()) * PRINT_FORMS).map(|_| OnceLock::new()).collect();
        let printed = Default::default();
        Self { resume, outline, ascii_outline, layouts, warnings: Vec::new(), printed, printouts }
    }

    /// The rows of section `index` at `width` columns, shared with every other visitor
    /// who reads it at that width.
    pub fn rows(&self, index: usize, width: usize, utf8: bool) -> Option<std::sync::Arc<[layout::Row]>> {
        let section = self.outline_for(utf8).sections.get(index)?;
        Some(self.layouts.rows(section, index, width, utf8))
    }

    /// The outline for a terminal that shows UTF-8 (`true`) or only ASCII.
    pub fn outline_for(&self, utf8: bool) -> &Outline {
        if utf8 { &self.outline } else { &self.ascii_outline }
    }

    /// Reads and validates the file at `path` (`.json`: JSON Resume, else our TOML).
    pub fn from_path(path: &Path) -> Result<Self, LoadError> {
        Self::from_path_with(path, &load::ReadOptions::default())
    }

    /// [`Loaded::from_path`] as `options` say (a JSON Resume file's language, strictness).
    pub fn from_path_with(path: &Path, options: &load::ReadOptions) -> Result<Self, LoadError> {
        let parsed = load::read_with(path, options)?;
        Ok(Self { warnings: parsed.warnings, ..Self::from_resume(parsed.resume) })
    }

    /// Renders the whole résumé in `format` (text wrapped at `width`).
    pub fn render(&self, format: export::Format, width: usize) -> String {
        export::render(&self.resume, &self.outline, format, width)
    }

    /// The whole résumé as printed to visitors without a terminal (text at
    /// [`PRINT_WIDTH`]), rendered once per loaded résumé.
    pub fn printed(&self, format: export::Format) -> &str {
        let slot = &self.printed[format as usize];
        slot.get_or_init(|| self.render(format, PRINT_WIDTH))
    }

    /// `what` in `form`, converted from its text by `convert` the first time and shared
    /// by every later visitor who asks for the same; `None` for a section that does not
    /// exist. `convert` must depend only on the text, `what` and `form`.
    pub fn printout(
        &self,
        what: Printout,
        form: PrintForm,
        convert: impl FnOnce(&str) -> Vec<u8>,
    ) -> Option<Bytes> {
        let slot = match what {
            Printout::Whole(format) => format as usize,
            Printout::Section(index) if index < self.outline.sections.len() => 3 + index,
            Printout::Section(_) => return None,
        };
        let made = self.printouts[slot * PRINT_FORMS + form as usize].get_or_init(|| match what {
            Printout::Whole(format) => Bytes::from(convert(self.printed(format))),
            Printout::Section(index) => {
                Bytes::from(convert(&export::section_text(&self.outline.sections[index], PRINT_WIDTH)))
            }
        });
        Some(made.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn loaded() -> Loaded {
        Loaded::from_path(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/resume.toml")))
            .expect("resume.toml")
    }

    #[test]
    fn a_printout_is_converted_once_and_shared() {
        let doc = loaded();
        let calls = Cell::new(0);
        let convert = |text: &str| {
            calls.set(calls.get() + 1);
            text.replace('\n', "\r\n").into_bytes()
        };
        let first = doc.printout(Printout::Section(1), PrintForm::TerminalUtf8, convert).unwrap();
        let again = doc.printout(Printout::Section(1), PrintForm::TerminalUtf8, convert).unwrap();
        assert_eq!((calls.get(), first.as_ptr()), (1, again.as_ptr()), "made once, then shared");
        let text = export::section_text(&doc.outline.sections[1], PRINT_WIDTH);
        assert_eq!(first, text.replace('\n', "\r\n"));
        let as_is_form = |text: &str| {
            calls.set(calls.get() + 1);
            text.as_bytes().to_vec()
        };
        let as_is = doc.printout(Printout::Section(1), PrintForm::AsIs, as_is_form).unwrap();
        assert_eq!((calls.get(), as_is), (2, Bytes::from(text)), "each form is its own");
        let json = doc.printout(Printout::Whole(export::Format::Json), PrintForm::AsIs, convert).unwrap();
        assert_eq!(calls.get(), 3, "another printout is made once more");
        assert_eq!(json, doc.printed(export::Format::Json).replace('\n', "\r\n"));
    }

    #[test]
    fn a_section_past_the_last_prints_nothing() {
        let doc = loaded();
        let past = Printout::Section(doc.outline.sections.len());
        assert_eq!(doc.printout(past, PrintForm::AsIs, |_| unreachable!()), None);
    }
}
