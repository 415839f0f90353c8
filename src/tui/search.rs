//! Find across the whole résumé: the query being typed (a [`LineInput`], edited with
//! the keys every line of the view takes), the matches on the laid-out rows of every
//! section, and which one `n`/`N` last jumped to.
//!
//! Matching is case-insensitive, per character, on the text a row shows (heading detail
//! and dates included), so what is highlighted is exactly what was found. The query is
//! bounded ([`MAX_QUERY`]); the matches are bounded by the résumé's own size. The app
//! computes the matches (it knows the layout); this module only keeps and walks them.

use std::ops::Range;

use super::input::KeyEvent;
use super::line::{Edit, LineInput};

/// Longest query a visitor can type; further characters are ignored.
pub const MAX_QUERY: usize = 64;

/// One occurrence of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub section: usize,
    /// Row within the section's layout at the current width.
    pub row: usize,
    /// Byte range in the row's shown text.
    pub range: Range<usize>,
}

/// An open search: being typed (`editing`) or confirmed.
#[derive(Debug, Clone, Default)]
pub struct Search {
    query: LineInput,
    editing: bool,
    /// Shared, so cloning a search (the app's state before each frame) copies no hits.
    hits: std::sync::Arc<[Hit]>,
    current: Option<usize>,
}

impl Search {
    /// A new, empty query being typed.
    pub fn new() -> Self {
        Self { query: LineInput::new(MAX_QUERY), editing: true, ..Self::default() }
    }

    pub fn query(&self) -> &str {
        self.query.text()
    }

    /// The query with its cursor, for drawing it.
    pub fn line(&self) -> &LineInput {
        &self.query
    }

    pub fn editing(&self) -> bool {
        self.editing
    }

    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }

    /// The hit `n`/`N`/Enter last jumped to, and its index.
    pub fn current(&self) -> Option<(usize, &Hit)> {
        let index = self.current?;
        self.hits.get(index).map(|hit| (index, hit))
    }

    /// Adds a character at the cursor; false when the query is full or `c` may not
    /// reach a terminal ([`crate::safe_text::is_unsafe`]).
    pub fn push(&mut self, c: char) -> bool {
        self.query.push(c)
    }

    /// An editing key applied to the query.
    pub fn edit(&mut self, key: &KeyEvent) -> Edit {
        self.query.on_key(key)
    }

    /// Replaces the matches (after the query or the layout changed).
    pub fn set_hits(&mut self, hits: Vec<Hit>) {
        self.hits = hits.into();
        self.current = None;
    }

    /// Ends typing and selects the first hit at or after `(section, row)`, wrapping.
    pub fn confirm(&mut self, section: usize, row: usize) -> Option<&Hit> {
        self.editing = false;
        self.select_from(section, row)
    }

    /// Selects the first hit at or after `(section, row)`, wrapping around.
    pub fn select_from(&mut self, section: usize, row: usize) -> Option<&Hit> {
        let after = self.hits.iter().position(|h| (h.section, h.row) >= (section, row));
        self.current = after.or((!self.hits.is_empty()).then_some(0));
        self.current().map(|(_, hit)| hit)
    }

    /// Moves to the next (or previous) hit, across sections, wrapping around.
    pub fn step(&mut self, forward: bool) -> Option<&Hit> {
        let count = self.hits.len();
        if count == 0 {
            return None;
        }
        self.current = Some(match (self.current, forward) {
            (None, true) => 0,
            (None, false) => count - 1,
            (Some(i), true) => (i + 1) % count,
            (Some(i), false) => (i + count - 1) % count,
        });
        self.current().map(|(_, hit)| hit)
    }
}

/// Every occurrence of `needle` in `haystack`, ignoring case, as byte ranges of `haystack`.
pub fn find_all(haystack: &str, needle: &str) -> Vec<Range<usize>> {
    let needle: Vec<char> = needle.chars().map(fold).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = haystack.char_indices().map(|(i, c)| (i, fold(c))).collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at + needle.len() <= chars.len() {
        if chars[at..at + needle.len()].iter().map(|&(_, c)| c).eq(needle.iter().copied()) {
            let end = chars.get(at + needle.len()).map_or(haystack.len(), |&(i, _)| i);
            found.push(chars[at].0..end);
            at += needle.len();
        } else {
            at += 1;
        }
    }
    found
}

/// A character's lower case when that is one character (so byte ranges stay exact).
fn fold(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(section: usize, row: usize) -> Hit {
        Hit { section, row, range: 0..1 }
    }

    #[test]
    fn finds_every_occurrence_ignoring_case() {
        assert_eq!(find_all("Elixir, elixir and ELIXIR", "elixir"), [0..6, 8..14, 19..25]);
        assert_eq!(find_all("Résumé", "SUMÉ"), vec![3..8; 1]);
        assert!(find_all("abc", "").is_empty());
        assert!(find_all("ab", "abc").is_empty());
    }

    #[test]
    fn the_query_is_bounded_and_printable() {
        let mut search = Search::new();
        for _ in 0..MAX_QUERY {
            assert!(search.push('q'));
        }
        assert!(!search.push('j'));
        assert_eq!(search.query().len(), MAX_QUERY);
        let mut search = Search::new();
        assert!(!search.push('\u{1b}') && !search.push('\u{202E}') && !search.push('\u{200F}'));
        assert!(search.query().is_empty());
    }

    #[test]
    fn confirm_starts_at_the_reader_and_steps_wrap_across_sections() {
        let mut search = Search::new();
        search.set_hits(vec![hit(0, 5), hit(2, 1), hit(2, 9), hit(5, 0)]);
        assert_eq!(search.confirm(2, 3), Some(&hit(2, 9)));
        assert!(!search.editing());
        assert_eq!(search.step(true), Some(&hit(5, 0)));
        assert_eq!(search.step(true), Some(&hit(0, 5)));
        assert_eq!(search.step(false), Some(&hit(5, 0)));
        assert_eq!(search.select_from(6, 0), Some(&hit(0, 5)), "past the last hit wraps to the first");
    }

    #[test]
    fn no_hits_means_nothing_to_jump_to() {
        let mut search = Search::new();
        assert_eq!(search.confirm(0, 0), None);
        assert_eq!(search.step(true), None);
    }
}
