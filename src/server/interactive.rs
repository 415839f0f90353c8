//! The visitor's full-screen view, as a [`View`] the [`Screen`](super::screen::Screen)
//! drives: the visitor's `App` over the résumé in service, the questions asked of their
//! terminal after the first frame ([`Answers`]), the sections they have seen, and
//! where the "Write to me" form's drafts go.
//!
//! Besides keys it wakes for a reload (SIGHUP: the new résumé, at the reader's place)
//! and for the end of the wait for the terminal's answers (which may call for another
//! theme). When the visitor sends the form ([`Effect::Send`] with its draft) the screen
//! draws "Sending…", then [`View::work`] asks the mailbox to store the draft (which
//! answers within its time bound, so the visit never waits longer) and hands the
//! answer to the app.

use std::net::IpAddr;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::time::Instant;

use super::end_reason::EndReason;
use super::output::{Output, crlf};
use super::screen::{Next, View, restore_sequence};
use super::terminal::{Kept, Modes};
use super::terminal_queries::Answers;
use crate::messages::mailbox::Mailbox;
use crate::messages::{Channel, Draft, SendError};
use crate::resume::Loaded;
use crate::tui::input::Reply;
use crate::tui::{App, Effect, Event};

mod frame;

use frame::SectionViews;

/// Where the form's drafts go: the server's mailbox, and who sends them.
pub struct Sender {
    pub mailbox: Arc<Mailbox>,
    /// The visitor's address (the PROXY header's where trusted), for the limits.
    pub source: IpAddr,
}

/// One visitor's interactive view.
pub struct Interactive {
    app: App,
    /// The résumé in service; changes on SIGHUP.
    resume: watch::Receiver<Arc<Loaded>>,
    views: SectionViews,
    /// What the terminal says about itself after the first frame.
    answers: Answers,
    /// `None` when this server takes no messages.
    sender: Option<Sender>,
    /// Which screen the last frame left in the thread's spare buffers.
    kept: Kept,
}

/// A new résumé is in service (what wakes the view besides input and its timer, the
/// end of the wait for the terminal's answers).
pub struct Reloaded;

impl Interactive {
    /// `resume` is marked seen: only a later reload redraws.
    pub fn new(app: App, mut resume: watch::Receiver<Arc<Loaded>>, sender: Option<Sender>) -> Self {
        resume.mark_unchanged();
        let (views, answers, kept) = (SectionViews::default(), Answers::default(), Kept::default());
        Self { app, resume, views, answers, sender, kept }
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

    /// Re-themes when the terminal's answers call for it; true when the theme changed.
    fn retheme(&mut self) -> bool {
        let profile = self.app.theme().profile;
        let Some(theme) = self.answers.finish(profile) else { return false };
        self.app.set_theme(theme);
        true
    }
}

impl View for Interactive {
    type State = App;
    type Work = Draft;
    type Wake = Reloaded;

    fn state(&self) -> &App {
        &self.app
    }

    fn handle(&mut self, event: &Event) -> Next<Draft> {
        match self.app.handle(event) {
            Effect::None => Next::Unchanged,
            Effect::Redraw => Next::Redraw,
            Effect::Quit => Next::Quit,
            Effect::Send(draft) => Next::Work(draft),
        }
    }

    async fn work(&mut self, draft: Draft) {
        let outcome = match &self.sender {
            Some(sender) => sender.mailbox.send(&draft, sender.source, Channel::View).await,
            None => Err(SendError::Disabled),
        };
        self.app.message_outcome(outcome);
    }

    fn deadline(&self) -> Option<Instant> {
        self.answers.deadline()
    }

    async fn wake(&mut self) -> Reloaded {
        match self.resume.changed().await {
            Ok(()) => Reloaded,
            // The service outlives every visit; should it not, nothing reloads again.
            Err(_) => std::future::pending().await,
        }
    }

    async fn woken(&mut self, wake: Option<Reloaded>) -> bool {
        match wake {
            Some(Reloaded) => {
                let reloaded = self.resume.borrow_and_update().clone();
                self.app.replace_doc(reloaded);
                true
            }
            None => self.retheme(),
        }
    }

    fn replies(&mut self, replies: Vec<Reply>) -> bool {
        self.answers.note(replies) && self.retheme()
    }

    fn input_lost(&mut self, bytes: u64) -> bool {
        tracing::debug!(bytes, "input came faster than the view reads; the visitor was told");
        self.app.input_lost(bytes) == Effect::Redraw
    }

    fn frame(&mut self, shown: Option<&App>, modes: &mut Modes) -> Vec<u8> {
        frame::frame(shown, &mut self.app, modes, &mut self.kept)
    }

    fn sent(&mut self, first: bool, out: &Output<'_>) -> Option<Vec<u8>> {
        self.views.note(&self.app, out);
        if !first {
            return None;
        }
        out.metrics().first_frame.observe(out.traffic().age().as_secs_f64());
        self.answers.ask(self.app.theme().profile, self.app.is_linear())
    }

    /// The terminal restored (when the full screen was up) and a goodbye, after
    /// whatever the pager still had to print, in the visitor's character set.
    fn farewell(&mut self, reason: EndReason, modes: &mut Modes) -> Vec<u8> {
        let linear = self.app.is_linear();
        let text = format!("{}{}\n", self.app.take_linear_output().unwrap_or_default(), reason.farewell());
        let mut bytes = if linear { Vec::new() } else { restore_sequence(modes) };
        bytes.extend_from_slice(&crlf(&self.app.theme().profile.printable(&text)));
        bytes
    }
}
