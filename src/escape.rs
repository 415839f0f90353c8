//! Every escape sequence ssh-resume writes to a terminal, in one place and one style:
//! named constants, and small writers for the ones with parameters. Names follow
//! ECMA-48 and xterm's "Control Sequences" (ctlseqs): CSI is `ESC [`, OSC `ESC ]`, ST
//! (string terminator) `ESC \`, SGR the CSI … `m` that sets colours and attributes. The
//! server's frame encoder, the interactive view's entry and exit, the OSC 8 links of
//! the view and the coloured text for `curl` all write through here. A leaf: imports
//! nothing of ours.

/// The escape character every sequence starts with.
pub const ESC: char = '\u{1b}';
/// Control Sequence Introducer.
pub const CSI: &str = "\x1b[";
/// Operating System Command.
pub const OSC: &str = "\x1b]";
/// String Terminator, which ends an OSC.
pub const ST: &str = "\x1b\\";

/// SGR 0: every attribute and colour back to the terminal's default.
pub const SGR_RESET: &str = "\x1b[0m";
/// ED 2: erase the whole screen.
pub const ERASE_SCREEN: &str = "\x1b[2J";
/// ED 0: erase from the cursor to the end of the screen (ECMA-48 §8.3.39).
pub const ERASE_BELOW: &str = "\x1b[J";
/// BEL: the terminal's bell, for a key that can do nothing.
pub const BELL: &str = "\x07";
/// DECSTBM with no parameters: the scroll region is the whole screen again.
pub const RESET_SCROLL_REGION: &str = "\x1b[r";
/// RI: cursor up one line, scrolling the region down when on its top line.
pub const REVERSE_INDEX: &str = "\x1bM";
/// xterm's alternate screen buffer (mode 1049, which also saves the cursor), on and off.
pub const ALTERNATE_SCREEN_ON: &str = "\x1b[?1049h";
pub const ALTERNATE_SCREEN_OFF: &str = "\x1b[?1049l";
/// DECTCEM: hide and show the cursor.
pub const CURSOR_HIDE: &str = "\x1b[?25l";
pub const CURSOR_SHOW: &str = "\x1b[?25h";
/// xterm's alternate scroll mode (1007): in the alternate screen the mouse wheel sends
/// arrow keys, so it scrolls without capturing the mouse (text selection keeps working).
pub const ALTERNATE_SCROLL_ON: &str = "\x1b[?1007h";
pub const ALTERNATE_SCROLL_OFF: &str = "\x1b[?1007l";

/// The markers around a bracketed paste (xterm's mode 2004), as terminals send them.
pub const PASTE_START: &str = "\x1b[200~";
pub const PASTE_END: &str = "\x1b[201~";

/// OSC 11 with `?`: asks the terminal for its background colour.
pub const QUERY_BACKGROUND: &str = "\x1b]11;?\x1b\\";
/// XTVERSION: asks the terminal for its name and version (a DCS `>|` answer).
pub const QUERY_VERSION: &str = "\x1b[>0q";
/// DA1: asks for the primary device attributes; every terminal answers.
pub const QUERY_PRIMARY_ATTRIBUTES: &str = "\x1b[c";

/// OSC 8 (hyperlink) with its `;` separator; `params;target` and ST follow.
pub const OSC8: &str = "\x1b]8;";
/// OSC 8 with no parameters and no target: the end of a link.
pub const OSC8_CLOSE: &str = "\x1b]8;;\x1b\\";

/// An SGR sequence with the given parameters, as a `&'static str`:
/// `sgr!("1;35")` is `ESC [ 1 ; 3 5 m`.
#[macro_export]
macro_rules! sgr {
    ($params:literal) => {
        concat!("\x1b[", $params, "m")
    };
}

/// Where sequences are written: bytes into a buffer, or only their length counted
/// (to compare two encodings before producing either).
pub trait Sink {
    fn push(&mut self, bytes: &[u8]);

    /// Whether writing more is pointless (a [`Budget`] passed): writers may stop.
    fn is_full(&self) -> bool {
        false
    }

    /// A decimal number, as sequence parameters are written.
    fn push_number(&mut self, number: u32) {
        let mut digits = [0u8; 10];
        let mut at = digits.len();
        let mut rest = number;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.push(&digits[at..]);
    }
}

impl Sink for Vec<u8> {
    fn push(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Counts the bytes an encoding would take.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counter(pub usize);

impl Sink for Counter {
    fn push(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }

    fn push_number(&mut self, number: u32) {
        self.0 += number.checked_ilog10().map_or(1, |digits| digits as usize + 1);
    }
}

/// Counts the bytes an encoding would take until they pass a budget: to learn whether
/// one encoding is longer than another without producing or measuring all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    used: usize,
    limit: usize,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self { used: 0, limit }
    }

    /// Whether more than the limit was pushed.
    pub fn exceeded(&self) -> bool {
        self.used > self.limit
    }
}

impl Sink for Budget {
    fn push(&mut self, bytes: &[u8]) {
        self.used += bytes.len();
    }

    fn is_full(&self) -> bool {
        self.exceeded()
    }
}

/// CUP: moves the cursor to `row`, `column` (both counted from 1; column 1 is
/// CUP's default, so it is left out).
pub fn cursor_to(out: &mut impl Sink, row: u32, column: u32) {
    out.push(CSI.as_bytes());
    out.push_number(row);
    if column != 1 {
        out.push(b";");
        out.push_number(column);
    }
    out.push(b"H");
}

/// CUU: moves the cursor `rows` up in its column (ECMA-48 §8.3.22).
pub fn cursor_up(out: &mut impl Sink, rows: u32) {
    out.push(CSI.as_bytes());
    out.push_number(rows);
    out.push(b"A");
}

/// CUF: moves the cursor `columns` to the right on its row (ECMA-48 §8.3.20).
pub fn cursor_forward(out: &mut impl Sink, columns: u32) {
    out.push(CSI.as_bytes());
    out.push_number(columns);
    out.push(b"C");
}

/// DECSTBM: the scroll region is rows `top` to `bottom` (counted from 1).
pub fn scroll_region(out: &mut impl Sink, top: u32, bottom: u32) {
    out.push(CSI.as_bytes());
    out.push_number(top);
    out.push(b";");
    out.push_number(bottom);
    out.push(b"r");
}

/// Starts an SGR sequence: `ESC [`, then the caller writes `;`-separated parameters
/// and ends it with [`sgr_end`].
pub fn sgr_start(out: &mut impl Sink) {
    out.push(CSI.as_bytes());
}

pub fn sgr_end(out: &mut impl Sink) {
    out.push(b"m");
}

/// `text` wrapped in an OSC 8 link to `target` with link `id` (cells sharing an id are
/// one link for hovering).
pub fn osc8_link(id: &str, target: &str, text: &str) -> String {
    osc8_wrap(&osc8_open(id, target), text)
}

/// The start of an OSC 8 link to `target` with link `id`, to wrap many cells with.
pub fn osc8_open(id: &str, target: &str) -> String {
    format!("{OSC8}id={id};{target}{ST}")
}

/// `text` between `open` (from [`osc8_open`]) and the link's end.
pub fn osc8_wrap(open: &str, text: &str) -> String {
    let mut linked = String::with_capacity(open.len() + text.len() + OSC8_CLOSE.len());
    linked.push_str(open);
    linked.push_str(text);
    linked.push_str(OSC8_CLOSE);
    linked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_counts_what_the_writers_write() {
        for (row, column) in [(1, 1), (9, 10), (24, 80), (200, 500), (u32::MAX, 0)] {
            let (mut bytes, mut counted) = (Vec::new(), Counter::default());
            cursor_to(&mut bytes, row, column);
            cursor_to(&mut counted, row, column);
            assert_eq!(counted.0, bytes.len(), "{row};{column}");
        }
    }

    #[test]
    fn writers_spell_the_sequences() {
        let mut out = Vec::new();
        cursor_to(&mut out, 3, 7);
        scroll_region(&mut out, 4, 23);
        sgr_start(&mut out);
        out.extend_from_slice(b"0;1");
        sgr_end(&mut out);
        assert_eq!(out, b"\x1b[3;7H\x1b[4;23r\x1b[0;1m");
        assert_eq!(sgr!("1;35"), "\x1b[1;35m");
        assert_eq!(
            osc8_link("ab", "https://x.example", "t"),
            "\x1b]8;id=ab;https://x.example\x1b\\t\x1b]8;;\x1b\\"
        );
    }

    /// Outside this file, no code that is not a test spells an escape character: it
    /// names a constant or calls a writer here.
    #[test]
    fn no_other_file_spells_an_escape() {
        let mut files = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        let mut checked = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
                continue;
            }
            let test_file = path.file_name().is_some_and(|name| name == "tests.rs");
            if path.extension().is_none_or(|ext| ext != "rs") || path.ends_with("src/escape.rs") || test_file
            {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap().to_lowercase();
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            let escapes = ["\\u{1b}", "\\u{001b}", "\\x1b", "\u{1b}", "\\033"];
            assert!(
                !escapes.iter().any(|escape| code.contains(escape)),
                "{} spells an escape",
                path.display()
            );
            checked += 1;
        }
        assert!(checked > 40, "only {checked} files checked");
    }
}
