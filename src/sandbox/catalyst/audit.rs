//! catalyst-api's RBAC audit listing, `GET /api/v1/sovereigns/{id}/audit/rbac`, in the
//! upstream shape (`{items, schema, nextOffset, hasMore, cursor, total, transport}`,
//! events of `internal/audit`): tier admin only (403 `forbidden` otherwise), newest
//! first, `limit` (at most 500), `offset`, `actor`, `since` and `type` filters. Like
//! upstream with an empty ring, it answers synthesised rows: here one
//! `rbac-grant-created` per persona's role, by `system@openova`. Must not change the
//! world.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::{CatalystCaller, CatalystError, check_sovereign, deployment_id};
use crate::model::RoleName;
use crate::sandbox::store::{SharedSandbox, World};

/// The most one page holds (upstream's cap) and what it holds unasked.
const MAX_LIMIT: usize = 500;
const DEFAULT_LIMIT: usize = 100;

/// The catalog tier a role stands for.
fn tier(role: RoleName) -> &'static str {
    match role {
        RoleName::SovereignAdmin => "owner",
        RoleName::OrgAdmin => "admin",
        RoleName::OrgDeveloper => "developer",
        RoleName::SecurityOfficer => "operator",
        _ => "viewer",
    }
}

/// The synthesised grants, newest first (fixed times, so paging is stable).
fn events(world: &World) -> Vec<(DateTime<Utc>, Value)> {
    let base = DateTime::<Utc>::from_timestamp(1_793_520_000, 0).unwrap_or_default();
    let sovereign = deployment_id(world);
    let mut out = Vec::new();
    for p in world.personas.values() {
        for b in &p.me.roles {
            let at = base + TimeDelta::hours(out.len() as i64);
            let scope = match &b.org {
                Some(org) => json!({ "key": "organization", "value": org }),
                None => json!({ "key": "sovereign", "value": "*" }),
            };
            let ev = json!({
                "auditType": "rbac-grant-created",
                "ts": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "actor": "system@openova",
                "sovereignId": sovereign,
                "result": "ok",
                "targetUser": p.id,
                "targetUserEmail": p.me.email,
                "tier": tier(b.role),
                "scopes": [scope],
                "userAccessRef": format!("ua-{}-{}", p.id, b.role.as_str()),
                "detail": format!("synthesized: seed grant of {}", b.role.as_str()),
            });
            out.push((at, ev));
        }
    }
    out.reverse();
    out
}

/// `GET /api/v1/sovereigns/{id}/audit/rbac`.
pub async fn rbac_audit(
    State(sb): State<SharedSandbox>,
    c: CatalystCaller,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, CatalystError> {
    let world = sb.world.read().await;
    check_sovereign(&world, &id)?;
    if !c.0.is_sovereign_admin() {
        return Err(CatalystError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the audit log needs tier admin",
        ));
    }
    let since = match q.get("since").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            DateTime::parse_from_rfc3339(s)
                .map_err(|_| {
                    CatalystError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid-since",
                        "since must be RFC3339",
                    )
                })?
                .with_timezone(&Utc),
        ),
    };
    let items: Vec<Value> = events(&world)
        .into_iter()
        .filter(|(at, ev)| {
            q.get("actor").is_none_or(|a| ev["actor"] == a.as_str())
                && q.get("type").is_none_or(|t| ev["auditType"] == t.as_str())
                && since.is_none_or(|s| *at >= s)
        })
        .map(|(_, ev)| ev)
        .collect();
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_LIMIT)
        .min(MAX_LIMIT);
    let total = items.len();
    let start = q
        .get("offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0)
        .min(total);
    let end = start.saturating_add(limit).min(total);
    Ok(Json(json!({
        "items": &items[start..end],
        "schema": "catalyst.audit.v1",
        "nextOffset": end,
        "hasMore": end < total,
        "cursor": "",
        "total": total,
        "transport": "catalyst.audit",
    })))
}
