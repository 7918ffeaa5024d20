//! The console's user-facing words in one place: titles, empty-state hints, notices and
//! explanations, so wording stays consistent across views. Shared and browsing words
//! are here; each journey's own words are in a submodule, all re-exported.

mod access;
mod allow;
mod audit;
mod kube;
mod logs;
mod promotions;
mod provisioning;
mod sign_in;
mod triage;

pub use access::*;
pub use allow::*;
pub use audit::*;
pub use kube::*;
pub use logs::*;
pub use promotions::*;
pub use provisioning::*;
pub use sign_in::*;
pub use triage::*;

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
pub const NO_PROVISIONING_URL: &str = "no provisioning URL is configured: start with \
     --provisioning-url URL, set CATALYST_PROVISIONING_URL, or give the profile a provisioning_url";

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
        Action::FollowToggle => "follow/pause",
        Action::CycleLevel => "level",
        Action::CyclePhase => "phase",
        Action::CycleComponent => "component",
        Action::ToggleWrap => "wrap",
        Action::ToggleTimestamps => "time",
        Action::Deployments => "provisioning",
        Action::RetryPhase => "retry",
        Action::RequestAccess => "access",
        Action::GrantAccess => "grant",
        Action::DenyAccess => "deny",
        Action::Shell => "shell",
        Action::Confirm => "yes",
        Action::RevokeAccess => "revoke",
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

/// The heading of a view whose data the Sovereign does not offer.
pub const NOT_OFFERED_TITLE: &str = "Not offered by this Sovereign";

/// The home's inbox line where the Sovereign has no inbox.
pub const INBOX_NOT_OFFERED: &str = " Waiting for me: not offered by this Sovereign";

/// What a key says on a Sovereign that does not offer what it needs.
pub fn not_offered(action: Action) -> String {
    format!(
        "\u{201c}{}\u{201d} is not offered by this Sovereign (it speaks catalyst-api).",
        action.description()
    )
}

/// A copy refused for its size.
pub fn too_long_to_copy(bytes: usize) -> String {
    format!(
        "Too long to copy ({} KiB; the clipboard takes at most {} KiB): save it with w instead.",
        bytes.div_ceil(1024),
        crate::effect::MAX_COPY_BYTES / 1024
    )
}

/// Something went to the clipboard.
pub fn copied(text: &str) -> String {
    format!("Copied \u{201c}{text}\u{201d} to the clipboard.")
}

// The Application view.
pub const APPLICATION: &str = "Application";
pub const UNEXPECTED_ANSWER: &str = "The server answered with something this view did not ask for.";
pub const NO_ENDPOINT: &str = "no endpoint";
pub const NOTHING: &str = "nothing";
pub const NO_OWNER: &str = "no owner team";
pub const STARTING: &str = "starting";
pub const NO_REGIONS: &str = "No regions reported yet.";
pub const NEVER_ROTATED: &str = "never rotated";
pub const SECRETS_NOTE: &str = "Names, keys and sizes only: values are never shown.";
pub const NO_SECRETS: &str = "This Application has no secrets.";
pub const NO_SECRETS_NEXT: &str = "Secrets its Blueprint declares appear here once created.";
pub const NO_PODS: &str = "No pods are running for this Application.";
pub const NO_PODS_NEXT: &str = "Pods appear here as soon as they are scheduled.";
pub const NO_DEPLOYS: &str = "Nothing has been deployed yet.";
pub const NO_DEPLOYS_NEXT: &str = "Every install, update and rollback is recorded here.";
pub const MANIFESTS_TITLE: &str = "Rendered manifests";
pub const EMPTY_YAML: &str = "This document is empty.";
pub const EMPTY_YAML_NEXT: &str = "Press Ctrl-R to read it again.";

/// The title of the Settings tab.
pub fn settings_title(blueprint: &str) -> String {
    format!("Values of {blueprint}")
}

/// An open promotion waiting on this Application.
pub fn promotion_waiting(id: &str) -> String {
    format!("waiting for approval ({id})")
}

/// The Application was uninstalled while on screen.
pub fn app_removed(app: &str, env: &str) -> String {
    format!("{app} was removed from {env}.")
}

/// Secrets roll-up.
pub fn secrets_count(secrets: usize, keys: usize) -> String {
    let s = if secrets == 1 { "" } else { "s" };
    let k = if keys == 1 { "" } else { "s" };
    format!("{secrets} secret{s}, {keys} key{k}.")
}

/// Pods roll-up.
pub fn pods_count(pods: usize) -> String {
    format!("{pods} pod{}", if pods == 1 { "" } else { "s" })
}

/// Restarts roll-up.
pub fn restarts_count(restarts: u32) -> String {
    format!("{restarts} restart{}", if restarts == 1 { "" } else { "s" })
}

/// Which search match is shown.
pub fn match_position(at: usize, of: usize) -> String {
    format!("match {at} of {of}")
}

/// How many lines match, before jumping to one.
pub fn match_count(n: usize) -> String {
    format!("{n} match{}", if n == 1 { "" } else { "es" })
}

/// A search that found nothing.
pub fn no_match_for(query: &str) -> String {
    format!("no match for \u{201c}{query}\u{201d}")
}

/// Which lines of a document are on screen.
pub fn lines_shown(first: usize, last: usize, of: usize) -> String {
    format!("lines {first}-{last} of {of}")
}

// The Blueprint usage view.
pub const BLUEPRINT_USAGE: &str = "Blueprint usage";
/// Marks a copy behind the latest version (reads without colour).
pub const BEHIND: &str = "behind";

/// Where a Blueprint runs.
pub fn usage_count(envs: usize, apps: usize) -> String {
    let e = if envs == 1 { "" } else { "s" };
    let a = if apps == 1 { "" } else { "s" };
    format!("{envs} Environment{e}, {apps} Application{a}")
}

/// How many copies are behind the latest version.
pub fn behind_count(n: usize) -> String {
    format!("{n} behind latest")
}
