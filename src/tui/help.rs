//! The `?` overlay: every key, and what to type to read the résumé elsewhere.
//!
//! Keys and actions stand in two columns where the box is wide enough, and stack (keys,
//! then the action indented, each wrapped) on narrow terminals. When the list is taller than the
//! screen the box scrolls with the arrow keys and says so in its bottom border.
//!
//! [`HelpFit`] is how the box fits a terminal (lines visible, how far it scrolls), a
//! function of the size, the character set and the `ssh` command only: the app keeps
//! one, made when one of them changes, to bound the help's scrolling without drawing.
//! [`HelpBox`] draws the box from plain values; nothing here knows the app.

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::{Rect, Size};
use ratatui_core::style::Style;
use ratatui_core::text::{Line, Span};
use ratatui_core::widgets::Widget;
use ratatui_widgets::{block::Block, borders::Borders, clear::Clear, paragraph::Paragraph};
use unicode_width::UnicodeWidthStr;

use super::geometry::{centered, cols};
use super::theme::{Charset, Theme};

/// Every key the view knows: (keys, what they do). The Ctrl aliases are emacs's and
/// less's; Ctrl-L is every curses program's redraw.
const KEYS: [(&str, &str); 14] = [
    ("← → h l Tab", "previous / next section"),
    ("1 … 9", "jump to a section"),
    ("↑ ↓ j k Enter Ctrl-P Ctrl-N", "scroll a line"),
    ("PgUp PgDn b Space Ctrl-B Ctrl-F", "scroll a page"),
    ("g G Home End", "top / bottom"),
    ("mouse wheel", "scroll"),
    ("/", "find in the whole résumé"),
    ("n N", "next / previous match"),
    ("s", "share card with QR code"),
    ("p", "plain text, for screen readers"),
    ("?", "this help"),
    ("Ctrl-L", "draw the screen again"),
    ("Esc", "close the top box, or quit"),
    ("q Ctrl-C Ctrl-D", "quit"),
];

/// What every line a visitor types in takes (the find line, the form's fields):
/// Readline's emacs keys ([`super::line`]).
const TYPING_HEADING: [&str; 2] = ["While typing a search:", "While typing a search or in the form:"];
const TYPING_KEYS: [(&str, &str); 7] = [
    ("← → Ctrl-B Ctrl-F", "a character back / on"),
    ("Alt-B Alt-F Ctrl-← Ctrl-→", "a word back / on"),
    ("Home End Ctrl-A Ctrl-E", "start / end of the line"),
    ("Backspace Ctrl-H Del Ctrl-D", "delete a character back / on"),
    ("Ctrl-W Alt-Backspace Alt-D", "delete a word back / on"),
    ("Ctrl-U Ctrl-K", "delete to the start / end"),
    ("Ctrl-Y", "put back what was deleted"),
];

/// The key that opens the "Write to me" form, listed when the server takes messages.
const WRITE_KEY: (&str, &str) = ("m", "write to me (the owner)");

/// The keys listed: all of [`KEYS`], with `m` before `?` when messages are on.
fn keys(messages: bool) -> Vec<(&'static str, &'static str)> {
    let mut keys = KEYS.to_vec();
    if messages {
        let help = keys.iter().position(|(key, _)| *key == "?").unwrap_or(keys.len());
        keys.insert(help, WRITE_KEY);
    }
    keys
}

/// Which of the theme's styles a piece of help text takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    Key,
    Plain,
}

/// One line of help: its pieces in order.
type TextLine = Vec<(Look, String)>;

/// What the help lists beyond the keys every visitor has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Lists {
    /// `m`: the server takes messages.
    pub(crate) messages: bool,
    /// The PDF is there to take away (`ssh … pdf`, `scp`).
    pub(crate) downloads: bool,
}

/// How the help box fits a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HelpFit {
    /// Lines of help visible at once.
    pub(crate) visible: u16,
    /// How far the box can scroll (0 when it all fits).
    pub(crate) max_scroll: usize,
}

impl HelpFit {
    /// The fit on a terminal of `size` showing `charset`, for `ssh_command`, a résumé of
    /// `sections` sections, listing `m` when `messages` are on and how to take the PDF
    /// away when `downloads` are.
    pub(crate) fn new(
        size: Size,
        charset: Charset,
        ssh_command: &str,
        sections: usize,
        lists: Lists,
    ) -> Self {
        let area = Rect::new(0, 0, size.width, size.height);
        place(&text(charset, ssh_command, inner_width(area), sections, lists), area).1
    }

    /// Whether the box is too short for its text, so scroll keys move it.
    pub(crate) fn scrolls(&self) -> bool {
        self.max_scroll > 0
    }
}

/// The help box as drawn over the résumé.
pub(crate) struct HelpBox<'a> {
    pub(crate) theme: &'a Theme,
    pub(crate) ssh_command: &'a str,
    /// First line shown; clamped to what the box can scroll.
    pub(crate) scroll: usize,
    /// How many sections the résumé has (ten or more take two digits).
    pub(crate) sections: usize,
    /// What is listed beyond the keys every visitor has.
    pub(crate) lists: Lists,
}

impl Widget for HelpBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let text =
            text(theme.profile.charset, self.ssh_command, inner_width(area), self.sections, self.lists);
        let (popup, fit) = place(&text, area);
        let scroll = self.scroll.min(fit.max_scroll);
        let more = match (scroll > 0, scroll < fit.max_scroll) {
            (_, true) => shown(theme.profile.charset, " ↓ more "),
            (true, false) => shown(theme.profile.charset, " ↑ more "),
            (false, false) => String::new(),
        };
        Clear.render(popup, buf);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_set(theme.border_set())
            .border_style(theme.rule)
            .title(" Keys ")
            .title_bottom(Line::from(more).right_aligned());
        let lines: Vec<Line> = text.into_iter().map(|line| styled(line, theme)).collect();
        let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
        Paragraph::new(lines).block(block).scroll((scroll, 0)).render(popup, buf);
    }
}

/// Columns inside the borders of a box as wide as `area`.
fn inner_width(area: Rect) -> usize {
    usize::from(area.width.saturating_sub(2))
}

/// The box for `text` in `area`, and how the text fits it.
fn place(text: &[TextLine], area: Rect) -> (Rect, HelpFit) {
    let line_width = |line: &TextLine| line.iter().map(|(_, piece)| piece.width()).sum::<usize>();
    let width = text.iter().map(line_width).max().unwrap_or(0) + 3;
    let popup = centered(area, cols(width), cols(text.len() + 2));
    let visible = popup.height.saturating_sub(2);
    (popup, HelpFit { visible, max_scroll: text.len().saturating_sub(usize::from(visible)) })
}

/// The digits' line for a résumé of ten or more sections.
const TWO_DIGITS: (&str, &str) = ("1 … 9, 10 …", "a section; 1 2 is the 12th");

/// The help text's lines for a box whose inside is `inner` columns wide.
fn text(charset: Charset, ssh_command: &str, inner: usize, sections: usize, lists: Lists) -> Vec<TextLine> {
    let messages = lists.messages;
    let listed: Vec<(&str, &str)> = keys(messages)
        .into_iter()
        .map(|entry| if sections >= 10 && entry.0 == KEYS[1].0 { TWO_DIGITS } else { entry })
        .collect();
    let all = || listed.iter().chain(TYPING_KEYS.iter());
    let action_width = all().map(|(_, a)| a.width()).max().unwrap_or(0);
    let key_column = all().map(|(k, _)| shown(charset, k).width()).max().unwrap_or(0) + 1;
    let two_columns = inner >= 1 + key_column + action_width;
    let mut lines = Vec::with_capacity((listed.len() + TYPING_KEYS.len()) * 2 + 5);
    let list = |entries: &[(&str, &str)], lines: &mut Vec<TextLine>| {
        for (keys, action) in entries {
            let (keys, action) = (shown(charset, keys), shown(charset, action));
            if two_columns {
                lines.push(vec![(Look::Key, format!(" {keys:<key_column$}")), (Look::Plain, action)]);
            } else {
                lines.extend(wrapped(&keys, 1, inner, Look::Key));
                lines.extend(wrapped(&action, 3, inner, Look::Plain));
            }
        }
    };
    list(&listed, &mut lines);
    lines.push(Vec::new());
    lines.extend(wrapped(TYPING_HEADING[usize::from(messages)], 1, inner, Look::Plain));
    list(&TYPING_KEYS, &mut lines);
    lines.push(Vec::new());
    lines.extend(wrapped(&shown(charset, "Read it anywhere:"), 1, inner, Look::Plain));
    lines.extend(wrapped(ssh_command, 1, inner, Look::Key));
    if lists.downloads {
        lines.push(Vec::new());
        lines.extend(wrapped(&shown(charset, "Take it with you (a PDF):"), 1, inner, Look::Plain));
        for command in take_away(ssh_command) {
            lines.extend(wrapped(&command, 1, inner, Look::Key));
        }
    }
    lines
}

/// The commands that copy the PDF from here: `ssh … pdf > resume.pdf` and `scp`.
pub(crate) fn take_away(ssh_command: &str) -> [String; 2] {
    [format!("{ssh_command} pdf > resume.pdf"), crate::ssh_command::scp_for(ssh_command, "resume.pdf")]
}

/// `text` wrapped to fit `inner` columns after `indent` spaces.
fn wrapped(text: &str, indent: usize, inner: usize, look: Look) -> Vec<TextLine> {
    let pad = " ".repeat(indent);
    let width = inner.saturating_sub(indent + 1).max(1);
    // Not at hyphens: `Ctrl-N` is one key.
    let options = textwrap::Options::new(width).word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options).into_iter().map(|l| vec![(look, format!("{pad}{l}"))]).collect()
}

fn styled(line: TextLine, theme: &Theme) -> Line<'static> {
    let style = |look| if look == Look::Key { theme.footer_key } else { Style::new() };
    Line::from(line.into_iter().map(|(look, piece)| Span::styled(piece, style(look))).collect::<Vec<_>>())
}

/// Arrows and accents spelled out for ASCII terminals.
fn shown(charset: Charset, text: &str) -> String {
    if charset != Charset::Ascii {
        return text.to_owned();
    }
    let spelled = text.replace('←', "Left").replace('→', "Right").replace('↑', "Up").replace('↓', "Down");
    deunicode::deunicode(&spelled.replace('…', ".."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::{ColorDepth, Profile};

    const SSH: &str = "ssh -p 2222 cv.example.org";

    fn drawn(size: Size, charset: Charset, scroll: usize) -> String {
        let theme = Theme::new(Profile::new(ColorDepth::None, charset));
        let area = Rect::new(0, 0, size.width, size.height);
        let mut buf = Buffer::empty(area);
        HelpBox {
            theme: &theme,
            ssh_command: SSH,
            scroll,
            sections: 7,
            lists: Lists { messages: true, downloads: false },
        }
        .render(area, &mut buf);
        buf.content.iter().map(|cell| cell.symbol()).collect()
    }

    #[test]
    fn the_fit_bounds_scrolling_exactly_where_the_box_is_drawn() {
        for (width, height) in [(30, 10), (40, 20), (80, 24), (120, 40), (200, 60)] {
            for charset in [Charset::Utf8, Charset::Ascii] {
                let size = Size::new(width, height);
                let fit = HelpFit::new(size, charset, SSH, 7, Lists { messages: true, downloads: false });
                assert_eq!(fit.scrolls(), fit.max_scroll > 0);
                assert!(drawn(size, charset, fit.max_scroll).contains(SSH), "{size:?} {charset:?}");
                if fit.scrolls() {
                    assert!(!drawn(size, charset, fit.max_scroll - 1).contains(SSH), "{size:?} {charset:?}");
                }
                let past = drawn(size, charset, fit.max_scroll + 5);
                assert_eq!(past, drawn(size, charset, fit.max_scroll), "scrolling stops at the end");
            }
        }
    }

    #[test]
    fn ten_or_more_sections_are_listed_with_two_digits() {
        let text = |sections| {
            let lines = text(Charset::Utf8, SSH, 78, sections, Lists::default());
            lines.iter().flat_map(|line| line.iter().map(|(_, piece)| piece.clone())).collect::<String>()
        };
        assert!(text(7).contains("1 … 9") && !text(7).contains("10 …"));
        assert!(text(13).contains("1 … 9, 10 …") && text(13).contains("1 2 is the 12th"));
    }

    #[test]
    fn the_fit_depends_on_size_and_command() {
        let small = HelpFit::new(
            Size::new(30, 10),
            Charset::Utf8,
            SSH,
            7,
            Lists { messages: false, downloads: false },
        );
        assert!(small.scrolls() && small.visible == 8);
        assert!(
            !HelpFit::new(
                Size::new(200, 60),
                Charset::Utf8,
                SSH,
                7,
                Lists { messages: false, downloads: false }
            )
            .scrolls()
        );
        let long = format!("{SSH} {}", "x".repeat(200));
        assert!(
            HelpFit::new(
                Size::new(30, 10),
                Charset::Utf8,
                &long,
                7,
                Lists { messages: false, downloads: false }
            )
            .max_scroll
                > small.max_scroll
        );
        let writing = HelpFit::new(
            Size::new(30, 10),
            Charset::Utf8,
            SSH,
            7,
            Lists { messages: true, downloads: false },
        );
        assert!(writing.max_scroll > small.max_scroll, "m adds a line");
    }
}
