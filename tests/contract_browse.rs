//! Every read route for every persona, through the typed client against the sandbox: a
//! table of what each persona may read (Orgs, audit scope, access requests) decides, for
//! every route, between success and the exact `ApiError` (`Restricted` with its code and
//! required role, `NotFound`). Listings are also walked page by page with a small limit.
//! (Support mode without a ticket, and its audit trail, are in `contract_support_mode.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use std::collections::BTreeSet;

use catalyst_tui::api::{ApiClient, ApiError};
use catalyst_tui::model::*;
use catalyst_tui::sandbox::RunningSandbox;
use contract_support::*;

const ORGS: [&str; 4] = [
    "analytics",
    "core-banking",
    "corporate-it",
    "digital-channels",
];
const DC: &str = "digital-channels";
const SEEDED_REQUESTS: [&str; 4] = ["ar-000001", "ar-000002", "ar-000003", "ar-000004"];

/// How a call ended, as far as the table cares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Ok,
    Restricted {
        code: String,
        required: Option<String>,
    },
    NotFound,
}

fn outcome<T>(r: &Result<T, ApiError>) -> Outcome {
    match r {
        Ok(_) => Outcome::Ok,
        Err(ApiError::Restricted {
            code,
            required,
            request_id,
            ..
        }) => {
            assert!(request_id.is_some());
            Outcome::Restricted {
                code: code.clone(),
                required: required.clone(),
            }
        }
        Err(e @ ApiError::NotFound { .. }) => {
            assert_eq!(e.code(), Some("not-found"), "{e:?}");
            assert!(e.request_id().is_some());
            Outcome::NotFound
        }
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

fn forbidden(required: &str) -> Outcome {
    Outcome::Restricted {
        code: "forbidden".into(),
        required: Some(required.into()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuditScope {
    All,
    DigitalChannels,
    Refused,
}

/// What one persona may read.
struct Profile {
    persona: &'static str,
    ticket: Option<&'static str>,
    orgs: &'static [&'static str],
    audit: AuditScope,
    /// Seeded access requests it sees.
    requests: &'static [&'static str],
}

const PROFILES: [Profile; 8] = [
    Profile {
        persona: "admin",
        ticket: None,
        orgs: &ORGS,
        audit: AuditScope::All,
        requests: &SEEDED_REQUESTS,
    },
    Profile {
        persona: "layla",
        ticket: None,
        orgs: &[DC],
        audit: AuditScope::Refused,
        requests: &["ar-000001", "ar-000003"],
    },
    Profile {
        persona: "omar",
        ticket: None,
        orgs: &[DC],
        audit: AuditScope::Refused,
        requests: &["ar-000002", "ar-000004"],
    },
    Profile {
        persona: "salim",
        ticket: None,
        orgs: &[DC],
        audit: AuditScope::DigitalChannels,
        // Org-admins decide their Org's requests below prod.
        requests: &["ar-000001", "ar-000002"],
    },
    Profile {
        persona: "huda",
        ticket: None,
        orgs: &[DC],
        audit: AuditScope::Refused,
        requests: &[],
    },
    Profile {
        persona: "khalid",
        ticket: None,
        orgs: &ORGS,
        audit: AuditScope::All,
        requests: &SEEDED_REQUESTS,
    },
    Profile {
        persona: "fatma",
        ticket: None,
        orgs: &ORGS,
        audit: AuditScope::Refused,
        requests: &[],
    },
    Profile {
        persona: "support",
        ticket: Some(TICKET),
        orgs: &ORGS,
        audit: AuditScope::All,
        requests: &SEEDED_REQUESTS,
    },
];

/// An Environment and an Application of each Org to read.
fn sample(org: &str) -> (&'static str, &'static str) {
    match org {
        "analytics" => ("analytics-dev", "etl-runner"),
        "core-banking" => ("core-banking-prod", "ledger"),
        "corporate-it" => ("corporate-it-prod", "erp"),
        _ => ("digital-channels-stg", "payment-rail"),
    }
}

async fn apps_in(sb: &RunningSandbox, env: &str) -> Vec<String> {
    sb.state.world.read().await.apps[env]
        .keys()
        .cloned()
        .collect()
}

/// Follows the cursors of the Application listing with pages of `limit`.
async fn paged_apps(client: &ApiClient, env: &str, limit: u32) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::new();
    let mut cursor = None;
    loop {
        let page = client
            .list_applications(
                env,
                &PageQuery {
                    limit: Some(limit),
                    cursor,
                },
            )
            .await?;
        assert!(page.items.len() <= limit as usize);
        if page.next_cursor.is_some() {
            assert_eq!(
                page.items.len(),
                limit as usize,
                "only the last page is short"
            );
        }
        names.extend(page.items.into_iter().map(|a| a.name));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(names),
        }
    }
}

async fn check_org_routes(sb: &RunningSandbox, p: &Profile, c: &ApiClient, org: &str) {
    let who = format!("{} on {org}", p.persona);
    let readable = p.orgs.contains(&org);
    let want = if readable {
        Outcome::Ok
    } else {
        forbidden("org-viewer")
    };
    let (env, app) = sample(org);

    let got = c.get_org(org).await;
    assert_eq!(outcome(&got), want, "{who}: get_org");
    if let Ok(o) = got {
        assert_eq!(o.name, org);
        assert!(o.environments.contains(&env.to_string()));
        assert!(o.counts.applications > 0);
    }
    let envs = c.list_environments(org).await;
    assert_eq!(outcome(&envs), want, "{who}: list_environments");
    if let Ok(envs) = envs {
        assert!(envs.iter().all(|e| e.org == org));
        assert!(envs.iter().any(|e| e.name == env));
    }
    let policy = c.environment_policy(env).await;
    assert_eq!(outcome(&policy), want, "{who}: environment_policy");
    if let Ok(policy) = policy {
        assert_eq!(policy.environment, env);
    }

    let all = apps_in(sb, env).await;
    let paged = paged_apps(c, env, 2).await;
    assert_eq!(
        outcome(&paged),
        want,
        "{who}: list_applications (pages of 2)"
    );
    if let Ok(paged) = paged {
        assert_eq!(paged, all, "{who}: pages cover every Application once");
        let whole = c.list_all_applications(env, None).await.unwrap();
        assert_eq!(
            whole.iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
            all
        );
    }

    let one = c.get_application(env, app).await;
    assert_eq!(outcome(&one), want, "{who}: get_application");
    if let Ok(a) = one {
        assert_eq!(
            (a.environment.as_str(), a.name.as_str(), a.org.as_str()),
            (env, app, org)
        );
    }
    let tabs = [
        ("settings", outcome(&c.application_settings(env, app).await)),
        ("topology", outcome(&c.application_topology(env, app).await)),
        ("secrets", outcome(&c.application_secrets(env, app).await)),
        (
            "observability",
            outcome(&c.application_observability(env, app).await),
        ),
        ("history", outcome(&c.application_history(env, app).await)),
        (
            "manifests",
            outcome(&c.application_manifests(env, app).await),
        ),
    ];
    for (tab, got) in tabs {
        assert_eq!(got, want, "{who}: {tab}");
    }

    let usage = c.blueprint_usage(org, "bp-postgres").await;
    assert_eq!(outcome(&usage), want, "{who}: blueprint_usage");
    if let Ok(u) = usage {
        assert_eq!(u.org, org);
        assert!(!u.usages.is_empty());
        assert!(u.usages.iter().all(|x| x.environment.starts_with(org)));
    }

    let promos = c
        .list_promotions(&PromotionQuery {
            org: Some(org.into()),
            ..PromotionQuery::default()
        })
        .await;
    let want_promos = if readable {
        Outcome::Ok
    } else {
        forbidden(&format!("a role in {org}"))
    };
    assert_eq!(outcome(&promos), want_promos, "{who}: list_promotions org=");
}

async fn check_persona(sb: &RunningSandbox, p: &Profile, c: &ApiClient) {
    let who = p.persona;
    assert_eq!(c.me().await.unwrap().sub, who);

    let orgs: Vec<String> = c
        .list_all_orgs()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(orgs, p.orgs, "{who}: list_orgs");
    // One Org per page, following cursors.
    let mut paged = Vec::new();
    let mut cursor = None;
    loop {
        let page = c
            .list_orgs(&PageQuery {
                limit: Some(1),
                cursor,
            })
            .await
            .unwrap();
        assert!(page.items.len() <= 1);
        paged.extend(page.items.into_iter().map(|o| o.name));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, p.orgs, "{who}: list_orgs pages of 1");

    for org in ORGS {
        check_org_routes(sb, p, c, org).await;
    }

    // The catalogue: listed Blueprints for all, private ones with their Org.
    let names: BTreeSet<String> = c
        .list_blueprints()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert!(
        names.contains("bp-wordpress") && names.contains("bp-postgres"),
        "{who}"
    );
    assert_eq!(
        names.contains("bp-bd-payment-rail"),
        p.orgs.contains(&DC),
        "{who}"
    );
    assert_eq!(
        names.contains("bp-bd-core-ledger"),
        p.orgs.contains(&"core-banking"),
        "{who}"
    );
    let v = c.blueprint_version("bp-wordpress", "1.4.0").await.unwrap();
    assert_eq!(v.version, "1.4.0");
    assert!(
        v.config_schema["properties"]["multisite"].is_object(),
        "{who}"
    );
    assert_eq!(v.depends, ["bp-postgres"]);
    let ledger = c.blueprint_version("bp-bd-core-ledger", "5.1.0").await;
    let want = if p.orgs.contains(&"core-banking") {
        Outcome::Ok
    } else {
        Outcome::NotFound
    };
    assert_eq!(
        outcome(&ledger),
        want,
        "{who}: private Blueprint of another Org"
    );

    // Promotions: every persona here reads digital-channels, where all seeded ones are.
    let all = c.list_promotions(&PromotionQuery::default()).await.unwrap();
    let ids: BTreeSet<String> = all.items.iter().map(|p| p.id.clone()).collect();
    let want: BTreeSet<String> = (1..=5).map(|i| format!("pr-{i:06}")).collect();
    assert_eq!(ids, want, "{who}: list_promotions");
    let mut paged = Vec::new();
    let mut cursor = None;
    loop {
        let page = c
            .list_promotions(&PromotionQuery {
                limit: Some(2),
                cursor,
                ..PromotionQuery::default()
            })
            .await
            .unwrap();
        paged.extend(page.items.into_iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        paged,
        all.items.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        "{who}: promotions in pages of 2"
    );
    let open = c
        .list_promotions(&PromotionQuery {
            state: Some(PromotionState::Open),
            ..PromotionQuery::default()
        })
        .await
        .unwrap();
    let open: BTreeSet<String> = open.items.into_iter().map(|p| p.id).collect();
    assert_eq!(
        open,
        BTreeSet::from(["pr-000001".into(), "pr-000002".into()])
    );
    let p1 = c.get_promotion("pr-000001").await.unwrap();
    assert_eq!(p1.state, PromotionState::Open);
    assert_eq!(p1.reviews.len(), 1);
    assert_eq!(p1.reviews[0].actor, "salim");

    // Access requests: one's own, those one may decide, and everything for the
    // security officer and support.
    let listed = c
        .list_access_requests(None, &PageQuery::default())
        .await
        .unwrap();
    let listed: BTreeSet<&str> = listed.items.iter().map(|r| r.id.as_str()).collect();
    let visible: BTreeSet<&str> = p.requests.iter().copied().collect();
    assert_eq!(listed, visible, "{who}: list_access_requests");
    for id in SEEDED_REQUESTS {
        let got = c.get_access_request(id).await;
        let want = if p.requests.contains(&id) {
            Outcome::Ok
        } else {
            Outcome::NotFound
        };
        assert_eq!(outcome(&got), want, "{who}: get_access_request {id}");
    }
    let pending = c
        .list_access_requests(Some(AccessState::Pending), &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(
        pending
            .items
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        if p.requests.contains(&"ar-000001") {
            vec!["ar-000001"]
        } else {
            vec![]
        },
        "{who}: pending requests"
    );

    // Audit.
    let audit = c.list_audit(&AuditQuery::default()).await;
    match p.audit {
        AuditScope::Refused => {
            assert_eq!(
                outcome(&audit),
                forbidden("security-officer"),
                "{who}: audit"
            );
        }
        AuditScope::All => {
            let items = audit.unwrap().items;
            let targets: BTreeSet<&str> = items.iter().map(|r| r.target.as_str()).collect();
            assert!(
                targets.contains("core-banking-stg/ledger"),
                "{who}: {targets:?}"
            );
        }
        AuditScope::DigitalChannels => {
            let items = audit.unwrap().items;
            assert!(!items.is_empty());
            for r in &items {
                assert!(
                    r.target.starts_with(DC) || r.target.contains("/digital-channels"),
                    "{who} sees only its Org: {r:?}"
                );
            }
            let other = c
                .list_audit(&AuditQuery {
                    org: Some("core-banking".into()),
                    ..AuditQuery::default()
                })
                .await;
            assert_eq!(
                outcome(&other),
                forbidden("org-admin"),
                "{who}: audit of another Org"
            );
        }
    }

    // Things that do not exist.
    assert_eq!(
        outcome(&c.get_org("no-such-org").await),
        Outcome::NotFound,
        "{who}"
    );
    assert_eq!(
        outcome(
            &c.list_applications("no-such-env", &PageQuery::default())
                .await
        ),
        Outcome::NotFound,
        "{who}"
    );
    assert_eq!(
        outcome(&c.environment_policy("no-such-env").await),
        Outcome::NotFound
    );
    assert_eq!(
        outcome(
            &c.get_application("digital-channels-dev", "no-such-app")
                .await
        ),
        Outcome::NotFound,
        "{who}"
    );
    assert_eq!(
        outcome(
            &c.application_secrets("digital-channels-dev", "no-such-app")
                .await
        ),
        Outcome::NotFound,
        "{who}"
    );
    assert_eq!(
        outcome(&c.blueprint_version("bp-wordpress", "9.9.9").await),
        Outcome::NotFound
    );
    assert_eq!(
        outcome(&c.blueprint_version("bp-no-such", "1.0.0").await),
        Outcome::NotFound
    );
    assert_eq!(
        outcome(&c.get_promotion("pr-999999").await),
        Outcome::NotFound
    );
    assert_eq!(
        outcome(&c.get_access_request("ar-999999").await),
        Outcome::NotFound
    );
}

#[tokio::test]
async fn every_read_route_answers_every_persona_as_its_roles_allow() {
    let sb = start().await;
    let clients = futures::future::join_all(
        PROFILES
            .iter()
            .map(|p| sign_in_with(&sb, p.persona, p.ticket)),
    )
    .await;
    for (p, c) in PROFILES.iter().zip(&clients) {
        check_persona(&sb, p, c).await;
    }
}
