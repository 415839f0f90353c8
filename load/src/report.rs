//! Figures and how they are shown: [`Latencies`] (an HDR histogram in microseconds),
//! [`Failures`] counted by kind, and a [`Report`] that prints a table for people and
//! one JSON line for scripts, with the same figures under the same names.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::{Map, Value, json};

use crate::process::Usage;
use crate::visitor::{Target, VisitError};

/// Longest latency recorded exactly; anything longer is counted at this value.
const MAX_MICROS: u64 = 600_000_000;

/// A latency distribution, recorded in microseconds with 3 significant digits.
#[derive(Clone)]
pub struct Latencies(Histogram<u64>);

impl Latencies {
    pub fn new() -> Self {
        // Bounds are constants that hdrhistogram accepts; a failure is a programming error.
        Self(Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("valid histogram bounds"))
    }

    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.0.saturating_record(micros.max(1));
    }

    pub fn add(&mut self, other: &Latencies) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.0.add(&other.0);
    }

    pub fn count(&self) -> u64 {
        self.0.len()
    }

    /// The value at `quantile` (0..=1), in milliseconds.
    fn ms(&self, quantile: f64) -> f64 {
        self.0.value_at_quantile(quantile) as f64 / 1000.0
    }

    /// count, min, p50, p90, p99, max and mean; all in milliseconds.
    fn summary(&self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("count".into(), json!(self.count()));
        if self.count() > 0 {
            map.insert("min".into(), json!(self.0.min() as f64 / 1000.0));
            for (name, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
                map.insert(name.into(), json!(self.ms(q)));
            }
            map.insert("max".into(), json!(self.0.max() as f64 / 1000.0));
            map.insert("mean".into(), json!(self.0.mean().round() / 1000.0));
        }
        map
    }
}

/// Failed visits, counted by kind, with the first message of each kind as an example.
#[derive(Default)]
pub struct Failures(BTreeMap<&'static str, (u64, String)>);

impl Failures {
    pub fn add(&mut self, err: &VisitError) {
        let entry = self.0.entry(err.kind()).or_insert_with(|| (0, err.to_string()));
        entry.0 += 1;
    }

    pub fn merge(&mut self, other: Failures) {
        for (kind, (count, example)) in other.0 {
            self.0.entry(kind).or_insert((0, example)).0 += count;
        }
    }

    pub fn total(&self) -> u64 {
        self.0.values().map(|(count, _)| count).sum()
    }
}

/// One run's figures, in the order they were added.
pub struct Report {
    title: String,
    /// The handshake-crypto floor, in milliseconds: times are also given as multiples.
    floor_ms: f64,
    latencies: Vec<(String, Latencies)>,
    values: Vec<(String, String)>,
    json: Map<String, Value>,
}

impl Report {
    pub fn new(mode: &str, target: &Target) -> Self {
        let title = format!(
            "ssh-resume-load {mode} → {} ({}x{} {}, {} source addresses)",
            target.addr,
            target.cols,
            target.rows,
            target.term,
            target.sources().len().max(1)
        );
        let mut json = Map::new();
        json.insert("mode".into(), json!(mode));
        json.insert("target".into(), json!(target.addr.to_string()));
        json.insert("term".into(), json!(target.term));
        json.insert("cols".into(), json!(target.cols));
        json.insert("rows".into(), json!(target.rows));
        let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        json.insert("unix_time".into(), json!(unix.as_secs()));
        json.insert("floor_ms".into(), json!(round4(target.floor.ms)));
        json.insert("floor_cpu".into(), json!(target.floor.cpu));
        let floor_ms = target.floor.ms;
        let mut report = Self { title, floor_ms, latencies: Vec::new(), values: Vec::new(), json };
        let pinned = target.floor.cpu.map_or("not pinned".to_owned(), |cpu| format!("on core {cpu}"));
        report.values.push(("handshake-crypto floor".into(), format!("{} ms ({pinned})", round4(floor_ms))));
        report
    }

    /// `ms` as a multiple of the floor, to one decimal.
    pub fn floors(&self, ms: f64) -> f64 {
        if self.floor_ms > 0.0 { round1(ms / self.floor_ms) } else { 0.0 }
    }

    /// A time in milliseconds: a row of the table with its multiple of the floor, and
    /// `KEY_ms` and `KEY_floors` in the JSON.
    pub fn time(&mut self, key: &str, label: &str, ms: f64) {
        let floors = self.floors(ms);
        self.values.push((label.to_owned(), format!("{} ms = {floors} × floor", round3(ms))));
        self.json.insert(format!("{key}_ms"), json!(round3(ms)));
        self.json.insert(format!("{key}_floors"), json!(floors));
    }

    /// A latency distribution: a row of the table, and in the JSON an object in
    /// milliseconds (`KEY_ms`) and one in multiples of the floor (`KEY_floors`).
    pub fn latency(&mut self, key: &str, label: &str, latencies: &Latencies) {
        let summary = latencies.summary();
        let floors: Map<String, Value> = summary
            .iter()
            .filter(|(name, _)| name.as_str() != "count")
            .filter_map(|(name, ms)| Some((name.clone(), json!(self.floors(ms.as_f64()?)))))
            .collect();
        self.json.insert(format!("{key}_ms"), Value::Object(summary));
        self.json.insert(format!("{key}_floors"), Value::Object(floors));
        self.latencies.push((label.to_owned(), latencies.clone()));
    }

    /// One figure; `unit` is shown in the table and is part of the JSON key's meaning.
    pub fn value(&mut self, key: &str, label: &str, value: impl Into<Value>, unit: &str) {
        let value = value.into();
        let shown = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.values.push((label.to_owned(), format!("{shown} {unit}").trim_end().to_owned()));
        self.json.insert(key.to_owned(), value);
    }

    /// A row of the table only (its figure is in the JSON in another form).
    pub fn values_row(&mut self, label: &str, value: String) {
        self.values.push((label.to_owned(), value));
    }

    /// A figure for scripts only (already shown in the table in another form).
    pub fn json_only(&mut self, key: &str, value: Value) {
        self.json.insert(key.to_owned(), value);
    }

    pub fn failures(&mut self, failures: &Failures) {
        self.value("failures", "failures", failures.total(), "");
        for (kind, (count, example)) in &failures.0 {
            self.values.push((format!("  {kind}"), format!("{count} (e.g. {example})")));
        }
        let kinds: Map<String, Value> =
            failures.0.iter().map(|(k, (n, _))| ((*k).to_owned(), json!(n))).collect();
        self.json.insert("failure_kinds".into(), Value::Object(kinds));
    }

    /// This tool's CPU (to show when it, not the server, is the limit) and the
    /// server's CPU and memory, per `per` visits.
    pub fn usage(&mut self, usage: &Usage, per: u64) {
        let wall = usage.wall.as_secs_f64();
        self.value("wall_s", "wall time", round3(wall), "s");
        let own = usage.own_cpu.as_secs_f64();
        self.value("client_cpu_s", "load tool CPU", round3(own), "s");
        self.value(
            "client_cpu_pct",
            "load tool CPU / wall",
            round1(100.0 * own / wall.max(1e-9)),
            "% of a core",
        );
        if let Some(cpu) = usage.server_cpu {
            let cpu = cpu.as_secs_f64();
            self.value("server_cpu_s", "server CPU", round3(cpu), "s");
            self.value(
                "server_cpu_pct",
                "server CPU / wall",
                round1(100.0 * cpu / wall.max(1e-9)),
                "% of a core",
            );
            if per > 0 {
                self.time("server_cpu_per_visit", "server CPU per visit", 1000.0 * cpu / per as f64);
                self.time("client_cpu_per_visit", "load tool CPU per visit", 1000.0 * own / per as f64);
            }
        }
        if let Some(rss) = usage.server_rss_kib {
            self.value("server_rss_kib", "server RSS at the end", rss, "KiB");
        }
    }

    pub fn json_line(&self) -> String {
        Value::Object(self.json.clone()).to_string()
    }

    pub fn print(&self, json_only: bool) {
        if !json_only {
            println!("{}", self.table());
        }
        println!("{}", self.json_line());
    }

    fn table(&self) -> String {
        let mut out = format!("{}\n", self.title);
        if !self.latencies.is_empty() {
            out += &format!(
                "\n{:<34}{:>8}{:>10}{:>10}{:>10}{:>10}{:>9}{:>9}   (ms; × floor)\n",
                "", "count", "p50", "p90", "p99", "max", "p50×", "p99×"
            );
            for (label, lat) in &self.latencies {
                let max = lat.0.max() as f64 / 1000.0;
                out += &format!(
                    "{label:<34}{:>8}{:>10.3}{:>10.3}{:>10.3}{max:>10.3}{:>9.1}{:>9.1}\n",
                    lat.count(),
                    lat.ms(0.5),
                    lat.ms(0.9),
                    lat.ms(0.99),
                    self.floors(lat.ms(0.5)),
                    self.floors(lat.ms(0.99))
                );
            }
        }
        out.push('\n');
        for (label, value) in &self.values {
            out += &format!("{label:<34}{value}\n");
        }
        out
    }
}

pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

pub fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

pub fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_histogram() {
        let mut lat = Latencies::new();
        for ms in 1..=100 {
            lat.record(Duration::from_millis(ms));
        }
        let summary = lat.summary();
        assert_eq!(summary["count"], json!(100));
        let p50 = summary["p50"].as_f64().unwrap();
        let p99 = summary["p99"].as_f64().unwrap();
        assert!((49.9..=50.1).contains(&p50), "p50 {p50}");
        assert!((98.9..=99.1).contains(&p99), "p99 {p99}");
        assert!(summary["max"].as_f64().unwrap() >= p99);
    }

    #[test]
    fn failures_count_by_kind() {
        let mut failures = Failures::default();
        failures.add(&VisitError::Timeout("the first frame"));
        let mut more = Failures::default();
        more.add(&VisitError::Timeout("auth"));
        more.add(&VisitError::AuthRefused);
        failures.merge(more);
        assert_eq!(failures.total(), 3);
        assert_eq!(failures.0["timeout"].0, 2);
    }
}
