//! Dates as résumés write them. Our TOML accepts a few exact forms and refuses anything
//! else with the forms it accepts ([`Date::from_str`]); a JSON Resume file may hold
//! anything, and whatever is not a date we know is kept and shown as written
//! ([`Date::lenient`]), so a date never makes a file fail. Pure.

use std::fmt;

use serde::{Deserialize, Deserializer, de};

/// A date on a résumé. Dates we understand display as `MM/YYYY` or `YYYY`; open ends
/// and unrecognised dates display as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Date {
    Day {
        year: u16,
        month: u8,
        day: u8,
    },
    Month {
        year: u16,
        month: u8,
    },
    Year(u16),
    /// Still going on: `now`, `current`, `present` as written.
    Ongoing(String),
    /// Not a date we understand (`Spring 2019`), kept as written (JSON Resume only).
    Written(String),
}

const ONGOING: [&str; 3] = ["now", "current", "present"];

impl Date {
    /// The open end a JSON Resume file means by a missing, empty or `null` end date.
    pub fn present() -> Self {
        Date::Ongoing("present".to_owned())
    }

    /// The ISO 8601 form (`2025-07`, `2008`, `2014-12-01`); `None` when ongoing or not
    /// understood.
    pub fn iso(&self) -> Option<String> {
        match self {
            Date::Day { year, month, day } => Some(format!("{year:04}-{month:02}-{day:02}")),
            Date::Month { year, month } => Some(format!("{year:04}-{month:02}")),
            Date::Year(year) => Some(format!("{year:04}")),
            Date::Ongoing(_) | Date::Written(_) => None,
        }
    }

    /// What JSON Resume gets: the ISO form, a date we did not understand as it was
    /// written, nothing for an open end (the schema's way of saying "current").
    pub fn for_json(&self) -> Option<String> {
        match self {
            Date::Written(written) => Some(written.clone()),
            other => other.iso(),
        }
    }

    /// What our TOML can hold: everything but a date kept as written.
    pub fn for_toml(&self) -> Option<String> {
        match self {
            Date::Day { .. } => self.iso(),
            Date::Written(_) => None,
            other => Some(other.to_string()),
        }
    }

    /// A date from a JSON Resume file: one of our forms, an ISO date (a time after it
    /// ignored), an open end, or anything else as written. `None` for an empty string.
    pub fn lenient(raw: &str) -> Option<Date> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        if let Ok(date) = raw.parse() {
            return Some(date);
        }
        let day_part = raw.split_once(['T', ' ']).map_or(raw, |(day, _)| day);
        Some(iso(day_part).unwrap_or_else(|| Date::Written(raw.to_owned())))
    }
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
fn iso(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let year = year(parts.next()?)?;
    let month = match parts.next() {
        None => return Some(Date::Year(year)),
        Some(m) => two_digits(m).filter(|m| (1..=12).contains(m))?,
    };
    let date = match parts.next() {
        None => Date::Month { year, month },
        Some(d) => Date::Day { year, month, day: two_digits(d).filter(|d| (1..=31).contains(d))? },
    };
    parts.next().is_none().then_some(date)
}

fn year(y: &str) -> Option<u16> {
    (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())).then(|| y.parse().ok()).flatten()
}

fn two_digits(s: &str) -> Option<u8> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Date::Day { year, month, .. } | Date::Month { year, month } => write!(f, "{month:02}/{year:04}"),
            Date::Year(year) => write!(f, "{year:04}"),
            Date::Ongoing(word) | Date::Written(word) => f.write_str(word),
        }
    }
}

impl std::str::FromStr for Date {
    type Err = String;

    /// The forms our TOML accepts: `MM/YYYY`, `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or an
    /// open end (`now`, `current`, `present`, in any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if ONGOING.iter().any(|word| word.eq_ignore_ascii_case(s)) {
            return Ok(Date::Ongoing(s.to_owned()));
        }
        let bad = || {
            format!(
                "`{s}` is not a date: write `MM/YYYY`, `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `now`/`current`/`present`"
            )
        };
        match s.split_once('/') {
            Some((m, y)) => {
                let month = two_digits(m).filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                Ok(Date::Month { year: year(y).ok_or_else(bad)?, month })
            }
            None => iso(s).ok_or_else(bad),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(de::Error::custom)
    }
}

/// `start — end` as displayed, or whichever half exists; one date when both read the
/// same.
pub fn period(start: Option<&Date>, end: Option<&Date>) -> Option<String> {
    period_with(start, end, Date::to_string)
}

/// [`period`] with each date written by `show` (the web page wraps them in `<time>`).
pub fn period_with(
    start: Option<&Date>,
    end: Option<&Date>,
    show: impl Fn(&Date) -> String,
) -> Option<String> {
    match (start, end) {
        (Some(s), Some(e)) if s.to_string() == e.to_string() => Some(show(s)),
        (Some(s), Some(e)) => Some(format!("{} — {}", show(s), show(e))),
        (Some(s), None) => Some(format!("{} —", show(s))),
        (None, Some(e)) => Some(format!("until {}", show(e))),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_display_as_written() {
        for written in ["07/2025", "2008", "now", "current", "Present"] {
            let date: Date = written.parse().unwrap();
            assert_eq!(date.to_string(), written);
        }
    }

    #[test]
    fn dates_map_to_iso() {
        assert_eq!("07/2025".parse::<Date>().unwrap().iso().as_deref(), Some("2025-07"));
        assert_eq!("2014".parse::<Date>().unwrap().iso().as_deref(), Some("2014"));
        assert_eq!("2014-12-01".parse::<Date>().unwrap().iso().as_deref(), Some("2014-12-01"));
        assert_eq!("now".parse::<Date>().unwrap().iso(), None);
    }

    #[test]
    fn iso_dates_display_in_the_house_form() {
        assert_eq!("2019-05".parse::<Date>().unwrap().to_string(), "05/2019");
        assert_eq!("2019-05-17".parse::<Date>().unwrap().to_string(), "05/2019");
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in ["7/2025", "13/2025", "2025/07", "25", "yesterday", "", "2025-13", "2025-1-01", "May 2019"]
        {
            let err = bad.parse::<Date>().unwrap_err();
            assert!(err.contains("MM/YYYY"), "{bad}: {err}");
        }
    }

    #[test]
    fn json_dates_never_fail() {
        let cases = [
            ("2019", Some(Date::Year(2019))),
            ("2019-05", Some(Date::Month { year: 2019, month: 5 })),
            ("2019-05-17", Some(Date::Day { year: 2019, month: 5, day: 17 })),
            ("2017-12-24T15:53:00", Some(Date::Day { year: 2017, month: 12, day: 24 })),
            ("Present", Some(Date::Ongoing("Present".into()))),
            (" now ", Some(Date::Ongoing("now".into()))),
            ("Spring 2019", Some(Date::Written("Spring 2019".into()))),
            ("", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(Date::lenient(raw), expected, "{raw}");
        }
        assert_eq!(Date::lenient("Spring 2019").unwrap().for_json().as_deref(), Some("Spring 2019"));
        assert_eq!(Date::lenient("Spring 2019").unwrap().for_toml(), None);
    }

    #[test]
    fn period_joins_what_exists() {
        let s: Date = "01/2017".parse().unwrap();
        let e: Date = "02/2019".parse().unwrap();
        assert_eq!(period(Some(&s), Some(&e)).as_deref(), Some("01/2017 — 02/2019"));
        assert_eq!(period(None, None), None);
    }
}
