//! Application records: how one is built from a Blueprint (pods, secrets, history,
//! region topology), how its status changes keep pods consistent, how its values and
//! manifests are rendered as YAML, and the `used_by` links between Applications of an
//! Environment. Never holds or renders a secret value.

use chrono::TimeDelta;

use super::{AppRecord, BlueprintRecord, EnvRecord, World};
use crate::model::*;

/// Everything needed to build one Application record.
#[derive(Debug, Clone)]
pub struct AppSpec<'a> {
    pub env: &'a EnvRecord,
    pub blueprint: &'a BlueprintRecord,
    pub name: &'a str,
    pub version: &'a str,
    pub status: AppStatus,
    pub status_detail: String,
    pub endpoint: Option<String>,
    /// Desired pods; `None` takes the Blueprint's default.
    pub pods_total: Option<u32>,
    /// Ready pods; `None` derives them from the status.
    pub pods_ready: Option<u32>,
    pub restarts: u32,
    pub values: serde_json::Value,
    pub owner_team: String,
    pub deployed_at: Timestamp,
    pub actor: &'a str,
    /// The version running before an update in progress.
    pub from_version: Option<&'a str>,
    pub progress: Option<Progress>,
    /// Earlier successful deploys to show in the history (older versions of the Blueprint).
    pub earlier_deploys: usize,
}

impl AppRecord {
    /// Builds a record whose pods, secrets, history and region topology agree with the
    /// status. Dependencies and `used_by` are linked by [`World::relink_env`].
    pub fn build(spec: AppSpec<'_>) -> AppRecord {
        let env = &spec.env.env;
        let total = spec.pods_total.unwrap_or(spec.blueprint.template.pods);
        let ready = spec
            .pods_ready
            .unwrap_or_else(|| ready_for(spec.status, total));
        let commit = short_hash(&format!("{}/{}/{}", env.name, spec.name, spec.version));
        let history = history_for(&spec, &commit);
        let mode = match env.topology {
            Topology::ActiveActive => PlacementMode::ActiveActive,
            Topology::ActiveHotstandby => PlacementMode::ActiveHotstandby,
            _ => PlacementMode::SingleRegion,
        };
        let secrets = spec
            .blueprint
            .template
            .secrets
            .iter()
            .enumerate()
            .map(|(i, t)| SecretInfo {
                name: t.name.replace("{app}", spec.name),
                keys: t
                    .keys
                    .iter()
                    .map(|(k, size)| SecretKeyInfo {
                        key: k.clone(),
                        size_bytes: *size,
                    })
                    .collect(),
                last_rotated_at: Some(
                    spec.deployed_at - TimeDelta::days(hash_u64(spec.name) as i64 % 20 + i as i64),
                ),
            })
            .collect();
        let app = Application {
            name: spec.name.to_string(),
            environment: env.name.clone(),
            org: env.org.clone(),
            kind: spec.blueprint.template.kind,
            blueprint: BlueprintRef {
                name: spec.blueprint.blueprint.name.clone(),
                version: spec.version.to_string(),
            },
            status: spec.status,
            status_detail: spec.status_detail.clone(),
            endpoint: spec.endpoint.clone(),
            placement: Placement {
                mode,
                regions: env.regions.clone(),
            },
            pods: Pods::counted(ready, total),
            dependencies: Vec::new(),
            used_by: Vec::new(),
            last_deploy: LastDeploy {
                at: spec.deployed_at,
                actor: spec.actor.to_string(),
                version: spec.version.to_string(),
                commit,
            },
            owner_team: spec.owner_team.clone(),
            pending_promotion: None,
            progress: spec.progress.clone(),
            revision: history.len() as u64,
            operation_id: None,
        };
        let mut rec = AppRecord {
            app,
            values: spec.values,
            secrets,
            pods: Vec::new(),
            history,
            regions: Vec::new(),
            status_since: None,
        };
        rec.layout_pods(spec.restarts, spec.deployed_at);
        rec
    }

    /// Sets the status and what goes with it (pods, progress), bumps the revision and
    /// returns the Application to publish. `Running` makes every pod ready; `Paused`
    /// scales to zero; `Degraded` and `Failed` leave pods unready.
    pub fn apply_status(
        &mut self,
        status: AppStatus,
        detail: impl Into<String>,
        now: Timestamp,
    ) -> Application {
        if self.app.status != status {
            self.status_since = Some(now);
        }
        self.app.status = status;
        self.app.status_detail = detail.into();
        self.app.pods.ready = ready_for(status, self.app.pods.total);
        if !status.in_progress() {
            self.app.progress = None;
            self.app.operation_id = None;
        }
        self.layout_pods(0, now);
        self.app.revision += 1;
        self.app.clone()
    }

    /// Rebuilds the pod list and per-region roll-up from `app.pods` and the status.
    pub fn layout_pods(&mut self, restarts: u32, started_at: Timestamp) {
        let regions = if self.app.placement.regions.is_empty() {
            vec![String::new()]
        } else {
            self.app.placement.regions.clone()
        };
        let Pods { ready, total, .. } = self.app.pods;
        let visible = if self.app.status == AppStatus::Paused {
            0
        } else {
            total
        };
        let hash = short_hash(&format!("{}/{}", self.app.environment, self.app.name));
        let rs = &hash[..hash.len().min(9)];
        self.pods = (0..visible)
            .map(|i| {
                let is_ready = i < ready;
                let phase = match (is_ready, self.app.status) {
                    (true, _) => PodPhase::Running,
                    (false, AppStatus::Installing) => PodPhase::Pending,
                    (false, AppStatus::Failed) => PodPhase::Failed,
                    (false, _) => PodPhase::Running,
                };
                PodInfo {
                    name: format!(
                        "{}-{rs}-{}",
                        self.app.name,
                        // The low digits: FNV spreads a last-byte change there, so the
                        // pods of one Application never share a name.
                        &short_hash(&format!("{rs}{i}"))[5..]
                    ),
                    phase,
                    ready: is_ready,
                    restarts: if is_ready { 0 } else { restarts },
                    region: regions[i as usize % regions.len()].clone(),
                    started_at,
                }
            })
            .collect();
        self.regions = regions
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, region)| {
                let in_region = |p: &&PodInfo| &p.region == region;
                RegionTopology {
                    region: region.clone(),
                    role: region_role(self.app.placement.mode, i).to_string(),
                    pods: Pods {
                        ready: self
                            .pods
                            .iter()
                            .filter(in_region)
                            .filter(|p| p.ready)
                            .count() as u32,
                        total: self.pods.iter().filter(in_region).count() as u32,
                        counted: true,
                    },
                }
            })
            .collect();
    }

    /// The values as YAML text (the Settings tab).
    pub fn values_yaml(&self) -> String {
        to_yaml(&self.values)
    }

    /// Manifests rendered from the record: the Flux Kustomization and HelmRelease (values
    /// inline, secrets referenced by name only) and the Service on `port` (the
    /// Blueprint's, unless the values set one).
    pub fn manifests_yaml(&self, env: &EnvRecord, port: u16) -> String {
        let port = self
            .values
            .get("port")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(u64::from(port));
        let a = &self.app;
        let ns = a.name.as_str();
        let kustomization = serde_json::json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": a.name, "namespace": "flux-system"},
            "spec": {
                "interval": "5m",
                "path": format!("./applications/{}", a.name),
                "prune": true,
                "sourceRef": {"kind": "GitRepository", "name": env.env.name},
                "targetNamespace": ns,
            }
        });
        let values_from: Vec<serde_json::Value> = self
            .secrets
            .iter()
            .map(|s| serde_json::json!({"kind": "Secret", "name": s.name}))
            .collect();
        let helm_release = serde_json::json!({
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": {
                "name": a.name,
                "namespace": ns,
                "labels": {
                    "catalyst.openova.io/blueprint": a.blueprint.name,
                    "catalyst.openova.io/environment": a.environment,
                    "catalyst.openova.io/owner-team": a.owner_team,
                },
            },
            "spec": {
                "interval": "10m",
                "chart": {"spec": {
                    "chart": a.blueprint.name,
                    "version": a.blueprint.version,
                    "sourceRef": {"kind": "HelmRepository", "name": "catalyst-blueprints", "namespace": "flux-system"},
                }},
                "suspend": a.status == AppStatus::Paused,
                "values": self.values,
                "valuesFrom": values_from,
            }
        });
        let service = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": a.name, "namespace": ns},
            "spec": {
                "selector": {"app.kubernetes.io/name": a.name},
                "ports": [{"name": "main", "port": port, "targetPort": port}],
            }
        });
        [kustomization, helm_release, service]
            .iter()
            .map(to_yaml)
            .collect::<Vec<_>>()
            .join("---\n")
    }
}

impl World {
    /// Recomputes dependency aliases and `used_by` of every Application of `env` from
    /// their dependencies. Call after installing or removing one.
    pub fn relink_env(&mut self, env: &str) {
        let Some(apps) = self.apps.get_mut(env) else {
            return;
        };
        let blueprints: std::collections::BTreeMap<String, String> = apps
            .iter()
            .map(|(n, r)| (n.clone(), r.app.blueprint.name.clone()))
            .collect();
        let mut used_by: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (name, rec) in apps.iter_mut() {
            rec.app
                .dependencies
                .retain(|d| blueprints.contains_key(&d.name));
            for dep in &mut rec.app.dependencies {
                let short = blueprints
                    .get(&dep.name)
                    .map(|bp| bp.trim_start_matches("bp-").to_string());
                dep.alias = short.filter(|s| *s != dep.name);
                used_by
                    .entry(dep.name.clone())
                    .or_default()
                    .push(name.clone());
            }
        }
        for (name, rec) in apps.iter_mut() {
            rec.app.used_by = used_by.remove(name).unwrap_or_default();
        }
    }

    /// Removes an Application (when its uninstall finishes) and unlinks it from the
    /// Applications that depended on it. Returns the removed record.
    pub fn remove_app(&mut self, env: &str, app: &str) -> Option<AppRecord> {
        let removed = self.apps.get_mut(env)?.remove(app)?;
        self.relink_env(env);
        Some(removed)
    }

    /// Starts an operation on an Application and moves it to `status` at 0 %. Returns the
    /// operation id and the Application to publish.
    pub fn start_app_operation(
        &mut self,
        env: &str,
        app: &str,
        kind: &str,
        status: AppStatus,
        detail: impl Into<String>,
    ) -> Option<(String, Application)> {
        self.app(env, app)?;
        let op = self.start_operation(env, app, kind);
        let now = self.now();
        let rec = self.app_mut(env, app)?;
        rec.app.status = status;
        rec.status_since = Some(now);
        rec.app.status_detail = detail.into();
        rec.app.operation_id = Some(op.clone());
        rec.app.progress = Some(Progress {
            percent: 0,
            step: "queued".to_string(),
        });
        if status == AppStatus::Paused {
            rec.app.pods.ready = 0;
            rec.layout_pods(0, now);
        }
        rec.app.revision += 1;
        Some((op, rec.app.clone()))
    }
}

/// The unified diff a promotion shows: values and version of the target Environment's
/// Application against what the source would bring.
pub fn promotion_diff(
    app: &str,
    target_env: &str,
    from_version: &str,
    to_version: &str,
    target_values: &serde_json::Value,
    source_values: &serde_json::Value,
) -> String {
    let doc = |version: &str, values: &serde_json::Value| {
        format!(
            "# applications/{app}/values.yaml\nblueprint_version: {version}\n{}",
            to_yaml(values)
        )
    };
    let old = doc(from_version, target_values);
    let new = doc(to_version, source_values);
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{target_env}/applications/{app}/values.yaml"),
            &format!("b/{target_env}/applications/{app}/values.yaml"),
        )
        .to_string()
}

/// A short, stable hex digest (FNV-1a), used for commits and pod names.
pub fn short_hash(s: &str) -> String {
    format!("{:010x}", hash_u64(s) & 0xff_ffff_ffff)
}

fn hash_u64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn to_yaml(v: &serde_json::Value) -> String {
    serde_saphyr::to_string(v).unwrap_or_else(|e| format!("# values could not be rendered: {e}\n"))
}

fn ready_for(status: AppStatus, total: u32) -> u32 {
    match status {
        AppStatus::Running | AppStatus::PendingApproval | AppStatus::Updating => total,
        AppStatus::Degraded => total.saturating_sub(1),
        AppStatus::Installing | AppStatus::Failed | AppStatus::Paused | AppStatus::Unknown => 0,
    }
}

fn region_role(mode: PlacementMode, index: usize) -> &'static str {
    match (mode, index) {
        (PlacementMode::ActiveActive, _) => "active",
        (PlacementMode::ActiveHotstandby, 0) => "primary",
        (PlacementMode::ActiveHotstandby, _) => "hot-standby",
        _ => "primary",
    }
}

/// Earlier versions of the Blueprint succeeded; the last deploy's outcome follows the
/// status (in progress while installing or updating, failed when failed).
fn history_for(spec: &AppSpec<'_>, commit: &str) -> Vec<DeployRecord> {
    let versions: Vec<&String> = spec.blueprint.blueprint.versions.iter().collect();
    let pos = versions
        .iter()
        .position(|v| v.as_str() == spec.version)
        .unwrap_or(0);
    let earlier: Vec<String> = match spec.from_version {
        Some(from) => vec![from.to_string()],
        None => versions[..pos]
            .iter()
            .rev()
            .take(spec.earlier_deploys)
            .rev()
            .map(|v| v.to_string())
            .collect(),
    };
    let mut out: Vec<DeployRecord> = earlier
        .iter()
        .enumerate()
        .map(|(i, v)| DeployRecord {
            at: spec.deployed_at - TimeDelta::days(((earlier.len() - i) * 9) as i64),
            actor: spec.actor.to_string(),
            version: v.clone(),
            commit: short_hash(&format!("{}/{}/{v}", spec.env.env.name, spec.name)),
            outcome: DeployOutcome::Succeeded,
        })
        .collect();
    let outcome = match spec.status {
        AppStatus::Installing | AppStatus::Updating => DeployOutcome::InProgress,
        AppStatus::Failed => DeployOutcome::Failed,
        _ => DeployOutcome::Succeeded,
    };
    out.push(DeployRecord {
        at: spec.deployed_at,
        actor: spec.actor.to_string(),
        version: spec.version.to_string(),
        commit: commit.to_string(),
        outcome,
    });
    out
}
