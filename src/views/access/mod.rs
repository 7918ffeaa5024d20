//! Just-in-time Kubernetes access from the console (CONTRACT Part B, access elevation).
//!
//! - [`request`]: asking for access to an Environment from its view: a reason in the
//!   comment editor, the request sent, its answer said (granted at once by policy, or
//!   pending an approver).

pub mod request;
