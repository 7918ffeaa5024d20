//! A yes-or-no question a view asks before it changes something (a provisioning retry):
//! the question names what will change and where; `confirm` (y) answers yes, `back` (n,
//! Esc) closes it with nothing done. It never reaches into the view that asked: a yes
//! comes back to that view as `View::on_confirmed` with the question's action.

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
}

impl Confirm {
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
        let popup = centred(area, width, rows + 4);
        let lines = vec![
            Line::styled(self.question.clone(), ui.style("text")),
            Line::raw(""),
            Line::from(Span::styled(words::CONFIRM_NOTE, ui.style("text.dim"))),
        ];
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
        let c = Confirm {
            title: "Retry".into(),
            question: "Retry?".into(),
            action: Action::RetryPhase,
        };
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
}
