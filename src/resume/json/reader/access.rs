//! The serde access types the reader presents a value through: a struct's resolved
//! fields, a list's elements, one value as a list of one, and an object that is one
//! entry or entries keyed by category.

use std::cell::Cell;

use serde::de::value::{Error, StrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess};

use super::super::keys::Resolved;
use super::super::tree::{Member, Node};
use super::{Mode, NULL, Path, Reader, Shape};

/// A struct's fields, as [`keys::resolve`](super::keys::resolve) read them.
pub(super) struct FieldsAccess<'r, 'de> {
    pub reader: Reader<'r, 'de>,
    pub fields: Resolved<'r, 'de>,
    pub next: usize,
}

impl<'r, 'de> MapAccess<'de> for FieldsAccess<'r, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some(field) = self.fields.get(self.next) else { return Ok(None) };
        let key: StrDeserializer<'_, Error> = field.name.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let index = self.next;
        self.next += 1;
        let Some(field) = self.fields.get(index) else { return seed.deserialize(self.reader.with(&NULL)) };
        let path = Path::Key(self.reader.path, field.key);
        let at = field.value.at.or(field.at).or(self.reader.at);
        let node = &*field.value;
        seed.deserialize(Reader { node, at, path: &path, cx: self.reader.cx, mode: Mode::Plain })
    }
}

/// The elements of a list.
pub(super) struct Items<'r, 'de> {
    pub reader: Reader<'r, 'de>,
    pub items: &'r [Node<'de>],
    pub next: usize,
}

impl<'r, 'de> SeqAccess<'de> for Items<'r, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(node) = self.items.get(self.next) else { return Ok(None) };
        let path = Path::Index(self.reader.path, self.next);
        self.next += 1;
        let at = node.at.or(self.reader.at);
        seed.deserialize(Reader { node, at, path: &path, cx: self.reader.cx, mode: Mode::Plain }).map(Some)
    }
}

/// One value presented as a list of one.
pub(super) struct One<'r, 'de> {
    pub reader: Option<Reader<'r, 'de>>,
}

impl<'r, 'de> SeqAccess<'de> for One<'r, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        match self.reader.take() {
            Some(reader) => seed.deserialize(Reader { mode: Mode::Plain, ..reader }).map(Some),
            None => Ok(None),
        }
    }
}

/// An object where a list of entries belongs: first the object as an entry, whose
/// struct decides whether it is one entry or entries keyed by category; then, when
/// keyed, one entry per further key.
pub(super) struct OneOrKeyed<'r, 'de> {
    pub reader: Reader<'r, 'de>,
    pub members: &'r [Member<'de>],
    pub shape: Cell<Option<Shape>>,
    pub next: usize,
}

impl<'r, 'de> SeqAccess<'de> for OneOrKeyed<'r, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let index = self.next;
        self.next += 1;
        if index == 0 {
            let first = Reader { mode: Mode::FirstOf(&self.shape), ..self.reader };
            return seed.deserialize(first).map(Some);
        }
        let (Some(Shape::Keyed), Some(member)) = (self.shape.get(), self.members.get(index)) else {
            return Ok(None);
        };
        let path = Path::Key(self.reader.path, &member.key);
        let at = member.at.or(self.reader.at);
        let entry = Reader {
            node: &member.value,
            at,
            path: &path,
            cx: self.reader.cx,
            mode: Mode::Keyed(&member.key),
        };
        seed.deserialize(entry).map(Some)
    }
}

/// An object with nothing in it.
pub(super) struct Empty;

impl<'de> MapAccess<'de> for Empty {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _seed: K) -> Result<Option<K::Value>, Error> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _seed: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("no value"))
    }
}
