//! Words of just-in-time Kubernetes access (journey J5): asking from the console,
//! deciding and revoking from the inbox.

use crate::api::ApiError;
use crate::model::{AccessRequest, AccessState};

pub const ACCESS_IN_FLIGHT: &str = "The access request is being sent; wait for the answer.";
pub const NO_ACCESS_SELECTED: &str =
    "Select an access request first (below the promotions): a grants it, x denies it.";
pub const ACCESS_REASON_PLACEHOLDER: &str =
    "Say why you need access (required): it goes to the approver and the audit trail";
pub const ACCESS_GRANT_PLACEHOLDER: &str = "A comment for the requester (optional)";
pub const ACCESS_DENY_PLACEHOLDER: &str = "Say why it is denied (required)";
pub const ACCESS_DENY_REQUIRED: &str =
    "A denial needs a comment: say why, it goes to the requester and the audit trail.";
pub const ACCESS_REASON_REQUIRED: &str =
    "Say why you need access: the reason goes to the approver and the audit trail.";

/// The title of the editor in which the reason is written (the duration and the level
/// are chosen on the line above the reason).
pub fn access_request_title(env: &str) -> String {
    format!("Request access to {env} · why?")
}

/// The labels of the request's choices.
pub const ACCESS_DURATION: &str = "Duration";
pub const ACCESS_LEVEL: &str = "Access";

/// A duration offered for a grant.
pub fn access_minutes(minutes: u32) -> String {
    format!("{minutes} min")
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

/// My own access request changed state (an approver decided it, it expired or was
/// revoked), as the live events tell it.
pub fn my_access_moved(r: &AccessRequest) -> String {
    let by = r
        .decided_by
        .as_deref()
        .map(|b| format!(" by {b}"))
        .unwrap_or_default();
    let comment = r
        .decision_comment
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| format!(": \u{201c}{c}\u{201d}"))
        .unwrap_or_default();
    match (r.state, r.expires_at) {
        (AccessState::Granted, Some(until)) => format!(
            "Your access {} on {} is granted{by} until {} (K looks inside, s opens a shell){comment}.",
            r.id,
            r.environment,
            until.format("%H:%M UTC"),
        ),
        (AccessState::Denied, _) => format!(
            "Your access {} on {} is denied{by}{comment}.",
            r.id, r.environment
        ),
        (state, _) => format!("Your access {} on {} is {state}.", r.id, r.environment),
    }
}

/// The rules of deciding access requests, said above them.
pub const ACCESS_RULES: &str = "a grants, x denies · nobody decides their own; org-admins decide non-prod of their Org; sovereign-admins any; support agents never get access";

/// The title of the editor for a decision's comment.
pub fn access_decision_title(grant: bool, r: &AccessRequest) -> String {
    format!(
        "{} {} access to {} for {} ({} min)",
        if grant { "Grant" } else { "Deny" },
        r.access,
        r.environment,
        r.requester,
        r.duration_minutes
    )
}

/// What the answer to a decision says.
pub fn access_decided(r: &AccessRequest) -> String {
    format!(
        "Access {} for {} on {} is {}.",
        r.id, r.requester, r.environment, r.state
    )
}

/// A decision was refused (the server says by which rule).
pub fn access_decision_failed(error: &ApiError) -> String {
    format!("The request was not decided: {error} (your comment is kept).")
}

/// A shell has nowhere to go: no live grant on the Environment shown.
pub fn no_live_grant(env: &str) -> String {
    format!("You have no live grant on {env}: press A to ask for access first.")
}

/// A shell opens in an Environment (or an Application's).
pub const SHELL_WHERE: &str =
    "A kube shell opens from an Environment or an Application you hold a grant on.";

/// The shell could not be prepared.
pub fn shell_failed(env: &str, why: &str) -> String {
    format!("No kube shell on {env}: {why}")
}

/// The line printed before the shell starts.
pub fn shell_banner(env: &str, namespace: &str, context: &str, until: &str) -> String {
    format!(
        "kube session on {env} (context {context}, namespace {namespace}) until {until}; \
         KUBECONFIG is set. Exit the shell to return to the console."
    )
}

/// Back from the shell.
pub fn shell_returned(code: Option<i32>) -> String {
    match code {
        Some(0) | None => "Back from the kube shell; its kubeconfig is removed.".to_string(),
        Some(c) => format!("Back from the kube shell (exit {c}); its kubeconfig is removed."),
    }
}

/// An access request was refused. A duration past what the Environment's policy allows
/// is said as the server words the limit, with what to do about it.
pub fn access_request_failed(error: &ApiError) -> String {
    if let ApiError::Invalid { fields, .. } = error
        && let Some(f) = fields.iter().find(|f| f.path == "duration_minutes")
    {
        return format!(
            "Access was not requested: {}; press A and choose a shorter duration (Tab, then Left/Right). Your reason and choices are kept.",
            f.message
        );
    }
    format!("Access was not requested: {error} (your reason and choices are kept).")
}

/// The title of the inbox's section of live grants.
pub const INBOX_GRANTS: &str = "Live grants";

/// Who may revoke, said above the live grants.
pub const GRANT_RULES: &str =
    "X revokes (asks first) · the requester or an approver of the Environment may revoke";

/// A grant listed as live whose end has passed (its expiry is on its way).
pub const GRANT_ENDED: &str = "ended";

pub const NO_GRANT_SELECTED: &str =
    "Select a live grant first (at the bottom of the inbox): X revokes it.";

/// The question before revoking `r`.
pub fn revoke_question(r: &AccessRequest) -> String {
    let until = r
        .expires_at
        .map(|e| format!(" (until {})", e.format("%H:%M UTC")))
        .unwrap_or_default();
    format!(
        "Revoke the {} access of {} to {}{until} now? Its kube token stops working at once.",
        r.access, r.requester, r.environment
    )
}

pub const REVOKE_TITLE: &str = "Revoke access";

/// What the answer to a revocation says.
pub fn access_revoked(r: &AccessRequest) -> String {
    format!(
        "Access {} of {} on {} is {}.",
        r.id, r.requester, r.environment, r.state
    )
}

/// A revocation was refused (the server says by which rule).
pub fn access_revoke_failed(error: &ApiError) -> String {
    format!("The grant was not revoked: {error}")
}
