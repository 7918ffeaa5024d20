//! Shared helpers of the client tests: tiny axum servers on 127.0.0.1:0, a recorder of
//! what the client sent, clients configured without environment influence, and JSON
//! fixtures of the contract's shapes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;
use catalyst_tui::api::{ApiClient, ClientConfig, ProxySettings, TokenSource};
use serde_json::{Value, json};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query exactly as sent (not decoded).
    pub uri: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// Requests recorded by [`serve`].
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<Seen>>>);

impl Recorder {
    pub fn all(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }
    pub fn last(&self) -> Seen {
        self.all().last().cloned().expect("no request recorded")
    }
    pub fn count(&self, path_prefix: &str) -> usize {
        self.all()
            .iter()
            .filter(|s| s.uri.starts_with(path_prefix))
            .count()
    }
}

async fn record(
    axum::extract::State(rec): axum::extract::State<Recorder>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    rec.0.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        uri: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        headers: parts.headers.clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// Serves `router` on 127.0.0.1:0, recording every request; returns the base URL.
pub async fn serve(router: Router) -> (String, Recorder) {
    let rec = Recorder::default();
    let app = router.layer(middleware::from_fn_with_state(rec.clone(), record));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), rec)
}

/// A configuration for `base` unaffected by the environment (no proxies, no
/// SSL_CERT_FILE), with short timeouts.
pub fn config(base: &str) -> ClientConfig {
    catalyst_tui::cli::install_tls_provider();
    let mut c = ClientConfig::parse(base).unwrap();
    c.proxy = ProxySettings::none();
    c.ssl_cert_file = None;
    c.connect_timeout = Some(std::time::Duration::from_secs(5));
    c.read_timeout = Some(std::time::Duration::from_secs(10));
    c.request_timeout = Some(std::time::Duration::from_secs(10));
    c
}

/// A configuration without any timer, for tests on tokio's paused clock (a timeout would
/// fire as soon as the runtime idles).
pub fn config_untimed(base: &str) -> ClientConfig {
    let mut c = config(base);
    c.connect_timeout = None;
    c.read_timeout = None;
    c.request_timeout = None;
    c
}

/// A client for `base` with a fixed token.
pub fn client_with_token(base: &str, token: &str) -> ApiClient {
    ApiClient::new(
        config(base),
        TokenSource::Static {
            token: token.to_string().into(),
            origin: "the test".into(),
        },
    )
    .unwrap()
}

pub fn json_response(status: u16, body: Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

pub fn text_response(status: u16, content_type: &str, body: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

pub fn org_json(name: &str) -> Value {
    json!({
        "name": name, "display_name": name.to_uppercase(), "type": "corporate",
        "environments": [format!("{name}-dev")],
        "counts": {"applications": 3, "running": 2, "degraded": 1, "failed": 0,
                   "pending_approval": 0, "installing": 0}
    })
}

pub fn environment_json(org: &str, env_type: &str) -> Value {
    json!({
        "name": format!("{org}-{env_type}"), "org": org, "env_type": env_type,
        "topology": "single-region", "regions": ["fsn"], "vcluster": format!("vc-{org}"),
        "kube_context": format!("hz-fsn-rtz-{env_type}-{org}"), "git_repo": "git@x:y.git",
        "policy_summary": "", "counts": {}, "created_at": "2026-01-01T00:00:00Z"
    })
}

pub fn app_json(name: &str, status: &str) -> Value {
    json!({
        "name": name, "environment": "acme-dev", "org": "acme", "kind": "application",
        "blueprint": {"name": "bp-wordpress", "version": "1.2.0"}, "status": status,
        "status_detail": "", "placement": {"mode": "single-region", "regions": ["fsn"]},
        "pods": {"ready": 1, "total": 1}, "dependencies": [], "used_by": [],
        "last_deploy": {"at": "2026-01-01T00:00:00Z", "actor": "layla", "version": "1.2.0",
                        "commit": "abc123"},
        "owner_team": "team-web", "revision": 7
    })
}

pub fn access_request_json(id: &str, state: &str) -> Value {
    json!({
        "id": id, "environment": "acme-dev", "requester": "layla", "access": "view",
        "reason": "debugging", "duration_minutes": 30, "state": state,
        "requested_at": "2026-01-01T00:00:00Z"
    })
}

pub fn promotion_json(id: &str) -> Value {
    json!({
        "id": id, "org": "acme", "application": "shop", "source_environment": "acme-stg",
        "target_environment": "acme-prod", "from_version": "1.0.0", "to_version": "1.1.0",
        "state": "open", "created_by": "layla", "created_at": "2026-01-01T00:00:00Z",
        "pr": {"repo": "acme/prod", "number": 4, "url": "https://git/acme/prod/4"},
        "diff": "-a\n+b\n",
        "policy": {"rules": [{"kind": "pr-required", "satisfied": false,
                              "detail": "1 more approval from team-platform",
                              "approvers": ["team-platform"], "min_approvals": 2}],
                   "required_approvals": 2, "approver_teams": ["team-platform"]},
        "reviews": [], "revision": 3
    })
}

pub fn audit_json(id: &str) -> Value {
    json!({
        "id": id, "at": "2026-01-01T00:00:00Z", "actor": "layla", "roles": ["org-admin"],
        "action": "application.action", "target": "acme-dev/shop", "outcome": "success",
        "request_id": "r-1"
    })
}

pub fn deployment_json(id: &str) -> Value {
    json!({
        "id": id, "status": "provisioning", "startedAt": "2026-01-01T00:00:00Z",
        "finishedAt": null, "sovereignFQDN": "omantel.example", "region": "fsn1",
        "numEvents": 3
    })
}

pub fn job_json(dep: &str, name: &str) -> Value {
    json!({
        "id": format!("{dep}:{name}"), "deploymentId": dep, "jobName": name,
        "appId": "cilium", "batchId": "bootstrap-kit", "dependsOn": [],
        "status": "running", "durationMs": 1200
    })
}
