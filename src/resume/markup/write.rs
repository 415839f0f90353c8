//! The way back from clean text to markup: written so that reading it again gives the
//! same text and links ([`to_markup`]), which keeps JSON → JSON and TOML → JSON → TOML
//! stable. Characters Markdown or HTML would act on are escaped with `\`.

use super::super::rich::Rich;

/// Clean text written so that [`line`] reads it back unchanged: characters Markdown
/// or HTML would act on are escaped with `\`, and carried links become `[text](url)`.
/// Text without such characters comes out as it is.
pub fn to_markup(rich: &Rich) -> String {
    let mut out = String::with_capacity(rich.len() + 16);
    let mut at = 0;
    for link in rich.links() {
        escape_into(&mut out, &rich[at..link.range.start], at == 0);
        out.push('[');
        escape_into(&mut out, &rich[link.range.clone()], false);
        out.push_str("](");
        out.push_str(&destination(&link.target));
        out.push(')');
        at = link.range.end;
    }
    escape_into(&mut out, &rich[at..], at == 0);
    out
}

/// Plain text (our TOML's) as markup that reads back as the same text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text, true);
    out
}

fn escape_into(out: &mut String, text: &str, at_start: bool) {
    let start_len = if at_start { block_marker_len(text) } else { 0 };
    for (index, c) in text.char_indices() {
        let rest = &text[index + c.len_utf8()..];
        let escaped = match c {
            '*' | '_' | '`' | '[' | ']' => true,
            '\\' => rest.starts_with(|n: char| n.is_ascii_punctuation()) || rest.is_empty(),
            '<' => rest.starts_with(|n: char| n.is_ascii_alphabetic() || "/!?".contains(n)),
            '&' => is_reference(rest),
            _ => index < start_len && index + c.len_utf8() == start_len,
        };
        if escaped {
            out.push('\\');
        }
        out.push(c);
    }
}

/// How many bytes at the start of `text` would open a Markdown block (`# `, `> `,
/// `- `, `2019. `, `~~~`); the last of them is the one to escape.
fn block_marker_len(text: &str) -> usize {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = |n: usize| text[n..].chars().next();
    if (1..=9).contains(&digits) && matches!(after(digits), Some('.' | ')')) {
        return if after(digits + 1).is_none_or(char::is_whitespace) { digits + 1 } else { 0 };
    }
    match text.chars().next() {
        Some('#' | '>' | '+' | '-' | '=' | '|') => 1,
        Some('~') if text.starts_with("~~~") => 1,
        _ => 0,
    }
}

/// Whether `&` followed by `rest` would be read as a character reference.
fn is_reference(rest: &str) -> bool {
    let Some(end) = rest.find(';') else { return false };
    let name = &rest[..end];
    let numeric = name.strip_prefix('#').is_some_and(|n| {
        let hex = n.strip_prefix(['x', 'X']);
        match hex {
            Some(h) => !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()),
            None => !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()),
        }
    });
    numeric || (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A link target as a Markdown destination.
pub fn destination(target: &str) -> String {
    let target = target.replace('<', "%3C").replace('>', "%3E");
    if target.contains(['(', ')', ' ']) { format!("<{target}>") } else { target }
}
