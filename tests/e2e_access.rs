//! The kube shell hand-off, end to end: the real console on its embedded sandbox in an
//! 80x24 pseudo-terminal, signed in as Layla. `A` asks for access to an Environment (dev
//! grants at once by policy), the status bar counts the grant down, `s` hands the
//! terminal to `$SHELL` (here a script that records what it got) with `KUBECONFIG` set to a
//! 0600 file in the private runtime directory, and when it exits the console is back where
//! it was and the file is gone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod e2e_support;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use e2e_support::Term;

/// Generous: a debug build on a busy 2-core machine, the sandbox starting inside.
const START: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(20);

#[test]
fn a_shell_gets_the_grant_and_nothing_is_left_on_disk() {
    let out = tempfile::tempdir().unwrap();
    let script = out.path().join("shell.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\n\
         echo \"$KUBECONFIG\" > \"$SHELL_OUT/path\"\n\
         stat -c %a \"$KUBECONFIG\" > \"$SHELL_OUT/mode\"\n\
         grep -c current-context \"$KUBECONFIG\" > \"$SHELL_OUT/context\"\n\
         exit 0\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let term = Term::spawn(
        &["--persona", "layla", "--open", "env/digital-channels-dev"],
        &[
            ("SHELL", script.to_str().unwrap()),
            ("SHELL_OUT", out.path().to_str().unwrap()),
        ],
        80,
        24,
    );
    term.wait_for("grouped by status", START).unwrap();
    // No grant yet: the key says how to get one.
    term.send("s");
    term.wait_for("no live grant", STEP).unwrap();
    term.send("A");
    term.wait_for("why?", STEP).unwrap();
    term.send("probe flaps on payment-rail <c-s>");
    term.wait_for("granted", STEP).unwrap();
    term.wait_for("min left", STEP).unwrap();
    // Inside the grant: the namespace's pods, followed live through the grant's client.
    term.send("K");
    term.wait_for("RESTARTS", STEP).unwrap();
    term.wait_for("· live", STEP).unwrap();
    term.send("<esc>");
    term.wait_for("grouped by status", STEP).unwrap();
    term.send("s");
    term.wait_for("Back from the kube shell", STEP).unwrap();
    term.wait_for("grouped by status", STEP).unwrap();

    let path = std::fs::read_to_string(out.path().join("path")).unwrap();
    let path = std::path::Path::new(path.trim());
    assert!(
        path.starts_with(term.home().join("runtime").join("catalyst-tui")),
        "{}",
        path.display()
    );
    let mode = std::fs::read_to_string(out.path().join("mode")).unwrap();
    assert_eq!(mode.trim(), "600");
    let context = std::fs::read_to_string(out.path().join("context")).unwrap();
    assert_eq!(context.trim(), "1");
    assert!(!path.exists(), "the kubeconfig is removed after the shell");
    term.send("q");
    assert!(term.wait_exit(STEP).is_some(), "the console quits");
}
