//! What the console's pages hold, as lines for a width: the report (laid out by the
//! insights' own text layout) and one message (its fields, then its body wrapped).
//! Both the state (to bound scrolling) and the view use these; every text a message
//! brings is cleaned of anything that could drive the owner's terminal.

use ratatui_core::layout::Size;

use super::Letter;
use crate::insights::render::{self, Layout, Line};
use crate::insights::report::Report;
use crate::messages::{shown_name, terminal_safe};

/// Rows above and below the body: the header, its rule and the footer.
pub(super) const CHROME_ROWS: u16 = 3;

/// Rows the body has on a terminal of `size`.
pub(crate) fn body_height(size: Size) -> usize {
    usize::from(size.height.saturating_sub(CHROME_ROWS))
}

/// The report laid out for `width` columns.
pub(crate) fn report_lines(report: &Report, width: u16, ascii: bool) -> Vec<Line> {
    render::lines(report, Layout { width: usize::from(width), ascii })
}

/// A message's fields and its body wrapped to `width` columns.
pub(crate) fn letter_lines(letter: &Letter, width: u16) -> Vec<String> {
    let name = shown_name(letter.name.as_deref()).unwrap_or_else(|| "-".to_owned());
    let mut out = vec![
        format!("From:     {name}"),
        format!("Reply to: {}", terminal_safe(&letter.reply_to, false)),
        format!("Received: {} UTC, via {}", letter.received, letter.channel),
        format!("State:    {}", if letter.read { "read" } else { "unread" }),
        String::new(),
    ];
    let width = usize::from(width.saturating_sub(2)).max(10);
    for paragraph in terminal_safe(&letter.body, true).lines() {
        if paragraph.trim().is_empty() {
            out.push(String::new());
            continue;
        }
        out.extend(textwrap::wrap(paragraph, width).into_iter().map(|line| line.into_owned()));
    }
    out
}

/// The first non-blank line of a body, cleaned.
pub(crate) fn first_line(body: &str) -> String {
    terminal_safe(body.lines().find(|line| !line.trim().is_empty()).unwrap_or("").trim(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_a_message_brings_can_drive_the_terminal() {
        let letter = Letter {
            id: 1,
            received: "2026-12-01 14:05".into(),
            channel: "exec",
            name: Some("Ev\u{1b}]0;x\u{7}e".into()),
            reply_to: "e\u{202E}ve@example.org".into(),
            body: "\u{1b}[2Jhello\n\n\u{9b}31mworld".into(),
            read: false,
        };
        let text = letter_lines(&letter, 40).join("\n");
        for bad in ['\u{1b}', '\u{9b}', '\u{7}', '\u{202E}'] {
            assert!(!text.contains(bad), "{text:?}");
        }
        assert!(text.contains("hello") && text.contains("world"), "{text}");
        assert_eq!(first_line("\n \n  hi there \nmore"), "hi there");
    }
}
