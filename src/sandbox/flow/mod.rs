//! The console API's change flows: promotions and their policy evaluation, just-in-time
//! access requests, and the live streams (`/events`, operation logs).
//!
//! Business rules are `impl World` methods taking the [`Caller`] and the clock as
//! arguments, so they are tested without HTTP; `routes` and `sse` are thin axum handlers
//! over them. The handlers take the caller through any extractor that yields a
//! [`Caller`] (see [`CallerExtractor`]), so the server wires them with its own identity
//! layer: `router::<Caller>()`.
//!
//! Must not mint identities or decide who is signed in (that is the identity layer).

pub mod access;
pub mod cron;
#[doc(hidden)]
pub mod fixture;
pub mod flood;
pub mod policy;
pub mod promotions;
mod routes;
pub mod sse;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::routing::{get, post};

use super::authz::{AuditEntry, Caller, audit, outcome_of};
use super::error::ApiError;
use super::events::EventBus;
use super::store::{AppRecord, SharedSandbox, World};
use crate::model::{AuditOutcome, LiveEvent, Me};

/// Any request extractor that yields the authenticated [`Caller`]; the server's own
/// `Caller` extractor qualifies (`Caller: Into<Caller>` is reflexive).
pub trait CallerExtractor:
    FromRequestParts<SharedSandbox> + Into<Caller> + Send + Sync + 'static
{
}

impl<T> CallerExtractor for T where
    T: FromRequestParts<SharedSandbox> + Into<Caller> + Send + Sync + 'static
{
}

/// Every route of this module: promotions, access requests, `/events` and operation
/// logs, all under `/api/v1`.
pub fn router<C: CallerExtractor>() -> Router<SharedSandbox> {
    Router::new()
        .route("/api/v1/events", get(sse::events::<C>))
        .route(
            "/api/v1/operations/{id}/logs",
            get(sse::operation_logs::<C>),
        )
        .route(
            "/api/v1/environments/{env}/applications/{app}/promotions",
            post(routes::create_promotion::<C>),
        )
        .route("/api/v1/promotions", get(routes::list_promotions::<C>))
        .route("/api/v1/promotions/{id}", get(routes::get_promotion::<C>))
        .route(
            "/api/v1/promotions/{id}/reviews",
            post(routes::review_promotion::<C>),
        )
        .route(
            "/api/v1/environments/{env}/access-requests",
            post(routes::create_access_request::<C>),
        )
        .route(
            "/api/v1/access-requests",
            get(routes::list_access_requests::<C>),
        )
        .route(
            "/api/v1/access-requests/{id}",
            get(routes::get_access_request::<C>).delete(routes::revoke_access_request::<C>),
        )
        .route(
            "/api/v1/access-requests/{id}/decision",
            post(routes::decide_access_request::<C>),
        )
        .route(
            "/api/v1/access-requests/{id}/credentials",
            get(routes::access_credentials::<C>),
        )
}

/// Announces an Application's new state.
pub(crate) fn publish_app(bus: &EventBus, rec: &AppRecord) {
    bus.publish(
        &rec.app.org,
        Some(&rec.app.environment),
        LiveEvent::ApplicationUpdated(Box::new(rec.app.clone())),
    );
}

/// The identity under which the sandbox itself acts (merges when a policy becomes met,
/// expiries), so those changes have an author in the audit log.
pub fn system_caller() -> Caller {
    Caller {
        persona: "catalyst".into(),
        me: Me {
            sub: "catalyst".into(),
            name: "Catalyst policy engine".into(),
            email: String::new(),
            roles: Vec::new(),
            teams: Vec::new(),
            support_agent: false,
        },
        support_ticket: None,
        request_id: "internal".into(),
    }
}

/// What an audited change is about.
pub(crate) struct Audited<'a> {
    pub org: Option<String>,
    pub action: &'a str,
    pub target: String,
    pub reason: Option<String>,
}

/// Records the outcome of a change (success, denied or error) and passes it through.
/// Requests about something unknown (no Org) leave no record.
pub(crate) fn audited<T>(
    world: &mut World,
    bus: &EventBus,
    caller: &Caller,
    what: Audited<'_>,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    if let Some(org) = what.org.as_deref() {
        let outcome = match &result {
            Ok(_) => AuditOutcome::Success,
            Err(e) => outcome_of(e.status),
        };
        audit(
            world,
            bus,
            caller,
            AuditEntry {
                org,
                action: what.action,
                target: &what.target,
                reason: what.reason.as_deref(),
                outcome,
            },
        );
    }
    result.map_err(|e| {
        if e.body.request_id.is_some() {
            e
        } else {
            e.with_request_id(&caller.request_id)
        }
    })
}

/// A 7-hex-digit commit id derived from `seed` (stable for the same seed).
pub fn short_commit(seed: &str) -> String {
    format!("{:07x}", policy::fnv1a(seed.as_bytes()) & 0x0fff_ffff)
}

/// Limit of one page: 50 by default, at most 200.
pub(crate) fn page_limit(limit: Option<u32>) -> usize {
    usize::try_from(limit.unwrap_or(50).clamp(1, 200)).unwrap_or(50)
}

/// Cuts one page out of `items` (already in listing order) after the item whose id is
/// `cursor`; the next cursor is the id of the page's last item when more follow.
pub(crate) fn paginate<T>(
    items: Vec<T>,
    id_of: impl Fn(&T) -> &str,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<crate::model::Page<T>, ApiError> {
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => items
            .iter()
            .position(|i| id_of(i) == c)
            .map(|p| p + 1)
            .ok_or_else(|| {
                ApiError::invalid(
                    "invalid",
                    "the cursor does not belong to this listing; start again without it",
                    vec![crate::model::FieldError {
                        path: "cursor".into(),
                        message: "unknown cursor".into(),
                    }],
                )
            })?,
    };
    let limit = page_limit(limit);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let next_cursor = (start + page.len() < total)
        .then(|| page.last().map(|i| id_of(i).to_string()))
        .flatten();
    Ok(crate::model::Page {
        items: page,
        next_cursor,
    })
}
