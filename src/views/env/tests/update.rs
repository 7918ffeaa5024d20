//! Pure update behaviour: moves, grouping, layout, filter, refresh and live events.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::layout::{Band, Geometry, Grouping, Mode, SectionKind, derive};
use super::super::nav::{Move, step};
use super::super::*;
use super::*;

// ---- arrangement ----

#[test]
fn groups_by_status_worst_first_with_services_last() {
    let state = showing(80, 24, fixture());
    assert_eq!(
        names(&state),
        [
            "card-gateway",
            "notifications",
            "fraud-scoring",
            "analytics-api",
            "customer-portal",
            "marketing-site",
            "payment-rail",
            "kafka-cluster",
            "shared-postgres",
            "shared-redis",
        ]
    );
    let kinds: Vec<_> = view(&state)
        .derived
        .sections
        .iter()
        .map(|s| (s.kind.clone(), s.len))
        .collect();
    assert_eq!(
        kinds,
        [
            (SectionKind::Status(AppStatus::Degraded), 1),
            (SectionKind::Status(AppStatus::PendingApproval), 1),
            (SectionKind::Status(AppStatus::Installing), 1),
            (SectionKind::Status(AppStatus::Updating), 1),
            (SectionKind::Status(AppStatus::Running), 3),
            (SectionKind::Services, 3),
        ]
    );
    let c = view(&state).derived.counts;
    let running = super::super::layout::status_rank(AppStatus::Running);
    assert_eq!((c.apps, c.services, c.by_status[running]), (7, 3, 3));
}

#[test]
fn unknown_statuses_come_after_every_problem_and_before_what_runs() {
    let mut apps = fixture();
    apps[0].status = AppStatus::Unknown;
    apps[1].status = AppStatus::Failed;
    apps[2].status = AppStatus::Paused;
    apps[3].status = AppStatus::Running;
    let d = derive(&apps, &Filter::default(), Grouping::Status);
    let kinds: Vec<_> = d.sections.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            SectionKind::Status(AppStatus::Failed),
            SectionKind::Status(AppStatus::Degraded),
            SectionKind::Status(AppStatus::PendingApproval),
            SectionKind::Status(AppStatus::Updating),
            SectionKind::Status(AppStatus::Paused),
            SectionKind::Status(AppStatus::Unknown),
            SectionKind::Status(AppStatus::Running),
            SectionKind::Services,
        ]
    );
}

// ---- moves ----

#[test]
fn moves_by_columns_and_rows_across_groups() {
    // 80 columns: two cards a row. Running holds three (two rows), then one card groups.
    let mut state = showing(80, 24, nav_fixture());
    assert_eq!(selected(&state), "customer-portal");
    press(&mut state, key('l'));
    assert_eq!(selected(&state), "marketing-site");
    press(&mut state, key('l'));
    assert_eq!(
        selected(&state),
        "payment-rail",
        "right wraps to the next row"
    );
    press(&mut state, key('h'));
    assert_eq!(selected(&state), "marketing-site");
    press(&mut state, key('j'));
    assert_eq!(
        selected(&state),
        "payment-rail",
        "down from the right column of a full row lands on the short row's last card"
    );
    press(&mut state, key('j'));
    assert_eq!(
        selected(&state),
        "fraud-scoring",
        "down crosses into the next group"
    );
    press(&mut state, key('k'));
    assert_eq!(selected(&state), "payment-rail");
    press(&mut state, key('k'));
    assert_eq!(selected(&state), "customer-portal");
    press(&mut state, key('k'));
    assert_eq!(selected(&state), "customer-portal", "up stops at the top");
    press(&mut state, code(KeyCode::End));
    assert_eq!(selected(&state), "shared-redis");
    press(&mut state, key('k'));
    assert_eq!(
        selected(&state),
        "kafka-cluster",
        "up keeps the column where it can"
    );
    press(&mut state, code(KeyCode::Home));
    assert_eq!(selected(&state), "customer-portal");
    press(&mut state, code(KeyCode::PageDown));
    assert_ne!(selected(&state), "customer-portal");
    press(&mut state, code(KeyCode::PageUp));
    assert_eq!(selected(&state), "customer-portal");
}

#[test]
fn up_from_a_group_lands_on_the_nearest_card_of_the_last_row_above() {
    let mut apps = nav_fixture();
    for a in apps.iter_mut().take(3) {
        a.status = AppStatus::Failed;
    }
    // 120 columns: three a row; put the Degraded card under the middle column.
    let d = derive(&apps, &Filter::default(), Grouping::Status);
    let pos = |name: &str| d.order.iter().position(|&i| apps[i].name == name).unwrap();
    let geo = Geometry::new(Mode::Grid, 120);
    assert_eq!(geo.cols, 3);
    assert_eq!(
        step(&d, 3, pos("marketing-site"), Move::Down, 1),
        pos("fraud-scoring")
    );
    assert_eq!(
        step(&d, 3, pos("fraud-scoring"), Move::Up, 1),
        pos("customer-portal")
    );
    assert_eq!(
        step(&d, 3, pos("shared-redis"), Move::Up, 1),
        pos("notifications")
    );
    assert_eq!(
        step(&d, 3, pos("shared-redis"), Move::Down, 1),
        pos("shared-redis")
    );
}

#[test]
fn list_layout_moves_one_row_and_right_opens() {
    let mut state = showing(80, 24, nav_fixture());
    press(&mut state, key('v'));
    assert_eq!(view(&state).mode, Mode::List);
    press(&mut state, key('j'));
    press(&mut state, key('j'));
    assert_eq!(selected(&state), "payment-rail");
    press(&mut state, key('l'));
    assert_eq!(
        state.top().view().title(),
        "digital-channels › digital-channels-stg › payment-rail"
    );
}

#[test]
fn enter_opens_the_application_and_b_its_blueprint() {
    let mut next_request = 0;
    let mut cx = Cx {
        now: testing::now(),
        next_request: &mut next_request,
        body: (80, 21),
        log_lines: crate::views::logs::DEFAULT_CAPACITY,
    };
    let mut v = EnvView::new(ENV);
    v.apps = Load::Ready(nav_fixture());
    v.rederive(Fallback::Clamp);
    assert_eq!(
        v.on_action(Action::Open, &mut cx),
        Outcome::Open(Target::App {
            env: ENV.into(),
            app: "customer-portal".into()
        })
    );
    v.on_action(Action::MoveRight, &mut cx);
    assert_eq!(
        v.on_action(Action::BlueprintUsage, &mut cx),
        Outcome::Open(Target::Blueprint {
            org: "digital-channels".into(),
            blueprint: "bp-wordpress".into()
        })
    );
}

#[test]
fn back_from_an_application_returns_to_the_same_card() {
    let mut state = showing(80, 24, fixture());
    press(&mut state, key('/'));
    press(&mut state, key('s'));
    press(&mut state, code(KeyCode::Enter));
    press(&mut state, key('o'));
    press(&mut state, code(KeyCode::End));
    let (chosen, scroll) = (selected(&state), view(&state).scroll);
    press(&mut state, code(KeyCode::Enter));
    assert!(matches!(state.top(), Route::App(_)));
    press(&mut state, code(KeyCode::Esc));
    let v = view(&state);
    assert_eq!(selected(&state), chosen);
    assert_eq!(
        (v.scroll, v.grouping, v.filter.text.as_str()),
        (scroll, Grouping::Blueprint, "s")
    );
    press(&mut state, key('b'));
    assert!(matches!(state.top(), Route::Blueprint(_)));
}

#[test]
fn the_selection_survives_a_failed_refresh_and_an_empty_filter() {
    let mut state = showing(80, 24, nav_fixture());
    press(&mut state, key('l'));
    press(&mut state, key('/'));
    press(&mut state, key('q'));
    assert!(names(&state).is_empty());
    press(&mut state, code(KeyCode::Esc));
    assert_eq!(selected(&state), "marketing-site");
    let effects = press(
        &mut state,
        Input::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    answer(
        &mut state,
        fetch_id(&effects),
        Err(ApiError::Server {
            status: 503,
            code: None,
            detail: "unavailable".into(),
            retry_after: None,
            request_id: None,
        }),
    );
    let effects = press(
        &mut state,
        Input::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    answer(
        &mut state,
        fetch_id(&effects),
        Ok(Data::Applications(nav_fixture())),
    );
    assert_eq!(selected(&state), "marketing-site");
}

#[test]
fn selection_scrolls_into_view() {
    let mut state = showing(80, 24, fixture());
    assert_eq!(view(&state).scroll, 0);
    press(&mut state, code(KeyCode::End));
    let v = view(&state);
    let (geo, height) = v.viewport(state.body());
    let target = v.derived.band_of(geo.cols, v.selected);
    assert!(v.scroll <= target);
    let shown: u16 = v
        .derived
        .bands_from(geo.cols, v.scroll)
        .take(target - v.scroll + 1)
        .map(|b| b.height(geo))
        .sum();
    assert!(shown <= height, "the selected card is whole on screen");
    press(&mut state, code(KeyCode::Home));
    assert_eq!(view(&state).scroll, 0);
}

#[test]
fn scrolling_up_shows_the_group_header_with_its_first_row() {
    let mut state = showing(80, 24, nav_fixture());
    press(&mut state, code(KeyCode::End));
    // Up to the Installing card: its header comes along.
    for _ in 0..5 {
        press(&mut state, key('k'));
    }
    assert_eq!(selected(&state), "fraud-scoring");
    let v = view(&state);
    let geo = Geometry::new(Mode::Grid, 80);
    assert_eq!(
        v.derived.band(geo.cols, v.scroll),
        Some(Band::Header(1)),
        "the Installing header is the top band"
    );
}

// ---- grouping, layout, filter ----

#[test]
fn grouping_cycles_and_keeps_the_selection() {
    let mut state = showing(80, 24, nav_fixture());
    press(&mut state, code(KeyCode::End));
    press(&mut state, key('k'));
    press(&mut state, key('k'));
    let chosen = selected(&state);
    assert_eq!(chosen, "notifications");
    press(&mut state, key('o'));
    assert_eq!(view(&state).grouping, Grouping::Blueprint);
    assert_eq!(selected(&state), chosen);
    let first = view(&state).derived.sections[0].kind.clone();
    assert_eq!(first, SectionKind::Blueprint("bp-bd-card-gateway".into()));
    press(&mut state, key('o'));
    assert_eq!(view(&state).grouping, Grouping::None);
    assert_eq!(selected(&state), chosen);
    assert_eq!(view(&state).derived.sections.len(), 2, "all, then services");
    press(&mut state, key('o'));
    assert_eq!(view(&state).grouping, Grouping::Status);
    assert_eq!(selected(&state), chosen);
    press(&mut state, key('v'));
    assert_eq!(selected(&state), chosen, "the layout toggle keeps it too");
}

#[test]
fn filter_matches_name_blueprint_status_and_endpoint() {
    let mut state = showing(80, 24, fixture());
    let type_in = |state: &mut State, text: &str| {
        press(state, key('/'));
        for c in text.chars() {
            press(state, key(c));
        }
        press(state, code(KeyCode::Enter));
    };
    type_in(&mut state, "pay");
    assert_eq!(names(&state), ["payment-rail"]);
    assert_eq!(selected(&state), "payment-rail");
    press(&mut state, code(KeyCode::Esc));
    type_in(&mut state, "bp-microservice");
    assert_eq!(
        names(&state),
        ["notifications", "fraud-scoring", "analytics-api"]
    );
    press(&mut state, code(KeyCode::Esc));
    type_in(&mut state, "pending");
    assert_eq!(names(&state), ["notifications"]);
    press(&mut state, code(KeyCode::Esc));
    type_in(&mut state, "portal.stg");
    assert_eq!(names(&state), ["customer-portal"]);
    press(&mut state, code(KeyCode::Esc));
    assert_eq!(names(&state).len(), 10, "Esc clears the filter");
    assert_eq!(
        selected(&state),
        "customer-portal",
        "and the selection stays put"
    );
}

#[test]
fn a_refresh_keeps_selection_filter_grouping_and_layout() {
    let mut state = showing(80, 24, fixture());
    press(&mut state, key('o'));
    press(&mut state, key('v'));
    press(&mut state, key('j'));
    let chosen = selected(&state);
    let effects = press(
        &mut state,
        Input::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    let request = fetch_id(&effects);
    assert_eq!(selected(&state), chosen, "shown while the refresh runs");
    answer(&mut state, request, Ok(Data::Applications(fixture())));
    let v = view(&state);
    assert_eq!((v.grouping, v.mode), (Grouping::Blueprint, Mode::List));
    assert_eq!(selected(&state), chosen);
}

// ---- live ----

#[test]
fn a_live_update_resorts_and_keeps_the_selection() {
    let mut state = showing(80, 24, nav_fixture());
    press(&mut state, key('l'));
    press(&mut state, key('l'));
    assert_eq!(selected(&state), "payment-rail");
    let mut moved = nav_fixture()[0].clone();
    moved.status = AppStatus::Installing;
    live(&mut state, LiveEvent::ApplicationUpdated(Box::new(moved)));
    assert_eq!(selected(&state), "payment-rail");
    assert_eq!(
        names(&state)[..5],
        [
            "customer-portal",
            "marketing-site",
            "fraud-scoring",
            "analytics-api",
            "card-gateway"
        ]
    );
    assert_eq!(names(&state)[5], "payment-rail", "now among the Installing");
    // Another Environment's events are not ours.
    let mut other = nav_fixture()[1].clone();
    other.environment = "digital-channels-dev".into();
    other.status = AppStatus::Paused;
    live(&mut state, LiveEvent::ApplicationUpdated(Box::new(other)));
    let paused = super::super::layout::status_rank(AppStatus::Paused);
    assert_eq!(view(&state).derived.counts.by_status[paused], 0);
    // A new Application appears in its group.
    let mut new = nav_fixture()[1].clone();
    new.name = "loyalty".into();
    live(&mut state, LiveEvent::ApplicationUpdated(Box::new(new)));
    assert_eq!(names(&state)[1], "loyalty");
    assert_eq!(selected(&state), "payment-rail");
}

#[test]
fn progress_is_applied_and_kept_through_a_status_update() {
    let mut state = showing(80, 24, fixture());
    live(
        &mut state,
        LiveEvent::OperationProgress(OperationProgress {
            operation_id: "op-1".into(),
            application: "analytics-api".into(),
            environment: ENV.into(),
            percent: 70,
            step: "rolling out".into(),
            message: String::new(),
        }),
    );
    let find = |state: &State, name: &str| {
        view(state)
            .shown()
            .find(|a| a.name == name)
            .cloned()
            .unwrap()
    };
    let a = find(&state, "analytics-api");
    assert_eq!(a.status, AppStatus::Updating, "status kept");
    assert_eq!(a.progress.as_ref().map(|p| p.percent), Some(70));
    // A status update without progress keeps the bar while still moving.
    let mut update = a.clone();
    update.progress = None;
    update.revision += 1;
    live(
        &mut state,
        LiveEvent::ApplicationUpdated(Box::new(update.clone())),
    );
    assert_eq!(
        find(&state, "analytics-api").progress.map(|p| p.percent),
        Some(70)
    );
    update.status = AppStatus::Running;
    live(&mut state, LiveEvent::ApplicationUpdated(Box::new(update)));
    assert_eq!(find(&state, "analytics-api").progress, None, "done: no bar");
    // Progress for another Environment is not ours.
    live(
        &mut state,
        LiveEvent::OperationProgress(OperationProgress {
            operation_id: "op-2".into(),
            application: "fraud-scoring".into(),
            environment: "digital-channels-dev".into(),
            percent: 99,
            step: "x".into(),
            message: String::new(),
        }),
    );
    assert_eq!(
        find(&state, "fraud-scoring").progress.map(|p| p.percent),
        Some(45)
    );
}

#[test]
fn a_removed_application_clamps_the_selection() {
    let mut state = showing(80, 24, nav_fixture());
    press(&mut state, code(KeyCode::End));
    assert_eq!(selected(&state), "shared-redis");
    live(
        &mut state,
        LiveEvent::ApplicationRemoved(ApplicationRemoved {
            environment: ENV.into(),
            name: "shared-redis".into(),
        }),
    );
    assert_eq!(selected(&state), "shared-postgres");
    assert_eq!(names(&state).len(), 9);
    press(&mut state, code(KeyCode::Home));
    live(
        &mut state,
        LiveEvent::ApplicationRemoved(ApplicationRemoved {
            environment: ENV.into(),
            name: "customer-portal".into(),
        }),
    );
    assert_eq!(
        selected(&state),
        "marketing-site",
        "the next one takes its place"
    );
}

/// The request form through the real keymap: the duration and level chosen reach the
/// `POST`; a refusal is said and the form opens again as it was left.
#[test]
fn the_request_form_sends_the_chosen_duration_and_level() {
    let mut state = showing(80, 24, fixture());
    press(&mut state, key('A'));
    for c in "INC-4711".chars() {
        press(&mut state, key(c));
    }
    // 30 → 60 → 120 min; view → debug.
    press(&mut state, code(KeyCode::Tab));
    press(&mut state, code(KeyCode::Right));
    press(&mut state, code(KeyCode::Right));
    press(&mut state, code(KeyCode::Tab));
    press(&mut state, code(KeyCode::Left));
    let effects = press(
        &mut state,
        Input::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert!(state.overlays.is_empty());
    let request = fetch_id(&effects);
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            query: Query::RequestAccess {
                env,
                reason,
                minutes: 120,
                access: crate::model::AccessLevel::Debug,
            },
            ..
        } if env == ENV && reason == "INC-4711"
    )));
    let refused = ApiError::Invalid {
        code: "invalid".into(),
        detail: format!("{ENV} grants between 1 and 60 minutes"),
        fields: vec![crate::model::FieldError {
            path: "duration_minutes".into(),
            message: format!("{ENV} grants between 1 and 60 minutes"),
        }],
        request_id: None,
    };
    answer(&mut state, request, Err(refused));
    let said = state.notice.clone().map(|n| n.text).unwrap_or_default();
    assert!(said.contains("grants between 1 and 60 minutes"), "{said}");
    assert!(said.contains("shorter duration"), "{said}");
    press(&mut state, key('A'));
    let Some(crate::views::overlays::Overlay::Compose(c)) = state.overlays.last() else {
        panic!("no form: {:?}", state.overlays)
    };
    assert_eq!(c.text(), "INC-4711");
    assert_eq!(c.chosen(), vec![3, 1]);
}
