//! Just-in-time Kubernetes access from the console (CONTRACT Part B, access elevation).
//!
//! - [`request`]: asking for access to an Environment from its view or an Application's:
//!   a reason in the comment editor with the duration and level chosen above it, the
//!   request sent, its answer said (granted at once by policy, or pending an approver).
//!
//! Deciding and revoking live in the inbox (`views::inbox`).

pub mod request;
