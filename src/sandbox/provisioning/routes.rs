//! The HTTP surface of CONTRACT Part A, paths relative to the service root
//! (`/api/v1/…`; the sandbox server mounts it under `/sovereign`).
//!
//! Owns: each route's request parsing, status codes and bodies, quirks included: text/plain
//! `deployment not found` 404s, `200 {"jobs":[]}` for an unknown deployment, job ids
//! matched on the raw (undecoded) path so an encoded colon finds nothing, the Phase-1
//! retry that only answers with a runbook, `streamURL`s relative to the service root.
//! Must not: format SSE (`stream`) or change runs except through `Run`'s methods.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::newer;
use super::respond::{self, deployment_not_found, error, json};
use super::store::Inner;
use super::stream;
use crate::model::{ComponentsState, PHASE0};
use crate::model::{
    DeploymentCreated, DeploymentEvents, DeploymentList, DeploymentStatus, JobBatches, JobList,
    RetryAnswer,
};

type Shared = State<Arc<Inner>>;

/// The caller the auth layer in front of today's service found (none on the April
/// service, which has no auth).
type Caller = Option<axum::Extension<newer::Session>>;

/// Phase-1 ids the service's retry endpoint has always listed (its names, which differ
/// from the component ids for `jetstream` and `bp-catalyst-platform`).
const PHASE1_RETRY_IDS: [&str; 11] = [
    "cilium",
    "cert-manager",
    "flux",
    "crossplane",
    "sealed-secrets",
    "spire",
    "jetstream",
    "openbao",
    "keycloak",
    "gitea",
    "bp-catalyst-platform",
];

/// The router, state applied.
pub fn router(inner: Arc<Inner>) -> Router {
    Router::new()
        .route("/api/v1/deployments", post(create).get(list))
        .route("/api/v1/deployments/{id}", get(get_state))
        .route("/api/v1/deployments/{id}/logs", get(logs))
        .route("/api/v1/deployments/{id}/events", get(events))
        .route("/api/v1/deployments/{id}/phases/{phase}/retry", post(retry))
        .route("/api/v1/deployments/{id}/jobs", get(list_jobs))
        .route("/api/v1/deployments/{id}/jobs/batches", get(list_batches))
        .route("/api/v1/deployments/{id}/jobs/{job_id}", get(get_job))
        .route(
            "/api/v1/deployments/{id}/jobs/{job_id}/retry",
            post(newer::retry_job_route),
        )
        .route(
            "/api/v1/deployments/{id}/components/state",
            get(components_state),
        )
        .route("/api/v1/deployments/{id}/kubeconfig", get(kubeconfig))
        .route(
            "/api/v1/actions/executions/{exec_id}/logs",
            get(execution_logs),
        )
        .with_state(inner)
}

fn stream_url(id: &str) -> String {
    format!("/api/v1/deployments/{id}/logs")
}

/// The fields of the service's request the sandbox validates; the rest is accepted
/// and ignored. Credentials are read only to check they are present, never kept.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct CreateRequest {
    org_name: Option<String>,
    org_email: Option<String>,
    #[serde(rename = "sovereignFQDN")]
    sovereign_fqdn: Option<String>,
    hetzner_token: Option<String>,
    #[serde(rename = "hetznerProjectID")]
    hetzner_project_id: Option<String>,
    region: Option<String>,
    regions: Option<Vec<RegionSpec>>,
    ssh_public_key: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RegionSpec {
    provider: Option<String>,
    cloud_region: Option<String>,
    control_plane_size: Option<String>,
    worker_size: Option<String>,
    worker_count: Option<i64>,
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref()
        .map(super::gojson::trim_space)
        .unwrap_or("")
        .is_empty()
}

/// The service's `Request.Validate`, first failure wins. Mirrors `regions[0]` into
/// `region` like the service does.
fn validate(req: &mut CreateRequest) -> Result<(), String> {
    if let Some(regions) = req.regions.as_ref().filter(|r| !r.is_empty()) {
        for (i, r) in regions.iter().enumerate() {
            if blank(&r.provider) {
                return Err(format!("region[{i}] provider is required"));
            }
            if blank(&r.cloud_region) {
                return Err(format!("region[{i}] cloudRegion is required"));
            }
            if blank(&r.control_plane_size) {
                return Err(format!("region[{i}] controlPlaneSize is required"));
            }
            let count = r.worker_count.unwrap_or(0);
            if count < 0 {
                return Err(format!("region[{i}] workerCount must be non-negative"));
            }
            if count > 0 && blank(&r.worker_size) {
                return Err(format!(
                    "region[{i}] workerSize is required when workerCount > 0"
                ));
            }
        }
        req.region = regions[0].cloud_region.clone();
    }
    let checks: [(bool, &str); 7] = [
        (blank(&req.hetzner_token), "hetzner token is required"),
        (
            blank(&req.hetzner_project_id),
            "hetzner project ID is required",
        ),
        (
            blank(&req.region),
            "region is required (runtime parameter, never hardcoded)",
        ),
        (blank(&req.sovereign_fqdn), "sovereign FQDN is required"),
        (blank(&req.org_name), "organisation name is required"),
        (
            blank(&req.org_email),
            "organisation email is required (becomes initial sovereign-admin)",
        ),
        (
            blank(&req.ssh_public_key),
            "SSH public key is required (sovereign-admin break-glass + cluster bootstrap)",
        ),
    ];
    match checks.iter().find(|(failed, _)| *failed) {
        Some((_, msg)) => Err((*msg).to_string()),
        None => Ok(()),
    }
}

async fn create(State(inner): Shared, body: Bytes) -> Response {
    // Like Go's json.Decoder: the first JSON value counts, anything after it is ignored.
    let value = match serde_json::Deserializer::from_slice(&body)
        .into_iter::<serde_json::Value>()
        .next()
    {
        None => return respond::text(StatusCode::BAD_REQUEST, "invalid request body: EOF"),
        Some(Err(e)) => {
            return respond::text(
                StatusCode::BAD_REQUEST,
                &format!("invalid request body: {e}"),
            );
        }
        Some(Ok(v)) => v,
    };
    let mut req: CreateRequest = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => {
            return respond::text(
                StatusCode::BAD_REQUEST,
                &format!("invalid request body: {e}"),
            );
        }
    };
    if let Err(msg) = validate(&mut req) {
        return error(StatusCode::BAD_REQUEST, "invalid-request", msg);
    }
    let fqdn = req.sovereign_fqdn.unwrap_or_default();
    let region = req.region.unwrap_or_default();
    let mut reg = inner.lock();
    if reg.fqdn_in_use(&fqdn) {
        return error(
            StatusCode::CONFLICT,
            "subdomain-conflict",
            "this subdomain has been reserved or activated for the chosen pool — pick a different name",
        );
    }
    let id = reg.create(&fqdn, &region);
    json(
        StatusCode::CREATED,
        &DeploymentCreated {
            id: id.clone(),
            status: "provisioning".into(),
            stream_url: stream_url(&id),
        },
    )
}

async fn list(State(inner): Shared, caller: Caller) -> Response {
    let reg = inner.lock();
    if reg.newer.is_some() {
        return newer::list(&reg, caller.as_ref().map(|c| &c.0));
    }
    if !reg.listing {
        // The real service routes only POST here.
        return axum::response::IntoResponse::into_response(StatusCode::METHOD_NOT_ALLOWED);
    }
    let deployments = reg.runs().iter().rev().map(|r| r.state()).collect();
    json(StatusCode::OK, &DeploymentList { deployments })
}

async fn get_state(State(inner): Shared, Path(id): Path<String>, caller: Caller) -> Response {
    let reg = inner.lock();
    match reg.get(&id) {
        Some(run) if !newer::may_read(run, caller.as_ref().map(|c| &c.0)) => newer::not_yours(),
        Some(run) => json(StatusCode::OK, &run.state()),
        None => deployment_not_found(),
    }
}

async fn logs(State(inner): Shared, Path(id): Path<String>, caller: Caller) -> Response {
    let refused = inner
        .lock()
        .get(&id)
        .is_some_and(|run| !newer::may_read(run, caller.as_ref().map(|c| &c.0)));
    if refused {
        return newer::not_yours();
    }
    stream::logs(inner, &id)
}

async fn events(State(inner): Shared, Path(id): Path<String>, caller: Caller) -> Response {
    let reg = inner.lock();
    match reg.get(&id) {
        Some(run) if !newer::may_read(run, caller.as_ref().map(|c| &c.0)) => newer::not_yours(),
        Some(run) => json(
            StatusCode::OK,
            &DeploymentEvents {
                done: run.is_done(),
                events: run.events().iter().cloned().collect(),
                state: run.state(),
            },
        ),
        None => deployment_not_found(),
    }
}

async fn retry(State(inner): Shared, Path((id, phase)): Path<(String, String)>) -> Response {
    let mut reg = inner.lock();
    let speed = reg.speed;
    let Some(run) = reg.get_mut(&id) else {
        return deployment_not_found();
    };
    if run.status() == DeploymentStatus::Provisioning {
        return error(
            StatusCode::CONFLICT,
            "deployment-in-flight",
            "deployment is still in-flight — wait for the current phase to finish before retrying",
        );
    }
    if phase == crate::model::PHASE1_WATCH && run.owner.is_some() {
        return newer::rearm_watch(run, &id, speed);
    }
    if PHASE0.contains(&phase.as_str()) {
        run.retry_phase0(&phase, speed);
        return json(
            StatusCode::OK,
            &RetryAnswer {
                id,
                message: "Phase 0 retry accepted — re-running tofu apply against the existing workdir (idempotent). Reopen the SSE stream to follow progress.".into(),
                phase,
                runbook: None,
                status: "provisioning".into(),
                stream_url: Some(stream_url(&run.ident.id)),
            },
        );
    }
    if PHASE1_RETRY_IDS.contains(&phase.as_str()) || run.knows_component(&phase) {
        // Flux owns Phase-1 reconciliation: nothing is retried, the operator gets the
        // runbook. Nothing about the run changes.
        return json(
            StatusCode::OK,
            &RetryAnswer {
                message: format!(
                    "Phase 1 ({phase}) is owned by Flux on the new Sovereign — operator action required if automatic remediation exhausted."
                ),
                stream_url: Some(stream_url(&id)),
                id,
                phase,
                runbook: Some("docs/RUNBOOK-PROVISIONING.md#rollback-procedures-per-phase".into()),
                status: "manual-retry-required".into(),
            },
        );
    }
    error(
        StatusCode::BAD_REQUEST,
        "unknown-phase",
        format!(
            "unknown phase {phase:?} — see docs/RUNBOOK-PROVISIONING.md for the canonical phase list"
        ),
    )
}

async fn list_jobs(State(inner): Shared, Path(id): Path<String>) -> Response {
    let reg = inner.lock();
    let jobs = reg.get(&id).map(|r| r.jobs().list()).unwrap_or_default();
    json(StatusCode::OK, &JobList { jobs })
}

async fn list_batches(State(inner): Shared, Path(id): Path<String>) -> Response {
    let reg = inner.lock();
    if reg.newer.is_some() {
        // Today's service no longer has the route (its router's text 404).
        return respond::text(StatusCode::NOT_FOUND, "404 page not found");
    }
    let batches = reg.get(&id).map(|r| r.jobs().batches()).unwrap_or_default();
    json(StatusCode::OK, &JobBatches { batches })
}

async fn get_job(
    State(inner): Shared,
    Path((id, _)): Path<(String, String)>,
    uri: Uri,
) -> Response {
    // The service routes on the raw path: `%3A` for the colon is not decoded, so such
    // an id matches no job. Take the segment as sent.
    let job_id = uri.path().rsplit('/').next().unwrap_or("").to_string();
    let reg = inner.lock();
    match reg
        .get(&id)
        .and_then(|r| r.jobs().detail(super::gojson::trim_space(&job_id)))
    {
        Some(detail) => json(StatusCode::OK, &detail),
        None => error(
            StatusCode::NOT_FOUND,
            "job-not-found",
            "no such job in this deployment (job ids are <deploymentId>:<jobName>, colon unencoded)",
        ),
    }
}

/// First value of a query parameter, `+` and `%XX` decoded (Go `URL.Query().Get`).
fn query_param(query: Option<&str>, name: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let escaped = match (
                bytes[i],
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (b'%', Some(hi), Some(lo)) => Some((hi * 16 + lo) as u8),
                _ => None,
            };
            match (escaped, bytes[i]) {
                (Some(b), _) => {
                    out.push(b);
                    i += 3;
                }
                (None, b'+') => {
                    out.push(b' ');
                    i += 1;
                }
                (None, b) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    query
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k) == name).then(|| decode(v))
        })
        .next()
        .unwrap_or_default()
}

/// Go `strconv.Atoi` with the error ignored: anything unparsable is 0.
fn atoi(s: &str) -> i64 {
    super::gojson::trim_space(s).parse::<i64>().unwrap_or(0)
}

async fn execution_logs(
    State(inner): Shared,
    Path(exec_id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let from = atoi(&query_param(q.as_deref(), "fromLine"));
    let limit = atoi(&query_param(q.as_deref(), "limit"));
    let reg = inner.lock();
    let exec_id = super::gojson::trim_space(&exec_id);
    let page = reg
        .runs()
        .iter()
        .find(|r| r.jobs().has_execution(exec_id))
        .and_then(|r| r.jobs().page(exec_id, from, limit));
    match page {
        Some(page) => json(StatusCode::OK, &page),
        None => error(
            StatusCode::NOT_FOUND,
            "execution-not-found",
            "no execution with this id",
        ),
    }
}

async fn components_state(State(inner): Shared, Path(id): Path<String>) -> Response {
    let reg = inner.lock();
    let Some(run) = reg.get(&id) else {
        return error(
            StatusCode::NOT_FOUND,
            "deployment-not-found",
            "deployment not found",
        );
    };
    let (watching, components) = run.components();
    json(
        StatusCode::OK,
        &ComponentsState {
            components,
            // Today's service re-reads the cluster once the watch is over.
            live: !watching && reg.newer.is_some(),
            watching,
        },
    )
}

async fn kubeconfig(State(inner): Shared, Path(id): Path<String>) -> Response {
    let reg = inner.lock();
    let Some(run) = reg.get(&id) else {
        return deployment_not_found();
    };
    match run.kubeconfig() {
        Some(yaml) => {
            let mut resp = Response::new(axum::body::Body::from(yaml.to_string()));
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/yaml"),
            );
            let disposition = format!(
                "attachment; filename=\"{}-kubeconfig.yaml\"",
                run.ident.fqdn
            );
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        None => error(
            StatusCode::CONFLICT,
            "not-implemented",
            "kubeconfig has not been captured for this deployment yet. Operator can fetch it via SSH per docs/RUNBOOK-PROVISIONING.md §Fetch kubeconfig via SSH; programmatic capture happens when the new Sovereign's cloud-init PUTs to this endpoint.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params_decode_like_go() {
        assert_eq!(
            query_param(Some("fromLine=3&limit=10&fromLine=9"), "fromLine"),
            "3"
        );
        assert_eq!(query_param(Some("limit=%2B7"), "limit"), "+7");
        assert_eq!(query_param(None, "limit"), "");
        assert_eq!(atoi(" 12 "), 12);
        assert_eq!(atoi("x"), 0);
        assert_eq!(atoi("99999999999999999999999"), 0);
    }

    #[test]
    fn validation_follows_the_service_order() {
        let mut r = CreateRequest::default();
        assert_eq!(validate(&mut r).unwrap_err(), "hetzner token is required");
        let mut r = CreateRequest {
            regions: Some(vec![RegionSpec {
                provider: Some("hetzner".into()),
                ..Default::default()
            }]),
            ..Default::default()
        };
        assert_eq!(
            validate(&mut r).unwrap_err(),
            "region[0] cloudRegion is required"
        );
    }
}
