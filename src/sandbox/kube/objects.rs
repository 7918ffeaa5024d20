//! The Kubernetes objects of an Environment, derived from its Applications: the kinds
//! served, one Pod per `AppRecord.pods` entry, and what Pods, Events and the Flux
//! objects (`flux`) share (ids, labels, metadata, pod states).
//!
//! Objects come without `metadata.resourceVersion`; `watch` stamps it (list and watch
//! decide which version an object carries). Must not read the clock: the same world
//! always gives the same objects, so a watch sees a change only when there is one.

use serde_json::{Value, json};

use crate::model::{AppStatus, PodInfo, PodPhase};
use crate::sandbox::store::{AppRecord, World, short_hash};

/// The kinds served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pod,
    Event,
    HelmRelease,
    Kustomization,
}

impl Kind {
    pub fn kind(self) -> &'static str {
        match self {
            Kind::Pod => "Pod",
            Kind::Event => "Event",
            Kind::HelmRelease => "HelmRelease",
            Kind::Kustomization => "Kustomization",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::Pod => "pods",
            Kind::Event => "events",
            Kind::HelmRelease => "helmreleases",
            Kind::Kustomization => "kustomizations",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            Kind::Pod => "pod",
            Kind::Event => "event",
            Kind::HelmRelease => "helmrelease",
            Kind::Kustomization => "kustomization",
        }
    }

    pub fn short_name(self) -> Option<&'static str> {
        Some(match self {
            Kind::Pod => "po",
            Kind::Event => "ev",
            Kind::HelmRelease => "hr",
            Kind::Kustomization => "ks",
        })
    }

    /// `v1` or `group/version`.
    pub fn api_version(self) -> &'static str {
        match self {
            Kind::Pod | Kind::Event => "v1",
            Kind::HelmRelease => "helm.toolkit.fluxcd.io/v2",
            Kind::Kustomization => "kustomize.toolkit.fluxcd.io/v1",
        }
    }

    /// A core (`/api/v1`) resource by its plural.
    pub fn of_core(resource: &str) -> Option<Kind> {
        [Kind::Pod, Kind::Event]
            .into_iter()
            .find(|k| k.plural() == resource)
    }

    /// A group resource (`/apis/{group}/{version}[/…/{resource}]`).
    pub fn of_group(group: &str, version: &str, resource: Option<&str>) -> Option<Kind> {
        let gv = format!("{group}/{version}");
        [Kind::HelmRelease, Kind::Kustomization]
            .into_iter()
            .find(|k| k.api_version() == gv && resource.is_none_or(|r| r == k.plural()))
    }
}

/// A stable UUID-shaped id for an object.
pub fn uid(seed: &str) -> String {
    let a = short_hash(seed);
    let b = short_hash(&format!("{seed}#uid"));
    let c = short_hash(&format!("{seed}#uid2"));
    let hex = format!("{a}{b}{c}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..30]
    ) + "ab"
}

pub fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// How a pod's container is doing, as its kubelet would say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodState {
    /// Running and ready.
    Healthy,
    /// Being created (installing): `ContainerCreating`.
    Creating,
    /// Running, not ready yet (an update rolling out).
    Starting,
    /// Restarting over and over: `CrashLoopBackOff`, the last run terminated.
    CrashLoop,
}

pub fn pod_state(rec: &AppRecord, pod: &PodInfo) -> PodState {
    if pod.ready {
        return PodState::Healthy;
    }
    match (rec.app.status, pod.phase) {
        (_, PodPhase::Pending) => PodState::Creating,
        (AppStatus::Degraded | AppStatus::Failed, _) => PodState::CrashLoop,
        _ => PodState::Starting,
    }
}

/// Restarts shown for a pod: a crash-looping pod has restarted at least once.
pub fn restarts(rec: &AppRecord, pod: &PodInfo) -> u32 {
    match pod_state(rec, pod) {
        PodState::CrashLoop => pod.restarts.max(1),
        _ => pod.restarts,
    }
}

/// Why the crash-looping container ended: (reason, exit code).
pub fn termination(rec: &AppRecord) -> (&'static str, i32) {
    if rec.app.status_detail.contains("OOM") {
        ("OOMKilled", 137)
    } else {
        ("Error", 1)
    }
}

pub fn image(world: &World, rec: &AppRecord) -> String {
    match rec.values.get("image").and_then(Value::as_str) {
        Some(i) => i.to_string(),
        None => format!(
            "registry.{}/blueprints/{}:{}",
            world.sovereign.domain, rec.app.blueprint.name, rec.app.blueprint.version
        ),
    }
}

pub fn port(rec: &AppRecord) -> u64 {
    rec.values
        .get("port")
        .and_then(Value::as_u64)
        .unwrap_or(8080)
}

pub fn node_name(pod: &PodInfo) -> String {
    let region = if pod.region.is_empty() {
        "fsn"
    } else {
        &pod.region
    };
    let n = short_hash(&pod.name).bytes().last().unwrap_or(b'0') % 3 + 1;
    format!("{region}-worker-{n}")
}

pub fn labels(rec: &AppRecord) -> Value {
    json!({
        "app.kubernetes.io/name": rec.app.name,
        "app.kubernetes.io/instance": rec.app.name,
        "app.kubernetes.io/version": rec.app.blueprint.version,
        "app.kubernetes.io/managed-by": "Helm",
        "catalyst.openova.io/blueprint": rec.app.blueprint.name,
    })
}

pub fn meta(kind: Kind, env: &str, name: &str, created: String, labels: Value) -> Value {
    json!({
        "name": name,
        "namespace": env,
        "uid": uid(&format!("{}/{env}/{name}", kind.kind())),
        "creationTimestamp": created,
        "labels": labels,
    })
}

/// The Pod object of one pod of an Application.
pub fn pod(world: &World, rec: &AppRecord, p: &PodInfo) -> Value {
    let env = &rec.app.environment;
    let name = &rec.app.name;
    let state = pod_state(rec, p);
    let started = ts(p.started_at);
    let mut labels = labels(rec);
    let hash = p.name.rsplit('-').nth(1).unwrap_or("");
    labels["pod-template-hash"] = json!(hash);
    let ready = if p.ready { "True" } else { "False" };
    let cond = |t: &str, s: &str| json!({"type": t, "status": s, "lastProbeTime": null, "lastTransitionTime": started});
    let (reason, code) = termination(rec);
    let restarts = restarts(rec, p);
    let (current, last) = match state {
        PodState::Healthy | PodState::Starting => {
            let last = if restarts > 0 {
                json!({"terminated": {"exitCode": code, "reason": reason, "startedAt": started, "finishedAt": started}})
            } else {
                json!({})
            };
            (json!({"running": {"startedAt": started}}), last)
        }
        PodState::Creating => (
            json!({"waiting": {"reason": "ContainerCreating"}}),
            json!({}),
        ),
        PodState::CrashLoop => (
            json!({"waiting": {
                "reason": "CrashLoopBackOff",
                "message": format!("back-off 5m0s restarting failed container={name} pod={}_{env}({})", p.name, uid(&format!("Pod/{env}/{}", p.name))),
            }}),
            json!({"terminated": {"exitCode": code, "reason": reason, "message": rec.app.status_detail, "startedAt": started, "finishedAt": started}}),
        ),
    };
    let img = image(world, rec);
    let ip_seed = short_hash(&p.name);
    let ip = format!(
        "10.42.{}.{}",
        u8::from_str_radix(&ip_seed[0..2], 16).unwrap_or(0),
        u8::from_str_radix(&ip_seed[2..4], 16).unwrap_or(0) | 1
    );
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(Kind::Pod, env, &p.name, started.clone(), labels),
        "spec": {
            "containers": [{
                "name": name,
                "image": img,
                "ports": [{"name": "http", "containerPort": port(rec), "protocol": "TCP"}],
                "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 10},
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
            }],
            "nodeName": node_name(p),
            "restartPolicy": "Always",
            "serviceAccountName": name,
        },
        "status": {
            "phase": p.phase.to_string(),
            "conditions": [
                cond("PodScheduled", "True"),
                cond("Initialized", "True"),
                cond("ContainersReady", ready),
                cond("Ready", ready),
            ],
            "hostIP": "10.0.0.10",
            "podIP": ip,
            "startTime": started,
            "qosClass": "Burstable",
            "containerStatuses": [{
                "name": name,
                "image": img,
                "imageID": format!("{img}@sha256:{}", short_hash(&img).repeat(6)),
                "containerID": format!("containerd://{}", short_hash(&p.name).repeat(6)),
                "ready": p.ready,
                "started": !matches!(state, PodState::Creating | PodState::CrashLoop),
                "restartCount": restarts,
                "state": current,
                "lastState": last,
            }],
        },
    })
}

/// Every Pod of the Environment, in a stable order.
pub fn pods(world: &World, env: &str) -> Vec<(String, Value)> {
    apps(world, env)
        .flat_map(|rec| {
            rec.pods
                .iter()
                .map(move |p| (p.name.clone(), pod(world, rec, p)))
        })
        .collect()
}

pub fn apps<'a>(world: &'a World, env: &str) -> impl Iterator<Item = &'a AppRecord> {
    world.apps.get(env).into_iter().flat_map(|m| m.values())
}

/// Every object of `kind` in the Environment.
pub fn snapshot(world: &World, env: &str, kind: Kind) -> Vec<(String, Value)> {
    match kind {
        Kind::Pod => pods(world, env),
        Kind::Event => super::events::events(world, env),
        Kind::HelmRelease => super::flux::helm_releases(world, env),
        Kind::Kustomization => super::flux::kustomizations(world, env),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_found_by_their_paths() {
        assert_eq!(Kind::of_core("pods"), Some(Kind::Pod));
        assert_eq!(Kind::of_core("events"), Some(Kind::Event));
        assert_eq!(Kind::of_core("secrets"), None);
        assert_eq!(
            Kind::of_group("helm.toolkit.fluxcd.io", "v2", Some("helmreleases")),
            Some(Kind::HelmRelease)
        );
        assert_eq!(
            Kind::of_group("kustomize.toolkit.fluxcd.io", "v1", None),
            Some(Kind::Kustomization)
        );
        assert_eq!(
            Kind::of_group("helm.toolkit.fluxcd.io", "v2beta1", None),
            None
        );
    }

    #[test]
    fn uids_are_stable_and_uuid_shaped() {
        let a = uid("Pod/dev/web-1");
        assert_eq!(a, uid("Pod/dev/web-1"));
        assert_ne!(a, uid("Pod/dev/web-2"));
        let parts: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
    }
}
