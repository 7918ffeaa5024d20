//! Jobs, executions and their paged logs, and `/components/state`.

use catalyst_tui::model::{
    ComponentsState, DeploymentStatus, ExecutionLogs, JobBatches, JobDetail, JobList, JobStatus,
    ProvisioningError,
};
use catalyst_tui::sandbox::SandboxOptions;

use super::support::*;

#[tokio::test]
async fn jobs_mirror_the_run_and_take_unencoded_colon_ids() {
    let s = Server::fast().await;
    let id = s.prov.seeded().ready.clone();
    let list: JobList = s.json(&format!("/api/v1/deployments/{id}/jobs")).await;
    assert!(
        list.jobs
            .iter()
            .all(|j| j.id == format!("{id}:{}", j.job_name) && j.deployment_id == id)
    );
    let install: Vec<_> = list
        .jobs
        .iter()
        .filter(|j| j.batch_id == "bootstrap-kit")
        .collect();
    assert!(install.len() >= 20);
    assert!(
        install
            .iter()
            .all(|j| j.job_name == format!("install-{}", j.app_id))
    );
    assert!(
        list.jobs
            .iter()
            .any(|j| j.batch_id == "day-2-mutations" && j.job_name.starts_with("mutation-"))
    );
    assert!(list.jobs.iter().any(|j| j.status == JobStatus::Failed));
    // Started newest first, never-started last.
    let started: Vec<_> = list.jobs.iter().map(|j| j.started_at.clone()).collect();
    let first_none = started
        .iter()
        .position(Option::is_none)
        .unwrap_or(started.len());
    assert!(started[first_none..].iter().all(Option::is_none));
    assert!(started[..first_none].windows(2).all(|w| w[0] >= w[1]));

    let batches: JobBatches = s
        .json(&format!("/api/v1/deployments/{id}/jobs/batches"))
        .await;
    let kit = batches
        .batches
        .iter()
        .find(|b| b.batch_id == "bootstrap-kit")
        .unwrap();
    assert_eq!(kit.total as usize, install.len());
    assert_eq!(kit.finished, kit.succeeded + kit.failed);
    assert_eq!(kit.total, kit.finished + kit.running + kit.pending);
    assert!(
        kit.pending >= 1 && kit.running >= 1,
        "the stuck components show"
    );

    // The colon sent as is.
    let detail: JobDetail = s
        .json(&format!(
            "/api/v1/deployments/{id}/jobs/{id}:install-cilium"
        ))
        .await;
    assert_eq!(detail.job.status, JobStatus::Succeeded);
    assert_eq!(detail.executions.len(), 1);
    let raw = s
        .get(&format!(
            "/api/v1/deployments/{id}/jobs/{id}:install-cilium"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        raw.starts_with("{\"executions\":["),
        "Go map order: {}",
        &raw[..30]
    );
    // Percent-encoded, it matches nothing.
    let resp = s
        .get(&format!(
            "/api/v1/deployments/{id}/jobs/{id}%3Ainstall-cilium"
        ))
        .await;
    assert_eq!(resp.status(), 404);
    let err: ProvisioningError = resp.json().await.unwrap();
    assert_eq!(err.error, "job-not-found");
    let resp = s
        .get(&format!(
            "/api/v1/deployments/{id}/jobs/{id}:install-nothing"
        ))
        .await;
    assert_eq!(resp.status(), 404);

    // The failed run never reached Phase 1: no jobs.
    let failed = s.prov.seeded().failed.clone();
    let none: JobList = s.json(&format!("/api/v1/deployments/{failed}/jobs")).await;
    assert!(none.jobs.is_empty());
}

#[tokio::test]
async fn execution_logs_page_by_line() {
    let s = Server::fast().await;
    let id = s.prov.seeded().ready.clone();
    // A stuck component's execution has many lines.
    let detail: JobDetail = s
        .json(&format!("/api/v1/deployments/{id}/jobs/{id}:install-falco"))
        .await;
    let exec = &detail.executions[0];
    assert_eq!(exec.job_id, format!("{id}:install-falco"));
    assert_eq!(exec.id.len(), 32);
    let base = format!("/api/v1/actions/executions/{}/logs", exec.id);
    let all: ExecutionLogs = s.json(&base).await;
    assert_eq!(all.total, exec.line_count);
    assert!(all.total > 5);
    assert_eq!(all.lines.len() as u64, all.total);
    assert!(
        !all.execution_finished,
        "still degraded: the execution never finished"
    );
    assert!(
        all.lines
            .iter()
            .enumerate()
            .all(|(i, l)| l.line_number == i as u64 + 1)
    );
    assert!(all.lines.iter().any(|l| l.level == "ERROR"));

    let page: ExecutionLogs = s.json(&format!("{base}?fromLine=3&limit=2")).await;
    assert_eq!(
        page.lines.iter().map(|l| l.line_number).collect::<Vec<_>>(),
        [3, 4]
    );
    assert_eq!(page.total, all.total);
    let capped: ExecutionLogs = s.json(&format!("{base}?fromLine=0&limit=999999")).await;
    assert_eq!(capped.lines.len(), all.lines.len());
    let past: ExecutionLogs = s.json(&format!("{base}?fromLine={}", all.total + 1)).await;
    assert!(past.lines.is_empty());
    let junk: ExecutionLogs = s.json(&format!("{base}?fromLine=abc&limit=-4")).await;
    assert_eq!(junk.lines.len(), all.lines.len());

    // A finished execution says so.
    let cilium: JobDetail = s
        .json(&format!(
            "/api/v1/deployments/{id}/jobs/{id}:install-cilium"
        ))
        .await;
    let done: ExecutionLogs = s
        .json(&format!(
            "/api/v1/actions/executions/{}/logs",
            cilium.executions[0].id
        ))
        .await;
    assert!(done.execution_finished);

    let resp = s
        .get("/api/v1/actions/executions/ffffffffffffffffffffffffffffffff/logs")
        .await;
    assert_eq!(resp.status(), 404);
    let err: ProvisioningError = resp.json().await.unwrap();
    assert_eq!(err.error, "execution-not-found");
}

#[tokio::test]
async fn execution_logs_grow_while_the_run_plays() {
    let s = Server::fast().await;
    let id = s.prov.seeded().running.clone();
    // Follow the run to its end. An execution holds each transition from the first
    // non-pending one, and the raw helm-controller lines that arrive while it is open
    // (chatter after installed is dropped, as the service's bridge does).
    let stream = parse_stream(
        &s.get(&format!("/api/v1/deployments/{id}/logs"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let mut open = false;
    let mut openbao_lines = 0;
    for e in stream
        .events
        .iter()
        .filter(|e| e.component.as_deref() == Some("openbao"))
    {
        match e.state.as_deref() {
            Some("pending") => {}
            Some(state) => {
                open = !matches!(state, "installed" | "failed");
                openbao_lines += 1;
            }
            None if open => openbao_lines += 1,
            None => {}
        }
    }
    let detail: JobDetail = s
        .json(&format!(
            "/api/v1/deployments/{id}/jobs/{id}:install-openbao"
        ))
        .await;
    assert_eq!(
        detail.executions.len(),
        2,
        "degraded then recovered: a second execution"
    );
    let mut total = 0;
    for e in &detail.executions {
        let page: ExecutionLogs = s
            .json(&format!("/api/v1/actions/executions/{}/logs", e.id))
            .await;
        assert!(page.execution_finished);
        total += page.total as usize;
    }
    assert_eq!(total, openbao_lines);
}

#[tokio::test]
async fn components_state_after_the_watch_is_rebuilt_from_component_states() {
    let s = Server::fast().await;
    let ready = s.prov.seeded().ready.clone();
    let raw = s
        .get(&format!("/api/v1/deployments/{ready}/components/state"))
        .await
        .text()
        .await
        .unwrap();
    assert!(raw.starts_with("{\"components\":["));
    let cs: ComponentsState = serde_json::from_str(&raw).unwrap();
    assert!(!cs.watching);
    let st = s.state(&ready).await;
    let states = st.component_states.unwrap();
    assert_eq!(cs.components.len(), states.len());
    for c in &cs.components {
        assert_eq!(
            states.get(&c.app_id).map(String::as_str),
            Some(c.status.as_str())
        );
        assert_eq!(c.helm_release_name, format!("bp-{}", c.app_id));
        assert_eq!(c.namespace, "flux-system");
        assert_eq!(c.last_transition_at, "0001-01-01T00:00:00Z");
        assert!(c.message.is_empty() && c.depends_on.is_none());
    }
    // A run that never got past Phase 0 has nothing to show.
    let failed = s.prov.seeded().failed.clone();
    let none: ComponentsState = s
        .json(&format!("/api/v1/deployments/{failed}/components/state"))
        .await;
    assert!(!none.watching && none.components.is_empty());
}

#[tokio::test(start_paused = true)]
async fn components_state_while_watching_comes_from_the_watcher() {
    let s = Server::start(SandboxOptions {
        speed: 1.0,
        ..SandboxOptions::default()
    })
    .await;
    let id = s.prov.seeded().running.clone();
    // Walk the clock forward until the watch has seen components; no stream is open, so
    // the run moves only when time is advanced here.
    let mut seen = None;
    for _ in 0..400 {
        let cs: ComponentsState = s
            .json(&format!("/api/v1/deployments/{id}/components/state"))
            .await;
        if cs.watching
            && cs
                .components
                .iter()
                .any(|c| c.status.as_str() == "installed")
        {
            seen = Some(cs);
            break;
        }
        tokio::time::advance(std::time::Duration::from_secs(2)).await;
    }
    let cs = seen.expect("the watch starts within the run");
    assert_eq!(s.state(&id).await.status, DeploymentStatus::Phase1Watching);
    let cilium = cs.components.iter().find(|c| c.app_id == "cilium").unwrap();
    assert_ne!(cilium.last_transition_at, "0001-01-01T00:00:00Z");
    assert!(!cilium.message.is_empty());
    let gitea = cs.components.iter().find(|c| c.app_id == "gitea").unwrap();
    assert!(
        gitea
            .depends_on
            .as_ref()
            .is_some_and(|d| d.contains(&"keycloak".to_string()))
    );
    // Not finished yet: the State has no component states.
    assert!(s.state(&id).await.component_states.is_none());
}
