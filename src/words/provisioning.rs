//! Words of the provisioning runs, their jobs and executions (journey J3).

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
pub const PHASE1_SUBSTATE: &str = "watch";
pub const JOB_RETRY_TITLE: &str = "Retry the job";
pub const JOB_NOT_FAILED: &str = "Only a failed job can be retried.";
pub const JOB_NOT_READ: &str = "The job has not been read yet.";
pub const FIELD_RETRY: &str = "Retry";
pub const RETRY_SENDING_SHORT: &str = "asked; waiting for the service…";

/// The question asked before a job retry.
pub fn job_retry_question(job: &str, deployment: &str) -> String {
    format!(
        "Run the failed job {job} of run {deployment} again? The service re-drives its \
         reconcile and records a new execution under your name."
    )
}

/// What the service said it did for a job retry.
pub fn job_retried(action: &str, by: &str) -> String {
    match (action.is_empty(), by.is_empty()) {
        (false, false) => format!("asked by {by}: {action}"),
        (false, true) => action.to_string(),
        (true, false) => format!("asked by {by}"),
        (true, true) => "asked".to_string(),
    }
}

/// A handover address with its expiry, as the run view and `follow` show it. The
/// address carries a one-time sign-in token (`?token=…`): it is left out, so the line can
/// be shared; the service's own JSON (`follow --output json`) keeps the whole address.
pub fn handover(url: &str, expires_at: Option<&str>) -> String {
    let shown = match url.split_once("token=") {
        Some((head, tail)) => {
            let rest = tail.find('&').map(|i| &tail[i..]).unwrap_or("");
            format!("{head}token=…{rest}")
        }
        None => url.to_string(),
    };
    match expires_at.filter(|t| !t.is_empty()) {
        Some(t) => format!("handover ready at {shown} (expires {t})"),
        None => format!("handover ready at {shown}"),
    }
}
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
        Phase1Outcome::FluxCrdsAbsent => "Flux's CRDs absent from the cluster",
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
