//! Where a Blueprint runs across an Organization's Environments, at which versions, and
//! how each copy is doing.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::{Cx, Outcome, Scope, Target, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{BlueprintUsage, LiveEvent};
use crate::msg::Data;
use crate::state::list::ListState;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::words;

/// The Blueprint usage view's state.
#[derive(Debug)]
pub struct BlueprintView {
    pub org: String,
    pub blueprint: String,
    pub usage: Load<BlueprintUsage>,
    pub list: ListState,
}

impl BlueprintView {
    pub fn new(org: &str, blueprint: &str) -> BlueprintView {
        BlueprintView {
            org: org.to_string(),
            blueprint: blueprint.to_string(),
            usage: Load::Idle,
            list: ListState::default(),
        }
    }
}

impl View for BlueprintView {
    fn context(&self) -> &'static [&'static str] {
        &["list", "global"]
    }

    fn title(&self) -> String {
        format!("{} › {}", self.org, self.blueprint)
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Back,
            Action::CommandPalette,
            Action::Help,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        super::LIST_ACTIONS
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::BlueprintUsage {
            org: self.org.clone(),
            blueprint: self.blueprint.clone(),
        });
        self.usage.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.usage.value().map_or(0, |u| u.usages.len());
        match action {
            Action::MoveDown => self.list.step(1, len),
            Action::MoveUp => self.list.step(-1, len),
            Action::Open => {
                return match self
                    .usage
                    .value()
                    .and_then(|u| u.usages.get(self.list.selected))
                {
                    Some(u) => Outcome::Open(Target::App {
                        env: u.environment.clone(),
                        app: u.application.clone(),
                    }),
                    None => Outcome::Done(Vec::new()),
                };
            }
            _ => return Outcome::Ignored,
        }
        self.list
            .scroll_into_view((cx.body.1 as usize).saturating_sub(1));
        Outcome::Done(Vec::new())
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if !self.usage.awaits(request) {
            return None;
        }
        let result = match result {
            Ok(Data::BlueprintUsage(u)) => Ok((**u).clone()),
            Ok(_) => return Some(Vec::new()),
            Err(e) => Err(e),
        };
        self.usage
            .settle(request, result, |e| Problem::from_error(e, cx.now));
        Some(Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        if let (LiveEvent::ApplicationUpdated(app), Some(usage)) = (event, self.usage.value_mut())
            && app.blueprint.name == self.blueprint
            && let Some(u) = usage
                .usages
                .iter_mut()
                .find(|u| u.environment == app.environment && u.application == app.name)
        {
            u.version = app.blueprint.version.clone();
            u.status = app.status;
        }
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope {
            org: Some(self.org.clone()),
            env: None,
        }
    }

    fn problem(&self) -> Option<&Problem> {
        self.usage.problem()
    }

    fn animates(&self) -> bool {
        self.usage.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        if render_load(frame, area, ui, &self.usage, "Blueprint usage", now) {
            return;
        }
        let Some(usage) = self.usage.value() else {
            return;
        };
        if usage.usages.is_empty() {
            render_empty(frame, area, ui, words::NO_USAGE, words::NO_USAGE_NEXT);
            return;
        }
        let mut list = self.list;
        list.scroll_into_view(visible_rows(area));
        let rows = usage.usages[window(&list, area, usage.usages.len())]
            .iter()
            .map(|u| {
                Row::new(vec![
                    Cell::from(u.environment.clone()),
                    Cell::from(u.application.clone()),
                    Cell::from(u.version.clone()),
                    Cell::from(Span::styled(
                        format!("{} {}", ui.glyphs.status(u.status), u.status.label()),
                        ui.theme.status(u.status),
                    )),
                ])
            })
            .collect();
        let header = Row::new(["ENVIRONMENT", "APPLICATION", "VERSION", "STATUS"]);
        let widths = [
            Constraint::Min(20),
            Constraint::Min(16),
            Constraint::Length(10),
            Constraint::Length(18),
        ];
        render_table(frame, area, ui, header, &widths, rows, &list);
    }
}
