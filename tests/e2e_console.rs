//! End-to-end journeys of the console: the real `catalyst-tui` with no subcommand (the
//! console on its embedded sandbox, signed in as `admin`) in an 80x24 pseudo-terminal,
//! driven by keys and read back through a terminal emulator.
//!
//! Covers: start-up to the Organizations list with the SANDBOX badge, help and quit with
//! the terminal restored (J1); the walk Organization → Environment → Application and back
//! with the selection kept (J2); `NO_COLOR=1 LANG=C` drawing plain ASCII without colours;
//! SIGTERM, SIGHUP and a vanished terminal each ending the process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod e2e_support;

use std::time::{Duration, Instant};

use e2e_support::{Signal, Term};

/// Generous: a debug build on a busy 2-core machine, the sandbox starting inside.
const START: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(15);

/// The glyph the UTF-8 glyph set puts before the selected row or card title.
const SELECTED: &str = "▶";
/// The same in the ASCII set (plain `>`, also the ASCII breadcrumb: only trust it at the
/// start of a row).
const SELECTED_ASCII: &str = ">";

/// Starts the console and waits for the Organizations list with the SANDBOX badge and the
/// inbox counts, signed in as `admin`.
fn start(env: &[(&str, &str)]) -> Term {
    let term = Term::spawn(&[], env, 80, 24);
    term.wait_for("digital-channels", START).unwrap();
    term.wait_for("SANDBOX", STEP).unwrap();
    term.wait_for("(admin)", STEP).unwrap();
    term.wait_for("access request", STEP).unwrap();
    term
}

/// The row that carries the selection marker, if any.
fn selected_row(screen: &vt100::Screen) -> Option<String> {
    let contents = screen.contents();
    let utf8 = contents.lines().find(|l| l.contains(SELECTED));
    let ascii = || {
        contents
            .lines()
            .find(|l| l.trim_start().starts_with(SELECTED_ASCII))
    };
    utf8.or_else(ascii).map(str::to_string)
}

/// Moves the selection down until its row shows `text`.
fn select(term: &Term, text: &str) {
    for _ in 0..30 {
        let current = term.with_screen(selected_row);
        if current.as_deref().is_some_and(|r| r.contains(text)) {
            return;
        }
        term.send("j");
        term.wait_for(|s: &vt100::Screen| selected_row(s) != current, STEP)
            .unwrap_or_else(|e| panic!("moving towards {text}: {e}"));
    }
    panic!("never selected {text}:\n{}", term.screen_text());
}

/// The Application view's tabs, in order.
const TABS: [&str; 7] = [
    "Overview",
    "Settings",
    "Topology",
    "Secrets",
    "Observability",
    "History",
    "Manifests",
];

/// The tab the Application view shows: of the tab labels on one row, the one drawn in a
/// style none of the others has. `None` when no row holds every label.
fn active_tab(screen: &vt100::Screen) -> Option<String> {
    let (rows, cols) = screen.size();
    (0..rows).find_map(|row| {
        let cells: Vec<&vt100::Cell> = (0..cols).filter_map(|c| screen.cell(row, c)).collect();
        let text: String = cells
            .iter()
            .map(|c| c.contents().chars().next().unwrap_or(' '))
            .collect();
        let styles: Vec<_> = TABS
            .iter()
            .map(|tab| {
                let at = text.find(&format!(" {tab} "))?;
                let col = text[..at].chars().count() + 1;
                let cell = cells[col];
                Some((
                    cell.fgcolor(),
                    cell.bgcolor(),
                    cell.bold(),
                    cell.underline(),
                    cell.inverse(),
                ))
            })
            .collect::<Option<_>>()?;
        let unique = |i: usize| styles.iter().filter(|s| **s == styles[i]).count() == 1;
        let active: Vec<usize> = (0..TABS.len()).filter(|i| unique(*i)).collect();
        match active.as_slice() {
            [one] => Some(TABS[*one].to_string()),
            _ => None,
        }
    })
}

fn assert_restored(term: &Term) {
    assert!(!term.alternate_screen(), "still in the alternate screen");
    assert!(!term.cursor_hidden(), "cursor still hidden");
}

#[test]
fn j1_start_help_and_quit_restores_the_terminal() {
    let term = start(&[]);
    assert!(term.alternate_screen());
    assert!(term.cursor_hidden());

    term.send("?");
    term.wait_for("Keys:", STEP).unwrap();
    term.wait_for("Quit the console", STEP).unwrap();
    term.send("<esc>");
    term.wait_for(|s: &vt100::Screen| !s.contents().contains("Keys:"), STEP)
        .unwrap();
    assert!(term.screen_text().contains("digital-channels"));

    term.send("q");
    let status = term.wait_exit(STEP).expect("q quits");
    assert!(status.success(), "{status:?}");
    assert_restored(&term);
}

#[test]
fn j2_walk_to_an_application_and_back_keeps_the_selection() {
    let term = start(&[]);
    select(&term, "digital-channels");
    term.send("<enter>");
    term.wait_for("digital-channels-stg", STEP).unwrap();
    select(&term, "digital-channels-stg");
    term.send("<enter>");
    // The Environment's summary line (its cards come worst first).
    term.wait_for("grouped by status", STEP).unwrap();
    let env_screen =
        |s: &vt100::Screen| s.contents().contains("grouped by status") && active_tab(s).is_none();

    // Move off the first Application so "kept" means something.
    let first = term
        .with_screen(selected_row)
        .expect("an Application is selected");
    term.send("j");
    term.wait_for(
        |s: &vt100::Screen| selected_row(s).is_some_and(|r| r != first),
        STEP,
    )
    .unwrap();
    let chosen = term.with_screen(selected_row).unwrap();
    let app = chosen
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.len() > 3 && w.contains('-'))
        .unwrap_or_else(|| panic!("no Application name in {chosen:?}"))
        .to_string();

    term.send("<enter>");
    term.wait_for(
        |s: &vt100::Screen| active_tab(s).as_deref() == Some("Overview"),
        STEP,
    )
    .unwrap();
    for tab in TABS.iter().skip(1).chain(&TABS[..1]) {
        term.send("<tab>");
        term.wait_for(
            |s: &vt100::Screen| active_tab(s).as_deref() == Some(*tab),
            STEP,
        )
        .unwrap_or_else(|e| panic!("tab to {tab}: {e}"));
    }

    term.send("<esc>");
    term.wait_for(env_screen, STEP).unwrap();
    let back = term.with_screen(selected_row).unwrap_or_default();
    assert!(
        back.contains(&app),
        "{app} no longer selected:\n{}",
        term.screen_text()
    );

    term.send("<esc>");
    term.wait_for(
        |s: &vt100::Screen| {
            !env_screen(s) && selected_row(s).is_some_and(|r| r.contains("digital-channels-stg"))
        },
        STEP,
    )
    .unwrap();
    term.send("q");
    assert!(term.wait_exit(STEP).expect("q quits").success());
    assert_restored(&term);
}

/// Every cell of the screen is ASCII with the terminal's default colours.
fn plain(screen: &vt100::Screen) -> Result<(), String> {
    let (rows, cols) = screen.size();
    for row in 0..rows {
        for col in 0..cols {
            let Some(cell) = screen.cell(row, col) else {
                continue;
            };
            if !cell.contents().is_ascii() {
                return Err(format!("non-ASCII {:?} at {row},{col}", cell.contents()));
            }
            if cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default {
                return Err(format!(
                    "colour {:?}/{:?} at {row},{col} ({:?})",
                    cell.fgcolor(),
                    cell.bgcolor(),
                    cell.contents()
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn no_color_and_lang_c_draw_plain_ascii() {
    let term = start(&[("NO_COLOR", "1"), ("LANG", "C")]);
    let check = |what: &str| {
        term.with_screen(plain)
            .unwrap_or_else(|e| panic!("{what}: {e}:\n{}", term.screen_text()));
    };
    check("Organizations");
    // Without colour the selection still shows, as the ASCII marker.
    select(&term, "digital-channels");
    check("Organizations, moved");
    term.send("<enter>");
    term.wait_for("digital-channels-stg", STEP).unwrap();
    check("an Organization");
    term.send("?");
    term.wait_for("Keys:", STEP).unwrap();
    check("help");
}

fn ends_on(signal: Signal) {
    let term = start(&[]);
    let sent = Instant::now();
    term.signal(signal);
    let status = term
        .wait_exit(STEP)
        .unwrap_or_else(|| panic!("{signal:?} ignored"));
    assert!(
        status.code().is_some(),
        "killed by {signal:?} instead of quitting: {status:?}"
    );
    assert!(sent.elapsed() < Duration::from_secs(5));
    assert_restored(&term);
}

#[test]
fn sigterm_quits_and_restores() {
    ends_on(Signal::Term);
}

#[test]
fn sighup_quits_and_restores() {
    ends_on(Signal::Hup);
}

#[test]
fn a_vanished_terminal_ends_the_process_within_two_seconds() {
    let mut term = start(&[]);
    term.close_pty();
    let status = term.wait_exit(Duration::from_secs(2));
    assert!(
        status.is_some(),
        "still running 2 s after its terminal went away"
    );
}

#[test]
fn a_storm_of_resizes_ends_in_a_frame_of_the_final_size() {
    let term = start(&[]);
    for i in 0..500u16 {
        term.resize(60 + i % 80, 20 + i % 30);
    }
    term.resize(100, 30);
    // The last frame is drawn for 100x30: the identity ends the header at the right edge
    // and the key bar is on row 30.
    term.wait_for(
        |s: &vt100::Screen| {
            let row = |r: u16| s.contents_between(r, 0, r, 100);
            s.size() == (30, 100)
                && row(0).contains("SANDBOX")
                && row(0).trim_end().ends_with("(admin)")
                && row(0).trim_end().chars().count() > 90
                && row(29).contains("help")
        },
        STEP,
    )
    .unwrap();
    assert!(!term.exited(), "the console survived the storm");
    term.send("q");
    assert!(term.wait_exit(STEP).is_some_and(|s| s.success()));
}

#[test]
fn the_palette_jumps_to_an_environment_by_name() {
    let term = start(&[]);
    term.send(":env digital-channels-uat<enter>");
    term.wait_for("digital-channels-uat", STEP).unwrap();
    term.wait_for("grouped by status", STEP).unwrap();
    term.send("q");
    assert!(term.wait_exit(STEP).is_some_and(|s| s.success()));
}
