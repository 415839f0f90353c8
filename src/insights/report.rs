//! The figures a report shows, built from stored count rows (pure): visits by kind and
//! per hour, the busiest hour, distinct visitors, median and p90 time spent (read from
//! the histogram, interpolated within a bucket), and each other dimension ranked. The
//! same [`Report`] is printed by `ssh-resume stats`, serialized by `--json` and drawn
//! by the owner console, so all three show the same numbers.

use std::collections::BTreeMap;

use serde::Serialize;

use super::labels::{Dimension, Kind, NEW_VISITOR, SEARCH_MADE, TIME_BUCKETS};
use super::range::{Hours, MS_PER_HOUR};
use crate::store::CountRow;

/// One label's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub label: String,
    pub count: u64,
}

/// Visits in one hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HourVisits {
    /// Hours since the Unix epoch, UTC.
    #[serde(skip)]
    pub hour: i64,
    /// The hour's start, RFC 3339 UTC.
    #[serde(rename = "hour")]
    pub start: Start,
    pub visits: u64,
}

/// An hour's start, serialized as RFC 3339 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start(pub i64);

impl Serialize for Start {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let at = chrono::DateTime::from_timestamp_millis(self.0.saturating_mul(MS_PER_HOUR));
        serializer
            .serialize_str(&at.map_or_else(String::new, |at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string()))
    }
}

/// Visits by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Visits {
    pub total: u64,
    pub interactive: u64,
    pub exec: u64,
    pub web: u64,
}

/// Time spent in interactive visits, from the histogram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TimeSpent {
    /// Visits in the histogram.
    pub visits: u64,
    /// Seconds; `None` without visits.
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
}

/// Messages received in the range, and how many in the inbox are unread now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Messages {
    pub received: u64,
    pub by_channel: Vec<Count>,
    pub unread: Option<u64>,
}

/// Files taken away whole in the range, by file and by door.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Downloads {
    pub total: u64,
    pub by_file: Vec<Count>,
    pub by_door: Vec<Count>,
}

/// Everything a report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub from: Start,
    /// The end of the range (exclusive).
    pub to: Start,
    pub hours: i64,
    pub visits: Visits,
    pub per_hour: Vec<HourVisits>,
    pub busiest_hour: Option<HourVisits>,
    /// Visitors counted once per UTC day, in the hour of their first visit that day.
    pub distinct_visitors: u64,
    pub time_spent: TimeSpent,
    pub sections: Vec<Count>,
    pub clients: Vec<Count>,
    pub sizes: Vec<Count>,
    pub colours: Vec<Count>,
    pub endings: Vec<Count>,
    pub commands: Vec<Count>,
    pub deep_links: Vec<Count>,
    pub searches: u64,
    pub messages: Messages,
    pub downloads: Downloads,
    /// Visitors in an SSH visit now (the owner console only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<u64>,
}

/// Rows summed per (dimension, label), and visits per hour.
#[derive(Default)]
struct Sums {
    labels: BTreeMap<(Dimension, String), u64>,
    visits_per_hour: BTreeMap<i64, u64>,
}

impl Sums {
    fn of(rows: &[CountRow], hours: Hours) -> Self {
        let mut sums = Sums::default();
        for row in rows.iter().filter(|row| (hours.from..hours.to).contains(&row.hour)) {
            let Some(dimension) = Dimension::parse(&row.dimension) else { continue };
            let count = u64::try_from(row.count).unwrap_or(0);
            *sums.labels.entry((dimension, row.label.clone())).or_default() += count;
            if dimension == Dimension::Visit {
                *sums.visits_per_hour.entry(row.hour).or_default() += count;
            }
        }
        sums
    }

    fn get(&self, dimension: Dimension, label: &str) -> u64 {
        self.labels.get(&(dimension, label.to_owned())).copied().unwrap_or(0)
    }

    /// A dimension's labels, most counted first (ties by label).
    fn ranked(&self, dimension: Dimension) -> Vec<Count> {
        let mut counts: Vec<Count> = self
            .labels
            .iter()
            .filter(|((d, _), count)| *d == dimension && **count > 0)
            .map(|((_, label), count)| Count { label: label.clone(), count: *count })
            .collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        counts
    }
}

impl Report {
    /// The report for `hours` from `rows` (any order; rows outside the range and of
    /// unknown dimensions are ignored; repeated keys add up).
    pub fn build(rows: &[CountRow], hours: Hours) -> Self {
        let sums = Sums::of(rows, hours);
        let kind = |kind: Kind| sums.get(Dimension::Visit, kind.as_str());
        let visits = Visits {
            total: Kind::ALL.into_iter().map(kind).sum(),
            interactive: kind(Kind::Interactive),
            exec: kind(Kind::Exec),
            web: kind(Kind::Web),
        };
        let per_hour: Vec<HourVisits> = (hours.from..hours.to)
            .map(|hour| HourVisits {
                hour,
                start: Start(hour),
                visits: sums.visits_per_hour.get(&hour).copied().unwrap_or(0),
            })
            .collect();
        let busiest_hour =
            per_hour.iter().filter(|h| h.visits > 0).max_by_key(|h| (h.visits, -h.hour)).copied();
        let messages = sums.ranked(Dimension::Message);
        let by_file = sums.ranked(Dimension::Download);
        Report {
            from: Start(hours.from),
            to: Start(hours.to),
            hours: hours.len(),
            visits,
            per_hour,
            busiest_hour,
            distinct_visitors: sums.get(Dimension::Visitors, NEW_VISITOR),
            time_spent: time_spent(&sums),
            sections: sums.ranked(Dimension::Section),
            clients: sums.ranked(Dimension::Client),
            sizes: sums.ranked(Dimension::Size),
            colours: sums.ranked(Dimension::Colour),
            endings: sums.ranked(Dimension::End),
            commands: sums.ranked(Dimension::Command),
            deep_links: sums.ranked(Dimension::DeepLink),
            searches: sums.get(Dimension::Search, SEARCH_MADE),
            messages: Messages {
                received: messages.iter().map(|c| c.count).sum(),
                by_channel: messages,
                unread: None,
            },
            downloads: Downloads {
                total: by_file.iter().map(|c| c.count).sum(),
                by_file,
                by_door: sums.ranked(Dimension::DownloadDoor),
            },
            online: None,
        }
    }

    /// The same report with the inbox's unread count.
    pub fn with_unread(mut self, unread: Option<u64>) -> Self {
        self.messages.unread = unread;
        self
    }

    /// The same report with the visitors online now.
    pub fn with_online(mut self, online: u64) -> Self {
        self.online = Some(online);
        self
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"))
    }
}

fn time_spent(sums: &Sums) -> TimeSpent {
    let counts: Vec<u64> = TIME_BUCKETS.iter().map(|(label, _)| sums.get(Dimension::Time, label)).collect();
    let visits = counts.iter().sum();
    TimeSpent { visits, median_s: quantile(&counts, 0.5), p90_s: quantile(&counts, 0.9) }
}

/// The `q` quantile of the time-spent histogram `counts` (one per [`TIME_BUCKETS`]), in
/// seconds: linear within its bucket; the open last bucket reads as its lower bound.
pub fn quantile(counts: &[u64], q: f64) -> Option<f64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let target = q * total as f64;
    let mut below = 0u64;
    let mut lower = 0u64;
    for (count, (_, upper)) in counts.iter().zip(TIME_BUCKETS) {
        if *count > 0 && (below + count) as f64 >= target {
            if upper == u64::MAX {
                return Some(lower as f64);
            }
            let within = ((target - below as f64) / *count as f64).clamp(0.0, 1.0);
            return Some(lower as f64 + within * (upper - lower) as f64);
        }
        below += count;
        lower = upper;
    }
    Some(lower as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(hour: i64, dimension: &str, label: &str, count: i64) -> CountRow {
        CountRow::new(hour, dimension, label, count)
    }

    #[test]
    fn rows_add_up_per_label_and_per_hour() {
        let rows = [
            row(10, "visit", "interactive", 3),
            row(10, "visit", "web", 1),
            row(11, "visit", "interactive", 2),
            row(11, "visit", "interactive", 1),
            row(12, "visit", "exec", 9),
            row(10, "section", "about", 3),
            row(11, "section", "experience", 4),
            row(11, "visitors", "new", 2),
            row(10, "unknown", "x", 5),
            row(11, "message", "exec", 1),
        ];
        let report = Report::build(&rows, Hours { from: 10, to: 12 });
        assert_eq!(report.visits, Visits { total: 7, interactive: 6, exec: 0, web: 1 });
        assert_eq!(report.per_hour.iter().map(|h| h.visits).collect::<Vec<_>>(), [4, 3]);
        assert_eq!(report.busiest_hour.map(|h| h.hour), Some(10));
        assert_eq!(report.sections[0], Count { label: "experience".into(), count: 4 });
        assert_eq!((report.distinct_visitors, report.messages.received), (2, 1));
    }

    #[test]
    fn median_and_p90_come_from_the_histogram() {
        // 10 visits: 5 under 5 s, 4 of 15-30 s, 1 over two hours.
        let mut counts = [0u64; TIME_BUCKETS.len()];
        counts[0] = 5;
        counts[2] = 4;
        counts[11] = 1;
        assert_eq!(quantile(&counts, 0.5), Some(5.0));
        assert_eq!(quantile(&counts, 0.9), Some(30.0));
        assert_eq!(quantile(&counts, 1.0), Some(7200.0));
        assert_eq!(quantile(&[0; TIME_BUCKETS.len()], 0.5), None);
        counts = [0; TIME_BUCKETS.len()];
        counts[3] = 2; // 30-60 s
        assert_eq!(quantile(&counts, 0.5), Some(45.0));
    }
}
