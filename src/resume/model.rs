//! The résumé as data: the serde types that `resume.toml` deserialises into.
//!
//! The shape follows the JSON Resume sections (basics, work, projects, volunteer,
//! education, skills) so the export is a straight mapping. Everything the owner's CV
//! may lack (name, contact details, profiles) is optional. Two newtypes validate while
//! deserialising, so their errors carry the TOML line and column: [`Text`] refuses
//! control characters (nothing in the file can reach a visitor's terminal as an escape
//! sequence) and [`Date`] accepts only the forms the view and the export understand.
//! No I/O here: loading lives in `load.rs`.

use std::fmt;

use serde::{Deserialize, Deserializer, de};

/// The whole résumé. Unknown keys anywhere are rejected.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resume {
    pub basics: Basics,
    #[serde(default)]
    pub work: Vec<Role>,
    pub open_source: Option<Activity>,
    pub community: Option<Activity>,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub skills: Vec<SkillGroup>,
}

/// Who the résumé is about. Only `label` (the headline) is required.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basics {
    pub name: Option<Text>,
    pub label: Text,
    pub email: Option<Text>,
    pub phone: Option<Text>,
    pub url: Option<Text>,
    pub location: Option<Text>,
    /// Where the share card's QR code points (e.g. the HTTP view of this résumé).
    pub share_url: Option<Text>,
    #[serde(default)]
    pub profiles: Vec<Profile>,
    /// Paragraphs of the introduction, in order.
    #[serde(default)]
    pub summary: Vec<Text>,
    /// Key contributions, shown as their own section.
    #[serde(default)]
    pub highlights: Vec<Text>,
}

/// A profile on another site (JSON Resume `basics.profiles`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub network: Text,
    pub url: Text,
    pub username: Option<Text>,
}

/// One role at one company (JSON Resume `work`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub company: Text,
    /// Company size as written, e.g. `~150 → 1100 employees`.
    pub size: Option<Text>,
    pub position: Option<Text>,
    pub start: Date,
    pub end: Option<Date>,
    pub summary: Option<Text>,
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

/// One course of study (JSON Resume `education`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Education {
    pub institution: Text,
    pub area: Option<Text>,
    pub study_type: Option<Text>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub summary: Option<Text>,
}

/// A named group of skills (JSON Resume `skills`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillGroup {
    pub name: Text,
    #[serde(default)]
    pub keywords: Vec<Text>,
}

/// A string that is safe to put on a visitor's terminal: no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Text {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.chars().find(|c| c.is_control()) {
            Some(c) => Err(format!(
                "control character U+{:04X} is not allowed in résumé text \
                 (split paragraphs into separate list entries instead of using line breaks)",
                u32::from(c)
            )),
            None if value.trim().is_empty() => Err("text must not be empty".to_owned()),
            None => Ok(Self(value)),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Text::try_from(raw).map_err(de::Error::custom)
    }
}

/// A date as the résumé writes it: `MM/YYYY`, `YYYY`, or an open end (`now`, `current`,
/// `present`). It displays exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Date {
    Month { year: u16, month: u8 },
    Year(u16),
    Ongoing(String),
}

impl Date {
    /// The ISO 8601 form JSON Resume expects (`2025-07`, `2008`); `None` when ongoing.
    pub fn iso(&self) -> Option<String> {
        match self {
            Date::Month { year, month } => Some(format!("{year:04}-{month:02}")),
            Date::Year(year) => Some(format!("{year:04}")),
            Date::Ongoing(_) => None,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Date::Month { year, month } => write!(f, "{month:02}/{year:04}"),
            Date::Year(year) => write!(f, "{year:04}"),
            Date::Ongoing(word) => f.write_str(word),
        }
    }
}

impl std::str::FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const ONGOING: [&str; 3] = ["now", "current", "present"];
        if ONGOING.contains(&s) {
            return Ok(Date::Ongoing(s.to_owned()));
        }
        let bad = || format!("`{s}` is not a date: write `MM/YYYY`, `YYYY`, or `now`/`current`/`present`");
        let year = |y: &str| (y.len() == 4).then(|| y.parse::<u16>().ok()).flatten().ok_or_else(bad);
        match s.split_once('/') {
            Some((m, y)) => {
                let month = m.parse::<u8>().ok().filter(|m| (1..=12).contains(m) && m_len_ok(s));
                let month = month.ok_or_else(bad)?;
                Ok(Date::Month { year: year(y)?, month })
            }
            None => Ok(Date::Year(year(s)?)),
        }
    }
}

/// `MM/YYYY` always has a two-digit month.
fn m_len_ok(s: &str) -> bool {
    s.find('/') == Some(2)
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(de::Error::custom)
    }
}

/// `start — end` as written, or whichever half exists.
pub fn period(start: Option<&Date>, end: Option<&Date>) -> Option<String> {
    match (start, end) {
        (Some(s), Some(e)) => Some(format!("{s} — {e}")),
        (Some(s), None) => Some(format!("{s} —")),
        (None, Some(e)) => Some(format!("until {e}")),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_display_as_written() {
        for written in ["07/2025", "2008", "now", "current"] {
            let date: Date = written.parse().unwrap();
            assert_eq!(date.to_string(), written);
        }
    }

    #[test]
    fn dates_map_to_iso() {
        assert_eq!("07/2025".parse::<Date>().unwrap().iso().as_deref(), Some("2025-07"));
        assert_eq!("2014".parse::<Date>().unwrap().iso().as_deref(), Some("2014"));
        assert_eq!("now".parse::<Date>().unwrap().iso(), None);
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in ["7/2025", "13/2025", "2025/07", "25", "yesterday", ""] {
            assert!(bad.parse::<Date>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn text_refuses_control_characters() {
        assert!(Text::try_from("ok — é".to_owned()).is_ok());
        assert!(Text::try_from("\u{1b}[31mred".to_owned()).is_err());
        assert!(Text::try_from("two\nlines".to_owned()).is_err());
        assert!(Text::try_from("\u{9b}31m".to_owned()).is_err());
        assert!(Text::try_from("   ".to_owned()).is_err());
    }

    #[test]
    fn period_joins_what_exists() {
        let s: Date = "01/2017".parse().unwrap();
        let e: Date = "02/2019".parse().unwrap();
        assert_eq!(period(Some(&s), Some(&e)).as_deref(), Some("01/2017 — 02/2019"));
        assert_eq!(period(None, None), None);
    }
}
