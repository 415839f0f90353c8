//! Text as people write it in JSON Resume files, made clean: HTML (`<strong>`, `<br>`,
//! `<a href="…">text</a>`, entities like `&amp;`) and Markdown (emphasis, `[text](url)`,
//! lists) become plain text with its links carried beside it ([`Rich`]), split into
//! paragraphs or list items where the markup says so. Markdown is read by
//! `pulldown-cmark` and the HTML inside it by html5ever's tokenizer; no regexes.
//!
//! Also the way back ([`to_markup`]): clean text written so that reading it again gives
//! the same text and links, which keeps JSON → JSON and TOML → JSON → TOML stable.
//!
//! What may reach a visitor's terminal is decided here for JSON text and in
//! `model::Text` for TOML text, by the same rule ([`is_hidden`]): characters that
//! reorder or hide text (bidi overrides, embeddings, isolates and marks, zero-width and
//! other invisible format characters) are dropped; control characters are refused.
//! Pure: strings in, strings out.

use std::cell::RefCell;

use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};
use pulldown_cmark::{Event, LinkType, Parser, Tag as MdTag, TagEnd};

use super::links::{Link, percent_encode};
use super::rich::Rich;

/// One paragraph or list item of converted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub rich: Rich,
    /// The item's marker (`•`, or `3.` in a numbered list) when the piece is a list item.
    pub item: Option<String>,
}

/// Characters that could reorder or hide what a terminal shows, and carry no text of
/// their own: bidi embeddings, overrides, isolates and marks, zero-width spaces and
/// joiners that are not needed to spell a word, the byte-order mark, and interlinear
/// annotation. ZWJ and ZWNJ stay: scripts and emoji need them, and they move nothing.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0001}')
}

/// The message for a control character in résumé text.
pub fn control_message(c: char) -> String {
    format!(
        "control character U+{:04X} is not allowed in résumé text \
         (split paragraphs into separate list entries instead of using line breaks)",
        u32::from(c)
    )
}

/// Refuses control characters other than line breaks and tabs (which are space here).
fn check_controls(raw: &str) -> Result<(), String> {
    match raw.chars().find(|c| c.is_control() && !c.is_whitespace()) {
        Some(c) => Err(control_message(c)),
        None => Ok(()),
    }
}

/// A value that is not prose (an address, a phone number, a date): hidden characters
/// dropped, runs of space made one, trimmed; `None` when nothing is left.
pub fn plain(raw: &str) -> Result<Option<String>, String> {
    check_controls(raw)?;
    let mut out = String::with_capacity(raw.len());
    for word in raw.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        let word: String = word.chars().filter(|c| !is_hidden(*c)).collect();
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word);
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Prose in paragraphs and list items.
pub fn pieces(raw: &str) -> Result<Vec<Piece>, String> {
    check_controls(raw)?;
    if is_plain(raw) {
        let text = plain(raw)?;
        return Ok(text.map(|text| Piece { rich: Rich::from(text), item: None }).into_iter().collect());
    }
    let mut builder = Builder::default();
    builder.markdown(raw);
    builder.flush();
    Ok(builder.pieces)
}

/// Prose as paragraphs; list items keep their marker (`• item`).
pub fn paragraphs(raw: &str) -> Result<Vec<Rich>, String> {
    let pieces = pieces(raw)?;
    Ok(pieces
        .into_iter()
        .map(|piece| match piece.item {
            Some(marker) => {
                let mut rich = Rich::from(format!("{marker} "));
                rich.push(&piece.rich);
                rich
            }
            None => piece.rich,
        })
        .collect())
}

/// Prose as list entries: each paragraph or item one entry, without its marker.
pub fn items(raw: &str) -> Result<Vec<Rich>, String> {
    Ok(pieces(raw)?.into_iter().map(|piece| piece.rich).collect())
}

/// Prose on one line: paragraphs joined by a space.
pub fn line(raw: &str) -> Result<Option<Rich>, String> {
    let parts = paragraphs(raw)?;
    Ok((!parts.is_empty()).then(|| Rich::join(&parts, " ")))
}

/// Text with nothing a Markdown or HTML reader would act on takes the short way.
fn is_plain(raw: &str) -> bool {
    let first = raw.trim_start().chars().next();
    let quiet_start = first.is_none_or(|c| c.is_alphabetic() || "(\"'“‘«".contains(c));
    quiet_start && !raw.contains(['<', '&', '*', '_', '[', '`', '\\', '\n', '\r'])
}

/// Where a link may point: web and mail addresses only, printable ASCII.
fn safe_target(href: &str, email: bool) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    let target = if email && !lower.starts_with("mailto:") {
        format!("mailto:{href}")
    } else if lower.starts_with("www.") {
        format!("https://{href}")
    } else {
        href.to_owned()
    };
    let lower = target.to_ascii_lowercase();
    let scheme = ["https://", "http://", "mailto:"].into_iter().find(|s| lower.starts_with(s))?;
    (target.len() > scheme.len()).then(|| percent_encode(&target))
}

/// Builds pieces from Markdown events and the HTML tokens inside them.
#[derive(Default)]
struct Builder {
    pieces: Vec<Piece>,
    text: String,
    links: Vec<Link>,
    /// The open link: where its text starts and its target, if it is one we keep.
    link: Option<(usize, Option<String>)>,
    pending_space: bool,
    item: Option<String>,
    /// Open lists, innermost last: the next number, or `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Depth inside elements whose content is not text (`<script>`, `<style>`).
    skip: usize,
    html_block: Option<String>,
}

impl Builder {
    fn markdown(&mut self, raw: &str) {
        for event in Parser::new(raw) {
            match event {
                Event::Start(tag) => self.start(tag),
                Event::End(tag) => self.end(tag),
                Event::Text(text)
                | Event::Code(text)
                | Event::InlineMath(text)
                | Event::DisplayMath(text) => self.push_text(&text),
                Event::Html(html) => match &mut self.html_block {
                    Some(block) => block.push_str(&html),
                    None => self.html(&html),
                },
                Event::InlineHtml(html) => self.html(&html),
                Event::SoftBreak | Event::HardBreak => self.push_text(" "),
                Event::Rule => self.flush(),
                Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
            }
        }
    }

    fn start(&mut self, tag: MdTag<'_>) {
        match tag {
            MdTag::List(first) => {
                self.flush();
                self.lists.push(first);
            }
            MdTag::Item => self.start_item(),
            MdTag::Link { link_type, dest_url, .. } => {
                self.open_link(&dest_url, link_type == LinkType::Email)
            }
            MdTag::HtmlBlock => {
                self.flush();
                self.html_block = Some(String::new());
            }
            MdTag::TableCell => self.push_text(" "),
            MdTag::Paragraph
            | MdTag::Heading { .. }
            | MdTag::BlockQuote(_)
            | MdTag::CodeBlock(_)
            | MdTag::TableRow
            | MdTag::TableHead
            | MdTag::DefinitionListTitle
            | MdTag::DefinitionListDefinition => self.flush(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Link => self.close_link(),
            TagEnd::HtmlBlock => {
                if let Some(block) = self.html_block.take() {
                    self.html(&block);
                }
                self.flush();
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Image
            | TagEnd::TableCell => {}
            _ => self.flush(),
        }
    }

    /// Tokenizes one piece of HTML and acts on its tags and text.
    fn html(&mut self, html: &str) {
        let queue = BufferQueue::default();
        queue.push_back(StrTendril::from_slice(html));
        let tokenizer = Tokenizer::new(HtmlSink { builder: RefCell::new(self) }, Default::default());
        let _ = tokenizer.feed(&queue);
        tokenizer.end();
    }

    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let attr =
            |wanted: &str| tag.attrs.iter().find(|a| &*a.name.local == wanted).map(|a| a.value.to_string());
        match (tag.kind, name) {
            (TagKind::StartTag, "a") => self.open_link(&attr("href").unwrap_or_default(), false),
            (TagKind::EndTag, "a") => self.close_link(),
            (TagKind::StartTag, "img") => self.push_text(&attr("alt").unwrap_or_default()),
            (TagKind::StartTag, "li") => self.start_item(),
            (TagKind::StartTag, "ul") => {
                self.flush();
                self.lists.push(None);
            }
            (TagKind::StartTag, "ol") => {
                self.flush();
                let start = attr("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
                self.lists.push(Some(start));
            }
            (TagKind::EndTag, "ul" | "ol") => {
                self.flush();
                self.lists.pop();
            }
            (TagKind::StartTag, "script" | "style") if !tag.self_closing => {
                self.skip += 1;
                let kind = if name == "script" { RawKind::ScriptData } else { RawKind::Rawtext };
                return TokenSinkResult::RawData(kind);
            }
            (TagKind::StartTag, "template" | "noscript" | "head" | "title") => self.skip += 1,
            (TagKind::EndTag, "script" | "style" | "template" | "noscript" | "head" | "title") => {
                self.skip = self.skip.saturating_sub(1)
            }
            (_, "td" | "th") => self.push_text(" "),
            (_, name) if is_block(name) => self.flush(),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    /// Appends text: space runs become one space (none at the start of a piece), hidden
    /// and control characters (only reachable through character references) are dropped.
    fn push_text(&mut self, text: &str) {
        if self.skip > 0 {
            return;
        }
        for c in text.chars() {
            if c.is_whitespace() {
                self.pending_space = !self.text.is_empty();
            } else if !c.is_control() && !is_hidden(c) {
                if self.pending_space {
                    self.text.push(' ');
                    self.pending_space = false;
                }
                self.text.push(c);
            }
        }
    }

    fn open_link(&mut self, href: &str, email: bool) {
        if self.link.is_none() {
            self.link = Some((self.text.len(), safe_target(href, email)));
        }
    }

    fn close_link(&mut self) {
        let Some((mut start, Some(target))) = self.link.take() else { return };
        if self.text[start..].starts_with(' ') {
            start += 1;
        }
        if start < self.text.len() {
            self.links.push(Link { range: start..self.text.len(), target });
        }
    }

    fn start_item(&mut self) {
        self.flush();
        let marker = match self.lists.last_mut() {
            Some(Some(next)) => {
                let marker = format!("{next}.");
                *next += 1;
                marker
            }
            _ => "•".to_owned(),
        };
        self.item = Some(marker);
    }

    /// Ends the current piece; a link still open ends with it.
    fn flush(&mut self) {
        let reopen = self.link.as_ref().map(|(_, target)| target.clone());
        self.close_link();
        self.pending_space = false;
        if !self.text.is_empty() {
            let rich = Rich::new(std::mem::take(&mut self.text), std::mem::take(&mut self.links));
            self.pieces.push(Piece { rich, item: self.item.take() });
        }
        self.links.clear();
        if let Some(target) = reopen {
            self.link = Some((0, target));
        }
    }
}

/// HTML elements that start or end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "aside"
            | "address"
            | "figure"
            | "figcaption"
            | "dl"
            | "dt"
            | "dd"
            | "li"
            | "details"
            | "summary"
    )
}

/// Hands html5ever's tokens to the builder.
struct HtmlSink<'a> {
    builder: RefCell<&'a mut Builder>,
}

impl TokenSink for HtmlSink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut builder = self.builder.borrow_mut();
        match token {
            Token::TagToken(tag) => return builder.tag(&tag),
            Token::CharacterTokens(text) => builder.push_text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Clean text written so that [`line`] reads it back unchanged: characters Markdown
/// or HTML would act on are escaped with `\`, and carried links become `[text](url)`.
/// Text without such characters comes out as it is.
pub fn to_markup(rich: &Rich) -> String {
    let mut out = String::with_capacity(rich.len() + 16);
    let mut at = 0;
    for link in rich.links() {
        escape_into(&mut out, &rich[at..link.range.start], at == 0);
        out.push('[');
        escape_into(&mut out, &rich[link.range.clone()], false);
        out.push_str("](");
        out.push_str(&destination(&link.target));
        out.push(')');
        at = link.range.end;
    }
    escape_into(&mut out, &rich[at..], at == 0);
    out
}

/// Plain text (our TOML's) as markup that reads back as the same text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text, true);
    out
}

fn escape_into(out: &mut String, text: &str, at_start: bool) {
    let start_len = if at_start { block_marker_len(text) } else { 0 };
    for (index, c) in text.char_indices() {
        let rest = &text[index + c.len_utf8()..];
        let escaped = match c {
            '*' | '_' | '`' | '[' | ']' => true,
            '\\' => rest.starts_with(|n: char| n.is_ascii_punctuation()) || rest.is_empty(),
            '<' => rest.starts_with(|n: char| n.is_ascii_alphabetic() || "/!?".contains(n)),
            '&' => is_reference(rest),
            _ => index < start_len && index + c.len_utf8() == start_len,
        };
        if escaped {
            out.push('\\');
        }
        out.push(c);
    }
}

/// How many bytes at the start of `text` would open a Markdown block (`# `, `> `,
/// `- `, `2019. `, `~~~`); the last of them is the one to escape.
fn block_marker_len(text: &str) -> usize {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = |n: usize| text[n..].chars().next();
    if (1..=9).contains(&digits) && matches!(after(digits), Some('.' | ')')) {
        return if after(digits + 1).is_none_or(char::is_whitespace) { digits + 1 } else { 0 };
    }
    match text.chars().next() {
        Some('#' | '>' | '+' | '-' | '=' | '|') => 1,
        Some('~') if text.starts_with("~~~") => 1,
        _ => 0,
    }
}

/// Whether `&` followed by `rest` would be read as a character reference.
fn is_reference(rest: &str) -> bool {
    let Some(end) = rest.find(';') else { return false };
    let name = &rest[..end];
    let numeric = name.strip_prefix('#').is_some_and(|n| {
        let hex = n.strip_prefix(['x', 'X']);
        match hex {
            Some(h) => !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()),
            None => !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()),
        }
    });
    numeric || (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A link target as a Markdown destination.
pub fn destination(target: &str) -> String {
    let target = target.replace('<', "%3C").replace('>', "%3E");
    if target.contains(['(', ')', ' ']) { format!("<{target}>") } else { target }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let rich = one(
            "Led **the** _platform_ team; see [my talk](https://talks.example/1) and <https://y.example>.",
        );
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
        let items: Vec<String> = items("<ul><li>a</li><li>b <em>c</em></li></ul>")
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
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
        assert!(line("a\u{1b}[31m").unwrap_err().contains("U+001B"));
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
        for text in
            ["# not a heading", "- not a list", "2019. a year", "a\\b \\* c", "<T> and Vec<u8>", "~~~"]
        {
            assert_eq!(one(&escape(text)).as_str(), text, "{}", escape(text));
        }
        let shipped = "Led incident response & analysis (~84M requests/day), \"Going Staff\" - 1:1s → 1.5k+";
        assert_eq!(escape(shipped), shipped, "plain text is written as it is");
    }
}
