//! Decisions on access requests (who may grant or deny what), revocation, and the
//! credentials of a live grant. Credential tokens are derived from the grant with a
//! per-process key, so they need no storage and die with the grant:
//! [`World::grant_for_token`] is how the Kubernetes subset checks one.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::audited;
use super::{field, grant, not_found};
use crate::model::*;
use crate::sandbox::authz::Caller;
use crate::sandbox::error::ApiError;
use crate::sandbox::events::EventBus;
use crate::sandbox::store::World;

/// A per-process secret and a keyed hasher, drawn once.
fn token_key() -> &'static (RandomState, [u8; 32]) {
    static KEY: OnceLock<(RandomState, [u8; 32])> = OnceLock::new();
    KEY.get_or_init(|| (RandomState::new(), rand::random()))
}

/// The bearer token of a grant: unguessable without the process's secret, stable for
/// the grant, different for every grant (a new grant of the same request has another
/// `granted_at`). Four 64-bit keyed hashes of secret, lane and grant: 256 bits.
fn token_for(req: &AccessRequest) -> Option<String> {
    let granted = req.granted_at?;
    let (hasher, secret) = token_key();
    let grant = format!("{}|{}|{}", req.id, req.environment, granted.to_rfc3339());
    let hex: String = (0u8..4)
        .map(|lane| format!("{:016x}", hasher.hash_one((secret, lane, &grant))))
        .collect();
    Some(format!("sbx-{hex}"))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl World {
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

    /// The request `id` as the caller may act on it, after refusing support identities
    /// and expiring what is due.
    fn addressable_request(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<AccessRequest, ApiError> {
        caller.require_mutation()?;
        self.expire_access(bus, now);
        self.access_requests
            .get(id)
            .filter(|r| self.may_address(caller, r))
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn decide_checked(
        &mut self,
        bus: &EventBus,
        caller: &Caller,
        id: &str,
        d: &AccessDecision,
        now: DateTime<Utc>,
    ) -> Result<AccessRequest, ApiError> {
        let r = self.addressable_request(bus, caller, id, now)?;
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
        let r = self.addressable_request(bus, caller, id, now)?;
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
    /// The server is the Kubernetes subset over TLS, `{kube_tls.base_url}/k8s/{env}`, with
    /// its CA; a world served without TLS (no [`World::kube_tls`]) names
    /// `{base_url}/k8s/{env}`, how the caller reached this server, with no CA.
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
        let (base, certificate_authority_data) = match &self.kube_tls {
            Some(tls) => (tls.base_url.as_str(), tls.certificate_authority_data()),
            None => (base_url, String::new()),
        };
        Ok(AccessCredentials {
            server: format!("{}/k8s/{}", base.trim_end_matches('/'), env.env.name),
            certificate_authority_data,
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
