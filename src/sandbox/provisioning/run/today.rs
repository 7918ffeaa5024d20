//! What today's service does to a run beyond the April one: re-arming a Phase-1 watch
//! that ended short, and running a failed job again. Kept beside `Run` (whose fields it
//! changes) so that `run` stays about the timeline.

use chrono::{DateTime, Utc};

use super::{Attempt, Clock, LiveComponent, Run};
use crate::model::{ComponentStatus, DeploymentStatus, Phase1Outcome};

impl Run {
    /// Re-arms the Phase-1 watch of a finished run whose watch ended short (today's
    /// service): the components not installed reconcile again, then the run is ready.
    pub fn rearm_watch(&mut self, speed: f64) -> Result<(), String> {
        let outcome = self.result.as_ref().and_then(|r| r.phase1_outcome);
        if !self.status.is_terminal() || outcome.is_none() {
            return Err("the Phase-1 watch has not ended: nothing to re-arm".into());
        }
        if outcome == Some(Phase1Outcome::Ready) {
            return Err("the Phase-1 watch ended ready: nothing to re-arm".into());
        }
        if self.attempt.is_some() {
            return Err("an operation is in progress on this deployment".into());
        }
        let states = self
            .result
            .as_ref()
            .and_then(|r| r.component_states.clone())
            .unwrap_or_default();
        let not_installed: Vec<String> = states
            .iter()
            .filter(|(_, s)| s.as_str() != "installed")
            .map(|(id, _)| id.clone())
            .collect();
        // The watch knows every component again, as the service's re-read does.
        for (id, s) in &states {
            self.live.insert(
                id.clone(),
                LiveComponent {
                    status: s.parse().unwrap_or(ComponentStatus::Unknown),
                    message: String::new(),
                    last_transition: None,
                },
            );
        }
        self.status = DeploymentStatus::Phase1Watching;
        self.error = None;
        self.finished_at = None;
        self.done = false;
        self.attempt = Some(Attempt {
            clock: Clock::live(speed, 0.0),
            steps: super::super::newer::rearm_steps(&not_installed, 0).into(),
        });
        self.bump();
        Ok(())
    }

    /// Runs a failed job again (today's service); see `JobsStore::retry`.
    pub fn retry_job(
        &mut self,
        job_id: &str,
        operator: &str,
        t: DateTime<Utc>,
    ) -> Result<Option<(crate::model::Job, String, String)>, super::super::jobs::RetryRefused> {
        let result = self.jobs.retry(job_id, operator, t, &mut self.rng);
        self.bump();
        result
    }
}
