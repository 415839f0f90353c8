//! The PDF's flags, shared by `serve`, `render` and `check`: the paper and the font
//! directories for scripts the shipped fonts do not cover; and what `render --format
//! pdf` and `check` do with them. Without the `pdf` feature the flags are still taken,
//! and the PDF is reported as not built in.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::downloads::edition::PdfMaker;
use crate::resume::Loaded;

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// ISO 216 A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

/// `--pdf-paper` and `--pdf-font-dir`.
#[derive(Debug, Clone, Args)]
pub struct PdfArgs {
    /// Paper of the typeset PDF (`resume.pdf`).
    #[arg(long, value_enum, default_value = "a4", env = "SSH_RESUME_PDF_PAPER")]
    pub pdf_paper: PaperArg,
    /// A directory of fonts (.ttf, .otf, .ttc) searched for characters the shipped fonts
    /// lack (Chinese, Japanese, Korean, Arabic…), before the system's font directories;
    /// repeat or separate with commas.
    #[arg(long, value_name = "DIR", env = "SSH_RESUME_PDF_FONT_DIR", value_delimiter = ',')]
    pub pdf_font_dir: Vec<PathBuf>,
}

impl PdfArgs {
    /// The maker of every version's PDF; a font directory that cannot be read is a
    /// configuration mistake.
    #[cfg(feature = "pdf")]
    pub fn maker(&self) -> Result<PdfMaker> {
        Ok(PdfMaker::new(&self.options()).map_err(super::ConfigError::from)?)
    }

    #[cfg(not(feature = "pdf"))]
    pub fn maker(&self) -> Result<PdfMaker> {
        Ok(PdfMaker::none())
    }

    #[cfg(feature = "pdf")]
    fn options(&self) -> crate::downloads::pdf::PdfOptions {
        use crate::downloads::pdf::{Paper, PdfOptions};
        let paper = match self.pdf_paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        };
        PdfOptions { paper, font_dirs: self.pdf_font_dir.clone(), system_fonts: true }
    }
}

/// `render --format pdf`: the typeset PDF to `output` (never to a terminal).
pub fn render_pdf(loaded: &Loaded, args: &PdfArgs, output: Option<&Path>) -> Result<()> {
    let bytes = typeset(loaded, args)?;
    match output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            anyhow::bail!("a PDF is not for a terminal: add -o resume.pdf (or redirect: > resume.pdf)")
        }
        None => std::io::Write::write_all(&mut std::io::stdout(), &bytes).context("cannot write the PDF"),
    }
}

#[cfg(feature = "pdf")]
fn typeset(loaded: &Loaded, args: &PdfArgs) -> Result<bytes::Bytes> {
    use crate::downloads::pdf::{DocumentDate, Typesetter};
    let typesetter = Typesetter::new(&args.options())?;
    let date = DocumentDate::from_meta(&loaded.resume)
        .unwrap_or_else(|| DocumentDate::of(std::time::SystemTime::now()));
    Ok(typesetter.render(&loaded.resume, date)?.bytes)
}

#[cfg(not(feature = "pdf"))]
fn typeset(_loaded: &Loaded, _args: &PdfArgs) -> Result<bytes::Bytes> {
    anyhow::bail!("this build has no PDF: build with the `pdf` feature (on by default)")
}

/// For `check`: whether the PDF typesets, its size and pages, and the characters no
/// font covers (shown as empty boxes in it), one line each.
#[cfg(feature = "pdf")]
pub fn check_pdf(loaded: &Loaded, args: &PdfArgs) -> Vec<String> {
    use crate::downloads::pdf::{Conformance, DocumentDate, Typesetter};
    let typesetter = match Typesetter::new(&args.options()) {
        Ok(typesetter) => typesetter,
        Err(err) => return vec![format!("error: the PDF: {err}")],
    };
    let mut lines = Vec::new();
    let uncovered = typesetter.uncovered(&loaded.resume);
    if !uncovered.is_empty() {
        let shown: String =
            uncovered.iter().take(40).map(|c| format!(" {c} (U+{:04X})", u32::from(*c))).collect();
        lines.push(format!(
            "warning: the PDF has no font for{shown}; give a font directory with --pdf-font-dir DIR"
        ));
    }
    let date = DocumentDate::of(std::time::SystemTime::now());
    lines.push(match typesetter.render(&loaded.resume, date) {
        Ok(pdf) => {
            let archival = match pdf.conformance {
                Conformance::Archival => "PDF/A-2a, PDF/UA-1".to_owned(),
                Conformance::TaggedOnly { refused } => format!("tagged only: {refused}"),
            };
            format!("the PDF typesets: {} pages, {} bytes ({archival})", pdf.pages, pdf.bytes.len())
        }
        Err(err) => format!("error: the PDF does not typeset: {err}"),
    });
    lines
}

#[cfg(not(feature = "pdf"))]
pub fn check_pdf(_loaded: &Loaded, _args: &PdfArgs) -> Vec<String> {
    vec!["this build has no PDF (built without the `pdf` feature)".to_owned()]
}
