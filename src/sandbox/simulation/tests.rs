//! The simulation against the flow fixture: operations run to their end, seeded
//! in-progress Applications are adopted, degradations come and go reproducibly, nothing
//! is published when nothing moves, and the spawned task follows `speed` and `cancel`.

use std::sync::Arc;

use chrono::{Duration, TimeZone};
use tokio::sync::RwLock;

use super::*;
use crate::model::*;
use crate::sandbox::events::{EventFilter, Replay};
use crate::sandbox::flow::fixture;
use crate::sandbox::options::SandboxOptions;
use crate::sandbox::store::Sandbox;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 13, 7, 0).unwrap()
}

fn frames(bus: &EventBus, after: u64) -> Vec<Arc<crate::sandbox::events::BusFrame>> {
    match bus.replay(&EventFilter::default(), after) {
        Replay::Frames(f) => f,
        Replay::Reset { .. } => vec![],
    }
}

fn updating(w: &mut World, env: &str, app: &str, version: &str) -> String {
    let id = w.start_operation(env, app, "update");
    let rec = w.apps.get_mut(env).unwrap().get_mut(app).unwrap();
    rec.app.status = AppStatus::Updating;
    rec.app.blueprint.version = version.into();
    rec.app.operation_id = Some(id.clone());
    id
}

#[test]
fn an_update_runs_to_running_at_its_version() {
    let mut w = fixture::world(now());
    let bus = EventBus::default();
    let id = updating(&mut w, "acme-uat", "payment-rail", "1.4.2");
    let mut sim = Simulation::new(7);
    let mut percents = Vec::new();
    for n in 1..=8 {
        sim.tick(&mut w, &bus, now() + Duration::seconds(n));
        percents.push(w.operations[&id].percent);
        let app = &w.apps["acme-uat"]["payment-rail"].app;
        if n < 8 {
            assert_eq!(app.status, AppStatus::Updating);
            assert_eq!(
                app.progress.as_ref().unwrap().percent,
                w.operations[&id].percent
            );
        }
    }
    assert_eq!(percents, vec![5, 15, 30, 45, 65, 80, 95, 100]);
    let op = &w.operations[&id];
    assert_eq!(op.done.as_ref().unwrap().outcome, "succeeded");
    assert!(
        op.lines.iter().any(|l| l.message.contains("\x1b[32m✔")),
        "coloured"
    );
    assert!(
        op.lines
            .iter()
            .any(|l| l.message.contains("helmrelease/payment-rail"))
    );
    let rec = &w.apps["acme-uat"]["payment-rail"];
    assert_eq!(rec.app.status, AppStatus::Running);
    assert_eq!(rec.app.last_deploy.version, "1.4.2");
    assert_eq!(rec.app.last_deploy.at, now() + Duration::seconds(8));
    assert!(rec.app.progress.is_none() && rec.app.operation_id.is_none());
    assert_eq!(
        rec.history.last().unwrap().outcome,
        DeployOutcome::Succeeded
    );
    assert_eq!(rec.history.last().unwrap().version, "1.4.2");
    let progress = frames(&bus, 0)
        .iter()
        .filter(|f| f.kind == "operation.progress")
        .count();
    assert_eq!(progress, 8);
    // Finished operations do not move again.
    let last = bus.last_id();
    sim.tick(&mut w, &bus, now() + Duration::seconds(9));
    assert_eq!(bus.last_id(), last);
}

#[test]
fn seeded_in_progress_applications_are_adopted() {
    let mut w = fixture::world(now());
    let bus = EventBus::default();
    let rec = w
        .apps
        .get_mut("acme-stg")
        .unwrap()
        .get_mut("ledger")
        .unwrap();
    rec.app.status = AppStatus::Installing;
    rec.app.progress = Some(Progress {
        percent: 40,
        step: "installing".into(),
    });
    let mut sim = Simulation::new(7);
    sim.tick(&mut w, &bus, now());
    let op_id = w.apps["acme-stg"]["ledger"]
        .app
        .operation_id
        .clone()
        .unwrap();
    assert_eq!(w.operations[&op_id].kind, "install");
    assert_eq!(
        w.operations[&op_id].percent, 45,
        "continues from the seeded 40%"
    );
    for n in 1..=4 {
        sim.tick(&mut w, &bus, now() + Duration::seconds(n));
    }
    assert_eq!(w.apps["acme-stg"]["ledger"].app.status, AppStatus::Running);
}

#[test]
fn uninstall_removes_and_vanished_applications_fail_their_operation() {
    let mut w = fixture::world(now());
    let bus = EventBus::default();
    let gone = w.start_operation("acme-stg", "ledger", "uninstall");
    let orphan = w.start_operation("acme-dev", "nothing-here", "restart");
    let mut sim = Simulation::new(7);
    for n in 0..3 {
        sim.tick(&mut w, &bus, now() + Duration::seconds(n));
    }
    assert!(!w.apps["acme-stg"].contains_key("ledger"));
    assert_eq!(
        w.operations[&gone].done.as_ref().unwrap().outcome,
        "succeeded"
    );
    assert_eq!(
        w.operations[&orphan].done.as_ref().unwrap().outcome,
        "failed"
    );
    assert!(
        frames(&bus, 0)
            .iter()
            .any(|f| f.kind == "application.removed")
    );
}

#[test]
fn a_quiet_world_publishes_nothing() {
    let mut w = fixture::world(now());
    let bus = EventBus::default();
    let mut sim = Simulation::new(7);
    for n in 0..20 {
        assert!(!sim.tick(&mut w, &bus, now() + Duration::seconds(n)));
    }
    assert_eq!(bus.last_id(), 0);
}

/// The (tick, app, status) of every degradation and recovery over `ticks`.
fn health_story(seed: u64, ticks: i64) -> Vec<(u64, String, AppStatus)> {
    let mut w = fixture::world(now());
    let bus = EventBus::default();
    let mut sim = Simulation::new(seed);
    let mut story: Vec<(u64, String, AppStatus)> = Vec::new();
    for n in 0..ticks {
        let before = bus.last_id();
        sim.tick(&mut w, &bus, now() + Duration::seconds(n));
        for f in frames(&bus, before) {
            if f.kind != "application.updated" {
                continue;
            }
            let app: Application = serde_json::from_str(&f.data).unwrap();
            let key = app.environment + "/" + &app.name;
            // Only the health story: a degradation and the recovery of that Application
            // (rollouts move other Applications through updating meanwhile).
            let recovering = story
                .last()
                .is_some_and(|(_, k, s)| *s == AppStatus::Degraded && *k == key);
            if app.status == AppStatus::Degraded || (recovering && app.status == AppStatus::Running)
            {
                story.push((sim.ticks(), key, app.status));
            }
        }
    }
    story
}

#[test]
fn degradations_come_and_go_reproducibly() {
    let story = health_story(42, 400);
    assert!(story.len() >= 4, "{story:?}");
    for pair in story.chunks(2) {
        if let [(t1, a, s1), (t2, b, s2)] = pair {
            assert_eq!((a, *s1, *s2), (b, AppStatus::Degraded, AppStatus::Running));
            assert!((20..40).contains(&(t2 - t1)), "recovers 20–40 ticks later");
        }
    }
    assert_eq!(story, health_story(42, 400), "same seed, same story");
}

#[test]
fn degrading_leaves_one_pod_down() {
    let mut w = fixture::world(now());
    let bus = EventBus::default();
    let mut sim = Simulation::new(42);
    let mut n = 0;
    while bus.last_id() == 0 {
        sim.tick(&mut w, &bus, now() + Duration::seconds(n));
        n += 1;
        assert!(n < 100, "the first degradation comes within 90 ticks");
    }
    let degraded: Vec<&Application> = w
        .apps
        .values()
        .flat_map(|m| m.values())
        .map(|r| &r.app)
        .filter(|a| a.status == AppStatus::Degraded)
        .collect();
    assert_eq!(degraded.len(), 1);
    assert_eq!(degraded[0].pods.ready + 1, degraded[0].pods.total);
    assert!(degraded[0].status_detail.contains("pods ready"));
}

#[test]
fn ticks_merge_met_promotions_and_expire_grants() {
    let mut w = fixture::world(now());
    let bus = EventBus::default();
    w.environments.get_mut("acme-uat").unwrap().policy.rules[1] = PolicyRule::Soak {
        source_environment: "stg".into(),
        duration: "31h".into(),
    };
    let layla = fixture::caller(&w, "layla").unwrap();
    let p = w
        .create_promotion(
            &bus,
            &layla,
            "acme-stg",
            "payment-rail",
            &CreatePromotion {
                target_environment: "acme-uat".into(),
            },
            now(),
        )
        .unwrap();
    for (who, rev) in [("sara", 1), ("omar", 2)] {
        let c = fixture::caller(&w, who).unwrap();
        let req = CreateReview {
            decision: ReviewDecision::Approve,
            comment: String::new(),
            revision: rev,
        };
        w.review_promotion(&bus, &c, &p.id, &req, now()).unwrap();
    }
    let grant = w
        .request_access(
            &bus,
            &layla,
            "acme-dev",
            &CreateAccessRequest {
                reason: "x".into(),
                duration_minutes: 1,
                access: AccessLevel::View,
            },
            now(),
        )
        .unwrap();
    let mut sim = Simulation::new(7);
    sim.tick(&mut w, &bus, now() + Duration::minutes(30));
    assert_eq!(
        w.promotions[&p.id].state,
        PromotionState::Open,
        "soak not over"
    );
    sim.tick(&mut w, &bus, now() + Duration::minutes(61));
    assert_eq!(w.promotions[&p.id].state, PromotionState::Merged);
    assert_eq!(w.access_requests[&grant.id].state, AccessState::Expired);
    for n in 0..8 {
        sim.tick(
            &mut w,
            &bus,
            now() + Duration::minutes(62) + Duration::seconds(n),
        );
    }
    let app = &w.apps["acme-uat"]["payment-rail"].app;
    assert_eq!(
        (app.status, app.blueprint.version.as_str()),
        (AppStatus::Running, "1.4.2")
    );
}

fn sandbox(speed: f64, w: World) -> SharedSandbox {
    Arc::new(Sandbox {
        world: RwLock::new(w),
        bus: EventBus::default(),
        opts: SandboxOptions {
            speed,
            ..SandboxOptions::default()
        },
    })
}

#[tokio::test(start_paused = true)]
async fn spawned_simulation_follows_speed_and_cancel() {
    let mut w = fixture::world(now());
    let id = updating(&mut w, "acme-uat", "payment-rail", "1.4.2");
    let frozen = sandbox(0.0, w.clone());
    let cancel = CancellationToken::new();
    let task = spawn(frozen.clone(), cancel.clone());
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    assert_eq!(
        frozen.world.read().await.operations[&id].percent,
        0,
        "speed 0 freezes"
    );
    cancel.cancel();
    task.await.unwrap();

    let fast = sandbox(4.0, w);
    let cancel = CancellationToken::new();
    let task = spawn(fast.clone(), cancel.clone());
    // Eight steps at four ticks a second.
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    assert!(fast.world.read().await.operations[&id].done.is_some());
    cancel.cancel();
    task.await.unwrap();
}
