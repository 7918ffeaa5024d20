//! Snapshots of the whole screen at 80x24 and 120x40, in every state the view can be in.

use crossterm::event::KeyCode;

use super::super::*;
use super::*;

// ---- screens ----

fn installing_selected(w: u16, h: u16) -> State {
    let mut state = showing(w, h, fixture());
    while selected(&state) != "fraud-scoring" {
        press(&mut state, key('j'));
    }
    state
}

#[test]
fn snapshot_grid_80x24() {
    let state = showing(80, 24, fixture());
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_grid_120x40() {
    let state = showing(120, 40, fixture());
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_list_80x24() {
    let mut state = showing(80, 24, fixture());
    press(&mut state, key('v'));
    press(&mut state, key('j'));
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_list_120x40() {
    let mut state = showing(120, 40, fixture());
    press(&mut state, key('v'));
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_grouped_by_blueprint_120x40() {
    let mut state = showing(120, 40, fixture());
    press(&mut state, key('o'));
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_installing_card_with_progress_80x24() {
    let state = installing_selected(80, 24);
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_filtered_80x24() {
    let mut state = showing(80, 24, fixture());
    press(&mut state, key('/'));
    for c in "stg.b".chars() {
        press(&mut state, key(c));
    }
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_no_match_80x24() {
    let mut state = showing(80, 24, fixture());
    press(&mut state, key('/'));
    for c in "zzz".chars() {
        press(&mut state, key(c));
    }
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_loading_80x24() {
    let (state, _) = opened(80, 24);
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_empty_80x24() {
    let state = showing(80, 24, Vec::new());
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_failed_80x24() {
    let (mut state, request) = opened(80, 24);
    answer(
        &mut state,
        request,
        Err(ApiError::Server {
            status: 502,
            code: Some("bad-gateway".into()),
            detail: "the environment controller did not answer".into(),
            retry_after: None,
            request_id: Some("req-7f3a9c".into()),
        }),
    );
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_restricted_80x24() {
    let (mut state, request) = opened(80, 24);
    answer(
        &mut state,
        request,
        Err(ApiError::Restricted {
            code: "forbidden".into(),
            required: Some("org-viewer".into()),
            teams: Vec::new(),
            detail: "You cannot list Applications in digital-channels-stg".into(),
            request_id: Some("req-1b2c3d".into()),
        }),
    );
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_rate_limited_80x24() {
    let (mut state, request) = opened(80, 24);
    answer(
        &mut state,
        request,
        Err(ApiError::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(12)),
            detail: String::new(),
            request_id: Some("req-429a".into()),
        }),
    );
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_ascii_mono_80x24() {
    let state = installing_selected(80, 24);
    let screen = testing::screen(&state, true);
    // The breadcrumb in the header is the chrome's; everything below is this view's.
    for line in screen.lines().skip(1) {
        assert!(line.is_ascii(), "{line}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn snapshot_backing_services_120x40() {
    let mut state = showing(120, 40, fixture());
    press(&mut state, code(KeyCode::End));
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn ten_thousand_applications_arrange_and_scroll() {
    let base = fixture();
    let apps: Vec<Application> = (0..10_000)
        .map(|i| {
            let mut a = base[i % base.len()].clone();
            a.name = format!("app-{i:05}");
            a
        })
        .collect();
    let mut state = showing(200, 50, apps);
    press(&mut state, code(KeyCode::End));
    assert_eq!(selected(&state), "app-09999");
    let screen = testing::screen(&state, false);
    assert!(screen.contains("app-09999"), "{screen}");
    press(&mut state, code(KeyCode::PageUp));
    assert_ne!(selected(&state), "app-09999");
}

/// Prints the time of a whole frame (view, chrome and buffer diff) with 10,000
/// Applications (or `N`), in both layouts: `cargo test --lib measure_render -- --ignored
/// --nocapture`. A measuring tool, not a timed assertion.
#[test]
#[ignore]
fn measure_render_10k() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let base = fixture();
    let apps: Vec<Application> = (0..n)
        .map(|i| {
            let mut a = base[i % base.len()].clone();
            a.name = format!("app-{i:05}");
            a
        })
        .collect();
    let mut state = showing(200, 50, apps);
    for _ in 0..300 {
        press(&mut state, key('j'));
    }
    let ui = testing::ui(false);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    for mode in 0..2 {
        let t = std::time::Instant::now();
        for _ in 0..200 {
            terminal
                .draw(|f| crate::views::screen::render(f, &state, &ui))
                .unwrap();
        }
        eprintln!("mode {mode}: {:?} per frame", t.elapsed() / 200);
        press(&mut state, key('v'));
    }
    let t = std::time::Instant::now();
    press(&mut state, key('o'));
    eprintln!("regroup: {:?}", t.elapsed());
}

/// `A` opens the request form: the duration and the level above the reason.
fn request_form(w: u16, h: u16) -> State {
    let mut state = showing(w, h, fixture());
    press(&mut state, key('A'));
    for c in "INC-4711 payment timeouts".chars() {
        press(&mut state, key(c));
    }
    // Duration 30 → 60 min; the level stays view, and keeps the keys.
    press(&mut state, code(KeyCode::Tab));
    press(&mut state, code(KeyCode::Right));
    press(&mut state, code(KeyCode::Tab));
    state
}

#[test]
fn snapshot_request_form_80x24() {
    let state = request_form(80, 24);
    insta::assert_snapshot!(testing::screen(&state, false));
}

#[test]
fn snapshot_request_form_120x40() {
    let state = request_form(120, 40);
    insta::assert_snapshot!(testing::screen(&state, false));
}
