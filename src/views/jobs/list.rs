//! The jobs of one provisioning run: each batch's progress (`bootstrap-kit`,
//! `day-2-mutations`, whatever the service names) and every job in the service's order
//! (started newest first, never-started last), filtered with `/`. Enter opens the job.
//!
//! Read again every few seconds while on top (see [`super::poll`]); the selection stays
//! on the same job when a refresh reorders the rows.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::poll::{JOBS_EVERY, Poller, settle_polled};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{Job, JobBatch, LiveEvent};
use crate::msg::Data;
use crate::state::list::{Filter, ListState};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::views::{Cx, Outcome, Scope, Target, View};
use crate::words;

/// What the jobs view shows: one answer of `Query::Jobs`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobsData {
    pub jobs: Vec<Job>,
    pub batches: Vec<JobBatch>,
}

/// The jobs view's state.
#[derive(Debug)]
pub struct JobsView {
    pub deployment: String,
    pub jobs: Load<JobsData>,
    pub list: ListState,
    pub filter: Filter,
    pub poll: Poller,
}

impl JobsView {
    pub fn new(deployment: &str) -> JobsView {
        JobsView {
            deployment: deployment.to_string(),
            jobs: Load::Idle,
            list: ListState::default(),
            filter: Filter::default(),
            poll: Poller::new(JOBS_EVERY),
        }
    }

    /// The jobs that pass the filter, in the service's order.
    pub fn visible(&self) -> Vec<&Job> {
        self.jobs
            .value()
            .map(|d| {
                d.jobs
                    .iter()
                    .filter(|j| {
                        self.filter.matches(&format!(
                            "{} {} {} {} {}",
                            j.job_name,
                            j.app_id,
                            j.batch_id,
                            j.status.as_str(),
                            j.depends_on.join(" ")
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Rows above the jobs table's rows: the summary, the batches' header and rows (when
    /// there are batches), a blank line, the table's header.
    pub fn rows_above(&self) -> usize {
        match self.jobs.value().map_or(0, |d| d.batches.len()) {
            0 => 3,
            batches => 4 + batches,
        }
    }

    fn page(&self, cx: &Cx) -> usize {
        (cx.body.1 as usize).saturating_sub(self.rows_above())
    }

    fn selected_id(&self) -> Option<String> {
        self.visible().get(self.list.selected).map(|j| j.id.clone())
    }
}

impl View for JobsView {
    fn context(&self) -> &'static [&'static str] {
        &["list", "global"]
    }

    fn title(&self) -> String {
        words::jobs_title(&self.deployment)
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Jobs {
            deployment: self.deployment.clone(),
        });
        self.jobs.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.visible().len();
        if self.list.apply(action, len, self.page(cx)) {
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::Open | Action::MoveRight => match self.visible().get(self.list.selected) {
                Some(job) => Outcome::Open(Target::Job {
                    deployment: self.deployment.clone(),
                    job: job.id.clone(),
                }),
                None => Outcome::Say(words::NO_JOB_TO_OPEN.to_string()),
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
        let effects = settle_polled(
            &mut self.jobs,
            &mut self.poll,
            request,
            result,
            cx,
            |d| match d {
                Data::Jobs { jobs, batches } => Some(JobsData {
                    jobs: jobs.clone(),
                    batches: batches.clone(),
                }),
                _ => None,
            },
        )?;
        let visible = self.visible();
        let at = selected.and_then(|id| visible.iter().position(|j| j.id == id));
        let len = visible.len();
        self.list.reselect(at, len);
        Some(effects)
    }

    fn on_live(&mut self, _event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }

    fn on_poll(&mut self, token: u64, cx: &mut Cx) -> Vec<Effect> {
        if !self.poll.due(token) || self.jobs.in_flight() {
            return Vec::new();
        }
        self.load(cx)
    }

    fn on_reveal(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.jobs.in_flight() {
            // Its answer arms the timer.
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

    fn filter(&self) -> Option<&Filter> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.filter)
    }

    fn filter_changed(&mut self, _cx: &mut Cx) {
        self.list = ListState::default();
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Filter,
            Action::Refresh,
            Action::Back,
            Action::Help,
        ]
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
            Action::Filter,
            Action::Copy,
        ]
    }

    fn copy_text(&self) -> Option<String> {
        self.selected_id()
    }

    fn problem(&self) -> Option<&Problem> {
        self.jobs.problem()
    }

    fn animates(&self) -> bool {
        self.jobs.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        super::render::jobs(self, frame, area, ui, now);
    }
}
