//! Applications of an Environment: listing (one page or all), the detail tabs, actions,
//! install and uninstall. Secrets come as names, keys and sizes only: the API has no route
//! that returns a value and this client adds none (QUALITY S2).

use reqwest::Method;

use super::{collect_pages, page_pairs, with_query};
use crate::api::client::{ApiClient, Call};
use crate::api::error::ApiError;
use crate::model::{
    ActionRequest, AppHistory, AppManifests, AppObservability, AppSecrets, AppSettings,
    AppTopology, Application, InstallRequest, OperationAccepted, Page, PageQuery,
};

impl ApiClient {
    /// `GET /api/v1/environments/{env}/applications`: one page.
    pub async fn list_applications(
        &self,
        env: &str,
        page: &PageQuery,
    ) -> Result<Page<Application>, ApiError> {
        let url = self.api_url(&["api", "v1", "environments", env, "applications"])?;
        self.get_json(
            with_query(url, &page_pairs(page)),
            "the list of Applications",
        )
        .await
    }

    /// Every Application of an Environment, following the cursors; `limit` sizes pages.
    pub async fn list_all_applications(
        &self,
        env: &str,
        limit: Option<u32>,
    ) -> Result<Vec<Application>, ApiError> {
        collect_pages(|cursor| async move {
            self.list_applications(env, &PageQuery { limit, cursor })
                .await
        })
        .await
    }

    fn app_url(&self, env: &str, app: &str, tail: Option<&str>) -> Result<reqwest::Url, ApiError> {
        let mut segs = vec!["api", "v1", "environments", env, "applications", app];
        segs.extend(tail);
        self.api_url(&segs)
    }

    /// `GET …/applications/{app}`.
    pub async fn get_application(&self, env: &str, app: &str) -> Result<Application, ApiError> {
        self.get_json(self.app_url(env, app, None)?, "the Application")
            .await
    }

    /// `GET …/applications/{app}/settings`: values as YAML and the `config_schema`.
    pub async fn application_settings(
        &self,
        env: &str,
        app: &str,
    ) -> Result<AppSettings, ApiError> {
        let url = self.app_url(env, app, Some("settings"))?;
        self.get_json(url, "the Application's settings").await
    }

    /// `GET …/applications/{app}/topology`.
    pub async fn application_topology(
        &self,
        env: &str,
        app: &str,
    ) -> Result<AppTopology, ApiError> {
        let url = self.app_url(env, app, Some("topology"))?;
        self.get_json(url, "the Application's topology").await
    }

    /// `GET …/applications/{app}/secrets`: names, keys, sizes, rotation; never values.
    pub async fn application_secrets(&self, env: &str, app: &str) -> Result<AppSecrets, ApiError> {
        let url = self.app_url(env, app, Some("secrets"))?;
        self.get_json(url, "the Application's secrets list").await
    }

    /// `GET …/applications/{app}/observability`: pods.
    pub async fn application_observability(
        &self,
        env: &str,
        app: &str,
    ) -> Result<AppObservability, ApiError> {
        let url = self.app_url(env, app, Some("observability"))?;
        self.get_json(url, "the Application's pods").await
    }

    /// `GET …/applications/{app}/history`: deploys.
    pub async fn application_history(&self, env: &str, app: &str) -> Result<AppHistory, ApiError> {
        let url = self.app_url(env, app, Some("history"))?;
        self.get_json(url, "the Application's history").await
    }

    /// `GET …/applications/{app}/manifests`: rendered YAML.
    pub async fn application_manifests(
        &self,
        env: &str,
        app: &str,
    ) -> Result<AppManifests, ApiError> {
        let url = self.app_url(env, app, Some("manifests"))?;
        self.get_json(url, "the Application's manifests").await
    }

    /// `POST …/applications/{app}/actions` → 202 with the operation id.
    pub async fn application_action(
        &self,
        env: &str,
        app: &str,
        request: &ActionRequest,
    ) -> Result<OperationAccepted, ApiError> {
        let url = self.app_url(env, app, Some("actions"))?;
        self.send_json(Method::POST, url, request, "the action's answer")
            .await
    }

    /// `POST /api/v1/environments/{env}/applications` → 202 with the operation id.
    pub async fn install_application(
        &self,
        env: &str,
        request: &InstallRequest,
    ) -> Result<OperationAccepted, ApiError> {
        let url = self.api_url(&["api", "v1", "environments", env, "applications"])?;
        self.send_json(Method::POST, url, request, "the install's answer")
            .await
    }

    /// `DELETE …/applications/{app}?reason=` → 202 with the operation id; 409
    /// `has-dependents` names what still depends on it.
    pub async fn uninstall_application(
        &self,
        env: &str,
        app: &str,
        reason: &str,
    ) -> Result<OperationAccepted, ApiError> {
        let url = with_query(
            self.app_url(env, app, None)?,
            &[("reason", Some(reason.to_string()))],
        );
        let mut call = Call::get(url, "the uninstall's answer");
        call.method = Method::DELETE;
        self.call_json(call).await
    }
}
