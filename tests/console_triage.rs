#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! Incident triage headless against the sandbox over real HTTP: `--open triage` as admin
//! lists a failed and a degraded Application, a stuck install, a failed provisioning run
//! and the promotions waiting more than a day, read in one request; one key from each
//! opens its card, history, operation log, promotion or run.

mod contract_support;

use std::time::Duration;

use catalyst_tui::app::headless::Headless;
use catalyst_tui::effect::DetailTab;
use catalyst_tui::model::{AppStatus, TriageKind};
use catalyst_tui::views::{Route, Target};

const LIMIT: Duration = Duration::from_secs(30);

fn ui() -> catalyst_tui::ui::Ui {
    let (theme, _) = catalyst_tui::theme::Theme::shipped("dark").unwrap();
    catalyst_tui::ui::Ui {
        theme,
        glyphs: &catalyst_tui::theme::Glyphs::UNICODE,
    }
}

/// The keys that select the problem of `kind` on `target`.
fn select(c: &Headless, kind: TriageKind, target: &str) -> String {
    let Route::Triage(v) = c.state.top() else {
        panic!("not triage: {}", c.state.top().view().title())
    };
    let items = v.items.value().expect("triage is read");
    let at = v
        .shown()
        .iter()
        .position(|n| items[*n].kind == kind && items[*n].target == target)
        .unwrap_or_else(|| panic!("{kind} {target} is listed: {items:#?}"));
    let mut keys = String::from("Home");
    for _ in 0..at {
        keys.push_str(" j");
    }
    keys
}

/// Selects a problem, presses `key`, lets the view load, and returns it (then goes back).
async fn open(c: &mut Headless, kind: TriageKind, target: &str, key: &str) -> String {
    let keys = select(c, kind, target);
    c.keys(&keys).unwrap();
    c.keys(key).unwrap();
    c.settle(LIMIT).await.unwrap();
    let top = match c.state.top() {
        Route::App(a) => format!("app {} {} {:?}", a.env, a.app, a.tab),
        Route::Promotion(_) => "promotion".to_string(),
        Route::Deployment(_) => "deployment".to_string(),
        Route::Logs(_) => "logs".to_string(),
        Route::Kube(_) => "kube".to_string(),
        other => other.view().title(),
    };
    c.keys("esc").unwrap();
    c.settle(LIMIT).await.unwrap();
    assert!(matches!(c.state.top(), Route::Triage(_)), "back on triage");
    top
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_triages_every_kind_of_problem_and_opens_each() {
    let sb = contract_support::start().await;
    {
        // A second promotion waiting long, and an install stuck for two hours.
        let mut world = sb.state.world.write().await;
        let now = world.now();
        let p = world.promotions.get_mut("pr-000002").expect("pr-000002");
        p.created_at = now - chrono::TimeDelta::days(2);
        let op = world.start_operation("digital-channels-dev", "docs-portal", "install");
        let rec = world
            .apps
            .get_mut("digital-channels-dev")
            .and_then(|a| a.get_mut("docs-portal"))
            .expect("docs-portal");
        assert_eq!(rec.app.status, AppStatus::Installing);
        rec.status_since = Some(now - chrono::TimeDelta::hours(2));
        rec.app.operation_id = Some(op);
    }
    let link = Target::parse_link("triage").unwrap();
    let mut c = Headless::sandbox(&sb.base_url, "admin", (120, 40), link);
    c.settle(LIMIT).await.unwrap();

    let screen = c.screen(&ui());
    for shown in [
        "etl-runner",
        "notification-bus",
        "run failed",
        "marketing-site",
        "docs-portal",
        "critical",
    ] {
        assert!(screen.contains(shown), "{shown} is on screen:\n{screen}");
    }
    {
        let Route::Triage(v) = c.state.top() else {
            panic!("not triage")
        };
        let items = v.items.value().unwrap();
        let waiting = items
            .iter()
            .filter(|i| i.kind == TriageKind::PromotionWaiting)
            .count();
        assert_eq!(waiting, 2, "both promotions wait more than a day");
        assert!(items.iter().any(|i| i.kind == TriageKind::OperationStuck));
        assert_eq!(items[0].severity, catalyst_tui::model::Severity::Critical);
    }

    assert_eq!(
        open(&mut c, TriageKind::ApplicationFailed, "etl-runner", "enter").await,
        "app analytics-dev etl-runner Overview"
    );
    let history = open(
        &mut c,
        TriageKind::ApplicationDegraded,
        "notification-bus",
        "H",
    )
    .await;
    assert!(
        history.ends_with(&format!("notification-bus {:?}", DetailTab::History)),
        "{history}"
    );
    assert_eq!(
        open(&mut c, TriageKind::OperationStuck, "docs-portal", "L").await,
        "logs"
    );
    assert_eq!(
        open(&mut c, TriageKind::PromotionWaiting, "marketing-site", "p").await,
        "promotion"
    );
    let run = {
        let Route::Triage(v) = c.state.top() else {
            panic!("not triage")
        };
        v.items
            .value()
            .unwrap()
            .iter()
            .find(|i| i.kind == TriageKind::ProvisioningFailed)
            .expect("the failed run")
            .target
            .clone()
    };
    assert_eq!(
        open(&mut c, TriageKind::ProvisioningFailed, &run, "d").await,
        "deployment"
    );
    assert_eq!(
        open(&mut c, TriageKind::ApplicationFailed, "etl-runner", "K").await,
        "kube"
    );

    // The filter narrows to one Organization.
    c.keys("/ 'analytics' enter").unwrap();
    c.settle(LIMIT).await.unwrap();
    let Route::Triage(v) = c.state.top() else {
        panic!("not triage")
    };
    let items = v.items.value().unwrap();
    assert!(
        v.shown()
            .iter()
            .all(|n| items[*n].org.as_deref() == Some("analytics"))
    );
    assert!(!v.shown().is_empty());
}
