//! `GET /deployments/{id}/logs`: the service's Server-Sent Events stream.
//!
//! Owns: the framing (one `data: <event json>` line and a blank line per event; at the
//! end `event: done` with the State; no `id:`, no `retry:`, no comments, no heartbeat),
//! the replay of the whole buffered history on every connection, the live tail, and the
//! two delivery models: by default each connection follows the run without loss or
//! repetition; with the reconnect fault, live events go through one shared bounded queue
//! as in the service, so a reconnecting client sees events it already had again and two
//! clients of one run split the live events between them.
//! Must not: change a run (reading it catches it up with the clock, nothing more).

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use tokio::sync::watch;

use super::gojson;
use super::respond;
use super::store::Inner;
use crate::model::{PHASE_HANDOVER_READY, ProvisionEvent};

fn push_event(out: &mut String, ev: &ProvisionEvent) {
    if ev.phase == PHASE_HANDOVER_READY {
        // Today's service sends this one as a named frame whose data is the message.
        out.push_str("event: handover-ready\ndata: ");
        out.push_str(&ev.message);
    } else {
        out.push_str("data: ");
        out.push_str(&gojson::to_string(ev));
    }
    out.push_str("\n\n");
}

fn done_frame(state: &crate::model::DeploymentState) -> String {
    format!("event: done\ndata: {}\n\n", gojson::to_string(state))
}

struct Tail {
    inner: Arc<Inner>,
    id: String,
    /// Next sequence number this connection has not seen (private delivery).
    cursor: u64,
    changes: watch::Receiver<u64>,
    first: Option<String>,
    finished: bool,
}

enum Poll {
    Chunk(String),
    End,
    Wait(Option<tokio::time::Instant>),
}

impl Tail {
    fn poll(&mut self) -> Poll {
        let mut reg = self.inner.lock();
        let Some(run) = reg.get_mut(&self.id) else {
            return Poll::End;
        };
        self.changes.borrow_and_update();
        let mut out = String::new();
        if let Some(queue) = run.shared_live() {
            for ev in queue.drain(..) {
                push_event(&mut out, &ev);
            }
        } else {
            // A connection that fell more than the buffer behind loses the evicted part.
            self.cursor = self.cursor.max(run.first_seq());
            let skip = (self.cursor - run.first_seq()) as usize;
            for (seq, ev) in (self.cursor..).zip(run.events().iter().skip(skip)) {
                if !run.drops_live(seq) {
                    push_event(&mut out, ev);
                }
            }
            self.cursor = run.next_seq();
        }
        if !out.is_empty() {
            return Poll::Chunk(out);
        }
        if run.is_done() {
            self.finished = true;
            return Poll::Chunk(done_frame(&run.state()));
        }
        Poll::Wait(run.next_due())
    }

    async fn next_chunk(&mut self) -> Option<String> {
        if let Some(first) = self.first.take().filter(|f| !f.is_empty()) {
            return Some(first);
        }
        loop {
            if self.finished {
                return None;
            }
            match self.poll() {
                Poll::Chunk(c) => return Some(c),
                Poll::End => return None,
                Poll::Wait(Some(at)) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => {}
                        changed = self.changes.changed() => if changed.is_err() { return None },
                    }
                }
                Poll::Wait(None) => {
                    if self.changes.changed().await.is_err() {
                        return None;
                    }
                }
            }
        }
    }
}

/// The SSE answer for deployment `id` (text 404 when there is none).
pub fn logs(inner: Arc<Inner>, id: &str) -> Response {
    let (replay, done, cursor, changes) = {
        let reg = inner.lock();
        let Some(run) = reg.get(id) else {
            return respond::deployment_not_found();
        };
        let mut replay = String::new();
        for ev in run.events() {
            push_event(&mut replay, ev);
        }
        let done = run.is_done().then(|| done_frame(&run.state()));
        (replay, done, run.next_seq(), run.subscribe())
    };
    let body = match done {
        // A finished deployment: the history and `done`, at once.
        Some(done) => Body::from(replay + &done),
        None => {
            let tail = Tail {
                inner,
                id: id.to_string(),
                cursor,
                changes,
                first: Some(replay),
                finished: false,
            };
            Body::from_stream(futures::stream::unfold(tail, |mut t| async move {
                t.next_chunk()
                    .await
                    .map(|c| (Ok::<Bytes, Infallible>(Bytes::from(c)), t))
            }))
        }
    };
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    resp
}
