//! The Kubernetes Events of an Environment, derived from its pods' states: Scheduled,
//! Pulled, Created and Started for a pod that came up; Pulling for one being created;
//! for a crash-looping pod also a probe failure carrying the Application's
//! `status_detail` and BackOff "Back-off restarting failed container", counted by its
//! restarts. Names are stable (`<pod>.<hash of the reason>`), so a watch reports an
//! Event again only when its count or message changes.
//!
//! Must not read the clock (the same world gives the same Events).

use serde_json::{Value, json};

use super::objects::{self, Kind, PodState, apps, image, node_name, pod_state, uid};
use crate::model::PodInfo;
use crate::sandbox::store::{AppRecord, World, short_hash};

struct Ev<'a> {
    reason: &'a str,
    message: String,
    warning: bool,
    component: &'a str,
    count: u32,
    /// Seconds after the pod started of the first and last occurrence.
    first: i64,
    last: i64,
}

fn pod_events(world: &World, rec: &AppRecord, p: &PodInfo) -> Vec<(String, Value)> {
    let env = &rec.app.environment;
    let c = &rec.app.name;
    let img = image(world, rec);
    let state = pod_state(rec, p);
    let once = |reason, message: String, component, at: i64| Ev {
        reason,
        message,
        warning: false,
        component,
        count: 1,
        first: at,
        last: at,
    };
    let mut evs = vec![once(
        "Scheduled",
        format!("Successfully assigned {env}/{} to {}", p.name, node_name(p)),
        "default-scheduler",
        0,
    )];
    if state == PodState::Creating {
        evs.push(once(
            "Pulling",
            format!("Pulling image \"{img}\""),
            "kubelet",
            1,
        ));
    } else {
        evs.push(once(
            "Pulled",
            format!("Container image \"{img}\" already present on machine"),
            "kubelet",
            1,
        ));
        evs.push(once(
            "Created",
            format!("Created container: {c}"),
            "kubelet",
            1,
        ));
        evs.push(once(
            "Started",
            format!("Started container {c}"),
            "kubelet",
            2,
        ));
    }
    if state == PodState::CrashLoop {
        let restarts = objects::restarts(rec, p);
        let detail = if rec.app.status_detail.is_empty() {
            "HTTP probe failed with statuscode: 503".to_string()
        } else {
            rec.app.status_detail.clone()
        };
        let span = 30 * i64::from(restarts);
        evs.push(Ev {
            reason: "Unhealthy",
            message: format!("Readiness probe failed: {detail}"),
            warning: true,
            component: "kubelet",
            count: restarts,
            first: 10,
            last: 10 + span,
        });
        evs.push(Ev {
            reason: "BackOff",
            message: format!(
                "Back-off restarting failed container {c} in pod {}_{env}({})",
                p.name,
                uid(&format!("Pod/{env}/{}", p.name))
            ),
            warning: true,
            component: "kubelet",
            count: restarts,
            first: 20,
            last: 20 + span,
        });
    }
    evs.into_iter()
        .map(|e| {
            let name = format!("{}.{}", p.name, &short_hash(e.reason)[2..10]);
            let at = |s: i64| {
                (p.started_at + chrono::TimeDelta::seconds(s))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            };
            let obj = json!({
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {
                    "name": name,
                    "namespace": env,
                    "uid": uid(&format!("Event/{env}/{name}")),
                    "creationTimestamp": at(e.first),
                },
                "involvedObject": {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "name": p.name,
                    "namespace": env,
                    "uid": uid(&format!("{}/{env}/{}", Kind::Pod.kind(), p.name)),
                    "fieldPath": format!("spec.containers{{{c}}}"),
                },
                "reason": e.reason,
                "message": e.message,
                "type": if e.warning { "Warning" } else { "Normal" },
                "count": e.count,
                "firstTimestamp": at(e.first),
                "lastTimestamp": at(e.last),
                "eventTime": null,
                "source": {"component": e.component, "host": node_name(p)},
                "reportingComponent": e.component,
                "reportingInstance": node_name(p),
            });
            (name, obj)
        })
        .collect()
}

/// Every Event of the Environment, in a stable order.
pub fn events(world: &World, env: &str) -> Vec<(String, Value)> {
    apps(world, env)
        .flat_map(|rec| rec.pods.iter().flat_map(move |p| pod_events(world, rec, p)))
        .collect()
}

/// `fieldSelector` of an Event list or watch (`involvedObject.name=…,…`, what
/// `kubectl describe` sends); `Err` names a field the sandbox cannot select on.
pub fn field_selector(sel: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in sel.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once("==")
            .or_else(|| part.split_once('='))
            .ok_or_else(|| format!("invalid field selector: {part}"))?;
        out.push((k.trim().to_string(), v.trim().to_string()));
    }
    Ok(out)
}

/// True when `obj` has every selected field (`a.b=value`); `metadata.name` and
/// `metadata.namespace` work on every kind.
pub fn selected(obj: &Value, sel: &[(String, String)]) -> bool {
    sel.iter().all(|(path, want)| {
        let got = path.split('.').try_fold(obj, |v, k| v.get(k));
        match got {
            Some(Value::String(s)) => s == want,
            Some(Value::Number(n)) => n.to_string() == *want,
            Some(Value::Bool(b)) => b.to_string() == *want,
            // An empty value selects objects without the field.
            _ => want.is_empty(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_selectors_are_what_kubectl_describe_sends() {
        let sel = field_selector(
            "involvedObject.name=web-1,involvedObject.namespace==dev,involvedObject.uid=",
        )
        .unwrap();
        assert_eq!(sel.len(), 3);
        let ev = json!({"involvedObject": {"name": "web-1", "namespace": "dev"}});
        assert!(selected(&ev, &sel));
        let other = json!({"involvedObject": {"name": "web-2", "namespace": "dev"}});
        assert!(!selected(&other, &sel));
        assert!(field_selector("nonsense").is_err());
        assert!(field_selector("").unwrap().is_empty());
    }
}
