//! Device sign-in (RFC 8628) against a small identity provider on tokio's paused clock:
//! the prompt reaches the caller, polls keep the interval and slow down, and polling stops
//! on denial, on expiry of the code, and when the code's lifetime runs out (QUALITY S6).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, State};
use axum::response::Response;
use axum::routing::{get, post};
use catalyst_tui::api::{ApiClient, ApiError, DevicePrompt, TokenSource};
use client_support::*;
use serde_json::json;
use tokio::time::Instant;

struct Idp {
    /// Answers of the token endpoint, in order; `pending` once exhausted.
    script: Mutex<Vec<&'static str>>,
    polls: Mutex<Vec<Instant>>,
    authorized_at: Mutex<Option<Instant>>,
    expires_in: u64,
}

async fn device(State(idp): State<Arc<Idp>>, Form(f): Form<HashMap<String, String>>) -> Response {
    assert_eq!(f.get("client_id").map(String::as_str), Some("catalyst-tui"));
    assert_eq!(
        f.get("scope").map(String::as_str),
        Some("openid offline_access")
    );
    *idp.authorized_at.lock().unwrap() = Some(Instant::now());
    json_response(
        200,
        json!({"device_code": "device-code-secret", "user_code": "WDJB-MJHT",
               "verification_uri": "https://idp.example/device",
               "verification_uri_complete": "https://idp.example/device?user_code=WDJB-MJHT",
               "expires_in": idp.expires_in, "interval": 5}),
    )
}

async fn token(State(idp): State<Arc<Idp>>, Form(f): Form<HashMap<String, String>>) -> Response {
    assert_eq!(
        f.get("grant_type").map(String::as_str),
        Some("urn:ietf:params:oauth:grant-type:device_code")
    );
    assert_eq!(
        f.get("device_code").map(String::as_str),
        Some("device-code-secret")
    );
    idp.polls.lock().unwrap().push(Instant::now());
    let next = {
        let mut s = idp.script.lock().unwrap();
        if s.is_empty() { "pending" } else { s.remove(0) }
    };
    match next {
        "tokens" => json_response(
            200,
            json!({"access_token": "device-access", "token_type": "Bearer", "expires_in": 300,
                   "refresh_token": "device-refresh"}),
        ),
        "pending" => json_response(400, json!({"error": "authorization_pending"})),
        "slow" => json_response(400, json!({"error": "slow_down"})),
        "denied" => json_response(400, json!({"error": "access_denied"})),
        "expired" => json_response(400, json!({"error": "expired_token"})),
        other => panic!("unknown script step {other}"),
    }
}

async fn start(script: Vec<&'static str>, expires_in: u64) -> (String, Arc<Idp>) {
    let idp = Arc::new(Idp {
        script: Mutex::new(script),
        polls: Mutex::new(Vec::new()),
        authorized_at: Mutex::new(None),
        expires_in,
    });
    let meta = json!({
        "sovereign": {"name": "s", "domain": "s.example", "type": "corporate"},
        "api_version": "v1",
        "auth": {"issuer": "i", "device_authorization_endpoint": "/oauth/device",
                 "token_endpoint": "/oauth/token", "client_id": "catalyst-tui",
                 "scopes": ["openid", "offline_access"]}
    });
    let router = Router::new()
        .route(
            "/api/v1/meta",
            get(move || async move { json_response(200, meta) }),
        )
        .route("/oauth/device", post(device))
        .route("/oauth/token", post(token))
        .with_state(idp.clone());
    let (base, _) = serve(router).await;
    (base, idp)
}

/// Seconds between the authorization and each poll, and between polls.
fn gaps(idp: &Idp) -> Vec<Duration> {
    let mut last = idp.authorized_at.lock().unwrap().unwrap();
    idp.polls
        .lock()
        .unwrap()
        .iter()
        .map(|t| {
            let g = *t - last;
            last = *t;
            g
        })
        .collect()
}

fn assert_gaps_at_least(idp: &Idp, expected: &[u64]) {
    let gaps = gaps(idp);
    assert_eq!(gaps.len(), expected.len(), "{gaps:?}");
    for (g, e) in gaps.iter().zip(expected) {
        assert!(*g >= Duration::from_secs(*e), "{gaps:?} vs {expected:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn signs_in_obeying_interval_and_slow_down() {
    let (base, idp) = start(vec!["pending", "slow", "pending", "tokens"], 600).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("p/tokens.json");
    let client = ApiClient::new(config_untimed(&base), TokenSource::cache(&cache)).unwrap();
    assert!(!client.session().is_signed_in());

    let shown: Arc<Mutex<Option<DevicePrompt>>> = Arc::default();
    let s = shown.clone();
    client
        .sign_in_with_device(move |p| *s.lock().unwrap() = Some(p))
        .await
        .unwrap();

    let prompt = shown.lock().unwrap().clone().unwrap();
    assert_eq!(prompt.user_code, "WDJB-MJHT");
    assert_eq!(prompt.verification_uri, "https://idp.example/device");
    assert!(
        prompt
            .verification_uri_complete
            .unwrap()
            .contains("WDJB-MJHT")
    );
    assert_eq!(prompt.expires_in, Duration::from_secs(600));
    // 5 s, 5 s, then 10 s after the slow_down.
    assert_gaps_at_least(&idp, &[5, 5, 10, 10]);
    assert!(client.session().is_signed_in());
    assert!(
        std::fs::read_to_string(&cache)
            .unwrap()
            .contains("device-refresh")
    );
}

#[tokio::test(start_paused = true)]
async fn stops_when_the_person_declines() {
    let (base, idp) = start(vec!["pending", "denied"], 600).await;
    let client = ApiClient::new(config_untimed(&base), TokenSource::None).unwrap();
    let e = client.sign_in_with_device(|_| {}).await.unwrap_err();
    assert_eq!(e, ApiError::SignInDenied);
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert_eq!(
        idp.polls.lock().unwrap().len(),
        2,
        "no poll after the denial"
    );
    assert!(!client.session().is_signed_in());
}

#[tokio::test(start_paused = true)]
async fn stops_when_the_code_expired() {
    let (base, idp) = start(vec!["expired"], 600).await;
    let client = ApiClient::new(config_untimed(&base), TokenSource::None).unwrap();
    let e = client.sign_in_with_device(|_| {}).await.unwrap_err();
    assert_eq!(e, ApiError::SignInExpired);
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert_eq!(idp.polls.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn stops_when_the_code_lifetime_runs_out() {
    let (base, idp) = start(vec![], 12).await;
    let client = ApiClient::new(config_untimed(&base), TokenSource::None).unwrap();
    let e = client.sign_in_with_device(|_| {}).await.unwrap_err();
    assert_eq!(e, ApiError::SignInExpired);
    assert!(e.to_string().contains("Start the sign-in again"));
    assert_gaps_at_least(&idp, &[5, 5]);
    let last = *idp.polls.lock().unwrap().last().unwrap();
    let authorized = idp.authorized_at.lock().unwrap().unwrap();
    assert!(
        last - authorized <= Duration::from_secs(12),
        "no poll after expiry"
    );
}
