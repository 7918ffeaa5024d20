//! The sandbox's world: every Organization, Environment, Application, Blueprint,
//! promotion, access request, operation and audit record, behind one lock owned by
//! [`Sandbox`]. Handlers and the simulation change it through `impl World` blocks that
//! live next to the routes that need them; this file owns only the shapes.
//!
//! The UI's single-owner rule does not apply here: the sandbox is a server, and a
//! `RwLock` held for the length of one synchronous change is the simple, correct tool.
//!
//! Derived views (Org and Environment counts, `used_by`, policy summaries) are computed
//! in `store/views.rs`, never stored where they could go stale; Application record
//! helpers (building, status changes, rendering values and manifests) are in
//! `store/apps.rs`.

mod apps;
mod views;

pub use apps::{AppSpec, promotion_diff, short_hash};
pub use views::{policy_summary, role_rank};

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::RwLock;

use super::events::EventBus;
use super::identity::Sessions;
use super::options::SandboxOptions;
use super::tls::KubeTls;
use crate::model::*;

/// Shared state of a running sandbox.
pub struct Sandbox {
    pub world: RwLock<World>,
    pub bus: EventBus,
    pub opts: SandboxOptions,
}

pub type SharedSandbox = Arc<Sandbox>;

impl Sandbox {
    /// Wraps a built world with a fresh event bus.
    pub fn new(world: World, opts: SandboxOptions) -> SharedSandbox {
        Arc::new(Sandbox {
            world: RwLock::new(world),
            bus: EventBus::default(),
            opts,
        })
    }
}

/// Who this Sovereign is and how its infrastructure is named (kube contexts, Git hosts).
#[derive(Debug, Clone)]
pub struct SovereignProfile {
    pub name: String,
    pub domain: String,
    pub kind: SovereignType,
    /// Cloud provider code of kube contexts (`hz`).
    pub provider: String,
    /// Building block of kube contexts (`rtz`).
    pub building_block: String,
    /// Location code of the Sovereign's Gitea (`fsn` in `gitea.fsn.bankdhofar.local`).
    pub location: String,
}

impl Default for SovereignProfile {
    fn default() -> Self {
        Self {
            name: "Sandbox".into(),
            domain: "sandbox.local".into(),
            kind: SovereignType::Corporate,
            provider: "hz".into(),
            building_block: "rtz".into(),
            location: "fsn".into(),
        }
    }
}

/// A demo persona: an identity the verification page can sign in as.
#[derive(Debug, Clone)]
pub struct Persona {
    /// The login name (`admin`, `layla`, …), also the token subject.
    pub id: String,
    pub me: Me,
    /// One line for the start-up banner and the verification page.
    pub blurb: String,
}

/// An Environment with the policy that governs it.
#[derive(Debug, Clone)]
pub struct EnvRecord {
    pub env: Environment,
    pub policy: EnvironmentPolicy,
}

/// An Application with what its detail tabs show.
#[derive(Debug, Clone)]
pub struct AppRecord {
    pub app: Application,
    /// The values, as JSON (served as YAML on the Settings tab).
    pub values: serde_json::Value,
    pub secrets: Vec<SecretInfo>,
    pub pods: Vec<PodInfo>,
    pub history: Vec<DeployRecord>,
    pub regions: Vec<RegionTopology>,
    /// When the status last changed (`None`: at the last deploy); triage says "since".
    pub status_since: Option<Timestamp>,
}

/// A Blueprint with every version's detail.
#[derive(Debug, Clone)]
pub struct BlueprintRecord {
    pub blueprint: Blueprint,
    pub versions: BTreeMap<String, BlueprintVersion>,
    /// How Applications of this Blueprint are shaped when installed.
    pub template: BlueprintTemplate,
}

/// What the sandbox needs to make an Application of a Blueprint (not on the wire).
#[derive(Debug, Clone)]
pub struct BlueprintTemplate {
    pub kind: AppKind,
    /// Default pod count.
    pub pods: u32,
    /// Container port, for rendered manifests.
    pub port: u16,
    /// Secret names (`{app}` is replaced by the Application name) and key sizes.
    pub secrets: Vec<SecretTemplate>,
    /// Values that satisfy every version's schema.
    pub defaults: serde_json::Value,
}

/// One Secret an Application of a Blueprint carries: names and sizes, never values.
#[derive(Debug, Clone)]
pub struct SecretTemplate {
    pub name: String,
    pub keys: Vec<(String, u64)>,
}

/// An install, update, action or uninstall in flight or done, with its log.
#[derive(Debug, Clone)]
pub struct OperationRecord {
    pub id: String,
    pub environment: String,
    pub application: String,
    /// `install`, `update`, `retry`, `restart`, `pause`, `resume`, `uninstall`.
    pub kind: String,
    pub percent: u8,
    pub step: String,
    pub lines: Vec<OperationLogLine>,
    pub done: Option<OperationDone>,
}

/// Everything the sandbox serves. Keys: Org name; Environment name; Environment name
/// then Application name; Blueprint name; ids for the rest.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub meta: Option<Meta>,
    pub sovereign: SovereignProfile,
    pub personas: BTreeMap<String, Persona>,
    pub orgs: BTreeMap<String, Org>,
    pub environments: BTreeMap<String, EnvRecord>,
    pub apps: BTreeMap<String, BTreeMap<String, AppRecord>>,
    pub blueprints: BTreeMap<String, BlueprintRecord>,
    pub promotions: BTreeMap<String, Promotion>,
    pub access_requests: BTreeMap<String, AccessRequest>,
    pub operations: BTreeMap<String, OperationRecord>,
    pub audit: Vec<AuditRecord>,
    /// Source of ids (`op-…`, `pr-…`, `ar-…`, `au-…`).
    pub next_id: u64,
    /// Device codes, access and refresh tokens of the sign-in flow.
    pub sessions: Sessions,
    /// Where the Kubernetes subset is served over TLS and its CA (set at start, as
    /// `meta`; `None` when the router is served without [`super::spawn`]: grants then
    /// name the plain-HTTP address, with no CA).
    pub kube_tls: Option<KubeTls>,
    /// Added to the wall clock by [`World::now`]: lets tests and demos move time forward
    /// (token and device-code expiry) without waiting.
    pub clock_skew: chrono::TimeDelta,
}

impl World {
    /// The sandbox's current time: the wall clock plus [`World::clock_skew`].
    pub fn now(&self) -> Timestamp {
        chrono::Utc::now() + self.clock_skew
    }

    /// A fresh id with the given prefix, unique within this world.
    pub fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{:06}", self.next_id)
    }
}

impl World {
    /// Registers a new operation on an Application and returns its id. The simulation
    /// advances it (progress, log lines, final status) and publishes what changes.
    pub fn start_operation(&mut self, environment: &str, application: &str, kind: &str) -> String {
        let id = self.new_id("op");
        self.operations.insert(
            id.clone(),
            OperationRecord {
                id: id.clone(),
                environment: environment.to_string(),
                application: application.to_string(),
                kind: kind.to_string(),
                percent: 0,
                step: "queued".to_string(),
                lines: Vec::new(),
                done: None,
            },
        );
        id
    }
}
