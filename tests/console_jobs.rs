#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The jobs of a provisioning run, headless against the sandbox on loopback: open
//! `jobs/<run>`, open a job, open its latest execution, and the log viewer holds exactly
//! the lines the service's execution-log endpoint returns, page after page, each with its
//! time and level; a poll of the still-running execution adds no line twice.

mod contract_support;

use std::time::Duration;

use catalyst_tui::api::{ApiClient, ProvisioningClient, TokenSource};
use catalyst_tui::app::headless::Headless;
use catalyst_tui::model::{DeploymentStatus, ExecutionLine, ExecutionLogs};
use catalyst_tui::sandbox::RunningSandbox;
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::jobs::execution::level;
use catalyst_tui::views::{Route, Target};
use contract_support::start;

const LIMIT: Duration = Duration::from_secs(20);

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap();
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

fn provisioning(sb: &RunningSandbox) -> ProvisioningClient {
    let config = contract_support::config(sb, None)
        .with_provisioning_url(&format!("{}/sovereign", sb.base_url))
        .unwrap();
    ApiClient::new(config, TokenSource::None)
        .unwrap()
        .provisioning()
        .unwrap()
}

/// Every line of an execution's log, read with plain HTTP a few lines a page until the
/// total is held.
async fn all_lines(sb: &RunningSandbox, execution: &str) -> (Vec<ExecutionLine>, bool) {
    let http = reqwest::Client::new();
    let mut lines: Vec<ExecutionLine> = Vec::new();
    let mut pages = 0;
    loop {
        let from = lines.last().map_or(1, |l| l.line_number + 1);
        let url = format!(
            "{}/sovereign/api/v1/actions/executions/{execution}/logs?fromLine={from}&limit=3",
            sb.base_url
        );
        let page: ExecutionLogs = http
            .get(url)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        pages += 1;
        let got = page.lines.len();
        lines.extend(page.lines);
        if got == 0 || lines.len() as u64 >= page.total {
            assert!(pages > 1, "the log spans several pages of 3");
            return (lines, page.execution_finished);
        }
    }
}

fn held(c: &Headless) -> Vec<(String, Option<String>, String)> {
    let Route::ExecutionLog(v) = c.state.top() else {
        panic!("not an execution log")
    };
    v.log
        .buffer()
        .iter()
        .map(|l| {
            (
                l.raw().to_string(),
                l.level.map(|lv| lv.label().to_string()),
                l.time.map(|t| t.to_rfc3339()).unwrap_or_default(),
            )
        })
        .collect()
}

fn expected(lines: &[ExecutionLine]) -> Vec<(String, Option<String>, String)> {
    lines
        .iter()
        .map(|l| {
            (
                l.message.clone(),
                level(&l.level).map(|lv| lv.label().to_string()),
                chrono::DateTime::parse_from_rfc3339(&l.timestamp)
                    .unwrap()
                    .with_timezone(&chrono::Utc)
                    .to_rfc3339(),
            )
        })
        .collect()
}

#[tokio::test]
async fn j3_jobs_of_a_run_down_to_an_execution_log() {
    let sb = start().await;
    let prov = provisioning(&sb);
    let run = prov
        .list_deployments()
        .await
        .unwrap()
        .unwrap()
        .into_iter()
        .find(|d| d.status == DeploymentStatus::Ready)
        .expect("a seeded ready run");
    let jobs = prov.jobs(&run.id).await.unwrap();
    // The job whose latest execution has the most lines.
    let mut best = None;
    for (at, job) in jobs.iter().enumerate() {
        let detail = prov.job(&run.id, &job.id).await.unwrap();
        if let Some(latest) = detail.executions.first()
            && best.as_ref().is_none_or(|(_, n, _)| latest.line_count > *n)
        {
            best = Some((at, latest.line_count, latest.id.clone()));
        }
    }
    let (row, _, execution) = best.expect("an executed job");

    let mut c = Headless::sandbox(
        &sb.base_url,
        "admin",
        (120, 40),
        Target::parse_link(&format!("jobs/{}", run.id)).unwrap(),
    );
    c.settle(LIMIT).await.unwrap();
    let Route::Jobs(view) = c.state.top() else {
        panic!("not the jobs view: {}", c.state.top().view().title())
    };
    let shown: Vec<&str> = view.visible().iter().map(|j| j.id.as_str()).collect();
    let listed: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(shown, listed, "the jobs in the service's order");
    let screen = c.screen(&ui());
    assert!(screen.contains("bootstrap-kit"), "{screen}");
    assert!(screen.contains("day-2-mutations"), "{screen}");

    // Down to the job, then Enter on it.
    c.keys(&"j ".repeat(row)).unwrap();
    c.keys("enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::Job(job) = c.state.top() else {
        panic!("not a job: {}", c.state.top().view().title())
    };
    assert_eq!(job.job, jobs[row].id);
    assert_eq!(
        job.executions().first().map(|e| e.id.as_str()),
        Some(execution.as_str()),
        "the latest execution comes first"
    );
    let screen = c.screen(&ui());
    assert!(screen.contains(&execution), "{execution}\n{screen}");

    // Its latest execution's log.
    c.keys("enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::ExecutionLog(log) = c.state.top() else {
        panic!("not an execution log: {}", c.state.top().view().title())
    };
    assert_eq!(log.execution, execution);
    let (lines, finished) = all_lines(&sb, &execution).await;
    assert_eq!(held(&c), expected(&lines));
    assert_eq!(log.finished, finished);
    let screen = c.screen(&ui());
    let last: String = lines
        .last()
        .map(|l| l.message.chars().take(40).collect())
        .unwrap_or_default();
    assert!(screen.contains(&last), "{screen}");
    assert!(
        screen.contains(&format!("{} lines", lines.len())),
        "{screen}"
    );

    if !finished {
        // Still running: it is asked again every 2 s, and adds no line twice.
        let read_at = |c: &Headless| match c.state.top() {
            Route::ExecutionLog(v) => v.poll.refreshed,
            _ => None,
        };
        let first = read_at(&c);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while read_at(&c) == first {
            assert!(tokio::time::Instant::now() < deadline, "no poll came");
            c.next_event(Duration::from_secs(3)).await;
            c.settle(LIMIT).await.unwrap();
        }
        let (lines, _) = all_lines(&sb, &execution).await;
        assert_eq!(held(&c), expected(&lines));
    }

    // Back to the job, then the jobs.
    c.keys("esc").unwrap();
    assert!(matches!(c.state.top(), Route::Job(_)));
    c.keys("esc").unwrap();
    c.settle(LIMIT).await.unwrap();
    assert!(matches!(c.state.top(), Route::Jobs(_)));
    sb.shutdown().await.unwrap();
}
