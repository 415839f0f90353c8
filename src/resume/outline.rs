//! The résumé arranged for reading: named sections of headings, paragraphs and bullets.
//!
//! Built once per loaded résumé and shared read-only by every visitor. The interactive
//! view, the plain-text and the Markdown exports all walk this one outline, so they can
//! never disagree about order or content. Texts are [`Rich`]: they carry the links
//! whose text differs from their target. It knows nothing of widths, styles or
//! terminals. Sections without content are left out.

use super::model::{
    Activity, Award, Certificate, Date, Education, Extra, Interest, Language, Meta, Project, Publication,
    Reference, Resume, Role, SkillGroup, Text, Volunteer, period,
};
use super::rich::Rich;

/// The whole résumé in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// The person's name, when the résumé gives one beside a headline.
    pub name: Option<String>,
    /// The one-line headline (`basics.label`, else the name, else
    /// [`neutral_title`]).
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
    /// The résumé file's key it is read from (`work`, `open_source`; `basics` for
    /// About, `meta` for the colophon, `extra` for More), which names it too.
    pub key: &'static str,
    pub blocks: Vec<Block>,
}

/// A unit of content inside a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A role or entry: `title · detail` on the left, the period on the right.
    Heading {
        title: Rich,
        detail: Option<String>,
        period: Option<String>,
    },
    /// A sub-heading inside a section, e.g. a skill group's name.
    Label(Rich),
    Paragraph(Rich),
    Bullet(Rich),
    /// Vertical space between entries.
    Gap,
}

impl Block {
    /// The same block with `change` applied to each of its texts.
    fn map(&self, change: &impl Fn(&Rich) -> Rich, detail: &impl Fn(&str) -> String) -> Block {
        match self {
            Block::Heading { title, detail: d, period } => Block::Heading {
                title: change(title),
                detail: d.as_deref().map(detail),
                period: period.as_deref().map(detail),
            },
            Block::Label(text) => Block::Label(change(text)),
            Block::Paragraph(text) => Block::Paragraph(change(text)),
            Block::Bullet(text) => Block::Bullet(change(text)),
            Block::Gap => Block::Gap,
        }
    }
}

impl Section {
    fn map(&self, change: impl Fn(&Rich) -> Rich, detail: impl Fn(&str) -> String) -> Self {
        let blocks = self.blocks.iter().map(|block| block.map(&change, &detail)).collect();
        Self { blocks, ..*self }
    }

    fn to_ascii(&self) -> Self {
        self.map(|rich| rich.map_text(deunicode::deunicode), deunicode::deunicode)
    }

    /// For readers who cannot follow links (printed text, the pager): every link whose
    /// text does not say where it goes gets its address after it.
    pub fn with_targets_shown(&self) -> std::borrow::Cow<'_, Section> {
        let hides = self.blocks.iter().any(|block| match block {
            Block::Heading { title: text, .. }
            | Block::Label(text)
            | Block::Paragraph(text)
            | Block::Bullet(text) => text.hides_targets(),
            Block::Gap => false,
        });
        if hides {
            std::borrow::Cow::Owned(self.map(Rich::with_targets_shown, str::to_owned))
        } else {
            std::borrow::Cow::Borrowed(self)
        }
    }
}

impl Outline {
    pub fn from_resume(resume: &Resume) -> Self {
        let basics = &resume.basics;
        let sections = [
            about(resume),
            bullets(
                ("highlights", "Highlights", "highlights"),
                basics.highlights.iter().map(Text::rich).cloned(),
            ),
            entries(("experience", "Experience", "work"), &resume.work, role),
            resume.open_source.as_ref().map(|a| activity(("open-source", "Open Source", "open_source"), a)),
            entries(("projects", "Projects", "projects"), &resume.projects, project),
            resume.community.as_ref().map(|a| activity(("community", "Community", "community"), a)),
            entries(("volunteer", "Volunteering", "volunteer"), &resume.volunteer, volunteer),
            entries(("education", "Education", "education"), &resume.education, education),
            entries(("certificates", "Certificates", "certificates"), &resume.certificates, certificate),
            entries(("awards", "Awards", "awards"), &resume.awards, award),
            entries(("publications", "Publications", "publications"), &resume.publications, publication),
            entries(("skills", "Skills", "skills"), &resume.skills, skill_group),
            bullets(("languages", "Languages", "languages"), resume.languages.iter().filter_map(language)),
            bullets(("interests", "Interests", "interests"), resume.interests.iter().filter_map(interest)),
            entries(("references", "References", "references"), &resume.references, reference),
            resume.meta.as_ref().and_then(colophon),
            more(&resume.extra),
        ];
        let label = basics.label.as_ref().map(ToString::to_string);
        let name = basics.name.as_ref().map(ToString::to_string);
        let (name, headline) = match (name, label) {
            (name, Some(label)) => (name, label),
            (Some(name), None) => (None, name),
            (None, None) => (None, neutral_title(resume)),
        };
        Self {
            name,
            headline,
            contacts: contacts(resume),
            sections: sections.into_iter().flatten().collect(),
        }
    }

    /// The section a visitor names: by its number as the view shows it (1 for the
    /// first), its slug, its title as shown or its key in the résumé file, in any case
    /// and with spaces or `_` for `-` (`Open Source`, `open source`, `open_source`);
    /// else the only section one of those names starts with. `Err` lists every slug.
    pub fn find_section(&self, name: &str) -> Result<usize, String> {
        let wanted = spoken(name);
        let listed = || self.slugs().join(", ");
        if let Ok(number) = wanted.parse::<usize>() {
            let index = number.checked_sub(1).filter(|index| *index < self.sections.len());
            return index.ok_or_else(listed);
        }
        let names = |section: &Section| [section.slug.to_owned(), spoken(section.title), spoken(section.key)];
        let exact = self.sections.iter().position(|s| names(s).contains(&wanted));
        let mut prefixed = self
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| names(s).iter().any(|name| name.starts_with(&wanted)));
        match (exact, prefixed.next(), prefixed.next()) {
            (Some(index), _, _) => Ok(index),
            (None, Some((index, _)), None) if !wanted.is_empty() => Ok(index),
            _ => Err(listed()),
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

/// A section's name as a visitor may type it, written the way slugs are: lower case,
/// its words joined by single `-`s whether typed with spaces, `_` or `-` (`ssh host
/// open source` arrives as one string, OpenSSH joining the words with spaces).
fn spoken(name: &str) -> String {
    let words = name.split(|c: char| c.is_whitespace() || c == '_' || c == '-');
    words.filter(|word| !word.is_empty()).map(str::to_lowercase).collect::<Vec<_>>().join("-")
}

/// The title of a résumé that names neither its person nor their role (a JSON Resume
/// file may not): its first profile, else `Résumé`.
pub fn neutral_title(resume: &Resume) -> String {
    resume.basics.profiles.iter().find_map(profile_line).unwrap_or_else(|| "Résumé".to_owned())
}

fn contacts(resume: &Resume) -> Vec<String> {
    let b = &resume.basics;
    let singles = [&b.email, &b.phone, &b.url].into_iter().flatten().map(ToString::to_string);
    let lines = singles.chain(b.location.as_ref().and_then(|l| l.shown()));
    lines.chain(b.profiles.iter().filter_map(profile_line)).collect()
}

/// `network: url`, the username after it unless the address already holds it.
fn profile_line(profile: &super::model::Profile) -> Option<String> {
    let at = match (&profile.url, &profile.username) {
        (Some(url), Some(user)) if !url.as_str().contains(user.as_str()) => Some(format!("{url} ({user})")),
        (url, user) => url.as_ref().or(user.as_ref()).map(ToString::to_string),
    };
    match (&profile.network, at) {
        (Some(network), Some(at)) => Some(format!("{network}: {at}")),
        (network, at) => at.or_else(|| network.as_ref().map(ToString::to_string)),
    }
}

fn about(resume: &Resume) -> Option<Section> {
    let mut blocks: Vec<Block> = Vec::new();
    for paragraph in &resume.basics.summary {
        push_gap(&mut blocks);
        blocks.push(Block::Paragraph(paragraph.rich().clone()));
    }
    let contacts = contacts(resume);
    if !contacts.is_empty() {
        push_gap(&mut blocks);
        blocks.extend(contacts.into_iter().map(|line| Block::Paragraph(line.into())));
    }
    non_empty(("about", "About", "basics"), blocks)
}

fn bullets(names: Names, items: impl Iterator<Item = Rich>) -> Option<Section> {
    non_empty(names, items.map(Block::Bullet).collect())
}

/// A section of entries, a gap between each two.
fn entries<T>(names: Names, items: &[T], entry: impl Fn(&mut Vec<Block>, &T)) -> Option<Section> {
    let mut blocks = Vec::new();
    for item in items {
        push_gap(&mut blocks);
        entry(&mut blocks, item);
    }
    if blocks.last() == Some(&Block::Gap) {
        blocks.pop();
    }
    non_empty(names, blocks)
}

fn role(blocks: &mut Vec<Block>, role: &Role) {
    let title = joined([&role.position, &role.company], ", ");
    let detail = [&role.size, &role.description, &role.location];
    heading(blocks, title, &detail, period(role.start.as_ref(), role.end.as_ref()));
    paragraphs(blocks, role.url.iter());
    paragraphs(blocks, &role.summary);
    blocks.extend(role.highlights.iter().map(|h| Block::Bullet(h.rich().clone())));
}

fn activity(names: Names, activity: &Activity) -> Section {
    let (slug, title, key) = names;
    let mut blocks = Vec::new();
    if let Some(period) = period(activity.start.as_ref(), activity.end.as_ref()) {
        blocks.push(Block::Heading { title: title.into(), detail: None, period: Some(period) });
    }
    paragraphs(&mut blocks, activity.summary.iter());
    blocks.extend(activity.highlights.iter().map(|h| Block::Bullet(h.rich().clone())));
    Section { slug, title, key, blocks }
}

fn project(blocks: &mut Vec<Block>, project: &Project) {
    let roles = (!project.roles.is_empty()).then(|| Rich::join(project.roles.iter().map(Text::rich), ", "));
    let title = project.name.as_ref().map(|n| n.rich().clone());
    let detail = roles.map(|r| r.with_targets_shown().to_string());
    push_heading(blocks, title, detail, period(project.start.as_ref(), project.end.as_ref()));
    if let Some(line) = joined([&project.entity, &project.kind], " · ") {
        blocks.push(Block::Paragraph(line));
    }
    paragraphs(blocks, project.url.iter());
    paragraphs(blocks, &project.description);
    blocks.extend(project.highlights.iter().map(|h| Block::Bullet(h.rich().clone())));
    if !project.keywords.is_empty() {
        blocks.push(Block::Paragraph(Rich::join(project.keywords.iter().map(Text::rich), " · ")));
    }
}

fn volunteer(blocks: &mut Vec<Block>, entry: &Volunteer) {
    let title = joined([&entry.position, &entry.organization], ", ");
    heading(blocks, title, &[], period(entry.start.as_ref(), entry.end.as_ref()));
    paragraphs(blocks, entry.url.iter());
    paragraphs(blocks, &entry.summary);
    blocks.extend(entry.highlights.iter().map(|h| Block::Bullet(h.rich().clone())));
}

fn education(blocks: &mut Vec<Block>, entry: &Education) {
    let study = joined([&entry.study_type, &entry.area], ", ").map(|s| s.with_targets_shown().to_string());
    let title = entry.institution.as_ref().map(|i| i.rich().clone());
    push_heading(blocks, title, study, period(entry.start.as_ref(), entry.end.as_ref()));
    paragraphs(blocks, entry.url.iter());
    if let Some(score) = &entry.score {
        let mut line = Rich::from("Score: ");
        line.push(score.rich());
        blocks.push(Block::Paragraph(line));
    }
    paragraphs(blocks, entry.summary.iter());
    if !entry.courses.is_empty() {
        blocks.push(Block::Label("Courses".into()));
        blocks.extend(entry.courses.iter().map(|c| Block::Bullet(c.rich().clone())));
    }
}

fn certificate(blocks: &mut Vec<Block>, entry: &Certificate) {
    let title = entry.name.as_ref().map(|n| n.rich().clone());
    heading(blocks, title, &[&entry.issuer], entry.date.as_ref().map(Date::to_string));
    paragraphs(blocks, entry.url.iter());
}

fn award(blocks: &mut Vec<Block>, entry: &Award) {
    let title = entry.title.as_ref().map(|t| t.rich().clone());
    heading(blocks, title, &[&entry.awarder], entry.date.as_ref().map(Date::to_string));
    paragraphs(blocks, &entry.summary);
}

fn publication(blocks: &mut Vec<Block>, entry: &Publication) {
    let title = entry.name.as_ref().map(|n| n.rich().clone());
    heading(blocks, title, &[&entry.publisher], entry.release_date.as_ref().map(Date::to_string));
    paragraphs(blocks, entry.url.iter());
    paragraphs(blocks, &entry.summary);
}

fn skill_group(blocks: &mut Vec<Block>, group: &SkillGroup) {
    if let Some(label) = joined([&group.name, &group.level], " · ") {
        blocks.push(Block::Label(label));
    }
    blocks.extend(group.keywords.iter().map(|k| Block::Bullet(k.rich().clone())));
}

fn language(entry: &Language) -> Option<Rich> {
    joined([&entry.language, &entry.fluency], " · ")
}

fn interest(entry: &Interest) -> Option<Rich> {
    let keywords =
        (!entry.keywords.is_empty()).then(|| Rich::join(entry.keywords.iter().map(Text::rich), ", "));
    match (&entry.name, keywords) {
        (Some(name), Some(keywords)) => Some(Rich::join([name.rich(), &keywords], ": ")),
        (Some(name), None) => Some(name.rich().clone()),
        (None, keywords) => keywords,
    }
}

fn reference(blocks: &mut Vec<Block>, entry: &Reference) {
    let title = entry.name.as_ref().map(|n| n.rich().clone());
    push_heading(blocks, title, None, None);
    paragraphs(blocks, &entry.reference);
}

fn colophon(meta: &Meta) -> Option<Section> {
    let lines = [
        ("Version ", &meta.version),
        ("Last modified ", &meta.last_modified),
        ("Latest version: ", &meta.canonical),
    ];
    let blocks = lines.into_iter().filter_map(|(lead, value)| {
        let mut line = Rich::from(lead);
        line.push(value.as_ref()?.rich());
        Some(Block::Paragraph(line))
    });
    non_empty(("colophon", "Colophon", "meta"), blocks.collect())
}

/// The sections outside the schema, each under its own title.
fn more(extra: &[Extra]) -> Option<Section> {
    let mut blocks = Vec::new();
    for section in extra {
        push_gap(&mut blocks);
        blocks.push(Block::Label(section.title.rich().clone()));
        for item in &section.items {
            match &item.title {
                Some(title) => {
                    push_heading(&mut blocks, Some(title.rich().clone()), None, None);
                    if !item.texts.is_empty() {
                        blocks.push(Block::Paragraph(Rich::join(item.texts.iter().map(Text::rich), " · ")));
                    }
                }
                None => blocks.extend(item.texts.iter().map(|t| Block::Bullet(t.rich().clone()))),
            }
        }
    }
    non_empty(("more", "More", "extra"), blocks)
}

/// The texts that exist, joined (the outline's headings and the web page's alike).
pub(crate) fn joined<const N: usize>(parts: [&Option<Text>; N], separator: &str) -> Option<Rich> {
    let parts: Vec<&Rich> = parts.into_iter().flatten().map(Text::rich).collect();
    (!parts.is_empty()).then(|| Rich::join(parts, separator))
}

/// An entry's heading: its title, the details that exist (joined by ` · `), its period.
fn heading(blocks: &mut Vec<Block>, title: Option<Rich>, detail: &[&Option<Text>], period: Option<String>) {
    let detail: Vec<String> =
        detail.iter().copied().flatten().map(|t| t.rich().with_targets_shown().to_string()).collect();
    push_heading(blocks, title, (!detail.is_empty()).then(|| detail.join(" · ")), period);
}

/// A heading; an entry without a title is headed by its detail, or has no heading.
fn push_heading(
    blocks: &mut Vec<Block>,
    title: Option<Rich>,
    detail: Option<String>,
    period: Option<String>,
) {
    let (title, detail) = match (title, detail) {
        (Some(title), detail) => (title, detail),
        (None, Some(detail)) => (Rich::from(detail), None),
        (None, None) => match &period {
            Some(period) => (Rich::from(period.as_str()), None),
            None => return,
        },
    };
    let period = period.filter(|p| p != title.as_str());
    blocks.push(Block::Heading { title, detail, period });
}

fn paragraphs<'a>(blocks: &mut Vec<Block>, texts: impl IntoIterator<Item = &'a Text>) {
    blocks.extend(texts.into_iter().map(|t| Block::Paragraph(t.rich().clone())));
}

/// Separates entries, but never starts a section with space.
fn push_gap(blocks: &mut Vec<Block>) {
    if !blocks.is_empty() && blocks.last() != Some(&Block::Gap) {
        blocks.push(Block::Gap);
    }
}

/// A section's names: its slug, its title and its key in the résumé file.
type Names = (&'static str, &'static str, &'static str);

fn non_empty((slug, title, key): Names, blocks: Vec<Block>) -> Option<Section> {
    (!blocks.is_empty()).then_some(Section { slug, title, key, blocks })
}

#[cfg(test)]
mod tests;
