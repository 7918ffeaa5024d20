//! The views on their own: an execution's log read page by page until the service's total
//! (lines keeping their time and level), the jobs filter, Enter through the levels, and
//! the selection following its job across a refresh.

use super::*;
use crate::action::Action;
use crate::views::View;
use crate::views::logs::Level;

fn execution_target() -> Target {
    Target::ExecutionLog {
        deployment: RUN.into(),
        execution: "1a2b3c4d5e6f708199ee88ff77aa66bb".into(),
        title: "provisioning runs › d7f3a9c2e41b0856 › jobs › install-nats-jetstream › execution 1a2b3c4d5e6f"
            .into(),
    }
}

#[test]
fn pages_are_read_until_the_total_is_held() {
    let (mut s, effects) = opened(execution_target(), 80, 24);
    let (mut request, query) = fetches(&effects).last().cloned().unwrap();
    assert!(matches!(query, Query::ExecutionLogs { from: 1, .. }));
    let total = 4_500;
    let mut asked = vec![1];
    for (from, to) in [(1, 2_000), (2_001, 4_000), (4_001, 4_500)] {
        let effects = answer(&mut s, request, page(from, to, total, true));
        match fetches(&effects).as_slice() {
            [(next, Query::ExecutionLogs { from, .. })] => {
                asked.push(*from);
                request = *next;
            }
            [] => assert_eq!(to, total, "stopped before the total"),
            other => panic!("{other:?}"),
        }
        assert!(
            timers(&effects).is_empty(),
            "a finished execution is not polled"
        );
    }
    assert_eq!(asked, [1, 2_001, 4_001]);
    let v = top_execution(&s);
    assert_eq!(v.lines_read(), total);
    assert_eq!(v.log.buffer().len(), total as usize);
    assert!(v.complete());
}

#[test]
fn lines_keep_their_time_level_and_text() {
    let (mut s, effects) = opened(execution_target(), 80, 24);
    let (request, _) = fetches(&effects).last().cloned().unwrap();
    answer(&mut s, request, page(1, 7, 7, true));
    let held: Vec<_> = top_execution(&s).log.buffer().iter().cloned().collect();
    let sent = lines(1, 7);
    assert_eq!(held.len(), sent.len());
    for (h, l) in held.iter().zip(&sent) {
        assert_eq!(h.raw(), l.message);
        assert_eq!(
            h.time
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)),
            Some(l.timestamp.clone())
        );
    }
    assert_eq!(held[2].level, Some(Level::Warn));
    assert_eq!(held[4].level, Some(Level::Error));
    assert_eq!(held[0].level, Some(Level::Info));
    assert_eq!(
        crate::views::jobs::execution::level("fatal"),
        Some(Level::Error)
    );
    assert_eq!(crate::views::jobs::execution::level("chatty"), None);
}

#[test]
fn an_overlapping_page_adds_no_line_twice() {
    let (mut s, effects) = opened(execution_target(), 80, 24);
    let (request, _) = fetches(&effects).last().cloned().unwrap();
    let effects = answer(&mut s, request, page(1, 10, 12, false));
    let (request, query) = only_fetch(&effects);
    assert!(matches!(query, Query::ExecutionLogs { from: 11, .. }));
    // The service answers from an earlier line than asked.
    let effects = answer(&mut s, request, page(8, 12, 12, false));
    assert_eq!(timers(&effects).len(), 1);
    assert_eq!(top_execution(&s).log.buffer().len(), 12);
}

#[test]
fn log_keys_work_in_an_execution_log() {
    let (mut s, effects) = opened(execution_target(), 80, 24);
    let (request, _) = fetches(&effects).last().cloned().unwrap();
    answer(&mut s, request, page(1, 60, 60, true));
    assert!(top_execution(&s).log.is_following());
    press(&mut s, "f");
    assert!(!top_execution(&s).log.is_following(), "f pauses");
    press(&mut s, "/ 'deadline' enter");
    assert_eq!(top_execution(&s).log.search().count, 8);
    let effects = press(&mut s, "w");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveFile { path, .. } if path.to_string_lossy().contains("execution-1a2b3c4d5e6f708199ee88ff77aa66bb")))
    );
}

fn jobs_ready() -> State {
    let (mut s, effects) = opened(jobs_target(), 80, 24);
    let (request, _) = only_fetch(&effects);
    answer(&mut s, request, jobs_data());
    s
}

fn names(s: &State) -> Vec<String> {
    top_jobs(s)
        .visible()
        .iter()
        .map(|j| j.job_name.clone())
        .collect()
}

#[test]
fn the_filter_matches_name_app_batch_status_and_dependencies() {
    let mut s = jobs_ready();
    press(&mut s, "/ 'running' enter");
    assert_eq!(names(&s), ["install-nats-jetstream"]);
    press(&mut s, "esc / 'day-2' enter");
    assert_eq!(
        names(&s),
        [
            "mutation-scale-node-pool-workers",
            "mutation-rotate-secret-gitops"
        ]
    );
    press(&mut s, "esc / 'keycloak' enter");
    assert_eq!(
        names(&s),
        ["install-keycloak", "install-catalyst-platform"],
        "a job that depends on it matches too"
    );
    let effects = press(&mut s, "j enter");
    assert_eq!(
        only_fetch(&effects).1,
        Query::Job {
            deployment: RUN.into(),
            job: format!("{RUN}:install-catalyst-platform")
        }
    );
    // Back finds the filter as it was.
    press(&mut s, "esc");
    assert_eq!(top_jobs(&s).filter.text, "keycloak");
}

#[test]
fn a_filter_that_matches_nothing_opens_nothing_and_says_so() {
    let mut s = jobs_ready();
    press(&mut s, "/ 'nothing-like-this' enter");
    assert!(names(&s).is_empty());
    let effects = press(&mut s, "enter");
    assert!(effects.is_empty());
    assert_eq!(
        s.notice.as_ref().map(|n| n.text.as_str()),
        Some(crate::words::NO_JOB_TO_OPEN)
    );
}

#[test]
fn the_selection_follows_its_job_when_a_refresh_reorders_the_rows() {
    let mut s = jobs_ready();
    press(&mut s, "j j");
    assert_eq!(
        top_jobs(&s).visible()[top_jobs(&s).list.selected].job_name,
        "install-keycloak"
    );
    let mut reordered = jobs();
    reordered.rotate_right(2);
    let (request, _) = only_fetch(&press(&mut s, "ctrl-r"));
    answer(
        &mut s,
        request,
        Data::Jobs {
            jobs: reordered,
            batches: batches(),
        },
    );
    let v = top_jobs(&s);
    assert_eq!(v.visible()[v.list.selected].job_name, "install-keycloak");
}

#[test]
fn enter_on_an_execution_opens_its_log_with_a_breadcrumb() {
    let (mut s, effects) = opened(
        Target::Job {
            deployment: RUN.into(),
            job: format!("{RUN}:install-nats-jetstream"),
        },
        80,
        24,
    );
    let (request, _) = fetches(&effects)[1].clone();
    answer(&mut s, request, Data::Job(Box::new(detail())));
    assert_eq!(
        top_job(&s).title(),
        "provisioning runs › d7f3a9c2e41b0856 › jobs › install-nats-jetstream"
    );
    press(&mut s, "j enter");
    let v = top_execution(&s);
    assert_eq!(v.execution, "1a2b3c4d5e6f708199ee88ff77aa66bb");
    assert_eq!(
        v.title(),
        "provisioning runs › d7f3a9c2e41b0856 › jobs › install-nats-jetstream › execution 1a2b3c4d5e6f"
    );
    // Esc goes back to the job, then to the jobs.
    press(&mut s, "esc");
    assert!(matches!(s.top(), Route::Job(_)));
    press(&mut s, "esc");
    assert!(matches!(s.top(), Route::Jobs(_)));
}

#[test]
fn a_job_without_executions_says_so_on_enter() {
    let (mut s, effects) = opened(
        Target::Job {
            deployment: RUN.into(),
            job: "install-catalyst-platform".into(),
        },
        80,
        24,
    );
    let (request, _) = fetches(&effects)[1].clone();
    let mut d = detail();
    d.executions.clear();
    answer(&mut s, request, Data::Job(Box::new(d)));
    assert!(press(&mut s, "enter").is_empty());
    assert_eq!(
        s.notice.as_ref().map(|n| n.text.as_str()),
        Some(crate::words::NO_EXECUTION_TO_OPEN)
    );
}

#[test]
fn durations_read_in_their_largest_units() {
    use crate::words::duration;
    assert_eq!(duration(850), "850 ms");
    assert_eq!(duration(42_000), "42 s");
    assert_eq!(duration(185_000), "3m 05s");
    assert_eq!(duration(3_720_000), "1h 02m");
}

fn job_target(job: &str) -> Target {
    Target::Job {
        deployment: RUN.into(),
        job: job.into(),
    }
}

/// A failed job is retried after a yes: the request, its answer among the fields, and a
/// read of the job again for the new execution. A job that did not fail is not offered.
#[test]
fn a_failed_job_is_retried_after_a_yes_and_read_again() {
    let (mut s, effects) = opened(job_target("install-keycloak"), 80, 24);
    let (request, _) = fetches(&effects).last().cloned().unwrap();
    let mut failed = detail();
    failed.job.status = JobStatus::Failed;
    answer(&mut s, request, Data::Job(Box::new(failed)));
    assert!(top_job(&s).hints().contains(&Action::RetryPhase));
    assert!(press(&mut s, "R").is_empty(), "asks first");
    let effects = press(&mut s, "y");
    let (request, query) = only_fetch(&effects);
    assert_eq!(
        query,
        Query::RetryJob {
            deployment: RUN.into(),
            job: "install-keycloak".into()
        }
    );
    let answered = crate::model::JobRetryAnswer {
        id: format!("{RUN}:install-keycloak"),
        action: "annotated HelmRelease bp-keycloak for reconcile".into(),
        requested_by: "layla@bankdhofar.example".into(),
        ..Default::default()
    };
    let effects = answer(&mut s, request, Data::JobRetried(Box::new(answered)));
    assert!(
        matches!(only_fetch(&effects).1, Query::Job { .. }),
        "read again for the new execution"
    );
    assert!(matches!(
        top_job(&s).retry,
        crate::views::jobs::JobRetry::Done(_)
    ));
    let screen = testing::screen(&s, false);
    assert!(
        screen.contains("Retry         asked by layla@bankdhofar.example: annotated HelmRelease"),
        "{screen}"
    );

    // A job that did not fail: the key says why, nothing is sent.
    let (mut s, effects) = opened(job_target("install-cilium"), 80, 24);
    let (request, _) = fetches(&effects).last().cloned().unwrap();
    let mut ok = detail();
    ok.job.status = JobStatus::Succeeded;
    answer(&mut s, request, Data::Job(Box::new(ok)));
    assert!(!top_job(&s).hints().contains(&Action::RetryPhase));
    assert!(press(&mut s, "R").is_empty());
    assert_eq!(
        s.notice.as_ref().map(|n| n.text.as_str()),
        Some(crate::words::JOB_NOT_FAILED)
    );
}

/// A copy goes through the terminal: a line over the clipboard's bound is refused with the
/// reason, nothing is sent; a short one is copied.
#[test]
fn a_copy_too_long_for_the_clipboard_is_refused_with_the_reason() {
    let (mut s, effects) = opened(execution_target(), 80, 24);
    let (request, _) = fetches(&effects).last().cloned().unwrap();
    let mut long = lines(1, 1);
    long[0].message = "x".repeat(crate::effect::MAX_COPY_BYTES + 1);
    let data = Data::ExecutionLogs(Box::new(crate::model::ExecutionLogs {
        lines: long,
        total: 1,
        execution_finished: true,
    }));
    answer(&mut s, request, data);
    let effects = press(&mut s, "y");
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Copy(_))),
        "nothing copied"
    );
    let notice = s.notice.clone().unwrap();
    assert!(
        notice.error && notice.text.starts_with("Too long to copy (65 KiB"),
        "{}",
        notice.text
    );

    let (mut s, effects) = opened(execution_target(), 80, 24);
    let (request, _) = fetches(&effects).last().cloned().unwrap();
    answer(&mut s, request, page(1, 3, 3, true));
    let effects = press(&mut s, "y");
    assert!(effects.iter().any(|e| matches!(e, Effect::Copy(_))));
}
