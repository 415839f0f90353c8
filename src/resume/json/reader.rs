//! The lenient reading of a JSON Resume file: a serde `Deserializer` over the tree
//! (`tree.rs`) that the schema's own types (`sections.rs`) are read through, so the
//! schema stays written once. Where the file is not what the schema says but its
//! meaning is plain, the reader gives the type what it asks for and notes, with the
//! place, how it read it ([`Note`]); it never refuses valid JSON.
//!
//! What a type asks for comes from its field types (`json_values.rs`), which name what
//! they hold ([`hint`]): one text, a list of texts, a date, a list of entries; an entry
//! is a struct, whose field names serde passes along. Keys are read as the schema's
//! through [`sections::reading`]'s synonyms and language prefixes (`en_label`); one text
//! per language is chosen by [`Context::language`]; the last of duplicate keys wins;
//! keys outside the schema go where that table says, or into the résumé's extra
//! sections at the top level, or are noted as not shown. Objects and lists become the
//! text they hold (`objects.rs`), dates their schema form (`dates.rs`).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::value::Error;
use serde::de::{self, Deserializer, Visitor};

use super::keys;
use super::objects::{self, Choice};
use super::sections;
use super::tree::{Member, Node, Value};
use crate::resume::dates::{Date, Reading};
use crate::resume::json_values::hint;

mod access;

use access::{Empty, FieldsAccess, Items, One, OneOrKeyed};

/// Something read otherwise than the schema says, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    /// The JSON path, `work[0].company`.
    pub path: String,
    /// The byte offset it is about, when known.
    pub at: Option<usize>,
    pub message: String,
    /// Whether all it holds is still shown (and imported); not so for a key not shown,
    /// the other languages of a text, the earlier of duplicate keys.
    pub kept: bool,
}

/// What a reading shares: the language to show, and what it noticed.
pub(crate) struct Context<'de> {
    /// The file's text, for line numbers in notes.
    text: &'de str,
    /// The language to show where a text is given in several (`en`, `de`).
    pub language: Option<String>,
    notes: RefCell<Vec<Note>>,
    /// Top-level keys outside the schema that hold text, to be shown as sections.
    extra: RefCell<Vec<(String, Node<'de>)>>,
}

impl<'de> Context<'de> {
    pub fn new(text: &'de str, language: Option<String>) -> Self {
        Self { text, language, notes: RefCell::default(), extra: RefCell::default() }
    }

    /// The 1-based line of byte `at`.
    pub(super) fn line_of(&self, at: Option<usize>) -> Option<usize> {
        let before = self.text.get(..at?)?;
        Some(before.bytes().filter(|b| *b == b'\n').count() + 1)
    }

    pub fn into_parts(self) -> (Vec<Note>, Vec<(String, Node<'de>)>) {
        (self.notes.into_inner(), self.extra.into_inner())
    }

    /// Notes something read otherwise than the schema says, all of it still shown.
    pub(super) fn note(&self, path: &Path<'_>, at: Option<usize>, message: String) {
        self.notes.borrow_mut().push(Note { path: path.to_string(), at, message, kept: true });
    }

    /// Notes something (some of) which is not shown.
    pub(super) fn note_dropped(&self, path: &Path<'_>, at: Option<usize>, message: String) {
        self.notes.borrow_mut().push(Note { path: path.to_string(), at, message, kept: false });
    }

    /// A top-level key outside the schema whose text is to be shown as a section.
    pub(super) fn extra(&self, key: &str, node: &Node<'de>) {
        self.extra.borrow_mut().push((key.to_owned(), node.clone()));
    }
}

/// Reads `T` (the whole document) from `root`.
pub(crate) fn read<'de, T: de::Deserialize<'de>>(root: &Node<'de>, cx: &Context<'de>) -> Result<T, Error> {
    T::deserialize(Reader { node: root, at: root.at, path: &Path::Root, cx, mode: Mode::Plain })
}

/// A date as the schema writes it, or what an open end means.
fn schema_form(date: &Date) -> String {
    date.iso().unwrap_or_else(|| match date {
        Date::Ongoing(_) => "an open end (until now)".to_owned(),
        other => other.to_string(),
    })
}

/// A JSON path as a chain of parents, rendered only when a note needs it.
#[derive(Clone, Copy)]
pub(crate) enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// How the node is to be presented.
#[derive(Clone, Copy)]
enum Mode<'r> {
    Plain,
    /// One value where a list belongs: a list of one.
    OneItem,
    /// An object where a list of entries belongs: one entry, or entries keyed by
    /// category; which, the first entry's struct decides.
    OneOrKeyed,
    /// The object itself, as the first entry of [`Mode::OneOrKeyed`].
    FirstOf(&'r Cell<Option<Shape>>),
    /// One entry of entries keyed by category, under this key.
    Keyed(&'r str),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    One,
    Keyed,
}

#[derive(Clone, Copy)]
struct Reader<'r, 'de> {
    node: &'r Node<'de>,
    /// The nearest known position: the node's own, else its key's.
    at: Option<usize>,
    path: &'r Path<'r>,
    cx: &'r Context<'de>,
    mode: Mode<'r>,
}

const NULL: Node<'static> = Node { at: None, value: Value::Null };

impl<'r, 'de> Reader<'r, 'de> {
    /// The same place, another node (a synthetic one: what the reader made of it).
    fn with<'s>(&self, node: &'s Node<'de>) -> Reader<'s, 'de>
    where
        'r: 's,
    {
        Reader { node, at: node.at.or(self.at), path: self.path, cx: self.cx, mode: Mode::Plain }
    }

    fn note(&self, message: impl Into<String>) {
        self.cx.note(self.path, self.at, message.into());
    }

    fn note_dropped(&self, message: impl Into<String>) {
        self.cx.note_dropped(self.path, self.at, message.into());
    }

    /// Text as résumé text takes it: control characters other than line breaks and
    /// tabs are removed (they could move a terminal's cursor), with a note.
    fn visit_text<V: Visitor<'de>>(self, text: &'r Cow<'de, str>, visitor: V) -> Result<V::Value, Error> {
        if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            let clean: String = text.chars().filter(|c| !c.is_control() || c.is_whitespace()).collect();
            self.note("control characters removed: they are not text");
            return visitor.visit_string(clean);
        }
        match text {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_str(text),
        }
    }

    /// One text (a name, a title, a line of prose).
    fn as_text<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Text(_) | Value::Number(_) | Value::Null => visitor.visit_newtype_struct(self),
            Value::Bool(_) => {
                self.note_dropped("a yes/no value where text belongs, so not shown");
                visitor.visit_newtype_struct(self.with(&NULL))
            }
            Value::Object(members) if objects::is_by_language(members) => {
                let chosen = self.choose(members);
                self.with(chosen).as_text(visitor)
            }
            Value::Object(_) | Value::List(_) => {
                let joined = objects::joined(self.node, self.cx.language.as_deref());
                self.note(match &self.node.value {
                    Value::List(_) => "a list where one text belongs: its items are shown joined",
                    _ => "an object where text belongs: its texts are shown joined",
                });
                visitor.visit_newtype_struct(self.with(&joined))
            }
        }
    }

    /// A list of texts (paragraphs, items, lines).
    fn as_texts<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Text(_) | Value::Null => visitor.visit_newtype_struct(self),
            Value::Number(_) => {
                self.note("a number where a list of texts belongs: read as one text");
                visitor.visit_newtype_struct(self)
            }
            Value::Bool(_) => {
                self.note_dropped("a yes/no value where text belongs, so not shown");
                visitor.visit_newtype_struct(self.with(&NULL))
            }
            Value::List(items) if items.iter().all(|i| i.text().is_some() || i.value == Value::Null) => {
                visitor.visit_newtype_struct(self)
            }
            Value::Object(members) if objects::is_by_language(members) => {
                let chosen = self.choose(members);
                self.with(chosen).as_texts(visitor)
            }
            Value::List(_) | Value::Object(_) => {
                let (items, how) = objects::items(self.node, self.cx.language.as_deref());
                self.note(how);
                visitor.visit_newtype_struct(self.with(&items))
            }
        }
    }

    /// A date: its schema form where its meaning is plain, else as written.
    fn as_date<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Null => visitor.visit_newtype_struct(self),
            Value::Text(text) => {
                self.note_date(text);
                visitor.visit_newtype_struct(self)
            }
            Value::Number(number) => {
                self.note_date(number);
                visitor.visit_newtype_struct(self)
            }
            Value::Object(members) if objects::is_by_language(members) => {
                let chosen = self.choose(members);
                self.with(chosen).as_date(visitor)
            }
            _ => {
                let (date, how) = objects::date(self.node, self.cx.language.as_deref());
                match date.value == Value::Null && self.node.has_text() {
                    true => self.note_dropped(how),
                    false => self.note(how),
                }
                visitor.visit_newtype_struct(self.with(&date))
            }
        }
    }

    fn note_date(&self, written: &str) {
        match Date::reading(written) {
            Reading::Schema => {}
            Reading::Understood(date) => self.note(format!("`{written}` read as {}", schema_form(&date))),
            Reading::AsWritten(why) => self.note(format!("`{written}` {why}: shown as written")),
        }
    }

    /// A list of entries.
    fn as_entries<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mode = match &self.node.value {
            Value::List(_) | Value::Null => Mode::Plain,
            Value::Object(members) if members.is_empty() => {
                return visitor.visit_newtype_struct(self.with(&NULL));
            }
            Value::Object(members) if objects::is_by_language(members) => {
                let chosen = self.choose(members);
                return self.with(chosen).as_entries(visitor);
            }
            Value::Object(_) => Mode::OneOrKeyed,
            Value::Text(_) | Value::Number(_) | Value::Bool(_) => {
                self.note("one value where a list of entries belongs: read as a list of one");
                Mode::OneItem
            }
        };
        visitor.visit_newtype_struct(Reader { mode, ..self })
    }

    /// The variant of a text given per language that the résumé shows, with a note
    /// naming the others.
    fn choose<'m>(&self, members: &'m [Member<'de>]) -> &'m Node<'de> {
        let variants: Vec<(Option<&str>, &Node<'de>)> =
            members.iter().map(|m| (Some(&*m.key), &m.value)).collect();
        let Choice { index, shown, others } = objects::choose(&variants, self.cx.language.as_deref());
        self.note_dropped(format!("one text per language: {shown} is shown; also written in {others}"));
        variants[index].1
    }

    fn struct_members<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        members: &'r [Member<'de>],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let fields = keys::resolve(self.cx, self.path, name, fields, members);
        visitor.visit_map(FieldsAccess { reader: self, fields, next: 0 })
    }

    /// One entry of entries keyed by category: the key is its title, the value its
    /// fields (an object) or its list.
    fn keyed_entry<V: Visitor<'de>>(
        self,
        key: &str,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let title = fields.first().copied().unwrap_or("name");
        let key_node = Node::new(self.at, Value::Text(key.to_owned().into()));
        let mut members = match &self.node.value {
            Value::Object(members) => members.clone(),
            _ => {
                let list = sections::reading(name).items.unwrap_or(title);
                vec![Member { key: list.into(), at: self.at, value: self.node.clone() }]
            }
        };
        if !members.iter().any(|m| m.key == title) {
            members.insert(0, Member { key: title.into(), at: self.at, value: key_node });
        }
        let fields = keys::resolve(self.cx, self.path, name, fields, &members);
        let fields = fields.into_iter().map(keys::Field::owned).collect();
        visitor.visit_map(FieldsAccess { reader: self, fields, next: 0 })
    }

    /// The object where a list of entries belongs, as its first entry: the entry itself
    /// when a key names one of the struct's fields, else the first of entries keyed by
    /// category (`shape` tells the list which).
    fn first_of<V: Visitor<'de>>(
        self,
        shape: &Cell<Option<Shape>>,
        name: &'static str,
        fields: &'static [&'static str],
        members: &'r [Member<'de>],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if keys::any_field(name, fields, members) {
            shape.set(Some(Shape::One));
            self.note("one entry where a list of entries belongs: read as a list of one");
            return self.struct_members(name, fields, members, visitor);
        }
        shape.set(Some(Shape::Keyed));
        self.note("entries keyed by category: one entry per key, the key its title");
        let Some(first) = members.first() else { return visitor.visit_map(Empty) };
        let path = Path::Key(self.path, &first.key);
        let at = first.at.or(self.at);
        let entry =
            Reader { node: &first.value, at, path: &path, cx: self.cx, mode: Mode::Keyed(&first.key) };
        entry.keyed_entry(&first.key, name, fields, visitor)
    }

    /// A list of objects where one entry belongs: their keys read as one object's.
    fn merged<V: Visitor<'de>>(
        self,
        items: &'r [Node<'de>],
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.note("a list where one entry belongs: its objects are read as one");
        let merged: Vec<Member<'de>> = items
            .iter()
            .flat_map(|i| match &i.value {
                Value::Object(members) => members.clone(),
                _ => Vec::new(),
            })
            .collect();
        let fields = keys::resolve(self.cx, self.path, name, fields, &merged);
        let fields = fields.into_iter().map(keys::Field::owned).collect();
        visitor.visit_map(FieldsAccess { reader: self, fields, next: 0 })
    }

    /// A text where an entry belongs: the entry's first field, its title.
    fn titled<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        let title = fields.first().copied().unwrap_or("name");
        self.note(format!("a text where an entry belongs: read as its `{title}`"));
        let value = Cow::Borrowed(self.node);
        let fields = vec![keys::Field { name: title, key: title, value, at: self.at }];
        visitor.visit_map(FieldsAccess { reader: self, fields, next: 0 })
    }
}

impl<'r, 'de> Deserializer<'de> for Reader<'r, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.mode {
            Mode::OneItem => return visitor.visit_seq(One { reader: Some(self) }),
            Mode::OneOrKeyed => {
                if let Value::Object(members) = &self.node.value {
                    return visitor.visit_seq(OneOrKeyed {
                        reader: self,
                        members,
                        shape: Cell::new(None),
                        next: 0,
                    });
                }
            }
            Mode::Plain | Mode::FirstOf(_) | Mode::Keyed(_) => {}
        }
        match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(*value),
            Value::Number(number) => visitor.visit_str(number),
            Value::Text(text) => self.visit_text(text, visitor),
            Value::List(items) => visitor.visit_seq(Items { reader: self, items, next: 0 }),
            Value::Object(_) => {
                let text = objects::joined(self.node, self.cx.language.as_deref());
                match &text.value {
                    Value::Text(text) => visitor.visit_str(text),
                    _ => visitor.visit_unit(),
                }
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match (&self.node.value, self.mode) {
            (Value::Null, Mode::Plain | Mode::Keyed(_)) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match name {
            hint::TEXT => self.as_text(visitor),
            hint::TEXTS => self.as_texts(visitor),
            hint::DATE => self.as_date(visitor),
            hint::ENTRIES => self.as_entries(visitor),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match (self.mode, &self.node.value) {
            (Mode::Keyed(key), _) => self.keyed_entry(key, name, fields, visitor),
            (Mode::FirstOf(shape), Value::Object(members)) => {
                self.first_of(shape, name, fields, members, visitor)
            }
            (_, Value::Object(members)) => self.struct_members(name, fields, members, visitor),
            (_, Value::Null) => visitor.visit_map(Empty),
            (_, Value::Bool(_)) => {
                self.note_dropped("a yes/no value where an entry belongs, so not shown");
                visitor.visit_map(Empty)
            }
            (_, Value::List(items)) if items.iter().all(|i| matches!(i.value, Value::Object(_))) => {
                self.merged(items, name, fields, visitor)
            }
            (_, Value::Text(_) | Value::Number(_) | Value::List(_)) => self.titled(fields, visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map enum identifier
    }
}
