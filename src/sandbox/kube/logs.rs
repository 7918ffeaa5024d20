//! Pod logs (`/pods/{name}/log`): deterministic lines per pod built from its
//! Application (start-up, dependencies, the port it serves on, a few requests), the
//! error before exit for a crash-looping pod, and the previous container's lines with
//! `previous=true`. `follow=true` keeps the stream open with one request line a second
//! while the pod is up, until the client leaves or the grant ends. `container`,
//! `tailLines` and `timestamps` work as in Kubernetes.
//!
//! Must not write to the world, nor hold its lock across an await.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::mpsc;

use super::objects::{self, PodState, apps, pod_state, port, termination};
use super::{Grant, authorize, status};
use crate::model::PodInfo;
use crate::sandbox::store::{AppRecord, SharedSandbox, World, short_hash};

/// Query of a log request.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogQuery {
    #[serde(default)]
    container: Option<String>,
    #[serde(default)]
    previous: Option<String>,
    #[serde(default)]
    follow: Option<String>,
    #[serde(default)]
    tail_lines: Option<i64>,
    #[serde(default)]
    timestamps: Option<String>,
}

fn flag(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| v == "true" || v == "1")
}

fn bad(message: &str) -> Response {
    status(StatusCode::BAD_REQUEST, "BadRequest", message)
}

const PATHS: [&str; 5] = [
    "GET /healthz",
    "GET /api/v1/status",
    "POST /api/v1/requests",
    "GET /api/v1/requests",
    "GET /metrics",
];

fn request_line(pod: &str, i: u64) -> String {
    let h = short_hash(&format!("{pod}#{i}"));
    let n = u64::from_str_radix(&h[..4], 16).unwrap_or(0);
    let path = PATHS[(n % PATHS.len() as u64) as usize];
    format!(
        "level=info msg=\"request\" route=\"{path}\" status=200 duration_ms={}",
        n % 47 + 1
    )
}

fn startup(world: &World, rec: &AppRecord) -> Vec<String> {
    let a = &rec.app;
    let mut out = vec![
        format!(
            "level=info msg=\"starting {}\" version={} blueprint={} image={}",
            a.name,
            a.blueprint.version,
            a.blueprint.name,
            objects::image(world, rec)
        ),
        format!(
            "level=info msg=\"configuration loaded\" path=/etc/{}/values.yaml",
            a.name
        ),
    ];
    out.extend(
        a.dependencies
            .iter()
            .map(|d| format!("level=info msg=\"connected\" dependency={}", d.name)),
    );
    out.push(format!("level=info msg=\"serving\" addr=:{}", port(rec)));
    out
}

fn crash(rec: &AppRecord) -> Vec<String> {
    let (reason, code) = termination(rec);
    let detail = if rec.app.status_detail.is_empty() {
        "readiness check failed".to_string()
    } else {
        rec.app.status_detail.clone()
    };
    vec![
        format!("level=error msg=\"{}\"", detail.replace('"', "'")),
        format!("level=fatal msg=\"exiting\" reason={reason} exit_code={code}"),
    ]
}

/// The lines of a pod's current (or previous) container, with their times; `Err` is the
/// Kubernetes answer when there are none.
fn lines(
    world: &World,
    rec: &AppRecord,
    p: &PodInfo,
    previous: bool,
) -> Result<Vec<(DateTime<Utc>, String)>, String> {
    let c = &rec.app.name;
    let state = pod_state(rec, p);
    let restarts = objects::restarts(rec, p);
    let mut text = startup(world, rec);
    if previous {
        if restarts == 0 {
            return Err(format!(
                "previous terminated container \"{c}\" in pod \"{}\" not found",
                p.name
            ));
        }
        text.extend(crash(rec));
    } else {
        match state {
            PodState::Creating => {
                return Err(format!(
                    "container \"{c}\" in pod \"{}\" is waiting to start: ContainerCreating",
                    p.name
                ));
            }
            PodState::Healthy => text.extend((0..5).map(|i| request_line(&p.name, i))),
            PodState::Starting => {
                text.push("level=info msg=\"warming up, not ready yet\"".to_string());
            }
            PodState::CrashLoop => text.extend(crash(rec)),
        }
    }
    // The previous run ended before the current one began.
    let base = if previous {
        p.started_at - TimeDelta::seconds(60)
    } else {
        p.started_at
    };
    Ok(text
        .into_iter()
        .enumerate()
        .map(|(i, l)| (base + TimeDelta::seconds(i as i64), l))
        .collect())
}

fn render(at: DateTime<Utc>, text: &str, timestamps: bool) -> String {
    if timestamps {
        format!("{} {text}\n", at.format("%Y-%m-%dT%H:%M:%S%.9fZ"))
    } else {
        format!("{text}\n")
    }
}

fn find<'a>(world: &'a World, env: &str, pod: &str) -> Option<(&'a AppRecord, &'a PodInfo)> {
    apps(world, env).find_map(|rec| rec.pods.iter().find(|p| p.name == pod).map(|p| (rec, p)))
}

/// `GET /api/v1/namespaces/{ns}/pods/{name}/log`.
pub async fn pod_log(
    State(state): State<SharedSandbox>,
    Path((env, ns, name)): Path<(String, String, String)>,
    Query(q): Query<LogQuery>,
    headers: HeaderMap,
) -> Response {
    let timestamps = flag(&q.timestamps);
    let (grant, text, follow) = {
        let world = state.world.read().await;
        let grant = match authorize(&world, &headers, &env, Some(&ns)) {
            Ok(g) => g,
            Err(r) => return r.into_response(),
        };
        let Some((rec, p)) = find(&world, &env, &name) else {
            return status(
                StatusCode::NOT_FOUND,
                "NotFound",
                &format!("pods \"{name}\" not found"),
            );
        };
        if let Some(c) = q.container.as_deref().filter(|c| *c != rec.app.name) {
            return bad(&format!("container {c} is not valid for pod {name}"));
        }
        let previous = flag(&q.previous);
        let mut lines = match lines(&world, rec, p, previous) {
            Ok(l) => l,
            Err(e) => return bad(&e),
        };
        if let Some(n) = q.tail_lines.filter(|n| *n >= 0) {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            let skip = lines.len().saturating_sub(n);
            lines.drain(..skip);
        }
        let text: String = lines
            .iter()
            .map(|(at, l)| render(*at, l, timestamps))
            .collect();
        let follow = flag(&q.follow) && !previous && pod_state(rec, p) == PodState::Healthy;
        (grant, text, follow)
    };
    if !follow {
        return ([(header::CONTENT_TYPE, "text/plain")], text).into_response();
    }
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(follow_lines(state, grant, name, timestamps, text, tx));
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Sends the lines so far, then one request line a second while the pod is up and the
/// grant lives.
async fn follow_lines(
    state: SharedSandbox,
    grant: Grant,
    pod: String,
    timestamps: bool,
    first: String,
    tx: mpsc::Sender<Bytes>,
) {
    if tx.send(Bytes::from(first)).await.is_err() {
        return;
    }
    let mut i = 5u64;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = tx.closed() => return,
        }
        let line = {
            let world = state.world.read().await;
            if !grant.alive(&world) {
                return;
            }
            match find(&world, &grant.env, &pod) {
                Some((rec, p)) if pod_state(rec, p) == PodState::Healthy => {
                    render(world.now(), &request_line(&pod, i), timestamps)
                }
                // The pod went away or stopped serving: its log ends.
                _ => return,
            }
        };
        i += 1;
        if tx.send(Bytes::from(line)).await.is_err() {
            return;
        }
    }
}
