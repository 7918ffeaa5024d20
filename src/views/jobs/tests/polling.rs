//! Polling follows the route stack: armed after each answer while the view is on top,
//! not armed (and not acted on) while covered, resumed when Back reveals the view, and
//! never two timers that count at once.

use super::*;
use crate::api::ApiError;
use crate::views::jobs::poll::{JOBS_EVERY, LOG_EVERY};

/// The jobs view on top, its first answer in: the effects of that answer.
fn jobs_shown() -> (State, Vec<Effect>) {
    let (mut s, effects) = opened(jobs_target(), 80, 24);
    let (request, query) = only_fetch(&effects);
    assert_eq!(
        query,
        Query::Jobs {
            deployment: RUN.into()
        }
    );
    let effects = answer(&mut s, request, jobs_data());
    (s, effects)
}

#[test]
fn an_answer_on_top_arms_one_timer_and_its_poll_reads_again() {
    let (mut s, effects) = jobs_shown();
    let armed = timers(&effects);
    assert_eq!(armed.len(), 1, "{effects:?}");
    assert_eq!(armed[0].1, JOBS_EVERY);
    assert_eq!(top_jobs(&s).poll.refreshed, Some(testing::now()));

    let effects = poll(&mut s, armed[0].0);
    let (request, query) = only_fetch(&effects);
    assert!(matches!(query, Query::Jobs { .. }));
    assert!(timers(&effects).is_empty(), "the answer arms the next one");
    let effects = answer(&mut s, request, jobs_data());
    assert_eq!(timers(&effects).len(), 1);
}

#[test]
fn a_covered_view_neither_polls_nor_arms_and_resumes_when_revealed() {
    let (mut s, effects) = jobs_shown();
    let (token, _) = timers(&effects)[0];

    // Enter opens the selected job on top.
    let effects = press(&mut s, "enter");
    let (job_request, query) = only_fetch(&effects);
    assert_eq!(
        query,
        Query::Job {
            deployment: RUN.into(),
            job: format!("{RUN}:mutation-scale-node-pool-workers"),
        }
    );
    // The jobs' timer comes due under the job: nothing is read.
    assert!(poll(&mut s, token).is_empty());
    // The job on top polls on its own.
    let effects = answer(&mut s, job_request, Data::Job(Box::new(detail())));
    let job_timer = timers(&effects);
    assert_eq!(job_timer.len(), 1);

    // A late answer to the covered jobs view arms nothing.
    let covered = &mut s.routes[1];
    let mut next = 1_000;
    let mut cx = crate::views::Cx {
        now: testing::now(),
        next_request: &mut next,
        body: (80, 21),
        log_lines: 10,
    };
    let late = covered.view_mut().load(&mut cx);
    let (late_request, _) = only_fetch(&late);
    s.next_request = next;
    let effects = answer(&mut s, late_request, jobs_data());
    assert!(timers(&effects).is_empty(), "{effects:?}");

    // Back: the job's timer no longer counts, the jobs view reads again and re-arms.
    let effects = press(&mut s, "esc");
    let (request, query) = only_fetch(&effects);
    assert!(matches!(query, Query::Jobs { .. }));
    assert!(poll(&mut s, job_timer[0].0).is_empty());
    let effects = answer(&mut s, request, jobs_data());
    let resumed = timers(&effects);
    assert_eq!(resumed.len(), 1);
    assert_ne!(resumed[0].0, token);
    assert!(
        poll(&mut s, token).is_empty(),
        "the timer armed before it was covered no longer counts"
    );
    assert_eq!(fetches(&poll(&mut s, resumed[0].0)).len(), 1);
}

#[test]
fn a_view_never_has_two_timers_that_count() {
    let (mut s, effects) = jobs_shown();
    let (first, _) = timers(&effects)[0];
    // A refresh by hand while the timer sleeps: its answer arms a new timer.
    let effects = press(&mut s, "ctrl-r");
    let (request, _) = only_fetch(&effects);
    let effects = answer(&mut s, request, jobs_data());
    let (second, _) = timers(&effects)[0];
    assert!(poll(&mut s, first).is_empty(), "the first timer is stale");
    let effects = poll(&mut s, second);
    assert_eq!(fetches(&effects).len(), 1);
    assert!(poll(&mut s, second).is_empty(), "a timer counts once");
}

#[test]
fn a_poll_while_a_read_is_in_flight_waits_for_its_answer() {
    let (mut s, effects) = jobs_shown();
    let (token, _) = timers(&effects)[0];
    let effects = press(&mut s, "ctrl-r");
    let (request, _) = only_fetch(&effects);
    assert!(poll(&mut s, token).is_empty());
    assert_eq!(timers(&answer(&mut s, request, jobs_data())).len(), 1);
}

#[test]
fn a_stale_answer_is_dropped() {
    let (mut s, effects) = jobs_shown();
    let _ = effects;
    let (old, _) = only_fetch(&press(&mut s, "ctrl-r"));
    let (new, _) = only_fetch(&press(&mut s, "ctrl-r"));
    s.dirty = false;
    let effects = answer(
        &mut s,
        old,
        Data::Jobs {
            jobs: Vec::new(),
            batches: Vec::new(),
        },
    );
    assert!(effects.is_empty());
    assert!(!s.dirty, "a stale answer changes nothing on screen");
    assert_eq!(top_jobs(&s).visible().len(), jobs().len());
    assert_eq!(timers(&answer(&mut s, new, jobs_data())).len(), 1);
}

#[test]
fn a_failed_refresh_keeps_the_jobs_and_polls_on() {
    let (mut s, effects) = jobs_shown();
    let (token, _) = timers(&effects)[0];
    let (request, _) = only_fetch(&poll(&mut s, token));
    let effects = msg(
        &mut s,
        Msg::Fetched {
            request,
            result: Err(ApiError::Server {
                status: 503,
                code: Some("jobs-store-unavailable".into()),
                detail: "the jobs store is unavailable".into(),
                retry_after: None,
                request_id: None,
            }),
        },
    );
    assert_eq!(timers(&effects).len(), 1, "tried again later");
    let v = top_jobs(&s);
    assert_eq!(v.visible().len(), jobs().len(), "the jobs stay on screen");
    assert!(v.poll.failed.is_some());
    assert!(v.jobs.problem().is_none());
}

#[test]
fn a_missing_job_stops_polling() {
    let target = Target::Job {
        deployment: RUN.into(),
        job: "no-such-job".into(),
    };
    let (mut s, effects) = opened(target, 80, 24);
    let f = fetches(&effects);
    assert_eq!(f.len(), 2, "the deep link reads the jobs under the job too");
    let (request, _) = f[1].clone();
    let effects = msg(
        &mut s,
        Msg::Fetched {
            request,
            result: Err(ApiError::NotFound {
                code: Some("job-not-found".into()),
                detail: "job not found".into(),
                request_id: None,
            }),
        },
    );
    assert!(timers(&effects).is_empty());
    assert!(matches!(
        top_job(&s).detail.problem(),
        Some(crate::state::load::Problem::NotFound { .. })
    ));
    // The jobs under it answer while covered: no timer either.
    let (jobs_request, _) = f[0].clone();
    assert!(timers(&answer(&mut s, jobs_request, jobs_data())).is_empty());
}

#[test]
fn a_running_execution_is_polled_every_two_seconds_until_it_finishes() {
    let target = Target::ExecutionLog {
        deployment: RUN.into(),
        execution: "9f3c1a7e5b2d4c6011aa22bb33cc44dd".into(),
        title: String::new(),
    };
    let (mut s, effects) = opened(target, 80, 24);
    let f = fetches(&effects);
    let (request, query) = f.last().cloned().unwrap();
    assert_eq!(
        query,
        Query::ExecutionLogs {
            execution: "9f3c1a7e5b2d4c6011aa22bb33cc44dd".into(),
            from: 1
        }
    );
    let effects = answer(&mut s, request, page(1, 40, 40, false));
    assert!(fetches(&effects).is_empty(), "caught up");
    let armed = timers(&effects);
    assert_eq!(armed.len(), 1);
    assert_eq!(armed[0].1, LOG_EVERY);

    let (request, query) = only_fetch(&poll(&mut s, armed[0].0));
    assert_eq!(
        query,
        Query::ExecutionLogs {
            execution: "9f3c1a7e5b2d4c6011aa22bb33cc44dd".into(),
            from: 41
        }
    );
    let effects = answer(&mut s, request, page(41, 45, 45, true));
    assert!(effects.is_empty(), "finished and complete: {effects:?}");
    let v = top_execution(&s);
    assert!(v.complete());
    assert_eq!(v.log.buffer().len(), 45);
    // Revealed again later, a complete log reads nothing.
    assert!(
        s.routes
            .last_mut()
            .map(|r| {
                let mut n = 0;
                let mut cx = crate::views::Cx {
                    now: testing::now(),
                    next_request: &mut n,
                    body: (80, 21),
                    log_lines: 10,
                };
                r.view_mut().on_reveal(&mut cx)
            })
            .unwrap()
            .is_empty()
    );
}

#[test]
fn leaving_a_running_execution_stops_its_polling_and_back_resumes_it() {
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
    let (request, query) = only_fetch(&press(&mut s, "enter"));
    assert!(matches!(query, Query::ExecutionLogs { from: 1, .. }));
    let armed = timers(&answer(&mut s, request, page(1, 42, 42, false)));
    assert_eq!(armed.len(), 1);
    // Back to the job: the log's timer comes due and nothing reads the log.
    let effects = press(&mut s, "esc");
    assert!(
        fetches(&effects)
            .iter()
            .all(|(_, q)| matches!(q, Query::Job { .. }))
    );
    assert!(poll(&mut s, armed[0].0).is_empty());
    assert_eq!(top_job(&s).job, format!("{RUN}:install-nats-jetstream"));
}
