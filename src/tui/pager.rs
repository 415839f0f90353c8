//! The linear mode for screen readers (`ssh -t host plain`, or `p` in the view): the
//! résumé as wrapped plain text, printed a page at a time like `more`.
//!
//! Output only ever goes forward: no alternate screen, no cursor addressing, no box
//! drawing, no colour. Between pages a one-line prompt is shown and, when the reader
//! goes on, blanked with a carriage return and spaces (no escape sequence) before the
//! next lines are printed, so a screen reader hears each line once and the terminal's
//! own scrollback holds everything read. Pure: it produces text (`\n` line ends) that
//! the session sends.

use ratatui_core::layout::Size;
use unicode_width::UnicodeWidthStr;

use super::input::{KeyCode, KeyEvent};
use crate::resume::Outline;
use crate::resume::export::{section_text, title_block};

/// Widest the text is wrapped, for readable lines on wide terminals.
const MAX_WIDTH: usize = 100;

/// What a key did to the pager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Text was produced; send it.
    Printed,
    Nothing,
    Quit,
    /// Back to the full-screen view.
    FullScreen,
}

/// One visitor's pager.
#[derive(Debug, Clone)]
pub struct Pager {
    lines: Vec<String>,
    /// First line of each section, for starting at the section the reader was on.
    section_starts: Vec<usize>,
    /// First line not yet printed.
    next: usize,
    /// First line of the page printed last (for going back a page).
    shown_from: usize,
    size: Size,
    /// Width of the prompt on screen, to blank it; 0 when none is shown.
    prompt: usize,
    out: String,
}

impl Pager {
    /// A pager over `outline` that has printed its first page, from `section`'s start.
    pub fn new(outline: &Outline, size: Size, section: usize) -> Self {
        let (lines, section_starts) = text_lines(outline, wrap_width(size));
        let mut pager =
            Self { lines, section_starts, next: 0, shown_from: 0, size, prompt: 0, out: String::new() };
        let start = match section {
            0 => 0,
            index => pager.section_starts.get(index).copied().unwrap_or(0),
        };
        pager.print_from(start);
        pager
    }

    /// Takes the text produced since the last call.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    pub fn on_key(&mut self, key: &KeyEvent) -> Step {
        let page = self.page();
        match key.code {
            KeyCode::Char(' ' | 'f' | 'z') | KeyCode::PageDown if self.next < self.lines.len() => {
                self.print_from(self.next)
            }
            KeyCode::Enter | KeyCode::Down | KeyCode::Char('j') if self.next < self.lines.len() => {
                self.print_lines(self.next, 1)
            }
            KeyCode::Char('b') | KeyCode::PageUp => self.print_from(self.shown_from.saturating_sub(page)),
            KeyCode::Char('g') | KeyCode::Home => self.print_from(0),
            KeyCode::Char('G') | KeyCode::End => self.print_from(self.lines.len().saturating_sub(page)),
            KeyCode::Char('h' | '?') => self.print_help(),
            KeyCode::Char('q' | 'Q') | KeyCode::Esc => Step::Quit,
            KeyCode::Char('p' | 'v') => Step::FullScreen,
            _ => Step::Nothing,
        }
    }

    /// Blanks the prompt before the session prints its farewell.
    pub fn finish(&mut self) {
        self.blank_prompt();
    }

    /// Re-wraps for a new size; what is already printed stays as it is.
    pub fn resize(&mut self, outline: &Outline, size: Size) {
        let old = self.lines.len().max(1);
        (self.lines, self.section_starts) = text_lines(outline, wrap_width(size));
        let scale = |line: usize| line * self.lines.len() / old;
        (self.next, self.shown_from) = (scale(self.next), scale(self.shown_from));
        self.size = size;
    }

    /// Lines per page: the screen less the prompt's line.
    fn page(&self) -> usize {
        usize::from(self.size.height).saturating_sub(1).max(1)
    }

    fn print_from(&mut self, start: usize) -> Step {
        self.shown_from = start;
        self.print_lines(start, self.page())
    }

    fn print_lines(&mut self, start: usize, count: usize) -> Step {
        self.blank_prompt();
        let end = (start + count).min(self.lines.len());
        for line in &self.lines[start.min(end)..end] {
            self.out.push_str(line);
            self.out.push('\n');
        }
        self.next = end;
        self.show_prompt();
        Step::Printed
    }

    fn print_help(&mut self) -> Step {
        self.blank_prompt();
        let help = "Keys: Space next page, Enter next line, b back a page, g top, G end, \
                    p full-screen view, q quit.";
        for line in textwrap::wrap(help, wrap_width(self.size)) {
            self.out.push_str(&line);
            self.out.push('\n');
        }
        self.show_prompt();
        Step::Printed
    }

    fn blank_prompt(&mut self) {
        if self.prompt > 0 {
            self.out.push('\r');
            self.out.push_str(&" ".repeat(self.prompt));
            self.out.push('\r');
            self.prompt = 0;
        }
    }

    fn show_prompt(&mut self) {
        let place = match self.next >= self.lines.len() {
            true => "End".to_owned(),
            false => format!("{}%", self.next * 100 / self.lines.len().max(1)),
        };
        let room = usize::from(self.size.width).saturating_sub(1);
        let prompt = [
            format!("-- {place} -- Space: more, b: back, p: full screen, h: keys, q: quit --"),
            format!("-- {place} -- Space, b, q --"),
            format!("-- {place} --"),
        ]
        .into_iter()
        .find(|p| p.width() <= room)
        .unwrap_or_default();
        self.prompt = prompt.width();
        self.out.push_str(&prompt);
    }
}

fn wrap_width(size: Size) -> usize {
    usize::from(size.width).saturating_sub(1).clamp(1, MAX_WIDTH)
}

/// The résumé as the plain-text export prints it, as lines, and where sections start.
fn text_lines(outline: &Outline, width: usize) -> (Vec<String>, Vec<usize>) {
    let mut lines: Vec<String> = title_block(outline).lines().map(str::to_owned).collect();
    let mut starts = Vec::with_capacity(outline.sections.len());
    for section in &outline.sections {
        lines.push(String::new());
        starts.push(lines.len());
        lines.extend(section_text(section, width).lines().map(str::to_owned));
    }
    (lines, starts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::load::parse_str;

    fn outline() -> Outline {
        Outline::from_resume(&parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap())
    }

    fn press(pager: &mut Pager, code: KeyCode) -> Step {
        pager.on_key(&KeyEvent::new(code))
    }

    #[test]
    fn prints_a_page_then_a_prompt_and_nothing_else() {
        let mut pager = Pager::new(&outline(), Size::new(60, 10), 0);
        let first = pager.take_output();
        assert_eq!(first.matches('\n').count(), 9);
        assert!(first.starts_with("Staff Software Engineer\n"));
        assert!(first.ends_with("q quit --") || first.ends_with("--"), "{first:?}");
        assert!(!first.contains('\u{1b}'), "no escape sequences");
        assert!(first.lines().all(|l| l.width() < 60));
    }

    #[test]
    fn space_blanks_the_prompt_and_goes_on() {
        let mut pager = Pager::new(&outline(), Size::new(80, 10), 0);
        let prompt = pager.take_output().lines().last().unwrap().width();
        assert_eq!(press(&mut pager, KeyCode::Char(' ')), Step::Printed);
        let next = pager.take_output();
        assert!(next.starts_with(&format!("\r{}\r", " ".repeat(prompt))), "{next:?}");
        assert_eq!(next.matches('\n').count(), 9);
    }

    #[test]
    fn starts_at_the_section_and_ends_with_end() {
        let outline = outline();
        let mut pager = Pager::new(&outline, Size::new(80, 24), 2);
        assert!(pager.take_output().starts_with("EXPERIENCE\n----------\n"));
        let mut last = String::new();
        while press(&mut pager, KeyCode::Char(' ')) == Step::Printed {
            last = pager.take_output();
        }
        assert!(last.contains("-- End --"), "{last:?}");
        assert!(pager.take_output().is_empty(), "Space at the end prints nothing");
        assert_eq!(press(&mut pager, KeyCode::Char('b')), Step::Printed);
        assert!(!pager.take_output().contains("End"), "b goes back a page");
        assert_eq!(press(&mut pager, KeyCode::Char('q')), Step::Quit);
        assert_eq!(press(&mut pager, KeyCode::Char('p')), Step::FullScreen);
    }

    #[test]
    fn resize_rewraps_and_keeps_about_the_same_place() {
        let outline = outline();
        let mut pager = Pager::new(&outline, Size::new(100, 20), 3);
        let before = pager.next as f64 / pager.lines.len() as f64;
        pager.resize(&outline, Size::new(40, 20));
        let after = pager.next as f64 / pager.lines.len() as f64;
        assert!((before - after).abs() < 0.02);
        press(&mut pager, KeyCode::Char(' '));
        let output = pager.take_output();
        let shown = output.rsplit_once('\r').map_or(output.as_str(), |(_, after)| after);
        assert!(shown.lines().all(|l| l.width() <= 39), "{shown}");
    }
}
