//! The sandbox's world: every Organization, Environment, Application, Blueprint,
//! promotion, access request, operation and audit record, behind one lock owned by
//! [`Sandbox`]. Handlers and the simulation change it through `impl World` blocks that
//! live next to the routes that need them; this file owns only the shapes.
//!
//! The UI's single-owner rule does not apply here: the sandbox is a server, and a
//! `RwLock` held for the length of one synchronous change is the simple, correct tool.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::RwLock;

use super::events::EventBus;
use super::options::SandboxOptions;
use crate::model::*;

/// Shared state of a running sandbox.
pub struct Sandbox {
    pub world: RwLock<World>,
    pub bus: EventBus,
    pub opts: SandboxOptions,
}

pub type SharedSandbox = Arc<Sandbox>;

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
}

/// A Blueprint with every version's detail.
#[derive(Debug, Clone)]
pub struct BlueprintRecord {
    pub blueprint: Blueprint,
    pub versions: BTreeMap<String, BlueprintVersion>,
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
}

impl World {
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
