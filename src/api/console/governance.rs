//! Promotions between Environments and their reviews, EnvironmentPolicy, and just-in-time
//! access requests with their credentials. Credentials carry a kube token: they are
//! returned as the model's redacting type and never formatted here.

use reqwest::Method;

use super::{page_pairs, with_query};
use crate::api::client::{ApiClient, Call};
use crate::api::error::ApiError;
use crate::model::{
    AccessCredentials, AccessDecision, AccessRequest, AccessState, CreateAccessRequest,
    CreatePromotion, CreateReview, EnvironmentPolicy, Page, PageQuery, Promotion, PromotionQuery,
};

impl ApiClient {
    /// `POST /api/v1/environments/{env}/applications/{app}/promotions` → 201 Promotion.
    pub async fn create_promotion(
        &self,
        env: &str,
        app: &str,
        request: &CreatePromotion,
    ) -> Result<Promotion, ApiError> {
        let url = self.api_url(&[
            "api",
            "v1",
            "environments",
            env,
            "applications",
            app,
            "promotions",
        ])?;
        self.send_json(Method::POST, url, request, "the new promotion")
            .await
    }

    /// `GET /api/v1/promotions?org=&state=&awaiting_me=&limit=&cursor=`: one page.
    pub async fn list_promotions(
        &self,
        query: &PromotionQuery,
    ) -> Result<Page<Promotion>, ApiError> {
        let url = with_query(
            self.api_url(&["api", "v1", "promotions"])?,
            &[
                ("org", query.org.clone()),
                ("state", query.state.map(|s| s.as_str().to_string())),
                ("awaiting_me", query.awaiting_me.map(|b| b.to_string())),
                ("limit", query.limit.map(|l| l.to_string())),
                ("cursor", query.cursor.clone()),
            ],
        );
        self.get_json(url, "the list of promotions").await
    }

    /// `GET /api/v1/promotions/{id}`, with the evaluated policy and reviews.
    pub async fn get_promotion(&self, id: &str) -> Result<Promotion, ApiError> {
        let url = self.api_url(&["api", "v1", "promotions", id])?;
        self.get_json(url, "the promotion").await
    }

    /// `POST /api/v1/promotions/{id}/reviews` → 201 with the updated Promotion. Refusals
    /// come back as `Restricted` (`not-an-approver` with teams, `self-approval-forbidden`,
    /// `support-mode-read-only`), `Conflict` (`promotion-not-open`, `stale-revision`) or
    /// `Invalid` (`comment-required`).
    pub async fn review_promotion(
        &self,
        id: &str,
        review: &CreateReview,
    ) -> Result<Promotion, ApiError> {
        let url = self.api_url(&["api", "v1", "promotions", id, "reviews"])?;
        self.send_json(Method::POST, url, review, "the reviewed promotion")
            .await
    }

    /// `GET /api/v1/environments/{env}/policy`.
    pub async fn environment_policy(&self, env: &str) -> Result<EnvironmentPolicy, ApiError> {
        let url = self.api_url(&["api", "v1", "environments", env, "policy"])?;
        self.get_json(url, "the Environment's policy").await
    }

    /// `POST /api/v1/environments/{env}/access-requests` → 201 AccessRequest (granted at
    /// once where the policy allows, else pending).
    pub async fn create_access_request(
        &self,
        env: &str,
        request: &CreateAccessRequest,
    ) -> Result<AccessRequest, ApiError> {
        let url = self.api_url(&["api", "v1", "environments", env, "access-requests"])?;
        self.send_json(Method::POST, url, request, "the access request")
            .await
    }

    /// `GET /api/v1/access-requests?state=`: one page (an approver's inbox with `Pending`).
    pub async fn list_access_requests(
        &self,
        state: Option<AccessState>,
        page: &PageQuery,
    ) -> Result<Page<AccessRequest>, ApiError> {
        let [limit, cursor] = page_pairs(page);
        let url = with_query(
            self.api_url(&["api", "v1", "access-requests"])?,
            &[
                ("state", state.map(|s| s.as_str().to_string())),
                limit,
                cursor,
            ],
        );
        self.get_json(url, "the list of access requests").await
    }

    /// `GET /api/v1/access-requests/{id}`.
    pub async fn get_access_request(&self, id: &str) -> Result<AccessRequest, ApiError> {
        let url = self.api_url(&["api", "v1", "access-requests", id])?;
        self.get_json(url, "the access request").await
    }

    /// `POST /api/v1/access-requests/{id}/decision` (grant or deny, with a comment).
    pub async fn decide_access_request(
        &self,
        id: &str,
        decision: &AccessDecision,
    ) -> Result<AccessRequest, ApiError> {
        let url = self.api_url(&["api", "v1", "access-requests", id, "decision"])?;
        self.send_json(Method::POST, url, decision, "the decided access request")
            .await
    }

    /// `DELETE /api/v1/access-requests/{id}`: revokes a grant early.
    pub async fn revoke_access_request(&self, id: &str) -> Result<AccessRequest, ApiError> {
        let url = self.api_url(&["api", "v1", "access-requests", id])?;
        let mut call = Call::get(url, "the revoked access request");
        call.method = Method::DELETE;
        self.call_json(call).await
    }

    /// `GET /api/v1/access-requests/{id}/credentials`: kube credentials of a granted
    /// request; `Gone` once it expired, `Restricted` for anyone but the requester.
    pub async fn access_credentials(&self, id: &str) -> Result<AccessCredentials, ApiError> {
        let url = self.api_url(&["api", "v1", "access-requests", id, "credentials"])?;
        self.get_json(url, "the access credentials").await
    }
}
