//! The console's keys and what they ask of the store, its bounds, and what it looks
//! like at 80x24 in UTF-8 and ASCII.

use super::*;
use crate::insights::range::Hours;
use crate::store::CountRow;
use crate::tui::theme::{Charset, ColorDepth, Profile};

fn console(charset: Charset) -> Console {
    Console::new(Theme::new(Profile::new(ColorDepth::None, charset)), Size::new(80, 24))
}

fn press(console: &mut Console, code: KeyCode) -> Effect {
    console.handle(&Event::Key(KeyEvent::new(code)))
}

fn letter(id: i64, read: bool) -> Letter {
    Letter {
        id,
        received: format!("2026-12-01 14:{:02}", id % 60),
        channel: "view",
        name: Some(format!("Reader {id}")),
        reply_to: format!("reader{id}@example.org"),
        body: format!("Hello from reader {id}.\nSecond line."),
        read,
    }
}

fn report() -> Report {
    let rows = [
        CountRow::new(10, "visit", "interactive", 12),
        CountRow::new(11, "visit", "exec", 3),
        CountRow::new(11, "visitors", "new", 9),
        CountRow::new(11, "section", "experience", 7),
        CountRow::new(11, "time", "lt-1m", 12),
        CountRow::new(11, "end", "quit", 12),
    ];
    Report::build(&rows, Hours { from: 0, to: 24 }).with_unread(Some(1)).with_online(2)
}

/// The console drawn into a buffer, one string per row.
fn drawn(console: &Console) -> String {
    use ratatui_core::buffer::Buffer;
    use ratatui_core::layout::Rect;
    use ratatui_core::widgets::Widget;
    let area = Rect::new(0, 0, console.size().width, console.size().height);
    let mut buf = Buffer::empty(area);
    console.render(area, &mut buf);
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buf[(x, y)].symbol()).collect::<String>().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_inbox_asks_to_mark_read_and_to_delete_only_when_confirmed() {
    let mut console = console(Charset::Utf8);
    console.show_inbox(vec![letter(3, false), letter(2, false), letter(1, true)], 2);
    assert_eq!(press(&mut console, KeyCode::Tab), Effect::Redraw);
    assert_eq!(console.tab(), Tab::Inbox);
    press(&mut console, KeyCode::Down);
    assert_eq!(press(&mut console, KeyCode::Char('r')), Effect::Act(Action::MarkRead(2)));
    assert_eq!(press(&mut console, KeyCode::Char('d')), Effect::Redraw);
    assert_eq!(console.confirming(), Some(2));
    assert_eq!(press(&mut console, KeyCode::Char('n')), Effect::Redraw, "anything but y keeps it");
    assert_eq!(console.confirming(), None);
    press(&mut console, KeyCode::Char('d'));
    assert_eq!(press(&mut console, KeyCode::Char('y')), Effect::Act(Action::Delete(2)));
    assert_eq!(press(&mut console, KeyCode::Enter), Effect::Redraw);
    assert_eq!(console.open_letter().map(|l| l.id), Some(2));
    assert_eq!(press(&mut console, KeyCode::Esc), Effect::Redraw);
    assert!(console.open_letter().is_none());
    assert_eq!(press(&mut console, KeyCode::Char('q')), Effect::Quit);
}

#[test]
fn the_selection_follows_its_message_and_the_list_is_bounded() {
    let mut console = console(Charset::Utf8);
    console.show_inbox(vec![letter(3, false), letter(2, false)], 2);
    console.tab = Tab::Inbox;
    press(&mut console, KeyCode::Down);
    assert!(console.show_inbox(vec![letter(4, false), letter(3, false), letter(2, true)], 2));
    assert_eq!(console.letters()[console.selected()].id, 2, "still on message 2");
    assert!(!console.show_inbox(console.letters().to_vec(), 2), "nothing changed");
    let many: Vec<Letter> = (0..MAX_LISTED as i64 + 10).map(|id| letter(id, true)).collect();
    console.show_inbox(many, 0);
    assert_eq!(console.letters().len(), MAX_LISTED);
    press(&mut console, KeyCode::End);
    assert_eq!(console.selected(), MAX_LISTED - 1);
}

#[test]
fn help_opens_and_any_key_closes_it_and_scrolling_is_bounded() {
    let mut console = console(Charset::Utf8);
    console.show_report(report());
    assert_eq!(press(&mut console, KeyCode::Char('?')), Effect::Redraw);
    assert!(console.help());
    assert_eq!(press(&mut console, KeyCode::Char('x')), Effect::Redraw);
    assert!(!console.help());
    press(&mut console, KeyCode::End);
    assert_eq!(console.scroll(), console.max_scroll());
    assert_eq!(press(&mut console, KeyCode::Down), Effect::None, "at the end already");
    assert!(!console.show_report(report()), "the same figures draw nothing");
}

#[test]
fn the_console_at_80x24() {
    for charset in [Charset::Utf8, Charset::Ascii] {
        let mut console = console(charset);
        console.show_report(report());
        console.show_inbox(vec![letter(3, false), letter(2, true)], 1);
        let name = if charset == Charset::Ascii { "ascii" } else { "utf8" };
        insta::assert_snapshot!(format!("console_stats_80x24_{name}"), drawn(&console));
        press(&mut console, KeyCode::Tab);
        insta::assert_snapshot!(format!("console_inbox_80x24_{name}"), drawn(&console));
        press(&mut console, KeyCode::Enter);
        insta::assert_snapshot!(format!("console_letter_80x24_{name}"), drawn(&console));
        press(&mut console, KeyCode::Char('?'));
        insta::assert_snapshot!(format!("console_keys_80x24_{name}"), drawn(&console));
    }
}
