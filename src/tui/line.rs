//! One line of text being typed, and the keys that edit it: the find line's (`/`), and
//! the line the exec `message` command's composer is on. The keys are GNU Readline's
//! emacs mode, as shells and most terminal programs take them (Readline manual, §1.2
//! "Readline Interaction" and §1.4.2–1.4.4 "Commands For Moving / Changing Text /
//! Killing And Yanking"): Left/Ctrl-B and Right/Ctrl-F a character, Alt-B/Ctrl-Left and
//! Alt-F/Ctrl-Right a word, Home/Ctrl-A and End/Ctrl-E the ends; Backspace (DEL or
//! Ctrl-H, as terminals send it) and Delete/Ctrl-D delete a character; Ctrl-W
//! the whitespace-delimited word before the cursor, Alt-Backspace the word before and
//! Alt-D the word after it, Ctrl-U to the start and Ctrl-K to the end; Ctrl-Y puts back
//! what was cut last. A word is a run of letters and digits, as in Readline.
//!
//! Nothing that could drive or hide in a terminal is ever put in the line
//! ([`crate::safe_text::is_unsafe`]), and it holds at most its bound in characters.
//! Pure state: the caller decides what Enter, Esc and Tab mean.

use super::input::{KeyCode, KeyEvent, KeyModifiers};
use crate::safe_text::is_unsafe;

/// A line being edited, its cursor and what was cut from it last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Byte offset of the cursor in `text`, always on a character boundary.
    cursor: usize,
    /// Most characters the line holds.
    max: usize,
    /// The text the last kill key cut, for Ctrl-Y; bounded by `max` as the line is.
    killed: String,
}

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text or the cursor moved.
    Changed,
    /// An editing key with nothing to do (Backspace at the start, a full line).
    Unchanged,
    /// Not an editing key: the caller's (Enter, Esc, Tab, Up, Down…).
    NotMine,
}

impl LineInput {
    /// An empty line holding at most `max` characters.
    pub fn new(max: usize) -> Self {
        Self { max, ..Self::default() }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text before and after the cursor.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.cursor)
    }

    /// Whether the cursor is at the end of the line.
    pub fn at_end(&self) -> bool {
        self.cursor == self.text.len()
    }

    /// Applies one key.
    pub fn on_key(&mut self, key: &KeyEvent) -> Edit {
        let before = (self.text.len(), self.cursor);
        if let Some(word) = WordKey::of(key) {
            self.word(word);
        } else if !self.edit(key) {
            return Edit::NotMine;
        }
        if (self.text.len(), self.cursor) == before { Edit::Unchanged } else { Edit::Changed }
    }

    /// The keys that are not [`WordKey`]s; false for one that is not an editing key.
    fn edit(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CTRL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match (key.code, ctrl, alt) {
            (KeyCode::Char(c), false, false) => self.insert(c),
            (KeyCode::Backspace, _, false) | (KeyCode::Char('h'), true, false) => self.delete_back(),
            (KeyCode::Delete, _, false) | (KeyCode::Char('d'), true, false) => self.delete_forward(),
            (KeyCode::Left, false, false) | (KeyCode::Char('b'), true, false) => self.char_back(),
            (KeyCode::Right, false, false) | (KeyCode::Char('f'), true, false) => self.char_forward(),
            (KeyCode::Home, ..) | (KeyCode::Char('a'), true, false) => self.cursor = 0,
            (KeyCode::End, ..) | (KeyCode::Char('e'), true, false) => self.cursor = self.text.len(),
            (KeyCode::Char('k'), true, false) => self.kill(self.cursor..self.text.len()),
            (KeyCode::Char('u'), true, false) => self.kill(0..self.cursor),
            (KeyCode::Char('y'), true, false) => self.yank(),
            _ => return false,
        }
        true
    }

    fn word(&mut self, word: WordKey) {
        let to = word.target(&self.text, self.cursor);
        match word {
            WordKey::Back | WordKey::Forward => self.cursor = to,
            WordKey::CutBack | WordKey::CutToSpace => self.kill(to..self.cursor),
            WordKey::CutForward => self.kill(self.cursor..to),
        }
    }

    /// Types `c` at the cursor; false when it may not be typed or the line is full.
    pub fn push(&mut self, c: char) -> bool {
        let room = self.text.chars().count() < self.max;
        if is_unsafe(c) || !room {
            return false;
        }
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
        true
    }

    fn insert(&mut self, c: char) {
        self.push(c);
    }

    fn delete_back(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    fn delete_forward(&mut self) {
        if !self.at_end() {
            self.text.remove(self.cursor);
        }
    }

    fn char_back(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    fn char_forward(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    /// Cuts `range` (bytes, on character boundaries), keeping it for Ctrl-Y.
    fn kill(&mut self, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.cursor = range.start;
        self.killed = self.text.drain(range).collect();
    }

    /// Ctrl-Y: what was cut last, at the cursor, as much as fits.
    fn yank(&mut self) {
        let killed = self.killed.clone();
        for c in killed.chars() {
            if !self.push(c) {
                break;
            }
        }
    }
}

/// The keys that move or cut by words, by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordKey {
    /// Alt-B, Ctrl-Left: to the start of this or the previous word.
    Back,
    /// Alt-F, Ctrl-Right: to the end of this or the next word.
    Forward,
    /// Alt-Backspace (or Alt-^H): the word before the cursor.
    CutBack,
    /// Alt-D, Alt-Delete: the word after the cursor.
    CutForward,
    /// Ctrl-W: back to the whitespace before the cursor (Readline's `unix-word-rubout`).
    CutToSpace,
}

impl WordKey {
    /// The word key `key` is, if it is one.
    pub fn of(key: &KeyEvent) -> Option<Self> {
        let ctrl = key.modifiers.contains(KeyModifiers::CTRL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        Some(match (key.code, ctrl, alt) {
            (KeyCode::Left, true, _) | (KeyCode::Char('b'), false, true) => WordKey::Back,
            (KeyCode::Right, true, _) | (KeyCode::Char('f'), false, true) => WordKey::Forward,
            (KeyCode::Backspace, _, true) | (KeyCode::Char('h'), true, true) => WordKey::CutBack,
            (KeyCode::Delete, _, true) | (KeyCode::Char('d'), false, true) => WordKey::CutForward,
            (KeyCode::Char('w'), true, false) => WordKey::CutToSpace,
            _ => return None,
        })
    }

    /// Where it takes the cursor in `text` from the byte offset `at` (for a cut, the
    /// other end of what it cuts), on a character boundary.
    pub fn target(self, text: &str, at: usize) -> usize {
        match self {
            WordKey::Back | WordKey::CutBack => word_start(text, at, is_word),
            WordKey::Forward | WordKey::CutForward => word_end(text, at),
            WordKey::CutToSpace => word_start(text, at, |c| !c.is_whitespace()),
        }
    }
}

/// A letter or digit: what Readline's word keys take as part of a word.
fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Where the word (of characters `in_word` says) before `at` starts, skipping what is
/// not in a word right before `at` first.
fn word_start(text: &str, at: usize, in_word: impl Fn(char) -> bool) -> usize {
    let before = &text[..at];
    let gap = before.trim_end_matches(|c: char| !in_word(c));
    gap.trim_end_matches(|c: char| in_word(c)).len()
}

/// Where the next word after `at` ends, skipping what is not a word first.
fn word_end(text: &str, at: usize) -> usize {
    let after = &text[at..];
    let gap = after.trim_start_matches(|c: char| !is_word(c));
    let rest = gap.trim_start_matches(is_word);
    text.len() - rest.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code).modifiers(modifiers)
    }

    fn ctrl(c: char) -> KeyEvent {
        key(KeyCode::Char(c), KeyModifiers::CTRL)
    }

    fn alt(code: KeyCode) -> KeyEvent {
        key(code, KeyModifiers::ALT)
    }

    fn typed(text: &str) -> LineInput {
        let mut line = LineInput::new(64);
        for c in text.chars() {
            line.on_key(&KeyEvent::new(KeyCode::Char(c)));
        }
        line
    }

    /// The line with `|` at the cursor.
    fn shown(line: &LineInput) -> String {
        let (before, after) = line.split();
        format!("{before}|{after}")
    }

    fn press(line: &mut LineInput, keys: &[KeyEvent]) -> String {
        for key in keys {
            line.on_key(key);
        }
        shown(line)
    }

    #[test]
    fn characters_and_words_move_the_cursor_as_in_readline() {
        let mut line = typed("find the café, 2024");
        assert_eq!(press(&mut line, &[ctrl('a')]), "|find the café, 2024");
        assert_eq!(press(&mut line, &[ctrl('f'), KeyEvent::new(KeyCode::Right)]), "fi|nd the café, 2024");
        assert_eq!(press(&mut line, &[alt(KeyCode::Char('f'))]), "find| the café, 2024");
        let ctrl_right = key(KeyCode::Right, KeyModifiers::CTRL);
        assert_eq!(press(&mut line, &[ctrl_right, ctrl_right]), "find the café|, 2024");
        assert_eq!(press(&mut line, &[alt(KeyCode::Char('b'))]), "find the |café, 2024");
        assert_eq!(press(&mut line, &[ctrl('b'), KeyEvent::new(KeyCode::Left)]), "find th|e café, 2024");
        assert_eq!(press(&mut line, &[ctrl('e')]), "find the café, 2024|");
        assert_eq!(press(&mut line, &[KeyEvent::new(KeyCode::Home)]), "|find the café, 2024");
        assert_eq!(press(&mut line, &[KeyEvent::new(KeyCode::End)]), "find the café, 2024|");
        assert_eq!(line.on_key(&ctrl('f')), Edit::Unchanged, "nothing past the end");
    }

    #[test]
    fn backspace_is_del_or_ctrl_h_and_delete_is_ctrl_d() {
        let mut line = typed("Hellp");
        assert_eq!(line.on_key(&KeyEvent::new(KeyCode::Backspace)), Edit::Changed);
        assert_eq!(press(&mut line, &[KeyEvent::new(KeyCode::Char('o'))]), "Hello|");
        assert_eq!(press(&mut line, &[ctrl('h')]), "Hell|");
        assert_eq!(press(&mut line, &[ctrl('a'), ctrl('d'), KeyEvent::new(KeyCode::Delete)]), "|ll");
        assert_eq!(line.on_key(&ctrl('e')), Edit::Changed);
        assert_eq!(line.on_key(&ctrl('d')), Edit::Unchanged, "Ctrl-D at the end deletes nothing");
        let mut empty = LineInput::new(8);
        assert_eq!(empty.on_key(&KeyEvent::new(KeyCode::Backspace)), Edit::Unchanged);
    }

    #[test]
    fn kill_keys_cut_and_ctrl_y_puts_back() {
        let mut line = typed("grep -r foo.bar baz");
        assert_eq!(press(&mut line, &[ctrl('w')]), "grep -r foo.bar |");
        assert_eq!(press(&mut line, &[alt(KeyCode::Backspace)]), "grep -r foo.|");
        assert_eq!(press(&mut line, &[ctrl('y'), ctrl('y')]), "grep -r foo.bar bar |");
        assert_eq!(press(&mut line, &[ctrl('a'), alt(KeyCode::Char('d'))]), "| -r foo.bar bar ");
        assert_eq!(press(&mut line, &[ctrl('f'), ctrl('f'), ctrl('k')]), " -|");
        assert_eq!(press(&mut line, &[ctrl('b'), ctrl('u')]), "|-");
        assert_eq!(press(&mut line, &[ctrl('y')]), " |-");
        let alt_ctrl_h = key(KeyCode::Char('h'), KeyModifiers::CTRL | KeyModifiers::ALT);
        let mut words = typed("two words");
        assert_eq!(press(&mut words, &[alt_ctrl_h]), "two |", "Alt-^H is Alt-Backspace");
    }

    #[test]
    fn the_line_is_bounded_and_takes_nothing_unsafe() {
        let mut line = LineInput::new(3);
        for c in ['a', '\u{1b}', '\u{202E}', '\u{7f}', 'b', 'c', 'd'] {
            line.on_key(&KeyEvent::new(KeyCode::Char(c)));
        }
        assert_eq!(line.text(), "abc");
        assert_eq!(line.on_key(&KeyEvent::new(KeyCode::Char('e'))), Edit::Unchanged);
        line.on_key(&ctrl('u'));
        line.on_key(&ctrl('y'));
        line.on_key(&ctrl('y'));
        assert_eq!(line.text(), "abc", "a yank fills the room left, no more");
        for key in [
            KeyEvent::new(KeyCode::Enter),
            KeyEvent::new(KeyCode::Esc),
            KeyEvent::new(KeyCode::Tab),
            ctrl('l'),
        ] {
            assert_eq!(line.on_key(&key), Edit::NotMine, "{key:?}");
        }
    }
}
