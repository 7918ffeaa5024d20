//! The provisioning service as today's catalyst-api serves it, beside the April one:
//! behind the session (the sandbox's catalyst surface puts its auth layer in front and
//! hands the caller down as a [`Session`]), the list of runs filtered to their owner
//! (a sovereign-admin sees every run, as inside a Sovereign), another owner's run
//! answering 404 JSON, `ownerEmail` and `phase1Substate` in the State, a `handover-ready`
//! event when a run ends ready, `live: true` component snapshots after the watch, and no
//! `/jobs/batches`.
//!
//! Owns: those differences, so that `routes`, `run` and `stream` only ask whether the
//! registry plays the newer service. Must not: authenticate (the layer in front does).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};

use super::gojson::rfc3339_secs;
use super::jobs::RetryRefused;
use super::respond::json;
use super::run::Run;
use super::script::{Action, Step, emit, transition};
use super::store::{Inner, Registry};
use crate::model::{
    ComponentStatus, EventLevel, PHASE_HANDOVER_READY, PHASE1_WATCH, Phase1Outcome, ProvisionEvent,
};

/// Who calls the newer service (a request extension set by the auth layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub email: String,
    /// A sovereign-admin: reads every owner's runs.
    pub admin: bool,
    /// Operator tier or higher (an admin of the Sovereign or of an Organization): may
    /// re-drive jobs.
    pub operator: bool,
}

/// How long a handover link stays valid.
const HANDOVER_TTL_MINUTES: i64 = 60;

/// Whether `caller` may read `run`: anyone on the April service (runs have no owner);
/// the owner or an admin on the newer one.
pub fn may_read(run: &Run, caller: Option<&Session>) -> bool {
    match (&run.owner, caller) {
        (None, _) => true,
        (Some(owner), Some(s)) => s.admin || owner.eq_ignore_ascii_case(&s.email),
        (Some(_), None) => false,
    }
}

/// The newer service's answer for a run the caller may not read: 404 in JSON.
pub fn not_yours() -> Response {
    json(
        StatusCode::NOT_FOUND,
        &serde_json::json!({ "error": "deployment not found" }),
    )
}

/// `GET /api/v1/deployments` of the newer service: a few fields of each run the caller
/// may read, newest first.
pub fn list(reg: &Registry, caller: Option<&Session>) -> Response {
    let rows: Vec<serde_json::Value> = reg
        .runs()
        .iter()
        .rev()
        .filter(|r| may_read(r, caller))
        .map(|r| {
            let s = r.state();
            let mut row = serde_json::json!({
                "id": s.id,
                "status": s.status,
                "sovereignFQDN": s.sovereign_fqdn,
                "region": s.region,
                "startedAt": s.started_at,
                "ownerEmail": s.owner_email,
            });
            if let Some(f) = s.finished_at {
                row["finishedAt"] = serde_json::Value::String(f);
            }
            if let Some(e) = s.error {
                row["error"] = serde_json::Value::String(e);
            }
            row
        })
        .collect();
    json(StatusCode::OK, &serde_json::json!({ "deployments": rows }))
}

/// Today's job retry (404 on the April service, which has no such route).
pub async fn retry_job_route(
    State(inner): State<Arc<Inner>>,
    Path((id, _)): Path<(String, String)>,
    uri: Uri,
    caller: Option<axum::Extension<Session>>,
) -> Response {
    let job_id = uri
        .path()
        .trim_end_matches("/retry")
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string();
    let mut reg = inner.lock();
    if reg.newer.is_none() {
        return super::respond::text(StatusCode::NOT_FOUND, "404 page not found");
    }
    retry_job(
        &mut reg,
        &id,
        super::gojson::trim_space(&job_id),
        caller.as_ref().map(|c| &c.0),
        chrono::Utc::now(),
    )
}

/// `POST /api/v1/deployments/{id}/jobs/{jobId}/retry` of today's service: the run's
/// owner (or an admin) at operator tier re-drives a failed job.
pub fn retry_job(
    reg: &mut Registry,
    id: &str,
    job_id: &str,
    caller: Option<&Session>,
    now: DateTime<Utc>,
) -> Response {
    let Some(run) = reg.get_mut(id).filter(|r| may_read(r, caller)) else {
        return not_yours();
    };
    let Some(caller) = caller.filter(|c| c.operator) else {
        return json(
            StatusCode::FORBIDDEN,
            &serde_json::json!({
                "detail": "retrying a reconcile requires operator tier or higher",
                "error": "forbidden",
            }),
        );
    };
    match run.retry_job(job_id, &caller.email, now) {
        Ok(Some((job, execution, action))) => json(
            StatusCode::OK,
            &serde_json::json!({
                "action": action,
                "executionId": execution,
                "id": job.id,
                "kind": "install",
                "requestedAt": rfc3339_secs(now),
                "requestedBy": caller.email,
            }),
        ),
        Ok(None) => json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": "job-not-found" }),
        ),
        Err(RetryRefused::NotFailed(status)) => json(
            StatusCode::CONFLICT,
            &serde_json::json!({
                "detail": format!("job status {:?} is not a failed/degraded state", status.as_str()),
                "error": "not-retryable",
            }),
        ),
        Err(RetryRefused::Unsupported(why)) => json(
            StatusCode::BAD_GATEWAY,
            &serde_json::json!({ "detail": why, "error": "remediation-failed" }),
        ),
    }
}

/// `POST …/phases/phase1-watch/retry` of today's service: a finished run whose watch
/// ended short gets its watch back; the components not installed reconcile again.
pub fn rearm_watch(run: &mut Run, id: &str, speed: f64) -> Response {
    match run.rearm_watch(speed) {
        Ok(()) => json(
            StatusCode::OK,
            &serde_json::json!({
                "id": id,
                "message": "Phase-1 watch re-armed — reopen the SSE stream to follow the components",
                "phase": PHASE1_WATCH,
                "status": "phase1-watching",
                "streamURL": format!("/api/v1/deployments/{id}/logs"),
            }),
        ),
        Err(why) => json(
            StatusCode::CONFLICT,
            &serde_json::json!({ "error": why, "id": id, "phase": PHASE1_WATCH }),
        ),
    }
}

/// The steps of a re-armed watch, from `start` ms: a note, the watcher attached, each
/// component of `not_installed` reconciling and installing, and the watch ending ready.
pub fn rearm_steps(not_installed: &[String], start: u64) -> Vec<Step> {
    let mut steps = vec![
        Step {
            at_ms: start,
            action: emit(
                PHASE1_WATCH,
                EventLevel::Info,
                "Phase-1 watch re-armed by an operator; watching the HelmReleases again",
            ),
        },
        Step {
            at_ms: start + 200,
            action: Action::WatchStart,
        },
    ];
    let mut at = start + 600;
    for id in not_installed {
        steps.push(Step {
            at_ms: at,
            action: transition(
                id,
                ComponentStatus::Installing,
                "Running 'upgrade' action with timeout of 10m0s",
            ),
        });
        at += 1_500;
        steps.push(Step {
            at_ms: at,
            action: transition(
                id,
                ComponentStatus::Installed,
                format!("Helm upgrade succeeded for release {id} with chart bp-{id}"),
            ),
        });
        at += 300;
    }
    steps.push(Step {
        at_ms: at + 400,
        action: Action::Finish(Phase1Outcome::Ready),
    });
    steps
}

/// The event a run that ended ready announces its handover with: its message is the
/// JSON the service sends as the named frame's data.
pub fn handover_event(fqdn: &str, token: &str, at: DateTime<Utc>) -> (ProvisionEvent, String) {
    let url = format!("https://console.{fqdn}/auth/handover?token={token}");
    let message = serde_json::json!({
        "handoverURL": url,
        "expiresAt": rfc3339_secs(at + Duration::minutes(HANDOVER_TTL_MINUTES)),
    })
    .to_string();
    let event = ProvisionEvent {
        time: rfc3339_secs(at),
        phase: PHASE_HANDOVER_READY.to_string(),
        level: EventLevel::Info,
        message,
        ..ProvisionEvent::default()
    };
    (event, url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handover_event_reads_back_as_a_handover() {
        let at = DateTime::parse_from_rfc3339("2026-06-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let (event, url) = handover_event("x.example", "abc", at);
        let h = event.handover().unwrap();
        assert_eq!(h.handover_url, url);
        assert_eq!(h.expires_at.as_deref(), Some("2026-06-01T11:00:00Z"));
    }
}
