//! What the sandbox issuer's tokens say: the claims of an access token as catalyst-api
//! reads them, the mapping of each sandbox persona to a Keycloak tier,
//! realm roles and groups, and the check of a presented token (signature, `iss`, `exp`,
//! token type).
//!
//! Tier mapping (tiers `viewer < developer < operator < admin < owner`, roles
//! `catalyst-<tier>`): sovereign-admin → `admin` (and group `/sovereign-admins`);
//! org-admin → `operator`; org-developer → `developer`; org-viewer, security-officer,
//! billing-admin and support-agent → `viewer`. Teams become groups `/<team>`. What a
//! persona may do in the sandbox still comes from its roles in the store, not from the
//! tier: the token only names the persona.
//!
//! Must not issue or verify anything without the process key of `keys`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::keys;
use crate::model::{Me, RoleName};
use crate::sandbox::store::Persona;

/// `typ` of access tokens (Keycloak's value).
pub const ACCESS_TYPE: &str = "Bearer";
/// `typ` of ID tokens.
pub const ID_TYPE: &str = "ID";

/// `realm_access` of a Keycloak token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealmAccess {
    pub roles: Vec<String>,
}

/// The claims of the sandbox issuer's access and ID tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub azp: String,
    pub exp: i64,
    pub iat: i64,
    pub typ: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub preferred_username: String,
    pub realm_access: RealmAccess,
    pub groups: Vec<String>,
    pub tier: String,
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// The Keycloak tier of a sandbox identity (see the module doc).
pub fn tier_of(me: &Me) -> &'static str {
    let rank = |r: RoleName| match r {
        RoleName::SovereignAdmin => 3,
        RoleName::OrgAdmin => 2,
        RoleName::OrgDeveloper => 1,
        _ => 0,
    };
    match me.roles.iter().map(|b| rank(b.role)).max().unwrap_or(0) {
        3 => "admin",
        2 => "operator",
        1 => "developer",
        _ => "viewer",
    }
}

/// What one token is issued for.
#[derive(Debug, Clone)]
pub struct Issue<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub now: DateTime<Utc>,
    pub lifetime_secs: u64,
}

/// The claims of a token for `persona`.
pub fn claims_for(persona: &Persona, issue: &Issue<'_>, typ: &str, nonce: Option<&str>) -> Claims {
    let tier = tier_of(&persona.me);
    let mut groups: Vec<String> = persona.me.teams.iter().map(|t| format!("/{t}")).collect();
    if persona.me.has_role(RoleName::SovereignAdmin, None) {
        groups.push("/sovereign-admins".to_string());
    }
    let iat = issue.now.timestamp();
    Claims {
        iss: issue.issuer.to_string(),
        sub: persona.id.clone(),
        aud: issue.client_id.to_string(),
        azp: issue.client_id.to_string(),
        exp: iat.saturating_add(i64::try_from(issue.lifetime_secs).unwrap_or(i64::MAX)),
        iat,
        typ: typ.to_string(),
        email: persona.me.email.clone(),
        email_verified: true,
        name: persona.me.name.clone(),
        preferred_username: persona.id.clone(),
        realm_access: RealmAccess {
            roles: vec![format!("catalyst-{tier}"), "offline_access".to_string()],
        },
        groups,
        tier: tier.to_string(),
        scope: issue.scope.to_string(),
        nonce: nonce.map(str::to_string),
    }
}

/// The claims of `token` when it is a live access token of the issuer `issuer`.
pub fn verify_access(token: &str, issuer: &str, now: DateTime<Utc>) -> Option<Claims> {
    let claims: Claims = keys::existing_key()?.verify(token)?;
    (claims.iss == issuer && claims.typ == ACCESS_TYPE && now.timestamp() < claims.exp)
        .then_some(claims)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::model::RoleBinding;

    fn persona(role: RoleName, teams: &[&str]) -> Persona {
        Persona {
            id: "p".into(),
            me: Me {
                sub: "p".into(),
                name: "P".into(),
                email: "p@example".into(),
                roles: vec![RoleBinding { role, org: None }],
                teams: teams.iter().map(|t| t.to_string()).collect(),
                support_agent: role == RoleName::SupportAgent,
            },
            blurb: String::new(),
        }
    }

    #[test]
    fn personas_map_to_tiers_and_groups() {
        let cases = [
            (RoleName::SovereignAdmin, "admin"),
            (RoleName::OrgAdmin, "operator"),
            (RoleName::OrgDeveloper, "developer"),
            (RoleName::OrgViewer, "viewer"),
            (RoleName::SecurityOfficer, "viewer"),
            (RoleName::SupportAgent, "viewer"),
        ];
        for (role, tier) in cases {
            assert_eq!(tier_of(&persona(role, &[]).me), tier, "{role:?}");
        }
        let issue = Issue {
            issuer: "http://x/realms/sovereign",
            client_id: "kubectl",
            scope: "openid",
            now: Utc::now(),
            lifetime_secs: 900,
        };
        let c = claims_for(
            &persona(RoleName::SovereignAdmin, &["team-platform"]),
            &issue,
            ACCESS_TYPE,
            None,
        );
        assert_eq!(c.groups, ["/team-platform", "/sovereign-admins"]);
        assert_eq!(c.realm_access.roles[0], "catalyst-admin");
        assert_eq!(c.exp - c.iat, 900);
    }

    #[test]
    fn only_live_access_tokens_of_this_issuer_pass() {
        keys::key().unwrap();
        let now = Utc::now();
        let issue = Issue {
            issuer: "http://a/realms/sovereign",
            client_id: "kubectl",
            scope: "openid",
            now,
            lifetime_secs: 60,
        };
        let p = persona(RoleName::OrgViewer, &[]);
        let sign = |typ| {
            keys::key()
                .unwrap()
                .sign(&claims_for(&p, &issue, typ, None))
                .unwrap()
        };
        let access = sign(ACCESS_TYPE);
        assert!(verify_access(&access, issue.issuer, now).is_some());
        assert!(verify_access(&access, "http://b/realms/sovereign", now).is_none());
        let later = now + chrono::TimeDelta::seconds(61);
        assert!(verify_access(&access, issue.issuer, later).is_none());
        assert!(verify_access(&sign(ID_TYPE), issue.issuer, now).is_none());
    }
}
