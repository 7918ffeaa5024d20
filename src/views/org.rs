//! An Organization's Environments (`{org}-{env_type}`), poc to prod, each with its
//! topology, regions, health roll-up and policy summary.
//!
//! Live: Application events inside the Organization re-read the list once per burst
//! (debounced), since the roll-ups are the server's to count.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::home::{REFRESH_DEBOUNCE, health_word};
use super::{Cx, Outcome, Scope, Target, View, settle_answer};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{EnvType, Environment, LiveEvent};
use crate::msg::{Data, Msg};
use crate::state::list::{Filter, ListState};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::words;

/// The Organization view's state.
#[derive(Debug)]
pub struct OrgView {
    pub org: String,
    pub envs: Load<Vec<Environment>>,
    pub list: ListState,
    pub filter: Filter,
    refresh_pending: bool,
}

impl OrgView {
    pub fn new(org: &str) -> OrgView {
        OrgView {
            org: org.to_string(),
            envs: Load::Idle,
            list: ListState::default(),
            filter: Filter::default(),
            refresh_pending: false,
        }
    }

    /// The Environments that pass the filter, poc first and prod last.
    pub fn visible(&self) -> Vec<&Environment> {
        let mut v: Vec<&Environment> = self
            .envs
            .value()
            .map(|envs| {
                envs.iter()
                    .filter(|e| {
                        self.filter.matches(&format!(
                            "{} {} {}",
                            e.name,
                            e.env_type.as_str(),
                            e.regions.join(" ")
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort_by_key(|e| (e.env_type.rank(), e.name.clone()));
        v
    }

    fn rows_height(cx: &Cx) -> usize {
        (cx.body.1 as usize).saturating_sub(3)
    }
}

impl View for OrgView {
    fn context(&self) -> &'static [&'static str] {
        &["org", "list", "global"]
    }

    fn title(&self) -> String {
        self.org.clone()
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Back,
            Action::Filter,
            Action::CommandPalette,
            Action::Help,
            Action::Quit,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        super::LIST_ACTIONS
    }

    fn copy_text(&self) -> Option<String> {
        self.visible()
            .get(self.list.selected)
            .map(|e| e.name.clone())
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Environments {
            org: self.org.clone(),
        });
        self.envs.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.visible().len();
        if self.list.apply(action, len, Self::rows_height(cx)) {
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::Open | Action::MoveRight => match self.visible().get(self.list.selected) {
                Some(env) => Outcome::Open(Target::Env(env.name.clone())),
                None => Outcome::Done(Vec::new()),
            },
            _ => Outcome::Ignored,
        }
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        settle_answer(&mut self.envs, request, result, cx.now, |d| match d {
            Data::Environments(envs) => Some(envs.clone()),
            _ => None,
        })?;
        let len = self.visible().len();
        self.list.clamp(len);
        Some(Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        match event {
            LiveEvent::EnvironmentUpdated(env) if env.org == self.org => {
                if let Some(envs) = self.envs.value_mut() {
                    match envs.iter_mut().find(|e| e.name == env.name) {
                        Some(slot) => *slot = (**env).clone(),
                        None => envs.push((**env).clone()),
                    }
                }
                Vec::new()
            }
            LiveEvent::ApplicationUpdated(_) | LiveEvent::ApplicationRemoved(_)
                if !self.refresh_pending =>
            {
                self.refresh_pending = true;
                vec![Effect::After {
                    after: REFRESH_DEBOUNCE,
                    msg: Box::new(Msg::RefreshOrg(self.org.clone())),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn on_refresh(&mut self, msg: &Msg, cx: &mut Cx) -> Vec<Effect> {
        match msg {
            Msg::RefreshOrg(org) if *org == self.org && self.refresh_pending => {
                self.refresh_pending = false;
                self.load(cx)
            }
            _ => Vec::new(),
        }
    }

    fn scope(&self) -> Scope {
        Scope {
            org: Some(self.org.clone()),
            env: None,
        }
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.filter)
    }

    fn filter_changed(&mut self, _cx: &mut Cx) {
        self.list = ListState::default();
    }

    fn problem(&self) -> Option<&Problem> {
        self.envs.problem()
    }

    fn animates(&self) -> bool {
        self.envs.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        let [body, detail] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(area);
        if render_load(frame, area, ui, &self.envs, "Environments", now) {
            return;
        }
        let visible = self.visible();
        if visible.is_empty() {
            if self.filter.is_active() {
                render_empty(frame, area, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
            } else {
                render_empty(frame, area, ui, words::NO_ENVS, words::NO_ENVS_NEXT);
            }
            return;
        }
        let mut list = self.list;
        list.scroll_into_view(visible_rows(body));
        // Topology and regions when there is room for them (the detail lines below say
        // the rest).
        let wide = area.width >= 100;
        let rows = visible[window(&list, body, visible.len())]
            .iter()
            .map(|env| {
                let health = env.counts.health();
                let c = env.counts;
                let name_style = if env.env_type == EnvType::Prod {
                    ui.style("badge.prod")
                } else {
                    ui.style("text")
                };
                let mut cells = vec![
                    Cell::from(Span::styled(
                        format!("{} {}", ui.glyphs.status(health), health_word(health)),
                        ui.theme.status(health),
                    )),
                    Cell::from(Span::styled(env.name.clone(), name_style)),
                    Cell::from(env.env_type.as_str().to_string()),
                ];
                if wide {
                    cells.push(Cell::from(env.topology.as_str().to_string()));
                    cells.push(Cell::from(env.regions.join(",")));
                }
                cells.extend([
                    Cell::from(c.applications.to_string()),
                    Cell::from(c.failed.to_string()),
                    Cell::from(c.degraded.to_string()),
                    Cell::from(c.pending_approval.to_string()),
                ]);
                Row::new(cells)
            })
            .collect();
        let mut titles = vec!["HEALTH", "ENVIRONMENT", "TYPE"];
        let mut widths = vec![
            Constraint::Length(12),
            Constraint::Min(24),
            Constraint::Length(4),
        ];
        if wide {
            titles.extend(["TOPOLOGY", "REGIONS"]);
            widths.extend([Constraint::Length(14), Constraint::Min(10)]);
        }
        titles.extend(["APPS", "FAIL", "DEGR", "WAIT"]);
        widths.extend([Constraint::Length(4); 4]);
        let header = Row::new(titles);
        render_table(frame, body, ui, header, &widths, rows, &list);
        if let Some(env) = visible.get(self.list.selected) {
            let dim = ui.style("text.dim");
            let lines = vec![
                Line::from(vec![
                    Span::styled(" Policy: ", dim),
                    Span::styled(env.policy_summary.clone(), ui.style("text")),
                ]),
                Line::from(vec![
                    Span::styled(" vCluster: ", dim),
                    Span::styled(env.vcluster.clone(), ui.style("text")),
                    Span::styled("  Git: ", dim),
                    Span::styled(env.git_repo.clone(), ui.style("text")),
                ]),
            ];
            frame.render_widget(Paragraph::new(lines), detail);
        }
    }
}
