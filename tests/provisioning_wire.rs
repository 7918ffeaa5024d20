//! The sandbox's provisioning service on the wire, as a client of the real `catalyst-api`
//! would see it (CONTRACT Part A): exact SSE framing and replay, byte-for-byte stable
//! streams of the seeded finished runs, every route's answers and quirks.
//!
//! Each test starts the router on 127.0.0.1:0 in-process and talks plain HTTP. Running
//! simulations are driven with a high speed and followed to their end; nothing here
//! asserts on elapsed time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "provisioning_wire/deployments.rs"]
mod deployments;
#[path = "provisioning_wire/jobs.rs"]
mod jobs;
#[path = "provisioning_wire/streams.rs"]
mod streams;
#[path = "provisioning_wire/support.rs"]
mod support;
