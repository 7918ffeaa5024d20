//! The typed provisioning client against the sandbox's reproduction of the real
//! `catalyst-api` (CONTRACT Part A): every route, the text/plain 404s, retry in both
//! answer shapes, jobs with their unencoded colon, execution-log paging, the kubeconfig
//! rule, creation and its conflict.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod contract_support;

use catalyst_tui::api::{ApiClient, ApiError, ProvisioningClient, RetryOutcome, TokenSource};
use catalyst_tui::model::*;
use catalyst_tui::sandbox::{RunningSandbox, SandboxOptions};
use contract_support as support;
use secrecy::ExposeSecret;

fn provisioning(sb: &RunningSandbox) -> ProvisioningClient {
    let config = support::config(sb, None)
        .with_provisioning_url(&format!("{}/sovereign", sb.base_url))
        .unwrap();
    // The provisioning API needs no sign-in.
    ApiClient::new(config, TokenSource::None)
        .unwrap()
        .provisioning()
        .unwrap()
}

/// The seeded runs: (running, ready, failed).
async fn seeded(prov: &ProvisioningClient) -> (DeploymentState, DeploymentState, DeploymentState) {
    let runs = prov
        .list_deployments()
        .await
        .unwrap()
        .expect("the sandbox offers the list");
    let find = |f: &dyn Fn(&DeploymentState) -> bool| runs.iter().find(|d| f(d)).cloned().unwrap();
    (
        find(&|d| !d.status.is_terminal()),
        find(&|d| d.status == DeploymentStatus::Ready),
        find(&|d| d.status == DeploymentStatus::Failed),
    )
}

fn create_body(fqdn: &str) -> CreateDeployment {
    let extra = serde_json::json!({
        "regions": [{"provider": "hetzner", "cloudRegion": "fsn1", "controlPlaneSize": "cpx31", "workerCount": 3, "workerSize": "cpx21"}],
        "hetznerToken": "canary-token-never-echoed",
        "hetznerProjectID": "123456",
        "orgName": "Bank Dhofar",
        "orgEmail": "ops@bankdhofar.local",
        "sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA test",
    });
    CreateDeployment {
        sovereign_fqdn: fqdn.into(),
        region: "fsn1".into(),
        extra: extra.as_object().unwrap().clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn states_events_components_and_kubeconfig() {
    let sb = support::start().await;
    let prov = provisioning(&sb);
    let (running, ready, failed) = seeded(&prov).await;
    assert_eq!(running.id.len(), 16);

    let state = prov.deployment(&ready.id).await.unwrap();
    let result = state.result.as_ref().expect("a ready run has a result");
    assert!(!result.console_url.is_empty());
    assert!(
        result.phase1_outcome.is_some(),
        "ready is shown with how the watch ended"
    );

    let failed_state = prov.deployment(&failed.id).await.unwrap();
    assert!(failed_state.error.as_deref().is_some_and(|e| !e.is_empty()));
    let failed_events = prov.deployment_events(&failed.id).await.unwrap();
    assert!(failed_events.done);
    assert!(
        failed_events
            .events
            .iter()
            .all(|e| e.level != EventLevel::Error),
        "a Phase-0 failure carries its reason only in the State"
    );

    let all = prov.deployment_events(&ready.id).await.unwrap();
    assert_eq!(all.state.num_events as usize, all.events.len());
    let phases: Vec<&str> = all
        .events
        .iter()
        .map(|e| e.phase.as_str())
        .filter(|p| PHASE0.contains(p))
        .collect();
    assert_eq!(phases, PHASE0, "Phase-0 markers in order");

    let comps = prov.components_state(&ready.id).await.unwrap();
    assert!(!comps.watching);
    assert!(comps.components.len() >= 20, "an open-ended component list");
    assert!(
        comps
            .components
            .iter()
            .any(|c| c.status != ComponentStatus::Installed)
    );

    let kubeconfig = prov.kubeconfig(&ready.id).await.unwrap();
    assert!(kubeconfig.expose_secret().contains("apiVersion"));
    match prov.kubeconfig(&failed.id).await {
        Err(ApiError::Conflict { code, .. }) => assert_eq!(code, "not-implemented"),
        other => panic!("a run without a captured kubeconfig answers 409: {other:?}"),
    }
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_deployments_answer_text_plain_404_except_jobs() {
    let sb = support::start().await;
    let prov = provisioning(&sb);
    let unknown = "00000000deadbeef";
    for r in [
        prov.deployment(unknown).await.map(|_| ()),
        prov.deployment_events(unknown).await.map(|_| ()),
        prov.retry_phase(unknown, "tofu-init").await.map(|_| ()),
    ] {
        match r {
            Err(ApiError::NotFound {
                code: None, detail, ..
            }) => {
                assert!(detail.contains("deployment not found"), "{detail}")
            }
            other => panic!("text/plain 404 expected: {other:?}"),
        }
    }
    assert!(
        prov.jobs(unknown).await.unwrap().is_empty(),
        "jobs of an unknown id: 200 and empty"
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_answers_in_both_shapes_and_refuses_while_provisioning() {
    let sb = support::start().await;
    let prov = provisioning(&sb);
    let (running, ready, failed) = seeded(&prov).await;

    match prov.retry_phase(&running.id, "tofu-apply").await {
        Err(ApiError::Conflict { .. }) => {}
        other => panic!("409 while provisioning: {other:?}"),
    }
    match prov.retry_phase(&ready.id, "no-such-phase").await {
        Err(ApiError::BadRequest { .. }) | Err(ApiError::Invalid { .. }) => {}
        other => panic!("400 for an unknown phase: {other:?}"),
    }
    let component = prov.components_state(&ready.id).await.unwrap().components[0]
        .app_id
        .clone();
    let before = prov
        .deployment_events(&ready.id)
        .await
        .unwrap()
        .events
        .len();
    match prov.retry_phase(&ready.id, &component).await.unwrap() {
        RetryOutcome::ManualRetryRequired { runbook, .. } => assert!(!runbook.is_empty()),
        other => panic!("a component retry is manual: {other:?}"),
    }
    let after = prov.deployment_events(&ready.id).await.unwrap();
    assert_eq!(after.events.len(), before, "a manual retry changes nothing");
    assert_eq!(after.state.status, DeploymentStatus::Ready);

    match prov.retry_phase(&failed.id, "tofu-apply").await.unwrap() {
        RetryOutcome::Restarted { id, .. } => assert_eq!(id, failed.id),
        other => panic!("a Phase-0 retry re-runs: {other:?}"),
    }
    let again = prov.deployment(&failed.id).await.unwrap();
    assert_eq!(again.status, DeploymentStatus::Provisioning);
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_batches_and_execution_logs_page_by_line() {
    let sb = support::start().await;
    let prov = provisioning(&sb);
    let (_, ready, _) = seeded(&prov).await;
    let jobs = prov.jobs(&ready.id).await.unwrap();
    assert!(!jobs.is_empty());
    let batches = prov
        .job_batches(&ready.id)
        .await
        .unwrap()
        .expect("the April service lists batches");
    let total: u32 = batches.iter().map(|b| b.total).sum();
    assert_eq!(total as usize, jobs.len());
    // Grouping the jobs by their batch gives the same counts.
    assert_eq!(catalyst_tui::model::batches_of(&jobs), batches);

    let job = jobs
        .iter()
        .find(|j| j.latest_execution_id.is_some())
        .expect("an executed job");
    assert!(job.id.starts_with(&format!("{}:", ready.id)));
    let by_id = prov.job(&ready.id, &job.id).await.unwrap();
    let by_name = prov.job(&ready.id, &job.job_name).await.unwrap();
    assert_eq!(by_id.job.id, by_name.job.id);
    match prov.job(&ready.id, "no-such-job").await {
        Err(ApiError::NotFound { code, .. }) => assert_eq!(code.as_deref(), Some("job-not-found")),
        other => panic!("{other:?}"),
    }

    // An execution with a few lines, to page through.
    let mut exec = None;
    for j in &jobs {
        if let Some(e) = &j.latest_execution_id
            && prov.execution_logs(e, 0, None).await.unwrap().total >= 4
        {
            exec = Some(e.clone());
            break;
        }
    }
    let exec = exec.expect("an execution with several lines");
    let first = prov.execution_logs(&exec, 0, Some(2)).await.unwrap();
    assert!(first.total >= 2);
    assert_eq!(first.lines.len(), 2);
    // `fromLine` is inclusive: the next page starts after the last line held.
    let next = first.lines[1].line_number + 1;
    let rest = prov.execution_logs(&exec, next, Some(5000)).await.unwrap();
    assert_eq!(rest.lines.len() as u64, first.total - 2);
    assert_eq!(
        rest.lines.first().map(|l| l.line_number),
        Some(first.lines[1].line_number + 1)
    );
    match prov.execution_logs("no-such-execution", 0, None).await {
        Err(ApiError::NotFound { code, .. }) => {
            assert_eq!(code.as_deref(), Some("execution-not-found"))
        }
        other => panic!("{other:?}"),
    }
    sb.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_starts_a_run_and_a_taken_fqdn_conflicts() {
    let sb = support::start_with(SandboxOptions {
        speed: 0.0,
        ..SandboxOptions::default()
    })
    .await;
    let prov = provisioning(&sb);
    let created = prov
        .create_deployment(&create_body("omantel.example.test"))
        .await
        .unwrap();
    assert_eq!(created.id.len(), 16);
    assert_eq!(created.status, "provisioning");
    assert!(
        created
            .stream_url
            .ends_with(&format!("/deployments/{}/logs", created.id))
    );
    let state = prov.deployment(&created.id).await.unwrap();
    assert_eq!(state.status, DeploymentStatus::Provisioning);
    assert!(
        prov.list_deployments()
            .await
            .unwrap()
            .unwrap()
            .iter()
            .any(|d| d.id == created.id)
    );

    match prov
        .create_deployment(&create_body("omantel.example.test"))
        .await
    {
        Err(ApiError::Conflict { code, detail, .. }) => {
            assert_eq!(code, "subdomain-conflict");
            assert!(
                !detail.contains("canary-token"),
                "the token is never echoed"
            );
        }
        other => panic!("{other:?}"),
    }
    let mut missing = create_body("other.example.test");
    missing.extra.remove("hetznerToken");
    match prov.create_deployment(&missing).await {
        Err(e) => assert_eq!(e.status(), Some(400), "{e}"),
        Ok(c) => panic!("a request without a token is refused: {c:?}"),
    }
    sb.shutdown().await.unwrap();
}
