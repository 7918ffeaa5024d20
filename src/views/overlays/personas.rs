//! The persona switch (sandbox only): the demo identities the sandbox offers; choosing one
//! signs in as it, and every view on the stack is read again under the new identity.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{OverlayOutcome, centred, framed};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::DemoPersona;
use crate::msg::Data;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::render_load;

/// The persona switch's state.
#[derive(Debug)]
pub struct Personas {
    pub personas: Load<Vec<DemoPersona>>,
    pub selected: usize,
    pub current: Option<String>,
}

impl Personas {
    pub fn open(next_request: &mut u64, current: Option<String>) -> (Personas, Vec<Effect>) {
        *next_request += 1;
        let request = RequestId(*next_request);
        let mut personas = Load::Idle;
        personas.start(request);
        (
            Personas {
                personas,
                selected: 0,
                current,
            },
            vec![Effect::Fetch {
                request,
                query: Query::Personas,
            }],
        )
    }

    pub fn on_action(&mut self, action: Option<Action>) -> OverlayOutcome {
        let len = self.personas.value().map_or(0, Vec::len);
        match action {
            Some(Action::MoveDown) => {
                self.selected = (self.selected + 1).min(len.saturating_sub(1))
            }
            Some(Action::MoveUp) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Open) => {
                if let Some(p) = self.personas.value().and_then(|p| p.get(self.selected)) {
                    return OverlayOutcome::SignInAs(p.id.clone());
                }
            }
            Some(Action::Back | Action::SwitchPersona) => return OverlayOutcome::Close,
            Some(Action::Quit) => return OverlayOutcome::Run(Action::Quit),
            _ => {}
        }
        OverlayOutcome::Stay(Vec::new())
    }

    pub fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
    ) -> Option<Vec<Effect>> {
        if !self.personas.awaits(request) {
            return None;
        }
        let result = match result {
            Ok(Data::Personas(p)) => Ok(p.clone()),
            Ok(_) => return Some(Vec::new()),
            Err(e) => Err(e),
        };
        // No countdown retries here: the list is one request away (Ctrl-P again).
        self.personas.settle(request, result, |e| {
            Problem::from_error(e, DateTime::<Utc>::MIN_UTC)
        });
        if let (Some(list), Some(current)) = (self.personas.value(), &self.current) {
            self.selected = list.iter().position(|p| &p.id == current).unwrap_or(0);
        }
        Some(Vec::new())
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        let popup = centred(area, 70, 14);
        frame.render_widget(Clear, popup);
        let block = framed(ui, "Sign in as");
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        if render_load(frame, inner, ui, &self.personas, "personas", now) {
            return;
        }
        let Some(list) = self.personas.value() else {
            return;
        };
        let height = inner.height as usize;
        let offset = self.selected.saturating_sub(height.saturating_sub(1));
        let lines: Vec<Line> = list
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(i, p)| {
                let mark = if Some(&p.id) == self.current.as_ref() {
                    "*"
                } else {
                    " "
                };
                let style = if i == self.selected {
                    ui.style("selection")
                } else {
                    ui.style("text")
                };
                Line::from(vec![
                    Span::styled(format!("{mark}{:<8} ", p.id), style),
                    Span::styled(
                        p.blurb.clone(),
                        if i == self.selected {
                            style
                        } else {
                            ui.style("text.dim")
                        },
                    ),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
