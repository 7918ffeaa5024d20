//! One Application with its seven tabs.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Cx, Outcome, Scope, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{DetailTab, Effect, Query, RequestId};
use crate::model::{Application, LiveEvent, split_env_name};
use crate::msg::{Data, TabData};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::render_load;

/// The Application view's state.
#[derive(Debug)]
pub struct AppView {
    pub env: String,
    pub app: String,
    pub summary: Load<Application>,
    pub tab: DetailTab,
    pub tabs: HashMap<DetailTab, Load<TabData>>,
}

impl AppView {
    pub fn new(env: &str, app: &str) -> AppView {
        AppView {
            env: env.to_string(),
            app: app.to_string(),
            summary: Load::Idle,
            tab: DetailTab::Overview,
            tabs: HashMap::new(),
        }
    }
}

impl View for AppView {
    fn context(&self) -> &'static [&'static str] {
        &["app", "list", "global"]
    }

    fn title(&self) -> String {
        match split_env_name(&self.env) {
            Some((org, _)) => format!("{org} › {} › {}", self.env, self.app),
            None => format!("{} › {}", self.env, self.app),
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::NextTab, Action::Back, Action::Help]
    }

    fn actions(&self) -> &'static [Action] {
        super::LIST_ACTIONS
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Application {
            env: self.env.clone(),
            app: self.app.clone(),
        });
        self.summary.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, _cx: &mut Cx) -> Outcome {
        match action {
            Action::NextTab => {
                self.tab = DetailTab::ALL[(self.tab.index() + 1) % DetailTab::ALL.len()];
                Outcome::Done(Vec::new())
            }
            _ => Outcome::Ignored,
        }
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if !self.summary.awaits(request) {
            return None;
        }
        let result = match result {
            Ok(Data::Application(a)) => Ok((**a).clone()),
            Ok(_) => return Some(Vec::new()),
            Err(e) => Err(e),
        };
        self.summary
            .settle(request, result, |e| Problem::from_error(e, cx.now));
        Some(Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        if let LiveEvent::ApplicationUpdated(app) = event
            && app.environment == self.env
            && app.name == self.app
        {
            self.summary = Load::Ready((**app).clone());
        }
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope {
            org: split_env_name(&self.env).map(|(o, _)| o.to_string()),
            env: Some(self.env.clone()),
        }
    }

    fn problem(&self) -> Option<&Problem> {
        self.summary.problem()
    }

    fn animates(&self) -> bool {
        self.summary.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        if render_load(frame, area, ui, &self.summary, "Application", now) {
            return;
        }
        if let Some(app) = self.summary.value() {
            let lines = vec![
                Line::raw(format!("{}  {}", self.tab.label(), app.name)),
                Line::raw(format!(
                    "{} @ {}",
                    app.blueprint.name, app.blueprint.version
                )),
                Line::raw(app.status.label()),
            ];
            frame.render_widget(Paragraph::new(lines), area);
        }
    }
}
