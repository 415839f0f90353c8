//! The owner's side of the messages: `ssh-resume inbox` lists them newest first (id,
//! received in local time, name, reply-to, first line, read or unread), `inbox show ID`
//! prints one, `mark-read ID|--all` and `delete ID` change them; `--json` prints JSON
//! Lines. The same against SQLite or PostgreSQL: it only calls the [`Store`].
//!
//! Intake already removed every control character, but the output is cleaned again as
//! it is printed (a database written by something else must not be able to drive the
//! owner's terminal): no escape sequence, control or bidi override is ever printed.

use std::fmt::Write as _;

use serde_json::json;
use unicode_width::UnicodeWidthStr;

use crate::messages::{shown_name, terminal_safe};
use crate::store::{Store, StoreError, Stored, Which};

/// What the owner asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    List,
    Show(i64),
    MarkRead(Which),
    Delete(i64),
}

/// Runs `action` against `store`; returns what to print.
pub async fn run(store: &dyn Store, action: Action, json: bool) -> Result<String, StoreError> {
    match action {
        Action::List => {
            let messages = store.list(usize::MAX).await?;
            Ok(if json { json_lines(&messages) } else { table(&messages) })
        }
        Action::Show(id) => {
            let message = store.get(id).await?;
            Ok(if json { format!("{}\n", json_of(&message)) } else { shown(&message) })
        }
        Action::MarkRead(which) => {
            let changed = store.mark_read(which).await?;
            Ok(format!("marked {changed} message{} read\n", if changed == 1 { "" } else { "s" }))
        }
        Action::Delete(id) => {
            store.delete(id).await?;
            Ok(format!("deleted message {id}\n"))
        }
    }
}

/// When it arrived, in the machine's local time.
pub fn local_time(ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(ms) {
        Some(utc) => utc.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string(),
        None => "?".to_owned(),
    }
}

/// `text` cut to `width` columns, with `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return format!("{text}{}", " ".repeat(width - text.width()));
    }
    let mut out = String::new();
    for c in text.chars() {
        if (out.clone() + &c.to_string()).width() + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    let pad = width.saturating_sub(out.width());
    format!("{out}{}", " ".repeat(pad))
}

fn first_line(body: &str) -> &str {
    body.lines().find(|line| !line.trim().is_empty()).unwrap_or("").trim()
}

/// The list as a table, newest first.
fn table(messages: &[Stored]) -> String {
    if messages.is_empty() {
        return "no messages\n".to_owned();
    }
    let mut out = format!(
        "{:>5}  {:<16}  {:<20}  {:<28}  {:<6}  {}\n",
        "ID", "RECEIVED", "NAME", "REPLY TO", "STATE", "FIRST LINE"
    );
    for message in messages {
        let name = shown_name(message.name.as_deref()).unwrap_or_else(|| "-".to_owned());
        let _ = writeln!(
            out,
            "{:>5}  {:<16}  {}  {}  {:<6}  {}",
            message.id,
            local_time(message.received_ms),
            fit(&name, 20),
            fit(&terminal_safe(&message.reply_to, false), 28),
            if message.read { "read" } else { "unread" },
            fit(&terminal_safe(first_line(&message.body), false), 60).trim_end(),
        );
    }
    out
}

/// One message in full.
fn shown(message: &Stored) -> String {
    format!(
        "id:       {}\nreceived: {}\nchannel:  {}\nname:     {}\nreply to: {}\nstate:    {}\n\n{}\n",
        message.id,
        local_time(message.received_ms),
        message.channel.as_str(),
        shown_name(message.name.as_deref()).unwrap_or_else(|| "-".to_owned()),
        terminal_safe(&message.reply_to, false),
        if message.read { "read" } else { "unread" },
        terminal_safe(&message.body, true),
    )
}

fn json_of(message: &Stored) -> serde_json::Value {
    let received = chrono::DateTime::from_timestamp_millis(message.received_ms)
        .map(|utc| utc.with_timezone(&chrono::Local).to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
    json!({
        "id": message.id,
        "received": received,
        "channel": message.channel.as_str(),
        "name": shown_name(message.name.as_deref()),
        "reply_to": terminal_safe(&message.reply_to, false),
        "body": terminal_safe(&message.body, true),
        "read": message.read,
    })
}

fn json_lines(messages: &[Stored]) -> String {
    messages.iter().map(|message| format!("{}\n", json_of(message))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Channel;

    fn stored(body: &str) -> Stored {
        Stored {
            id: 12,
            received_ms: 1_767_225_600_000,
            channel: Channel::Exec,
            name: Some("Ev\u{1b}]0;pwned\u{7}e".into()),
            reply_to: "e\u{202E}ve@example.org".into(),
            body: body.into(),
            read: false,
        }
    }

    #[test]
    fn nothing_printed_can_carry_an_escape_sequence() {
        let message = stored("\u{1b}[2J\u{9b}31mhi\nthere\u{2067}");
        for out in [table(std::slice::from_ref(&message)), shown(&message), json_lines(&[message])] {
            assert!(!out.contains('\u{1b}') && !out.contains('\u{9b}') && !out.contains('\u{7}'), "{out:?}");
            assert!(!out.contains('\u{202E}') && !out.contains('\u{2067}'), "{out:?}");
        }
    }

    #[test]
    fn the_table_shows_the_first_line_and_the_state() {
        let out = table(&[stored("\n  Hello there\nsecond line")]);
        assert!(out.contains("Hello there") && !out.contains("second line"), "{out}");
        assert!(out.contains("unread") && out.contains("   12  "), "{out}");
        assert_eq!(table(&[]), "no messages\n");
    }

    #[test]
    fn long_fields_are_cut_to_their_column() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("日本語です", 5).width(), 5);
    }
}
