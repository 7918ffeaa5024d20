//! Server-side tables (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), the
//! way `kubectl get` prints: the columns kubectl shows for pods and events, and the
//! Flux CRDs' printer columns (Age, Ready, Status) for HelmReleases and
//! Kustomizations. Rows carry the object's metadata (`PartialObjectMetadata`).
//!
//! Must not change the objects; ages are relative to the time given.

use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::objects::Kind;

/// True when the client asked for a Table (it lists it before plain JSON).
pub fn wanted(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("as=Table"))
}

/// kubectl's short human ages (`45s`, `12m`, `5h`, `3d`).
fn age(since: Option<&str>, now: DateTime<Utc>) -> String {
    let Some(t) = since.and_then(|s| DateTime::parse_from_rfc3339(s).ok()) else {
        return "<unknown>".into();
    };
    let s = (now - t.with_timezone(&Utc)).num_seconds().max(0);
    match s {
        0..120 => format!("{s}s"),
        120..10_800 => format!("{}m", s / 60),
        10_800..172_800 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

fn col(name: &str, ty: &str, priority: u8) -> Value {
    let format = if name == "Name" { "name" } else { "" };
    json!({"name": name, "type": ty, "format": format, "description": "", "priority": priority})
}

fn columns(kind: Kind) -> Vec<Value> {
    match kind {
        Kind::Pod => vec![
            col("Name", "string", 0),
            col("Ready", "string", 0),
            col("Status", "string", 0),
            col("Restarts", "string", 0),
            col("Age", "string", 0),
            col("IP", "string", 1),
            col("Node", "string", 1),
        ],
        Kind::Event => vec![
            col("Last Seen", "string", 0),
            col("Type", "string", 0),
            col("Reason", "string", 0),
            col("Object", "string", 0),
            col("Message", "string", 0),
        ],
        Kind::HelmRelease | Kind::Kustomization => vec![
            col("Name", "string", 0),
            col("Age", "date", 0),
            col("Ready", "string", 0),
            col("Status", "string", 0),
        ],
    }
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn pod_status(o: &Value) -> String {
    let cs = &o["status"]["containerStatuses"][0];
    let waiting = s(cs, &["state", "waiting", "reason"]);
    if !waiting.is_empty() {
        waiting.to_string()
    } else {
        s(o, &["status", "phase"]).to_string()
    }
}

fn cells(kind: Kind, o: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let name = s(o, &["metadata", "name"]);
    let created = o["metadata"]["creationTimestamp"].as_str();
    match kind {
        Kind::Pod => {
            let cs = &o["status"]["containerStatuses"][0];
            let ready = u8::from(cs["ready"].as_bool().unwrap_or(false));
            vec![
                json!(name),
                json!(format!("{ready}/1")),
                json!(pod_status(o)),
                json!(cs["restartCount"].as_u64().unwrap_or(0).to_string()),
                json!(age(created, now)),
                json!(s(o, &["status", "podIP"])),
                json!(s(o, &["spec", "nodeName"])),
            ]
        }
        Kind::Event => vec![
            json!(age(o["lastTimestamp"].as_str(), now)),
            json!(s(o, &["type"])),
            json!(s(o, &["reason"])),
            json!(format!(
                "{}/{}",
                s(o, &["involvedObject", "kind"]).to_lowercase(),
                s(o, &["involvedObject", "name"])
            )),
            json!(s(o, &["message"])),
        ],
        Kind::HelmRelease | Kind::Kustomization => {
            let ready = &o["status"]["conditions"][0];
            vec![
                json!(name),
                json!(age(created, now)),
                json!(s(ready, &["status"])),
                json!(s(ready, &["message"])),
            ]
        }
    }
}

/// A Table of `objects` at resourceVersion `rv`.
pub fn table(kind: Kind, objects: &[Value], rv: &str, now: DateTime<Utc>) -> Value {
    let rows: Vec<Value> = objects
        .iter()
        .map(|o| {
            json!({
                "cells": cells(kind, o, now),
                "object": {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": o["metadata"],
                },
            })
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": rv},
        "columnDefinitions": columns(kind),
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        let now = DateTime::parse_from_rfc3339("2026-01-10T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s: &str| age(Some(s), now);
        assert_eq!(at("2026-01-09T23:59:15Z"), "45s");
        assert_eq!(at("2026-01-09T23:48:00Z"), "12m");
        assert_eq!(at("2026-01-09T19:00:00Z"), "5h");
        assert_eq!(at("2026-01-07T00:00:00Z"), "3d");
        assert_eq!(age(None, now), "<unknown>");
    }

    #[test]
    fn a_pod_row_shows_readiness_status_and_restarts() {
        let pod = json!({
            "metadata": {"name": "web-1", "creationTimestamp": "2026-01-09T23:59:00Z"},
            "status": {"phase": "Running", "containerStatuses": [{
                "ready": false, "restartCount": 3,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            }]},
        });
        let now = Utc::now();
        let t = table(Kind::Pod, &[pod], "7", now);
        assert_eq!(t["kind"], "Table");
        let cells = &t["rows"][0]["cells"];
        assert_eq!(cells[0], "web-1");
        assert_eq!(cells[1], "0/1");
        assert_eq!(cells[2], "CrashLoopBackOff");
        assert_eq!(cells[3], "3");
        assert_eq!(t["rows"][0]["object"]["metadata"]["name"], "web-1");
    }
}
