//! A résumé written as our `resume.toml`, for `ssh-resume import`: every field the model
//! holds, in the order the file documents them, so that reading the result gives the
//! same résumé. What our TOML cannot hold is listed instead of dropped: a date kept as
//! written (`Spring 2019`) is left out with a note, and a link whose text differs from
//! its address is written as `text (address)`, the address then found in the text as
//! every address is. Pure: a résumé in, text out.

use std::fmt::Write as _;

use super::load::Warning;
use super::model::{Activity, Date, Location, Resume, Text};
use super::outline::neutral_title;

/// The TOML and what it could not hold.
#[derive(Debug, Default)]
pub struct Written {
    pub toml: String,
    pub unmapped: Vec<Warning>,
}

/// One table being written: `key = value` lines, values only when present.
struct Table<'a> {
    out: &'a mut Written,
    /// The JSON path of the entry, for notes (`work[2]`).
    path: String,
}

impl Table<'_> {
    fn text(&mut self, key: &str, value: &Option<Text>) -> &mut Self {
        if let Some(value) = value {
            let _ = writeln!(self.out.toml, "{key} = {}", quoted(value));
        }
        self
    }

    fn texts(&mut self, key: &str, values: &[Text]) -> &mut Self {
        if values.is_empty() {
            return self;
        }
        self.out.toml.push_str(&format!("{key} = [\n"));
        for value in values {
            let _ = writeln!(self.out.toml, "  {},", quoted(value));
        }
        self.out.toml.push_str("]\n");
        self
    }

    /// Paragraphs: one as a string, several as a list.
    fn paragraphs(&mut self, key: &str, values: &[Text]) -> &mut Self {
        match values {
            [one] => self.text(key, &Some(one.clone())),
            many => self.texts(key, many),
        }
    }

    fn date(&mut self, key: &str, json_key: &str, value: &Option<Date>) -> &mut Self {
        let Some(date) = value else { return self };
        match date.for_toml() {
            Some(written) => {
                let _ = writeln!(self.out.toml, "{key} = {}", toml_string(&written));
            }
            None => self.out.unmapped.push(Warning {
                path: format!("{}.{json_key}", self.path),
                message: format!(
                    "`{date}` is not a date resume.toml can hold, so it was left out \
                     (write it as MM/YYYY, YYYY or YYYY-MM-DD)"
                ),
                at: None,
                kept: false,
            }),
        }
        self
    }
}

/// Résumé text as a TOML string; links that hide their address show it.
fn quoted(text: &Text) -> String {
    toml_string(text.rich().with_targets_shown().as_str())
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The whole résumé as `resume.toml` text, a comment saying where it came from first.
pub fn to_toml(resume: &Resume, origin: &str) -> Written {
    let mut out = Written::default();
    let _ = writeln!(
        out.toml,
        "# Imported from {origin} by `ssh-resume import`. Check it with `ssh-resume check`.\n"
    );
    basics(&mut out, resume);
    each(&mut out, "work", &resume.work, |t, role| {
        t.text("company", &role.company).text("position", &role.position).text("size", &role.size);
        t.text("description", &role.description).text("location", &role.location).text("url", &role.url);
        t.date("start", "startDate", &role.start).date("end", "endDate", &role.end);
        t.paragraphs("summary", &role.summary).texts("highlights", &role.highlights);
    });
    activity(&mut out, "open_source", &resume.open_source);
    each(&mut out, "projects", &resume.projects, |t, p| {
        t.text("name", &p.name).paragraphs("description", &p.description).texts("highlights", &p.highlights);
        t.texts("keywords", &p.keywords).date("start", "startDate", &p.start).date("end", "endDate", &p.end);
        t.text("url", &p.url).texts("roles", &p.roles).text("entity", &p.entity).text("type", &p.kind);
    });
    activity(&mut out, "community", &resume.community);
    each(&mut out, "volunteer", &resume.volunteer, |t, v| {
        t.text("organization", &v.organization).text("position", &v.position).text("url", &v.url);
        t.date("start", "startDate", &v.start).date("end", "endDate", &v.end);
        t.paragraphs("summary", &v.summary).texts("highlights", &v.highlights);
    });
    each(&mut out, "education", &resume.education, |t, e| {
        t.text("institution", &e.institution).text("url", &e.url).text("area", &e.area);
        t.text("study_type", &e.study_type)
            .date("start", "startDate", &e.start)
            .date("end", "endDate", &e.end);
        t.text("score", &e.score).texts("courses", &e.courses).text("summary", &e.summary);
    });
    each(&mut out, "certificates", &resume.certificates, |t, c| {
        t.text("name", &c.name).date("date", "date", &c.date).text("issuer", &c.issuer).text("url", &c.url);
    });
    each(&mut out, "awards", &resume.awards, |t, a| {
        t.text("title", &a.title).date("date", "date", &a.date).text("awarder", &a.awarder);
        t.paragraphs("summary", &a.summary);
    });
    each(&mut out, "publications", &resume.publications, |t, p| {
        t.text("name", &p.name).text("publisher", &p.publisher).date(
            "release_date",
            "releaseDate",
            &p.release_date,
        );
        t.text("url", &p.url).paragraphs("summary", &p.summary);
    });
    each(&mut out, "skills", &resume.skills, |t, s| {
        t.text("name", &s.name).text("level", &s.level).texts("keywords", &s.keywords);
    });
    each(&mut out, "languages", &resume.languages, |t, l| {
        t.text("language", &l.language).text("fluency", &l.fluency);
    });
    each(&mut out, "interests", &resume.interests, |t, i| {
        t.text("name", &i.name).texts("keywords", &i.keywords);
    });
    each(&mut out, "references", &resume.references, |t, r| {
        t.text("name", &r.name).paragraphs("reference", &r.reference);
    });
    for (index, extra) in resume.extra.iter().enumerate() {
        out.toml.push_str("\n[[extra]]\n");
        Table { out: &mut out, path: format!("extra[{index}]") }.text("title", &Some(extra.title.clone()));
        each(&mut out, "extra.items", &extra.items, |t, item| {
            t.text("title", &item.title).texts("texts", &item.texts);
        });
    }
    if let Some(meta) = &resume.meta {
        out.toml.push_str("\n[meta]\n");
        let mut table = Table { out: &mut out, path: "meta".to_owned() };
        table.text("canonical", &meta.canonical).text("version", &meta.version);
        table.text("last_modified", &meta.last_modified);
    }
    out
}

fn basics(out: &mut Written, resume: &Resume) {
    let b = &resume.basics;
    out.toml.push_str("[basics]\n");
    let mut table = Table { out, path: "basics".to_owned() };
    let label = match (&b.name, &b.label) {
        (None, None) => neutral_label(table.out, resume),
        (_, label) => label.clone(),
    };
    table.text("name", &b.name).text("label", &label).text("image", &b.image).text("email", &b.email);
    table.text("phone", &b.phone).text("url", &b.url);
    if let Some(location) = &b.location {
        let _ = writeln!(table.out.toml, "location = {}", location_value(location));
    }
    table
        .text("share_url", &b.share_url)
        .paragraphs("summary", &b.summary)
        .texts("highlights", &b.highlights);
    for profile in &b.profiles {
        out.toml.push_str("\n[[basics.profiles]]\n");
        let mut table = Table { out, path: "basics.profiles".to_owned() };
        table.text("network", &profile.network).text("username", &profile.username).text("url", &profile.url);
    }
}

/// Our TOML needs a name or a label: a résumé with neither (a JSON Resume file may have
/// neither) gets the title it is shown with as its label, and a note saying so.
fn neutral_label(out: &mut Written, resume: &Resume) -> Option<Text> {
    let title = neutral_title(resume);
    out.unmapped.push(Warning {
        path: "basics.label".to_owned(),
        message: format!(
            "no name and no label: `{title}`, the title it is shown with, is written as its label"
        ),
        at: None,
        kept: true,
    });
    Text::try_from(title).ok()
}

/// One line as a string, parts as an inline table.
fn location_value(location: &Location) -> String {
    let Location { address, postal_code, city, country_code, region } = location;
    if let ([line], None, None, None, None) = (address.as_slice(), postal_code, city, country_code, region) {
        return quoted(line);
    }
    let mut parts = Vec::new();
    match address.as_slice() {
        [] => {}
        [line] => parts.push(format!("address = {}", quoted(line))),
        lines => {
            parts.push(format!("address = [{}]", lines.iter().map(quoted).collect::<Vec<_>>().join(", ")))
        }
    }
    let named =
        [("postal_code", postal_code), ("city", city), ("region", region), ("country_code", country_code)];
    parts.extend(
        named.into_iter().filter_map(|(key, value)| Some(format!("{key} = {}", quoted(value.as_ref()?)))),
    );
    format!("{{ {} }}", parts.join(", "))
}

fn activity(out: &mut Written, key: &str, activity: &Option<Activity>) {
    let Some(activity) = activity else { return };
    let _ = write!(out.toml, "\n[{key}]\n");
    let mut table = Table { out, path: key.to_owned() };
    table.date("start", "startDate", &activity.start).date("end", "endDate", &activity.end);
    table.text("summary", &activity.summary).texts("highlights", &activity.highlights);
}

/// `[[key]]` tables, one per entry.
fn each<T>(out: &mut Written, key: &str, entries: &[T], write: impl Fn(&mut Table<'_>, &T)) {
    for (index, entry) in entries.iter().enumerate() {
        let _ = write!(out.toml, "\n[[{key}]]\n");
        write(&mut Table { out, path: format!("{key}[{index}]") }, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::load::parse_str;

    #[test]
    fn the_shipped_resume_comes_back_the_same() {
        let shipped = parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap();
        let written = to_toml(&shipped, "resume.toml");
        assert!(written.unmapped.is_empty());
        assert_eq!(parse_str(&written.toml, "again.toml").unwrap(), shipped, "{}", written.toml);
    }

    #[test]
    fn what_toml_cannot_hold_is_listed() {
        let json = r#"{"basics": {"name": "Ana", "location": {"city": "Lisbon", "countryCode": "PT"}},
            "work": [{"name": "<a href='https://co.example'>Co</a>", "startDate": "Spring 2019"}]}"#;
        let resume = parse_str(json, "resume.json").unwrap();
        let written = to_toml(&resume, "resume.json");
        assert_eq!(written.unmapped.len(), 1);
        assert_eq!(written.unmapped[0].path, "work[0].startDate");
        assert!(written.toml.contains("company = \"Co (https://co.example)\""), "{}", written.toml);
        assert!(
            written.toml.contains("location = { city = \"Lisbon\", country_code = \"PT\" }"),
            "{}",
            written.toml
        );
        parse_str(&written.toml, "resume.toml").unwrap();
    }
}
