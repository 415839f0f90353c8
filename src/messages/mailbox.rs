//! What every door calls to deliver a visitor's message: intake ([`Draft::validate`]),
//! the hourly limits and de-duplication ([`MessageGate`]), the durable insert within
//! the visitor's time bound, then the owner's notification, the metrics, the insights'
//! count and the one log line. A visitor is told "sent" only once the store has
//! committed.
//!
//! The bound: the store is given a deadline a little before the visitor's bound and
//! rolls back anything it could not commit by then, and the caller stops waiting at the
//! bound itself. So a visitor never waits longer than `timeout`, and "nothing was
//! stored" is true unless the commit itself was under way past the deadline (a disk
//! that stalls inside `fsync`), the one case where a retry may store a message twice.
//!
//! Nothing a visitor typed reaches a log line: `message stored` carries the id, the
//! channel and the size in characters.

use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tracing::{info, warn};

use super::limits::{MessageGate, MessageRates, Verdict};
use super::notify::Notifier;
use super::{Channel, Draft, Receipt, SendError};
use crate::admission::limits::SourceKey;
use crate::record::{Event, Recorder};
use crate::store::{InsertLimits, NewMessage, Store, StoreError};

/// The mailbox's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MailboxSettings {
    pub rates: MessageRates,
    /// Most messages kept; beyond it new ones are refused ("the inbox is full").
    pub max_stored: u64,
    /// Longest a visitor waits for the store.
    pub timeout: Duration,
}

impl Default for MailboxSettings {
    fn default() -> Self {
        Self { rates: MessageRates::default(), max_stored: 10_000, timeout: Duration::from_secs(2) }
    }
}

/// Longest the store's deadline stays before the visitor's bound, leaving time for the
/// answer to come back.
const ANSWER_GRACE: Duration = Duration::from_millis(250);

/// The messages door-independent part: one per server.
pub struct Mailbox {
    store: Arc<dyn Store>,
    settings: MailboxSettings,
    gate: Mutex<MessageGate>,
    /// Where stored and refused messages are counted; its redactor keys the limits.
    recorder: Arc<Recorder>,
    /// The owner's webhook, when asked for.
    notifier: Option<Notifier>,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("store", &self.store.describe())
            .field("settings", &self.settings)
            .finish()
    }
}

impl Mailbox {
    /// A mailbox over `store`, counting in `recorder` and telling the owner through
    /// `notifier` (when there is one) about each stored message.
    pub fn new(
        store: Arc<dyn Store>,
        settings: MailboxSettings,
        recorder: Arc<Recorder>,
        notifier: Option<Notifier>,
    ) -> Self {
        let gate = Mutex::new(MessageGate::new(settings.rates));
        Self { store, settings, gate, recorder, notifier }
    }

    /// The store, for the owner's commands and tests.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn settings(&self) -> &MailboxSettings {
        &self.settings
    }

    fn gate(&self) -> MutexGuard<'_, MessageGate> {
        self.gate.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Delivers `draft` from `source` through `channel`: counted, logged, and the owner
    /// notified when stored.
    pub async fn send(&self, draft: &Draft, source: IpAddr, channel: Channel) -> Result<Receipt, SendError> {
        let started = Instant::now();
        let result = self.deliver(draft, source, channel).await;
        match &result {
            Ok((receipt, chars, fresh)) => {
                if *fresh {
                    let took = started.elapsed();
                    self.recorder.record(Event::MessageStored { channel: channel.as_str(), took });
                }
                info!(
                    id = receipt.id,
                    chars,
                    channel = channel.as_str(),
                    duplicate = !fresh,
                    "message stored"
                );
            }
            Err(err) => {
                self.recorder.record(Event::MessageRefused { reason: err.reason() });
                info!(reason = err.reason(), channel = channel.as_str(), "message not stored");
            }
        }
        result.map(|(receipt, _, _)| receipt)
    }

    /// The receipt, the message's size in characters, and whether it is new (not a
    /// duplicate of today's).
    async fn deliver(
        &self,
        draft: &Draft,
        source: IpAddr,
        channel: Channel,
    ) -> Result<(Receipt, usize, bool), SendError> {
        let redactor = &self.recorder.redactor;
        let message = draft.validate()?;
        let chars = message.chars();
        let address = SourceKey::from(source);
        let (address_key, day) = redactor.keyed(address);
        let (text_key, _) = redactor.keyed((address, &message.name, &message.reply_to, &message.body));
        let reservation = match self.gate().check(address_key, text_key, day, Instant::now()) {
            Verdict::Duplicate(id) => return Ok((Receipt { id }, chars, false)),
            Verdict::Refused { per_address } => return Err(SendError::RateLimited { per_address }),
            Verdict::Reserved(reservation) => reservation,
        };
        let new = NewMessage::now(message, channel);
        match self.insert(new.clone()).await {
            Ok(id) => {
                self.gate().stored(text_key, id, day);
                if let Some(notifier) = &self.notifier {
                    notifier.notify(id, &new);
                }
                Ok((Receipt { id }, chars, true))
            }
            Err(err) => {
                self.gate().release(reservation);
                Err(err)
            }
        }
    }

    /// The insert, bounded by the visitor's timeout.
    async fn insert(&self, new: NewMessage) -> Result<i64, SendError> {
        let timeout = self.settings.timeout;
        let deadline = Instant::now() + timeout.saturating_sub(ANSWER_GRACE.min(timeout / 4));
        let limits = InsertLimits { max_stored: self.settings.max_stored, deadline };
        match tokio::time::timeout(timeout, self.store.insert(new, limits)).await {
            Ok(Ok(id)) => Ok(id),
            Ok(Err(StoreError::Full { max })) => {
                warn!(
                    max,
                    "the inbox is full: a message was refused; read and delete some with `ssh-resume inbox`"
                );
                Err(SendError::InboxFull)
            }
            Ok(Err(err)) => {
                warn!(error = %err, "the message store failed; the visitor was told nothing was stored");
                Err(SendError::Unavailable)
            }
            Err(_) => {
                warn!(timeout_ms = timeout.as_millis(), "the message store did not answer in time");
                Err(SendError::Unavailable)
            }
        }
    }
}
