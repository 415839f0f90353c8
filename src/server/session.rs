//! One visitor's session task: it owns their `App` and input decoder, and turns input,
//! resizes and the server's requests to end into frames on their channel.
//!
//! The loop draws a frame, sends it as one write and waits for it to be queued, then
//! waits for the next event. Everything that arrived meanwhile (a burst of keys, several
//! resizes) is applied before the next frame, so frames never queue up. Every way out
//! restores the visitor's terminal: cursor shown, main screen back, a one-line farewell,
//! then exit status, EOF and close. Printed (non-interactive) output lives here too.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use bytes::Bytes;
use ratatui::crossterm::{cursor, queue, terminal as term};
use ratatui::layout::Size;
use tokio::sync::{mpsc, watch};
use tracing::{debug, error, info};

use super::connection::EndReason;
use super::output::{Closed, Output, crlf};
use super::terminal;
use crate::resume::Loaded;
use crate::tui::input::LONE_ESC_DELAY;
use crate::tui::{App, Decoder, Effect, Event};

/// Input chunks waiting for the session task; beyond this a visitor's keys are dropped
/// (a paste flood), never buffered without bound.
pub const INPUT_QUEUE: usize = 64;

/// Output a session lets wait in russh's buffers before it draws its next frame: the
/// frame after that is drawn from the state at the moment there is room, so a visitor
/// whose client stopped reading costs at most this plus one frame.
pub const IN_FLIGHT_BUDGET: u64 = 16 * 1024;

/// xterm's alternate scroll mode: in the alternate screen the mouse wheel sends arrow
/// keys, so it scrolls without capturing the mouse (text selection keeps working).
const ALTERNATE_SCROLL_ON: &[u8] = b"\x1b[?1007h";
const ALTERNATE_SCROLL_OFF: &[u8] = b"\x1b[?1007l";

/// What the session task receives from the connection's handler.
pub struct Inbox {
    pub input: mpsc::Receiver<Bytes>,
    pub size: watch::Receiver<Size>,
    /// The résumé in service; changes on SIGHUP.
    pub resume: watch::Receiver<Arc<Loaded>>,
}

/// Runs `task`, the visitor's session, in a task of its own: should it panic, the panic
/// is logged and ends this visitor's connection only.
pub async fn guarded(out: Output, task: impl Future<Output = ()> + Send + 'static) {
    let Err(err) = tokio::spawn(task).await else { return };
    let conn = out.connection();
    error!(panicked = err.is_panic(), "the session task failed; ending this session");
    conn.set_reason(EndReason::Error);
    conn.mark_finished();
    conn.cut();
}

/// Runs the interactive view until the visitor quits or leaves, or the server ends the
/// session (a timer, shutdown).
pub async fn run_interactive(mut app: App, inbox: Inbox, out: Output) {
    let reason = match event_loop(&mut app, inbox, &out).await {
        Ok(reason) => reason,
        Err(Closed) => EndReason::ClientClosed,
    };
    debug!(reason = reason.as_str(), "leaving the interactive view");
    if reason != EndReason::ClientClosed {
        let _ = out.send(leave(&mut app, reason.farewell())).await;
    }
    out.finish(0, reason).await;
}

/// Draws, sends, waits for events, applies them all, and draws again.
async fn event_loop(app: &mut App, mut inbox: Inbox, out: &Output) -> Result<EndReason, Closed> {
    let conn = out.connection();
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    // What the visitor's screen shows, while it differs from `app`; `None` for blank.
    let mut shown: Option<App> = None;
    let mut views = SectionViews::default();
    loop {
        // A visitor who stops reading holds the next frame back (and, later, this send);
        // the server can still end the session meanwhile.
        tokio::select! {
            biased;
            _ = conn.end_requested() => return Ok(conn.reason()),
            _ = conn.wait_for_room(IN_FLIGHT_BUDGET) => {}
        }
        let drawing = Instant::now();
        let bytes = frame(shown.take().as_ref(), app);
        let metrics = &out.shared().metrics;
        metrics.frame_render.observe(drawing.elapsed().as_secs_f64());
        tokio::select! {
            biased;
            _ = conn.end_requested() => return Ok(conn.reason()),
            sent = out.send(bytes) => sent?,
        }
        if conn.first_frame() {
            metrics.first_frame.observe(conn.age().as_secs_f64());
        }
        views.note(app, out);
        loop {
            tokio::select! {
                biased;
                _ = conn.end_requested() => return Ok(conn.reason()),
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
                Ok(()) = inbox.resume.changed() => {
                    let reloaded = inbox.resume.borrow_and_update().clone();
                    let before = app.clone();
                    app.replace_doc(reloaded);
                    shown = Some(before);
                    break;
                }
            }
            while let Ok(bytes) = inbox.input.try_recv() {
                decoder.feed(&bytes, &mut events);
            }
            let before = app.clone();
            match apply(app, &mut events) {
                Effect::Quit => return Ok(EndReason::Quit),
                Effect::Redraw => {
                    shown = Some(before);
                    break;
                }
                Effect::None => {}
            }
        }
    }
}

/// Which sections a visitor has seen, for the metrics and the disconnect line.
#[derive(Default)]
struct SectionViews {
    current: Option<usize>,
    seen: u64,
}

impl SectionViews {
    /// Counts a view when the frame just sent shows another section than the last one.
    fn note(&mut self, app: &App, out: &Output) {
        let section = app.section();
        if self.current == Some(section) {
            return;
        }
        self.current = Some(section);
        if let Some(shown) = app.outline().sections.get(section) {
            out.shared().metrics.section_viewed(shown.slug);
        }
        self.seen |= 1u64.checked_shl(section as u32).unwrap_or(0);
        out.connection().sections_viewed.store(self.seen.count_ones(), Ordering::Relaxed);
    }
}

/// The next frame: what changed since `shown` (the screen the visitor has; `None`
/// before the first frame), or in linear mode the text the pager produced, switching
/// between the full screen and the linear mode when the visitor did.
fn frame(shown: Option<&App>, app: &mut App) -> Vec<u8> {
    let full_screen_up = shown.is_some_and(|shown| !shown.is_linear());
    if let Some(text) = app.take_linear_output() {
        let mut bytes = if full_screen_up { restore_sequence() } else { Vec::new() };
        bytes.extend_from_slice(&crlf(&text));
        return bytes;
    }
    match shown {
        Some(shown) if !shown.is_linear() => terminal::frame(Some(shown), app),
        _ => {
            let mut bytes = enter_sequence();
            bytes.extend_from_slice(&terminal::frame(None, app));
            bytes
        }
    }
}

/// Restores the terminal (when the full screen was up) and says goodbye, after
/// whatever the pager still had to print.
fn leave(app: &mut App, farewell: &str) -> Vec<u8> {
    let linear = app.is_linear();
    let text = format!("{}{farewell}\n", app.take_linear_output().unwrap_or_default());
    let mut bytes = if linear { Vec::new() } else { restore_sequence() };
    bytes.extend_from_slice(&crlf(&text));
    bytes
}

/// Applies every queued event; says whether to redraw or quit.
fn apply(app: &mut App, events: &mut Vec<Event>) -> Effect {
    let mut effect = Effect::None;
    for event in events.drain(..) {
        match app.handle(&event) {
            Effect::Quit => return Effect::Quit,
            Effect::Redraw => effect = Effect::Redraw,
            Effect::None => {}
        }
    }
    effect
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
