//! The one home of how a laid-out [`Row`] reads as text: its parts in order (the
//! bullet marker in the indent, the text, a heading's detail after its separator, the
//! gap and the right-aligned period), and a section's title with the rule under it.
//!
//! Every renderer walks these parts and styles them its own way: the interactive view
//! as ratatui spans, the web view with SGR sequences, the plain-text export not at all.
//! So the three cannot disagree on where a period goes or how long a rule is. Widths
//! are terminal columns (`unicode-width`), never bytes. Nothing here styles or wraps;
//! wrapping is `layout`'s.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

use super::layout::{BULLET_INDENT, DETAIL_SEPARATOR, Row, RowKind};

/// What a part of a row is, so a renderer can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A bullet's marker, padded to fill the indent of the bullet's first line.
    Marker,
    /// Spaces of indentation (a bullet's following lines).
    Indent,
    /// The row's text; the row's kind says what it is (heading, body, period …).
    Text,
    /// A heading's detail, with the separator before it.
    Detail,
    /// Spaces that push the period to the right edge (at least one).
    Gap,
    /// The right-aligned period.
    Right,
}

/// The characters a renderer marks bullets and separates details with; each is one
/// column wide, as `layout` assumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs<'g> {
    pub bullet: &'g str,
    pub separator: &'g str,
}

/// Plain text's glyphs, for the exports and the web view.
pub const PLAIN: Glyphs<'static> = Glyphs { bullet: "-", separator: DETAIL_SEPARATOR };

/// The parts of `row`, laid out at `width` columns, in order; empty parts are left out.
pub fn parts<'a>(row: &'a Row, width: usize, glyphs: Glyphs<'a>) -> Vec<(Part, Cow<'a, str>)> {
    let mut parts = Vec::with_capacity(5);
    if row.kind == RowKind::BulletStart && row.indent >= BULLET_INDENT {
        let pad = row.indent.saturating_sub(glyphs.bullet.width());
        parts.push((Part::Marker, Cow::Owned(format!("{}{}", glyphs.bullet, " ".repeat(pad)))));
    } else if row.indent > 0 {
        parts.push((Part::Indent, Cow::Owned(" ".repeat(row.indent))));
    }
    if !row.text.is_empty() {
        parts.push((Part::Text, Cow::Borrowed(row.text.as_str())));
    }
    if let Some(detail) = &row.detail {
        parts.push((Part::Detail, Cow::Owned(format!("{}{detail}", glyphs.separator))));
    }
    if let Some(right) = &row.right {
        let used: usize = parts.iter().map(|(_, text)| text.width()).sum();
        let gap = width.saturating_sub(used + right.width()).max(1);
        parts.push((Part::Gap, Cow::Owned(" ".repeat(gap))));
        parts.push((Part::Right, Cow::Borrowed(right.as_str())));
    }
    parts
}

/// `row` as plain text at `width` columns: its parts, unstyled, with [`PLAIN`] glyphs.
pub fn plain(row: &Row, width: usize) -> String {
    parts(row, width, PLAIN).into_iter().map(|(_, text)| text).collect()
}

/// A section's title as text prints it, in capitals, and the rule under it, exactly
/// as many columns wide.
pub fn section_title(title: &str) -> (String, String) {
    let shown = title.to_uppercase();
    let rule = "-".repeat(shown.width());
    (shown, rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::layout::layout;
    use crate::resume::outline::{Block, Section};

    fn rows(block: Block, width: usize) -> Vec<Row> {
        layout(&Section { slug: "t", title: "T", key: "t", blocks: vec![block] }, width)
    }

    fn heading(title: &str) -> Block {
        Block::Heading {
            title: title.into(),
            detail: Some("Zürich".into()),
            period: Some("2019 — 2021".into()),
        }
    }

    #[test]
    fn a_heading_reads_title_detail_gap_period() {
        let row = &rows(heading("Ingénieure"), 40)[0];
        let kinds: Vec<Part> = parts(row, 40, PLAIN).into_iter().map(|(part, _)| part).collect();
        assert_eq!(kinds, [Part::Text, Part::Detail, Part::Gap, Part::Right]);
        assert_eq!(plain(row, 40), format!("Ingénieure · Zürich{}2019 — 2021", " ".repeat(10)));
        assert_eq!(plain(row, 40).width(), 40, "the gap is measured in columns, not bytes");
    }

    #[test]
    fn the_gap_is_at_least_one_space() {
        let row = Row { right: Some("2021".into()), ..rows(Block::Label("abcd".into()), 10)[0].clone() };
        assert_eq!(plain(&row, 4), "abcd 2021");
        assert_eq!(plain(&row, 12), "abcd    2021");
    }

    #[test]
    fn a_bullet_has_its_marker_in_the_indent_and_hangs_under_its_text() {
        let text = "Contributed improvements to libraries across our networking stack";
        let rows = rows(Block::Bullet(text.into()), 30);
        let glyphs = Glyphs { bullet: "•", separator: " · " };
        assert_eq!(parts(&rows[0], 30, glyphs)[0], (Part::Marker, Cow::from("• ")));
        assert_eq!(parts(&rows[1], 30, glyphs)[0], (Part::Indent, Cow::from("  ")));
        assert!(plain(&rows[0], 30).starts_with("- Contributed"));
    }

    #[test]
    fn a_title_is_ruled_in_columns() {
        assert_eq!(section_title("Éducation"), ("ÉDUCATION".to_owned(), "-".repeat(9)));
        assert_eq!(section_title("Проекты").1, "-".repeat(7));
        assert_eq!(section_title("職歴").1, "----", "wide characters take two columns");
    }
}
