//! Fault injection over the whole server, so the console's handling of a bad network is
//! exercised against the sandbox: added latency, 429 bursts (with the retry delay in the
//! `Retry-After` header, in the body's `retry_after` like the real Catalyst gateway, or
//! both), a deterministic ratio of 5xx answers, and, on event streams, a cut after N
//! events or N seconds, or silence (connection held open, no bytes) after N events.
//!
//! Decisions come from a request counter, not a clock or a random generator, so a test
//! (or a demo) with the same settings sees the same faults. `duplicate_on_reconnect` is
//! the provisioning stream's own behaviour and is not handled here.
//!
//! Exempt from 429, 5xx and stream faults (latency still applies): discovery
//! (`/api/v1/meta`) and the sign-in endpoints (paths under `/oauth`, `/device`,
//! `/auth`), because a console that cannot sign in cannot show how it copes with any
//! other fault.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::time::Instant;

use super::error::ApiError;
use super::options::{Faults, RetryAfterForm};

/// Seconds a rate-limited client is told to wait.
pub const RETRY_AFTER_SECS: u64 = 2;

/// Path prefixes never given 429, 5xx or stream faults.
pub const EXEMPT_PREFIXES: &[&str] = &["/api/v1/meta", "/oauth", "/device", "/auth"];

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Pass,
    RateLimited,
    ServerError(StatusCode),
}

/// Fault settings with the counters that make decisions reproducible.
#[derive(Debug)]
pub struct FaultState {
    faults: Faults,
    requests: AtomicU64,
    errors: AtomicU64,
}

impl FaultState {
    pub fn new(faults: Faults) -> Self {
        Self {
            faults,
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }
    }

    /// Decides the fate of the next (non-exempt) request. With `rate_limit_every = N`
    /// and burst B, requests N…N+B−1, 2N…2N+B−1, … get 429; with `error_ratio = r`,
    /// request n gets a 5xx when ⌊n·r⌋ > ⌊(n−1)·r⌋ (exactly r of them, evenly spread),
    /// alternating 503 and 500.
    pub fn decide(&self) -> Decision {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(every) = self.faults.rate_limit_every.filter(|e| *e > 0) {
            let every = u64::from(every);
            let burst = u64::from(self.faults.rate_limit_burst.max(1)).min(every);
            if n >= every && n % every < burst {
                return Decision::RateLimited;
            }
        }
        let r = self.faults.error_ratio;
        if r.is_finite() && r > 0.0 {
            let r = r.min(1.0);
            #[allow(clippy::cast_precision_loss)]
            let (now, before) = ((n as f64 * r).floor(), ((n - 1) as f64 * r).floor());
            if now > before {
                let k = self.errors.fetch_add(1, Ordering::Relaxed);
                return Decision::ServerError(if k.is_multiple_of(2) {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                });
            }
        }
        Decision::Pass
    }

    fn touches_streams(&self) -> bool {
        let f = &self.faults;
        f.drop_after_events.is_some()
            || f.drop_after_secs.is_some()
            || f.idle_after_events.is_some()
    }
}

/// Wraps every route of `router` with the fault injection of `faults` (a no-op when no
/// fault is set). Apply it last, after every route is merged.
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>, faults: Faults) -> Router<S> {
    if faults.is_none() {
        return router;
    }
    let state = Arc::new(FaultState::new(faults));
    router.layer(axum::middleware::from_fn_with_state(state, inject))
}

fn exempt(path: &str) -> bool {
    EXEMPT_PREFIXES.iter().any(|p| path.starts_with(p))
}

async fn inject(State(st): State<Arc<FaultState>>, req: Request, next: Next) -> Response {
    if st.faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(st.faults.latency_ms)).await;
    }
    if exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let refuse = |e: ApiError| match &request_id {
        Some(id) => e.with_request_id(id).into_response(),
        None => e.into_response(),
    };
    match st.decide() {
        Decision::Pass => {}
        Decision::RateLimited => {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                format!("too many requests: try again in {RETRY_AFTER_SECS} s"),
            );
            let form = st.faults.rate_limit_form;
            if matches!(form, RetryAfterForm::Body | RetryAfterForm::Both) {
                e.body.retry_after = Some(RETRY_AFTER_SECS);
            }
            if matches!(form, RetryAfterForm::Header | RetryAfterForm::Both) {
                e.retry_after_header = Some(RETRY_AFTER_SECS);
            }
            return refuse(e);
        }
        Decision::ServerError(status) => {
            let e = if status == StatusCode::SERVICE_UNAVAILABLE {
                ApiError::unavailable("the service is temporarily unavailable (injected fault)")
            } else {
                ApiError::new(
                    status,
                    "internal",
                    "an internal error occurred (injected fault)",
                )
            };
            return refuse(e);
        }
    }
    let resp = next.run(req).await;
    let is_stream = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if !is_stream || !st.touches_streams() {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    Response::from_parts(parts, wrap_stream(body, &st.faults))
}

/// Counts SSE events (blocks with a `data` field) across chunk boundaries.
#[derive(Debug, Default)]
pub struct EventCounter {
    events: u32,
    line_len: usize,
    prefix: [u8; 5],
    block_has_data: bool,
}

impl EventCounter {
    /// Feeds one chunk; when the `limit`th event ends inside it, returns the offset just
    /// after that event.
    pub fn feed(&mut self, chunk: &[u8], limit: Option<u32>) -> Option<usize> {
        for (i, &b) in chunk.iter().enumerate() {
            match b {
                b'\n' => {
                    if self.line_len == 0 {
                        if self.block_has_data {
                            self.events += 1;
                            self.block_has_data = false;
                            if limit.is_some_and(|l| self.events >= l) {
                                return Some(i + 1);
                            }
                        }
                    } else {
                        let p = &self.prefix[..self.line_len.min(5)];
                        if p == b"data:" || (self.line_len == 4 && p == b"data") {
                            self.block_has_data = true;
                        }
                    }
                    self.line_len = 0;
                }
                b'\r' => {}
                _ => {
                    if self.line_len < 5 {
                        self.prefix[self.line_len] = b;
                    }
                    self.line_len += 1;
                }
            }
        }
        None
    }

    /// Events seen so far.
    pub fn events(&self) -> u32 {
        self.events
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Flowing,
    /// Next poll fails the body, which aborts the connection mid-stream.
    Cut,
    /// No more bytes, connection held open until the client leaves.
    Idle,
    Ended,
}

struct Cutter {
    inner: axum::body::BodyDataStream,
    counter: EventCounter,
    limit: Option<u32>,
    /// What happens at `limit`: cut (true) or go idle (false).
    cut_at_limit: bool,
    deadline: Option<Instant>,
    phase: Phase,
}

fn wrap_stream(body: Body, f: &Faults) -> Body {
    let (limit, cut_at_limit) = match (f.drop_after_events, f.idle_after_events) {
        (Some(d), Some(i)) if i < d => (Some(i), false),
        (Some(d), _) => (Some(d), true),
        (None, Some(i)) => (Some(i), false),
        (None, None) => (None, true),
    };
    let st = Cutter {
        inner: body.into_data_stream(),
        counter: EventCounter::default(),
        limit,
        cut_at_limit,
        deadline: f
            .drop_after_secs
            .map(|s| Instant::now() + Duration::from_secs(s)),
        phase: Phase::Flowing,
    };
    Body::from_stream(futures::stream::unfold(st, next_chunk))
}

async fn next_chunk(mut st: Cutter) -> Option<(Result<Bytes, io::Error>, Cutter)> {
    match st.phase {
        Phase::Ended => return None,
        Phase::Cut => {
            // Let the server write what was sent before the cut: failing the body in the
            // same poll would make it drop its buffered bytes, and a reconnecting client
            // would never get past the first events of a replay.
            tokio::time::sleep(Duration::from_millis(50)).await;
            st.phase = Phase::Ended;
            let e = io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "stream cut (injected fault)",
            );
            return Some((Err(e), st));
        }
        Phase::Idle => std::future::pending::<()>().await,
        Phase::Flowing => {}
    }
    let next = match st.deadline {
        Some(deadline) => tokio::select! {
            () = tokio::time::sleep_until(deadline) => {
                st.phase = Phase::Ended;
                let e = io::Error::new(io::ErrorKind::ConnectionAborted, "stream cut after its time (injected fault)");
                return Some((Err(e), st));
            }
            n = st.inner.next() => n,
        },
        None => st.inner.next().await,
    };
    match next {
        None => None,
        Some(Err(e)) => {
            st.phase = Phase::Ended;
            Some((Err(io::Error::other(e)), st))
        }
        Some(Ok(bytes)) => match st.counter.feed(&bytes, st.limit) {
            None => Some((Ok(bytes), st)),
            Some(end) => {
                st.phase = if st.cut_at_limit {
                    Phase::Cut
                } else {
                    Phase::Idle
                };
                Some((Ok(bytes.slice(..end)), st))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(f: Faults) -> FaultState {
        FaultState::new(f)
    }

    #[test]
    fn rate_limit_bursts_start_at_every_nth_request() {
        let st = state(Faults {
            rate_limit_every: Some(3),
            rate_limit_burst: 2,
            ..Faults::default()
        });
        let limited: Vec<u64> = (1..=10)
            .filter(|_| st.decide() == Decision::RateLimited)
            .collect();
        assert_eq!(limited, vec![3, 4, 6, 7, 9, 10]);
    }

    #[test]
    fn error_ratio_is_exact_and_alternates_503_and_500() {
        let st = state(Faults {
            error_ratio: 0.25,
            ..Faults::default()
        });
        let got: Vec<(u64, Decision)> = (1..=12)
            .map(|n| (n, st.decide()))
            .filter(|(_, d)| *d != Decision::Pass)
            .collect();
        assert_eq!(
            got,
            vec![
                (4, Decision::ServerError(StatusCode::SERVICE_UNAVAILABLE)),
                (8, Decision::ServerError(StatusCode::INTERNAL_SERVER_ERROR)),
                (12, Decision::ServerError(StatusCode::SERVICE_UNAVAILABLE)),
            ]
        );
    }

    #[test]
    fn counter_counts_data_blocks_across_chunks() {
        let mut c = EventCounter::default();
        assert_eq!(
            c.feed(b"retry: 3000\n\n: keepalive\n\nid: 1\nda", Some(2)),
            None
        );
        assert_eq!(c.events(), 0);
        assert_eq!(c.feed(b"ta: {}\n", Some(2)), None);
        assert_eq!(c.feed(b"\nevent: x\ndata\n\nid: 3\n", Some(2)), Some(16));
        assert_eq!(c.events(), 2);
        let mut crlf = EventCounter::default();
        assert_eq!(crlf.feed(b"data: a\r\n\r\n", Some(1)), Some(11));
    }

    #[test]
    fn exemptions_cover_discovery_and_sign_in() {
        assert!(exempt("/api/v1/meta"));
        assert!(exempt("/oauth/token"));
        assert!(!exempt("/api/v1/orgs"));
    }
}
