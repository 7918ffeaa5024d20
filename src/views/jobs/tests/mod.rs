//! Tests of the jobs views: polling through the pure update ([`polling`]: armed only on
//! top, stopped when covered, resumed on reveal, never doubled), paging an execution's
//! log until its total, filters and selection ([`views`]), and the screens at 80×24 and
//! 120×40 ([`render`]). Shared here: a run's jobs, one job's detail and an execution's
//! lines as the service answers them, and a state driven through `update`.

mod polling;
mod render;
mod views;

use chrono::{DateTime, Duration, Utc};

use crate::effect::{Effect, Query, RequestId};
use crate::model::{
    Execution, ExecutionLine, ExecutionLogs, ExecutionStatus, Job, JobBatch, JobDetail, JobStatus,
};
use crate::msg::{Data, Msg};
use crate::state::{Input, State, open_deep, update};
use crate::views::testing;
use crate::views::{Route, Target};

pub(super) const RUN: &str = "d7f3a9c2e41b0856";

fn at(minutes_ago: i64, seconds: i64) -> DateTime<Utc> {
    testing::now() - Duration::minutes(minutes_ago) + Duration::seconds(seconds)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

fn job(
    name: &str,
    app: &str,
    batch: &str,
    status: JobStatus,
    started: Option<i64>,
    took_s: u64,
    deps: &[&str],
) -> Job {
    let started_at = started.map(|m| at(m, 0));
    let finished = matches!(status, JobStatus::Succeeded | JobStatus::Failed);
    Job {
        id: format!("{RUN}:{name}"),
        deployment_id: RUN.into(),
        job_name: name.into(),
        app_id: app.into(),
        batch_id: batch.into(),
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
        status,
        started_at: started_at.map(stamp),
        finished_at: started_at
            .filter(|_| finished)
            .map(|t| stamp(t + Duration::seconds(took_s as i64))),
        duration_ms: if finished { took_s * 1000 } else { 0 },
        latest_execution_id: started.map(|_| format!("ex-{name}")),
    }
}

/// A run's jobs in the service's order: started newest first, never-started last.
pub(super) fn jobs() -> Vec<Job> {
    use JobStatus::*;
    let kit = "bootstrap-kit";
    let day2 = "day-2-mutations";
    vec![
        job(
            "mutation-scale-node-pool-workers",
            "node-pool",
            day2,
            Succeeded,
            Some(2),
            1,
            &[],
        ),
        job(
            "install-nats-jetstream",
            "nats-jetstream",
            kit,
            Running,
            Some(4),
            0,
            &["install-cert-manager"],
        ),
        job(
            "install-keycloak",
            "keycloak",
            kit,
            Failed,
            Some(7),
            150,
            &["install-cert-manager"],
        ),
        job(
            "install-cert-manager",
            "cert-manager",
            kit,
            Succeeded,
            Some(9),
            95,
            &["install-cilium"],
        ),
        job(
            "install-cilium",
            "cilium",
            kit,
            Succeeded,
            Some(12),
            170,
            &[],
        ),
        job(
            "mutation-rotate-secret-gitops",
            "secret",
            day2,
            Succeeded,
            Some(60 * 26),
            1,
            &[],
        ),
        job(
            "install-catalyst-platform",
            "catalyst-platform",
            kit,
            Pending,
            None,
            0,
            &["install-nats-jetstream", "install-keycloak"],
        ),
    ]
}

/// Each batch's progress over [`jobs`].
pub(super) fn batches() -> Vec<JobBatch> {
    vec![
        JobBatch {
            batch_id: "bootstrap-kit".into(),
            total: 5,
            finished: 3,
            succeeded: 2,
            failed: 1,
            running: 1,
            pending: 1,
        },
        JobBatch {
            batch_id: "day-2-mutations".into(),
            total: 2,
            finished: 2,
            succeeded: 2,
            failed: 0,
            running: 0,
            pending: 0,
        },
    ]
}

pub(super) fn jobs_data() -> Data {
    Data::Jobs {
        jobs: jobs(),
        batches: batches(),
    }
}

/// `install-nats-jetstream`: running again after a failed first execution.
pub(super) fn detail() -> JobDetail {
    let job = jobs().remove(1);
    let execution =
        |id: &str, status, started: DateTime<Utc>, finished: Option<i64>, lines| Execution {
            id: id.into(),
            job_id: job.id.clone(),
            deployment_id: RUN.into(),
            status,
            started_at: stamp(started),
            finished_at: finished.map(|s| stamp(started + Duration::seconds(s))),
            line_count: lines,
        };
    JobDetail {
        executions: vec![
            execution(
                "9f3c1a7e5b2d4c6011aa22bb33cc44dd",
                ExecutionStatus::Running,
                at(4, 0),
                None,
                42,
            ),
            execution(
                "1a2b3c4d5e6f708199ee88ff77aa66bb",
                ExecutionStatus::Failed,
                at(11, 0),
                Some(150),
                1_204,
            ),
        ],
        job,
    }
}

/// Lines `from..=to` of an execution's log, with every level among them.
pub(super) fn lines(from: u64, to: u64) -> Vec<ExecutionLine> {
    (from..=to)
        .map(|n| {
            let (level, message) = match n % 7 {
                3 => (
                    "WARN",
                    format!(
                        "[installing] HelmRelease nats-jetstream: waiting for dependencies ({n})"
                    ),
                ),
                5 => (
                    "ERROR",
                    format!(
                        "[degraded] install retries exhausted: context deadline exceeded ({n})"
                    ),
                ),
                _ => (
                    "INFO",
                    format!("[installing] reconciling chart nats 1.2.{n}"),
                ),
            };
            ExecutionLine {
                line_number: n,
                timestamp: stamp(at(4, n as i64)),
                level: level.into(),
                message,
            }
        })
        .collect()
}

pub(super) fn page(from: u64, to: u64, total: u64, finished: bool) -> Data {
    Data::ExecutionLogs(Box::new(ExecutionLogs {
        lines: lines(from, to),
        total,
        execution_finished: finished,
    }))
}

/// The fetches among `effects`.
pub(super) fn fetches(effects: &[Effect]) -> Vec<(RequestId, Query)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch { request, query } => Some((*request, query.clone())),
            _ => None,
        })
        .collect()
}

/// The polling timers among `effects`: (token, after).
pub(super) fn timers(effects: &[Effect]) -> Vec<(u64, std::time::Duration)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::After { after, msg } => match **msg {
                Msg::Poll { token } => Some((token, *after)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The one fetch among `effects`.
pub(super) fn only_fetch(effects: &[Effect]) -> (RequestId, Query) {
    let f = fetches(effects);
    assert_eq!(f.len(), 1, "one fetch expected: {effects:?}");
    f[0].clone()
}

/// A state of `w`×`h` with `target` opened as a deep link; the effects of opening it,
/// less the home view's reads under it.
pub(super) fn opened(target: Target, w: u16, h: u16) -> (State, Vec<Effect>) {
    let mut s = testing::state(w, h);
    let mut effects = open_deep(&mut s, target);
    effects.retain(|e| {
        !matches!(
            e,
            Effect::Fetch {
                query: Query::Orgs | Query::Inbox,
                ..
            }
        )
    });
    (s, effects)
}

pub(super) fn msg(s: &mut State, msg: Msg) -> Vec<Effect> {
    update(s, Input::Msg(msg), testing::now())
}

pub(super) fn answer(s: &mut State, request: RequestId, data: Data) -> Vec<Effect> {
    msg(
        s,
        Msg::Fetched {
            request,
            result: Ok(data),
        },
    )
}

pub(super) fn poll(s: &mut State, token: u64) -> Vec<Effect> {
    msg(s, Msg::Poll { token })
}

pub(super) fn press(s: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for k in crate::app::headless::parse_keys(keys).unwrap() {
        effects.extend(update(s, Input::Key(k.to_event()), testing::now()));
    }
    effects
}

pub(super) fn jobs_target() -> Target {
    Target::Jobs {
        deployment: RUN.into(),
    }
}

pub(super) fn top_jobs(s: &State) -> &super::JobsView {
    match s.top() {
        Route::Jobs(v) => v,
        _ => panic!("not the jobs view: {}", s.top().view().title()),
    }
}

pub(super) fn top_job(s: &State) -> &super::JobView {
    match s.top() {
        Route::Job(v) => v,
        _ => panic!("not a job: {}", s.top().view().title()),
    }
}

pub(super) fn top_execution(s: &State) -> &super::ExecutionLogView {
    match s.top() {
        Route::ExecutionLog(v) => v,
        _ => panic!("not an execution log: {}", s.top().view().title()),
    }
}
