//! The sandbox's clock-driven life: every tick advances unfinished operations (progress,
//! helm/flux-style log lines, the final status), adopts seeded `installing`/`updating`
//! Applications that have no operation yet, rolls new commits out to dev now and then,
//! degrades one Application now and then and
//! lets it recover, merges promotions whose policy has become met (a soak elapsed, a
//! change window opened) and expires access grants.
//!
//! Randomness comes from the `--seed` (rand's `StdRng`), so a run is reproducible; the
//! tick period is one second divided by `--speed`, and speed 0 freezes everything.
//! Nothing is published when nothing moved. Must not grant anything that needs an
//! approver, nor approve anything.

mod health;
mod ops;
mod rollouts;

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use crate::sandbox::events::EventBus;
use crate::sandbox::store::{SharedSandbox, World};

pub use ops::strip_ansi;

/// The simulation's own state between ticks (not part of the world: it is how the
/// sandbox behaves, not what it serves).
#[derive(Debug)]
pub struct Simulation {
    rng: StdRng,
    tick: u64,
    degraded: Option<health::Degraded>,
    next_degrade: u64,
    next_rollout: u64,
}

impl Simulation {
    /// A simulation whose choices all derive from `seed`.
    pub fn new(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let next_degrade = health::first_degrade(&mut rng);
        let next_rollout = rollouts::first_rollout(&mut rng);
        Self {
            rng,
            tick: 0,
            degraded: None,
            next_degrade,
            next_rollout,
        }
    }

    /// Ticks so far.
    pub fn ticks(&self) -> u64 {
        self.tick
    }

    /// One step of the world at `now`. Returns true when anything changed.
    pub fn tick(&mut self, world: &mut World, bus: &EventBus, now: DateTime<Utc>) -> bool {
        self.tick += 1;
        let mut changed = ops::adopt_in_progress(world, bus);
        changed |= ops::advance_all(world, bus, now);
        changed |= self.health(world, bus);
        changed |= self.rollouts(world, bus);
        changed |= !world.settle_promotions(bus, now).is_empty();
        changed |= world.expire_access(bus, now) > 0;
        changed
    }
}

/// Runs the simulation until `cancel` fires: one tick per second divided by the
/// sandbox's `speed` (speed 0, or not a number, freezes it).
pub fn spawn(sandbox: SharedSandbox, cancel: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        let speed = sandbox.opts.speed;
        if !(speed.is_finite() && speed > 0.0) {
            cancel.cancelled().await;
            return;
        }
        let period = Duration::from_secs_f64((1.0 / speed).clamp(0.01, 3_600.0));
        let mut sim = Simulation::new(sandbox.opts.seed);
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        every.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                _ = every.tick() => {
                    let mut world = sandbox.world.write().await;
                    let now = world.now();
                    sim.tick(&mut world, &sandbox.bus, now);
                }
            }
        }
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
