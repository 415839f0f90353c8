//! Reading a résumé file into a [`Resume`]: our `resume.toml`, or a JSON Resume file
//! (`.json`, read by `json.rs`). `parse`/`read` do the file I/O, `parse_str` and
//! `read_str` hold the logic and are what tests call. Every error names the file, line
//! and column (and for JSON the path, `work[2].highlights`), shows the offending line
//! and says how to check the fix; nothing here panics on input. A UTF-8 byte-order
//! mark is accepted.

use std::fmt;
use std::path::{Path, PathBuf};

use super::json;
use super::model::Resume;
use crate::diagnostic::Located;

/// Why a résumé could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the résumé: {source} (pass another file with --resume PATH)")]
    Read { path: PathBuf, source: std::io::Error },
    /// A résumé file that was read but is not valid, with where and why.
    #[error("{located}\nfix it, then check with `ssh-resume check {origin}`", located = .0, origin = .0.origin)]
    Invalid(Box<Located>),
    /// A JSON Resume file that is not valid JSON or holds a value of the wrong type; the
    /// message starts with `path`.
    #[error("{located}\nfix it, then check with `ssh-resume check {origin}`", origin = .located.origin)]
    InvalidJson { located: Box<Located>, path: String },
}

/// Something in a file that was read otherwise than its schema says, or not used (a
/// key outside the schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where, as a JSON path (`work[0].team`).
    pub path: String,
    pub message: String,
    /// The 1-based line and column (in characters) in the file, when known.
    pub at: Option<(usize, usize)>,
    /// Whether all that is there is still shown and imported (a value read as another
    /// shape, a key read under its other name); not so for a key that is not shown.
    pub kept: bool,
}

impl Warning {
    /// `ORIGIN:LINE:COLUMN: path: message` (without the position when it is not known).
    pub fn located(&self, origin: &str) -> String {
        match self.at {
            Some((line, column)) => format!("{origin}:{line}:{column}: {self}"),
            None => format!("{origin}: {self}"),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A loaded résumé and what was noticed while reading it.
#[derive(Debug)]
pub struct Parsed {
    pub resume: Resume,
    pub warnings: Vec<Warning>,
}

/// The formats a résumé file may be in, told apart by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Toml,
    /// The JSON Resume schema.
    Json,
}

impl SourceFormat {
    /// `.json` is JSON Resume; anything else is our TOML.
    pub fn of(origin: &str) -> Self {
        let json = Path::new(origin).extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json { SourceFormat::Json } else { SourceFormat::Toml }
    }
}

/// How a résumé file is read. Both settings are for JSON Resume files only; our TOML
/// is always read to its letter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Read to the JSON Resume schema's letter (`check --strict`): a value of the
    /// wrong type, or a résumé without a name or a label, is an error.
    pub strict: bool,
    /// The language to show where a text is given in several (`--resume-language`,
    /// e.g. `de`); else the file's own, else English, else the first.
    pub language: Option<String>,
}

/// Reads and validates the résumé at `path`.
pub fn parse(path: &Path) -> Result<Resume, LoadError> {
    read(path).map(|parsed| parsed.resume)
}

/// Reads and validates the résumé at `path`, with warnings.
pub fn read(path: &Path) -> Result<Parsed, LoadError> {
    read_with(path, &ReadOptions::default())
}

/// [`read`] as `options` say.
pub fn read_with(path: &Path, options: &ReadOptions) -> Result<Parsed, LoadError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| LoadError::Read { path: path.to_owned(), source })?;
    read_str_with(&text, &path.display().to_string(), options)
}

/// Validates résumé text; `origin` names it in errors (usually the file path) and its
/// extension says the format.
pub fn parse_str(text: &str, origin: &str) -> Result<Resume, LoadError> {
    read_str(text, origin).map(|parsed| parsed.resume)
}

/// Validates résumé text, with warnings.
pub fn read_str(text: &str, origin: &str) -> Result<Parsed, LoadError> {
    read_str_with(text, origin, &ReadOptions::default())
}

/// [`read_str`] as `options` say.
pub fn read_str_with(text: &str, origin: &str, options: &ReadOptions) -> Result<Parsed, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = match SourceFormat::of(origin) {
        SourceFormat::Toml => {
            toml::from_str(text).map(|resume| Parsed { resume, warnings: Vec::new() }).map_err(|err| {
                let offset = err.span().map_or(0, |span| span.start);
                LoadError::Invalid(Box::new(Located::at(text, origin, offset, err.message())))
            })?
        }
        SourceFormat::Json => {
            let read = match options.strict {
                true => json::parse_strict(text),
                false => json::parse_str(text, options.language.as_deref()),
            };
            let (resume, warnings) = read.map_err(|err| json_error(text, origin, err))?;
            Parsed { resume, warnings }
        }
    };
    let lenient = SourceFormat::of(origin) == SourceFormat::Json && !options.strict;
    match has_a_name(&parsed.resume, text, origin) {
        Err(LoadError::InvalidJson { located, .. }) if lenient => {
            let title = super::outline::neutral_title(&parsed.resume);
            let message = format!(
                "no name and no label, so the résumé is titled `{title}` (add `\"name\"` or `\"label\"` to `\"basics\"`)"
            );
            let at = Some((located.line, located.column));
            parsed.warnings.push(Warning { path: "basics".to_owned(), message, at, kept: true });
        }
        other => other?,
    }
    Ok(parsed)
}

fn json_error(text: &str, origin: &str, err: json::JsonError) -> LoadError {
    let line_start: usize = text.split_inclusive('\n').take(err.line.saturating_sub(1)).map(str::len).sum();
    let offset = line_start + err.column.saturating_sub(1);
    let message = match err.path.as_str() {
        "" => err.message,
        path => format!("{path}: {}", err.message),
    };
    LoadError::InvalidJson { located: Box::new(Located::at(text, origin, offset, &message)), path: err.path }
}

/// A résumé names its person or their role: the view's header needs one of them.
fn has_a_name(resume: &Resume, text: &str, origin: &str) -> Result<(), LoadError> {
    let basics = &resume.basics;
    if basics.name.is_some() || basics.label.is_some() {
        return Ok(());
    }
    let (heading, message) = match SourceFormat::of(origin) {
        SourceFormat::Toml => (
            "[basics]",
            "the résumé needs a name or a headline: add `name = \"…\"` or `label = \"…\"` under [basics]",
        ),
        SourceFormat::Json => (
            "\"basics\"",
            "basics: the résumé needs a name or a headline: add `\"name\"` or `\"label\"` to `\"basics\"`",
        ),
    };
    let offset = text.find(heading).unwrap_or(0);
    let located = Box::new(Located::at(text, origin, offset, message));
    Err(match SourceFormat::of(origin) {
        SourceFormat::Toml => LoadError::Invalid(located),
        SourceFormat::Json => LoadError::InvalidJson { located, path: "basics".to_owned() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[basics]\nlabel = \"Engineer\"\n";

    fn invalid(text: &str) -> Located {
        match parse_str(text, "resume.toml") {
            Err(LoadError::Invalid(invalid)) => *invalid,
            other => panic!("expected an invalid résumé, got {other:?}"),
        }
    }

    #[test]
    fn minimal_resume_loads() {
        let resume = parse_str(MINIMAL, "resume.toml").unwrap();
        assert_eq!(resume.basics.label.as_ref().map(|l| l.as_str()), Some("Engineer"));
        assert!(resume.work.is_empty());
    }

    #[test]
    fn shipped_resume_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("resume.toml");
        let resume = parse(&path).unwrap();
        assert_eq!(resume.work.len(), 8);
    }

    #[test]
    fn unknown_key_is_rejected_with_line_and_column() {
        let text = "[basics]\nlabel = \"Engineer\"\n  nickname = \"x\"\n";
        let err = invalid(text);
        assert_eq!((err.line, err.column), (3, 3));
        assert!(err.message.contains("unknown field `nickname`"), "{}", err.message);
        assert_eq!(err.source_line, "  nickname = \"x\"");
        let shown = parse_str(text, "resume.toml").unwrap_err().to_string();
        assert!(shown.starts_with("resume.toml:3:3: unknown field"), "{shown}");
        assert!(shown.contains("ssh-resume check resume.toml"), "{shown}");
    }

    #[test]
    fn wrong_type_is_rejected_with_position() {
        let err = invalid("[basics]\nlabel = 42\n");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("invalid type"), "{}", err.message);
    }

    #[test]
    fn bad_date_names_the_accepted_forms() {
        let text = format!("{MINIMAL}[[work]]\ncompany = \"A\"\nstart = \"July 2025\"\n");
        let err = invalid(&text);
        assert_eq!(err.line, 5);
        assert!(err.message.contains("MM/YYYY"), "{}", err.message);
    }

    #[test]
    fn a_day_the_month_does_not_have_is_refused_where_it_is_written() {
        let text = format!("{MINIMAL}[[work]]\ncompany = \"A\"\nstart = \"2025-02-31\"\n");
        let err = invalid(&text);
        assert_eq!((err.line, err.column), (5, 9));
        assert!(
            err.message.contains("`2025-02-31` is not a date: February 2025 has 28 days"),
            "{}",
            err.message
        );
    }

    #[test]
    fn escape_sequences_in_text_are_rejected() {
        let err = invalid("[basics]\nlabel = \"\\u001b[2J\"\n");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("U+001B"), "{}", err.message);
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = parse(Path::new("/nonexistent/resume.toml")).unwrap_err();
        assert!(err.to_string().starts_with("/nonexistent/resume.toml: cannot read"));
    }

    #[test]
    fn syntax_error_points_at_the_line() {
        let err = invalid("[basics]\nlabel = \"é\nx = 1\n");
        assert_eq!(err.line, 2);
    }
}
