//! The embedded sandbox Sovereign: a real HTTP + SSE server on loopback implementing the
//! whole contract (console API under `/api/v1`, provisioning API under
//! `/sovereign/api/v1`) with seed data, personas, a moving simulation and fault
//! injection. The console reaches it only over HTTP, through the same client that
//! reaches a real Sovereign.

pub mod authz;
pub mod error;
pub mod events;
pub mod faults;
pub mod flow;
pub mod options;
pub mod provisioning;
pub mod simulation;
pub mod store;

pub use options::*;

/// Runs `catalyst-tui sandbox` until interrupted.
pub async fn serve_cli(_args: SandboxArgs) -> color_eyre::Result<()> {
    Err(color_eyre::eyre::eyre!(
        "the sandbox server is not assembled yet"
    ))
}
