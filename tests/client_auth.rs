//! Sessions: a 401 triggers exactly one refresh however many requests fail together, and
//! all of them retry with the new token; a refused refresh ends the session; file and
//! static tokens; proactive refresh; a two-hour follow with five-minute tokens (R5).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod client_support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use catalyst_tui::api::auth::{TokenCache, Tokens};
use catalyst_tui::api::{ApiClient, ApiError, TokenSource};
use catalyst_tui::model::TokenResponse;
use client_support::*;
use serde_json::json;
use tokio::time::Instant;

#[derive(Clone, Copy, PartialEq)]
enum RefreshMode {
    Ok,
    InvalidGrant,
    Unavailable,
}

/// A tiny identity provider + API: tokens are `A<n>`/`R<n>`, valid for `lifetime` on the
/// runtime clock; `/me` answers 401 to anything but a live token.
struct Idp {
    refreshes: AtomicUsize,
    unauthorized: AtomicUsize,
    issued: Mutex<HashMap<String, Instant>>,
    refresh_tokens: Mutex<Vec<String>>,
    mode: Mutex<RefreshMode>,
    lifetime: Duration,
    /// When set, `/me` with a dead token waits until this many requests are in flight.
    barrier: Option<tokio::sync::Barrier>,
}

impl Idp {
    fn new(lifetime: Duration, barrier: Option<usize>) -> Arc<Self> {
        Arc::new(Self {
            refreshes: AtomicUsize::new(0),
            unauthorized: AtomicUsize::new(0),
            issued: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(vec!["R0".into()]),
            mode: Mutex::new(RefreshMode::Ok),
            lifetime,
            barrier: barrier.map(tokio::sync::Barrier::new),
        })
    }
}

fn meta() -> serde_json::Value {
    json!({
        "sovereign": {"name": "omantel", "domain": "omantel.example", "type": "sme"},
        "api_version": "v1",
        "auth": {"issuer": "http://idp", "device_authorization_endpoint": "/oauth/device",
                 "token_endpoint": "/oauth/token", "client_id": "catalyst-tui",
                 "scopes": ["openid", "offline_access"]},
        "defaults": {}
    })
}

async fn me(State(idp): State<Arc<Idp>>, headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_string();
    let live = idp
        .issued
        .lock()
        .unwrap()
        .get(&token)
        .is_some_and(|at| at.elapsed() < idp.lifetime);
    if live {
        return json_response(
            200,
            json!({"sub": "layla", "name": "Layla", "email": "l@x", "roles": [], "teams": []}),
        );
    }
    if let Some(b) = &idp.barrier {
        b.wait().await;
    }
    idp.unauthorized.fetch_add(1, Ordering::SeqCst);
    json_response(
        401,
        json!({"error": "unauthenticated", "detail": "token expired"}),
    )
}

async fn token(State(idp): State<Arc<Idp>>, Form(form): Form<HashMap<String, String>>) -> Response {
    assert_eq!(
        form.get("grant_type").map(String::as_str),
        Some("refresh_token")
    );
    assert_eq!(
        form.get("client_id").map(String::as_str),
        Some("catalyst-tui")
    );
    let n = idp.refreshes.fetch_add(1, Ordering::SeqCst) + 1;
    let mode = *idp.mode.lock().unwrap();
    match mode {
        RefreshMode::InvalidGrant => {
            return json_response(400, json!({"error": "invalid_grant"}));
        }
        RefreshMode::Unavailable => {
            return json_response(503, json!({"error": "unavailable", "detail": "idp down"}));
        }
        RefreshMode::Ok => {}
    }
    let presented = form.get("refresh_token").cloned().unwrap_or_default();
    if !idp.refresh_tokens.lock().unwrap().contains(&presented) {
        return json_response(400, json!({"error": "invalid_grant"}));
    }
    let access = format!("A{n}");
    idp.issued
        .lock()
        .unwrap()
        .insert(access.clone(), Instant::now());
    idp.refresh_tokens.lock().unwrap().push(format!("R{n}"));
    json_response(
        200,
        json!({"access_token": access, "token_type": "Bearer",
               "expires_in": idp.lifetime.as_secs(), "refresh_token": format!("R{n}")}),
    )
}

async fn start(idp: Arc<Idp>) -> (String, Recorder) {
    let router = Router::new()
        .route("/api/v1/meta", get(|| async { json_response(200, meta()) }))
        .route("/api/v1/me", get(me))
        .route("/oauth/token", post(token))
        .with_state(idp);
    serve(router).await
}

/// A cache holding the dead access token `A0` and the refresh token `R0`.
fn seeded_cache(dir: &tempfile::TempDir, expires_in: u64) -> TokenSource {
    let path = dir.path().join("profile").join("tokens.json");
    let tokens = Tokens::from_response(
        TokenResponse {
            access_token: "A0".into(),
            token_type: "Bearer".into(),
            expires_in,
            refresh_token: Some("R0".into()),
            scope: None,
        },
        None,
    );
    TokenCache::new(&path).store(&tokens).unwrap();
    TokenSource::cache(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_share_one_refresh_and_all_retry() {
    const N: usize = 8;
    let idp = Idp::new(Duration::from_secs(300), Some(N));
    let (base, rec) = start(idp.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let client = ApiClient::new(config(&base), seeded_cache(&dir, 3600)).unwrap();

    let calls = (0..N).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.me().await })
    });
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.unwrap().unwrap().sub, "layla");
    }
    assert_eq!(
        idp.refreshes.load(Ordering::SeqCst),
        1,
        "exactly one refresh"
    );
    assert_eq!(idp.unauthorized.load(Ordering::SeqCst), N);
    // Every retry carried the new token.
    let retried: Vec<_> = rec
        .all()
        .into_iter()
        .filter(|s| {
            s.uri == "/api/v1/me" && s.header("authorization").as_deref() == Some("Bearer A1")
        })
        .collect();
    assert_eq!(retried.len(), N);
    // The refreshed tokens were saved.
    let saved = std::fs::read_to_string(dir.path().join("profile/tokens.json")).unwrap();
    assert!(
        saved.contains("\"A1\"") && saved.contains("\"R1\""),
        "{saved}"
    );

    // SSE requests built afterwards carry the new token too.
    let factory = client.events_request(Some("acme"), None).unwrap();
    let req = factory(Some("42")).build().unwrap();
    assert_eq!(req.headers()["authorization"], "Bearer A1");
    assert_eq!(req.headers()["last-event-id"], "42");
    assert_eq!(req.headers()["accept"], "text/event-stream");
    assert!(req.headers().contains_key("x-request-id"));
    assert_eq!(req.url().path(), "/api/v1/events");
    assert_eq!(req.url().query(), Some("org=acme"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_refresh_ends_the_session_once_for_everyone() {
    const N: usize = 5;
    let idp = Idp::new(Duration::from_secs(300), Some(N));
    *idp.mode.lock().unwrap() = RefreshMode::InvalidGrant;
    let (base, rec) = start(idp.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let client = ApiClient::new(config(&base), seeded_cache(&dir, 3600)).unwrap();

    let calls = (0..N).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.me().await })
    });
    for r in futures::future::join_all(calls).await {
        let e = r.unwrap().unwrap_err();
        assert!(matches!(e, ApiError::SessionExpired { .. }), "{e:?}");
        assert!(e.request_id().is_some(), "the refused request's id is kept");
        assert!(e.needs_sign_in());
    }
    assert_eq!(idp.refreshes.load(Ordering::SeqCst), 1);
    assert!(client.session().is_expired());

    // Later calls fail at once, without sending anything.
    let before = rec.all().len();
    let e = client.me().await.unwrap_err();
    assert!(matches!(e, ApiError::SessionExpired { .. }), "{e:?}");
    assert_eq!(rec.all().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_identity_provider_is_not_a_sign_out() {
    const N: usize = 4;
    let idp = Idp::new(Duration::from_secs(300), Some(N));
    *idp.mode.lock().unwrap() = RefreshMode::Unavailable;
    let (base, _) = start(idp.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let client = ApiClient::new(config(&base), seeded_cache(&dir, 3600)).unwrap();
    let calls = (0..N).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.me().await })
    });
    for r in futures::future::join_all(calls).await {
        let e = r.unwrap().unwrap_err();
        assert!(matches!(e, ApiError::Server { status: 503, .. }), "{e:?}");
    }
    // The waiters shared the one failed attempt.
    assert_eq!(idp.refreshes.load(Ordering::SeqCst), 1);
    assert!(!client.session().is_expired());
    assert!(client.session().is_signed_in());
}

#[tokio::test]
async fn a_token_refused_even_after_refresh_ends_the_session() {
    // `/me` only accepts tokens younger than zero seconds: every token is refused.
    let idp = Idp::new(Duration::ZERO, None);
    let (base, _) = start(idp.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let client = ApiClient::new(config(&base), seeded_cache(&dir, 3600)).unwrap();
    let e = client.me().await.unwrap_err();
    assert!(matches!(e, ApiError::SessionExpired { .. }), "{e:?}");
    assert_eq!(
        idp.refreshes.load(Ordering::SeqCst),
        1,
        "one refresh, one retry"
    );
    assert_eq!(idp.unauthorized.load(Ordering::SeqCst), 2);
    assert!(client.session().is_expired());
}

#[tokio::test]
async fn static_tokens_cannot_be_refreshed() {
    let idp = Idp::new(Duration::from_secs(300), None);
    let (base, _) = start(idp.clone()).await;
    let client = ApiClient::new(
        config(&base),
        TokenSource::Static {
            token: "static-token-xyz".to_string().into(),
            origin: "CATALYST_TOKEN".into(),
        },
    )
    .unwrap();
    let e = client.me().await.unwrap_err();
    match &e {
        ApiError::SessionExpired { detail, .. } => {
            assert!(detail.contains("CATALYST_TOKEN"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(idp.refreshes.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn token_files_are_read_again_after_a_401() {
    let idp = Idp::new(Duration::from_secs(300), None);
    idp.issued
        .lock()
        .unwrap()
        .insert("F2".into(), Instant::now());
    let (base, _) = start(idp.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "F1\n").unwrap();
    let client = ApiClient::new(config(&base), TokenSource::file(&file)).unwrap();

    // An outside agent rotated the token.
    std::fs::write(&file, "F2\n").unwrap();
    assert_eq!(client.me().await.unwrap().sub, "layla");

    // A file that still holds a refused token ends the session.
    idp.issued.lock().unwrap().clear();
    let e = client.me().await.unwrap_err();
    assert!(matches!(e, ApiError::SessionExpired { .. }), "{e:?}");
    assert_eq!(idp.refreshes.load(Ordering::SeqCst), 0);

    let e = ApiClient::new(config(&base), TokenSource::file(dir.path().join("nope"))).unwrap_err();
    assert!(
        e.to_string().contains("Could not read the token file"),
        "{e}"
    );
}

#[tokio::test(start_paused = true)]
async fn tokens_are_refreshed_before_they_expire() {
    let idp = Idp::new(Duration::from_secs(300), None);
    let (base, rec) = start(idp.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let client = ApiClient::new(config_untimed(&base), seeded_cache(&dir, 300)).unwrap();
    // Make the seeded token live on the server, then let 4 min 10 s pass.
    idp.issued
        .lock()
        .unwrap()
        .insert("A0".into(), Instant::now());
    tokio::time::advance(Duration::from_secs(250)).await;
    assert_eq!(client.me().await.unwrap().sub, "layla");
    assert_eq!(idp.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(
        idp.unauthorized.load(Ordering::SeqCst),
        0,
        "no 401 was needed"
    );
    assert_eq!(
        rec.last().header("authorization").as_deref(),
        Some("Bearer A1")
    );
}

#[tokio::test(start_paused = true)]
async fn a_two_hour_follow_with_five_minute_tokens_needs_no_sign_in() {
    let idp = Idp::new(Duration::from_secs(300), None);
    let (base, _) = start(idp.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let client = ApiClient::new(config_untimed(&base), seeded_cache(&dir, 300)).unwrap();
    idp.issued
        .lock()
        .unwrap()
        .insert("A0".into(), Instant::now());
    let keeper = client.spawn_session_keeper();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2 * 3600) {
        tokio::time::sleep(Duration::from_secs(10)).await;
        // What a reconnecting stream does: build its request from the current token.
        let factory = client.events_request(None, None).unwrap();
        let token = factory(None).build().unwrap().headers()["authorization"]
            .to_str()
            .unwrap()
            .trim_start_matches("Bearer ")
            .to_string();
        let issued = idp.issued.lock().unwrap().get(&token).copied().unwrap();
        assert!(
            issued.elapsed() < Duration::from_secs(300),
            "{token} expired"
        );
    }
    keeper.abort();
    assert!(client.session().is_signed_in());
    // Every 4 minutes, for 2 hours.
    let n = idp.refreshes.load(Ordering::SeqCst);
    assert!((29..=31).contains(&n), "{n} refreshes");
    assert_eq!(idp.unauthorized.load(Ordering::SeqCst), 0);
}

#[test]
fn environment_tokens_are_read_when_present() {
    // PATH is set in every environment this runs in; a test may not set variables itself.
    match TokenSource::from_env("PATH") {
        Some(TokenSource::Static { origin, .. }) => assert_eq!(origin, "PATH"),
        other => panic!("{other:?}"),
    }
    assert!(TokenSource::from_env("CATALYST_TEST_SURELY_UNSET_VARIABLE").is_none());
}
