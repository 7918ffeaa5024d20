//! The console API of a Sovereign (CONTRACT Part B) as typed methods on [`ApiClient`]:
//! discovery and identity, Organizations and Environments, Blueprints (here);
//! Applications (`applications`); promotions, policies and access elevation
//! (`governance`); audit (`audit`); the SSE request factories (`live`); the
//! cross-Organization reads, triage and the catalogue of names (`triage`).
//!
//! Every method sends one request (listing helpers one per page) and returns the wire
//! types of `crate::model`. Must not cache answers nor poll: what to fetch and when is
//! the caller's decision (QUALITY P9).

mod applications;
mod audit;
mod governance;
mod live;
mod triage;

pub use live::SseRequestFactory;
pub use triage::TRIAGE_PAGE;

use std::future::Future;

use reqwest::{Method, Url};

use super::client::{ApiClient, Auth, Call};
use super::error::ApiError;
use crate::model::{
    Blueprint, BlueprintUsage, BlueprintVersion, CreateEnvironment, Environment, Me, Meta, Org,
    Page, PageQuery,
};

/// Upper bound of pages a "fetch everything" helper follows, against a server whose
/// cursors never end.
pub const MAX_PAGES: usize = 10_000;

/// Fetches every page of a listing by following `next_cursor` from `None` on. Stops at
/// the last page, at a cursor seen before (a server bug that would loop forever), or after
/// [`MAX_PAGES`] pages.
pub async fn collect_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PAGES {
        let page = fetch(cursor.take()).await?;
        items.extend(page.items);
        match page.next_cursor {
            Some(next) if !next.is_empty() && seen.insert(next.clone()) => cursor = Some(next),
            _ => break,
        }
    }
    Ok(items)
}

/// Adds the present query parameters to a URL.
pub(crate) fn with_query(mut url: Url, pairs: &[(&str, Option<String>)]) -> Url {
    if pairs.iter().any(|(_, v)| v.is_some()) {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
    }
    url
}

pub(crate) fn page_pairs(page: &PageQuery) -> [(&'static str, Option<String>); 2] {
    [
        ("limit", page.limit.map(|l| l.to_string())),
        ("cursor", page.cursor.clone()),
    ]
}

impl ApiClient {
    /// Sends a JSON body with `method` and decodes the JSON answer.
    pub(crate) async fn send_json<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: &B,
        what: &str,
    ) -> Result<T, ApiError> {
        self.call_json(Call::get(url, what).with_json(method, body)?)
            .await
    }

    /// `GET` with the session's token, decoding the JSON answer.
    pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<T, ApiError> {
        self.call_json(Call::get(url, what)).await
    }

    /// `GET /api/v1/meta`: the Sovereign and its sign-in endpoints (no token needed).
    pub async fn meta(&self) -> Result<Meta, ApiError> {
        let url = self.api_url(&["api", "v1", "meta"])?;
        self.call_json_anonymous(Call::get(url, "the Sovereign's description").auth(Auth::None))
            .await
    }

    /// `GET /device/personas` (the sandbox only): the demo identities its verification page
    /// offers, for the persona switch. A real Sovereign answers 404.
    pub async fn demo_personas(&self) -> Result<Vec<crate::model::DemoPersona>, ApiError> {
        let url = self.api_url_from(crate::sandbox::identity::PERSONAS_PATH)?;
        self.call_json_anonymous(crate::api::client::Call::get(url, "the demo personas"))
            .await
    }

    /// `GET /api/v1/me`: who is signed in, with roles and teams.
    pub async fn me(&self) -> Result<Me, ApiError> {
        let url = self.api_url(&["api", "v1", "me"])?;
        self.get_json(url, "your identity").await
    }

    /// `GET /api/v1/orgs`: one page of Organizations.
    pub async fn list_orgs(&self, page: &PageQuery) -> Result<Page<Org>, ApiError> {
        let url = with_query(self.api_url(&["api", "v1", "orgs"])?, &page_pairs(page));
        self.get_json(url, "the list of Organizations").await
    }

    /// Every Organization, following the cursors.
    pub async fn list_all_orgs(&self) -> Result<Vec<Org>, ApiError> {
        collect_pages(|cursor| async move {
            self.list_orgs(&PageQuery {
                limit: None,
                cursor,
            })
            .await
        })
        .await
    }

    /// `GET /api/v1/orgs/{org}`.
    pub async fn get_org(&self, org: &str) -> Result<Org, ApiError> {
        let url = self.api_url(&["api", "v1", "orgs", org])?;
        self.get_json(url, "the Organization").await
    }

    /// `GET /api/v1/orgs/{org}/environments`.
    pub async fn list_environments(&self, org: &str) -> Result<Vec<Environment>, ApiError> {
        let url = self.api_url(&["api", "v1", "orgs", org, "environments"])?;
        self.get_json(url, "the list of Environments").await
    }

    /// `POST /api/v1/orgs/{org}/environments` → 201 Environment.
    pub async fn create_environment(
        &self,
        org: &str,
        body: &CreateEnvironment,
    ) -> Result<Environment, ApiError> {
        let url = self.api_url(&["api", "v1", "orgs", org, "environments"])?;
        self.send_json(Method::POST, url, body, "the new Environment")
            .await
    }

    /// `GET /api/v1/blueprints`: the catalogue.
    pub async fn list_blueprints(&self) -> Result<Vec<Blueprint>, ApiError> {
        let url = self.api_url(&["api", "v1", "blueprints"])?;
        self.get_json(url, "the Blueprint catalogue").await
    }

    /// `GET /api/v1/blueprints/{bp}/versions/{version}`, with its `config_schema`.
    pub async fn blueprint_version(
        &self,
        blueprint: &str,
        version: &str,
    ) -> Result<BlueprintVersion, ApiError> {
        let url = self.api_url(&["api", "v1", "blueprints", blueprint, "versions", version])?;
        self.get_json(url, "the Blueprint version").await
    }

    /// `GET /api/v1/orgs/{org}/blueprints/{bp}/usage`: where a Blueprint runs in an Org.
    pub async fn blueprint_usage(
        &self,
        org: &str,
        blueprint: &str,
    ) -> Result<BlueprintUsage, ApiError> {
        let url = self.api_url(&["api", "v1", "orgs", org, "blueprints", blueprint, "usage"])?;
        self.get_json(url, "where the Blueprint is used").await
    }
}
