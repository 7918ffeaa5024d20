//! The pure update of the log view: buffer cap and the dropped marker, follow and pause
//! with the new-line counter, search with `n`/`N` (wrap-around, filters, lines arriving
//! and leaving), the filters, wrap, save and copy.

use super::*;
use crate::words;

/// Lines `0..n`; those at 3, 10, 17, 24… say "apply", at levels info, warn, error, warn…
fn with_matches(n: usize) -> Vec<NewLine> {
    let levels = [Level::Info, Level::Warn, Level::Error, Level::Warn];
    numbered(0, n)
        .into_iter()
        .enumerate()
        .map(|(i, mut l)| {
            if i % 7 == 3 {
                l.text = format!("tofu apply step {i}");
                l.level = Some(levels[(i / 7) % levels.len()]);
            }
            l
        })
        .collect()
}

fn first_and_last(h: &Harness) -> (Option<u64>, Option<u64>) {
    let on = h.lines_on_screen();
    (on.first().copied().flatten(), on.last().copied().flatten())
}

#[test]
fn the_buffer_keeps_its_capacity_and_marks_what_it_dropped() {
    assert_eq!(LogView::new("x", "x").buffer().capacity(), 100_000);
    let mut h = Harness::new(5, (80, 11));
    h.view.push_batch(numbered(0, 8));
    let b = h.view.buffer();
    assert_eq!((b.len(), b.dropped(), b.first_seq()), (5, 3, 3));
    let texts: Vec<&str> = b.iter().map(|l| l.raw()).collect();
    assert_eq!(
        texts,
        [
            "line 0003",
            "line 0004",
            "line 0005",
            "line 0006",
            "line 0007"
        ]
    );
    assert_eq!(
        h.lines_on_screen(),
        [None, Some(3), Some(4), Some(5), Some(6), Some(7)],
        "the marker comes first"
    );
    assert_eq!(
        words::lines_dropped("…", 3, 5),
        "… 3 earlier lines dropped (buffer holds 5)"
    );
    assert_eq!(
        words::lines_dropped("…", 1, 100_000),
        "… 1 earlier line dropped (buffer holds 100,000)"
    );
}

#[test]
fn memory_is_the_text_plus_a_small_record_a_line() {
    assert!(std::mem::size_of::<LogLine>() <= 64);
    let mut h = Harness::new(1000, (80, 11));
    let text = "x".repeat(100);
    h.view
        .push_batch((0..3000).map(|_| NewLine::text(text.clone())));
    let slots = 1000 * std::mem::size_of::<LogLine>();
    let bytes = h.view.heap_bytes();
    assert!(bytes >= 1000 * 100, "{bytes}");
    assert!(bytes <= 1000 * 100 + slots + 4096, "{bytes}");
}

#[test]
fn following_sticks_to_the_bottom_and_pausing_counts_new_lines() {
    let mut h = Harness::new(1000, (80, 11));
    h.view.push_batch(numbered(0, 50));
    assert!(h.view.is_following());
    assert_eq!(first_and_last(&h), (Some(40), Some(49)));
    h.view.push_batch(numbered(50, 3));
    assert_eq!(first_and_last(&h), (Some(43), Some(52)));

    // Scrolling up pauses; lines arriving no longer move the screen, they are counted.
    done(h.act(Action::MoveUp));
    assert!(!h.view.is_following());
    assert_eq!(first_and_last(&h), (Some(42), Some(51)));
    h.view.push_batch(numbered(53, 7));
    assert_eq!(first_and_last(&h), (Some(42), Some(51)));
    assert_eq!(h.view.new_lines(), 7);
    assert_eq!(words::new_lines(7), "7 new lines");

    // Moving down to the last page stays paused.
    for _ in 0..20 {
        done(h.act(Action::MoveDown));
    }
    assert_eq!(first_and_last(&h), (Some(50), Some(59)));
    assert!(!h.view.is_following());

    // f follows again (and clears the count); f again pauses where the screen is.
    done(h.act(Action::FollowToggle));
    assert!(h.view.is_following());
    assert_eq!(h.view.new_lines(), 0);
    done(h.act(Action::FollowToggle));
    assert!(!h.view.is_following());
    h.view.push_batch(numbered(60, 2));
    assert_eq!(first_and_last(&h), (Some(50), Some(59)));
    assert_eq!(h.view.new_lines(), 2);

    // The bottom key follows again.
    done(h.act(Action::Bottom));
    assert!(h.view.is_following());
    assert_eq!(first_and_last(&h), (Some(52), Some(61)));
}

#[test]
fn top_pages_and_the_marker_when_the_screen_s_lines_are_dropped() {
    let mut h = Harness::new(30, (80, 11));
    h.view.push_batch(numbered(0, 30));
    done(h.act(Action::Top));
    assert!(!h.view.is_following());
    assert_eq!(first_and_last(&h), (Some(0), Some(9)));
    done(h.act(Action::PageDown));
    assert_eq!(first_and_last(&h), (Some(10), Some(19)));
    done(h.act(Action::PageDown));
    done(h.act(Action::PageDown));
    assert_eq!(
        first_and_last(&h),
        (Some(20), Some(29)),
        "never past the last page"
    );
    done(h.act(Action::PageUp));
    assert_eq!(first_and_last(&h), (Some(10), Some(19)));
    // The lines on screen leave the buffer: the screen starts at what is left.
    h.view.push_batch(numbered(30, 15));
    assert_eq!(h.lines_on_screen()[..2], [None, Some(15)]);
    assert_eq!(h.view.new_lines(), 15);
    done(h.act(Action::PageUp));
    assert_eq!(h.lines_on_screen()[0], None, "the top is the marker");
}

#[test]
fn search_jumps_forwards_and_backwards_with_wrap_around() {
    let mut h = Harness::new(1000, (80, 11));
    h.view.push_batch(with_matches(30));
    // Typing searches from the top of the screen (lines 20-29): the match at 24.
    h.search("APPLY");
    let s = h.view.search();
    assert_eq!((s.count, s.current, s.rank), (4, Some(24), 4));
    assert!(!h.view.is_following(), "a jump pauses");
    let step = |h: &mut Harness, a| {
        done(h.act(a));
        (h.view.search().current, h.view.search().rank)
    };
    assert_eq!(
        step(&mut h, Action::SearchNext),
        (Some(3), 1),
        "wraps to the first"
    );
    assert!(h.lines_on_screen().contains(&Some(3)));
    assert_eq!(step(&mut h, Action::SearchNext), (Some(10), 2));
    assert_eq!(step(&mut h, Action::SearchPrev), (Some(3), 1));
    assert_eq!(
        step(&mut h, Action::SearchPrev),
        (Some(24), 4),
        "wraps to the last"
    );
    assert!(h.lines_on_screen().contains(&Some(24)));

    // Nothing found: nothing moves.
    let mut h = Harness::new(1000, (80, 11));
    h.view.push_batch(with_matches(30));
    h.search("zzz");
    assert_eq!(h.view.search().count, 0);
    assert!(h.view.is_following());
    done(h.act(Action::SearchNext));
    assert!(h.view.is_following());
    h.search("");
    assert_eq!(h.act(Action::SearchNext), Outcome::Ignored);
}

#[test]
fn search_counts_only_shown_lines_and_follows_arrivals_and_drops() {
    let mut h = Harness::new(40, (80, 11));
    h.view.push_batch(with_matches(30));
    h.search("apply");
    done(h.act(Action::SearchNext));
    assert_eq!(h.view.search().current, Some(3));
    done(h.act(Action::CycleLevel));
    let s = h.view.search();
    assert_eq!((s.count, s.current), (3, None), "line 3 is info: hidden");
    let mut seen = Vec::new();
    for _ in 0..4 {
        done(h.act(Action::SearchNext));
        seen.push(h.view.search().current.unwrap());
    }
    assert_eq!(seen, [10, 17, 24, 10]);
    assert_eq!(h.view.search().rank, 1);
    done(h.act(Action::CycleLevel));
    assert_eq!(h.view.search().count, 1, "errors only");
    done(h.act(Action::CycleLevel));
    assert_eq!(h.view.search().count, 4);

    // Arrivals add matches; the oldest leaving takes theirs and moves the rank.
    // From the top of the screen (line 10, kept through the filters).
    done(h.act(Action::SearchNext));
    assert_eq!(
        (h.view.search().current, h.view.search().rank),
        (Some(10), 2)
    );
    let more: Vec<NewLine> = with_matches(35).split_off(30);
    h.view.push_batch(more);
    assert_eq!(h.view.search().count, 5, "31 matches");
    h.view.push_batch(numbered(100, 10));
    // 40 lines held: 0-4 left, taking the match at 3.
    let s = h.view.search();
    assert_eq!((s.count, s.current, s.rank), (4, Some(10), 1));
}

#[test]
fn level_phase_and_component_filters_cycle_through_what_was_seen() {
    let mut h = Harness::new(1000, (120, 38));
    h.view.push_batch(provisioning_run());
    let shown = |h: &Harness| h.view.shown().len();
    assert_eq!(shown(&h), 25);
    done(h.act(Action::CycleLevel));
    assert_eq!(shown(&h), 4, "warnings and errors");
    done(h.act(Action::CycleLevel));
    assert_eq!(shown(&h), 2, "errors");
    done(h.act(Action::CycleLevel));
    assert_eq!(shown(&h), 25);

    let mut phases = Vec::new();
    for _ in 0..9 {
        done(h.act(Action::CyclePhase));
        let b = h.view.buffer();
        phases.push(h.view.lens().phase.map(|p| b.phases.get(p).to_string()));
    }
    let names: Vec<&str> = phases.iter().map(|p| p.as_deref().unwrap_or("*")).collect();
    assert_eq!(
        names,
        [
            "tofu-init",
            "tofu",
            "tofu-plan",
            "tofu-apply",
            "tofu-output",
            "flux-bootstrap",
            "component",
            "component-log",
            "*"
        ]
    );
    let mut counts = Vec::new();
    for _ in 0..5 {
        done(h.act(Action::CycleComponent));
        counts.push(shown(&h));
    }
    assert_eq!(
        counts,
        [3, 3, 3, 1, 25],
        "cilium, cert-manager, external-secrets, kps, all"
    );
    done(h.act(Action::CycleComponent));
    for _ in 0..8 {
        done(h.act(Action::CyclePhase));
    }
    assert_eq!(shown(&h), 1, "cilium's helm-controller line");

    let mut plain = Harness::new(10, (80, 11));
    plain.view.push_batch(numbered(0, 3));
    assert_eq!(plain.act(Action::CyclePhase), Outcome::Ignored);
    assert_eq!(plain.act(Action::CycleComponent), Outcome::Ignored);
}

#[test]
fn a_filter_keeps_the_paused_screen_where_it_was() {
    let mut h = Harness::new(1000, (80, 11));
    h.view.push_batch(with_matches(60));
    done(h.act(Action::Top));
    done(h.act(Action::PageDown));
    assert_eq!(first_and_last(&h).0, Some(10));
    done(h.act(Action::CycleLevel));
    // Warnings and errors: 10, 17, 24, 38, 45 and 52, all on one screen.
    assert_eq!(h.view.shown().len(), 6);
    assert_eq!(first_and_last(&h), (Some(10), Some(52)));
    done(h.act(Action::CycleLevel));
    done(h.act(Action::CycleLevel));
    assert_eq!(
        first_and_last(&h),
        (Some(10), Some(19)),
        "back where the reading was"
    );
}

#[test]
fn wrapping_counts_rows_only_for_the_lines_it_passes() {
    let mut h = Harness::new(100, (80, 11));
    h.view.push_batch(numbered(0, 10));
    h.view.push(NewLine {
        level: Some(Level::Info),
        time: Some(testing::now()),
        ..NewLine::text("x".repeat(140))
    });
    let g = h.geometry();
    assert_eq!(g.text, 80 - 9 - 6 - 1);
    let long = h.view.buffer().last().unwrap().clone();
    assert_eq!(h.view.line_rows(&long, g), 1);
    assert_eq!(h.rows().len(), 10);
    assert_eq!(h.lines_on_screen().len(), 10);

    done(h.act(Action::ToggleWrap));
    assert!(h.view.wraps());
    assert_eq!(h.view.line_rows(&long, h.geometry()), 3);
    assert_eq!(h.rows().len(), 10);
    assert_eq!(h.lines_on_screen(), (3..=10).map(Some).collect::<Vec<_>>());
    // Without the time column the text has 9 more columns: two rows.
    done(h.act(Action::ToggleTimestamps));
    assert_eq!(h.view.line_rows(&long, h.geometry()), 2);
    assert_eq!(h.lines_on_screen().len(), 9);
    // Scrolling moves by rows, through the wrapped line.
    done(h.act(Action::MoveUp));
    assert_eq!(
        h.rows().last(),
        Some(&Row::Line { seq: 10, sub: 0 }),
        "one row up: the wrapped line's first row is the last on screen"
    );
    done(h.act(Action::ToggleWrap));
    assert_eq!(h.rows().len(), 10);
}

#[test]
fn unwrapped_lines_move_sideways_within_the_longest_on_screen() {
    let mut h = Harness::new(100, (80, 11));
    h.view.push(NewLine::text("y".repeat(100)));
    let g = h.geometry();
    assert_eq!(g.text, 79);
    done(h.act(Action::MoveRight));
    assert_eq!(h.view.hscroll, 8);
    for _ in 0..5 {
        done(h.act(Action::MoveRight));
    }
    assert_eq!(h.view.hscroll, 21, "up to the end of the longest line");
    done(h.act(Action::MoveLeft));
    assert_eq!(h.view.hscroll, 13);
    done(h.act(Action::ToggleWrap));
    assert_eq!(h.view.hscroll, 0);
    assert_eq!(h.act(Action::MoveRight), Outcome::Ignored);
}

#[test]
fn save_writes_the_shown_lines_as_plain_text() {
    let mut h = Harness::new(1000, (80, 11));
    assert_eq!(h.act(Action::Save), Outcome::Ignored, "nothing to save yet");
    h.view.push_batch(provisioning_run());
    let effects = done(h.act(Action::Save));
    let [Effect::SaveFile { path, contents }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        path.to_str(),
        Some("catalyst-run-d7f3a-20261122-100000.log")
    );
    assert!(!contents.contains('\x1b'));
    assert_eq!(contents.lines().count(), 25);
    assert!(contents.starts_with(
        "2026-11-22T09:48:07Z INFO  [tofu-init] Initializing the backend...\n\
         2026-11-22T09:48:14Z INFO  [tofu] Initializing provider plugins...\n"
    ));
    done(h.act(Action::CycleLevel));
    done(h.act(Action::CycleLevel));
    let effects = done(h.act(Action::Save));
    let [Effect::SaveFile { contents, .. }] = effects.as_slice() else {
        panic!()
    };
    assert_eq!(contents.lines().count(), 2);
    assert!(
        contents
            .lines()
            .all(|l| l.contains(" ERROR [external-secrets] "))
    );
    assert_eq!(
        save::file_name("../etc/passwd x", testing::now()).to_str(),
        Some("catalyst-etc-passwd-x-20261122-100000.log")
    );
}

#[test]
fn copy_takes_the_current_match_or_the_last_line_on_screen() {
    let mut h = Harness::new(1000, (80, 11));
    h.view.push_batch(provisioning_run());
    assert_eq!(
        h.act(Action::Copy),
        Outcome::Ignored,
        "the global copy asks the view"
    );
    assert_eq!(
        h.view.copy_text().as_deref(),
        Some("kube-prometheus-stack: pending → installing")
    );
    h.search("plan:");
    assert_eq!(
        h.view.copy_text().as_deref(),
        Some("Plan: 14 to add, 0 to change, 0 to destroy."),
        "plain text, without its colours"
    );
}

#[test]
fn pushed_text_is_split_into_lines_and_cleaned() {
    let mut h = Harness::new(10, (80, 11));
    h.view.push(NewLine::text("first\r\nsecond\n"));
    h.view.push(NewLine::text(
        "10%\r100% \x1b]8;;http://x\x07link\x1b]8;;\x07",
    ));
    let texts: Vec<&str> = h.view.buffer().iter().map(|l| l.raw()).collect();
    assert_eq!(texts, ["first", "second", "100% link"]);
    let seqs: Vec<u64> = h.view.buffer().iter().map(|l| l.seq).collect();
    assert_eq!(seqs, [0, 1, 2]);
}
