//! How an object's keys are read as a struct's fields, for `reader.rs`: the schema's
//! own key, another name for it ([`sections::reading`]: the 0.x schema's `company`,
//! `website`, `picture`, sections named `experience`…), or either with a language
//! prefix (`en_label`, `fr_summary`). Of duplicate keys the last is read; of one text
//! per language, the résumé's; a synonym beside the schema's key is read beside it
//! unless it repeats its text. A key outside the schema goes where the table says, or
//! (at the top) becomes a section of its own, or is noted as not shown. Every reading
//! that is not the schema's is noted with its place.

use std::borrow::Cow;

use super::objects::{self, Choice};
use super::reader::{Context, Path};
use super::sections::{self, ROOT};
use super::tree::{Member, Node, Value};

/// A struct's fields as read from an object's members.
pub(super) type Resolved<'r, 'de> = Vec<Field<'r, 'de>>;

/// One field: its name, the key it was written under (for the path of notes within
/// it), its value, and where its key was.
pub(super) struct Field<'r, 'de> {
    pub name: &'static str,
    pub key: &'r str,
    pub value: Cow<'r, Node<'de>>,
    pub at: Option<usize>,
}

impl<'r, 'de> Field<'r, 'de> {
    /// The same field owning its value, so it may outlive the members it came from.
    pub fn owned<'s>(self) -> Field<'s, 'de> {
        Field { name: self.name, key: self.name, value: Cow::Owned(self.value.into_owned()), at: self.at }
    }
}

/// How a key names a field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How<'k> {
    Schema,
    Synonym,
    /// With a language prefix (`en_`).
    Language(&'k str),
}

/// Whether any member names one of the struct's fields (so the object is an entry,
/// not entries keyed by category).
pub(super) fn any_field(name: &str, fields: &'static [&'static str], members: &[Member<'_>]) -> bool {
    members.iter().any(|m| field_of(name, fields, &m.key).is_some())
}

fn field_of<'k>(
    name: &str,
    fields: &'static [&'static str],
    key: &'k str,
) -> Option<(&'static str, How<'k>)> {
    if let Some(field) = fields.iter().find(|f| **f == key) {
        return Some((field, How::Schema));
    }
    let synonym = sections::reading(name).synonyms.iter().find(|(other, _)| *other == key);
    if let Some(field) = synonym.and_then(|(_, field)| fields.iter().find(|f| *f == field)) {
        return Some((field, How::Synonym));
    }
    let (language, rest) = language_prefixed(key)?;
    match field_of(name, fields, rest)? {
        (field, How::Schema | How::Synonym) => Some((field, How::Language(language))),
        (_, How::Language(_)) => None,
    }
}

/// `en_label` as (`en`, `label`).
fn language_prefixed(key: &str) -> Option<(&str, &str)> {
    let (language, rest) = (key.get(..2)?, key.get(3..)?);
    let separated = key.as_bytes().get(2).is_some_and(|b| *b == b'_' || *b == b'-');
    (separated && !rest.is_empty() && objects::is_language_tag(language)).then_some((language, rest))
}

/// The struct `name`'s fields from `members`, with notes for all that was read
/// otherwise than the schema says.
pub(super) fn resolve<'r, 'de>(
    cx: &Context<'de>,
    path: &Path<'_>,
    name: &'static str,
    fields: &'static [&'static str],
    members: &'r [Member<'de>],
) -> Resolved<'r, 'de> {
    let mut groups: Vec<(&'static str, Vec<(&'r Member<'de>, How<'r>)>)> = Vec::new();
    let mut unknown = Vec::new();
    for member in members {
        match field_of(name, fields, &member.key) {
            Some((field, how)) => match groups.iter_mut().find(|(f, _)| *f == field) {
                Some((_, named)) => named.push((member, how)),
                None => groups.push((field, vec![(member, how)])),
            },
            None => unknown.push(member),
        }
    }
    let mut resolved: Resolved<'r, 'de> = Vec::with_capacity(groups.len());
    for (field, named) in groups {
        if let Some((key, value, at)) = pick(cx, path, field, &last_of_each(cx, path, named), members) {
            resolved.push(Field { name: field, key, value, at });
        }
    }
    for member in unknown {
        outside(cx, path, name, member, &mut resolved);
    }
    resolved
}

/// Of a key written twice in one object, the last (JSON readers keep the last).
fn last_of_each<'r, 'de>(
    cx: &Context<'de>,
    path: &Path<'_>,
    named: Vec<(&'r Member<'de>, How<'r>)>,
) -> Vec<(&'r Member<'de>, How<'r>)> {
    let mut kept = Vec::with_capacity(named.len());
    for (index, (member, how)) in named.iter().enumerate() {
        match named[index + 1..].iter().find(|(later, _)| later.key == member.key) {
            Some((later, _)) => {
                let again = cx.line_of(later.at).map_or_else(String::new, |line| format!(" on line {line}"));
                let message = format!("written twice in one object: the later one{again} is read");
                cx.note_dropped(&Path::Key(path, &member.key), member.at, message);
            }
            None => kept.push((*member, *how)),
        }
    }
    kept
}

/// The value of one field from the members that name it.
fn pick<'r, 'de>(
    cx: &Context<'de>,
    path: &Path<'_>,
    field: &'static str,
    named: &[(&'r Member<'de>, How<'r>)],
    members: &'r [Member<'de>],
) -> Option<(&'r str, Cow<'r, Node<'de>>, Option<usize>)> {
    let (first, _) = named.first()?;
    if named.iter().any(|(_, how)| matches!(how, How::Language(_))) {
        return Some(by_language(cx, path, field, named));
    }
    let main = named.iter().find(|(_, how)| *how == How::Schema).or_else(|| named.first())?;
    let mut value = Cow::Borrowed(&main.0.value);
    if main.1 == How::Synonym {
        if repeats(&main.0.value, members, &main.0.key) {
            let message = format!("`{}` repeats another key's text: shown once", main.0.key);
            cx.note(&Path::Key(path, &main.0.key), main.0.at, message);
            return None;
        }
        cx.note(&Path::Key(path, &main.0.key), main.0.at, format!("read as `{field}`"));
    }
    for (other, _) in named.iter().filter(|(m, _)| m.key != main.0.key) {
        let at_other = Path::Key(path, &other.key);
        if objects::line(&other.value, None) == objects::line(&main.0.value, None) {
            cx.note(&at_other, other.at, format!("same text as `{}`: shown once", main.0.key));
        } else {
            cx.note(&at_other, other.at, format!("read as `{field}`, beside `{}`", main.0.key));
            value = Cow::Owned(beside(&value, &other.value));
        }
    }
    Some((&main.0.key, value, first.at))
}

/// Whether a member's text is another member's whole text (our own export writes an
/// activity's name under two keys).
fn repeats(value: &Node<'_>, members: &[Member<'_>], key: &str) -> bool {
    let text = objects::line(value, None);
    text.is_some() && members.iter().any(|m| m.key != key && objects::line(&m.value, None) == text)
}

/// One variant of a field given per language (`en_label`, `de_label`, `label`).
fn by_language<'r, 'de>(
    cx: &Context<'de>,
    path: &Path<'_>,
    field: &'static str,
    named: &[(&'r Member<'de>, How<'r>)],
) -> (&'r str, Cow<'r, Node<'de>>, Option<usize>) {
    let variants: Vec<(Option<&str>, &Node<'de>)> = named
        .iter()
        .map(|(m, how)| (if let How::Language(language) = how { Some(*language) } else { None }, &m.value))
        .collect();
    let Choice { index, shown, others } = objects::choose(&variants, cx.language.as_deref());
    let (member, _) = named[index.min(named.len() - 1)];
    let keys: Vec<&str> = named.iter().map(|(m, _)| &*m.key).collect();
    let message =
        format!("one text per language ({}): {shown} is shown; also written in {others}", keys.join(", "));
    cx.note_dropped(&Path::Key(path, field), member.at, message);
    (&member.key, Cow::Borrowed(&member.value), member.at)
}

/// Two values of one field as one list.
fn beside<'de>(first: &Node<'de>, second: &Node<'de>) -> Node<'de> {
    let items = |node: &Node<'de>| match &node.value {
        Value::List(items) => items.clone(),
        _ => vec![node.clone()],
    };
    Node::new(first.at, Value::List(items(first).into_iter().chain(items(second)).collect()))
}

/// A key outside the schema: at the top, a section of its own when it holds text;
/// elsewhere its text in the field the table names; else noted as not shown.
fn outside<'r, 'de>(
    cx: &Context<'de>,
    path: &Path<'_>,
    name: &'static str,
    member: &'r Member<'de>,
    resolved: &mut Resolved<'r, 'de>,
) {
    if member.value.value == Value::Null {
        return;
    }
    let here = Path::Key(path, &member.key);
    let note = |message: String| cx.note(&here, member.at, message);
    let more = sections::reading(name).more;
    match (name == ROOT, more) {
        (true, _) if member.key == "language" && member.value.text().is_some() => {
            note("read as the résumé's language, which chooses among texts given per language".to_owned());
        }
        (true, _) if member.value.has_text() => {
            cx.extra(&member.key, &member.value);
            note("not in the JSON Resume schema: shown as a section of its own (the `json` export keeps to the schema, so it is not there)".to_owned());
        }
        (false, Some(field)) if member.value.has_text() => {
            let Some(text) = objects::line(&member.value, cx.language.as_deref()) else { return };
            let line = format!("{}: {text}", capitalised(&member.key));
            match resolved.iter_mut().find(|f| f.name == field) {
                Some(found) => found.value = Cow::Owned(appended(&found.value, line)),
                None => {
                    let value = Cow::Owned(Node::new(member.at, Value::Text(line.into())));
                    resolved.push(Field { name: field, key: field, value, at: member.at });
                }
            }
            note(format!("not in the JSON Resume schema: shown in `{field}`"));
        }
        _ => cx.note_dropped(&here, member.at, "not in the JSON Resume schema, so not shown".to_owned()),
    }
}

/// `line` after what a field holds: another list item, or another paragraph.
fn appended<'de>(node: &Node<'de>, line: String) -> Node<'de> {
    let value = match &node.value {
        Value::List(items) => {
            Value::List(items.iter().cloned().chain([Node::new(node.at, Value::Text(line.into()))]).collect())
        }
        Value::Text(text) => Value::Text(format!("{text}\n\n{line}").into()),
        _ => Value::List(vec![node.clone(), Node::new(node.at, Value::Text(line.into()))]),
    };
    Node::new(node.at, value)
}

/// `team` as `Team`: a key as a title.
pub(super) fn capitalised(key: &str) -> String {
    let mut chars = key.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORK: &[&str] = &["name", "position", "url", "summary"];

    #[test]
    fn keys_name_fields_by_the_schema_a_synonym_or_a_language_prefix() {
        assert!(field_of("Work", WORK, "name") == Some(("name", How::Schema)));
        assert!(field_of("Work", WORK, "company") == Some(("name", How::Synonym)));
        assert!(field_of("Work", WORK, "fr_company") == Some(("name", How::Language("fr"))));
        assert!(field_of("Work", WORK, "en-summary") == Some(("summary", How::Language("en"))));
        assert!(field_of("Work", WORK, "team").is_none());
        assert!(field_of("Work", WORK, "xx_").is_none() && field_of("Work", WORK, "EN_name").is_none());
        assert!(field_of("Award", WORK, "company").is_none(), "synonyms are the type's own");
    }

    #[test]
    fn the_last_of_a_key_written_twice_is_read_and_the_earlier_noted() {
        let text = r#"{"name": "A", "name": "B"}"#;
        let root = super::super::tree::parse(text).unwrap();
        let Value::Object(members) = &root.value else { panic!() };
        let cx = Context::new(text, None);
        let fields = resolve(&cx, &Path::Root, "Work", WORK, members);
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].value.text(), Some("B"));
        let (notes, _) = cx.into_parts();
        assert_eq!((notes[0].path.as_str(), notes[0].at, notes[0].kept), ("name", Some(1), false));
    }
}
