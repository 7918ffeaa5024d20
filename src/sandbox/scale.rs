//! `--scale ORGSxENVSxAPPS`: adds generated Orgs (`scale-org-001`, …), their
//! Environments and Applications on top of the seed, deterministically from the seed
//! number, so lists of thousands of Applications can be tried. Generated Applications
//! never start operations (they are running, degraded, failed or paused), so the
//! simulation is not flooded.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::options::Scale;
use super::seed::{default_policy, new_environment, regions_for};
use super::store::{AppRecord, AppSpec, World};
use crate::model::*;

/// Environment types in the order generated Orgs get them.
const ENV_ORDER: [EnvType; 5] = [
    EnvType::Dev,
    EnvType::Stg,
    EnvType::Uat,
    EnvType::Prod,
    EnvType::Poc,
];

/// Adds `scale` generated Orgs, Environments and Applications.
pub fn add_generated(world: &mut World, scale: Scale, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let now = world.now();
    let catalogue: Vec<String> = world
        .blueprints
        .values()
        .filter(|b| {
            b.blueprint.visibility == Visibility::Listed && b.blueprint.category != "bundle"
        })
        .map(|b| b.blueprint.name.clone())
        .collect();
    if catalogue.is_empty() {
        return;
    }
    let width = scale.orgs.max(1).to_string().len().max(3);
    for o in 1..=scale.orgs {
        let org = format!("scale-org-{o:0width$}");
        world.orgs.insert(
            org.clone(),
            Org {
                name: org.clone(),
                display_name: format!("Scale Org {o}"),
                kind: "generated".into(),
                environments: Vec::new(),
                counts: Counts::default(),
            },
        );
        for env_type in ENV_ORDER.iter().take(scale.envs as usize) {
            let topology = if *env_type == EnvType::Prod {
                Topology::ActiveActive
            } else {
                Topology::SingleRegion
            };
            let policy = default_policy(world, &org, *env_type);
            let regions = regions_for(&world.sovereign, topology);
            let created = now - chrono::TimeDelta::days(rng.random_range(30..400));
            let env = new_environment(
                &world.sovereign,
                &org,
                *env_type,
                topology,
                regions,
                created,
                policy,
            );
            let env_name = env.env.name.clone();
            let mut apps = std::collections::BTreeMap::new();
            for a in 1..=scale.apps {
                let Some(bp) = world
                    .blueprints
                    .get(&catalogue[rng.random_range(0..catalogue.len())])
                else {
                    continue;
                };
                let versions = &bp.blueprint.versions;
                let version = versions[rng.random_range(0..versions.len())].clone();
                let status = match rng.random_range(0..100) {
                    0..=2 => AppStatus::Degraded,
                    3..=4 => AppStatus::Failed,
                    5 => AppStatus::Paused,
                    _ => AppStatus::Running,
                };
                let name = format!("svc-{a:04}");
                let deployed_at =
                    now - chrono::TimeDelta::minutes(rng.random_range(5..60 * 24 * 60));
                let rec = AppRecord::build(AppSpec {
                    env: &env,
                    blueprint: bp,
                    name: &name,
                    version: &version,
                    status,
                    status_detail: String::new(),
                    endpoint: None,
                    pods_total: None,
                    pods_ready: None,
                    restarts: if status == AppStatus::Running { 0 } else { 3 },
                    values: bp.template.defaults.clone(),
                    owner_team: org.clone(),
                    deployed_at,
                    actor: "admin",
                    from_version: None,
                    progress: None,
                    earlier_deploys: 1,
                });
                apps.insert(name, rec);
            }
            world.environments.insert(env_name.clone(), env);
            world.apps.insert(env_name, apps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::options::SovereignSeed;
    use crate::sandbox::seed::build_world;

    fn generated(seed: u64) -> World {
        let mut w = build_world(SovereignSeed::Bankdhofar, chrono::Utc::now()).unwrap();
        add_generated(
            &mut w,
            Scale {
                orgs: 3,
                envs: 4,
                apps: 5,
            },
            seed,
        );
        w
    }

    #[test]
    fn adds_exactly_what_was_asked() {
        let w = generated(7);
        let orgs: Vec<_> = w
            .orgs
            .keys()
            .filter(|o| o.starts_with("scale-org-"))
            .collect();
        assert_eq!(orgs.len(), 3);
        assert_eq!(w.env_names_of("scale-org-002").len(), 4);
        assert_eq!(w.org_counts("scale-org-003").applications, 20);
        assert!(w.environments.contains_key("scale-org-001-prod"));
    }

    #[test]
    fn is_deterministic_per_seed() {
        let pick = |w: &World| -> Vec<(String, String, AppStatus)> {
            w.apps["scale-org-001-dev"]
                .values()
                .map(|r| {
                    (
                        r.app.name.clone(),
                        r.app.blueprint.name.clone(),
                        r.app.status,
                    )
                })
                .collect()
        };
        assert_eq!(pick(&generated(7)), pick(&generated(7)));
        assert_ne!(pick(&generated(7)), pick(&generated(8)));
    }
}
