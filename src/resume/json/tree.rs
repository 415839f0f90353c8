//! A JSON document as a tree that remembers where its parts were written, for the
//! lenient reading (`reader.rs`): every key of every object, duplicates included and in
//! order, and the byte offset of each key and string. serde_json reads the text (so a
//! syntax error is its error, with its line and column); strings it hands over borrowed
//! from the text tell their own offset, and a string with escapes borrows nothing, so
//! its position is that of the key above it. Depth is serde_json's bound (128). Pure.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A value and the byte offset where it starts, when known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    pub at: Option<usize>,
    pub value: Value<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// A number as résumé text shows it (`3.8`, `2019`).
    Number(String),
    Text(Cow<'a, str>),
    List(Vec<Node<'a>>),
    /// Members in the order written; a key may come more than once.
    Object(Vec<Member<'a>>),
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member<'a> {
    pub key: Cow<'a, str>,
    /// Where the key's opening quote is, when known.
    pub at: Option<usize>,
    pub value: Node<'a>,
}

impl<'a> Node<'a> {
    pub fn new(at: Option<usize>, value: Value<'a>) -> Self {
        Self { at, value }
    }

    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Text(text) => Some(text),
            Value::Number(number) => Some(number),
            _ => None,
        }
    }

    /// Whether the value holds a string anywhere: text a reader would see.
    pub fn has_text(&self) -> bool {
        match &self.value {
            Value::Text(text) => !text.trim().is_empty(),
            Value::List(items) => items.iter().any(Node::has_text),
            Value::Object(members) => members.iter().any(|m| m.value.has_text()),
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }
}

/// Reads `text` (one JSON value, nothing after it) into a tree.
pub(crate) fn parse(text: &str) -> Result<Node<'_>, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_str(text);
    let node = Seed { base: text }.deserialize(&mut json)?;
    json.end()?;
    Ok(node)
}

/// Reads one value; `base` is the whole text, which borrowed strings point into.
#[derive(Clone, Copy)]
pub(crate) struct Seed<'a> {
    pub base: &'a str,
}

impl<'a> Seed<'a> {
    /// Where `part` starts in the text, if it is a slice of it.
    fn offset(self, part: &str) -> Option<usize> {
        let start = self.base.as_ptr().addr();
        let at = part.as_ptr().addr();
        (at >= start && at + part.len() <= start + self.base.len()).then(|| at - start)
    }

    /// A borrowed string's node, at its opening quote.
    fn borrowed(self, text: &'a str) -> Node<'a> {
        Node::new(self.offset(text).map(|at| at.saturating_sub(1)), Value::Text(Cow::Borrowed(text)))
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'de> {
    type Value = Node<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'de> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::new(None, Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::new(None, Value::Number(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::new(None, Value::Number(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node<'de>, E> {
        Ok(Node::new(None, Value::Number(v.to_string())))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(self.borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::new(None, Value::Text(Cow::Owned(v.to_owned()))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node<'de>, E> {
        Ok(Node::new(None, Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Node<'de>, E> {
        Ok(Node::new(None, Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Node::new(items.first().and_then(|item| item.at), Value::List(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(self)? {
            let mut value = map.next_value_seed(self)?;
            value.at = value.at.or(key.at);
            let key_text = match key.value {
                Value::Text(text) => text,
                _ => Cow::Borrowed(""),
            };
            members.push(Member { key: key_text, at: key.at, value });
        }
        Ok(Node::new(members.first().and_then(|m| m.at), Value::Object(members)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_strings_know_where_they_are() {
        let text = "{\n  \"a\": \"x\",\n  \"a\": [1, \"y\"],\n  \"b\\u0041\": {\"c\": true}\n}";
        let root = parse(text).unwrap();
        let Value::Object(members) = &root.value else { panic!("{root:?}") };
        let keys: Vec<(&str, Option<usize>)> = members.iter().map(|m| (&*m.key, m.at)).collect();
        assert_eq!(keys, [("a", Some(4)), ("a", Some(16)), ("bA", None)], "duplicates kept, in order");
        assert_eq!(members[0].value.at, Some(9));
        let Value::List(items) = &members[1].value.value else { panic!() };
        assert_eq!((items[0].text(), items[1].at), (Some("1"), Some(25)));
        assert!(members[1].value.has_text() && !members[2].value.has_text());
    }

    #[test]
    fn syntax_errors_are_serde_jsons() {
        let err = parse("{\"a\": [1,]}").unwrap_err();
        assert_eq!((err.line(), err.column()), (1, 10));
        assert!(parse("{} {}").is_err(), "one value only");
        assert!(parse(&"[".repeat(200)).unwrap_err().to_string().contains("recursion limit"));
    }
}
