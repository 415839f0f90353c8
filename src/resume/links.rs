//! Finds the web addresses and e-mail addresses in a piece of résumé text, so views can
//! make them clickable while showing the text exactly as written.
//!
//! Recognised: `http://` and `https://` URLs, `www.` addresses (linked as `https://`),
//! and `name@example.org` e-mail addresses (linked as `mailto:`). Trailing sentence
//! punctuation is not part of a link, nor is a closing bracket that has no opening one
//! inside it. The link target is printable ASCII (anything else is percent-encoded), so
//! it can be placed inside a terminal escape sequence safely. Pure text; no terminal.

use std::ops::Range;

/// One link in a text: where it is and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Byte range of the visible link text.
    pub range: Range<usize>,
    /// The URI it opens (`https://…`, `mailto:…`), printable ASCII only.
    pub target: String,
}

/// Every link in `text`, in order.
pub fn find_links(text: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut start = 0;
    for token in text.split(char::is_whitespace) {
        let range = start..start + token.len();
        start = range.end + text[range.end..].chars().next().map_or(0, char::len_utf8);
        if let Some(link) = token_link(token) {
            let offset = range.start + link.range.start;
            links.push(Link { range: offset..offset + link.range.len(), ..link });
        }
    }
    links
}

/// The link inside one whitespace-free token, with its range relative to the token.
fn token_link(token: &str) -> Option<Link> {
    let lead = token.len() - token.trim_start_matches(['(', '[', '<', '"', '\'']).len();
    let body = trim_trailing(&token[lead..]);
    let lower = body.to_ascii_lowercase();
    let target = if lower.starts_with("https://") || lower.starts_with("http://") {
        (body.len() > lower.find("://")? + 3).then(|| body.to_owned())?
    } else if lower.starts_with("www.") && body.len() > 4 {
        format!("https://{body}")
    } else if is_email(body) {
        format!("mailto:{body}")
    } else {
        return None;
    };
    Some(Link { range: lead..lead + body.len(), target: percent_encode(&target) })
}

/// Drops sentence punctuation and unbalanced closing brackets from the end.
fn trim_trailing(mut body: &str) -> &str {
    loop {
        let Some(last) = body.chars().last() else { return body };
        let unbalanced = match last {
            ')' => body.matches('(').count() < body.matches(')').count(),
            ']' => body.matches('[').count() < body.matches(']').count(),
            '.' | ',' | ';' | ':' | '!' | '?' | '"' | '\'' | '>' | '}' => true,
            _ => false,
        };
        if !unbalanced {
            return body;
        }
        body = &body[..body.len() - last.len_utf8()];
    }
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    let local_ok =
        !local.is_empty() && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic));
    local_ok && domain_ok
}

/// Percent-encodes everything that is not printable ASCII, so `target` is safe inside a
/// terminal escape sequence.
pub fn percent_encode(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    for byte in target.bytes() {
        if byte.is_ascii_graphic() {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<(&str, String)> {
        find_links(text).into_iter().map(|l| (&text[l.range], l.target)).collect()
    }

    #[test]
    fn urls_and_emails_are_found_with_their_exact_text() {
        let text = "GitHub: https://github.com/example, mail jane@example.org.";
        assert_eq!(
            targets(text),
            [
                ("https://github.com/example", "https://github.com/example".to_owned()),
                ("jane@example.org", "mailto:jane@example.org".to_owned()),
            ]
        );
    }

    #[test]
    fn brackets_are_kept_only_when_balanced() {
        assert_eq!(targets("(see https://example.org/a)")[0].0, "https://example.org/a");
        assert_eq!(targets("https://en.wikipedia.org/wiki/Rust_(language)")[0].0.len(), 45);
    }

    #[test]
    fn www_addresses_get_a_scheme_and_non_ascii_is_encoded() {
        assert_eq!(targets("www.example.org")[0].1, "https://www.example.org");
        assert_eq!(targets("https://example.org/résumé")[0].1, "https://example.org/r%C3%A9sum%C3%A9");
    }

    #[test]
    fn ordinary_words_are_not_links() {
        for text in ["a @ b", "me@home", "http://", "Elixir & Ruby", "~84M requests/day", "www."] {
            assert!(find_links(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn ranges_account_for_multibyte_text_before_the_link() {
        let text = "Résumé — https://example.org";
        let link = &find_links(text)[0];
        assert_eq!(&text[link.range.clone()], "https://example.org");
    }
}
