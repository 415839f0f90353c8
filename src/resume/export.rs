//! The résumé as plain text, Markdown and JSON Resume, for visitors without a terminal
//! (`ssh host json`, pipes, scripts) and for `ssh-resume render`.
//!
//! Text and Markdown walk the shared [`Outline`]; JSON Resume is the model in the
//! schema's own types (`json/sections.rs`, <https://jsonresume.org/schema>), the same
//! types a JSON Resume file is read through. Links whose text differs from their target are
//! printed as `text (url)` in text and as `[text](url)` in Markdown and JSON Resume.
//! Output uses `\n`; the SSH layer converts line ends when a PTY is attached.

use serde_json::{Map, Value};

use super::json;
use super::layout::layout;
use super::markup::to_markup;
use super::model::Resume;
use super::outline::{Block, Outline, Section};
use super::rich::Rich;
use super::row_parts::{plain, section_title};

/// The output formats visitors and the CLI can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text = 0,
    Markdown = 1,
    Json = 2,
}

/// Renders the résumé (or just one section) in `format`; `width` applies to text.
pub fn render(resume: &Resume, outline: &Outline, format: Format, width: usize) -> String {
    match format {
        Format::Text => text(outline, width),
        Format::Markdown => markdown(outline),
        Format::Json => json_resume(resume),
    }
}

/// Plain text wrapped at `width` columns, sections underlined.
pub fn text(outline: &Outline, width: usize) -> String {
    let mut out = title_block(outline);
    for section in &outline.sections {
        out.push('\n');
        out.push_str(&section_text(section, width));
    }
    out
}

/// One section as plain text, with its title underlined.
pub fn section_text(section: &Section, width: usize) -> String {
    let (title, rule) = section_title(section.title);
    let mut out = format!("{title}\n{rule}\n");
    for row in layout(&section.with_targets_shown(), width) {
        out.push_str(&plain(&row, width));
        out.push('\n');
    }
    out
}

/// The name and headline that open the text. The contact lines are the About
/// section's, so they are printed once, there.
pub fn title_block(outline: &Outline) -> String {
    let mut out = String::new();
    if let Some(name) = &outline.name {
        out.push_str(&format!("{name}\n"));
    }
    out.push_str(&format!("{}\n", outline.headline));
    out
}

/// Markdown: `#` for the headline, `##` per section, `###` per entry; the contact lines
/// in About, as in the text.
pub fn markdown(outline: &Outline) -> String {
    let mut out = match &outline.name {
        Some(name) => format!("# {name}\n\n**{}**\n", outline.headline),
        None => format!("# {}\n", outline.headline),
    };
    for section in &outline.sections {
        out.push_str(&format!("\n## {}\n", section.title));
        markdown_blocks(&mut out, &section.blocks);
    }
    out
}

fn markdown_blocks(out: &mut String, blocks: &[Block]) {
    let mut previous: Option<&Block> = None;
    for block in blocks {
        let after_bullet = matches!(previous, Some(Block::Bullet(_)));
        match block {
            Block::Gap => {}
            Block::Heading { title, detail, period } => {
                out.push_str(&format!("\n### {}\n", md(title)));
                let meta: Vec<String> = [detail, period].into_iter().flatten().cloned().collect();
                if !meta.is_empty() {
                    out.push_str(&format!("\n*{}*\n", meta.join(" · ")));
                }
            }
            Block::Label(text) => out.push_str(&format!("\n### {}\n", md(text))),
            Block::Paragraph(text) => out.push_str(&format!("\n{}\n", md(text))),
            Block::Bullet(text) if after_bullet => out.push_str(&format!("- {}\n", md(text))),
            Block::Bullet(text) => out.push_str(&format!("\n- {}\n", md(text))),
        }
        previous = Some(block);
    }
}

/// Text as Markdown: characters Markdown would act on escaped (text without them, as
/// the shipped résumé's, is unchanged), carried links as `[text](url)`.
fn md(rich: &Rich) -> String {
    to_markup(rich)
}

/// JSON Resume (schema v1), pretty-printed: the model in the schema's types
/// (`json/sections.rs`), absent optional fields left out. Prose is written so that
/// reading the file again gives the same text and links ([`to_markup`]); addresses,
/// numbers and dates as they are.
pub fn json_resume(resume: &Resume) -> String {
    let mut out = serde_json::to_string_pretty(&compact(json::to_value(resume))).unwrap_or_default();
    out.push('\n');
    out
}

/// Drops nulls, empty arrays and objects left empty, so absent facts are absent, not
/// `null`. Entries of a list are kept even when empty, as written.
fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let compacted = map.into_iter().map(|(k, v)| (k, compact(v)));
            Value::Object(compacted.filter(|(_, v)| !is_empty(v)).collect::<Map<_, _>>())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(compact).collect()),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
