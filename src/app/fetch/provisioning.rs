//! The provisioning service's queries (runs, their components, retries, jobs,
//! executions' logs), the same against the April service and today's.

use futures::StreamExt;

use crate::api::{ApiClient, ApiError, ProvisioningClient};
use crate::effect::Query;
use crate::msg::{Data, Deployments};

/// How many runs are read at once when the service offers no list.
const CONCURRENCY: usize = 8;

/// Answers a provisioning `query` (see `Query::is_provisioning`); `remembered` are the
/// runs this profile has opened (newest first), read when the service has no list.
pub(super) async fn fetch(
    client: &ApiClient,
    query: Query,
    remembered: Vec<String>,
) -> Result<Data, ApiError> {
    Ok(match query {
        Query::Deployments => Data::Deployments(Box::new(
            deployments(&provisioning(client)?, remembered).await?,
        )),
        Query::Deployment { id } => {
            Data::Deployment(Box::new(provisioning(client)?.deployment(&id).await?))
        }
        Query::Components { deployment } => Data::Components(Box::new(
            provisioning(client)?.components_state(&deployment).await?,
        )),
        Query::RetryPhase { deployment, phase } => Data::Retry(Box::new(
            provisioning(client)?
                .retry_phase(&deployment, &phase)
                .await?,
        )),
        Query::Jobs { deployment } => {
            let prov = provisioning(client)?;
            let (jobs, batches) =
                tokio::join!(prov.jobs(&deployment), prov.job_batches(&deployment));
            let jobs = jobs?;
            let batches = batches?.unwrap_or_else(|| crate::model::batches_of(&jobs));
            Data::Jobs { jobs, batches }
        }
        Query::Job { deployment, job } => Data::Job(Box::new(
            provisioning(client)?.job(&deployment, &job).await?,
        )),
        Query::RetryJob { deployment, job } => Data::JobRetried(Box::new(
            provisioning(client)?.retry_job(&deployment, &job).await?,
        )),
        Query::ExecutionLogs { execution, from } => Data::ExecutionLogs(Box::new(
            provisioning(client)?
                .execution_logs(&execution, from, Some(EXECUTION_PAGE))
                .await?,
        )),
        other => {
            return Err(ApiError::invalid_input(format!(
                "{other:?} is not a provisioning query"
            )));
        }
    })
}

/// Lines asked for per page of an execution's log (the service caps a page at 5,000).
const EXECUTION_PAGE: u32 = 2_000;

/// The provisioning client, or why there is none.
pub fn provisioning(client: &ApiClient) -> Result<ProvisioningClient, ApiError> {
    client.provisioning().ok_or_else(|| ApiError::Config {
        detail: crate::words::NO_PROVISIONING_URL.to_string(),
    })
}

/// The service's list of runs; without one, the remembered ids read one by one (those
/// that cannot be read are reported, not fatal).
async fn deployments(
    prov: &ProvisioningClient,
    remembered: Vec<String>,
) -> Result<Deployments, ApiError> {
    if let Some(runs) = prov.list_deployments().await? {
        return Ok(Deployments {
            listed: true,
            runs,
            unreadable: Vec::new(),
        });
    }
    let answers = futures::stream::iter(remembered)
        .map(|id| async move {
            let answer = prov.deployment(&id).await;
            (id, answer)
        })
        .buffered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    let mut out = Deployments::default();
    for (id, answer) in answers {
        match answer {
            Ok(run) => out.runs.push(run),
            Err(e) => out.unreadable.push((id, e.to_string())),
        }
    }
    out.runs.sort_by(|a, b| b.started_at.cmp(&a.started_at));
    Ok(out)
}
