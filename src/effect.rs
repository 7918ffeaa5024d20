//! The side effects `update` asks for: what to fetch, when to come back, what to do with
//! the terminal. The effect runner (`app::runner`) carries them out and answers with
//! [`Msg`]s. This module only names them; it must not carry behaviour.

use std::time::Duration;

use crate::msg::Msg;

/// The id of one fetch. A view remembers the id it waits for and drops any other answer,
/// so the latest request always wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// The tabs of the Application detail, in their order on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DetailTab {
    Overview,
    Settings,
    Topology,
    Secrets,
    Observability,
    History,
    Manifests,
}

impl DetailTab {
    /// Every tab, in order.
    pub const ALL: [DetailTab; 7] = [
        DetailTab::Overview,
        DetailTab::Settings,
        DetailTab::Topology,
        DetailTab::Secrets,
        DetailTab::Observability,
        DetailTab::History,
        DetailTab::Manifests,
    ];

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            DetailTab::Overview => "Overview",
            DetailTab::Settings => "Settings",
            DetailTab::Topology => "Topology",
            DetailTab::Secrets => "Secrets",
            DetailTab::Observability => "Observability",
            DetailTab::History => "History",
            DetailTab::Manifests => "Manifests",
        }
    }

    /// The position of the tab in [`DetailTab::ALL`].
    pub fn index(self) -> usize {
        DetailTab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// What to read from the Sovereign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Every Organization the identity sees.
    Orgs,
    /// One Organization (its roll-up changed).
    Org(String),
    /// What waits for me: open promotions I may review, pending access requests.
    Inbox,
    /// The Environments of an Organization.
    Environments { org: String },
    /// The Applications and backing services of an Environment.
    Applications { env: String },
    /// One Application.
    Application { env: String, app: String },
    /// What one detail tab shows.
    Tab {
        env: String,
        app: String,
        tab: DetailTab,
    },
    /// Where a Blueprint runs across an Organization.
    BlueprintUsage { org: String, blueprint: String },
    /// The names the command palette completes over.
    Catalog,
    /// The sandbox's demo personas (the persona switch).
    Personas,
    /// Provisioning runs: the service's list where it offers one, otherwise the ids this
    /// profile remembers (the runner keeps them) read one by one.
    Deployments,
    /// One provisioning run's State (`GET /deployments/{id}`).
    Deployment { id: String },
    /// The Phase-1 components of a run (`/components/state`).
    Components { deployment: String },
    /// Retry a failed phase of a run (a `POST`; the answer says whether it restarted or
    /// needs a manual retry).
    RetryPhase { deployment: String, phase: String },
    /// A run's jobs and their batches.
    Jobs { deployment: String },
    /// One job with its executions.
    Job { deployment: String, job: String },
    /// Run a failed job again (a `POST`, newer services).
    RetryJob { deployment: String, job: String },
    /// A page of an execution's log lines, from line `from` (1-based).
    ExecutionLogs { execution: String, from: u64 },
    /// Grant or deny an access request with a comment (a `POST`).
    DecideAccess {
        id: String,
        decision: crate::model::AccessDecisionKind,
        comment: String,
    },
    /// My granted access requests (the status bar's countdown).
    Grants,
    /// Ask for access to an Environment's namespace (a `POST`).
    RequestAccess {
        env: String,
        reason: String,
        minutes: u32,
        access: crate::model::AccessLevel,
    },
    /// What waits for me, item by item: open promotions awaiting my review and pending
    /// access requests (the inbox view).
    InboxItems,
    /// One promotion with its evaluated policy, reviews and diff (highlighted).
    Promotion { id: String },
    /// Open a promotion of `app` from `env` to `target` (a `POST`).
    Promote {
        env: String,
        app: String,
        target: String,
    },
    /// Review a promotion at `revision` (a `POST`; the answer is the promotion).
    Review {
        id: String,
        decision: crate::model::ReviewDecision,
        comment: String,
        revision: u64,
    },
    /// One object of my grant's namespace as YAML (through the grant's kube client).
    KubeYaml {
        grant: String,
        kind: crate::kube::RowKind,
        name: String,
    },
    /// Revoke an access request before it ends (a `DELETE`; the answer is the request).
    RevokeAccess { id: String },
    /// What is broken across every Organization, in one request (the triage view);
    /// `stuck_after` in minutes, the server's default when `None`.
    Triage { stuck_after: Option<u32> },
    /// One page of the audit trail (`cursor` set: an older page).
    Audit(crate::model::AuditQuery),
}

/// The most a copy to the clipboard (OSC 52) carries.
pub const MAX_COPY_BYTES: usize = 64 * 1024;

impl Query {
    /// True for what the provisioning service answers (its own routes, whichever API
    /// the rest of the Sovereign speaks).
    pub fn is_provisioning(&self) -> bool {
        matches!(
            self,
            Query::Deployments
                | Query::Deployment { .. }
                | Query::Components { .. }
                | Query::RetryPhase { .. }
                | Query::Jobs { .. }
                | Query::Job { .. }
                | Query::RetryJob { .. }
                | Query::ExecutionLogs { .. }
        )
    }
}

/// A stream a view follows while it is on the route stack. Streams of views under the
/// top one keep running, so going back finds them complete.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StreamSpec {
    /// A provisioning run (CONTRACT A). `attempt` grows when a retry restarts the run,
    /// which starts a new follow.
    Deployment { id: String, attempt: u32 },
    /// The log of one operation (CONTRACT B).
    Operation { id: String },
    /// A stream inside my grant on an Environment (CONTRACT C).
    Kube(KubeStream),
}

/// A stream inside a grant: the grant it lives on (a new grant is a new stream; an ended
/// one stops it), the Environment, and what is followed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KubeStream {
    pub grant: String,
    pub env: String,
    pub feed: KubeFeed,
}

/// What a kube stream follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KubeFeed {
    /// The namespace's pods (of `app` only, when given), events and Flux objects.
    Namespace { app: Option<String> },
    /// A pod's log: `container` (the first when `None`), its previous run if asked.
    Log {
        pod: String,
        container: Option<String>,
        previous: bool,
    },
}

/// A side effect for the runner.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read something; the answer comes back as `Msg::Fetched` with the same id.
    Fetch { request: RequestId, query: Query },
    /// Deliver `msg` after `after` (retries, debounced refreshes).
    After { after: Duration, msg: Box<Msg> },
    /// Sign in again: as another demo persona (sandbox), or anew after the session expired.
    SignIn { persona: Option<String> },
    /// Try this pasted code for the sign-in through the Sovereign's realm that waits for
    /// it; the answer is `SignInMsg::Refused` (the prompt stays open) or the sign-in.
    SubmitCode(SignInCode),
    /// Give up the sign-in through the realm that waits for a code (stop listening for
    /// the browser, forget the authorization).
    CancelSignIn,
    /// Stop the process until the shell continues it (Ctrl-Z).
    Suspend,
    /// Send this support ticket with every request from now on (a support agent named
    /// it after signing in).
    SupportTicket(String),
    /// Prepare a kube shell for my live grant `grant` on `env` (credentials, file).
    /// `command`: a command line to run there instead of the shell (`kubectl …`).
    OpenShell {
        grant: String,
        env: String,
        command: Option<String>,
    },
    /// Hand the terminal to the shell prepared (the loop does).
    RunShell,
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Write `contents` to a new file at `path` (a log saved with `w`); the answer is a
    /// notice saying where it went or why it could not.
    SaveFile {
        path: std::path::PathBuf,
        contents: String,
    },
    /// Add a provisioning run's id to the profile's remembered ids (the service may offer
    /// no list of runs).
    Remember { deployment: String },
    /// Leave the console.
    Quit,
    /// Export the audit trail the console API answers for `query` (every page, as
    /// NDJSON), keeping the records that pass `keep` and the free-text `words`, to a new
    /// file at `path` (never overwriting); the answer is a notice saying where and how
    /// many lines, or why not.
    ExportAudit {
        path: std::path::PathBuf,
        query: crate::model::AuditQuery,
        keep: Box<crate::model::AuditFilters>,
        words: String,
    },
}

/// A code the operator pasted to finish a sign-in. It is a secret until exchanged: `Debug`
/// never shows it and only the runner reads it (QUALITY S1).
#[derive(Clone)]
pub struct SignInCode(secrecy::SecretString);

impl SignInCode {
    /// Wraps `code` (already sanitised by the field it came from).
    pub fn new(code: String) -> SignInCode {
        SignInCode(secrecy::SecretString::from(code))
    }

    /// The code, for the token request.
    pub fn secret(&self) -> &secrecy::SecretString {
        &self.0
    }
}

impl std::fmt::Debug for SignInCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInCode([redacted])")
    }
}

impl PartialEq for SignInCode {
    fn eq(&self, other: &Self) -> bool {
        use secrecy::ExposeSecret as _;
        self.0.expose_secret() == other.0.expose_secret()
    }
}
