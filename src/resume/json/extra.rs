//! A top-level key outside the JSON Resume schema that holds text, as a section of its
//! own ([`Extra`]): its key the title; a list's objects each an entry (its `name` or
//! `title`, else its first text, as the entry's title; its other texts after it); a
//! list's texts each an entry; an object's keys each an entry with their texts. Texts
//! are cleaned as all JSON Resume prose is. Pure.

use super::keys::capitalised;
use super::objects;
use super::tree::{Member, Node, Value};
use crate::resume::json_values::prose;
use crate::resume::model::{Extra, ExtraItem, Text};

/// The section `key` holds; `None` when nothing in it is text.
pub(super) fn section(key: &str, node: &Node<'_>, language: Option<&str>) -> Option<Extra> {
    let title = one(&capitalised(key))?;
    let items: Vec<ExtraItem> = match &node.value {
        Value::List(items) => items.iter().filter_map(|item| entry(item, language)).collect(),
        Value::Object(members) if !objects::is_by_language(members) => {
            members.iter().filter_map(|m| titled(&m.key, &m.value, language)).collect()
        }
        _ => entry(node, language).into_iter().collect(),
    };
    (!items.is_empty()).then_some(Extra { title, items })
}

/// One text on one line.
fn one(raw: &str) -> Option<Text> {
    let texts = prose(raw);
    Text::from_rich(crate::resume::rich::Rich::join(texts.iter().map(Text::rich), " "))
}

/// An entry of a list: an object's title and texts, or a text.
fn entry(node: &Node<'_>, language: Option<&str>) -> Option<ExtraItem> {
    match &node.value {
        Value::Object(members) if !objects::is_by_language(members) => {
            let title_at = members
                .iter()
                .position(|m| ["name", "title"].contains(&&*m.key) && m.value.text().is_some())
                .or_else(|| members.iter().position(|m| m.value.text().is_some()));
            let title = title_at.and_then(|i| members[i].value.text()).and_then(one);
            let rest = members.iter().enumerate().filter(|(i, _)| Some(*i) != title_at).map(|(_, m)| m);
            let texts = texts(rest, language);
            (title.is_some() || !texts.is_empty()).then_some(ExtraItem { title, texts })
        }
        _ => {
            let texts = prose(&objects::line(node, language)?);
            (!texts.is_empty()).then_some(ExtraItem { title: None, texts })
        }
    }
}

/// An object's key as an entry's title, its value's texts after it.
fn titled(key: &str, node: &Node<'_>, language: Option<&str>) -> Option<ExtraItem> {
    let texts = prose(&objects::line(node, language)?);
    (!texts.is_empty()).then(|| ExtraItem { title: one(key), texts })
}

fn texts<'a, 'de: 'a>(members: impl Iterator<Item = &'a Member<'de>>, language: Option<&str>) -> Vec<Text> {
    members.filter_map(|m| objects::line(&m.value, language)).flat_map(|line| prose(&line)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::json::tree::parse;

    #[test]
    fn lists_of_objects_become_titled_entries() {
        let node =
            parse(r#"[{"year": "2019", "title": "Chess club", "details": "Captain"}, "Sailing"]"#).unwrap();
        let extra = section("hobbies", &node, None).unwrap();
        assert_eq!(extra.title.as_str(), "Hobbies");
        let first = &extra.items[0];
        assert_eq!(first.title.as_ref().map(Text::as_str), Some("Chess club"));
        assert_eq!(first.texts.iter().map(Text::as_str).collect::<Vec<_>>(), ["2019", "Captain"]);
        assert_eq!(extra.items[1].texts[0].as_str(), "Sailing");
        assert!(
            section("count", &parse("[1, true, null]").unwrap(), None).is_some_and(|e| e.items.len() == 1)
        );
        assert!(section("flags", &parse("[true, null]").unwrap(), None).is_none());
    }
}
