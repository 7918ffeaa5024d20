//! CONTRACT Part A reproduced exactly: simulated Sovereign provisioning runs served the
//! way the real `catalyst-api` serves them, quirks included.
//!
//! Owns: [`ProvisioningSandbox`] — the runs (three seeded from the sandbox seed, more
//! created by `POST /api/v1/deployments`), their lazily played timelines, and the
//! router with every route of Part A plus the `GET /api/v1/deployments` extension.
//! Paths are relative to the service root; the sandbox server nests the router under
//! `/sovereign`. The reconnect fault (`duplicate_on_reconnect`) is handled here; the
//! generic faults (latency, 429, 5xx, cut or idle streams) belong to the server's layer.
//! Must not: authenticate (the service has no auth; a bearer header is ignored) or
//! depend on the console API's state.
//!
//! Where this follows CONTRACT.md rather than the service's code: JSON errors always
//! carry `detail` and a kebab `error` code (the service sometimes sends only `error`,
//! sometimes prose in it); a Phase-1 retry changes nothing at all (the service also
//! appends a runbook event); `/components/state` rows are sorted by id (the service's
//! order is a Go map's, i.e. random).

mod catalog;
mod clock;
mod gojson;
mod jobs;
pub mod newer;
mod respond;
mod rng;
mod routes;
mod run;
mod script;
mod seed;
mod store;
mod stream;

use std::sync::Arc;

pub use seed::SeededRuns;

use crate::model::{DeploymentState, ProvisionEvent};
use crate::sandbox::SandboxOptions;

/// The sandbox's provisioning service. Cheap to clone; clones share the runs.
#[derive(Debug, Clone)]
pub struct ProvisioningSandbox {
    inner: Arc<store::Inner>,
    seeded: SeededRuns,
}

impl ProvisioningSandbox {
    /// Seeds three runs from `opts.seed` (ids, values and the finished runs' times are
    /// deterministic; the running run follows the wall clock at `opts.speed`, 0 freezing
    /// it). Needs no async runtime: runs advance whenever they are looked at.
    pub fn new(opts: &SandboxOptions) -> Self {
        let mut rng = rng::Rng::new(opts.seed ^ 0x7072_6f76_6973_696f);
        let mut registry =
            store::Registry::new(rng.fork(1), opts.speed, opts.faults.duplicate_on_reconnect);
        registry.listing = !opts.no_deployment_list;
        registry.drop_live_every = opts.faults.drop_live_every;
        let seeded = seed::seed(&mut registry, opts, &mut rng);
        ProvisioningSandbox {
            inner: Arc::new(store::Inner::new(registry)),
            seeded,
        }
    }

    /// The HTTP routes (state applied), relative to the service root: mount with
    /// `.nest("/sovereign", prov.router())`.
    pub fn router(&self) -> axum::Router {
        routes::router(self.inner.clone())
    }

    /// Plays today's service from now on (see [`newer`]): runs belong to `owner_email`
    /// (the seeded ones too).
    pub fn play_newer(&self, owner_email: &str) {
        let mut reg = self.inner.lock();
        reg.newer = Some(owner_email.to_string());
        reg.own_all(owner_email);
    }

    /// Ids of the three seeded runs.
    pub fn seeded(&self) -> &SeededRuns {
        &self.seeded
    }

    /// Every deployment id, oldest first.
    pub fn deployment_ids(&self) -> Vec<String> {
        self.inner
            .lock()
            .runs()
            .iter()
            .map(|r| r.ident.id.clone())
            .collect()
    }

    /// The State of a deployment, as `GET /deployments/{id}` would answer.
    pub fn state(&self, id: &str) -> Option<DeploymentState> {
        self.inner.lock().get(id).map(|r| r.state())
    }

    /// The buffered events of a deployment, oldest first.
    pub fn events(&self, id: &str) -> Option<Vec<ProvisionEvent>> {
        self.inner
            .lock()
            .get(id)
            .map(|r| r.events().iter().cloned().collect())
    }
}
