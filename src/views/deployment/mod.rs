//! One provisioning run, followed live (CONTRACT A, journey J3): its status and identity,
//! the Phase-0 pipeline `tofu-init → … → flux-bootstrap`, the Phase-1 component grid,
//! the result with an honest warning when `ready` does not mean every component
//! installed, a failed run's error with a retry, and the run's log below.
//!
//! Owns the view's state and its part of the pure update. The stream
//! ([`StreamSpec::Deployment`], whose `attempt` grows when a retry restarts the run) is
//! followed by the runner while the view is on the route stack; its batches come in
//! through [`View::on_stream`]. What is new in them is decided here by [`track::Seen`]
//! (by content, so a new follow's replay is skipped whether the service kept, evicted or
//! restarted its history); the new events become lines of an inner [`LogView`] and
//! update [`track::Track`]. The log's own replay cursor is not used: it only counts.
//!
//! Each (re)connection re-syncs the State and `/components/state`. `load` only asks
//! again (it is called again on back and refresh) and never clears what is held.
//!
//! `l` or Enter zooms the log to the whole body: the keys are then the log's own, and
//! Esc leaves the zoom (after clearing a search), not the run. Must not do I/O.
//!
//! - [`track`]: replays, Phase-0 progress and the components.
//! - [`sync`]: the stream's batches, the re-syncs, remembering the id.
//! - [`retry`]: what a retry would retry, the question, the request and its answer.
//! - [`render`]: the screen; [`outcome`]: its result, warning, failure and retry lines.

mod outcome;
pub mod render;
mod retry;
mod sync;
#[cfg(test)]
mod tests;
pub mod track;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::logs::{LogView, StreamState};
use super::{Cx, Outcome, Scope, Target, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, RequestId, StreamSpec};
use crate::model::{DeploymentState, DeploymentStatus, LiveEvent};
use crate::msg::{Data, StreamBatch, StreamItems};
use crate::state::list::{Filter, ListState};
use crate::state::load::Problem;
use crate::ui::Ui;
use crate::words;
pub use retry::Retry;

/// Rows the component grid is given at most of the body when the log shares it.
const GRID_SHARE: u16 = 2;

/// The view of one provisioning run.
#[derive(Debug)]
pub struct DeploymentView {
    pub id: String,
    /// Grows with every retry that restarted the run (a new follow).
    pub attempt: u32,
    /// The State last read (`GET /deployments/{id}`).
    state: Option<DeploymentState>,
    state_request: Option<RequestId>,
    /// Why the last read of the State failed (what was read before stays).
    state_problem: Option<Problem>,
    /// The final State of the current attempt, when its stream ended.
    finished: Option<DeploymentState>,
    seen: track::Seen,
    pub track: track::Track,
    log: LogView,
    /// The log fills the body.
    pub zoomed: bool,
    /// The selected row of the grid, and the component on it (rows move as states
    /// change; the selection stays with its component).
    pub list: ListState,
    selected: Option<String>,
    components_request: Option<RequestId>,
    /// Why the last component re-sync failed.
    components_problem: Option<String>,
    pub retry: Retry,
    /// The phase the open question would retry.
    asked: Option<String>,
    remembered: bool,
}

impl DeploymentView {
    pub fn new(id: &str) -> DeploymentView {
        let mut log = LogView::new(&format!("provisioning-{id}"), &words::deployment_title(id));
        log.set_stream_state(StreamState::Connecting);
        DeploymentView {
            id: id.to_string(),
            attempt: 1,
            state: None,
            state_request: None,
            state_problem: None,
            finished: None,
            seen: track::Seen::default(),
            track: track::Track::default(),
            log,
            zoomed: false,
            list: ListState::default(),
            selected: None,
            components_request: None,
            components_problem: None,
            retry: Retry::None,
            asked: None,
            remembered: false,
        }
    }

    /// The inner log view.
    pub fn log(&self) -> &LogView {
        &self.log
    }

    /// How many events the view holds.
    pub fn events_held(&self) -> usize {
        self.seen.len()
    }

    /// The latest State known: the final one of this attempt, else the one read.
    pub fn latest(&self) -> Option<&DeploymentState> {
        self.finished.as_ref().or(self.state.as_ref())
    }

    /// Whether the current attempt's stream ended with its final State.
    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }

    /// The status to show: the latest State's, moved on to `phase1-watching` when the
    /// events show the watch has started.
    pub fn status(&self) -> Option<DeploymentStatus> {
        let status = match self.latest() {
            Some(s) => *s.status,
            None if !self.seen.is_empty() => DeploymentStatus::Provisioning,
            None => return None,
        };
        Some(match status {
            DeploymentStatus::Provisioning if self.track.phase1 && self.finished.is_none() => {
                DeploymentStatus::Phase1Watching
            }
            s => s,
        })
    }

    fn spec(&self) -> StreamSpec {
        StreamSpec::Deployment {
            id: self.id.clone(),
            attempt: self.attempt,
        }
    }

    /// The selected component.
    pub fn selected_component(&self) -> Option<&track::Component> {
        let id = self.selected.as_deref()?;
        self.track.components.iter().find(|c| c.id == id)
    }

    /// Selects component `id` (when known).
    pub fn select(&mut self, id: &str) {
        self.selected = Some(id.to_string());
        self.reselect();
    }

    /// Keeps the selection on its component after the grid changed.
    fn reselect(&mut self) {
        let ordered = self.track.ordered();
        let at = self
            .selected
            .as_deref()
            .and_then(|id| ordered.iter().position(|c| c.id == id));
        self.list.reselect(at, ordered.len());
        self.selected = ordered.get(self.list.selected).map(|c| c.id.clone());
    }

    /// Component rows the grid shows at most in a body of `body` (its header aside).
    pub fn grid_rows(&self, body: (u16, u16)) -> usize {
        usize::from(body.1 / GRID_SHARE)
            .saturating_sub(1)
            .min(self.track.components.len())
    }

    /// A key while the log is zoomed.
    fn zoomed_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        if action == Action::Back {
            let searching = self.log.filter().is_some_and(Filter::is_active);
            if searching {
                if let Some(f) = self.log.filter_mut() {
                    f.text.clear();
                }
                self.log.filter_changed(cx);
            } else {
                self.zoomed = false;
            }
            return Outcome::Done(Vec::new());
        }
        self.log.on_action(action, cx)
    }
}

/// The keys of the run (besides the global ones).
const ACTIONS: &[Action] = &[
    Action::MoveUp,
    Action::MoveDown,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Logs,
    Action::Open,
    Action::RetryPhase,
    Action::Jobs,
    Action::Filter,
    Action::SearchNext,
    Action::SearchPrev,
    Action::Copy,
];

impl View for DeploymentView {
    fn context(&self) -> &'static [&'static str] {
        if self.zoomed {
            &["logs", "global"]
        } else {
            &["deployment", "list", "global"]
        }
    }

    fn title(&self) -> String {
        if self.zoomed {
            format!("{} › log", words::deployment_title(&self.id))
        } else {
            words::deployment_title(&self.id)
        }
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.log.hold(cx.log_lines);
        self.resync(cx)
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        if self.zoomed {
            return self.zoomed_action(action, cx);
        }
        let len = self.track.components.len();
        if self.list.apply(action, len, self.grid_rows(cx.body)) {
            self.selected = self
                .track
                .ordered()
                .get(self.list.selected)
                .map(|c| c.id.clone());
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::Logs | Action::Open => {
                self.zoomed = true;
                Outcome::Done(Vec::new())
            }
            Action::SearchNext | Action::SearchPrev => self.log.on_action(action, cx),
            Action::RetryPhase => self.ask_retry(),
            Action::Jobs => Outcome::Open(Target::Jobs {
                deployment: self.id.clone(),
            }),
            _ => Outcome::Ignored,
        }
    }

    fn on_confirmed(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        if action != Action::RetryPhase {
            return Outcome::Ignored;
        }
        self.send_retry(cx)
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        self.settle(request, result, cx)
    }

    fn on_live(&mut self, _event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope::ALL
    }

    fn follows_live(&self) -> bool {
        false
    }

    fn stream(&self) -> Option<StreamSpec> {
        Some(self.spec())
    }

    fn on_stream(&mut self, batch: &StreamBatch, cx: &mut Cx) -> Vec<Effect> {
        match &batch.items {
            StreamItems::Deployment(items) if batch.spec == self.spec() => {
                self.take_batch(batch.generation, items, cx)
            }
            _ => Vec::new(),
        }
    }

    fn filter(&self) -> Option<&Filter> {
        self.log.filter()
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        self.log.filter_mut()
    }

    fn filter_changed(&mut self, cx: &mut Cx) {
        self.log.filter_changed(cx);
    }

    fn hints(&self) -> &'static [Action] {
        if self.zoomed {
            return self.log.hints();
        }
        if self.retry_target().is_ok() {
            &[
                Action::RetryPhase,
                Action::Logs,
                Action::Jobs,
                Action::MoveDown,
                Action::Filter,
                Action::Back,
                Action::Help,
            ]
        } else {
            &[
                Action::Logs,
                Action::Jobs,
                Action::MoveDown,
                Action::Filter,
                Action::SearchNext,
                Action::Back,
                Action::Help,
            ]
        }
    }

    fn actions(&self) -> &'static [Action] {
        if self.zoomed {
            self.log.actions()
        } else {
            ACTIONS
        }
    }

    fn copy_text(&self) -> Option<String> {
        if self.zoomed {
            self.log.copy_text()
        } else {
            Some(self.id.clone())
        }
    }

    fn problem(&self) -> Option<&Problem> {
        self.state_problem.as_ref()
    }

    fn animates(&self) -> bool {
        let waiting = self.state.is_none() && self.state_request.is_some();
        waiting || self.log.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        render::render(self, frame, area, ui, now);
    }
}
