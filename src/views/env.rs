//! An Environment's Application cards and backing services.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::{Cx, Outcome, Scope, Target, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{Application, LiveEvent, split_env_name};
use crate::msg::Data;
use crate::state::list::{Filter, ListState};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::words;

/// The Environment view's state.
#[derive(Debug)]
pub struct EnvView {
    pub env: String,
    pub apps: Load<Vec<Application>>,
    pub list: ListState,
    pub filter: Filter,
}

impl EnvView {
    pub fn new(env: &str) -> EnvView {
        EnvView {
            env: env.to_string(),
            apps: Load::Idle,
            list: ListState::default(),
            filter: Filter::default(),
        }
    }

    fn visible(&self) -> Vec<&Application> {
        self.apps
            .value()
            .map(|a| a.iter().filter(|a| self.filter.matches(&a.name)).collect())
            .unwrap_or_default()
    }
}

impl View for EnvView {
    fn context(&self) -> &'static [&'static str] {
        &["env", "list", "global"]
    }

    fn title(&self) -> String {
        match split_env_name(&self.env) {
            Some((org, _)) => format!("{org} › {}", self.env),
            None => self.env.clone(),
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Open, Action::Back, Action::Filter, Action::Help]
    }

    fn actions(&self) -> &'static [Action] {
        super::LIST_ACTIONS
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Applications {
            env: self.env.clone(),
        });
        self.apps.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.visible().len();
        match action {
            Action::MoveDown => self.list.step(1, len),
            Action::MoveUp => self.list.step(-1, len),
            Action::Open => {
                return match self.visible().get(self.list.selected) {
                    Some(a) => Outcome::Open(Target::App {
                        env: self.env.clone(),
                        app: a.name.clone(),
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
        if !self.apps.awaits(request) {
            return None;
        }
        let result = match result {
            Ok(Data::Applications(a)) => Ok(a.clone()),
            Ok(_) => return Some(Vec::new()),
            Err(e) => Err(e),
        };
        self.apps
            .settle(request, result, |e| Problem::from_error(e, cx.now));
        Some(Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        if let (LiveEvent::ApplicationUpdated(app), Some(apps)) = (event, self.apps.value_mut())
            && app.environment == self.env
        {
            match apps.iter_mut().find(|a| a.name == app.name) {
                Some(slot) => *slot = (**app).clone(),
                None => apps.push((**app).clone()),
            }
        }
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope {
            org: split_env_name(&self.env).map(|(o, _)| o.to_string()),
            env: Some(self.env.clone()),
        }
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.filter)
    }

    fn problem(&self) -> Option<&Problem> {
        self.apps.problem()
    }

    fn animates(&self) -> bool {
        self.apps.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        if render_load(frame, area, ui, &self.apps, "Applications", now) {
            return;
        }
        let visible = self.visible();
        if visible.is_empty() {
            render_empty(frame, area, ui, words::NO_APPS, words::NO_APPS_NEXT);
            return;
        }
        let mut list = self.list;
        list.scroll_into_view(visible_rows(area));
        let rows = visible[window(&list, area, visible.len())]
            .iter()
            .map(|a| {
                Row::new(vec![
                    Cell::from(a.name.clone()),
                    Cell::from(Span::styled(a.status.label(), ui.theme.status(a.status))),
                ])
            })
            .collect();
        let header = Row::new(["APPLICATION", "STATUS"]);
        render_table(
            frame,
            area,
            ui,
            header,
            &[Constraint::Min(20), Constraint::Length(18)],
            rows,
            &list,
        );
    }
}
