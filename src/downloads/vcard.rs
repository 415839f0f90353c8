//! The contact card, `resume.vcf`: vCard 3.0 (RFC 2426), what phones and mail clients
//! import most reliably, written by hand: about a dozen lines, not worth a crate of 90
//! dependencies. Lines end in CRLF and fold at 75 octets on a character boundary (RFC
//! 6350 §3.2, as RFC 2425 §5.8.1 for 3.0); text values escape `\`, `,`, `;` and
//! newlines (RFC 6350 §3.4, RFC 2426 §4). There is no card without a name and a way to
//! reach the person: a card of a headline alone is no contact.

use crate::resume::model::{Location, Resume, Text};

/// A folded line holds at most this many octets before its CRLF (RFC 6350 §3.2).
pub const LINE_OCTETS: usize = 75;

/// The card, or `None` when the résumé has no name or no address, phone or site.
pub fn vcard(resume: &Resume) -> Option<String> {
    let basics = &resume.basics;
    let name = basics.name.as_ref()?;
    let sites: Vec<&Text> =
        basics.url.iter().chain(basics.profiles.iter().filter_map(|p| p.url.as_ref())).collect();
    if basics.email.is_none() && basics.phone.is_none() && sites.is_empty() {
        return None;
    }
    let mut lines = vec!["BEGIN:VCARD".to_owned(), "VERSION:3.0".to_owned()];
    lines.push(format!("FN:{}", escape(name.as_str())));
    lines.push(format!("N:{}", structured_name(name.as_str())));
    lines.extend(basics.label.iter().map(|label| format!("TITLE:{}", escape(label.as_str()))));
    lines.extend(basics.email.iter().map(|email| format!("EMAIL;TYPE=INTERNET:{}", escape(email.as_str()))));
    lines.extend(basics.phone.iter().map(|phone| format!("TEL;TYPE=VOICE:{phone}")));
    lines.extend(basics.location.as_ref().map(address));
    lines.extend(sites.into_iter().map(|site| format!("URL:{site}")));
    lines.push("END:VCARD".to_owned());
    Some(lines.iter().map(|line| fold(line)).collect())
}

/// `N`, which 3.0 requires: family name; given names; additional; prefixes; suffixes.
/// The last word is taken as the family name, the words before it as given names
/// (right for most Western names; a one-word name is all family name).
fn structured_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let (given, family) = match words.split_last() {
        Some((family, given)) => (given.join(" "), *family),
        None => (String::new(), ""),
    };
    format!("{};{};;;", escape(family), escape(&given))
}

/// `ADR`: PO box; extended; street; locality; region; postal code; country. A place
/// written as one line (`location = "Berlin"`) is taken as the locality.
fn address(location: &Location) -> String {
    let part = |value: &Option<Text>| value.as_ref().map(|t| escape(t.as_str())).unwrap_or_default();
    let structured =
        location.city.is_some() || location.country_code.is_some() || location.postal_code.is_some();
    let lines: Vec<String> = location.address.iter().map(|line| escape(line.as_str())).collect();
    let (street, locality) = match (structured, lines.as_slice()) {
        (false, [one]) => (String::new(), one.clone()),
        _ => (lines.join(","), part(&location.city)),
    };
    let (region, postal, country) =
        (part(&location.region), part(&location.postal_code), part(&location.country_code));
    format!("ADR;TYPE=WORK:;;{street};{locality};{region};{postal};{country}")
}

/// A text value with `\`, `,`, `;` and newlines escaped (RFC 6350 §3.4).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: at most [`LINE_OCTETS`] octets per physical line, each
/// continuation starting with a space that counts toward them, every line ending in
/// CRLF; never inside a character's UTF-8 sequence.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / LINE_OCTETS * 3 + 2);
    let mut rest = line;
    let mut room = LINE_OCTETS;
    loop {
        let mut cut = rest.len().min(room);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n");
        rest = &rest[cut..];
        if rest.is_empty() {
            return out;
        }
        out.push(' ');
        room = LINE_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests;
