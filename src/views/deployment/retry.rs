//! Retrying a provisioning run: what `retry-phase` would retry now (the failed Phase-0
//! phase of a failed run, or a degraded or failed component, which the service answers
//! with a runbook), the question asked first, the request, and its answer: a restart
//! (a new attempt, followed anew; the log keeps its lines), a manual retry (nothing
//! changed: the runbook is shown in the view), or an error with its request id.

use super::DeploymentView;
use crate::action::Action;
use crate::api::ApiError;
use crate::api::provisioning::RetryOutcome;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{ComponentStatus, DeploymentStatus, PHASE0, PHASE1_WATCH};
use crate::msg::Data;
use crate::state::load::Problem;
use crate::views::overlays::confirm::Confirm;
use crate::views::{Cx, Outcome};
use crate::words;

/// Where a retry stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Retry {
    /// No retry asked for.
    #[default]
    None,
    /// Sent; waiting for the answer.
    Sending { request: RequestId, phase: String },
    /// The service restarted the run (a new attempt is followed).
    Restarted { phase: String, attempt: u32 },
    /// The service changed nothing: an operator must act, following the runbook.
    Manual {
        phase: String,
        runbook: String,
        message: String,
    },
    /// An answer this console does not know, shown as the service worded it.
    Answered { status: String, message: String },
    /// The request failed.
    Failed { phase: String, problem: Problem },
}

impl DeploymentView {
    /// The Phase-0 phase a failed run failed in: its last marker, else what the error
    /// names, else the first.
    pub fn failed_phase(&self) -> String {
        if let Some(m) = self.track.marker {
            return PHASE0[m].to_string();
        }
        let error = self
            .latest()
            .and_then(|s| s.error.clone())
            .unwrap_or_default();
        let named = error
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .replace(' ', "-");
        PHASE0
            .iter()
            .find(|p| **p == named)
            .unwrap_or(&PHASE0[0])
            .to_string()
    }

    /// What `retry-phase` would retry now: the failed Phase-0 phase of a failed run, or
    /// the selected component when it is degraded or failed (the service answers that
    /// one with a runbook). `Err` says why there is nothing to retry.
    pub fn retry_target(&self) -> Result<String, String> {
        if matches!(self.retry, Retry::Sending { .. }) {
            return Err(words::RETRY_UNDER_WAY.to_string());
        }
        match self.status() {
            Some(DeploymentStatus::Failed) => Ok(self.failed_phase()),
            None
            | Some(
                DeploymentStatus::Pending
                | DeploymentStatus::Provisioning
                | DeploymentStatus::TofuApplying
                | DeploymentStatus::FluxBootstrapping,
            ) => Err(words::RETRY_NOT_WHILE_PROVISIONING.to_string()),
            Some(status) => match self.selected_component() {
                Some(c)
                    if matches!(
                        c.status,
                        ComponentStatus::Degraded | ComponentStatus::Failed
                    ) =>
                {
                    Ok(c.id.clone())
                }
                // A finished run whose component watch ended short (a timeout, Flux not
                // reconciling): newer services re-arm the watch.
                _ if status.is_terminal() && self.watch_ended_short() => {
                    Ok(PHASE1_WATCH.to_string())
                }
                _ => Err(words::RETRY_NOTHING_FAILED.to_string()),
            },
        }
    }

    /// The Phase-1 watch ended with an outcome other than `ready`.
    fn watch_ended_short(&self) -> bool {
        self.latest()
            .and_then(|s| s.result.as_ref())
            .and_then(|r| r.phase1_outcome)
            .is_some_and(|o| o != crate::model::Phase1Outcome::Ready)
    }

    pub(super) fn on_retry_answer(
        &mut self,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let Retry::Sending { phase, .. } = std::mem::take(&mut self.retry) else {
            return Vec::new();
        };
        let outcome = match result {
            Ok(Data::Retry(outcome)) => outcome.as_ref(),
            Ok(_) => {
                self.retry = Retry::Failed {
                    phase,
                    problem: Problem::Error {
                        message: words::UNEXPECTED_ANSWER.to_string(),
                        request_id: None,
                    },
                };
                return Vec::new();
            }
            Err(e) => {
                self.retry = Retry::Failed {
                    phase,
                    problem: Problem::from_error(e, cx.now),
                };
                return Vec::new();
            }
        };
        match outcome {
            RetryOutcome::Restarted { phase, .. } => {
                // The service runs the whole sequence again: a new attempt, followed
                // anew (the runner starts the new follow; the log keeps its lines).
                self.attempt += 1;
                self.finished = None;
                self.track.marker = None;
                self.track.phase1 = false;
                if let Some(s) = self.state.as_mut() {
                    s.status = DeploymentStatus::Provisioning.into();
                    s.error = None;
                    s.finished_at = None;
                }
                self.retry = Retry::Restarted {
                    phase: phase.clone(),
                    attempt: self.attempt,
                };
                let mut effects = self.resync(cx);
                effects.push(Effect::After {
                    after: std::time::Duration::ZERO,
                    msg: Box::new(crate::msg::Msg::Info(words::retry_restarted(
                        phase,
                        self.attempt,
                    ))),
                });
                effects
            }
            RetryOutcome::ManualRetryRequired {
                phase,
                runbook,
                message,
                ..
            } => {
                self.retry = Retry::Manual {
                    phase: phase.clone(),
                    runbook: runbook.clone(),
                    message: message.clone(),
                };
                Vec::new()
            }
            RetryOutcome::Other(answer) => {
                self.retry = Retry::Answered {
                    status: answer.status.clone(),
                    message: answer.message.clone(),
                };
                Vec::new()
            }
        }
    }

    /// `retry-phase`: asks first, or says why there is nothing to retry.
    pub(super) fn ask_retry(&mut self) -> Outcome {
        match self.retry_target() {
            Ok(phase) => {
                let question = words::retry_question(&phase, &self.id);
                self.asked = Some(phase);
                Outcome::Confirm(Confirm::new(
                    words::RETRY_TITLE,
                    question,
                    Action::RetryPhase,
                ))
            }
            Err(why) => Outcome::Say(why),
        }
    }

    /// The operator said yes: sends the retry asked about.
    pub(super) fn send_retry(&mut self, cx: &mut Cx) -> Outcome {
        let Some(phase) = self.asked.take() else {
            return Outcome::Ignored;
        };
        let (request, effect) = cx.fetch(Query::RetryPhase {
            deployment: self.id.clone(),
            phase: phase.clone(),
        });
        self.retry = Retry::Sending { request, phase };
        Outcome::Done(vec![effect])
    }
}
