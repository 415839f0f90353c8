//! What a terminal says on its own: the replies to the queries the server sends after
//! the first frame (OSC 11 background colour, DA1 primary device attributes, XTVERSION
//! name and version), and the reports nobody asked for (cursor position, status, mode
//! reports, focus, mouse), told apart from keys by the shape of their control sequence
//! as xterm's ctlseqs documents them.

/// A reply to one of the server's queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// OSC 11: the terminal's background colour.
    Background(Rgb),
    /// DA1 (`CSI ? Ps ; … c`): the terminal's class and features; every terminal
    /// answers it, so it also marks the end of the answers to earlier queries.
    PrimaryAttributes(Vec<u16>),
    /// XTVERSION (`DCS > | text ST`): the terminal's name and version, as it says them.
    Version(String),
}

/// A colour as 8-bit red, green and blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// What a complete control sequence is.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Sequence {
    /// `CSI 200 ~`: a bracketed paste begins.
    PasteStart,
    Reply(Reply),
    /// A report nobody asked for, or a reply we do not use: dropped.
    Report,
    /// Possibly a key: terminput decides.
    Key,
}

/// Classifies `token`, a whole `CSI …` (or `SS3 x`) with its ESC.
pub(super) fn classify_sequence(token: &[u8]) -> Sequence {
    let Some(body) = token.strip_prefix(crate::escape::CSI.as_bytes()) else { return Sequence::Key };
    let Some((&last, params)) = body.split_last() else { return Sequence::Key };
    match (params.first(), last) {
        _ if token == crate::escape::PASTE_START.as_bytes() => Sequence::PasteStart,
        _ if token == crate::escape::PASTE_END.as_bytes() => Sequence::Report,
        (Some(b'?'), b'c') => Sequence::Reply(Reply::PrimaryAttributes(numbers(&params[1..]))),
        // SGR mouse; DA2/DA3, XTVERSION's CSI form and other private replies.
        (Some(b'<' | b'?' | b'>' | b'='), _) => Sequence::Report,
        // Cursor position, device status, window reports.
        (_, b'R' | b'n' | b't') => Sequence::Report,
        // DECRPM mode reports (`CSI Ps ; Pm $ y`).
        (_, b'y') if params.ends_with(b"$") => Sequence::Report,
        // Focus in and out.
        (None, b'I' | b'O') => Sequence::Report,
        _ => Sequence::Key,
    }
}

/// `Ps ; Ps …` as numbers; anything unparsable is left out.
fn numbers(params: &[u8]) -> Vec<u16> {
    let text = String::from_utf8_lossy(params);
    text.split(';').filter_map(|n| n.parse().ok()).take(32).collect()
}

/// An OSC string's content: `11;rgb:R/G/B` (1 to 4 hex digits per channel) is the
/// background colour.
pub(super) fn osc(content: &[u8]) -> Option<Reply> {
    let text = std::str::from_utf8(content).ok()?;
    let spec = text.strip_prefix("11;")?;
    let channels = spec.strip_prefix("rgb:").or_else(|| spec.strip_prefix("rgba:"))?;
    let mut parts = channels.split('/').map(scale_hex);
    let (r, g, b) = (parts.next()??, parts.next()??, parts.next()??);
    Some(Reply::Background(Rgb { r, g, b }))
}

/// One channel of an X11 colour spec, `h` to `hhhh`, scaled to 8 bits.
fn scale_hex(digits: &str) -> Option<u8> {
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let value = u32::from_str_radix(digits, 16).ok()?;
    let max = (1u32 << (4 * digits.len())) - 1;
    u8::try_from((value * 255 + max / 2) / max).ok()
}

/// A DCS string's content: `>|text` is XTVERSION's answer.
pub(super) fn dcs(content: &[u8]) -> Option<Reply> {
    let text = content.strip_prefix(b">|")?;
    let printable: String =
        String::from_utf8_lossy(text).chars().filter(|c| !c.is_control()).take(64).collect();
    Some(Reply::Version(printable))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_colours_in_every_precision() {
        let rgb = |r, g, b| Some(Reply::Background(Rgb { r, g, b }));
        assert_eq!(osc(b"11;rgb:1414/1919/1f1f"), rgb(0x14, 0x19, 0x1f));
        assert_eq!(osc(b"11;rgb:ffff/ffff/ffff"), rgb(255, 255, 255));
        assert_eq!(osc(b"11;rgb:f/8/0"), rgb(255, 136, 0));
        assert_eq!(osc(b"11;rgb:00/80/ff"), rgb(0, 128, 255));
        assert_eq!(osc(b"11;?"), None);
        assert_eq!(osc(b"10;rgb:0/0/0"), None, "the foreground is not the background");
        assert_eq!(osc(b"11;rgb:12345/0/0"), None);
    }

    #[test]
    fn sequences_are_told_apart_from_keys() {
        let cases: [(&[u8], Sequence); 12] = [
            (b"\x1b[200~", Sequence::PasteStart),
            (b"\x1b[?64;1;2;22c", Sequence::Reply(Reply::PrimaryAttributes(vec![64, 1, 2, 22]))),
            (b"\x1b[>41;351;0c", Sequence::Report),
            (b"\x1b[12;40R", Sequence::Report),
            (b"\x1b[0n", Sequence::Report),
            (b"\x1b[?2004;1$y", Sequence::Report),
            (b"\x1b[I", Sequence::Report),
            (b"\x1b[O", Sequence::Report),
            (b"\x1b[<64;10;5M", Sequence::Report),
            (b"\x1b[8;24;80t", Sequence::Report),
            (b"\x1b[A", Sequence::Key),
            (b"\x1b[1;5C", Sequence::Key),
        ];
        for (token, expected) in cases {
            assert_eq!(classify_sequence(token), expected, "{token:?}");
        }
    }

    #[test]
    fn xtversion_is_kept_printable_and_short() {
        assert_eq!(dcs(b">|tmux 3.3a"), Some(Reply::Version("tmux 3.3a".into())));
        assert_eq!(dcs(b">|kitty(0.35.2)\x07"), Some(Reply::Version("kitty(0.35.2)".into())));
        assert_eq!(dcs(b"1$r0m"), None);
    }
}
