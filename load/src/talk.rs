//! `talk`: the audience after a talk, scripted so its numbers are known. N visits spread
//! evenly over a duration (at most C at once), in a fixed mix: visitors who open the
//! view and quit, who also move to other sections (waiting to see each one drawn),
//! who open a section by its name (`ssh -t host experience`), exec commands (`json`,
//! `text`, a section printed by name), web page requests (with `--web`), and
//! `message`s. It counts what it did, by the same dimensions and labels the server's
//! insights use, so `ssh-resume stats --json` can be compared with it number for
//! number. The section names come from `ssh host help`, which is one more exec visit.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

use crate::process::Probe;
use crate::report::{Failures, Report};
use crate::visitor::{Target, VisitError, Visitor, exec};

/// What a run does.
pub struct Plan {
    pub visits: u32,
    pub duration: Duration,
    pub concurrency: u32,
    /// Of the visits, how many are `message`s.
    pub messages: u32,
    /// The web view, for page visits.
    pub web: Option<SocketAddr>,
}

/// One visit of the mix.
#[derive(Debug, Clone)]
enum Act {
    /// Open the view, quit.
    Read,
    /// Open the view, press these section digits one after the other, quit.
    Browse(Vec<usize>),
    /// `ssh -t host SECTION`, quit.
    OpenSection(usize),
    /// `ssh host COMMAND`.
    Command(&'static str),
    /// `ssh host SECTION` without a terminal.
    PrintSection(usize),
    /// `GET /` on the web view.
    Page,
    /// `ssh host message …` with a body of its own.
    Message(u32),
}

/// The mix: visit `index` of a run whose résumé has `sections` sections.
fn act(index: u32, sections: usize, web: bool) -> Act {
    // Sections 2 to 9 by their digit (never the first, which every view opens on).
    let choices = sections.clamp(2, 9) - 1;
    let section = |offset: u32| 1 + (index / 10 + offset) as usize % choices;
    match index % 10 {
        0..=2 => Act::Read,
        3 => Act::Browse(vec![section(0)]),
        4 if choices > 1 => Act::Browse(vec![section(0), section(1)]),
        4 => Act::Browse(vec![section(0)]),
        5 => Act::OpenSection(section(2)),
        6 => Act::Command("json"),
        7 => Act::Command("text"),
        8 => Act::PrintSection(section(3)),
        _ if web => Act::Page,
        _ => Act::Command("markdown"),
    }
}

/// The whole schedule: the mix, with `messages` of its commands turned into messages.
fn schedule(plan: &Plan, sections: usize) -> Vec<Act> {
    let mut acts: Vec<Act> = (0..plan.visits).map(|i| act(i, sections, plan.web.is_some())).collect();
    let commands: Vec<usize> =
        acts.iter().enumerate().filter(|(_, a)| matches!(a, Act::Command(_))).map(|(i, _)| i).collect();
    let step = (commands.len() / plan.messages.max(1) as usize).max(1);
    for (n, index) in commands.iter().step_by(step).take(plan.messages as usize).enumerate() {
        acts[*index] = Act::Message(n as u32);
    }
    acts
}

/// Counts by (dimension, label), as the server's insights keep them.
#[derive(Debug, Default)]
struct Counts(BTreeMap<(&'static str, String), u64>);

impl Counts {
    fn add(&mut self, dimension: &'static str, label: &str) {
        *self.0.entry((dimension, label.to_owned())).or_default() += 1;
    }

    fn merge(&mut self, other: Counts) {
        for (key, n) in other.0 {
            *self.0.entry(key).or_default() += n;
        }
    }

    fn json(&self) -> Value {
        let mut out = serde_json::Map::new();
        for ((dimension, label), n) in &self.0 {
            let entry = out.entry(*dimension).or_insert_with(|| json!({}));
            entry[label] = json!(n);
        }
        Value::Object(out)
    }
}

/// The section names, from `ssh host help` (itself an exec visit, counted): the slugs
/// listed under its SECTION line, one a line after the section's number.
async fn section_names(target: &Target, counts: &mut Counts) -> Result<Vec<String>> {
    let printed = exec(target, "help", b"").await.context("`help` to learn the section names")?;
    count_exec(counts, "help", None);
    let text = String::from_utf8_lossy(&printed.stdout);
    let names = listed_sections(&text);
    anyhow::ensure!(!names.is_empty(), "no sections listed under SECTION in `help`");
    Ok(names)
}

/// The slugs of the lines `  N  slug  Title` that follow the usage's SECTION line.
fn listed_sections(usage: &str) -> Vec<String> {
    let listed = usage.lines().skip_while(|line| !line.contains("SECTION")).skip(1);
    let slug = |line: &str| {
        let mut words = line.split_whitespace();
        words.next()?.parse::<usize>().ok()?;
        words.next().map(str::to_owned)
    };
    listed.map_while(slug).collect()
}

fn count_exec(counts: &mut Counts, command: &str, section: Option<&str>) {
    counts.add("visit", "exec");
    counts.add("command", command);
    counts.add("end", "done");
    counts.add("client", "other");
    if let Some(section) = section {
        counts.add("section", section);
        counts.add("deep-link", section);
    }
}

fn count_view(counts: &mut Counts, command: &str, sections: &[&str], target: &Target) {
    counts.add("visit", "interactive");
    counts.add("command", command);
    counts.add("end", "quit");
    counts.add("client", "other");
    let size = match target.cols {
        c if c < 60 => "phone",
        c if c >= 120 => "wide",
        _ => "standard",
    };
    counts.add("size", size);
    // What TERM alone says; a terminal that answers the server's queries may get more.
    if target.term.ends_with("256color") {
        counts.add("colour", "256");
    }
    let mut seen: Vec<&str> = sections.to_vec();
    seen.sort_unstable();
    seen.dedup();
    for section in seen {
        counts.add("section", section);
    }
}

/// Plays one visit; what it counted.
async fn play(
    target: &Target,
    web: Option<SocketAddr>,
    act: &Act,
    names: &[String],
) -> Result<Counts, VisitError> {
    let name = |index: usize| names.get(index).map_or("", String::as_str);
    let mut counts = Counts::default();
    match act {
        Act::Read | Act::Browse(_) => {
            let (mut visitor, _) = Visitor::arrive(target).await?;
            let digits = if let Act::Browse(digits) = act { digits.clone() } else { Vec::new() };
            for digit in &digits {
                visitor.press_until_changed((digit + 1).to_string().as_bytes()).await?;
            }
            visitor.quit().await?;
            let shown: Vec<&str> = std::iter::once(0).chain(digits).map(name).collect();
            count_view(&mut counts, "shell", &shown, target);
        }
        Act::OpenSection(index) => {
            let (visitor, _) = Visitor::arrive_at(target, Some(name(*index))).await?;
            visitor.quit().await?;
            count_view(&mut counts, "section", &[name(*index)], target);
            counts.add("deep-link", name(*index));
        }
        Act::Command(command) => {
            exec(target, command, b"").await?;
            count_exec(&mut counts, command, None);
        }
        Act::PrintSection(index) => {
            exec(target, name(*index), b"").await?;
            count_exec(&mut counts, "section", Some(name(*index)));
        }
        Act::Message(n) => {
            let body = format!("Thanks for the talk! Question number {n}: how do you test the SSH side?\n");
            let printed = exec(target, "message --reply-to talk@example.org", body.as_bytes()).await?;
            if printed.exit_status != Some(0) {
                return Err(VisitError::Closed("a message the server did not store"));
            }
            count_exec(&mut counts, "message", None);
            counts.add("message", "exec");
        }
        Act::Page => {
            page(target, web.ok_or(VisitError::Closed("no --web address"))?).await?;
            counts.add("visit", "web");
        }
    }
    Ok(counts)
}

/// `GET /` as a browser asks for it, from the next source address.
async fn page(target: &Target, web: SocketAddr) -> Result<(), VisitError> {
    let deadline = tokio::time::Instant::now() + target.timeout;
    let exchange = async {
        let mut stream = target.tcp_connect_to(web).await?;
        let head = "GET / HTTP/1.1\r\nHost: talk\r\nAccept: text/html\r\nConnection: close\r\n\r\n";
        stream.write_all(head.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response =
        tokio::time::timeout_at(deadline, exchange).await.map_err(|_| VisitError::Timeout("the page"))??;
    if response.starts_with(b"HTTP/1.1 200") { Ok(()) } else { Err(VisitError::Closed("the page (not 200)")) }
}

pub async fn run(target: Arc<Target>, plan: Plan) -> Result<Report> {
    let probe = Probe::start(target.server_pid);
    let mut counts = Counts::default();
    let names = Arc::new(section_names(&target, &mut counts).await?);
    let acts = schedule(&plan, names.len());
    let slots = Arc::new(Semaphore::new(plan.concurrency as usize));
    let mut tasks = tokio::task::JoinSet::new();
    let start = tokio::time::Instant::now();
    let spacing = plan.duration.as_secs_f64() / f64::from(plan.visits.max(1));
    for (index, act) in acts.into_iter().enumerate() {
        tokio::time::sleep_until(start + Duration::from_secs_f64(index as f64 * spacing)).await;
        let Ok(slot) = slots.clone().acquire_owned().await else { break };
        let (target, names, web) = (target.clone(), names.clone(), plan.web);
        tasks.spawn(async move {
            let played = play(&target, web, &act, &names).await;
            drop(slot);
            played
        });
    }
    let mut failures = Failures::default();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(played)) => counts.merge(played),
            Ok(Err(err)) => failures.add(&err),
            Err(_) => {}
        }
    }
    let usage = probe.finish();
    let mut report = Report::new("talk", &target);
    for kind in ["interactive", "exec", "web"] {
        let n = counts.0.get(&("visit", kind.to_owned())).copied().unwrap_or(0);
        report.value(&format!("visits_{kind}"), &format!("visits: {kind}"), n, "");
    }
    let messages = counts.0.get(&("message", "exec".to_owned())).copied().unwrap_or(0);
    report.value("messages", "messages stored", messages, "");
    report.value("sources", "source addresses (distinct visitors)", target.sources().len().max(1), "");
    for ((dimension, label), n) in counts.0.iter().filter(|((d, _), _)| *d != "visit") {
        report.values_row(&format!("  {dimension} {label}"), n.to_string());
    }
    report.json_only("counts", counts.json());
    report.failures(&failures);
    let total: u64 = ["interactive", "exec", "web"]
        .iter()
        .map(|kind| counts.0.get(&("visit", (*kind).to_owned())).copied().unwrap_or(0))
        .sum();
    report.usage(&usage, total);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_is_fixed_and_messages_replace_commands() {
        let plan = Plan { visits: 100, duration: Duration::ZERO, concurrency: 1, messages: 7, web: None };
        let acts = schedule(&plan, 7);
        assert_eq!(acts.iter().filter(|a| matches!(a, Act::Message(_))).count(), 7);
        assert_eq!(acts.iter().filter(|a| matches!(a, Act::Read)).count(), 30);
        assert_eq!(acts.iter().filter(|a| matches!(a, Act::Page)).count(), 0, "no web view given");
        for act in &acts {
            if let Act::Browse(digits) = act {
                assert!(digits.iter().all(|d| (1..7).contains(d)), "{digits:?}: never the first section");
                assert!(digits.windows(2).all(|pair| pair[0] != pair[1]), "each press changes the screen");
            }
        }
    }

    #[test]
    fn the_sections_are_read_from_the_usage_list() {
        let usage = "commands:\n  help       this text\n  SECTION    open on (or print) one section, by number, \
                     name or title:\n              1  about        About\n             12  open-source  Open \
                     Source\n\nmore text 3 x\n";
        assert_eq!(listed_sections(usage), ["about", "open-source"]);
        assert!(listed_sections("no list here\n").is_empty());
    }
}
