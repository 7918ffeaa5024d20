//! A reconnecting event stream over reqwest, run as a tokio task.
//!
//! Owns: connecting, reading the body through [`SseParser`], reconnecting with backoff
//! and jitter (never faster than the floor, even when a server accepts and closes at
//! once), `Last-Event-ID` resumption, the server's `retry:`, `Retry-After`, silence
//! detection, and telling the caller what happens through [`StreamMsg`]s.
//! Must not: touch UI state, decode payloads, or log URLs, headers or tokens (error
//! texts are built from reqwest errors stripped of their URL).
//!
//! Unlike `reqwest-eventsource`, every attempt asks the caller's factory for a fresh
//! request, so a refreshed bearer token is used after a 401; non-2xx answers are told
//! apart (give up, retry, or refresh credentials) instead of ending the stream for good.

use std::time::Duration;

use http::StatusCode;
use http::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use rand::Rng as _;
use reqwest::{Client, RequestBuilder, Response};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::parser::{Limits, SseEvent, SseItem, SseParser};

mod answer;
use answer::{
    describe, error_detail, human, printable, retry_after_header, status_words, with_detail,
};

/// What the stream task reports, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamMsg {
    /// A dispatched event.
    Event(SseEvent),
    /// A change of connection state.
    Status(StreamStatus),
}

/// The connection state, for the status bar and the follow logic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamStatus {
    /// A request is being sent; `attempt` counts attempts since the last healthy
    /// connection, from 1.
    Connecting {
        /// Consecutive attempt number, from 1.
        attempt: u32,
    },
    /// The server accepted the stream; events follow.
    Live,
    /// The server answered 401. Refresh the credentials the request factory reads: the
    /// next attempt calls it again. A second 401 in a row ends the stream with `Failed`.
    Unauthorized,
    /// The connection ended or could not be made; the next attempt starts after `in_`.
    Reconnecting {
        /// Delay before the next attempt.
        in_: Duration,
        /// The number the next attempt will have.
        attempt: u32,
        /// Why, in words for people (e.g. "no data for 45 s (3 keep-alives missed)").
        reason: String,
    },
    /// The server closed the stream after the terminal event: finished, no reconnect.
    Ended,
    /// Gave up for good (404, 410, 403, repeated 401, wrong content type, oversize).
    Failed {
        /// Why, in words for people, including the server's own explanation if any.
        reason: String,
    },
}

/// How jitter spreads reconnection delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly the computed delay (tests, single clients).
    None,
    /// Uniform between zero and the delay (then raised to the floor).
    Full,
    /// Half the delay plus uniform up to the other half.
    Equal,
}

/// How a silent connection is recognised (QUALITY R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdlePolicy {
    /// The server sends keep-alives every `interval`; after `missed` intervals without
    /// any byte the connection is taken as dead.
    Heartbeat {
        /// The server's keep-alive interval.
        interval: Duration,
        /// How many intervals may pass without a byte.
        missed: u32,
    },
    /// The server sends no keep-alives; a proxy cuts silent streams. Reconnect after
    /// `after` without a byte.
    Silence {
        /// How long a silence is tolerated.
        after: Duration,
    },
}

impl IdlePolicy {
    /// How long a connection may stay silent.
    pub fn timeout(&self) -> Duration {
        match *self {
            Self::Heartbeat { interval, missed } => interval.saturating_mul(missed.max(1)),
            Self::Silence { after } => after,
        }
    }

    fn describe(&self) -> String {
        match *self {
            Self::Heartbeat { missed, .. } => format!(
                "no data for {} ({} keep-alives missed)",
                human(self.timeout()),
                missed.max(1)
            ),
            Self::Silence { after } => {
                format!("no data for {} (idle cut)", human(after))
            }
        }
    }
}

/// Options of one stream. [`StreamOptions::console`] and
/// [`StreamOptions::provisioning`] fit the two APIs of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamOptions {
    /// First reconnection delay (1 s); doubles per failed attempt.
    pub initial_backoff: Duration,
    /// Largest computed delay (30 s), unless the server's `retry:` asks for more.
    pub max_backoff: Duration,
    /// No reconnection ever comes sooner than this (1 s), jitter and `retry:` included.
    pub min_delay: Duration,
    /// Jitter applied to computed delays (not to `Retry-After`).
    pub jitter: Jitter,
    /// Silence detection.
    pub idle: IdlePolicy,
    /// An event type after which the server's close means "finished" (e.g. `done`).
    pub terminal_event: Option<String>,
    /// Parser caps.
    pub limits: Limits,
    /// A connection that stayed up this long, or delivered an event, resets the backoff.
    pub healthy_after: Duration,
    /// Consecutive 401 answers before giving up (2).
    pub max_unauthorized: u32,
    /// Upper bound on a server's `Retry-After`.
    pub max_retry_after: Duration,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self::console()
    }
}

impl StreamOptions {
    /// The console API's streams (CONTRACT B): keep-alives every 15 s, so 45 s of
    /// silence means a dead connection; ids and `retry:` come from the server.
    pub fn console() -> Self {
        Self {
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            min_delay: Duration::from_secs(1),
            jitter: Jitter::Equal,
            idle: IdlePolicy::Heartbeat {
                interval: Duration::from_secs(15),
                missed: 3,
            },
            terminal_event: None,
            limits: Limits::default(),
            healthy_after: Duration::from_secs(30),
            max_unauthorized: 2,
            max_retry_after: Duration::from_secs(600),
        }
    }

    /// The provisioning stream (CONTRACT A): no keep-alives, the hosted proxy cuts a
    /// silent stream at 300 s (we reconnect at 310 s if it did not), and `event: done`
    /// ends it.
    pub fn provisioning() -> Self {
        Self {
            idle: IdlePolicy::Silence {
                after: Duration::from_secs(310),
            },
            terminal_event: Some("done".to_owned()),
            ..Self::console()
        }
    }

    /// The delay before attempt `failed + 1`, after `failed` consecutive failures.
    fn backoff(&self, failed: u32, server_retry: Option<Duration>) -> Duration {
        let base = server_retry
            .unwrap_or(self.initial_backoff)
            .max(self.min_delay);
        let cap = self.max_backoff.max(base);
        let doublings = failed.saturating_sub(1).min(20);
        let computed = base.saturating_mul(1u32 << doublings).min(cap);
        let jittered = match self.jitter {
            Jitter::None => computed,
            Jitter::Full => computed.mul_f64(rand::rng().random_range(0.0..=1.0)),
            Jitter::Equal => {
                computed / 2 + (computed / 2).mul_f64(rand::rng().random_range(0.0..=1.0))
            }
        };
        jittered.max(self.min_delay)
    }
}

/// Starts a stream task. `request` is called for every attempt with the last event id
/// seen (if any) and must build a fresh request (current token, current URL); the
/// stream adds `Accept: text/event-stream`, `Cache-Control: no-cache` and
/// `Last-Event-ID` unless the request already has them, and sends it with `client`.
///
/// The task ends after `Ended` or `Failed`, when `cancel` fires, or when `tx`'s receiver
/// is dropped. A slow receiver slows reading (the channel is bounded).
pub fn spawn_stream<F>(
    client: Client,
    request: F,
    options: StreamOptions,
    tx: mpsc::Sender<StreamMsg>,
    cancel: CancellationToken,
) -> JoinHandle<()>
where
    F: Fn(Option<&str>) -> RequestBuilder + Send + Sync + 'static,
{
    tokio::spawn(run_stream(client, request, options, tx, cancel))
}

/// The body of [`spawn_stream`], for callers that run it inside a task of their own.
pub async fn run_stream<F>(
    client: Client,
    request: F,
    options: StreamOptions,
    tx: mpsc::Sender<StreamMsg>,
    cancel: CancellationToken,
) where
    F: Fn(Option<&str>) -> RequestBuilder + Send + Sync,
{
    let mut conn = Connection {
        client: &client,
        options: &options,
        tx: &tx,
        last_id: None,
        server_retry: None,
        unauthorized: 0,
    };
    // Consecutive attempts that failed since the last healthy connection.
    let mut failures: u32 = 0;
    loop {
        if !conn
            .status(StreamStatus::Connecting {
                attempt: failures + 1,
            })
            .await
        {
            return;
        }
        let outcome = tokio::select! {
            () = cancel.cancelled() => return,
            outcome = conn.attempt(&request) => outcome,
        };
        let (reason, retry_after, healthy) = match outcome {
            Outcome::Ended => {
                conn.status(StreamStatus::Ended).await;
                return;
            }
            Outcome::Failed(reason) => {
                tracing::debug!(%reason, "event stream gave up");
                conn.status(StreamStatus::Failed { reason }).await;
                return;
            }
            Outcome::ReceiverGone => return,
            Outcome::Retry {
                reason,
                retry_after,
                healthy,
            } => (reason, retry_after, healthy),
        };
        // A healthy connection that ended starts the count afresh, at the base delay.
        let step = if healthy {
            failures = 0;
            1
        } else {
            failures = failures.saturating_add(1);
            failures
        };
        let delay = match retry_after {
            Some(asked) => asked.clamp(
                options.min_delay,
                options.max_retry_after.max(options.min_delay),
            ),
            None => options.backoff(step, conn.server_retry),
        };
        tracing::debug!(%reason, delay_ms = delay.as_millis() as u64, "event stream reconnecting");
        let next = StreamStatus::Reconnecting {
            in_: delay,
            attempt: failures + 1,
            reason,
        };
        if !conn.status(next).await {
            return;
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
    }
}

/// How one attempt ended.
enum Outcome {
    Ended,
    Failed(String),
    ReceiverGone,
    Retry {
        reason: String,
        retry_after: Option<Duration>,
        healthy: bool,
    },
}

impl Outcome {
    fn retry(reason: impl Into<String>) -> Self {
        Self::Retry {
            reason: reason.into(),
            retry_after: None,
            healthy: false,
        }
    }
}

/// State that survives reconnections.
struct Connection<'a> {
    client: &'a Client,
    options: &'a StreamOptions,
    tx: &'a mpsc::Sender<StreamMsg>,
    last_id: Option<String>,
    server_retry: Option<Duration>,
    unauthorized: u32,
}

impl Connection<'_> {
    async fn status(&self, status: StreamStatus) -> bool {
        self.tx.send(StreamMsg::Status(status)).await.is_ok()
    }

    async fn attempt<F>(&mut self, request: &F) -> Outcome
    where
        F: Fn(Option<&str>) -> RequestBuilder,
    {
        let (_, built) = request(self.last_id.as_deref()).build_split();
        let mut req = match built {
            Ok(req) => req,
            Err(error) => {
                return Outcome::Failed(format!(
                    "the stream request could not be built: {}",
                    describe(&error.without_url())
                ));
            }
        };
        let headers = req.headers_mut();
        headers
            .entry(ACCEPT)
            .or_insert(HeaderValue::from_static("text/event-stream"));
        headers
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
        if let Some(id) = &self.last_id
            && let Ok(value) = HeaderValue::from_bytes(id.as_bytes())
        {
            headers.entry("last-event-id").or_insert(value);
        }
        let idle = self.options.idle.timeout();
        let response = match tokio::time::timeout(idle, self.client.execute(req)).await {
            Err(_) => {
                return Outcome::retry(format!("no answer from the server within {}", human(idle)));
            }
            Ok(Err(error)) => {
                return Outcome::retry(format!(
                    "could not connect: {}",
                    describe(&error.without_url())
                ));
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            self.unauthorized += 1;
            let detail = error_detail(response, idle).await.text;
            if self.unauthorized >= self.options.max_unauthorized.max(1) {
                return Outcome::Failed(with_detail(
                    "the server refused the credentials (401) again; sign in again",
                    &detail,
                ));
            }
            if !self.status(StreamStatus::Unauthorized).await {
                return Outcome::ReceiverGone;
            }
            return Outcome::retry(with_detail(
                "the server refused the credentials (401); retrying with fresh ones",
                &detail,
            ));
        }
        self.unauthorized = 0;
        if status.is_success() {
            return self.read_stream(response).await;
        }
        let retry_header = retry_after_header(response.headers());
        let detail = error_detail(response, idle).await;
        let what = status_words(status);
        match status.as_u16() {
            408 | 429 | 500..=599 => Outcome::Retry {
                reason: with_detail(&what, &detail.text),
                retry_after: retry_header.or(detail.retry_after),
                healthy: false,
            },
            _ => Outcome::Failed(with_detail(&what, &detail.text)),
        }
    }

    async fn read_stream(&mut self, mut response: Response) -> Outcome {
        if response.status() == StatusCode::NO_CONTENT {
            return Outcome::Failed("the server has no stream to send (204 No Content)".to_owned());
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let is_event_stream = content_type.as_deref().is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/event-stream"))
        });
        if !is_event_stream {
            let got =
                content_type.map_or_else(|| "no content type".to_owned(), |ct| printable(&ct));
            return Outcome::Failed(format!(
                "the server answered with {got} instead of an event stream (text/event-stream)"
            ));
        }
        if !self.status(StreamStatus::Live).await {
            return Outcome::ReceiverGone;
        }
        let started = Instant::now();
        let idle = self.options.idle.timeout();
        let mut parser = SseParser::new(self.options.limits);
        if let Some(id) = &self.last_id {
            parser.set_last_event_id(id);
        }
        let mut delivered = false;
        let mut terminal_seen = false;
        let reason = loop {
            let chunk = match tokio::time::timeout(idle, response.chunk()).await {
                Err(_) if terminal_seen => return Outcome::Ended,
                Err(_) => break self.options.idle.describe(),
                Ok(Err(_)) if terminal_seen => return Outcome::Ended,
                Ok(Err(error)) => {
                    break format!("connection lost: {}", describe(&error.without_url()));
                }
                Ok(Ok(None)) if terminal_seen => return Outcome::Ended,
                Ok(Ok(None)) => break "the server closed the stream".to_owned(),
                Ok(Ok(Some(chunk))) => chunk,
            };
            let fed = parser.feed(&chunk);
            while let Some(item) = parser.next_item() {
                match item {
                    SseItem::Event(event) => {
                        if self.options.terminal_event.as_deref() == Some(event.event.as_str()) {
                            terminal_seen = true;
                        }
                        delivered = true;
                        if self.tx.send(StreamMsg::Event(event)).await.is_err() {
                            return Outcome::ReceiverGone;
                        }
                    }
                    SseItem::Retry(ms) => self.server_retry = Some(Duration::from_millis(ms)),
                    SseItem::Comment => {}
                }
            }
            if let Some(id) = parser.last_event_id()
                && self.last_id.as_deref() != Some(id)
            {
                self.last_id = Some(id.to_owned());
            }
            if let Err(error) = fed {
                return Outcome::Failed(error.to_string());
            }
        };
        Outcome::Retry {
            reason,
            retry_after: None,
            healthy: delivered || started.elapsed() >= self.options.healthy_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_jitter() -> StreamOptions {
        StreamOptions {
            jitter: Jitter::None,
            ..StreamOptions::console()
        }
    }

    #[test]
    fn backoff_doubles_to_the_cap_and_never_goes_below_the_floor() {
        let o = no_jitter();
        let secs: Vec<u64> = (1..=8).map(|n| o.backoff(n, None).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(o.backoff(0, None), Duration::from_secs(1));
        // A server asking for 10 ms still gets the 1 s floor.
        assert_eq!(
            o.backoff(1, Some(Duration::from_millis(10))),
            Duration::from_secs(1)
        );
        // A server asking for 3 s is the base of the doubling.
        assert_eq!(
            o.backoff(2, Some(Duration::from_secs(3))),
            Duration::from_secs(6)
        );
        // A server asking for more than the cap is honoured.
        assert_eq!(
            o.backoff(3, Some(Duration::from_secs(60))),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn jitter_stays_within_its_band() {
        for jitter in [Jitter::Full, Jitter::Equal] {
            let o = StreamOptions {
                jitter,
                ..StreamOptions::console()
            };
            for _ in 0..200 {
                let d = o.backoff(5, None);
                assert!(
                    d >= Duration::from_secs(1) && d <= Duration::from_secs(16),
                    "{d:?}"
                );
                if jitter == Jitter::Equal {
                    assert!(d >= Duration::from_secs(8));
                }
            }
        }
    }

    #[test]
    fn idle_reasons_name_the_policy() {
        assert_eq!(
            StreamOptions::console().idle.describe(),
            "no data for 45 s (3 keep-alives missed)"
        );
        assert_eq!(
            StreamOptions::provisioning().idle.describe(),
            "no data for 310 s (idle cut)"
        );
    }
}
