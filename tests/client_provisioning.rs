//! The provisioning API (CONTRACT Part A) as the real service has it: text/plain 404s, the
//! unencoded colon of job ids, both retry answers, kubeconfig as YAML or 409, paging of
//! execution logs, and the list extension that may be absent (404 or 405).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use catalyst_tui::api::{ApiClient, ApiError, ProvisioningClient, RetryOutcome, TokenSource};
use catalyst_tui::model::*;
use client_support::*;
use secrecy::ExposeSecret;
use serde_json::json;
use std::collections::HashMap;

const DEP: &str = "0123456789abcdef";

fn not_found() -> Response {
    text_response(404, "text/plain; charset=utf-8", "deployment not found\n")
}

async fn state(Path(id): Path<String>) -> Response {
    if id == DEP {
        json_response(200, deployment_json(DEP))
    } else {
        not_found()
    }
}

async fn retry(Path((id, phase)): Path<(String, String)>) -> Response {
    if id != DEP {
        return not_found();
    }
    match phase.as_str() {
        "tofu-apply" => json_response(
            200,
            json!({"id": DEP, "status": "provisioning", "phase": "tofu-apply",
                   "streamURL": format!("/api/v1/deployments/{DEP}/logs"),
                   "message": "re-running phase 0"}),
        ),
        "cilium" => json_response(
            200,
            json!({"id": DEP, "status": "manual-retry-required", "phase": "cilium",
                   "runbook": "flux reconcile hr cilium -n kube-system",
                   "message": "Phase-1 components are retried by Flux"}),
        ),
        _ => text_response(400, "text/plain; charset=utf-8", "unknown phase\n"),
    }
}

fn router(with_list: Option<bool>) -> Router {
    let api = Router::new()
        .route("/deployments/{id}", get(state))
        .route(
            "/deployments/{id}/events",
            get(|Path(id): Path<String>| async move {
                if id != DEP {
                    return not_found();
                }
                json_response(
                    200,
                    json!({"state": deployment_json(DEP), "done": false, "events": [
                        {"time": "2026-01-01T00:00:00Z", "phase": "tofu-init", "level": "info",
                         "message": "init"},
                        {"time": "2026-01-01T00:00:01Z", "phase": "tofu", "level": "verbose",
                         "message": "\u{1b}[32mok\u{1b}[0m"}]}),
                )
            }),
        )
        .route("/deployments/{id}/phases/{phase}/retry", post(retry))
        .route(
            "/deployments/{id}/jobs",
            get(|Path(id): Path<String>| async move {
                json_response(200, json!({"jobs": [job_json(&id, "install-cilium")]}))
            }),
        )
        .route(
            "/deployments/{id}/jobs/batches",
            get(|| async {
                json_response(
                    200,
                    json!({"batches": [{"batchId": "bootstrap-kit", "total": 35,
                    "finished": 10, "succeeded": 9, "failed": 1, "running": 2, "pending": 23}]}),
                )
            }),
        )
        .route(
            "/deployments/{id}/jobs/{job}",
            get(|Path((id, job)): Path<(String, String)>| async move {
                match job.split_once(':') {
                    Some((dep, name)) if dep == id => json_response(
                        200,
                        json!({"job": job_json(&id, name), "executions": [
                            {"id": "ex-1", "jobId": job, "deploymentId": id, "status": "running",
                             "startedAt": "2026-01-01T00:00:00Z", "lineCount": 12}]}),
                    ),
                    _ => json_response(404, json!({"error": "job-not-found"})),
                }
            }),
        )
        .route(
            "/actions/executions/{exec}/logs",
            get(|Query(q): Query<HashMap<String, String>>| async move {
                let from: u64 = q["fromLine"].parse().unwrap();
                json_response(
                    200,
                    json!({"lines": [
                    {"lineNumber": from, "timestamp": "2026-01-01T00:00:00Z", "level": "info",
                     "message": "helm upgrade"}], "total": 12, "executionFinished": false}),
                )
            }),
        )
        .route(
            "/deployments/{id}/components/state",
            get(|| async {
                json_response(
                    200,
                    json!({"watching": true, "components": [
                    {"appId": "cilium", "status": "installed", "helmReleaseName": "cilium",
                     "namespace": "kube-system", "lastTransitionAt": "2026-01-01T00:00:00Z",
                     "message": ""},
                    {"appId": "nats-jetstream", "status": "reconciling", "helmReleaseName": "nats",
                     "namespace": "nats", "lastTransitionAt": "2026-01-01T00:00:00Z",
                     "message": "", "dependsOn": ["cilium"]}]}),
                )
            }),
        )
        .route(
            "/deployments/{id}/kubeconfig",
            get(|Path(id): Path<String>| async move {
                if id == DEP {
                    text_response(200, "application/yaml", "apiVersion: v1\nkind: Config\n")
                } else {
                    json_response(
                        409,
                        json!({"error": "not-implemented",
                                              "detail": "kubeconfig not captured yet"}),
                    )
                }
            }),
        );
    let create = post(|body: String| async move {
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        match v["sovereignFQDN"].as_str() {
            Some("taken.example") => json_response(
                409,
                json!({"error": "subdomain-conflict", "detail": "taken.example is in use"}),
            ),
            Some(_) => json_response(
                201,
                json!({"id": DEP, "status": "provisioning",
                       "streamURL": format!("/api/v1/deployments/{DEP}/logs")}),
            ),
            None => text_response(400, "text/plain; charset=utf-8", "invalid JSON body\n"),
        }
    });
    let api = match with_list {
        Some(true) => api.route(
            "/deployments",
            create.get(|| async {
                json_response(200, json!({"deployments": [deployment_json(DEP)]}))
            }),
        ),
        // The real service: POST only, so GET is 405.
        Some(false) => api.route("/deployments", create),
        // No route at all: 404.
        None => api,
    };
    Router::new().nest("/sovereign/api/v1", api)
}

async fn client(with_list: Option<bool>) -> (ProvisioningClient, Recorder) {
    let (base, rec) = serve(router(with_list)).await;
    let cfg = config(&base)
        .with_provisioning_url(&format!("{base}/sovereign"))
        .unwrap();
    let api = ApiClient::new(
        cfg,
        TokenSource::Static {
            token: "console-token-1".to_string().into(),
            origin: "t".into(),
        },
    )
    .unwrap();
    (api.provisioning().unwrap(), rec)
}

#[tokio::test]
async fn deployments_state_events_and_text_errors() {
    let (p, rec) = client(Some(false)).await;
    let created = p
        .create_deployment(&CreateDeployment {
            sovereign_fqdn: "omantel.example".into(),
            region: "fsn1".into(),
            ..CreateDeployment::default()
        })
        .await
        .unwrap();
    assert_eq!(created.id, DEP);
    let e = p
        .create_deployment(&CreateDeployment {
            sovereign_fqdn: "taken.example".into(),
            ..CreateDeployment::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("subdomain-conflict"));

    assert_eq!(
        p.deployment(DEP).await.unwrap().status,
        DeploymentStatus::Provisioning
    );
    let ev = p.deployment_events(DEP).await.unwrap();
    assert_eq!(ev.events.len(), 2);
    assert_eq!(
        ev.events[1].level,
        EventLevel::Unknown,
        "unknown levels are not errors"
    );

    let e = p.deployment("ffffffffffffffff").await.unwrap_err();
    match &e {
        ApiError::NotFound {
            code,
            detail,
            request_id,
        } => {
            assert_eq!(code, &None);
            assert_eq!(detail, "deployment not found");
            assert_eq!(
                request_id.as_deref(),
                rec.last().header("x-request-id").as_deref()
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string()
            .starts_with("Not found: deployment not found."),
        "{e}"
    );
    assert!(
        p.deployment_events("ffffffffffffffff")
            .await
            .unwrap_err()
            .status()
            == Some(404)
    );

    // On the console's own origin, the console's bearer goes to the provisioning
    // service on every route (today's service wants it).
    assert!(
        rec.all()
            .iter()
            .all(|s| s.header("authorization").as_deref() == Some("Bearer console-token-1"))
    );
    assert!(
        rec.all()
            .iter()
            .all(|s| s.uri.starts_with("/sovereign/api/v1/deployments"))
    );
}

#[tokio::test]
async fn retries_answer_in_two_shapes() {
    let (p, _) = client(Some(false)).await;
    match p.retry_phase(DEP, "tofu-apply").await.unwrap() {
        RetryOutcome::Restarted {
            phase, stream_url, ..
        } => {
            assert_eq!(phase, "tofu-apply");
            assert!(stream_url.unwrap().ends_with("/logs"));
        }
        other => panic!("{other:?}"),
    }
    match p.retry_phase(DEP, "cilium").await.unwrap() {
        RetryOutcome::ManualRetryRequired { runbook, .. } => assert!(runbook.contains("flux")),
        other => panic!("{other:?}"),
    }
    let e = p.retry_phase(DEP, "bogus").await.unwrap_err();
    assert!(matches!(e, ApiError::BadRequest { .. }), "{e:?}");
    assert!(e.to_string().contains("unknown phase"), "{e}");
}

#[tokio::test]
async fn jobs_keep_the_colon_unencoded() {
    let (p, rec) = client(Some(false)).await;
    let jobs = p.jobs(DEP).await.unwrap();
    let detail = p.job(DEP, &jobs[0].id).await.unwrap();
    assert_eq!(detail.job.job_name, "install-cilium");
    assert_eq!(
        rec.last().uri,
        format!("/sovereign/api/v1/deployments/{DEP}/jobs/{DEP}:install-cilium")
    );
    // A bare job name gets the deployment id in front.
    p.job(DEP, "install-cilium").await.unwrap();
    assert_eq!(
        rec.last().uri,
        format!("/sovereign/api/v1/deployments/{DEP}/jobs/{DEP}:install-cilium")
    );
    let e = p.job(DEP, "other:x").await.unwrap_err();
    assert_eq!(e.code(), Some("job-not-found"));
    assert!(e.to_string().contains("job not found"), "{e}");

    assert_eq!(p.job_batches(DEP).await.unwrap().unwrap()[0].total, 35);
    let logs = p.execution_logs("ex-1", 40, Some(9000)).await.unwrap();
    assert_eq!(logs.lines[0].line_number, 40);
    assert_eq!(
        rec.last().uri,
        "/sovereign/api/v1/actions/executions/ex-1/logs?fromLine=40&limit=5000"
    );
    p.execution_logs("ex-1", 0, None).await.unwrap();
    assert!(rec.last().uri.ends_with("fromLine=0&limit=500"));

    let comps = p.components_state(DEP).await.unwrap();
    assert_eq!(comps.components[1].status, ComponentStatus::Unknown);
    assert_eq!(
        comps.components[1].depends_on.as_deref(),
        Some(&["cilium".to_string()][..])
    );
}

#[tokio::test]
async fn kubeconfig_is_yaml_or_not_yet_captured() {
    let (p, _) = client(Some(false)).await;
    let k = p.kubeconfig(DEP).await.unwrap();
    assert!(k.expose_secret().contains("kind: Config"));
    let e = p.kubeconfig("fedcba9876543210").await.unwrap_err();
    assert_eq!(e.code(), Some("not-implemented"));
    assert!(
        e.to_string()
            .contains("Not available yet: kubeconfig not captured yet"),
        "{e}"
    );
}

#[tokio::test]
async fn the_list_extension_may_be_absent() {
    let (with, _) = client(Some(true)).await;
    assert_eq!(with.list_deployments().await.unwrap().unwrap().len(), 1);
    let (method_not_allowed, rec) = client(Some(false)).await;
    assert_eq!(method_not_allowed.list_deployments().await.unwrap(), None);
    assert_eq!(rec.all().len(), 1);
    let (missing, _) = client(None).await;
    assert_eq!(missing.list_deployments().await.unwrap(), None);
}

#[tokio::test]
async fn log_streams_and_optional_bearer() {
    let (base, rec) = serve(router(Some(false))).await;
    let mut cfg = config(&base)
        .with_provisioning_url(&format!("{base}/sovereign"))
        .unwrap();
    cfg.provisioning_bearer = true;
    let api = ApiClient::new(
        cfg,
        TokenSource::Static {
            token: "console-token-2".to_string().into(),
            origin: "t".into(),
        },
    )
    .unwrap();
    let p = api.provisioning().unwrap();
    p.deployment(DEP).await.unwrap();
    assert_eq!(
        rec.last().header("authorization").as_deref(),
        Some("Bearer console-token-2")
    );

    let f = p.deployment_logs_request(DEP).unwrap();
    let req = f(None).build().unwrap();
    assert_eq!(
        req.url().path(),
        format!("/sovereign/api/v1/deployments/{DEP}/logs")
    );
    assert_eq!(req.headers()["accept"], "text/event-stream");
    assert_eq!(req.headers()["authorization"], "Bearer console-token-2");

    // On another origin it is sent only when configured so.
    let mut other = config(&base)
        .with_provisioning_url(&format!(
            "{}/sovereign",
            base.replace("127.0.0.1", "localhost")
        ))
        .unwrap();
    other.provisioning_bearer = false;
    let elsewhere = ApiClient::new(
        other,
        TokenSource::Static {
            token: "console-token-3".to_string().into(),
            origin: "t".into(),
        },
    )
    .unwrap()
    .provisioning()
    .unwrap();
    elsewhere.deployment(DEP).await.unwrap();
    assert!(rec.last().header("authorization").is_none());

    // Without provisioning_url there is no provisioning client.
    let plain = ApiClient::new(config(&base), TokenSource::None).unwrap();
    assert!(plain.provisioning().is_none());
    let unauthenticated =
        ProvisioningClient::new(&plain, format!("{base}/sovereign").parse().unwrap());
    let req = unauthenticated.deployment_logs_request(DEP).unwrap()(None)
        .build()
        .unwrap();
    assert!(req.headers().get("authorization").is_none());
}
