//! Which characters of text we did not write — the résumé's, and visitors' messages —
//! may reach a terminal, the visitor's or the owner's: one rule for both ([`is_unsafe`]).
//! Control characters (C0, DEL, C1; ESC among them) could drive the terminal, and the
//! characters [`is_hidden`] names could reorder or hide what it shows. The résumé
//! refuses control characters and drops the hidden ones; a message's intake drops both.
//! A leaf: it imports nothing of ours.

/// Characters that could reorder or hide what a terminal shows, and carry no text of
/// their own: bidi embeddings, overrides, isolates and marks (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069), zero-width spaces and joiners that are not needed to
/// spell a word (U+180E, U+200B, U+2060–U+2064), the soft hyphen, the deprecated format
/// characters U+206A–U+206F, the byte-order mark, interlinear annotation (U+FFF9–U+FFFB)
/// and the language tag U+E0001 (Unicode 15, chapter 23 "Special Areas and Format
/// Characters"). ZWJ and ZWNJ stay: scripts and emoji need them, and they move nothing.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0001}')
}

/// Whether `c` must never reach a terminal from text we did not write: a control
/// character, or one [`is_hidden`] names.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_hidden(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_everything_that_reorders_or_hides_text_are_unsafe() {
        let unsafe_chars = [
            '\u{0}',
            '\u{1b}',
            '\u{7f}',
            '\u{9b}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{2060}',
            '\u{2064}',
            '\u{202A}',
            '\u{202E}',
            '\u{2066}',
            '\u{2069}',
            '\u{00AD}',
            '\u{E0001}',
        ];
        for c in unsafe_chars {
            assert!(is_unsafe(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn letters_and_the_joiners_scripts_need_are_safe() {
        for c in ['a', 'é', 'ß', 'ж', '中', '\u{200C}', '\u{200D}', ' ', '—'] {
            assert!(!is_unsafe(c), "U+{:04X}", u32::from(c));
        }
    }
}
