//! The typed client of the console API (CONTRACT Part B) and of the provisioning API
//! (Part A): HTTP, errors for people, authentication, and the SSE parser and streams.
//!
//! Must not mutate UI state: results go back to the caller as values.

pub mod sse;
