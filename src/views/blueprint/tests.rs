//! Update tests and render snapshots of the Blueprint usage view.

use super::*;
use crate::model::AppStatus;
use crate::views::Route;
use crate::views::testing;

fn usage() -> BlueprintUsage {
    let u = |env: &str, app: &str, version: &str, status| BlueprintUse {
        environment: env.into(),
        application: app.into(),
        version: version.into(),
        status,
    };
    BlueprintUsage {
        org: "digital-channels".into(),
        blueprint: "bp-wordpress".into(),
        latest_version: "1.3.0".into(),
        usages: vec![
            u(
                "digital-channels-prod",
                "marketing-site",
                "1.2.0",
                AppStatus::Running,
            ),
            u(
                "digital-channels-stg",
                "marketing-site",
                "1.3.0",
                AppStatus::Running,
            ),
            u(
                "digital-channels-dev",
                "partner-blog",
                "1.3.0",
                AppStatus::Degraded,
            ),
            u(
                "digital-channels-dev",
                "marketing-site",
                "1.3.0",
                AppStatus::Updating,
            ),
            u(
                "digital-channels-uat",
                "marketing-site",
                "1.2.0",
                AppStatus::PendingApproval,
            ),
        ],
    }
}

fn view() -> BlueprintView {
    let mut v = BlueprintView::new("digital-channels", "bp-wordpress");
    v.usage = Load::Ready(usage());
    v
}

fn cx(next: &mut u64) -> Cx<'_> {
    Cx {
        now: testing::now(),
        next_request: next,
        body: (80, 21),
        log_lines: crate::views::logs::DEFAULT_CAPACITY,
    }
}

fn names(v: &BlueprintView) -> Vec<String> {
    v.visible()
        .iter()
        .map(|u| format!("{}/{}", u.environment, u.application))
        .collect()
}

#[test]
fn versions_compare_by_number() {
    assert!(is_behind("1.2.0", "1.3.0"));
    assert!(is_behind("2.9.1", "2.10.0"));
    assert!(!is_behind("2.10.0", "2.9.1"));
    assert!(!is_behind("1.3", "1.3.0"));
    assert!(!is_behind("v1.3.0", "1.3.0"));
    assert!(is_behind("1.3.0-rc1", "1.3.0"), "unreadable and different");
    assert!(!is_behind("nightly", "nightly"));
}

#[test]
fn rows_go_from_dev_to_prod_then_by_name() {
    assert_eq!(
        names(&view()),
        [
            "digital-channels-dev/marketing-site",
            "digital-channels-dev/partner-blog",
            "digital-channels-stg/marketing-site",
            "digital-channels-uat/marketing-site",
            "digital-channels-prod/marketing-site",
        ]
    );
}

#[test]
fn enter_opens_the_selected_copy_in_the_sorted_filtered_list() {
    let mut v = view();
    let mut next = 0;
    v.filter.text = "1.2".into();
    v.filter_changed(&mut cx(&mut next));
    assert_eq!(v.visible().len(), 2);
    assert_eq!(
        v.on_action(Action::Bottom, &mut cx(&mut next)),
        Outcome::Done(vec![])
    );
    assert_eq!(
        v.on_action(Action::Open, &mut cx(&mut next)),
        Outcome::Open(Target::App {
            env: "digital-channels-prod".into(),
            app: "marketing-site".into()
        })
    );
    v.on_action(Action::Top, &mut cx(&mut next));
    assert_eq!(v.list.selected, 0);
}

#[test]
fn live_events_add_move_and_remove_copies() {
    use crate::model::ApplicationRemoved;
    let mut v = view();
    let mut next = 0;
    let mut app = crate::views::app::fixtures::application();
    app.environment = "digital-channels-stg".into();
    app.name = "careers".into();
    app.blueprint.name = "bp-wordpress".into();
    app.blueprint.version = "1.1.0".into();
    v.on_live(
        &LiveEvent::ApplicationUpdated(Box::new(app.clone())),
        &mut cx(&mut next),
    );
    assert!(names(&v).contains(&"digital-channels-stg/careers".to_string()));
    app.blueprint.name = "bp-microservice".into();
    v.on_live(
        &LiveEvent::ApplicationUpdated(Box::new(app)),
        &mut cx(&mut next),
    );
    assert!(!names(&v).contains(&"digital-channels-stg/careers".to_string()));
    v.list.selected = 4;
    v.on_live(
        &LiveEvent::ApplicationRemoved(ApplicationRemoved {
            environment: "digital-channels-prod".into(),
            name: "marketing-site".into(),
        }),
        &mut cx(&mut next),
    );
    assert_eq!(v.visible().len(), 4);
    assert_eq!(v.list.selected, 3, "the selection stays on the list");
}

fn screen(v: BlueprintView, w: u16, h: u16, ascii: bool) -> String {
    let mut s = testing::state(w, h);
    s.routes.push(Route::Blueprint(v));
    testing::screen(&s, ascii)
}

#[test]
fn snapshot_populated() {
    insta::assert_snapshot!("blueprint_80x24", screen(view(), 80, 24, false));
    insta::assert_snapshot!("blueprint_120x40", screen(view(), 120, 40, false));
}

#[test]
fn snapshot_empty() {
    let mut v = view();
    if let Some(u) = v.usage.value_mut() {
        u.usages.clear();
    }
    insta::assert_snapshot!("blueprint_empty_80x24", screen(v, 80, 24, false));
}

#[test]
fn snapshot_filtered_to_nothing() {
    let mut v = view();
    v.filter.text = "careers".into();
    insta::assert_snapshot!("blueprint_no_match_80x24", screen(v, 80, 24, false));
}
