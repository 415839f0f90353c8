//! The typst `World` one compile sees: two virtual files and the fonts, nothing else.
//! `/main.typ` is the vendored template; `/resume.json` is the résumé as data, which the
//! template reads with `json()`, so no résumé text is ever parsed as markup. Any other
//! path, a package import or a file on disk, is "not found": the template cannot reach
//! the server's files.
//!
//! The two file ids are interned once for the process (typst interns ids forever, at
//! most 2^16 of them: `typst-syntax/src/path.rs`), so renders never add more.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::fonts::Fonts;

/// The template, vendored: a résumé layout written for this data.
pub(super) const TEMPLATE: &str = include_str!("template.typ");

/// The virtual path the template reads the résumé from.
pub(super) const DATA_PATH: &str = "/resume.json";
const MAIN_PATH: &str = "/main.typ";

static MAIN: LazyLock<Option<FileId>> = LazyLock::new(|| file_id(MAIN_PATH));
static DATA: LazyLock<Option<FileId>> = LazyLock::new(|| file_id(DATA_PATH));

fn file_id(path: &str) -> Option<FileId> {
    let path = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// What stays the same from one compile to the next: the standard library and fonts.
pub(super) struct Base {
    pub(super) library: LazyHash<Library>,
    pub(super) book: LazyHash<FontBook>,
    pub(super) fonts: Fonts,
    main: FileId,
    data: FileId,
}

impl Base {
    /// `None` only if typst refuses our two fixed paths, which do not change.
    pub(super) fn new(library: Library, fonts: Fonts) -> Option<Self> {
        let (main, data) = ((*MAIN)?, (*DATA)?);
        let book = LazyHash::new(fonts.book.clone());
        Some(Self { library: LazyHash::new(library), book, fonts, main, data })
    }
}

/// One compile's world: the base and this résumé's data.
pub(super) struct Compile<'a> {
    pub(super) base: &'a Base,
    pub(super) source: Source,
    pub(super) data: Bytes,
}

impl<'a> Compile<'a> {
    pub(super) fn new(base: &'a Base, data: Vec<u8>) -> Self {
        let source = Source::new(base.main, TEMPLATE.to_owned());
        Self { base, source, data: Bytes::new(data) }
    }
}

impl World for Compile<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.base.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.base.book
    }

    fn main(&self) -> FileId {
        self.base.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.base.main { Ok(self.source.clone()) } else { Err(not_found(id)) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match id {
            id if id == self.base.data => Ok(self.data.clone()),
            id if id == self.base.main => Ok(Bytes::from_string(self.source.clone())),
            id => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.base.fonts.slots.get(index)?.get()
    }

    /// No clock: the template dates the document from the data, so one résumé version
    /// always gives the same bytes. `datetime.today()` is an error.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
