//! The résumé as the template reads it (`/resume.json`): the title block, then the
//! outline's sections in their order, each cut into entries at its gaps, every text
//! split into spans that say which part is a link and which a figure to emphasise.
//! Built from the same [`Outline`] the view and the text exports walk, so the PDF can
//! never disagree with them about order or content. Pure: no typst, no I/O.

use serde::Serialize;

use crate::resume::model::Resume;
use crate::resume::outline::{Block, Outline, Section};
use crate::resume::rich::Rich;

/// The day the PDF says it was made (its Info and XMP dates), a calendar date in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DocumentDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl DocumentDate {
    /// The UTC calendar day of `time` (a résumé file's modification time).
    pub fn of(time: std::time::SystemTime) -> Self {
        use chrono::Datelike;
        let day = chrono::DateTime::<chrono::Utc>::from(time).date_naive();
        let (month, day_of_month) = (u8::try_from(day.month()), u8::try_from(day.day()));
        Self { year: day.year(), month: month.unwrap_or(1), day: day_of_month.unwrap_or(1) }
    }

    /// The day the résumé says it was last modified (`meta.last_modified`, JSON
    /// Resume's `YYYY-MM-DDThh:mm:ss`), when it says so in that form.
    pub fn from_meta(resume: &Resume) -> Option<Self> {
        let written = resume.meta.as_ref()?.last_modified.as_ref()?;
        let day = written.as_str().get(..10)?;
        let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
        Self::of_naive(day)
    }

    fn of_naive(day: chrono::NaiveDate) -> Option<Self> {
        use chrono::Datelike;
        Some(Self {
            year: day.year(),
            month: u8::try_from(day.month()).ok()?,
            day: u8::try_from(day.day()).ok()?,
        })
    }
}

/// Paper sizes, as typst names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Paper {
    /// ISO 216 A4, 210 × 297 mm: the default outside North America.
    #[default]
    #[serde(rename = "a4")]
    A4,
    /// US Letter, 8.5 × 11 in.
    #[serde(rename = "us-letter")]
    Letter,
}

/// Everything the template reads.
#[derive(Debug, Serialize)]
pub(super) struct Document {
    pub title: String,
    pub author: Vec<String>,
    pub subject: Option<String>,
    pub keywords: Vec<String>,
    pub date: DocumentDate,
    pub paper: Paper,
    pub name: Option<String>,
    pub headline: String,
    pub contacts: Vec<Vec<Span>>,
    pub sections: Vec<PrintedSection>,
}

#[derive(Debug, Serialize)]
pub(super) struct PrintedSection {
    pub title: &'static str,
    /// An activity's period (open source, community), shown beside the title.
    pub period: Option<String>,
    /// `"entries"`, or `"groups"` for skills: a label and its items on one line.
    pub layout: &'static str,
    pub entries: Vec<Entry>,
}

/// One role, course, group …: the blocks between two gaps of the outline.
#[derive(Debug, Default, Serialize)]
pub(super) struct Entry {
    pub heading: Option<Heading>,
    pub blocks: Vec<Part>,
}

#[derive(Debug, Serialize)]
pub(super) struct Heading {
    pub title: Vec<Span>,
    pub detail: Option<String>,
    pub period: Option<String>,
}

/// A paragraph, a sub-heading (a skill group's name), or a run of bullets.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(super) enum Part {
    Paragraph { spans: Vec<Span> },
    Label { spans: Vec<Span> },
    Bullets { items: Vec<Vec<Span>> },
}

/// A run of text: plain, a link, or a figure (`~84M`, `1.5k+`, `100ms`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct Span {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub figure: bool,
}

impl Document {
    pub(super) fn new(resume: &Resume, outline: &Outline, date: DocumentDate, paper: Paper) -> Self {
        let name = outline.name.clone();
        let label = resume.basics.label.as_ref().map(ToString::to_string);
        let title = match (&name, &label) {
            (Some(name), Some(label)) => format!("{name} — {label}"),
            _ => outline.headline.clone(),
        };
        let author = resume.basics.name.iter().map(ToString::to_string).collect();
        let keywords = resume.skills.iter().flat_map(|g| &g.keywords).map(ToString::to_string).collect();
        let contacts = outline.contacts.iter().map(|line| contact(line)).collect();
        let sections = outline.sections.iter().filter_map(|s| printed(s, &outline.contacts)).collect();
        Self {
            title,
            author,
            subject: label,
            keywords,
            date,
            paper,
            name,
            headline: outline.headline.clone(),
            contacts,
            sections,
        }
    }
}

/// A section as printed: About without its entry of contact lines (the title block has
/// them), an activity's own heading folded into the section's title line.
fn printed(section: &Section, contacts: &[String]) -> Option<PrintedSection> {
    let mut entries = entries(&section.blocks);
    if section.slug == "about" {
        entries.retain(|entry| !is_contacts(entry, contacts));
    }
    let mut period = None;
    if let Some(first) = entries.first_mut()
        && let Some(heading) =
            first.heading.take_if(|h| h.detail.is_none() && joined(&h.title) == section.title)
    {
        period = heading.period;
    }
    entries.retain(|entry| entry.heading.is_some() || !entry.blocks.is_empty());
    let layout = if section.slug == "skills" { "groups" } else { "entries" };
    (!entries.is_empty()).then_some(PrintedSection { title: section.title, period, layout, entries })
}

/// A contact line as spans: no figures (a phone number is not an achievement), web
/// addresses shown without their scheme (the link keeps it).
fn contact(line: &str) -> Vec<Span> {
    let mut spans = spans(&Rich::from(line));
    spans.iter_mut().for_each(|span| span.figure = false);
    for span in spans.iter_mut().filter(|s| s.link.is_some()) {
        let bare = span.text.strip_prefix("https://").or_else(|| span.text.strip_prefix("http://"));
        if let Some(bare) = bare.map(|b| b.trim_end_matches('/').to_owned()) {
            span.text = bare;
        }
    }
    spans
}

/// The blocks cut at their gaps; a heading opens its entry.
fn entries(blocks: &[Block]) -> Vec<Entry> {
    let mut entries = vec![Entry::default()];
    for block in blocks {
        let Some(entry) = entries.last_mut() else { break };
        match block {
            Block::Gap => entries.push(Entry::default()),
            Block::Heading { title, detail, period }
                if entry.heading.is_none() && entry.blocks.is_empty() =>
            {
                entry.heading =
                    Some(Heading { title: spans(title), detail: detail.clone(), period: period.clone() });
            }
            Block::Heading { title: text, .. } | Block::Paragraph(text) => {
                entry.blocks.push(Part::Paragraph { spans: spans(text) });
            }
            Block::Label(text) => entry.blocks.push(Part::Label { spans: spans(text) }),
            Block::Bullet(text) => match entry.blocks.last_mut() {
                Some(Part::Bullets { items }) => items.push(spans(text)),
                _ => entry.blocks.push(Part::Bullets { items: vec![spans(text)] }),
            },
        }
    }
    entries
}

fn is_contacts(entry: &Entry, contacts: &[String]) -> bool {
    let lines = entry.blocks.iter().map(|part| match part {
        Part::Paragraph { spans } => Some(joined(spans)),
        _ => None,
    });
    entry.heading.is_none() && !contacts.is_empty() && lines.eq(contacts.iter().cloned().map(Some))
}

fn joined(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// `rich` as spans: its links (carried and written out), and in the text between
/// them the words that carry a figure.
pub(super) fn spans(rich: &Rich) -> Vec<Span> {
    let text = rich.as_str();
    let mut out = Vec::new();
    let mut at = 0;
    for link in rich.all_links() {
        plain(&mut out, &text[at..link.range.start]);
        out.push(Span { text: text[link.range.clone()].to_owned(), link: Some(link.target), figure: false });
        at = link.range.end;
    }
    plain(&mut out, &text[at..]);
    out
}

/// Plain text as spans: each figure its own span without the punctuation around it.
fn plain(out: &mut Vec<Span>, text: &str) {
    for word in text.split_inclusive(' ') {
        if is_figure(word) {
            let core = word.trim_matches(|c: char| c.is_whitespace() || "()[],.;:\"'!?".contains(c));
            let start = word.find(core).unwrap_or(0);
            push(out, &word[..start], false);
            push(out, core, true);
            push(out, &word[start + core.len()..], false);
        } else {
            push(out, word, false);
        }
    }
}

fn push(out: &mut Vec<Span>, text: &str, figure: bool) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.link.is_none() && last.figure == figure => last.text.push_str(text),
        _ => out.push(Span { text: text.to_owned(), link: None, figure }),
    }
}

/// Whether a word carries a figure: a digit, but not a bare four-digit year. The
/// terminal view's rule (`tui::rows::is_figure`), so the same numbers stand out.
fn is_figure(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    let is_year = core.len() == 4 && core.chars().all(|c| c.is_ascii_digit());
    core.chars().any(|c| c.is_ascii_digit()) && !is_year
}

/// Every character in the strings of `value` (the document as JSON): what the PDF
/// prints, for the coverage check. Whitespace and control characters need no glyph.
pub(super) fn characters(value: &serde_json::Value, found: &mut std::collections::BTreeSet<char>) {
    match value {
        serde_json::Value::String(text) => {
            found.extend(text.chars().filter(|c| !c.is_whitespace() && !c.is_control()));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| characters(item, found)),
        serde_json::Value::Object(map) => map.values().for_each(|item| characters(item, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
