//! The fonts the PDF is set in: Inter (SIL OFL 1.1, licence in `fonts/OFL.txt`), shipped
//! in the binary, and the fonts found in the owner's font directories and the system's,
//! for scripts Inter does not cover (CJK, Arabic …). Shipped faces come first in the
//! book, so the template's `Inter` is always ours; the others serve only as typst's
//! fallback for characters Inter lacks.
//!
//! Fonts from disk are scanned once (their metadata) when the typesetter is made and
//! read in full only when a compile asks for one. Nothing here is visitor input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};

/// The shipped faces: regular (text), medium (the label under a name, sub-headings)
/// and semibold (name, headings, figures); 799 KB together. The template sets nothing
/// in italic: résumé text carries no emphasis of its own.
const SHIPPED: [&[u8]; 3] = [
    include_bytes!("fonts/Inter-Regular.otf"),
    include_bytes!("fonts/Inter-Medium.otf"),
    include_bytes!("fonts/Inter-SemiBold.otf"),
];

/// Where fonts are looked for when the owner allows the system's: the XDG and
/// fontconfig defaults on Linux (fontconfig `fonts.conf`: `/usr/share/fonts`,
/// `/usr/local/share/fonts`, `~/.local/share/fonts`, `~/.fonts`) and macOS's folders.
const SYSTEM_DIRS: [&str; 4] =
    ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts"];
const HOME_DIRS: [&str; 2] = [".local/share/fonts", ".fonts"];

/// How deep a font directory is walked: Debian nests fonts three levels down
/// (`/usr/share/fonts/opentype/noto/…`); deeper trees are not font directories.
const MAX_DEPTH: usize = 6;

/// One face in the book: shipped (loaded) or on disk (loaded when first used).
pub(super) struct Slot {
    path: Option<PathBuf>,
    index: u32,
    font: OnceLock<Option<Font>>,
}

impl Slot {
    /// The face, read from disk on first use; `None` if the file went away or changed.
    pub(super) fn get(&self) -> Option<Font> {
        self.font
            .get_or_init(|| {
                let path = self.path.as_ref()?;
                let data = std::fs::read(path).ok()?;
                Font::new(Bytes::new(data), self.index)
            })
            .clone()
    }
}

/// The faces found, in book order, with their metadata.
pub(super) struct Fonts {
    pub(super) book: FontBook,
    pub(super) slots: Vec<Slot>,
}

impl Fonts {
    /// The shipped faces, then every face in `dirs` (in the order given), then the
    /// system's when `system` is set. A directory in `dirs` that cannot be read is an
    /// error (the owner named it); a missing system directory is not.
    pub(super) fn scan(dirs: &[PathBuf], system: bool) -> Result<Self, (PathBuf, std::io::Error)> {
        let mut fonts = Fonts { book: FontBook::new(), slots: Vec::new() };
        for data in SHIPPED {
            for font in Font::iter(Bytes::new(data)) {
                fonts.book.push(font.info().clone());
                fonts.slots.push(Slot { path: None, index: font.index(), font: OnceLock::from(Some(font)) });
            }
        }
        for dir in dirs {
            std::fs::read_dir(dir).map_err(|err| (dir.clone(), err))?;
        }
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let home_dirs = home.iter().flat_map(|home| HOME_DIRS.iter().map(move |dir| home.join(dir)));
        let system_dirs = SYSTEM_DIRS.iter().map(PathBuf::from).chain(home_dirs);
        let system_dirs: Vec<PathBuf> = if system { system_dirs.collect() } else { Vec::new() };
        for dir in dirs.iter().chain(&system_dirs) {
            fonts.scan_dir(dir, 0);
        }
        Ok(fonts)
    }

    fn scan_dir(&mut self, dir: &Path, depth: usize) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
        // Directory order differs between file systems; the book's order decides
        // fallback, so it must not.
        paths.sort();
        for path in paths {
            if path.is_dir() && depth < MAX_DEPTH {
                self.scan_dir(&path, depth + 1);
            } else if is_font_file(&path) {
                self.scan_file(path);
            }
        }
    }

    fn scan_file(&mut self, path: PathBuf) {
        let Ok(data) = std::fs::read(&path) else { return };
        for (index, info) in FontInfo::iter(&data).enumerate() {
            let Ok(index) = u32::try_from(index) else { break };
            self.book.push(info);
            self.slots.push(Slot { path: Some(path.clone()), index, font: OnceLock::new() });
        }
    }

    /// Whether any face in the book has a glyph for `c`.
    pub(super) fn covers(&self, c: char) -> bool {
        (0..self.slots.len())
            .any(|index| self.book.info(index).is_some_and(|info| info.coverage.contains(c.into())))
    }
}

/// TrueType, OpenType and their collections, as typst reads them.
fn is_font_file(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    matches!(extension.as_deref(), Some("ttf" | "otf" | "ttc" | "otc"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_faces_are_inter_in_three_weights() {
        let fonts = Fonts::scan(&[], false).unwrap();
        assert_eq!(fonts.slots.len(), 3);
        for index in 0..3 {
            assert_eq!(fonts.book.info(index).map(|info| info.family.as_str()), Some("Inter"));
        }
        assert!(fonts.covers('é') && fonts.covers('→') && fonts.covers('Ø') && fonts.covers('Ж'));
        assert!(!fonts.covers('東'), "Inter has no CJK");
    }

    #[test]
    fn a_font_directory_adds_its_faces_after_the_shipped_ones() {
        let dir = std::env::temp_dir().join(format!("ssh-resume-fonts-{}", std::process::id()));
        let nested = dir.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(nested.join("Inter-Copy.otf"), SHIPPED[0]).unwrap();
        std::fs::write(dir.join("notes.txt"), b"not a font").unwrap();
        std::fs::write(dir.join("broken.ttf"), b"not a font either").unwrap();
        let fonts = Fonts::scan(std::slice::from_ref(&dir), false).unwrap();
        assert_eq!(fonts.slots.len(), 4, "one face from the directory, the rest skipped");
        assert!(fonts.slots[3].get().is_some(), "read from disk on first use");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(fonts.slots[3].get().is_some(), "then kept");
    }

    #[test]
    fn a_font_directory_that_cannot_be_read_is_named() {
        let missing = PathBuf::from("/nonexistent/fonts");
        let Err((path, _)) = Fonts::scan(std::slice::from_ref(&missing), false) else { panic!("scanned") };
        assert_eq!(path, missing);
    }
}
