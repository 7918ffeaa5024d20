//! Tests of the end-to-end harness itself, against programs that need no console: the real
//! `catalyst-tui --help`, and `sh` scripts that print escapes, echo the bytes they receive
//! as hex, report their terminal size, trap signals. Each assertion can fail if the
//! harness mis-reads the screen, mis-encodes a key, or leaks the caller's environment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod e2e_support;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};

use e2e_support::{Signal, Term, keys};

const WAIT: Duration = Duration::from_secs(10);

fn sh(script: &str, env: &[(&str, &str)]) -> Term {
    Term::spawn_program(Path::new("/bin/sh"), &["-c", script], env, 80, 24)
}

/// Whitespace-insensitive view of the screen (od pads its columns).
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn help_of_the_real_binary_reaches_the_screen() {
    // A tall terminal: the summary outgrows 24 rows and would scroll its head away.
    let term = Term::spawn(&["-h"], &[], 100, 100);
    term.wait_for("Usage: catalyst-tui", WAIT).unwrap();
    term.wait_for("Serve the embedded sandbox Sovereign", WAIT)
        .unwrap();
    let status = term.wait_exit(WAIT).expect("help exits");
    assert!(status.success(), "{status:?}");
    assert!(term.bytes_read() > 100, "only {} bytes", term.bytes_read());
    assert!(!term.alternate_screen());
    assert!(!term.cursor_hidden());
}

#[test]
fn escapes_switch_screens_cursor_and_colours() {
    let term = sh(
        r"printf '\033[?1049h\033[?25l\033[31mred\033[0m'; read x; printf '\033[?1049l\033[?25hback'; read y",
        &[],
    );
    term.wait_for("red", WAIT).unwrap();
    assert!(term.alternate_screen());
    assert!(term.cursor_hidden());
    term.with_screen(|s| {
        let cell = s.cell(0, 0).unwrap();
        assert_eq!(cell.contents(), "r");
        assert_eq!(cell.fgcolor(), vt100::Color::Idx(1));
        assert_eq!(s.cell(0, 3).unwrap().fgcolor(), vt100::Color::Default);
    });
    term.send("<enter>");
    term.wait_for(
        |s: &vt100::Screen| !s.alternate_screen() && !s.hide_cursor(),
        WAIT,
    )
    .unwrap();
    term.wait_for("back", WAIT).unwrap();
    assert!(
        !term.screen_text().contains("red"),
        "main screen shows the alternate one"
    );
    term.send("<enter>");
    assert!(term.wait_exit(WAIT).expect("exits").success());
}

#[test]
fn keys_arrive_as_the_bytes_an_xterm_sends() {
    let term = sh(
        r"stty raw -echo; printf 'ready\r\n'; head -c 16 | od -An -tx1",
        &[],
    );
    term.wait_for("ready", WAIT).unwrap();
    term.send("a <esc> <up> <c-c> :x y<enter> <s-tab> <a-q>");
    term.wait_for("61 1b 1b 5b 41 03 3a 78 20 79 0d 1b 5b 5a 1b 71", WAIT)
        .unwrap();
    assert!(term.wait_exit(WAIT).expect("exits").success());
}

#[test]
fn key_scripts_reject_unknown_names_and_mark_lone_escapes() {
    assert!(keys::parse("<nope>").is_err());
    assert!(keys::parse("<enter").is_err());
    assert!(keys::parse("<c-1>").is_err());
    let parsed = keys::parse("jj <esc> /a b<lt>c<enter>").unwrap();
    let bytes: Vec<&[u8]> = parsed.iter().map(|k| k.bytes.as_slice()).collect();
    let expected: Vec<&[u8]> = vec![
        b"j", b"j", b"\x1b", b"/", b"a", b" ", b"b", b"<", b"c", b"\r",
    ];
    assert_eq!(bytes, expected);
    assert!(parsed[2].lone_escape);
    assert!(
        !parsed
            .iter()
            .enumerate()
            .any(|(i, k)| i != 2 && k.lone_escape)
    );
}

#[test]
fn resize_reaches_the_program_and_the_emulator() {
    let term = sh("stty size; read x; stty size; read y", &[]);
    term.wait_for("24 80", WAIT).unwrap();
    term.resize(100, 30);
    term.send("<enter>");
    term.wait_for("30 100", WAIT).unwrap();
    assert_eq!(term.with_screen(vt100::Screen::size), (30, 100));
    term.send("<enter>");
    assert!(term.wait_exit(WAIT).expect("exits").success());
}

const TRAPS: &str = r#"trap 'echo got-term; exit 7' TERM; trap 'echo got-hup; exit 8' HUP
echo ready; while :; do sleep 0.05; done"#;

#[test]
fn sigterm_reaches_the_program() {
    let term = sh(TRAPS, &[]);
    term.wait_for("ready", WAIT).unwrap();
    term.signal(Signal::Term);
    let status = term.wait_exit(WAIT).expect("exits on TERM");
    assert_eq!(status.code(), Some(7));
    assert!(term.screen_text().contains("got-term"));
}

#[test]
fn sighup_reaches_the_program() {
    let term = sh(TRAPS, &[]);
    term.wait_for("ready", WAIT).unwrap();
    term.signal(Signal::Hup);
    let status = term.wait_exit(WAIT).expect("exits on HUP");
    assert_eq!(status.code(), Some(8));
    assert!(term.screen_text().contains("got-hup"));
}

#[test]
fn closing_the_pty_hangs_the_program_up() {
    let mut term = sh("echo ready; while :; do sleep 0.05; done", &[]);
    term.wait_for("ready", WAIT).unwrap();
    assert!(
        term.wait_exit(Duration::from_millis(200)).is_none(),
        "still running"
    );
    let closed = Instant::now();
    term.close_pty();
    let status = term
        .wait_exit(Duration::from_secs(2))
        .expect("hung up within 2 s");
    assert_eq!(status.signal(), Some(1), "killed by SIGHUP: {status:?}");
    assert!(closed.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_timeout_reports_the_screen() {
    let term = sh("echo hello-screen; sleep 5", &[]);
    term.wait_for("hello-screen", WAIT).unwrap();
    let started = Instant::now();
    let err = term
        .wait_for("never-there", Duration::from_millis(300))
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(err.contains("timed out"), "{err}");
    assert!(err.contains("never-there"), "{err}");
    assert!(err.contains("hello-screen"), "{err}");
}

#[test]
fn waiting_stops_when_the_program_is_gone() {
    let term = sh("echo bye", &[]);
    let started = Instant::now();
    let err = term
        .wait_for("never-there", Duration::from_secs(20))
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "waited the whole timeout"
    );
    assert!(err.contains("closed") && err.contains("bye"), "{err}");
}

#[test]
fn the_environment_is_clean_and_overridable() {
    let term = sh(
        r#"echo "T=$TERM L=$LANG N=${NO_COLOR-unset} M=${CARGO_MANIFEST_DIR-unset}"; echo "H=$HOME"; echo "C=$XDG_CONFIG_HOME"; echo "W=$(pwd)""#,
        &[("LANG", "C"), ("NO_COLOR", "1")],
    );
    term.wait_for("T=xterm-256color L=C N=1 M=unset", WAIT)
        .unwrap();
    let home = term.home().display().to_string();
    term.wait_for(format!("H={home}"), WAIT).unwrap();
    term.wait_for(format!("C={home}/config"), WAIT).unwrap();
    term.wait_for(format!("W={home}"), WAIT).unwrap();
    if let Some(real) = std::env::var_os("HOME") {
        let real = format!("H={}\n", real.to_string_lossy());
        assert!(
            !term.screen_text().contains(&real),
            "the caller's HOME leaked"
        );
    }
}

#[test]
fn cursor_position_queries_are_answered() {
    let term = sh(
        r"stty raw -echo; printf 'ab\033[6n'; head -c 6 | od -An -c",
        &[],
    );
    // The reply is ESC [ 1 ; 3 R: row 1, column 3 after "ab"; od prints ESC as 033.
    term.wait_for(
        |s: &vt100::Screen| squeezed(&s.contents()).contains("033 [ 1 ; 3 R"),
        WAIT,
    )
    .unwrap();
    assert!(term.wait_exit(WAIT).expect("exits").success());
}

#[test]
fn bytes_are_counted_exactly() {
    let term = sh("printf abcdef", &[]);
    assert!(term.wait_exit(WAIT).expect("exits").success());
    assert_eq!(term.bytes_read(), 6);
    assert!(term.screen_text().starts_with("abcdef"));
}

#[test]
fn quiet_waits_on_silence_not_on_a_clock() {
    let busy = sh("while :; do echo tick; sleep 0.05; done", &[]);
    busy.wait_for("tick", WAIT).unwrap();
    let err = busy
        .wait_quiet(Duration::from_secs(1), Duration::from_millis(500))
        .unwrap_err();
    assert!(err.contains("tick"), "{err}");

    let idle = sh("echo settled; sleep 5", &[]);
    idle.wait_for("settled", WAIT).unwrap();
    let started = Instant::now();
    idle.wait_quiet(Duration::from_millis(200), WAIT).unwrap();
    // Silence is counted from the call too: old silence alone does not end the wait.
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(started.elapsed() < Duration::from_secs(2));
}
