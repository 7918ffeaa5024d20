//! The multi-line comment editor of a review (approve, request changes, reject), built on
//! `ratatui-textarea`: a title naming the decision and the promotion, the text, a line for
//! what is wrong (a comment the decision requires) and the keys. Ctrl-S sends; Esc cancels,
//! asking first when the comment is not empty. It never sends anything itself: the text
//! goes back to the view that opened it as `View::on_composed`, which keeps it as a draft
//! so a failed review can be tried again with the same words.
//!
//! An editor may offer a few choices beside the text (an access request's duration and
//! level): they are shown on a line above it, Tab moves between the text and them, ←/→
//! change the one in focus, and the options chosen go back with the text (and with a
//! draft kept on Esc). Pasted text always goes to the text.

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

/// A choice offered beside the text: one of a few options, shown as `Duration: 30 min`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What is chosen (`Duration`).
    pub label: String,
    /// The options, in the order ←/→ walk them.
    pub options: Vec<String>,
    /// The option chosen.
    pub at: usize,
}

impl Choice {
    /// A choice of `options` with option `at` chosen (clamped to the options).
    pub fn new(label: &str, options: Vec<String>, at: usize) -> Choice {
        let at = at.min(options.len().saturating_sub(1));
        Choice {
            label: label.to_string(),
            options,
            at,
        }
    }

    /// Chooses the next (or previous) option, wrapping around.
    fn step(&mut self, forward: bool) {
        let n = self.options.len();
        if n == 0 {
            return;
        }
        self.at = if forward {
            (self.at + 1) % n
        } else {
            (self.at + n - 1) % n
        };
    }
}

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
    /// Choices offered beside the text (none for a review).
    pub choices: Vec<Choice>,
    /// What has the keys: 0 the text, `i + 1` choice `i`.
    pub focus: usize,
    text: TextArea<'static>,
}

impl PartialEq for Compose {
    fn eq(&self, other: &Self) -> bool {
        self.title == other.title
            && self.action == other.action
            && self.required == other.required
            && self.message == other.message
            && self.discarding == other.discarding
            && self.choices == other.choices
            && self.focus == other.focus
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
            choices: Vec::new(),
            focus: 0,
            text,
        }
    }

    /// Offers `choices` beside the text (Tab reaches them).
    pub fn with_choices(mut self, choices: Vec<Choice>) -> Compose {
        self.choices = choices;
        self
    }

    /// The option chosen of each choice.
    pub fn chosen(&self) -> Vec<usize> {
        self.choices.iter().map(|c| c.at).collect()
    }

    /// The editor closes: what it hands back.
    fn closed(&self, text: String, send: bool) -> OverlayOutcome {
        OverlayOutcome::Composed {
            action: self.action,
            text,
            send,
            choices: self.chosen(),
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
                KeyCode::Char('y') | KeyCode::Char('Y') => self.closed(String::new(), false),
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
                self.closed(text, true)
            }
            KeyCode::Esc => {
                if self.text().trim().is_empty() {
                    self.closed(String::new(), false)
                } else {
                    self.discarding = true;
                    stay
                }
            }
            KeyCode::Tab | KeyCode::BackTab if !self.choices.is_empty() => {
                let n = self.choices.len() + 1;
                self.focus = if key.code == KeyCode::Tab {
                    (self.focus + 1) % n
                } else {
                    (self.focus + n - 1) % n
                };
                stay
            }
            _ if self.focus > 0 => {
                let forward = match key.code {
                    KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') => true,
                    KeyCode::Left | KeyCode::Char('h') => false,
                    _ => return stay,
                };
                if let Some(c) = self.choices.get_mut(self.focus - 1) {
                    c.step(forward);
                }
                stay
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
            self.focus = 0;
            self.text.insert_str(text.replace('\r', ""));
        }
    }

    /// Draws the editor in the middle of `area`.
    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let offered = u16::from(!self.choices.is_empty());
        let popup = centred(area, 76, 14 + 2 * offered);
        frame.render_widget(Clear, popup);
        let block = framed(ui, &self.title);
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let [choices, text_area, message, keys] = Layout::vertical([
            Constraint::Length(2 * offered),
            Constraint::Min(1),
            Constraint::Length(2),
            Constraint::Length(1),
        ])
        .areas(inner);
        if offered > 0 {
            frame.render_widget(Paragraph::new(self.choices_line(ui)), choices);
        }
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
            let mut spans = Vec::new();
            if !self.choices.is_empty() {
                spans.extend([
                    Span::styled("Tab", key),
                    Span::styled(words::COMPOSE_NEXT_FIELD, dim),
                    Span::styled("Left/Right", key),
                    Span::styled(words::COMPOSE_CHOOSE, dim),
                ]);
            }
            spans.extend([
                Span::styled("Ctrl-S", key),
                Span::styled(words::COMPOSE_SEND, dim),
                Span::styled("Esc", key),
                Span::styled(words::COMPOSE_CANCEL, dim),
            ]);
            Line::from(spans)
        };
        frame.render_widget(Paragraph::new(hint), keys);
    }

    /// The choices as one line; the one in focus is marked `< 30 min >` (not by colour
    /// alone, and in ASCII, so it shows on any terminal).
    fn choices_line(&self, ui: &Ui) -> Line<'static> {
        let mut spans = Vec::new();
        for (i, c) in self.choices.iter().enumerate() {
            let option = c.options.get(c.at).cloned().unwrap_or_default();
            spans.push(Span::styled(format!("{}: ", c.label), ui.style("text.dim")));
            if self.focus == i + 1 {
                spans.push(Span::styled(format!("< {option} >"), ui.style("selection")));
            } else {
                spans.push(Span::styled(format!("  {option}  "), ui.style("text")));
            }
            spans.push(Span::raw("   "));
        }
        Line::from(spans)
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
                send: true,
                choices: Vec::new()
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
                send: false,
                choices: Vec::new()
            }
        );
        // An empty editor closes at once.
        let mut c = Compose::new("Approve".into(), Action::Approve, false, "");
        assert!(matches!(
            c.on_key(key(KeyCode::Esc)),
            OverlayOutcome::Composed { send: false, .. }
        ));
    }

    fn with_choices() -> Compose {
        Compose::new("Request".into(), Action::RequestAccess, true, "").with_choices(vec![
            Choice::new("Duration", vec!["15 min".into(), "30 min".into()], 1),
            Choice::new("Access", vec!["view".into(), "debug".into()], 0),
        ])
    }

    #[test]
    fn tab_walks_the_choices_and_arrows_change_them() {
        let mut c = with_choices();
        typed(&mut c, "why");
        assert_eq!(c.focus, 0);
        let _ = c.on_key(key(KeyCode::Tab));
        assert_eq!(c.focus, 1);
        let _ = c.on_key(key(KeyCode::Right));
        assert_eq!(c.chosen(), vec![0, 0], "wraps past the last option");
        // Letters do not reach the text while a choice has the keys.
        typed(&mut c, "x");
        assert_eq!(c.text(), "why");
        let _ = c.on_key(key(KeyCode::Tab));
        let _ = c.on_key(key(KeyCode::Char(' ')));
        assert_eq!(c.chosen(), vec![0, 1]);
        let _ = c.on_key(key(KeyCode::Left));
        let _ = c.on_key(key(KeyCode::Left));
        assert_eq!(c.chosen(), vec![0, 1]);
        let _ = c.on_key(key(KeyCode::Tab));
        assert_eq!(c.focus, 0, "back to the text");
        let _ = c.on_key(key(KeyCode::BackTab));
        assert_eq!(c.focus, 2);
        assert_eq!(
            c.on_key(ctrl_s()),
            OverlayOutcome::Composed {
                action: Action::RequestAccess,
                text: "why".into(),
                send: true,
                choices: vec![0, 1]
            }
        );
    }

    #[test]
    fn a_draft_kept_on_esc_keeps_its_choices() {
        let mut c = with_choices();
        let _ = c.on_key(key(KeyCode::Tab));
        let _ = c.on_key(key(KeyCode::Left));
        assert_eq!(
            c.on_key(key(KeyCode::Esc)),
            OverlayOutcome::Composed {
                action: Action::RequestAccess,
                text: String::new(),
                send: false,
                choices: vec![0, 0]
            }
        );
        // Without choices Tab is text as before.
        let mut c = Compose::new("Approve".into(), Action::Approve, false, "");
        let _ = c.on_key(key(KeyCode::Tab));
        assert_eq!(c.focus, 0);
        assert!(!c.text().is_empty(), "the tab is typed");
    }

    #[test]
    fn pasted_text_lands_at_the_cursor() {
        let mut c = Compose::new("Approve".into(), Action::Approve, false, "a");
        c.paste("b\r\nc");
        assert_eq!(c.text(), "ab\nc");
    }
}
