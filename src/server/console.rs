//! The owner console's loop, for a visit logged in under the owner's name with one of
//! the owner's keys: it owns the pure [`Console`] and the input decoder, refreshes the
//! live figures — the last 24 hours' insights with what is not flushed yet, visitors
//! online now, the inbox — every `console_refresh`, carries out what the owner asks of
//! the store, and draws a frame only when what the owner sees changed: never more than
//! [`MAX_FRAMES_PER_SECOND`], and never while more than [`IN_FLIGHT_BUDGET`] of output
//! waits for a slow client (which then also stops the refreshes it would be sent).
//!
//! Without a terminal, the owner gets the report printed once ([`owner_report`]).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::end_reason::EndReason;
use super::interactive::screen::{enter_sequence, restore_sequence};
use super::interactive::{FRAME_INTERVAL, IN_FLIGHT_BUDGET, Inbox};
use super::keyboard::{Keyboard, sleep_until};
use super::output::{Closed, Output, crlf};
use super::terminal::{self, Modes};
use crate::insights::range::{Hours, When};
use crate::insights::render::{self, Layout};
use crate::insights::report::Report;
use crate::service::Service;
use crate::store::{Store, StoreError, Stored, Which, now_ms};
use crate::tui::Event;
use crate::tui::console::{Action, Console, Effect, Letter, MAX_LISTED};

/// Longest the console waits for the store on one refresh or action.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the report covers: the last day.
const REPORT_SPAN: Duration = Duration::from_secs(24 * 3600);

/// One owner's console.
pub struct OwnerConsole {
    console: Console,
    /// What the owner's screen shows (`None`: blank).
    shown: Option<Console>,
    /// The input decoder and its timers.
    keyboard: Keyboard,
    events: Vec<Event>,
    last_frame: Option<Instant>,
    service: Arc<Service>,
    refresh: Duration,
    /// The SGR pen and scroll region the frames left the terminal in.
    modes: Modes,
}

impl OwnerConsole {
    pub fn new(console: Console, service: Arc<Service>, refresh: Duration) -> Self {
        let (shown, keyboard, events, modes) = (None, Keyboard::new(), Vec::new(), Modes::default());
        Self { console, shown, keyboard, events, last_frame: None, service, refresh, modes }
    }

    /// Runs the console until the owner quits or closes the channel.
    pub async fn run(&mut self, out: &Output<'_>, inbox: &mut Inbox) -> EndReason {
        tracing::info!("owner console opened");
        match self.event_loop(out, inbox).await {
            Ok(reason) => reason,
            Err(Closed) => EndReason::ClientClosed,
        }
    }

    /// The terminal restored and a goodbye.
    pub fn farewell(&mut self) -> Vec<u8> {
        let mut bytes = restore_sequence(&mut self.modes);
        bytes.extend_from_slice(&crlf("Console closed.\n"));
        bytes
    }

    async fn event_loop(&mut self, out: &Output<'_>, inbox: &mut Inbox) -> Result<EndReason, Closed> {
        out.send(enter_sequence(&mut self.modes)).await?;
        self.refresh_figures().await;
        let mut next_refresh = Instant::now() + self.refresh;
        loop {
            self.draw(out).await?;
            let typing = self.keyboard.deadline();
            tokio::select! {
                chunk = inbox.input.recv() => match chunk {
                    Some(bytes) => self.feed(&bytes),
                    None => return Ok(EndReason::ClientClosed),
                },
                Ok(()) = inbox.size.changed() => {
                    let size = *inbox.size.borrow_and_update();
                    self.events.push(Event::Resize { cols: size.width.into(), rows: size.height.into() });
                }
                _ = sleep_until(typing) => self.keyboard.expire(Instant::now(), &mut self.events),
                _ = tokio::time::sleep_until(next_refresh) => {
                    self.refresh_figures().await;
                    next_refresh = Instant::now() + self.refresh;
                }
            }
            while let Ok(bytes) = inbox.input.try_recv() {
                self.feed(&bytes);
            }
            if self.apply_events().await {
                return Ok(EndReason::Quit);
            }
        }
    }

    /// Applies the queued events; true when the owner quit.
    async fn apply_events(&mut self) -> bool {
        for event in std::mem::take(&mut self.events) {
            match self.console.handle(&event) {
                Effect::Quit => return true,
                Effect::Act(action) => self.act(action).await,
                Effect::Redraw | Effect::None => {}
            }
        }
        false
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.keyboard.feed(bytes, &mut self.events);
        // The console asks the terminal nothing: whatever it answers is dropped.
        let _ = self.keyboard.take_replies();
    }

    /// Sends a frame when the screen differs from the console, within the frame rate and
    /// once the client has taken most of what it was sent.
    async fn draw(&mut self, out: &Output<'_>) -> Result<(), Closed> {
        if self.shown.as_ref() == Some(&self.console) {
            return Ok(());
        }
        if let Some(slot) = self.last_frame.map(|sent| sent + FRAME_INTERVAL) {
            tokio::time::sleep_until(slot).await;
        }
        out.traffic().wait_for_room(IN_FLIGHT_BUDGET).await;
        let before = self.shown.as_ref().map(|shown| (shown, shown.size()));
        let bytes = terminal::redraw(before, &self.console, self.console.size(), &mut self.modes);
        out.send(bytes).await?;
        self.last_frame = Some(Instant::now());
        self.shown = Some(self.console.clone());
        Ok(())
    }

    /// The store of messages, when this server takes them.
    fn store(&self) -> Option<&Arc<dyn Store>> {
        self.service.mailbox.as_ref().map(|mailbox| mailbox.store())
    }

    /// Reads the report, the visitors online and the inbox again.
    async fn refresh_figures(&mut self) {
        let report = bounded(report(&self.service)).await;
        let letters = match self.store() {
            Some(store) => bounded(inbox(store.as_ref())).await.map(Some),
            None => Ok(None),
        };
        let status = match (&report, &letters) {
            (Err(err), _) | (_, Err(err)) => Some(format!("the store: {err}")),
            _ if !self.service.insights.is_on() => Some("visit insights are off".to_owned()),
            _ => None,
        };
        if let Ok(report) = report {
            let unread = letters.as_ref().ok().and_then(|l| l.as_ref().map(|(_, unread)| *unread));
            self.console.show_report(report.with_unread(unread));
        }
        if let Ok(Some((letters, unread))) = letters {
            self.console.show_inbox(letters, unread);
        }
        if status.is_some() || self.console.status().is_some_and(|s| s.starts_with("the store")) {
            self.console.show_status(status);
        }
    }

    /// Carries out what the owner asked, then reads the inbox again.
    async fn act(&mut self, action: Action) {
        let Some(store) = self.store().cloned() else {
            self.console.show_status(Some("messages are off on this server".to_owned()));
            return;
        };
        let done = match action {
            Action::MarkRead(id) => {
                bounded(async { store.mark_read(Which::One(id)).await.map(|_| format!("#{id} marked read")) })
                    .await
            }
            Action::Delete(id) => {
                bounded(async { store.delete(id).await.map(|()| format!("#{id} deleted")) }).await
            }
        };
        tracing::info!(action = ?action, ok = done.is_ok(), "owner console");
        self.console.show_status(Some(done.unwrap_or_else(|err| format!("not done: {err}"))));
        self.refresh_figures().await;
    }
}

/// `work`, or an error when the store does not answer within [`STORE_TIMEOUT`].
async fn bounded<T>(work: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
    tokio::time::timeout(STORE_TIMEOUT, work).await.unwrap_or(Err(StoreError::Busy))
}

/// The last day's report with the visitors online now.
async fn report(service: &Service) -> Result<Report, StoreError> {
    let hours = Hours::between(When::Ago(REPORT_SPAN), None, now_ms()).unwrap_or(Hours { from: 0, to: 1 });
    let rows = service.insights.counts(hours.from, hours.to).await?;
    Ok(Report::build(&rows, hours).with_online(service.insights.online()))
}

/// The newest messages and the unread count.
async fn inbox(store: &dyn Store) -> Result<(Vec<Letter>, u64), StoreError> {
    let stored = store.list(MAX_LISTED).await?;
    let unread = store.unread().await?;
    Ok((stored.into_iter().map(letter).collect(), unread))
}

fn letter(stored: Stored) -> Letter {
    Letter {
        id: stored.id,
        received: crate::insights::range::shown(stored.received_ms),
        channel: stored.channel.as_str(),
        name: stored.name,
        reply_to: stored.reply_to,
        body: stored.body,
        read: stored.read,
    }
}

/// The last day's report as the owner's exec answer: text (ASCII, as `stats` prints
/// when piped) or JSON.
pub async fn owner_report(service: &Service, json: bool) -> Result<String, StoreError> {
    let unread = match service.mailbox.as_ref() {
        Some(mailbox) => Some(bounded(mailbox.store().unread()).await?),
        None => None,
    };
    let report = bounded(report(service)).await?.with_unread(unread);
    Ok(if json {
        format!("{}\n", report.to_json())
    } else {
        render::text(&report, Layout { width: 80, ascii: true }, false)
    })
}
