//! The values of a JSON Resume file, read the way people write them: `null` anywhere
//! means absent; a number where text belongs is that text; paragraphs may be one string
//! or a list of them, and a list of items may be one string; prose is cleaned of its
//! HTML and Markdown (`markup.rs`); dates never fail (`dates.rs`). Each value names
//! what it holds ([`hint`]) so that the lenient reader (`json/reader.rs`) can make
//! other shapes into it; read straight from serde_json (`check --strict`), a type that
//! does not plainly mean the same thing (a list given as an object, a number where a
//! list belongs) is an error, raised while deserialising so that it carries its line,
//! column and path.
//!
//! Each value also writes itself back as JSON Resume wants it (`Serialize`): prose as
//! markup that reads back as the same text and links ([`markup::to_markup`]), values
//! that are not prose as they are, dates in ISO form, and what is absent as `null`
//! (which the export then leaves out).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};

use super::markup::{self, to_markup};
use super::model::{Date, Text};
use super::rich::Rich;

/// What each value asks its deserializer for, by name (serde's newtype-struct name): a
/// deserializer that reads leniently (`json/reader.rs`) makes what the file holds into
/// it; serde_json ignores the name, so the strict reading is the same as without it.
pub mod hint {
    /// One text.
    pub const TEXT: &str = "ssh_resume::text";
    /// A list of texts, or one.
    pub const TEXTS: &str = "ssh_resume::texts";
    /// A date.
    pub const DATE: &str = "ssh_resume::date";
    /// A list of entries.
    pub const ENTRIES: &str = "ssh_resume::entries";
}

/// Passes the deserializer a [`hint`] and then reads the value with `V` as it is.
struct Hinted<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Hinted<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        deserializer.deserialize_any(self.0)
    }
}

fn hinted<'de, D: Deserializer<'de>, V: Visitor<'de>>(
    deserializer: D,
    hint: &'static str,
    visitor: V,
) -> Result<V::Value, D::Error> {
    deserializer.deserialize_newtype_struct(hint, Hinted(visitor))
}

/// Prose from a JSON Resume file (HTML and Markdown made clean) as paragraphs of
/// résumé text; what is left empty is left out.
pub(crate) fn prose(raw: &str) -> Vec<Text> {
    texts(raw, Kind::Paragraphs).unwrap_or_default()
}

/// How a string becomes résumé text.
#[derive(Clone, Copy)]
enum Kind {
    /// Prose on one line (names, titles, positions).
    Line,
    /// Not prose: addresses, numbers (no markup is read).
    Plain,
    /// Prose in paragraphs.
    Paragraphs,
    /// Prose as list items.
    Items,
    /// Plain values, one a line (a street address).
    Lines,
}

fn texts(raw: &str, kind: Kind) -> Result<Vec<Text>, markup::ControlChar> {
    let riches = match kind {
        Kind::Line => markup::line(raw)?.into_iter().collect(),
        Kind::Plain => markup::plain(raw)?.map(Rich::from).into_iter().collect(),
        Kind::Paragraphs => markup::paragraphs(raw)?,
        Kind::Items => markup::items(raw)?,
        Kind::Lines => {
            let lines = raw.lines().map(markup::plain).collect::<Result<Vec<_>, _>>()?;
            lines.into_iter().flatten().map(Rich::from).collect()
        }
    };
    Ok(riches.into_iter().filter_map(Text::from_rich).collect())
}

/// Accepts text, a number (as its text) or `null`; a list or object is an error.
struct ScalarVisitor(Kind);

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Vec<Text>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<Text>, E> {
        texts(v, self.0).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<Text>, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<Text>, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<Text>, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<Text>, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<Text>, E> {
        Ok(Vec::new())
    }
}

/// Accepts one string or a list of strings (nulls in it skipped), or `null`.
struct ManyVisitor(Kind);

impl<'de> Visitor<'de> for ManyVisitor {
    type Value = Vec<Text>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of texts, or one text")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<Text>, E> {
        texts(v, self.0).map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Text>, A::Error> {
        let mut all = Vec::new();
        while let Some(Entry(texts)) = seq.next_element_seed(EntrySeed(self.0))? {
            all.extend(texts);
        }
        Ok(all)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<Text>, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<Text>, E> {
        Ok(Vec::new())
    }
}

/// One element of a list of texts: a string, a number or `null`.
struct Entry(Vec<Text>);
struct EntrySeed(Kind);

impl<'de> de::DeserializeSeed<'de> for EntrySeed {
    type Value = Entry;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Entry, D::Error> {
        deserializer.deserialize_any(ScalarVisitor(self.0)).map(Entry)
    }
}

macro_rules! one_text {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $write:expr) => {
        $(#[$doc])*
        #[derive(Debug, Default)]
        pub struct $name(pub Option<Text>);

        impl From<&Option<Text>> for $name {
            fn from(value: &Option<Text>) -> Self {
                Self(value.clone())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let write: fn(&Text) -> String = $write;
                self.0.as_ref().map(write).serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let texts = hinted(deserializer, hint::TEXT, ScalarVisitor($kind))?;
                let joined = Rich::join(texts.iter().map(Text::rich), " ");
                Ok(Self(Text::from_rich(joined)))
            }
        }
    };
}

macro_rules! many_texts {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $write:expr) => {
        $(#[$doc])*
        #[derive(Debug, Default)]
        pub struct $name(pub Vec<Text>);

        impl From<&[Text]> for $name {
            fn from(value: &[Text]) -> Self {
                Self(value.to_vec())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let write: fn(&[Text], S) -> Result<S::Ok, S::Error> = $write;
                write(&self.0, serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                hinted(deserializer, hint::TEXTS, ManyVisitor($kind)).map(Self)
            }
        }
    };
}

one_text!(
    /// Prose on one line: a name, a title. Written as markup.
    Line,
    Kind::Line,
    |text| to_markup(text.rich())
);
one_text!(
    /// A value that is not prose: an address, a phone number, a version. Written as it is.
    Plain,
    Kind::Plain,
    |text| text.as_str().to_owned()
);
many_texts!(
    /// Prose in paragraphs: one string (blank lines between paragraphs) or a list.
    /// Written as one string, a blank line between each two paragraphs.
    Paragraphs,
    Kind::Paragraphs,
    |texts, serializer| joined(texts, "\n\n", |t| to_markup(t.rich())).serialize(serializer)
);
many_texts!(
    /// A list of items, or one string of them. Written as a list.
    Items,
    Kind::Items,
    |texts, serializer| serializer.collect_seq(texts.iter().map(|t| to_markup(t.rich())))
);
many_texts!(
    /// Lines of a value that is not prose: one string with line breaks, or a list.
    /// Written as one string, a line break between each two.
    Lines,
    Kind::Lines,
    |texts, serializer| joined(texts, "\n", |t| t.as_str().to_owned()).serialize(serializer)
);

/// The texts written by `write` and joined by `separator`; `None` when there are none.
fn joined(texts: &[Text], separator: &str, write: impl Fn(&Text) -> String) -> Option<String> {
    (!texts.is_empty()).then(|| texts.iter().map(write).collect::<Vec<_>>().join(separator))
}

/// A date: any text (shown as written when it is not one we know), a year as a
/// number, or `null`. Written in ISO form, or as it was written when not understood.
#[derive(Debug, Default)]
pub struct JsonDate(pub Option<Date>);

impl From<&Option<Date>> for JsonDate {
    fn from(value: &Option<Date>) -> Self {
        Self(value.clone())
    }
}

impl Serialize for JsonDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.as_ref().and_then(Date::for_json).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for JsonDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let texts = hinted(deserializer, hint::DATE, ScalarVisitor(Kind::Plain))?;
        Ok(Self(texts.first().and_then(|t| Date::lenient(t.as_str()))))
    }
}

/// A section's list of entries; `null` entries are skipped, `null` is an empty list.
#[derive(Debug)]
pub struct Entries<T>(pub Vec<T>);

impl<T: Serialize> Serialize for Entries<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Visit<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of entries (`[ {…}, {…} ]`)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element::<Option<T>>()? {
                    entries.extend(entry);
                }
                Ok(entries)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
                Ok(Vec::new())
            }
        }
        hinted(deserializer, hint::ENTRIES, Visit(PhantomData)).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_numbers_and_one_string_for_many_are_accepted() {
        assert!(serde_json::from_str::<Line>("null").unwrap().0.is_none());
        assert_eq!(serde_json::from_str::<Plain>("3.7").unwrap().0.unwrap().as_str(), "3.7");
        let items = serde_json::from_str::<Items>(r#""Shipped it""#).unwrap();
        assert_eq!(items.0.len(), 1);
        let items = serde_json::from_str::<Items>(r#"["a", null, "", "b"]"#).unwrap();
        assert_eq!(items.0.iter().map(Text::as_str).collect::<Vec<_>>(), ["a", "b"]);
        let paras = serde_json::from_str::<Paragraphs>(r#"["One.", "Two.\n\nThree."]"#).unwrap();
        assert_eq!(paras.0.len(), 3);
        assert_eq!(serde_json::from_str::<JsonDate>("2019").unwrap().0, Some(Date::Year(2019)));
    }

    #[test]
    fn types_that_mean_something_else_are_refused() {
        let err = serde_json::from_str::<Items>("42").unwrap_err().to_string();
        assert!(err.contains("expected a list of texts"), "{err}");
        let err = serde_json::from_str::<Entries<Items>>(r#"{"a": 1}"#).unwrap_err().to_string();
        assert!(err.contains("expected a list of entries"), "{err}");
        assert!(serde_json::from_str::<Line>("true").is_err());
        assert!(serde_json::from_str::<Line>(r#"["a"]"#).is_err());
    }
}
