//! The reconnecting stream against a small axum server on 127.0.0.1:0, in paused tokio
//! time: the server records each request's virtual arrival time and headers, so delays
//! are asserted as virtual durations and counts, never wall-clock.

// Test helpers fail loudly, like the tests that call them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use bytes::Bytes;
use catalyst_tui::api::sse::{Jitter, StreamMsg, StreamOptions, StreamStatus, spawn_stream};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// One piece of a scripted response body.
enum Part {
    Text(String),
    Sleep(Duration),
    /// Keep the connection open and silent for ever.
    Hang,
}

fn text(s: &str) -> Part {
    Part::Text(s.to_owned())
}

fn sse(parts: Vec<Part>) -> Response {
    let body = futures::stream::unfold(parts.into_iter(), |mut parts| async move {
        loop {
            match parts.next()? {
                Part::Text(t) => return Some((Ok::<_, Infallible>(Bytes::from(t)), parts)),
                Part::Sleep(d) => tokio::time::sleep(d).await,
                Part::Hang => std::future::pending::<()>().await,
            }
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(body))
        .unwrap()
}

fn plain(status: StatusCode, content_type: &str, body: &str) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    at: Instant,
    last_event_id: Option<String>,
    authorization: Option<String>,
}

type Script = dyn Fn(usize, &HeaderMap) -> Response + Send + Sync;

struct Server {
    script: Box<Script>,
    seen: Mutex<Vec<Seen>>,
}

async fn handler(State(server): State<Arc<Server>>, headers: HeaderMap) -> Response {
    let value = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    let n = {
        let mut seen = server.seen.lock().unwrap();
        seen.push(Seen {
            at: Instant::now(),
            last_event_id: value("last-event-id"),
            authorization: value("authorization"),
        });
        seen.len() - 1
    };
    (server.script)(n, &headers)
}

/// Starts the scripted server; `script(n, headers)` answers the n-th request (from 0).
async fn serve(
    script: impl Fn(usize, &HeaderMap) -> Response + Send + Sync + 'static,
) -> (String, Arc<Server>) {
    let server = Arc::new(Server {
        script: Box::new(script),
        seen: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/stream", get(handler))
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/stream", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, server)
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn options() -> StreamOptions {
    StreamOptions {
        jitter: Jitter::None,
        ..StreamOptions::console()
    }
}

struct Run {
    msgs: Vec<StreamMsg>,
}

/// Starts a stream on `url` and collects messages until `Ended`/`Failed` or until
/// `stop` says so (then the stream is cancelled).
async fn run(url: &str, options: StreamOptions, stop: impl Fn(&[StreamMsg]) -> bool) -> Run {
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    let http = client();
    let url = url.to_owned();
    let handle = spawn_stream(
        http.clone(),
        move |_last_id| http.get(&url),
        options,
        tx,
        cancel.clone(),
    );
    let mut msgs = Vec::new();
    let done = tokio::time::timeout(Duration::from_secs(24 * 3600), async {
        while let Some(msg) = rx.recv().await {
            let end = matches!(
                msg,
                StreamMsg::Status(StreamStatus::Ended | StreamStatus::Failed { .. })
            );
            msgs.push(msg);
            if end || stop(&msgs) {
                break;
            }
        }
    })
    .await;
    assert!(done.is_ok(), "the stream never settled: {msgs:?}");
    cancel.cancel();
    handle.await.unwrap();
    Run { msgs }
}

fn data(msgs: &[StreamMsg]) -> Vec<String> {
    msgs.iter()
        .filter_map(|m| match m {
            StreamMsg::Event(e) => Some(e.data.clone()),
            StreamMsg::Status(_) => None,
        })
        .collect()
}

fn statuses(msgs: &[StreamMsg]) -> Vec<StreamStatus> {
    msgs.iter()
        .filter_map(|m| match m {
            StreamMsg::Status(s) => Some(s.clone()),
            StreamMsg::Event(_) => None,
        })
        .collect()
}

fn reconnect_reasons(msgs: &[StreamMsg]) -> Vec<String> {
    statuses(msgs)
        .into_iter()
        .filter_map(|s| match s {
            StreamStatus::Reconnecting { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

fn count_events(msgs: &[StreamMsg]) -> usize {
    data(msgs).len()
}

#[tokio::test(start_paused = true)]
async fn resumes_with_last_event_id_after_a_drop_mid_event() {
    let (url, server) = serve(|n, _| match n {
        0 => sse(vec![
            text("retry: 2000\n\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n"),
            text("id: 3\ndata: thr"), // the connection drops inside an event
        ]),
        _ => sse(vec![text("id: 3\ndata: three\n\nid: 4\ndata: four\n\n")]),
    })
    .await;
    let r = run(&url, options(), |m| count_events(m) == 4).await;
    assert_eq!(data(&r.msgs), ["one", "two", "three", "four"]);
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].last_event_id, None);
    assert_eq!(seen[1].last_event_id.as_deref(), Some("2"));
    // The server's `retry: 2000` is the reconnection delay (events reset the backoff).
    assert!(seen[1].at - seen[0].at >= Duration::from_secs(2));
    let st = statuses(&r.msgs);
    assert_eq!(st[0], StreamStatus::Connecting { attempt: 1 });
    assert_eq!(st[1], StreamStatus::Live);
    assert!(matches!(
        &st[2],
        StreamStatus::Reconnecting { in_, attempt: 1, reason }
            if *in_ == Duration::from_secs(2) && reason == "the server closed the stream"
    ));
}

#[tokio::test(start_paused = true)]
async fn a_terminal_event_ends_the_stream_without_reconnecting() {
    let (url, server) = serve(|_, _| {
        sse(vec![text(
            "data: {\"phase\":\"tofu-init\"}\n\nevent: done\ndata: {\"status\":\"ready\"}\n\n",
        )])
    })
    .await;
    let opts = StreamOptions {
        jitter: Jitter::None,
        ..StreamOptions::provisioning()
    };
    let r = run(&url, opts, |_| false).await;
    let st = statuses(&r.msgs);
    assert_eq!(st.last(), Some(&StreamStatus::Ended));
    assert_eq!(count_events(&r.msgs), 2);
    assert!(matches!(&r.msgs[3], StreamMsg::Event(e) if e.event == "done"));
    assert_eq!(server.seen.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn without_the_terminal_event_a_closed_stream_is_reopened() {
    let (url, server) = serve(|n, _| match n {
        0 => sse(vec![text("data: a\n\n")]),
        _ => sse(vec![text("data: b\n\nevent: done\ndata: {}\n\n")]),
    })
    .await;
    let opts = StreamOptions {
        jitter: Jitter::None,
        ..StreamOptions::provisioning()
    };
    let r = run(&url, opts, |_| false).await;
    assert_eq!(data(&r.msgs), ["a", "b", "{}"]);
    assert_eq!(statuses(&r.msgs).last(), Some(&StreamStatus::Ended));
    assert_eq!(server.seen.lock().unwrap().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn rate_limited_answers_are_retried_after_retry_after() {
    let (url, server) = serve(|n, _| match n {
        0 => {
            let mut r = plain(
                StatusCode::TOO_MANY_REQUESTS,
                "application/json",
                r#"{"error":"rate-limited","detail":"slow down"}"#,
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, "7".parse().unwrap());
            r
        }
        // The real gateway sends only a body field.
        1 => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "application/json",
            r#"{"error":"unavailable","detail":"restarting","retry_after":12}"#,
        ),
        _ => sse(vec![text("data: ok\n\n"), Part::Hang]),
    })
    .await;
    let r = run(&url, options(), |m| count_events(m) == 1).await;
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    assert!(seen[1].at - seen[0].at >= Duration::from_secs(7));
    assert!(seen[2].at - seen[1].at >= Duration::from_secs(12));
    let st = statuses(&r.msgs);
    assert!(st.contains(&StreamStatus::Reconnecting {
        in_: Duration::from_secs(7),
        attempt: 2,
        reason: "rate limited (429): slow down".to_owned(),
    }));
    assert!(st.contains(&StreamStatus::Reconnecting {
        in_: Duration::from_secs(12),
        attempt: 3,
        reason: "server error (503): restarting".to_owned(),
    }));
}

#[tokio::test(start_paused = true)]
async fn not_found_as_text_plain_fails_with_the_servers_words() {
    let (url, server) = serve(|_, _| {
        plain(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "deployment not found\n",
        )
    })
    .await;
    let r = run(&url, options(), |_| false).await;
    assert_eq!(
        statuses(&r.msgs).last(),
        Some(&StreamStatus::Failed {
            reason: "not found (404): deployment not found".to_owned()
        })
    );
    assert_eq!(server.seen.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn gone_and_forbidden_fail_with_the_json_detail() {
    for (status, body, expected) in [
        (
            StatusCode::GONE,
            r#"{"error":"expired","detail":"the grant has expired"}"#,
            "gone (410): the grant has expired",
        ),
        (
            StatusCode::FORBIDDEN,
            r#"{"error":"forbidden","detail":"org-viewer cannot read audit","required":"org-admin"}"#,
            "access denied (403): org-viewer cannot read audit",
        ),
    ] {
        let (url, _server) = serve(move |_, _| plain(status, "application/json", body)).await;
        let r = run(&url, options(), |_| false).await;
        assert_eq!(
            statuses(&r.msgs).last(),
            Some(&StreamStatus::Failed {
                reason: expected.to_owned()
            })
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_wrong_content_type_fails_readably() {
    let (url, _server) =
        serve(|_, _| plain(StatusCode::OK, "application/json", r#"{"items":[]}"#)).await;
    let r = run(&url, options(), |_| false).await;
    assert_eq!(
        statuses(&r.msgs).last(),
        Some(&StreamStatus::Failed {
            reason: "the server answered with application/json instead of an event stream \
                     (text/event-stream)"
                .to_owned()
        })
    );
}

#[tokio::test(start_paused = true)]
async fn accept_then_close_is_never_retried_faster_than_a_second() {
    let (url, server) = serve(|_, _| sse(vec![])).await;
    let r = run(&url, options(), |m| {
        statuses(m)
            .iter()
            .filter(|s| matches!(s, StreamStatus::Connecting { .. }))
            .count()
            == 7
    })
    .await;
    let seen = server.seen.lock().unwrap().clone();
    assert!(seen.len() >= 6, "{seen:?}");
    let gaps: Vec<u64> = seen
        .windows(2)
        .map(|w| (w[1].at - w[0].at).as_secs())
        .collect();
    // 1 s doubling, capped at 30 s: never faster than 1 s.
    assert_eq!(&gaps[..5], &[1, 2, 4, 8, 16]);
    let delays: Vec<Duration> = statuses(&r.msgs)
        .into_iter()
        .filter_map(|s| match s {
            StreamStatus::Reconnecting { in_, .. } => Some(in_),
            _ => None,
        })
        .collect();
    assert!(delays.iter().all(|d| *d >= Duration::from_secs(1)));
    assert_eq!(delays[5], Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn jittered_delays_still_respect_the_floor() {
    let (url, server) = serve(|_, _| sse(vec![])).await;
    let opts = StreamOptions {
        jitter: Jitter::Full,
        ..StreamOptions::console()
    };
    let _r = run(&url, opts, |m| {
        statuses(m)
            .iter()
            .filter(|s| matches!(s, StreamStatus::Connecting { .. }))
            .count()
            == 8
    })
    .await;
    let seen = server.seen.lock().unwrap().clone();
    for w in seen.windows(2) {
        assert!(w[1].at - w[0].at >= Duration::from_secs(1));
    }
}

#[tokio::test(start_paused = true)]
async fn a_silent_connection_is_detected_after_three_missed_keepalives() {
    let (url, server) = serve(|n, _| match n {
        // Keep-alives for a minute keep the connection, then silence.
        0 => sse(vec![
            text("retry: 3000\n\ndata: first\n\n"),
            Part::Sleep(Duration::from_secs(15)),
            text(": keepalive\n\n"),
            Part::Sleep(Duration::from_secs(15)),
            text(": keepalive\n\n"),
            Part::Sleep(Duration::from_secs(15)),
            text(": keepalive\n\n"),
            Part::Sleep(Duration::from_secs(15)),
            text(": keepalive\n\n"),
            Part::Hang,
        ]),
        _ => sse(vec![text("data: second\n\n"), Part::Hang]),
    })
    .await;
    let r = run(&url, options(), |m| count_events(m) == 2).await;
    assert_eq!(
        reconnect_reasons(&r.msgs),
        ["no data for 45 s (3 keep-alives missed)"]
    );
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    // 60 s of keep-alives, 45 s of silence, then the server's 3 s.
    assert_eq!((seen[1].at - seen[0].at).as_secs(), 108);
}

#[tokio::test(start_paused = true)]
async fn without_keepalives_the_idle_cut_is_the_limit() {
    let (url, server) = serve(|n, _| match n {
        0 => sse(vec![text("data: {}\n\n"), Part::Hang]),
        _ => sse(vec![text("event: done\ndata: {}\n\n")]),
    })
    .await;
    let opts = StreamOptions {
        jitter: Jitter::None,
        ..StreamOptions::provisioning()
    };
    let r = run(&url, opts, |_| false).await;
    assert_eq!(reconnect_reasons(&r.msgs), ["no data for 310 s (idle cut)"]);
    assert_eq!(statuses(&r.msgs).last(), Some(&StreamStatus::Ended));
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!((seen[1].at - seen[0].at).as_secs(), 311);
}

#[tokio::test(start_paused = true)]
async fn an_unauthorized_answer_calls_the_factory_again_with_fresh_credentials() {
    let (url, server) =
        serve(
            |_, headers| match headers.get("authorization").and_then(|v| v.to_str().ok()) {
                Some("Bearer fresh") => sse(vec![text("data: hello\n\n"), Part::Hang]),
                _ => plain(
                    StatusCode::UNAUTHORIZED,
                    "application/json",
                    r#"{"error":"unauthenticated","detail":"token expired"}"#,
                ),
            },
        )
        .await;
    let token = Arc::new(Mutex::new("stale".to_owned()));
    let calls = Arc::new(AtomicU32::new(0));
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    let http = client();
    let handle = {
        let (token, calls, http) = (token.clone(), calls.clone(), http.clone());
        spawn_stream(
            http.clone(),
            move |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                http.get(&url).bearer_auth(token.lock().unwrap().as_str())
            },
            options(),
            tx,
            cancel.clone(),
        )
    };
    let mut msgs = Vec::new();
    while let Some(msg) = rx.recv().await {
        if msg == StreamMsg::Status(StreamStatus::Unauthorized) {
            // The caller refreshes its token; the stream picks it up on the next attempt.
            *token.lock().unwrap() = "fresh".to_owned();
        }
        let stop = matches!(msg, StreamMsg::Event(_));
        msgs.push(msg);
        if stop {
            break;
        }
    }
    cancel.cancel();
    handle.await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let seen = server.seen.lock().unwrap().clone();
    let auths: Vec<_> = seen.iter().map(|s| s.authorization.clone()).collect();
    assert_eq!(
        auths,
        [
            Some("Bearer stale".to_owned()),
            Some("Bearer fresh".to_owned())
        ]
    );
    assert!(reconnect_reasons(&msgs)[0].contains("401"));
    assert!(reconnect_reasons(&msgs)[0].contains("token expired"));
}

#[tokio::test(start_paused = true)]
async fn two_unauthorized_answers_in_a_row_give_up() {
    let (url, server) = serve(|_, _| plain(StatusCode::UNAUTHORIZED, "text/plain", "")).await;
    let r = run(&url, options(), |_| false).await;
    let st = statuses(&r.msgs);
    assert!(st.contains(&StreamStatus::Unauthorized));
    assert_eq!(
        st.last(),
        Some(&StreamStatus::Failed {
            reason: "the server refused the credentials (401) again; sign in again".to_owned()
        })
    );
    assert_eq!(server.seen.lock().unwrap().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn an_oversized_event_ends_the_stream_with_a_clear_error() {
    let (url, _server) = serve(|_, _| {
        let flood = "x".repeat(64 * 1024);
        let mut parts = vec![text("data: ok\n\ndata: ")];
        parts.extend((0..40).map(|_| Part::Text(flood.clone())));
        parts.push(Part::Hang);
        sse(parts)
    })
    .await;
    let r = run(&url, options(), |_| false).await;
    assert_eq!(data(&r.msgs), ["ok"]);
    match statuses(&r.msgs).last() {
        Some(StreamStatus::Failed { reason }) => {
            assert!(reason.contains("larger than 1048576 bytes"), "{reason}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn cancelling_stops_the_task_at_once() {
    let (url, server) = serve(|_, _| sse(vec![text("data: x\n\n"), Part::Hang])).await;
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    let http = client();
    let handle = spawn_stream(
        http.clone(),
        move |_| http.get(&url),
        options(),
        tx,
        cancel.clone(),
    );
    while let Some(msg) = rx.recv().await {
        if matches!(msg, StreamMsg::Event(_)) {
            break;
        }
    }
    cancel.cancel();
    handle.await.unwrap();
    assert_eq!(rx.recv().await, None);
    assert_eq!(server.seen.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn heartbeats_alone_keep_a_connection_open() {
    let mut parts = vec![];
    for _ in 0..20 {
        parts.push(Part::Sleep(Duration::from_secs(15)));
        parts.push(text(": keepalive\n\n"));
    }
    parts.push(text("data: late\n\n"));
    parts.push(Part::Hang);
    let parts = Arc::new(Mutex::new(Some(parts)));
    let (url, server) = serve(move |_, _| {
        let mine = parts.lock().unwrap().take();
        sse(mine.unwrap_or_else(|| vec![Part::Hang]))
    })
    .await;
    let r = run(&url, options(), |m| count_events(m) == 1).await;
    assert_eq!(data(&r.msgs), ["late"]);
    assert_eq!(server.seen.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn absurd_retry_after_values_are_bounded() {
    let (url, _server) = serve(|n, _| match n {
        0 => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "application/json",
            r#"{"error":"unavailable","retry_after":1e300}"#,
        ),
        1 => {
            let mut r = plain(StatusCode::TOO_MANY_REQUESTS, "text/plain", "");
            r.headers_mut()
                .insert(header::RETRY_AFTER, "99999999".parse().unwrap());
            r
        }
        _ => sse(vec![text("data: ok\n\n"), Part::Hang]),
    })
    .await;
    let r = run(&url, options(), |m| count_events(m) == 1).await;
    let delays: Vec<Duration> = statuses(&r.msgs)
        .into_iter()
        .filter_map(|s| match s {
            StreamStatus::Reconnecting { in_, .. } => Some(in_),
            _ => None,
        })
        .collect();
    // An unusable body value falls back to the backoff; a huge header is capped.
    assert_eq!(delays, [Duration::from_secs(1), Duration::from_secs(600)]);
}

#[tokio::test(start_paused = true)]
async fn reasons_never_carry_the_url_or_its_token() {
    // A port nobody listens on: every attempt fails to connect.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/stream?access_token=CANARY-7f3a");
    let r = run(&url, options(), |m| reconnect_reasons(m).len() == 2).await;
    let reasons = reconnect_reasons(&r.msgs);
    assert!(reasons[0].starts_with("could not connect"), "{reasons:?}");
    for reason in reasons {
        assert!(!reason.contains("CANARY"), "{reason}");
        assert!(!reason.contains("access_token"), "{reason}");
    }
}
