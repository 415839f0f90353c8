//! JSON Resume files (<https://jsonresume.org/schema>, 1.x) read into our model: the
//! schema's types (`json/sections.rs`), each field read leniently (`json_values.rs`),
//! then mapped to [`Resume`].
//!
//! [`parse_str`] reads what a person would read from any valid JSON: the file becomes a
//! tree that keeps positions (`json/tree.rs`), and the schema's types are read from it
//! by a reader that interprets what is not as the schema says (`json/reader.rs`, with
//! `keys.rs` and `objects.rs`) and says so in a [`Warning`] with its line and column;
//! top-level keys outside the schema that hold text become sections of their own
//! (`json/extra.rs`). Only a syntax error fails, with line, column and JSON path.
//! [`parse_strict`] is the schema's letter (`check --strict`): a value of the wrong
//! type fails too, and keys outside the schema are only listed. Pure: text in, résumé
//! out.

use serde::de::DeserializeSeed;

use super::load::Warning;
use super::model::Resume;
use crate::diagnostic::Located;

mod extra;
mod keys;
mod objects;
mod reader;
mod sections;
pub(crate) mod tree;

use sections::JsonResume;
use tree::{Node, Value};

/// Why a JSON Resume file could not be read: the message and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// The JSON path of the value, e.g. `work[2].highlights` (empty for the whole file).
    pub path: String,
    pub message: String,
    /// 1-based line and byte column, as the JSON reader counts them.
    pub line: usize,
    pub column: usize,
}

/// Reads a JSON Resume document as a person would: a syntax error is the only error;
/// warnings say, with their place, what was read otherwise than the schema says and
/// what is not shown. Where a text is given in several languages, `language` (`de`,
/// `pt-BR`) chooses, else the file's own (`meta.language` or a top-level `language`),
/// else English, else the first given.
pub fn parse_str(text: &str, language: Option<&str>) -> Result<(Resume, Vec<Warning>), JsonError> {
    let root = tree::parse(text).map_err(|_| syntax_error(text))?;
    let language = language.map(str::to_owned).or_else(|| file_language(&root));
    let cx = reader::Context::new(text, language.clone());
    let read: Result<JsonResume, _> = reader::read(&root, &cx);
    let (notes, extra) = cx.into_parts();
    let mut resume = match read {
        Ok(read) => read.into_model(),
        Err(err) => {
            return Err(JsonError { path: String::new(), message: err.to_string(), line: 1, column: 1 });
        }
    };
    resume.extra =
        extra.iter().filter_map(|(key, node)| extra::section(key, node, language.as_deref())).collect();
    let mut warnings: Vec<Warning> = notes.into_iter().map(|note| warning(text, note)).collect();
    // In the order of the file; those without a place last.
    warnings.sort_by_key(|w| w.at.unwrap_or((usize::MAX, 0)));
    Ok((resume, warnings))
}

/// A note as a warning, its byte offset as line and column in `text`.
fn warning(text: &str, note: reader::Note) -> Warning {
    let at = note.at.map(|offset| {
        let located = Located::at(text, "", offset, "");
        (located.line, located.column)
    });
    Warning { path: note.path, message: note.message, at, kept: note.kept }
}

/// The language the file says it is in: `meta.language`, or a top-level `language`.
fn file_language(root: &Node<'_>) -> Option<String> {
    let meta = member(root, "meta");
    let written = meta.and_then(|meta| member(meta, "language")).or_else(|| member(root, "language"))?;
    written.text().map(|tag| tag.trim().to_ascii_lowercase()).filter(|tag| !tag.is_empty())
}

/// The last value under `key`, when `node` is an object.
fn member<'n, 'de>(node: &'n Node<'de>, key: &str) -> Option<&'n Node<'de>> {
    match &node.value {
        Value::Object(members) => members.iter().rev().find(|m| m.key == key).map(|m| &m.value),
        _ => None,
    }
}

/// The syntax error in `text`, with the JSON path to it (read a second time, as it is
/// only needed when the file fails).
fn syntax_error(text: &str) -> JsonError {
    let mut track = serde_path_to_error::Track::new();
    let mut json = serde_json::Deserializer::from_str(text);
    let seed = tree::Seed { base: text };
    let read = seed.deserialize(serde_path_to_error::Deserializer::new(&mut json, &mut track));
    match read.and_then(|_| json.end()) {
        Err(err) => error(named(&track.path().to_string()), err),
        Ok(()) => JsonError { path: String::new(), message: "cannot be read".to_owned(), line: 1, column: 1 },
    }
}

/// A path without the parts the reader had not named yet (`?`, after a trailing comma,
/// say): the named part is where to look.
fn named(path: &str) -> String {
    path.split('.').filter(|part| !part.is_empty() && *part != "?").collect::<Vec<_>>().join(".")
}

/// Reads a JSON Resume document to the schema's letter: a value of a type that does
/// not plainly mean the same fails with its line, column and JSON path; keys outside
/// the schema are listed as warnings (without a position).
pub fn parse_strict(text: &str) -> Result<(Resume, Vec<Warning>), JsonError> {
    let mut warnings = Vec::new();
    let mut json = serde_json::Deserializer::from_str(text);
    let mut unused = |path: serde_ignored::Path| {
        let message = "not in the JSON Resume schema, so not shown".to_owned();
        warnings.push(Warning { path: json_path(&path), message, at: None, kept: false });
    };
    let parsed: JsonResume =
        serde_path_to_error::deserialize(serde_ignored::Deserializer::new(&mut json, &mut unused)).map_err(
            |err| {
                let path = named(&err.path().to_string());
                error(path, err.into_inner())
            },
        )?;
    json.end().map_err(|err| error(String::new(), err))?;
    Ok((parsed.into_model(), warnings))
}

fn error(path: String, err: serde_json::Error) -> JsonError {
    let (line, column) = (err.line(), err.column());
    let message = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    JsonError { path, message, line, column }
}

/// The résumé in the JSON Resume schema, every field as `sections.rs` writes it
/// (absent ones as `null`).
pub fn to_value(resume: &Resume) -> serde_json::Value {
    serde_json::to_value(JsonResume::from(resume)).unwrap_or_default()
}

/// `work[0].foo`, as people write JSON paths.
fn json_path(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", json_path(parent)),
        Path::Map { parent, key } => match json_path(parent) {
            parent if parent.is_empty() => key.clone(),
            parent => format!("{parent}.{key}"),
        },
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => {
            json_path(parent)
        }
    }
}
