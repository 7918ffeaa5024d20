//! One answer to "may I, and if not, why": a pure check from what the console knows (the
//! session and its roles, my live grants, where the operator stands, the time) and an
//! action, to "allowed" or the reason it is refused: not available in this console yet,
//! not offered by this Sovereign, support mode (read-only; never kube access), a missing
//! role (and which role would allow it), no live grant on the Environment.
//!
//! `update` refuses through it once, before any view sees the action (and again when a
//! question or an editor it opened is answered); the key bar leaves refused actions out;
//! help lists them greyed with the reason; pressing the key says the reason. The server
//! still decides (a team rule, a policy); this only keeps the console from offering what
//! cannot succeed and says why ahead of time.
//!
//! Pure: no I/O.

use chrono::{DateTime, Utc};

use super::Session;
use super::grants::Grants;
use crate::action::Action;
use crate::model::{Me, RoleName};
use crate::views::Scope;
use crate::words;

/// What the check reads.
pub struct Facts<'a> {
    pub session: &'a Session,
    pub grants: &'a Grants,
    /// Where the operator stands (the top view's Organization and Environment).
    pub scope: &'a Scope,
    pub now: DateTime<Utc>,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The console cannot carry it out yet.
    NotAvailable,
    /// This Sovereign (catalyst-api) does not offer it.
    NotOffered,
    /// Support mode is read-only.
    SupportMode,
    /// Support agents never get kube access.
    SupportNoKube,
    /// None of `any_of` is held (of `org`, when the role is an Organization's).
    MissingRole {
        any_of: &'static [RoleName],
        org: Option<String>,
    },
    /// No live grant on `env`.
    NoGrant { env: String },
}

impl Refusal {
    /// The reason, said in the status bar and in help.
    pub fn reason(&self, action: Action) -> String {
        match self {
            Refusal::NotAvailable => words::not_available(action),
            Refusal::NotOffered => words::not_offered(action),
            Refusal::SupportMode => words::SUPPORT_MODE_HIDES.to_string(),
            Refusal::SupportNoKube => words::SUPPORT_NO_KUBE.to_string(),
            Refusal::MissingRole { any_of, org } => {
                let roles: Vec<&str> = any_of.iter().map(|r| r.as_str()).collect();
                words::missing_role(action, &roles, org.as_deref())
            }
            Refusal::NoGrant { env } => words::no_live_grant(env),
        }
    }

    /// Whether the refusal is shown as an error (support mode) or as a hint.
    pub fn is_error(&self) -> bool {
        matches!(self, Refusal::SupportMode | Refusal::SupportNoKube)
    }
}

/// Who may open promotions.
const PROMOTERS: &[RoleName] = &[RoleName::OrgDeveloper, RoleName::OrgAdmin];
/// Who may decide access requests (the server narrows: org-admins for non-prod of their
/// Organization, sovereign-admins everywhere, nobody their own).
const ACCESS_DECIDERS: &[RoleName] = &[RoleName::OrgAdmin, RoleName::SovereignAdmin];

/// Whether `me` holds one of `roles` (of `org`, or of any Organization when `None`); a
/// sovereign-admin holds every role.
fn holds(me: &Me, roles: &[RoleName], org: Option<&str>) -> bool {
    me.roles.iter().any(|b| {
        b.role == RoleName::SovereignAdmin
            || (roles.contains(&b.role)
                && match (org, b.org.as_deref()) {
                    (None, _) | (_, None) => true,
                    (Some(want), Some(have)) => want == have,
                })
    })
}

/// Whether `action` may be carried out now, or why not.
pub fn check(action: Action, f: &Facts) -> Result<(), Refusal> {
    if !action.is_available() {
        return Err(Refusal::NotAvailable);
    }
    if !f.session.offers(action) {
        return Err(Refusal::NotOffered);
    }
    let Some(me) = f.session.me.as_ref() else {
        // Nothing is known of the identity yet: the server decides.
        return Ok(());
    };
    let support = me.support_agent;
    let kube = matches!(action, Action::Kube | Action::Shell | Action::RequestAccess);
    if support && kube {
        return Err(Refusal::SupportNoKube);
    }
    if support && action.is_mutating() {
        return Err(Refusal::SupportMode);
    }
    match action {
        Action::Promote if !holds(me, PROMOTERS, f.scope.org.as_deref()) => {
            Err(Refusal::MissingRole {
                any_of: PROMOTERS,
                org: f.scope.org.clone(),
            })
        }
        Action::GrantAccess | Action::DenyAccess if !holds(me, ACCESS_DECIDERS, None) => {
            Err(Refusal::MissingRole {
                any_of: ACCESS_DECIDERS,
                org: None,
            })
        }
        Action::Shell | Action::KubeCommand => match &f.scope.env {
            Some(env) if f.grants.live_on(env, f.now).is_none() => {
                Err(Refusal::NoGrant { env: env.clone() })
            }
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{AccessLevel, AccessRequest, AccessState, RoleBinding};
    use crate::state::State;

    fn session(roles: &[(RoleName, Option<&str>)], support: bool) -> Session {
        let mut s = crate::views::testing::session();
        let me = s.me.as_mut().unwrap();
        me.roles = roles
            .iter()
            .map(|(role, org)| RoleBinding {
                role: *role,
                org: org.map(str::to_string),
            })
            .collect();
        me.support_agent = support;
        s
    }

    fn scope(org: &str, env: Option<&str>) -> Scope {
        Scope {
            org: Some(org.into()),
            env: env.map(str::to_string),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap()
    }

    fn may(s: &Session, g: &Grants, sc: &Scope, a: Action) -> Result<(), Refusal> {
        check(
            a,
            &Facts {
                session: s,
                grants: g,
                scope: sc,
                now: now(),
            },
        )
    }

    #[test]
    fn support_mode_refuses_every_change_and_all_kube_access() {
        let s = session(&[(RoleName::SupportAgent, None)], true);
        let g = Grants::default();
        let sc = scope("digital-channels", Some("digital-channels-stg"));
        assert_eq!(may(&s, &g, &sc, Action::Promote), Err(Refusal::SupportMode));
        assert_eq!(may(&s, &g, &sc, Action::Approve), Err(Refusal::SupportMode));
        assert_eq!(
            may(&s, &g, &sc, Action::RequestAccess),
            Err(Refusal::SupportNoKube)
        );
        assert_eq!(may(&s, &g, &sc, Action::Kube), Err(Refusal::SupportNoKube));
        assert_eq!(may(&s, &g, &sc, Action::Shell), Err(Refusal::SupportNoKube));
        // Reading is allowed.
        for a in [
            Action::Open,
            Action::Logs,
            Action::Filter,
            Action::Copy,
            Action::Yaml,
        ] {
            assert_eq!(may(&s, &g, &sc, a), Ok(()), "{a}");
        }
        assert!(Refusal::SupportMode.is_error());
    }

    #[test]
    fn promoting_needs_a_developer_or_admin_role_of_the_organization() {
        let g = Grants::default();
        let here = scope("digital-channels", Some("digital-channels-dev"));
        let dev = session(&[(RoleName::OrgDeveloper, Some("digital-channels"))], false);
        assert_eq!(may(&dev, &g, &here, Action::Promote), Ok(()));
        let elsewhere = scope("retail", Some("retail-dev"));
        let refused = may(&dev, &g, &elsewhere, Action::Promote).unwrap_err();
        assert_eq!(
            refused,
            Refusal::MissingRole {
                any_of: PROMOTERS,
                org: Some("retail".into())
            }
        );
        let why = refused.reason(Action::Promote);
        assert!(
            why.contains("org-developer or org-admin of retail"),
            "{why}"
        );
        let viewer = session(&[(RoleName::OrgViewer, Some("digital-channels"))], false);
        assert!(may(&viewer, &g, &here, Action::Promote).is_err());
        let admin = session(&[(RoleName::SovereignAdmin, None)], false);
        assert_eq!(may(&admin, &g, &elsewhere, Action::Promote), Ok(()));
    }

    #[test]
    fn deciding_access_needs_an_admin_and_a_shell_needs_a_live_grant() {
        let mut g = Grants::default();
        let here = scope("digital-channels", Some("digital-channels-stg"));
        let dev = session(&[(RoleName::OrgDeveloper, Some("digital-channels"))], false);
        assert!(matches!(
            may(&dev, &g, &here, Action::GrantAccess),
            Err(Refusal::MissingRole { .. })
        ));
        let org_admin = session(&[(RoleName::OrgAdmin, Some("digital-channels"))], false);
        assert_eq!(may(&org_admin, &g, &here, Action::DenyAccess), Ok(()));

        assert_eq!(
            may(&dev, &g, &here, Action::Shell),
            Err(Refusal::NoGrant {
                env: "digital-channels-stg".into()
            })
        );
        // Opening the view inside a grant is allowed without one (it offers to ask).
        assert_eq!(may(&dev, &g, &here, Action::Kube), Ok(()));
        let r = AccessRequest {
            id: "ar-1".into(),
            environment: "digital-channels-stg".into(),
            requester: "layla".into(),
            access: AccessLevel::Debug,
            reason: "r".into(),
            duration_minutes: 30,
            state: AccessState::Granted,
            requested_at: now(),
            granted_at: Some(now()),
            expires_at: Some(now() + chrono::Duration::minutes(30)),
            decided_by: None,
            decision_comment: None,
        };
        g.on_request("layla", &r);
        assert_eq!(may(&dev, &g, &here, Action::Shell), Ok(()));
    }

    #[test]
    fn a_catalyst_sovereign_does_not_offer_what_it_lacks() {
        let mut s = session(&[(RoleName::SovereignAdmin, None)], false);
        s.catalyst = true;
        let g = Grants::default();
        let sc = scope("digital-channels", None);
        assert_eq!(may(&s, &g, &sc, Action::Promote), Err(Refusal::NotOffered));
        assert_eq!(may(&s, &g, &sc, Action::Kube), Err(Refusal::NotOffered));
        assert_eq!(may(&s, &g, &sc, Action::Open), Ok(()));
    }

    #[test]
    fn refused_keys_leave_the_key_bar_say_why_and_are_greyed_in_help() {
        use crate::state::{Input, update};
        use crate::views::testing::{now, screen, state};
        let mut st = state(100, 30);
        {
            let me = st.session.me.as_mut().unwrap();
            me.roles = vec![RoleBinding {
                role: RoleName::SupportAgent,
                org: None,
            }];
            me.support_agent = true;
        }
        st.session.support_ticket = Some("SUP-1234".into());
        crate::state::open_deep(
            &mut st,
            crate::views::Target::Env("digital-channels-stg".into()),
        );
        let bar = screen(&st, false);
        let last = bar.lines().last().unwrap().to_string();
        assert!(
            !last.contains("promote") && !last.contains("access"),
            "{last}"
        );
        let press = |st: &mut State, k: &str| {
            for key in crate::app::headless::parse_keys(k).unwrap() {
                update(st, Input::Key(key.to_event()), now());
            }
        };
        press(&mut st, "P");
        let said = st.notice.clone().unwrap();
        assert!(said.error && said.text.contains("read-only"), "{said:?}");
        st.notice = None;
        press(&mut st, "A");
        assert!(
            st.notice
                .clone()
                .unwrap()
                .text
                .contains("never opens kube access")
        );
        st.notice = None;
        press(&mut st, "?");
        insta::assert_snapshot!("help_refused_in_support_mode", screen(&st, false));
    }
}
