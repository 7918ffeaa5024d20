//! The platform's catalyst-api, read as the console's model
//! so the console can browse a real Sovereign: identity (`/whoami`), Organizations
//! (`/organizations`), Environments and Application CRs through the Kubernetes explorer
//! (`/sovereigns/{id}/k8s/{environment,application}`), Application detail and status,
//! the Blueprint catalog (`/catalog`), and live changes from the explorer's SSE stream.
//!
//! - [`wire`]: tolerant serde types of catalyst-api's JSON.
//! - [`adapt`]: pure mappings onto `crate::model`.
//! - [`live`]: stream frames onto [`crate::model::LiveEvent`], and the follower.
//! - [`client`]: the typed calls on [`ApiClient`](crate::api::ApiClient), API detection
//!   ([`ApiClient::detect_api`](crate::api::ApiClient::detect_api)) and the Sovereign id.
//!
//! The query-level entry point is `crate::app::catalyst_fetch`. What catalyst-api does
//! not offer answers [`ApiError::NotOffered`](crate::api::ApiError::NotOffered).
//! Must not invent data the server did not send, nor hold UI state.

pub mod adapt;
pub mod client;
pub mod live;
pub mod wire;

pub use live::{AppPhase, K8sChange, follow_k8s, map_app_stream_frame, map_k8s_frame};
