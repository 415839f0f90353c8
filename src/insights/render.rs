//! A [`Report`] laid out as lines of text for a given width (80 columns for `stats`,
//! the terminal's for the console): the headline figures, visits over time as a bar
//! chart with its scale, then each dimension ranked with bars. Each piece of text has
//! a [`Role`], so `stats` can print it with ANSI colour or none and the console can
//! draw it in its theme; with `ascii` only ASCII characters are used.

use unicode_width::UnicodeWidthStr;

use super::report::{Count, Report};
use crate::escape;
use crate::sgr;

mod chart;

use chart::chart;

/// What a piece of text is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    Heading,
    Figure,
    Label,
    Bar,
    Muted,
}

/// A piece of text and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub role: Role,
    pub text: String,
}

/// One line of a laid-out report.
pub type Line = Vec<Piece>;

/// Narrowest and widest layouts; other widths are clamped to these.
pub const MIN_WIDTH: usize = 40;
pub const MAX_WIDTH: usize = 120;

/// Width of a ranked list's label column.
const LABEL: usize = 14;
/// Most labels a ranked list shows; the rest are summed into one line.
const MAX_RANKED: usize = 12;

/// How to lay a report out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub width: usize,
    pub ascii: bool,
}

pub(super) fn piece(role: Role, text: impl Into<String>) -> Piece {
    Piece { role, text: text.into() }
}

/// The report as lines of at most `layout.width` columns.
pub fn lines(report: &Report, layout: Layout) -> Vec<Line> {
    let layout = Layout { width: layout.width.clamp(MIN_WIDTH, MAX_WIDTH), ..layout };
    let mut out = vec![title(report, layout), Vec::new()];
    out.extend(headline(report, layout));
    if report.visits.total > 0 {
        out.push(Vec::new());
        out.extend(chart(report, layout));
    }
    let lists: [(&str, &[Count], bool); 5] = [
        ("Sections · visits that showed each", &report.sections, false),
        ("Clients", &report.clients, true),
        ("Terminals · phone < 60 columns, wide ≥ 120", &report.sizes, true),
        ("Colour depth", &report.colours, true),
        ("How sessions ended", &report.endings, true),
    ];
    for (heading, counts, percent) in lists {
        if !counts.is_empty() {
            out.push(Vec::new());
            out.push(vec![piece(Role::Heading, plain(heading, layout.ascii))]);
            out.extend(ranked(counts, percent, layout));
        }
    }
    let inline = inline_lists(report, layout);
    if !inline.is_empty() {
        out.push(Vec::new());
        out.extend(inline);
    }
    out
}

/// The report as text: ANSI styles when `colour`, else plain.
pub fn text(report: &Report, layout: Layout, colour: bool) -> String {
    let mut out = String::new();
    for line in lines(report, layout) {
        for piece in line {
            match (colour, ansi(piece.role)) {
                (true, Some(style)) => out.push_str(&format!("{style}{}{}", piece.text, escape::SGR_RESET)),
                _ => out.push_str(&piece.text),
            }
        }
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

fn ansi(role: Role) -> Option<&'static str> {
    match role {
        Role::Title | Role::Heading | Role::Figure => Some(sgr!("1")),
        Role::Bar => Some(sgr!("36")),
        Role::Muted => Some(sgr!("2")),
        Role::Label => None,
    }
}

/// `text` with its few non-ASCII characters replaced when `ascii`.
pub(super) fn plain(text: &str, ascii: bool) -> String {
    if ascii {
        text.replace('·', "-").replace('≥', ">=").replace('–', "-").replace('→', "->")
    } else {
        text.to_owned()
    }
}

fn title(report: &Report, layout: Layout) -> Line {
    let (from, to) = (super::range::hour_shown(report.from.0), super::range::hour_shown(report.to.0));
    let hours = if report.hours == 1 { "1 hour".to_owned() } else { format!("{} hours", report.hours) };
    vec![
        piece(Role::Title, "Visits"),
        piece(Role::Muted, plain(&format!(" {from} – {to} UTC · {hours}"), layout.ascii)),
    ]
}

/// One headline: a figure right-aligned, its name, and details.
fn figure_line(figure: String, name: &str, detail: String, layout: Layout) -> Line {
    vec![
        piece(Role::Figure, format!("{figure:>7}")),
        piece(Role::Label, format!(" {name:<13}")),
        piece(Role::Muted, plain(&detail, layout.ascii)),
    ]
}

fn headline(report: &Report, layout: Layout) -> Vec<Line> {
    let v = &report.visits;
    let mut out = vec![
        figure_line(
            v.total.to_string(),
            "visits",
            format!("{} interactive · {} exec · {} web", v.interactive, v.exec, v.web),
            layout,
        ),
        figure_line(report.distinct_visitors.to_string(), "visitors", "distinct per UTC day".into(), layout),
    ];
    let time = &report.time_spent;
    if let (Some(median), Some(p90)) = (time.median_s, time.p90_s) {
        let detail = format!("p90 {} · of {} interactive visits", duration(p90), time.visits);
        out.push(figure_line(duration(median), "median time", detail, layout));
    }
    out.push(figure_line(report.messages.received.to_string(), "messages", messages_detail(report), layout));
    out.push(figure_line(report.downloads.total.to_string(), "downloads", downloads_detail(report), layout));
    if let Some(online) = report.online {
        out.push(figure_line(online.to_string(), "online now", "in an SSH visit".into(), layout));
    }
    out
}

fn messages_detail(report: &Report) -> String {
    let mut parts: Vec<String> =
        report.messages.by_channel.iter().map(|c| format!("{} {}", c.count, c.label)).collect();
    if let Some(unread) = report.messages.unread {
        parts.push(format!("{unread} unread in the inbox"));
    }
    parts.join(" · ")
}

fn downloads_detail(report: &Report) -> String {
    let downloads = &report.downloads;
    let shown = |counts: &[Count]| {
        counts.iter().map(|c| format!("{} {}", c.count, c.label)).collect::<Vec<_>>().join(" · ")
    };
    match (downloads.by_file.is_empty(), downloads.by_door.is_empty()) {
        (true, _) => "files taken away (pdf, json, md, txt, vcf)".to_owned(),
        (false, true) => shown(&downloads.by_file),
        (false, false) => format!("{} — via {}", shown(&downloads.by_file), shown(&downloads.by_door)),
    }
}

/// Seconds as people say them: `42 s`, `12 min`, `1.5 h`.
pub fn duration(seconds: f64) -> String {
    match seconds {
        s if s < 90.0 => format!("{} s", s.round()),
        s if s < 90.0 * 60.0 => format!("{} min", (s / 60.0).round()),
        s => format!("{:.1} h", s / 3600.0),
    }
}

/// A ranked list: label, bar, count and (when `percent`) share of the total.
fn ranked(counts: &[Count], percent: bool, layout: Layout) -> Vec<Line> {
    let total: u64 = counts.iter().map(|c| c.count).sum();
    let max = counts.first().map_or(1, |c| c.count.max(1));
    let bar_room = layout.width.saturating_sub(2 + LABEL + 1 + 8 + if percent { 5 } else { 0 });
    let shown = counts.len().min(MAX_RANKED);
    let mut out: Vec<Line> = counts[..shown]
        .iter()
        .map(|c| {
            let share = if percent {
                format!("{:>4}%", (c.count * 100 + total / 2) / total.max(1))
            } else {
                String::new()
            };
            vec![
                piece(Role::Label, format!("  {} ", fit(&c.label, LABEL))),
                piece(Role::Bar, bar(c.count, max, bar_room, layout.ascii)),
                piece(Role::Figure, format!("{:>8}", c.count)),
                piece(Role::Muted, share),
            ]
        })
        .collect();
    if counts.len() > shown {
        let rest: u64 = counts[shown..].iter().map(|c| c.count).sum();
        let more = format!("  … {} more, {rest} in all", counts.len() - shown);
        out.push(vec![piece(
            Role::Muted,
            plain(&more, layout.ascii).replace('…', if layout.ascii { "..." } else { "…" }),
        )]);
    }
    out
}

/// A horizontal bar of `room` columns at most, in eighths, padded to `room`.
fn bar(value: u64, max: u64, room: usize, ascii: bool) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = if value == 0 { 0 } else { (value * room as u64 * 8).div_ceil(max).max(1) } as usize;
    let (full, part) = (eighths / 8, eighths % 8);
    let mut out = if ascii { "#".repeat(full) } else { "█".repeat(full) };
    if part > 0 && full < room {
        out.push(if ascii { if part >= 4 { '#' } else { '.' } } else { PARTS[part] });
    }
    let used = out.chars().count();
    out.push_str(&" ".repeat(room.saturating_sub(used)));
    out
}

/// `text` in exactly `width` columns: cut (with `~`) or padded.
fn fit(text: &str, width: usize) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if clean.width() <= width {
        return format!("{clean}{}", " ".repeat(width - clean.width()));
    }
    let mut cut = String::new();
    for c in clean.chars() {
        if cut.width() + c.to_string().width() + 1 > width {
            break;
        }
        cut.push(c);
    }
    format!("{cut}~{}", " ".repeat(width.saturating_sub(cut.width() + 1)))
}

/// Commands, deep links and searches, each as one wrapped line of `label count` pairs.
fn inline_lists(report: &Report, layout: Layout) -> Vec<Line> {
    let searches = [Count { label: "made".into(), count: report.searches }];
    let lists: [(&str, &[Count]); 3] =
        [("Commands", &report.commands), ("Deep links", &report.deep_links), ("Searches", &searches)];
    let mut out = Vec::new();
    for (name, counts) in lists {
        let items: Vec<String> =
            counts.iter().filter(|c| c.count > 0).map(|c| format!("{} {}", c.label, c.count)).collect();
        if items.is_empty() {
            continue;
        }
        let separator = if layout.ascii { " - " } else { " · " };
        for (index, text) in wrap(&items, separator, layout.width - 16).into_iter().enumerate() {
            let label = if index == 0 { name } else { "" };
            out.push(vec![piece(Role::Heading, format!("  {label:<14}")), piece(Role::Label, text)]);
        }
    }
    out
}

/// `items` joined by `separator` into lines of at most `width` columns.
fn wrap(items: &[String], separator: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for item in items {
        let Some(line) = lines.last_mut() else { break };
        if line.is_empty() {
            line.push_str(item);
        } else if line.width() + separator.width() + item.width() <= width {
            line.push_str(separator);
            line.push_str(item);
        } else {
            lines.push(item.clone());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_their_room_in_eighths() {
        assert_eq!(bar(10, 10, 4, false), "████");
        assert_eq!(bar(1, 16, 4, false), "▎   ");
        assert_eq!(bar(0, 16, 4, true), "    ");
        assert_eq!(bar(1, 1000, 4, true), ".   ", "any count shows");
    }

    #[test]
    fn durations_read_like_speech() {
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(600.0), "10 min");
        assert_eq!(duration(5400.0), "1.5 h");
    }

    #[test]
    fn labels_fit_their_column() {
        assert_eq!(fit("experience", 6), "exper~");
        assert_eq!(fit("x\u{1b}y", 4), "xy  ");
        assert_eq!(wrap(&["aa".into(), "bb".into(), "cc".into()], " · ", 7), ["aa · bb", "cc"]);
    }
}
