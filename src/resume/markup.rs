//! Text as people write it in JSON Resume files, made clean: HTML (`<strong>`, `<br>`,
//! `<a href="…">text</a>`, entities like `&amp;`) and Markdown (emphasis, `[text](url)`,
//! lists) become plain text with its links carried beside it ([`Rich`]), split into
//! paragraphs or list items where the markup says so. Markdown is read by
//! `pulldown-cmark` and the HTML inside it by html5ever's tokenizer; no regexes.
//!
//! Also the way back ([`to_markup`]): clean text written so that reading it again gives
//! the same text and links, which keeps JSON → JSON and TOML → JSON → TOML stable.
//!
//! What may reach a visitor's terminal is decided here for JSON text and in
//! `model::Text` for TOML text, by the rule messages follow too ([`crate::safe_text`]):
//! characters that reorder or hide text (bidi overrides, embeddings, isolates and
//! marks, zero-width and other invisible format characters) are dropped; control
//! characters are refused.
//! Pure: strings in, strings out.

mod builder;
mod write;

use super::rich::Rich;
pub use crate::safe_text::is_hidden;
use builder::Builder;
pub use write::{destination, escape, to_markup};

/// One paragraph or list item of converted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub rich: Rich,
    /// The item's marker (`•`, or `3.` in a numbered list) when the piece is a list item.
    pub item: Option<String>,
}

/// A control character in résumé text (other than line breaks and tabs, which are
/// space here): refused, with where to put the break instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "control character U+{:04X} is not allowed in résumé text \
     (split paragraphs into separate list entries instead of using line breaks)",
    u32::from(*.0)
)]
pub struct ControlChar(pub char);

/// Refuses control characters other than line breaks and tabs (which are space here).
fn check_controls(raw: &str) -> Result<(), ControlChar> {
    match raw.chars().find(|c| c.is_control() && !c.is_whitespace()) {
        Some(c) => Err(ControlChar(c)),
        None => Ok(()),
    }
}

/// A value that is not prose (an address, a phone number, a date): hidden characters
/// dropped, runs of space made one, trimmed; `None` when nothing is left.
pub fn plain(raw: &str) -> Result<Option<String>, ControlChar> {
    check_controls(raw)?;
    let mut out = String::with_capacity(raw.len());
    for word in raw.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        let word: String = word.chars().filter(|c| !is_hidden(*c)).collect();
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word);
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Prose in paragraphs and list items.
pub fn pieces(raw: &str) -> Result<Vec<Piece>, ControlChar> {
    check_controls(raw)?;
    if is_plain(raw) {
        let text = plain(raw)?;
        return Ok(text.map(|text| Piece { rich: Rich::from(text), item: None }).into_iter().collect());
    }
    let mut builder = Builder::default();
    builder.markdown(raw);
    builder.flush();
    Ok(builder.pieces)
}

/// Prose as paragraphs; list items keep their marker (`• item`).
pub fn paragraphs(raw: &str) -> Result<Vec<Rich>, ControlChar> {
    let pieces = pieces(raw)?;
    Ok(pieces
        .into_iter()
        .map(|piece| match piece.item {
            Some(marker) => {
                let mut rich = Rich::from(format!("{marker} "));
                rich.push(&piece.rich);
                rich
            }
            None => piece.rich,
        })
        .collect())
}

/// Prose as list entries: each paragraph or item one entry, without its marker.
pub fn items(raw: &str) -> Result<Vec<Rich>, ControlChar> {
    Ok(pieces(raw)?.into_iter().map(|piece| piece.rich).collect())
}

/// Prose on one line: paragraphs joined by a space.
pub fn line(raw: &str) -> Result<Option<Rich>, ControlChar> {
    let parts = paragraphs(raw)?;
    Ok((!parts.is_empty()).then(|| Rich::join(&parts, " ")))
}

/// Text with nothing a Markdown or HTML reader would act on takes the short way.
fn is_plain(raw: &str) -> bool {
    let first = raw.trim_start().chars().next();
    let quiet_start = first.is_none_or(|c| c.is_alphabetic() || "(\"'“‘«".contains(c));
    quiet_start && !raw.contains(['<', '&', '*', '_', '[', '`', '\\', '\n', '\r'])
}

#[cfg(test)]
mod tests;
