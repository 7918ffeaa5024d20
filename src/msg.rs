//! Results from outside the UI task: answers to fetches, live events, sign-in progress,
//! timers. Background tasks send these on one channel; only `update` reads them. This
//! module only names them; it must not carry behaviour.

use crate::api::ApiError;
use crate::api::follow::{DeploymentMsg, LiveMsg, OperationMsg};
use crate::api::provisioning::RetryOutcome;
use crate::effect::{DetailTab, RequestId, StreamSpec};
use crate::model::AccessRequest;
use crate::model::{
    AppHistory, AppObservability, AppSecrets, AppTopology, Application, BlueprintUsage,
    ComponentsState, DemoPersona, DeploymentState, Environment, ExecutionLogs, Job, JobBatch,
    JobDetail, Me, Org, Promotion,
};
use crate::widgets::highlight::Highlighted;

/// What waits for the signed-in person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbox {
    /// Open promotions this identity may review.
    pub reviews: usize,
    /// Pending access requests this identity may decide.
    pub access_requests: usize,
}

/// The names the command palette completes over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub orgs: Vec<String>,
    pub environments: Vec<String>,
    /// `(environment, application)` pairs.
    pub applications: Vec<(String, String)>,
    pub blueprints: Vec<String>,
}

/// What one detail tab shows, ready to render (YAML arrives highlighted).
#[derive(Debug, Clone, PartialEq)]
pub enum TabData {
    Settings {
        blueprint: String,
        yaml: Highlighted,
    },
    Topology(AppTopology),
    Secrets(AppSecrets),
    Observability(AppObservability),
    History(AppHistory),
    Manifests(Highlighted),
}

/// A fetched answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Orgs(Vec<Org>),
    Org(Box<Org>),
    Inbox(Inbox),
    Environments(Vec<Environment>),
    Applications(Vec<Application>),
    Application(Box<Application>),
    Tab(DetailTab, Box<TabData>),
    BlueprintUsage(Box<BlueprintUsage>),
    Catalog(Box<Catalog>),
    Personas(Vec<DemoPersona>),
    Deployments(Box<Deployments>),
    Deployment(Box<DeploymentState>),
    Components(Box<ComponentsState>),
    Retry(Box<RetryOutcome>),
    /// Granted access requests (of everyone the identity may see; mine are kept).
    Grants(Vec<crate::model::AccessRequest>),
    /// An access request was decided (granted or denied).
    AccessDecided(Box<crate::model::AccessRequest>),
    /// An access request was made (granted at once, or pending).
    AccessRequested(Box<crate::model::AccessRequest>),
    /// A job retry was dispatched.
    JobRetried(Box<crate::model::JobRetryAnswer>),
    Jobs {
        jobs: Vec<Job>,
        batches: Vec<JobBatch>,
    },
    Job(Box<JobDetail>),
    ExecutionLogs(Box<ExecutionLogs>),
    InboxItems(Box<InboxItems>),
    /// A promotion (read, opened or reviewed).
    Promotion(Box<PromotionDetail>),
    /// An object of a grant's namespace as YAML (highlighted), or why it could not be read.
    KubeYaml(Box<Result<Highlighted, String>>),
    /// An access request was revoked.
    AccessRevoked(Box<crate::model::AccessRequest>),
    /// What is broken across every Organization, worst and oldest first.
    Triage(Vec<crate::model::TriageItem>),
    /// A page of the audit trail.
    Audit(Box<crate::model::AuditTrail>),
}

/// What waits for me, item by item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxItems {
    /// Open promotions awaiting my review, oldest first.
    pub promotions: Vec<Promotion>,
    /// Pending access requests I may see (deciding them comes with access sessions).
    pub access_requests: Vec<AccessRequest>,
    /// Live grants I may see: mine, and those I may decide (and so revoke).
    pub grants: Vec<AccessRequest>,
}

/// A promotion with its diff highlighted (off the UI task).
#[derive(Debug, Clone, PartialEq)]
pub struct PromotionDetail {
    pub promotion: Promotion,
    pub diff: Highlighted,
}

/// Provisioning runs as the service offers them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deployments {
    /// Whether the service listed them (otherwise they are the remembered ids).
    pub listed: bool,
    /// Newest first.
    pub runs: Vec<DeploymentState>,
    /// Remembered ids that could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
}

/// What a followed stream delivered since the last batch (streams are batched every
/// 50 ms or so, so a flood of lines costs one update, not one per line).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamBatch {
    pub spec: StreamSpec,
    /// Which follow of `spec` this is: a new follow replays the stream from its start,
    /// so a view skips what it already holds.
    pub generation: u64,
    pub items: StreamItems,
}

/// The messages of one batch, by kind of stream.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItems {
    Deployment(Vec<DeploymentMsg>),
    Operation(Vec<OperationMsg>),
    /// A stream inside a grant.
    Kube(Vec<crate::kube::KubeMsg>),
}

/// Where the sign-in stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInMsg {
    /// The device flow waits for the person: show the page and the code.
    Prompt {
        verification_uri: String,
        user_code: String,
    },
    /// A sign-in through the Sovereign's realm (OpenID Connect) waits for the person:
    /// show the address to open and the field for the code.
    Authorize(AuthorizePrompt),
    /// The identity provider refused the pasted code (or could not be asked): the prompt
    /// stays open with `reason` and the field as it was.
    Refused { reason: String },
    /// The loopback redirect stopped waiting (`reason`); the code may still be pasted.
    LoopbackEnded { reason: String },
    /// Signed in as `me`.
    SignedIn {
        me: Box<Me>,
        persona: Option<String>,
        /// The Sovereign's name, from discovery (empty when unknown).
        sovereign: String,
        /// The Sovereign speaks catalyst-api: what it does not offer is left out.
        catalyst: bool,
    },
    /// The sign-in did not succeed.
    Failed(ApiError),
}

/// What the sign-in through the realm shows. Holds no secret: the address carries only
/// the PKCE challenge, `state` and `nonce`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizePrompt {
    /// The issuer, e.g. `https://auth.example/realms/sovereign`.
    pub issuer: String,
    /// The authorization address to open in a browser.
    pub url: String,
    /// The loopback redirect the console listens on (`None`: out of band only).
    pub loopback: Option<String>,
}

/// A message for `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The answer to a fetch.
    Fetched {
        request: RequestId,
        result: Result<Data, ApiError>,
    },
    /// From the live events subscription.
    Live(LiveMsg),
    /// From a followed stream (a provisioning run, an operation's log).
    Stream(StreamBatch),
    /// Sign-in progress.
    SignIn(SignInMsg),
    /// Fetch the view at this depth of the route stack again if it still waits to (a
    /// rate-limit countdown ended).
    Retry { depth: usize },
    /// A polling view's timer came due (`token` names the timer). Only the view on top
    /// may act on it, and only if it is the timer that view armed last: a view polls only
    /// while it is on top, never twice at once.
    Poll { token: u64 },
    /// Re-read one Organization's roll-up (debounced after live events).
    RefreshOrg(String),
    /// Re-read the inbox counts (debounced after live events).
    RefreshInbox,
    /// A background task failed in a way the operator should see.
    Notice(String),
    /// A background task finished something the operator asked for (a file saved).
    Info(String),
    /// A kube shell is prepared: hand it the terminal.
    ShellReady,
    /// Re-read the triage list (debounced after live events).
    RefreshTriage,
}
