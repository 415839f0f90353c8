//! One visit's work, from the moment the visitor asks for a shell or a command: what
//! they asked for is resolved against the résumé in service ([`Play::new`]), then
//! played — the interactive view, or output printed once — until it ends by itself
//! ([`Play::run`]). The connection's supervisor owns the timers and ends a play early by
//! dropping `run`; [`Play::farewell`] then gives the bytes that leave the visitor's
//! terminal as it was. `message` reads the visitor's stdin and answers with one line
//! ([`ExecMessage`]).

use std::net::IpAddr;

use bytes::Bytes;
use ratatui_core::layout::Size;
use russh::ChannelId;

use super::command::{self, Request};
use super::end::EndReason;
use super::exec_message::ExecMessage;
use super::interactive::{Courier, Inbox, Interactive};
use super::output::{Output, crlf};
use super::shared::Shared;
use crate::resume::export::Format;
use crate::resume::{Loaded, PrintForm, Printout};
use crate::tui::profile::Charset;
use crate::tui::{App, ClientTerminal, Profile, Theme};

/// A shell or exec request on the visitor's channel, with what the client told us
/// about its terminal before it.
#[derive(Debug)]
pub struct Start {
    pub channel: ChannelId,
    /// The exec command, as sent (at most one SSH packet); `None` for a shell.
    pub command: Option<Vec<u8>>,
    /// Whether a PTY was requested.
    pub pty: bool,
    pub client: ClientTerminal,
}

/// `what` as the visitor's channel takes it, made once per résumé: with a terminal in
/// its character set with CRLF line endings, without one (a pipe, a script) as it is. A
/// section that does not exist prints the whole text.
fn printout(doc: &Loaded, what: Printout, pty: bool, profile: &Profile) -> Bytes {
    let form = match (pty, profile.charset) {
        (false, _) => PrintForm::AsIs,
        (true, Charset::Utf8) => PrintForm::TerminalUtf8,
        (true, Charset::Ascii) => PrintForm::TerminalAscii,
    };
    let convert = |text: &str| match (form, what) {
        (PrintForm::AsIs, _) => text.as_bytes().to_vec(),
        (_, Printout::Whole(Format::Json)) => crlf(&profile.printable_json(text)),
        _ => crlf(&profile.printable(text)),
    };
    let whole = Printout::Whole(Format::Text);
    doc.printout(what, form, convert).or_else(|| doc.printout(whole, form, convert)).unwrap_or_default()
}

/// What the visitor gets.
pub enum Play {
    /// The full-screen view (or its linear pager).
    Interactive(Box<Interactive>),
    /// Output printed once (on stderr when `to_stderr`), then exit with `status`.
    Print { bytes: Bytes, to_stderr: bool, status: u32 },
    /// `message`: stdin to the owner's inbox.
    Message(Box<ExecMessage>),
}

impl Play {
    /// Resolves what `start` asks for; `size` is the visitor's terminal, `ssh_command`
    /// what they type to get here, `peer` who they are (for the message limits).
    pub fn new(start: &Start, size: Size, shared: &Shared, ssh_command: &str, peer: IpAddr) -> Self {
        let command = start.command.as_deref();
        if shared.settings.panic_command.as_deref().map(str::as_bytes).is_some_and(|p| Some(p) == command) {
            panic!("test-only panic trigger");
        }
        let doc = shared.service.current_resume();
        let interactive = start.pty && !start.client.is_dumb();
        let request = command::resolve(command, interactive, &doc.outline, ssh_command);
        shared.service.metrics.exec_command(command::metric_name(command, &request));
        tracing::debug!(?request, term = %start.client.term, "starting");
        let profile = start.client.profile();
        let print = |text: String, to_stderr, status| {
            let bytes =
                Bytes::from(if start.pty { crlf(&profile.printable(&text)) } else { text.into_bytes() });
            Play::Print { bytes, to_stderr, status }
        };
        let printout = |what| {
            let bytes = printout(&doc, what, start.pty, &profile);
            Play::Print { bytes, to_stderr: false, status: 0 }
        };
        match request {
            Request::Interactive { section, linear } => {
                let theme = Theme::new(start.client.profile());
                let messages = shared.service.mailbox.is_some();
                let mut app = App::new(doc, theme, size)
                    .with_ssh_command(ssh_command.to_owned())
                    .with_messages(messages);
                if let Some(index) = section {
                    app.select_section(index);
                }
                if linear {
                    app.open_linear();
                }
                let resume = shared.service.resume.clone();
                let courier = Courier { service: shared.service.clone(), source: peer };
                Play::Interactive(Box::new(Interactive::new(app, resume).with_courier(courier)))
            }
            Request::Print { format: Format::Text, section: Some(index) } => {
                printout(Printout::Section(index))
            }
            Request::Print { format, .. } => printout(Printout::Whole(format)),
            Request::Help => print(command::usage(ssh_command, &doc.outline), false, 0),
            Request::Unknown { message } => print(message, true, 2),
            Request::Message(args) => Play::Message(Box::new(ExecMessage {
                args,
                service: shared.service.clone(),
                source: peer,
                pty: start.pty,
                ssh_command: ssh_command.to_owned(),
                status: super::exec_message::EX_TEMPFAIL,
            })),
        }
    }

    /// Plays until the visitor quits or leaves, or the output is printed.
    pub async fn run(&mut self, out: &Output<'_>, inbox: &mut Inbox) -> EndReason {
        match self {
            Play::Interactive(view) => view.run(out, inbox).await,
            Play::Message(message) => message.run(out, inbox).await,
            Play::Print { bytes, to_stderr, status } => {
                let bytes = std::mem::take(bytes);
                let sent = if *to_stderr { out.send_stderr(bytes).await } else { out.send(bytes).await };
                tracing::debug!(exit_status = *status, "printed");
                if sent.is_ok() { EndReason::Done } else { EndReason::ClientClosed }
            }
        }
    }

    /// What the visitor reads last: the terminal restored and a farewell for the view;
    /// nothing more for printed output.
    pub fn farewell(&mut self, reason: EndReason) -> Vec<u8> {
        match self {
            Play::Interactive(view) => view.farewell(reason),
            Play::Print { .. } | Play::Message(_) => Vec::new(),
        }
    }

    /// The exit status the channel ends with.
    pub fn exit_status(&self) -> u32 {
        match self {
            Play::Interactive(_) => 0,
            Play::Print { status, .. } => *status,
            Play::Message(message) => message.status,
        }
    }

    /// Distinct sections the visitor viewed.
    pub fn sections_viewed(&self) -> u32 {
        match self {
            Play::Interactive(view) => view.sections_viewed(),
            Play::Print { .. } | Play::Message(_) => 0,
        }
    }
}
