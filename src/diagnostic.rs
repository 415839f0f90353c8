//! Mistakes in a text file, shown where they are: `PATH:LINE:COLUMN: message`, then the
//! offending line with a caret under the column. The résumé and the server configuration
//! file both report their errors this way; each adds its own hint on how to check a fix.

use std::fmt;

/// A message about one position in a text file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file's path, as the user gave it.
    pub origin: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    /// The whole line the position is on.
    pub source_line: String,
}

impl Located {
    /// `message` about byte `offset` of `text` (clamped to the text and moved back to a
    /// character boundary); a multi-line message is joined into one line.
    pub fn at(text: &str, origin: &str, offset: usize, message: &str) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let source_line = text[line_start..].lines().next().unwrap_or_default();
        Self {
            origin: origin.to_owned(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message: message.trim().replace('\n', " "),
            source_line: source_line.to_owned(),
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { origin, line, column, message, source_line } = self;
        let gutter = " ".repeat(line.to_string().len());
        let caret = " ".repeat(column.saturating_sub(1));
        write!(
            f,
            "{origin}:{line}:{column}: {message}\n{gutter} |\n{line} | {source_line}\n{gutter} | {caret}^"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_line_and_column() {
        let at = Located::at("a = 1\n  bé = 2\n", "x.toml", 10, "what\nis wrong");
        assert_eq!((at.line, at.column), (2, 4));
        assert_eq!(at.source_line, "  bé = 2");
        assert_eq!(at.to_string(), "x.toml:2:4: what is wrong\n  |\n2 |   bé = 2\n  |    ^");
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_clamped() {
        assert_eq!(Located::at("é", "x", 1, "m").column, 1);
        assert_eq!(Located::at("ab", "x", 99, "m").column, 3);
        assert_eq!(Located::at("", "x", 0, "m").line, 1);
    }
}
