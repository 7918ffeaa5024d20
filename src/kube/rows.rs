//! What the console shows of Kubernetes objects inside a grant: one row per pod, event
//! or Flux object, taken from the objects the watches deliver. A pod's status reads as
//! `kubectl get pods` says it (a waiting or terminated container's reason before the
//! phase), its readiness as `ready/total`, its restarts summed over containers.
//!
//! Pure data and conversions: no I/O, no screen.

use chrono::{DateTime, Utc};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::DynamicObject;

/// One pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRow {
    pub name: String,
    /// `2/2`.
    pub ready: String,
    /// Whether every container is ready.
    pub all_ready: bool,
    /// `Running`, `CrashLoopBackOff`, `ContainerCreating`, `Completed`…
    pub status: String,
    pub restarts: i32,
    pub created: Option<DateTime<Utc>>,
    pub node: String,
    /// The containers, in the pod's order (logs are read from the first unless asked).
    pub containers: Vec<String>,
    /// The Application the pod belongs to (`app.kubernetes.io/instance`).
    pub app: String,
}

impl PodRow {
    /// Whether the status is one an operator must look at.
    pub fn troubled(&self) -> bool {
        !matches!(self.status.as_str(), "Running" | "Completed" | "Succeeded") || !self.all_ready
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The event object's name (its key).
    pub name: String,
    /// When it last happened.
    pub last: Option<DateTime<Utc>>,
    /// `Normal` or `Warning`.
    pub kind: String,
    pub reason: String,
    /// `pod/payment-rail-7d9c-x2k4`.
    pub object: String,
    pub message: String,
    pub count: i32,
}

/// A Flux object and its Ready condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxRow {
    /// `HelmRelease` or `Kustomization`.
    pub kind: String,
    pub name: String,
    /// The Ready condition's status: `Some(true)` ready, `Some(false)` not, `None` unknown.
    pub ready: Option<bool>,
    pub reason: String,
    pub message: String,
    /// When Ready last changed.
    pub since: Option<DateTime<Utc>>,
}

/// A row of any kind a namespace watch delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeRow {
    Pod(PodRow),
    Event(EventRow),
    Flux(FluxRow),
}

/// Which kind of object a row or a watch is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    Pod,
    Event,
    HelmRelease,
    Kustomization,
}

impl RowKind {
    /// The kind as Kubernetes names it.
    pub fn kind(self) -> &'static str {
        match self {
            RowKind::Pod => "Pod",
            RowKind::Event => "Event",
            RowKind::HelmRelease => "HelmRelease",
            RowKind::Kustomization => "Kustomization",
        }
    }

    /// The kind a Flux row names.
    pub fn of_flux(kind: &str) -> RowKind {
        if kind == "Kustomization" {
            RowKind::Kustomization
        } else {
            RowKind::HelmRelease
        }
    }
}

impl KubeRow {
    /// The row's kind.
    pub fn kind(&self) -> RowKind {
        match self {
            KubeRow::Pod(_) => RowKind::Pod,
            KubeRow::Event(_) => RowKind::Event,
            KubeRow::Flux(f) => RowKind::of_flux(&f.kind),
        }
    }

    /// The object's name.
    pub fn name(&self) -> &str {
        match self {
            KubeRow::Pod(p) => &p.name,
            KubeRow::Event(e) => &e.name,
            KubeRow::Flux(f) => &f.name,
        }
    }
}

/// A Kubernetes time as the console's.
fn stamp(t: &k8s_openapi::jiff::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.as_second(), t.subsec_nanosecond().max(0) as u32)
}

fn time(t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>) -> Option<DateTime<Utc>> {
    t.and_then(|t| stamp(&t.0))
}

/// The row of a pod.
pub fn pod_row(pod: &Pod) -> PodRow {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let app = pod
        .metadata
        .labels
        .as_ref()
        .and_then(|l| {
            l.get("app.kubernetes.io/instance")
                .or_else(|| l.get("app.kubernetes.io/name"))
                .or_else(|| l.get("app"))
        })
        .cloned()
        .unwrap_or_default();
    let spec = pod.spec.as_ref();
    let containers: Vec<String> = spec
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let node = spec.and_then(|s| s.node_name.clone()).unwrap_or_default();
    let status = pod.status.as_ref();
    let statuses = status
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default();
    let total = containers.len().max(statuses.len());
    let ready = statuses.iter().filter(|c| c.ready).count();
    let restarts = statuses.iter().map(|c| c.restart_count).sum();
    let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    // kubectl's reading: a container's waiting or terminated reason says more than the
    // phase; a pod being deleted is Terminating.
    let reason = statuses.iter().find_map(|c| {
        let state = c.state.as_ref()?;
        if let Some(w) = &state.waiting {
            return w.reason.clone();
        }
        state
            .terminated
            .as_ref()
            .and_then(|t| t.reason.clone())
            .filter(|r| r != "Completed" || phase != "Running")
    });
    let status_text = if pod.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        reason
            .or_else(|| status.and_then(|s| s.reason.clone()))
            .unwrap_or(if phase.is_empty() {
                "Unknown".to_string()
            } else {
                phase
            })
    };
    PodRow {
        name,
        ready: format!("{ready}/{total}"),
        all_ready: total > 0 && ready == total,
        status: status_text,
        restarts,
        created: time(pod.metadata.creation_timestamp.as_ref()),
        node,
        containers,
        app,
    }
}

/// The row of an event.
pub fn event_row(e: &Event) -> EventRow {
    let last = e
        .last_timestamp
        .as_ref()
        .and_then(|t| time(Some(t)))
        .or_else(|| e.event_time.as_ref().and_then(|t| stamp(&t.0)))
        .or_else(|| time(e.first_timestamp.as_ref()))
        .or_else(|| time(e.metadata.creation_timestamp.as_ref()));
    let o = &e.involved_object;
    EventRow {
        name: e.metadata.name.clone().unwrap_or_default(),
        last,
        kind: e.type_.clone().unwrap_or_else(|| "Normal".to_string()),
        reason: e.reason.clone().unwrap_or_default(),
        object: format!(
            "{}/{}",
            o.kind.as_deref().unwrap_or("object").to_ascii_lowercase(),
            o.name.as_deref().unwrap_or_default()
        ),
        message: e.message.clone().unwrap_or_default(),
        count: e.count.unwrap_or(1),
    }
}

/// The row of a Flux object (`kind` as its watch names it).
pub fn flux_row(kind: RowKind, o: &DynamicObject) -> FluxRow {
    let ready = o.data["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"));
    let s = |k: &str| {
        ready
            .and_then(|c| c[k].as_str())
            .unwrap_or_default()
            .to_string()
    };
    FluxRow {
        kind: kind.kind().to_string(),
        name: o.metadata.name.clone().unwrap_or_default(),
        ready: match s("status").as_str() {
            "True" => Some(true),
            "False" => Some(false),
            _ => None,
        },
        reason: s("reason"),
        message: s("message"),
        since: DateTime::parse_from_rfc3339(&s("lastTransitionTime"))
            .ok()
            .map(|t| t.with_timezone(&Utc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(json: serde_json::Value) -> Pod {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_crash_looping_pod_reads_as_kubectl_says_it() {
        let p = pod(serde_json::json!({
            "metadata": {"name": "payment-rail-7d9c-x2k4", "creationTimestamp": "2026-12-07T10:00:00Z",
                "labels": {"app.kubernetes.io/instance": "payment-rail"}},
            "spec": {"nodeName": "eu-worker-1", "containers": [{"name": "payment-rail"}]},
            "status": {"phase": "Running", "containerStatuses": [{
                "name": "payment-rail", "ready": false, "restartCount": 7, "image": "x", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
        }));
        let r = pod_row(&p);
        assert_eq!(r.status, "CrashLoopBackOff");
        assert_eq!(r.ready, "0/1");
        assert_eq!(r.restarts, 7);
        assert_eq!(r.node, "eu-worker-1");
        assert_eq!(r.app, "payment-rail");
        assert_eq!(r.containers, vec!["payment-rail".to_string()]);
        assert!(r.troubled());
        assert_eq!(
            r.created,
            Some(
                DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc)
            )
        );
    }

    #[test]
    fn a_healthy_pod_is_running_and_ready() {
        let p = pod(serde_json::json!({
            "metadata": {"name": "a"},
            "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "a", "ready": true, "restartCount": 0, "image": "x", "imageID": "", "state": {"running": {}}},
                {"name": "b", "ready": true, "restartCount": 1, "image": "x", "imageID": "", "state": {"running": {}}}]}
        }));
        let r = pod_row(&p);
        assert_eq!(
            (r.status.as_str(), r.ready.as_str(), r.restarts),
            ("Running", "2/2", 1)
        );
        assert!(!r.troubled());
        // Nothing known yet: Unknown, 0/0.
        let bare = pod_row(&pod(serde_json::json!({"metadata": {"name": "b"}})));
        assert_eq!(
            (bare.status.as_str(), bare.ready.as_str()),
            ("Unknown", "0/0")
        );
        let gone = pod_row(&pod(serde_json::json!({"metadata": {"name": "c",
            "deletionTimestamp": "2026-12-07T10:00:00Z"}, "status": {"phase": "Running"}})));
        assert_eq!(gone.status, "Terminating");
    }

    #[test]
    fn events_and_flux_objects_read_their_fields() {
        let e: Event = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "payment-rail.1"},
            "involvedObject": {"kind": "Pod", "name": "payment-rail-7d9c-x2k4"},
            "reason": "BackOff", "message": "Back-off restarting failed container",
            "type": "Warning", "count": 12, "lastTimestamp": "2026-12-07T10:05:00Z"
        }))
        .unwrap();
        let r = event_row(&e);
        assert_eq!(r.object, "pod/payment-rail-7d9c-x2k4");
        assert_eq!(
            (r.kind.as_str(), r.reason.as_str(), r.count),
            ("Warning", "BackOff", 12)
        );
        assert!(r.last.is_some());

        let hr: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": {"name": "payment-rail"},
            "status": {"conditions": [{"type": "Ready", "status": "False",
                "reason": "UpgradeFailed", "message": "probe failing", "lastTransitionTime": "2026-12-07T10:05:00Z"}]}
        }))
        .unwrap();
        let f = flux_row(RowKind::HelmRelease, &hr);
        assert_eq!(f.ready, Some(false));
        assert_eq!(
            (f.reason.as_str(), f.message.as_str()),
            ("UpgradeFailed", "probe failing")
        );
        assert!(f.since.is_some());
        let ks: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps"}}))
        .unwrap();
        let f = flux_row(RowKind::Kustomization, &ks);
        assert_eq!((f.kind.as_str(), f.ready), ("Kustomization", None));
    }
}
