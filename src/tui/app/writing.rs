//! The "Write to me" form as a layer of the app: `m` opens it (keeping an unsent draft
//! from before), it takes every key but Ctrl-C while open, a paste lands in its focused
//! field, and its [`Step`]s become the app's effects. Sending is the server's: the app
//! says [`Effect::Send`] with the draft it carries, and takes the store's answer in
//! [`App::message_outcome`]. The form's own state and keys are `tui::form`'s.

use super::{App, Effect, Overlay};
use crate::messages::{Receipt, SendError};
use crate::tui::form::{Form, Step};
use crate::tui::input::KeyEvent;

impl App {
    /// `m`: the form over the résumé (and over an open search).
    pub(super) fn open_form(&mut self) -> Effect {
        if self.form.is_none() {
            self.form = Some(Box::new(Form::new(&self.theme)));
        }
        self.overlay = Overlay::Form;
        Effect::Redraw
    }

    pub(crate) fn form(&self) -> Option<&Form> {
        self.form.as_deref().filter(|_| self.overlay == Overlay::Form)
    }

    pub(super) fn on_form_key(&mut self, key: &KeyEvent) -> Effect {
        let Some(form) = self.form.as_mut() else { return Effect::None };
        let step = form.on_key(key);
        self.apply_step(step)
    }

    pub(super) fn paste_into_form(&mut self, text: &str) -> Effect {
        match (self.overlay, self.form.as_mut()) {
            (Overlay::Form, Some(form)) => {
                let step = form.paste(text);
                self.apply_step(step)
            }
            _ => Effect::None,
        }
    }

    fn apply_step(&mut self, step: Step) -> Effect {
        match step {
            Step::Stay(true) => Effect::Redraw,
            Step::Stay(false) => Effect::None,
            Step::Send => match &self.form {
                Some(form) => Effect::Send(form.draft()),
                None => Effect::None,
            },
            Step::Close => {
                self.form = None;
                self.overlay = Overlay::None;
                Effect::Redraw
            }
        }
    }

    /// The store's answer to the last [`Effect::Send`].
    pub fn message_outcome(&mut self, result: Result<Receipt, SendError>) {
        if let Some(form) = self.form.as_mut() {
            form.outcome(result);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{app, press, type_keys};
    use super::*;
    use crate::tui::form::Status;
    use crate::tui::input::{Event, KeyCode, KeyModifiers};

    #[test]
    fn m_opens_the_form_only_when_the_server_takes_messages() {
        let mut off = app(80, 24);
        press(&mut off, KeyCode::Char('m'));
        assert_eq!(off.overlay(), Overlay::None);
        let mut app = app(80, 24).with_messages(true);
        assert_eq!(press(&mut app, KeyCode::Char('m')), Effect::Redraw);
        assert_eq!(app.overlay(), Overlay::Form);
        type_keys(&mut app, "q?s/");
        assert_eq!(app.overlay(), Overlay::Form, "letters are typed, not commands");
        assert_eq!(app.form().map(|f| f.draft().name), Some("q?s/".to_owned()));
    }

    #[test]
    fn sending_hands_out_the_draft_and_the_outcome_comes_back() {
        let mut app = app(80, 24).with_messages(true);
        press(&mut app, KeyCode::Char('m'));
        type_keys(&mut app, "Jane\rjane@example.org\rHello");
        let ctrl_s = Event::Key(KeyEvent::new(KeyCode::Char('s')).modifiers(KeyModifiers::CTRL));
        let Effect::Send(draft) = app.handle(&ctrl_s) else { panic!("Ctrl-S sends the draft") };
        assert_eq!((draft.name.as_str(), draft.body.as_str()), ("Jane", "Hello"));
        assert_eq!(app.form().map(|f| f.status().clone()), Some(Status::Sending));
        app.message_outcome(Ok(Receipt { id: 3 }));
        assert_eq!(app.form().map(|f| f.status().clone()), Some(Status::Sent { id: 3 }));
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.overlay(), Overlay::None);
        assert!(app.form().is_none());
    }

    #[test]
    fn a_paste_reaches_the_form_only_when_it_is_open() {
        let mut app = app(80, 24).with_messages(true);
        assert_eq!(app.handle(&Event::Paste("Jane".into())), Effect::None);
        press(&mut app, KeyCode::Char('m'));
        assert_eq!(app.handle(&Event::Paste("Jane".into())), Effect::Redraw);
        assert_eq!(app.form().map(|f| f.draft().name), Some("Jane".to_owned()));
    }

    #[test]
    fn ctrl_c_still_quits_from_the_form() {
        let mut app = app(80, 24).with_messages(true);
        press(&mut app, KeyCode::Char('m'));
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c')).modifiers(KeyModifiers::CTRL));
        assert_eq!(app.handle(&ctrl_c), Effect::Quit);
    }
}
