//! Who is calling and what they may do: the [`Caller`] every handler receives (built by
//! the identity layer from the bearer token and the support-ticket header), the role
//! predicates of CONTRACT Part B, and the audit record every mutation and every
//! support-mode read leaves behind.

use axum::http::StatusCode;

use super::error::ApiError;
use super::events::EventBus;
use super::store::World;
use crate::model::{AuditOutcome, AuditRecord, LiveEvent, Me, RoleName};

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
        at: chrono::Utc::now(),
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
    let env = target
        .split('/')
        .next()
        .filter(|e| world.environments.contains_key(*e));
    bus.publish(org, env, LiveEvent::AuditAppended(Box::new(record)));
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
