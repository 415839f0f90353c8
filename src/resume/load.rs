//! Reading `resume.toml` into a [`Resume`]: `parse` does the file I/O, `parse_str` holds
//! the logic and is what tests call. Every error names the file, line and column, shows
//! the offending line and says how to check the fix; nothing here panics on input.

use std::path::{Path, PathBuf};

use super::model::Resume;
use crate::located::Located;

/// Why a résumé could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the résumé: {source} (pass another file with --resume PATH)")]
    Read { path: PathBuf, source: std::io::Error },
    /// A résumé file that was read but is not valid, with where and why.
    #[error("{located}\nfix it, then check with `ssh-resume check {origin}`", located = .0, origin = .0.origin)]
    Invalid(Box<Located>),
}

/// Reads and validates the résumé at `path`.
pub fn parse(path: &Path) -> Result<Resume, LoadError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| LoadError::Read { path: path.to_owned(), source })?;
    parse_str(&text, &path.display().to_string())
}

/// Validates résumé text; `origin` names it in errors (usually the file path).
pub fn parse_str(text: &str, origin: &str) -> Result<Resume, LoadError> {
    toml::from_str(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start);
        LoadError::Invalid(Box::new(Located::at(text, origin, offset, err.message())))
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
        assert_eq!(resume.basics.label.as_str(), "Engineer");
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
