//! Unit tests of `jobs`: the bridge from events to Jobs, paging, batches.

use super::*;

fn ev(t: &str, phase: &str, comp: &str, state: Option<&str>, msg: &str) -> ProvisionEvent {
    ProvisionEvent {
        time: t.into(),
        phase: phase.into(),
        level: EventLevel::Info,
        message: msg.into(),
        component: Some(comp.into()),
        state: state.map(Into::into),
        depends_on: None,
    }
}

#[test]
fn a_component_becomes_a_job_with_one_execution_per_attempt() {
    let mut s = JobsStore::new("d");
    let mut r = Rng::new(1);
    s.on_event(
        &ev(
            "2026-01-01T00:00:00Z",
            "component",
            "openbao",
            Some("pending"),
            "dependency",
        ),
        &mut r,
    );
    assert_eq!(s.list()[0].status, JobStatus::Pending);
    assert!(s.detail("d:install-openbao").unwrap().executions.is_empty());
    s.on_event(
        &ev(
            "2026-01-01T00:00:05Z",
            "component",
            "openbao",
            Some("installing"),
            "go",
        ),
        &mut r,
    );
    s.on_event(
        &ev(
            "2026-01-01T00:00:06Z",
            "component-log",
            "openbao",
            None,
            "{\"msg\":\"x\"}",
        ),
        &mut r,
    );
    s.on_event(
        &ev(
            "2026-01-01T00:00:15Z",
            "component",
            "openbao",
            Some("installed"),
            "ok",
        ),
        &mut r,
    );
    let d = s.detail("d:install-openbao").unwrap();
    assert_eq!(d.job.status, JobStatus::Succeeded);
    assert_eq!(d.job.duration_ms, 10_000);
    assert_eq!(d.job.depends_on, ["install-cert-manager", "install-cnpg"]);
    assert_eq!(d.executions.len(), 1);
    let page = s.page(&d.executions[0].id, 0, 0).unwrap();
    assert_eq!(page.total, 3);
    assert!(page.execution_finished);
    assert_eq!(page.lines[0].message, "[installing] go");
    // Degrade and recover: a second execution, newest first.
    s.on_event(
        &ev(
            "2026-01-01T00:01:00Z",
            "component",
            "openbao",
            Some("degraded"),
            "hc",
        ),
        &mut r,
    );
    assert_eq!(
        s.detail("d:install-openbao").unwrap().job.status,
        JobStatus::Running
    );
    s.on_event(
        &ev(
            "2026-01-01T00:01:30Z",
            "component",
            "openbao",
            Some("installed"),
            "ok",
        ),
        &mut r,
    );
    let d = s.detail("d:install-openbao").unwrap();
    assert_eq!(d.executions.len(), 2);
    assert_eq!(d.executions[0].started_at, "2026-01-01T00:01:00Z");
    assert_eq!(
        d.job.latest_execution_id.as_deref(),
        Some(d.executions[0].id.as_str())
    );
}

#[test]
fn paging_clamps_like_the_service() {
    let mut s = JobsStore::new("d");
    let mut r = Rng::new(1);
    s.on_event(
        &ev(
            "2026-01-01T00:00:00Z",
            "component",
            "cilium",
            Some("installing"),
            "go",
        ),
        &mut r,
    );
    for i in 0..20 {
        s.on_event(
            &ev(
                "2026-01-01T00:00:01Z",
                "component-log",
                "cilium",
                None,
                &format!("l{i}"),
            ),
            &mut r,
        );
    }
    let id = s.list()[0].latest_execution_id.clone().unwrap();
    let p = s.page(&id, 5, 3).unwrap();
    assert_eq!(
        p.lines.iter().map(|l| l.line_number).collect::<Vec<_>>(),
        [5, 6, 7]
    );
    assert_eq!(p.total, 21);
    assert!(!p.execution_finished);
    assert_eq!(s.page(&id, -4, 100_000).unwrap().lines.len(), 21);
    assert!(s.page(&id, 99, 10).unwrap().lines.is_empty());
    assert!(s.page("nope", 1, 1).is_none());
}

#[test]
fn batches_count_by_status_in_first_seen_order() {
    let mut s = JobsStore::new("d");
    let mut r = Rng::new(1);
    s.on_event(
        &ev(
            "2026-01-01T00:00:00Z",
            "component",
            "cilium",
            Some("installed"),
            "ok",
        ),
        &mut r,
    );
    s.on_event(
        &ev(
            "2026-01-01T00:00:00Z",
            "component",
            "flux",
            Some("pending"),
            "wait",
        ),
        &mut r,
    );
    let m = Mutation {
        verb: "scale".into(),
        kind: "node-pool".into(),
        slug: "workers".into(),
        action: "scale".into(),
        diff: String::new(),
        xrc_kind: "NodePoolClaim".into(),
        xrc_name: "workers".into(),
        failure: None,
    };
    s.apply_mutation(&m, Utc::now(), &mut r);
    let b = s.batches();
    assert_eq!(b.len(), 2);
    assert_eq!(
        (
            b[0].batch_id.as_str(),
            b[0].total,
            b[0].succeeded,
            b[0].pending
        ),
        ("bootstrap-kit", 2, 1, 1)
    );
    assert_eq!(
        (b[1].batch_id.as_str(), b[1].finished),
        ("day-2-mutations", 1)
    );
    assert!(s.detail("d:mutation-scale-node-pool-workers").is_some());
}

#[test]
fn a_failed_install_is_retried_as_a_new_execution_naming_who_asked() {
    let mut s = JobsStore::new("d");
    let mut r = Rng::new(3);
    for (t, state) in [
        ("2026-01-01T00:00:00Z", "installing"),
        ("2026-01-01T00:05:00Z", "failed"),
    ] {
        s.on_event(&ev(t, "component", "harbor", Some(state), "x"), &mut r);
    }
    assert_eq!(s.list()[0].status, JobStatus::Failed);
    let at = DateTime::parse_from_rfc3339("2026-01-01T01:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let (job, exec, action) = s
        .retry("d:install-harbor", "layla@x", at, &mut r)
        .unwrap()
        .unwrap();
    assert_eq!(action, "annotated HelmRelease bp-harbor for reconcile");
    assert_eq!(job.status, JobStatus::Succeeded);
    assert_eq!(job.latest_execution_id.as_deref(), Some(exec.as_str()));
    let detail = s.detail("d:install-harbor").unwrap();
    assert_eq!(detail.executions.len(), 2, "attempt 2 is a new execution");
    let lines = s.page(&exec, 1, 10).unwrap().lines;
    assert!(
        lines[0]
            .message
            .starts_with("[retry] requested by layla@x at 2026-01-01T01:00:00Z"),
        "{}",
        lines[0].message
    );
    // Not failed any more: nothing to retry; an unknown job is none.
    assert_eq!(
        s.retry("d:install-harbor", "layla@x", at, &mut r),
        Err(RetryRefused::NotFailed(JobStatus::Succeeded))
    );
    assert_eq!(
        s.retry("d:install-nothing", "layla@x", at, &mut r),
        Ok(None)
    );
}
