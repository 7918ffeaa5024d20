//! Tests of the Environment view: realistic fixtures of `digital-channels-stg` and the
//! helpers that drive the console through the real update.
//!
//! - `update`: moves in the grid, grouping and layout keeping the selection, live
//!   updates, the filter.
//! - `screens`: snapshots of the screen in every state.

mod screens;
mod update;

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::ApiError;
use crate::effect::Effect;
use crate::model::{
    AppKind, AppStatus, ApplicationRemoved, BlueprintRef, Dependency, LastDeploy,
    OperationProgress, Placement, PlacementMode, Pods,
};
use crate::msg::Msg;
use crate::state::{Input, State, open_deep, update};
use crate::views::testing;
use crate::views::{Route, Target};

pub(super) const ENV: &str = "digital-channels-stg";

pub(super) struct Spec {
    name: &'static str,
    bp: &'static str,
    version: &'static str,
    status: AppStatus,
    endpoint: Option<&'static str>,
    pods: (u32, u32),
    deps: &'static [&'static str],
    ago_hours: i64,
    actor: &'static str,
}

pub(super) fn app(s: Spec) -> Application {
    Application {
        name: s.name.into(),
        environment: ENV.into(),
        org: "digital-channels".into(),
        kind: AppKind::Application,
        blueprint: BlueprintRef {
            name: s.bp.into(),
            version: s.version.into(),
        },
        status: s.status,
        status_detail: String::new(),
        endpoint: s.endpoint.map(str::to_string),
        placement: Placement {
            mode: PlacementMode::SingleRegion,
            regions: vec!["fsn".into()],
        },
        pods: Pods {
            ready: s.pods.0,
            total: s.pods.1,
            counted: true,
        },
        dependencies: s
            .deps
            .iter()
            .map(|d| Dependency {
                name: (*d).into(),
                alias: None,
            })
            .collect(),
        used_by: Vec::new(),
        last_deploy: LastDeploy {
            at: testing::now() - Duration::hours(s.ago_hours),
            actor: s.actor.into(),
            version: s.version.into(),
            commit: "4f2c9e1".into(),
        },
        owner_team: "team-digital".into(),
        pending_promotion: None,
        progress: None,
        revision: 7,
        operation_id: None,
    }
}

pub(super) fn service(
    name: &'static str,
    bp: &'static str,
    version: &'static str,
    used_by: &[&str],
) -> Application {
    let mut a = app(Spec {
        name,
        bp,
        version,
        status: AppStatus::Running,
        endpoint: None,
        pods: (3, 3),
        deps: &[],
        ago_hours: 40 * 24,
        actor: "salim",
    });
    a.kind = AppKind::BackingService;
    a.owner_team = "team-platform".into();
    a.used_by = used_by.iter().map(|u| (*u).to_string()).collect();
    a
}

/// `digital-channels-stg` as the sandbox seeds it, with one install under way, one
/// update, one degraded and one waiting for approval.
/// [`fixture`] with its statuses moved so that the worst-first groups hold the same
/// cards in the same order as the fixture's groups: three cards, then four groups of one
/// (the geometry the movement tests walk).
pub(super) fn nav_fixture() -> Vec<Application> {
    let mut apps = fixture();
    for a in &mut apps {
        a.status = match a.status {
            AppStatus::Running => AppStatus::Failed,
            AppStatus::Installing => AppStatus::Degraded,
            AppStatus::Updating => AppStatus::PendingApproval,
            AppStatus::Degraded => AppStatus::Installing,
            AppStatus::PendingApproval => AppStatus::Updating,
            other => other,
        };
    }
    apps
}

pub(super) fn fixture() -> Vec<Application> {
    let mut v = vec![
        app(Spec {
            name: "payment-rail",
            bp: "bp-bd-payment-rail",
            version: "2.4.1",
            status: AppStatus::Running,
            endpoint: Some("https://pay.stg.bankdhofar.local"),
            pods: (3, 3),
            deps: &["shared-postgres", "shared-redis"],
            ago_hours: 72,
            actor: "layla",
        }),
        app(Spec {
            name: "customer-portal",
            bp: "bp-bd-customer-portal",
            version: "1.8.0",
            status: AppStatus::Running,
            endpoint: Some("https://portal.stg.bankdhofar.local"),
            pods: (2, 2),
            deps: &["shared-postgres"],
            ago_hours: 26,
            actor: "omar",
        }),
        app(Spec {
            name: "marketing-site",
            bp: "bp-wordpress",
            version: "1.3.0",
            status: AppStatus::Running,
            endpoint: Some("https://stg.www.bankdhofar.local"),
            pods: (2, 2),
            deps: &["shared-postgres"],
            ago_hours: 5 * 24,
            actor: "layla",
        }),
        app(Spec {
            name: "fraud-scoring",
            bp: "bp-microservice",
            version: "0.9.0",
            status: AppStatus::Installing,
            endpoint: None,
            pods: (0, 2),
            deps: &["kafka-cluster", "shared-redis"],
            ago_hours: 0,
            actor: "layla",
        }),
        app(Spec {
            name: "analytics-api",
            bp: "bp-microservice",
            version: "2.3.0",
            status: AppStatus::Updating,
            endpoint: Some("https://analytics.stg.bankdhofar.local"),
            pods: (2, 2),
            deps: &["shared-postgres", "kafka-cluster"],
            ago_hours: 1,
            actor: "salim",
        }),
        app(Spec {
            name: "card-gateway",
            bp: "bp-bd-card-gateway",
            version: "3.1.0",
            status: AppStatus::Degraded,
            endpoint: Some("https://cards.stg.bankdhofar.local"),
            pods: (2, 3),
            deps: &["shared-redis"],
            ago_hours: 2,
            actor: "salim",
        }),
        app(Spec {
            name: "notifications",
            bp: "bp-microservice",
            version: "2.2.0",
            status: AppStatus::PendingApproval,
            endpoint: None,
            pods: (2, 2),
            deps: &["kafka-cluster", "shared-redis"],
            ago_hours: 9 * 24,
            actor: "omar",
        }),
        service(
            "shared-postgres",
            "bp-postgres",
            "16.4.0",
            &["payment-rail", "customer-portal", "marketing-site"],
        ),
        service(
            "shared-redis",
            "bp-redis",
            "7.4.0",
            &["payment-rail", "card-gateway"],
        ),
        service("kafka-cluster", "bp-kafka", "3.7.0", &["analytics-api"]),
    ];
    v[3].progress = Some(Progress {
        percent: 45,
        step: "helm install: waiting for pods".into(),
    });
    v[4].status_detail = "Rolling out 2.3.0 to 2 pods".into();
    v[5].status_detail = "2/3 pods ready, restart pending".into();
    v[6].status_detail = "Promotion to 2.3.0 awaiting review (pr-000002)".into();
    v
}

pub(super) fn key(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub(super) fn code(c: KeyCode) -> Input {
    Input::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub(super) fn press(state: &mut State, input: Input) -> Vec<Effect> {
    let now = state.now;
    update(state, input, now)
}

pub(super) fn view(state: &State) -> &EnvView {
    match state.routes.last() {
        Some(Route::Env(v)) => v,
        other => panic!("not on the Environment view: {other:?}"),
    }
}

pub(super) fn fetch_id(effects: &[Effect]) -> RequestId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Fetch { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a fetch")
}

/// A `w`×`h` console on the Environment view, its list still loading.
pub(super) fn opened(w: u16, h: u16) -> (State, RequestId) {
    let mut state = testing::state(w, h);
    let effects = open_deep(&mut state, Target::Env(ENV.into()));
    // A deep link loads every level; the Environment's own fetch comes last.
    let last = effects
        .iter()
        .rev()
        .find(|e| matches!(e, Effect::Fetch { .. }))
        .cloned()
        .into_iter()
        .collect::<Vec<_>>();
    (state, fetch_id(&last))
}

pub(super) fn answer(state: &mut State, request: RequestId, result: Result<Data, ApiError>) {
    press(state, Input::Msg(Msg::Fetched { request, result }));
}

/// A `w`×`h` console showing `apps`.
pub(super) fn showing(w: u16, h: u16, apps: Vec<Application>) -> State {
    let (mut state, request) = opened(w, h);
    answer(&mut state, request, Ok(Data::Applications(apps)));
    state
}

pub(super) fn live(state: &mut State, event: LiveEvent) {
    press(
        state,
        Input::Msg(Msg::Live(crate::api::follow::LiveMsg::Event {
            id: None,
            event,
        })),
    );
}

pub(super) fn selected(state: &State) -> String {
    view(state)
        .selected_app()
        .map(|a| a.name.clone())
        .unwrap_or_default()
}

pub(super) fn names(state: &State) -> Vec<String> {
    view(state).shown().map(|a| a.name.clone()).collect()
}
