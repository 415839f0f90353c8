//! One visit's work, from the moment the visitor asks for a shell or a command: what
//! they asked for is resolved against the résumé in service ([`Play::new`]), then
//! played — the interactive view, or output printed once — until it ends by itself
//! ([`Play::run`]). The connection's supervisor owns the timers and ends a play early by
//! dropping `run`; [`Play::farewell`] then gives the bytes that leave the visitor's
//! terminal as it was. `message` reads the visitor's stdin and answers with one line
//! ([`ExecMessage`]). At the end, [`Play::summary`] says what the visit was for the
//! insights: its kind, command, deep link, the sections it showed, searches made and
//! the terminal it was drawn on (fixed labels only).

use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use ratatui_core::layout::Size;

use super::command::{self, Request};
use super::console::{OwnerConsole, owner_report};
use super::end_reason::EndReason;
use super::exec_message::{EX_TEMPFAIL, ExecMessage};
use super::handler::Start;
use super::input::Input;
use super::interactive::{Interactive, Sender};
use super::output::{Output, crlf};
use super::screen::Screen;
use super::shared::Shared;
use russh::ChannelStream;
use russh::server::Msg;

use crate::downloads::files::{Directory, Door, FileName};
use crate::downloads::{scp, sftp};
use crate::insights::{Kind, Online, Visit, labels};
use crate::record::Event;
use crate::resume::export::Format;
use crate::resume::{Loaded, PrintForm, Printout};
use crate::service::Service;
use crate::tui::console::Console;
use crate::tui::profile::Charset;
use crate::tui::{App, Profile, Theme};

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

/// What the visitor gets, and what is known of the visit from its start.
pub struct Play {
    act: Act,
    /// The visit's start, for the insights; `None` for the owner's.
    opened: Option<Visit>,
    /// Counts the visitor as online while the play lasts (not the owner).
    _online: Option<Online>,
}

/// What a visit leaves for the disconnect line and the insights.
#[derive(Debug, Default)]
pub struct Summary {
    /// Distinct sections the visitor viewed.
    pub sections_viewed: u32,
    /// The visit to count (its end and time spent still to be filled in); `None` when
    /// it never started.
    pub visit: Option<Visit>,
}

/// What is played.
enum Act {
    /// The full-screen view (or its linear pager).
    Interactive(Box<Screen<Interactive>>),
    /// Output printed once (on stderr when `to_stderr`), then exit with `status`.
    Print { bytes: Bytes, to_stderr: bool, status: u32 },
    /// `message`: stdin to the owner's inbox.
    Message(Box<ExecMessage>),
    /// The owner's console.
    Console(Box<Screen<OwnerConsole>>),
    /// The owner without a terminal: the last day's report, printed.
    OwnerReport { service: Arc<Service>, json: bool, pty: bool, status: u32 },
    /// A file to take away, over the channel as a byte stream: the `sftp` subsystem, or
    /// legacy `scp -f`.
    Download(Box<Download>),
}

/// A download visit: the channel as a stream, and the files of the résumé in service.
struct Download {
    stream: ChannelStream<Msg>,
    /// `None`: the `sftp` subsystem.
    scp: Option<scp::Command>,
    directory: Arc<Directory>,
    service: Arc<Service>,
    status: u32,
}

impl Download {
    /// Serves the files until the client is done; counts what it took whole.
    async fn run(&mut self) -> EndReason {
        let directory = self.directory.clone();
        let (downloads, door) = match &self.scp {
            None => {
                let summary = sftp::serve(&mut self.stream, directory).await;
                if !matches!(summary.end, sftp::End::Eof) {
                    tracing::warn!(end = ?summary.end, requests = summary.requests, "sftp session ended early");
                }
                (summary.downloads, Door::Sftp)
            }
            Some(command) => {
                let outcome = scp::serve(&mut self.stream, command, directory).await;
                self.status = outcome.exit_status;
                (outcome.downloads, Door::Scp)
            }
        };
        for (file, count) in downloads.iter() {
            self.service.record(Event::Downloaded { file, door, count });
        }
        EndReason::Done
    }
}

/// `ssh HOST pdf`: the typeset PDF's bytes for a pipe, counted as a download; with a
/// PTY (which would turn its line feeds into CRLF and fill the terminal with binary)
/// one line on how to save it instead; while there is no PDF, why, exit 1.
fn pdf(start: &Start, shared: &Shared, ssh_command: &str) -> Act {
    let scp = crate::ssh_command::scp_for(ssh_command, FileName::Pdf.as_str());
    let directory = shared.service.current_downloads();
    let line = |text: String, status| {
        let bytes =
            if start.pty { crlf(&start.client.profile().printable(&text)) } else { text.into_bytes() };
        Act::Print { bytes: Bytes::from(bytes), to_stderr: true, status }
    };
    match directory.get(FileName::Pdf) {
        _ if start.pty => {
            line(format!("The PDF is binary: save it with `{ssh_command} pdf > resume.pdf` or `{scp}`\n"), 0)
        }
        Some(file) => {
            shared.service.record(Event::Downloaded { file: FileName::Pdf, door: Door::Ssh, count: 1 });
            Act::Print { bytes: file.bytes.clone(), to_stderr: false, status: 0 }
        }
        None => line(
            "the PDF is not available right now; the text is: ssh HOST text\n"
                .replace("ssh HOST", ssh_command),
            1,
        ),
    }
}

/// What the owner may run without a terminal.
const OWNER_USAGE: &str = "usage: ssh -t OWNER@HOST for the console, or ssh OWNER@HOST stats [--json]\n";

impl Play {
    /// Resolves what `start` asks for; `size` is the visitor's terminal, `ssh_command`
    /// what they type to get here, `peer` who they are (for the message limits).
    pub fn new(mut start: Start, size: Size, shared: &Shared, ssh_command: &str, peer: IpAddr) -> Self {
        if let Some(stream) = start.stream.take() {
            return Self::download(&start, stream, shared);
        }
        if start.owner {
            return Self::owner(&start, size, shared);
        }
        let command = start.command.as_deref();
        #[cfg(feature = "test-hooks")]
        if shared.settings.panic_command.as_deref().map(str::as_bytes).is_some_and(|p| Some(p) == command) {
            panic!("test-only panic trigger");
        }
        let doc = shared.service.current_resume();
        let interactive = start.pty && !start.client.is_dumb();
        let request = command::resolve(command, interactive, &doc.outline, ssh_command);
        let name = command::metric_name(command, &request);
        tracing::debug!(?request, term = %start.client.term, "starting");
        let deep_link = match &request {
            Request::Interactive { section: Some(index), .. }
            | Request::Print { section: Some(index), .. } => {
                doc.outline.sections.get(*index).map(|section| section.slug)
            }
            _ => None,
        };
        let act = Self::act(&start, size, shared, ssh_command, peer, request, doc);
        let kind = if matches!(act, Act::Interactive(_)) { Kind::Interactive } else { Kind::Exec };
        let opened = Visit {
            kind: Some(kind),
            command: Some(name),
            deep_link,
            client: Some(start.client_family),
            size: (kind == Kind::Interactive).then(|| labels::size_class(size.width)),
            sections: deep_link.filter(|_| kind == Kind::Exec).into_iter().collect(),
            ..Visit::default()
        };
        shared.service.record(Event::Started { visit: &opened });
        Self { act, opened: Some(opened), _online: Some(shared.service.insights.arrived()) }
    }

    /// A visit that takes files away over the channel as a stream: the `sftp` subsystem
    /// (no command) or legacy `scp -f` (the command). Counted in the insights as an
    /// exec visit under `sftp` or `scp`.
    fn download(start: &Start, stream: ChannelStream<Msg>, shared: &Shared) -> Self {
        let command = start.command.as_deref().map(String::from_utf8_lossy);
        let scp = command.as_deref().and_then(scp::Command::parse);
        let name = if scp.is_some() { "scp" } else { "sftp" };
        tracing::debug!(download = name, "starting");
        let service = shared.service.clone();
        let directory = service.current_downloads();
        let opened = Visit {
            kind: Some(Kind::Exec),
            command: Some(name),
            client: Some(start.client_family),
            ..Visit::default()
        };
        shared.service.record(Event::Started { visit: &opened });
        let download = Download { stream, scp, directory, service, status: 0 };
        let online = shared.service.insights.arrived();
        Self { act: Act::Download(Box::new(download)), opened: Some(opened), _online: Some(online) }
    }

    /// The owner's visit: the console with a terminal, else the report printed once.
    /// Not counted in the insights.
    fn owner(start: &Start, size: Size, shared: &Shared) -> Self {
        let command =
            start.command.as_deref().map(|c| String::from_utf8_lossy(c).trim().to_ascii_lowercase());
        let terminal = start.pty && !start.client.is_dumb();
        let service = shared.service.clone();
        let report = |json| Act::OwnerReport { service: service.clone(), json, pty: start.pty, status: 0 };
        let act = match command.as_deref() {
            None | Some("" | "console") if terminal => {
                let console = Console::new(Theme::new(start.client.profile()), size);
                let refresh = shared.settings.console_refresh;
                Act::Console(Box::new(Screen::new(OwnerConsole::new(console, service.clone(), refresh))))
            }
            None | Some("" | "stats") => report(false),
            Some("stats --json") => report(true),
            Some(_) => {
                Act::Print { bytes: Bytes::from_static(OWNER_USAGE.as_bytes()), to_stderr: true, status: 2 }
            }
        };
        Self { act, opened: None, _online: None }
    }

    /// What `request` plays.
    fn act(
        start: &Start,
        size: Size,
        shared: &Shared,
        ssh_command: &str,
        peer: IpAddr,
        request: Request,
        doc: Arc<Loaded>,
    ) -> Act {
        let profile = start.client.profile();
        let print = |text: String, to_stderr, status| {
            let bytes =
                Bytes::from(if start.pty { crlf(&profile.printable(&text)) } else { text.into_bytes() });
            Act::Print { bytes, to_stderr, status }
        };
        let printout = |what| {
            let bytes = printout(&doc, what, start.pty, &profile);
            Act::Print { bytes, to_stderr: false, status: 0 }
        };
        match request {
            Request::Interactive { section, linear } => {
                let theme = Theme::new(start.client.profile());
                let messages = shared.service.mailbox.is_some();
                let downloads = shared.service.current_downloads().get(FileName::Pdf).is_some();
                let mut app = App::new(doc, theme, size)
                    .with_ssh_command(ssh_command.to_owned())
                    .with_messages(messages)
                    .with_downloads(downloads);
                if let Some(index) = section {
                    app.select_section(index);
                }
                if linear {
                    app.open_linear();
                }
                let resume = shared.service.resume.clone();
                let mailbox = shared.service.mailbox.clone();
                let sender = mailbox.map(|mailbox| Sender { mailbox, source: peer });
                Act::Interactive(Box::new(Screen::new(Interactive::new(app, resume, sender))))
            }
            Request::Print { format: Format::Text, section: Some(index) } => {
                printout(Printout::Section(index))
            }
            Request::Print { format, .. } => printout(Printout::Whole(format)),
            Request::Help => print(command::usage(ssh_command, &doc.outline), false, 0),
            Request::Unknown { message } => print(message, true, 2),
            Request::Pdf => pdf(start, shared, ssh_command),
            Request::Message(args) => Act::Message(Box::new(ExecMessage {
                args,
                service: shared.service.clone(),
                source: peer,
                pty: start.pty,
                profile,
                ssh_command: ssh_command.to_owned(),
                status: EX_TEMPFAIL,
            })),
        }
    }

    /// Plays until the visitor quits or leaves, or the output is printed.
    pub async fn run(&mut self, out: &Output<'_>, input: &mut Input) -> EndReason {
        match &mut self.act {
            Act::Interactive(screen) => screen.run(out, input).await,
            Act::Message(message) => message.run(out, input).await,
            Act::Print { bytes, to_stderr, status } => {
                tracing::debug!(exit_status = *status, "printed");
                out.print(std::mem::take(bytes), *to_stderr).await
            }
            Act::Console(screen) => {
                screen.view_mut().open().await;
                screen.run(out, input).await
            }
            Act::Download(download) => download.run().await,
            Act::OwnerReport { service, json, pty, status } => {
                let (text, to_stderr) = match owner_report(service, *json).await {
                    Ok(text) => (text, false),
                    Err(err) => {
                        *status = EX_TEMPFAIL;
                        (format!("the store did not answer: {err}\n"), true)
                    }
                };
                out.print(if *pty { crlf(&text) } else { text.into_bytes() }, to_stderr).await
            }
        }
    }

    /// What the visitor reads last: the terminal restored and a farewell for the view;
    /// nothing more for printed output.
    pub fn farewell(&mut self, reason: EndReason) -> Vec<u8> {
        match &mut self.act {
            Act::Interactive(screen) => screen.farewell(reason),
            Act::Console(screen) => screen.farewell(reason),
            Act::Print { .. } | Act::Message(_) | Act::OwnerReport { .. } | Act::Download(_) => Vec::new(),
        }
    }

    /// The exit status the channel ends with.
    pub fn exit_status(&self) -> u32 {
        match &self.act {
            Act::Interactive(_) | Act::Console(_) => 0,
            Act::Print { status, .. } | Act::OwnerReport { status, .. } => *status,
            Act::Message(message) => message.status,
            Act::Download(download) => download.status,
        }
    }

    /// What the visit was: the start's facts, and for the view what it showed.
    pub fn summary(&self) -> Summary {
        let Some(mut visit) = self.opened.clone() else { return Summary::default() };
        let Act::Interactive(screen) = &self.act else {
            return Summary { sections_viewed: 0, visit: Some(visit) };
        };
        let view = screen.view();
        let app = view.app();
        let seen = view.sections_seen();
        let slugs = app.doc().outline.sections.iter().map(|section| section.slug);
        let shown = |index: usize| {
            u32::try_from(index).ok().and_then(|i| 1u64.checked_shl(i)).is_some_and(|bit| seen & bit != 0)
        };
        visit.sections = slugs.enumerate().filter(|(index, _)| shown(*index)).map(|(_, slug)| slug).collect();
        visit.searches = app.searches();
        visit.colour = Some(app.theme().profile.color.label());
        Summary { sections_viewed: view.sections_viewed(), visit: Some(visit) }
    }
}
