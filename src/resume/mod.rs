//! The résumé: its data model, loading and validation (our TOML, or a JSON Resume file:
//! `json.rs`, `json_values.rs`, with HTML and Markdown cleaned by `markup.rs` into
//! [`rich::Rich`] text), the reading outline shared by every view, width-aware layout,
//! the parts a laid-out row reads as (which every renderer styles its own way), the
//! text/Markdown/JSON Resume exports, and the TOML `import` writes (`toml_out.rs`).
//! Imports nothing else of this crate but [`crate::located`].

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

pub use load::{LoadError, Warning};
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
    printed: [std::sync::OnceLock<String>; 3],
}

/// A commented starter `resume.toml` with placeholder text, for `ssh-resume init`.
pub const STARTER: &str = include_str!("starter.toml");

/// Width printed text is wrapped at.
pub const PRINT_WIDTH: usize = 80;

impl Loaded {
    pub fn from_resume(resume: Resume) -> Self {
        let outline = Outline::from_resume(&resume);
        let ascii_outline = outline.to_ascii();
        let layouts = layout::LayoutCache::default();
        Self { resume, outline, ascii_outline, layouts, warnings: Vec::new(), printed: Default::default() }
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
        let parsed = load::read(path)?;
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
}
