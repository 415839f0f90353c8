//! Reading marked-up prose: Markdown events from `pulldown-cmark` and the HTML inside
//! them from html5ever's tokenizer, turned into clean paragraphs and list items with
//! their links ([`Piece`]s). Only web and mail links are kept. The API is `markup.rs`'s.

use std::cell::RefCell;

use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};
use pulldown_cmark::{Event, LinkType, Parser, Tag as MdTag, TagEnd};

use super::super::links::{Link, percent_encode};
use super::super::rich::Rich;
use super::{Piece, is_hidden};

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
pub(super) struct Builder {
    pub(super) pieces: Vec<Piece>,
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
    pub(super) fn markdown(&mut self, raw: &str) {
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
    pub(super) fn flush(&mut self) {
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
