//! The flow routes over real HTTP on 127.0.0.1:0: promotions, access requests, and the
//! `/events` and operation-log streams byte for byte. (The fault layer has its own file,
//! `sandbox_faults.rs`.)
//!
//! The server's own identity layer is not part of these routes, so a test extractor
//! takes the persona from an `x-test-persona` header.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::RwLock;

use catalyst_tui::model::{ApplicationRemoved, LiveEvent};
use catalyst_tui::sandbox::SandboxOptions;
use catalyst_tui::sandbox::authz::Caller;
use catalyst_tui::sandbox::error::ApiError;
use catalyst_tui::sandbox::events::{BusSettings, EventBus};
use catalyst_tui::sandbox::flow::{self, fixture};
use catalyst_tui::sandbox::simulation::Simulation;
use catalyst_tui::sandbox::store::{Sandbox, SharedSandbox};

/// The persona named by `x-test-persona`.
struct TestCaller(Caller);

impl FromRequestParts<SharedSandbox> for TestCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, sb: &SharedSandbox) -> Result<Self, ApiError> {
        let persona = parts
            .headers
            .get("x-test-persona")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let world = sb.world.read().await;
        fixture::caller(&world, &persona)
            .map(TestCaller)
            .ok_or_else(|| ApiError::unauthenticated("no such persona"))
    }
}

impl From<TestCaller> for Caller {
    fn from(t: TestCaller) -> Caller {
        t.0
    }
}

fn sandbox(settings: BusSettings) -> SharedSandbox {
    Arc::new(Sandbox {
        world: RwLock::new(fixture::world(Utc::now())),
        bus: EventBus::new(settings),
        opts: SandboxOptions::default(),
    })
}

/// Serves the flow routes; answers the base URL.
async fn serve(sb: SharedSandbox) -> String {
    catalyst_tui::cli::install_tls_provider();
    let app = flow::router::<TestCaller>().with_state(sb);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    async fn new(sb: SharedSandbox) -> Self {
        let base = serve(sb).await;
        Self {
            base,
            http: reqwest::Client::new(),
        }
    }
    fn get(&self, who: &str, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.base))
            .header("x-test-persona", who)
    }
    fn post(&self, who: &str, path: &str, body: Value) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("x-test-persona", who)
            .json(&body)
    }
    async fn call(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
    async fn stream(&self, req: reqwest::RequestBuilder) -> Reader {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let h = resp.headers();
        assert_eq!(h[header::CONTENT_TYPE], "text/event-stream");
        assert_eq!(h[header::CACHE_CONTROL], "no-cache");
        assert_eq!(h["x-accel-buffering"], "no");
        Reader {
            resp,
            text: String::new(),
        }
    }
}

/// Reads an event stream's raw text.
struct Reader {
    resp: reqwest::Response,
    text: String,
}

impl Reader {
    /// Reads until the text holds `needle` (the outer timeout only guards a hang).
    async fn until(&mut self, needle: &str) -> &str {
        tokio::time::timeout(Duration::from_secs(20), async {
            while !self.text.contains(needle) {
                let chunk = self
                    .resp
                    .chunk()
                    .await
                    .unwrap()
                    .expect("stream ended early");
                self.text.push_str(std::str::from_utf8(&chunk).unwrap());
            }
        })
        .await
        .unwrap_or_else(|_| panic!("never saw {needle:?} in {:?}", self.text));
        &self.text
    }
    /// Reads to the end of the stream.
    async fn read_to_end(mut self) -> String {
        tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(chunk) = self.resp.chunk().await.unwrap() {
                self.text.push_str(std::str::from_utf8(&chunk).unwrap());
            }
        })
        .await
        .expect("the stream should end");
        self.text
    }
}

fn removed(env: &str, name: &str) -> LiveEvent {
    LiveEvent::ApplicationRemoved(ApplicationRemoved {
        environment: env.into(),
        name: name.into(),
    })
}

fn frame(id: u64, kind: &str, data: &str) -> String {
    format!("id: {id}\nevent: {kind}\ndata: {data}\n\n")
}

#[tokio::test]
async fn events_are_framed_resumed_and_filtered() {
    let sb = sandbox(BusSettings::default());
    sb.bus
        .publish("acme", Some("acme-dev"), removed("acme-dev", "a"));
    sb.bus
        .publish("acme", Some("acme-prod"), removed("acme-prod", "b"));
    sb.bus
        .publish("globex", Some("globex-dev"), removed("globex-dev", "c"));
    let api = Api::new(sb.clone()).await;
    let d = |env: &str, n: &str| format!("{{\"environment\":\"{env}\",\"name\":\"{n}\"}}");

    let mut all = api
        .stream(
            api.get("admin", "/api/v1/events")
                .header("last-event-id", "0"),
        )
        .await;
    let expected = format!(
        "retry: 3000\n\n{}{}{}",
        frame(1, "application.removed", &d("acme-dev", "a")),
        frame(2, "application.removed", &d("acme-prod", "b")),
        frame(3, "application.removed", &d("globex-dev", "c")),
    );
    let last = frame(3, "application.removed", &d("globex-dev", "c"));
    assert_eq!(all.until(&last).await, expected);

    // A member of acme never sees globex; resuming after 1 skips what was seen.
    let mut layla = api
        .stream(
            api.get("layla", "/api/v1/events")
                .header("last-event-id", "1"),
        )
        .await;
    let text = layla
        .until(&frame(2, "application.removed", &d("acme-prod", "b")))
        .await
        .to_string();
    assert_eq!(
        text,
        format!(
            "retry: 3000\n\n{}",
            frame(2, "application.removed", &d("acme-prod", "b"))
        )
    );

    // Environment filter, then a live event.
    let mut prod = api
        .stream(
            api.get("layla", "/api/v1/events?org=acme&environment=acme-prod")
                .header("last-event-id", "0"),
        )
        .await;
    prod.until("id: 2\n").await;
    sb.bus
        .publish("acme", Some("acme-dev"), removed("acme-dev", "d"));
    sb.bus
        .publish("acme", Some("acme-prod"), removed("acme-prod", "e"));
    let text = prod.until("id: 5\n").await.to_string();
    assert!(
        !text.contains("id: 4\n") && !text.contains("id: 1\n"),
        "{text}"
    );
    layla.until("id: 5\n").await;
    assert!(!layla.text.contains("id: 3\n"));

    // The same bytes read by an independent parser.
    let events: Vec<sse_stream::Sse> = sse_stream::SseStream::from_bytes_stream(
        futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(expected))]),
    )
    .filter_map(|e| async move { e.ok() })
    .collect()
    .await;
    assert_eq!(events[0].retry, Some(3000));
    let ids: Vec<Option<String>> = events[1..].iter().map(|e| e.id.clone()).collect();
    assert_eq!(
        ids,
        vec![Some("1".into()), Some("2".into()), Some("3".into())]
    );

    let (status, body) = api.call(api.get("zed", "/api/v1/events?org=acme")).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("forbidden")));
}

#[tokio::test]
async fn a_resumption_older_than_the_log_resets() {
    let sb = sandbox(BusSettings {
        replay_capacity: 2,
        ..BusSettings::default()
    });
    for n in 0..5 {
        sb.bus.publish(
            "acme",
            Some("acme-dev"),
            removed("acme-dev", &n.to_string()),
        );
    }
    let api = Api::new(sb.clone()).await;
    let mut s = api
        .stream(
            api.get("admin", "/api/v1/events")
                .header("last-event-id", "1"),
        )
        .await;
    assert_eq!(
        s.until("data: {}\n\n").await,
        "retry: 3000\n\nid: 5\nevent: reset\ndata: {}\n\n"
    );
    sb.bus
        .publish("acme", Some("acme-dev"), removed("acme-dev", "x"));
    s.until("id: 6\n").await;
    // The log holds 5 and 6: resuming after 4 loses nothing, so no reset.
    let mut edge = api
        .stream(
            api.get("admin", "/api/v1/events")
                .header("last-event-id", "4"),
        )
        .await;
    let text = edge.until("id: 6\n").await;
    assert!(
        text.starts_with("retry: 3000\n\nid: 5\n") && !text.contains("reset"),
        "{text}"
    );
}

#[tokio::test]
async fn streams_send_keepalives() {
    let sb = sandbox(BusSettings {
        keepalive: Duration::from_millis(50),
        ..BusSettings::default()
    });
    let api = Api::new(sb).await;
    let mut s = api.stream(api.get("layla", "/api/v1/events")).await;
    let text = s.until(": keepalive\n\n").await;
    assert!(text.starts_with("retry: 3000\n\n: keepalive\n\n"), "{text}");
}

#[tokio::test]
async fn operation_logs_replay_tail_and_finish() {
    let sb = sandbox(BusSettings::default());
    let op = {
        let mut w = sb.world.write().await;
        let id = w.start_operation("acme-uat", "payment-rail", "update");
        let rec = w
            .apps
            .get_mut("acme-uat")
            .unwrap()
            .get_mut("payment-rail")
            .unwrap();
        rec.app.status = catalyst_tui::model::AppStatus::Updating;
        rec.app.operation_id = Some(id.clone());
        id
    };
    let api = Api::new(sb.clone()).await;
    let path = format!("/api/v1/operations/{op}/logs");
    let mut live = api.stream(api.get("layla", &path)).await;
    live.until("retry: 3000\n\n").await;
    let mut sim = Simulation::new(1);
    let mut ticks = 0;
    while sb.world.read().await.operations[&op].done.is_none() {
        sim.tick(&mut *sb.world.write().await, &sb.bus, Utc::now());
        ticks += 1;
        assert!(ticks <= 8);
    }
    let text = live.read_to_end().await;
    let lines = sb.world.read().await.operations[&op].lines.len() as u64;
    let blocks: Vec<&str> = text.trim_end_matches("\n\n").split("\n\n").collect();
    assert_eq!(blocks[0], "retry: 3000");
    for (n, block) in blocks[1..blocks.len() - 1].iter().enumerate() {
        assert!(
            block.starts_with(&format!("id: {}\nevent: log\ndata: {{", n + 1)),
            "{block}"
        );
    }
    assert_eq!(blocks.len() as u64, lines + 2);
    assert!(
        text.contains("\\u001b[32m✔"),
        "ANSI colours travel JSON-escaped"
    );
    assert_eq!(
        blocks.last().unwrap(),
        &format!(
            "id: {}\nevent: done\ndata: {{\"operation_id\":\"{op}\",\"outcome\":\"succeeded\"}}",
            lines + 1
        )
    );

    // A reconnect after line 3 gets line 4 onwards, then done, then the end.
    let resumed = api
        .stream(api.get("layla", &path).header("last-event-id", "3"))
        .await
        .read_to_end()
        .await;
    assert!(
        resumed.starts_with("retry: 3000\n\nid: 4\nevent: log\n"),
        "{resumed}"
    );
    assert!(
        resumed.contains(&format!("id: {}\nevent: done\n", lines + 1)),
        "{resumed}"
    );
    assert_eq!(resumed.matches("event: log").count() as u64, lines - 3);

    let (status, _) = api
        .call(api.get("layla", "/api/v1/operations/op-none/logs"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = api.call(api.get("zed", &path)).await;
    assert_eq!(status, 404, "another Org's operation is not visible");
}

#[tokio::test]
async fn promotions_over_http() {
    let sb = sandbox(BusSettings::default());
    let api = Api::new(sb.clone()).await;
    let (status, p) = api
        .call(api.post(
            "layla",
            "/api/v1/environments/acme-stg/applications/payment-rail/promotions",
            json!({"target_environment": "acme-uat"}),
        ))
        .await;
    assert_eq!(status, 201, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["state"], "open");
    assert_eq!(p["policy"]["rules"][0]["kind"], "pr-required");
    assert_eq!(p["policy"]["rules"][0]["more_needed"], 2);

    let reviews = format!("/api/v1/promotions/{id}/reviews");
    let cases = [
        (
            "sue",
            json!({"decision": "approve", "revision": 1}),
            403,
            "support-mode-read-only",
        ),
        ("sue", json!("not a review"), 403, "support-mode-read-only"),
        ("sara", json!({"decision": "approve"}), 422, "invalid"),
        (
            "sara",
            json!({"decision": "approve", "revision": 9}),
            409,
            "stale-revision",
        ),
        (
            "sara",
            json!({"decision": "reject", "revision": 1}),
            422,
            "comment-required",
        ),
        (
            "layla",
            json!({"decision": "approve", "revision": 1}),
            403,
            "self-approval-forbidden",
        ),
        (
            "dev",
            json!({"decision": "approve", "revision": 1}),
            403,
            "not-an-approver",
        ),
    ];
    for (who, body, status, error) in cases {
        let (got, b) = api.call(api.post(who, &reviews, body)).await;
        assert_eq!(
            (got, b["error"].as_str()),
            (status, Some(error)),
            "{who}: {b}"
        );
        assert!(b["request_id"].is_string(), "{b}");
    }

    let (_, inbox) = api
        .call(api.get("sara", "/api/v1/promotions?awaiting_me=true"))
        .await;
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["next_cursor"], Value::Null);
    let (status, _) = api
        .call(api.post(
            "sara",
            &reviews,
            json!({"decision": "approve", "revision": 1}),
        ))
        .await;
    assert_eq!(status, 201);
    let (status, merged) = api
        .call(api.post(
            "omar",
            &reviews,
            json!({"decision": "approve", "comment": "ok", "revision": 2}),
        ))
        .await;
    assert_eq!((status, merged["state"].as_str()), (201, Some("merged")));
    let (status, got) = api
        .call(api.get("vic", &format!("/api/v1/promotions/{id}")))
        .await;
    assert_eq!((status, got["state"].as_str()), (200, Some("merged")));
    let (status, _) = api
        .call(api.get("zed", &format!("/api/v1/promotions/{id}")))
        .await;
    assert_eq!(status, 404);
    let (status, b) = api
        .call(api.get("sara", "/api/v1/promotions?state=sideways"))
        .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["items"], json!([]), "an unknown state matches nothing");
}

#[tokio::test]
async fn access_requests_over_http() {
    let sb = sandbox(BusSettings::default());
    let api = Api::new(sb.clone()).await;
    let ask = json!({"reason": "debug timeouts", "duration_minutes": 30, "access": "debug"});
    let (status, r) = api
        .call(api.post(
            "layla",
            "/api/v1/environments/acme-dev/access-requests",
            ask.clone(),
        ))
        .await;
    assert_eq!((status, r["state"].as_str()), (201, Some("granted")));
    let id = r["id"].as_str().unwrap().to_string();
    let creds_path = format!("/api/v1/access-requests/{id}/credentials");
    let (status, creds) = api.call(api.get("layla", &creds_path)).await;
    assert_eq!(status, 200);
    assert_eq!(creds["server"], format!("{}/k8s/acme-dev", api.base));
    assert_eq!(creds["context"], "hz-fsn-rtz-dev-acme");
    let (status, _) = api.call(api.get("omar", &creds_path)).await;
    assert_eq!(status, 403);

    let (status, pending) = api
        .call(api.post(
            "layla",
            "/api/v1/environments/acme-prod/access-requests",
            ask.clone(),
        ))
        .await;
    assert_eq!((status, pending["state"].as_str()), (201, Some("pending")));
    let pid = pending["id"].as_str().unwrap();
    let (_, inbox) = api
        .call(api.get("admin", "/api/v1/access-requests?state=pending"))
        .await;
    assert_eq!(inbox["items"][0]["id"], pid);
    let decision = format!("/api/v1/access-requests/{pid}/decision");
    let (status, b) = api
        .call(api.post("omar", &decision, json!({"decision": "grant"})))
        .await;
    assert_eq!(
        (status, b["required"].as_str()),
        (403, Some("sovereign-admin"))
    );
    let (status, b) = api
        .call(api.post(
            "admin",
            &decision,
            json!({"decision": "grant", "comment": "go"}),
        ))
        .await;
    assert_eq!(
        (status, b["state"].as_str(), b["decided_by"].as_str()),
        (200, Some("granted"), Some("admin"))
    );

    let resp = api
        .http
        .delete(format!("{}/api/v1/access-requests/{id}", api.base))
        .header("x-test-persona", "layla")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (status, b) = api.call(api.get("layla", &creds_path)).await;
    assert_eq!((status, b["error"].as_str()), (410, Some("expired")));
    let (status, b) = api
        .call(api.post("sue", "/api/v1/environments/acme-dev/access-requests", ask))
        .await;
    assert_eq!(
        (status, b["error"].as_str()),
        (403, Some("support-mode-read-only"))
    );
}
