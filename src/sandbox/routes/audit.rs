//! The audit log: filtered pages (newest first) and, with `Accept: application/x-ndjson`,
//! the whole filtered log as a stream of one JSON record per line (oldest first, for a
//! SIEM). Readers: sovereign-admins and security-officers for everything, org-admins for
//! their Orgs, a support agent with a ticket for everything it may read (everything).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::{Paging, QueryArgs};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::store::{SharedSandbox, World};

/// Content type of the export.
pub const NDJSON: &str = "application/x-ndjson";

pub(super) fn routes() -> Router<SharedSandbox> {
    Router::new().route("/api/v1/audit", get(audit))
}

#[derive(Debug, Default, Deserialize)]
struct Filters {
    org: Option<String>,
    environment: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    since: Option<String>,
    until: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

struct Matcher {
    /// Orgs the caller may read records of; `None` for all.
    orgs: Option<Vec<String>>,
    org: Option<String>,
    environment: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
}

impl Matcher {
    fn matches(&self, world: &World, r: &AuditRecord) -> bool {
        let needs_org = self.orgs.is_some() || self.org.is_some();
        let org = needs_org.then(|| world.org_of_target(&r.target)).flatten();
        if let Some(allowed) = &self.orgs
            && !org.as_ref().is_some_and(|o| allowed.contains(o))
        {
            return false;
        }
        if self.org.is_some() && org != self.org {
            return false;
        }
        if self.environment.is_some() && world.env_of_target(&r.target) != self.environment {
            return false;
        }
        if self.actor.as_ref().is_some_and(|a| *a != r.actor) {
            return false;
        }
        // `action=promotion` matches `promotion.review`, `promotion.merge`, …
        if let Some(a) = &self.action
            && r.action != *a
            && !r
                .action
                .strip_prefix(a.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
        {
            return false;
        }
        self.since.is_none_or(|s| r.at >= s) && self.until.is_none_or(|u| r.at < u)
    }
}

fn time_param(name: &str, value: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    let Some(v) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    // A `+` of an offset arrives as a space when the client did not encode it.
    chrono::DateTime::parse_from_rfc3339(&v.replace(' ', "+"))
        .map(|t| Some(t.with_timezone(&chrono::Utc)))
        .map_err(|_| {
            ApiError::invalid(
                "invalid",
                format!("{name} must be an RFC 3339 time such as 2026-11-01T00:00:00Z"),
                vec![FieldError {
                    path: name.to_string(),
                    message: "not an RFC 3339 time".into(),
                }],
            )
        })
}

fn scope(
    caller: &Caller,
    world: &World,
    org: Option<&str>,
) -> Result<Option<Vec<String>>, ApiError> {
    if caller.reads_all_audit() {
        return Ok(None);
    }
    let admin_of: Vec<String> = world
        .orgs
        .keys()
        .filter(|o| caller.reads_audit_of(o))
        .cloned()
        .collect();
    match org {
        Some(o) if !admin_of.iter().any(|a| a == o) => Err(caller.forbidden(
            RoleName::OrgAdmin.as_str(),
            format!("reading the audit log of {o} needs org-admin of {o}, security-officer or sovereign-admin"),
        )),
        _ if admin_of.is_empty() => Err(caller.forbidden(
            RoleName::SecurityOfficer.as_str(),
            "reading the audit log needs security-officer or sovereign-admin (org-admins read their Orgs')",
        )),
        _ => Ok(Some(admin_of)),
    }
}

async fn audit(
    State(sb): State<SharedSandbox>,
    caller: Caller,
    headers: HeaderMap,
    QueryArgs(q): QueryArgs<Filters>,
) -> Result<Response, ApiError> {
    let paging = Paging::new(q.limit, q.cursor.clone())?;
    let world = sb.world.read().await;
    let matcher = Matcher {
        orgs: scope(&caller, &world, q.org.as_deref())?,
        org: q.org,
        environment: q.environment,
        actor: q.actor,
        action: q.action,
        since: time_param("since", q.since.as_deref())?,
        until: time_param("until", q.until.as_deref())?,
    };
    let export = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(NDJSON));
    if export {
        let lines: Vec<Result<String, std::convert::Infallible>> = world
            .audit
            .iter()
            .filter(|r| matcher.matches(&world, r))
            .map(|r| {
                Ok(format!(
                    "{}\n",
                    serde_json::to_string(r).unwrap_or_default()
                ))
            })
            .collect();
        drop(world);
        let mut resp = Body::from_stream(futures::stream::iter(lines)).into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(NDJSON));
        return Ok(resp);
    }
    let end = match paging.cursor.as_deref() {
        None => world.audit.len(),
        Some(c) => c
            .parse::<usize>()
            .ok()
            .filter(|i| *i <= world.audit.len())
            .ok_or_else(|| {
                ApiError::invalid(
                    "invalid",
                    "cursor is not one this server gave out",
                    vec![FieldError {
                        path: "cursor".into(),
                        message: "unknown cursor".into(),
                    }],
                )
            })?,
    };
    let mut items = Vec::new();
    let mut next_cursor = None;
    for i in (0..end).rev() {
        let r = &world.audit[i];
        if !matcher.matches(&world, r) {
            continue;
        }
        if items.len() == paging.limit {
            next_cursor = Some((i + 1).to_string());
            break;
        }
        items.push(r.clone());
    }
    Ok(Json(Page { items, next_cursor }).into_response())
}
