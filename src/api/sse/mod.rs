//! Server-Sent Events: our own WHATWG parser with size caps, a reconnecting stream over
//! reqwest, and replay de-duplication for the provisioning stream, which has no ids.
//!
//! Owns: everything between an HTTP response body in `text/event-stream` format and a
//! sequence of events plus connection statuses. Must not: decode event payloads, hold
//! UI state, or log URLs, headers or tokens.
//!
//! - [`parser`]: bytes → [`SseItem`]s, linear in input, capped (QUALITY R1, R2, P6).
//! - [`stream`]: a tokio task that connects, reconnects with backoff, resumes with
//!   `Last-Event-ID`, detects silence and reports [`StreamMsg`]s (R3, R4).
//! - [`replay`]: skips the history the provisioning stream replays on every connection.

pub mod parser;
pub mod replay;
pub mod stream;

pub use parser::{DEFAULT_CAP, Limits, Oversize, SseError, SseEvent, SseItem, SseParser};
pub use replay::{PROVISIONING_HISTORY, ReplayDedup};
pub use stream::{
    IdlePolicy, Jitter, StreamMsg, StreamOptions, StreamStatus, run_stream, spawn_stream,
};
