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
/// The retry id that re-arms the Phase-1 component watch (newer services).
pub const PHASE1_WATCH: &str = "phase1-watch";

crate::wire_enum! {
    /// Overall status of a deployment.
    pub enum DeploymentStatus {
        Pending = "pending",
        Provisioning = "provisioning",
        TofuApplying = "tofu-applying",
        FluxBootstrapping = "flux-bootstrapping",
        Phase1Watching = "phase1-watching",
        Ready = "ready",
        Failed = "failed",
        PartialFailure = "partial-failure",
        Adopted = "adopted",
        Wiping = "wiping",
        Wiped = "wiped",
    }
}

impl DeploymentStatus {
    /// True once the deployment can no longer change on its own.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            DeploymentStatus::Ready
                | DeploymentStatus::Failed
                | DeploymentStatus::PartialFailure
                | DeploymentStatus::Adopted
                | DeploymentStatus::Wiped
        )
    }

    /// True when the run ended in a failure (whole or partial).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            DeploymentStatus::Failed | DeploymentStatus::PartialFailure
        )
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
        FluxCrdsAbsent = "flux-crds-absent",
    }
}

crate::wire_enum! {
    pub enum EventLevel { Info = "info", Warn = "warn", Error = "error" }
}

/// The phase of the event the service sends as the named frame `event: handover-ready`
/// (its message is `{"handoverURL":…,"expiresAt":…}`).
pub const PHASE_HANDOVER_READY: &str = "handover-ready";

/// The message of a `handover-ready` event: where the new Sovereign's console takes over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    #[serde(default, rename = "handoverURL")]
    pub handover_url: String,
    #[serde(default, rename = "expiresAt")]
    pub expires_at: Option<String>,
}

/// The zero `time.Time` Go writes for a time it does not know.
pub const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// True when `time` says nothing: absent, empty, or Go's zero time.
pub fn time_unknown(time: &str) -> bool {
    time.is_empty() || time.starts_with("0001-01-01")
}

/// One provisioning event (one SSE frame of `/logs`, one item of `/events`). Every field
/// may be absent on the wire (a newer or older service).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProvisionEvent {
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub phase: String,
    #[serde(default)]
    pub level: EventLevel,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The component's dependencies (newer services, on Phase-1 events).
    #[serde(default, rename = "dependsOn", skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
}

impl ProvisionEvent {
    /// The handover this event announces, when it is a `handover-ready` event.
    pub fn handover(&self) -> Option<Handover> {
        (self.phase == PHASE_HANDOVER_READY)
            .then(|| serde_json::from_str(&self.message).ok())
            .flatten()
    }
}

/// `result` of a deployment. It can appear before Phase 0 ends, holding only the FQDN and
/// `kubeconfigPath` (the new cluster posted its kubeconfig early), with the other strings
/// empty. `phase1FinishedAt` here is Go's `time.Time` encoding: RFC 3339 with up to nine
/// fractional digits, unlike the whole seconds everywhere else.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentResult {
    #[serde(default, rename = "sovereignFQDN")]
    pub sovereign_fqdn: String,
    #[serde(default, rename = "controlPlaneIP")]
    pub control_plane_ip: String,
    #[serde(default, rename = "loadBalancerIP")]
    pub load_balancer_ip: String,
    #[serde(default, rename = "consoleURL")]
    pub console_url: String,
    #[serde(default, rename = "gitopsRepoURL")]
    pub gitops_repo_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubeconfig_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_states: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase1_finished_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase1_outcome: Option<Phase1Outcome>,
    /// Newer services: how the Phase-1 watch is doing (`watcher-watching`,
    /// `watcher-reconnecting`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase1_substate: Option<String>,
    /// Newer services: where the new Sovereign's console takes over.
    #[serde(
        default,
        rename = "handoverURL",
        skip_serializing_if = "Option::is_none"
    )]
    pub handover_url: Option<String>,
    /// Newer services: the console came up degraded, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub console_degraded: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub console_degraded_detail: Option<String>,
}

/// State of a deployment: `GET /deployments/{id}`, `/events.state`, and the data of the
/// final `event: done` frame. The service builds it as a Go map, so keys are sorted.
/// Only `id` is always there: the newer list endpoint sends a few fields of each run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentState {
    /// Newer services: when an existing Sovereign was adopted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted_at: Option<String>,
    /// Lifted from `result.componentStates` when non-empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_states: Option<std::collections::BTreeMap<String, String>>,
    /// Why the run failed; a Phase-0 failure has no error event, only this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Always present on the April service; `null` while the run is in flight. The
    /// newer list leaves it out.
    #[serde(default)]
    pub finished_at: Option<String>,
    /// Newer services: where the new Sovereign's console takes over.
    #[serde(
        default,
        rename = "handoverURL",
        skip_serializing_if = "Option::is_none"
    )]
    pub handover_url: Option<String>,
    pub id: String,
    #[serde(default)]
    pub num_events: u64,
    /// Newer services: an operation (retry, wipe) is running on this deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_in_progress: Option<bool>,
    /// Newer services: who started the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_email: Option<String>,
    /// Lifted from `result.phase1FinishedAt`, here in whole seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase1_finished_at: Option<String>,
    /// Newer services: how the Phase-1 watch is doing (`watcher-watching`,
    /// `watcher-reconnecting`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase1_substate: Option<String>,
    #[serde(default)]
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<DeploymentResult>,
    /// Newer services: a secondary region is degraded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_degraded: Option<bool>,
    #[serde(default, rename = "sovereignFQDN")]
    pub sovereign_fqdn: String,
    #[serde(default)]
    pub started_at: String,
    /// A status this console does not know keeps the server's words (shown as they came).
    #[serde(default)]
    pub status: super::Seen<DeploymentStatus>,
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
    #[serde(default)]
    pub done: bool,
    #[serde(default)]
    pub events: Vec<ProvisionEvent>,
    #[serde(default)]
    pub state: DeploymentState,
}

/// 200 answer of `POST /deployments/{id}/phases/{phase}/retry`. `status` is
/// `provisioning` for a Phase-0 retry and `manual-retry-required` (with `runbook`) for a
/// Phase-1 component, which changes nothing. A Go map: keys sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryAnswer {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub phase: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook: Option<String>,
    pub status: String,
    #[serde(default, rename = "streamURL", skip_serializing_if = "Option::is_none")]
    pub stream_url: Option<String>,
}

/// One Phase-1 component in `/components/state`. Only `appId` is required: a service
/// that leaves out a time or a message still shows its components.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentState {
    pub app_id: String,
    #[serde(default)]
    pub status: ComponentStatus,
    #[serde(default)]
    pub helm_release_name: String,
    #[serde(default)]
    pub namespace: String,
    /// Go's zero time (`0001-01-01T00:00:00Z`) or empty when the service does not know.
    #[serde(default)]
    pub last_transition_at: String,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
    /// Newer services: failed and Flux has given up retrying.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stalled: bool,
    /// Newer services: the HelmRelease is suspended (its status stays `installed`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
}

/// `GET /deployments/{id}/components/state` (a Go map: keys sorted). `watching` is
/// true while the Phase-1 watch runs; afterwards newer services re-read the cluster
/// (`live: true`, real times and messages) or rebuild the rows from `componentStates`
/// with an empty message and a zero `lastTransitionAt`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentsState {
    #[serde(default)]
    pub components: Vec<ComponentState>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live: bool,
    #[serde(default)]
    pub watching: bool,
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
