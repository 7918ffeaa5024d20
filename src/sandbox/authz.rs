//! Who is calling and what they may do: the [`Caller`] every handler receives (built by
//! the identity layer from the bearer token and the support-ticket header), the role
//! predicates of CONTRACT Part B, and the audit record every mutation and every
//! support-mode read leaves behind.
//!
//! Bearer tokens are the identity layer's opaque tokens or the access tokens (RS256 JWTs)
//! of the sandbox's Keycloak-like issuer (`keycloak`), mapped to a persona by
//! `preferred_username`.
//!
//! The extractor enforces support mode for every route that takes a [`Caller`]: a
//! support identity without a ticket is refused, each of its reads is audited, and each
//! of its mutations is refused and audited, whatever the handler does next.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};

use super::error::ApiError;
use super::events::EventBus;
use super::request_id::{self, RequestId};
use super::store::{SharedSandbox, World, role_rank};
use crate::model::{AuditOutcome, AuditRecord, LiveEvent, Me, RoleName};

/// The header a support agent names its ticket in.
pub const SUPPORT_TICKET_HEADER: &str = "x-catalyst-support-ticket";

/// The authenticated identity of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Persona id, also the token subject (`layla`).
    pub persona: String,
    pub me: Me,
    /// Set when a support agent sent `X-Catalyst-Support-Ticket`.
    pub support_ticket: Option<String>,
    /// The request's `X-Request-ID` (taken from the client or minted).
    pub request_id: String,
}

impl Caller {
    pub fn is_sovereign_admin(&self) -> bool {
        self.me.has_role(RoleName::SovereignAdmin, None)
    }
    /// Holds `role` for `org` specifically (or sovereign-wide).
    pub fn has_org_role(&self, role: RoleName, org: &str) -> bool {
        self.me
            .roles
            .iter()
            .any(|b| b.role == role && b.org.as_deref().is_none_or(|o| o == org))
    }
    pub fn in_team(&self, team: &str) -> bool {
        self.me.teams.iter().any(|t| t == team)
    }
    pub fn is_support(&self) -> bool {
        self.me.support_agent
    }
    /// Refuses every mutation from a support identity (QUALITY S2).
    pub fn require_mutation(&self) -> Result<(), ApiError> {
        if self.is_support() {
            return Err(ApiError::forbidden(
                "support-mode-read-only",
                "a non-support identity",
                "support mode is read-only: no change can be made from a support session",
            )
            .with_request_id(&self.request_id));
        }
        Ok(())
    }
    /// May read anything of `org` (any role in it, or sovereign-wide readers).
    pub fn can_read_org(&self, org: &str) -> bool {
        self.is_support()
            || self.me.roles.iter().any(|b| match b.org.as_deref() {
                None => matches!(
                    b.role,
                    RoleName::SovereignAdmin | RoleName::SecurityOfficer | RoleName::BillingAdmin
                ),
                Some(o) => o == org,
            })
    }
    /// A 403 for this caller naming what would allow it.
    pub fn forbidden(&self, required: &str, reason: impl Into<String>) -> ApiError {
        ApiError::forbidden("forbidden", required, reason).with_request_id(&self.request_id)
    }

    /// The highest Org-scoped role held for `org` (sovereign-wide bindings included), as
    /// a [`role_rank`]; 0 when none.
    pub fn org_rank(&self, org: &str) -> u8 {
        self.me
            .roles
            .iter()
            .filter(|b| b.org.as_deref().is_none_or(|o| o == org))
            .map(|b| role_rank(b.role))
            .max()
            .unwrap_or(0)
    }

    /// Refuses unless the caller may read `org` (`required: org-viewer`).
    pub fn require_read_org(&self, org: &str) -> Result<(), ApiError> {
        if self.can_read_org(org) {
            return Ok(());
        }
        Err(self.forbidden(
            RoleName::OrgViewer.as_str(),
            format!(
                "reading {org} needs a role in that Org (org-viewer or higher) or a \
                 sovereign-wide reader role (sovereign-admin, security-officer, billing-admin)"
            ),
        ))
    }

    /// Refuses unless the caller holds `min` (or a higher Org role) in `org`, or is a
    /// sovereign-admin. `what` completes "… needs org-admin of digital-channels".
    pub fn require_org_role(&self, org: &str, min: RoleName, what: &str) -> Result<(), ApiError> {
        if self.is_sovereign_admin() || self.org_rank(org) >= role_rank(min) {
            return Ok(());
        }
        Err(self.forbidden(
            min.as_str(),
            format!("{what} needs {min} of {org} (or sovereign-admin)"),
        ))
    }

    /// Reads the whole audit log (sovereign-admins, security-officers, support with a
    /// ticket).
    pub fn reads_all_audit(&self) -> bool {
        self.is_support()
            || self.is_sovereign_admin()
            || self.me.has_role(RoleName::SecurityOfficer, None)
    }

    /// Reads the audit records of `org` (also org-admins of it).
    pub fn reads_audit_of(&self, org: &str) -> bool {
        self.reads_all_audit() || self.org_rank(org) >= role_rank(RoleName::OrgAdmin)
    }
}

impl FromRequestParts<SharedSandbox> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedSandbox,
    ) -> Result<Self, Self::Rejection> {
        let request_id = parts
            .extensions
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .or_else(request_id::current)
            .unwrap_or_else(request_id::mint);
        let unauthenticated = |detail: &str| {
            ApiError::unauthenticated(detail.to_string()).with_request_id(&request_id)
        };
        let token = bearer(parts).ok_or_else(|| {
            unauthenticated("this request carries no bearer token: sign in first")
        })?;
        let persona = {
            let world = state.world.read().await;
            let now = world.now();
            // Opaque tokens of the device flow, or RS256 JWTs of the Keycloak-like issuer.
            let id = match world.sessions.resolve(token, now) {
                Some(id) => Some(id.to_string()),
                None => super::keycloak::persona_of_jwt(&world, token, now),
            };
            id.and_then(|id| world.personas.get(&id)).cloned()
        }
        .ok_or_else(|| {
            unauthenticated(
                "the access token has expired or is not known: refresh it or sign in again",
            )
        })?;
        let ticket = parts
            .headers
            .get(SUPPORT_TICKET_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        let caller = Caller {
            persona: persona.id,
            support_ticket: ticket.filter(|_| persona.me.support_agent),
            me: persona.me,
            request_id,
        };
        if caller.is_support() {
            enforce_support_mode(&caller, parts, state).await?;
        }
        Ok(caller)
    }
}

/// Support mode (QUALITY S2, S3): a ticket is required, reads are audited, mutations
/// are refused and audited as denied.
async fn enforce_support_mode(
    caller: &Caller,
    parts: &Parts,
    state: &SharedSandbox,
) -> Result<(), ApiError> {
    if caller.support_ticket.is_none() {
        return Err(ApiError::forbidden(
            "support-ticket-required",
            "X-Catalyst-Support-Ticket",
            "a support agent must name the support ticket it works on in X-Catalyst-Support-Ticket",
        )
        .with_request_id(&caller.request_id));
    }
    let path = parts.uri.path();
    let read = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut world = state.world.write().await;
    let org = world.org_of_target(path).unwrap_or_default();
    let method = parts.method.as_str();
    let reason = (!read).then(|| format!("{method} refused: support mode is read-only"));
    audit(
        &mut world,
        &state.bus,
        caller,
        AuditEntry {
            org: &org,
            action: if read {
                "support.read"
            } else {
                "support.mutation"
            },
            target: path,
            reason: reason.as_deref(),
            outcome: if read {
                AuditOutcome::Success
            } else {
                AuditOutcome::Denied
            },
        },
    );
    drop(world);
    if read {
        Ok(())
    } else {
        caller.require_mutation()
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// What one audit record says beyond who asked.
#[derive(Debug, Clone, Copy)]
pub struct AuditEntry<'a> {
    /// The Org the target belongs to (scopes the live event).
    pub org: &'a str,
    /// Dotted verb, e.g. `promotion.review`.
    pub action: &'a str,
    /// e.g. `digital-channels-prod/payment-rail`.
    pub target: &'a str,
    pub reason: Option<&'a str>,
    pub outcome: AuditOutcome,
}

/// Appends an audit record and announces it on the live stream.
pub fn audit(world: &mut World, bus: &EventBus, caller: &Caller, entry: AuditEntry<'_>) {
    let AuditEntry {
        org,
        action,
        target,
        reason,
        outcome,
    } = entry;
    let id = world.new_id("au");
    let record = AuditRecord {
        id,
        at: world.now(),
        actor: caller.persona.clone(),
        roles: caller.me.roles.iter().map(|b| b.role).collect(),
        support_ticket: caller.support_ticket.clone(),
        action: action.to_string(),
        target: target.to_string(),
        reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
        outcome,
        request_id: caller.request_id.clone(),
    };
    world.audit.push(record.clone());
    let env = world.env_of_target(target);
    bus.publish(
        org,
        env.as_deref(),
        LiveEvent::AuditAppended(Box::new(record)),
    );
}

/// The audit outcome matching an error status.
pub fn outcome_of(status: StatusCode) -> AuditOutcome {
    if status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED {
        AuditOutcome::Denied
    } else if status.is_success() {
        AuditOutcome::Success
    } else {
        AuditOutcome::Error
    }
}
