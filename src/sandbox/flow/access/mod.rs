//! Just-in-time access to an Environment's Kubernetes: requests (granted at once when
//! the Environment's policy covers the requester's role, else pending), decisions by
//! approvers, revocation, expiry, and the short-lived credentials of a grant.
//!
//! This file owns requests, visibility, listing and expiry; `decisions` owns grant,
//! deny, revoke and credentials. Must not serve Kubernetes itself.

use chrono::{DateTime, Duration, Utc};

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

    pub(crate) fn may_see(&self, caller: &Caller, req: &AccessRequest) -> bool {
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
}

fn grant(r: &mut AccessRequest, now: DateTime<Utc>) {
    r.state = AccessState::Granted;
    r.granted_at = Some(now);
    r.expires_at = Some(now + Duration::minutes(i64::from(r.duration_minutes)));
}

mod decisions;
#[cfg(test)]
mod tests;
