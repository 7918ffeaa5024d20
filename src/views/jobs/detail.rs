//! One job of a provisioning run: its fields (application, batch, status, times,
//! dependencies, latest execution) and its executions, newest first, as the service
//! orders them. Enter opens the selected execution's log.
//!
//! Read again every few seconds while on top (see [`super::poll`]); the selection stays
//! on the same execution when a new one arrives at the head of the list.
//!
//! `retry-phase` on a failed job asks first, then has today's service run it again
//! (`POST …/jobs/{jobId}/retry`); the answer (what was done, by whom) or the refusal is
//! shown among the job's fields, and the new execution arrives with the next read.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::poll::{JOBS_EVERY, Poller, settle_polled};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{Execution, JobDetail, JobStatus, LiveEvent};
use crate::msg::Data;
use crate::state::list::ListState;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::views::overlays::confirm::Confirm;
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
    /// A retry asked for, and its answer.
    pub retry: JobRetry,
}

/// Where a job retry stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum JobRetry {
    #[default]
    None,
    /// Sent; waiting for the answer.
    Sending(RequestId),
    /// The service re-drove the job.
    Done(crate::model::JobRetryAnswer),
    /// The service refused, or the request failed.
    Failed(Problem),
}

impl JobView {
    pub fn new(deployment: &str, job: &str) -> JobView {
        JobView {
            deployment: deployment.to_string(),
            job: job.to_string(),
            detail: Load::Idle,
            list: ListState::default(),
            poll: Poller::new(JOBS_EVERY),
            retry: JobRetry::None,
        }
    }

    /// Why the job cannot be retried now, if it cannot.
    fn retry_refusal(&self) -> Option<&'static str> {
        if matches!(self.retry, JobRetry::Sending(_)) {
            return Some(words::RETRY_UNDER_WAY);
        }
        match self.detail.value() {
            Some(d) if d.job.status == JobStatus::Failed => None,
            Some(_) => Some(words::JOB_NOT_FAILED),
            None => Some(words::JOB_NOT_READ),
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
        &["job", "list", "global"]
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
            Action::RetryPhase => match self.retry_refusal() {
                Some(why) => Outcome::Say(why.to_string()),
                None => Outcome::Confirm(Confirm::new(
                    words::JOB_RETRY_TITLE,
                    words::job_retry_question(self.name(), &self.deployment),
                    Action::RetryPhase,
                )),
            },
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

    fn on_confirmed(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        if action != Action::RetryPhase || self.retry_refusal().is_some() {
            return Outcome::Ignored;
        }
        let (request, effect) = cx.fetch(Query::RetryJob {
            deployment: self.deployment.clone(),
            job: self.job.clone(),
        });
        self.retry = JobRetry::Sending(request);
        Outcome::Done(vec![effect])
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if self.retry == JobRetry::Sending(request) {
            self.retry = match result {
                Ok(Data::JobRetried(answer)) => JobRetry::Done((**answer).clone()),
                Ok(_) => JobRetry::Failed(Problem::Error {
                    message: words::UNEXPECTED_ANSWER.to_string(),
                    request_id: None,
                }),
                Err(e) => JobRetry::Failed(Problem::from_error(e, cx.now)),
            };
            // The new execution comes with the next read (unless one is under way).
            return Some(if self.detail.in_flight() {
                Vec::new()
            } else {
                self.load(cx)
            });
        }
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
        match self.detail.value() {
            Some(d) if d.job.status == JobStatus::Failed => &[
                Action::Open,
                Action::RetryPhase,
                Action::Refresh,
                Action::Back,
                Action::Help,
            ],
            _ => &[Action::Open, Action::Refresh, Action::Back, Action::Help],
        }
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
            Action::RetryPhase,
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
