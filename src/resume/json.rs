//! JSON Resume files (<https://jsonresume.org/schema>, 1.x) read into our model: the
//! schema's types, each field read leniently (`json_values.rs`), then mapped to
//! [`Resume`]. Keys outside the schema are allowed, as the schema allows them, and
//! reported as [`Warning`]s with their JSON path. Errors, for a syntax mistake and a
//! wrong type alike, carry line, column and JSON path (`serde_path_to_error`). Pure:
//! text in, résumé out.

use super::load::Warning;
use super::model::Resume;

mod sections;

use sections::JsonResume;

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

/// Reads a JSON Resume document; warnings list what was read but not used.
pub fn parse_str(text: &str) -> Result<(Resume, Vec<Warning>), JsonError> {
    let mut warnings = Vec::new();
    let mut json = serde_json::Deserializer::from_str(text);
    let mut unused = |path: serde_ignored::Path| {
        let message = "not in the JSON Resume schema, so not shown".to_owned();
        warnings.push(Warning { path: json_path(&path), message });
    };
    let parsed: JsonResume = serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        &mut json,
        &mut unused,
    ))
    .map_err(|err| {
        // `?` stands for a part the reader had not named yet (after a trailing
        // comma, say): the named part is where to look.
        let path = err.path().to_string();
        let named: Vec<&str> = path.split('.').filter(|part| !part.is_empty() && *part != "?").collect();
        error(named.join("."), err.into_inner())
    })?;
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
