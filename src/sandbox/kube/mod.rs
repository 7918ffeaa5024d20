//! The Kubernetes subset the sandbox serves inside an access grant (contract Part C),
//! under `/k8s/{env}`: discovery, `/version`, namespaced pods (list, get, watch), pod
//! logs (follow), events (list, watch), and the two Flux kinds (HelmRelease,
//! Kustomization). Everything is derived from the world on each request, so pods,
//! events and Flux conditions always agree with the Applications' states.
//!
//! This file owns the router, the bearer-token check against live grants and the
//! Kubernetes `Status` errors. Objects are built in `objects` (pods, shared parts),
//! `flux` and `events`, log lines in `logs`, list and watch in `watch` and `live`,
//! server-side tables in `table`, discovery documents in `discovery`. Nothing here
//! writes to the world, and no token is ever logged or echoed.
//!
//! The same routes are served on the sandbox's plain-HTTP address and, for clients such
//! as kubectl (client-go) that send a kubeconfig's token only to a TLS server, on its
//! HTTPS loopback port (`super::tls`); a grant's credentials name the HTTPS one.

mod discovery;
mod events;
mod flux;
mod live;
mod logs;
mod objects;
mod table;
mod watch;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::store::{SharedSandbox, World};
use crate::model::AccessRequest;

pub use objects::Kind;

/// The routes of the Kubernetes subset, for both API modes.
pub fn router() -> Router<SharedSandbox> {
    let inner = Router::new()
        .route("/version", get(discovery::version))
        .route("/api", get(discovery::api_versions))
        .route("/api/v1", get(discovery::core_v1))
        .route("/apis", get(discovery::api_groups))
        .route("/apis/{group}/{version}", get(discovery::group_version))
        .route("/api/v1/namespaces/{ns}/{resource}", get(watch::list_core))
        .route(
            "/api/v1/namespaces/{ns}/{resource}/{name}",
            get(watch::get_core),
        )
        .route(
            "/api/v1/namespaces/{ns}/pods/{name}/log",
            get(logs::pod_log),
        )
        .route(
            "/apis/{group}/{version}/namespaces/{ns}/{resource}",
            get(watch::list_group),
        )
        .route(
            "/apis/{group}/{version}/namespaces/{ns}/{resource}/{name}",
            get(watch::get_group),
        )
        .fallback(not_served);
    Router::new().nest("/k8s/{env}", inner)
}

/// Anything else under `/k8s/{env}`: the token is checked first (a dead one is a 401
/// wherever it goes), then a cluster-wide read is outside the grant (403) and the rest
/// does not exist (404).
async fn not_served(
    State(state): State<SharedSandbox>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path();
    let rest = path.strip_prefix("/k8s/").unwrap_or(path);
    let (env, rest) = rest.split_once('/').unwrap_or((rest, ""));
    {
        let world = state.world.read().await;
        if let Err(r) = authorize(&world, &headers, env, None) {
            return r.into_response();
        }
    }
    let api = rest.starts_with("api/") || rest.starts_with("apis/");
    if api && !rest.contains("/namespaces/") {
        return status(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "this grant is limited to its namespace: cluster-wide reads are not allowed",
        );
    }
    status(
        StatusCode::NOT_FOUND,
        "NotFound",
        "the server could not find the requested resource",
    )
}

/// A Kubernetes `Status` failure with its HTTP code.
pub(crate) fn status(code: StatusCode, reason: &str, message: &str) -> Response {
    (code, json_body(&status_object(code, reason, message))).into_response()
}

/// The `Status` object itself (also the `object` of a watch `ERROR` event).
pub(crate) fn status_object(code: StatusCode, reason: &str, message: &str) -> serde_json::Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code.as_u16(),
    })
}

/// A JSON answer with the plain content type (clients asking for aggregated discovery
/// or server-side tables fall back to the plain forms when they get this).
pub(crate) fn json_body(v: &serde_json::Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

/// What a request may see: the live grant behind its bearer token.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    /// The grant's Environment (also its only namespace).
    pub env: String,
    /// The grant's id, to notice when it ends during a stream.
    pub id: String,
}

impl Grant {
    /// True while the grant with this id is still live in `world`.
    pub fn alive(&self, world: &World) -> bool {
        world.access_requests.get(&self.id).is_some_and(|r| {
            r.state == crate::model::AccessState::Granted
                && r.expires_at.is_some_and(|e| e > world.now())
        })
    }
}

/// A refused request, answered as a Kubernetes `Status`.
#[derive(Debug)]
pub(crate) struct Failure {
    code: StatusCode,
    reason: &'static str,
    message: String,
}

impl Failure {
    pub fn new(code: StatusCode, reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            reason,
            message: message.into(),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        status(self.code, self.reason, &self.message)
    }
}

fn unauthorized() -> Failure {
    Failure::new(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized")
}

/// Checks the bearer token against live grants and the path's Environment and
/// namespace: 401 without a live grant, 403 when it is for another Environment or
/// namespace.
pub(crate) fn authorize(
    world: &World,
    headers: &HeaderMap,
    env: &str,
    ns: Option<&str>,
) -> Result<Grant, Failure> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(unauthorized)?;
    let grant: &AccessRequest = world
        .grant_for_token(token, world.now())
        .ok_or_else(unauthorized)?;
    if grant.environment != env {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!("this grant is for {}, not for {env}", grant.environment),
        ));
    }
    if let Some(ns) = ns.filter(|ns| *ns != env) {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!("this grant may read namespace \"{env}\" only, not namespace \"{ns}\""),
        ));
    }
    Ok(Grant {
        env: env.to_string(),
        id: grant.id.clone(),
    })
}
