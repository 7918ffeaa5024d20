//! Discovery documents of the Kubernetes subset: `/version`, `/api` (APIVersions),
//! `/api/v1` (pods, pods/log, events), `/apis` (the two Flux groups) and their
//! resource lists. Always the plain (legacy) forms with `application/json`: kubectl
//! asks for aggregated discovery first and falls back when it gets these.
//!
//! Must not describe anything the sandbox does not serve.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::objects::Kind;
use super::{Failure, authorize, json_body, status};
use crate::sandbox::store::SharedSandbox;
use axum::response::IntoResponse;

const READ_VERBS: [&str; 3] = ["get", "list", "watch"];

async fn check(state: &SharedSandbox, headers: &HeaderMap, env: &str) -> Result<(), Failure> {
    let world = state.world.read().await;
    authorize(&world, headers, env, None).map(|_| ())
}

/// `GET /version`.
pub async fn version(
    State(state): State<SharedSandbox>,
    Path(env): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check(&state, &headers, &env).await {
        return r.into_response();
    }
    json_body(&json!({
        "major": "1",
        "minor": "33",
        "gitVersion": "v1.33.0-catalyst-sandbox",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.24.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }))
}

/// `GET /api`.
pub async fn api_versions(
    State(state): State<SharedSandbox>,
    Path(env): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check(&state, &headers, &env).await {
        return r.into_response();
    }
    json_body(&json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}],
    }))
}

fn resource(kind: Kind) -> Value {
    let mut r = json!({
        "name": kind.plural(),
        "singularName": kind.singular(),
        "namespaced": true,
        "kind": kind.kind(),
        "verbs": READ_VERBS,
    });
    if let Some(short) = kind.short_name() {
        r["shortNames"] = json!([short]);
    }
    if matches!(kind, Kind::HelmRelease | Kind::Kustomization) {
        r["categories"] = json!(["all"]);
    }
    r
}

/// `GET /api/v1`.
pub async fn core_v1(
    State(state): State<SharedSandbox>,
    Path(env): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check(&state, &headers, &env).await {
        return r.into_response();
    }
    json_body(&json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "v1",
        "resources": [
            resource(Kind::Pod),
            {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]},
            resource(Kind::Event),
        ],
    }))
}

fn group(kind: Kind) -> Value {
    let gv = kind.api_version();
    let (name, version) = gv.split_once('/').unwrap_or((gv, ""));
    let v = json!({"groupVersion": gv, "version": version});
    json!({"name": name, "versions": [v.clone()], "preferredVersion": v})
}

/// `GET /apis`.
pub async fn api_groups(
    State(state): State<SharedSandbox>,
    Path(env): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check(&state, &headers, &env).await {
        return r.into_response();
    }
    json_body(&json!({
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [group(Kind::HelmRelease), group(Kind::Kustomization)],
    }))
}

/// `GET /apis/{group}/{version}`.
pub async fn group_version(
    State(state): State<SharedSandbox>,
    Path((env, group, version)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check(&state, &headers, &env).await {
        return r.into_response();
    }
    let Some(kind) = Kind::of_group(&group, &version, None) else {
        return status(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    json_body(&json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": kind.api_version(),
        "resources": [resource(kind)],
    }))
}
