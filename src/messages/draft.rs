//! A visitor's message to the owner as it crosses every door: the [`Draft`] typed into
//! the view's form, piped to `ssh host message` or posted from the web page, made safe
//! and checked into a [`Message`] ([`Draft::validate`]), and what the visitor reads back
//! ([`Receipt`], [`SendError`]). Pure (a leaf: it imports nothing of ours), so the view,
//! both doors and the store share it.
//!
//! Intake keeps the text safe for the owner's terminal by the rule résumé text follows
//! ([`crate::safe_text`]): every C0 and C1 control character except newline and tab (in
//! the message; none at all in the one-line fields), ESC with them, and the characters
//! that reorder or hide text (bidi embeddings, overrides, isolates and marks, zero-width
//! spaces, the byte-order mark) are removed, and so are tag characters (all of them in
//! the one-line fields; in the message those outside an emoji flag). Line ends become
//! `\n`, and the text is stored as NFC. A field of characters that show nothing
//! ([`is_blank_text`]: spaces, Hangul fillers, the blank Braille pattern…) counts as
//! empty. Limits are in characters (Unicode scalar values) after that.

use unicode_normalization::UnicodeNormalization;

use crate::safe_text::{is_blank_text, is_tag, without_stray_tags};

/// Longest *Your name*, in characters.
pub const MAX_NAME: usize = 100;
/// Longest *How to reach you*, in characters.
pub const MAX_REPLY_TO: usize = 200;
/// Longest message, in characters.
pub const MAX_BODY: usize = 2_000;

/// What a visitor wrote, as typed: nothing checked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub name: String,
    pub reply_to: String,
    pub body: String,
}

/// A draft made safe and checked: what the store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `None` when the visitor gave no name.
    pub name: Option<String>,
    pub reply_to: String,
    pub body: String,
}

impl Message {
    /// Characters in all three fields: what the logs call the message's size.
    pub fn chars(&self) -> usize {
        let name = self.name.as_deref().map_or(0, |n| n.chars().count());
        name + self.reply_to.chars().count() + self.body.chars().count()
    }
}

/// The door a message came through: a fixed set, used as a metrics label and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The full-screen view's form.
    View,
    /// `ssh host message …` with the text on stdin.
    Exec,
    /// The web page's form.
    Web,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::View, Channel::Exec, Channel::Web];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::View => "view",
            Channel::Exec => "exec",
            Channel::Web => "web",
        }
    }

    /// The channel stored as `name`, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|channel| channel.as_str() == name)
    }
}

/// What is wrong with a draft, for the visitor; nothing of their text is repeated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("say how to reach you: an e-mail, phone, URL or handle")]
    NoReplyTo,
    #[error("the message is empty")]
    NoBody,
    #[error("{field} is too long: {chars} characters, at most {max}")]
    TooLong { field: &'static str, chars: usize, max: usize },
}

impl Draft {
    /// The draft made safe and checked against the limits.
    pub fn validate(&self) -> Result<Message, IntakeError> {
        let (name, reply_to) = self.sender()?;
        let body = multi_line(&self.body);
        check_length("the message", &body, MAX_BODY)?;
        if is_blank_text(&body) {
            return Err(IntakeError::NoBody);
        }
        Ok(Message { name, reply_to, body })
    }

    /// The name (`None` when none shows) and the contact as they will be stored,
    /// checked: what can be known before the message is written.
    pub fn sender(&self) -> Result<(Option<String>, String), IntakeError> {
        let name = one_line(&self.name);
        let reply_to = one_line(&self.reply_to);
        check_length("your name", &name, MAX_NAME)?;
        check_length("how to reach you", &reply_to, MAX_REPLY_TO)?;
        if is_blank_text(&reply_to) {
            return Err(IntakeError::NoReplyTo);
        }
        Ok(((!is_blank_text(&name)).then_some(name), reply_to))
    }

    /// Whether nothing that shows was typed into any field (Esc then closes without
    /// asking).
    pub fn is_blank(&self) -> bool {
        [&self.name, &self.reply_to, &self.body].iter().all(|field| is_blank_text(field))
    }
}

fn check_length(field: &'static str, text: &str, max: usize) -> Result<(), IntakeError> {
    let chars = text.chars().count();
    if chars > max { Err(IntakeError::TooLong { field, chars, max }) } else { Ok(()) }
}

pub use crate::safe_text::is_unsafe;

/// Text for the owner's terminal: unsafe characters and stray tags removed, line ends
/// as `\n` (tabs and newlines kept), NFC; trailing whitespace of the whole text trimmed.
pub fn multi_line(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = text.chars().filter(|&c| c == '\n' || c == '\t' || !is_unsafe(c)).collect();
    without_stray_tags(&kept).nfc().collect::<String>().trim_end().to_owned()
}

/// A one-line field: like [`multi_line`], with line ends and tabs as spaces and every
/// tag character removed, trimmed.
pub fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .filter(|&c| !is_tag(c))
        .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
        .collect();
    multi_line(&spaced).trim().to_owned()
}

/// A stored text as it is shown to the owner, whatever the store holds: nothing that
/// could drive a terminal ([`is_unsafe`]) and no tag characters but an emoji flag's
/// (none at all on one line); newlines kept when `lines`, else spaces, as tabs are. Used by `ssh-resume inbox` and the owner console alike.
pub fn terminal_safe(text: &str, lines: bool) -> String {
    let shown: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' if lines => Some('\n'),
            '\n' | '\t' => Some(' '),
            c if is_unsafe(c) || (!lines && is_tag(c)) => None,
            c => Some(c),
        })
        .collect();
    without_stray_tags(&shown).into_owned()
}

/// A stored name as it is shown to the owner ([`terminal_safe`], on one line); `None`
/// when none was given or nothing of it shows (a row stored before such a name counted
/// as none).
pub fn shown_name(name: Option<&str>) -> Option<String> {
    name.map(|name| terminal_safe(name, false)).filter(|name| !is_blank_text(name))
}

/// A stored message's id and the size the logs mention: what a visitor is told once the
/// store has committed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    pub id: i64,
}

/// Why a message was not stored; [`SendError::visitor_line`] is what the visitor reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Invalid(#[from] IntakeError),
    /// The per-address or global hourly limit.
    #[error("too many messages; try again in an hour")]
    RateLimited { per_address: bool },
    #[error("the inbox is full")]
    InboxFull,
    /// The store failed or did not answer within the bound.
    #[error("the store is unavailable")]
    Unavailable,
    /// This server takes no messages.
    #[error("this server takes no messages")]
    Disabled,
}

/// What a visitor reads when the store failed: nothing of their message was kept.
pub const UNAVAILABLE_LINE: &str = "couldn't send right now — nothing was stored; please try again later";

impl SendError {
    /// The one line a visitor reads about it.
    pub fn visitor_line(&self) -> String {
        match self {
            SendError::Invalid(err) => err.to_string(),
            SendError::RateLimited { per_address: true } => {
                "too many messages from your address — nothing was stored; please try again in an hour"
                    .to_owned()
            }
            SendError::RateLimited { per_address: false } => {
                "too many messages right now — nothing was stored; please try again in an hour".to_owned()
            }
            SendError::InboxFull => {
                "the inbox is full — nothing was stored; please try again later".to_owned()
            }
            SendError::Unavailable => UNAVAILABLE_LINE.to_owned(),
            SendError::Disabled => "this server takes no messages".to_owned(),
        }
    }

    /// The reason a refusal is counted under in the metrics: a fixed set.
    pub fn reason(&self) -> &'static str {
        match self {
            SendError::Invalid(_) => "invalid",
            SendError::RateLimited { per_address: true } => "rate-per-address",
            SendError::RateLimited { per_address: false } => "rate-global",
            SendError::InboxFull => "inbox-full",
            SendError::Unavailable => "unavailable",
            SendError::Disabled => "disabled",
        }
    }
}

/// Every reason [`SendError::reason`] gives, and the honeypot's.
pub const REFUSAL_REASONS: [&str; 7] =
    ["invalid", "rate-per-address", "rate-global", "inbox-full", "unavailable", "disabled", "honeypot"];

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, reply_to: &str, body: &str) -> Draft {
        Draft { name: name.into(), reply_to: reply_to.into(), body: body.into() }
    }

    #[test]
    fn controls_escapes_and_bidi_overrides_are_removed_everywhere() {
        let hostile = "a\u{1b}[31mb\u{7}c\u{9b}2Jd\u{202E}e\u{2066}f\u{0}g\u{7f}h";
        let message = draft(hostile, hostile, &format!("{hostile}\r\nline\ttab")).validate().unwrap();
        for text in [message.name.as_deref().unwrap(), &message.reply_to, &message.body] {
            assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{text:?}");
            assert!(!text.contains('\u{202E}') && !text.contains('\u{2066}'));
            assert!(text.starts_with("a[31mbc2Jdefgh"), "{text:?}");
        }
        assert!(message.body.ends_with("\nline\ttab"), "{:?}", message.body);
        assert!(!message.reply_to.contains('\t'));
    }

    #[test]
    fn what_the_resume_drops_as_hidden_a_message_drops_too() {
        let hidden = "a\u{200E}b\u{200F}c\u{200B}d\u{FEFF}e\u{2060}f\u{2064}g";
        let message = draft(hidden, hidden, hidden).validate().unwrap();
        for text in [message.name.as_deref().unwrap(), &message.reply_to, &message.body] {
            assert_eq!(text, "abcdefg");
        }
        assert_eq!(terminal_safe("x\u{200F}y\u{FEFF}", false), "xy", "nor are they shown when stored before");
    }

    #[test]
    fn a_field_of_invisible_characters_counts_as_empty() {
        for blank in ["\u{200B}", "\u{3164}\u{3164}", "\u{2800}", "\u{E0068}\u{E0069}", "\u{FFA0} \u{115F}"] {
            assert_eq!(draft("Jane", blank, "hi").validate(), Err(IntakeError::NoReplyTo), "{blank:?}");
            assert_eq!(draft("Jane", "j@x.org", blank).validate(), Err(IntakeError::NoBody), "{blank:?}");
            assert_eq!(draft(blank, "j@x.org", "hi").validate().map(|m| m.name), Ok(None), "{blank:?}");
            assert!(draft(blank, blank, blank).is_blank());
        }
        assert_eq!(draft("\u{200F}", "j@x.org", "hi").validate().map(|m| m.name), Ok(None));
    }

    #[test]
    fn tags_leave_one_line_fields_and_stay_only_in_a_flag_of_the_message() {
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        let text = format!("Ann\u{E0041}\u{200E} {scotland}");
        let message = draft(&text, &text, &text).validate().unwrap();
        assert_eq!(message.name.as_deref(), Some("Ann \u{1F3F4}"));
        assert_eq!(message.reply_to, "Ann \u{1F3F4}");
        assert_eq!(message.body, format!("Ann {scotland}"));
        assert_eq!(terminal_safe(&format!("x\u{E0041}{scotland}"), true), format!("x{scotland}"));
        assert_eq!(terminal_safe(scotland, false), "\u{1F3F4}", "a stored one-line field shows no tags");
        assert_eq!(shown_name(Some("\u{3164}\u{E0041}")), None, "a blank name stored before shows as none");
        assert_eq!(shown_name(Some("Ann\u{200F}")).as_deref(), Some("Ann"));
    }

    #[test]
    fn text_is_stored_as_nfc() {
        let message = draft("Zoe\u{0301}", "z@example.org", "cafe\u{0301}").validate().unwrap();
        assert_eq!(message.name.as_deref(), Some("Zoé"));
        assert_eq!(message.body, "café");
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let wide = "é".repeat(MAX_BODY);
        assert!(draft("", "x", &wide).validate().is_ok());
        let err = draft("", "x", &format!("{wide}é")).validate().unwrap_err();
        assert_eq!(err, IntakeError::TooLong { field: "the message", chars: MAX_BODY + 1, max: MAX_BODY });
        assert!(draft(&"n".repeat(MAX_NAME + 1), "x", "hi").validate().is_err());
        assert!(draft("", &"r".repeat(MAX_REPLY_TO + 1), "hi").validate().is_err());
        assert!(draft(&"n".repeat(MAX_NAME), &"r".repeat(MAX_REPLY_TO), "hi").validate().is_ok());
    }

    #[test]
    fn reply_to_and_body_are_required_and_the_name_is_not() {
        assert_eq!(draft("Jane", " \t", "hi").validate(), Err(IntakeError::NoReplyTo));
        assert_eq!(draft("Jane", "j@x.org", "\u{1b}\n \n").validate(), Err(IntakeError::NoBody));
        let message = draft("  ", "j@x.org", "hi").validate().unwrap();
        assert_eq!(message.name, None);
        assert!(draft("", "", "").is_blank() && !draft("", "", "x").is_blank());
    }

    #[test]
    fn channels_round_trip_through_their_names() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        }
        assert_eq!(Channel::parse("email"), None);
    }
}
