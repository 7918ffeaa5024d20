//! The streaming half of a watch: the opening events, then what each bus event of the
//! Environment changes (ADDED, MODIFIED, DELETED, as the Environment's objects are
//! re-derived and compared with what the client was last sent), until the timeout, the
//! client leaving, a lagging subscription or the end of the grant.
//!
//! Must not write to the world, nor hold its lock across an await.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use super::Grant;
use super::objects::{Kind, snapshot};
use super::watch::{Selectors, matching, shaped};
use crate::sandbox::events::EventFilter;
use crate::sandbox::store::SharedSandbox;

/// One watch event line.
pub fn line(kind: &str, obj: &Value) -> Bytes {
    let mut s = json!({"type": kind, "object": obj}).to_string();
    s.push('\n');
    Bytes::from(s)
}

/// The streaming answer: `opening`, then the live part when there is one.
pub fn stream_of(
    opening: Vec<Bytes>,
    rx: mpsc::Receiver<Bytes>,
    tx: mpsc::Sender<Bytes>,
    follow: Option<(
        Follow,
        broadcast::Receiver<std::sync::Arc<crate::sandbox::events::BusFrame>>,
    )>,
) -> Response {
    tokio::spawn(async move {
        for b in opening {
            if tx.send(b).await.is_err() {
                return;
            }
        }
        if let Some((f, live)) = follow {
            f.run(live, tx).await;
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// The live part of a watch.
pub struct Follow {
    pub state: SharedSandbox,
    pub grant: Grant,
    pub kind: Kind,
    pub as_table: bool,
    pub sel: Selectors,
    pub filter: EventFilter,
    pub known: BTreeMap<String, Value>,
    pub timeout: Duration,
}

impl Follow {
    async fn run(
        mut self,
        mut live: broadcast::Receiver<std::sync::Arc<crate::sandbox::events::BusFrame>>,
        tx: mpsc::Sender<Bytes>,
    ) {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let left = self.grant_left().await;
            let Some(left) = left else { return };
            tokio::select! {
                frame = live.recv() => match frame {
                    Ok(frame) if self.filter.matches(&frame) => {
                        if !self.changed(frame.id, &tx).await {
                            return;
                        }
                    }
                    Ok(_) => {}
                    // Fell behind or the bus is gone: end; the client resumes from its
                    // last version (replayed, or 410 and a re-list).
                    Err(_) => return,
                },
                () = tokio::time::sleep_until(deadline) => return,
                () = tokio::time::sleep(left) => {}
                () = tx.closed() => return,
            }
        }
    }

    fn shaped(&self, obj: &Value, rv: u64) -> Value {
        shaped(self.kind, self.as_table, obj.clone(), rv)
    }

    /// How long the grant still lives (`None` once it is over).
    async fn grant_left(&self) -> Option<Duration> {
        let world = self.state.world.read().await;
        if !self.grant.alive(&world) {
            return None;
        }
        let end = world.access_requests.get(&self.grant.id)?.expires_at?;
        (end - world.now()).to_std().ok()
    }

    /// Sends what changed at bus event `id`; false when the stream should end.
    async fn changed(&mut self, id: u64, tx: &mpsc::Sender<Bytes>) -> bool {
        let now = {
            let world = self.state.world.read().await;
            if !self.grant.alive(&world) {
                return false;
            }
            matching(snapshot(&world, &self.grant.env, self.kind), &self.sel)
        };
        let mut out = Vec::new();
        for (name, obj) in &now {
            match self.known.get(name) {
                None => out.push(line("ADDED", &self.shaped(obj, id))),
                Some(old) if old != obj => out.push(line("MODIFIED", &self.shaped(obj, id))),
                Some(_) => {}
            }
        }
        for (name, old) in &self.known {
            if !now.contains_key(name) {
                out.push(line("DELETED", &self.shaped(old, id)));
            }
        }
        self.known = now;
        for b in out {
            if tx.send(b).await.is_err() {
                return false;
            }
        }
        true
    }
}
