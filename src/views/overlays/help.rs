//! The help overlay: every key live in the view it was opened over, generated from the
//! active keymap (user overrides included), grouped by context, most specific first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{OverlayOutcome, centred, framed};
use crate::action::Action;
use crate::keymap::Keymap;
use crate::ui::Ui;

/// The help overlay's state: its rows, built once when opened, and the scroll.
#[derive(Debug)]
pub struct Help {
    pub title: String,
    /// `(context, key, description)`, or a context heading when key is empty.
    pub rows: Vec<(String, String, &'static str)>,
    pub offset: usize,
}

impl Help {
    /// Help for the chain of the view beneath.
    pub fn new(keymap: &Keymap, chain: &[&str], title: String, allowed: &[Action]) -> Help {
        let bindings: Vec<_> = keymap
            .bindings_for(chain)
            .into_iter()
            .filter(|b| allowed.contains(&b.action))
            .collect();
        let mut rows = Vec::new();
        for context in chain {
            let mut in_context: Vec<_> =
                bindings.iter().filter(|b| b.context == *context).collect();
            if in_context.is_empty() {
                continue;
            }
            in_context.sort_by_key(|b| Action::ALL.iter().position(|a| *a == b.action));
            rows.push((context.to_string(), String::new(), ""));
            // One line per action, its keys joined.
            let mut i = 0;
            while i < in_context.len() {
                let action = in_context[i].action;
                let keys: Vec<&str> = in_context[i..]
                    .iter()
                    .take_while(|b| b.action == action)
                    .map(|b| b.key_name.as_str())
                    .collect();
                i += keys.len();
                rows.push((context.to_string(), keys.join(" "), action.description()));
            }
        }
        Help {
            title,
            rows,
            offset: 0,
        }
    }

    pub fn on_action(&mut self, action: Option<Action>) -> OverlayOutcome {
        match action {
            Some(Action::MoveDown) => {
                self.offset = (self.offset + 1).min(self.rows.len().saturating_sub(1))
            }
            Some(Action::MoveUp) => self.offset = self.offset.saturating_sub(1),
            Some(Action::PageDown) => {
                self.offset = (self.offset + 10).min(self.rows.len().saturating_sub(1))
            }
            Some(Action::PageUp) => self.offset = self.offset.saturating_sub(10),
            Some(Action::Top) => self.offset = 0,
            Some(Action::Bottom) => self.offset = self.rows.len().saturating_sub(1),
            Some(Action::Back | Action::Help) => return OverlayOutcome::Close,
            Some(Action::Quit) => return OverlayOutcome::Run(Action::Quit),
            _ => {}
        }
        OverlayOutcome::Stay(Vec::new())
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let popup = centred(area, 72, area.height.saturating_sub(2));
        let key_width = self
            .rows
            .iter()
            .map(|r| r.1.len())
            .max()
            .unwrap_or(0)
            .min(24);
        let lines: Vec<Line> = self
            .rows
            .iter()
            .skip(self.offset)
            .take(popup.height.saturating_sub(2) as usize)
            .map(|(context, keys, description)| {
                if keys.is_empty() {
                    Line::styled(format!("{context}:"), ui.style("title"))
                } else {
                    Line::from(vec![
                        Span::styled(format!("  {keys:<key_width$}  "), ui.style("hint.key")),
                        Span::styled(*description, ui.style("hint.text")),
                    ])
                }
            })
            .collect();
        let title = format!("Keys: {}", self.title);
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(framed(ui, &title)), popup);
    }
}
