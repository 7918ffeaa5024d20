//! The sandbox's fault layer over a tiny router, without a network and on tokio's paused
//! clock: 429 in each retry-after form, the 5xx ratio, added latency, and event streams
//! cut after N events or N seconds or left silent after N events.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use futures::StreamExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use catalyst_tui::sandbox::{Faults, RetryAfterForm, faults};

/// A router with a JSON route, the exempt discovery route, and an event stream that
/// sends a data frame every second (first at 0.5 s) plus a comment, forever.
fn tiny(f: Faults) -> Router {
    let stream = || async {
        let frames = futures::stream::unfold(0u32, |n| async move {
            tokio::time::sleep(Duration::from_millis(if n == 0 { 500 } else { 1_000 })).await;
            let bytes = Bytes::from(format!(": tick\n\nid: {n}\ndata: {{\"n\":{n}}}\n\n"));
            Some((Ok::<_, std::io::Error>(bytes), n + 1))
        });
        (
            [(header::CONTENT_TYPE, "text/event-stream")],
            Body::from_stream(
                futures::stream::once(async { Ok(Bytes::from_static(b"retry: 3000\n\n")) })
                    .chain(frames),
            ),
        )
    };
    let app = Router::new()
        .route(
            "/api/v1/things",
            get(|| async { axum::Json(json!({"ok": true})) }),
        )
        .route("/api/v1/meta", get(|| async { "meta" }))
        .route("/api/v1/events", get(stream));
    faults::apply(app, f)
}

async fn hit(app: &Router, path: &str) -> axum::response::Response {
    let req = Request::get(path)
        .header("x-request-id", "req-7")
        .body(Body::empty())
        .unwrap();
    app.clone().oneshot(req).await.unwrap()
}

async fn json_of(resp: axum::response::Response) -> Value {
    let mut s = resp.into_body().into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = s.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    serde_json::from_slice(&out).unwrap()
}

#[tokio::test(start_paused = true)]
async fn rate_limits_in_each_form() {
    for (form, header_expected, body_expected) in [
        (RetryAfterForm::Header, true, false),
        (RetryAfterForm::Body, false, true),
        (RetryAfterForm::Both, true, true),
    ] {
        let app = tiny(Faults {
            rate_limit_every: Some(2),
            rate_limit_form: form,
            ..Faults::default()
        });
        assert_eq!(hit(&app, "/api/v1/things").await.status(), 200);
        // Discovery is exempt and does not count.
        assert_eq!(hit(&app, "/api/v1/meta").await.status(), 200);
        let limited = hit(&app, "/api/v1/things").await;
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            limited.headers().get(header::RETRY_AFTER).is_some(),
            header_expected,
            "{form:?}"
        );
        let body = json_of(limited).await;
        assert_eq!(body["error"], "rate-limited");
        assert_eq!(body["request_id"], "req-7");
        assert_eq!(body.get("retry_after").is_some(), body_expected, "{form:?}");
        if body_expected {
            assert_eq!(body["retry_after"], faults::RETRY_AFTER_SECS);
        }
        assert_eq!(hit(&app, "/api/v1/things").await.status(), 200);
    }
}

#[tokio::test(start_paused = true)]
async fn error_ratio_and_latency() {
    let app = tiny(Faults {
        error_ratio: 0.5,
        latency_ms: 1_500,
        ..Faults::default()
    });
    let started = tokio::time::Instant::now();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(hit(&app, "/api/v1/things").await.status().as_u16());
    }
    assert_eq!(statuses, vec![200, 503, 200, 500]);
    assert_eq!(
        started.elapsed(),
        Duration::from_millis(6_000),
        "1.5 s added to each"
    );
    let body = json_of(hit(&app, "/api/v1/things").await).await;
    assert_eq!(body["ok"], true);
    let body = json_of(hit(&app, "/api/v1/things").await).await;
    assert_eq!(body["error"], "unavailable");
}

/// Reads a faulted stream: the text delivered, and whether it ended in an error.
async fn drain(resp: axum::response::Response, give_up_after: Duration) -> (String, Option<bool>) {
    let mut s = resp.into_body().into_data_stream();
    let mut text = String::new();
    loop {
        match tokio::time::timeout(give_up_after, s.next()).await {
            Err(_) => return (text, None),
            Ok(None) => return (text, Some(false)),
            Ok(Some(Err(_))) => return (text, Some(true)),
            Ok(Some(Ok(b))) => text.push_str(std::str::from_utf8(&b).unwrap()),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn streams_are_cut_after_n_events() {
    let app = tiny(Faults {
        drop_after_events: Some(2),
        ..Faults::default()
    });
    let (text, ended) = drain(hit(&app, "/api/v1/events").await, Duration::from_secs(60)).await;
    assert_eq!(
        text,
        "retry: 3000\n\n: tick\n\nid: 0\ndata: {\"n\":0}\n\n: tick\n\nid: 1\ndata: {\"n\":1}\n\n"
    );
    assert_eq!(ended, Some(true), "cut with an error, not a clean end");
    // JSON answers are untouched.
    assert_eq!(hit(&app, "/api/v1/things").await.status(), 200);
}

#[tokio::test(start_paused = true)]
async fn streams_are_cut_after_n_seconds() {
    let app = tiny(Faults {
        drop_after_secs: Some(5),
        ..Faults::default()
    });
    let (text, ended) = drain(hit(&app, "/api/v1/events").await, Duration::from_secs(60)).await;
    assert_eq!(text.matches("data: ").count(), 5, "frames at 0.5 … 4.5 s");
    assert_eq!(ended, Some(true));
}

#[tokio::test(start_paused = true)]
async fn streams_go_idle_after_n_events() {
    let app = tiny(Faults {
        idle_after_events: Some(1),
        drop_after_events: Some(3),
        ..Faults::default()
    });
    let (text, ended) = drain(hit(&app, "/api/v1/events").await, Duration::from_secs(600)).await;
    assert_eq!(text, "retry: 3000\n\n: tick\n\nid: 0\ndata: {\"n\":0}\n\n");
    assert_eq!(ended, None, "silent but still open");
}
