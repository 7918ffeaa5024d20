//! CONTRACT Part A: the real provisioning service (`catalyst-api`) — deployments, their
//! event stream, Phase-1 component states, jobs and executions.
//!
//! These mirror the Go service's JSON field for field and in the same order, so the
//! sandbox reproduces the wire byte for byte. Where the service answers with a Go map
//! (the deployment State, `/events`, retry answers, job detail, component state, errors)
//! the keys come out sorted, so those structs declare their fields alphabetically.
//! Times stay the strings the service sent (RFC 3339, sometimes with nanoseconds) so
//! nothing is reformatted on the way through.

use serde::{Deserialize, Serialize};

/// Phase-0 markers, in the order the service runs them.
pub const PHASE0: [&str; 5] = [
    "tofu-init",
    "tofu-plan",
    "tofu-apply",
    "tofu-output",
    "flux-bootstrap",
];
/// Phase of every raw OpenTofu output line; it belongs to the latest Phase-0 marker before it.
pub const PHASE_TOFU: &str = "tofu";
/// Phase-1 transitions (with `component` + `state`) and watch diagnostics (without `component`).
pub const PHASE_COMPONENT: &str = "component";
/// Phase-1 raw helm-controller lines (with `component`).
pub const PHASE_COMPONENT_LOG: &str = "component-log";

crate::wire_enum! {
    /// Overall status of a deployment.
    pub enum DeploymentStatus {
        Provisioning = "provisioning",
        Phase1Watching = "phase1-watching",
        Ready = "ready",
        Failed = "failed",
    }
}

impl DeploymentStatus {
    /// True once the deployment can no longer change on its own.
    pub fn is_terminal(self) -> bool {
        matches!(self, DeploymentStatus::Ready | DeploymentStatus::Failed)
    }
}

crate::wire_enum! {
    /// State of one Phase-1 component (a HelmRelease of the bootstrap kit).
    pub enum ComponentStatus {
        Pending = "pending",
        Installing = "installing",
        Installed = "installed",
        Degraded = "degraded",
        Failed = "failed",
    }
}

crate::wire_enum! {
    /// How the Phase-1 watch ended. `ready` of the deployment does not prove every
    /// component installed: show this beside the status.
    pub enum Phase1Outcome {
        Ready = "ready",
        Failed = "failed",
        Timeout = "timeout",
        FluxNotReconciling = "flux-not-reconciling",
    }
}

crate::wire_enum! {
    pub enum EventLevel { Info = "info", Warn = "warn", Error = "error" }
}

/// One provisioning event (one SSE frame of `/logs`, one item of `/events`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProvisionEvent {
    pub time: String,
    pub phase: String,
    pub level: EventLevel,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `result` of a deployment. It can appear before Phase 0 ends, holding only the FQDN and
/// `kubeconfigPath` (the new cluster posted its kubeconfig early), with the other strings
/// empty. `phase1FinishedAt` here is Go's `time.Time` encoding: RFC 3339 with up to nine
/// fractional digits, unlike the whole seconds everywhere else.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentResult {
    #[serde(rename = "sovereignFQDN")]
    pub sovereign_fqdn: String,
    #[serde(rename = "controlPlaneIP")]
    pub control_plane_ip: String,
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: String,
    #[serde(rename = "consoleURL")]
    pub console_url: String,
    #[serde(rename = "gitopsRepoURL")]
    pub gitops_repo_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubeconfig_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_states: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase1_finished_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase1_outcome: Option<Phase1Outcome>,
}

/// State of a deployment: `GET /deployments/{id}`, `/events.state`, and the data of the
/// final `event: done` frame. The service builds it as a Go map, so keys are sorted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentState {
    /// Lifted from `result.componentStates` when non-empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_states: Option<std::collections::BTreeMap<String, String>>,
    /// Why the run failed; a Phase-0 failure has no error event, only this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Always present; `null` while the run is in flight.
    pub finished_at: Option<String>,
    pub id: String,
    pub num_events: u64,
    /// Lifted from `result.phase1FinishedAt`, here in whole seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase1_finished_at: Option<String>,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<DeploymentResult>,
    #[serde(rename = "sovereignFQDN")]
    pub sovereign_fqdn: String,
    pub started_at: String,
    pub status: DeploymentStatus,
}

/// `POST /deployments` body (the subset the console and sandbox use; the service
/// accepts more). The service validates, in this order and answering 400 on the first
/// miss: every `regions[i]` (provider, cloudRegion, controlPlaneSize, workerSize when
/// workerCount > 0), `hetznerToken`, `hetznerProjectID`, `region` (or `regions[0]`),
/// `sovereignFQDN`, `orgName`, `orgEmail`, `sshPublicKey`. Those other fields travel
/// in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeployment {
    #[serde(rename = "sovereignFQDN")]
    pub sovereign_fqdn: String,
    pub region: String,
    #[serde(default, flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 201 answer of `POST /deployments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentCreated {
    pub id: String,
    pub status: String,
    #[serde(rename = "streamURL")]
    pub stream_url: String,
}

/// `GET /deployments/{id}/events` (a Go map: keys sorted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentEvents {
    pub done: bool,
    pub events: Vec<ProvisionEvent>,
    pub state: DeploymentState,
}

/// 200 answer of `POST /deployments/{id}/phases/{phase}/retry`. `status` is
/// `provisioning` for a Phase-0 retry and `manual-retry-required` (with `runbook`) for a
/// Phase-1 component, which changes nothing. A Go map: keys sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryAnswer {
    pub id: String,
    pub message: String,
    pub phase: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook: Option<String>,
    pub status: String,
    #[serde(default, rename = "streamURL", skip_serializing_if = "Option::is_none")]
    pub stream_url: Option<String>,
}

/// One Phase-1 component in `/components/state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentState {
    pub app_id: String,
    pub status: ComponentStatus,
    pub helm_release_name: String,
    pub namespace: String,
    pub last_transition_at: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
}

/// `GET /deployments/{id}/components/state` (a Go map: keys sorted). `watching` is
/// true while the Phase-1 watch runs; afterwards the rows are rebuilt from
/// `componentStates` with an empty message and a zero `lastTransitionAt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentsState {
    pub components: Vec<ComponentState>,
    pub watching: bool,
}

crate::wire_enum! {
    pub enum JobStatus { Pending = "pending", Running = "running", Succeeded = "succeeded", Failed = "failed" }
}

/// A provisioning job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// `<depId>:<jobName>`; sent unencoded in paths.
    pub id: String,
    pub deployment_id: String,
    pub job_name: String,
    pub app_id: String,
    /// `bootstrap-kit` or `day-2-mutations`.
    pub batch_id: String,
    #[serde(default)]
    pub depends_on: Vec<String>,
    pub status: JobStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_execution_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    pub jobs: Vec<Job>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobBatch {
    pub batch_id: String,
    pub total: u32,
    pub finished: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub running: u32,
    pub pending: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobBatches {
    pub batches: Vec<JobBatch>,
}

crate::wire_enum! {
    pub enum ExecutionStatus { Running = "running", Succeeded = "succeeded", Failed = "failed" }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub id: String,
    pub job_id: String,
    pub deployment_id: String,
    pub status: ExecutionStatus,
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    pub line_count: u64,
}

/// `GET /deployments/{id}/jobs/{jobId}` (a Go map: keys sorted). Executions newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    pub executions: Vec<Execution>,
    pub job: Job,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionLine {
    pub line_number: u64,
    pub timestamp: String,
    pub level: String,
    pub message: String,
}

/// `GET /actions/executions/{execId}/logs?fromLine=N&limit=M`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionLogs {
    pub lines: Vec<ExecutionLine>,
    pub total: u64,
    pub execution_finished: bool,
}

/// The sandbox's `GET /deployments` extension (absent on the real service, which answers
/// 405 there): every run, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentList {
    pub deployments: Vec<DeploymentState>,
}

/// A JSON error answer of the provisioning API, `{"detail":"…","error":"<kebab>"}`. The
/// service writes it from a Go map, so `detail` comes first. Some real answers carry no
/// `detail`, and a few 404s and one 400 are `text/plain` instead: a client must accept
/// all three shapes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub error: String,
}
