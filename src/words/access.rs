//! Words of just-in-time Kubernetes access (journey J5): asking from the console.

use crate::api::ApiError;
use crate::model::{AccessRequest, AccessState};

pub const ACCESS_IN_FLIGHT: &str = "The access request is being sent; wait for the answer.";
pub const ACCESS_REASON_REQUIRED: &str =
    "Say why you need access: the reason goes to the approver and the audit trail.";

/// The title of the editor in which the reason is written.
pub fn access_request_title(env: &str, minutes: u32) -> String {
    format!("Request debug access to {env} for {minutes} min · why?")
}

/// What the answer to an access request says.
pub fn access_requested(r: &AccessRequest) -> String {
    match (r.state, r.expires_at) {
        (AccessState::Granted, Some(until)) => format!(
            "Access {} granted: {} on {} until {}; `catalyst-tui access exec {}` opens a shell.",
            r.id,
            r.access,
            r.environment,
            until.format("%H:%M UTC"),
            r.environment
        ),
        (AccessState::Pending, _) => format!(
            "Access {} asked for: pending an approver (it waits in their inbox).",
            r.id
        ),
        (state, _) => format!("Access {} is {state}.", r.id),
    }
}

/// An access request was refused.
pub fn access_request_failed(error: &ApiError) -> String {
    format!("Access was not requested: {error} (your reason is kept).")
}
