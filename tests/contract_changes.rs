//! Mutations of Applications through the typed client against the sandbox, with every
//! error path: actions (202 and 409 when the state forbids them), installs (202, 422 with
//! the failing fields, 404 for unknown Blueprints), uninstalls (202, 409
//! `has-dependents`). The simulation is ticked by hand so operations finish
//! deterministically (and once by the sandbox's own clock); every attempt leaves an audit
//! record naming the request.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use catalyst_tui::api::ApiError;
use catalyst_tui::model::*;
use catalyst_tui::sandbox::simulation::Simulation;
use contract_support::*;
use serde_json::json;

fn act(action: AppAction, reason: &str) -> ActionRequest {
    ActionRequest {
        action,
        reason: reason.into(),
    }
}

fn wordpress(name: &str, values: serde_json::Value) -> InstallRequest {
    InstallRequest {
        name: name.into(),
        blueprint: "bp-wordpress".into(),
        version: "1.4.0".into(),
        values,
    }
}

#[tokio::test]
async fn actions_follow_the_state_machine() {
    let sb = start().await;
    let mut sim = Simulation::new(7);
    let [admin, salim, layla, huda] = sign_in_all(&sb, ["admin", "salim", "layla", "huda"]).await;
    let dev = "digital-channels-dev";

    // Restart a running Application: 202, then `updating` under the new operation.
    let before = layla.get_application(dev, "payment-rail").await.unwrap();
    assert_eq!(before.status, AppStatus::Running);
    let op = layla
        .application_action(
            dev,
            "payment-rail",
            &act(AppAction::Restart, "pick up the new CA"),
        )
        .await
        .unwrap();
    assert!(op.operation_id.starts_with("op-"), "{op:?}");
    let now = layla.get_application(dev, "payment-rail").await.unwrap();
    assert_eq!(now.status, AppStatus::Updating);
    assert_eq!(now.operation_id.as_deref(), Some(op.operation_id.as_str()));
    assert!(now.revision > before.revision);
    let r = success_record(
        &admin,
        "layla",
        "application.restart",
        "digital-channels-dev/payment-rail",
    )
    .await;
    assert_eq!(r.reason.as_deref(), Some("pick up the new CA"));

    // 409 while it restarts, with the current state and revision.
    let e = assert_conflict(
        layla
            .application_action(dev, "payment-rail", &act(AppAction::Restart, "again"))
            .await,
        "conflict",
    );
    let ApiError::Conflict {
        state, revision, ..
    } = &e
    else {
        unreachable!()
    };
    assert_eq!(state.as_ref().unwrap()["status"], "updating");
    assert_eq!(
        state.as_ref().unwrap()["operation_id"],
        op.operation_id.as_str()
    );
    assert_eq!(*revision, Some(now.revision));
    let rec = record_of(&admin, &e).await;
    assert_eq!(rec.action, "application.restart");
    assert_eq!(rec.outcome, AuditOutcome::Error);
    assert!(
        rec.reason
            .as_deref()
            .unwrap()
            .starts_with("again — conflict: "),
        "{rec:?}"
    );

    let seen = tick_until(
        &sb,
        &mut sim,
        &layla,
        dev,
        "payment-rail",
        AppStatus::Running,
        20,
    )
    .await;
    assert_eq!(seen, [AppStatus::Updating, AppStatus::Running]);
    assert_eq!(
        layla
            .get_application(dev, "payment-rail")
            .await
            .unwrap()
            .operation_id,
        None
    );

    // States that forbid an action.
    assert_conflict(
        layla
            .application_action(dev, "payment-rail", &act(AppAction::Resume, "not paused"))
            .await,
        "conflict",
    );
    assert_conflict(
        layla
            .application_action(dev, "payment-rail", &act(AppAction::Retry, "not failed"))
            .await,
        "conflict",
    );

    // Prod takes an org-admin; a viewer changes nothing; unknown Applications are 404.
    let prod = "digital-channels-prod";
    let e = assert_restricted(
        layla
            .application_action(prod, "blog", &act(AppAction::Pause, "quiet period"))
            .await,
        "forbidden",
        Some("org-admin"),
    );
    let rec = record_of(&admin, &e).await;
    assert_eq!(
        (
            rec.actor.as_str(),
            rec.action.as_str(),
            rec.target.as_str(),
            rec.outcome
        ),
        (
            "layla",
            "application.pause",
            "digital-channels-prod/blog",
            AuditOutcome::Denied
        )
    );
    assert_restricted(
        huda.application_action(dev, "payment-rail", &act(AppAction::Restart, "x"))
            .await,
        "forbidden",
        Some("org-developer"),
    );
    assert_not_found(
        layla
            .application_action(dev, "no-such-app", &act(AppAction::Restart, "x"))
            .await,
    );
    assert_not_found(
        layla
            .application_action("no-such-env", "blog", &act(AppAction::Restart, "x"))
            .await,
    );

    // Pause and resume in prod as its org-admin.
    salim
        .application_action(prod, "blog", &act(AppAction::Pause, "quiet period"))
        .await
        .unwrap();
    let paused = salim.get_application(prod, "blog").await.unwrap();
    assert_eq!(paused.status, AppStatus::Paused);
    assert_eq!(paused.pods.ready, 0);
    tick(&sb, &mut sim, 3).await;
    assert_eq!(
        salim.get_application(prod, "blog").await.unwrap().status,
        AppStatus::Paused
    );
    assert_conflict(
        salim
            .application_action(prod, "blog", &act(AppAction::Restart, "x"))
            .await,
        "conflict",
    );
    salim
        .application_action(prod, "blog", &act(AppAction::Resume, "back"))
        .await
        .unwrap();
    let seen = tick_until(&sb, &mut sim, &salim, prod, "blog", AppStatus::Running, 20).await;
    assert_eq!(seen, [AppStatus::Updating, AppStatus::Running]);

    // Retry a failed Application.
    let etl = admin
        .get_application("analytics-dev", "etl-runner")
        .await
        .unwrap();
    assert_eq!(etl.status, AppStatus::Failed);
    admin
        .application_action(
            "analytics-dev",
            "etl-runner",
            &act(AppAction::Retry, "DB is back"),
        )
        .await
        .unwrap();
    let seen = tick_until(
        &sb,
        &mut sim,
        &admin,
        "analytics-dev",
        "etl-runner",
        AppStatus::Running,
        20,
    )
    .await;
    assert_eq!(seen[0], AppStatus::Updating);
}

#[tokio::test]
async fn installs_check_their_values_against_the_schema() {
    let sb = start().await;
    let mut sim = Simulation::new(7);
    let [admin, layla] = sign_in_all(&sb, ["admin", "layla"]).await;
    let dev = "digital-channels-dev";
    let good = json!({
        "site": {"title": "Docs v2", "domain": "docs2.dev.bankdhofar.local"},
        "replicas": 1,
        "multisite": false
    });

    let op = layla
        .install_application(dev, &wordpress("docs-v2", good.clone()))
        .await
        .unwrap();
    let app = layla.get_application(dev, "docs-v2").await.unwrap();
    assert_eq!(app.status, AppStatus::Installing);
    assert_eq!(app.operation_id.as_deref(), Some(op.operation_id.as_str()));
    assert_eq!(app.blueprint.name, "bp-wordpress");
    assert_eq!(app.blueprint.version, "1.4.0");
    assert_eq!(app.owner_team, "team-platform");
    assert!(
        app.dependencies.iter().any(|d| d.name == "shared-postgres"),
        "{:?}",
        app.dependencies
    );
    let r = success_record(
        &admin,
        "layla",
        "application.install",
        "digital-channels-dev/docs-v2",
    )
    .await;
    assert_eq!(r.reason.as_deref(), Some("bp-wordpress 1.4.0"));
    let seen = tick_until(
        &sb,
        &mut sim,
        &layla,
        dev,
        "docs-v2",
        AppStatus::Running,
        20,
    )
    .await;
    assert_eq!(seen, [AppStatus::Installing, AppStatus::Running]);
    let settings = layla.application_settings(dev, "docs-v2").await.unwrap();
    assert!(
        settings.values_yaml.contains("Docs v2"),
        "{}",
        settings.values_yaml
    );
    let pg = layla.get_application(dev, "shared-postgres").await.unwrap();
    assert!(
        pg.used_by.contains(&"docs-v2".to_string()),
        "{:?}",
        pg.used_by
    );

    // 409: the name is taken.
    assert_conflict(
        layla
            .install_application(dev, &wordpress("docs-v2", good.clone()))
            .await,
        "conflict",
    );

    // 422: values that fail the schema name every failing field.
    let e = layla
        .install_application(
            dev,
            &wordpress(
                "docs-v3",
                json!({"site": {"title": "", "domain": "Not A Domain"}, "replicas": 0, "extra": true}),
            ),
        )
        .await
        .unwrap_err();
    let ApiError::Invalid { code, fields, .. } = &e else {
        panic!("expected Invalid, got {e:?}")
    };
    assert_eq!(code, "invalid");
    let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
    for want in ["/site/title", "/site/domain", "/replicas"] {
        assert!(paths.contains(&want), "{want} in {paths:?}");
    }
    assert!(
        fields
            .iter()
            .any(|f| f.path.is_empty() && f.message.contains("extra")),
        "{fields:?}"
    );
    let rec = record_of(&admin, &e).await;
    assert_eq!(rec.target, "digital-channels-dev/docs-v3");
    assert_eq!(rec.outcome, AuditOutcome::Error);
    assert_not_found(layla.get_application(dev, "docs-v3").await);
    assert_invalid(
        layla
            .install_application(dev, &wordpress("Bad_Name", good.clone()))
            .await,
        "invalid",
        "name",
    );

    // 404: unknown Blueprints, versions, and another Org's private Blueprint.
    let mut unknown = wordpress("docs-v4", good.clone());
    unknown.blueprint = "bp-no-such".into();
    assert_not_found(layla.install_application(dev, &unknown).await);
    let mut old = wordpress("docs-v4", good.clone());
    old.version = "0.0.1".into();
    assert_not_found(layla.install_application(dev, &old).await);
    let ledger = InstallRequest {
        name: "ledger".into(),
        blueprint: "bp-bd-core-ledger".into(),
        version: "5.1.0".into(),
        values: json!(null),
    };
    assert_not_found(admin.install_application(dev, &ledger).await);

    // 403: developers do not install in prod.
    assert_restricted(
        layla
            .install_application("digital-channels-prod", &wordpress("docs-v4", good))
            .await,
        "forbidden",
        Some("org-admin"),
    );

    // Without values the Blueprint's defaults apply.
    admin
        .install_application(dev, &wordpress("defaults-site", json!(null)))
        .await
        .unwrap();
    let settings = admin
        .application_settings(dev, "defaults-site")
        .await
        .unwrap();
    assert!(
        settings.values_yaml.contains("My site"),
        "{}",
        settings.values_yaml
    );
}

#[tokio::test]
async fn uninstalls_refuse_while_something_depends_on_the_application() {
    let sb = start().await;
    let mut sim = Simulation::new(7);
    let [admin, salim, layla] = sign_in_all(&sb, ["admin", "salim", "layla"]).await;
    let dev = "digital-channels-dev";

    let e = assert_conflict(
        salim
            .uninstall_application(dev, "shared-postgres", "cleanup")
            .await,
        "has-dependents",
    );
    let ApiError::Conflict { dependents, .. } = &e else {
        unreachable!()
    };
    let mut dependents = dependents.clone();
    dependents.sort();
    assert_eq!(
        dependents,
        [
            "analytics-api",
            "docs-portal",
            "marketing-site",
            "payment-rail"
        ]
    );
    assert!(e.to_string().contains("payment-rail"), "{e}");
    let rec = record_of(&admin, &e).await;
    assert_eq!(rec.action, "application.uninstall");
    assert_eq!(rec.target, "digital-channels-dev/shared-postgres");
    assert!(
        rec.reason
            .as_deref()
            .unwrap()
            .starts_with("cleanup — has-dependents"),
        "{rec:?}"
    );

    // Only org-admins uninstall; an Application being installed cannot be.
    assert_restricted(
        layla
            .uninstall_application(dev, "marketing-site", "replaced")
            .await,
        "forbidden",
        Some("org-admin"),
    );
    assert_conflict(
        salim
            .uninstall_application(dev, "docs-portal", "not now")
            .await,
        "conflict",
    );
    assert_not_found(salim.uninstall_application(dev, "no-such-app", "x").await);

    let op = salim
        .uninstall_application(dev, "marketing-site", "replaced by the CMS bundle")
        .await
        .unwrap();
    assert!(op.operation_id.starts_with("op-"));
    let r = success_record(
        &admin,
        "salim",
        "application.uninstall",
        "digital-channels-dev/marketing-site",
    )
    .await;
    assert_eq!(r.reason.as_deref(), Some("replaced by the CMS bundle"));
    let going = salim.get_application(dev, "marketing-site").await.unwrap();
    assert_eq!(going.status, AppStatus::Updating);
    // Ticks until the Application is gone.
    let mut gone = false;
    for _ in 0..10 {
        tick(&sb, &mut sim, 1).await;
        if let Err(e) = salim.get_application(dev, "marketing-site").await {
            assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
            gone = true;
            break;
        }
    }
    assert!(gone, "the uninstall finished");
    let pg = salim.get_application(dev, "shared-postgres").await.unwrap();
    assert!(
        !pg.used_by.contains(&"marketing-site".to_string()),
        "{:?}",
        pg.used_by
    );
}

#[tokio::test]
async fn the_running_simulation_finishes_an_install_on_its_own() {
    // The sandbox's own clock-driven simulation at 20 ticks a second; a bounded liveness
    // wait, not a timing assertion.
    let sb = start_with(catalyst_tui::sandbox::SandboxOptions {
        speed: 20.0,
        ..catalyst_tui::sandbox::SandboxOptions::default()
    })
    .await;
    let layla = sign_in(&sb, "layla").await;
    let dev = "digital-channels-dev";
    layla
        .install_application(
            dev,
            &wordpress(
                "live-site",
                json!({"site": {"title": "Live", "domain": "live.dev.bankdhofar.local"}, "replicas": 2}),
            ),
        )
        .await
        .unwrap();
    eventually("live-site runs", || async {
        let a = layla.get_application(dev, "live-site").await.unwrap();
        a.status == AppStatus::Running && a.pods == Pods::counted(2, 2)
    })
    .await;
    let history = layla.application_history(dev, "live-site").await.unwrap();
    assert_eq!(history.deploys[0].outcome, DeployOutcome::Succeeded);
    assert_eq!(history.deploys[0].actor, "layla");
}
