//! The résumé as plain text, Markdown and JSON Resume, for visitors without a terminal
//! (`ssh host json`, pipes, scripts) and for `ssh-resume render`.
//!
//! Text and Markdown walk the shared [`Outline`]; JSON Resume maps the model directly
//! (<https://jsonresume.org/schema>). Links whose text differs from their target are
//! printed as `text (url)` in text and as `[text](url)` in Markdown and JSON Resume.
//! Output uses `\n`; the SSH layer converts line ends when a PTY is attached.

use serde_json::{Map, Value, json};

use super::layout::layout;
use super::markup::to_markup;
use super::model::{Activity, Date, Resume, Role, Text, join_texts};
use super::outline::{Block, Outline, Section};
use super::rich::Rich;
use super::row_parts::{plain, section_title};

/// The output formats visitors and the CLI can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text = 0,
    Markdown = 1,
    Json = 2,
}

/// Renders the résumé (or just one section) in `format`; `width` applies to text.
pub fn render(resume: &Resume, outline: &Outline, format: Format, width: usize) -> String {
    match format {
        Format::Text => text(outline, width),
        Format::Markdown => markdown(outline),
        Format::Json => json_resume(resume),
    }
}

/// Plain text wrapped at `width` columns, sections underlined.
pub fn text(outline: &Outline, width: usize) -> String {
    let mut out = title_block(outline);
    for section in &outline.sections {
        out.push('\n');
        out.push_str(&section_text(section, width));
    }
    out
}

/// One section as plain text, with its title underlined.
pub fn section_text(section: &Section, width: usize) -> String {
    let (title, rule) = section_title(section.title);
    let mut out = format!("{title}\n{rule}\n");
    for row in layout(&section.with_targets_shown(), width) {
        out.push_str(&plain(&row, width));
        out.push('\n');
    }
    out
}

/// The name, headline and contact lines that open the text.
pub fn title_block(outline: &Outline) -> String {
    let mut out = String::new();
    if let Some(name) = &outline.name {
        out.push_str(&format!("{name}\n"));
    }
    out.push_str(&format!("{}\n", outline.headline));
    for contact in &outline.contacts {
        out.push_str(&format!("{contact}\n"));
    }
    out
}

/// Markdown: `#` for the headline, `##` per section, `###` per entry.
pub fn markdown(outline: &Outline) -> String {
    let mut out = match &outline.name {
        Some(name) => format!("# {name}\n\n**{}**\n", outline.headline),
        None => format!("# {}\n", outline.headline),
    };
    if !outline.contacts.is_empty() {
        out.push('\n');
        for contact in &outline.contacts {
            out.push_str(&format!("- {contact}\n"));
        }
    }
    for section in &outline.sections {
        out.push_str(&format!("\n## {}\n", section.title));
        markdown_blocks(&mut out, &section.blocks);
    }
    out
}

fn markdown_blocks(out: &mut String, blocks: &[Block]) {
    let mut previous: Option<&Block> = None;
    for block in blocks {
        let after_bullet = matches!(previous, Some(Block::Bullet(_)));
        match block {
            Block::Gap => {}
            Block::Heading { title, detail, period } => {
                out.push_str(&format!("\n### {}\n", md(title)));
                let meta: Vec<String> = [detail, period].into_iter().flatten().cloned().collect();
                if !meta.is_empty() {
                    out.push_str(&format!("\n*{}*\n", meta.join(" · ")));
                }
            }
            Block::Label(text) => out.push_str(&format!("\n### {}\n", md(text))),
            Block::Paragraph(text) => out.push_str(&format!("\n{}\n", md(text))),
            Block::Bullet(text) if after_bullet => out.push_str(&format!("- {}\n", md(text))),
            Block::Bullet(text) => out.push_str(&format!("\n- {}\n", md(text))),
        }
        previous = Some(block);
    }
}

/// Text as Markdown: characters Markdown would act on escaped (text without them, as
/// the shipped résumé's, is unchanged), carried links as `[text](url)`.
fn md(rich: &Rich) -> String {
    to_markup(rich)
}

/// JSON Resume (schema v1), pretty-printed. Absent optional fields are left out. Prose
/// is written so that reading the file again gives the same text and links
/// ([`to_markup`]); addresses, numbers and dates as they are.
pub fn json_resume(resume: &Resume) -> String {
    let open_source = resume.open_source.iter().map(|a| activity("Open Source", a));
    let community = resume.community.iter().map(|a| activity("Community & Conferences", a));
    let value = json!({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": basics(resume),
        "work": resume.work.iter().map(work).collect::<Vec<_>>(),
        "projects": open_source.chain(resume.projects.iter().map(json_parts::project)).collect::<Vec<_>>(),
        "volunteer": community.chain(resume.volunteer.iter().map(json_parts::volunteer)).collect::<Vec<_>>(),
        "education": resume.education.iter().map(json_parts::education).collect::<Vec<_>>(),
        "awards": resume.awards.iter().map(json_parts::award).collect::<Vec<_>>(),
        "certificates": resume.certificates.iter().map(json_parts::certificate).collect::<Vec<_>>(),
        "publications": resume.publications.iter().map(json_parts::publication).collect::<Vec<_>>(),
        "skills": resume.skills.iter().map(|g| compact(json!({
            "name": prose(&g.name),
            "level": prose(&g.level),
            "keywords": list(&g.keywords),
        }))).collect::<Vec<_>>(),
        "languages": resume.languages.iter().map(|l| compact(json!({
            "language": prose(&l.language),
            "fluency": prose(&l.fluency),
        }))).collect::<Vec<_>>(),
        "interests": resume.interests.iter().map(|i| compact(json!({
            "name": prose(&i.name),
            "keywords": list(&i.keywords),
        }))).collect::<Vec<_>>(),
        "references": resume.references.iter().map(|r| compact(json!({
            "name": prose(&r.name),
            "reference": paragraphs(&r.reference),
        }))).collect::<Vec<_>>(),
        "meta": resume.meta.as_ref().map(|m| compact(json!({
            "canonical": as_is(&m.canonical),
            "version": as_is(&m.version),
            "lastModified": as_is(&m.last_modified),
        }))),
    });
    let mut out = serde_json::to_string_pretty(&compact(value)).unwrap_or_default();
    out.push('\n');
    out
}

fn basics(resume: &Resume) -> Value {
    let b = &resume.basics;
    compact(json!({
        "name": prose(&b.name),
        "label": prose(&b.label),
        "image": as_is(&b.image),
        "email": as_is(&b.email),
        "phone": as_is(&b.phone),
        "url": as_is(&b.url),
        "summary": paragraphs(&b.summary),
        "location": b.location.as_ref().map(|l| compact(json!({
            "address": (!l.address.is_empty()).then(|| join_texts(&l.address, "\n")),
            "postalCode": as_is(&l.postal_code),
            "city": as_is(&l.city),
            "countryCode": as_is(&l.country_code),
            "region": as_is(&l.region),
        }))),
        "profiles": b.profiles.iter().map(|p| compact(json!({
            "network": as_is(&p.network),
            "url": as_is(&p.url),
            "username": as_is(&p.username),
        }))).collect::<Vec<_>>(),
        "highlights": list(&b.highlights),
    }))
}

fn work(role: &Role) -> Value {
    let description = match (&role.size, &role.description) {
        (Some(size), Some(description)) => Some(format!("{} · {}", markup(size), markup(description))),
        (size, description) => prose(size).or_else(|| prose(description)),
    };
    compact(json!({
        "name": prose(&role.company),
        "position": prose(&role.position),
        "description": description,
        "location": prose(&role.location),
        "url": as_is(&role.url),
        "startDate": date(&role.start),
        "endDate": date(&role.end),
        "summary": paragraphs(&role.summary),
        "highlights": list(&role.highlights),
    }))
}

fn activity(name: &str, activity: &Activity) -> Value {
    compact(json!({
        "name": name,
        "organization": name,
        "startDate": date(&activity.start),
        "endDate": date(&activity.end),
        "description": prose(&activity.summary),
        "summary": prose(&activity.summary),
        "highlights": list(&activity.highlights),
    }))
}

/// Prose as JSON Resume text (Markdown that reads back as the same text and links).
fn markup(text: &Text) -> String {
    to_markup(text.rich())
}

fn prose(value: &Option<Text>) -> Option<String> {
    value.as_ref().map(markup)
}

/// Values that are not prose (addresses, numbers): as they are.
fn as_is(value: &Option<Text>) -> Option<&str> {
    value.as_ref().map(Text::as_str)
}

fn list(values: &[Text]) -> Vec<String> {
    values.iter().map(markup).collect()
}

/// Paragraphs as one text, a blank line between each two.
fn paragraphs(values: &[Text]) -> Option<String> {
    (!values.is_empty()).then(|| list(values).join("\n\n"))
}

fn date(date: &Option<Date>) -> Option<String> {
    date.as_ref().and_then(Date::for_json)
}

/// Drops nulls and empty arrays so absent facts are absent, not `null`.
fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let kept = map.into_iter().filter(|(_, v)| !is_empty(v));
            Value::Object(kept.map(|(k, v)| (k, compact(v))).collect::<Map<_, _>>())
        }
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// The sections the original mapping did not have, one function each.
mod json_parts {
    use serde_json::{Value, json};

    use super::{as_is, compact, date, list, paragraphs, prose};
    use crate::resume::model::{Award, Certificate, Education, Project, Publication, Volunteer};

    pub(super) fn project(p: &Project) -> Value {
        compact(json!({
            "name": prose(&p.name),
            "description": paragraphs(&p.description),
            "highlights": list(&p.highlights),
            "keywords": list(&p.keywords),
            "startDate": date(&p.start),
            "endDate": date(&p.end),
            "url": as_is(&p.url),
            "roles": list(&p.roles),
            "entity": prose(&p.entity),
            "type": prose(&p.kind),
        }))
    }

    pub(super) fn volunteer(v: &Volunteer) -> Value {
        compact(json!({
            "organization": prose(&v.organization),
            "position": prose(&v.position),
            "url": as_is(&v.url),
            "startDate": date(&v.start),
            "endDate": date(&v.end),
            "summary": paragraphs(&v.summary),
            "highlights": list(&v.highlights),
        }))
    }

    /// Our own `summary` of a course is the schema's `score` when there is no score, as
    /// it always was; beside a score it keeps its own name.
    pub(super) fn education(e: &Education) -> Value {
        let (score, summary) = match &e.score {
            Some(_) => (prose(&e.score), prose(&e.summary)),
            None => (prose(&e.summary), None),
        };
        compact(json!({
            "institution": prose(&e.institution),
            "url": as_is(&e.url),
            "area": prose(&e.area),
            "studyType": prose(&e.study_type),
            "startDate": date(&e.start),
            "endDate": date(&e.end),
            "score": score,
            "courses": list(&e.courses),
            "summary": summary,
        }))
    }

    pub(super) fn award(a: &Award) -> Value {
        compact(json!({
            "title": prose(&a.title),
            "date": date(&a.date),
            "awarder": prose(&a.awarder),
            "summary": paragraphs(&a.summary),
        }))
    }

    pub(super) fn certificate(c: &Certificate) -> Value {
        compact(json!({
            "name": prose(&c.name),
            "date": date(&c.date),
            "issuer": prose(&c.issuer),
            "url": as_is(&c.url),
        }))
    }

    pub(super) fn publication(p: &Publication) -> Value {
        compact(json!({
            "name": prose(&p.name),
            "publisher": prose(&p.publisher),
            "releaseDate": date(&p.release_date),
            "url": as_is(&p.url),
            "summary": paragraphs(&p.summary),
        }))
    }
}

#[cfg(test)]
mod tests;
