//! Keeping a run's view in step with the service: the stream's batches (what is new is
//! decided by content, see [`super::track::Seen`]; new events become log lines and update
//! the components), the State and `/components/state` read again on every
//! (re)connection, and remembering the run's id once it is known to exist. Pure update;
//! the reads are effects.

use super::{DeploymentView, Retry};
use crate::api::ApiError;
use crate::api::follow::DeploymentMsg;
use crate::api::sse::StreamStatus;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{DeploymentState, DeploymentStatus};
use crate::msg::Data;
use crate::state::load::Problem;
use crate::views::Cx;
use crate::views::logs::{NewLine, StreamState};
use crate::words;

impl DeploymentView {
    /// Remembers the run's id for this profile, once (the service may offer no list).
    fn remember(&mut self) -> Vec<Effect> {
        if self.remembered {
            return Vec::new();
        }
        self.remembered = true;
        vec![Effect::Remember {
            deployment: self.id.clone(),
        }]
    }

    /// Reads the State and the components again (entering, refresh, a reconnection).
    pub(super) fn resync(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (state, a) = cx.fetch(Query::Deployment {
            id: self.id.clone(),
        });
        let (components, b) = cx.fetch(Query::Components {
            deployment: self.id.clone(),
        });
        self.state_request = Some(state);
        self.components_request = Some(components);
        vec![a, b]
    }

    /// Takes a State the service reported: a finished one's component states are its
    /// final word.
    fn take_state(&mut self, state: &DeploymentState) {
        if state.status.is_terminal()
            && let Some(states) = state.component_states.as_ref().or(state
                .result
                .as_ref()
                .and_then(|r| r.component_states.as_ref()))
        {
            self.track.merge_states(states);
            self.reselect();
        }
    }

    /// An answer to one of the view's reads, or to its retry.
    pub(super) fn settle(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if self.state_request == Some(request) {
            self.state_request = None;
            let mut effects = Vec::new();
            match result {
                Ok(Data::Deployment(state)) => {
                    self.take_state(state);
                    self.state = Some((**state).clone());
                    self.state_problem = None;
                    effects = self.remember();
                }
                Ok(_) => {
                    self.state_problem = Some(Problem::Error {
                        message: words::UNEXPECTED_ANSWER.to_string(),
                        request_id: None,
                    });
                }
                Err(e) => self.state_problem = Some(Problem::from_error(e, cx.now)),
            }
            return Some(effects);
        }
        if self.components_request == Some(request) {
            self.components_request = None;
            match result {
                Ok(Data::Components(rows)) => {
                    self.track.merge_rows(rows);
                    self.reselect();
                    self.components_problem = None;
                }
                Ok(_) => self.components_problem = Some(words::UNEXPECTED_ANSWER.to_string()),
                Err(e) => self.components_problem = Some(e.to_string()),
            }
            return Some(Vec::new());
        }
        if matches!(&self.retry, Retry::Sending { request: r, .. } if *r == request) {
            return Some(self.on_retry_answer(result, cx));
        }
        None
    }

    /// A batch of the run's stream (follow `generation`).
    pub(super) fn take_batch(
        &mut self,
        generation: u64,
        items: &[DeploymentMsg],
        cx: &mut Cx,
    ) -> Vec<Effect> {
        self.seen.batch(generation);
        let mut effects = Vec::new();
        let mut done = None;
        let phase1_before = self.track.phase1;
        for item in items {
            match item {
                DeploymentMsg::Event(e) => {
                    if self.seen.admit(e) {
                        self.track.apply(e);
                        self.log.push(NewLine::from(e));
                    }
                }
                DeploymentMsg::Status(status) => {
                    if *status == StreamStatus::Live {
                        effects.extend(self.resync(cx));
                    }
                    self.log.take_status(status, cx.now);
                }
                DeploymentMsg::ResyncFailed(why) => self.log.note_resync_failed(why),
                DeploymentMsg::Done(state) => {
                    self.log.set_stream_state(StreamState::Finished {
                        outcome: words::run_finished(state.status.as_str()),
                        ok: state.status == DeploymentStatus::Ready,
                    });
                    done = Some((**state).clone());
                }
                DeploymentMsg::Failed(why) => {
                    self.log.set_stream_state(StreamState::Failed(why.clone()));
                }
            }
        }
        if !self.seen.is_empty() {
            effects.extend(self.remember());
        }
        if let Some(state) = done {
            self.take_state(&state);
            self.finished = Some(state);
            effects.extend(self.remember());
        } else if self.track.phase1 && !phase1_before && self.state_request.is_none() {
            // Phase 0 just ended: the result (FQDN, addresses) is filled in now.
            let (request, effect) = cx.fetch(Query::Deployment {
                id: self.id.clone(),
            });
            self.state_request = Some(request);
            effects.push(effect);
        }
        self.reselect();
        effects
    }
}
