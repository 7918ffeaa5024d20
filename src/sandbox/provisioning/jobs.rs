//! The Jobs/Executions surface of one deployment, projected from its events the way the
//! service's jobs bridge does it.
//!
//! Owns: one `install-<component>` Job per Phase-1 component in batch `bootstrap-kit`
//! (created on its first transition, an Execution opened on the first non-pending state
//! and closed on installed/failed, a log line per transition and per raw helm-controller
//! line), Day-2 `mutation-…` Jobs in batch `day-2-mutations`, and the read side: the
//! sorted list, per-batch counts, one Job with its Executions, paged log lines.
//! Must not: emit events or know about HTTP.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::catalog;
use super::gojson::rfc3339_nano;
use super::rng::Rng;
use super::script::Mutation;
use crate::model::{
    EventLevel, Execution, ExecutionLine, ExecutionLogs, ExecutionStatus, Job, JobBatch, JobDetail,
    JobStatus, PHASE_COMPONENT, PHASE_COMPONENT_LOG, ProvisionEvent,
};

/// Batch of the Phase-1 install Jobs.
pub const BATCH_BOOTSTRAP_KIT: &str = "bootstrap-kit";
/// Batch of the Day-2 mutation Jobs.
pub const BATCH_DAY2: &str = "day-2-mutations";
/// Default `limit` of the execution log pages.
pub const DEFAULT_LOG_PAGE: i64 = 500;
/// Largest `limit` of the execution log pages.
pub const MAX_LOG_PAGE: i64 = 5000;

#[derive(Debug, Clone)]
struct JobRec {
    job: Job,
    started: Option<DateTime<Utc>>,
    finished: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
struct ExecRec {
    exec: Execution,
    started: DateTime<Utc>,
    lines: Vec<ExecutionLine>,
}

/// Why a job retry was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryRefused {
    /// The job is not failed: nothing to retry (409).
    NotFailed(JobStatus),
    /// The service cannot re-drive this kind of job (502, in its words).
    Unsupported(String),
}

/// Jobs, Executions and log lines of one deployment.
#[derive(Debug, Clone)]
pub struct JobsStore {
    dep_id: String,
    jobs: Vec<JobRec>,
    execs: Vec<ExecRec>,
    /// In-flight Execution per component (or mutation job name).
    active: HashMap<String, String>,
    /// Last state seen per component: repeats are not transitions.
    last_state: HashMap<String, String>,
}

fn level_word(level: EventLevel) -> &'static str {
    match level {
        EventLevel::Error => "ERROR",
        EventLevel::Warn => "WARN",
        _ => "INFO",
    }
}

fn job_status_for(state: &str) -> JobStatus {
    match state {
        "installed" => JobStatus::Succeeded,
        "failed" => JobStatus::Failed,
        "installing" | "degraded" => JobStatus::Running,
        _ => JobStatus::Pending,
    }
}

impl JobsStore {
    /// An empty store for deployment `dep_id`.
    pub fn new(dep_id: &str) -> Self {
        JobsStore {
            dep_id: dep_id.to_string(),
            jobs: Vec::new(),
            execs: Vec::new(),
            active: HashMap::new(),
            last_state: HashMap::new(),
        }
    }

    fn job_id(&self, job_name: &str) -> String {
        format!("{}:{job_name}", self.dep_id)
    }

    /// Feeds one emitted event. Phase-0 events have no Job analogue and are ignored.
    pub fn on_event(&mut self, ev: &ProvisionEvent, rng: &mut Rng) {
        let Some(component) = ev.component.as_deref() else {
            return;
        };
        let t = DateTime::parse_from_rfc3339(&ev.time)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|_| Utc::now());
        if ev.phase == PHASE_COMPONENT {
            if let Some(state) = ev.state.as_deref() {
                self.on_transition(component, state, ev.level, &ev.message, t, rng);
            }
        } else if ev.phase == PHASE_COMPONENT_LOG {
            self.on_raw_log(component, ev.level, &ev.message, t, rng);
        }
    }

    fn on_transition(
        &mut self,
        component: &str,
        state: &str,
        level: EventLevel,
        message: &str,
        t: DateTime<Utc>,
        rng: &mut Rng,
    ) {
        if self.last_state.get(component).map(String::as_str) == Some(state) {
            return;
        }
        self.last_state
            .insert(component.to_string(), state.to_string());
        let job_name = format!("install-{component}");
        let mut status = job_status_for(state);
        if status == JobStatus::Pending && self.active.contains_key(component) {
            // Flux flips between dependency-wait and reconciling; once started, a Job
            // never goes back to pending.
            status = JobStatus::Running;
        }
        let deps = catalog::component(component)
            .map(|c| c.deps.iter().map(|d| format!("install-{d}")).collect())
            .unwrap_or_default();
        self.upsert(&job_name, component, BATCH_BOOTSTRAP_KIT, deps, status);
        let mut exec = self.active.get(component).cloned();
        if exec.is_none() && state != "pending" {
            let id = self.start_execution(&job_name, t, rng);
            self.active.insert(component.to_string(), id.clone());
            exec = Some(id);
        }
        if let Some(exec_id) = exec {
            let msg = message.trim();
            let line = if msg.is_empty() {
                format!("[{state}] {component}")
            } else {
                format!("[{state}] {msg}")
            };
            self.append(&exec_id, t, level_word(level), line);
            if state == "installed" || state == "failed" {
                let done = if state == "installed" {
                    ExecutionStatus::Succeeded
                } else {
                    ExecutionStatus::Failed
                };
                self.finish_execution(&exec_id, done, t);
                self.active.remove(component);
            }
        }
    }

    fn on_raw_log(
        &mut self,
        component: &str,
        level: EventLevel,
        message: &str,
        t: DateTime<Utc>,
        rng: &mut Rng,
    ) {
        let message = message.trim_end_matches(['\r', '\n']);
        if message.is_empty() {
            return;
        }
        let job_name = format!("install-{component}");
        let exec_id = match self.active.get(component).cloned() {
            Some(id) => id,
            None => {
                let existing = self
                    .find_job(&self.job_id(&job_name))
                    .map(|j| (j.job.status, j.job.latest_execution_id.clone()));
                match existing {
                    // Late chatter about a finished install does not reopen it.
                    Some((JobStatus::Succeeded | JobStatus::Failed, _)) => return,
                    Some((_, Some(id))) => id,
                    _ => {
                        let deps = catalog::component(component)
                            .map(|c| c.deps.iter().map(|d| format!("install-{d}")).collect())
                            .unwrap_or_default();
                        self.upsert(
                            &job_name,
                            component,
                            BATCH_BOOTSTRAP_KIT,
                            deps,
                            JobStatus::Running,
                        );
                        let id = self.start_execution(&job_name, t, rng);
                        self.last_state
                            .insert(component.to_string(), "installing".into());
                        id
                    }
                }
            }
        };
        self.active.insert(component.to_string(), exec_id.clone());
        self.append(&exec_id, t, level_word(level), message.to_string());
    }

    /// Records a Day-2 mutation: its Job, one Execution, the request and submission lines,
    /// and its outcome, all stamped from `t`.
    pub fn apply_mutation(&mut self, m: &Mutation, t: DateTime<Utc>, rng: &mut Rng) {
        let job_name = [
            format!("mutation-{}", m.verb),
            m.kind.clone(),
            m.slug.clone(),
        ]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
        self.upsert(
            &job_name,
            &m.kind,
            BATCH_DAY2,
            Vec::new(),
            JobStatus::Running,
        );
        let exec_id = self.start_execution(&job_name, t, rng);
        let mut msg = format!("[mutation-request] {}", m.action.trim());
        if !m.diff.is_empty() {
            msg.push_str(&format!(" diff={}", m.diff.replace('\n', " ")));
        }
        self.append(&exec_id, t, "INFO", msg.trim().to_string());
        let done_at = t + chrono::Duration::seconds(1);
        match &m.failure {
            None => {
                self.append(
                    &exec_id,
                    done_at,
                    "INFO",
                    format!("[xrc-submitted] kind={} name={}", m.xrc_kind, m.xrc_name),
                );
                self.finish_execution(&exec_id, ExecutionStatus::Succeeded, done_at);
            }
            Some(reason) => {
                self.append(
                    &exec_id,
                    done_at,
                    "ERROR",
                    format!("[xrc-submission-failed] {reason}"),
                );
                self.finish_execution(&exec_id, ExecutionStatus::Failed, done_at);
            }
        }
    }

    /// Runs a failed job again, as today's service does: re-drives its HelmRelease and
    /// records attempt N+1 as a new Execution whose first line names who asked. The
    /// sandbox's reconcile then succeeds a second later. `Ok(None)` when there is no
    /// such job.
    pub fn retry(
        &mut self,
        job_id: &str,
        operator: &str,
        t: DateTime<Utc>,
        rng: &mut Rng,
    ) -> Result<Option<(Job, String, String)>, RetryRefused> {
        let Some(rec) = self.find_job(job_id) else {
            return Ok(None);
        };
        if rec.job.status != JobStatus::Failed {
            return Err(RetryRefused::NotFailed(rec.job.status));
        }
        if rec.job.batch_id == BATCH_DAY2 {
            // The service re-submits mutations only through the action that made them.
            return Err(RetryRefused::Unsupported(
                "mutation re-submit is driven by the mutation bridge; retry via the \
                 originating Day-2 action"
                    .to_string(),
            ));
        }
        let (job_name, app) = (rec.job.job_name.clone(), rec.job.app_id.clone());
        let action = format!("annotated HelmRelease bp-{app} for reconcile");
        let exec_id = self.start_execution(&job_name, t, rng);
        self.append(
            &exec_id,
            t,
            "INFO",
            format!(
                "[retry] requested by {operator} at {} — {action}",
                t.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        );
        let done = t + chrono::Duration::seconds(1);
        self.append(
            &exec_id,
            done,
            "INFO",
            format!("Helm upgrade succeeded for release {app}/{app} with chart bp-{app}"),
        );
        self.finish_execution(&exec_id, ExecutionStatus::Succeeded, done);
        let job = self.find_job(job_id).map(|r| r.job.clone());
        Ok(job.map(|j| (j, exec_id, action)))
    }

    fn find_job(&self, job_id: &str) -> Option<&JobRec> {
        self.jobs.iter().find(|j| j.job.id == job_id)
    }

    /// Insert or update, keeping timestamps monotonic like the service's merge.
    fn upsert(
        &mut self,
        job_name: &str,
        app_id: &str,
        batch: &str,
        deps: Vec<String>,
        status: JobStatus,
    ) {
        let id = self.job_id(job_name);
        if let Some(rec) = self.jobs.iter_mut().find(|j| j.job.id == id) {
            rec.job.status = status;
            if !deps.is_empty() || rec.job.depends_on.is_empty() {
                rec.job.depends_on = deps;
            }
            rec.job.duration_ms = match (rec.started, rec.finished) {
                (Some(s), Some(f)) => (f - s).num_milliseconds().max(0) as u64,
                _ => 0,
            };
            return;
        }
        self.jobs.push(JobRec {
            job: Job {
                id,
                deployment_id: self.dep_id.clone(),
                job_name: job_name.to_string(),
                app_id: app_id.to_string(),
                batch_id: batch.to_string(),
                depends_on: deps,
                status,
                started_at: None,
                finished_at: None,
                duration_ms: 0,
                latest_execution_id: None,
            },
            started: None,
            finished: None,
        });
    }

    fn start_execution(&mut self, job_name: &str, t: DateTime<Utc>, rng: &mut Rng) -> String {
        let job_id = self.job_id(job_name);
        let exec_id = rng.hex(16);
        self.execs.push(ExecRec {
            exec: Execution {
                id: exec_id.clone(),
                job_id: job_id.clone(),
                deployment_id: self.dep_id.clone(),
                status: ExecutionStatus::Running,
                started_at: rfc3339_nano(t),
                finished_at: None,
                line_count: 0,
            },
            started: t,
            lines: Vec::new(),
        });
        if let Some(rec) = self.jobs.iter_mut().find(|j| j.job.id == job_id) {
            if rec.started.is_none() {
                rec.started = Some(t);
                rec.job.started_at = Some(rfc3339_nano(t));
            }
            rec.job.status = JobStatus::Running;
            rec.job.latest_execution_id = Some(exec_id.clone());
        }
        exec_id
    }

    fn finish_execution(&mut self, exec_id: &str, status: ExecutionStatus, t: DateTime<Utc>) {
        let Some(rec) = self.execs.iter_mut().find(|e| e.exec.id == exec_id) else {
            return;
        };
        rec.exec.status = status;
        rec.exec.finished_at = Some(rfc3339_nano(t));
        let job_id = rec.exec.job_id.clone();
        if let Some(job) = self.jobs.iter_mut().find(|j| j.job.id == job_id) {
            job.job.status = if status == ExecutionStatus::Failed {
                JobStatus::Failed
            } else {
                JobStatus::Succeeded
            };
            job.finished = Some(t);
            job.job.finished_at = Some(rfc3339_nano(t));
            if let Some(s) = job.started {
                job.job.duration_ms = (t - s).num_milliseconds().max(0) as u64;
            }
        }
    }

    fn append(&mut self, exec_id: &str, t: DateTime<Utc>, level: &str, message: String) {
        let Some(rec) = self.execs.iter_mut().find(|e| e.exec.id == exec_id) else {
            return;
        };
        rec.exec.line_count += 1;
        rec.lines.push(ExecutionLine {
            line_number: rec.exec.line_count,
            timestamp: rfc3339_nano(t),
            level: level.to_string(),
            message,
        });
    }

    /// Every Job, started-at newest first, never-started ones last, ties by name.
    pub fn list(&self) -> Vec<Job> {
        let mut recs: Vec<&JobRec> = self.jobs.iter().collect();
        recs.sort_by(|a, b| match (a.started, b.started) {
            (None, None) => a.job.job_name.cmp(&b.job.job_name),
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) if x == y => a.job.job_name.cmp(&b.job.job_name),
            (Some(x), Some(y)) => y.cmp(&x),
        });
        recs.into_iter().map(|r| r.job.clone()).collect()
    }

    /// One Job (by its full `<depId>:<jobName>` id) and its Executions, newest first.
    pub fn detail(&self, job_id: &str) -> Option<JobDetail> {
        let rec = self.find_job(job_id)?;
        let mut execs: Vec<&ExecRec> = self
            .execs
            .iter()
            .filter(|e| e.exec.job_id == job_id)
            .collect();
        execs.sort_by_key(|e| std::cmp::Reverse(e.started));
        Some(JobDetail {
            executions: execs.into_iter().map(|e| e.exec.clone()).collect(),
            job: rec.job.clone(),
        })
    }

    /// Progress per batch, batches in the order their first Job appeared.
    pub fn batches(&self) -> Vec<JobBatch> {
        let jobs: Vec<Job> = self.jobs.iter().map(|r| r.job.clone()).collect();
        crate::model::batches_of(&jobs)
    }

    /// True when this store holds the Execution.
    pub fn has_execution(&self, exec_id: &str) -> bool {
        self.execs.iter().any(|e| e.exec.id == exec_id)
    }

    /// A page of an Execution's log lines. `from_line` is 1-based (non-positive means 1);
    /// `limit` defaults to 500 when non-positive and is capped at 5000.
    pub fn page(&self, exec_id: &str, from_line: i64, limit: i64) -> Option<ExecutionLogs> {
        let rec = self.execs.iter().find(|e| e.exec.id == exec_id)?;
        let from = if from_line <= 0 { 1 } else { from_line };
        let limit = if limit <= 0 {
            DEFAULT_LOG_PAGE
        } else {
            limit.min(MAX_LOG_PAGE)
        };
        let lines = rec
            .lines
            .iter()
            .filter(|l| l.line_number as i64 >= from)
            .take(limit as usize)
            .cloned()
            .collect();
        Some(ExecutionLogs {
            lines,
            total: rec.exec.line_count,
            execution_finished: matches!(
                rec.exec.status,
                ExecutionStatus::Succeeded | ExecutionStatus::Failed
            ),
        })
    }
}

#[cfg(test)]
#[path = "jobs_tests.rs"]
mod tests;
