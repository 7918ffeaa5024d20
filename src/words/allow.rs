//! The words of refusals the console says before asking the server (see `state::allow`).

use crate::action::Action;

/// Support agents never get kube access.
pub const SUPPORT_NO_KUBE: &str =
    "Support mode never opens kube access: no requests, no views inside a grant, no shell.";

/// An action needs one of `roles` (of `org`, when given).
pub fn missing_role(action: Action, roles: &[&str], org: Option<&str>) -> String {
    let roles = roles.join(" or ");
    match org {
        Some(org) => format!(
            "\u{201c}{}\u{201d} needs {roles} of {org}.",
            action.description()
        ),
        None => format!("\u{201c}{}\u{201d} needs {roles}.", action.description()),
    }
}
