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
        Action::Confirm => "yes",
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

// The log view.
pub const LOG_FOLLOWING: &str = "FOLLOWING";
pub const STREAM_CONNECTING: &str = "connecting…";
pub const STREAM_LIVE: &str = "live";

/// A followed stream waits to reconnect.
pub fn stream_reconnecting(secs: i64, reason: &str) -> String {
    if reason.is_empty() {
        format!("reconnecting in {secs} s")
    } else {
        format!("reconnecting in {secs} s ({reason})")
    }
}

/// A followed stream stopped for good.
pub fn stream_failed(reason: &str) -> String {
    format!("stopped: {reason}")
}

/// A re-sync of a provisioning run failed (the stream goes on).
pub fn resync_failed(why: &str) -> String {
    format!("re-sync failed: {why}")
}

/// A provisioning run reached its end with `status`.
pub fn run_finished(status: &str) -> String {
    format!("run {status}")
}

/// `L` on an Application nothing is moving.
pub fn no_operation(app: &str) -> String {
    format!("{app} has no install or update under way")
}

/// An operation's log reached its end.
pub fn operation_finished(outcome: &str) -> String {
    format!("operation {outcome}")
}

/// The title of an operation's log.
pub fn operation_log_title(id: &str, what: &str) -> String {
    if what.is_empty() {
        format!("operation {id} › log")
    } else {
        format!("{what} › log")
    }
}
pub const LOG_PAUSED: &str = "PAUSED";
pub const LOG_WRAP: &str = "wrap";
pub const NO_LOG_LINES: &str = "No log lines yet.";
pub const NO_LOG_LINES_NEXT: &str = "Lines appear here as the stream sends them.";
pub const NO_LOG_LINE_PASSES: &str = "No line passes the filters.";
pub const NO_LOG_LINE_PASSES_NEXT: &str =
    "Change the level, phase or component filter to see more.";

/// Lines that arrived while the log view was paused.
pub fn new_lines(n: u64) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} new line{s}", crate::widgets::text::thousands(n))
}

/// The marker above the oldest line a log buffer still holds.
pub fn lines_dropped(ellipsis: &str, n: u64, capacity: usize) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!(
        "{ellipsis} {} earlier line{s} dropped (buffer holds {})",
        crate::widgets::text::thousands(n),
        crate::widgets::text::thousands(capacity as u64)
    )
}

/// How many lines a log shows, of how many it holds.
pub fn log_lines(shown: usize, held: usize) -> String {
    let t = crate::widgets::text::thousands;
    let s = if held == 1 { "" } else { "s" };
    if shown == held {
        format!("{} line{s}", t(held as u64))
    } else {
        format!("{} of {} line{s}", t(shown as u64), t(held as u64))
    }
}

/// A log filter in the header (`level warn+`, `phase tofu-apply`).
pub fn log_filter(what: &str, value: &str) -> String {
    format!("{what} {value}")
}

/// A log saved to a file.
pub fn log_saved(path: &str, lines: usize) -> String {
    let s = if lines == 1 { "" } else { "s" };
    format!(
        "Saved {} line{s} to {path}.",
        crate::widgets::text::thousands(lines as u64)
    )
}

/// A log that could not be saved.
pub fn log_not_saved(path: &str, error: &str) -> String {
    format!("Could not save the log to {path}: {error}")
}

// The jobs of a provisioning run.
pub const JOBS: &str = "jobs";
pub const JOB: &str = "job";
pub const NO_JOBS: &str = "This run has no jobs yet.";
pub const NO_JOBS_NEXT: &str = "Jobs appear as the run installs its components, and this view \
     reads them again by itself. The service answers the same for a run id it does not know, \
     so check the id if this stays empty.";
pub const NO_EXECUTIONS: &str = "This job has not run yet.";
pub const NO_EXECUTIONS_NEXT: &str = "Its executions appear here once it starts.";
pub const NO_JOB_TO_OPEN: &str = "There is no job here to open.";
pub const NO_EXECUTION_TO_OPEN: &str = "This job has no execution to open yet.";
pub const NOT_YET: &str = "not yet";
pub const STILL_RUNNING: &str = "still running";
pub const READING_LOG: &str = "reading the log";
pub const EXECUTION_FINISHED: &str = "finished";
pub const FIELD_JOB: &str = "Job";
pub const FIELD_APPLICATION: &str = "Application";
pub const FIELD_BATCH: &str = "Batch";
pub const FIELD_STARTED: &str = "Started";
pub const FIELD_FINISHED: &str = "Finished";
pub const FIELD_DURATION: &str = "Duration";
pub const FIELD_DEPENDS_ON: &str = "Depends on";
pub const BATCH_COLUMNS: [&str; 6] = [
    "BATCH",
    "FINISHED",
    "SUCCEEDED",
    "FAILED",
    "RUNNING",
    "PENDING",
];
pub const JOB_COLUMNS: [&str; 6] = [
    "JOB",
    "BATCH",
    "STATUS",
    "STARTED",
    "DURATION",
    "DEPENDS ON",
];
pub const JOB_COLUMN_APP: &str = "APP";
pub const EXECUTION_COLUMNS: [&str; 5] = ["EXECUTION", "STATUS", "STARTED", "FINISHED", "LINES"];

/// The breadcrumb of a run's jobs.
pub fn jobs_title(deployment: &str) -> String {
    format!("{DEPLOYMENTS_TITLE} › {deployment} › jobs")
}

/// The breadcrumb of one job.
pub fn job_title(deployment: &str, job: &str) -> String {
    format!("{DEPLOYMENTS_TITLE} › {deployment} › jobs › {job}")
}

/// The breadcrumb of one execution's log (its id shortened, as a commit's would be).
pub fn execution_title(deployment: &str, job: &str, execution: &str) -> String {
    let short: String = execution.chars().take(12).collect();
    if job.is_empty() {
        format!("{DEPLOYMENTS_TITLE} › {deployment} › execution {short}")
    } else {
        format!("{DEPLOYMENTS_TITLE} › {deployment} › jobs › {job} › execution {short}")
    }
}

/// How many jobs in how many batches.
pub fn jobs_count(jobs: usize, batches: usize) -> String {
    let j = if jobs == 1 { "" } else { "s" };
    match batches {
        0 => format!("{jobs} job{j}"),
        1 => format!("{jobs} job{j} in 1 batch"),
        _ => format!("{jobs} job{j} in {batches} batches"),
    }
}

/// A batch's finished jobs of its total.
pub fn batch_progress(finished: u32, total: u32) -> String {
    format!("{finished}/{total}")
}

/// The jobs a job waits for.
pub fn depends_on(jobs: &[String]) -> String {
    if jobs.is_empty() {
        "none".to_string()
    } else {
        jobs.join(", ")
    }
}

/// A duration in milliseconds, in its largest units: `850 ms`, `42 s`, `3m 05s`, `1h 02m`.
pub fn duration(ms: u64) -> String {
    let secs = ms / 1000;
    match ms {
        0..1000 => format!("{ms} ms"),
        1000..60_000 => format!("{secs} s"),
        60_000..3_600_000 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs / 60 % 60),
    }
}

/// When the data on screen was read (UTC), and how often it is read again while shown.
pub fn refreshed(at: &str, every_secs: Option<u64>) -> String {
    match every_secs {
        Some(every) => format!("refreshed {at} UTC, every {every} s"),
        None => format!("read {at} UTC"),
    }
}

/// The last refresh failed; older data stays on screen.
pub fn refresh_failed(why: &str) -> String {
    format!("refresh failed: {why}")
}

/// How many of an execution's lines are held.
pub fn lines_read(read: u64, total: u64) -> String {
    let t = crate::widgets::text::thousands;
    let s = if total == 1 { "" } else { "s" };
    if read >= total {
        format!("{} line{s}", t(read))
    } else {
        format!("{} of {} line{s}", t(read), t(total))
    }
}

// The provisioning runs and one run (journey J3).
pub const DEPLOYMENTS_TITLE: &str = "provisioning runs";
pub const RUNS: &str = "Provisioning runs";
pub const NO_RUNS: &str = "No provisioning runs yet.";
pub const NO_RUNS_NEXT: &str = "Runs appear here as soon as one is created.";
pub const NOT_LISTED: &str =
    "This provisioning service offers no list of runs: these are the runs this profile has opened.";
pub const OPEN_BY_ID: &str = "Open any run by its id with :deployment ID.";
pub const NO_REMEMBERED: &str = "This profile has not opened a provisioning run yet.";
pub const NO_REMEMBERED_NEXT: &str =
    "The service offers no list of runs: open one by its id with :deployment ID.";
pub const UNREADABLE: &str = "unreadable";
pub const READING_RUN: &str = "Reading the run";
pub const RUNNING: &str = "running";
pub const STARTED: &str = "started";
pub const REGION: &str = "region";
pub const FINISHED: &str = "finished";
pub const PHASE0_LABEL: &str = "Phase 0";
pub const PHASE1_LABEL: &str = "Phase 1";
pub const PHASE1_LATER: &str = "the component watch starts after flux-bootstrap";
pub const PHASE1_NOT_REACHED: &str = "not reached: Phase 0 failed";
pub const PHASE1_NO_COMPONENTS: &str = "watching; no component has reported yet";
pub const RESULT_LABEL: &str = "Result";
pub const CONSOLE_URL: &str = "console";
pub const CONTROL_PLANE: &str = "control plane";
pub const LOAD_BALANCER: &str = "load balancer";
pub const GITOPS_REPO: &str = "gitops";
pub const PHASE1_OUTCOME: &str = "phase 1";
pub const NO_REASON: &str = "the service gave no reason";
pub const READY_NO_COMPONENTS: &str =
    "Ready, but no component state was reported: nothing proves the components installed.";
pub const RETRY_TITLE: &str = "Retry provisioning";
pub const RETRY_UNDER_WAY: &str = "A retry was asked for already; its answer comes next.";
pub const RETRY_NOT_WHILE_PROVISIONING: &str =
    "Nothing to retry while Phase 0 runs: a retry is offered once a phase has failed.";
pub const RETRY_NOTHING_FAILED: &str =
    "Nothing to retry here: select a degraded or failed component first.";
pub const MANUAL_RETRY_TITLE: &str = "Manual retry required: nothing was changed";
pub const NO_RUNBOOK: &str = "The service named no runbook.";
pub const CONFIRM_NOTE: &str = "Nothing changes unless you answer yes.";
pub const COMPONENT: &str = "COMPONENT";
pub const STATE: &str = "STATE";
pub const MESSAGE: &str = "MESSAGE";

/// The breadcrumb of one run.
pub fn deployment_title(id: &str) -> String {
    format!("{DEPLOYMENTS_TITLE} › {id}")
}

/// Which attempt of a run is followed (a retry starts another).
pub fn attempt(n: u32) -> String {
    format!("attempt {n}")
}

/// How many components the watch knows.
pub fn components_count(n: usize) -> String {
    format!("{n} component{}", if n == 1 { "" } else { "s" })
}

/// A failed run: where and why.
pub fn failed_in(phase: &str, error: &str) -> String {
    format!("Failed in {phase}: {error}")
}

/// The retry a failed run offers.
pub fn retry_offer(phase: &str) -> String {
    format!(
        "Press R to retry {phase}: the service runs Phase 0 again, from tofu-init, in the same workdir."
    )
}

/// The question before a retry.
pub fn retry_question(phase: &str, id: &str) -> String {
    if crate::model::PHASE0.contains(&phase) {
        format!(
            "Retry {phase} of run {id}? The service runs Phase 0 again (tofu-init to flux-bootstrap) against the existing workdir."
        )
    } else {
        format!(
            "Ask the service to retry {phase} of run {id}? Phase 1 belongs to Flux: the service may answer with a runbook and change nothing."
        )
    }
}

/// A retry on its way.
pub fn retry_sending(phase: &str) -> String {
    format!("Asking the service to retry {phase}…")
}

/// The service restarted the run.
pub fn retry_restarted(phase: &str, attempt: u32) -> String {
    format!("Retry of {phase} accepted: following attempt {attempt} of the run.")
}

/// A retry request that failed.
pub fn retry_failed(phase: &str, message: &str) -> String {
    format!("Retry of {phase} failed: {message}")
}

/// A retry answer this console does not know.
pub fn retry_answered(status: &str, message: &str) -> String {
    format!("The service answered \u{201c}{status}\u{201d}: {message}")
}

/// Where the runbook is.
pub fn runbook(path: &str) -> String {
    format!("Runbook: {path}")
}

/// The request id of a failed request.
pub fn request_id(id: &str) -> String {
    format!("Request id: {id}")
}

/// What the Phase-1 watch ended with, in words.
pub fn phase1_outcome(outcome: crate::model::Phase1Outcome) -> &'static str {
    use crate::model::Phase1Outcome;
    match outcome {
        Phase1Outcome::Ready => "every component ready",
        Phase1Outcome::Failed => "a failure",
        Phase1Outcome::Timeout => "a timeout",
        Phase1Outcome::FluxNotReconciling => "Flux not reconciling",
        Phase1Outcome::Unknown => "an outcome this console does not know",
    }
}

/// `ready` that does not prove every component installed.
pub fn ready_but(outcome: Option<&str>, not_installed: usize, total: usize) -> String {
    let installed = if not_installed == 0 {
        format!("{total} of {total} components installed, but the watch did not confirm it")
    } else {
        format!("{not_installed} of {total} components are not installed")
    };
    match outcome {
        Some(o) => format!("Ready, but the Phase-1 watch ended with {o}: {installed}."),
        None => format!("Ready, but {installed}."),
    }
}

/// A re-sync of the components or State failed (what is shown stays).
pub fn resync_part_failed(what: &str, why: &str) -> String {
    format!("{what} re-sync failed: {why}")
}

// Promotions (J4): opening one, the inbox, the detail, reviews and the comment editor.

pub const PROMOTE_TITLE: &str = "Promote";
pub const PROMOTE_IN_FLIGHT: &str = "The promotion is being opened; wait for the answer.";
pub const REVIEW_IN_FLIGHT: &str = "The review is being sent; wait for the answer.";
pub const REVIEW_PROD_TITLE: &str = "Review a production promotion";
pub const COMMENT_PLACEHOLDER: &str = "A comment for the author (optional)";
pub const COMMENT_PLACEHOLDER_REQUIRED: &str = "Say what must change (a comment is required)";
pub const COMMENT_DISCARD: &str = "Throw this comment away?";
pub const COMPOSE_SEND: &str = " send   ";
pub const COMPOSE_CANCEL: &str = " cancel";
pub const COMPOSE_DISCARD_YES: &str = " throw it away   ";
pub const COMPOSE_DISCARD_NO: &str = " keep editing";
pub const STALE_REVISION: &str = "The promotion changed while you were writing; it has been read again. Your comment is kept: open the editor to send it again.";
pub const NO_REVIEWS: &str = "No reviews yet.";
pub const EMPTY_DIFF: &str = "This promotion changes no values or manifests.";
pub const INBOX_TITLE: &str = "Inbox";
pub const INBOX_OPEN_HINT: &str = "  (i to open)";
pub const INBOX_EMPTY: &str = "Nothing waits for you.";
pub const INBOX_EMPTY_NEXT: &str =
    "Promotions you may review and access requests appear here as they arrive.";
pub const INBOX_REVIEWS: &str = "Promotions awaiting my review";
pub const INBOX_NO_REVIEWS: &str = "No promotion awaits your review.";
pub const INBOX_ACCESS: &str = "Pending access requests";
pub const INBOX_ACCESS_NOTE: &str =
    "Read-only here: deciding access requests comes with access sessions.";

/// The question before opening a promotion.
pub fn promote_question(app: &str, source: &str, target: &str, version: &str) -> String {
    format!(
        "Promote {app} {version} from {source} to {target}? This opens a pull request on {target} for its approvers."
    )
}

/// No higher Environment to promote to.
pub fn no_next_env(app: &str, env: &str) -> String {
    format!("{app} in {env} has nowhere to go: the Organization has no higher Environment.")
}

/// Opening a promotion was refused.
pub fn promote_failed(error: &ApiError) -> String {
    match error {
        ApiError::Conflict { code, .. } if code == "promotion-already-open" => format!(
            "A promotion of this Application to that Environment is already open: review it from the inbox. ({error})"
        ),
        _ => format!("The promotion was not opened: {error}"),
    }
}

/// The title of the comment editor.
pub fn review_title(action: Action, number: u64, app: &str, target: &str) -> String {
    let verb = match action {
        Action::RequestChanges => "Request changes on",
        Action::Reject => "Reject",
        _ => "Approve",
    };
    format!("{verb} promotion #{number} · {app} → {target}")
}

/// A decision needs a comment.
pub fn comment_required(action: Action) -> String {
    let what = match action {
        Action::Reject => "A rejection",
        _ => "A request for changes",
    };
    format!("{what} needs a comment: say what must change.")
}

/// The y/n question before a review of a production promotion.
pub fn review_prod_question(action: Action, app: &str, target: &str) -> String {
    let verb = match action {
        Action::RequestChanges => "Request changes on",
        Action::Reject => "Reject",
        _ => "Approve",
    };
    format!(
        "{verb} the promotion of {app} to {target}? It is a production Environment; an approval that meets the policy merges at once."
    )
}

/// The author tried to review their own promotion.
pub fn self_approval(teams: &[String]) -> String {
    format!(
        "You opened this promotion; someone of {} must approve it. Your comment is kept.",
        team_list(teams)
    )
}

/// A reviewer outside the approver teams.
pub fn not_an_approver(teams: &[String]) -> String {
    format!(
        "Only members of {} may review this promotion. Your comment is kept.",
        team_list(teams)
    )
}

/// A review of a promotion that is no longer open.
pub fn promotion_not_open(state: &str) -> String {
    format!("This promotion is {state}: it takes no more reviews.")
}

/// Any other refusal of a review.
pub fn review_failed(error: &ApiError) -> String {
    format!("The review was not sent: {error} Your comment is kept for another try.")
}

/// A review went through.
pub fn review_sent(action: Action, merged: bool) -> String {
    let what = match action {
        Action::RequestChanges => "Changes requested",
        Action::Reject => "Rejected",
        _ => "Approved",
    };
    if merged {
        format!("{what}: the policy is met and the promotion merged.")
    } else {
        format!("{what}.")
    }
}

/// What the policy needs, in one line.
pub fn policy_summary(met: usize, total: usize, approvals: u32, teams: &[String]) -> String {
    let plural = if approvals == 1 { "" } else { "s" };
    format!(
        "Policy: {met} of {total} rules met · {approvals} approval{plural} from {}",
        team_list(teams)
    )
}

/// A list of teams for a sentence (`team-a or team-b`).
pub fn team_list(teams: &[String]) -> String {
    match teams {
        [] => "the approver teams".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// How a rule kind reads.
pub fn rule_label(kind: crate::model::RuleKind) -> &'static str {
    use crate::model::RuleKind;
    match kind {
        RuleKind::PrRequired => "Approvals",
        RuleKind::Soak => "Soak",
        RuleKind::ChangeWindow => "Change window",
        RuleKind::ReScoreGate => "Re-score gate",
        RuleKind::Unknown => "Rule",
    }
}

/// A review's decision, as a past verb.
pub fn decision_word(decision: crate::model::ReviewDecision) -> &'static str {
    use crate::model::ReviewDecision;
    match decision {
        ReviewDecision::Approve => "approved",
        ReviewDecision::RequestChanges => "requested changes",
        ReviewDecision::Reject => "rejected",
        ReviewDecision::Unknown => "reviewed",
    }
}
