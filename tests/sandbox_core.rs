//! The sandbox's console API over real HTTP on 127.0.0.1:0: sign-in through the device
//! flow, every resource route for the right and the wrong personas, support mode, the
//! seeded facts the journeys rely on, and `--scale`.
// The helpers are test code too (clippy's test allowances cover only `#[test]`s).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "sandbox_core/apps_read.rs"]
mod apps_read;
#[path = "sandbox_core/apps_write.rs"]
mod apps_write;
#[path = "sandbox_core/catalogue_audit.rs"]
mod catalogue_audit;
#[path = "sandbox_core/helpers.rs"]
mod helpers;
#[path = "sandbox_core/identity.rs"]
mod identity;
#[path = "sandbox_core/orgs.rs"]
mod orgs;
#[path = "sandbox_core/support_scale.rs"]
mod support_scale;
