//! Server-Sent Events: our own WHATWG parser with size caps, a reconnecting stream over
//! reqwest, and the ledger that keeps the provisioning stream, which has no ids, in the service's order.
//!
//! Owns: everything between an HTTP response body in `text/event-stream` format and a
//! sequence of events plus connection statuses. Must not: decode event payloads, hold
//! UI state, or log URLs, headers or tokens.
//!
//! - [`parser`]: bytes → [`SseItem`]s, linear in input, capped (QUALITY R1, R2, P6).
//! - [`stream`]: a tokio task that connects, reconnects with backoff, resumes with
//!   `Last-Event-ID`, detects silence and reports [`StreamMsg`]s (R3, R4).
//! - [`ledger`]: the provisioning run's events in the service's order, from its lists.

pub mod ledger;
pub mod parser;
pub mod stream;

pub use ledger::{EventLedger, PROVISIONING_HISTORY};
pub use parser::{DEFAULT_CAP, Limits, Oversize, SseError, SseEvent, SseItem, SseParser};
pub use stream::{
    IdlePolicy, Jitter, StreamMsg, StreamOptions, StreamStatus, run_stream, spawn_stream,
};
