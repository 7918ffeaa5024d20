//! Log view budgets (QUALITY P5, P8): a stream of 50,000 lines/s arriving in batches of
//! 5,000 (every 100 ms), a 120×40 frame drawn after each batch (render, buffer diff,
//! escape encoding); the same with the 100,000-line buffer full (every line pushed drops
//! one), with a level filter and a search counting along; a search jump over the full
//! buffer (a key, P2). Printed once before the timings: the bytes a full buffer holds
//! (sum of capacities) and the bytes a frame writes while following.
//!
//! Run: `cargo bench --bench logs -- --warm-up-time 1 --measurement-time 3`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use catalyst_tui::app::frame::FrameWriter;
use catalyst_tui::keymap::{Keymap, Preset};
use catalyst_tui::model::Me;
use catalyst_tui::state::{Input, Session, State, update};
use catalyst_tui::theme::{Glyphs, Theme};
use catalyst_tui::ui::Ui;
use catalyst_tui::views::Route;
use catalyst_tui::views::logs::{DEFAULT_CAPACITY, Level, LogView, NewLine};
use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

const BATCH: usize = 5_000;
const BATCHES: usize = 10;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Line `i` of a provisioning run: OpenTofu output in colour, helm-controller lines, a
/// warning or an error now and then; about 90 bytes of text each.
fn line(i: usize) -> NewLine {
    let components = [
        "cilium",
        "cert-manager",
        "external-secrets",
        "flux",
        "keycloak",
    ];
    let component = components[i % components.len()];
    let (level, phase, component, text) = match i % 10 {
        0..=3 => (
            Level::Info,
            "tofu",
            None,
            format!(
                "\x1b[0m\x1b[1mhcloud_server.worker[{i}]: Still creating... [{}s elapsed]\x1b[0m",
                i % 600
            ),
        ),
        4 => (
            Level::Info,
            "tofu",
            None,
            format!("  \x1b[32m+\x1b[0m resource \"hcloud_volume\" \"data_{i}\" {{ size = 50 }}"),
        ),
        5..=7 => (
            Level::Info,
            "component-log",
            Some(component),
            format!("HelmRelease {component}/{component}: reconciliation {i} finished in 1.2s"),
        ),
        8 => (
            Level::Warn,
            "component-log",
            Some(component),
            format!("HelmRelease {component}/{component}: dependency not ready, retrying ({i})"),
        ),
        _ => (
            Level::Error,
            "component",
            Some(component),
            format!("{component}: install retries exhausted: context deadline exceeded ({i})"),
        ),
    };
    NewLine {
        time: Some(now() + Duration::milliseconds(i as i64 / 50)),
        level: Some(level),
        phase: Some(phase.to_string()),
        component: component.map(str::to_string),
        text,
    }
}

fn batches(from: usize) -> Vec<Vec<NewLine>> {
    (0..BATCHES)
        .map(|b| (0..BATCH).map(|i| line(from + b * BATCH + i)).collect())
        .collect()
}

fn ui() -> Ui {
    let (theme, _) = Theme::shipped("dark").unwrap_or_else(|| (Theme::empty("dark"), Vec::new()));
    Ui {
        theme,
        glyphs: &Glyphs::UNICODE,
    }
}

/// A 120×40 console showing a log view holding `lines` lines.
fn console(lines: usize) -> State {
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
    let mut state = State::new(keymap, session, (120, 40), now());
    let mut view = LogView::new("run-d7f3a", "provisioning d7f3a");
    view.push_batch((0..lines).map(line));
    state.routes.push(Route::Logs(Box::new(view)));
    state
}

fn view(state: &mut State) -> &mut LogView {
    match state.routes.last_mut() {
        Some(Route::Logs(v)) => v,
        _ => panic!("not the log view"),
    }
}

fn keys(state: &mut State, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => crossterm::event::KeyCode::Enter,
            c => crossterm::event::KeyCode::Char(c),
        };
        let key = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
        update(state, Input::Key(key), now());
    }
}

type Term = Terminal<CrosstermBackend<FrameWriter<std::io::Sink>>>;

fn terminal() -> Term {
    let backend = CrosstermBackend::new(FrameWriter::new(std::io::sink()));
    Terminal::with_options(
        backend,
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 120, 40)),
        },
    )
    .unwrap_or_else(|e| panic!("terminal: {e}"))
}

/// Draws one frame and returns the bytes it wrote.
fn frame(t: &mut Term, state: &State, ui: &Ui) -> usize {
    let _ = t.draw(|f| catalyst_tui::views::screen::render(f, state, ui));
    t.backend_mut().writer_mut().commit().unwrap_or(0)
}

fn report() {
    let state = console(DEFAULT_CAPACITY);
    let Some(Route::Logs(v)) = state.routes.last() else {
        return;
    };
    let text: usize = v.buffer().iter().map(|l| l.raw().len()).sum();
    let held = v.heap_bytes();
    println!(
        "P8 full buffer: {} lines, {text} B of text, {held} B held ({:.1} MiB, {} B a line)",
        v.buffer().len(),
        held as f64 / (1024.0 * 1024.0),
        held / v.buffer().len()
    );
    let ui = ui();
    let mut state = console(0);
    let mut t = terminal();
    let first = frame(&mut t, &state, &ui);
    let mut written = Vec::new();
    for batch in batches(0) {
        view(&mut state).push_batch(batch);
        written.push(frame(&mut t, &state, &ui));
    }
    let avg = written.iter().sum::<usize>() / written.len();
    println!(
        "P5 following at 120x40: first frame {first} B, a frame after each 5,000-line batch \
         {avg} B on average (at 10 frames/s: {} KiB/s)",
        avg * 10 / 1024
    );
}

fn bench(c: &mut Criterion) {
    report();
    let ui = ui();
    c.bench_function(
        "P5 50,000 lines in 10 batches of 5,000, a 120x40 frame after each (from empty)",
        |b| {
            b.iter_batched(
                || (console(0), batches(0), terminal()),
                |(mut state, batches, mut t)| {
                    for batch in batches {
                        view(&mut state).push_batch(batch);
                        black_box(frame(&mut t, &state, &ui));
                    }
                },
                BatchSize::LargeInput,
            )
        },
    );
    // Steady state: the buffer is full, so every line pushed drops the oldest. Two
    // different batches take turns, so every frame has new lines to write.
    let two: Vec<Vec<NewLine>> = (0..2)
        .map(|k| {
            let from = DEFAULT_CAPACITY + k * BATCH;
            (from..from + BATCH).map(line).collect()
        })
        .collect();
    for (name, setup) in [("", ""), (", level filter and search on", "v/retrying\n")] {
        let mut state = console(DEFAULT_CAPACITY);
        keys(&mut state, setup);
        let mut t = terminal();
        let mut turn = 0;
        c.bench_function(
            &format!("P5 full 100,000-line buffer: 5,000 lines + a 120x40 frame{name}"),
            |b| {
                b.iter_batched(
                    || {
                        turn += 1;
                        two[turn % 2].clone()
                    },
                    |batch| {
                        view(&mut state).push_batch(batch);
                        black_box(frame(&mut t, &state, &ui))
                    },
                    BatchSize::LargeInput,
                )
            },
        );
    }
    let mut state = console(DEFAULT_CAPACITY);
    keys(&mut state, "/deadline exceeded (99\n");
    let mut t = terminal();
    c.bench_function(
        "P2 full 100,000-line buffer: search jump (n) + a 120x40 frame",
        |b| {
            b.iter(|| {
                keys(&mut state, "n");
                black_box(frame(&mut t, &state, &ui))
            })
        },
    );
    let mut state = console(DEFAULT_CAPACITY);
    keys(&mut state, "W");
    let mut t = terminal();
    let mut up = true;
    c.bench_function(
        "P2 full 100,000-line buffer, wrapped: page up/down + a 120x40 frame",
        |b| {
            b.iter(|| {
                let code = if up {
                    crossterm::event::KeyCode::PageUp
                } else {
                    crossterm::event::KeyCode::PageDown
                };
                up = !up;
                let key =
                    crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
                update(&mut state, Input::Key(key), now());
                black_box(frame(&mut t, &state, &ui))
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
