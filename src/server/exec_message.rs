//! `ssh host message --reply-to CONTACT [--name NAME] < text`: reads the visitor's
//! stdin to its end (EOF, or Ctrl-D when a PTY came with it), delivers it through the
//! mailbox and answers with one line and an exit status: 0 stored (stdout), 2 an empty
//! or oversized message (usage on stderr), 75 (`EX_TEMPFAIL`) refused by a limit or the
//! store unavailable (the reason on stderr).
//!
//! What is read is bounded: at most [`MAX_STDIN`] bytes (the message's limit in
//! characters plus one, at four bytes each); past it the input is closed, so an endless
//! stdin cannot grow memory, and the message is refused as too long.

use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;

use super::command::{MessageArgs, message_usage};
use super::end_reason::EndReason;
use super::input::Input;
use super::output::{Output, crlf};
use crate::messages::{Channel, Draft, MAX_BODY, SendError};
use crate::service::Service;

/// Most bytes of stdin read: one character over the limit, in UTF-8's widest form.
pub const MAX_STDIN: usize = (MAX_BODY + 1) * 4;

/// `EX_TEMPFAIL` from sysexits.h: try again later.
pub const EX_TEMPFAIL: u32 = 75;

/// Ctrl-D on a PTY: the end of the visitor's message.
const END_OF_TEXT: u8 = 0x04;

/// One `message` visit.
pub struct ExecMessage {
    pub args: MessageArgs,
    pub service: Arc<Service>,
    pub source: IpAddr,
    pub pty: bool,
    pub ssh_command: String,
    /// [`EX_TEMPFAIL`] until the answer is known (a visit cut short stored nothing it
    /// told about).
    pub status: u32,
}

/// What stdin held: the bytes, or more than [`MAX_STDIN`].
enum Stdin {
    Read(Vec<u8>),
    TooLong,
}

impl ExecMessage {
    /// Reads, delivers, answers; the exit status is then [`ExecMessage::status`].
    pub async fn run(&mut self, out: &Output<'_>, input: &mut Input) -> EndReason {
        let stdin = read_stdin(input, self.pty).await;
        let (line, to_stderr, status) = self.answer(stdin).await;
        self.status = status;
        tracing::debug!(exit_status = status, "message command answered");
        out.print(if self.pty { crlf(&line) } else { line.into_bytes() }, to_stderr).await
    }

    /// The line to print, whether on stderr, and the exit status.
    async fn answer(&self, stdin: Stdin) -> (String, bool, u32) {
        let usage = |why: String| (format!("{why}\n\n{}", message_usage(&self.ssh_command)), true, 2);
        let body = match stdin {
            Stdin::TooLong => {
                return usage(format!("the message is too long: at most {MAX_BODY} characters"));
            }
            Stdin::Read(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        };
        let draft = Draft {
            name: self.args.name.clone().unwrap_or_default(),
            reply_to: self.args.reply_to.clone(),
            body: if self.pty { body.replace('\r', "\n") } else { body },
        };
        match self.service.send_message(&draft, self.source, Channel::Exec).await {
            Ok(receipt) => (format!("sent — thank you (message #{})\n", receipt.id), false, 0),
            Err(SendError::Invalid(why)) => usage(why.to_string()),
            Err(err) => (format!("{}\n", err.visitor_line()), true, EX_TEMPFAIL),
        }
    }
}

/// Reads chunks until the input ends (or Ctrl-D on a PTY), at most [`MAX_STDIN`] bytes.
async fn read_stdin(input: &mut Input, pty: bool) -> Stdin {
    let mut read = Vec::new();
    while let Some(chunk) = input.keys.recv().await {
        if take(&mut read, &chunk, pty) {
            break;
        }
        if read.len() > MAX_STDIN {
            input.keys.close(); // the client's further data is dropped, not queued
            return Stdin::TooLong;
        }
    }
    Stdin::Read(read)
}

/// Appends `chunk`; true when it held the PTY's Ctrl-D.
fn take(read: &mut Vec<u8>, chunk: &Bytes, pty: bool) -> bool {
    match chunk.iter().position(|&byte| pty && byte == END_OF_TEXT) {
        Some(end) => {
            read.extend_from_slice(&chunk[..end]);
            true
        }
        None => {
            let room = (MAX_STDIN + 1).saturating_sub(read.len());
            read.extend_from_slice(&chunk[..chunk.len().min(room)]);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_is_bounded_and_stops_at_ctrl_d_on_a_pty() {
        let mut read = Vec::new();
        assert!(!take(&mut read, &Bytes::from(vec![b'x'; MAX_STDIN * 3]), false));
        assert_eq!(read.len(), MAX_STDIN + 1);
        let mut typed = Vec::new();
        assert!(take(&mut typed, &Bytes::from_static(b"hi\r\x04ignored"), true));
        assert_eq!(typed, b"hi\r");
        let mut piped = Vec::new();
        assert!(!take(&mut piped, &Bytes::from_static(b"a\x04b"), false), "without a PTY ^D is data");
    }
}
