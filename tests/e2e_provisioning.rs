//! End-to-end journey J3 in a pseudo-terminal: the real `catalyst-tui` on its embedded
//! sandbox (sped up, with streams cut every few events and repeated frames after each
//! reconnect) opens the list of provisioning runs, follows the running one to its end,
//! zooms the log, searches it and saves it, and the saved file holds every line the
//! header counted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod e2e_support;

use std::time::Duration;

use e2e_support::Term;

const START: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(15);
/// The running run takes ~4 minutes of simulated time; at speed 40, a few seconds, plus
/// the reconnects the faults force.
const RUN: Duration = Duration::from_secs(180);

/// The id of the run still going in the list on screen (its status is not final).
fn running_row(screen: &vt100::Screen) -> Option<String> {
    screen
        .contents()
        .lines()
        .find(|l| l.contains("provisioning ") || l.contains("phase1-watching"))
        .map(str::to_string)
}

/// The number in the log header's `N lines`.
fn held_lines(screen: &vt100::Screen) -> Option<usize> {
    screen.contents().lines().find_map(|l| {
        let at = l.find(" lines")?;
        let digits: String = l[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .filter(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

#[test]
fn j3_follow_the_running_run_to_its_end_through_cut_streams_and_save_its_log() {
    let term = Term::spawn(
        &[
            "--speed",
            "40",
            "--drop-after-events",
            "60",
            "--duplicate-on-reconnect",
            "true",
            "--open",
            "deployments",
        ],
        &[],
        80,
        24,
    );
    term.wait_for("provisioning runs", START).unwrap();
    term.wait_for(|s: &vt100::Screen| running_row(s).is_some(), STEP)
        .unwrap();
    // Select the running run, then open it.
    for _ in 0..5 {
        let on_it = term.with_screen(|s| {
            s.contents()
                .lines()
                .any(|l| l.contains('▶') && running_row_text(l))
        });
        if on_it {
            break;
        }
        term.send("j");
        std::thread::sleep(Duration::from_millis(200));
    }
    term.send("<enter>");
    term.wait_for("tofu-init", STEP).unwrap();

    // The run ends; the header of the log says so.
    term.wait_for("run ready", RUN)
        .unwrap_or_else(|e| panic!("{e}\n{}", term.screen_text()));
    term.wait_for("5/5", STEP).unwrap();
    term.wait_for("Result", STEP).unwrap();

    // Zoom the log, search it, save it.
    term.send("l");
    term.wait_for("FOLLOWING", STEP).unwrap();
    let held = term
        .with_screen(held_lines)
        .expect("the header counts the lines");
    assert!(held > 100, "a whole run has hundreds of lines: {held}");
    term.send("/Helm install succeeded<enter>");
    // The search jumps (pausing the view) as it is typed; wait for all of it.
    term.wait_for(
        |s: &vt100::Screen| {
            let text = s.contents();
            text.contains("/Helm install succeeded") && log_header(s).contains("match ")
        },
        STEP,
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", term.screen_text()));
    assert!(
        !term.screen_text().contains("no match"),
        "{}",
        term.screen_text()
    );
    term.send("<esc>"); // clears the search
    term.wait_for(
        |s: &vt100::Screen| !s.contents().contains("/Helm") && !log_header(s).contains("match "),
        STEP,
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", term.screen_text()));
    term.send("w");
    term.wait_for("Saved", STEP)
        .unwrap_or_else(|e| panic!("{e}\n{}", term.screen_text()));
    let saved: Vec<_> = std::fs::read_dir(term.home())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("catalyst-provisioning-") && n.ends_with(".log"))
        })
        .collect();
    assert_eq!(saved.len(), 1, "one file saved: {saved:?}");
    let text = std::fs::read_to_string(&saved[0]).unwrap();
    assert_eq!(
        text.lines().count(),
        held,
        "the file holds every line the header counted"
    );

    // Esc leaves the zoom, then the run, back to the list.
    term.send("<esc>");
    term.wait_for("tofu-init", STEP).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    term.send("<esc>");
    term.wait_for(
        |s: &vt100::Screen| !s.contents().contains("tofu-init") && s.contents().contains("ready"),
        STEP,
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", term.screen_text()));
    term.send("q");
    assert!(term.wait_exit(STEP).is_some_and(|s| s.success()));
}

/// The log viewer's header (the row under the breadcrumb).
fn log_header(screen: &vt100::Screen) -> String {
    screen
        .contents()
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

fn running_row_text(line: &str) -> bool {
    line.contains("provisioning ") || line.contains("phase1-watching")
}
