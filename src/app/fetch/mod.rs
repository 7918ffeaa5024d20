//! Carrying out one `Query` with the typed client: which calls answer it, and how the
//! answer becomes `Data` (YAML highlighted here, off the UI task), by domain: the console
//! API here, the provisioning service in [`provisioning`], catalyst-api through its
//! adapter (`app::catalyst_fetch`).

use std::collections::BTreeSet;

use futures::StreamExt;

mod provisioning;

pub use provisioning::provisioning;

use crate::api::{ApiClient, ApiError};
use crate::app::startup::Surface;
use crate::effect::{DetailTab, Query};
use crate::model::{
    AccessState, CreatePromotion, CreateReview, PageQuery, Promotion, PromotionQuery,
    PromotionState,
};
use crate::msg::{Catalog, Data, Inbox, InboxItems, PromotionDetail, TabData};
use crate::widgets::highlight::{highlight_diff, highlight_yaml};

/// How many requests the catalogue runs at once.
const CATALOG_CONCURRENCY: usize = 8;

/// Answers `query` through the API the Sovereign speaks: catalyst-api through its
/// adapter (but for the provisioning routes, which both serve alike), else the console
/// API.
pub async fn answer(
    client: &ApiClient,
    surface: &Surface,
    query: Query,
    remembered: Vec<String>,
) -> Result<Data, ApiError> {
    match surface {
        Surface::Catalyst { sovereign } if !query.is_provisioning() => {
            let sovereign = crate::app::catalyst_fetch::Sovereign {
                id: sovereign.clone(),
            };
            crate::app::catalyst_fetch::fetch_with(client, &sovereign, query).await
        }
        _ => fetch(client, query, remembered).await,
    }
}

/// Answers `query` from the console API; `remembered` are the provisioning runs this
/// profile has opened (newest first), read when the service has no list of runs.
pub async fn fetch(
    client: &ApiClient,
    query: Query,
    remembered: Vec<String>,
) -> Result<Data, ApiError> {
    Ok(match query {
        Query::Orgs => Data::Orgs(client.list_all_orgs().await?),
        Query::Org(org) => Data::Org(Box::new(client.get_org(&org).await?)),
        Query::Inbox => Data::Inbox(inbox(client).await?),
        Query::Environments { org } => Data::Environments(client.list_environments(&org).await?),
        Query::Applications { env } => {
            Data::Applications(client.list_all_applications(&env, Some(500)).await?)
        }
        Query::Application { env, app } => {
            Data::Application(Box::new(client.get_application(&env, &app).await?))
        }
        Query::Tab { env, app, tab } => {
            Data::Tab(tab, Box::new(detail_tab(client, &env, &app, tab).await?))
        }
        Query::BlueprintUsage { org, blueprint } if org.is_empty() => {
            Data::BlueprintUsage(Box::new(usage_everywhere(client, &blueprint).await?))
        }
        Query::BlueprintUsage { org, blueprint } => {
            Data::BlueprintUsage(Box::new(client.blueprint_usage(&org, &blueprint).await?))
        }
        Query::Catalog => Data::Catalog(Box::new(catalog(client).await?)),
        Query::Personas => Data::Personas(client.demo_personas().await?),
        // The provisioning service's own routes.
        q @ (Query::Deployments
        | Query::Deployment { .. }
        | Query::Components { .. }
        | Query::RetryPhase { .. }
        | Query::Jobs { .. }
        | Query::Job { .. }
        | Query::RetryJob { .. }
        | Query::ExecutionLogs { .. }) => {
            return provisioning::fetch(client, q, remembered).await;
        }
        Query::DecideAccess {
            id,
            decision,
            comment,
        } => Data::AccessDecided(Box::new(
            client
                .decide_access_request(&id, &crate::model::AccessDecision { decision, comment })
                .await?,
        )),
        Query::Grants => Data::Grants(
            client
                .list_access_requests(
                    Some(crate::model::AccessState::Granted),
                    &crate::model::PageQuery::default(),
                )
                .await?
                .items,
        ),
        Query::RequestAccess {
            env,
            reason,
            minutes,
            access,
        } => {
            let request = crate::model::CreateAccessRequest {
                reason,
                duration_minutes: minutes,
                access,
            };
            Data::AccessRequested(Box::new(
                client.create_access_request(&env, &request).await?,
            ))
        }
        Query::InboxItems => Data::InboxItems(Box::new(inbox_items(client).await?)),
        Query::Promotion { id } => promotion(client.get_promotion(&id).await?).await,
        Query::Promote { env, app, target } => {
            let request = CreatePromotion {
                target_environment: target,
            };
            promotion(client.create_promotion(&env, &app, &request).await?).await
        }
        Query::Review {
            id,
            decision,
            comment,
            revision,
        } => {
            let review = CreateReview {
                decision,
                comment,
                revision,
            };
            promotion(client.review_promotion(&id, &review).await?).await
        }
        // The runner reads these through the grant's own client.
        Query::KubeYaml { .. } => {
            Data::KubeYaml(Box::new(Err(crate::words::KUBE_THROUGH_GRANT.to_string())))
        }
        Query::RevokeAccess { id } => {
            Data::AccessRevoked(Box::new(client.revoke_access_request(&id).await?))
        }
        // A console API without the triage extension has nothing to offer here.
        Query::Triage { stuck_after } => match client.list_all_triage(stuck_after).await {
            Ok(items) => Data::Triage(items),
            Err(e) if matches!(e.status(), Some(404 | 405)) => {
                return Err(ApiError::not_offered(crate::words::TRIAGE_OFFERED));
            }
            Err(e) => return Err(e),
        },
        Query::Audit(query) => {
            let page = client.list_audit(&query).await?;
            Data::Audit(Box::new(crate::model::AuditTrail {
                items: page.items,
                next_cursor: page.next_cursor,
                rbac_only: false,
            }))
        }
    })
}

/// A promotion as data, its diff highlighted off the UI task.
async fn promotion(promotion: Promotion) -> Data {
    let text = promotion.diff.clone();
    let fallback = text.clone();
    let diff = tokio::task::spawn_blocking(move || highlight_diff(&text))
        .await
        .unwrap_or_else(|_| crate::widgets::highlight::Highlighted::plain(&fallback));
    Data::Promotion(Box::new(PromotionDetail { promotion, diff }))
}

/// The open promotions awaiting my review (oldest first), the pending access requests and
/// the live grants this identity may see (none when it may not list them).
async fn inbox_items(client: &ApiClient) -> Result<InboxItems, ApiError> {
    let mut promotions = client
        .list_promotions(&PromotionQuery {
            state: Some(PromotionState::Open),
            awaiting_me: Some(true),
            ..PromotionQuery::default()
        })
        .await?
        .items;
    promotions.sort_by_key(|p| p.created_at);
    let access_requests = listed_access(client, AccessState::Pending).await?;
    let grants = listed_access(client, AccessState::Granted).await?;
    Ok(InboxItems {
        promotions,
        access_requests,
        grants,
    })
}

/// The access requests in `state` this identity may see (none when it may not list them).
async fn listed_access(
    client: &ApiClient,
    state: AccessState,
) -> Result<Vec<crate::model::AccessRequest>, ApiError> {
    match client
        .list_access_requests(Some(state), &PageQuery::default())
        .await
    {
        Ok(page) => Ok(page.items),
        Err(e) if e.is_restricted() => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Counts of what waits for me. An identity that may not list access requests simply
/// has none to decide.
async fn inbox(client: &ApiClient) -> Result<Inbox, ApiError> {
    let reviews = client
        .list_promotions(&PromotionQuery {
            state: Some(PromotionState::Open),
            awaiting_me: Some(true),
            ..PromotionQuery::default()
        })
        .await?
        .items
        .len();
    let access_requests = match client
        .list_access_requests(Some(AccessState::Pending), &PageQuery::default())
        .await
    {
        Ok(page) => page.items.len(),
        Err(e) if e.is_restricted() => 0,
        Err(e) => return Err(e),
    };
    Ok(Inbox {
        reviews,
        access_requests,
    })
}

async fn detail_tab(
    client: &ApiClient,
    env: &str,
    app: &str,
    tab: DetailTab,
) -> Result<TabData, ApiError> {
    Ok(match tab {
        // The overview is the Application itself; asking for it as a tab reads it again.
        DetailTab::Overview | DetailTab::Settings => {
            let s = client.application_settings(env, app).await?;
            let blueprint = format!("{} @ {}", s.blueprint.name, s.blueprint.version);
            let yaml = highlight_off_task(s.values_yaml).await;
            TabData::Settings { blueprint, yaml }
        }
        DetailTab::Topology => TabData::Topology(client.application_topology(env, app).await?),
        DetailTab::Secrets => TabData::Secrets(client.application_secrets(env, app).await?),
        DetailTab::Observability => {
            TabData::Observability(client.application_observability(env, app).await?)
        }
        DetailTab::History => TabData::History(client.application_history(env, app).await?),
        DetailTab::Manifests => {
            let m = client.application_manifests(env, app).await?;
            TabData::Manifests(highlight_off_task(m.yaml).await)
        }
    })
}

async fn highlight_off_task(text: String) -> crate::widgets::highlight::Highlighted {
    let fallback = text.clone();
    tokio::task::spawn_blocking(move || highlight_yaml(&text))
        .await
        .unwrap_or_else(|_| crate::widgets::highlight::Highlighted::plain(&fallback))
}

/// Every name the palette completes over, in one request to `GET /api/v1/catalog`; a
/// server without it (404, 405) is read the old way, Environment by Environment.
async fn catalog(client: &ApiClient) -> Result<Catalog, ApiError> {
    match client.catalog_names().await {
        Ok(names) => {
            let mut applications: Vec<(String, String)> = names
                .applications
                .into_iter()
                .map(|a| (a.environment, a.name))
                .collect();
            applications.sort();
            let mut environments = names.environments;
            environments.sort();
            Ok(Catalog {
                orgs: names.orgs,
                environments,
                applications,
                blueprints: names.blueprints,
            })
        }
        Err(e) if matches!(e.status(), Some(404 | 405)) => catalog_one_by_one(client).await,
        Err(e) => Err(e),
    }
}

/// The catalogue read one Organization and one Environment at a time (a server without
/// `GET /api/v1/catalog`).
async fn catalog_one_by_one(client: &ApiClient) -> Result<Catalog, ApiError> {
    let orgs: Vec<String> = client
        .list_all_orgs()
        .await?
        .into_iter()
        .map(|o| o.name)
        .collect();
    let env_lists: Vec<Result<Vec<String>, ApiError>> = futures::stream::iter(orgs.clone())
        .map(|org| async move {
            client
                .list_environments(&org)
                .await
                .map(|envs| envs.into_iter().map(|e| e.name).collect())
        })
        .buffer_unordered(CATALOG_CONCURRENCY)
        .collect()
        .await;
    let mut environments = Vec::new();
    for list in env_lists {
        match list {
            Ok(l) => environments.extend(l),
            Err(e) if e.is_restricted() => {}
            Err(e) => return Err(e),
        }
    }
    environments.sort();
    let app_lists: Vec<Result<Vec<(String, String)>, ApiError>> =
        futures::stream::iter(environments.clone())
            .map(|env| async move {
                client
                    .list_all_applications(&env, Some(500))
                    .await
                    .map(|apps| apps.into_iter().map(|a| (env.clone(), a.name)).collect())
            })
            .buffer_unordered(CATALOG_CONCURRENCY)
            .collect()
            .await;
    let mut applications = Vec::new();
    let mut blueprints = BTreeSet::new();
    for list in app_lists {
        match list {
            Ok(l) => applications.extend(l),
            Err(e) if e.is_restricted() => {}
            Err(e) => return Err(e),
        }
    }
    applications.sort();
    if let Ok(bps) = client.list_blueprints().await {
        blueprints.extend(bps.into_iter().map(|b| b.name));
    }
    Ok(Catalog {
        orgs,
        environments,
        applications,
        blueprints: blueprints.into_iter().collect(),
    })
}

/// Where a Blueprint runs in every Organization the identity may see.
async fn usage_everywhere(
    client: &ApiClient,
    blueprint: &str,
) -> Result<crate::model::BlueprintUsage, ApiError> {
    let orgs = client.list_all_orgs().await?;
    let answers: Vec<_> = futures::stream::iter(orgs)
        .map(|org| async move { client.blueprint_usage(&org.name, blueprint).await })
        .buffer_unordered(CATALOG_CONCURRENCY)
        .collect()
        .await;
    let mut all = crate::model::BlueprintUsage {
        org: String::new(),
        blueprint: blueprint.to_string(),
        latest_version: String::new(),
        usages: Vec::new(),
    };
    for answer in answers {
        match answer {
            Ok(u) => {
                if all.latest_version.is_empty() {
                    all.latest_version = u.latest_version;
                }
                all.usages.extend(u.usages);
            }
            Err(e) if e.is_restricted() || matches!(e, ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    all.usages
        .sort_by(|a, b| (&a.environment, &a.application).cmp(&(&b.environment, &b.application)));
    Ok(all)
}
