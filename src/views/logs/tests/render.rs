//! The log view as a route: its keys through the keymap's `logs` context, and the screen at
//! 80×24 and 120×40 (following, paused with new lines, searched, filtered, wrapped, ASCII
//! and mono with dropped lines), with the styles text snapshots cannot show checked on
//! the cells (search marks, the stream's own colours, none under mono).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

use super::*;
use crate::state::{Input, State, update};
use crate::views::Route;

fn state_with(view: LogView, w: u16, h: u16) -> State {
    let mut s = testing::state(w, h);
    s.routes.push(Route::Logs(Box::new(view)));
    s
}

fn run_view(capacity: usize) -> LogView {
    let mut v = LogView::with_capacity("run-d7f3a", "provisioning d7f3a", capacity);
    v.push_batch(provisioning_run());
    v
}

fn top(s: &State) -> &LogView {
    match s.top() {
        Route::Logs(v) => v,
        _ => panic!("not the log view"),
    }
}

fn top_mut(s: &mut State) -> &mut LogView {
    match s.routes.last_mut() {
        Some(Route::Logs(v)) => v,
        _ => panic!("not the log view"),
    }
}

fn keys(s: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        let key = Input::Key(KeyEvent::new(code, KeyModifiers::NONE));
        effects.extend(update(s, key, testing::now()));
    }
    effects
}

/// More helm-controller lines, as they arrive while the view is paused.
fn more_lines(n: usize) -> Vec<NewLine> {
    (0..n)
        .map(|i| NewLine {
            time: Some(testing::now() - Duration::seconds(60 - i as i64)),
            level: Some(Level::Info),
            phase: Some("component-log".into()),
            component: Some("kube-prometheus-stack".into()),
            text: format!("HelmRelease monitoring/kube-prometheus-stack: reconciling ({i})"),
        })
        .collect()
}

fn buffer_of(s: &State, ascii: bool) -> Buffer {
    let (w, h) = s.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let ui = testing::ui(ascii);
    terminal
        .draw(|frame| crate::views::screen::render(frame, s, &ui))
        .unwrap();
    terminal.backend().buffer().clone()
}

/// Where `text` starts on screen.
fn find(buffer: &Buffer, text: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    for y in 0..area.height {
        let row: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        if let Some(at) = row.find(text) {
            let col = row[..at].chars().count() as u16;
            return Some((col, y));
        }
    }
    None
}

#[test]
fn keys_reach_the_log_view_through_its_keymap_context() {
    assert!(
        Action::FollowToggle.is_available()
            && Action::Save.is_available()
            && Action::Logs.is_available()
    );
    let mut s = state_with(run_view(1000), 80, 24);
    keys(&mut s, "f");
    assert!(!top(&s).is_following());
    keys(&mut s, "/cert\n");
    assert_eq!(top(&s).search().filter.text, "cert");
    assert_eq!(top(&s).search().count, 3);
    let first = top(&s).search().rank;
    keys(&mut s, "n");
    assert_eq!(top(&s).search().rank, first % 3 + 1);
    keys(&mut s, "vpc");
    let lens = top(&s).lens();
    assert_eq!(lens.level, LevelFilter::WarnUp);
    assert!(lens.phase.is_some() && lens.component.is_some());
    keys(&mut s, "vvppppppppcccc");
    assert!(!top(&s).lens().is_active());
    keys(&mut s, "Wtn");
    assert!(top(&s).wraps() && !top(&s).shows_timestamps());
    let saved = keys(&mut s, "w");
    assert!(
        matches!(saved.as_slice(), [Effect::SaveFile { .. }]),
        "{saved:?}"
    );
    let copied = keys(&mut s, "y");
    assert!(matches!(copied.as_slice(), [Effect::Copy(t)] if t.contains("cert")));
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("Copied"))
    );
    keys(&mut s, "\x1b");
    assert_eq!(s.routes.len(), 2, "Esc clears the search first");
    assert!(!top(&s).search().is_active());
    keys(&mut s, "\x1b");
    assert_eq!(s.routes.len(), 1);
}

#[test]
fn snapshot_following() {
    for (w, h) in [(80, 24), (120, 40)] {
        let s = state_with(run_view(1000), w, h);
        insta::assert_snapshot!(
            format!("logs_following_{w}x{h}"),
            testing::screen(&s, false)
        );
    }
}

#[test]
fn snapshot_paused_with_new_lines() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = state_with(run_view(1000), w, h);
        keys(&mut s, "kkk");
        top_mut(&mut s).push_batch(more_lines(12));
        assert_eq!(top(&s).new_lines(), 12);
        insta::assert_snapshot!(format!("logs_paused_{w}x{h}"), testing::screen(&s, false));
    }
}

#[test]
fn snapshot_search_highlighted() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = state_with(run_view(1000), w, h);
        keys(&mut s, "/cert-manager\nn");
        insta::assert_snapshot!(format!("logs_search_{w}x{h}"), testing::screen(&s, false));
        let buffer = buffer_of(&s, false);
        let (x, y) = find(&buffer, "webhook").unwrap();
        let (mx, my) = find(&buffer, "cert-manager/cert-manager").unwrap();
        assert_eq!(my, y);
        let mark = testing::ui(false).style("search.match");
        assert_eq!(
            buffer[(mx + 13, my)].style().bg,
            mark.bg,
            "a match is marked"
        );
        assert_ne!(buffer[(x, y)].style().bg, mark.bg, "the rest is not");
    }
}

#[test]
fn snapshot_filtered_by_level() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = state_with(run_view(1000), w, h);
        keys(&mut s, "v");
        insta::assert_snapshot!(format!("logs_warn_{w}x{h}"), testing::screen(&s, false));
    }
}

#[test]
fn snapshot_wrapped() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = state_with(run_view(1000), w, h);
        keys(&mut s, "W");
        insta::assert_snapshot!(format!("logs_wrapped_{w}x{h}"), testing::screen(&s, false));
    }
}

#[test]
fn snapshot_ascii_mono_with_dropped_lines() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = state_with(run_view(20), w, h);
        top_mut(&mut s).jump_to_start();
        insta::assert_snapshot!(format!("logs_ascii_{w}x{h}"), testing::screen(&s, true));
        let buffer = buffer_of(&s, true);
        assert!(
            buffer
                .content
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
            "mono shows no colour, the stream's own neither"
        );
    }
}

#[test]
fn the_stream_s_colours_show_in_colour_themes() {
    let s = state_with(run_view(1000), 120, 40);
    let buffer = buffer_of(&s, false);
    let (x, y) = find(&buffer, "+ resource \"hcloud_network\"").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Green, "OpenTofu's green plus");
    assert_ne!(buffer[(x + 2, y)].fg, Color::Green);
}
