//! The sandbox's fault injection as the typed client meets it: 429 bursts with the retry
//! delay in the body (the real gateway's form), in a `Retry-After` header, or both, each
//! read into `ApiError::RateLimited`; injected 5xx answers as `ApiError::Server` naming
//! the request; added latency, and a client timeout shorter than it. Sign-in and
//! discovery are exempt, so every test signs in under its faults.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use std::time::Duration;

use catalyst_tui::api::{ApiClient, ApiError, TokenSource, TransportKind};
use catalyst_tui::sandbox::{Faults, RetryAfterForm, SandboxOptions};
use contract_support::*;

async fn start_faulty(faults: Faults) -> catalyst_tui::sandbox::RunningSandbox {
    start_with(SandboxOptions {
        speed: 0.0,
        faults,
        ..SandboxOptions::default()
    })
    .await
}

fn rate_limits(form: RetryAfterForm) -> Faults {
    Faults {
        rate_limit_every: Some(2),
        rate_limit_burst: 1,
        rate_limit_form: form,
        ..Faults::default()
    }
}

#[track_caller]
fn assert_rate_limited<T: std::fmt::Debug>(r: Result<T, ApiError>) -> ApiError {
    match r {
        Err(e @ ApiError::RateLimited { .. }) => {
            assert_eq!(e.retry_after(), Some(Duration::from_secs(2)), "{e:?}");
            assert_eq!(e.status(), Some(429));
            assert!(e.request_id().is_some(), "{e:?}");
            assert!(e.is_retryable());
            assert!(e.to_string().contains("try again in 2 s"), "{e}");
            e
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

async fn rate_limited_in_form(form: RetryAfterForm) {
    let sb = start_faulty(rate_limits(form)).await;
    // Sign-in is exempt: it works whatever the counter says.
    let client = sign_in(&sb, "layla").await;
    // Every second counted request is refused, bursts of one.
    client.me().await.unwrap();
    assert_rate_limited(client.me().await);
    client.list_all_orgs().await.unwrap();
    assert_rate_limited(client.get_org("digital-channels").await);
    client.get_org("digital-channels").await.unwrap();
    // Mutations are counted and refused the same way, and nothing happens.
    let e = assert_rate_limited(
        client
            .create_access_request(
                "digital-channels-dev",
                &catalyst_tui::model::CreateAccessRequest {
                    reason: "x".into(),
                    duration_minutes: 5,
                    access: catalyst_tui::model::AccessLevel::View,
                },
            )
            .await,
    );
    assert!(!e.needs_sign_in());
    client.meta().await.unwrap();

    // On the wire: the delay travels only in the chosen form (requests 7 and 8).
    let token = raw_token(&sb, "layla").await;
    let http = reqwest::Client::new();
    let get = || {
        http.get(format!("{}/api/v1/me", sb.base_url))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(get().await.unwrap().status(), 200);
    let resp = get().await.unwrap();
    assert_eq!(resp.status(), 429);
    let header = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "rate-limited");
    let (want_header, want_body) = match form {
        RetryAfterForm::Header => (Some("2".to_string()), None),
        RetryAfterForm::Body => (None, Some(2)),
        RetryAfterForm::Both => (Some("2".to_string()), Some(2)),
    };
    assert_eq!(header, want_header, "{form:?}");
    assert_eq!(body["retry_after"].as_u64(), want_body, "{form:?}: {body}");
}

#[tokio::test]
async fn rate_limits_with_the_delay_in_the_body() {
    rate_limited_in_form(RetryAfterForm::Body).await;
}

#[tokio::test]
async fn rate_limits_with_the_delay_in_a_header() {
    rate_limited_in_form(RetryAfterForm::Header).await;
}

#[tokio::test]
async fn rate_limits_with_the_delay_in_both() {
    rate_limited_in_form(RetryAfterForm::Both).await;
}

#[tokio::test]
async fn injected_server_errors_name_their_request() {
    let sb = start_faulty(Faults {
        error_ratio: 1.0,
        ..Faults::default()
    })
    .await;
    let client = sign_in(&sb, "admin").await;
    client.meta().await.unwrap();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        match client.me().await.unwrap_err() {
            e @ ApiError::Server { .. } => {
                let ApiError::Server { status, code, .. } = &e else {
                    unreachable!()
                };
                let id = e.request_id().expect("names the request");
                assert!(is_client_request_id(id), "{id}");
                assert!(e.to_string().contains(id), "shown to people: {e}");
                assert!(e.is_retryable());
                statuses.push((*status, code.clone().unwrap()));
            }
            other => panic!("expected Server, got {other:?}"),
        }
    }
    assert_eq!(
        statuses,
        [
            (503, "unavailable".to_string()),
            (500, "internal".to_string()),
            (503, "unavailable".to_string()),
            (500, "internal".to_string()),
        ]
    );
    let e = client.me().await.unwrap_err();
    assert!(e.to_string().contains("temporarily unavailable"), "{e}");
}

/// Every other request fails (the sandbox spreads its errors evenly): each read is
/// asked again and succeeds; a write that meets the error is not sent twice.
#[tokio::test]
async fn reads_are_asked_again_past_server_errors_and_writes_are_not() {
    let sb = start_faulty(Faults {
        error_ratio: 0.5,
        ..Faults::default()
    })
    .await;
    let client = sign_in(&sb, "admin").await;
    for _ in 0..6 {
        client.list_all_orgs().await.unwrap();
    }
    // The last request succeeded, so the next one is answered 5xx.
    client.me().await.unwrap();
    let request = catalyst_tui::model::ActionRequest {
        action: catalyst_tui::model::AppAction::Restart,
        reason: "a test of the fault".into(),
    };
    match client
        .application_action("digital-channels-stg", "payment-rail", &request)
        .await
    {
        Err(ApiError::Server { .. }) => {}
        other => panic!("a write meets the error once: {other:?}"),
    }
}

#[tokio::test]
async fn latency_is_added_and_a_shorter_client_timeout_gives_up() {
    let sb = start_faulty(Faults {
        latency_ms: 400,
        ..Faults::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("tokens.json");
    let client = ApiClient::new(config(&sb, None), TokenSource::cache(&cache)).unwrap();
    let (_, signed) = device_sign_in(&client, &sb.base_url, "huda", "approve").await;
    signed.unwrap();

    // A lower bound only: the answer cannot come before the injected delay.
    let started = tokio::time::Instant::now();
    assert_eq!(client.me().await.unwrap().sub, "huda");
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );

    // The same session with a client that waits less than the delay.
    let mut impatient = config(&sb, None);
    impatient.request_timeout = Some(Duration::from_millis(100));
    let impatient = ApiClient::new(impatient, TokenSource::cache(&cache)).unwrap();
    assert!(impatient.session().is_signed_in());
    match impatient.me().await.unwrap_err() {
        e @ ApiError::Transport {
            kind: TransportKind::Timeout,
            ..
        } => {
            assert!(e.request_id().is_some(), "{e:?}");
            assert!(e.is_retryable());
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // The session survives a timeout.
    assert!(!impatient.session().is_expired());
}
