//! One visitor's session task: it owns their `App`, terminal and input decoder, and
//! turns input, resizes and shutdown into frames on their channel.
//!
//! The loop draws a frame, sends it as one write and waits for it to be queued, then
//! waits for the next event. Everything that arrived meanwhile (a burst of keys, several
//! resizes) is applied before the next frame, so frames never queue up. Every way out
//! restores the visitor's terminal: cursor shown, main screen back, a one-line farewell,
//! then exit status, EOF and close. Printed (non-interactive) output lives here too.

use bytes::Bytes;
use ratatui::Terminal;
use ratatui::crossterm::{cursor, queue, terminal as term};
use ratatui::layout::Size;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

use super::output::{Closed, EndReason, Output, crlf};
use super::terminal::SshBackend;
use crate::tui::input::LONE_ESC_DELAY;
use crate::tui::{App, Decoder, Effect, Event};

/// Input chunks waiting for the session task; beyond this a visitor's keys are dropped
/// (a paste flood), never buffered without bound.
pub const INPUT_QUEUE: usize = 64;

/// xterm's alternate scroll mode: in the alternate screen the mouse wheel sends arrow
/// keys, so it scrolls without capturing the mouse (text selection keeps working).
const ALTERNATE_SCROLL_ON: &[u8] = b"\x1b[?1007h";
const ALTERNATE_SCROLL_OFF: &[u8] = b"\x1b[?1007l";

pub const FAREWELL: &str = "Thanks for reading. Goodbye!";
pub const SHUTDOWN_FAREWELL: &str = "The server is restarting — reconnect in a moment.";

/// What the session task receives from the connection's handler.
pub struct Inbox {
    pub input: mpsc::Receiver<Bytes>,
    pub size: watch::Receiver<Size>,
}

/// Runs the interactive view until the visitor quits, leaves, or the server shuts down.
pub async fn run_interactive(app: App, inbox: Inbox, out: Output, shutdown: CancellationToken) {
    let mut view = match View::new(app) {
        Ok(view) => view,
        Err(err) => {
            tracing::error!(error = %err, "cannot set up the terminal");
            return out.finish(1, EndReason::Error).await;
        }
    };
    view.enter();
    let reason = match event_loop(&mut view, inbox, &out, &shutdown).await {
        Ok(reason) => reason,
        Err(Closed) => EndReason::ClientClosed,
    };
    debug!(reason = reason.as_str(), "leaving the interactive view");
    if reason != EndReason::ClientClosed {
        let farewell = if reason == EndReason::Shutdown { SHUTDOWN_FAREWELL } else { FAREWELL };
        view.leave(farewell);
        let _ = out.send(view.backend().take_frame()).await;
    }
    out.finish(0, reason).await;
}

async fn event_loop(
    view: &mut View,
    mut inbox: Inbox,
    out: &Output,
    shutdown: &CancellationToken,
) -> Result<EndReason, Closed> {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    loop {
        out.send(view.frame()).await?;
        loop {
            tokio::select! {
                biased;
                _ = shutdown.cancelled() => return Ok(EndReason::Shutdown),
                chunk = inbox.input.recv() => match chunk {
                    Some(bytes) => decoder.feed(&bytes, &mut events),
                    None => return Ok(EndReason::ClientClosed),
                },
                Ok(()) = inbox.size.changed() => {
                    let size = *inbox.size.borrow_and_update();
                    events.push(Event::Resize { cols: size.width.into(), rows: size.height.into() });
                }
                _ = tokio::time::sleep(LONE_ESC_DELAY), if decoder.has_lone_esc() => {
                    decoder.flush_lone_esc(&mut events);
                }
            }
            while let Ok(bytes) = inbox.input.try_recv() {
                decoder.feed(&bytes, &mut events);
            }
            match view.apply(&mut events) {
                Effect::Quit => return Ok(EndReason::Quit),
                Effect::Redraw => break,
                Effect::None => {}
            }
        }
    }
}

/// The visitor's app and the terminal it is drawn on.
struct View {
    app: App,
    terminal: Terminal<SshBackend>,
    /// Whether the terminal shows the linear (pager) text rather than the full screen.
    linear: bool,
}

impl View {
    fn new(app: App) -> std::io::Result<Self> {
        let terminal = Terminal::new(SshBackend::new(app.size()))?;
        let linear = app.is_linear();
        Ok(Self { app, terminal, linear })
    }

    /// Sets the terminal up for the view; the linear mode needs nothing.
    fn enter(&mut self) {
        if !self.linear {
            self.backend().write_raw(&enter_sequence());
        }
    }

    /// Restores the terminal (when the full screen was up) and says goodbye, after
    /// whatever the pager still had to print.
    fn leave(&mut self, farewell: &str) {
        let text = format!("{}{farewell}\n", self.app.take_linear_output().unwrap_or_default());
        let mut bytes = if self.linear { Vec::new() } else { restore_sequence() };
        bytes.extend_from_slice(&crlf(&text));
        self.backend().write_raw(&bytes);
    }

    fn backend(&mut self) -> &mut SshBackend {
        self.terminal.backend_mut()
    }

    /// Applies queued events; says whether to redraw or quit.
    fn apply(&mut self, events: &mut Vec<Event>) -> Effect {
        let mut effect = Effect::None;
        for event in events.drain(..) {
            match self.app.handle(&event) {
                Effect::Quit => return Effect::Quit,
                Effect::Redraw => effect = Effect::Redraw,
                Effect::None => {}
            }
        }
        let size = self.app.size();
        self.backend().set_size(size);
        effect
    }

    /// Draws the app and returns the bytes of the frame (only what changed), or in
    /// linear mode the text the pager produced, switching screens when the mode changed.
    fn frame(&mut self) -> Vec<u8> {
        if let Some(text) = self.app.take_linear_output() {
            let mut bytes = if self.linear { Vec::new() } else { restore_sequence() };
            self.linear = true;
            bytes.extend_from_slice(&crlf(&text));
            return bytes;
        }
        if std::mem::take(&mut self.linear) {
            self.backend().write_raw(&enter_sequence());
            let _ = self.terminal.clear();
        }
        let app = &self.app;
        let _ = self.terminal.draw(|frame| frame.render_widget(app, frame.area()));
        self.backend().take_frame()
    }
}

/// Alternate screen, cursor hidden, screen cleared, wheel as arrow keys.
fn enter_sequence() -> Vec<u8> {
    let mut bytes = Vec::with_capacity(32);
    let _ = queue!(bytes, term::EnterAlternateScreen, cursor::Hide, term::Clear(term::ClearType::All));
    bytes.extend_from_slice(ALTERNATE_SCROLL_ON);
    bytes
}

/// Everything `enter_sequence` changed, undone: the main screen is back.
fn restore_sequence() -> Vec<u8> {
    let mut bytes = ALTERNATE_SCROLL_OFF.to_vec();
    bytes.extend_from_slice(b"\x1b[0m");
    let _ = queue!(bytes, cursor::Show, term::LeaveAlternateScreen);
    bytes
}

/// Prints `text` (on stderr when `to_stderr`), then ends the channel with `status`.
pub async fn print(out: Output, text: String, pty: bool, to_stderr: bool, status: u32) {
    let bytes = if pty { crlf(&text) } else { text.into_bytes() };
    let sent = if to_stderr { out.send_stderr(bytes).await } else { out.send(bytes).await };
    let reason = if sent.is_ok() { EndReason::Done } else { EndReason::ClientClosed };
    info!(exit_status = status, "printed");
    out.finish(status, reason).await;
}
