//! The provisioning API (`catalyst-api`, CONTRACT Part A) as the real service has it:
//! its own base URL, a bearer on every route (today's service answers 401 without one;
//! the April one had no authentication and ignores it), JSON
//! errors beside text/plain ones (`deployment not found`), job ids whose colon goes
//! unencoded in the path, and no list route — the sandbox's list extension is used when
//! it answers and reported as absent (`None`) when the service says 404 or 405.
//!
//! Must not poll: the caller polls jobs and execution logs only while their view is open
//! (QUALITY P9).

use reqwest::{Method, Url};
use secrecy::SecretString;

use crate::api::client::{ApiClient, Auth, Call};
use crate::api::console::with_query;
use crate::api::error::ApiError;
use crate::model::{
    ComponentsState, CreateDeployment, DeploymentCreated, DeploymentEvents, DeploymentList,
    DeploymentState, ExecutionLogs, Job, JobBatch, JobBatches, JobDetail, JobList, JobRetryAnswer,
    RetryAnswer,
};

/// Default and largest page of execution log lines the service serves.
pub const EXECUTION_LOG_LIMIT_DEFAULT: u32 = 500;
/// Largest `limit` the service accepts.
pub const EXECUTION_LOG_LIMIT_MAX: u32 = 5000;

/// The client of one provisioning service.
#[derive(Clone, Debug)]
pub struct ProvisioningClient {
    client: ApiClient,
    base: Url,
    auth: Auth,
}

/// What a retry did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryOutcome {
    /// A Phase-0 retry re-runs init → bootstrap: reconnect the stream to follow (the replay
    /// holds the earlier attempt too).
    Restarted {
        id: String,
        phase: String,
        stream_url: Option<String>,
        message: String,
    },
    /// A Phase-1 component cannot be retried by the service: nothing changed; show the
    /// runbook.
    ManualRetryRequired {
        id: String,
        phase: String,
        runbook: String,
        message: String,
    },
    /// A status this console does not know; shown as the service worded it.
    Other(RetryAnswer),
}

impl From<RetryAnswer> for RetryOutcome {
    fn from(a: RetryAnswer) -> Self {
        match a.status.as_str() {
            // A Phase-0 retry, or `phase1-watch` re-arming the component watch (newer
            // services): the run moves again, follow it.
            "provisioning" | "phase1-watching" => RetryOutcome::Restarted {
                id: a.id,
                phase: a.phase,
                stream_url: a.stream_url,
                message: a.message,
            },
            "manual-retry-required" => RetryOutcome::ManualRetryRequired {
                id: a.id,
                phase: a.phase,
                runbook: a.runbook.unwrap_or_default(),
                message: a.message,
            },
            _ => RetryOutcome::Other(a),
        }
    }
}

impl ApiClient {
    /// The provisioning client at the configured `provisioning_url`; without one, on a
    /// server that speaks catalyst-api, that server itself (it serves the provisioning
    /// routes beside its own).
    pub fn provisioning(&self) -> Option<ProvisioningClient> {
        let base = match &self.inner.config.provisioning_url {
            Some(url) => url.clone(),
            None if self.api_kind() == Some(crate::api::ApiKind::Catalyst) => {
                self.inner.config.api_url.clone()
            }
            None => return None,
        };
        Some(ProvisioningClient::new(self, base))
    }
}

impl ProvisioningClient {
    /// A provisioning client at `base` (paths `/api/v1/…` are appended), sharing `client`'s
    /// connections, TLS trust, request ids and support ticket.
    pub fn new(client: &ApiClient, base: Url) -> Self {
        // Today's service wants the Sovereign's bearer on every route; the April one
        // ignores it. The console's token goes to the console's own origin, and to
        // another only when configured so.
        let same_origin = base.origin() == client.inner.config.api_url.origin();
        let auth = if client.inner.config.provisioning_bearer || same_origin {
            Auth::IfAvailable
        } else {
            Auth::None
        };
        Self {
            client: client.clone(),
            base,
            auth,
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn url(&self, segments: &[&str]) -> Result<Url, ApiError> {
        let mut all = vec!["api", "v1"];
        all.extend_from_slice(segments);
        crate::api::wire::join_segments(&self.base, &all)
    }

    fn dep_url(&self, id: &str, tail: &[&str]) -> Result<Url, ApiError> {
        let mut segs = vec!["deployments", id];
        segs.extend_from_slice(tail);
        self.url(&segs)
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<T, ApiError> {
        self.client
            .call_json(Call::get(url, what).auth(self.auth))
            .await
    }

    /// `POST /api/v1/deployments` → 201 `{id, status, streamURL}`; 409 `subdomain-conflict`,
    /// 503 `pdm-unavailable`, 400 as text or JSON.
    pub async fn create_deployment(
        &self,
        request: &CreateDeployment,
    ) -> Result<DeploymentCreated, ApiError> {
        let call = Call::get(self.url(&["deployments"])?, "the new deployment")
            .auth(self.auth)
            .with_json(Method::POST, request)?;
        self.client.call_json(call).await
    }

    /// `GET /api/v1/deployments/{id}`: the State.
    pub async fn deployment(&self, id: &str) -> Result<DeploymentState, ApiError> {
        self.get(self.dep_url(id, &[])?, "the deployment").await
    }

    /// `GET /api/v1/deployments/{id}/events`: State, every event, and whether it is done
    /// (the re-sync after a reconnect).
    pub async fn deployment_events(&self, id: &str) -> Result<DeploymentEvents, ApiError> {
        self.get(self.dep_url(id, &["events"])?, "the deployment's events")
            .await
    }

    /// `POST /api/v1/deployments/{id}/phases/{phase}/retry`.
    pub async fn retry_phase(&self, id: &str, phase: &str) -> Result<RetryOutcome, ApiError> {
        let mut call = Call::get(
            self.dep_url(id, &["phases", phase, "retry"])?,
            "the retry's answer",
        )
        .auth(self.auth);
        call.method = Method::POST;
        let answer: RetryAnswer = self.client.call_json(call).await?;
        Ok(answer.into())
    }

    /// `GET /api/v1/deployments/{id}/jobs` (an unknown id answers an empty list).
    pub async fn jobs(&self, id: &str) -> Result<Vec<Job>, ApiError> {
        let list: JobList = self.get(self.dep_url(id, &["jobs"])?, "the jobs").await?;
        Ok(list.jobs)
    }

    /// `GET /api/v1/deployments/{id}/jobs/batches` (the April service). `Ok(None)` where
    /// the service no longer has the route (newer ones answer 404/405): group the jobs by
    /// their `batchId` instead ([`crate::model::batches_of`]).
    pub async fn job_batches(&self, id: &str) -> Result<Option<Vec<JobBatch>>, ApiError> {
        match self
            .get::<JobBatches>(self.dep_url(id, &["jobs", "batches"])?, "the job batches")
            .await
        {
            Ok(list) => Ok(Some(list.batches)),
            Err(ApiError::NotFound { .. }) | Err(ApiError::Http { status: 405, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /api/v1/deployments/{id}/jobs/{jobId}/retry` (newer services): runs the job
    /// again. Not retried on a transient error: the caller asks the operator again.
    pub async fn retry_job(&self, id: &str, job_id: &str) -> Result<JobRetryAnswer, ApiError> {
        let full = if job_id.contains(':') {
            job_id.to_string()
        } else {
            format!("{id}:{job_id}")
        };
        let mut call = Call::get(
            self.dep_url(id, &["jobs", &full, "retry"])?,
            "the job retry's answer",
        )
        .auth(self.auth);
        call.method = Method::POST;
        self.client.call_json(call).await
    }

    /// `GET /api/v1/deployments/{id}/jobs/{jobId}` with `jobId` = `<depId>:<jobName>` (a bare
    /// job name is prefixed with the deployment id). The colon is sent unencoded, as the
    /// service's router expects.
    pub async fn job(&self, id: &str, job_id: &str) -> Result<JobDetail, ApiError> {
        let full = if job_id.contains(':') {
            job_id.to_string()
        } else {
            format!("{id}:{job_id}")
        };
        self.get(self.dep_url(id, &["jobs", &full])?, "the job")
            .await
    }

    /// `GET /api/v1/actions/executions/{execId}/logs?fromLine=&limit=`; `limit` defaults to
    /// 500 and is capped at 5000.
    pub async fn execution_logs(
        &self,
        execution_id: &str,
        from_line: u64,
        limit: Option<u32>,
    ) -> Result<ExecutionLogs, ApiError> {
        let limit = limit
            .unwrap_or(EXECUTION_LOG_LIMIT_DEFAULT)
            .clamp(1, EXECUTION_LOG_LIMIT_MAX);
        let url = with_query(
            self.url(&["actions", "executions", execution_id, "logs"])?,
            &[
                ("fromLine", Some(from_line.to_string())),
                ("limit", Some(limit.to_string())),
            ],
        );
        self.get(url, "the execution's log lines").await
    }

    /// `GET /api/v1/deployments/{id}/components/state`: Phase-1 components.
    pub async fn components_state(&self, id: &str) -> Result<ComponentsState, ApiError> {
        self.get(
            self.dep_url(id, &["components", "state"])?,
            "the components' state",
        )
        .await
    }

    /// `GET /api/v1/deployments/{id}/kubeconfig`: the new Sovereign's kubeconfig (a
    /// credential, hence secret); `Conflict` with code `not-implemented` until captured.
    pub async fn kubeconfig(&self, id: &str) -> Result<SecretString, ApiError> {
        let mut call =
            Call::get(self.dep_url(id, &["kubeconfig"])?, "the kubeconfig").auth(self.auth);
        call.accept = "application/yaml, text/plain;q=0.5";
        let (text, _) = self.client.call_text(call).await?;
        Ok(SecretString::from(text))
    }

    /// `GET /api/v1/deployments`: the sandbox's list extension. `Ok(None)` when the service
    /// has no such route (404/405, as the real one): open deployments by id instead.
    pub async fn list_deployments(&self) -> Result<Option<Vec<DeploymentState>>, ApiError> {
        match self
            .get::<DeploymentList>(self.url(&["deployments"])?, "the list of deployments")
            .await
        {
            Ok(list) => Ok(Some(list.deployments)),
            Err(ApiError::NotFound { .. }) | Err(ApiError::Http { status: 405, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The HTTP client of long-lived streams, for the SSE stream of
    /// [`ProvisioningClient::deployment_logs_request`].
    pub fn stream_http(&self) -> reqwest::Client {
        self.client.stream_http()
    }

    /// `GET /api/v1/deployments/{id}/logs`: the SSE stream (whole history replayed on
    /// every connect, no ids; `Last-Event-ID` is sent when given and ignored by the service).
    pub fn deployment_logs_request(
        &self,
        id: &str,
    ) -> Result<impl Fn(Option<&str>) -> reqwest::RequestBuilder + Send + Sync + 'static, ApiError>
    {
        Ok(self
            .client
            .sse_factory(self.dep_url(id, &["logs"])?, self.auth))
    }
}
