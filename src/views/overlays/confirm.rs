//! A yes-or-no question a view asks before it changes something (a provisioning retry):
//! the question names what will change and where; `confirm` (y) answers yes, `back` (n,
//! Esc) closes it with nothing done. It never reaches into the view that asked: a yes
//! comes back to that view as `View::on_confirmed` with the question's action.
//!
//! The riskiest actions (production, what cannot be undone) ask instead to type the
//! target's name ([`Confirm::typed`]): keys go into a field, Enter answers yes only when
//! the field holds exactly the name, Esc closes. A question answers once: the overlay is
//! gone with its answer, so a second press of the key never sends twice.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{OverlayOutcome, centred, framed};
use unicode_width::UnicodeWidthStr;

use crate::action::Action;
use crate::ui::Ui;
use crate::words;

/// The question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// The popup's title (`Retry provisioning`).
    pub title: String,
    /// What a yes does, in a sentence.
    pub question: String,
    /// Handed back to the view on a yes.
    pub action: Action,
    /// The name to type to answer yes (the riskiest actions); `None`: `y` answers.
    pub typed: Option<String>,
    /// What has been typed so far.
    pub input: String,
}

impl Confirm {
    /// A yes-or-no question.
    pub fn new(title: impl Into<String>, question: impl Into<String>, action: Action) -> Confirm {
        Confirm {
            title: title.into(),
            question: question.into(),
            action,
            typed: None,
            input: String::new(),
        }
    }

    /// The question answered by typing `name` (production, what cannot be undone).
    pub fn typed(mut self, name: impl Into<String>) -> Confirm {
        self.typed = Some(name.into());
        self
    }

    /// A key while a name must be typed: into the field, Enter checks it.
    pub fn on_key(
        &mut self,
        key: crossterm::event::KeyEvent,
        action: Option<Action>,
    ) -> OverlayOutcome {
        use crossterm::event::{KeyCode, KeyModifiers};
        let Some(name) = self.typed.clone() else {
            return self.on_action(action);
        };
        match key.code {
            KeyCode::Esc => OverlayOutcome::Close,
            KeyCode::Enter if self.input == name => OverlayOutcome::Confirmed(self.action),
            KeyCode::Enter => OverlayOutcome::Stay(Vec::new()),
            KeyCode::Backspace => {
                self.input.pop();
                OverlayOutcome::Stay(Vec::new())
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                OverlayOutcome::Close
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                if self.input.chars().count() < 256 {
                    self.input.push(c);
                }
                OverlayOutcome::Stay(Vec::new())
            }
            _ => OverlayOutcome::Stay(Vec::new()),
        }
    }
    /// The answer to a key's action.
    pub fn on_action(&self, action: Option<Action>) -> OverlayOutcome {
        match action {
            Some(Action::Confirm) => OverlayOutcome::Confirmed(self.action),
            Some(Action::Back) => OverlayOutcome::Close,
            Some(Action::Quit) => OverlayOutcome::Run(Action::Quit),
            _ => OverlayOutcome::Stay(Vec::new()),
        }
    }

    /// Draws the question in the middle of `area`.
    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let width = 64.min(area.width);
        let inner = usize::from(width.saturating_sub(4)).max(1);
        let rows = u16::try_from(self.question.width().div_ceil(inner).max(1)).unwrap_or(1);
        let extra = if self.typed.is_some() { 3 } else { 0 };
        let popup = centred(area, width, rows + 4 + extra);
        let mut lines = vec![
            Line::styled(self.question.clone(), ui.style("text")),
            Line::raw(""),
        ];
        match &self.typed {
            None => lines.push(Line::from(Span::styled(
                words::CONFIRM_NOTE,
                ui.style("text.dim"),
            ))),
            Some(name) => {
                let token = if self.input == *name {
                    "success"
                } else {
                    "warning"
                };
                lines.push(Line::from(Span::styled(
                    words::confirm_type(name),
                    ui.style("text.dim"),
                )));
                lines.push(Line::from(vec![
                    Span::styled("> ", ui.style("text.dim")),
                    Span::styled(self.input.clone(), ui.style(token)),
                    Span::styled("_", ui.style("text.dim")),
                ]));
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(
                    words::CONFIRM_TYPED_NOTE,
                    ui.style("text.dim"),
                )));
            }
        }
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(framed(ui, &self.title)),
            popup,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_confirm_says_yes() {
        let c = Confirm::new("Retry", "Retry?", Action::RetryPhase);
        assert_eq!(
            c.on_action(Some(Action::Confirm)),
            OverlayOutcome::Confirmed(Action::RetryPhase)
        );
        assert_eq!(c.on_action(Some(Action::Back)), OverlayOutcome::Close);
        assert_eq!(c.on_action(None), OverlayOutcome::Stay(Vec::new()));
        assert_eq!(
            c.on_action(Some(Action::Open)),
            OverlayOutcome::Stay(Vec::new()),
            "Enter is not a yes"
        );
    }

    #[test]
    fn a_typed_question_answers_yes_only_to_the_exact_name() {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let k = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
        let mut c = Confirm::new("Promote to production", "Promote?", Action::Promote)
            .typed("payment-rail");
        // `y` is a letter of the field here, not a yes.
        assert_eq!(
            c.on_key(k(KeyCode::Char('y')), Some(Action::Confirm)),
            OverlayOutcome::Stay(Vec::new())
        );
        assert_eq!(c.input, "y");
        c.on_key(k(KeyCode::Backspace), None);
        for ch in "payment-rai".chars() {
            c.on_key(k(KeyCode::Char(ch)), None);
        }
        assert_eq!(
            c.on_key(k(KeyCode::Enter), None),
            OverlayOutcome::Stay(Vec::new())
        );
        c.on_key(k(KeyCode::Char('l')), None);
        assert_eq!(
            c.on_key(k(KeyCode::Enter), None),
            OverlayOutcome::Confirmed(Action::Promote)
        );
        assert_eq!(c.on_key(k(KeyCode::Esc), None), OverlayOutcome::Close);
    }
}
