//! What a value means when it is not the shape the schema gives it: the text an object
//! or a list holds (a location object as one line, courses as objects as their texts),
//! a list made of an object, a date made of `{year, month, day}`, and which of the
//! texts given per language (`{"en": …, "de": …}`) is shown. Pure: tree in, tree out,
//! for `reader.rs` to read and note.

use std::borrow::Cow;

use super::tree::{Member, Node, Value};
use crate::resume::dates::{Date, month_number};

/// Which of several variants of a text per language is shown.
pub(super) struct Choice {
    pub index: usize,
    /// Its language (`en`), or `unmarked` for the schema's own key.
    pub shown: String,
    /// The others' languages, comma-separated.
    pub others: String,
}

/// `en`, `de`, `pt-BR`, `zh_Hant`: a language tag (two lower-case letters, and perhaps a
/// region or script).
pub(super) fn is_language_tag(key: &str) -> bool {
    let (primary, rest) = key.split_once(['-', '_']).unwrap_or((key, ""));
    let primary_ok = primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_lowercase());
    primary_ok
        && (rest.is_empty()
            || ((2..=4).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())))
}

/// An object whose every key is a language: one text per language.
pub(super) fn is_by_language(members: &[Member<'_>]) -> bool {
    !members.is_empty() && members.iter().all(|m| is_language_tag(&m.key))
}

fn primary(tag: &str) -> String {
    tag.split(['-', '_']).next().unwrap_or(tag).to_ascii_lowercase()
}

/// The variant to show: the résumé's language (`wanted`), else the one under the
/// schema's own key (`None`), else English, else the first.
pub(super) fn choose(variants: &[(Option<&str>, &Node<'_>)], wanted: Option<&str>) -> Choice {
    let find = |want: &str| variants.iter().position(|(tag, _)| tag.is_some_and(|t| primary(t) == want));
    let index = wanted
        .map(primary)
        .and_then(|want| find(&want))
        .or_else(|| variants.iter().position(|(tag, _)| tag.is_none()))
        .or_else(|| find("en"))
        .unwrap_or(0);
    let name = |tag: &Option<&str>| tag.unwrap_or("unmarked").to_owned();
    let others: Vec<String> =
        variants.iter().enumerate().filter(|(i, _)| *i != index).map(|(_, (tag, _))| name(tag)).collect();
    let shown = variants.get(index).map_or_else(String::new, |(tag, _)| name(tag));
    Choice { index, shown, others: others.join(", ") }
}

/// The one variant an object per language shows.
fn chosen<'a, 'de>(members: &'a [Member<'de>], wanted: Option<&str>) -> Option<&'a Node<'de>> {
    let variants: Vec<(Option<&str>, &Node<'de>)> =
        members.iter().map(|m| (Some(&*m.key), &m.value)).collect();
    variants.get(choose(&variants, wanted).index).map(|(_, node)| *node)
}

/// Every text a value holds, one line: a list's items joined by ` · `, an object's
/// values by `, ` (a location's parts read as one line), one language where a text is
/// given per language. `None` when it holds none.
pub(super) fn line(node: &Node<'_>, wanted: Option<&str>) -> Option<String> {
    let joined = |parts: Vec<String>, separator: &str| (!parts.is_empty()).then(|| parts.join(separator));
    match &node.value {
        Value::Text(text) => Some(text.trim().to_owned()).filter(|t| !t.is_empty()),
        Value::Number(number) => Some(number.clone()),
        Value::Null | Value::Bool(_) => None,
        Value::List(items) => joined(items.iter().filter_map(|i| line(i, wanted)).collect(), " · "),
        Value::Object(members) if is_by_language(members) => {
            chosen(members, wanted).and_then(|n| line(n, wanted))
        }
        Value::Object(members) => {
            joined(members.iter().filter_map(|m| line(&m.value, wanted)).collect(), ", ")
        }
    }
}

fn text_node(at: Option<usize>, text: Option<String>) -> Node<'static> {
    Node::new(at, text.map_or(Value::Null, |text| Value::Text(Cow::Owned(text))))
}

/// What an object or a list where one text belongs shows: its texts on one line.
pub(super) fn joined(node: &Node<'_>, wanted: Option<&str>) -> Node<'static> {
    text_node(node.at, line(node, wanted))
}

/// A list of texts made of a list holding objects or lists (each one item, its texts
/// on one line), or of an object (one item per key: `key: text`), with what was done.
pub(super) fn items(node: &Node<'_>, wanted: Option<&str>) -> (Node<'static>, &'static str) {
    let (items, how): (Vec<Node<'static>>, _) = match &node.value {
        Value::Object(members) => (
            members
                .iter()
                .filter_map(|m| {
                    Some(text_node(m.at, Some(format!("{}: {}", m.key, line(&m.value, wanted)?))))
                })
                .collect(),
            "an object where a list belongs: one item per key",
        ),
        Value::List(items) => (
            items.iter().filter_map(|i| line(i, wanted)).map(|t| text_node(node.at, Some(t))).collect(),
            "a list of objects or lists where texts belong: each item shown as its texts",
        ),
        _ => (line(node, wanted).map(|t| text_node(node.at, Some(t))).into_iter().collect(), "read as text"),
    };
    (Node::new(node.at, Value::List(items)), how)
}

/// A date made of an object (`{"year": 2019, "month": 5}` as `2019-05`; `{}` as no
/// date) or a list; what it holds otherwise is shown as written. With what was done.
pub(super) fn date(node: &Node<'_>, wanted: Option<&str>) -> (Node<'static>, String) {
    if let Value::Object(members) = &node.value {
        if members.iter().all(|m| m.value.value == Value::Null) {
            return (Node::new(node.at, Value::Null), "an empty date: no date".to_owned());
        }
        if let Some(iso) = date_parts(members) {
            let how = format!("read as {iso}");
            return (text_node(node.at, Some(iso)), how);
        }
    }
    if node.value == Value::Bool(true) || node.value == Value::Bool(false) {
        return (
            Node::new(node.at, Value::Null),
            "a yes/no value where a date belongs, so not shown".to_owned(),
        );
    }
    let written = line(node, wanted);
    (text_node(node.at, written), "a date given in parts we do not read: shown as written".to_owned())
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` from `year`, `month` (a number or a name) and
/// `day`, when that is a date.
fn date_parts(members: &[Member<'_>]) -> Option<String> {
    let part = |name: &str| {
        members.iter().rev().find(|m| m.key.eq_ignore_ascii_case(name)).and_then(|m| m.value.text())
    };
    let year: u16 = part("year")?.trim().parse().ok().filter(|y| (1000..=9999).contains(y))?;
    let month = match part("month") {
        None => return Some(format!("{year:04}")),
        Some(m) => m.trim().parse::<u8>().ok().or_else(|| month_number(m.trim()))?,
    };
    let iso = match part("day") {
        None => format!("{year:04}-{month:02}"),
        Some(d) => format!("{year:04}-{month:02}-{:02}", d.trim().parse::<u8>().ok()?),
    };
    Date::lenient(&iso).filter(|date| !matches!(date, Date::Written(_))).map(|_| iso)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::json::tree::parse;

    #[test]
    fn languages_are_chosen_as_the_resume_asks() {
        let node = parse(r#"{"de": "Ingenieurin", "en": "Engineer", "fr": "Ingénieure"}"#).unwrap();
        assert_eq!(line(&node, None).as_deref(), Some("Engineer"), "English when none is asked for");
        assert_eq!(line(&node, Some("fr-CH")).as_deref(), Some("Ingénieure"));
        let node = parse(r#"{"de": "A", "it": "B"}"#).unwrap();
        assert_eq!(line(&node, Some("es")).as_deref(), Some("A"), "else the first");
        assert!(is_language_tag("pt-BR") && is_language_tag("zh_Hant") && !is_language_tag("city"));
    }

    #[test]
    fn objects_and_lists_read_as_their_texts() {
        let location = parse(r#"{"city": "Porto", "countryCode": "PT", "remote": true}"#).unwrap();
        assert_eq!(line(&location, None).as_deref(), Some("Porto, PT"));
        let courses = parse(r#"[{"name": "Compilers", "code": "CS 420"}, "Networks"]"#).unwrap();
        let (items, _) = items(&courses, None);
        let Value::List(items) = items.value else { panic!() };
        let texts: Vec<Option<&str>> = items.iter().map(Node::text).collect();
        assert_eq!(texts, [Some("Compilers, CS 420"), Some("Networks")]);
    }

    #[test]
    fn dates_in_parts_become_the_schemas_form() {
        let cases = [
            (r#"{"year": 2019, "month": 5}"#, Some("2019-05")),
            (r#"{"year": "2019", "month": "Mai", "day": 3}"#, Some("2019-05-03")),
            (r#"{"year": 2019}"#, Some("2019")),
            (r#"{}"#, None),
            (r#"{"year": null}"#, None),
            (r#"{"season": "Spring", "year": 2019, "month": 13}"#, Some("Spring, 2019, 13")),
        ];
        for (json, expected) in cases {
            let (node, _) = date(&parse(json).unwrap(), None);
            assert_eq!(node.text(), expected, "{json}");
        }
    }
}
