//! Tests of `form`.

use super::*;
use crate::tui::theme::{Charset, ColorDepth, Profile};

fn form() -> Form {
    Form::new(&Theme::new(Profile::new(ColorDepth::None, Charset::Utf8)))
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c)).modifiers(KeyModifiers::CTRL)
}

fn type_text(form: &mut Form, text: &str) {
    for c in text.chars() {
        form.on_key(&key(if c == '\n' { KeyCode::Enter } else { KeyCode::Char(c) }));
    }
}

#[test]
fn tab_moves_through_the_fields_and_enter_adds_lines_only_in_the_message() {
    let mut form = form();
    type_text(&mut form, "Jane\njane@example.org\nHello\nthere");
    assert_eq!(form.focus(), Field::Body);
    let draft = form.draft();
    assert_eq!((draft.name.as_str(), draft.reply_to.as_str()), ("Jane", "jane@example.org"));
    assert_eq!(draft.body, "Hello\nthere");
    form.on_key(&key(KeyCode::Tab));
    assert_eq!(form.focus(), Field::Send);
    form.on_key(&KeyEvent::new(KeyCode::Tab).modifiers(KeyModifiers::SHIFT));
    assert_eq!(form.focus(), Field::Body);
}

#[test]
fn ctrl_s_sends_a_valid_draft_and_only_a_receipt_says_sent() {
    let mut form = form();
    assert_eq!(form.on_key(&ctrl('s')), Step::Stay(true));
    assert!(matches!(form.status(), Status::Problem(_)), "nothing to send yet");
    type_text(&mut form, "\nme@example.org\nHi");
    assert_eq!(form.on_key(&ctrl('s')), Step::Send);
    assert_eq!(form.on_key(&key(KeyCode::Char('x'))), Step::Stay(false), "keys wait while sending");
    form.outcome(Err(SendError::Unavailable));
    assert_eq!(form.status(), &Status::Problem(messages::UNAVAILABLE_LINE.to_owned()));
    assert_eq!(form.draft().body, "Hi", "the draft stays");
    assert_eq!(form.on_key(&ctrl('s')), Step::Send);
    form.outcome(Ok(Receipt { id: 9 }));
    assert_eq!(form.status(), &Status::Sent { id: 9 });
    assert_eq!(form.on_key(&key(KeyCode::Enter)), Step::Close);
}

#[test]
fn enter_on_the_button_sends() {
    let mut form = form();
    type_text(&mut form, "\nme@example.org\nHi");
    form.on_key(&key(KeyCode::Tab));
    assert_eq!(form.on_key(&key(KeyCode::Enter)), Step::Send);
}

#[test]
fn esc_closes_an_empty_form_and_asks_about_a_draft() {
    let mut empty = form();
    assert_eq!(empty.on_key(&key(KeyCode::Esc)), Step::Close);
    let mut form = form();
    type_text(&mut form, "J");
    assert_eq!(form.on_key(&key(KeyCode::Esc)), Step::Stay(true));
    assert_eq!(form.status(), &Status::ConfirmDiscard);
    assert_eq!(form.on_key(&key(KeyCode::Char('n'))), Step::Stay(true));
    assert_eq!(form.draft().name, "J", "n keeps writing");
    form.on_key(&key(KeyCode::Esc));
    assert_eq!(form.on_key(&key(KeyCode::Char('y'))), Step::Close);
}

#[test]
fn editing_keys_behave_like_a_text_box() {
    let mut form = form();
    type_text(&mut form, "Jane Doe");
    form.on_key(&ctrl('w'));
    assert_eq!(form.draft().name, "Jane ");
    form.on_key(&key(KeyCode::Home));
    form.on_key(&key(KeyCode::Delete));
    form.on_key(&key(KeyCode::End));
    form.on_key(&key(KeyCode::Backspace));
    assert_eq!(form.draft().name, "ane");
    form.on_key(&ctrl('u'));
    assert_eq!(form.draft().name, "");
    type_text(&mut form, "日本e\u{301}");
    form.on_key(&key(KeyCode::Left));
    form.on_key(&key(KeyCode::Left));
    form.on_key(&key(KeyCode::Char('x')));
    assert_eq!(form.draft().name, "日本xe\u{301}");
}

#[test]
fn fields_hold_at_most_their_limit_typed_or_pasted() {
    let mut form = form();
    form.paste(&"n".repeat(MAX_NAME + 50));
    assert_eq!(form.draft().name.chars().count(), MAX_NAME);
    form.on_key(&key(KeyCode::Char('x')));
    assert_eq!(form.draft().name.chars().count(), MAX_NAME);
    form.on_key(&key(KeyCode::Tab));
    form.on_key(&key(KeyCode::Tab));
    form.paste(&"é\r\n".repeat(MAX_BODY));
    assert_eq!(form.body_chars(), MAX_BODY);
}

#[test]
fn a_paste_lands_in_the_focused_field_without_controls() {
    let mut form = form();
    form.on_key(&key(KeyCode::Tab));
    form.paste("me@\u{1b}[31mexample.org\nmore");
    assert_eq!(form.draft().reply_to, "me@[31mexample.org more");
    form.on_key(&key(KeyCode::Tab));
    form.paste("line one\r\nline \u{202E}two\u{7}");
    assert_eq!(form.draft().body, "line one\nline two");
    assert_eq!(form.draft().name, "");
}

#[test]
fn alt_keys_are_word_keys_while_editing_and_nothing_else() {
    let alt = |c: char| KeyEvent::new(KeyCode::Char(c)).modifiers(KeyModifiers::ALT);
    let mut form = form();
    type_text(&mut form, "Jane Doe");
    assert_eq!(
        form.on_key(&KeyEvent::new(KeyCode::Backspace).modifiers(KeyModifiers::ALT)),
        Step::Stay(true)
    );
    assert_eq!(form.draft().name, "Jane ", "Alt-Backspace deletes a word");
    form.on_key(&alt('x'));
    assert_eq!(form.draft().name, "Jane ", "Alt-x types nothing");
    form.on_key(&key(KeyCode::Esc));
    assert_eq!(form.on_key(&alt('y')), Step::Stay(false), "a stray ESC before y keeps the draft");
    assert_eq!(form.status(), &Status::ConfirmDiscard);
}

/// The form's one-line fields and the find line ([`crate::tui::line::LineInput`]) take
/// the same editing keys: each run of keys leaves both with the same text and cursor.
#[test]
fn every_line_of_the_view_takes_the_same_editing_keys() {
    use crate::tui::line::LineInput;
    let alt = |code| KeyEvent::new(code).modifiers(KeyModifiers::ALT);
    let ctrl_arrow = |code| KeyEvent::new(code).modifiers(KeyModifiers::CTRL);
    let runs: Vec<Vec<KeyEvent>> = vec![
        vec![ctrl('a'), ctrl('f'), ctrl('f'), key(KeyCode::Right), ctrl('d'), key(KeyCode::Delete)],
        vec![ctrl('b'), key(KeyCode::Left), key(KeyCode::Backspace), ctrl('h')],
        vec![key(KeyCode::Home), alt(KeyCode::Char('f')), alt(KeyCode::Char('f')), alt(KeyCode::Char('b'))],
        vec![ctrl_arrow(KeyCode::Left), ctrl_arrow(KeyCode::Left), ctrl_arrow(KeyCode::Right)],
        vec![ctrl('w'), ctrl('w')],
        vec![alt(KeyCode::Backspace), alt(KeyCode::Backspace)],
        vec![ctrl('a'), alt(KeyCode::Char('d')), alt(KeyCode::Char('d'))],
        vec![ctrl('a'), ctrl('f'), ctrl('f'), ctrl('k'), ctrl('e'), ctrl('y')],
        vec![ctrl('b'), ctrl('b'), ctrl('u'), key(KeyCode::End), ctrl('y')],
        vec![ctrl('w'), key(KeyCode::Home), ctrl('y'), ctrl('e'), ctrl('y')],
    ];
    for run in runs {
        let mut form = form();
        let mut line = LineInput::new(MAX_NAME);
        for c in "grep -r foo.bar baz".chars() {
            form.on_key(&key(KeyCode::Char(c)));
            line.on_key(&key(KeyCode::Char(c)));
        }
        for pressed in &run {
            form.on_key(pressed);
            line.on_key(pressed);
        }
        let name = form.text(Field::Name).unwrap();
        let (before, _) = line.split();
        assert_eq!(name.lines, [line.text()], "{run:?}");
        assert_eq!(name.cursor, (0, before.chars().count()), "{run:?}: {:?}", line.text());
    }
}

#[test]
fn a_paste_longer_than_the_room_left_is_cut_and_says_so() {
    let mut form = form();
    form.on_key(&key(KeyCode::Tab));
    form.on_key(&key(KeyCode::Tab)); // the message
    type_text(&mut form, "Hi ");
    let long = "x".repeat(MAX_BODY);
    assert_eq!(form.paste(&long), Step::Stay(true));
    assert_eq!(form.draft().body.chars().count(), MAX_BODY);
    let room = MAX_BODY - 3;
    let said = format!("pasted text cut at {room} characters: the message takes at most {MAX_BODY}");
    assert_eq!(form.status(), &Status::Problem(said));
}

#[test]
fn a_key_past_a_fields_bound_is_refused_with_a_word() {
    let mut form = form();
    form.paste(&"n".repeat(MAX_NAME));
    assert_eq!(form.status(), &Status::Editing, "a paste that fits says nothing");
    assert_eq!(form.on_key(&key(KeyCode::Char('z'))), Step::Stay(true));
    assert_eq!(form.draft().name.chars().count(), MAX_NAME);
    let said = format!("your name is full: at most {MAX_NAME} characters");
    assert_eq!(form.status(), &Status::Problem(said));
    form.on_key(&key(KeyCode::Backspace));
    assert_eq!(form.status(), &Status::Editing, "editing again clears it");
}
