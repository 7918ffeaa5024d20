//! Following the APIs' streams end to end: the typed client's request factories, the
//! reconnecting SSE stream and, for the provisioning stream, the run's events taken in
//! the order of the service's list. Each follower runs as a tokio task and reports plain values on a bounded
//! channel, so a UI or the headless `follow` command consumes them the same way.
//!
//! - [`deployment`]: a provisioning run (CONTRACT A): every event exactly once, in
//!   the service's order, across reconnects, replays, duplicates, dropped live sends and
//!   idle cuts; then the final State.
//! - [`live`]: the console's live events and an operation's log (CONTRACT B): ids,
//!   `Last-Event-ID` resume, `reset`, a token refresh on 401.
//!
//! Must not hold UI state or print: callers decide what to show.

pub mod deployment;
pub mod live;

pub use deployment::{DeploymentMsg, follow_deployment};
pub use live::{LiveMsg, OperationMsg, follow_events, follow_operation};
