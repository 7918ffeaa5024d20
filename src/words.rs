//! The console's user-facing words in one place: titles, empty-state hints, notices and
//! explanations, so wording stays consistent across views.

use crate::action::Action;
use crate::api::ApiError;

/// The badge of the embedded sandbox.
pub const SANDBOX_BADGE: &str = " SANDBOX ";
pub const SUPPORT_MODE_HIDES: &str =
    "Support mode is read-only: actions that change something are hidden.";
pub const PERSONA_SANDBOX_ONLY: &str =
    "Personas belong to the sandbox; on a real Sovereign you sign in as yourself.";
pub const NO_FILTER_HERE: &str = "This view has nothing to filter.";
pub const STREAM_ENDED: &str = "the server ended the live stream";

pub const LOADING: &str = "Loading";
pub const RETRY_HINT: &str = "Press Ctrl-R to try again.";
pub const SIGN_IN_HINT: &str =
    "Your session has expired. Press Enter to sign in again; this view is kept.";

pub const NO_ORGS: &str = "No Organizations are visible to you yet.";
pub const NO_ORGS_NEXT: &str = "Ask a sovereign-admin for a role in an Organization, or press Ctrl-P to switch persona in the sandbox.";
pub const NO_ENVS: &str = "This Organization has no Environments yet.";
pub const NO_ENVS_NEXT: &str = "Environments appear here as soon as they are created.";
pub const NO_APPS: &str = "Nothing is installed in this Environment yet.";
pub const NO_APPS_NEXT: &str = "Install an Application from a Blueprint; it appears here at once.";
pub const NO_MATCH: &str = "Nothing matches the filter.";
pub const NO_MATCH_NEXT: &str = "Press Esc to clear the filter.";
pub const NO_USAGE: &str = "This Blueprint does not run anywhere in this Organization.";
pub const NO_USAGE_NEXT: &str = "Press Esc to go back.";

/// A key that means nothing in this view.
pub fn not_here(action: Action) -> String {
    format!(
        "\u{201c}{}\u{201d} does nothing here.",
        action.description()
    )
}

/// A live event that could not be read.
pub fn undecodable_event(kind: &str, reason: &str) -> String {
    format!("A live {kind} event could not be read ({reason}); the view may lag until refreshed.")
}

/// A sign-in that did not work.
pub fn sign_in_failed(error: &ApiError) -> String {
    format!("Sign-in failed: {error}")
}

/// What the restricted state says about the role that would help.
pub fn restricted_role(required: Option<&str>) -> String {
    match required {
        Some(role) => format!("The role {role} would allow it."),
        None => "Ask an org-admin for access.".to_string(),
    }
}

/// The rate-limit countdown.
pub fn rate_limited(seconds: i64) -> String {
    format!("The server asks to slow down. Retrying by itself in {seconds} s.")
}

/// The short label of an action in the key bar.
pub fn hint_label(action: Action) -> &'static str {
    match action {
        Action::Open => "open",
        Action::Back => "back",
        Action::Filter => "filter",
        Action::ToggleLayout => "grid/list",
        Action::CycleGrouping => "group",
        Action::NextTab => "next tab",
        Action::SearchNext => "next match",
        Action::SearchPrev => "prev match",
        Action::CommandPalette => "jump",
        Action::Help => "help",
        Action::Quit => "quit",
        Action::Refresh => "refresh",
        Action::SwitchPersona => "persona",
        Action::MoveDown => "down",
        Action::MoveUp => "up",
        Action::Copy => "copy",
        Action::BlueprintUsage => "blueprint",
        Action::PrevTab => "prev tab",
        other => other.name(),
    }
}

/// An action whose feature this console does not have yet.
pub fn not_available(action: Action) -> String {
    format!(
        "\u{201c}{}\u{201d} is not available in this console yet.",
        action.description()
    )
}

/// Something went to the clipboard.
pub fn copied(text: &str) -> String {
    format!("Copied \u{201c}{text}\u{201d} to the clipboard.")
}
