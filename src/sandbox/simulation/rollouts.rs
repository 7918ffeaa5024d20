//! Now and then a development Environment receives a new commit: one running
//! Application of a `dev` or `poc` Environment is updated to the next version of its
//! Blueprint (or, at the newest version, restarted) by the GitOps reconciler. This keeps
//! a long-running demo moving after the seeded operations have finished. Production-like
//! Environments only change through promotions.

use rand::Rng;
use rand::rngs::StdRng;

use super::Simulation;
use crate::model::*;
use crate::sandbox::events::EventBus;
use crate::sandbox::flow::publish_app;
use crate::sandbox::store::World;

/// The actor of a rollout: changes arrive through Git, applied by Flux.
const ROLLOUT_ACTOR: &str = "flux";
/// No new rollout while this many Applications are already moving.
const MAX_BUSY: usize = 3;

/// The tick of the first rollout.
pub(super) fn first_rollout(rng: &mut StdRng) -> u64 {
    rng.random_range(40..100)
}

/// The version after `current` in a Blueprint's release list (oldest first).
fn next_version(versions: &[String], current: &str) -> Option<String> {
    let at = versions.iter().position(|v| v == current)?;
    versions.get(at + 1).cloned()
}

impl Simulation {
    pub(super) fn rollouts(&mut self, world: &mut World, bus: &EventBus) -> bool {
        if self.tick < self.next_rollout {
            return false;
        }
        self.next_rollout = self.tick + self.rng.random_range(60..150);
        let moving = world
            .apps
            .values()
            .flat_map(|m| m.values())
            .filter(|r| r.app.status.in_progress())
            .count();
        if moving >= MAX_BUSY {
            return false;
        }
        let candidates: Vec<(String, String)> = world
            .environments
            .values()
            .filter(|e| matches!(e.env.env_type, EnvType::Dev | EnvType::Poc))
            .flat_map(|e| {
                world
                    .apps
                    .get(&e.env.name)
                    .into_iter()
                    .flat_map(|m| m.values())
            })
            .filter(|r| r.app.status == AppStatus::Running && r.app.kind == AppKind::Application)
            .map(|r| (r.app.environment.clone(), r.app.name.clone()))
            .collect();
        if candidates.is_empty() {
            return false;
        }
        let (env, app) = candidates[self.rng.random_range(0..candidates.len())].clone();
        let next = world.app(&env, &app).and_then(|r| {
            let bp = world.blueprints.get(&r.app.blueprint.name)?;
            next_version(&bp.blueprint.versions, &r.app.blueprint.version)
        });
        let (kind, detail) = match &next {
            Some(v) => ("update", format!("rolling out {v} from a new commit")),
            None => (
                "restart",
                "rolling restart after a configuration commit".to_string(),
            ),
        };
        if world
            .start_app_operation(&env, &app, kind, AppStatus::Updating, detail)
            .is_none()
        {
            return false;
        }
        let now = world.now();
        let Some(rec) = world.app_mut(&env, &app) else {
            return false;
        };
        if let Some(version) = next {
            rec.app.blueprint.version = version.clone();
            rec.history.push(DeployRecord {
                at: now,
                actor: ROLLOUT_ACTOR.to_string(),
                version,
                commit: format!("{:010x}", self.rng.random::<u64>() & 0xff_ffff_ffff),
                outcome: DeployOutcome::InProgress,
            });
        }
        publish_app(bus, rec);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_version_follows_the_release_list() {
        let v: Vec<String> = ["1.2.0", "1.3.0", "1.4.0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(next_version(&v, "1.2.0").as_deref(), Some("1.3.0"));
        assert_eq!(next_version(&v, "1.4.0"), None);
        assert_eq!(next_version(&v, "9.9.9"), None);
    }
}
