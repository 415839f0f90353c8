//! The interactive view of one visit: it owns the visitor's `App` and input decoder,
//! and turns input, resizes and reloads into frames on their channel.
//!
//! The loop draws a frame, sends it as one write and waits for it to be queued, then
//! waits for the next event. Everything that arrived meanwhile (a burst of keys, several
//! resizes) is applied before the next frame, so frames never queue up, and at most
//! [`MAX_FRAMES_PER_SECOND`] are drawn. After the first frame the terminal is asked
//! about itself ([`Answers`]). The loop ends when the visitor quits or closes the
//! channel; the connection's supervisor ends it for timers and shutdown by dropping
//! the future, then asks [`Interactive::farewell`] for the bytes that restore the
//! visitor's terminal: cursor shown, main screen back, a one-line farewell.
//!
//! When the visitor sends the "Write to me" form ([`Effect::Send`]) the loop draws the
//! form's "Sending…", asks the mailbox to store the draft (which answers within its
//! time bound, so the visit never waits longer), hands the answer to the app and draws
//! again; keys typed meanwhile wait in the input queue and are applied after it.

use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use ratatui_core::layout::Size;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::end_reason::EndReason;
use super::keyboard::{Keyboard, sleep_until};
use super::output::{Closed, Output, crlf};
use super::terminal::Modes;
use super::terminal_queries::Answers;
use crate::messages::{Channel, Receipt, SendError};
use crate::resume::Loaded;
use crate::service::Service;
use crate::tui::{App, Effect, Event};

pub(super) mod screen;

use screen::{SectionViews, frame, restore_sequence};

/// Input chunks waiting for the visit; beyond this a visitor's keys are dropped (a
/// paste flood), never buffered without bound.
pub const INPUT_QUEUE: usize = 64;

/// Output a visit lets wait in russh's buffers before it draws its next frame, in
/// bytes: the frame after that is drawn from the state at the moment there is room, so
/// a visitor whose client stopped reading costs at most this plus one frame.
pub const IN_FLIGHT_BUDGET: u64 = 16 * 1024;

/// Most frames a visit draws in a second, however fast keys and resizes arrive: 60,
/// a display's refresh rate; the last state is always drawn.
pub const MAX_FRAMES_PER_SECOND: u32 = 60;
/// The least time between two frames, from [`MAX_FRAMES_PER_SECOND`].
pub const FRAME_INTERVAL: std::time::Duration =
    std::time::Duration::from_micros(1_000_000 / MAX_FRAMES_PER_SECOND as u64);

/// What reaches the visit from the russh handler once it started.
pub struct Inbox {
    /// The visitor's input, in chunks of at most one SSH packet's data.
    pub input: mpsc::Receiver<Bytes>,
    /// The visitor's terminal size (pty-req, then window-change).
    pub size: watch::Receiver<Size>,
}

/// Where the view's messages go: the service's mailbox, and who sends them.
pub struct Courier {
    pub service: Arc<Service>,
    /// The visitor's address (the PROXY header's where trusted), for the limits.
    pub source: IpAddr,
}

/// One visitor's interactive view.
pub struct Interactive {
    app: App,
    /// The input decoder and its timers.
    keyboard: Keyboard,
    events: Vec<Event>,
    /// The résumé in service; changes on SIGHUP.
    resume: watch::Receiver<Arc<Loaded>>,
    views: SectionViews,
    /// The SGR pen and scroll region the frames left the terminal in.
    modes: Modes,
    /// When the last frame was sent; `None` before the first.
    last_frame: Option<Instant>,
    /// What the terminal says about itself after the first frame.
    answers: Answers,
    courier: Option<Courier>,
}

impl Interactive {
    /// `resume` is marked seen: only a later reload redraws.
    pub fn new(app: App, mut resume: watch::Receiver<Arc<Loaded>>) -> Self {
        resume.mark_unchanged();
        Self {
            app,
            keyboard: Keyboard::new(),
            events: Vec::new(),
            resume,
            views: SectionViews::default(),
            modes: Modes::default(),
            last_frame: None,
            answers: Answers::default(),
            courier: None,
        }
    }

    /// Lets the view's form send messages through `courier`.
    pub fn with_courier(mut self, courier: Courier) -> Self {
        self.courier = Some(courier);
        self
    }

    /// Stores the form's draft through the mailbox (within its time bound).
    async fn send_draft(&self) -> Result<Receipt, SendError> {
        let (Some(courier), Some(draft)) = (&self.courier, self.app.draft()) else {
            return Err(SendError::Disabled);
        };
        courier.service.send_message(&draft, courier.source, Channel::View).await
    }

    /// Distinct sections the visitor has seen.
    pub fn sections_viewed(&self) -> u32 {
        self.views.seen.count_ones()
    }

    /// Which sections the visitor has seen: bit `i` for section `i` (below 64).
    pub fn sections_seen(&self) -> u64 {
        self.views.seen
    }

    /// The visitor's view state (for what the visit leaves behind).
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Runs the view until the visitor quits or closes the channel.
    pub async fn run(&mut self, out: &Output<'_>, inbox: &mut Inbox) -> EndReason {
        match self.event_loop(out, inbox).await {
            Ok(reason) => reason,
            Err(Closed) => EndReason::ClientClosed,
        }
    }

    /// Restores the terminal (when the full screen was up) and says goodbye, after
    /// whatever the pager still had to print, in the visitor's character set.
    pub fn farewell(&mut self, reason: EndReason) -> Vec<u8> {
        let linear = self.app.is_linear();
        let text = format!("{}{}\n", self.app.take_linear_output().unwrap_or_default(), reason.farewell());
        let mut bytes = if linear { Vec::new() } else { restore_sequence(&mut self.modes) };
        bytes.extend_from_slice(&crlf(&self.app.theme().profile.printable(&text)));
        bytes
    }

    /// Draws, sends, waits for events, applies them all, and draws again, at most
    /// [`MAX_FRAMES_PER_SECOND`] times a second.
    async fn event_loop(&mut self, out: &Output<'_>, inbox: &mut Inbox) -> Result<EndReason, Closed> {
        // What the visitor's screen shows, while it differs from `app`; `None` for blank.
        let mut shown: Option<Box<App>> = None;
        let mut sending = false;
        loop {
            // A visitor who stops reading holds the next frame back (and, later, this
            // send); the supervisor can still end the visit meanwhile.
            out.traffic().wait_for_room(IN_FLIGHT_BUDGET).await;
            self.send_frame(shown.take().as_deref(), out).await?;
            if std::mem::take(&mut sending) {
                let before = Box::new(self.app.clone());
                let outcome = self.send_draft().await;
                self.app.message_outcome(outcome);
                shown = Some(before);
                continue;
            }
            // The app as the frame just sent shows it, copied when the first change comes.
            let mut before = None;
            match self.wait_for_change(inbox, &mut before).await {
                Ok(send) => sending = send,
                Err(end) => return Ok(end),
            }
            if !sending {
                match self.hold_to_frame_rate(inbox, &mut before).await {
                    Ok(send) => sending = send,
                    Err(end) => return Ok(end),
                }
            }
            shown = before;
        }
    }

    /// Waits until the events change what the visitor sees (the terminal's answers
    /// calling for no other theme change nothing); `Ok(true)` when the form's draft is
    /// to be stored after the frame, `Err` when the visit ends. `before` gets the app
    /// as it was before the first change.
    async fn wait_for_change(
        &mut self,
        inbox: &mut Inbox,
        before: &mut Option<Box<App>>,
    ) -> Result<bool, EndReason> {
        loop {
            match self.next_change(inbox, None, before).await {
                Change::Redraw => return Ok(false),
                Change::Send => return Ok(true),
                Change::Quit => return Err(EndReason::Quit),
                Change::Closed => return Err(EndReason::ClientClosed),
                Change::Deadline => {}
            }
        }
    }

    /// Within one frame interval of the last frame, more events only change what the
    /// next frame shows. `Ok(true)` when the form was sent meanwhile (it is stored
    /// after the frame); `Err` when the visit ends.
    async fn hold_to_frame_rate(
        &mut self,
        inbox: &mut Inbox,
        before: &mut Option<Box<App>>,
    ) -> Result<bool, EndReason> {
        let Some(slot) = self.last_frame.map(|sent| sent + FRAME_INTERVAL) else { return Ok(false) };
        while Instant::now() < slot {
            match self.next_change(inbox, Some(slot), before).await {
                Change::Quit => return Err(EndReason::Quit),
                Change::Closed => return Err(EndReason::ClientClosed),
                Change::Send => return Ok(true),
                Change::Redraw => {}
                Change::Deadline => break,
            }
        }
        Ok(false)
    }

    /// Draws and sends the frame that turns `shown` into the app's state; after the
    /// first one, asks the terminal about itself.
    async fn send_frame(&mut self, shown: Option<&App>, out: &Output<'_>) -> Result<(), Closed> {
        let drawing = std::time::Instant::now();
        let bytes = frame(shown, &mut self.app, &mut self.modes);
        out.metrics().frame_render.observe(drawing.elapsed().as_secs_f64());
        out.send(bytes).await?;
        let first = self.last_frame.replace(Instant::now()).is_none();
        if first {
            out.metrics().first_frame.observe(out.traffic().age().as_secs_f64());
            if let Some(queries) = self.answers.ask(self.app.theme().profile, self.app.is_linear()) {
                out.send(queries).await?;
            }
        }
        self.views.note(&self.app, out);
        Ok(())
    }

    /// Waits for events until one changes what the visitor sees, or until `until`.
    /// The decoder's timers, the wait for the terminal's answers and `until` share one
    /// timer: the earliest of them. `before` gets a copy of the app before the first
    /// event is applied, unless it holds one.
    async fn next_change(
        &mut self,
        inbox: &mut Inbox,
        until: Option<Instant>,
        before: &mut Option<Box<App>>,
    ) -> Change {
        loop {
            if let Some(change) = self.apply_queued(before) {
                return change;
            }
            let typing = self.keyboard.deadline();
            let answers = self.answers.deadline();
            let wake = [typing, answers, until].into_iter().flatten().min();
            tokio::select! {
                chunk = inbox.input.recv() => match chunk {
                    Some(bytes) => self.feed(&bytes),
                    None => return Change::Closed,
                },
                Ok(()) = inbox.size.changed() => {
                    let size = *inbox.size.borrow_and_update();
                    self.events.push(Event::Resize { cols: size.width.into(), rows: size.height.into() });
                }
                _ = sleep_until(wake) => {
                    let now = Instant::now();
                    self.keyboard.expire(now, &mut self.events);
                    if answers.is_some_and(|at| at <= now) {
                        return self.retheme(before);
                    }
                    if until.is_some_and(|at| at <= now) {
                        return Change::Deadline;
                    }
                }
                Ok(()) = self.resume.changed() => {
                    let reloaded = self.resume.borrow_and_update().clone();
                    keep_copy(before, &self.app);
                    self.app.replace_doc(reloaded);
                    return Change::Redraw;
                }
            }
            while let Ok(bytes) = inbox.input.try_recv() {
                self.feed(&bytes);
            }
            if self.answers.note(self.keyboard.take_replies()) {
                return self.retheme(before);
            }
        }
    }

    /// Decodes `bytes` into the queued events.
    fn feed(&mut self, bytes: &[u8]) {
        self.keyboard.feed(bytes, &mut self.events);
    }

    /// Applies the queued events; the change, if they made one.
    fn apply_queued(&mut self, before: &mut Option<Box<App>>) -> Option<Change> {
        if self.events.is_empty() {
            return None;
        }
        keep_copy(before, &self.app);
        match apply(&mut self.app, &mut self.events) {
            Effect::Quit => Some(Change::Quit),
            Effect::Redraw => Some(Change::Redraw),
            Effect::Send => Some(Change::Send),
            Effect::None => None,
        }
    }

    /// The wait for the terminal's answers is over: re-theme when they call for it.
    fn retheme(&mut self, before: &mut Option<Box<App>>) -> Change {
        let profile = self.app.theme().profile;
        let Some(theme) = self.answers.finish(profile) else { return Change::Deadline };
        keep_copy(before, &self.app);
        self.app.set_theme(theme);
        Change::Redraw
    }
}

/// Copies `app` into `before` unless it holds a copy already: the screen shows the app
/// as it was before the first change since the last frame, however many follow.
fn keep_copy(before: &mut Option<Box<App>>, app: &App) {
    before.get_or_insert_with(|| Box::new(app.clone()));
}

/// What the events since the last frame did.
enum Change {
    /// The screen must change.
    Redraw,
    /// Redraw ("Sending…"), then store the form's draft.
    Send,
    Quit,
    /// The visitor closed the channel.
    Closed,
    /// The deadline passed with nothing to draw.
    Deadline,
}

/// Applies the queued events up to a quit or a send (the rest stay queued for after
/// the send); says whether to redraw, quit or send.
fn apply(app: &mut App, events: &mut Vec<Event>) -> Effect {
    let mut effect = Effect::None;
    for index in 0..events.len() {
        match app.handle(&events[index]) {
            Effect::Quit => {
                events.clear();
                return Effect::Quit;
            }
            Effect::Send => {
                events.drain(..=index);
                return Effect::Send;
            }
            Effect::Redraw => effect = Effect::Redraw,
            Effect::None => {}
        }
    }
    events.clear();
    effect
}
