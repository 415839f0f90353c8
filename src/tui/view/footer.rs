//! The view's bottom line: as many key hints as fit (the least important left out
//! first), or the open search's query and hit count, with the reader's position
//! (`Top`, `42%`, `End`) on the right. Drawn from the app; it changes nothing.

use ratatui_core::buffer::Buffer;
use ratatui_core::layout::Rect;
use ratatui_core::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::app::App;
use crate::tui::geometry::cols;
use crate::tui::search::Search;
use crate::tui::theme::Theme;

/// A key hint in the footer.
struct Hint {
    keys: &'static str,
    ascii_keys: &'static str,
    action: &'static str,
    /// Hints of lower rank are left out first when space is short.
    rank: u8,
    /// Whether a narrow footer shows only the keys (arrows speak for themselves).
    keys_alone_when_short: bool,
}

const HINTS: [Hint; 8] = [
    Hint { keys: "←/→", ascii_keys: "<-/->", action: "sections", rank: 6, keys_alone_when_short: true },
    Hint { keys: "↑/↓", ascii_keys: "up/down", action: "scroll", rank: 5, keys_alone_when_short: true },
    Hint { keys: "/", ascii_keys: "/", action: "find", rank: 2, keys_alone_when_short: false },
    Hint { keys: "s", ascii_keys: "s", action: "share", rank: 3, keys_alone_when_short: false },
    Hint { keys: "m", ascii_keys: "m", action: "write", rank: WRITE_RANK, keys_alone_when_short: false },
    Hint { keys: "p", ascii_keys: "p", action: "plain", rank: 1, keys_alone_when_short: false },
    Hint { keys: "?", ascii_keys: "?", action: "help", rank: 7, keys_alone_when_short: false },
    Hint { keys: "q", ascii_keys: "q", action: "quit", rank: 8, keys_alone_when_short: false },
];

/// The rank of `m write`, shown only when the server takes messages.
const WRITE_RANK: u8 = 4;

impl Hint {
    /// (keys, label) as shown, in the long or the short form.
    fn shown(&self, theme: &Theme, short: bool) -> (String, String) {
        let keys = if theme.ascii() { self.ascii_keys } else { self.keys };
        match (short, self.keys_alone_when_short) {
            (false, _) => (keys.to_owned(), format!(" {}  ", self.action)),
            (true, true) => (keys.replace('/', ""), " ".to_owned()),
            (true, false) => (keys.to_owned(), format!(" {} ", self.action)),
        }
    }
}

/// The hints of at least `rank` in one form (`m` only with `messages`), and their width.
fn hints(theme: &Theme, short: bool, rank: u8, messages: bool) -> (Vec<(String, String)>, usize) {
    let listed = |h: &&Hint| h.rank >= rank && (messages || h.rank != WRITE_RANK);
    let shown: Vec<(String, String)> = HINTS.iter().filter(listed).map(|h| h.shown(theme, short)).collect();
    let width = 1 + shown.iter().map(|(k, a)| k.width() + a.width()).sum::<usize>();
    let trailing = shown.last().map_or(0, |(_, a)| a.len() - a.trim_end().len());
    (shown, width - trailing)
}

/// The hints chosen for (room, ASCII, messages) are kept per worker thread: they depend on
/// nothing else, and frames ask for them again and again. At most one entry per
/// width up to the largest terminal drawn (500 columns), in two character sets, with
/// and without the `m` hint.
type Chosen = std::rc::Rc<[(String, String)]>;

thread_local! {
    static CHOSEN: std::cell::RefCell<std::collections::HashMap<(usize, bool, bool), Chosen>> =
        std::cell::RefCell::default();
}

/// As many key hints as fit in `room` columns, the least important left out first,
/// long labels preferred when they keep as many hints.
fn chosen_hints(theme: &Theme, room: usize, messages: bool) -> Chosen {
    let key = (room.min(usize::from(crate::tui::geometry::MAX_SIZE.width)), theme.ascii(), messages);
    if let Some(chosen) = CHOSEN.with(|cache| cache.borrow().get(&key).cloned()) {
        return chosen;
    }
    let fits =
        |short: bool| (1..=9).map(|rank| hints(theme, short, rank, messages)).find(|(_, w)| *w <= room);
    let best = match (fits(false), fits(true)) {
        (Some(long), Some(short)) if short.0.len() > long.0.len() => short.0,
        (Some(long), _) => long.0,
        (None, Some(short)) => short.0,
        (None, None) => Vec::new(),
    };
    let chosen: Chosen = best.into();
    CHOSEN.with(|cache| cache.borrow_mut().insert(key, chosen.clone()));
    chosen
}

/// The chosen hints as a line in the theme's styles.
fn hints_line<'a>(theme: &Theme, chosen: &'a [(String, String)]) -> Line<'a> {
    let mut spans = vec![Span::raw(" ")];
    for (keys, action) in chosen {
        spans.push(Span::styled(keys.as_str(), theme.footer_key));
        spans.push(Span::styled(action.as_str(), theme.footer));
    }
    Line::from(spans)
}

pub(super) fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let position = position_label(app);
    let room = usize::from(area.width).saturating_sub(position.width() + 3);
    match app.search() {
        _ if app.form().is_some() => buf.set_line(area.x, area.y, &form_keys_line(theme), area.width),
        _ if app.notice().is_some() => {
            let notice = app.notice().unwrap_or_default();
            let shown = if theme.ascii() { deunicode::deunicode(notice) } else { notice.to_owned() };
            let line = Line::from(Span::styled(format!(" {shown}"), theme.footer_key));
            buf.set_line(area.x, area.y, &line, area.width)
        }
        Some(search) => buf.set_line(area.x, area.y, &search_line(search, theme, room), area.width),
        None => {
            let chosen = chosen_hints(theme, room, app.messages());
            buf.set_line(area.x, area.y, &hints_line(theme, &chosen), area.width)
        }
    };
    let x = area.right().saturating_sub(cols(position.width()) + 1);
    buf.set_string(x, area.y, position, theme.footer);
}

/// While the form is open: its keys.
fn form_keys_line(theme: &Theme) -> Line<'static> {
    let spans = [("Tab", " next  "), ("Ctrl-S", " send  "), ("Esc", " close")].into_iter().flat_map(
        |(keys, action)| [Span::styled(keys, theme.footer_key), Span::styled(action, theme.footer)],
    );
    Line::from(std::iter::once(Span::raw(" ")).chain(spans).collect::<Vec<_>>())
}

/// The query being typed (with a cursor where it is) or the confirmed one with its
/// hit count.
fn search_line(search: &Search, theme: &Theme, room: usize) -> Line<'static> {
    let cursor = if theme.ascii() { "_" } else { "▏" };
    let count = match (search.hits().len(), search.current()) {
        (0, _) if search.query().is_empty() => String::new(),
        (0, _) => "no match".to_owned(),
        (total, Some((index, _))) => format!("{}/{total}", index + 1),
        (total, None) => format!("{total} found"),
    };
    let shown = |text: &str| if theme.ascii() { deunicode::deunicode(text) } else { text.to_owned() };
    let (before, after) = search.line().split();
    let (prompt, keys) = if search.editing() {
        (format!(" /{}{cursor}{} ", shown(before), shown(after)), "Enter go  Esc cancel")
    } else {
        (format!(" /{} ", shown(search.query())), "n next  N previous  Esc close")
    };
    let mut spans = vec![Span::styled(prompt, theme.footer_key), Span::styled(count, theme.footer)];
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    if used + keys.width() + 2 <= room {
        spans.push(Span::styled(format!("  {keys}"), theme.footer));
    }
    Line::from(spans)
}

/// `All`, `Top`, `End` or a percentage, like a pager.
fn position_label(app: &App) -> String {
    let (scroll, max) = (app.scroll(), app.max_scroll());
    match (scroll, max) {
        (_, 0) => "All".to_owned(),
        (0, _) => "Top".to_owned(),
        (s, m) if s >= m => "End".to_owned(),
        (s, m) => format!("{}%", s * 100 / m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::{Charset, ColorDepth, Profile};

    #[test]
    fn footer_hints_fit_and_keep_help_and_quit() {
        let theme = Theme::new(Profile::new(ColorDepth::None, Charset::Utf8));
        for room in [20, 30, 40, 60, 80, 120] {
            for messages in [false, true] {
                let chosen = chosen_hints(&theme, room, messages);
                let line = hints_line(&theme, &chosen);
                assert!(line.width() <= room + 2, "{room}: {line:?}");
                let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
                assert!(text.contains("? help") && text.contains("q quit"), "{room}: {text}");
                assert!(messages || !text.contains("m write"), "{room}: {text}");
                assert!(!messages || room < 60 || text.contains("m write"), "{room}: {text}");
            }
        }
    }
}
