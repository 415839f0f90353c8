//! Which form of the résumé `/` answers with, from the request's `Accept` header.
//!
//! Browsers name `text/html` and get the page. A client that names another type we
//! serve (`application/json`, `text/markdown`, `text/plain`) gets that one; the highest
//! quality wins and ties go to HTML, then JSON, Markdown, text. Command-line clients
//! (`curl`, `wget`, HTTPie) send `*/*` or nothing and get coloured text, like
//! `curl wttr.in`; `text/plain` or `text/*` asks for it without colour. An `Accept` that
//! allows nothing we have is answered with plain text rather than a 406: a résumé is
//! more use than an error.
//!
//! [`encoding`] reads `Accept-Encoding` the same way: brotli where allowed, else gzip,
//! else none.

/// What `/` answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Html,
    Json,
    Markdown,
    Text { colour: bool },
}

/// The types a client can name, in the order that breaks ties.
const NAMED: [(&str, &str, Choice); 4] = [
    ("text", "html", Choice::Html),
    ("application", "json", Choice::Json),
    ("text", "markdown", Choice::Markdown),
    ("text", "plain", Choice::Text { colour: false }),
];

/// One media range of an `Accept` header, lower-cased, with its quality in thousandths.
#[derive(Debug, PartialEq)]
struct Range<'a> {
    kind: &'a str,
    subtype: &'a str,
    quality: u16,
}

/// The answer for an `Accept` header (`None` when the request has none).
pub fn negotiate(accept: Option<&str>) -> Choice {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Choice::Text { colour: true };
    };
    let lower = accept.to_ascii_lowercase();
    let ranges: Vec<Range> = lower.split(',').filter_map(parse_range).collect();
    let named = NAMED.iter().filter_map(|(kind, subtype, choice)| {
        let exact = ranges.iter().find(|r| r.kind == *kind && r.subtype == *subtype)?;
        (exact.quality > 0).then_some((exact.quality, *choice))
    });
    // max_by_key keeps the last of equals, so walk in reverse to let the first win ties.
    let named: Vec<(u16, Choice)> = named.collect();
    if let Some((_, choice)) = named.iter().rev().max_by_key(|(quality, _)| *quality) {
        return *choice;
    }
    let allows = |kind: &str, subtype: &str| {
        ranges.iter().any(|r| r.kind == kind && r.subtype == subtype && r.quality > 0)
    };
    Choice::Text { colour: !allows("text", "*") && allows("*", "*") }
}

/// The content coding an answer is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

/// The coding for an `Accept-Encoding` header: `br` when allowed and not less wanted
/// than gzip (it is smaller), else `gzip`, else none. `*` allows both.
pub fn encoding(accept_encoding: Option<&str>) -> Encoding {
    let (mut br, mut gzip, mut any) = (None, None, None);
    for item in accept_encoding.unwrap_or_default().split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|param| param.split_once('='))
            .find(|(name, _)| name.trim() == "q")
            .map_or(Some(1000), |(_, value)| parse_quality(value.trim()));
        let Some(quality) = quality else { continue };
        match name.as_str() {
            "br" => br = Some(quality),
            "gzip" | "x-gzip" => gzip = Some(quality),
            "*" => any = Some(quality),
            _ => {}
        }
    }
    let (br, gzip) = (br.or(any).unwrap_or(0), gzip.or(any).unwrap_or(0));
    if br > 0 && br >= gzip {
        Encoding::Brotli
    } else if gzip > 0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// `type/subtype;q=0.5;…`, or `None` when malformed.
fn parse_range(item: &str) -> Option<Range<'_>> {
    let mut parts = item.split(';');
    let (kind, subtype) = parts.next()?.trim().split_once('/')?;
    let (kind, subtype) = (kind.trim(), subtype.trim());
    if kind.is_empty() || subtype.is_empty() {
        return None;
    }
    let mut quality = 1000;
    for param in parts {
        if let Some((name, value)) = param.split_once('=')
            && name.trim() == "q"
        {
            quality = parse_quality(value.trim())?;
        }
    }
    Some(Range { kind, subtype, quality })
}

/// `1`, `1.000`, `0`, `0.5`, `0.123` as thousandths (RFC 9110 `qvalue`).
fn parse_quality(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{fraction:0<3}");
    match whole {
        "0" => digits.parse().ok(),
        "1" if digits == "000" => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_get_the_page() {
        let chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,\
                      image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        let safari = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        for accept in [chrome, firefox, safari] {
            assert_eq!(negotiate(Some(accept)), Choice::Html, "{accept}");
        }
    }

    #[test]
    fn command_line_clients_get_coloured_text() {
        // curl and wget send */*; HTTPie sends */* too; some clients send nothing.
        for accept in [Some("*/*"), None, Some("")] {
            assert_eq!(negotiate(accept), Choice::Text { colour: true }, "{accept:?}");
        }
    }

    #[test]
    fn named_types_win_by_quality_then_order() {
        assert_eq!(negotiate(Some("application/json")), Choice::Json);
        assert_eq!(negotiate(Some("application/json, */*;q=0.5")), Choice::Json, "httpie --json");
        assert_eq!(negotiate(Some("text/markdown")), Choice::Markdown);
        assert_eq!(negotiate(Some("text/plain")), Choice::Text { colour: false });
        assert_eq!(negotiate(Some("text/plain, text/html;q=0.5")), Choice::Text { colour: false });
        assert_eq!(negotiate(Some("text/plain, text/html")), Choice::Html);
        assert_eq!(negotiate(Some("TEXT/HTML")), Choice::Html);
        assert_eq!(negotiate(Some("text/html;q=0, */*")), Choice::Text { colour: true });
    }

    #[test]
    fn text_ranges_and_unsatisfiable_accepts_get_plain_text() {
        assert_eq!(negotiate(Some("text/*")), Choice::Text { colour: false });
        assert_eq!(negotiate(Some("image/png")), Choice::Text { colour: false });
        assert_eq!(negotiate(Some("*/*;q=0")), Choice::Text { colour: false });
    }

    #[test]
    fn encodings_prefer_brotli_then_gzip() {
        assert_eq!(encoding(Some("gzip, deflate, br, zstd")), Encoding::Brotli, "Chromium");
        assert_eq!(encoding(Some("gzip, deflate")), Encoding::Gzip);
        assert_eq!(encoding(Some("br;q=0.5, gzip")), Encoding::Gzip);
        assert_eq!(encoding(Some("br;q=0, gzip;q=0")), Encoding::Identity);
        assert_eq!(encoding(Some("*")), Encoding::Brotli);
        assert_eq!(encoding(Some("*;q=0.1, br;q=0")), Encoding::Gzip);
        assert_eq!(encoding(Some("deflate")), Encoding::Identity);
        assert_eq!(encoding(Some("br;q=nonsense")), Encoding::Identity);
        assert_eq!(encoding(None), Encoding::Identity);
    }

    #[test]
    fn malformed_ranges_are_ignored() {
        assert_eq!(negotiate(Some("text/html;q=2, */*")), Choice::Text { colour: true });
        assert_eq!(negotiate(Some("nonsense, application/json")), Choice::Json);
        assert_eq!(parse_quality("0.5"), Some(500));
        assert_eq!(parse_quality("1.0"), Some(1000));
        assert_eq!(parse_quality("1.5"), None);
        assert_eq!(parse_quality("0.1234"), None);
    }
}
