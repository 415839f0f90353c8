//! The plain-text résumé with ANSI colour, for `curl` in a terminal: the very text of
//! [`export::text`](crate::resume::export::text), with SGR sequences around its parts.
//!
//! Only the basic SGR attributes and the eight standard colours are used, which every
//! terminal curl runs in understands; strip them and the text of `/resume.txt` is left,
//! character for character.

use crate::resume::Outline;
use crate::resume::layout::{BULLET_INDENT, DETAIL_SEPARATOR, Row, RowKind, layout};
use unicode_width::UnicodeWidthStr;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const TITLE: &str = "\x1b[1;35m";
const ACCENT: &str = "\x1b[36m";
const LABEL: &str = "\x1b[1;36m";
const PERIOD: &str = "\x1b[33m";

/// `text` in `style`, or as is when it is empty.
fn paint(style: &str, text: &str) -> String {
    if text.is_empty() { String::new() } else { format!("{style}{text}{RESET}") }
}

/// The whole résumé, wrapped at `width` columns, coloured.
pub fn text(outline: &Outline, width: usize) -> String {
    let mut out = String::new();
    match &outline.name {
        Some(name) => {
            out.push_str(&format!("{}\n", paint(BOLD, name)));
            out.push_str(&format!("{}\n", paint(ACCENT, &outline.headline)));
        }
        None => out.push_str(&format!("{}\n", paint(BOLD, &outline.headline))),
    }
    for contact in &outline.contacts {
        out.push_str(&format!("{contact}\n"));
    }
    for section in &outline.sections {
        let rule = "-".repeat(section.title.len());
        out.push_str(&format!("\n{}\n{}\n", paint(TITLE, &section.title.to_uppercase()), paint(DIM, &rule)));
        for row in layout(&section.with_targets_shown(), width) {
            out.push_str(&row_text(&row, width));
            out.push('\n');
        }
    }
    out
}

/// The invitation under the text of `/`: the `ssh` command and the host key.
pub fn footer(ssh_command: &str, fingerprint: &str, colour: bool) -> String {
    let style = |style: &str, text: &str| if colour { paint(style, text) } else { text.to_owned() };
    format!(
        "\n{} {}\n{} {fingerprint}\n",
        style(DIM, "Read it in a terminal:"),
        style(BOLD, ssh_command),
        style(DIM, "Host key fingerprint:"),
    )
}

/// One row as `export::text` prints it, its parts coloured by kind.
fn row_text(row: &Row, width: usize) -> String {
    let marker = match row.kind {
        RowKind::BulletStart if row.indent >= BULLET_INDENT => "- ",
        _ => "",
    };
    let pad = " ".repeat(row.indent - marker.len().min(row.indent));
    let body = match row.kind {
        RowKind::Heading => paint(BOLD, &row.text),
        RowKind::Detail => paint(DIM, &row.text),
        RowKind::Period => paint(PERIOD, &row.text),
        RowKind::Label => paint(LABEL, &row.text),
        _ => row.text.clone(),
    };
    let mut left = format!("{}{pad}{body}", paint(ACCENT, marker));
    let mut left_width = marker.len() + pad.len() + row.text.width();
    if let Some(detail) = &row.detail {
        left.push_str(&paint(DIM, &format!("{DETAIL_SEPARATOR}{detail}")));
        left_width += DETAIL_SEPARATOR.width() + detail.width();
    }
    match &row.right {
        // The same gap as `layout::justify`.
        Some(right) => {
            let gap = width.saturating_sub(left_width + right.width()).max(1);
            format!("{left}{}{}", " ".repeat(gap), paint(PERIOD, right))
        }
        None => left,
    }
}

/// `text` without SGR sequences: what a terminal shows as characters.
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("\x1b[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find(|c: char| c.is_ascii_alphabetic()).map_or(after.len(), |i| i + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::export;
    use crate::resume::load::parse_str;

    fn shipped() -> Outline {
        Outline::from_resume(&parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap())
    }

    #[test]
    fn stripped_of_colour_it_is_the_plain_text() {
        let outline = shipped();
        for width in [40, 80, 120] {
            let coloured = text(&outline, width);
            assert!(coloured.contains(TITLE) && coloured.contains(PERIOD));
            assert_eq!(strip(&coloured), export::text(&outline, width), "at {width} columns");
        }
    }

    #[test]
    fn a_named_resume_keeps_its_lines() {
        let toml = "[basics]\nname = \"Jane Doe\"\nlabel = \"Engineer\"\nemail = \"jane@example.org\"\n";
        let outline = Outline::from_resume(&parse_str(toml, "t").unwrap());
        assert_eq!(strip(&text(&outline, 80)), export::text(&outline, 80));
    }
}
