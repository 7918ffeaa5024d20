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

/// The ticket prompt's title.
pub const SUPPORT_TICKET_TITLE: &str =
    "Support mode: which ticket are you working on? (Ctrl-S starts)";
/// What the ticket prompt asks for.
pub const SUPPORT_TICKET_PLACEHOLDER: &str =
    "The ticket number (e.g. SUP-1234): it goes with every request and into the audit trail";
/// A support agent without a ticket.
pub const SUPPORT_TICKET_NEEDED: &str =
    "Support mode reads nothing without a ticket: press Enter to give one, q to quit.";
/// A ticket of more than one line.
pub const SUPPORT_TICKET_ONE_LINE: &str = "A ticket is one line of text.";

/// The support banner: the ticket and the Organization being helped.
pub fn support_banner(ticket: &str, org: Option<&str>) -> String {
    let helping = org.map(|o| format!(" · helping {o}")).unwrap_or_default();
    format!(" SUPPORT {ticket}{helping} · read-only · audited · no secret values")
}

/// Someone who is not a support agent asked to change the ticket.
pub const SUPPORT_TICKET_NOT_SUPPORT: &str = "Only support agents work on a ticket (support mode).";

/// How a typed confirmation is answered.
pub fn confirm_type(name: &str) -> String {
    format!("This is hard to undo. Type {name} to confirm:")
}

/// The keys of a typed confirmation.
pub const CONFIRM_TYPED_NOTE: &str = "Enter confirms once the name matches · Esc cancels";
