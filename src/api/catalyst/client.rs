//! catalyst-api's read routes as typed methods on [`ApiClient`], through the same
//! `Call` machinery as the console API: bearer token, one refresh-and-retry after a 401,
//! request ids, TLS trust, size caps and errors for people. Also the detection of which
//! API a server speaks and the Sovereign id the `/sovereigns/{id}/…` routes need.
//!
//! Every method sends one request (the explorer listing one per page). Must not cache
//! answers nor decide what to fetch: that is `fetch` (and the runner).

use reqwest::Url;

use super::wire::{
    ApplicationDetail, ApplicationList, ApplicationStatus, Catalog, K8sList, K8sObject, OrgRecord,
    OrganizationList, RbacAuditPage, SovereignSelf, WhoAmI,
};

/// The filters of catalyst-api's RBAC audit listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RbacAuditQuery {
    /// At most 500.
    pub limit: Option<u32>,
    pub offset: Option<u64>,
    pub actor: Option<String>,
    /// RFC 3339.
    pub since: Option<String>,
    /// An audit type (`rbac-grant-created`, …).
    pub kind: Option<String>,
}
use crate::api::client::{ApiClient, Auth, Call};
use crate::api::config::ApiKind;
use crate::api::console::with_query;
use crate::api::error::ApiError;

/// Most pages of one explorer listing followed (500 objects a page).
pub const MAX_K8S_PAGES: usize = 200;

impl ApiClient {
    async fn catalyst_get<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<T, ApiError> {
        self.call_json(Call::get(url, what)).await
    }

    fn sovereign_url(&self, sovereign: &str, tail: &[&str]) -> Result<Url, ApiError> {
        let mut segs = vec!["api", "v1", "sovereigns", sovereign];
        segs.extend_from_slice(tail);
        self.api_url(&segs)
    }

    /// `GET /api/v1/whoami`: the session's identity and claims.
    pub async fn catalyst_whoami(&self) -> Result<WhoAmI, ApiError> {
        self.catalyst_get(self.api_url(&["api", "v1", "whoami"])?, "your identity")
            .await
    }

    /// `GET /api/v1/sovereign/self` (public): this Sovereign's deployment id and FQDN.
    /// 404 `not-a-sovereign` on the mothership, 503 `deployment-id-not-yet-stamped`
    /// before handover completes.
    pub async fn catalyst_sovereign_self(&self) -> Result<SovereignSelf, ApiError> {
        let url = self.api_url(&["api", "v1", "sovereign", "self"])?;
        self.call_json_anonymous(Call::get(url, "the Sovereign's id").auth(Auth::None))
            .await
    }

    /// The `{id}` of `/api/v1/sovereigns/{id}/…`: `/sovereign/self`'s `deploymentId`,
    /// else the session's `deploymentId` claim (`/whoami`), else the Sovereign's FQDN
    /// (inside a Sovereign the explorer maps any id onto its own cluster, and the
    /// application routes synthesise a record for an unknown id).
    pub async fn catalyst_sovereign_id(&self) -> Result<String, ApiError> {
        let mut fqdn = String::new();
        match self.catalyst_sovereign_self().await {
            Ok(s) if !s.deployment_id.is_empty() => return Ok(s.deployment_id),
            Ok(s) => fqdn = s.sovereign_fqdn,
            Err(e) if e.needs_sign_in() || e.status().is_some() => {}
            Err(e) => return Err(e),
        }
        let who = self.catalyst_whoami().await?;
        if let Some(id) = who.deployment_id.filter(|d| !d.is_empty()) {
            return Ok(id);
        }
        if let Some(f) = who.sovereign_fqdn.filter(|f| !f.is_empty()) {
            return Ok(f);
        }
        if !fqdn.is_empty() {
            return Ok(fqdn);
        }
        Err(ApiError::Config {
            detail: "The Sovereign did not say its id (neither /api/v1/sovereign/self nor \
                     /api/v1/whoami carries a deploymentId)."
                .into(),
        })
    }

    /// `GET /api/v1/sovereigns/{id}/audit/rbac?limit=&offset=&actor=&since=&type=`: one
    /// page of the RBAC audit (catalyst-api audits nothing else); 403 below tier admin.
    pub async fn catalyst_rbac_audit(
        &self,
        sovereign: &str,
        query: &RbacAuditQuery,
    ) -> Result<RbacAuditPage, ApiError> {
        let url = with_query(
            self.sovereign_url(sovereign, &["audit", "rbac"])?,
            &[
                ("limit", query.limit.map(|l| l.to_string())),
                ("offset", query.offset.map(|o| o.to_string())),
                ("actor", query.actor.clone()),
                ("since", query.since.clone()),
                ("type", query.kind.clone()),
            ],
        );
        self.catalyst_get(url, "the RBAC audit").await
    }

    /// `GET /api/v1/organizations`: every Organization record.
    pub async fn catalyst_organizations(&self) -> Result<Vec<OrgRecord>, ApiError> {
        let url = self.api_url(&["api", "v1", "organizations"])?;
        let list: OrganizationList = self.catalyst_get(url, "the list of Organizations").await?;
        Ok(list.items)
    }

    /// `GET /api/v1/sovereigns/{id}/k8s/{kind}`: every cached object of `kind`,
    /// following `continue` cursors (at most [`MAX_K8S_PAGES`] pages).
    pub async fn catalyst_k8s_list(
        &self,
        sovereign: &str,
        kind: &str,
    ) -> Result<Vec<K8sObject>, ApiError> {
        let base = self.sovereign_url(sovereign, &["k8s", kind])?;
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        for _ in 0..MAX_K8S_PAGES {
            let url = with_query(base.clone(), &[("continue", cursor.take())]);
            let page: K8sList = self.catalyst_get(url, "the Kubernetes objects").await?;
            items.extend(page.items);
            match page.continue_token {
                Some(c) if !c.is_empty() && seen.insert(c.clone()) => cursor = Some(c),
                _ => break,
            }
        }
        Ok(items)
    }

    /// `GET /api/v1/sovereigns/{id}/applications`: the Sovereign-wide list (rows carry
    /// the namespace but no Environment).
    pub async fn catalyst_applications(
        &self,
        sovereign: &str,
    ) -> Result<ApplicationList, ApiError> {
        let url = self.sovereign_url(sovereign, &["applications"])?;
        self.catalyst_get(url, "the list of Applications").await
    }

    /// `GET /api/v1/sovereigns/{id}/applications/{name}?namespace=`: one Application;
    /// without a namespace the server returns the first of that name.
    pub async fn catalyst_application(
        &self,
        sovereign: &str,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<ApplicationDetail, ApiError> {
        let url = with_query(
            self.sovereign_url(sovereign, &["applications", name])?,
            &[("namespace", namespace.map(str::to_string))],
        );
        self.catalyst_get(url, "the Application").await
    }

    /// `GET /api/v1/sovereigns/{id}/applications/{name}/status?namespace=`.
    pub async fn catalyst_application_status(
        &self,
        sovereign: &str,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<ApplicationStatus, ApiError> {
        let url = with_query(
            self.sovereign_url(sovereign, &["applications", name, "status"])?,
            &[("namespace", namespace.map(str::to_string))],
        );
        self.catalyst_get(url, "the Application's status").await
    }

    /// `GET /api/v1/catalog`: the Blueprint catalog.
    pub async fn catalyst_catalog(&self) -> Result<Catalog, ApiError> {
        let url = self.api_url(&["api", "v1", "catalog"])?;
        self.catalyst_get(url, "the Blueprint catalog").await
    }

    /// A factory of requests for `GET /api/v1/sovereigns/{id}/k8s/stream?kinds=…` (the
    /// current token on every attempt; the stream has no ids to resume from).
    pub fn k8s_stream_request(
        &self,
        sovereign: &str,
        kinds: &[&str],
    ) -> Result<impl Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static, ApiError>
    {
        let kinds = (!kinds.is_empty()).then(|| kinds.join(","));
        let url = with_query(
            self.sovereign_url(sovereign, &["k8s", "stream"])?,
            &[("kinds", kinds)],
        );
        let factory = self.sse_factory(url, Auth::Required);
        // No ids on this stream: never send a Last-Event-ID.
        Ok(move |_: Option<&str>| factory(None))
    }

    /// A factory of requests for `GET …/applications/{name}/stream?namespace=`.
    pub fn app_stream_request(
        &self,
        sovereign: &str,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<impl Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static, ApiError>
    {
        let url = with_query(
            self.sovereign_url(sovereign, &["applications", name, "stream"])?,
            &[("namespace", namespace.map(str::to_string))],
        );
        let factory = self.sse_factory(url, Auth::Required);
        Ok(move |_: Option<&str>| factory(None))
    }

    /// Which API the server speaks: `GET /api/v1/meta` answers → the console API; it
    /// answers 404 or 401 but `GET /api/v1/version` or `GET /healthz` answers →
    /// catalyst-api. A configured `api` (profile) wins without a request.
    pub async fn detect_api(&self) -> Result<ApiKind, ApiError> {
        if let Some(kind) = self.api_kind() {
            return Ok(kind);
        }
        let kind = self.ask_api().await?;
        let _ = self.inner.detected.set(kind);
        Ok(kind)
    }

    async fn ask_api(&self) -> Result<ApiKind, ApiError> {
        let meta_err = match self.meta().await {
            Ok(_) => return Ok(ApiKind::Console),
            Err(e) if matches!(e.status(), Some(404 | 401)) => e,
            Err(e) => return Err(e),
        };
        for path in [&["api", "v1", "version"][..], &["healthz"][..]] {
            let url = self.api_url(path)?;
            let call = Call::get(url, "the server's version").auth(Auth::None);
            if self.call_text_anonymous(call).await.is_ok() {
                return Ok(ApiKind::Catalyst);
            }
        }
        Err(meta_err)
    }

    async fn call_text_anonymous(&self, call: Call<'_>) -> Result<(), ApiError> {
        let (resp, _) = self.send_once(&call, None).await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(self.error_from_response(resp, None).await)
        }
    }
}
