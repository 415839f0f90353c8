//! The résumé as plain text, Markdown and JSON Resume, for visitors without a terminal
//! (`ssh host json`, pipes, scripts) and for `ssh-resume render`.
//!
//! Text and Markdown walk the shared [`Outline`]; JSON Resume maps the model directly
//! (<https://jsonresume.org/schema>). Output uses `\n`; the SSH layer converts line ends
//! when a PTY is attached.

use serde_json::{Map, Value, json};

use super::layout::layout;
use super::model::{Activity, Date, Resume, Text};
use super::outline::{Block, Outline, Section};
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
    for row in layout(section, width) {
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
                out.push_str(&format!("\n### {title}\n"));
                let meta: Vec<String> = [detail, period].into_iter().flatten().cloned().collect();
                if !meta.is_empty() {
                    out.push_str(&format!("\n*{}*\n", meta.join(" · ")));
                }
            }
            Block::Label(text) => out.push_str(&format!("\n### {text}\n")),
            Block::Paragraph(text) => out.push_str(&format!("\n{text}\n")),
            Block::Bullet(text) if after_bullet => out.push_str(&format!("- {text}\n")),
            Block::Bullet(text) => out.push_str(&format!("\n- {text}\n")),
        }
        previous = Some(block);
    }
}

/// JSON Resume (schema v1), pretty-printed. Absent optional fields are left out.
pub fn json_resume(resume: &Resume) -> String {
    let value = json!({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": basics(resume),
        "work": resume.work.iter().map(|role| compact(json!({
            "name": role.company.as_str(),
            "position": opt(&role.position),
            "description": opt(&role.size),
            "startDate": role.start.iso(),
            "endDate": iso(&role.end),
            "summary": opt(&role.summary),
            "highlights": texts(&role.highlights),
        }))).collect::<Vec<_>>(),
        "projects": resume.open_source.iter().map(|a| activity("Open Source", a)).collect::<Vec<_>>(),
        "volunteer": resume.community.iter().map(|a| activity("Community & Conferences", a)).collect::<Vec<_>>(),
        "education": resume.education.iter().map(|e| compact(json!({
            "institution": e.institution.as_str(),
            "area": opt(&e.area),
            "studyType": opt(&e.study_type),
            "startDate": iso(&e.start),
            "endDate": iso(&e.end),
            "score": opt(&e.summary),
        }))).collect::<Vec<_>>(),
        "skills": resume.skills.iter().map(|g| json!({
            "name": g.name.as_str(),
            "keywords": texts(&g.keywords),
        })).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&compact(value)).unwrap_or_default();
    out.push('\n');
    out
}

fn basics(resume: &Resume) -> Value {
    let b = &resume.basics;
    compact(json!({
        "name": opt(&b.name),
        "label": b.label.as_str(),
        "email": opt(&b.email),
        "phone": opt(&b.phone),
        "url": opt(&b.url),
        "summary": (!b.summary.is_empty()).then(|| texts(&b.summary).join("\n\n")),
        "location": b.location.as_ref().map(|l| json!({ "address": l.as_str() })),
        "profiles": b.profiles.iter().map(|p| compact(json!({
            "network": p.network.as_str(),
            "url": p.url.as_str(),
            "username": opt(&p.username),
        }))).collect::<Vec<_>>(),
        "highlights": texts(&b.highlights),
    }))
}

fn activity(name: &str, activity: &Activity) -> Value {
    compact(json!({
        "name": name,
        "organization": name,
        "startDate": iso(&activity.start),
        "endDate": iso(&activity.end),
        "description": opt(&activity.summary),
        "summary": opt(&activity.summary),
        "highlights": texts(&activity.highlights),
    }))
}

fn opt(value: &Option<Text>) -> Option<&str> {
    value.as_ref().map(Text::as_str)
}

fn texts(values: &[Text]) -> Vec<&str> {
    values.iter().map(Text::as_str).collect()
}

fn iso(date: &Option<Date>) -> Option<String> {
    date.as_ref().and_then(Date::iso)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::load::parse_str;
    use unicode_width::UnicodeWidthStr;

    fn shipped() -> (Resume, Outline) {
        let resume = parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap();
        let outline = Outline::from_resume(&resume);
        (resume, outline)
    }

    #[test]
    fn text_is_wrapped_at_the_width() {
        let (_, outline) = shipped();
        for width in [40, 80] {
            let out = text(&outline, width);
            assert!(out.lines().all(|l| l.width() <= width), "a line is wider than {width}");
        }
    }

    #[test]
    fn text_right_aligns_periods() {
        let (_, outline) = shipped();
        let out = text(&outline, 80);
        let line = out.lines().find(|l| l.starts_with("Together.ai")).unwrap();
        assert!(line.ends_with("07/2025 — now") && line.width() == 80, "{line}");
    }

    #[test]
    fn a_non_ascii_title_is_underlined_to_its_width() {
        for (title, columns) in [("Éducation", 9), ("Проекты", 7), ("職歴", 4)] {
            let section = Section { slug: "t", title, blocks: vec![Block::Paragraph("x".into())] };
            let text = section_text(&section, 80);
            let rule = text.lines().nth(1).unwrap();
            assert_eq!(rule, "-".repeat(columns), "{title}");
            assert_eq!(rule.width(), text.lines().next().unwrap().width(), "{title}");
        }
    }

    #[test]
    fn markdown_has_a_heading_per_section() {
        let (_, outline) = shipped();
        let out = markdown(&outline);
        assert!(out.starts_with("# Staff Software Engineer\n"));
        for section in &outline.sections {
            assert!(out.contains(&format!("\n## {}\n", section.title)));
        }
        assert!(out.contains("\n### Remote\n\n*~150 → 1100 employees · 04/2021 — 10/2023*\n"));
    }

    #[test]
    fn json_resume_maps_dates_and_leaves_out_absent_fields() {
        let (resume, _) = shipped();
        let value: Value = serde_json::from_str(&json_resume(&resume)).unwrap();
        assert_eq!(value["basics"]["label"], "Staff Software Engineer");
        assert!(value["basics"].get("name").is_none());
        assert_eq!(value["work"][0]["startDate"], "2025-07");
        assert!(value["work"][0].get("endDate").is_none());
        assert_eq!(value["work"].as_array().unwrap().len(), 8);
        assert_eq!(value["skills"][3]["keywords"][3], "Hiring & Mentoring");
    }
}
