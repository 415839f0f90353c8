//! Draws the "Write to me" form over the résumé: a box with the three labelled fields
//! (the focused one marked and bold, its cursor reversed), the message's character
//! count, the `[ Send ]` button and a status line that wraps (the problem, "Sending…",
//! or the question before a draft is thrown away); once stored, "Sent — thank you"
//! instead of the fields. It fits 80x24, 40x20 and the smallest size the view draws,
//! with ASCII stand-ins and no colour where the profile says so. Reads the form only.

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::text::Line;
use ratatui_core::widgets::Widget;
use ratatui_widgets::{block::Block, borders::Borders, clear::Clear, paragraph::Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::messages::MAX_BODY;
use crate::tui::form::{Field, Form, Status};
use crate::tui::geometry::{centered, cols};
use crate::tui::theme::Theme;

/// Widest the box gets, in columns.
const MAX_WIDTH: u16 = 78;
/// Most rows the message's editor gets.
const MAX_BODY_ROWS: u16 = 8;
/// Rows besides the message and the status: borders, two labelled one-line fields,
/// the message's label and the button.
const FIXED_ROWS: u16 = 8;

/// The form as drawn over `area`.
pub(super) struct FormBox<'a> {
    pub(super) form: &'a Form,
    pub(super) theme: &'a Theme,
}

impl FormBox<'_> {
    /// `text` with ASCII stand-ins on ASCII terminals.
    fn shown(&self, text: &str) -> String {
        if self.theme.ascii() { deunicode::deunicode(text) } else { text.to_owned() }
    }

    /// The status line's text, wrapped to `width`.
    fn status_lines(&self, width: usize) -> Vec<String> {
        let text = match self.form.status() {
            Status::Editing | Status::Sent { .. } => return Vec::new(),
            Status::ConfirmDiscard => "Discard this message? y discards, n keeps writing".to_owned(),
            Status::Sending => "Sending…".to_owned(),
            Status::Problem(line) => line.clone(),
        };
        let text = self.shown(&text);
        textwrap::wrap(&text, width.max(1)).into_iter().take(3).map(|l| l.into_owned()).collect()
    }

    fn label(&self, field: Field, text: &str, short: &str, area: Rect, buf: &mut Buffer) {
        let focused = self.form.focus() == field;
        let marker = match (focused, self.theme.ascii()) {
            (false, _) => "  ",
            (true, false) => "▸ ",
            (true, true) => "> ",
        };
        let room = usize::from(area.width).saturating_sub(2);
        let text = if text.width() <= room { text } else { short };
        let style = if focused { self.theme.footer_key } else { self.theme.body };
        buf.set_stringn(
            area.x,
            area.y,
            format!("{marker}{}", self.shown(text)),
            usize::from(area.width),
            style,
        );
    }

    fn editor(&self, field: Field, area: Rect, buf: &mut Buffer) {
        if let Some(editor) = self.form.editor(field) {
            let area = Rect { x: area.x + 2, width: area.width.saturating_sub(2), ..area };
            (&editor).render(area, buf);
        }
    }

    fn button(&self, area: Rect, buf: &mut Buffer) {
        let focused = self.form.focus() == Field::Send;
        let style = if focused { self.theme.tab_selected } else { self.theme.footer_key };
        buf.set_string(area.x + 2, area.y, "[ Send ]", style);
        let hint = "  Ctrl-S sends";
        if usize::from(area.width) >= 10 + hint.width() {
            buf.set_string(area.x + 10, area.y, hint, self.theme.footer);
        }
    }

    fn render_fields(&self, inner: Rect, buf: &mut Buffer) {
        let status = self.status_lines(usize::from(inner.width.saturating_sub(2)));
        let body_rows = inner.height.saturating_sub(FIXED_ROWS - 2 + cols(status.len())).max(1);
        let row =
            |offset: u16, height: u16| Rect { y: inner.y + offset, height, ..inner }.intersection(inner);
        self.label(Field::Name, "Your name (optional)", "Your name", row(0, 1), buf);
        self.editor(Field::Name, row(1, 1), buf);
        let reply = "How to reach you (e-mail, phone, URL or handle)";
        self.label(Field::ReplyTo, reply, "How to reach you", row(2, 1), buf);
        self.editor(Field::ReplyTo, row(3, 1), buf);
        let count = format!("Message ({}/{MAX_BODY})", self.form.body_chars());
        self.label(Field::Body, &count, &count, row(4, 1), buf);
        self.editor(Field::Body, row(5, body_rows), buf);
        self.button(row(5 + body_rows, 1), buf);
        let style = match self.form.status() {
            Status::Problem(_) => self.theme.figure,
            _ => self.theme.period,
        };
        for (index, line) in status.iter().enumerate() {
            let at = row(6 + body_rows + cols(index), 1);
            buf.set_stringn(at.x + 2, at.y, line, usize::from(at.width.saturating_sub(2)), style);
        }
    }

    fn render_sent(&self, id: i64, inner: Rect, buf: &mut Buffer) {
        let reply_to = self.form.draft().reply_to;
        let lines = vec![
            Line::styled(self.shown("Sent — thank you."), self.theme.headline),
            Line::from(""),
            Line::from(format!("Your message is stored (#{id}).")),
            Line::from(self.shown(&format!("I will reply to {}.", crate::messages::one_line(&reply_to)))),
            Line::from(""),
            Line::styled("Esc closes", self.theme.footer),
        ];
        let top = inner.height.saturating_sub(6) / 2;
        let area = Rect { y: inner.y + top, height: inner.height - top, ..inner };
        Paragraph::new(lines).centered().wrap(Default::default()).render(area, buf);
    }
}

impl Widget for FormBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = area.width.min(MAX_WIDTH);
        let status_rows = cols(self.status_lines(usize::from(width.saturating_sub(4))).len());
        let popup = centered(area, width, FIXED_ROWS + MAX_BODY_ROWS + status_rows);
        Clear.render(popup, buf);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_set(self.theme.border_set())
            .border_style(self.theme.rule)
            .title(" Write to me ")
            .style(Style::new());
        let inner = block.inner(popup);
        block.render(popup, buf);
        let inner = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
        match self.form.status() {
            Status::Sent { id } => self.render_sent(*id, inner, buf),
            _ => self.render_fields(inner, buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{Receipt, SendError, UNAVAILABLE_LINE};
    use crate::tui::input::{KeyCode, KeyEvent};
    use crate::tui::theme::{Charset, ColorDepth, Profile};

    fn drawn(form: &Form, theme: &Theme, width: u16, height: u16) -> String {
        let area = Rect::new(0, 0, width, height);
        let mut buf = Buffer::empty(area);
        FormBox { form, theme }.render(area, &mut buf);
        (0..height)
            .map(|y| (0..width).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn filled(theme: &Theme) -> Form {
        let mut form = Form::new(theme);
        for c in "Jane\tjane@example.org\tHello there".chars() {
            let code = if c == '\t' { KeyCode::Tab } else { KeyCode::Char(c) };
            form.on_key(&KeyEvent::new(code));
        }
        form
    }

    #[test]
    fn every_field_and_the_button_show_at_80x24_and_40x20_in_both_charsets() {
        for charset in [Charset::Utf8, Charset::Ascii] {
            let theme = Theme::new(Profile::new(ColorDepth::None, charset));
            let mut form = filled(&theme);
            for (width, height) in [(80, 24), (40, 20), (30, 10)] {
                let screen = drawn(&form, &theme, width, height);
                for wanted in ["Write to me", "Your name", "How to reach you", "Jane", "[ Send ]"] {
                    assert!(
                        screen.contains(wanted),
                        "{width}x{height} {charset:?} lacks {wanted}:\n{screen}"
                    );
                }
                if width >= 40 {
                    assert!(
                        screen.contains("Hello there") && screen.contains("Message (11/2000)"),
                        "{screen}"
                    );
                }
                assert!(charset == Charset::Utf8 || screen.is_ascii(), "{screen}");
            }
            form.outcome(Err(SendError::Unavailable));
            let screen = drawn(&form, &theme, 40, 20);
            assert!(screen.contains("couldn't send right now"), "{screen}");
            assert!(
                drawn(&form, &theme, 80, 24).contains(&form_line(&theme)),
                "the whole line at 80 columns"
            );
            form.outcome(Ok(Receipt { id: 4 }));
            let screen = drawn(&form, &theme, 40, 20);
            assert!(
                screen.contains("Sent") && screen.contains("#4") && screen.contains("jane@example.org"),
                "{screen}"
            );
        }
    }

    fn form_line(theme: &Theme) -> String {
        if theme.ascii() { deunicode::deunicode(UNAVAILABLE_LINE) } else { UNAVAILABLE_LINE.to_owned() }
    }
}
