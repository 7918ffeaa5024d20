//! The multi-line comment editor of a review (approve, request changes, reject), built on
//! `ratatui-textarea`: a title naming the decision and the promotion, the text, a line for
//! what is wrong (a comment the decision requires) and the keys. Ctrl-S sends; Esc cancels,
//! asking first when the comment is not empty. It never sends anything itself: the text
//! goes back to the view that opened it as `View::on_composed`, which keeps it as a draft
//! so a failed review can be tried again with the same words.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use super::{OverlayOutcome, centred, framed};
use crate::action::Action;
use crate::ui::Ui;
use crate::words;

/// The editor.
#[derive(Debug, Clone)]
pub struct Compose {
    /// The popup's title (`Approve promotion #42 · payment-rail → digital-channels-uat`).
    pub title: String,
    /// The decision it writes a comment for; handed back with the text.
    pub action: Action,
    /// Whether the decision needs a comment (request changes, reject).
    pub required: bool,
    /// What is wrong with the comment, or a note from the view (why the last try failed).
    pub message: Option<String>,
    /// Esc was pressed on a non-empty comment: y throws it away, n keeps editing.
    pub discarding: bool,
    text: TextArea<'static>,
}

impl PartialEq for Compose {
    fn eq(&self, other: &Self) -> bool {
        self.title == other.title
            && self.action == other.action
            && self.required == other.required
            && self.message == other.message
            && self.discarding == other.discarding
            && self.text() == other.text()
    }
}

impl Compose {
    /// An editor holding `draft`, with the cursor at its end.
    pub fn new(title: String, action: Action, required: bool, draft: &str) -> Compose {
        let lines: Vec<String> = if draft.is_empty() {
            vec![String::new()]
        } else {
            draft.split('\n').map(str::to_string).collect()
        };
        let mut text = TextArea::new(lines);
        text.move_cursor(ratatui_textarea::CursorMove::Bottom);
        text.move_cursor(ratatui_textarea::CursorMove::End);
        text.set_placeholder_text(if required {
            words::COMMENT_PLACEHOLDER_REQUIRED
        } else {
            words::COMMENT_PLACEHOLDER
        });
        Compose {
            title,
            action,
            required,
            message: None,
            discarding: false,
            text,
        }
    }

    /// Says what to write when the editor is empty (instead of a review's words).
    pub fn with_placeholder(mut self, placeholder: &str) -> Compose {
        self.text.set_placeholder_text(placeholder);
        self
    }

    /// The comment as written.
    pub fn text(&self) -> String {
        self.text.lines().join("\n")
    }

    /// A key: Ctrl-S sends, Esc cancels (asking first), anything else edits.
    pub fn on_key(&mut self, key: KeyEvent) -> OverlayOutcome {
        let stay = OverlayOutcome::Stay(Vec::new());
        if self.discarding {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => OverlayOutcome::Composed {
                    action: self.action,
                    text: String::new(),
                    send: false,
                },
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    self.discarding = false;
                    stay
                }
                _ => stay,
            };
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('s') if ctrl => {
                let text = self.text();
                if self.required && text.trim().is_empty() {
                    self.message = Some(words::comment_required(self.action));
                    return stay;
                }
                OverlayOutcome::Composed {
                    action: self.action,
                    text,
                    send: true,
                }
            }
            KeyCode::Esc => {
                if self.text().trim().is_empty() {
                    OverlayOutcome::Composed {
                        action: self.action,
                        text: String::new(),
                        send: false,
                    }
                } else {
                    self.discarding = true;
                    stay
                }
            }
            _ => {
                self.text.input(key);
                stay
            }
        }
    }

    /// Pasted text goes in at the cursor.
    pub fn paste(&mut self, text: &str) {
        if !self.discarding {
            self.text.insert_str(text.replace('\r', ""));
        }
    }

    /// Draws the editor in the middle of `area`.
    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let popup = centred(area, 76, 14);
        frame.render_widget(Clear, popup);
        let block = framed(ui, &self.title);
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let [text_area, message, keys] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(2),
            Constraint::Length(1),
        ])
        .areas(inner);
        let mut text = self.text.clone();
        text.set_style(ui.style("text"));
        text.set_cursor_line_style(ui.style("text"));
        text.set_cursor_style(ui.style("selection"));
        text.set_placeholder_style(ui.style("text.dim"));
        frame.render_widget(&text, text_area);
        let note = if self.discarding {
            Line::styled(words::COMMENT_DISCARD, ui.style("warning"))
        } else {
            match &self.message {
                Some(m) => Line::styled(m.clone(), ui.style("error")),
                None => Line::raw(""),
            }
        };
        frame.render_widget(
            Paragraph::new(note).wrap(ratatui::widgets::Wrap { trim: true }),
            message,
        );
        let key = ui.style("hint.key");
        let dim = ui.style("hint.text");
        let hint = if self.discarding {
            Line::from(vec![
                Span::styled("y", key),
                Span::styled(words::COMPOSE_DISCARD_YES, dim),
                Span::styled("n", key),
                Span::styled(words::COMPOSE_DISCARD_NO, dim),
            ])
        } else {
            Line::from(vec![
                Span::styled("Ctrl-S", key),
                Span::styled(words::COMPOSE_SEND, dim),
                Span::styled("Esc", key),
                Span::styled(words::COMPOSE_CANCEL, dim),
            ])
        };
        frame.render_widget(Paragraph::new(hint), keys);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl_s() -> KeyEvent {
        KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
    }

    fn typed(c: &mut Compose, text: &str) {
        for ch in text.chars() {
            let code = if ch == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(ch)
            };
            let _ = c.on_key(key(code));
        }
    }

    #[test]
    fn ctrl_s_sends_the_lines_written() {
        let mut c = Compose::new("Approve".into(), Action::Approve, false, "");
        typed(&mut c, "looks good\nshipped on stg");
        assert_eq!(
            c.on_key(ctrl_s()),
            OverlayOutcome::Composed {
                action: Action::Approve,
                text: "looks good\nshipped on stg".into(),
                send: true
            }
        );
    }

    #[test]
    fn an_approval_may_go_without_a_comment_a_rejection_may_not() {
        let mut c = Compose::new("Approve".into(), Action::Approve, false, "");
        assert!(matches!(
            c.on_key(ctrl_s()),
            OverlayOutcome::Composed { send: true, .. }
        ));
        let mut c = Compose::new("Reject".into(), Action::Reject, true, "");
        typed(&mut c, "   ");
        assert_eq!(c.on_key(ctrl_s()), OverlayOutcome::Stay(Vec::new()));
        assert_eq!(c.message, Some(words::comment_required(Action::Reject)));
        typed(&mut c, "no");
        assert!(matches!(
            c.on_key(ctrl_s()),
            OverlayOutcome::Composed { send: true, .. }
        ));
    }

    #[test]
    fn esc_asks_before_throwing_a_comment_away() {
        let mut c = Compose::new("Reject".into(), Action::Reject, true, "half a thought");
        assert_eq!(c.text(), "half a thought");
        assert_eq!(
            c.on_key(key(KeyCode::Esc)),
            OverlayOutcome::Stay(Vec::new())
        );
        assert!(c.discarding);
        // n keeps editing with the text intact.
        assert_eq!(
            c.on_key(key(KeyCode::Char('n'))),
            OverlayOutcome::Stay(Vec::new())
        );
        assert!(!c.discarding);
        assert_eq!(c.text(), "half a thought");
        let _ = c.on_key(key(KeyCode::Esc));
        assert_eq!(
            c.on_key(key(KeyCode::Char('y'))),
            OverlayOutcome::Composed {
                action: Action::Reject,
                text: String::new(),
                send: false
            }
        );
        // An empty editor closes at once.
        let mut c = Compose::new("Approve".into(), Action::Approve, false, "");
        assert!(matches!(
            c.on_key(key(KeyCode::Esc)),
            OverlayOutcome::Composed { send: false, .. }
        ));
    }

    #[test]
    fn pasted_text_lands_at_the_cursor() {
        let mut c = Compose::new("Approve".into(), Action::Approve, false, "a");
        c.paste("b\r\nc");
        assert_eq!(c.text(), "ab\nc");
    }
}
