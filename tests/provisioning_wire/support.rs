//! Shared helpers of the provisioning wire tests: an in-process server on 127.0.0.1:0,
//! a strict parser of the service's SSE framing, fixture comparison.

use std::path::PathBuf;

use catalyst_tui::model::{DeploymentState, ProvisionEvent};
use catalyst_tui::sandbox::SandboxOptions;
use catalyst_tui::sandbox::provisioning::ProvisioningSandbox;

pub struct Server {
    pub base: String,
    pub prov: ProvisioningSandbox,
    pub http: reqwest::Client,
}

impl Server {
    pub async fn start(opts: SandboxOptions) -> Server {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let prov = ProvisioningSandbox::new(&opts);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = prov.router();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server {
            base: format!("http://{addr}"),
            prov,
            http: reqwest::Client::builder().build().unwrap(),
        }
    }

    pub async fn fast() -> Server {
        Server::start(SandboxOptions {
            speed: 2000.0,
            ..SandboxOptions::default()
        })
        .await
    }

    pub async fn frozen() -> Server {
        Server::start(SandboxOptions {
            speed: 0.0,
            ..SandboxOptions::default()
        })
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &str) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    pub async fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let resp = self.get(path).await;
        assert_eq!(resp.status(), 200, "GET {path}");
        resp.json().await.unwrap()
    }

    pub async fn state(&self, id: &str) -> DeploymentState {
        self.json(&format!("/api/v1/deployments/{id}")).await
    }
}

pub fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

/// A whole `/logs` body split into its frames, checked against the service's framing:
/// only `data: <json>` frames, then exactly one final `event: done` frame with the State.
pub struct Stream {
    pub events: Vec<ProvisionEvent>,
    pub raw_events: Vec<String>,
    pub done: DeploymentState,
    pub raw_done: String,
}

pub fn parse_stream(body: &str) -> Stream {
    assert!(body.ends_with("\n\n"), "stream ends with a blank line");
    for line in body.lines() {
        assert!(!line.starts_with("id:"), "no id lines: {line}");
        assert!(!line.starts_with("retry:"), "no retry lines: {line}");
        assert!(!line.starts_with(':'), "no comments: {line}");
    }
    let frames: Vec<&str> = body[..body.len() - 2].split("\n\n").collect();
    let (last, data) = frames.split_last().unwrap();
    let mut events = Vec::new();
    let mut raw_events = Vec::new();
    for f in data {
        let json = f
            .strip_prefix("data: ")
            .unwrap_or_else(|| panic!("frame is not a single data line: {f:?}"));
        assert!(!json.contains('\n'), "one line per event: {f:?}");
        events.push(
            serde_json::from_str::<ProvisionEvent>(json).unwrap_or_else(|e| panic!("{e}: {json}")),
        );
        raw_events.push(json.to_string());
    }
    let done_json = last
        .strip_prefix("event: done\ndata: ")
        .unwrap_or_else(|| panic!("last frame is done: {last:?}"));
    assert!(!done_json.contains('\n'));
    Stream {
        events,
        raw_events,
        done: serde_json::from_str(done_json).unwrap(),
        raw_done: done_json.to_string(),
    }
}

pub async fn read_logs(s: &Server, id: &str) -> (reqwest::header::HeaderMap, String) {
    let resp = s.get(&format!("/api/v1/deployments/{id}/logs")).await;
    assert_eq!(resp.status(), 200);
    let headers = resp.headers().clone();
    (headers, resp.text().await.unwrap())
}

pub fn assert_sse_headers(headers: &reqwest::header::HeaderMap) {
    let h = |n: &str| headers.get(n).map(|v| v.to_str().unwrap()).unwrap_or("");
    assert_eq!(h("content-type"), "text/event-stream");
    assert_eq!(h("cache-control"), "no-cache");
    assert_eq!(h("x-accel-buffering"), "no");
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/provisioning")
        .join(name)
}

/// Compares with a stored fixture; `UPDATE_FIXTURES=1` rewrites it instead.
pub fn assert_fixture(name: &str, actual: &str) {
    let path = fixture(name);
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b);
        panic!(
            "{name} differs from the fixture (first differing line {line:?}); rerun with UPDATE_FIXTURES=1 if intended"
        );
    }
}

pub const PHASE0: [&str; 5] = [
    "tofu-init",
    "tofu-plan",
    "tofu-apply",
    "tofu-output",
    "flux-bootstrap",
];

pub fn markers(events: &[ProvisionEvent]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e.phase.as_str())
        .filter(|p| PHASE0.contains(p))
        .collect()
}
