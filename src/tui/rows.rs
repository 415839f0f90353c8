//! One laid-out résumé row as the view shows it: a styled ratatui [`Line`], and the
//! same as plain text, which is what find matches against, so what is highlighted is
//! exactly what was found.
//!
//! A leaf both the state (for find) and the view (for drawing) import. It styles a
//! row; where the row goes on screen and what lies over it are the view's.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::resume::layout::{Row, RowKind};

/// The text a row shows, as laid out at `width`: what search matches against.
pub(crate) fn row_text(row: &Row, theme: &Theme, width: usize) -> String {
    row_line(row, theme, width).spans.iter().map(|s| s.content.as_ref()).collect()
}

/// One laid-out row as a styled line: bullet marker in the indent, key figures
/// emphasised, heading detail and right-aligned period.
pub(crate) fn row_line(row: &Row, theme: &Theme, width: usize) -> Line<'static> {
    let mut spans = Vec::with_capacity(6);
    if row.indent > 0 {
        spans.push(match row.kind {
            RowKind::BulletStart => {
                Span::styled(format!("{:<w$}", theme.bullet_symbol(), w = row.indent), theme.bullet)
            }
            _ => Span::raw(" ".repeat(row.indent)),
        });
    }
    let text_style = match row.kind {
        RowKind::Heading => theme.heading,
        RowKind::Detail => theme.detail,
        RowKind::Period => theme.period,
        RowKind::Label => theme.label,
        _ => theme.body,
    };
    match row.kind {
        RowKind::Body | RowKind::BulletStart | RowKind::BulletRest => {
            spans.extend(emphasise_figures(&row.text, theme.body, theme.figure))
        }
        _ => spans.push(Span::styled(row.text.clone(), text_style)),
    }
    if let Some(detail) = &row.detail {
        spans.push(Span::styled(format!("{}{detail}", theme.separator()), theme.detail));
    }
    if let Some(right) = &row.right {
        let used: usize = spans.iter().map(|s| s.content.width()).sum();
        let gap = width.saturating_sub(used + right.width()).max(1);
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(right.clone(), theme.period));
    }
    Line::from(spans)
}

/// Splits `text` into spans, giving words that carry a figure (`~84M`, `1.5k+`,
/// `100ms`) the `figure` style, so the numbers of a résumé stand out.
pub(crate) fn emphasise_figures(text: &str, body: Style, figure: Style) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for word in text.split_inclusive(' ') {
        let style = if is_figure(word) { figure } else { body };
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(word),
            _ => spans.push(Span::styled(word.to_owned(), style)),
        }
    }
    spans
}

/// Whether a word carries a figure: a digit, but not a bare four-digit year.
pub(crate) fn is_figure(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    let is_year = core.len() == 4 && core.chars().all(|c| c.is_ascii_digit());
    core.chars().any(|c| c.is_ascii_digit()) && !is_year
}
