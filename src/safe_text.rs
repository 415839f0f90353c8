//! Which characters of text we did not write — the résumé's, and visitors' messages —
//! may reach a terminal, the visitor's or the owner's: one rule for both ([`is_unsafe`]).
//! Control characters (C0, DEL, C1; ESC among them) could drive the terminal, and the
//! characters [`is_hidden`] names could reorder or hide what it shows. The résumé
//! refuses control characters and drops the hidden ones; a message's intake drops both.
//!
//! Two more rules serve what a visitor types: [`is_blank`] says which characters show
//! nothing at all, so a field made only of them counts as empty ([`is_blank_text`]),
//! and [`is_tag`] names the tag characters, invisible ASCII that one-line text drops
//! and a message keeps only inside an emoji tag sequence ([`without_stray_tags`]).
//! A leaf: it imports nothing of ours.

use std::borrow::Cow;

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

/// Whether `c` is a tag character, U+E0020–U+E007F (Unicode 15, §23.9 "Tag
/// Characters"): an invisible copy of ASCII, whose only use left is spelling the
/// subdivision flags of an emoji tag sequence.
pub fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0020}'..='\u{E007F}')
}

/// Whether `c` shows nothing on its own: White_Space (PropList.txt), a control
/// character, Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 16:
/// format characters, variation selectors, the Hangul fillers U+115F, U+1160, U+3164
/// and U+FFA0, the tags), or U+2800 BRAILLE PATTERN BLANK (the pattern with no dots,
/// a symbol that draws nothing). Text made of them alone reads as empty.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control() || is_default_ignorable(c) || c == '\u{2800}'
}

/// Whether every character of `text` is [`is_blank`] (true for `""`).
pub fn is_blank_text(text: &str) -> bool {
    text.chars().all(is_blank)
}

/// The Default_Ignorable_Code_Point property (UAX #44; DerivedCoreProperties.txt,
/// Unicode 16.0): Other_Default_Ignorable_Code_Point, format characters (Cf) and
/// variation selectors, less White_Space, U+FFF9–U+FFFB, the Egyptian hieroglyph
/// format controls and the prepended concatenation marks.
fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// WAVING BLACK FLAG, the base of every emoji tag sequence Unicode recommends (the
/// flags of England, Scotland and Wales, emoji-test.txt).
const TAG_BASE: char = '\u{1F3F4}';
/// CANCEL TAG, which ends an emoji tag sequence.
const CANCEL_TAG: char = '\u{E007F}';

/// `text` without the tag characters that do not spell an emoji tag sequence (UTS #51
/// ED-14a: the base [`TAG_BASE`], tag characters U+E0020–U+E007E, then [`CANCEL_TAG`]).
pub fn without_stray_tags(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_tag) {
        return Cow::Borrowed(text);
    }
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        if is_tag(c) {
            continue; // not right after a base: stray
        }
        kept.push(c);
        if c == TAG_BASE {
            let spec = rest.find(|t: char| !is_tag(t) || t == CANCEL_TAG).unwrap_or(rest.len());
            if spec > 0 && rest[spec..].starts_with(CANCEL_TAG) {
                let sequence = spec + CANCEL_TAG.len_utf8();
                kept.push_str(&rest[..sequence]);
                rest = &rest[sequence..];
            }
        }
    }
    Cow::Owned(kept)
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

    #[test]
    fn text_of_only_invisible_characters_is_blank() {
        let invisible = [
            "",
            " \t\n",
            "\u{200B}",
            "\u{200F}",
            "\u{3164}",
            "\u{FFA0}",
            "\u{115F}\u{1160}",
            "\u{2800}",
            "\u{E0041}\u{E0042}",
            "\u{FE0F}",
            "\u{00A0}\u{3000}\u{2028}",
            "\u{180E}\u{2060}\u{FEFF}",
            "\u{1D173}",
            "\u{E0100}",
        ];
        for text in invisible {
            assert!(is_blank_text(text), "{text:?}");
        }
        for text in ["a", "\u{3164}x", "\u{2801}", "❤\u{FE0F}", "中", "\u{0301}"] {
            assert!(!is_blank_text(text), "{text:?}");
        }
        assert!(!is_tag('\u{E001F}') && is_tag('\u{E0020}') && is_tag('\u{E007F}') && !is_tag('\u{E0080}'));
    }

    #[test]
    fn only_an_emoji_tag_sequence_keeps_its_tags() {
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert_eq!(without_stray_tags(&format!("go {scotland}!")), format!("go {scotland}!"));
        let smuggled = "hi\u{E0069}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}";
        assert_eq!(without_stray_tags(smuggled), "hi");
        assert_eq!(without_stray_tags("\u{1F3F4}\u{E0067}\u{E0062}x"), "\u{1F3F4}x", "no cancel tag");
        assert_eq!(without_stray_tags("\u{1F3F4}\u{E007F}"), "\u{1F3F4}", "no tag before the cancel");
        assert!(matches!(without_stray_tags("plain"), Cow::Borrowed("plain")));
    }
}
