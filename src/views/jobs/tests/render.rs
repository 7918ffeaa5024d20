//! The jobs views on screen at 80×24 and 120×40 at the fixed clock: the jobs under their
//! batches, a job with its executions, an execution's log (running and finished), and
//! the empty and missing cases.

use super::*;
use crate::api::ApiError;

fn jobs_screen(w: u16, h: u16, data: Data) -> String {
    let (mut s, effects) = opened(jobs_target(), w, h);
    let (request, _) = only_fetch(&effects);
    answer(&mut s, request, data);
    testing::screen(&s, false)
}

fn job_screen(w: u16, h: u16) -> String {
    let (mut s, effects) = opened(
        Target::Job {
            deployment: RUN.into(),
            job: format!("{RUN}:install-nats-jetstream"),
        },
        w,
        h,
    );
    let (request, _) = fetches(&effects)[1].clone();
    answer(&mut s, request, Data::Job(Box::new(detail())));
    testing::screen(&s, false)
}

fn execution_screen(w: u16, h: u16, finished: bool) -> String {
    let (mut s, effects) = opened(
        Target::ExecutionLog {
            deployment: RUN.into(),
            execution: "9f3c1a7e5b2d4c6011aa22bb33cc44dd".into(),
            title: "provisioning runs › d7f3a9c2e41b0856 › jobs › install-nats-jetstream › execution 9f3c1a7e5b2d"
                .into(),
        },
        w,
        h,
    );
    let (request, _) = fetches(&effects).last().cloned().unwrap();
    let effects = answer(&mut s, request, page(1, 30, 42, finished));
    let (request, _) = only_fetch(&effects);
    answer(&mut s, request, page(31, 42, 42, finished));
    testing::screen(&s, false)
}

#[test]
fn snapshot_jobs_with_batches() {
    insta::assert_snapshot!("jobs_80x24", jobs_screen(80, 24, jobs_data()));
    insta::assert_snapshot!("jobs_120x40", jobs_screen(120, 40, jobs_data()));
}

#[test]
fn snapshot_jobs_of_an_unknown_run() {
    let empty = || Data::Jobs {
        jobs: Vec::new(),
        batches: Vec::new(),
    };
    insta::assert_snapshot!("jobs_empty_80x24", jobs_screen(80, 24, empty()));
    insta::assert_snapshot!("jobs_empty_120x40", jobs_screen(120, 40, empty()));
}

#[test]
fn snapshot_job_detail() {
    insta::assert_snapshot!("job_80x24", job_screen(80, 24));
    insta::assert_snapshot!("job_120x40", job_screen(120, 40));
}

#[test]
fn snapshot_job_not_found() {
    let (mut s, effects) = opened(
        Target::Job {
            deployment: RUN.into(),
            job: "no-such-job".into(),
        },
        80,
        24,
    );
    let (request, _) = fetches(&effects)[1].clone();
    msg(
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
    insta::assert_snapshot!("job_not_found_80x24", testing::screen(&s, false));
}

#[test]
fn snapshot_execution_log() {
    insta::assert_snapshot!("execution_running_80x24", execution_screen(80, 24, false));
    insta::assert_snapshot!("execution_running_120x40", execution_screen(120, 40, false));
    insta::assert_snapshot!("execution_finished_80x24", execution_screen(80, 24, true));
}

#[test]
fn snapshot_jobs_in_ascii() {
    let (mut s, effects) = opened(jobs_target(), 80, 24);
    let (request, _) = only_fetch(&effects);
    answer(&mut s, request, jobs_data());
    let screen = testing::screen(&s, true);
    assert!(screen.is_ascii(), "{screen}");
    insta::assert_snapshot!("jobs_ascii_80x24", screen);
}
