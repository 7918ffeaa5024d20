//! One job of a provisioning run: its fields (application, batch, status, times,
//! dependencies, latest execution) and its executions, newest first, as the service
//! orders them. Enter opens the selected execution's log.
//!
//! Read again every few seconds while on top (see [`super::poll`]); the selection stays
//! on the same execution when a new one arrives at the head of the list.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::poll::{JOBS_EVERY, Poller, settle_polled};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{Execution, JobDetail, LiveEvent};
use crate::msg::Data;
use crate::state::list::ListState;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::views::{Cx, Outcome, Scope, Target, View};
use crate::words;

/// Rows the job's fields take above the executions (the fields, a blank line, the
/// table's title and header).
pub const FIELD_ROWS: usize = 11;

/// The job detail's state.
#[derive(Debug)]
pub struct JobView {
    pub deployment: String,
    /// The job's id (`<deployment>:<jobName>`) or its name.
    pub job: String,
    pub detail: Load<JobDetail>,
    /// The selected execution.
    pub list: ListState,
    pub poll: Poller,
}

impl JobView {
    pub fn new(deployment: &str, job: &str) -> JobView {
        JobView {
            deployment: deployment.to_string(),
            job: job.to_string(),
            detail: Load::Idle,
            list: ListState::default(),
            poll: Poller::new(JOBS_EVERY),
        }
    }

    /// The job's name, from the detail once read, else from its id.
    pub fn name(&self) -> &str {
        match self.detail.value() {
            Some(d) => &d.job.job_name,
            None => super::job_name(&self.job),
        }
    }

    /// The executions, newest first.
    pub fn executions(&self) -> &[Execution] {
        self.detail.value().map_or(&[], |d| &d.executions)
    }

    fn selected_id(&self) -> Option<String> {
        self.executions()
            .get(self.list.selected)
            .map(|e| e.id.clone())
    }
}

impl View for JobView {
    fn context(&self) -> &'static [&'static str] {
        &["list", "global"]
    }

    fn title(&self) -> String {
        words::job_title(&self.deployment, self.name())
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Job {
            deployment: self.deployment.clone(),
            job: self.job.clone(),
        });
        self.detail.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.executions().len();
        let page = (cx.body.1 as usize).saturating_sub(FIELD_ROWS);
        if self.list.apply(action, len, page) {
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::Open | Action::MoveRight => match self.executions().get(self.list.selected) {
                Some(e) => Outcome::Open(Target::ExecutionLog {
                    deployment: self.deployment.clone(),
                    execution: e.id.clone(),
                    title: words::execution_title(&self.deployment, self.name(), &e.id),
                }),
                None => Outcome::Say(words::NO_EXECUTION_TO_OPEN.to_string()),
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
        let selected = self.selected_id();
        let effects =
            settle_polled(
                &mut self.detail,
                &mut self.poll,
                request,
                result,
                cx,
                |d| match d {
                    Data::Job(detail) => Some((**detail).clone()),
                    _ => None,
                },
            )?;
        let executions = self.executions();
        let at = selected.and_then(|id| executions.iter().position(|e| e.id == id));
        let len = executions.len();
        self.list.reselect(at, len);
        Some(effects)
    }

    fn on_live(&mut self, _event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }

    fn on_poll(&mut self, token: u64, cx: &mut Cx) -> Vec<Effect> {
        if !self.poll.due(token) || self.detail.in_flight() {
            return Vec::new();
        }
        self.load(cx)
    }

    fn on_reveal(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.detail.in_flight() {
            return Vec::new();
        }
        self.load(cx)
    }

    fn scope(&self) -> Scope {
        Scope::ALL
    }

    fn follows_live(&self) -> bool {
        false
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Open, Action::Refresh, Action::Back, Action::Help]
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::MoveUp,
            Action::MoveDown,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Open,
            Action::MoveRight,
            Action::Copy,
        ]
    }

    fn copy_text(&self) -> Option<String> {
        self.selected_id()
    }

    fn problem(&self) -> Option<&Problem> {
        self.detail.problem()
    }

    fn animates(&self) -> bool {
        self.detail.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        super::render::job(self, frame, area, ui, now);
    }
}
