//! The typed client of the console API (CONTRACT Part B) and of the provisioning API
//! (Part A): HTTP, errors for people, authentication, and the SSE parser and streams.
//!
//! - [`client`]: [`ApiClient`], the transport (request ids, support ticket, bearer token,
//!   one refresh-and-retry after a 401, size-capped reads).
//! - [`config`]: [`ClientConfig`] (base URLs, TLS trust, proxies, timeouts).
//! - [`error`]: [`ApiError`], every failure as a value with a message for people.
//! - [`auth`]: token sources, the session, the token cache, device sign-in, refresh.
//! - [`console`]: the Part B calls; [`provisioning`]: the Part A calls.
//! - [`sse`]: our SSE parser and reconnecting streams.
//! - [`catalyst`]: the platform's catalyst-api read as the console's model (browse only).
//!
//! Must not mutate UI state: results go back to the caller as values.

pub mod auth;
pub mod catalyst;
pub mod client;
pub mod config;
pub mod console;
pub mod error;
pub mod follow;
pub mod provisioning;
mod redact;
pub mod sse;
mod status;
mod wire;

pub use auth::{DevicePrompt, Session, TokenCache, TokenSource};
pub use client::ApiClient;
pub use config::{ApiKind, ClientConfig, OidcSettings, ProxySettings};
pub use console::{SseRequestFactory, TRIAGE_PAGE};
pub use error::{ApiError, TransportKind};
pub use provisioning::{ProvisioningClient, RetryOutcome};
