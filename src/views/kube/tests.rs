//! The views inside a grant through the whole state: the grant handed in and taken away
//! (expiry, revocation), the namespace stream's batches, the keys to a pod's log and an
//! object's YAML, and snapshots of every screen at 80×24.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::effect::{Query, StreamSpec};
use crate::kube::{EventRow, FluxRow, KubeMsg, KubeRow, KubeStatus, PodRow, RowKind};
use crate::model::{AccessLevel, AccessRequest, AccessState};
use crate::msg::{Msg, StreamBatch, StreamItems};
use crate::state::{Input, State, update};
use crate::views::Route;
use crate::views::testing::{now, screen, state};

const ENV: &str = "digital-channels-stg";

fn grant(id: &str, until: DateTime<Utc>, st: AccessState) -> AccessRequest {
    AccessRequest {
        id: id.into(),
        environment: ENV.into(),
        requester: "layla".into(),
        access: AccessLevel::Debug,
        reason: "payment-rail crash loop".into(),
        duration_minutes: 30,
        state: st,
        requested_at: now(),
        granted_at: Some(now()),
        expires_at: Some(until),
        decided_by: None,
        decision_comment: None,
    }
}

fn press(s: &mut State, keys: &str, at: DateTime<Utc>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for k in crate::app::headless::parse_keys(keys).unwrap() {
        effects.extend(update(s, Input::Key(k.to_event()), at));
    }
    effects
}

fn pod(name: &str, status: &str, ready: bool, restarts: i32, age_min: i64) -> KubeRow {
    KubeRow::Pod(PodRow {
        name: name.into(),
        ready: if ready { "1/1" } else { "0/1" }.into(),
        all_ready: ready,
        status: status.into(),
        restarts,
        created: Some(now() - Duration::minutes(age_min)),
        node: "fsn-worker-1".into(),
        containers: vec!["payment-rail".into()],
        app: "payment-rail".into(),
    })
}

fn namespace() -> Vec<KubeMsg> {
    let why = "readiness probe failing: upstream rtgs gateway refused connection";
    vec![
        KubeMsg::Restart(RowKind::Pod),
        KubeMsg::Upsert(pod("payment-rail-7d9c5-a1", "Running", true, 0, 360)),
        KubeMsg::Upsert(pod(
            "payment-rail-7d9c5-b2",
            "CrashLoopBackOff",
            false,
            7,
            360,
        )),
        KubeMsg::Synced(RowKind::Pod),
        KubeMsg::Restart(RowKind::Event),
        KubeMsg::Upsert(KubeRow::Event(EventRow {
            name: "payment-rail-7d9c5-b2.1".into(),
            last: Some(now() - Duration::seconds(40)),
            kind: "Warning".into(),
            reason: "Unhealthy".into(),
            object: "pod/payment-rail-7d9c5-b2".into(),
            message: format!("Readiness probe failed: {why}"),
            count: 14,
        })),
        KubeMsg::Upsert(KubeRow::Event(EventRow {
            name: "payment-rail-7d9c5-b2.2".into(),
            last: Some(now() - Duration::seconds(20)),
            kind: "Warning".into(),
            reason: "BackOff".into(),
            object: "pod/payment-rail-7d9c5-b2".into(),
            message: "Back-off restarting failed container payment-rail".into(),
            count: 9,
        })),
        KubeMsg::Upsert(KubeRow::Event(EventRow {
            name: "shared-redis-1.1".into(),
            last: Some(now() - Duration::minutes(3)),
            kind: "Normal".into(),
            reason: "Pulled".into(),
            object: "pod/shared-redis-1".into(),
            message: "Container image already present".into(),
            count: 1,
        })),
        KubeMsg::Synced(RowKind::Event),
        KubeMsg::Restart(RowKind::HelmRelease),
        KubeMsg::Upsert(KubeRow::Flux(FluxRow {
            kind: "HelmRelease".into(),
            name: "payment-rail".into(),
            ready: Some(false),
            reason: "UpgradeFailed".into(),
            message: format!("Helm upgrade failed: {why}"),
            since: Some(now() - Duration::minutes(12)),
        })),
        KubeMsg::Synced(RowKind::HelmRelease),
        KubeMsg::Restart(RowKind::Kustomization),
        KubeMsg::Upsert(KubeRow::Flux(FluxRow {
            kind: "Kustomization".into(),
            name: "digital-channels-stg".into(),
            ready: Some(true),
            reason: "ReconciliationSucceeded".into(),
            message: "Applied revision: main@sha1:4f2a".into(),
            since: Some(now() - Duration::hours(2)),
        })),
        KubeMsg::Synced(RowKind::Kustomization),
        KubeMsg::Status(KubeStatus::Live),
    ]
}

fn kube_spec(s: &State) -> Option<StreamSpec> {
    s.streams()
        .into_iter()
        .find(|x| matches!(x, StreamSpec::Kube(_)))
}

fn feed(s: &mut State, spec: StreamSpec, items: Vec<KubeMsg>) {
    update(
        s,
        Input::Msg(Msg::Stream(StreamBatch {
            spec,
            generation: 1,
            items: StreamItems::Kube(items),
        })),
        now(),
    );
}

/// Layla on payment-rail's pods in `ENV`, granted until `until`, the namespace listed.
fn opened(until: DateTime<Utc>) -> State {
    let mut s = state(80, 24);
    s.grants
        .on_request("layla", &grant("ar-1", until, AccessState::Granted));
    s.routes.push(Route::for_target(&Target::Kube {
        env: ENV.into(),
        app: Some("payment-rail".into()),
    }));
    update(&mut s, Input::Tick, now());
    let spec = kube_spec(&s).expect("a live grant follows the namespace");
    feed(&mut s, spec, namespace());
    s
}

#[test]
fn without_a_grant_it_says_so_and_follows_nothing() {
    let mut s = state(80, 24);
    s.routes.push(Route::for_target(&Target::Kube {
        env: ENV.into(),
        app: None,
    }));
    update(&mut s, Input::Tick, now());
    assert_eq!(kube_spec(&s), None);
    insta::assert_snapshot!("kube_no_grant", screen(&s, false));
    // A grant arriving (an answer, an event) brings the view alive by itself.
    s.grants.on_request(
        "layla",
        &grant("ar-9", now() + Duration::minutes(30), AccessState::Granted),
    );
    update(&mut s, Input::Tick, now());
    let Some(StreamSpec::Kube(k)) = kube_spec(&s) else {
        panic!("no kube stream");
    };
    assert_eq!((k.grant.as_str(), k.env.as_str()), ("ar-9", ENV));
    assert_eq!(k.feed, KubeFeed::Namespace { app: None });
}

#[test]
fn pods_events_and_flux_objects_are_shown_worst_first() {
    let mut s = opened(now() + Duration::minutes(23));
    insta::assert_snapshot!("kube_pods", screen(&s, false));
    press(&mut s, "tab", now());
    insta::assert_snapshot!("kube_events", screen(&s, false));
    press(&mut s, "tab", now());
    insta::assert_snapshot!("kube_flux", screen(&s, false));
    insta::assert_snapshot!("kube_flux_ascii", screen(&s, true));
}

#[test]
fn a_relisted_namespace_replaces_what_vanished_and_keeps_the_selection() {
    let mut s = opened(now() + Duration::minutes(23));
    press(&mut s, "j", now());
    let spec = kube_spec(&s).unwrap();
    feed(
        &mut s,
        spec,
        vec![
            KubeMsg::Restart(RowKind::Pod),
            KubeMsg::Upsert(pod("payment-rail-7d9c5-a1", "Running", true, 0, 360)),
            KubeMsg::Upsert(pod("payment-rail-7d9c5-c3", "Running", true, 0, 1)),
            KubeMsg::Synced(RowKind::Pod),
        ],
    );
    let Route::Kube(v) = s.routes.last().unwrap() else {
        panic!("not the kube view");
    };
    let names: Vec<&str> = v.visible_pods().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["payment-rail-7d9c5-a1", "payment-rail-7d9c5-c3"]);
    // The selection stayed on a1 (second before, first now).
    assert_eq!(v.lists[0].selected, 0);
}

#[test]
fn enter_follows_a_pods_log_and_p_reads_the_previous_container() {
    let mut s = opened(now() + Duration::minutes(23));
    // The crash-looping pod comes first.
    press(&mut s, "enter", now());
    let Some(StreamSpec::Kube(k)) = s.top().view().stream() else {
        panic!("the pod log follows no kube stream");
    };
    assert_eq!(
        k.feed,
        KubeFeed::Log {
            pod: "payment-rail-7d9c5-b2".into(),
            container: Some("payment-rail".into()),
            previous: false,
        }
    );
    let spec = StreamSpec::Kube(k);
    feed(
        &mut s,
        spec,
        vec![
            KubeMsg::Status(KubeStatus::Live),
            KubeMsg::Line {
                time: Some(now() - Duration::seconds(3)),
                text: "level=info msg=\"starting payment-rail\"".into(),
            },
            KubeMsg::Line {
                time: Some(now() - Duration::seconds(2)),
                text: "level=error msg=\"upstream rtgs gateway refused connection\"".into(),
            },
            KubeMsg::Line {
                time: Some(now() - Duration::seconds(1)),
                text: "level=fatal msg=\"exiting\" exit_code=1".into(),
            },
        ],
    );
    insta::assert_snapshot!("kube_pod_log", screen(&s, false));
    press(&mut s, "esc p", now());
    let Some(StreamSpec::Kube(k)) = s.top().view().stream() else {
        panic!("no previous log");
    };
    assert!(matches!(k.feed, KubeFeed::Log { previous: true, .. }));
}

#[test]
fn yaml_reads_the_selected_object_through_the_grant() {
    let mut s = opened(now() + Duration::minutes(23));
    press(&mut s, "tab tab", now());
    let effects = press(&mut s, "Y", now());
    let Some(Effect::Fetch { request, query }) = effects.first() else {
        panic!("no read: {effects:?}");
    };
    assert_eq!(
        query,
        &Query::KubeYaml {
            grant: "ar-1".into(),
            kind: RowKind::HelmRelease,
            name: "payment-rail".into(),
        }
    );
    let doc = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: payment-rail\nstatus:\n  conditions:\n  - type: Ready\n    status: \"False\"\n    reason: UpgradeFailed\n";
    update(
        &mut s,
        Input::Msg(Msg::Fetched {
            request: *request,
            result: Ok(Data::KubeYaml(Box::new(Ok(
                crate::widgets::highlight::highlight_yaml(doc),
            )))),
        }),
        now(),
    );
    insta::assert_snapshot!("kube_yaml", screen(&s, false));
}

#[test]
fn a_revoked_grant_stops_every_view_inside_it_and_says_why() {
    let mut s = opened(now() + Duration::minutes(23));
    press(&mut s, "enter", now());
    let spec = s.top().view().stream().unwrap();
    feed(
        &mut s,
        spec,
        vec![KubeMsg::Line {
            time: Some(now()),
            text: "level=error msg=\"upstream rtgs gateway refused connection\"".into(),
        }],
    );
    s.grants.on_request(
        "layla",
        &grant("ar-1", now() + Duration::minutes(23), AccessState::Revoked),
    );
    update(&mut s, Input::Tick, now());
    // No stream inside the grant is followed any more: not the log, not the namespace.
    assert_eq!(kube_spec(&s), None);
    insta::assert_snapshot!("kube_pod_log_ended", screen(&s, false));
    press(&mut s, "esc", now());
    let Route::Kube(v) = s.routes.last().unwrap() else {
        panic!("not the kube view");
    };
    assert!(v.visible_pods().is_empty(), "no stale pod stays on screen");
    assert!(v.ended.as_deref().unwrap().contains("revoked"));
}

#[test]
fn an_expired_grant_stops_the_view_at_its_time() {
    let until = now() + Duration::minutes(2);
    let mut s = opened(until);
    // The loop wakes for the countdown; at the expiry the view ends.
    assert!(s.wake_after().is_some());
    update(&mut s, Input::Tick, until + Duration::seconds(1));
    assert_eq!(kube_spec(&s), None);
    insta::assert_snapshot!("kube_expired", screen(&s, false));
}

#[test]
fn an_approvers_decision_on_my_request_is_said_and_brings_the_view_alive() {
    let mut s = state(80, 24);
    s.routes.push(Route::for_target(&Target::Kube {
        env: ENV.into(),
        app: None,
    }));
    update(&mut s, Input::Tick, now());
    let mut r = grant("ar-7", now() + Duration::minutes(30), AccessState::Granted);
    r.decided_by = Some("admin".into());
    r.decision_comment = Some("ok for INC-4711".into());
    let event = crate::model::LiveEvent::AccessUpdated(Box::new(r.clone()));
    update(
        &mut s,
        Input::Msg(Msg::Live(crate::api::follow::LiveMsg::Event {
            id: Some(1),
            event,
        })),
        now(),
    );
    let said = s.notice.clone().unwrap();
    assert!(!said.error);
    assert!(
        said.text.contains(
            "Your access ar-7 on digital-channels-stg is granted by admin until 10:30 UTC"
        ),
        "{}",
        said.text
    );
    assert!(
        kube_spec(&s).is_some(),
        "the view follows its namespace now"
    );
    // A denial is said as such, with the approver's comment.
    r.id = "ar-8".into();
    r.state = AccessState::Denied;
    r.decision_comment = Some("not during the freeze".into());
    let event = crate::model::LiveEvent::AccessUpdated(Box::new(r));
    update(
        &mut s,
        Input::Msg(Msg::Live(crate::api::follow::LiveMsg::Event {
            id: Some(2),
            event,
        })),
        now(),
    );
    let said = s.notice.clone().unwrap();
    assert!(
        said.error
            && said
                .text
                .contains("denied by admin: \u{201c}not during the freeze"),
        "{}",
        said.text
    );
}

#[test]
fn a_command_line_runs_inside_the_grant_and_is_offered_again() {
    let mut s = opened(now() + Duration::minutes(23));
    assert!(press(&mut s, "!", now()).is_empty());
    assert!(!s.overlays.is_empty(), "the command line editor is open");
    // Replace the offered line with another and run it.
    press(&mut s, "ctrl-a ctrl-k", now());
    for c in "kubectl logs -f payment-rail-7d9c5-b2".chars() {
        let key = if c == ' ' {
            "space".to_string()
        } else {
            c.to_string()
        };
        press(&mut s, &key, now());
    }
    let effects = press(&mut s, "ctrl-s", now());
    assert_eq!(
        effects,
        vec![Effect::OpenShell {
            grant: "ar-1".into(),
            env: ENV.into(),
            command: Some("kubectl logs -f payment-rail-7d9c5-b2".into()),
        }]
    );
    assert_eq!(s.kube_command, "kubectl logs -f payment-rail-7d9c5-b2");
    // Without a live grant, nothing runs and the reason is said.
    s.grants.on_request(
        "layla",
        &grant("ar-1", now() + Duration::minutes(23), AccessState::Revoked),
    );
    update(&mut s, Input::Tick, now());
    assert!(press(&mut s, "!", now()).is_empty());
    assert!(s.overlays.is_empty());
    assert!(s.notice.clone().unwrap().text.contains("no live grant"));
}
