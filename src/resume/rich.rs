//! Résumé text with its links: the clean text a visitor reads, and the parts of it that
//! open an address. Links whose visible text differs from their target (`my site` →
//! `https://…`, from HTML or Markdown in a JSON Resume file) are carried here; web and
//! mail addresses written out in the text are found by [`find_links`] when asked for.
//!
//! A [`Rich`] reads as its text wherever a string is expected (it dereferences to its
//! `String`), so code that only shows text needs no change; code that makes links asks
//! for [`Rich::all_links`]. Pure data: no markup parsing here (`markup.rs`), no widths.

use std::fmt;
use std::ops::{Deref, Range};

use super::links::{Link, find_links};

/// Clean text and the links carried with it. Link ranges are byte ranges of `text`, on
/// character boundaries, in order and not overlapping; targets are printable ASCII.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rich {
    text: String,
    links: Vec<Link>,
}

impl Rich {
    /// `text` with the given links; links outside the text or overlapping an earlier one
    /// are left out.
    pub fn new(text: String, links: Vec<Link>) -> Self {
        let mut kept: Vec<Link> = Vec::with_capacity(links.len());
        for link in links {
            let Range { start, end } = link.range;
            let valid = start < end
                && end <= text.len()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end)
                && kept.last().is_none_or(|last| last.range.end <= start);
            if valid {
                kept.push(link);
            }
        }
        Self { text, links: kept }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The links carried with the text (not those found by scanning it).
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// Every link: the carried ones, and the addresses written out in the rest of the text.
    pub fn all_links(&self) -> Vec<Link> {
        if self.links.is_empty() {
            return find_links(&self.text);
        }
        let carried = &self.links;
        let found = find_links(&self.text).into_iter().filter(|found| {
            !carried.iter().any(|c| c.range.start < found.range.end && found.range.start < c.range.end)
        });
        let mut all: Vec<Link> = carried.iter().cloned().chain(found).collect();
        all.sort_by_key(|link| link.range.start);
        all
    }

    /// Appends `other`, moving its links along.
    pub fn push(&mut self, other: &Rich) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.links.extend(other.links.iter().map(|link| Link {
            range: link.range.start + offset..link.range.end + offset,
            target: link.target.clone(),
        }));
    }

    pub fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// `parts` joined by `separator`.
    pub fn join<'a>(parts: impl IntoIterator<Item = &'a Rich>, separator: &str) -> Rich {
        let mut joined = Rich::default();
        for (index, part) in parts.into_iter().enumerate() {
            if index > 0 {
                joined.push_str(separator);
            }
            joined.push(part);
        }
        joined
    }

    /// The text changed piece by piece by `change` (e.g. transliterated), the links kept
    /// on the changed pieces.
    pub fn map_text(&self, change: impl Fn(&str) -> String) -> Rich {
        if self.links.is_empty() {
            return Rich::from(change(&self.text));
        }
        let mut out = Rich::default();
        let mut at = 0;
        for link in &self.links {
            out.push_str(&change(&self.text[at..link.range.start]));
            let start = out.text.len();
            out.push_str(&change(&self.text[link.range.clone()]));
            out.links.push(Link { range: start..out.text.len(), target: link.target.clone() });
            at = link.range.end;
        }
        out.push_str(&change(&self.text[at..]));
        Rich::new(out.text, out.links)
    }

    /// For readers who cannot follow a link: each carried link whose text does not say
    /// where it goes is followed by its address in brackets, `my site (https://…)`. The
    /// address is then found in the text like any other.
    pub fn with_targets_shown(&self) -> Rich {
        if self.links.is_empty() {
            return self.clone();
        }
        let mut text = String::with_capacity(self.text.len() + 64);
        let mut at = 0;
        for link in &self.links {
            let shown = &self.text[link.range.clone()];
            text.push_str(&self.text[at..link.range.end]);
            if !says_where_it_goes(shown, &link.target) {
                text.push_str(&format!(" ({})", shown_target(&link.target)));
            }
            at = link.range.end;
        }
        text.push_str(&self.text[at..]);
        Rich::from(text)
    }

    /// Whether any carried link would gain its address in [`Rich::with_targets_shown`].
    pub fn hides_targets(&self) -> bool {
        self.links.iter().any(|link| !says_where_it_goes(&self.text[link.range.clone()], &link.target))
    }
}

/// A link's text that is its address already (`https://x.org`, `x.org`, `a@x.org`).
fn says_where_it_goes(shown: &str, target: &str) -> bool {
    let bare = |s: &str| {
        let s = s.trim_end_matches('/').to_ascii_lowercase();
        let s = s.strip_prefix("mailto:").map(str::to_owned).unwrap_or(s);
        let s =
            s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).map(str::to_owned).unwrap_or(s);
        s.strip_prefix("www.").map(str::to_owned).unwrap_or(s)
    };
    bare(shown) == bare(target)
}

/// A target as a reader would type it: a mail address without `mailto:`.
fn shown_target(target: &str) -> &str {
    target.strip_prefix("mailto:").unwrap_or(target)
}

impl Deref for Rich {
    type Target = String;

    fn deref(&self) -> &String {
        &self.text
    }
}

impl fmt::Display for Rich {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for Rich {
    fn from(text: String) -> Self {
        Self { text, links: Vec::new() }
    }
}

impl From<&str> for Rich {
    fn from(text: &str) -> Self {
        Self::from(text.to_owned())
    }
}

impl PartialEq<str> for Rich {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Rich {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for Rich {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(text: &str, range: Range<usize>, target: &str) -> Rich {
        Rich::new(text.to_owned(), vec![Link { range, target: target.to_owned() }])
    }

    #[test]
    fn joining_moves_links_along() {
        let site = linked("my site", 3..7, "https://x.example");
        let joined = Rich::join([&Rich::from("Role"), &site], ", ");
        assert_eq!(joined.as_str(), "Role, my site");
        assert_eq!(&joined[joined.links()[0].range.clone()], "site");
    }

    #[test]
    fn carried_links_win_over_found_ones_and_the_rest_are_found() {
        let text = "see https://a.example/x and mail b@c.example";
        let rich = linked(text, 4..25, "https://other.example");
        let all = rich.all_links();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].target, "https://other.example");
        assert_eq!(all[1].target, "mailto:b@c.example");
    }

    #[test]
    fn targets_are_shown_only_where_the_text_does_not_say_them() {
        let site = linked("my site and x.example", 0..7, "https://y.example");
        assert_eq!(site.with_targets_shown().as_str(), "my site (https://y.example) and x.example");
        let same = linked("x.example", 0..9, "https://www.x.example/");
        assert_eq!(same.with_targets_shown().as_str(), "x.example");
        let mail = linked("write me", 6..8, "mailto:a@b.example");
        assert_eq!(mail.with_targets_shown().as_str(), "write me (a@b.example)");
    }

    #[test]
    fn transliteration_keeps_links_on_their_words() {
        let rich = linked("Zürich café", 8..13, "https://cafe.example");
        let ascii = rich.map_text(deunicode::deunicode);
        assert_eq!(ascii.as_str(), "Zurich cafe");
        assert_eq!(&ascii[ascii.links()[0].range.clone()], "cafe");
    }

    #[test]
    fn invalid_or_overlapping_links_are_left_out() {
        let links = vec![
            Link { range: 0..3, target: "https://a.example".into() },
            Link { range: 2..4, target: "https://b.example".into() },
            Link { range: 5..99, target: "https://c.example".into() },
            Link { range: 1..2, target: "https://d.example".into() },
        ];
        let kept = Rich::new("é abcd".to_owned(), links);
        let ranges: Vec<(usize, usize)> = kept.links().iter().map(|l| (l.range.start, l.range.end)).collect();
        assert_eq!(ranges, [(0, 3)]);
        for range in [1..2, 0..1] {
            let inside = Rich::new("é".to_owned(), vec![Link { range: range.clone(), target: "x".into() }]);
            assert!(inside.links().is_empty(), "{range:?} cuts a character");
        }
    }
}
