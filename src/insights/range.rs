//! `--since` and `--until`: a duration back from now (`10m`, `24h`, `7d`, `30d`) or a
//! UTC time written `YYYY-MM-DD HH:MM`, turned into the whole hours a report covers
//! (counts are kept per hour, so a range is widened to the hours it touches). Pure:
//! the caller passes the time now.

/// Milliseconds in an hour.
pub const MS_PER_HOUR: i64 = 3_600_000;

/// The longest range a report covers, in hours (a leap year).
pub const MAX_HOURS: i64 = 366 * 24;

/// A point in time as the owner wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// This long before now.
    Ago(std::time::Duration),
    /// Milliseconds since the Unix epoch, UTC.
    At(i64),
}

/// Why a `--since`/`--until` value or the range they make is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("`{0}` is neither a duration like 10m, 24h, 7d, 30d nor a UTC time like \"2026-12-01 14:00\"")]
    Unreadable(String),
    #[error("--since ({since}) is not before --until ({until}); give an earlier --since")]
    Empty { since: String, until: String },
    #[error("the range covers {hours} hours; at most {MAX_HOURS} (a year) are reported at once")]
    TooLong { hours: i64 },
}

impl When {
    /// `10m`, `24h`, `7d` or `2026-12-01 14:00` (UTC; `T` between date and time works
    /// too).
    pub fn parse(text: &str) -> Result<Self, RangeError> {
        let text = text.trim();
        if let Ok(ago) = humantime::parse_duration(text) {
            return Ok(When::Ago(ago));
        }
        let unreadable = || RangeError::Unreadable(text.chars().take(40).collect());
        let normalized = text.replacen('T', " ", 1);
        let time = chrono::NaiveDateTime::parse_from_str(&normalized, "%Y-%m-%d %H:%M")
            .or_else(|_| {
                chrono::NaiveDate::parse_from_str(&normalized, "%Y-%m-%d")
                    .map(|day| day.and_hms_opt(0, 0, 0).unwrap_or_default())
            })
            .map_err(|_| unreadable())?;
        Ok(When::At(time.and_utc().timestamp_millis()))
    }

    /// Milliseconds since the epoch, given the time now.
    fn ms(self, now_ms: i64) -> i64 {
        match self {
            When::Ago(ago) => now_ms.saturating_sub(i64::try_from(ago.as_millis()).unwrap_or(i64::MAX)),
            When::At(ms) => ms,
        }
    }
}

/// Whole hours `from <= hour < to`, as hours since the epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub from: i64,
    pub to: i64,
}

impl Hours {
    /// The hours from `since` up to `until` (now when `None`), widened to whole hours.
    pub fn between(since: When, until: Option<When>, now_ms: i64) -> Result<Self, RangeError> {
        let start = since.ms(now_ms);
        let end = until.map_or(now_ms, |until| until.ms(now_ms));
        let hours = Self { from: start.div_euclid(MS_PER_HOUR), to: ceil_hour(end) };
        if start >= end || hours.from >= hours.to {
            return Err(RangeError::Empty { since: shown(start), until: shown(end) });
        }
        if hours.len() > MAX_HOURS {
            return Err(RangeError::TooLong { hours: hours.len() });
        }
        Ok(hours)
    }

    /// Hours covered.
    pub fn len(self) -> i64 {
        self.to - self.from
    }

    pub fn is_empty(self) -> bool {
        self.len() <= 0
    }
}

/// The first whole hour at or after `ms` (an instant inside an hour counts that hour).
fn ceil_hour(ms: i64) -> i64 {
    let hour = ms.div_euclid(MS_PER_HOUR);
    if ms.rem_euclid(MS_PER_HOUR) == 0 { hour } else { hour + 1 }
}

/// `YYYY-MM-DD HH:MM` UTC.
pub fn shown(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(|| "?".to_owned(), |utc| utc.format("%Y-%m-%d %H:%M").to_string())
}

/// The hour `hour` (since the epoch) as `YYYY-MM-DD HH:MM` UTC.
pub fn hour_shown(hour: i64) -> String {
    shown(hour.saturating_mul(MS_PER_HOUR))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000 + 25 * 60 * 1000; // 2026-11-18 11:31:40 UTC

    #[test]
    fn durations_and_utc_times_are_read() {
        assert_eq!(When::parse("10m"), Ok(When::Ago(std::time::Duration::from_secs(600))));
        assert_eq!(When::parse("7d"), Ok(When::Ago(std::time::Duration::from_secs(7 * 86_400))));
        let at = When::parse("2026-12-01 14:00").unwrap();
        assert_eq!(at, When::At(1_796_133_600_000));
        assert_eq!(When::parse("2026-12-01T14:00"), Ok(at));
        assert_eq!(When::parse("2026-12-01"), Ok(When::At(1_796_083_200_000)));
        assert!(matches!(When::parse("yesterday"), Err(RangeError::Unreadable(_))));
    }

    #[test]
    fn ranges_widen_to_whole_hours_and_are_checked() {
        let hours = Hours::between(When::Ago(std::time::Duration::from_secs(600)), None, NOW).unwrap();
        assert_eq!(hours.len(), 1, "ten minutes inside one hour: {hours:?}");
        let day = Hours::between(When::parse("24h").unwrap(), None, NOW).unwrap();
        assert_eq!(day.len(), 25, "24 h from 11:31 touches 25 hours");
        let fixed = Hours::between(
            When::parse("2026-12-01 14:00").unwrap(),
            Some(When::parse("2026-12-01 16:00").unwrap()),
            NOW,
        )
        .unwrap();
        assert_eq!((fixed.from, fixed.len()), (1_796_133_600_000 / MS_PER_HOUR, 2));
        let backwards = Hours::between(When::parse("1h").unwrap(), Some(When::parse("2h").unwrap()), NOW);
        assert!(matches!(backwards, Err(RangeError::Empty { .. })));
        let long = Hours::between(When::parse("400d").unwrap(), None, NOW);
        assert!(matches!(long, Err(RangeError::TooLong { .. })));
    }
}
