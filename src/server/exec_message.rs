//! `ssh host message --reply-to CONTACT [--name NAME] < text`: reads the visitor's
//! stdin to its end, delivers it through the mailbox and answers with one line and an
//! exit status: 0 stored (stdout), 2 an empty or oversized message (usage on stderr),
//! 75 (`EX_TEMPFAIL`) refused by a limit or the store unavailable (the reason on
//! stderr), 130 cancelled with Ctrl-C on a terminal.
//!
//! With a PTY (`ssh -t`) the visitor types the message on a terminal that echoes and
//! edits nothing by itself: the name and contact are checked first, then a prompt says
//! how to send, and the keys go through the [`Composer`] (echo, Backspace, Ctrl-W,
//! Ctrl-U, Ctrl-D sends), whose key decoder's one timer is kept here. The answer is in
//! the visitor's character set ([`Profile::printable`]), with or without a PTY.
//!
//! What is read is bounded: without a PTY at most [`MAX_STDIN`] bytes (the message's
//! limit in characters plus one, at four bytes each); past it the input is closed, so
//! an endless stdin cannot grow memory, and the message is refused as too long. On a
//! PTY the composer holds at most the message's limit and drops what is typed past it.

use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;

use super::command::{MessageArgs, message_usage};
use super::end_reason::EndReason;
use super::input::Input;
use super::output::{Closed, Output, crlf};
use crate::messages::{Channel, Draft, MAX_BODY, SendError};
use crate::service::Service;
use crate::tui::Profile;
use crate::tui::compose::{Composer, End};

/// Most bytes of stdin read: one character over the limit, in UTF-8's widest form.
pub const MAX_STDIN: usize = (MAX_BODY + 1) * 4;

/// `EX_TEMPFAIL` from sysexits.h: try again later.
pub const EX_TEMPFAIL: u32 = 75;

/// What a shell reports for a command ended by Ctrl-C (128 + SIGINT's 2).
pub const EX_CANCELLED: u32 = 130;

/// One `message` visit.
pub struct ExecMessage {
    pub args: MessageArgs,
    pub service: Arc<Service>,
    pub source: IpAddr,
    pub pty: bool,
    /// The visitor's terminal, for the echo and the answer's character set.
    pub profile: Profile,
    pub ssh_command: String,
    /// [`EX_TEMPFAIL`] until the answer is known (a visit cut short stored nothing it
    /// told about).
    pub status: u32,
}

/// What the visitor wrote: the text, more than [`MAX_STDIN`] bytes of it, or nothing
/// to send.
enum Written {
    Text(String),
    TooLong,
    Cancelled,
}

/// The line to print, whether on stderr, and the exit status.
type Answer = (String, bool, u32);

impl ExecMessage {
    /// Reads, delivers, answers; the exit status is then [`ExecMessage::status`].
    pub async fn run(&mut self, out: &Output<'_>, input: &mut Input) -> EndReason {
        let answer = match self.refusal() {
            Some(refused) => refused,
            None if self.pty => match self.compose(out, input).await {
                Ok(written) => self.answer(written).await,
                Err(Closed) => return EndReason::ClientClosed,
            },
            None => self.answer(read_stdin(input).await).await,
        };
        let (line, to_stderr, status) = answer;
        self.status = status;
        tracing::debug!(exit_status = status, "message command answered");
        let line = self.profile.printable(&line).into_owned();
        out.print(if self.pty { crlf(&line) } else { line.into_bytes() }, to_stderr).await
    }

    /// With a PTY, what refuses the message before it is typed: a server that takes
    /// none, a name or contact that cannot be stored.
    fn refusal(&self) -> Option<Answer> {
        if !self.pty {
            return None;
        }
        if self.service.mailbox.is_none() {
            return Some((format!("{}\n", SendError::Disabled.visitor_line()), true, EX_TEMPFAIL));
        }
        self.draft(String::new()).sender().err().map(|why| self.usage(why.to_string()))
    }

    /// The message typed on the visitor's terminal, echoed as it is typed.
    async fn compose(&self, out: &Output<'_>, input: &mut Input) -> Result<Written, Closed> {
        let mut composer = Composer::new(self.profile);
        let (name, reply_to) = self.draft(String::new()).sender().unwrap_or_default();
        out.send(crlf(&composer.prompt(name.as_deref(), &reply_to))).await?;
        loop {
            let chunk = match composer.wait() {
                Some(wait) => tokio::time::timeout(wait, input.keys.recv()).await,
                None => Ok(input.keys.recv().await),
            };
            let cols = input.size.borrow().width;
            let typed = match chunk {
                Ok(Some(bytes)) => composer.feed(&bytes, cols),
                Ok(None) => return Ok(Written::Text(composer.finish())),
                Err(_elapsed) => composer.expire(cols),
            };
            out.send(typed.echo).await?;
            match typed.end {
                Some(End::Send(text)) => return Ok(Written::Text(text)),
                Some(End::Cancel) => return Ok(Written::Cancelled),
                None => {}
            }
        }
    }

    fn draft(&self, body: String) -> Draft {
        Draft { name: self.args.name.clone().unwrap_or_default(), reply_to: self.args.reply_to.clone(), body }
    }

    fn usage(&self, why: String) -> Answer {
        (format!("{why}\n\n{}", message_usage(&self.ssh_command)), true, 2)
    }

    async fn answer(&self, written: Written) -> Answer {
        let body = match written {
            Written::TooLong => {
                return self.usage(format!("the message is too long: at most {MAX_BODY} characters"));
            }
            Written::Cancelled => return ("cancelled — nothing was sent\n".to_owned(), true, EX_CANCELLED),
            Written::Text(body) => body,
        };
        match self.service.send_message(&self.draft(body), self.source, Channel::Exec).await {
            Ok(receipt) => (format!("sent — thank you (message #{})\n", receipt.id), false, 0),
            Err(SendError::Invalid(why)) => self.usage(why.to_string()),
            Err(err) => (format!("{}\n", err.visitor_line()), true, EX_TEMPFAIL),
        }
    }
}

/// Reads chunks until the input ends, at most [`MAX_STDIN`] bytes.
async fn read_stdin(input: &mut Input) -> Written {
    let mut read = Vec::new();
    while let Some(chunk) = input.keys.recv().await {
        take(&mut read, &chunk);
        // Input is lost only past a queue far larger than a message: too long either way.
        if read.len() > MAX_STDIN || input.keys.take_lost() > 0 {
            input.keys.close(); // the client's further data is dropped, not queued
            return Written::TooLong;
        }
    }
    Written::Text(String::from_utf8_lossy(&read).into_owned())
}

/// Appends `chunk`, up to one byte past [`MAX_STDIN`].
fn take(read: &mut Vec<u8>, chunk: &Bytes) {
    let room = (MAX_STDIN + 1).saturating_sub(read.len());
    read.extend_from_slice(&chunk[..chunk.len().min(room)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_without_a_pty_is_bounded_and_takes_every_byte() {
        let mut read = Vec::new();
        take(&mut read, &Bytes::from(vec![b'x'; MAX_STDIN * 3]));
        assert_eq!(read.len(), MAX_STDIN + 1);
        let mut piped = Vec::new();
        take(&mut piped, &Bytes::from_static(b"a\x04b"));
        assert_eq!(piped, b"a\x04b", "without a PTY ^D is data");
    }
}
