//! The résumé as data: every section of the JSON Resume schema (basics, work, volunteer,
//! education, awards, certificates, publications, skills, languages, interests,
//! references, projects, meta), plus our own `open_source`, `community`, the basics'
//! `highlights` and `share_url`, and `extra`: sections outside the schema that a JSON
//! Resume file holds, each under its own title. `resume.toml` deserialises into these types directly;
//! a JSON Resume file is mapped into them by `json.rs`.
//!
//! Everything a CV may lack is optional, and list fields default to empty. [`Text`]
//! validates while deserialising, so its errors carry the TOML line and column: it
//! refuses control characters and drops characters that would reorder or hide text
//! (`markup::is_hidden`), so nothing in a file can reach a visitor's terminal as an
//! escape sequence or move its frame. No I/O here: loading lives in `load.rs`.

use std::fmt;

use serde::{Deserialize, Deserializer, de};

pub use super::dates::{Date, period};
use super::markup::{ControlChar, is_hidden};
use super::rich::Rich;

/// The whole résumé. Unknown keys anywhere are rejected.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resume {
    #[serde(default)]
    pub basics: Basics,
    #[serde(default)]
    pub work: Vec<Role>,
    pub open_source: Option<Activity>,
    pub community: Option<Activity>,
    #[serde(default)]
    pub projects: Vec<Project>,
    #[serde(default)]
    pub volunteer: Vec<Volunteer>,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    #[serde(default)]
    pub awards: Vec<Award>,
    #[serde(default)]
    pub publications: Vec<Publication>,
    #[serde(default)]
    pub skills: Vec<SkillGroup>,
    #[serde(default)]
    pub languages: Vec<Language>,
    #[serde(default)]
    pub interests: Vec<Interest>,
    #[serde(default)]
    pub references: Vec<Reference>,
    pub meta: Option<Meta>,
    /// Sections outside the JSON Resume schema (`[[extra]]`), shown after the others.
    #[serde(default)]
    pub extra: Vec<Extra>,
}

/// A section outside the JSON Resume schema, kept under its own title (a JSON Resume
/// file's own key, such as `hobbies`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extra {
    pub title: Text,
    #[serde(default)]
    pub items: Vec<ExtraItem>,
}

/// One entry of an [`Extra`] section: perhaps a title, and its texts in order.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraItem {
    pub title: Option<Text>,
    #[serde(default)]
    pub texts: Vec<Text>,
}

/// Who the résumé is about. Our TOML needs a name or a label (the headline, see
/// `load.rs`); a JSON Resume file without either gets a neutral title (`outline.rs`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basics {
    pub name: Option<Text>,
    pub label: Option<Text>,
    /// A picture's address: kept for the JSON export, shown nowhere.
    pub image: Option<Text>,
    pub email: Option<Text>,
    pub phone: Option<Text>,
    pub url: Option<Text>,
    pub location: Option<Location>,
    /// Where the share card's QR code points (e.g. the HTTP view of this résumé).
    pub share_url: Option<Text>,
    #[serde(default)]
    pub profiles: Vec<Profile>,
    /// Paragraphs of the introduction, in order.
    #[serde(default, deserialize_with = "one_or_many")]
    pub summary: Vec<Text>,
    /// Key contributions, shown as their own section.
    #[serde(default)]
    pub highlights: Vec<Text>,
}

/// Where the person is: in our TOML one line (`location = "Berlin"`) or the schema's
/// parts (`location = { city = "Berlin", country_code = "DE" }`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Location {
    /// Lines of the street address.
    pub address: Vec<Text>,
    pub postal_code: Option<Text>,
    pub city: Option<Text>,
    pub country_code: Option<Text>,
    pub region: Option<Text>,
}

impl Location {
    /// One line: address, postal code and city, region, country.
    pub fn shown(&self) -> Option<String> {
        let address = (!self.address.is_empty()).then(|| join_texts(&self.address, ", "));
        let postal_city = [&self.postal_code, &self.city].into_iter().flatten();
        let postal_city: Vec<&str> = postal_city.map(Text::as_str).collect();
        let postal_city = (!postal_city.is_empty()).then(|| postal_city.join(" "));
        let rest = [&self.region, &self.country_code].into_iter().flatten().map(ToString::to_string);
        let parts: Vec<String> = address.into_iter().chain(postal_city).chain(rest).collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocationParts {
    #[serde(default, deserialize_with = "one_or_many")]
    address: Vec<Text>,
    postal_code: Option<Text>,
    city: Option<Text>,
    country_code: Option<Text>,
    region: Option<Text>,
}

impl<'de> Deserialize<'de> for Location {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> de::Visitor<'de> for Visit {
            type Value = Location;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a place as text, or a table of address, postal_code, city, region, country_code")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Location, E> {
                let line = Text::try_from(v.to_owned()).map_err(E::custom)?;
                Ok(Location { address: vec![line], ..Location::default() })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Location, A::Error> {
                let parts = LocationParts::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let LocationParts { address, postal_code, city, country_code, region } = parts;
                Ok(Location { address, postal_code, city, country_code, region })
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

/// A profile on another site (JSON Resume `basics.profiles`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub network: Option<Text>,
    pub url: Option<Text>,
    pub username: Option<Text>,
}

/// One role at one company (JSON Resume `work`; `company` is the schema's `name`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub company: Option<Text>,
    /// Company size as written, e.g. `~150 → 1100 employees`.
    pub size: Option<Text>,
    /// What the company does (the schema's `description`).
    pub description: Option<Text>,
    pub position: Option<Text>,
    pub location: Option<Text>,
    pub url: Option<Text>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub summary: Vec<Text>,
    #[serde(default)]
    pub highlights: Vec<Text>,
}

/// A long-running activity without an employer: open source, community work.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub summary: Option<Text>,
    #[serde(default)]
    pub highlights: Vec<Text>,
}

/// Unpaid work for an organisation (JSON Resume `volunteer`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volunteer {
    pub organization: Option<Text>,
    pub position: Option<Text>,
    pub url: Option<Text>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub summary: Vec<Text>,
    #[serde(default)]
    pub highlights: Vec<Text>,
}

/// One course of study (JSON Resume `education`; `summary` is ours).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Education {
    pub institution: Option<Text>,
    pub url: Option<Text>,
    pub area: Option<Text>,
    pub study_type: Option<Text>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub score: Option<Text>,
    #[serde(default)]
    pub courses: Vec<Text>,
    pub summary: Option<Text>,
}

/// JSON Resume `awards`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Award {
    pub title: Option<Text>,
    pub date: Option<Date>,
    pub awarder: Option<Text>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub summary: Vec<Text>,
}

/// JSON Resume `certificates`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    pub name: Option<Text>,
    pub date: Option<Date>,
    pub issuer: Option<Text>,
    pub url: Option<Text>,
}

/// JSON Resume `publications`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    pub name: Option<Text>,
    pub publisher: Option<Text>,
    pub release_date: Option<Date>,
    pub url: Option<Text>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub summary: Vec<Text>,
}

/// A named group of skills (JSON Resume `skills`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillGroup {
    pub name: Option<Text>,
    pub level: Option<Text>,
    #[serde(default)]
    pub keywords: Vec<Text>,
}

/// JSON Resume `languages`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub language: Option<Text>,
    pub fluency: Option<Text>,
}

/// JSON Resume `interests`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interest {
    pub name: Option<Text>,
    #[serde(default)]
    pub keywords: Vec<Text>,
}

/// JSON Resume `references`: who said it, and what.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub name: Option<Text>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub reference: Vec<Text>,
}

/// JSON Resume `projects`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: Option<Text>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub description: Vec<Text>,
    #[serde(default)]
    pub highlights: Vec<Text>,
    #[serde(default)]
    pub keywords: Vec<Text>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub url: Option<Text>,
    #[serde(default)]
    pub roles: Vec<Text>,
    pub entity: Option<Text>,
    /// What kind of project (`application`, `talk`…): the schema's `type`.
    #[serde(rename = "type")]
    pub kind: Option<Text>,
}

/// JSON Resume `meta`: about the résumé document itself.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub canonical: Option<Text>,
    pub version: Option<Text>,
    /// As written (the schema's `YYYY-MM-DDThh:mm:ss`).
    pub last_modified: Option<Text>,
}

/// Résumé text that is safe to put on a visitor's terminal: not empty, no control
/// characters, nothing hidden that could reorder the line ([`is_hidden`]). Links whose
/// text differs from their target travel with it ([`Rich`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(Rich);

impl Text {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn rich(&self) -> &Rich {
        &self.0
    }

    /// Already clean text (from `markup.rs`) as résumé text; `None` when it is empty.
    pub fn from_rich(rich: Rich) -> Option<Self> {
        let clean = !rich.trim().is_empty() && !rich.chars().any(|c| c.is_control() || is_hidden(c));
        clean.then_some(Self(rich))
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a TOML string is not résumé text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error(transparent)]
    Control(#[from] ControlChar),
    #[error("text must not be empty")]
    Empty,
}

impl TryFrom<String> for Text {
    type Error = TextError;

    /// Text as written in our TOML: hidden characters dropped, control characters and
    /// blank text refused.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            return Err(ControlChar(c).into());
        }
        let value = if value.chars().any(is_hidden) {
            value.chars().filter(|c| !is_hidden(*c)).collect()
        } else {
            value
        };
        if value.trim().is_empty() {
            return Err(TextError::Empty);
        }
        Ok(Self(Rich::from(value)))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Text::try_from(raw).map_err(de::Error::custom)
    }
}

/// The texts' strings joined by `separator`.
pub fn join_texts(texts: &[Text], separator: &str) -> String {
    texts.iter().map(Text::as_str).collect::<Vec<_>>().join(separator)
}

/// Paragraphs written as one string or a list of them.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Text>, D::Error> {
    struct Visit;
    impl<'de> de::Visitor<'de> for Visit {
        type Value = Vec<Text>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("text, or a list of paragraphs")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<Text>, E> {
            Ok(vec![Text::try_from(v.to_owned()).map_err(E::custom)?])
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Text>, A::Error> {
            let mut texts = Vec::new();
            while let Some(text) = seq.next_element()? {
                texts.push(text);
            }
            Ok(texts)
        }
    }
    deserializer.deserialize_any(Visit)
}

#[cfg(test)]
mod tests;
