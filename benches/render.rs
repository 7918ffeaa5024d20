//! Render budgets (QUALITY P3, P4) of the Environment view holding 10,000 Applications:
//! the time from state to a written frame (render, buffer diff, escape encoding), and the
//! bytes a frame writes when nothing changed, when one card changed status, and on a full
//! redraw. The bytes are printed once before the timings. Also the triage view holding
//! [`TRIAGE_ITEMS`] problems (issue 11's scale: 100,000 Applications across 1,000
//! Organizations), flat and grouped.
//!
//! Run: `cargo bench --bench render -- --warm-up-time 1 --measurement-time 3`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use catalyst_tui::app::frame::FrameWriter;
use catalyst_tui::effect::Effect;
use catalyst_tui::keymap::{Keymap, Preset};
use catalyst_tui::model::{
    AppKind, AppStatus, Application, BlueprintRef, Dependency, LastDeploy, LiveEvent, Me,
    Placement, PlacementMode, Pods,
};
use catalyst_tui::msg::{Data, Msg};
use catalyst_tui::state::{Input, Session, State, open_deep, update};
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::Target;
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

const ENV: &str = "digital-channels-stg";
const APPS: usize = 10_000;
/// Problems in the triage benchmarks: a fifth of 100,000 Applications broken.
const TRIAGE_ITEMS: usize = 20_000;

fn triage_item(i: usize) -> catalyst_tui::model::TriageItem {
    use catalyst_tui::model::{Severity, TriageKind};
    let kinds = [
        (TriageKind::ApplicationFailed, Severity::Critical),
        (TriageKind::ApplicationDegraded, Severity::Warning),
        (TriageKind::OperationStuck, Severity::Warning),
        (TriageKind::PromotionWaiting, Severity::Info),
        (TriageKind::AccessPending, Severity::Info),
    ];
    let (kind, severity) = kinds[i % kinds.len()];
    let org = format!("org-{:04}", i / 20);
    catalyst_tui::model::TriageItem {
        kind,
        severity,
        since: Utc
            .with_ymd_and_hms(2026, 11, 20, 8, 0, 0)
            .single()
            .unwrap_or_default()
            + chrono::Duration::seconds(i as i64),
        environment: Some(format!("{org}-{}", ["dev", "stg", "uat", "prod"][i % 4])),
        org: Some(org),
        target: format!("service-{i:05}"),
        why: "readiness probe failing: upstream refused connection".into(),
        application: Some(format!("service-{i:05}")),
        operation_id: None,
        deployment_id: None,
        promotion_id: None,
        access_request_id: None,
    }
}

/// A console of `w`×`h` on the triage view holding [`TRIAGE_ITEMS`] problems.
fn triage_loaded(w: u16, h: u16) -> State {
    let mut state = loaded_on(w, h, Target::Triage);
    let effects = open_deep(&mut state, Target::Triage);
    let Some(Effect::Fetch { request, .. }) = effects.last().cloned() else {
        return state;
    };
    let mut items: Vec<_> = (0..TRIAGE_ITEMS).map(triage_item).collect();
    items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let now = state.now;
    update(
        &mut state,
        Input::Msg(Msg::Fetched {
            request,
            result: Ok(Data::Triage(items)),
        }),
        now,
    );
    state
}

fn app(i: usize) -> Application {
    let statuses = [
        AppStatus::Running,
        AppStatus::Running,
        AppStatus::Running,
        AppStatus::Installing,
        AppStatus::Updating,
        AppStatus::Degraded,
        AppStatus::Failed,
        AppStatus::Paused,
        AppStatus::PendingApproval,
    ];
    let at = Utc
        .with_ymd_and_hms(2026, 11, 20, 8, 0, 0)
        .single()
        .unwrap_or_default();
    Application {
        name: format!("service-{i:05}"),
        environment: ENV.into(),
        org: "digital-channels".into(),
        kind: if i.is_multiple_of(50) {
            AppKind::BackingService
        } else {
            AppKind::Application
        },
        blueprint: BlueprintRef {
            name: format!(
                "bp-{}",
                ["microservice", "wordpress", "postgres", "redis"][i % 4]
            ),
            version: format!("2.{}.{}", i % 7, i % 3),
        },
        status: statuses[i % statuses.len()],
        status_detail: String::new(),
        endpoint: Some(format!(
            "https://service-{i:05}.stg.digital-channels.example"
        )),
        placement: Placement {
            mode: PlacementMode::SingleRegion,
            regions: vec!["fsn".into()],
        },
        pods: Pods::counted(2, 3),
        dependencies: vec![Dependency {
            name: "shared-postgres".into(),
            alias: None,
        }],
        used_by: Vec::new(),
        last_deploy: LastDeploy {
            at,
            actor: "layla".into(),
            version: "2.0.0".into(),
            commit: "08b048e".into(),
        },
        owner_team: "team-digital".into(),
        pending_promotion: None,
        progress: None,
        revision: 1,
        operation_id: None,
    }
}

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap_or_else(|| (Theme::empty("dark"), Vec::new()));
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

/// A console of `w`×`h` on an Environment with 10,000 Applications.
fn loaded(w: u16, h: u16) -> State {
    loaded_on(w, h, Target::Env(ENV.into()))
}

/// A console of `w`×`h` opened on `target` (an Environment: its 10,000 Applications
/// answered).
fn loaded_on(w: u16, h: u16, target: Target) -> State {
    let (keymap, _) = Keymap::preset(Preset::Default);
    let session = Session {
        sovereign: "bankdhofar".into(),
        sandbox: true,
        me: Some(Me {
            sub: "layla".into(),
            name: "Layla".into(),
            email: String::new(),
            roles: Vec::new(),
            teams: Vec::new(),
            support_agent: false,
        }),
        ..Session::default()
    };
    let now = Utc
        .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .unwrap_or_default();
    let mut state = State::new(keymap, session, (w, h), now);
    if target == Target::Triage {
        return state;
    }
    let effects = open_deep(&mut state, target);
    let Some(Effect::Fetch { request, .. }) = effects.last().cloned() else {
        return state;
    };
    let apps: Vec<Application> = (0..APPS).map(app).collect();
    update(
        &mut state,
        Input::Msg(Msg::Fetched {
            request,
            result: Ok(Data::Applications(apps)),
        }),
        now,
    );
    state
}

type Term = Terminal<CrosstermBackend<FrameWriter<std::io::Sink>>>;

/// A terminal with empty buffers: its first frame paints every cell (as after start-up or
/// a resume). (`Terminal::clear` would ask a real terminal for the cursor position.)
fn terminal(w: u16, h: u16) -> Term {
    let backend = CrosstermBackend::new(FrameWriter::new(std::io::sink()));
    Terminal::with_options(
        backend,
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, w, h)),
        },
    )
    .unwrap_or_else(|e| panic!("terminal: {e}"))
}

fn key(state: &mut State, c: char) {
    update(
        state,
        Input::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )),
        Utc::now(),
    );
}

fn special(state: &mut State, code: crossterm::event::KeyCode) {
    update(
        state,
        Input::Key(crossterm::event::KeyEvent::new(
            code,
            crossterm::event::KeyModifiers::NONE,
        )),
        Utc::now(),
    );
}

/// Draws one frame and returns the bytes it wrote.
fn frame(t: &mut Term, state: &State, ui: &Ui) -> usize {
    let _ = t.draw(|f| catalyst_tui::views::screen::render(f, state, ui));
    t.backend_mut().writer_mut().commit().unwrap_or(0)
}

fn report_bytes() {
    let ui = ui();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut state = loaded(w, h);
        // Ungrouped, so the card that changes status stays where it is on screen.
        key(&mut state, 'o');
        key(&mut state, 'o');
        let mut t = terminal(w, h);
        let full = frame(&mut t, &state, &ui);
        let unchanged = frame(&mut t, &state, &ui);
        // The first card changes status, as a live event does it (service-00000 is a
        // backing service, listed after the applications).
        let mut changed = app(1);
        changed.status = AppStatus::Degraded;
        changed.revision = 2;
        let now = state.now;
        update(
            &mut state,
            Input::Msg(Msg::Live(catalyst_tui::api::follow::LiveMsg::Event {
                id: Some(1),
                event: LiveEvent::ApplicationUpdated(Box::new(changed)),
            })),
            now,
        );
        let one_card = frame(&mut t, &state, &ui);
        special(&mut state, crossterm::event::KeyCode::PageDown);
        let page = frame(&mut t, &state, &ui);
        println!(
            "P4 {w}x{h}: full redraw {full} B, unchanged state drawn anyway {unchanged} B, \
             one card changed status {one_card} B, page down {page} B"
        );
    }
}

fn bench(c: &mut Criterion) {
    report_bytes();
    let ui = ui();
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let state = loaded(w, h);
        c.bench_function(&format!("P3 10k apps, grid {w}x{h}, full redraw"), |b| {
            b.iter(|| {
                let mut t = terminal(w, h);
                black_box(frame(&mut t, &state, &ui))
            })
        });
    }
    for (w, h) in [(80, 24), (120, 40)] {
        let mut state = loaded(w, h);
        let mut t = terminal(w, h);
        let mut down = true;
        c.bench_function(
            &format!("P3 10k apps, grid {w}x{h}, page down/up + frame"),
            |b| {
                b.iter(|| {
                    let code = if down {
                        crossterm::event::KeyCode::PageDown
                    } else {
                        crossterm::event::KeyCode::PageUp
                    };
                    down = !down;
                    special(&mut state, code);
                    black_box(frame(&mut t, &state, &ui))
                })
            },
        );
    }
    let mut state = loaded(120, 40);
    key(&mut state, 'v');
    c.bench_function("P3 10k apps, list 120x40, full redraw", |b| {
        b.iter(|| {
            let mut t = terminal(120, 40);
            black_box(frame(&mut t, &state, &ui))
        })
    });
    let mut state = loaded(120, 40);
    let mut t = terminal(120, 40);
    let mut down = true;
    c.bench_function("P3 10k apps, grid 120x40, key j/k + frame", |b| {
        b.iter(|| {
            key(&mut state, if down { 'j' } else { 'k' });
            down = !down;
            black_box(frame(&mut t, &state, &ui))
        })
    });
}

fn bench_triage(c: &mut Criterion) {
    let ui = ui();
    for (w, h) in [(80, 24), (120, 40)] {
        let state = triage_loaded(w, h);
        c.bench_function(
            &format!("P3 triage 20k problems {w}x{h}, full redraw"),
            |b| {
                b.iter(|| {
                    let mut t = terminal(w, h);
                    black_box(frame(&mut t, &state, &ui))
                })
            },
        );
    }
    let mut state = triage_loaded(80, 24);
    key(&mut state, 'o');
    c.bench_function("P3 triage 20k problems 80x24, grouped, full redraw", |b| {
        b.iter(|| {
            let mut t = terminal(80, 24);
            black_box(frame(&mut t, &state, &ui))
        })
    });
    let mut state = triage_loaded(80, 24);
    let mut t = terminal(80, 24);
    let mut down = true;
    c.bench_function("P3 triage 20k problems 80x24, key j/k + frame", |b| {
        b.iter(|| {
            key(&mut state, if down { 'j' } else { 'k' });
            down = !down;
            black_box(frame(&mut t, &state, &ui))
        })
    });
}

criterion_group!(benches, bench, bench_triage);
criterion_main!(benches);
