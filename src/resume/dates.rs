//! Dates as résumés write them. Our TOML accepts a few exact forms and refuses anything
//! else ([`Date::from_str`], a [`DateError`] naming the forms it accepts, or the
//! calendar's reason for a day that does not exist); a JSON Resume file may hold
//! anything, and whatever is not a date we know (`2000-06-31` included) is kept and
//! shown as written ([`Date::lenient`]), so a date never makes a file fail. Days are
//! checked against the Gregorian calendar ([`days_in_month`]). Pure.

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

/// Why text in our TOML is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error(
        "`{0}` is not a date: write `MM/YYYY`, `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `now`/`current`/`present`"
    )]
    Form(String),
    /// A day the month does not have (`2025-02-31`).
    #[error("`{written}` is not a date: {} has {days} days{} (write a day from 01 to {days})", month_year(*.year, *.month), leap_note(*.year, *.month, *.day))]
    NoSuchDay { written: String, year: u16, month: u8, day: u8, days: u8 },
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_year(year: u16, month: u8) -> String {
    let name = MONTHS.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or("that month");
    format!("{name} {year}")
}

/// Why 29 February is missing, when that is the day asked for.
fn leap_note(year: u16, month: u8, day: u8) -> String {
    if month == 2 && day == 29 { format!(" ({year} is not a leap year)") } else { String::new() }
}

/// How many days `month` (1–12) of `year` has in the Gregorian calendar: February has
/// 29 in years divisible by 4, except centuries not divisible by 400; 0 for a month
/// that does not exist.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

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

    /// A date from a JSON Resume file, as [`Date::reading`] reads it: the schema's form,
    /// one whose meaning is plain, or anything else as written. `None` for an empty
    /// string.
    pub fn lenient(raw: &str) -> Option<Date> {
        let raw = raw.trim();
        match Date::reading(raw) {
            Reading::Schema => iso(day_part(raw)),
            Reading::Understood(date) => Some(date),
            Reading::AsWritten(_) => Some(Date::Written(raw.to_owned())),
        }
    }

    /// How a date in a JSON Resume file reads. The schema's form is ISO 8601
    /// (`2019`, `2019-05`, `2019-05-17`, a time after it ignored). Understood besides:
    /// an open end (`Present`, `now`, `current`, `today`, `ongoing`, any case), our
    /// `MM/YYYY`, `DD-MM-YYYY` and `DD.MM.YYYY` (day first, as dashes and dots are
    /// written), `MM/DD/YYYY` or `DD/MM/YYYY` where a part over 12 says which, `YYYY/MM`,
    /// a month's name or its English abbreviation beside a year (and a day),
    /// in English, French, German, Spanish, Italian, Portuguese or Dutch
    /// (`Février 2017`, `May 17, 2019`, `Jan-2020`), and a trailing separator
    /// (`1987-01-`). Anything else, an impossible day included, is kept as written.
    pub fn reading(raw: &str) -> Reading {
        let raw = raw.trim();
        if raw.is_empty() || iso(day_part(raw)).is_some() {
            return Reading::Schema;
        }
        if ONGOING_WORDS.iter().any(|word| word.eq_ignore_ascii_case(raw)) {
            return Reading::Understood(Date::Ongoing(raw.to_owned()));
        }
        if let Some(date) = understood(raw) {
            return Reading::Understood(date);
        }
        match iso_form(day_part(raw)).and_then(|date| no_such_day(&date)) {
            Some(err) => Reading::AsWritten(err),
            None => Reading::AsWritten("is not a date in a form we read".to_owned()),
        }
    }
}

/// How [`Date::reading`] read a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// As the schema writes dates (or empty).
    Schema,
    /// Another form whose meaning is plain, and what it means.
    Understood(Date),
    /// Not understood; why, to be said after the date as written.
    AsWritten(String),
}

/// Words for an open end a JSON Resume file may use.
const ONGOING_WORDS: [&str; 5] = ["present", "now", "current", "today", "ongoing"];

/// The date without a time after it (`2017-12-24T15:53:00`).
fn day_part(raw: &str) -> &str {
    raw.split_once(['T', ' ']).map_or(raw, |(day, _)| day)
}

/// Why an ISO-shaped date is not a day, if it is not.
fn no_such_day(date: &Date) -> Option<String> {
    let Date::Day { year, month, day } = *date else { return None };
    let days = days_in_month(year, month);
    (!(1..=days).contains(&day)).then(|| {
        format!("is not a day ({} has {days} days{})", month_year(year, month), leap_note(year, month, day))
    })
}

/// A date in one of the other forms [`Date::reading`] understands.
fn understood(raw: &str) -> Option<Date> {
    let trimmed = raw.trim_end_matches(['-', '.', '/', ',']).trim_end();
    if trimmed.len() < raw.len() && !trimmed.is_empty() {
        return iso(trimmed).or_else(|| understood(trimmed));
    }
    numeric(raw).or_else(|| named(raw))
}

/// `DD-MM-YYYY`, `DD.MM.YYYY`, `MM/DD/YYYY` or `DD/MM/YYYY` (where unambiguous),
/// `MM/YYYY`, `MM-YYYY`, `YYYY/MM`.
fn numeric(raw: &str) -> Option<Date> {
    let separator = raw.chars().find(|c| ['-', '.', '/'].contains(c))?;
    let parts: Vec<&str> = raw.split(separator).collect();
    let number = |s: &str| (1..=2).contains(&s.len()).then(|| s.parse::<u8>().ok()).flatten();
    let date = match parts.as_slice() {
        [a, b, y] => {
            let (a, b, year) = (number(a)?, number(b)?, year(y)?);
            let (day, month) = match separator {
                '/' if a > 12 => (a, b),
                '/' if b > 12 => (b, a),
                '/' if a != b => return None,
                _ => (a, b),
            };
            Date::Day { year, month, day }
        }
        [m, y] if y.len() == 4 => Date::Month { year: year(y)?, month: number(m)? },
        [y, m] if y.len() == 4 => Date::Month { year: year(y)?, month: number(m)? },
        _ => return None,
    };
    exists(date)
}

/// A month's name beside a year, and perhaps a day: `Février 2017`, `May 17, 2019`,
/// `17 mai 2019`, `Jan-2020`, `2019 März`.
fn named(raw: &str) -> Option<Date> {
    let words: Vec<&str> = raw.split([' ', '-', ',', '.', '/']).filter(|w| !w.is_empty()).collect();
    let month = words.iter().find_map(|w| month_number(w))?;
    let years: Vec<u16> = words.iter().filter_map(|w| year(w)).collect();
    let days: Vec<u8> = words
        .iter()
        .filter(|w| (1..=2).contains(&w.len()))
        .filter_map(|w| w.trim_end_matches(['.']).parse().ok())
        .collect();
    let named_words = words.iter().filter(|w| month_number(w).is_some()).count();
    if years.len() != 1 || named_words != 1 || words.len() != 2 + days.len() || days.len() > 1 {
        return None;
    }
    let year = years[0];
    exists(match days.first() {
        Some(&day) => Date::Day { year, month, day },
        None => Date::Month { year, month },
    })
}

/// The date when its month and day exist.
fn exists(date: Date) -> Option<Date> {
    match date {
        Date::Day { year, month, day } if !(1..=days_in_month(year, month)).contains(&day) => None,
        Date::Month { month, .. } if !(1..=12).contains(&month) => None,
        date => Some(date),
    }
}

/// Months by name, lower case without accents: English, French, German, Spanish,
/// Italian, Portuguese and Dutch, and the English three-letter abbreviations.
const MONTH_NAMES: [&[&str]; 12] = [
    &["january", "jan", "janvier", "januar", "enero", "gennaio", "janeiro", "januari"],
    &["february", "feb", "fevrier", "februar", "febrero", "febbraio", "fevereiro", "februari"],
    &["march", "mar", "mars", "marz", "marzo", "marco", "maart"],
    &["april", "apr", "avril", "abril", "aprile"],
    &["may", "mai", "mayo", "maggio", "maio", "mei"],
    &["june", "jun", "juin", "juni", "junio", "giugno", "junho"],
    &["july", "jul", "juillet", "juli", "julio", "luglio", "julho"],
    &["august", "aug", "aout", "agosto", "augustus"],
    &["september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "setembro"],
    &["october", "oct", "octobre", "oktober", "octubre", "ottobre", "outubro"],
    &["november", "nov", "novembre", "noviembre", "novembro"],
    &["december", "dec", "decembre", "dezember", "diciembre", "dicembre", "dezembro"],
];

/// The month (1–12) a name stands for, in any case and with or without accents.
pub fn month_number(name: &str) -> Option<u8> {
    let folded = deunicode::deunicode(name).to_ascii_lowercase();
    let folded = folded.trim_end_matches('.');
    let index = MONTH_NAMES.iter().position(|names| names.contains(&folded))?;
    u8::try_from(index + 1).ok()
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, the day one its month has.
fn iso(s: &str) -> Option<Date> {
    match iso_form(s)? {
        Date::Day { year, month, day } if !(1..=days_in_month(year, month)).contains(&day) => None,
        date => Some(date),
    }
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY` by form alone: any two digits as the day.
fn iso_form(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let year = year(parts.next()?)?;
    let month = match parts.next() {
        None => return Some(Date::Year(year)),
        Some(m) => two_digits(m).filter(|m| (1..=12).contains(m))?,
    };
    let date = match parts.next() {
        None => Date::Month { year, month },
        Some(d) => Date::Day { year, month, day: two_digits(d)? },
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
    type Err = DateError;

    /// The forms our TOML accepts: `MM/YYYY`, `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (a day its
    /// month has), or an open end (`now`, `current`, `present`, in any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if ONGOING.iter().any(|word| word.eq_ignore_ascii_case(s)) {
            return Ok(Date::Ongoing(s.to_owned()));
        }
        let bad = || DateError::Form(s.to_owned());
        let date = match s.split_once('/') {
            Some((m, y)) => {
                let month = two_digits(m).filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                Date::Month { year: year(y).ok_or_else(bad)?, month }
            }
            None => iso_form(s).ok_or_else(bad)?,
        };
        match date {
            Date::Day { year, month, day } if !(1..=days_in_month(year, month)).contains(&day) => {
                let days = days_in_month(year, month);
                Err(DateError::NoSuchDay { written: s.to_owned(), year, month, day, days })
            }
            date => Ok(date),
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
            let err = bad.parse::<Date>().unwrap_err().to_string();
            assert!(err.contains("MM/YYYY"), "{bad}: {err}");
        }
    }

    #[test]
    fn every_month_length_is_the_calendars() {
        let lengths = [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30)];
        let lengths = lengths.into_iter().chain([(10, 31), (11, 30), (12, 31)]);
        for (month, days) in lengths {
            let last = format!("2025-{month:02}-{days:02}");
            assert_eq!(last.parse(), Ok(Date::Day { year: 2025, month, day: days }), "{last}");
            let past = format!("2025-{month:02}-{:02}", days + 1);
            assert!(format!("2025-{month:02}-00").parse::<Date>().is_err());
            let err = past.parse::<Date>().unwrap_err();
            let days_name = format!("{} 2025 has {days} days", MONTHS[usize::from(month) - 1]);
            assert!(err.to_string().contains(&days_name), "{past}: {err}");
            assert!(matches!(err, DateError::NoSuchDay { .. }), "{past}");
        }
    }

    #[test]
    fn the_29th_of_february_is_there_in_leap_years_only() {
        for leap in [2024, 2000, 1996] {
            assert!(format!("{leap}-02-29").parse::<Date>().is_ok(), "{leap}");
        }
        for common in [2025, 1900, 2100] {
            let err = format!("{common}-02-29").parse::<Date>().unwrap_err().to_string();
            let reason = format!("February {common} has 28 days ({common} is not a leap year)");
            assert!(err.contains(&reason), "{err}");
        }
        assert_eq!(days_in_month(2024, 13), 0);
    }

    #[test]
    fn an_impossible_json_date_is_kept_as_written() {
        for raw in ["2000-06-31", "2025-02-29", "2023-04-31T10:00:00"] {
            assert_eq!(Date::lenient(raw), Some(Date::Written(raw.to_owned())), "{raw}");
        }
    }

    #[test]
    fn json_dates_in_other_forms_are_understood_where_plain() {
        let day = |year, month, day| Some(Date::Day { year, month, day });
        let month = |year, month| Some(Date::Month { year, month });
        let cases = [
            ("17-05-2019", day(2019, 5, 17)),
            ("05.06.2019", day(2019, 6, 5)),
            ("13/05/2019", day(2019, 5, 13)),
            ("05/13/2019", day(2019, 5, 13)),
            ("07/2025", month(2025, 7)),
            ("2019/05", month(2019, 5)),
            ("Mar-2019", month(2019, 3)),
            ("Février 2017", month(2017, 2)),
            ("März 2020", month(2020, 3)),
            ("May 17, 2019", day(2019, 5, 17)),
            ("17 mai 2019", day(2019, 5, 17)),
            ("1987-01-", month(1987, 1)),
            ("2019-", Some(Date::Year(2019))),
            ("Now", Some(Date::Ongoing("Now".into()))),
            ("current", Some(Date::Ongoing("current".into()))),
        ];
        for (raw, expected) in cases {
            assert_eq!(Date::lenient(raw), expected, "{raw}");
            assert!(matches!(Date::reading(raw), Reading::Understood(_)), "{raw}");
        }
    }

    #[test]
    fn ambiguous_or_impossible_json_dates_are_kept_as_written() {
        for raw in ["05/06/2019", "Spring 2019", "2000-06-31", "31-02-2019", "May June 2019", "13-13-2019"] {
            assert_eq!(Date::lenient(raw), Some(Date::Written(raw.to_owned())), "{raw}");
        }
        let Reading::AsWritten(why) = Date::reading("2000-06-31") else { panic!() };
        assert_eq!(why, "is not a day (June 2000 has 30 days)");
        assert_eq!(Date::reading("2019-05-17T10:00:00Z"), Reading::Schema);
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
