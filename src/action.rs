//! The vocabulary of user intents: every [`Action`] a key can trigger.
//!
//! Owns the stable kebab-case names used in keymap files and the one-line descriptions shown
//! by the help screen and the hint bar (taken from each variant's doc comment, so the code
//! and the help cannot drift apart). It must not carry behaviour: what an action does in a
//! given view is decided by `update`.

use std::fmt;

/// Declares the enum together with its name table, so adding a variant cannot forget a name,
/// a description or its mutating flag.
macro_rules! actions {
    ($( #[doc = $doc:literal] $variant:ident = $name:literal, mutating = $mutating:literal; )+) => {
        /// A user intent, produced by the keymap from a key press in a context.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( #[doc = $doc] $variant, )+
        }

        impl Action {
            /// Every action, in declaration order (the order of the help screen).
            pub const ALL: &'static [Action] = &[$(Action::$variant,)+];

            /// The stable kebab-case name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)+ }
            }

            /// The action named `name` in a keymap file, if there is one.
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)+ _ => None }
            }

            /// The one-line description shown by the help screen and the hint bar.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $doc.trim(),)+ }
            }

            /// Whether the action changes something on a Sovereign or opens a session that
            /// could; support mode hides every such action.
            pub fn is_mutating(self) -> bool {
                match self { $(Action::$variant => $mutating,)+ }
            }
        }
    };
}

actions! {
    /// Move the selection up
    MoveUp = "move-up", mutating = false;
    /// Move the selection down
    MoveDown = "move-down", mutating = false;
    /// Move the selection left
    MoveLeft = "move-left", mutating = false;
    /// Move the selection right
    MoveRight = "move-right", mutating = false;
    /// Scroll up one page
    PageUp = "page-up", mutating = false;
    /// Scroll down one page
    PageDown = "page-down", mutating = false;
    /// Jump to the first item
    Top = "top", mutating = false;
    /// Jump to the last item
    Bottom = "bottom", mutating = false;
    /// Open the selected item
    Open = "open", mutating = false;
    /// Go back to the previous view or close the overlay
    Back = "back", mutating = false;
    /// Show the next tab
    NextTab = "next-tab", mutating = false;
    /// Show the previous tab
    PrevTab = "prev-tab", mutating = false;
    /// Filter the list
    Filter = "filter", mutating = false;
    /// Open the command palette
    CommandPalette = "command-palette", mutating = false;
    /// Show the keys of this view
    Help = "help", mutating = false;
    /// Quit the console
    Quit = "quit", mutating = false;
    /// Fetch this view again
    Refresh = "refresh", mutating = false;
    /// Switch between grid and list layout
    ToggleLayout = "toggle-layout", mutating = false;
    /// Change how the list is grouped
    CycleGrouping = "cycle-grouping", mutating = false;
    /// Show the logs of the selected item
    Logs = "logs", mutating = false;
    /// Show where the selected Blueprint runs across the Organization
    BlueprintUsage = "blueprint-usage", mutating = false;
    /// Show the Sovereign provisioning runs
    Deployments = "deployments", mutating = false;
    /// Show the jobs of this provisioning run
    Jobs = "jobs", mutating = false;
    /// Show what waits for me: promotions to review, access requests
    Inbox = "inbox", mutating = false;
    /// Follow new lines, or stop following
    FollowToggle = "follow-toggle", mutating = false;
    /// Jump to the next search match
    SearchNext = "search-next", mutating = false;
    /// Jump to the previous search match
    SearchPrev = "search-prev", mutating = false;
    /// Show all levels, then warnings and errors, then errors only
    CycleLevel = "cycle-level", mutating = false;
    /// Show one phase at a time, in the order they appeared, then all again
    CyclePhase = "cycle-phase", mutating = false;
    /// Show one component at a time, in the order they appeared, then all again
    CycleComponent = "cycle-component", mutating = false;
    /// Wrap long lines, or cut them at the edge
    ToggleWrap = "toggle-wrap", mutating = false;
    /// Show or hide the time of each line
    ToggleTimestamps = "toggle-timestamps", mutating = false;
    /// Promote the selected version to the next environment
    Promote = "promote", mutating = true;
    /// Approve the promotion under review
    Approve = "approve", mutating = true;
    /// Ask the author of the promotion for changes
    RequestChanges = "request-changes", mutating = true;
    /// Reject the promotion under review
    Reject = "reject", mutating = true;
    /// Request scoped access to the selected environment or application
    RequestAccess = "request-access", mutating = true;
    /// Grant the selected access request
    GrantAccess = "grant-access", mutating = true;
    /// Deny the selected access request
    DenyAccess = "deny-access", mutating = true;
    /// Open a shell with a kubeconfig for the current grant
    Shell = "shell", mutating = true;
    /// Run a kubectl command inside my grant (the terminal comes back after)
    KubeCommand = "kube-command", mutating = true;
    /// Name the support ticket you work on (support mode)
    SupportTicket = "support-ticket", mutating = false;
    /// Look inside the environment with my grant: pods, events, Flux objects
    Kube = "kube", mutating = false;
    /// Read the log of the selected pod's previous container
    PreviousLogs = "previous-logs", mutating = false;
    /// Show the selected object as YAML
    Yaml = "yaml", mutating = false;
    /// Retry the failed phase of a provisioning run (asks first)
    RetryPhase = "retry-phase", mutating = true;
    /// Answer yes to the question asked
    Confirm = "confirm", mutating = false;
    /// Copy the selected value to the clipboard
    Copy = "copy", mutating = false;
    /// Save what is shown to a file
    Save = "save", mutating = false;
    /// Sign in as another demo persona (sandbox only)
    SwitchPersona = "switch-persona", mutating = false;
    /// Suspend the console to the shell (resume with fg)
    Suspend = "suspend", mutating = false;
    /// Revoke the selected live access grant before it ends (asks first)
    RevokeAccess = "revoke-access", mutating = true;
    /// Show what is broken across every Organization (incident triage)
    Triage = "triage", mutating = false;
    /// Open the selected problem's Application card
    Card = "card", mutating = false;
    /// Show the selected Application's deploy history
    History = "history", mutating = false;
    /// Open the selected problem's promotion
    OpenPromotion = "open-promotion", mutating = false;
    /// Open the selected problem's provisioning run
    OpenRun = "open-run", mutating = false;
    /// Edit the audit trail's filters (actor, action, target, outcome, ticket, time range)
    EditFilters = "edit-filters", mutating = false;
    /// Load the next, older page of the list
    LoadMore = "load-more", mutating = false;
    /// Open the audit trail (of the Application, from an Application)
    Audit = "audit", mutating = false;
}

impl Action {
    /// Whether the console can carry the action out yet. The shipped keymaps bind only
    /// available actions, so no key does nothing; a user keymap binding another one gets
    /// a warning-free binding whose key says it is not available. Every action is
    /// available today; a new one lands unavailable (and unbound) until it works.
    pub fn is_available(self) -> bool {
        true
    }
}

/// Whether a Sovereign that speaks catalyst-api offers what `action` needs: it has no
/// promotions and reviews, no access requests, no inbox of them, and no logs of
/// Application operations.
pub fn offered_by_catalyst_api(action: Action) -> bool {
    !matches!(
        action,
        Action::Promote
            | Action::Approve
            | Action::RequestChanges
            | Action::Reject
            | Action::Inbox
            | Action::Logs
            | Action::RequestAccess
            | Action::GrantAccess
            | Action::DenyAccess
            | Action::Shell
            | Action::Kube
            | Action::KubeCommand
            | Action::RevokeAccess
            | Action::Triage
    )
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_round_trip_and_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for &action in Action::ALL {
            let name = action.name();
            assert!(seen.insert(name), "duplicate name {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
            assert!(!name.starts_with('-') && !name.ends_with('-'));
            assert_eq!(Action::from_name(name), Some(action));
            assert_eq!(action.to_string(), name);
        }
    }

    #[test]
    fn descriptions_are_trimmed_sentences() {
        for &action in Action::ALL {
            let d = action.description();
            assert!(!d.is_empty(), "{action} has no description");
            assert_eq!(d, d.trim());
            assert!(d.starts_with(|c: char| c.is_uppercase()), "{action}: {d}");
        }
    }

    #[test]
    fn unknown_names_are_rejected() {
        assert_eq!(Action::from_name("Quit"), None);
        assert_eq!(Action::from_name("none"), None);
        assert_eq!(Action::from_name(""), None);
    }

    #[test]
    fn only_changes_are_mutating() {
        let mutating: Vec<_> = Action::ALL
            .iter()
            .filter(|a| a.is_mutating())
            .map(|a| a.name())
            .collect();
        assert_eq!(
            mutating,
            [
                "promote",
                "approve",
                "request-changes",
                "reject",
                "request-access",
                "grant-access",
                "deny-access",
                "shell",
                "kube-command",
                "retry-phase",
                "revoke-access"
            ]
        );
        assert!(!Action::Quit.is_mutating());
        assert!(!Action::Copy.is_mutating());
    }
}
