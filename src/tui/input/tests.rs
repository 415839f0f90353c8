//! The decoder against what terminals send: keys, split reads, replies and reports
//! nobody typed, pastes of any length, and arbitrary bytes (property tests).

use proptest::prelude::*;

use super::*;

fn decode(reads: &[&[u8]]) -> Vec<Event> {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    for read in reads {
        decoder.feed(read, &mut events);
    }
    events
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code))
}

fn char_key(c: char) -> Event {
    key(KeyCode::Char(c))
}

#[test]
fn several_keys_in_one_read() {
    assert_eq!(decode(&[b"jjq"]), [char_key('j'), char_key('j'), char_key('q')]);
}

#[test]
fn escape_sequence_split_across_reads() {
    assert_eq!(decode(&[b"\x1b", b"[", b"B"]), [key(KeyCode::Down)]);
    assert_eq!(decode(&[b"\x1b[5", b"~"]), [key(KeyCode::PageUp)]);
    assert_eq!(decode(&[b"\x1bO", b"A"]), [key(KeyCode::Up)]);
}

#[test]
fn sequences_and_keys_mixed_in_one_read() {
    assert_eq!(decode(&[b"\x1b[C\x1b[Dq"]), [key(KeyCode::Right), key(KeyCode::Left), char_key('q')]);
}

#[test]
fn utf8_split_across_reads() {
    let bytes = "é".as_bytes();
    assert_eq!(decode(&[&bytes[..1], &bytes[1..]]), [char_key('é')]);
}

#[test]
fn lone_esc_waits_for_the_timer() {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    decoder.feed(b"\x1b", &mut events);
    assert!(events.is_empty() && decoder.has_lone_esc());
    decoder.flush_lone_esc(&mut events);
    assert_eq!(events, [key(KeyCode::Esc)]);
    assert!(!decoder.has_lone_esc());
}

#[test]
fn esc_followed_by_bytes_before_the_timer_starts_a_sequence() {
    assert_eq!(decode(&[b"\x1b", b"[A"]), [key(KeyCode::Up)]);
}

#[test]
fn esc_pressed_twice_is_esc_then_a_lone_esc() {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    decoder.feed(b"\x1b\x1b", &mut events);
    assert_eq!(events, [key(KeyCode::Esc)]);
    decoder.flush_lone_esc(&mut events);
    assert_eq!(events, [key(KeyCode::Esc), key(KeyCode::Esc)]);
}

#[test]
fn ctrl_keys_keep_their_modifier() {
    let ctrl = |c| Event::Key(KeyEvent::new(KeyCode::Char(c)).modifiers(KeyModifiers::CTRL));
    assert_eq!(decode(&[b"\x03\x04"]), [ctrl('c'), ctrl('d')]);
}

#[test]
fn backspace_is_del_or_bs_and_alt_backspace_either_after_esc() {
    let backspace = key(KeyCode::Backspace);
    assert_eq!(decode(&[b"\x7f\x08"]), [backspace.clone(), backspace]);
    let alt_backspace = Event::Key(KeyEvent::new(KeyCode::Backspace).modifiers(KeyModifiers::ALT));
    assert_eq!(decode(&[b"\x1b\x7f\x1b\x08"]), [alt_backspace.clone(), alt_backspace]);
}

#[test]
fn alt_modified_characters_carry_alt() {
    let alt = |c| Event::Key(KeyEvent::new(KeyCode::Char(c)).modifiers(KeyModifiers::ALT));
    assert_eq!(decode(&[b"\x1bq\x1b4"]), [alt('q'), alt('4')]);
    assert_eq!(decode(&["\x1bé".as_bytes()]), [alt('é')]);
}

#[test]
fn enter_is_cr_lf_or_cr_lf_once() {
    let enter = key(KeyCode::Enter);
    assert_eq!(decode(&[b"a\r"]), [char_key('a'), enter.clone()]);
    assert_eq!(decode(&[b"a\n"]), [char_key('a'), enter.clone()]);
    assert_eq!(decode(&[b"a\r\nb"]), [char_key('a'), enter.clone(), char_key('b')]);
    assert_eq!(decode(&[b"\r", b"\n"]), std::slice::from_ref(&enter), "CR LF split across reads");
    assert_eq!(decode(&[b"\n\n"]), [enter.clone(), enter]);
}

#[test]
fn an_endless_sequence_is_bounded_and_consumed_to_its_final_byte() {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    let mut garbage = b"\x1b[".to_vec();
    garbage.extend(std::iter::repeat_n(b'1', 10_000));
    decoder.feed(&garbage, &mut events);
    assert!(decoder.buffered() <= MAX_SEQUENCE);
    decoder.feed(b"q", &mut events);
    assert_eq!(events, [], "`q` is the long sequence's final byte");
    decoder.feed(b"q", &mut events);
    assert_eq!(events, [char_key('q')]);
}

/// The background-colour reply tmux forwards late, in both terminations, and a DCS
/// reply: nothing happens, and the colour is a reply.
#[test]
fn terminal_replies_are_not_typing() {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    decoder.feed(b"\x1b]11;rgb:1414/1919/1f1f\x1b\\", &mut events);
    decoder.feed(b"\x1b]11;rgb:0000/0000/0000\x07", &mut events);
    decoder.feed(b"\x1bP>|tmux 3.3a\x1b\\", &mut events);
    assert_eq!(events, []);
    assert_eq!(
        decoder.take_replies(),
        [
            Reply::Background(Rgb { r: 0x14, g: 0x19, b: 0x1f }),
            Reply::Background(Rgb { r: 0, g: 0, b: 0 }),
            Reply::Version("tmux 3.3a".into()),
        ]
    );
}

#[test]
fn the_primary_attributes_answer_is_a_reply_not_typing() {
    let (mut decoder, mut events) = (Decoder::new(), Vec::new());
    decoder.feed(b"\x1b[?64;1;2cj", &mut events);
    assert_eq!(events, [char_key('j')]);
    assert_eq!(decoder.take_replies(), [Reply::PrimaryAttributes(vec![64, 1, 2])]);
}

#[test]
fn reports_nobody_asked_for_are_dropped() {
    let reads: [&[u8]; 8] = [
        b"\x1b[>41;351;0c",
        b"\x1b[0n",
        b"\x1b[24;80R",
        b"\x1b[?2004;2$y",
        b"\x1b[I\x1b[O",
        b"\x1b[<0;12;5M\x1b[<0;12;5m",
        b"\x1b[M !!",
        b"\x1b_Gi=1;OK\x1b\\\x1b^pm\x07\x1bXsos\x1b\\",
    ];
    for read in reads {
        let (mut decoder, mut events) = (Decoder::new(), Vec::new());
        decoder.feed(read, &mut events);
        decoder.feed(b"j", &mut events);
        assert_eq!(events, [char_key('j')], "{read:?}");
        assert_eq!(decoder.take_replies(), [], "{read:?}");
    }
}

#[test]
fn a_reply_split_into_single_bytes_is_still_one_reply() {
    let reply = b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\j";
    let (mut decoder, mut events) = (Decoder::new(), Vec::new());
    for byte in reply.chunks(1) {
        decoder.feed(byte, &mut events);
    }
    assert_eq!(events, [char_key('j')]);
    assert_eq!(decoder.take_replies(), [Reply::Background(Rgb { r: 255, g: 255, b: 255 })]);
}

#[test]
fn a_never_ending_string_stays_bounded_and_expires() {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    decoder.feed(b"\x1b]11;", &mut events);
    for _ in 0..1000 {
        decoder.feed(&[b'x'; 1024], &mut events);
    }
    assert!(decoder.buffered() <= MAX_STRING && decoder.has_open_string());
    decoder.expire_open_string(&mut events);
    decoder.feed(b"q", &mut events);
    assert_eq!(events, [char_key('q')]);
}

/// `ESC[200~` + 70 × `x` + ` then 4 and q` + `ESC[201~`: one paste, no keys.
#[test]
fn a_long_bracketed_paste_is_one_paste() {
    let text = format!("{} then 4 and q", "x".repeat(70));
    let pasted = format!("\x1b[200~{text}\x1b[201~");
    assert_eq!(decode(&[pasted.as_bytes()]), [Event::Paste(text.clone())]);
    let reads: Vec<&[u8]> = pasted.as_bytes().chunks(7).collect();
    assert_eq!(decode(&reads), [Event::Paste(text)]);
}

#[test]
fn a_paste_keeps_escapes_that_do_not_end_it_and_stays_bounded() {
    let pasted = b"\x1b[200~a\x1b[20b\x1b[201x\x1b[201~";
    assert_eq!(decode(&[pasted]), [Event::Paste("a\x1b[20b\x1b[201x".into())]);
    let mut huge = b"\x1b[200~".to_vec();
    huge.extend(std::iter::repeat_n(b'y', 3 * MAX_PASTE));
    huge.extend_from_slice(b"\x1b[201~q");
    let events = decode(&[&huge]);
    assert_eq!(events.len(), 2);
    assert!(matches!(&events[0], Event::Paste(text) if text.len() == MAX_PASTE));
    assert_eq!(events[1], char_key('q'));
}

/// One piece of what a terminal sends, for the property tests.
#[derive(Debug, Clone)]
enum Piece {
    Keys(String),
    Reply { introducer: &'static str, body: Vec<u8>, bel: bool },
    Paste(String),
}

fn piece() -> impl Strategy<Value = Piece> {
    let keys = "[a-z0-9 /?]{1,6}".prop_map(Piece::Keys);
    let body = proptest::collection::vec(
        any::<u8>().prop_filter("no ESC or BEL", |b| *b != 0x1b && *b != 0x07),
        0..700,
    );
    let introducer = prop_oneof![Just("\x1b]"), Just("\x1bP"), Just("\x1b_"), Just("\x1b^"), Just("\x1bX")];
    let reply = (introducer, body, any::<bool>()).prop_map(|(introducer, body, bel)| Piece::Reply {
        introducer,
        body,
        bel,
    });
    let paste = "[^\x1b]{0,300}".prop_map(Piece::Paste);
    prop_oneof![keys, reply, paste]
}

fn bytes_of(piece: &Piece) -> Vec<u8> {
    match piece {
        Piece::Keys(keys) => keys.as_bytes().to_vec(),
        Piece::Reply { introducer, body, bel } => {
            let end: &[u8] = if *bel { b"\x07" } else { b"\x1b\\" };
            [introducer.as_bytes(), body, end].concat()
        }
        Piece::Paste(text) => [b"\x1b[200~", text.as_bytes(), b"\x1b[201~"].concat(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Keys, replies of any content and pastes, split anywhere: exactly the typed keys
    /// and the pastes come out, in order; nothing from inside a reply or a paste.
    #[test]
    fn only_typed_keys_and_pastes_come_out(pieces in proptest::collection::vec(piece(), 0..12),
                                           cuts in proptest::collection::vec(0usize..8192, 0..24)) {
        let stream: Vec<u8> = pieces.iter().flat_map(bytes_of).collect();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(stream.len())).collect();
        cuts.sort_unstable();
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([stream.len()]) {
            decoder.feed(&stream[start..cut], &mut events);
            start = cut;
        }
        let expected: Vec<Event> = pieces.iter().flat_map(|piece| match piece {
            Piece::Keys(keys) => keys.chars().map(|c| Event::parse_from(c.to_string().as_bytes()).unwrap().unwrap()).collect(),
            Piece::Reply { .. } => Vec::new(),
            Piece::Paste(text) => vec![Event::Paste(text.clone())],
        }).collect();
        prop_assert_eq!(events, expected);
    }

    /// Any bytes in any packets: no panic, bounded buffers, never more events than bytes.
    #[test]
    fn any_bytes_in_any_packets(data in proptest::collection::vec(any::<u8>(), 0..4096),
                                cuts in proptest::collection::vec(0usize..4096, 0..16)) {
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
        prop_assert!(events.len() <= data.len());
    }
}
