//! One laid-out résumé row as the view shows it: a styled ratatui [`Line`], and the
//! same as plain text, which is what find matches against, so what is highlighted is
//! exactly what was found.
//!
//! A leaf both the state (for find) and the view (for drawing) import. It styles the
//! parts `resume::row_parts` gives a row (the same parts the web view and the text
//! export print); where the row goes on screen and what lies over it are the view's.

use ratatui_core::buffer::Buffer;
use ratatui_core::style::Style;
use ratatui_core::text::{Line, Span};

use super::theme::Theme;
use crate::resume::layout::{Row, RowKind};
use crate::resume::row_parts::{Glyphs, Part, parts};

/// The text a row shows, as laid out at `width`: what search matches against.
pub(crate) fn row_text(row: &Row, theme: &Theme, width: usize) -> String {
    row_line(row, theme, width).spans.iter().map(|s| s.content.as_ref()).collect()
}

/// One laid-out row as a styled line: the row's parts (`resume::row_parts`) in the
/// theme's glyphs and styles, key figures in body text emphasised.
pub(crate) fn row_line(row: &Row, theme: &Theme, width: usize) -> Line<'static> {
    let glyphs = Glyphs { bullet: theme.bullet_symbol(), separator: theme.separator() };
    let mut spans = Vec::with_capacity(6);
    for (part, text) in parts(row, width, glyphs) {
        let style = match part {
            Part::Text if is_body(row.kind) => {
                spans.extend(emphasise_figures(&text, theme.body, theme.figure));
                continue;
            }
            Part::Text => text_style(row.kind, theme),
            Part::Marker => theme.bullet,
            Part::Detail => theme.detail,
            Part::Right => theme.period,
            Part::Indent | Part::Gap => Style::new(),
        };
        spans.push(Span::styled(text.into_owned(), style));
    }
    Line::from(spans)
}

/// Draws `line` at (`x`, `y`), at most `max_width` columns: the same cells as
/// ratatui's `Buffer::set_line`, with a shortcut for the common case. A span of printable
/// ASCII (U+0020–U+007E) is one grapheme of one column per byte (UAX #29, UAX #11), so
/// it is written byte by byte, without the grapheme segmentation and width lookups that
/// were the largest part of drawing a frame (perf, scrolling a section).
pub(crate) fn draw_line(buf: &mut Buffer, x: u16, y: u16, line: &Line, max_width: u16) {
    let mut x = x;
    let mut remaining = max_width.min(buf.area.right().saturating_sub(x));
    for span in line {
        if remaining == 0 {
            break;
        }
        let text = span.content.as_ref();
        let style = line.style.patch(span.style);
        if !text.bytes().all(|byte| (0x20..0x7f).contains(&byte)) {
            let end = buf.set_stringn(x, y, text, usize::from(remaining), style).0;
            remaining = remaining.saturating_sub(end.saturating_sub(x));
            x = end;
            continue;
        }
        for at in 0..text.len().min(usize::from(remaining)) {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_symbol(&text[at..=at]).set_style(style);
            }
            x += 1;
            remaining -= 1;
        }
    }
}

/// Whether a row of `kind` is running text, whose figures stand out.
fn is_body(kind: RowKind) -> bool {
    matches!(kind, RowKind::Body | RowKind::BulletStart | RowKind::BulletRest)
}

/// The style of the text of a row of `kind` that is not running text.
fn text_style(kind: RowKind, theme: &Theme) -> Style {
    match kind {
        RowKind::Heading => theme.heading,
        RowKind::Detail => theme.detail,
        RowKind::Period => theme.period,
        RowKind::Label => theme.label,
        _ => theme.body,
    }
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

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::*;
    use crate::resume::layout::layout;
    use crate::resume::outline::{Block, Section};
    use crate::tui::theme::{Charset, ColorDepth, Profile};

    fn theme(charset: Charset) -> Theme {
        Theme::new(Profile::new(ColorDepth::Ansi256, charset))
    }

    #[test]
    fn draw_line_leaves_the_cells_ratatuis_set_line_leaves() {
        let line = Line::from(vec![
            Span::styled("Led a team of ", Style::new().bold()),
            Span::raw("5 — café 東京 "),
            Span::styled("~84M ops/s", Style::new().italic()),
            Span::raw("\u{1b}[31m tail"),
        ]);
        for width in 0..40 {
            let area = ratatui_core::layout::Rect::new(0, 0, 30, 1);
            let (mut ours, mut ratatuis) = (Buffer::empty(area), Buffer::empty(area));
            draw_line(&mut ours, 2, 0, &line, width);
            ratatuis.set_line(2, 0, &line, width);
            assert_eq!(ours, ratatuis, "max width {width}");
        }
    }

    #[test]
    fn a_non_ascii_heading_puts_its_period_at_the_right_edge() {
        let title = "Éducation · 教育";
        let block =
            Block::Heading { title: title.into(), detail: None, period: Some("2019 — 2021".into()) };
        let rows = layout(&Section { slug: "t", title: "Éducation", key: "t", blocks: vec![block] }, 40);
        let text = row_text(&rows[0], &theme(Charset::Utf8), 40);
        assert_eq!(text.width(), 40, "{text}");
        assert!(text.starts_with(title) && text.ends_with(" 2019 — 2021"), "{text}");
    }

    #[test]
    fn bullets_and_details_take_the_themes_glyphs() {
        let bullet = Block::Bullet("Shipped 3 releases".into());
        let heading = Block::Heading { title: "Acme".into(), detail: Some("Berlin".into()), period: None };
        let rows = layout(&Section { slug: "t", title: "T", key: "t", blocks: vec![bullet, heading] }, 40);
        let shown = |charset| rows.iter().map(|r| row_text(r, &theme(charset), 40)).collect::<Vec<_>>();
        assert_eq!(shown(Charset::Utf8), ["• Shipped 3 releases", "Acme · Berlin"]);
        assert_eq!(shown(Charset::Ascii), ["- Shipped 3 releases", "Acme - Berlin"]);
        let line = row_line(&rows[0], &theme(Charset::Utf8), 40);
        assert_eq!(line.spans[0].style, theme(Charset::Utf8).bullet);
        assert!(line.spans.iter().any(|s| s.content == "3 " && s.style == theme(Charset::Utf8).figure));
    }

    #[test]
    fn figures_are_words_with_digits_but_not_bare_years() {
        assert!(is_figure("~84M") && is_figure("1.5k+,") && is_figure("100ms"));
        assert!(!is_figure("2021") && !is_figure("(2019)") && !is_figure("Elixir"));
    }
}
