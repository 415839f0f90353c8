//! One résumé version's downloads, made once per version — at start and on each SIGHUP
//! reload, by the caller off the async threads: the typeset PDF (when the `pdf`
//! feature is built and a typesetter was set up) and the [`Directory`] every download
//! door serves. A résumé that fails to typeset is logged with the reason and everything
//! else is served; the PDF then answers "not available" until a reload fixes it.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;

use super::files::Directory;
use crate::resume::Loaded;

/// What makes the PDF of each version: a shared typesetter, or nothing (built without
/// the `pdf` feature, or turned off).
#[derive(Clone, Default)]
pub struct PdfMaker {
    #[cfg(feature = "pdf")]
    typesetter: Option<Arc<super::pdf::Typesetter>>,
}

impl std::fmt::Debug for PdfMaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfMaker").field("on", &self.is_on()).finish()
    }
}

impl PdfMaker {
    /// No PDF: the directory serves the other files.
    pub fn none() -> Self {
        Self::default()
    }

    /// Typesets with `options`' paper and fonts (the font directories scanned once,
    /// here).
    ///
    /// # Errors
    /// A font directory that cannot be read.
    #[cfg(feature = "pdf")]
    pub fn new(options: &super::pdf::PdfOptions) -> Result<Self, super::pdf::PdfError> {
        Ok(Self { typesetter: Some(Arc::new(super::pdf::Typesetter::new(options)?)) })
    }

    /// A maker with the shipped fonts alone, on A4 (the PDF of a build without the
    /// `pdf` feature: none).
    pub fn shipped() -> Self {
        #[cfg(feature = "pdf")]
        if let Ok(maker) = Self::new(&super::pdf::PdfOptions::default()) {
            return maker;
        }
        Self::none()
    }

    /// Whether a PDF is made at all.
    pub fn is_on(&self) -> bool {
        #[cfg(feature = "pdf")]
        return self.typesetter.is_some();
        #[cfg(not(feature = "pdf"))]
        false
    }

    /// `loaded` typeset, dated by the résumé's `meta.lastModified` or else `modified`;
    /// `None` (logged with the reason) when it does not typeset. Blocking: tens of
    /// milliseconds in a release build (BENCHMARKS.md), so never on the async threads.
    pub fn make(&self, loaded: &Loaded, modified: SystemTime) -> Option<Bytes> {
        #[cfg(feature = "pdf")]
        {
            use super::pdf::DocumentDate;
            let typesetter = self.typesetter.as_ref()?;
            let date = DocumentDate::from_meta(&loaded.resume).unwrap_or_else(|| DocumentDate::of(modified));
            match typesetter.render(&loaded.resume, date) {
                Ok(pdf) => Some(pdf.bytes),
                Err(err) => {
                    tracing::warn!(
                        "the résumé did not typeset; resume.pdf is not available until a reload: {err}"
                    );
                    None
                }
            }
        }
        #[cfg(not(feature = "pdf"))]
        {
            let _ = (loaded, modified);
            None
        }
    }

    /// The directory of `loaded`, its PDF made now (blocking, see [`PdfMaker::make`]).
    pub fn directory(&self, loaded: &Loaded, modified: SystemTime) -> Directory {
        Directory::new(loaded, self.make(loaded, modified), modified)
    }
}
