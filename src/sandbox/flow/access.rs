//! Just-in-time access to an Environment's Kubernetes: requests (granted at once when
//! the Environment's policy covers the requester's role, else pending), decisions by
//! approvers, revocation, expiry, and the short-lived credentials of a grant.
//!
//! Credentials tokens are derived from the grant with a per-process key, so they need
//! no storage and die with the grant: [`World::grant_for_token`] is how the Kubernetes
//! subset checks one. Must not serve Kubernetes itself.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{Audited, audited, paginate, system_caller};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::events::EventBus;
use crate::sandbox::store::World;

/// `?state=&limit=&cursor=` of `GET /api/v1/access-requests`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AccessQuery {
    #[serde(default)]
    pub state: Option<AccessState>,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub cursor: Option<String>,
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "access request {id} does not exist or is not visible to you"
    ))
}

fn field(path: &str, detail: String) -> ApiError {
    ApiError::invalid(
        "invalid",
        detail.clone(),
        vec![FieldError {
            path: path.into(),
            message: detail,
        }],
    )
}

/// Four keyed hashers, drawn once per process: 256 bits of token per grant.
fn token_keys() -> &'static [RandomState; 4] {
    static KEYS: OnceLock<[RandomState; 4]> = OnceLock::new();
    KEYS.get_or_init(|| std::array::from_fn(|_| RandomState::new()))
}

/// The bearer token of a grant: unguessable, stable for the grant, different for every
/// grant (a new grant of the same request has another `granted_at`).
fn token_for(req: &AccessRequest) -> Option<String> {
    let granted = req.granted_at?;
    let input = format!("{}|{}|{}", req.id, req.environment, granted.to_rfc3339());
    let hex: String = token_keys()
        .iter()
        .map(|k| format!("{:016x}", k.hash_one(&input)))
        .collect();
    Some(format!("sbx-{hex}"))
}

impl World {
    fn env_scope(&self, env: &str) -> Option<(String, EnvType)> {
        self.environments
            .get(env)
            .map(|e| (e.env.org.clone(), e.env.env_type))
    }

    /// May grant or deny requests for `env`: sovereign-admins anywhere, org-admins of
    /// the Org below prod.
    fn may_decide(&self, caller: &Caller, env: &str) -> bool {
        let Some((org, ty)) = self.env_scope(env) else {
            return caller.is_sovereign_admin();
        };
        caller.is_sovereign_admin()
            || (ty != EnvType::Prod && caller.has_org_role(RoleName::OrgAdmin, &org))
    }

    fn may_see(&self, caller: &Caller, req: &AccessRequest) -> bool {
        if req.requester == caller.persona || self.may_decide(caller, &req.environment) {
            return true;
        }
        let org = self.env_scope(&req.environment).map(|(o, _)| o);
        caller.is_support()
            || caller
                .me
                .has_role(RoleName::SecurityOfficer, org.as_deref())
    }

    /// May address `req` at all (decide, revoke): anyone who reads its Org gets the
    /// precise 403 rather than a 404.
    fn may_address(&self, caller: &Caller, req: &AccessRequest) -> bool {
        self.may_see(caller, req)
            || self
                .env_scope(&req.environment)
                .is_some_and(|(org, _)| caller.can_read_org(&org))
    }

    /// `POST /api/v1/environments/{env}/access-requests`.
    pub fn request_access(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        env: &str,
        req: &CreateAccessRequest,
        now: DateTime<Utc>,
    ) -> Result<AccessRequest, ApiError> {
        let what = Audited {
            org: self.env_scope(env).map(|(o, _)| o),
            action: "access.request",
            target: env.to_string(),
            reason: Some(req.reason.trim().to_string()),
        };
        let result = self.request_access_checked(bus, caller, env, req, now);
        audited(self, bus, caller, what, result)
    }

    fn request_access_checked(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        env: &str,
        req: &CreateAccessRequest,
        now: DateTime<Utc>,
    ) -> Result<AccessRequest, ApiError> {
        caller.require_mutation()?;
        let rec = self
            .environments
            .get(env)
            .filter(|e| caller.can_read_org(&e.env.org))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "Environment {env} does not exist or is not visible to you"
                ))
            })?;
        let org = rec.env.org.clone();
        let roles: Vec<RoleName> = caller
            .me
            .roles
            .iter()
            .filter(|b| b.org.as_deref().is_none_or(|o| o == org))
            .map(|b| b.role)
            .collect();
        let eligible = [
            RoleName::SovereignAdmin,
            RoleName::OrgAdmin,
            RoleName::OrgDeveloper,
        ];
        if !roles.iter().any(|r| eligible.contains(r)) {
            return Err(caller.forbidden(
                &format!("org-developer or org-admin of {org}"),
                format!("only developers and admins of {org} may request Kubernetes access"),
            ));
        }
        if req.reason.trim().is_empty() {
            return Err(field("reason", "say why you need access".into()));
        }
        let max = rec.policy.access.max_duration_minutes;
        if req.duration_minutes == 0 || req.duration_minutes > max {
            return Err(field(
                "duration_minutes",
                format!("{env} grants between 1 and {max} minutes"),
            ));
        }
        if req.access == AccessLevel::Unknown {
            return Err(field("access", "access must be view or debug".into()));
        }
        let auto = roles
            .iter()
            .any(|r| rec.policy.access.auto_grant_roles.contains(r));
        let id = self.new_id("ar");
        let mut request = AccessRequest {
            id: id.clone(),
            environment: env.to_string(),
            requester: caller.persona.clone(),
            access: req.access,
            reason: req.reason.trim().to_string(),
            duration_minutes: req.duration_minutes,
            state: AccessState::Pending,
            requested_at: now,
            granted_at: None,
            expires_at: None,
            decided_by: None,
            decision_comment: None,
        };
        if auto {
            grant(&mut request, now);
            request.decided_by = Some("policy".into());
            request.decision_comment = Some(format!("{env} grants this role at once"));
        }
        self.access_requests.insert(id, request.clone());
        bus.publish(
            &org,
            Some(env),
            LiveEvent::AccessUpdated(Box::new(request.clone())),
        );
        Ok(request)
    }

    /// Marks every grant past its end `expired` and announces it; returns how many.
    pub fn expire_access(&mut self, bus: &EventBus, now: DateTime<Utc>) -> usize {
        let due: Vec<String> = self
            .access_requests
            .values()
            .filter(|r| r.state == AccessState::Granted && r.expires_at.is_some_and(|e| e <= now))
            .map(|r| r.id.clone())
            .collect();
        for id in &due {
            let Some(r) = self.access_requests.get_mut(id) else {
                continue;
            };
            r.state = AccessState::Expired;
            let r = r.clone();
            let org = self.env_scope(&r.environment).map(|(o, _)| o);
            if let Some(org) = org.as_deref() {
                bus.publish(
                    org,
                    Some(&r.environment),
                    LiveEvent::AccessUpdated(Box::new(r.clone())),
                );
            }
            let _ = audited::<()>(
                self,
                bus,
                &system_caller(),
                Audited {
                    org,
                    action: "access.expire",
                    target: r.environment.clone(),
                    reason: Some(format!("grant {} of {} ended", r.id, r.requester)),
                },
                Ok(()),
            );
        }
        due.len()
    }

    /// `GET /api/v1/access-requests?state=`: the caller's own requests plus those they
    /// may decide (sovereign-admins: all; org-admins: their Org below prod), newest first.
    pub fn list_access_requests(
        &self,
        caller: &Caller,
        q: &AccessQuery,
    ) -> Result<Page<AccessRequest>, ApiError> {
        let mut items: Vec<&AccessRequest> = self
            .access_requests
            .values()
            .filter(|r| self.may_see(caller, r))
            .filter(|r| q.state.is_none_or(|s| s == r.state))
            .collect();
        items.sort_by(|a, b| b.requested_at.cmp(&a.requested_at).then(b.id.cmp(&a.id)));
        let page = paginate(items, |r| r.id.as_str(), q.cursor.as_deref(), q.limit)?;
        Ok(Page {
            items: page.items.into_iter().cloned().collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// `GET /api/v1/access-requests/{id}`.
    pub fn access_request_view(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<AccessRequest, ApiError> {
        self.access_requests
            .get(id)
            .filter(|r| self.may_see(caller, r))
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn access_audit(
        &self,
        id: &str,
        action: &'static str,
        reason: Option<String>,
    ) -> Audited<'static> {
        let env = self.access_requests.get(id).map(|r| r.environment.clone());
        Audited {
            org: env
                .as_deref()
                .and_then(|e| self.env_scope(e))
                .map(|(o, _)| o),
            action,
            target: env.unwrap_or_else(|| id.to_string()),
            reason,
        }
    }

    /// `POST /api/v1/access-requests/{id}/decision`.
    pub fn decide_access(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        d: &AccessDecision,
        now: DateTime<Utc>,
    ) -> Result<AccessRequest, ApiError> {
        let comment = d.comment.trim().to_string();
        let what = self.access_audit(
            id,
            "access.decide",
            Some(if comment.is_empty() {
                format!("{} {id}", d.decision)
            } else {
                format!("{} {id}: {comment}", d.decision)
            }),
        );
        let result = self.decide_checked(bus, caller, id, d, now);
        audited(self, bus, caller, what, result)
    }

    fn decide_checked(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        d: &AccessDecision,
        now: DateTime<Utc>,
    ) -> Result<AccessRequest, ApiError> {
        caller.require_mutation()?;
        self.expire_access(bus, now);
        let r = self
            .access_requests
            .get(id)
            .filter(|r| self.may_address(caller, r))
            .ok_or_else(|| not_found(id))?;
        if r.state != AccessState::Pending {
            let mut e = ApiError::conflict(
                "access-request-not-pending",
                format!("access request {id} is {} and takes no decision", r.state),
            );
            e.body.state = Some(json!(r.state));
            return Err(e);
        }
        if r.requester == caller.persona {
            return Err(ApiError::forbidden(
                "self-approval-forbidden",
                "an approver other than the requester",
                "nobody may decide their own access request",
            ));
        }
        if !self.may_decide(caller, &r.environment) {
            let prod = self
                .env_scope(&r.environment)
                .is_some_and(|(_, t)| t == EnvType::Prod);
            let org = self
                .env_scope(&r.environment)
                .map(|(o, _)| o)
                .unwrap_or_default();
            return Err(if prod {
                caller.forbidden(
                    "sovereign-admin",
                    format!(
                        "access to {} (prod) is granted by a sovereign-admin",
                        r.environment
                    ),
                )
            } else {
                caller.forbidden(
                    &format!("org-admin of {org} or sovereign-admin"),
                    format!(
                        "access to {} is granted by an org-admin of {org}",
                        r.environment
                    ),
                )
            });
        }
        let env = r.environment.clone();
        let Some(r) = self.access_requests.get_mut(id) else {
            return Err(not_found(id));
        };
        match d.decision {
            AccessDecisionKind::Grant => grant(r, now),
            AccessDecisionKind::Deny => r.state = AccessState::Denied,
            AccessDecisionKind::Unknown => {
                return Err(field("decision", "decision must be grant or deny".into()));
            }
        }
        r.decided_by = Some(caller.persona.clone());
        r.decision_comment = Some(d.comment.trim().to_string()).filter(|c| !c.is_empty());
        let r = r.clone();
        if let Some((org, _)) = self.env_scope(&env) {
            bus.publish(
                &org,
                Some(&env),
                LiveEvent::AccessUpdated(Box::new(r.clone())),
            );
        }
        Ok(r)
    }

    /// `DELETE /api/v1/access-requests/{id}`: the requester withdraws or ends it early,
    /// or an approver revokes it.
    pub fn revoke_access(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<AccessRequest, ApiError> {
        let what = self.access_audit(id, "access.revoke", Some(format!("revoke {id}")));
        let result = self.revoke_checked(bus, caller, id, now);
        audited(self, bus, caller, what, result)
    }

    fn revoke_checked(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<AccessRequest, ApiError> {
        caller.require_mutation()?;
        self.expire_access(bus, now);
        let r = self
            .access_requests
            .get(id)
            .filter(|r| self.may_address(caller, r))
            .ok_or_else(|| not_found(id))?;
        if r.requester != caller.persona && !self.may_decide(caller, &r.environment) {
            return Err(caller.forbidden(
                "the requester or an approver of this Environment",
                "only the requester or an approver may revoke access",
            ));
        }
        if !matches!(r.state, AccessState::Pending | AccessState::Granted) {
            let mut e = ApiError::conflict(
                "access-request-not-active",
                format!("access request {id} is already {}", r.state),
            );
            e.body.state = Some(json!(r.state));
            return Err(e);
        }
        let env = r.environment.clone();
        let Some(r) = self.access_requests.get_mut(id) else {
            return Err(not_found(id));
        };
        r.state = AccessState::Revoked;
        if r.expires_at.is_some_and(|e| e > now) {
            r.expires_at = Some(now);
        }
        if r.requester != caller.persona {
            r.decided_by = Some(caller.persona.clone());
        }
        let r = r.clone();
        if let Some((org, _)) = self.env_scope(&env) {
            bus.publish(
                &org,
                Some(&env),
                LiveEvent::AccessUpdated(Box::new(r.clone())),
            );
        }
        Ok(r)
    }

    /// `GET /api/v1/access-requests/{id}/credentials`, for the requester of a live grant.
    /// `base_url` is how the caller reached this server (the Kubernetes subset is under
    /// `{base_url}/k8s/{env}`).
    pub fn access_credentials(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        base_url: &str,
        now: DateTime<Utc>,
    ) -> Result<AccessCredentials, ApiError> {
        self.expire_access(bus, now);
        let r = self.access_requests.get(id).ok_or_else(|| not_found(id))?;
        if r.requester != caller.persona {
            return Err(caller.forbidden(
                "the requester of this grant",
                "credentials go only to the person who requested the access",
            ));
        }
        match r.state {
            AccessState::Granted => {}
            AccessState::Expired | AccessState::Revoked => {
                let mut e = ApiError::new(
                    axum::http::StatusCode::GONE,
                    "expired",
                    format!("access request {id} is {}: request access again", r.state),
                );
                e.body.state = Some(json!(r.state));
                return Err(e.with_request_id(&caller.request_id));
            }
            other => {
                let mut e = ApiError::conflict(
                    "access-not-granted",
                    format!("access request {id} is {other}, not granted"),
                );
                e.body.state = Some(json!(other));
                return Err(e.with_request_id(&caller.request_id));
            }
        }
        let env = self
            .environments
            .get(&r.environment)
            .ok_or_else(|| not_found(id))?;
        let (Some(token), Some(expires_at)) = (token_for(r), r.expires_at) else {
            return Err(not_found(id));
        };
        Ok(AccessCredentials {
            server: format!("{}/k8s/{}", base_url.trim_end_matches('/'), env.env.name),
            // The sandbox serves plain HTTP on loopback: there is no CA to trust.
            certificate_authority_data: String::new(),
            context: env.env.kube_context.clone(),
            namespace: env.env.name.clone(),
            token,
            expires_at,
        })
    }

    /// The live grant a kube bearer token belongs to, if any (for the Kubernetes
    /// subset's authentication). Expired or revoked grants match nothing.
    pub fn grant_for_token(&self, token: &str, now: DateTime<Utc>) -> Option<&AccessRequest> {
        self.access_requests.values().find(|r| {
            r.state == AccessState::Granted
                && r.expires_at.is_some_and(|e| e > now)
                && token_for(r).is_some_and(|t| constant_time_eq(t.as_bytes(), token.as_bytes()))
        })
    }
}

fn grant(r: &mut AccessRequest, now: DateTime<Utc>) {
    r.state = AccessState::Granted;
    r.granted_at = Some(now);
    r.expires_at = Some(now + Duration::minutes(i64::from(r.duration_minutes)));
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
