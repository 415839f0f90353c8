//! The résumé arranged for reading: named sections of headings, paragraphs and bullets.
//!
//! Built once per loaded résumé and shared read-only by every visitor. The interactive
//! view, the plain-text and the Markdown exports all walk this one outline, so they can
//! never disagree about order or content. It knows nothing of widths, styles or terminals.

use super::model::{Activity, Resume, Role, Text, period};

/// The whole résumé in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// The person's name, when the résumé gives one.
    pub name: Option<String>,
    /// The one-line headline (`basics.label`).
    pub headline: String,
    /// Contact details and profile links, each one line.
    pub contacts: Vec<String>,
    pub sections: Vec<Section>,
}

/// One navigable section, e.g. "Experience".
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Stable lower-case name used on the command line (`ssh host experience`).
    pub slug: &'static str,
    pub title: &'static str,
    pub blocks: Vec<Block>,
}

/// A unit of content inside a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A role or entry: `title · detail` on the left, the period on the right.
    Heading {
        title: String,
        detail: Option<String>,
        period: Option<String>,
    },
    /// A sub-heading inside a section, e.g. a skill group's name.
    Label(String),
    Paragraph(String),
    Bullet(String),
    /// Vertical space between entries.
    Gap,
}

impl Section {
    fn to_ascii(&self) -> Self {
        let ascii = |text: &String| deunicode::deunicode(text);
        let blocks = self.blocks.iter().map(|block| match block {
            Block::Heading { title, detail, period } => Block::Heading {
                title: ascii(title),
                detail: detail.as_ref().map(ascii),
                period: period.as_ref().map(ascii),
            },
            Block::Label(text) => Block::Label(ascii(text)),
            Block::Paragraph(text) => Block::Paragraph(ascii(text)),
            Block::Bullet(text) => Block::Bullet(ascii(text)),
            Block::Gap => Block::Gap,
        });
        Self { blocks: blocks.collect(), ..*self }
    }
}

impl Outline {
    pub fn from_resume(resume: &Resume) -> Self {
        let basics = &resume.basics;
        let sections = [
            about(resume),
            list_section("highlights", "Highlights", &basics.highlights),
            experience(&resume.work),
            resume.open_source.as_ref().map(|a| activity("open-source", "Open Source", a)),
            resume.community.as_ref().map(|a| activity("community", "Community", a)),
            education(resume),
            skills(resume),
        ];
        Self {
            name: basics.name.as_ref().map(ToString::to_string),
            headline: basics.label.to_string(),
            contacts: contacts(resume),
            sections: sections.into_iter().flatten().collect(),
        }
    }

    /// The section whose slug is `name`, or the only one it is a prefix of
    /// (case-insensitive). `Err` lists every slug.
    pub fn find_section(&self, name: &str) -> Result<usize, String> {
        let wanted = name.to_ascii_lowercase();
        let exact = self.sections.iter().position(|s| s.slug == wanted);
        let mut prefixed = self.sections.iter().enumerate().filter(|(_, s)| s.slug.starts_with(&wanted));
        match (exact, prefixed.next(), prefixed.next()) {
            (Some(index), _, _) => Ok(index),
            (None, Some((index, _)), None) if !wanted.is_empty() => Ok(index),
            _ => Err(self.slugs().join(", ")),
        }
    }

    /// A copy with every text transliterated to ASCII.
    pub fn to_ascii(&self) -> Self {
        let ascii = |text: &String| deunicode::deunicode(text);
        Self {
            name: self.name.as_ref().map(ascii),
            headline: ascii(&self.headline),
            contacts: self.contacts.iter().map(ascii).collect(),
            sections: self.sections.iter().map(|s| s.to_ascii()).collect(),
        }
    }

    pub fn slugs(&self) -> Vec<&'static str> {
        self.sections.iter().map(|s| s.slug).collect()
    }
}

fn contacts(resume: &Resume) -> Vec<String> {
    let b = &resume.basics;
    let singles = [&b.email, &b.phone, &b.url, &b.location];
    let mut lines: Vec<String> = singles.into_iter().flatten().map(ToString::to_string).collect();
    lines.extend(b.profiles.iter().map(|p| format!("{}: {}", p.network, p.url)));
    lines
}

fn about(resume: &Resume) -> Option<Section> {
    let mut blocks: Vec<Block> = Vec::new();
    for paragraph in &resume.basics.summary {
        push_gap(&mut blocks);
        blocks.push(Block::Paragraph(paragraph.to_string()));
    }
    let contacts = contacts(resume);
    if !contacts.is_empty() {
        push_gap(&mut blocks);
        blocks.extend(contacts.into_iter().map(Block::Paragraph));
    }
    non_empty("about", "About", blocks)
}

fn list_section(slug: &'static str, title: &'static str, items: &[impl ToString]) -> Option<Section> {
    let blocks = items.iter().map(|item| Block::Bullet(item.to_string())).collect();
    non_empty(slug, title, blocks)
}

fn experience(work: &[Role]) -> Option<Section> {
    let mut blocks = Vec::new();
    for role in work {
        push_gap(&mut blocks);
        let title = match &role.position {
            Some(position) => format!("{position}, {}", role.company),
            None => role.company.to_string(),
        };
        blocks.push(Block::Heading {
            title,
            detail: role.size.as_ref().map(ToString::to_string),
            period: period(Some(&role.start), role.end.as_ref()),
        });
        push_body(&mut blocks, role.summary.as_ref(), &role.highlights);
    }
    non_empty("experience", "Experience", blocks)
}

fn activity(slug: &'static str, title: &'static str, activity: &Activity) -> Section {
    let mut blocks = Vec::new();
    if let Some(period) = period(activity.start.as_ref(), activity.end.as_ref()) {
        blocks.push(Block::Heading { title: title.to_owned(), detail: None, period: Some(period) });
    }
    push_body(&mut blocks, activity.summary.as_ref(), &activity.highlights);
    Section { slug, title, blocks }
}

fn education(resume: &Resume) -> Option<Section> {
    let mut blocks = Vec::new();
    for entry in &resume.education {
        push_gap(&mut blocks);
        let study = [&entry.study_type, &entry.area].into_iter().flatten();
        let study: Vec<String> = study.map(ToString::to_string).collect();
        blocks.push(Block::Heading {
            title: entry.institution.to_string(),
            detail: (!study.is_empty()).then(|| study.join(", ")),
            period: period(entry.start.as_ref(), entry.end.as_ref()),
        });
        push_body(&mut blocks, entry.summary.as_ref(), &[] as &[Text]);
    }
    non_empty("education", "Education", blocks)
}

fn skills(resume: &Resume) -> Option<Section> {
    let mut blocks = Vec::new();
    for group in &resume.skills {
        push_gap(&mut blocks);
        blocks.push(Block::Label(group.name.to_string()));
        blocks.extend(group.keywords.iter().map(|k| Block::Bullet(k.to_string())));
    }
    non_empty("skills", "Skills", blocks)
}

fn push_body(blocks: &mut Vec<Block>, summary: Option<&impl ToString>, highlights: &[impl ToString]) {
    if let Some(summary) = summary {
        blocks.push(Block::Paragraph(summary.to_string()));
    }
    blocks.extend(highlights.iter().map(|h| Block::Bullet(h.to_string())));
}

/// Separates entries, but never starts a section with space.
fn push_gap(blocks: &mut Vec<Block>) {
    if !blocks.is_empty() {
        blocks.push(Block::Gap);
    }
}

fn non_empty(slug: &'static str, title: &'static str, blocks: Vec<Block>) -> Option<Section> {
    (!blocks.is_empty()).then_some(Section { slug, title, blocks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::load::parse_str;

    fn shipped() -> Outline {
        let text = include_str!("../../resume.toml");
        Outline::from_resume(&parse_str(text, "resume.toml").unwrap())
    }

    #[test]
    fn shipped_resume_has_seven_sections_in_order() {
        let slugs = shipped().slugs();
        let expected =
            ["about", "highlights", "experience", "open-source", "community", "education", "skills"];
        assert_eq!(slugs, expected);
    }

    #[test]
    fn sections_are_found_by_slug_or_unambiguous_prefix() {
        let outline = shipped();
        assert_eq!(outline.find_section("experience"), Ok(2));
        assert_eq!(outline.find_section("Open"), Ok(3));
        assert_eq!(outline.find_section("sk"), Ok(6));
        let listed = outline.find_section("e").unwrap_err();
        assert!(listed.contains("experience") && listed.contains("education"), "{listed}");
        assert!(outline.find_section("hobbies").is_err());
        assert!(outline.find_section("").is_err());
    }

    #[test]
    fn ascii_copy_is_ascii() {
        let ascii = shipped().to_ascii();
        assert!(format!("{ascii:?}").is_ascii());
        assert!(ascii.sections[2].blocks.iter().any(|b| matches!(b,
            Block::Heading { period: Some(p), .. } if p == "07/2025 -- now")));
    }

    #[test]
    fn empty_sections_are_left_out() {
        let outline = Outline::from_resume(&parse_str("[basics]\nlabel = \"E\"\n", "t").unwrap());
        assert!(outline.sections.is_empty());
        assert!(outline.contacts.is_empty());
    }

    #[test]
    fn roles_become_headings_with_period() {
        let experience = &shipped().sections[2];
        let first = &experience.blocks[0];
        let expected = Block::Heading {
            title: "Together.ai".into(),
            detail: Some("~250 employees".into()),
            period: Some("07/2025 — now".into()),
        };
        assert_eq!(first, &expected);
    }
}
