//! Tests of `markup`.

use super::*;
use crate::resume::links::Link;

fn one(raw: &str) -> Rich {
    line(raw).unwrap().unwrap()
}

fn shown_links(rich: &Rich) -> Vec<(&str, &str)> {
    rich.links().iter().map(|l| (&rich[l.range.clone()], l.target.as_str())).collect()
}

#[test]
fn html_becomes_clean_text_with_its_links() {
    let rich = one(
        r#"Built <strong>fast</strong> things at <a href="https://x.example/a?b=1&amp;c=2">X &amp; Co</a>.<br>Then more."#,
    );
    assert_eq!(rich.as_str(), "Built fast things at X & Co. Then more.");
    assert_eq!(shown_links(&rich), [("X & Co", "https://x.example/a?b=1&c=2")]);
}

#[test]
fn markdown_becomes_clean_text_with_its_links() {
    let rich =
        one("Led **the** _platform_ team; see [my talk](https://talks.example/1) and <https://y.example>.");
    assert_eq!(rich.as_str(), "Led the platform team; see my talk and https://y.example.");
    assert_eq!(
        shown_links(&rich),
        [("my talk", "https://talks.example/1"), ("https://y.example", "https://y.example")]
    );
}

#[test]
fn unsafe_and_relative_links_keep_their_text_only() {
    for raw in [r#"<a href="javascript:alert(1)">click</a>"#, "[click](/relative)", "[click](data:x)"] {
        let rich = one(raw);
        assert_eq!((rich.as_str(), rich.links().len()), ("click", 0), "{raw}");
    }
}

#[test]
fn scripts_styles_and_comments_show_nothing() {
    let rich = one("a<script>alert('<b>x</b>')</script> b<style>p{}</style> c<!-- note -->");
    assert_eq!(rich.as_str(), "a b c");
}

#[test]
fn paragraphs_and_lists_split_into_pieces() {
    let raw = "First para.\n\nSecond *para*.\n\n- one\n- two\n\n3. three\n4. four";
    let paras: Vec<String> = paragraphs(raw).unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(paras, ["First para.", "Second para.", "• one", "• two", "3. three", "4. four"]);
    let items: Vec<String> =
        items("<ul><li>a</li><li>b <em>c</em></li></ul>").unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(items, ["a", "b c"]);
}

#[test]
fn plain_text_is_left_as_written_but_spaces() {
    assert_eq!(one("  Zürich   café  ").as_str(), "Zürich café");
    assert_eq!(
        one("~84M requests/day (~2000 RPS) & more: 1:1s").as_str(),
        "~84M requests/day (~2000 RPS) & more: 1:1s"
    );
    assert_eq!(one("2019. A year").as_str(), "2019. A year");
    assert_eq!(line("   ").unwrap(), None);
}

#[test]
fn hidden_characters_are_dropped_and_controls_refused() {
    let rich = one("a\u{202E}b\u{2066}c\u{200F}d\u{200B}e &#x202E;f");
    assert_eq!(rich.as_str(), "abcde f");
    assert!(line("a\u{1b}[31m").unwrap_err().to_string().contains("U+001B"));
    assert_eq!(one("zwj 👩\u{200D}💻 stays").as_str(), "zwj 👩\u{200D}💻 stays");
    assert_eq!(plain(" a \u{202D}b\n c ").unwrap().as_deref(), Some("a b c"));
}

proptest::proptest! {
    /// Any clean text, written as markup and read again, is itself.
    #[test]
    fn clean_text_reads_back_as_itself(raw in "[a-zA-Z0-9 *_`<>&#;\\\\\\[\\]().!\\-+~é日]{0,40}") {
        if let Some(clean) = line(&raw).unwrap() {
            let written = to_markup(&clean);
            proptest::prop_assert_eq!(line(&written).unwrap(), Some(clean), "{}", written);
        }
    }
}

#[test]
fn markup_round_trips() {
    let linked = Rich::new(
        "see *my* site [1] & <b> &amp; here".to_owned(),
        vec![Link { range: 4..11, target: "https://x.example/a_(b)".to_owned() }],
    );
    let written = to_markup(&linked);
    assert_eq!(one(&written), linked, "{written}");
    for text in ["# not a heading", "- not a list", "2019. a year", "a\\b \\* c", "<T> and Vec<u8>", "~~~"] {
        assert_eq!(one(&escape(text)).as_str(), text, "{}", escape(text));
    }
    let shipped = "Led incident response & analysis (~84M requests/day), \"Going Staff\" - 1:1s → 1.5k+";
    assert_eq!(escape(shipped), shipped, "plain text is written as it is");
}
