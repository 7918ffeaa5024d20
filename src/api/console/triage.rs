//! Cross-Organization reads in one request: incident triage (`GET /api/v1/triage`, one
//! page or every page) and the palette's catalogue of names (`GET /api/v1/catalog`).
//! A server without them answers 404; the caller decides what to fall back to.

use super::{collect_pages, with_query};
use crate::api::client::ApiClient;
use crate::api::error::ApiError;
use crate::model::{CatalogNames, Page, TriageItem, TriageQuery};

/// Items asked for per triage page: the server's largest, so even a Sovereign of
/// thousands of Applications answers in one request.
pub const TRIAGE_PAGE: u32 = 5000;

impl ApiClient {
    /// `GET /api/v1/triage?stuck_after=&limit=&cursor=`: one page of problems, worst and
    /// oldest first.
    pub async fn list_triage(&self, query: &TriageQuery) -> Result<Page<TriageItem>, ApiError> {
        let url = self.api_url(&["api", "v1", "triage"])?;
        let pairs = [
            ("stuck_after", query.stuck_after.map(|m| m.to_string())),
            ("limit", query.limit.map(|l| l.to_string())),
            ("cursor", query.cursor.clone()),
        ];
        self.get_json(with_query(url, &pairs), "the triage list")
            .await
    }

    /// Every problem the identity may see, following the cursors (one request unless
    /// there are more than a page of them).
    pub async fn list_all_triage(
        &self,
        stuck_after: Option<u32>,
    ) -> Result<Vec<TriageItem>, ApiError> {
        collect_pages(|cursor| async move {
            self.list_triage(&TriageQuery {
                stuck_after,
                limit: Some(TRIAGE_PAGE),
                cursor,
            })
            .await
        })
        .await
    }

    /// `GET /api/v1/catalog`: every Organization, Environment, Application and Blueprint
    /// name the identity may see.
    pub async fn catalog_names(&self) -> Result<CatalogNames, ApiError> {
        let url = self.api_url(&["api", "v1", "catalog"])?;
        self.get_json(url, "the catalogue of names").await
    }
}
