//! Carrying out one `Query` against a Sovereign that speaks catalyst-api (the
//! counterpart of `app::fetch` for the console API): which catalyst-api reads answer it
//! and how their answers become the same `Data` the views already render.
//!
//! Browse queries are answered (Orgs, Org, Environments, Applications, Application, the
//! Overview/Settings and Topology tabs, the palette's Catalog, BlueprintUsage, and the
//! audit as catalyst-api keeps it: RBAC changes only, said in the view); everything
//! catalyst-api has no data for answers [`ApiError::NotOffered`], never invented data.
//! Must not hold state between calls: the runner may keep the [`Sovereign`] it resolved
//! and call [`fetch_with`].

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt;

use crate::api::catalyst::adapt;
use crate::api::catalyst::wire::{ApplicationDetail, K8sObject};
use crate::api::{ApiClient, ApiError};
use crate::effect::{DetailTab, Query};
use crate::model::{
    AppTopology, Application, BlueprintUsage, BlueprintUse, Environment, Org, split_env_name,
};
use crate::msg::{Catalog, Data, TabData};
use crate::widgets::highlight::{Highlighted, highlight_yaml};

/// How many detail reads run at once when the explorer cannot list Application CRs.
const DETAIL_CONCURRENCY: usize = 8;

/// The Sovereign the `/sovereigns/{id}/…` routes are asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sovereign {
    /// See [`ApiClient::catalyst_sovereign_id`].
    pub id: String,
}

impl Sovereign {
    /// Resolves the id once (two requests at most).
    pub async fn resolve(client: &ApiClient) -> Result<Sovereign, ApiError> {
        Ok(Sovereign {
            id: client.catalyst_sovereign_id().await?,
        })
    }
}

/// Answers `query` from catalyst-api, resolving the Sovereign id first.
pub async fn fetch(client: &ApiClient, query: Query) -> Result<Data, ApiError> {
    if let Some(not) = not_offered(&query) {
        return Err(not);
    }
    let sovereign = Sovereign::resolve(client).await?;
    fetch_with(client, &sovereign, query).await
}

/// What catalyst-api has no route for, as the error to show.
fn not_offered(query: &Query) -> Option<ApiError> {
    let what = match query {
        Query::Inbox | Query::InboxItems => "an inbox of reviews and access requests",
        Query::Promotion { .. } | Query::Promote { .. } | Query::Review { .. } => "promotions",
        Query::RequestAccess { .. }
        | Query::Grants
        | Query::DecideAccess { .. }
        | Query::RevokeAccess { .. } => "just-in-time access requests",
        Query::Personas => "demo personas",
        Query::Triage { .. } => crate::words::TRIAGE_OFFERED,
        // The provisioning service's own routes: read by the provisioning client.
        q if q.is_provisioning() => "provisioning runs through this adapter",
        Query::Tab { tab, .. } => match tab {
            DetailTab::Overview | DetailTab::Settings | DetailTab::Topology => return None,
            DetailTab::Secrets => "an Application's secrets list",
            DetailTab::Observability => "an Application's pods",
            DetailTab::History => "an Application's deploy history",
            DetailTab::Manifests => "an Application's rendered manifests",
        },
        _ => return None,
    };
    Some(ApiError::not_offered(what))
}

/// Answers `query` for an already resolved Sovereign.
pub async fn fetch_with(
    client: &ApiClient,
    sovereign: &Sovereign,
    query: Query,
) -> Result<Data, ApiError> {
    if let Some(not) = not_offered(&query) {
        return Err(not);
    }
    let id = sovereign.id.as_str();
    Ok(match query {
        Query::Orgs => Data::Orgs(orgs(client, id).await?),
        Query::Org(name) => {
            let org = orgs(client, id)
                .await?
                .into_iter()
                .find(|o| o.name == name)
                .ok_or_else(|| missing(format!("the Organization {name}")))?;
            Data::Org(Box::new(org))
        }
        Query::Environments { org } => {
            let apps = applications(client, id).await.unwrap_or_default();
            let mut envs: Vec<Environment> = environments(client, id)
                .await?
                .into_iter()
                .filter(|e| e.org == org)
                .collect();
            for e in &mut envs {
                e.counts = adapt::counts_of(apps.iter().filter(|a| a.environment == e.name));
            }
            Data::Environments(envs)
        }
        Query::Applications { env } => Data::Applications(
            applications(client, id)
                .await?
                .into_iter()
                .filter(|a| a.environment == env)
                .collect(),
        ),
        Query::Application { env, app } => {
            Data::Application(Box::new(application(client, id, &env, &app).await?))
        }
        Query::Tab { env, app, tab } => Data::Tab(
            tab,
            Box::new(detail_tab(client, id, &env, &app, tab).await?),
        ),
        Query::Catalog => Data::Catalog(Box::new(catalog(client, id).await?)),
        Query::BlueprintUsage { org, blueprint } => {
            Data::BlueprintUsage(Box::new(usage(client, id, &org, &blueprint).await?))
        }
        Query::Audit(q) => Data::Audit(Box::new(rbac_audit(client, id, &q).await?)),
        // Everything else was answered by `not_offered` above.
        _ => return Err(ApiError::not_offered("this view")),
    })
}

fn missing(what: String) -> ApiError {
    ApiError::NotFound {
        code: None,
        detail: format!("{what} does not exist"),
        request_id: None,
    }
}

/// Every Org with its Environments' names and the roll-up of its Applications (both
/// read through the explorer; when it is unavailable they stay empty).
async fn orgs(client: &ApiClient, id: &str) -> Result<Vec<Org>, ApiError> {
    let (records, envs, apps) = tokio::join!(
        client.catalyst_organizations(),
        environments(client, id),
        applications(client, id)
    );
    let envs = envs.unwrap_or_default();
    let apps = apps.unwrap_or_default();
    Ok(records?
        .iter()
        .map(adapt::org_from_record)
        .map(|mut o| {
            o.environments = envs
                .iter()
                .filter(|e| e.org == o.name)
                .map(|e| e.name.clone())
                .collect();
            o.counts = adapt::counts_of(apps.iter().filter(|a| a.org == o.name));
            o
        })
        .collect())
}

/// Every Environment CR, sorted by name.
async fn environments(client: &ApiClient, id: &str) -> Result<Vec<Environment>, ApiError> {
    let mut envs: Vec<Environment> = client
        .catalyst_k8s_list(id, "environment")
        .await?
        .iter()
        .filter_map(adapt::environment_from_cr)
        .collect();
    envs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(envs)
}

/// Every Application of the Sovereign with its Environment: the explorer's Application
/// CRs carry `spec.environmentRef`; when the explorer is unavailable (404/503), the
/// list rows are completed by one detail read each.
async fn applications(client: &ApiClient, id: &str) -> Result<Vec<Application>, ApiError> {
    let crs: Result<Vec<K8sObject>, ApiError> = client.catalyst_k8s_list(id, "application").await;
    let mut apps: Vec<Application> = match crs {
        Ok(crs) => crs.iter().filter_map(adapt::application_from_cr).collect(),
        Err(e) if matches!(e.status(), Some(404 | 503)) => from_rows(client, id).await?,
        Err(e) => return Err(e),
    };
    apps.sort_by(|a, b| (&a.environment, &a.name).cmp(&(&b.environment, &b.name)));
    Ok(apps)
}

async fn from_rows(client: &ApiClient, id: &str) -> Result<Vec<Application>, ApiError> {
    let rows = client.catalyst_applications(id).await?.items;
    let details: Vec<_> = futures::stream::iter(rows)
        .map(|row| async move {
            let ns = (!row.namespace.is_empty()).then_some(row.namespace.as_str());
            client.catalyst_application(id, &row.name, ns).await
        })
        .buffered(DETAIL_CONCURRENCY)
        .collect()
        .await;
    let mut apps = Vec::new();
    for d in details {
        match d {
            // A row whose detail names no Environment cannot be placed under one.
            Ok(d) if d.environment_ref.as_deref().is_some_and(|e| !e.is_empty()) => {
                apps.push(adapt::application_from_detail(&d, ""));
            }
            Ok(_) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(apps)
}

/// The Application CR of `app` in `env` from the explorer (names are unique only per
/// Org namespace, so the explorer's `spec.environmentRef` is what pins the Environment);
/// `Ok(None)` when the explorer is unavailable (404/503).
async fn find_cr(
    client: &ApiClient,
    id: &str,
    env: &str,
    app: &str,
) -> Result<Option<K8sObject>, ApiError> {
    match client.catalyst_k8s_list(id, "application").await {
        Ok(crs) => crs
            .into_iter()
            .find(|cr| {
                cr.metadata.name == app && adapt::environment_of_cr(cr).as_deref() == Some(env)
            })
            .map(Some)
            .ok_or_else(|| missing(format!("the Application {app} in {env}"))),
        Err(e) if matches!(e.status(), Some(404 | 503)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The detail answer of `app`, read in its Org's namespace (the Org slug of
/// `{org}-{env_type}`), when it is the one of `env`.
async fn detail_of(
    client: &ApiClient,
    id: &str,
    env: &str,
    app: &str,
) -> Result<Option<ApplicationDetail>, ApiError> {
    let ns = split_env_name(env).map(|(org, _)| org);
    let d = client.catalyst_application(id, app, ns).await?;
    let same = d
        .environment_ref
        .as_deref()
        .is_none_or(|e| e.is_empty() || e == env);
    Ok(same.then_some(d))
}

/// One Application: its CR (exact), completed by the detail answer (front-door URL,
/// backing edges) when that names the same Environment; the detail alone when the
/// explorer is unavailable.
async fn application(
    client: &ApiClient,
    id: &str,
    env: &str,
    app: &str,
) -> Result<Application, ApiError> {
    let Some(cr) = find_cr(client, id, env, app).await? else {
        return detail_of(client, id, env, app)
            .await?
            .map(|d| adapt::application_from_detail(&d, env))
            .ok_or_else(|| missing(format!("the Application {app} in {env}")));
    };
    let mut found = adapt::application_from_cr(&cr)
        .ok_or_else(|| missing(format!("the Application {app} in {env}")))?;
    if let Ok(Some(d)) = detail_of(client, id, env, app).await {
        let extra = adapt::application_from_detail(&d, env);
        found.endpoint = extra.endpoint;
        if !extra.dependencies.is_empty() {
            found.dependencies = extra.dependencies;
        }
    }
    Ok(found)
}

async fn detail_tab(
    client: &ApiClient,
    id: &str,
    env: &str,
    app: &str,
    tab: DetailTab,
) -> Result<TabData, ApiError> {
    if tab == DetailTab::Topology {
        let a = application(client, id, env, app).await?;
        return Ok(TabData::Topology(AppTopology {
            placement: a.placement,
            dependencies: a.dependencies,
            used_by: Vec::new(),
            regions: Vec::new(),
        }));
    }
    // Overview and Settings: the Blueprint and the parameters (JSON is YAML too).
    let (blueprint, params) = match find_cr(client, id, env, app).await? {
        Some(cr) => {
            let a = adapt::application_from_cr(&cr)
                .ok_or_else(|| missing(format!("the Application {app} in {env}")))?;
            let params = cr.spec.get("parameters").cloned().unwrap_or_default();
            (a.blueprint, params)
        }
        None => {
            let d = detail_of(client, id, env, app)
                .await?
                .ok_or_else(|| missing(format!("the Application {app} in {env}")))?;
            let a = adapt::application_from_detail(&d, env);
            (
                a.blueprint,
                serde_json::Value::Object(d.parameters.unwrap_or_default()),
            )
        }
    };
    let params = if params.is_null() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        params
    };
    let text = serde_json::to_string_pretty(&params).unwrap_or_default();
    let fallback = text.clone();
    let yaml = tokio::task::spawn_blocking(move || highlight_yaml(&text))
        .await
        .unwrap_or_else(|_| Highlighted::plain(&fallback));
    Ok(TabData::Settings {
        blueprint: format!("{} @ {}", blueprint.name, blueprint.version),
        yaml,
    })
}

/// Every name the palette completes over.
async fn catalog(client: &ApiClient, id: &str) -> Result<Catalog, ApiError> {
    let (orgs, envs, apps, bps) = tokio::join!(
        client.catalyst_organizations(),
        environments(client, id),
        applications(client, id),
        client.catalyst_catalog()
    );
    let mut org_names: Vec<String> = orgs?
        .iter()
        .map(|r| adapt::org_from_record(r).name)
        .collect();
    org_names.sort();
    let environments = envs
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.name)
        .collect();
    let applications = apps
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.environment, a.name))
        .collect();
    let blueprints: BTreeSet<String> = bps
        .map(|c| c.items.into_iter().map(|b| b.name).collect())
        .unwrap_or_default();
    Ok(Catalog {
        orgs: org_names,
        environments,
        applications,
        blueprints: blueprints.into_iter().collect(),
    })
}

/// Where a Blueprint runs (in `org`, or everywhere when `org` is empty).
async fn usage(
    client: &ApiClient,
    id: &str,
    org: &str,
    blueprint: &str,
) -> Result<BlueprintUsage, ApiError> {
    let (apps, cat) = tokio::join!(applications(client, id), client.catalyst_catalog());
    let latest: BTreeMap<String, String> = cat
        .map(|c| c.items.into_iter().map(|b| (b.name, b.version)).collect())
        .unwrap_or_default();
    let usages = apps?
        .into_iter()
        .filter(|a| a.blueprint.name == blueprint && (org.is_empty() || a.org == org))
        .map(|a| BlueprintUse {
            environment: a.environment,
            application: a.name,
            version: a.blueprint.version,
            status: a.status,
        })
        .collect();
    Ok(BlueprintUsage {
        org: org.to_string(),
        blueprint: blueprint.to_string(),
        latest_version: latest.get(blueprint).cloned().unwrap_or_default(),
        usages,
    })
}

/// Most records one RBAC audit page asks for (catalyst-api's own limit).
const RBAC_AUDIT_LIMIT: u32 = 500;

/// A page of the audit from catalyst-api's RBAC audit: the actor, `since` and a whole
/// audit type (as `action`) are its filters, `cursor` is its offset; the other filters
/// apply to the rows in the view.
async fn rbac_audit(
    client: &ApiClient,
    id: &str,
    q: &crate::model::AuditQuery,
) -> Result<crate::model::AuditTrail, ApiError> {
    let query = crate::api::catalyst::client::RbacAuditQuery {
        limit: Some(q.limit.unwrap_or(RBAC_AUDIT_LIMIT).min(RBAC_AUDIT_LIMIT)),
        offset: q.cursor.as_deref().and_then(|c| c.parse().ok()),
        actor: q.actor.clone(),
        since: q
            .since
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        kind: q.action.clone().filter(|a| a.starts_with("rbac-")),
    };
    let page = client.catalyst_rbac_audit(id, &query).await?;
    let next_cursor = page
        .has_more
        .then(|| match &page.next_offset {
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        })
        .flatten();
    Ok(crate::model::AuditTrail {
        items: page.items.iter().map(adapt::audit_record).collect(),
        next_cursor,
        rbac_only: true,
    })
}
