//! Now and then one running Application loses a pod (`degraded`, e.g. 2/3 ready) and,
//! a little later, recovers — the "degradation" a demo shows on the cards and in the
//! incident view. Only one at a time, chosen by the seeded generator.

use rand::Rng;
use rand::rngs::StdRng;

use super::Simulation;
use crate::model::*;
use crate::sandbox::events::EventBus;
use crate::sandbox::flow::publish_app;
use crate::sandbox::store::World;

/// The Application the simulation degraded, and the tick it recovers at.
#[derive(Debug, Clone)]
pub(super) struct Degraded {
    env: String,
    app: String,
    recover_at: u64,
}

/// The tick of the first degradation.
pub(super) fn first_degrade(rng: &mut StdRng) -> u64 {
    rng.random_range(30..90)
}

impl Simulation {
    pub(super) fn health(&mut self, world: &mut World, bus: &EventBus) -> bool {
        if let Some(d) = self.degraded.clone() {
            if self.tick < d.recover_at {
                return false;
            }
            self.degraded = None;
            self.next_degrade = self.tick + self.rng.random_range(60..180);
            return recover(world, bus, &d);
        }
        if self.tick < self.next_degrade {
            return false;
        }
        let candidates: Vec<(String, String)> = world
            .apps
            .iter()
            .flat_map(|(env, apps)| apps.values().map(move |r| (env, r)))
            .filter(|(_, r)| {
                r.app.status == AppStatus::Running
                    && r.app.kind == AppKind::Application
                    && r.app.pods.total >= 2
                    && r.app.pods.ready == r.app.pods.total
            })
            .map(|(env, r)| (env.clone(), r.app.name.clone()))
            .collect();
        if candidates.is_empty() {
            self.next_degrade = self.tick + 60;
            return false;
        }
        let (env, app) = candidates[self.rng.random_range(0..candidates.len())].clone();
        let Some(rec) = world.apps.get_mut(&env).and_then(|m| m.get_mut(&app)) else {
            return false;
        };
        let total = rec.app.pods.total;
        rec.app.pods.ready = total - 1;
        rec.app.status = AppStatus::Degraded;
        rec.app.status_detail = format!(
            "{} of {total} pods ready: {app} restarting (CrashLoopBackOff)",
            total - 1
        );
        if let Some(pod) = rec.pods.last_mut() {
            pod.ready = false;
            pod.restarts += 1;
        }
        rec.app.revision += 1;
        publish_app(bus, rec);
        self.degraded = Some(Degraded {
            env,
            app,
            recover_at: self.tick + self.rng.random_range(20..40),
        });
        true
    }
}

/// Brings the degraded Application back, unless something else has changed it since.
fn recover(world: &mut World, bus: &EventBus, d: &Degraded) -> bool {
    let Some(rec) = world.apps.get_mut(&d.env).and_then(|m| m.get_mut(&d.app)) else {
        return false;
    };
    if rec.app.status != AppStatus::Degraded {
        return false;
    }
    rec.app.pods.ready = rec.app.pods.total;
    rec.app.status = AppStatus::Running;
    rec.app.status_detail.clear();
    if let Some(pod) = rec.pods.last_mut() {
        pod.ready = true;
    }
    rec.app.revision += 1;
    publish_app(bus, rec);
    true
}
