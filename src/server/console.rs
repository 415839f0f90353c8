//! The owner console, for a visit logged in under the owner's name with one of the
//! owner's keys, as a [`View`] the [`Screen`](super::screen::Screen) drives: the pure
//! [`Console`] over the live figures — the last 24 hours' insights with what is not
//! flushed yet, visitors online now, the inbox — read again every `console_refresh`,
//! and what the owner asks of the store carried out. The screen draws a frame only when
//! what the owner sees changed, at its pace and within its output budget (a slow
//! client also holds back the refreshes it would be sent).
//!
//! Without a terminal, the owner gets the report printed once ([`owner_report`]).

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::end_reason::EndReason;
use super::output::{Output, crlf};
use super::screen::{Next, View, enter_sequence, restore_sequence};
use super::terminal::{self, Modes};
use crate::insights::range::{Hours, When};
use crate::insights::render::{self, Layout};
use crate::insights::report::Report;
use crate::service::Service;
use crate::store::{Store, StoreError, Stored, Which, now_ms};
use crate::tui::Event;
use crate::tui::console::{Action, Console, Effect, Letter, MAX_LISTED};
use crate::tui::input::Reply;

/// Longest the console waits for the store on one refresh or action.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the report covers: the last day.
const REPORT_SPAN: Duration = Duration::from_secs(24 * 3600);

/// One owner's console.
pub struct OwnerConsole {
    console: Console,
    service: Arc<Service>,
    refresh: Duration,
    next_refresh: Instant,
}

impl OwnerConsole {
    pub fn new(console: Console, service: Arc<Service>, refresh: Duration) -> Self {
        Self { console, service, refresh, next_refresh: Instant::now() + refresh }
    }

    /// Reads the live figures once before the first frame, so it shows them.
    pub async fn open(&mut self) {
        tracing::info!("owner console opened");
        self.refresh_figures().await;
        self.next_refresh = Instant::now() + self.refresh;
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

impl View for OwnerConsole {
    type State = Console;
    type Work = Action;
    /// Only the refresh timer wakes the console.
    type Wake = std::convert::Infallible;

    fn state(&self) -> &Console {
        &self.console
    }

    fn handle(&mut self, event: &Event) -> Next<Action> {
        match self.console.handle(event) {
            Effect::None => Next::Unchanged,
            Effect::Redraw => Next::Redraw,
            Effect::Quit => Next::Quit,
            Effect::Act(action) => Next::Work(action),
        }
    }

    async fn work(&mut self, action: Action) {
        self.act(action).await;
    }

    fn deadline(&self) -> Option<Instant> {
        Some(self.next_refresh)
    }

    async fn wake(&mut self) -> std::convert::Infallible {
        std::future::pending().await
    }

    /// The refresh is due: the figures are read again; the screen changes only when
    /// they did.
    async fn woken(&mut self, _refresh: Option<std::convert::Infallible>) -> bool {
        let before = self.console.clone();
        self.refresh_figures().await;
        self.next_refresh = Instant::now() + self.refresh;
        self.console != before
    }

    /// The console asks the terminal nothing: whatever it answers is dropped.
    fn replies(&mut self, _replies: Vec<Reply>) -> bool {
        false
    }

    fn input_lost(&mut self, bytes: u64) -> bool {
        self.console.show_status(Some(format!("{bytes} bytes of input came too fast and were dropped")));
        true
    }

    fn frame(&mut self, shown: Option<&Console>, modes: &mut Modes) -> Vec<u8> {
        let size = self.console.size();
        match shown {
            Some(shown) => terminal::redraw(Some((shown, shown.size())), &self.console, size, modes),
            None => {
                let mut bytes = enter_sequence(modes);
                bytes.extend_from_slice(&terminal::redraw(None, &self.console, size, modes));
                bytes
            }
        }
    }

    fn sent(&mut self, _first: bool, _out: &Output<'_>) -> Option<Vec<u8>> {
        None
    }

    /// The terminal restored and a goodbye.
    fn farewell(&mut self, _reason: EndReason, modes: &mut Modes) -> Vec<u8> {
        let mut bytes = restore_sequence(modes);
        bytes.extend_from_slice(&crlf("Console closed.\n"));
        bytes
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
