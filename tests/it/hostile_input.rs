//! Property tests over hostile input: arbitrary bytes through the input decoder and
//! arbitrary text through the résumé loader never panic, stay bounded, and never let an
//! escape sequence from the résumé reach a visitor's terminal.

use proptest::prelude::*;
use ssh_resume::resume::{Loaded, export, load};
use ssh_resume::tui::Decoder;
use ssh_resume::tui::input::{Event, KeyCode, KeyEvent, MAX_PASTE, MAX_SEQUENCE};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoder_survives_any_bytes_in_any_packets(data in proptest::collection::vec(any::<u8>(), 0..2048),
                                                 cuts in proptest::collection::vec(0usize..2048, 0..16)) {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
        cuts.sort_unstable();
        let mut start = 0;
        for cut in cuts.into_iter().chain([data.len()]) {
            decoder.feed(&data[start..cut], &mut events);
            start = cut;
            prop_assert!(decoder.buffered() <= MAX_SEQUENCE + MAX_PASTE);
        }
        decoder.flush_lone_esc(&mut events);
        decoder.expire_open_string(&mut events);
        // Never more events than bytes: nothing is invented.
        prop_assert!(events.len() <= data.len());
    }

    #[test]
    fn loader_never_panics_on_any_text(text in "\\PC{0,400}") {
        let _ = load::parse_str(&text, "fuzz.toml");
    }

    #[test]
    fn resume_strings_never_carry_control_characters_to_visitors(value in "\\PC{0,60}|[\\x00-\\x1f\\x7f-\\x9f ]{1,8}") {
        let escaped = serde_json::to_string(&value).unwrap(); // a valid TOML basic string
        let text = format!("[basics]\nlabel = {escaped}\nsummary = [{escaped}]\n");
        if let Ok(resume) = load::parse_str(&text, "fuzz.toml") {
            let loaded = Loaded::from_resume(resume);
            for format in [export::Format::Text, export::Format::Markdown] {
                let out = loaded.render(format, 80);
                prop_assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
            }
        }
    }
}

#[test]
fn a_link_a_paste_and_a_key_yield_the_paste_and_the_key() {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    decoder.feed(b"\x1b]8;;http://x\x07\x1b[200~paste\x1b[201~q", &mut events);
    assert_eq!(events, [Event::Paste("paste".into()), Event::Key(KeyEvent::new(KeyCode::Char('q')))]);
}
