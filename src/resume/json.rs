//! JSON Resume files (<https://jsonresume.org/schema>, 1.x) read into our model: the
//! schema's types, each field read leniently (`json_values.rs`), then mapped to
//! [`Resume`]. Keys outside the schema are allowed, as the schema allows them, and
//! reported as [`Warning`]s with their JSON path. Errors, for a syntax mistake and a
//! wrong type alike, carry line, column and JSON path (`serde_path_to_error`). Pure:
//! text in, résumé out.

use serde::Deserialize;

use super::json_values::{Entries, Items, JsonDate, Line, Lines, Paragraphs, Plain};
use super::load::Warning;
use super::model::{self, Date, Resume};

/// Why a JSON Resume file could not be read: the message and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// The JSON path of the value, e.g. `work[2].highlights` (empty for the whole file).
    pub path: String,
    pub message: String,
    /// 1-based line and byte column, as the JSON reader counts them.
    pub line: usize,
    pub column: usize,
}

/// Reads a JSON Resume document; warnings list what was read but not used.
pub fn parse_str(text: &str) -> Result<(Resume, Vec<Warning>), JsonError> {
    let mut warnings = Vec::new();
    let mut json = serde_json::Deserializer::from_str(text);
    let mut unused = |path: serde_ignored::Path| {
        let message = "not in the JSON Resume schema, so not shown".to_owned();
        warnings.push(Warning { path: json_path(&path), message });
    };
    let parsed: JsonResume = serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        &mut json,
        &mut unused,
    ))
    .map_err(|err| {
        // `?` stands for a part the reader had not named yet (after a trailing
        // comma, say): the named part is where to look.
        let path = err.path().to_string();
        let named: Vec<&str> = path.split('.').filter(|part| !part.is_empty() && *part != "?").collect();
        error(named.join("."), err.into_inner())
    })?;
    json.end().map_err(|err| error(String::new(), err))?;
    Ok((parsed.into_model(), warnings))
}

fn error(path: String, err: serde_json::Error) -> JsonError {
    let (line, column) = (err.line(), err.column());
    let message = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    JsonError { path, message, line, column }
}

/// `work[0].foo`, as people write JSON paths.
fn json_path(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", json_path(parent)),
        Path::Map { parent, key } => match json_path(parent) {
            parent if parent.is_empty() => key.clone(),
            parent => format!("{parent}.{key}"),
        },
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => {
            json_path(parent)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a JSON Resume object (`{ \"basics\": {…}, \"work\": […] }`)")]
struct JsonResume {
    #[serde(rename = "$schema")]
    _schema: Plain,
    basics: Option<Basics>,
    work: Entries<Work>,
    volunteer: Entries<Volunteer>,
    education: Entries<Education>,
    awards: Entries<Award>,
    certificates: Entries<Certificate>,
    publications: Entries<Publication>,
    skills: Entries<Skill>,
    languages: Entries<Language>,
    interests: Entries<Interest>,
    references: Entries<Reference>,
    projects: Entries<Project>,
    meta: Option<Meta>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "the basics (an object with name, label, email, …)")]
struct Basics {
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

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a location (an object with address, city, …)")]
struct Location {
    address: Lines,
    postal_code: Plain,
    city: Plain,
    country_code: Plain,
    region: Plain,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a profile (an object with network, username, url)")]
struct Profile {
    network: Plain,
    username: Plain,
    url: Plain,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a work entry (an object with name, position, …)")]
struct Work {
    name: Line,
    location: Line,
    description: Line,
    position: Line,
    url: Plain,
    start_date: JsonDate,
    end_date: JsonDate,
    summary: Paragraphs,
    highlights: Items,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a volunteer entry (an object with organization, …)")]
struct Volunteer {
    organization: Line,
    position: Line,
    url: Plain,
    start_date: JsonDate,
    end_date: JsonDate,
    summary: Paragraphs,
    highlights: Items,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "an education entry (an object with institution, …)")]
struct Education {
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

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "an award (an object with title, date, awarder, summary)")]
struct Award {
    title: Line,
    date: JsonDate,
    awarder: Line,
    summary: Paragraphs,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a certificate (an object with name, date, issuer, url)")]
struct Certificate {
    name: Line,
    date: JsonDate,
    issuer: Line,
    url: Plain,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a publication (an object with name, publisher, …)")]
struct Publication {
    name: Line,
    publisher: Line,
    release_date: JsonDate,
    url: Plain,
    summary: Paragraphs,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a skill (an object with name, level, keywords)")]
struct Skill {
    name: Line,
    level: Line,
    keywords: Items,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a language (an object with language, fluency)")]
struct Language {
    language: Line,
    fluency: Line,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "an interest (an object with name, keywords)")]
struct Interest {
    name: Line,
    keywords: Items,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a reference (an object with name, reference)")]
struct Reference {
    name: Line,
    reference: Paragraphs,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a project (an object with name, description, …)")]
struct Project {
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

#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    expecting = "meta (an object with canonical, version, lastModified)"
)]
struct Meta {
    canonical: Plain,
    version: Plain,
    last_modified: Plain,
}

/// A period's end: a missing, empty or `null` end after a start means "until now", as
/// the schema says.
fn end(start: &Option<Date>, end: Option<Date>) -> Option<Date> {
    end.or_else(|| start.as_ref().map(|_| Date::present()))
}

impl JsonResume {
    fn into_model(self) -> Resume {
        Resume {
            basics: self.basics.map(Basics::into_model).unwrap_or_default(),
            work: self.work.0.into_iter().map(Work::into_model).collect(),
            open_source: None,
            community: None,
            projects: self.projects.0.into_iter().map(Project::into_model).collect(),
            volunteer: self.volunteer.0.into_iter().map(Volunteer::into_model).collect(),
            education: self.education.0.into_iter().map(Education::into_model).collect(),
            certificates: self.certificates.0.into_iter().map(Certificate::into_model).collect(),
            awards: self.awards.0.into_iter().map(Award::into_model).collect(),
            publications: self.publications.0.into_iter().map(Publication::into_model).collect(),
            skills: self.skills.0.into_iter().map(Skill::into_model).collect(),
            languages: self.languages.0.into_iter().map(Language::into_model).collect(),
            interests: self.interests.0.into_iter().map(Interest::into_model).collect(),
            references: self.references.0.into_iter().map(Reference::into_model).collect(),
            meta: self.meta.map(Meta::into_model),
        }
    }
}

impl Basics {
    fn into_model(self) -> model::Basics {
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
    fn into_model(self) -> model::Location {
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
    fn into_model(self) -> model::Profile {
        model::Profile { network: self.network.0, url: self.url.0, username: self.username.0 }
    }
}

impl Work {
    fn into_model(self) -> model::Role {
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
    fn into_model(self) -> model::Volunteer {
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
    fn into_model(self) -> model::Education {
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
    fn into_model(self) -> model::Award {
        model::Award {
            title: self.title.0,
            date: self.date.0,
            awarder: self.awarder.0,
            summary: self.summary.0,
        }
    }
}

impl Certificate {
    fn into_model(self) -> model::Certificate {
        model::Certificate { name: self.name.0, date: self.date.0, issuer: self.issuer.0, url: self.url.0 }
    }
}

impl Publication {
    fn into_model(self) -> model::Publication {
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
    fn into_model(self) -> model::SkillGroup {
        model::SkillGroup { name: self.name.0, level: self.level.0, keywords: self.keywords.0 }
    }
}

impl Language {
    fn into_model(self) -> model::Language {
        model::Language { language: self.language.0, fluency: self.fluency.0 }
    }
}

impl Interest {
    fn into_model(self) -> model::Interest {
        model::Interest { name: self.name.0, keywords: self.keywords.0 }
    }
}

impl Reference {
    fn into_model(self) -> model::Reference {
        model::Reference { name: self.name.0, reference: self.reference.0 }
    }
}

impl Project {
    fn into_model(self) -> model::Project {
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
    fn into_model(self) -> model::Meta {
        model::Meta {
            canonical: self.canonical.0,
            version: self.version.0,
            last_modified: self.last_modified.0,
        }
    }
}
