//! Audit records.

use chrono::SecondsFormat;

use super::{RoleName, Timestamp};
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum AuditOutcome { Success = "success", Denied = "denied", Error = "error" }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: String,
    pub at: Timestamp,
    pub actor: String,
    #[serde(default)]
    pub roles: Vec<RoleName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_ticket: Option<String>,
    /// Dotted verb, e.g. `promotion.review`, `application.action`, `support.read`.
    pub action: String,
    /// What was acted on, e.g. `digital-channels-prod/payment-rail`.
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub outcome: AuditOutcome,
    pub request_id: String,
}

/// Filters of `GET /api/v1/audit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of the audit trail as the console shows it, whichever API answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditTrail {
    /// Newest first.
    pub items: Vec<AuditRecord>,
    /// Where the next (older) page starts, if there is one.
    pub next_cursor: Option<String>,
    /// The Sovereign speaks catalyst-api, whose audit holds only RBAC changes.
    pub rbac_only: bool,
}

/// The filters of the audit trail as the console applies them: those the console API
/// has go in the [`AuditQuery`]; every one is also tested on each record (a live one, or
/// one the server answers that it could not filter), by [`AuditFilters::matches`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilters {
    pub org: Option<String>,
    pub env: Option<String>,
    pub actor: Option<String>,
    /// A dotted verb or its head (`promotion` matches `promotion.review`).
    pub action: Option<String>,
    /// Part of the target, or its segments in order (`env/app` matches
    /// `/api/v1/environments/env/applications/app`).
    pub target: Option<String>,
    pub outcome: Option<AuditOutcome>,
    pub ticket: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

fn stamp(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl AuditFilters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == AuditFilters::default()
    }

    /// The filters as the form's text (times in full).
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        };
        put("actor", self.actor.clone());
        put("action", self.action.clone());
        put("target", self.target.clone());
        put("outcome", self.outcome.map(|o| o.as_str().to_string()));
        put("ticket", self.ticket.clone());
        put("since", self.since.as_ref().map(stamp));
        put("until", self.until.as_ref().map(stamp));
        put("org", self.org.clone());
        put("env", self.env.clone());
        parts.join(" ")
    }

    /// The query of one page of `limit` records: what the server filters, from
    /// `cursor`.
    pub fn query(&self, cursor: Option<String>, limit: u32) -> AuditQuery {
        AuditQuery {
            org: self.org.clone(),
            environment: self.env.clone(),
            actor: self.actor.clone(),
            action: self.action.clone(),
            since: self.since,
            until: self.until,
            cursor,
            limit: Some(limit),
        }
    }

    /// Whether `r` passes every filter the record itself can answer (`org` and `env`
    /// are the server's to judge: a record does not name them).
    pub fn matches(&self, r: &AuditRecord) -> bool {
        let same = |want: &Option<String>, have: &str| {
            want.as_ref().is_none_or(|w| w.eq_ignore_ascii_case(have))
        };
        same(&self.actor, &r.actor)
            && self.action.as_ref().is_none_or(|a| {
                r.action == *a
                    || r.action
                        .strip_prefix(a.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            })
            && self
                .target
                .as_ref()
                .is_none_or(|t| target_matches(t, &r.target))
            && self.outcome.is_none_or(|o| o == r.outcome)
            && self.ticket.as_ref().is_none_or(|t| {
                r.support_ticket
                    .as_ref()
                    .is_some_and(|have| have.eq_ignore_ascii_case(t))
            })
            && self.since.is_none_or(|s| r.at >= s)
            && self.until.is_none_or(|u| r.at < u)
    }
}

/// `want` is part of `target`, or each of its `/` segments is a segment of `target`, in
/// order (a support read's path names the Environment and the Application apart).
fn target_matches(want: &str, target: &str) -> bool {
    let want = want.to_lowercase();
    let target = target.to_lowercase();
    if target.contains(&want) {
        return true;
    }
    let mut have = target.split(['/', '?']).filter(|s| !s.is_empty());
    want.split('/')
        .filter(|s| !s.is_empty())
        .all(|w| have.any(|h| h == w))
}

impl AuditRecord {
    /// Every field as one text, for a free-text filter.
    pub fn haystack(&self) -> String {
        let roles: Vec<&str> = self.roles.iter().map(|x| x.as_str()).collect();
        format!(
            "{} {} {} {} {} {} {} {} {}",
            self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.actor,
            roles.join(" "),
            self.support_ticket.as_deref().unwrap_or_default(),
            self.action,
            self.target,
            self.outcome,
            self.reason.as_deref().unwrap_or_default(),
            self.request_id
        )
    }
}
