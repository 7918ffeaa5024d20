//! Turns parsed seed files into the world: Blueprints with their versions and schemas,
//! personas, Orgs, Environments and Application records (with the operations of those
//! seeded mid-install or mid-update), then the promotions, access requests and audit
//! history of `history.rs`.

use std::collections::BTreeMap;

use super::files::{AppSeed, BlueprintSeed, EnvSeed, OrgSeed, SovereignFile};
use super::{FIRST_RUNTIME_ID, SeedError, history, new_environment, parse_ago};
use crate::model::*;
use crate::sandbox::routes::validate_values;
use crate::sandbox::store::{
    AppRecord, AppSpec, BlueprintRecord, BlueprintTemplate, Persona, SecretTemplate,
    SovereignProfile, World,
};

pub(super) fn world(
    file: &'static str,
    catalogue: &[BlueprintSeed],
    seed: &SovereignFile,
    now: Timestamp,
) -> Result<World, SeedError> {
    let bad = |message: String| SeedError::Invalid { file, message };
    let p = &seed.sovereign;
    let mut world = World {
        sovereign: SovereignProfile {
            name: p.name.clone(),
            domain: p.domain.clone(),
            kind: p.kind,
            provider: p.provider.clone(),
            building_block: p.building_block.clone(),
            location: p.location.clone(),
        },
        ..World::default()
    };
    let org_names: Vec<&str> = seed.orgs.iter().map(|o| o.name.as_str()).collect();
    world.blueprints =
        blueprints(catalogue, &org_names, now).map_err(|message| SeedError::Invalid {
            file: "blueprints.yaml",
            message,
        })?;
    for ps in &seed.personas {
        world.personas.insert(
            ps.id.clone(),
            Persona {
                id: ps.id.clone(),
                me: Me {
                    sub: ps.id.clone(),
                    name: ps.name.clone(),
                    email: format!("{}@{}", ps.id, p.domain),
                    roles: ps.roles.clone(),
                    teams: ps.teams.clone(),
                    support_agent: ps.support_agent,
                },
                blurb: ps.blurb.clone(),
            },
        );
    }
    for org in &seed.orgs {
        add_org(&mut world, org, now).map_err(bad)?;
    }
    history::add(&mut world, seed, now).map_err(bad)?;
    world.next_id = world.next_id.max(FIRST_RUNTIME_ID);
    Ok(world)
}

/// Builds the catalogue; private Blueprints of Orgs this Sovereign does not have are left
/// out.
pub(super) fn blueprints(
    catalogue: &[BlueprintSeed],
    orgs: &[&str],
    now: Timestamp,
) -> Result<BTreeMap<String, BlueprintRecord>, String> {
    let mut out = BTreeMap::new();
    for b in catalogue {
        if b.visibility == Visibility::Private && !orgs.contains(&b.owner.as_str()) {
            continue;
        }
        let latest = b
            .versions
            .last()
            .ok_or_else(|| format!("{} has no versions", b.name))?;
        let mut versions = BTreeMap::new();
        let mut schema = b.schema.clone();
        for v in &b.versions {
            if let (Some(add), Some(props)) = (
                &v.add_properties,
                schema
                    .get_mut("properties")
                    .and_then(serde_json::Value::as_object_mut),
            ) {
                props.extend(add.clone());
            }
            let released =
                parse_ago(&v.released).map_err(|e| format!("{} {}: {e}", b.name, v.version))?;
            versions.insert(
                v.version.clone(),
                BlueprintVersion {
                    name: b.name.clone(),
                    display_name: b.display_name.clone(),
                    version: v.version.clone(),
                    released_at: Some(now - released),
                    changelog: v.changelog.clone(),
                    config_schema: schema.clone(),
                    depends: b.depends.clone(),
                },
            );
        }
        if jsonschema::validator_for(&schema).is_err() {
            return Err(format!("{}: the config schema does not compile", b.name));
        }
        if !validate_values(&b.schema, &b.defaults).is_empty() {
            return Err(format!("{}: the defaults fail the schema", b.name));
        }
        out.insert(
            b.name.clone(),
            BlueprintRecord {
                blueprint: Blueprint {
                    name: b.name.clone(),
                    display_name: b.display_name.clone(),
                    summary: b.summary.clone(),
                    category: b.category.clone(),
                    owner: b.owner.clone(),
                    visibility: b.visibility,
                    latest_version: latest.version.clone(),
                    versions: b.versions.iter().map(|v| v.version.clone()).collect(),
                },
                versions,
                template: BlueprintTemplate {
                    kind: b.kind,
                    pods: b.pods,
                    port: b.port,
                    secrets: b
                        .secrets
                        .iter()
                        .map(|s| SecretTemplate {
                            name: s.name.clone(),
                            keys: s.keys.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                        })
                        .collect(),
                    defaults: b.defaults.clone(),
                },
            },
        );
    }
    Ok(out)
}

fn add_org(world: &mut World, org: &OrgSeed, now: Timestamp) -> Result<(), String> {
    world.orgs.insert(
        org.name.clone(),
        Org {
            name: org.name.clone(),
            display_name: org.display_name.clone(),
            kind: org.kind.clone(),
            environments: Vec::new(),
            counts: Counts::default(),
        },
    );
    for env in &org.environments {
        add_env(world, org, env, now)?;
    }
    Ok(())
}

fn add_env(world: &mut World, org: &OrgSeed, env: &EnvSeed, now: Timestamp) -> Result<(), String> {
    let created = parse_ago(&env.created)?;
    let record = new_environment(
        &world.sovereign,
        &org.name,
        env.env_type,
        env.topology,
        env.regions.clone(),
        now - created,
        EnvironmentPolicy {
            environment: String::new(),
            rules: env.policy.rules.clone(),
            access: env.policy.access.clone(),
        },
    );
    let name = record.env.name.clone();
    world.environments.insert(name.clone(), record);
    let mut apps = BTreeMap::new();
    for app in env.apps.iter().chain(&env.services) {
        let rec = app_record(world, org, &name, app, now)
            .map_err(|e| format!("{name}/{}: {e}", app.name))?;
        if apps.insert(app.name.clone(), rec).is_some() {
            return Err(format!("{name}/{} appears twice", app.name));
        }
    }
    for app in env.apps.iter().chain(&env.services) {
        if let Some(missing) = app.depends.iter().find(|d| !apps.contains_key(*d)) {
            return Err(format!("{name}/{} depends on unknown {missing}", app.name));
        }
    }
    world.apps.insert(name.clone(), apps);
    world.relink_env(&name);
    for app in env.apps.iter().chain(&env.services) {
        if let Some(progress) = &app.progress {
            let kind = if app.status == AppStatus::Installing {
                "install"
            } else {
                "update"
            };
            let op = world.start_operation(&name, &app.name, kind);
            if let Some(rec) = world.operations.get_mut(&op) {
                rec.percent = progress.percent;
                rec.step = progress.step.clone();
            }
            if let Some(rec) = world.app_mut(&name, &app.name) {
                rec.app.operation_id = Some(op);
            }
        }
    }
    Ok(())
}

fn app_record(
    world: &World,
    org: &OrgSeed,
    env: &str,
    app: &AppSeed,
    now: Timestamp,
) -> Result<AppRecord, String> {
    let bp = world
        .blueprints
        .get(&app.blueprint)
        .ok_or_else(|| format!("unknown Blueprint {}", app.blueprint))?;
    let version = bp
        .versions
        .get(&app.version)
        .ok_or_else(|| format!("{} has no version {}", app.blueprint, app.version))?;
    let errors = validate_values(&version.config_schema, &app.values);
    if let Some(e) = errors.first() {
        return Err(format!(
            "values fail the schema at {:?}: {}",
            e.path, e.message
        ));
    }
    let env_rec = world
        .environments
        .get(env)
        .ok_or_else(|| format!("unknown Environment {env}"))?;
    let deployed_at = now - parse_ago(&app.deployed.ago)?;
    let mut rec = AppRecord::build(AppSpec {
        env: env_rec,
        blueprint: bp,
        name: &app.name,
        version: &app.version,
        status: app.status,
        status_detail: app.detail.clone(),
        endpoint: app.endpoint.clone().or_else(|| {
            super::default_endpoint(&world.sovereign, &env_rec.env, &app.name, bp.template.kind)
        }),
        pods_total: app.pods.map(|[_, total]| total),
        pods_ready: app.pods.map(|[ready, _]| ready),
        restarts: app.restarts,
        values: app.values.clone(),
        owner_team: app
            .owner_team
            .clone()
            .unwrap_or_else(|| org.owner_team.clone()),
        deployed_at,
        actor: &app.deployed.actor,
        from_version: app.from_version.as_deref(),
        progress: app.progress.clone(),
        earlier_deploys: 2,
    });
    rec.app.dependencies = app
        .depends
        .iter()
        .map(|d| Dependency {
            name: d.clone(),
            alias: None,
        })
        .collect();
    Ok(rec)
}
