//! The embedded sandbox Sovereign: a real HTTP + SSE server on loopback implementing the
//! whole contract (console API under `/api/v1`, provisioning API under
//! `/sovereign/api/v1`, the Kubernetes subset under `/k8s/{env}`, that one also over
//! HTTPS on a second loopback port with a CA made at each start) with seed data,
//! personas, a moving simulation and fault injection. The console reaches it only over
//! HTTP, through the same client that reaches a real Sovereign.
//!
//! Start one with [`spawn`] (tests, the console's first run) or [`serve_cli`]
//! (`catalyst-tui sandbox`).

pub mod authz;
pub mod catalyst;
pub mod error;
pub mod events;
pub mod faults;
pub mod flow;
pub mod identity;
pub mod keycloak;
pub mod kube;
pub mod launch;
pub mod options;
pub mod provisioning;
pub mod request_id;
pub mod routes;
pub mod scale;
pub mod seed;
pub mod server;
pub mod simulation;
pub mod store;
pub mod tls;

pub use launch::serve_cli;
pub use options::*;
pub use server::{RunningSandbox, SandboxError, spawn};
pub use store::{Sandbox, SharedSandbox, World};
