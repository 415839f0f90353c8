//! The one driver of every full-screen loop. The visitor's view
//! ([`interactive`](super::interactive)) and the owner's console
//! ([`console`](super::console)) are two [`View`]s behind it; the [`Screen`] owns what
//! both need: the input decoder and its timers, the events decoded but not applied yet,
//! the copy of the state the visitor's screen shows, the terminal modes the frames left,
//! and the pacing.
//!
//! The loop draws a frame, sends it as one write and waits for it to be queued, then
//! waits for the next change. Everything that arrives within one frame interval of the
//! last frame (a burst of keys, several resizes) is applied before the next frame, so
//! frames never queue up, at most [`MAX_FRAMES_PER_SECOND`] are drawn, and the last
//! state is always drawn. A visitor whose client stops reading holds the next frame back
//! until no more than [`IN_FLIGHT_BUDGET`] of output waits in russh's buffers.
//!
//! The state is copied before the first change after a frame, however many changes
//! follow, so the next frame is the difference from what the screen shows; a copy is the
//! view's business (the visitor's app shares its résumé, the console its messages).
//!
//! When an event asks for work ([`Next::Work`]: store the visitor's draft, act on the
//! owner's store), the frame that shows it ("Sending…") goes first, then the work; keys
//! typed meanwhile stay queued and are applied after it. The connection's supervisor
//! ends the loop for timers and shutdown by dropping the future, then asks
//! [`Screen::farewell`] for the bytes that restore the terminal.

use std::time::Duration;

use tokio::time::Instant;

use super::end_reason::EndReason;
use super::input::{Input, InputEnd};
use super::keyboard::{Keyboard, sleep_until};
use super::output::{Closed, Output};
use super::terminal::Modes;
use crate::escape;
use crate::tui::Event;
use crate::tui::input::Reply;

/// Output a visit lets wait in russh's buffers before it draws its next frame, in
/// bytes: the frame after that is drawn from the state at the moment there is room, so
/// a visitor whose client stopped reading costs at most this plus one frame.
pub const IN_FLIGHT_BUDGET: u64 = 16 * 1024;

/// Most frames a visit draws in a second, however fast keys and resizes arrive: 60,
/// a display's refresh rate; the last state is always drawn.
pub const MAX_FRAMES_PER_SECOND: u32 = 60;

/// The least time between two frames, from [`MAX_FRAMES_PER_SECOND`].
pub const FRAME_INTERVAL: Duration = Duration::from_micros(1_000_000 / MAX_FRAMES_PER_SECOND as u64);

/// What an event asks of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next<W> {
    /// Nothing visible changed.
    Unchanged,
    Redraw,
    Quit,
    /// Draw, then carry out `W` ([`View::work`]), then draw again.
    Work(W),
}

/// A full-screen view the [`Screen`] drives: a pure state it draws, and what the view
/// does besides reacting to keys (reloads, timers, work for the store).
pub trait View: Send {
    /// What is drawn, and copied as what the screen shows.
    type State: Clone + Send + Sync;
    /// What an event asks to be done after the frame that shows it.
    type Work: Send;
    /// What woke the view without the visitor's input.
    type Wake: Send;

    fn state(&self) -> &Self::State;

    /// Applies one event.
    fn handle(&mut self, event: &Event) -> Next<Self::Work>;

    /// Carries out what an event asked for; the state shows the result.
    fn work(&mut self, work: Self::Work) -> impl Future<Output = ()> + Send;

    /// When the view's own timer runs out (a wait, a refresh), if one runs: it shares
    /// the screen's one timer with the input decoder's.
    fn deadline(&self) -> Option<Instant>;

    /// Resolves when something besides the visitor's input and the timer calls on the
    /// view (a reload). Cancel-safe: dropped whenever input comes first.
    fn wake(&mut self) -> impl Future<Output = Self::Wake> + Send;

    /// Handles what woke the view — `None` for its timer — `true` when the screen must
    /// change.
    fn woken(&mut self, wake: Option<Self::Wake>) -> impl Future<Output = bool> + Send;

    /// The terminal's answers to what it was asked; `true` when the screen must change.
    fn replies(&mut self, replies: Vec<Reply>) -> bool;

    /// `bytes` of input came faster than the visit reads and were dropped: the view
    /// says so (`true`: the screen changes to show it), so nothing is lost silently.
    fn input_lost(&mut self, bytes: u64) -> bool;

    /// The bytes that turn a screen showing `shown` (`None`: whatever the terminal had
    /// before the view) into one showing the state, from the terminal `modes` the last
    /// frame left (updated to what this one leaves).
    fn frame(&mut self, shown: Option<&Self::State>, modes: &mut Modes) -> Vec<u8>;

    /// After each frame was queued (`first` for the first): what to send after it, if
    /// anything (the visitor's terminal queries).
    fn sent(&mut self, first: bool, out: &Output<'_>) -> Option<Vec<u8>>;

    /// What the visitor reads last: the terminal restored, a farewell.
    fn farewell(&mut self, reason: EndReason, modes: &mut Modes) -> Vec<u8>;
}

/// One full-screen loop over a [`View`].
pub struct Screen<V: View> {
    view: V,
    /// The state as the screen shows it, copied before the first change since the last
    /// frame; `None` while the screen shows it as it is (or before the first frame).
    shown: Option<Box<V::State>>,
    keyboard: Keyboard,
    events: Vec<Event>,
    /// The SGR pen and scroll region the frames left the terminal in.
    modes: Modes,
    /// When the last frame was sent; `None` before the first.
    last_frame: Option<Instant>,
}

/// What the loop does next.
enum Step<W> {
    Draw,
    /// Draw, then carry out the work.
    Work(W),
    End(EndReason),
}

/// What the events since the last frame did.
enum Change<W> {
    Redraw,
    Work(W),
    End(EndReason),
    /// The deadline passed with nothing (more) to draw.
    Deadline,
}

impl<V: View> Screen<V> {
    pub fn new(view: V) -> Self {
        Self {
            view,
            shown: None,
            keyboard: Keyboard::new(),
            events: Vec::new(),
            modes: Modes::default(),
            last_frame: None,
        }
    }

    pub fn view(&self) -> &V {
        &self.view
    }

    pub fn view_mut(&mut self) -> &mut V {
        &mut self.view
    }

    /// Runs the view until the visitor quits or closes the channel.
    pub async fn run(&mut self, out: &Output<'_>, input: &mut Input) -> EndReason {
        match self.drive(out, input).await {
            Ok(reason) => reason,
            Err(Closed) => EndReason::ClientClosed,
        }
    }

    /// Restores the terminal and says goodbye.
    pub fn farewell(&mut self, reason: EndReason) -> Vec<u8> {
        self.view.farewell(reason, &mut self.modes)
    }

    async fn drive(&mut self, out: &Output<'_>, input: &mut Input) -> Result<EndReason, Closed> {
        let mut work = None;
        loop {
            // A visitor who stops reading holds the next frame back (and, later, this
            // send); the supervisor can still end the visit meanwhile.
            out.traffic().wait_for_room(IN_FLIGHT_BUDGET).await;
            self.send_frame(out).await?;
            if let Some(work) = work.take() {
                self.keep_copy();
                self.view.work(work).await;
                continue;
            }
            match self.next_step(input).await {
                Step::Draw => {}
                Step::Work(asked) => work = Some(asked),
                // The keys before the client's EOF are shown before the farewell (a
                // script that typed them reads their screen).
                Step::End(EndReason::InputEnded) if self.shown.is_some() => {
                    out.traffic().wait_for_room(IN_FLIGHT_BUDGET).await;
                    self.send_frame(out).await?;
                    return Ok(EndReason::InputEnded);
                }
                Step::End(reason) => return Ok(reason),
            }
        }
    }

    /// Draws and sends the frame from what the screen shows to the state.
    async fn send_frame(&mut self, out: &Output<'_>) -> Result<(), Closed> {
        let drawing = std::time::Instant::now();
        let shown = self.shown.take();
        let bytes = self.view.frame(shown.as_deref(), &mut self.modes);
        out.metrics().frame_render.observe(drawing.elapsed().as_secs_f64());
        out.send(bytes).await?;
        let first = self.last_frame.replace(Instant::now()).is_none();
        if let Some(after) = self.view.sent(first, out) {
            out.send(after).await?;
        }
        Ok(())
    }

    /// Waits for the first change, then within one frame interval of the last frame
    /// applies whatever else comes; says whether to draw, work or end.
    async fn next_step(&mut self, input: &mut Input) -> Step<V::Work> {
        loop {
            match self.next_change(input, None).await {
                Change::Redraw => break,
                Change::Work(work) => return Step::Work(work),
                Change::End(reason) => return Step::End(reason),
                Change::Deadline => {}
            }
        }
        let Some(slot) = self.last_frame.map(|sent| sent + FRAME_INTERVAL) else { return Step::Draw };
        while Instant::now() < slot {
            match self.next_change(input, Some(slot)).await {
                Change::Redraw => {}
                Change::Work(work) => return Step::Work(work),
                Change::End(reason) => return Step::End(reason),
                Change::Deadline => break,
            }
        }
        Step::Draw
    }

    /// Waits for events until one changes what the visitor sees, or until `until`. The
    /// decoder's timers, the view's and `until` share one timer: the earliest of them.
    async fn next_change(&mut self, input: &mut Input, until: Option<Instant>) -> Change<V::Work> {
        loop {
            if let Some(change) = self.apply_queued() {
                return change;
            }
            let view_deadline = self.view.deadline();
            let wake = [self.keyboard.deadline(), view_deadline, until].into_iter().flatten().min();
            tokio::select! {
                chunk = input.keys.recv() => match chunk {
                    Some(bytes) => self.keyboard.feed(&bytes, &mut self.events),
                    None if self.events.is_empty() => return Change::End(ended(input)),
                    // The keys that came before the end are applied first.
                    None => {}
                },
                Ok(()) = input.size.changed() => {
                    let size = *input.size.borrow_and_update();
                    self.events.push(Event::Resize { cols: size.width.into(), rows: size.height.into() });
                }
                _ = sleep_until(wake) => {
                    let now = Instant::now();
                    self.keyboard.expire(now, &mut self.events);
                    if view_deadline.is_some_and(|at| at <= now) {
                        let fresh = self.keep_copy();
                        let changed = self.view.woken(None).await;
                        if self.kept(fresh, changed) {
                            return Change::Redraw;
                        }
                    }
                    if until.is_some_and(|at| at <= now) {
                        return Change::Deadline;
                    }
                }
                woke = self.view.wake() => {
                    let fresh = self.keep_copy();
                    let changed = self.view.woken(Some(woke)).await;
                    if self.kept(fresh, changed) {
                        return Change::Redraw;
                    }
                }
            }
            while let Some(bytes) = input.keys.try_recv() {
                self.keyboard.feed(&bytes, &mut self.events);
            }
            let lost = input.keys.take_lost();
            if lost > 0 {
                let fresh = self.keep_copy();
                let changed = self.view.input_lost(lost);
                if self.kept(fresh, changed) {
                    return Change::Redraw;
                }
            }
            let replies = self.keyboard.take_replies();
            if !replies.is_empty() {
                let fresh = self.keep_copy();
                let changed = self.view.replies(replies);
                if self.kept(fresh, changed) {
                    return Change::Redraw;
                }
            }
        }
    }

    /// Applies the queued events up to a quit or work (the rest stay queued for after
    /// the work); the change, if they made one.
    fn apply_queued(&mut self) -> Option<Change<V::Work>> {
        if self.events.is_empty() {
            return None;
        }
        let fresh = self.keep_copy();
        let mut redraw = false;
        for index in 0..self.events.len() {
            match self.view.handle(&self.events[index]) {
                Next::Quit => {
                    self.events.clear();
                    return Some(Change::End(EndReason::Quit));
                }
                Next::Work(work) => {
                    self.events.drain(..=index);
                    return Some(Change::Work(work));
                }
                Next::Redraw => redraw = true,
                Next::Unchanged => {}
            }
        }
        self.events.clear();
        self.kept(fresh, redraw).then_some(Change::Redraw)
    }

    /// Copies the state as the screen shows it, unless a copy is kept already; `true`
    /// when it made one.
    fn keep_copy(&mut self) -> bool {
        let copy = self.shown.is_none() && self.last_frame.is_some();
        if copy {
            self.shown = Some(Box::new(self.view.state().clone()));
        }
        copy
    }

    /// After a step that `changed` the screen or not: a copy made just for it (`fresh`)
    /// is dropped when nothing visible changed, so a visitor whose keys or terminal
    /// answers change nothing holds no second state while idle. Says `changed`.
    fn kept(&mut self, fresh: bool, changed: bool) -> bool {
        if fresh && !changed {
            self.shown = None;
        }
        changed
    }
}

/// Why the visit ends when its input did: after the client's EOF it leaves as `q`
/// does (farewell, exit 0); a closed channel takes nothing more.
fn ended(input: &Input) -> EndReason {
    match input.keys.end() {
        Some(InputEnd::Eof) => EndReason::InputEnded,
        _ => EndReason::ClientClosed,
    }
}

/// Alternate screen, pen and scroll region reset, cursor hidden, wheel as arrow keys;
/// the frame that follows clears the screen.
pub fn enter_sequence(modes: &mut Modes) -> Vec<u8> {
    *modes = Modes::reset();
    // The alternate screen first: it saves the cursor, which the region's reset homes.
    [
        escape::ALTERNATE_SCREEN_ON,
        escape::SGR_RESET,
        escape::RESET_SCROLL_REGION,
        escape::CURSOR_HIDE,
        escape::ALTERNATE_SCROLL_ON,
    ]
    .concat()
    .into_bytes()
}

/// Everything [`enter_sequence`] and the frames changed, undone: the main screen is back.
pub fn restore_sequence(modes: &mut Modes) -> Vec<u8> {
    *modes = Modes::reset();
    [
        escape::ALTERNATE_SCROLL_OFF,
        escape::SGR_RESET,
        escape::RESET_SCROLL_REGION,
        escape::CURSOR_SHOW,
        escape::ALTERNATE_SCREEN_OFF,
    ]
    .concat()
    .into_bytes()
}
