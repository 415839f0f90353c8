//! Every escape sequence ssh-resume writes to a terminal, in one place and one style:
//! named constants, and small writers for the ones with parameters. Names follow
//! ECMA-48 and xterm's "Control Sequences" (ctlseqs): CSI is `ESC [`, OSC `ESC ]`, ST
//! (string terminator) `ESC \`, SGR the CSI … `m` that sets colours and attributes. The
//! server's frame encoder, the interactive view's entry and exit, the OSC 8 links of
//! the view and the coloured text for `curl` all write through here. A leaf: imports
//! nothing of ours.

use std::io::Write;

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

/// CUP: moves the cursor to `row`, `column` (both counted from 1).
pub fn cursor_to(out: &mut Vec<u8>, row: u32, column: u32) {
    // Writing into a Vec cannot fail.
    let _ = write!(out, "\x1b[{row};{column}H");
}

/// DECSTBM: the scroll region is rows `top` to `bottom` (counted from 1).
pub fn scroll_region(out: &mut Vec<u8>, top: u32, bottom: u32) {
    let _ = write!(out, "\x1b[{top};{bottom}r");
}

/// Starts an SGR sequence: `ESC [`, then the caller writes `;`-separated parameters
/// and ends it with [`sgr_end`].
pub fn sgr_start(out: &mut Vec<u8>) {
    out.extend_from_slice(CSI.as_bytes());
}

pub fn sgr_end(out: &mut Vec<u8>) {
    out.push(b'm');
}

/// `text` wrapped in an OSC 8 link to `target` with link `id` (cells sharing an id are
/// one link for hovering).
pub fn osc8_link(id: &str, target: &str, text: &str) -> String {
    format!("{OSC8}id={id};{target}{ST}{text}{OSC8_CLOSE}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
            if path.extension().is_none_or(|ext| ext != "rs") || path.ends_with("src/escape.rs") {
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
