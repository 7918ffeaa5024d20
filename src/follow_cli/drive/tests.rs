use super::*;
use crate::follow_cli::output::{Interrupt, Interrupts, Printer};
use crate::model::{DeploymentResult, EventLevel, Phase1Outcome, ProvisionEvent};

fn state(status: DeploymentStatus) -> DeploymentState {
    DeploymentState {
        component_states: None,
        error: None,
        finished_at: None,
        id: "0123456789abcdef".into(),
        num_events: 0,
        phase1_finished_at: None,
        region: "fsn1".into(),
        result: None,
        sovereign_fqdn: "x.example".into(),
        started_at: "2026-05-04T06:00:00Z".into(),
        status: status.into(),
        ..Default::default()
    }
}

#[test]
fn exit_codes_follow_the_end() {
    assert_eq!(Exit::Success.code(), 0);
    assert_eq!(Exit::OutputClosed.code(), 0);
    assert_eq!(Exit::RunFailed.code(), 1);
    assert_eq!(Exit::CannotFollow("x".into()).code(), 2);
    assert_eq!(Exit::Interrupted(Interrupt::Int).code(), 130);
    assert_eq!(Exit::Interrupted(Interrupt::Term).code(), 143);
}

#[test]
fn a_ready_run_says_what_ready_does_not_prove() {
    let mut s = state(DeploymentStatus::Ready);
    s.component_states = Some(
        [
            ("cilium", "installed"),
            ("harbor", "degraded"),
            ("keycloak", "pending"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
    );
    s.result = Some(DeploymentResult {
        phase1_outcome: Some(Phase1Outcome::Timeout),
        ..DeploymentResult::default()
    });
    let (exit, text) = deployment_end(&s);
    assert_eq!(exit, Exit::Success);
    assert_eq!(
        text,
        "deployment 0123456789abcdef is ready (phase 1: timeout); 2 of 3 components not installed"
    );
}

#[test]
fn a_failed_run_exits_1_with_the_states_error() {
    let mut s = state(DeploymentStatus::Failed);
    s.error = Some("tofu apply: exit status 1".into());
    let (exit, text) = deployment_end(&s);
    assert_eq!(exit.code(), 1);
    assert!(
        text.ends_with("failed: tofu apply: exit status 1"),
        "{text}"
    );
    let (exit, _) = deployment_end(&state(DeploymentStatus::Provisioning));
    assert_eq!(exit.code(), 2);
}

#[test]
fn an_operations_outcome_decides() {
    let done = |o: &str| OperationDone {
        operation_id: "op-1".into(),
        outcome: o.into(),
    };
    assert_eq!(operation_end(&done("succeeded")).0, Exit::Success);
    assert_eq!(operation_end(&done("failed")).0, Exit::RunFailed);
    assert_eq!(operation_end(&done("failed")).1, "operation op-1 failed");
    assert_eq!(operation_end(&done("mystery")).0, Exit::RunFailed);
}

#[test]
fn reconnects_are_told_and_given_up_on() {
    let mut w = Watch::new(2);
    assert_eq!(w.status(&StreamStatus::Live, true), Seen::Nothing);
    let r = |attempt| StreamStatus::Reconnecting {
        in_: Duration::from_millis(1500),
        attempt,
        reason: "server error (503)".into(),
    };
    assert_eq!(
        w.status(&r(1), true),
        Seen::Note("reconnecting in 1.5 s (attempt 1): server error (503)".into())
    );
    assert_eq!(
        w.status(&StreamStatus::Live, true),
        Seen::Note("connected again; re-syncing from the event list".into())
    );
    assert!(matches!(w.status(&r(2), false), Seen::Note(_)));
    assert_eq!(
        w.status(&r(3), false),
        Seen::GiveUp("gave up after 2 failed connection attempts: server error (503)".into())
    );
    let mut never = Watch::new(0);
    assert!(matches!(never.status(&r(99), false), Seen::Note(_)));
    never.status(
        &StreamStatus::Failed {
            reason: "not found (404)".into(),
        },
        false,
    );
    assert_eq!(never.failure.as_deref(), Some("not found (404)"));
    assert_eq!(seconds(Duration::from_secs(30)), "30 s");
}

fn printer() -> Printer<Vec<u8>, Vec<u8>> {
    Printer::new(Vec::new(), Vec::new(), Format::Text, Colour::Strip, false)
}

#[tokio::test]
async fn a_run_prints_events_on_stdout_and_the_rest_on_stderr() {
    let mut p = printer();
    let mut interrupts = Interrupts::new();
    let (tx, rx) = mpsc::channel(16);
    let ev = ProvisionEvent {
        time: "2026-05-04T06:00:01Z".into(),
        phase: "tofu-init".into(),
        level: EventLevel::Info,
        message: "Initialising".into(),
        component: None,
        state: None,
        depends_on: None,
    };
    let mut failed = state(DeploymentStatus::Failed);
    failed.error = Some("boom".into());
    for m in [
        DeploymentMsg::Status(StreamStatus::Live),
        DeploymentMsg::Event(ev.clone()),
        DeploymentMsg::Status(StreamStatus::Reconnecting {
            in_: Duration::from_secs(1),
            attempt: 1,
            reason: "the server closed the stream".into(),
        }),
        DeploymentMsg::Status(StreamStatus::Live),
        DeploymentMsg::ResyncFailed("server error (500)".into()),
        DeploymentMsg::Event(ev),
        DeploymentMsg::Done(Box::new(failed)),
    ] {
        tx.send(m).await.unwrap();
    }
    let mut d = Drive {
        printer: &mut p,
        interrupts: &mut interrupts,
        cancel: CancellationToken::new(),
        watch: Watch::new(3),
    };
    assert_eq!(d.deployment(rx).await, Exit::RunFailed);
    let (out, err) = p.into_parts();
    let out = String::from_utf8(out).unwrap();
    let err = String::from_utf8(err).unwrap();
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines()
            .all(|l| l.ends_with("tofu-init      info  Initialising"))
    );
    assert_eq!(
        err,
        "follow: reconnecting in 1 s (attempt 1): the server closed the stream\n\
         follow: connected again; re-syncing from the event list\n\
         follow: re-sync failed (tried again later): server error (500)\n\
         follow: deployment 0123456789abcdef failed: boom\n"
    );
}

#[tokio::test]
async fn a_stream_that_fails_for_good_exits_2_with_its_reason() {
    let mut p = printer();
    let mut interrupts = Interrupts::new();
    let (tx, rx) = mpsc::channel(16);
    tx.send(OperationMsg::Status(StreamStatus::Failed {
        reason: "not found (404): no such operation".into(),
    }))
    .await
    .unwrap();
    drop(tx);
    let mut d = Drive {
        printer: &mut p,
        interrupts: &mut interrupts,
        cancel: CancellationToken::new(),
        watch: Watch::new(3),
    };
    assert_eq!(
        d.operation(rx).await,
        Exit::CannotFollow("not found (404): no such operation".into())
    );
}
