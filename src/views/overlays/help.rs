//! The help overlay: every key live in the view it was opened over, generated from the
//! active keymap (user overrides included), grouped by context, most specific first. An
//! action refused where the operator stands (support mode, a missing role, no grant…) is
//! listed greyed with the reason.

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
    /// `(context, key, description, why refused)`, or a context heading when key is empty.
    pub rows: Vec<(String, String, &'static str, Option<String>)>,
    pub offset: usize,
}

impl Help {
    /// Help for the chain of the view beneath.
    pub fn new(
        keymap: &Keymap,
        chain: &[&str],
        title: String,
        listed: &[Action],
        refused: &[(Action, String)],
    ) -> Help {
        let bindings: Vec<_> = keymap
            .bindings_for(chain)
            .into_iter()
            .filter(|b| listed.contains(&b.action))
            .collect();
        let mut rows = Vec::new();
        for context in chain {
            let mut in_context: Vec<_> =
                bindings.iter().filter(|b| b.context == *context).collect();
            if in_context.is_empty() {
                continue;
            }
            in_context.sort_by_key(|b| Action::ALL.iter().position(|a| *a == b.action));
            rows.push((context.to_string(), String::new(), "", None));
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
                let why = refused
                    .iter()
                    .find(|(a, _)| *a == action)
                    .map(|(_, why)| why.clone());
                rows.push((
                    context.to_string(),
                    keys.join(" "),
                    action.description(),
                    why,
                ));
            }
        }
        Help {
            title,
            rows,
            offset: 0,
        }
    }

    /// Lines drawn: one a row, two for a refused action (its reason under it).
    fn lines(&self) -> usize {
        self.rows.len() + self.rows.iter().filter(|r| r.3.is_some()).count()
    }

    pub fn on_action(&mut self, action: Option<Action>) -> OverlayOutcome {
        match action {
            Some(Action::MoveDown) => {
                self.offset = (self.offset + 1).min(self.lines().saturating_sub(1))
            }
            Some(Action::MoveUp) => self.offset = self.offset.saturating_sub(1),
            Some(Action::PageDown) => {
                self.offset = (self.offset + 10).min(self.lines().saturating_sub(1))
            }
            Some(Action::PageUp) => self.offset = self.offset.saturating_sub(10),
            Some(Action::Top) => self.offset = 0,
            Some(Action::Bottom) => self.offset = self.lines().saturating_sub(1),
            Some(Action::Back | Action::Help) => return OverlayOutcome::Close,
            Some(Action::Quit) => return OverlayOutcome::Run(Action::Quit),
            _ => {}
        }
        OverlayOutcome::Stay(Vec::new())
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let popup = centred(
            area,
            area.width.saturating_sub(4).clamp(20, 100),
            area.height.saturating_sub(2),
        );
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
            .flat_map(|(context, keys, description, why)| {
                if keys.is_empty() {
                    return vec![Line::styled(format!("{context}:"), ui.style("title"))];
                }
                match why {
                    None => vec![Line::from(vec![
                        Span::styled(format!("  {keys:<key_width$}  "), ui.style("hint.key")),
                        Span::styled(*description, ui.style("hint.text")),
                    ])],
                    // Refused here: greyed, the reason under it.
                    Some(why) => vec![
                        Line::styled(
                            format!("  {keys:<key_width$}  {description}"),
                            ui.style("text.dim"),
                        ),
                        Line::styled(
                            format!("  {:key_width$}    {why}", ""),
                            ui.style("text.dim"),
                        ),
                    ],
                }
            })
            .skip(self.offset)
            .take(popup.height.saturating_sub(2) as usize)
            .collect();
        let title = format!("Keys: {}", self.title);
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(framed(ui, &title)), popup);
    }
}
