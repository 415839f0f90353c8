//! The plain-text résumé with ANSI colour, for `curl` in a terminal: the very text of
//! [`export::text`](crate::resume::export::text), with SGR sequences around its parts.
//!
//! Only the basic SGR attributes and the eight standard colours are used, which every
//! terminal curl runs in understands; strip them and the text of `/resume.txt` is left,
//! character for character: rows and section titles come from `resume::row_parts`, as
//! the export's do, and only their colours are chosen here.

use crate::resume::Outline;
use crate::resume::layout::{Row, RowKind, layout};
use crate::resume::row_parts::{PLAIN, Part, parts, section_title};

use crate::escape::{CSI, SGR_RESET as RESET};
use crate::sgr;

const BOLD: &str = sgr!("1");
const DIM: &str = sgr!("2");
const TITLE: &str = sgr!("1;35");
const ACCENT: &str = sgr!("36");
const LABEL: &str = sgr!("1;36");
const PERIOD: &str = sgr!("33");

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
    // The contact lines are the About section's: printed once, there.
    for section in &outline.sections {
        let (title, rule) = section_title(section.title);
        out.push_str(&format!("\n{}\n{}\n", paint(TITLE, &title), paint(DIM, &rule)));
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
    let text_style = match row.kind {
        RowKind::Heading => Some(BOLD),
        RowKind::Detail => Some(DIM),
        RowKind::Period => Some(PERIOD),
        RowKind::Label => Some(LABEL),
        _ => None,
    };
    let mut out = String::new();
    for (part, text) in parts(row, width, PLAIN) {
        let style = match part {
            Part::Marker => Some(ACCENT),
            Part::Text => text_style,
            Part::Detail => Some(DIM),
            Part::Right => Some(PERIOD),
            Part::Indent | Part::Gap => None,
        };
        match style {
            Some(style) => out.push_str(&paint(style, &text)),
            None => out.push_str(&text),
        }
    }
    out
}

/// `text` without SGR sequences: what a terminal shows as characters.
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(CSI) {
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
    fn a_non_ascii_title_is_underlined_to_its_width() {
        use crate::resume::outline::{Block, Section};
        let mut outline = shipped();
        outline.sections =
            vec![Section { slug: "t", title: "Проекты", key: "t", blocks: vec![Block::Gap] }];
        let coloured = text(&outline, 80);
        assert!(coloured.contains(&format!("{TITLE}ПРОЕКТЫ{RESET}\n{DIM}-------{RESET}\n")), "{coloured}");
        assert_eq!(strip(&coloured), export::text(&outline, 80));
    }

    #[test]
    fn a_named_resume_keeps_its_lines() {
        let toml = "[basics]\nname = \"Jane Doe\"\nlabel = \"Engineer\"\nemail = \"jane@example.org\"\n";
        let outline = Outline::from_resume(&parse_str(toml, "t").unwrap());
        assert_eq!(strip(&text(&outline, 80)), export::text(&outline, 80));
    }
}
