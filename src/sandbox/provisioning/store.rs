//! Every deployment the sandbox knows, behind one lock.
//!
//! Owns: the list of runs (newest last), id allocation, creating runs for `POST`, the
//! subdomain-in-use check, and catching every run up with the clock on each access.
//! Must not: hold the lock across an `.await` (handlers and streams take it briefly).

use std::sync::{Mutex, MutexGuard};

use tokio::time::Instant;

use super::rng::Rng;
use super::run::{Clock, Ident, Run};
use super::script::{Phase0, Phase1};

/// Hetzner IPv4 prefixes the simulated addresses are drawn from.
const IP_PREFIXES: [&str; 10] = [
    "49.12", "49.13", "116.203", "128.140", "157.90", "167.235", "5.75", "78.46", "91.107",
    "95.216",
];

/// A plausible public IPv4 address of a Hetzner server.
pub fn public_ip(rng: &mut Rng) -> String {
    let prefix = IP_PREFIXES[rng.range(0, IP_PREFIXES.len() as u64 - 1) as usize];
    format!("{prefix}.{}.{}", rng.range(1, 254), rng.range(2, 254))
}

/// All deployments and what is needed to make new ones.
#[derive(Debug)]
pub struct Registry {
    runs: Vec<Run>,
    rng: Rng,
    /// Simulation speed of runs started from now on (0 freezes them).
    pub speed: f64,
    /// Whether live delivery goes through the service's shared channel (reconnect fault).
    pub shared_live: bool,
    /// Whether `GET /deployments` lists the runs (the sandbox's extension); without it the
    /// route answers 405, as the real service does.
    pub listing: bool,
    /// Every Nth live event of a run is not sent live (the drop fault).
    pub drop_live_every: Option<u32>,
    /// Today's service (see `newer`): the owner of the runs it starts.
    pub newer: Option<String>,
}

impl Registry {
    /// An empty registry whose ids and values come from `rng`.
    pub fn new(rng: Rng, speed: f64, shared_live: bool) -> Self {
        Registry {
            runs: Vec::new(),
            rng,
            speed,
            shared_live,
            listing: true,
            drop_live_every: None,
            newer: None,
        }
    }

    /// A fresh 16-hex-digit id no run has.
    pub fn new_id(&mut self) -> String {
        loop {
            let id = self.rng.hex(8);
            if self.get(&id).is_none() {
                return id;
            }
        }
    }

    /// An independent generator for a new run.
    pub fn fork_rng(&mut self) -> Rng {
        self.rng.fork(self.runs.len() as u64 + 1)
    }

    /// Adds a run.
    pub fn insert(&mut self, mut run: Run) {
        run.drop_live_every = self.drop_live_every;
        run.owner.clone_from(&self.newer);
        self.runs.push(run);
    }

    /// Gives every run to `owner` (today's service records who started each).
    pub fn own_all(&mut self, owner: &str) {
        for r in &mut self.runs {
            r.owner = Some(owner.to_string());
        }
    }

    /// Applies every due step of every run.
    pub fn advance_all(&mut self, now: Instant) {
        for r in &mut self.runs {
            r.advance(now);
        }
    }

    /// The run with this id.
    pub fn get(&self, id: &str) -> Option<&Run> {
        self.runs.iter().find(|r| r.ident.id == id)
    }

    /// The run with this id, to change it.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Run> {
        self.runs.iter_mut().find(|r| r.ident.id == id)
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Whether a run that is not `failed` already holds this FQDN (the pool-domain
    /// manager releases a name when its run fails).
    pub fn fqdn_in_use(&self, fqdn: &str) -> bool {
        self.runs.iter().any(|r| {
            r.ident.fqdn.eq_ignore_ascii_case(fqdn)
                && r.status() != crate::model::DeploymentStatus::Failed
        })
    }

    /// Starts a new run for `POST /deployments`; returns its id.
    pub fn create(&mut self, fqdn: &str, region: &str) -> String {
        let id = self.new_id();
        let mut rng = self.fork_rng();
        let ident = Ident {
            id: id.clone(),
            fqdn: fqdn.to_string(),
            region: region.to_string(),
            cp_ip: public_ip(&mut rng),
            lb_ip: public_ip(&mut rng),
        };
        let run = Run::new(
            ident,
            rng,
            Clock::live(self.speed, 0.0),
            &Phase0::Fresh {
                kubeconfig_during_apply: true,
            },
            &Phase1::default(),
            self.shared_live,
        );
        self.insert(run);
        id
    }
}

/// The shared state behind the router.
#[derive(Debug)]
pub struct Inner {
    registry: Mutex<Registry>,
}

impl Inner {
    /// Wraps a registry.
    pub fn new(registry: Registry) -> Self {
        Inner {
            registry: Mutex::new(registry),
        }
    }

    /// Locks the registry with every run caught up to now.
    pub fn lock(&self) -> MutexGuard<'_, Registry> {
        // A panic while holding the lock cannot leave a run half-changed in a way that
        // matters more than refusing every later request would.
        let mut guard = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        guard.advance_all(Instant::now());
        guard
    }
}
