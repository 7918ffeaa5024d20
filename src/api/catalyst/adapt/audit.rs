//! catalyst-api's RBAC audit events (`catalyst.audit`) as the console's audit records:
//! the audit type is the action, the user granted (and the Application, when the scope
//! names one) the target, the tier change and detail the reason. catalyst-api records no
//! roles, support ticket or request id: they stay empty. Must not do I/O.

use chrono::{DateTime, Utc};

use crate::api::catalyst::wire::AuditEvent;
use crate::model::{AuditOutcome, AuditRecord};

/// `ev` as an audit record; its id is made of what identifies it (time, type, grant),
/// so the same event read on two pages is one record.
pub fn audit_record(ev: &AuditEvent) -> AuditRecord {
    let at = ev
        .ts
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or(DateTime::<Utc>::UNIX_EPOCH, |t| t.with_timezone(&Utc));
    let who = [&ev.target_user_email, &ev.target_user]
        .into_iter()
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_default();
    let target = [who.as_str(), ev.target_app.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    let mut reason = Vec::new();
    match (ev.previous_tier.as_str(), ev.tier.as_str()) {
        ("", "") => {}
        ("", tier) => reason.push(format!("tier {tier}")),
        (before, tier) => reason.push(format!("tier {before} → {tier}")),
    }
    let scopes: Vec<String> = ev
        .scopes
        .iter()
        .map(|s| format!("{}={}", s.key, s.value))
        .collect();
    if !scopes.is_empty() {
        reason.push(scopes.join(","));
    }
    if !ev.detail.is_empty() {
        reason.push(ev.detail.clone());
    }
    let outcome = match ev.result.as_str() {
        "" | "ok" => AuditOutcome::Success,
        "denied" => AuditOutcome::Denied,
        "error" => AuditOutcome::Error,
        _ => AuditOutcome::Unknown,
    };
    let grant = if ev.user_access_ref.is_empty() {
        &who
    } else {
        &ev.user_access_ref
    };
    AuditRecord {
        id: format!(
            "{}|{}|{grant}",
            ev.ts.as_deref().unwrap_or_default(),
            ev.audit_type
        ),
        at,
        actor: if ev.actor.is_empty() {
            "system".to_string()
        } else {
            ev.actor.clone()
        },
        roles: Vec::new(),
        support_ticket: None,
        action: ev.audit_type.clone(),
        target,
        reason: (!reason.is_empty()).then(|| reason.join("; ")),
        outcome,
        request_id: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tier_change_reads_as_a_record() {
        let ev: AuditEvent = serde_json::from_str(
            r#"{"auditType":"rbac-tier-changed","ts":"2026-11-22T09:00:00Z","actor":"admin@bank.example",
                "targetUserEmail":"omar@bank.example","targetApp":"payment-rail","tier":"operator",
                "previousTier":"developer","scopes":[{"key":"application","value":"payment-rail"}],
                "userAccessRef":"ua-omar-1"}"#,
        )
        .unwrap_or_default();
        let r = audit_record(&ev);
        assert_eq!(r.action, "rbac-tier-changed");
        assert_eq!(r.actor, "admin@bank.example");
        assert_eq!(r.target, "omar@bank.example/payment-rail");
        assert_eq!(r.outcome, AuditOutcome::Success);
        assert_eq!(
            r.reason.as_deref(),
            Some("tier developer → operator; application=payment-rail")
        );
        assert_eq!(r.id, "2026-11-22T09:00:00Z|rbac-tier-changed|ua-omar-1");
        assert_eq!(r.at.to_rfc3339(), "2026-11-22T09:00:00+00:00");
    }
}
