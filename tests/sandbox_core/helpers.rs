//! Helpers: start a sandbox, sign in through the device flow, call the API.

use catalyst_tui::model::*;
use catalyst_tui::sandbox::{RunningSandbox, SandboxOptions, spawn};
use reqwest::StatusCode;
use serde_json::Value;

pub(crate) const CLIENT: &str = "catalyst-tui";
pub(crate) const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub(crate) async fn start_with(opts: SandboxOptions) -> RunningSandbox {
    catalyst_tui::cli::install_tls_provider();
    spawn(SandboxOptions {
        // Frozen simulation: seeded facts stay as seeded while a test reads them.
        speed: 0.0,
        ..opts
    })
    .await
    .unwrap()
}

pub(crate) async fn start() -> RunningSandbox {
    start_with(SandboxOptions::default()).await
}

pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// Moves the sandbox's clock forward (token and device-code expiry).
pub(crate) async fn advance(sb: &RunningSandbox, secs: i64) {
    sb.state.world.write().await.clock_skew += chrono::TimeDelta::seconds(secs);
}

pub(crate) async fn device_code(sb: &RunningSandbox) -> DeviceAuthorization {
    let resp = http()
        .post(format!("{}/oauth/device/code", sb.base_url))
        .form(&[("client_id", CLIENT), ("scope", "openid catalyst")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

pub(crate) async fn poll(sb: &RunningSandbox, device_code: &str) -> (StatusCode, Value) {
    let resp = http()
        .post(format!("{}/oauth/token", sb.base_url))
        .form(&[
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code),
            ("client_id", CLIENT),
        ])
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

/// What the verification page's form submits.
pub(crate) async fn verify(
    sb: &RunningSandbox,
    user_code: &str,
    persona: &str,
    decision: &str,
) -> StatusCode {
    http()
        .post(format!("{}/device", sb.base_url))
        .form(&[
            ("user_code", user_code),
            ("persona", persona),
            ("decision", decision),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

/// Signs in as `persona` through the device flow: code, form post, one poll.
pub(crate) async fn sign_in(sb: &RunningSandbox, persona: &str) -> TokenResponse {
    let d = device_code(sb).await;
    assert_eq!(
        verify(sb, &d.user_code, persona, "approve").await,
        StatusCode::OK
    );
    let (status, body) = poll(sb, &d.device_code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

pub(crate) async fn login(sb: &RunningSandbox, persona: &str) -> String {
    sign_in(sb, persona).await.access_token
}

pub(crate) struct Call<'a> {
    pub(crate) sb: &'a RunningSandbox,
    pub(crate) token: &'a str,
    pub(crate) ticket: Option<&'a str>,
}

impl<'a> Call<'a> {
    pub(crate) fn new(sb: &'a RunningSandbox, token: &'a str) -> Self {
        Call {
            sb,
            token,
            ticket: None,
        }
    }
    pub(crate) fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = http()
            .request(method, format!("{}{path}", self.sb.base_url))
            .bearer_auth(self.token);
        if let Some(t) = self.ticket {
            r = r.header("X-Catalyst-Support-Ticket", t);
        }
        r
    }
    pub(crate) async fn send(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = r.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::GET, path)).await
    }
    pub(crate) async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::POST, path).json(&body)).await
    }
    pub(crate) async fn delete(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::DELETE, path)).await
    }
}

pub(crate) fn names(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) fn app_of(page: &Value, name: &str) -> Value {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name} in {page}"))
}

pub(crate) async fn audit_records(sb: &RunningSandbox) -> Vec<AuditRecord> {
    sb.state.world.read().await.audit.clone()
}
