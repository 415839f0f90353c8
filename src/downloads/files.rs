//! The read-only virtual directory every download door serves: `resume.pdf`,
//! `resume.json`, `resume.md`, `resume.txt` and, when there is a card, `resume.vcf`,
//! each bytes with a size and a strong ETag, all made from one résumé version. Nothing
//! on the server's disk is behind it, and a path a visitor sends is resolved lexically
//! against these names alone: `..` never climbs above the root and anything but the
//! root or one of the names is not found.
//!
//! Text, Markdown and JSON are the printouts visitors without a terminal get
//! ([`Loaded::printout`]), shared, not rendered again. The PDF is rendered by the
//! caller (off the async threads) and handed in; while it is missing (a résumé that
//! did not typeset, a build without the `pdf` feature) its name answers "unavailable".

use std::time::SystemTime;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::resume::export::Format;
use crate::resume::{Loaded, PrintForm, Printout};

use super::vcard::vcard;

/// The longest path resolved, in bytes: Linux's `PATH_MAX` (`<linux/limits.h>`, 4096).
/// A longer one is not found without being walked.
pub const MAX_PATH_BYTES: usize = 4096;

/// The names in the directory, in the order listings show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileName {
    Pdf,
    Json,
    Markdown,
    Text,
    Vcard,
}

impl FileName {
    pub const ALL: [FileName; 5] =
        [FileName::Pdf, FileName::Json, FileName::Markdown, FileName::Text, FileName::Vcard];

    pub fn as_str(self) -> &'static str {
        match self {
            FileName::Pdf => "resume.pdf",
            FileName::Json => "resume.json",
            FileName::Markdown => "resume.md",
            FileName::Text => "resume.txt",
            FileName::Vcard => "resume.vcf",
        }
    }

    /// The name a visitor typed, exactly (names are case-sensitive, as on the disk
    /// they imitate).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|file| file.as_str() == name)
    }

    /// The media type a web answer gives it.
    pub fn media_type(self) -> &'static str {
        match self {
            FileName::Pdf => "application/pdf",
            FileName::Json => "application/json",
            FileName::Markdown => "text/markdown; charset=utf-8",
            FileName::Text => "text/plain; charset=utf-8",
            FileName::Vcard => "text/vcard; charset=utf-8",
        }
    }

    /// Its label in metrics and insights: `pdf`, `json`, `md`, `txt`, `vcf`.
    pub fn label(self) -> &'static str {
        &self.as_str()["resume.".len()..]
    }
}

/// The way a file was taken: `ssh HOST pdf`, legacy `scp -f`, the `sftp` subsystem
/// (OpenSSH 9's `scp` too), or the web door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Door {
    Ssh,
    Scp,
    Sftp,
    Web,
}

impl Door {
    pub const ALL: [Door; 4] = [Door::Ssh, Door::Scp, Door::Sftp, Door::Web];

    /// Its label in metrics and insights.
    pub fn as_str(self) -> &'static str {
        match self {
            Door::Ssh => "ssh",
            Door::Scp => "scp",
            Door::Sftp => "sftp",
            Door::Web => "web",
        }
    }
}

/// How many times each file was downloaded whole, in one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Downloads([u64; FileName::ALL.len()]);

impl Downloads {
    pub fn add(&mut self, name: FileName) {
        self.0[name as usize] = self.0[name as usize].saturating_add(1);
    }

    pub fn get(&self, name: FileName) -> u64 {
        self.0[name as usize]
    }

    /// The files downloaded at least once, with their counts, in listing order.
    pub fn iter(&self) -> impl Iterator<Item = (FileName, u64)> + '_ {
        FileName::ALL.into_iter().map(|name| (name, self.get(name))).filter(|(_, n)| *n > 0)
    }

    pub fn total(&self) -> u64 {
        self.0.iter().fold(0, |sum, n| sum.saturating_add(*n))
    }
}

/// One file: its bytes and their strong validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: FileName,
    pub bytes: Bytes,
    /// A strong ETag, quoted: the first 128 bits of the bytes' SHA-256 in hex.
    pub etag: String,
}

impl File {
    fn new(name: FileName, bytes: Bytes) -> Self {
        let hash = Sha256::digest(&bytes);
        let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
        Self { name, bytes, etag: format!("\"{hex}\"") }
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        u64::try_from(self.bytes.len()).unwrap_or(u64::MAX)
    }
}

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved<'a> {
    /// The directory itself (`/`, `.`, `..`, `~`, the empty path).
    Root,
    File(&'a File),
    /// A name of ours whose file is missing for now (the PDF until it typesets).
    Unavailable(FileName),
    NotFound,
}

/// The directory of one résumé version.
#[derive(Debug, Clone)]
pub struct Directory {
    files: Vec<File>,
    /// When this version was loaded: every file's modification time.
    pub modified: SystemTime,
}

impl Directory {
    /// The files of `loaded`, with `pdf` when it typeset; `modified` is when this
    /// version was loaded.
    pub fn new(loaded: &Loaded, pdf: Option<Bytes>, modified: SystemTime) -> Self {
        let printout = |format| {
            let as_is = |text: &str| text.as_bytes().to_vec();
            loaded.printout(Printout::Whole(format), PrintForm::AsIs, as_is).unwrap_or_default()
        };
        let files = [
            pdf.map(|bytes| File::new(FileName::Pdf, bytes)),
            Some(File::new(FileName::Json, printout(Format::Json))),
            Some(File::new(FileName::Markdown, printout(Format::Markdown))),
            Some(File::new(FileName::Text, printout(Format::Text))),
            vcard(&loaded.resume).map(|card| File::new(FileName::Vcard, Bytes::from(card))),
        ];
        Self { files: files.into_iter().flatten().collect(), modified }
    }

    /// The files there are, in listing order.
    pub fn files(&self) -> &[File] {
        &self.files
    }

    pub fn get(&self, name: FileName) -> Option<&File> {
        self.files.iter().find(|file| file.name == name)
    }

    /// What `path` names, resolved lexically from the root (a relative path is
    /// relative to it: OpenSSH sends `~/x` as `x`).
    pub fn resolve(&self, path: &str) -> Resolved<'_> {
        match walk(path) {
            Walked::Root => Resolved::Root,
            Walked::Name(name) => match FileName::parse(name) {
                Some(name) => match self.get(name) {
                    Some(file) => Resolved::File(file),
                    None if name == FileName::Pdf => Resolved::Unavailable(name),
                    None => Resolved::NotFound,
                },
                None => Resolved::NotFound,
            },
            Walked::Deeper => Resolved::NotFound,
        }
    }
}

/// Where a lexical walk ends: at the root, one name below it, or further down.
enum Walked<'p> {
    Root,
    Name(&'p str),
    Deeper,
}

/// Splits at `/`, skips empty segments, `.` and a leading `~`, and lets `..` go back
/// one level but never above the root. Only the last two levels matter, so a stack
/// of depth is kept, not the segments.
fn walk(path: &str) -> Walked<'_> {
    if path.len() > MAX_PATH_BYTES {
        return Walked::Deeper;
    }
    let mut depth = 0usize;
    let mut first: Option<&str> = None;
    for (index, segment) in path.split('/').enumerate() {
        match segment {
            "" | "." => {}
            "~" if index == 0 => {}
            ".." => depth = depth.saturating_sub(1),
            name => {
                depth += 1;
                if depth == 1 {
                    first = Some(name);
                }
            }
        }
    }
    match (depth, first) {
        (0, _) => Walked::Root,
        (1, Some(name)) => Walked::Name(name),
        _ => Walked::Deeper,
    }
}

#[cfg(test)]
mod tests;
