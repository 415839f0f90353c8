//! The JSON Resume schema, written once: the document and its sections as the schema
//! names them (basics, work, volunteer, education, awards, certificates, publications,
//! skills, languages, interests, references, projects, meta), each field read leniently
//! and written back in the schema's form (`json_values.rs`). Both ways go through these
//! types: a file is read into them and mapped into our model (`into_model`), and the
//! JSON Resume export is our model mapped into them (`From<&model::…>`) and serialised.
//! Reading the file and reporting errors is `json.rs`'s; leaving out what is absent is
//! `export.rs`'s.

use serde::{Deserialize, Serialize};

use super::super::json_values::{Entries, Items, JsonDate, Line, Lines, Paragraphs, Plain};
use super::super::model::{self, Date, Text};
use super::super::rich::Rich;

/// The schema the export names in `$schema`.
const SCHEMA_URL: &str = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json";

/// The name serde gives [`JsonResume`], so the reader knows the top level.
pub(super) const ROOT: &str = "JsonResume";

/// How a type is read from a file that does not follow the schema to the letter.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Reading {
    /// Other names people give the type's keys, and the schema's key each means: the
    /// 0.x schema's (`company`, `website`, `picture`, `bio`, `hobbies`, `gpa`,
    /// `awardDate`, `state`) and common ones (`experience`, `title` for a publication).
    pub synonyms: &'static [(&'static str, &'static str)],
    /// The field a category's list goes into when entries come keyed by category
    /// (`"skills": {"Languages": ["Rust"]}` → `keywords`); the category is the title.
    pub items: Option<&'static str>,
    /// The field that shows, as `Key: text`, what keys outside the schema hold.
    pub more: Option<&'static str>,
}

/// How the type serde names `name` is read leniently (`reader.rs`).
pub(super) fn reading(name: &str) -> Reading {
    let (synonyms, items, more): (&'static [(&'static str, &'static str)], _, _) = match name {
        ROOT => (
            &[
                ("bio", "basics"),
                ("experience", "work"),
                ("volunteers", "volunteer"),
                ("volunteering", "volunteer"),
                ("hobbies", "interests"),
                ("certifications", "certificates"),
            ],
            None,
            None,
        ),
        "Basics" => {
            (&[("picture", "image"), ("website", "url"), ("websites", "profiles")], None, Some("summary"))
        }
        "Location" => (&[("state", "region"), ("country", "countryCode")], None, Some("address")),
        "Profile" => (&[], Some("username"), None),
        "Work" => (
            &[("company", "name"), ("website", "url"), ("title", "position")],
            Some("highlights"),
            Some("summary"),
        ),
        "Volunteer" => (
            &[("name", "organization"), ("website", "url"), ("description", "summary")],
            Some("highlights"),
            Some("summary"),
        ),
        "Education" => (
            &[("gpa", "score"), ("website", "url"), ("degree", "studyType")],
            Some("courses"),
            Some("summary"),
        ),
        "Award" => (&[("awardDate", "date")], None, Some("summary")),
        "Certificate" => (&[("website", "url")], None, None),
        "Publication" => (
            &[("title", "name"), ("details", "summary"), ("link", "url"), ("website", "url")],
            None,
            Some("summary"),
        ),
        "Skill" | "Interest" => (&[], Some("keywords"), Some("keywords")),
        "Language" => (&[("name", "language"), ("level", "fluency")], None, None),
        "Reference" => (&[], Some("reference"), Some("reference")),
        "Project" => (
            &[("title", "name"), ("organization", "entity"), ("summary", "description"), ("website", "url")],
            Some("highlights"),
            Some("description"),
        ),
        _ => (&[], None, None),
    };
    Reading { synonyms, items, more }
}

/// A whole JSON Resume document, its sections in the order the export writes them.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, expecting = "a JSON Resume object (`{ \"basics\": {…}, \"work\": […] }`)")]
pub(super) struct JsonResume {
    #[serde(rename = "$schema")]
    schema: Plain,
    basics: Option<Basics>,
    work: Entries<Work>,
    projects: Entries<OrActivity<Project>>,
    volunteer: Entries<OrActivity<Volunteer>>,
    education: Entries<Education>,
    awards: Entries<Award>,
    certificates: Entries<Certificate>,
    publications: Entries<Publication>,
    skills: Entries<Skill>,
    languages: Entries<Language>,
    interests: Entries<Interest>,
    references: Entries<Reference>,
    meta: Option<Meta>,
}

/// An entry of `projects` or `volunteer`. Our `open_source` and `community` activities
/// are written into those sections as an [`Activity`]; a file is always read as `T`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum OrActivity<T> {
    Activity(Box<Activity>),
    Entry(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrActivity<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(OrActivity::Entry)
    }
}

/// One of our activities as the export writes it: named both as a project and as a
/// volunteer entry is, its summary given as both `description` and `summary`. Never read.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Activity {
    name: &'static str,
    organization: &'static str,
    start_date: JsonDate,
    end_date: JsonDate,
    description: Line,
    summary: Line,
    highlights: Items,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", expecting = "the basics (an object with name, label, email, …)")]
pub(super) struct Basics {
    name: Line,
    label: Line,
    image: Plain,
    email: Plain,
    phone: Plain,
    url: Plain,
    summary: Paragraphs,
    location: Option<Location>,
    profiles: Entries<Profile>,
    /// Ours, not the schema's: key contributions, as our export writes them.
    highlights: Items,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", expecting = "a location (an object with address, city, …)")]
pub(super) struct Location {
    address: Lines,
    postal_code: Plain,
    city: Plain,
    country_code: Plain,
    region: Plain,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, expecting = "a profile (an object with network, username, url)")]
pub(super) struct Profile {
    network: Plain,
    url: Plain,
    username: Plain,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", expecting = "a work entry (an object with name, position, …)")]
pub(super) struct Work {
    name: Line,
    position: Line,
    description: Line,
    location: Line,
    url: Plain,
    start_date: JsonDate,
    end_date: JsonDate,
    summary: Paragraphs,
    highlights: Items,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", expecting = "a volunteer entry (an object with organization, …)")]
pub(super) struct Volunteer {
    organization: Line,
    position: Line,
    url: Plain,
    start_date: JsonDate,
    end_date: JsonDate,
    summary: Paragraphs,
    highlights: Items,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", expecting = "an education entry (an object with institution, …)")]
pub(super) struct Education {
    institution: Line,
    url: Plain,
    area: Line,
    study_type: Line,
    start_date: JsonDate,
    end_date: JsonDate,
    score: Line,
    courses: Items,
    /// Ours, not the schema's: what our export writes beside a score.
    summary: Line,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, expecting = "an award (an object with title, date, awarder, summary)")]
pub(super) struct Award {
    title: Line,
    date: JsonDate,
    awarder: Line,
    summary: Paragraphs,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, expecting = "a certificate (an object with name, date, issuer, url)")]
pub(super) struct Certificate {
    name: Line,
    date: JsonDate,
    issuer: Line,
    url: Plain,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", expecting = "a publication (an object with name, publisher, …)")]
pub(super) struct Publication {
    name: Line,
    publisher: Line,
    release_date: JsonDate,
    url: Plain,
    summary: Paragraphs,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, expecting = "a skill (an object with name, level, keywords)")]
pub(super) struct Skill {
    name: Line,
    level: Line,
    keywords: Items,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, expecting = "a language (an object with language, fluency)")]
pub(super) struct Language {
    language: Line,
    fluency: Line,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, expecting = "an interest (an object with name, keywords)")]
pub(super) struct Interest {
    name: Line,
    keywords: Items,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, expecting = "a reference (an object with name, reference)")]
pub(super) struct Reference {
    name: Line,
    reference: Paragraphs,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", expecting = "a project (an object with name, description, …)")]
pub(super) struct Project {
    name: Line,
    description: Paragraphs,
    highlights: Items,
    keywords: Items,
    start_date: JsonDate,
    end_date: JsonDate,
    url: Plain,
    roles: Items,
    entity: Line,
    #[serde(rename = "type")]
    kind: Line,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(
    default,
    rename_all = "camelCase",
    expecting = "meta (an object with canonical, version, lastModified)"
)]
pub(super) struct Meta {
    canonical: Plain,
    version: Plain,
    last_modified: Plain,
}

/// A period's end: a missing, empty or `null` end after a start means "until now", as
/// the schema says.
fn end(start: &Option<Date>, end: Option<Date>) -> Option<Date> {
    end.or_else(|| start.as_ref().map(|_| Date::present()))
}

impl Basics {
    pub(super) fn into_model(self) -> model::Basics {
        model::Basics {
            name: self.name.0,
            label: self.label.0,
            image: self.image.0,
            email: self.email.0,
            phone: self.phone.0,
            url: self.url.0,
            location: self.location.map(Location::into_model),
            share_url: None,
            profiles: self.profiles.0.into_iter().map(Profile::into_model).collect(),
            summary: self.summary.0,
            highlights: self.highlights.0,
        }
    }
}

impl Location {
    pub(super) fn into_model(self) -> model::Location {
        model::Location {
            address: self.address.0,
            postal_code: self.postal_code.0,
            city: self.city.0,
            country_code: self.country_code.0,
            region: self.region.0,
        }
    }
}

impl Profile {
    pub(super) fn into_model(self) -> model::Profile {
        model::Profile { network: self.network.0, url: self.url.0, username: self.username.0 }
    }
}

impl Work {
    pub(super) fn into_model(self) -> model::Role {
        let start = self.start_date.0;
        model::Role {
            company: self.name.0,
            size: None,
            description: self.description.0,
            position: self.position.0,
            location: self.location.0,
            url: self.url.0,
            end: end(&start, self.end_date.0),
            start,
            summary: self.summary.0,
            highlights: self.highlights.0,
        }
    }
}

impl Volunteer {
    pub(super) fn into_model(self) -> model::Volunteer {
        let start = self.start_date.0;
        model::Volunteer {
            organization: self.organization.0,
            position: self.position.0,
            url: self.url.0,
            end: end(&start, self.end_date.0),
            start,
            summary: self.summary.0,
            highlights: self.highlights.0,
        }
    }
}

impl Education {
    pub(super) fn into_model(self) -> model::Education {
        let start = self.start_date.0;
        model::Education {
            institution: self.institution.0,
            url: self.url.0,
            area: self.area.0,
            study_type: self.study_type.0,
            end: end(&start, self.end_date.0),
            start,
            score: self.score.0,
            courses: self.courses.0,
            summary: self.summary.0,
        }
    }
}

impl Award {
    pub(super) fn into_model(self) -> model::Award {
        model::Award {
            title: self.title.0,
            date: self.date.0,
            awarder: self.awarder.0,
            summary: self.summary.0,
        }
    }
}

impl Certificate {
    pub(super) fn into_model(self) -> model::Certificate {
        model::Certificate { name: self.name.0, date: self.date.0, issuer: self.issuer.0, url: self.url.0 }
    }
}

impl Publication {
    pub(super) fn into_model(self) -> model::Publication {
        model::Publication {
            name: self.name.0,
            publisher: self.publisher.0,
            release_date: self.release_date.0,
            url: self.url.0,
            summary: self.summary.0,
        }
    }
}

impl Skill {
    pub(super) fn into_model(self) -> model::SkillGroup {
        model::SkillGroup { name: self.name.0, level: self.level.0, keywords: self.keywords.0 }
    }
}

impl Language {
    pub(super) fn into_model(self) -> model::Language {
        model::Language { language: self.language.0, fluency: self.fluency.0 }
    }
}

impl Interest {
    pub(super) fn into_model(self) -> model::Interest {
        model::Interest { name: self.name.0, keywords: self.keywords.0 }
    }
}

impl Reference {
    pub(super) fn into_model(self) -> model::Reference {
        model::Reference { name: self.name.0, reference: self.reference.0 }
    }
}

impl Project {
    pub(super) fn into_model(self) -> model::Project {
        let start = self.start_date.0;
        model::Project {
            name: self.name.0,
            description: self.description.0,
            highlights: self.highlights.0,
            keywords: self.keywords.0,
            end: end(&start, self.end_date.0),
            start,
            url: self.url.0,
            roles: self.roles.0,
            entity: self.entity.0,
            kind: self.kind.0,
        }
    }
}

impl Meta {
    pub(super) fn into_model(self) -> model::Meta {
        model::Meta {
            canonical: self.canonical.0,
            version: self.version.0,
            last_modified: self.last_modified.0,
        }
    }
}

impl JsonResume {
    pub(super) fn into_model(self) -> model::Resume {
        model::Resume {
            basics: self.basics.map(Basics::into_model).unwrap_or_default(),
            work: self.work.0.into_iter().map(Work::into_model).collect(),
            open_source: None,
            community: None,
            projects: self
                .projects
                .0
                .into_iter()
                .filter_map(OrActivity::entry)
                .map(Project::into_model)
                .collect(),
            volunteer: self
                .volunteer
                .0
                .into_iter()
                .filter_map(OrActivity::entry)
                .map(Volunteer::into_model)
                .collect(),
            education: self.education.0.into_iter().map(Education::into_model).collect(),
            certificates: self.certificates.0.into_iter().map(Certificate::into_model).collect(),
            awards: self.awards.0.into_iter().map(Award::into_model).collect(),
            publications: self.publications.0.into_iter().map(Publication::into_model).collect(),
            skills: self.skills.0.into_iter().map(Skill::into_model).collect(),
            languages: self.languages.0.into_iter().map(Language::into_model).collect(),
            interests: self.interests.0.into_iter().map(Interest::into_model).collect(),
            references: self.references.0.into_iter().map(Reference::into_model).collect(),
            meta: self.meta.map(Meta::into_model),
            extra: Vec::new(),
        }
    }
}

impl<T> OrActivity<T> {
    fn entry(self) -> Option<T> {
        match self {
            OrActivity::Entry(entry) => Some(entry),
            OrActivity::Activity(_) => None,
        }
    }
}

/// Each of our entries as its schema type, for the export.
fn each<'a, M: 'a, T: From<&'a M>>(entries: &'a [M]) -> Entries<T> {
    Entries(entries.iter().map(T::from).collect())
}

/// An activity of ours (if there is one) first, then the section's own entries.
fn with_activity<'a, M: 'a, T: From<&'a M>>(
    name: &'static str,
    activity: &Option<model::Activity>,
    entries: &'a [M],
) -> Entries<OrActivity<T>> {
    let activity = activity.as_ref().map(|a| OrActivity::Activity(Box::new(Activity::from((name, a)))));
    Entries(activity.into_iter().chain(entries.iter().map(|e| OrActivity::Entry(e.into()))).collect())
}

impl From<&model::Resume> for JsonResume {
    fn from(resume: &model::Resume) -> Self {
        Self {
            schema: Plain(Text::try_from(SCHEMA_URL.to_owned()).ok()),
            basics: Some((&resume.basics).into()),
            work: each(&resume.work),
            projects: with_activity("Open Source", &resume.open_source, &resume.projects),
            volunteer: with_activity("Community & Conferences", &resume.community, &resume.volunteer),
            education: each(&resume.education),
            awards: each(&resume.awards),
            certificates: each(&resume.certificates),
            publications: each(&resume.publications),
            skills: each(&resume.skills),
            languages: each(&resume.languages),
            interests: each(&resume.interests),
            references: each(&resume.references),
            meta: resume.meta.as_ref().map(Meta::from),
        }
    }
}

impl From<(&'static str, &model::Activity)> for Activity {
    fn from((name, activity): (&'static str, &model::Activity)) -> Self {
        Self {
            name,
            organization: name,
            start_date: (&activity.start).into(),
            end_date: (&activity.end).into(),
            description: (&activity.summary).into(),
            summary: (&activity.summary).into(),
            highlights: activity.highlights.as_slice().into(),
        }
    }
}

impl From<&model::Basics> for Basics {
    fn from(b: &model::Basics) -> Self {
        Self {
            name: (&b.name).into(),
            label: (&b.label).into(),
            image: (&b.image).into(),
            email: (&b.email).into(),
            phone: (&b.phone).into(),
            url: (&b.url).into(),
            summary: b.summary.as_slice().into(),
            location: b.location.as_ref().map(Location::from),
            profiles: each(&b.profiles),
            highlights: b.highlights.as_slice().into(),
        }
    }
}

impl From<&model::Location> for Location {
    fn from(l: &model::Location) -> Self {
        Self {
            address: l.address.as_slice().into(),
            postal_code: (&l.postal_code).into(),
            city: (&l.city).into(),
            country_code: (&l.country_code).into(),
            region: (&l.region).into(),
        }
    }
}

impl From<&model::Profile> for Profile {
    fn from(p: &model::Profile) -> Self {
        Self { network: (&p.network).into(), url: (&p.url).into(), username: (&p.username).into() }
    }
}

impl From<&model::Role> for Work {
    /// The schema has one `description`: our company size and what it does, joined.
    fn from(role: &model::Role) -> Self {
        let description = match (&role.size, &role.description) {
            (Some(size), Some(description)) => {
                Text::from_rich(Rich::join([size.rich(), description.rich()], " · "))
            }
            (size, description) => size.clone().or_else(|| description.clone()),
        };
        Self {
            name: (&role.company).into(),
            position: (&role.position).into(),
            description: Line(description),
            location: (&role.location).into(),
            url: (&role.url).into(),
            start_date: (&role.start).into(),
            end_date: (&role.end).into(),
            summary: role.summary.as_slice().into(),
            highlights: role.highlights.as_slice().into(),
        }
    }
}

impl From<&model::Volunteer> for Volunteer {
    fn from(v: &model::Volunteer) -> Self {
        Self {
            organization: (&v.organization).into(),
            position: (&v.position).into(),
            url: (&v.url).into(),
            start_date: (&v.start).into(),
            end_date: (&v.end).into(),
            summary: v.summary.as_slice().into(),
            highlights: v.highlights.as_slice().into(),
        }
    }
}

impl From<&model::Education> for Education {
    /// Our own `summary` of a course is the schema's `score` when there is no score, as
    /// it always was; beside a score it keeps its own name.
    fn from(e: &model::Education) -> Self {
        let (score, summary) = match &e.score {
            Some(_) => (&e.score, &e.summary),
            None => (&e.summary, &None),
        };
        Self {
            institution: (&e.institution).into(),
            url: (&e.url).into(),
            area: (&e.area).into(),
            study_type: (&e.study_type).into(),
            start_date: (&e.start).into(),
            end_date: (&e.end).into(),
            score: score.into(),
            courses: e.courses.as_slice().into(),
            summary: summary.into(),
        }
    }
}

impl From<&model::Award> for Award {
    fn from(a: &model::Award) -> Self {
        Self {
            title: (&a.title).into(),
            date: (&a.date).into(),
            awarder: (&a.awarder).into(),
            summary: a.summary.as_slice().into(),
        }
    }
}

impl From<&model::Certificate> for Certificate {
    fn from(c: &model::Certificate) -> Self {
        Self {
            name: (&c.name).into(),
            date: (&c.date).into(),
            issuer: (&c.issuer).into(),
            url: (&c.url).into(),
        }
    }
}

impl From<&model::Publication> for Publication {
    fn from(p: &model::Publication) -> Self {
        Self {
            name: (&p.name).into(),
            publisher: (&p.publisher).into(),
            release_date: (&p.release_date).into(),
            url: (&p.url).into(),
            summary: p.summary.as_slice().into(),
        }
    }
}

impl From<&model::SkillGroup> for Skill {
    fn from(s: &model::SkillGroup) -> Self {
        Self { name: (&s.name).into(), level: (&s.level).into(), keywords: s.keywords.as_slice().into() }
    }
}

impl From<&model::Language> for Language {
    fn from(l: &model::Language) -> Self {
        Self { language: (&l.language).into(), fluency: (&l.fluency).into() }
    }
}

impl From<&model::Interest> for Interest {
    fn from(i: &model::Interest) -> Self {
        Self { name: (&i.name).into(), keywords: i.keywords.as_slice().into() }
    }
}

impl From<&model::Reference> for Reference {
    fn from(r: &model::Reference) -> Self {
        Self { name: (&r.name).into(), reference: r.reference.as_slice().into() }
    }
}

impl From<&model::Project> for Project {
    fn from(p: &model::Project) -> Self {
        Self {
            name: (&p.name).into(),
            description: p.description.as_slice().into(),
            highlights: p.highlights.as_slice().into(),
            keywords: p.keywords.as_slice().into(),
            start_date: (&p.start).into(),
            end_date: (&p.end).into(),
            url: (&p.url).into(),
            roles: p.roles.as_slice().into(),
            entity: (&p.entity).into(),
            kind: (&p.kind).into(),
        }
    }
}

impl From<&model::Meta> for Meta {
    fn from(m: &model::Meta) -> Self {
        Self {
            canonical: (&m.canonical).into(),
            version: (&m.version).into(),
            last_modified: (&m.last_modified).into(),
        }
    }
}
