//! Access-request rules against the flow fixture: auto-grant by policy, who decides
//! what, nobody deciding their own, revocation, expiry and credentials.

// Rows of the tables are tuples; naming each shape would hide the table.
#![allow(clippy::type_complexity)]

use chrono::TimeZone;

use super::*;
use crate::sandbox::events::{EventFilter, Replay};
use crate::sandbox::flow::fixture;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 13, 7, 0).unwrap()
}

struct T {
    w: World,
    bus: EventBus,
}

impl T {
    fn new() -> Self {
        Self {
            w: fixture::world(now()),
            bus: EventBus::default(),
        }
    }
    fn who(&self, p: &str) -> Caller {
        fixture::caller(&self.w, p).unwrap()
    }
    fn ask(&mut self, who: &str, env: &str, minutes: u32) -> Result<AccessRequest, ApiError> {
        self.ask_with(who, env, minutes, "debugging payment-rail timeouts")
    }
    fn ask_with(
        &mut self,
        who: &str,
        env: &str,
        minutes: u32,
        reason: &str,
    ) -> Result<AccessRequest, ApiError> {
        let c = self.who(who);
        let req = CreateAccessRequest {
            reason: reason.into(),
            duration_minutes: minutes,
            access: AccessLevel::Debug,
        };
        self.w.request_access(&self.bus, &c, env, &req, now())
    }
    fn decide(
        &mut self,
        who: &str,
        id: &str,
        d: AccessDecisionKind,
    ) -> Result<AccessRequest, ApiError> {
        let c = self.who(who);
        let d = AccessDecision {
            decision: d,
            comment: "ok".into(),
        };
        self.w.decide_access(&self.bus, &c, id, &d, now())
    }
    fn creds(
        &mut self,
        who: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<AccessCredentials, ApiError> {
        let c = self.who(who);
        self.w
            .access_credentials(&self.bus, &c, id, "http://127.0.0.1:8787", at)
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, ApiError>) -> (u16, String) {
    let e = r.unwrap_err();
    (e.status.as_u16(), e.body.error.clone())
}

#[test]
fn policy_grants_at_once_where_the_role_is_covered() {
    let mut t = T::new();
    let dev = t.ask("layla", "acme-dev", 30).unwrap();
    assert_eq!(dev.state, AccessState::Granted);
    assert_eq!(dev.granted_at, Some(now()));
    assert_eq!(dev.expires_at, Some(now() + Duration::minutes(30)));
    assert_eq!(dev.decided_by.as_deref(), Some("policy"));
    // stg auto-grants org-admins only.
    assert_eq!(
        t.ask("layla", "acme-stg", 30).unwrap().state,
        AccessState::Pending
    );
    assert_eq!(
        t.ask("omar", "acme-stg", 30).unwrap().state,
        AccessState::Granted
    );
    // prod auto-grants nobody, not even a sovereign-admin.
    let prod = t.ask("admin", "acme-prod", 30).unwrap();
    assert_eq!(prod.state, AccessState::Pending);
    assert!(prod.expires_at.is_none());
    let published = match t.bus.replay(&EventFilter::default(), 0) {
        Replay::Frames(f) => f.iter().filter(|f| f.kind == "access.updated").count(),
        Replay::Reset { .. } => 0,
    };
    assert_eq!(published, 4);
    assert_eq!(
        t.w.audit
            .iter()
            .filter(|a| a.action == "access.request")
            .count(),
        4
    );
}

#[test]
fn request_checks() {
    let mut t = T::new();
    let cases: &[(&str, &str, u32, &str, (u16, &str, Option<&str>))] = &[
        (
            "sue",
            "acme-dev",
            30,
            "r",
            (403, "support-mode-read-only", None),
        ),
        ("vic", "acme-dev", 30, "r", (403, "forbidden", None)),
        ("zed", "acme-dev", 30, "r", (404, "not-found", None)),
        ("layla", "acme-nope", 30, "r", (404, "not-found", None)),
        (
            "layla",
            "acme-dev",
            30,
            "  ",
            (422, "invalid", Some("reason")),
        ),
        (
            "layla",
            "acme-dev",
            0,
            "r",
            (422, "invalid", Some("duration_minutes")),
        ),
        (
            "layla",
            "acme-prod",
            61,
            "r",
            (422, "invalid", Some("duration_minutes")),
        ),
    ];
    for (who, env, minutes, reason, (status, error, field)) in cases {
        let e = t.ask_with(who, env, *minutes, reason).unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.body.error.as_str()),
            (*status, *error),
            "{who} {env}"
        );
        assert_eq!(
            e.body.fields.first().map(|f| f.path.as_str()),
            *field,
            "{who} {env}"
        );
    }
    assert_eq!(
        t.ask("layla", "acme-prod", 60).unwrap().state,
        AccessState::Pending
    );
}

#[test]
fn who_may_decide() {
    let mut t = T::new();
    let prod = t.ask("layla", "acme-prod", 30).unwrap().id;
    let uat = t.ask("layla", "acme-uat", 30).unwrap().id;
    let admins_own = t.ask("admin", "acme-prod", 30).unwrap().id;
    use AccessDecisionKind::*;
    // Org-admins do not grant prod; the error names who does.
    let e = t.decide("omar", &prod, Grant).unwrap_err();
    assert_eq!(
        (e.status.as_u16(), e.body.required.as_deref()),
        (403, Some("sovereign-admin"))
    );
    // Nobody decides their own request, sovereign-admins included.
    assert_eq!(
        code(t.decide("layla", &uat, Grant)),
        (403, "self-approval-forbidden".into())
    );
    assert_eq!(
        code(t.decide("admin", &admins_own, Grant)),
        (403, "self-approval-forbidden".into())
    );
    // A developer of the Org is told why; someone outside it learns nothing.
    assert_eq!(
        code(t.decide("sara", &uat, Grant)),
        (403, "forbidden".into())
    );
    assert_eq!(code(t.decide("zed", &uat, Grant)).0, 404);
    assert_eq!(
        code(t.decide("sue", &uat, Grant)).1,
        "support-mode-read-only"
    );

    let granted = t.decide("omar", &uat, Grant).unwrap();
    assert_eq!(granted.state, AccessState::Granted);
    assert_eq!(granted.decided_by.as_deref(), Some("omar"));
    assert_eq!(granted.decision_comment.as_deref(), Some("ok"));
    assert_eq!(
        code(t.decide("admin", &uat, Deny)),
        (409, "access-request-not-pending".into())
    );
    let denied = t.decide("admin", &prod, Deny).unwrap();
    assert_eq!(denied.state, AccessState::Denied);
    assert!(denied.expires_at.is_none());
    let denials =
        t.w.audit
            .iter()
            .filter(|a| a.action == "access.decide" && a.outcome == AuditOutcome::Denied)
            .count();
    assert_eq!(denials, 5);
}

#[test]
fn inboxes() {
    let mut t = T::new();
    let a = t.ask("layla", "acme-prod", 30).unwrap().id;
    let b = t.ask("layla", "acme-uat", 30).unwrap().id;
    let c = t.ask("sara", "acme-dev", 30).unwrap().id;
    let list = |t: &T, who: &str, state: Option<AccessState>| {
        let q = AccessQuery {
            state,
            ..AccessQuery::default()
        };
        let mut ids: Vec<String> =
            t.w.list_access_requests(&t.who(who), &q)
                .unwrap()
                .items
                .into_iter()
                .map(|r| r.id)
                .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        list(&t, "admin", None),
        vec![a.clone(), b.clone(), c.clone()]
    );
    assert_eq!(
        list(&t, "admin", Some(AccessState::Pending)),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(
        list(&t, "omar", None),
        vec![b.clone(), c.clone()],
        "org-admins: non-prod only"
    );
    assert_eq!(
        list(&t, "layla", None),
        vec![a.clone(), b.clone()],
        "requesters: their own"
    );
    assert_eq!(list(&t, "sara", None), vec![c.clone()]);
    assert!(list(&t, "zed", None).is_empty());
    assert_eq!(code(t.w.access_request_view(&t.who("sara"), &a)).0, 404);
}

#[test]
fn revocation() {
    let mut t = T::new();
    let mine = t.ask("layla", "acme-dev", 30).unwrap().id;
    let pending = t.ask("layla", "acme-uat", 30).unwrap().id;
    let c = t.who("sara");
    assert_eq!(code(t.w.revoke_access(&t.bus, &c, &mine, now())).0, 403);
    let c = t.who("layla");
    let r =
        t.w.revoke_access(&t.bus, &c, &mine, now() + Duration::minutes(5))
            .unwrap();
    assert_eq!(r.state, AccessState::Revoked);
    assert_eq!(r.expires_at, Some(now() + Duration::minutes(5)));
    assert_eq!(
        code(t.w.revoke_access(&t.bus, &c, &mine, now())),
        (409, "access-request-not-active".into())
    );
    // An approver may withdraw someone else's request.
    let omar = t.who("omar");
    let r = t.w.revoke_access(&t.bus, &omar, &pending, now()).unwrap();
    assert_eq!(
        (r.state, r.decided_by.as_deref()),
        (AccessState::Revoked, Some("omar"))
    );
}

#[test]
fn credentials_belong_to_the_requester_of_a_live_grant() {
    let mut t = T::new();
    let id = t.ask("layla", "acme-dev", 30).unwrap().id;
    let creds = t.creds("layla", &id, now()).unwrap();
    assert_eq!(creds.server, "http://127.0.0.1:8787/k8s/acme-dev");
    assert_eq!(creds.certificate_authority_data, "", "no TLS, no CA");
    assert_eq!(creds.context, "hz-fsn-rtz-dev-acme");
    assert_eq!(creds.namespace, "acme-dev");
    assert_eq!(creds.expires_at, now() + Duration::minutes(30));
    assert!(
        creds.token.starts_with("sbx-") && creds.token.len() == 68,
        "{}",
        creds.token.len()
    );
    assert!(!format!("{creds:?}").contains(&creds.token));
    // Stable for the grant, unique per grant.
    assert_eq!(t.creds("layla", &id, now()).unwrap().token, creds.token);
    let other = t.ask("layla", "acme-dev", 30).unwrap().id;
    assert_ne!(t.creds("layla", &other, now()).unwrap().token, creds.token);
    assert_eq!(
        t.w.grant_for_token(&creds.token, now())
            .map(|r| r.id.as_str()),
        Some(id.as_str())
    );
    assert!(t.w.grant_for_token("sbx-0000", now()).is_none());

    assert_eq!(code(t.creds("omar", &id, now())).0, 403);
    assert_eq!(code(t.creds("admin", &id, now())).0, 403);
    let pending = t.ask("layla", "acme-uat", 30).unwrap().id;
    assert_eq!(
        code(t.creds("layla", &pending, now())),
        (409, "access-not-granted".into())
    );

    let c = t.who("layla");
    t.w.revoke_access(&t.bus, &c, &other, now()).unwrap();
    assert_eq!(
        code(t.creds("layla", &other, now())),
        (410, "expired".into())
    );

    // Expiry is enforced at read time, and the token dies with the grant.
    let later = now() + Duration::minutes(30);
    assert_eq!(code(t.creds("layla", &id, later)), (410, "expired".into()));
    assert_eq!(t.w.access_requests[&id].state, AccessState::Expired);
    assert!(t.w.grant_for_token(&creds.token, now()).is_none());
}

#[test]
fn expiry_announces_itself_once() {
    let mut t = T::new();
    let id = t.ask("layla", "acme-dev", 10).unwrap().id;
    assert_eq!(t.w.expire_access(&t.bus, now() + Duration::minutes(9)), 0);
    let before = t.bus.last_id();
    assert_eq!(t.w.expire_access(&t.bus, now() + Duration::minutes(10)), 1);
    assert_eq!(t.w.expire_access(&t.bus, now() + Duration::minutes(11)), 0);
    assert_eq!(t.w.access_requests[&id].state, AccessState::Expired);
    let kinds: Vec<String> = match t.bus.replay(&EventFilter::default(), before) {
        Replay::Frames(f) => f.iter().map(|f| f.kind.clone()).collect(),
        Replay::Reset { .. } => vec![],
    };
    assert_eq!(kinds, vec!["access.updated", "audit.appended"]);
    assert_eq!(t.w.audit.last().unwrap().action, "access.expire");
}

#[test]
fn credentials_name_the_tls_endpoint_and_its_ca_when_there_is_one() {
    use base64::Engine as _;
    let mut t = T::new();
    t.w.kube_tls = Some(crate::sandbox::tls::KubeTls {
        base_url: "https://127.0.0.1:40443".into(),
        ca_pem: "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n".into(),
    });
    let id = t.ask("layla", "acme-dev", 30).unwrap().id;
    let creds = t.creds("layla", &id, now()).unwrap();
    assert_eq!(creds.server, "https://127.0.0.1:40443/k8s/acme-dev");
    let pem = base64::engine::general_purpose::STANDARD
        .decode(&creds.certificate_authority_data)
        .unwrap();
    assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----"));
}
