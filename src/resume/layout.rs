//! Lays an outline section out at a given width: wrapped rows, bullets with a hanging
//! indent, headings with their period right-aligned where it fits. Each row knows which
//! parts of its text are links (a URL wrapped over two rows links from both).
//!
//! This is the one place text is wrapped. How a row reads as text (marker, detail,
//! right-aligned period) is `row_parts`'; the interactive view, the web view and the
//! plain-text export each style those parts. Widths are measured in terminal columns
//! (wide and combining characters count correctly, through `textwrap` and
//! `unicode-width`). Links come from the text: those it carries ([`Rich`]) and the
//! addresses written in it.

use std::ops::Range;

use std::sync::Arc;

use unicode_width::UnicodeWidthStr;

use super::links::Link;
use super::outline::{Block, Section};
use super::rich::Rich;

/// Columns a bullet's marker and hanging indent take.
pub const BULLET_INDENT: usize = 2;

/// What a row shows, so a renderer can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Blank,
    /// A role or entry title; may carry `detail` (shown after ` · `) and a right-aligned period.
    Heading,
    /// The detail of a heading too long to share its line.
    Detail,
    /// A period on its own line (narrow layouts).
    Period,
    Label,
    Body,
    /// The first line of a bullet: the renderer draws the marker in the indent.
    BulletStart,
    /// A bullet's following lines, indented under its text.
    BulletRest,
}

/// One laid-out line of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: RowKind,
    /// Columns of indentation before `text`.
    pub indent: usize,
    pub text: String,
    pub detail: Option<String>,
    /// Right-aligned text (a period), already known to fit.
    pub right: Option<String>,
    /// Index of the outline block this row belongs to (keeps a reader's place on resize).
    pub block: usize,
    /// The links inside `text`.
    pub links: Vec<RowLink>,
}

/// A link's visible part on one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowLink {
    /// Byte range within the row's `text`.
    pub range: Range<usize>,
    /// The whole link's target, even when this row shows only part of it.
    pub target: String,
}

impl Row {
    fn new(kind: RowKind, indent: usize, text: impl Into<String>) -> Self {
        Self { kind, indent, text: text.into(), detail: None, right: None, block: 0, links: Vec::new() }
    }
}

/// Separator between a heading's title and its detail.
pub const DETAIL_SEPARATOR: &str = " · ";

/// Most laid-out sections kept by a [`LayoutCache`]: visitors' widths vary, and each
/// entry is a few KiB.
pub const CACHED_LAYOUTS: usize = 256;

/// Laid-out sections shared by every visitor, keyed by (section, width, charset), so a
/// visit neither re-wraps the résumé nor holds its own copy of the rows. Bounded at
/// [`CACHED_LAYOUTS`] entries by `quick_cache`'s S3-FIFO policy, which evicts the
/// entries used least recently and is scan resistant: one client sweeping through
/// hundreds of widths passes through its small queue and cannot push out the sizes
/// every visitor uses.
pub struct LayoutCache {
    entries: quick_cache::sync::Cache<LayoutKey, Arc<[Row]>>,
}

impl Default for LayoutCache {
    fn default() -> Self {
        Self { entries: quick_cache::sync::Cache::new(CACHED_LAYOUTS) }
    }
}

impl std::fmt::Debug for LayoutCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayoutCache").field("entries", &self.entries.len()).finish()
    }
}

/// (section index, width, UTF-8 rather than ASCII).
type LayoutKey = (usize, usize, bool);

impl LayoutCache {
    /// The rows of `section` (number `index`, in the `utf8` or ASCII outline) at `width`.
    pub fn rows(&self, section: &Section, index: usize, width: usize, utf8: bool) -> Arc<[Row]> {
        let key = (index, width, utf8);
        if let Some(rows) = self.entries.get(&key) {
            return rows;
        }
        let rows: Arc<[Row]> = layout(section, width).into();
        self.entries.insert(key, rows.clone());
        rows
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    fn holds(&self, index: usize, width: usize, utf8: bool) -> bool {
        self.entries.get(&(index, width, utf8)).is_some()
    }
}

/// The rows of `section` at `width` columns (at least 1).
pub fn layout(section: &Section, width: usize) -> Vec<Row> {
    let width = width.max(1);
    let mut rows = Vec::new();
    for (index, block) in section.blocks.iter().enumerate() {
        let first = rows.len();
        match block {
            Block::Gap => rows.push(Row::new(RowKind::Blank, 0, "")),
            Block::Heading { title, detail, period } => {
                heading(&mut rows, title, detail.as_deref(), period.as_deref(), width)
            }
            Block::Label(text) => wrap_into(&mut rows, RowKind::Label, RowKind::Label, text, width, 0),
            Block::Paragraph(text) => wrap_into(&mut rows, RowKind::Body, RowKind::Body, text, width, 0),
            Block::Bullet(text) => {
                let indent = if width > BULLET_INDENT * 4 { BULLET_INDENT } else { 0 };
                wrap_into(&mut rows, RowKind::BulletStart, RowKind::BulletRest, text, width, indent)
            }
        }
        rows[first..].iter_mut().for_each(|row| row.block = index);
    }
    rows
}

fn heading(rows: &mut Vec<Row>, title: &Rich, detail: Option<&str>, period: Option<&str>, width: usize) {
    let detail_width = detail.map_or(0, |d| DETAIL_SEPARATOR.width() + d.width());
    let period_width = period.map_or(0, |p| p.width() + 2);
    let one_line = |right: Option<&str>| Row {
        detail: detail.map(str::to_owned),
        right: right.map(str::to_owned),
        links: links_in(&title.all_links(), 0..title.len()),
        ..Row::new(RowKind::Heading, 0, title.as_str())
    };
    if title.width() + detail_width + period_width <= width {
        rows.push(one_line(period));
        return;
    }
    if title.width() + detail_width <= width {
        rows.push(one_line(None));
    } else {
        wrap_into(rows, RowKind::Heading, RowKind::Heading, title, width, 0);
        if let Some(detail) = detail {
            wrap_into(rows, RowKind::Detail, RowKind::Detail, &detail.into(), width, 0);
        }
    }
    if let Some(period) = period {
        wrap_into(rows, RowKind::Period, RowKind::Period, &period.into(), width, 0);
    }
}

fn wrap_into(rows: &mut Vec<Row>, first: RowKind, rest: RowKind, text: &Rich, width: usize, indent: usize) {
    // Lines break only at spaces: a hyphen or slash inside a word or a URL is not a
    // break point, so `high-stakes` and `https://…/a-b` stay whole unless they are
    // longer than the line.
    let options = textwrap::Options::new(width.saturating_sub(indent).max(1))
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let links = text.all_links();
    let text = text.as_str();
    let lines = textwrap::wrap(text, options);
    let mut offset = 0;
    for (index, line) in lines.into_iter().enumerate() {
        let kind = if index == 0 { first } else { rest };
        // Wrapped lines are slices of `text` in order, so each is found after the last.
        let start = text[offset..].find(line.as_ref()).map(|at| offset + at);
        let links = match start {
            Some(start) => {
                offset = start + line.len();
                links_in(&links, start..offset)
            }
            None => Vec::new(),
        };
        rows.push(Row { links, ..Row::new(kind, indent, line.into_owned()) });
    }
}

/// The parts of a text's `links` that fall within `line`, relative to the line's start.
fn links_in(links: &[Link], line: Range<usize>) -> Vec<RowLink> {
    links
        .iter()
        .filter(|link| link.range.start < line.end && link.range.end > line.start)
        .map(|link| RowLink {
            range: link.range.start.max(line.start) - line.start..link.range.end.min(line.end) - line.start,
            target: link.target.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(blocks: Vec<Block>) -> Section {
        Section { slug: "t", title: "T", key: "t", blocks }
    }

    fn heading_block() -> Block {
        Block::Heading {
            title: "Together.ai".into(),
            detail: Some("~250 employees".into()),
            period: Some("07/2025 — now".into()),
        }
    }

    #[test]
    fn heading_fits_on_one_line_when_wide() {
        let rows = layout(&section(vec![heading_block()]), 80);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].right.as_deref(), Some("07/2025 — now"));
    }

    #[test]
    fn heading_stacks_when_narrow() {
        let rows = layout(&section(vec![heading_block()]), 20);
        let kinds: Vec<RowKind> = rows.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [RowKind::Heading, RowKind::Detail, RowKind::Period]);
    }

    #[test]
    fn heading_keeps_its_detail_and_puts_the_period_below_when_only_that_fits() {
        let rows = layout(&section(vec![heading_block()]), 30);
        assert_eq!(rows[0].detail.as_deref(), Some("~250 employees"));
        assert_eq!((rows[0].right.as_deref(), rows[1].kind), (None, RowKind::Period));
    }

    #[test]
    fn a_wrapped_link_links_every_piece_to_the_whole_target() {
        let url = "https://example.org/a-very-long-path-that-wraps";
        let text = format!("Portfolio: {url}");
        for width in [12, 20, 30, 80] {
            let rows = layout(&section(vec![Block::Paragraph(text.as_str().into())]), width);
            let shown: String = rows
                .iter()
                .flat_map(|row| row.links.iter().map(move |l| &row.text[l.range.clone()]))
                .collect();
            assert_eq!(shown, url, "at {width}");
            assert!(rows.iter().flat_map(|r| &r.links).all(|l| l.target == url));
        }
    }

    #[test]
    fn links_carried_with_the_text_become_row_links() {
        let link = crate::resume::links::Link { range: 8..27, target: "https://x.example/guide".into() };
        let text = Rich::new("See the accessibility guide and https://y.example too".into(), vec![link]);
        let rows = layout(&section(vec![Block::Paragraph(text)]), 20);
        let links: Vec<(&str, &str)> = rows
            .iter()
            .flat_map(|row| row.links.iter().map(move |l| (&row.text[l.range.clone()], l.target.as_str())))
            .collect();
        assert_eq!(
            links,
            [
                ("accessibility", "https://x.example/guide"),
                ("guide", "https://x.example/guide"),
                ("https://y.example", "https://y.example")
            ]
        );
    }

    #[test]
    fn bullets_hang_under_their_text() {
        let text = "Contributed improvements to libraries across our networking stack";
        let rows = layout(&section(vec![Block::Bullet(text.into())]), 30);
        assert_eq!(rows[0].kind, RowKind::BulletStart);
        assert!(rows[1..].iter().all(|r| r.kind == RowKind::BulletRest && r.indent == 2));
        assert!(rows.iter().all(|r| r.indent + r.text.width() <= 30));
    }

    #[test]
    fn no_row_is_wider_than_the_width() {
        let long = "Hasso Plattner Institute / Blekinge Institute of Technology (Erasmus)";
        let blocks = vec![Block::Paragraph(long.into()), Block::Bullet(long.into()), heading_block()];
        for width in 1..=40 {
            for row in layout(&section(blocks.clone()), width) {
                assert!(row.indent + row.text.width() <= width, "{row:?} at {width}");
            }
        }
    }

    #[test]
    fn wide_characters_are_measured_in_columns() {
        let rows = layout(&section(vec![Block::Paragraph("履歴書 履歴書 履歴書".into())]), 7);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.text.width() == 6));
    }

    #[test]
    fn the_cache_shares_rows_and_stays_bounded() {
        let cache = LayoutCache::default();
        let section = section(vec![Block::Paragraph("a few words to wrap".into())]);
        let first = cache.rows(&section, 0, 10, true);
        let again = cache.rows(&section, 0, 10, true);
        assert!(Arc::ptr_eq(&first, &again));
        for width in 1..=(CACHED_LAYOUTS + 50) {
            cache.rows(&section, 0, width, true);
        }
        assert!(cache.len() <= CACHED_LAYOUTS);
    }

    #[test]
    fn a_sweep_through_widths_leaves_the_widths_everyone_uses() {
        let cache = LayoutCache::default();
        let section = section(vec![Block::Paragraph("a few words to wrap".into())]);
        let common = [77, 37, 97];
        for _ in 0..3 {
            for width in common {
                cache.rows(&section, 0, width, true);
            }
        }
        for width in 1000..1000 + 10 * CACHED_LAYOUTS {
            cache.rows(&section, 0, width, true);
        }
        for width in common {
            assert!(cache.holds(0, width, true), "width {width} was pushed out by the sweep");
        }
        assert!(cache.len() <= CACHED_LAYOUTS);
    }
}
