//! The résumé as one HTML page, and the small page for unknown paths. Pure: strings in,
//! a string out; no HTTP here.
//!
//! Sections come in the outline's order with the outline's titles, so the page never
//! disagrees with the terminal view about what there is; their content is drawn from
//! the model so that dates become `<time datetime="…">`. Every piece of résumé text is
//! escaped, and only `http(s)` and `mailto` links found by [`find_links`] become
//! anchors. The page has no script and loads nothing but its own stylesheet and QR code.

use std::fmt::Write as _;

use crate::resume::links::{Link, find_links};
use crate::resume::model::{Activity, Date, Education, Role, SkillGroup, Text};
use crate::resume::outline::{Block, Section, joined};
use crate::resume::rich::Rich;
use crate::resume::{Loaded, dates};

/// The stylesheet the page links, a hash of it in the query so browsers can keep it for good.
pub const STYLE: &str = include_str!("style.css");

/// What the page says about reaching the résumé another way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Invite {
    /// What to type, e.g. `ssh resume.example.com` or `ssh -p 2222 192.0.2.7`.
    pub ssh_command: String,
    /// The host key's `SHA256:…` fingerprint.
    pub fingerprint: String,
    /// Where the QR code points: the résumé's `share_url`, else this page.
    pub share_url: String,
    /// Whether the page carries the "Write to me" form (`--web-messages`).
    pub messages: bool,
    /// Whether `/resume.pdf` is there to link (it typeset).
    pub pdf: bool,
    /// Whether `/resume.vcf` is there (a name and a way to reach them).
    pub vcard: bool,
    /// `scp …:resume.pdf .`, for the terminal box.
    pub scp_command: String,
}

/// `&`, `<`, `>`, `"` and `'` as character references: safe in text and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with its web and mail addresses as links.
fn linked(text: &str) -> String {
    anchored(text, find_links(text))
}

/// Escaped text with its links as anchors: those it carries, and the addresses in it.
fn linked_rich(rich: &Rich) -> String {
    anchored(rich, rich.all_links())
}

/// Escaped `text` with `links` (in order, not overlapping) as anchors.
fn anchored(text: &str, links: Vec<Link>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for link in links {
        out.push_str(&escape(&text[at..link.range.start]));
        let shown = escape(&text[link.range.clone()]);
        let _ = write!(out, "<a href=\"{}\">{shown}</a>", escape(&link.target));
        at = link.range.end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// The whole page. `style_href` is the stylesheet's address.
pub fn page(loaded: &Loaded, invite: &Invite, style_href: &str) -> String {
    let outline = &loaded.outline;
    let title = match &outline.name {
        Some(name) => format!("{name} — {}", outline.headline),
        None => outline.headline.clone(),
    };
    let mut out = String::with_capacity(32 * 1024);
    head(&mut out, &title, &outline.headline, style_href);
    out.push_str("<body>\n<a class=\"skip\" href=\"#main\">Skip to the résumé</a>\n<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(outline.name.as_deref().unwrap_or(&outline.headline)));
    if outline.name.is_some() {
        let _ = writeln!(out, "<p class=\"headline\">{}</p>", escape(&outline.headline));
    }
    if !outline.contacts.is_empty() {
        out.push_str("<ul class=\"contacts\" aria-label=\"Contact\">\n");
        for contact in &outline.contacts {
            let _ = writeln!(out, "<li>{}</li>", linked(contact));
        }
        out.push_str("</ul>\n");
    }
    downloads(&mut out, invite);
    out.push_str("</header>\n");
    ssh_box(&mut out, invite);
    nav(&mut out, &outline.sections);
    out.push_str("<main id=\"main\">\n");
    for section in &outline.sections {
        let _ = writeln!(
            out,
            "<section id=\"{slug}\" aria-labelledby=\"{slug}-title\">\n<h2 id=\"{slug}-title\">{}</h2>",
            escape(section.title),
            slug = section.slug
        );
        section_body(&mut out, loaded, section);
        out.push_str("</section>\n");
    }
    if invite.messages {
        message_form(&mut out);
    }
    out.push_str("</main>\n");
    footer(&mut out, invite);
    out.push_str("</body>\n</html>\n");
    out
}

fn head(out: &mut String, title: &str, description: &str, style_href: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n<title>{}</title>\n\
         <meta name=\"description\" content=\"{}\">\n<link rel=\"stylesheet\" href=\"{}\">\n\
         <link rel=\"alternate\" type=\"application/json\" href=\"/resume.json\" title=\"JSON Resume\">\n\
         <link rel=\"alternate\" type=\"text/markdown\" href=\"/resume.md\" title=\"Markdown\">\n</head>\n",
        escape(title),
        escape(description),
        escape(style_href),
    );
}

/// The files to keep, under the name: the PDF when it typeset, the contact card when
/// there is one.
fn downloads(out: &mut String, invite: &Invite) {
    let links: Vec<&str> = [
        invite.pdf.then_some("<a href=\"/resume.pdf\" type=\"application/pdf\">Download PDF</a>"),
        invite.vcard.then_some("<a href=\"/resume.vcf\" type=\"text/vcard\">Add to contacts</a>"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !links.is_empty() {
        let _ = writeln!(out, "<p class=\"downloads\">{}</p>", links.join(" · "));
    }
}

/// The invitation to the terminal view: the command, selectable in one tap, the key,
/// and how to copy the PDF from there.
fn ssh_box(out: &mut String, invite: &Invite) {
    let _ = write!(
        out,
        "<aside class=\"ssh\" aria-labelledby=\"ssh-title\">\n<h2 id=\"ssh-title\">Read it in a terminal</h2>\n\
         <p><code class=\"cmd\">{}</code></p>\n\
         <p class=\"fp\">Host key fingerprint: <code>{}</code></p>\n",
        escape(&invite.ssh_command),
        escape(&invite.fingerprint),
    );
    if invite.pdf {
        let _ =
            writeln!(out, "<p class=\"fp\">Copy the PDF: <code>{}</code></p>", escape(&invite.scp_command));
    }
    out.push_str("</aside>\n");
}

/// The "Write to me" form: plain HTML posted to `/message`, no script. The `website`
/// field is a honeypot: hidden from people (and from screen readers), filled by bots.
fn message_form(out: &mut String) {
    use crate::messages::{MAX_BODY, MAX_NAME, MAX_REPLY_TO};
    let _ = write!(
        out,
        "<section id=\"write\" class=\"write\" aria-labelledby=\"write-title\">\n\
         <h2 id=\"write-title\">Write to me</h2>\n\
         <form method=\"post\" action=\"/message\">\n\
         <p><label for=\"name\">Your name (optional)</label>\n\
         <input id=\"name\" name=\"name\" maxlength=\"{MAX_NAME}\" autocomplete=\"name\"></p>\n\
         <p><label for=\"reply_to\">How to reach you: e-mail, phone, URL or handle</label>\n\
         <input id=\"reply_to\" name=\"reply_to\" maxlength=\"{MAX_REPLY_TO}\" required></p>\n\
         <p><label for=\"body\">Message</label>\n\
         <textarea id=\"body\" name=\"body\" rows=\"8\" maxlength=\"{MAX_BODY}\" required></textarea></p>\n\
         <p class=\"hp\" aria-hidden=\"true\"><label for=\"website\">Leave this empty</label>\n\
         <input id=\"website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></p>\n\
         <p><button type=\"submit\">Send</button></p>\n</form>\n</section>\n"
    );
}

/// The page after a message was posted: `title` and one line, with the way back.
pub fn message_answer(style_href: &str, title: &str, line: &str) -> String {
    let mut out = String::with_capacity(1024);
    head(&mut out, title, line, style_href);
    let _ = write!(
        out,
        "<body>\n<main>\n<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/\">Back to the résumé</a></p>\n</main>\n</body>\n</html>\n",
        escape(title),
        escape(line),
    );
    out
}

fn nav(out: &mut String, sections: &[Section]) {
    if sections.is_empty() {
        return;
    }
    out.push_str("<nav aria-label=\"Sections\">\n<ul class=\"sections\">\n");
    for section in sections {
        let _ = writeln!(out, "<li><a href=\"#{}\">{}</a></li>", section.slug, escape(section.title));
    }
    out.push_str("</ul>\n</nav>\n");
}

fn footer(out: &mut String, invite: &Invite) {
    let _ = write!(
        out,
        "<footer>\n<p>Also as {pdf}<a href=\"/resume.json\">JSON Resume</a>, <a href=\"/resume.md\">Markdown</a> \
         and <a href=\"/resume.txt\">plain text</a>.</p>\n\
         <figure class=\"qr\">\n<img src=\"/qr.svg\" width=\"160\" height=\"160\" alt=\"QR code of {url}\">\n\
         <figcaption>{shown}</figcaption>\n</figure>\n</footer>\n",
        url = escape(&invite.share_url),
        shown = linked(&invite.share_url),
        pdf = if invite.pdf { "<a href=\"/resume.pdf\">PDF</a>, " } else { "" },
    );
}

/// A section's content from the model, by slug; a section the page does not know
/// (one added to the outline later) is drawn from its outline blocks.
fn section_body(out: &mut String, loaded: &Loaded, section: &Section) {
    let resume = &loaded.resume;
    match section.slug {
        "about" => resume.basics.summary.iter().for_each(|p| paragraph(out, "", p.rich())),
        "highlights" => list(out, "", &resume.basics.highlights),
        "experience" => resume.work.iter().for_each(|role| role_entry(out, role)),
        "open-source" if resume.open_source.is_some() => activity(out, resume.open_source.as_ref()),
        "community" if resume.community.is_some() => activity(out, resume.community.as_ref()),
        "education" => resume.education.iter().for_each(|entry| education_entry(out, entry)),
        "skills" => skills(out, &resume.skills),
        _ => blocks(out, &section.blocks),
    }
}

fn paragraph(out: &mut String, class: &str, text: &Rich) {
    match class {
        "" => {
            let _ = writeln!(out, "<p>{}</p>", linked_rich(text));
        }
        class => {
            let _ = writeln!(out, "<p class=\"{class}\">{}</p>", linked_rich(text));
        }
    }
}

fn list(out: &mut String, class: &str, items: &[Text]) {
    if items.is_empty() {
        return;
    }
    match class {
        "" => out.push_str("<ul>\n"),
        class => {
            let _ = writeln!(out, "<ul class=\"{class}\">");
        }
    }
    for item in items {
        let _ = writeln!(out, "<li>{}</li>", linked_rich(item.rich()));
    }
    out.push_str("</ul>\n");
}

/// `07/2025 — now` as the view shows it ([`dates::period_with`]), each dated end in a
/// `<time>`.
fn period(start: Option<&Date>, end: Option<&Date>) -> Option<String> {
    dates::period_with(start, end, |date| match date.iso() {
        Some(iso) => format!("<time datetime=\"{iso}\">{}</time>", escape(&date.to_string())),
        None => escape(&date.to_string()),
    })
}

/// An entry's heading: its title (none when it has neither title nor detail, as in
/// the view), and its period on the right where it fits.
fn entry_head(out: &mut String, title: Option<&Rich>, period: Option<String>) {
    out.push_str("<article class=\"entry\">\n<header class=\"entry-head\">\n");
    if let Some(title) = title {
        let _ = writeln!(out, "<h3>{}</h3>", linked_rich(title));
    }
    if let Some(period) = period {
        let _ = writeln!(out, "<p class=\"period\">{period}</p>");
    }
    out.push_str("</header>\n");
}

fn role_entry(out: &mut String, role: &Role) {
    let detail = joined([&role.size, &role.description, &role.location], " · ");
    let (title, detail) = match joined([&role.position, &role.company], ", ") {
        Some(title) => (Some(title), detail),
        None => (detail, None),
    };
    entry_head(out, title.as_ref(), period(role.start.as_ref(), role.end.as_ref()));
    if let Some(detail) = detail {
        paragraph(out, "detail", &detail);
    }
    role.url.iter().chain(&role.summary).for_each(|p| paragraph(out, "", p.rich()));
    list(out, "", &role.highlights);
    out.push_str("</article>\n");
}

fn activity(out: &mut String, activity: Option<&Activity>) {
    let Some(activity) = activity else { return };
    if let Some(period) = period(activity.start.as_ref(), activity.end.as_ref()) {
        let _ = writeln!(out, "<p class=\"period\">{period}</p>");
    }
    if let Some(summary) = &activity.summary {
        paragraph(out, "", summary.rich());
    }
    list(out, "", &activity.highlights);
}

fn education_entry(out: &mut String, entry: &Education) {
    let study = joined([&entry.study_type, &entry.area], ", ");
    let (title, study) = match &entry.institution {
        Some(institution) => (Some(institution.rich().clone()), study),
        None => (study, None),
    };
    entry_head(out, title.as_ref(), period(entry.start.as_ref(), entry.end.as_ref()));
    if let Some(study) = study {
        paragraph(out, "detail", &study);
    }
    if let Some(url) = &entry.url {
        paragraph(out, "", url.rich());
    }
    if let Some(score) = &entry.score {
        paragraph(out, "", &Rich::join([&Rich::from("Score:"), score.rich()], " "));
    }
    if let Some(summary) = &entry.summary {
        paragraph(out, "", summary.rich());
    }
    if !entry.courses.is_empty() {
        out.push_str("<h4>Courses</h4>\n");
        list(out, "", &entry.courses);
    }
    out.push_str("</article>\n");
}

fn skills(out: &mut String, groups: &[SkillGroup]) {
    out.push_str("<div class=\"skills\">\n");
    for group in groups {
        if let Some(label) = joined([&group.name, &group.level], " · ") {
            let _ = writeln!(out, "<h3>{}</h3>", linked_rich(&label));
        }
        list(out, "tags", &group.keywords);
    }
    out.push_str("</div>\n");
}

/// The outline's blocks as they are, for sections without a dedicated layout.
fn blocks(out: &mut String, blocks: &[Block]) {
    let mut in_list = false;
    for block in blocks {
        let bullet = matches!(block, Block::Bullet(_));
        if in_list && !bullet {
            out.push_str("</ul>\n");
        }
        if bullet && !in_list {
            out.push_str("<ul>\n");
        }
        in_list = bullet;
        match block {
            Block::Heading { title, detail, period } => {
                let _ = writeln!(out, "<h3>{}</h3>", linked_rich(title));
                for meta in [detail, period].into_iter().flatten() {
                    paragraph(out, "detail", &meta.as_str().into());
                }
            }
            Block::Label(text) => {
                let _ = writeln!(out, "<h3>{}</h3>", linked_rich(text));
            }
            Block::Paragraph(text) => paragraph(out, "", text),
            Block::Bullet(text) => {
                let _ = writeln!(out, "<li>{}</li>", linked_rich(text));
            }
            Block::Gap => {}
        }
    }
    if in_list {
        out.push_str("</ul>\n");
    }
}

/// The page for an unknown path: where the reader can go instead.
pub fn not_found(style_href: &str) -> String {
    let mut out = String::with_capacity(1024);
    head(&mut out, "Not found", "This page does not exist.", style_href);
    out.push_str(
        "<body>\n<main>\n<h1>Not found</h1>\n<p>There is no such page here. \
         The résumé is at <a href=\"/\">the start page</a>.</p>\n</main>\n</body>\n</html>\n",
    );
    out
}

#[cfg(test)]
mod tests;
