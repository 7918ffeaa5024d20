//! The words of the views inside a grant (pods, events, Flux objects, YAML, pod logs).

/// A followed pod log was cut; it is asked again from its last line.
pub const KUBE_LOG_CUT: &str =
    "log ended (cut, or the container stopped); reading on from the last line";
/// A previous container's log was read to its end.
pub const KUBE_LOG_END_PREVIOUS: &str = "end of the previous container's log";
/// A kube read reached the console API instead of the grant's client.
pub const KUBE_THROUGH_GRANT: &str = "objects inside a grant are read with the grant's credentials";

use chrono::{DateTime, Utc};

/// What to do when a view inside a grant has nothing to show.
pub const KUBE_EMPTY_NEXT: &str = "Changes appear here as they happen.";
/// What to do once a grant ended (or there is none).
pub const KUBE_ENDED_NEXT: &str =
    "Press A to request access (a reason is required), or Esc to go back.";
/// The pods table's header.
pub const KUBE_POD_COLUMNS: [&str; 6] = ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "NODE"];
/// The events table's header.
pub const KUBE_EVENT_COLUMNS: [&str; 5] = ["LAST", "TYPE", "REASON", "OBJECT", "MESSAGE"];
/// The Flux table's header.
pub const KUBE_FLUX_COLUMNS: [&str; 6] = ["KIND", "NAME", "READY", "REASON", "SINCE", "MESSAGE"];
/// No events.
pub const KUBE_NO_EVENTS: &str = "No events in this namespace.";
/// No Flux objects.
pub const KUBE_NO_FLUX: &str = "No HelmRelease or Kustomization here.";
/// The cluster serves neither Flux kind.
pub const KUBE_NO_FLUX_KINDS: &str =
    "This cluster serves no Flux objects (HelmRelease, Kustomization).";
/// What the YAML view loads.
pub const KUBE_YAML: &str = "the object";
/// A pod's key pressed with no pod selected.
pub const KUBE_SELECT_POD: &str = "Select a pod first (Pods tab).";
/// A key that needs a selected object pressed without one.
pub const KUBE_NOTHING_SELECTED: &str = "Nothing selected.";

/// The label of tab `i` (pods, events, Flux).
pub fn kube_tab(i: usize) -> &'static str {
    ["Pods", "Events", "Flux"].get(i).copied().unwrap_or("")
}

/// The view stopped: the grant on `env` expired at `at`.
pub fn kube_grant_expired(env: &str, at: &str) -> String {
    format!("Access to {env} ended: the grant expired at {at}. Nothing here is live any more.")
}

/// The view stopped: the grant on `env` was revoked (or ended early).
pub fn kube_grant_revoked(env: &str) -> String {
    format!("Access to {env} ended: the grant was revoked. Nothing here is live any more.")
}

/// A snapshot read inside a grant that has ended since.
pub fn kube_grant_over(env: &str, now: DateTime<Utc>) -> String {
    format!(
        "Access to {env} ended at {}: this is a snapshot, it is not read again.",
        now.format("%H:%M UTC")
    )
}

/// A pod log whose grant ended.
pub fn kube_log_over(now: DateTime<Utc>) -> String {
    format!(
        "access ended {}: not followed any more",
        now.format("%H:%M UTC")
    )
}

/// The stream fails and is tried again.
pub fn kube_retrying(why: &str) -> String {
    format!("retrying: {why}")
}

/// The cluster refused the grant's credentials.
pub fn kube_refused(why: &str) -> String {
    format!("access refused, stopped: {why}")
}

/// No pods (of `app`) in `env`.
pub fn kube_no_pods(app: Option<&str>, env: &str) -> String {
    match app {
        Some(app) => format!("No pods of {app} in {env}."),
        None => format!("No pods in {env}."),
    }
}

/// An object could not be read.
pub fn kube_read_failed(why: &str) -> String {
    format!("Could not read the object: {why}")
}

/// The YAML view's title: the object and when it was read.
pub fn kube_yaml_title(kind: &str, name: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    format!(
        "{}/{name} · read {}",
        kind.to_ascii_lowercase(),
        crate::widgets::text::ago(at, now)
    )
}

/// Kubernetes-style short age (`42s`, `5m`, `3h`, `12d`).
pub fn short_age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

/// A pod log's title.
pub fn pod_log_title(env: &str, pod: &str, container: Option<&str>, previous: bool) -> String {
    let org = crate::model::split_env_name(env).map_or("", |(o, _)| o);
    let c = container.map(|c| format!(" ({c})")).unwrap_or_default();
    let prev = if previous {
        " · previous container"
    } else {
        ""
    };
    format!("{org} › {env} › pod/{pod}{c}{prev}")
}

/// The command line offered the first time.
pub const KUBE_COMMAND_DEFAULT: &str = "kubectl get pods";
/// What the command line editor asks for.
pub const KUBE_COMMAND_PLACEHOLDER: &str =
    "A command line run with KUBECONFIG for this grant, e.g. kubectl logs -f POD";
/// An empty command line was sent.
pub const KUBE_COMMAND_EMPTY: &str = "Write the command to run first (kubectl …).";

/// The command line editor's title.
pub fn kube_command_title(env: &str) -> String {
    format!("Run inside your grant on {env} (Ctrl-S runs, Enter after it returns)")
}
