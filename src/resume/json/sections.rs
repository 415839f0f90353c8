//! The sections of a JSON Resume file as the schema names them (basics, work, volunteer,
//! education, awards, certificates, publications, skills, languages, interests,
//! references, projects, meta), each field read leniently (`json_values.rs`), and how
//! each maps into our model. Reading the file and reporting errors is `json.rs`'s.

use serde::Deserialize;

use super::super::json_values::{Entries, Items, JsonDate, Line, Lines, Paragraphs, Plain};
use super::super::model::{self, Date};

#[derive(Debug, Default, Deserialize)]
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

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a location (an object with address, city, …)")]
pub(super) struct Location {
    address: Lines,
    postal_code: Plain,
    city: Plain,
    country_code: Plain,
    region: Plain,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a profile (an object with network, username, url)")]
pub(super) struct Profile {
    network: Plain,
    username: Plain,
    url: Plain,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a work entry (an object with name, position, …)")]
pub(super) struct Work {
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
pub(super) struct Volunteer {
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

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "an award (an object with title, date, awarder, summary)")]
pub(super) struct Award {
    title: Line,
    date: JsonDate,
    awarder: Line,
    summary: Paragraphs,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a certificate (an object with name, date, issuer, url)")]
pub(super) struct Certificate {
    name: Line,
    date: JsonDate,
    issuer: Line,
    url: Plain,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a publication (an object with name, publisher, …)")]
pub(super) struct Publication {
    name: Line,
    publisher: Line,
    release_date: JsonDate,
    url: Plain,
    summary: Paragraphs,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a skill (an object with name, level, keywords)")]
pub(super) struct Skill {
    name: Line,
    level: Line,
    keywords: Items,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a language (an object with language, fluency)")]
pub(super) struct Language {
    language: Line,
    fluency: Line,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "an interest (an object with name, keywords)")]
pub(super) struct Interest {
    name: Line,
    keywords: Items,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a reference (an object with name, reference)")]
pub(super) struct Reference {
    name: Line,
    reference: Paragraphs,
}

#[derive(Debug, Default, Deserialize)]
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

#[derive(Debug, Default, Deserialize)]
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
