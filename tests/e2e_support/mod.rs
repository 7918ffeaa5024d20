//! End-to-end harness: runs a real program (by default the `catalyst-tui` binary) in a
//! pseudo-terminal and reads its screen back through the `vt100` terminal emulator.
//!
//! Owns: the pty and the child, a reader thread that feeds every byte the program writes
//! into the emulator and wakes waiters through a condvar, a waiter thread that reaps the
//! child, key input in the [`keys`] syntax, resizing, signals, closing the terminal.
//! Must not: sleep to "let things settle" (waits block on the condvar until the screen
//! matches, or fail with the screen in the message), or leak the user's environment into
//! the child.
//!
//! The child gets a clean environment: `PATH` from the caller, `TERM=xterm-256color`,
//! `LANG=C.UTF-8`, and `HOME` plus `XDG_CONFIG_HOME`, `XDG_CACHE_HOME`, `XDG_DATA_HOME`,
//! `XDG_STATE_HOME`, `XDG_RUNTIME_DIR` inside a fresh temporary directory that is also
//! its working directory; the `env` argument of [`Term::spawn`] adds or overrides
//! variables (e.g. `("NO_COLOR", "1"), ("LANG", "C")`).
//!
//! Like a real xterm, the emulator answers the queries a program may block on at start-up:
//! cursor position (`CSI 6n`), device status (`CSI 5n`), primary and secondary device
//! attributes (`CSI c`, `CSI > c`) and the foreground/background colour (`OSC 10/11 ?`,
//! answered as light grey on black). The keyboard-enhancement query (`CSI ? u`) is left
//! unanswered, as by terminals without that protocol.
//!
//! Signals go through the system `kill` command, as `src/terminal.rs` does, so the harness
//! needs neither `libc` nor `nix`; `rustix` (already under `pty-process`) provides `poll`.
//! The only pause the harness takes is after a lone Escape key (see [`Term::send`]).
//!
//! Also compiled into `examples/measure_console.rs` through `#[path]`, so it must not use
//! anything that only integration tests have; the binary's path comes from
//! `CARGO_BIN_EXE_catalyst-tui` when it is set at compile time, else from [`binary_path`].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

pub mod keys;

use std::ffi::OsString;
use std::io::{PipeReader, PipeWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pty_process::blocking::{Command, Pty};
use rustix::event::{PollFd, PollFlags};

/// Forks that could inherit a pty master before `pty-process` marks it close-on-exec are
/// serialised with this lock, so closing one test's terminal really hangs it up.
static FORK_LOCK: Mutex<()> = Mutex::new(());

/// How long a lone Escape key stays alone before the next key is written.
const ESCAPE_PAUSE: Duration = Duration::from_millis(50);

/// The `catalyst-tui` binary: the one Cargo built for this test, or for an example (which
/// Cargo gives no `CARGO_BIN_EXE_*`) the sibling of the example's own directory.
pub fn binary_path() -> PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_catalyst-tui") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("current_exe");
    // target/<profile>/examples/<example> -> target/<profile>/catalyst-tui
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("example under target/");
    profile_dir.join("catalyst-tui")
}

/// A signal [`Term::signal`] can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Term,
    Hup,
    Int,
    Kill,
}

impl Signal {
    fn name(self) -> &'static str {
        match self {
            Signal::Term => "TERM",
            Signal::Hup => "HUP",
            Signal::Int => "INT",
            Signal::Kill => "KILL",
        }
    }
}

/// Something [`Term::wait_for`] waits for: a text on the screen, or any predicate over it.
pub trait Condition {
    fn met(&self, screen: &vt100::Screen) -> bool;
    fn describe(&self) -> String;
}

impl Condition for &str {
    fn met(&self, screen: &vt100::Screen) -> bool {
        screen.contents().contains(*self)
    }
    fn describe(&self) -> String {
        format!("text {self:?}")
    }
}

impl Condition for String {
    fn met(&self, screen: &vt100::Screen) -> bool {
        self.as_str().met(screen)
    }
    fn describe(&self) -> String {
        self.as_str().describe()
    }
}

impl<F: Fn(&vt100::Screen) -> bool> Condition for F {
    fn met(&self, screen: &vt100::Screen) -> bool {
        self(screen)
    }
    fn describe(&self) -> String {
        "predicate".to_string()
    }
}

/// Answers terminal queries found in the program's output (see the module doc); the reader
/// thread writes the collected replies back to the pty. Also counts the frames that begin
/// synchronized output (`CSI ? 2026 h`), for measurements.
#[derive(Default)]
struct Responder {
    replies: Vec<u8>,
    sync_frames: u64,
}

impl vt100::Callbacks for Responder {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        match (i1, c, first) {
            (None, 'n', 6) => {
                let (row, col) = screen.cursor_position();
                self.replies
                    .extend(format!("\x1b[{};{}R", row + 1, col + 1).bytes());
            }
            (None, 'n', 5) => self.replies.extend_from_slice(b"\x1b[0n"),
            (None, 'c', 0) => self.replies.extend_from_slice(b"\x1b[?62;22c"),
            (Some(b'>'), 'c', 0) => self.replies.extend_from_slice(b"\x1b[>1;10;0c"),
            (Some(b'?'), 'h', 2026) => self.sync_frames += 1,
            _ => {}
        }
    }

    fn unhandled_osc(&mut self, _screen: &mut vt100::Screen, params: &[&[u8]]) {
        if let [which @ (b"10" | b"11"), b"?"] = params {
            let rgb = if *which == b"10" {
                "cccc/cccc/cccc"
            } else {
                "0000/0000/0000"
            };
            let which = String::from_utf8_lossy(which);
            self.replies
                .extend(format!("\x1b]{which};rgb:{rgb}\x1b\\").bytes());
        }
    }
}

/// What the reader and waiter threads share with the test.
struct State {
    parser: vt100::Parser<Responder>,
    /// Bytes read from the pty so far.
    bytes: u64,
    /// When the last chunk was processed.
    last_update: Instant,
    /// The program's side of the terminal is gone (it exited) or we closed ours.
    eof: bool,
    /// Set by the waiter thread once the child is reaped.
    status: Option<ExitStatus>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A program running in a pseudo-terminal, with its screen emulated.
pub struct Term {
    pty: Option<Arc<Pty>>,
    wake: Option<PipeWriter>,
    reader: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    pid: u32,
    spawned_at: Instant,
    home: tempfile::TempDir,
}

impl Term {
    /// Runs `catalyst-tui ARGS` at `cols`x`rows` (see the module doc for the environment).
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Term {
        Term::spawn_program(&binary_path(), args, env, cols, rows)
    }

    /// Runs any program the same way (the harness's own tests use `sh`).
    pub fn spawn_program(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Term {
        let home = tempfile::tempdir().expect("temporary home");
        let mut vars: Vec<(String, OsString)> = vec![
            (
                "PATH".into(),
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            ),
            ("TERM".into(), "xterm-256color".into()),
            ("LANG".into(), "C.UTF-8".into()),
            ("HOME".into(), home.path().into()),
        ];
        for (var, dir) in [
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_RUNTIME_DIR", "runtime"),
        ] {
            let path = home.path().join(dir);
            std::fs::create_dir(&path).expect("temporary XDG directory");
            vars.push((var.into(), path.into()));
        }
        for (key, value) in env {
            vars.retain(|(k, _)| k != key);
            vars.push(((*key).into(), (*value).into()));
        }

        let (pty, child) = {
            let _fork = FORK_LOCK.lock().unwrap_or_else(|p| p.into_inner());
            let (pty, pts) = pty_process::blocking::open().expect("open a pty");
            pty.resize(pty_process::Size::new(rows, cols))
                .expect("size the pty");
            let child = Command::new(program)
                .args(args)
                .env_clear()
                .envs(vars)
                .current_dir(home.path())
                .spawn(pts)
                .unwrap_or_else(|e| panic!("spawn {}: {e}", program.display()));
            (pty, child)
        };
        let spawned_at = Instant::now();
        let pid = child.id();
        let pty = Arc::new(pty);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                parser: vt100::Parser::new_with_callbacks(rows, cols, 0, Responder::default()),
                bytes: 0,
                last_update: spawned_at,
                eof: false,
                status: None,
            }),
            changed: Condvar::new(),
        });
        let (wake_rx, wake) = std::io::pipe().expect("wake pipe");
        let reader = {
            let (pty, shared) = (Arc::clone(&pty), Arc::clone(&shared));
            std::thread::spawn(move || read_loop(&pty, &wake_rx, &shared))
        };
        {
            let shared = Arc::clone(&shared);
            let mut child = child;
            std::thread::spawn(move || {
                let status = child.wait().ok();
                shared.lock().status = status;
                shared.changed.notify_all();
            });
        }
        Term {
            pty: Some(pty),
            wake: Some(wake),
            reader: Some(reader),
            shared,
            pid,
            spawned_at,
            home,
        }
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// When the child was started.
    pub fn spawned_at(&self) -> Instant {
        self.spawned_at
    }

    /// The temporary directory used as the child's `HOME` and working directory.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Types a key script (see [`keys`]). A lone Escape is followed by a short pause so the
    /// program reads it alone and not as Alt plus the next key, as a human typist would.
    pub fn send(&self, script: &str) {
        let keys = keys::parse(script).unwrap_or_else(|e| panic!("key script: {e}"));
        let pty = self.pty.as_ref().expect("send after close_pty");
        let mut out: &Pty = pty;
        for (i, key) in keys.iter().enumerate() {
            out.write_all(&key.bytes).expect("write to the pty");
            if key.lone_escape && i + 1 < keys.len() {
                std::thread::sleep(ESCAPE_PAUSE);
            }
        }
    }

    /// Writes raw bytes, as a paste or a terminal reply would arrive.
    pub fn send_bytes(&self, bytes: &[u8]) {
        let mut out: &Pty = self.pty.as_ref().expect("send after close_pty");
        out.write_all(bytes).expect("write to the pty");
    }

    /// Blocks until `cond` holds on the screen; fails after `timeout`, or as soon as the
    /// program's terminal is gone, with the screen in the message.
    pub fn wait_for(&self, cond: impl Condition, timeout: Duration) -> Result<(), String> {
        self.wait_for_at(cond, timeout).map(|_| ())
    }

    /// [`Term::wait_for`], returning when the output that satisfied `cond` was processed
    /// (for measurements, independent of how late the waiting thread woke up).
    pub fn wait_for_at(&self, cond: impl Condition, timeout: Duration) -> Result<Instant, String> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            if cond.met(state.parser.screen()) {
                return Ok(state.last_update);
            }
            let why = if state.eof {
                Some("the terminal closed".to_string())
            } else if Instant::now() >= deadline {
                Some(format!("timed out after {timeout:?}"))
            } else {
                None
            };
            if let Some(why) = why {
                return Err(format!(
                    "waiting for {}: {why}; screen:\n{}",
                    cond.describe(),
                    framed(&state.parser.screen().contents())
                ));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .map(|(s, _)| s)
                .unwrap_or_else(|poisoned| {
                    let (s, _) = poisoned.into_inner();
                    s
                });
        }
    }

    /// Blocks until the program has written nothing for `quiet`, counted from the later of
    /// its last output and this call (so after sending keys it waits for the answer to
    /// finish, not just for old silence); fails after `timeout` with the screen.
    pub fn wait_quiet(&self, quiet: Duration, timeout: Duration) -> Result<(), String> {
        let called = Instant::now();
        let deadline = called + timeout;
        let mut state = self.shared.lock();
        loop {
            let now = Instant::now();
            let silent_until = state.last_update.max(called) + quiet;
            if now >= silent_until || state.eof {
                return Ok(());
            }
            if now >= deadline {
                return Err(format!(
                    "output never paused for {quiet:?} within {timeout:?}; screen:\n{}",
                    framed(&state.parser.screen().contents())
                ));
            }
            let left = silent_until.min(deadline) - now;
            state = match self.shared.changed.wait_timeout(state, left) {
                Ok((s, _)) => s,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// The screen as text, one line per row (trailing blanks trimmed).
    pub fn screen_text(&self) -> String {
        self.shared.lock().parser.screen().contents()
    }

    /// Runs `f` on the emulated screen (cells, colours, cursor).
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(self.shared.lock().parser.screen())
    }

    /// Is the program in the alternate screen?
    pub fn alternate_screen(&self) -> bool {
        self.with_screen(vt100::Screen::alternate_screen)
    }

    /// Has the program hidden the cursor?
    pub fn cursor_hidden(&self) -> bool {
        self.with_screen(vt100::Screen::hide_cursor)
    }

    /// When the program last wrote anything (its spawn time if it has not yet).
    pub fn last_output_at(&self) -> Instant {
        self.shared.lock().last_update
    }

    /// Bytes the program has written to the terminal so far.
    pub fn bytes_read(&self) -> u64 {
        self.shared.lock().bytes
    }

    /// Frames begun in synchronized output (`CSI ? 2026 h`) so far.
    pub fn sync_frames(&self) -> u64 {
        self.shared.lock().parser.callbacks().sync_frames
    }

    /// Changes the terminal size (the program gets SIGWINCH).
    pub fn resize(&self, cols: u16, rows: u16) {
        let mut state = self.shared.lock();
        state.parser.screen_mut().set_size(rows, cols);
        if let Some(pty) = &self.pty {
            pty.resize(pty_process::Size::new(rows, cols))
                .expect("resize the pty");
        }
    }

    /// Sends `signal` to the program with the system `kill`; does nothing once it was reaped.
    pub fn signal(&self, signal: Signal) {
        let sent = self.try_signal(signal);
        assert!(
            sent || self.exited(),
            "kill -{} {} failed",
            signal.name(),
            self.pid
        );
    }

    fn try_signal(&self, signal: Signal) -> bool {
        if self.exited() {
            return true;
        }
        let _fork = FORK_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        std::process::Command::new("kill")
            .arg(format!("-{}", signal.name()))
            .arg(self.pid.to_string())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Closes the terminal side of the pty, as when the terminal window goes away: the
    /// kernel hangs up the program's terminal (SIGHUP, reads fail). Joins the reader.
    pub fn close_pty(&mut self) {
        if let Some(mut wake) = self.wake.take() {
            let _ = wake.write_all(b"x");
        }
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.pty = None;
        self.shared.lock().eof = true;
        self.shared.changed.notify_all();
    }

    /// Waits for the program to exit and, unless the pty was closed, for its last output to
    /// reach the screen; `None` if it is still running after `timeout`.
    pub fn wait_exit(&self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            if let (Some(status), true) = (state.status, state.eof) {
                return Some(status);
            }
            let now = Instant::now();
            if now >= deadline {
                // Exited but some descendant still holds the terminal: report the exit.
                return state.status;
            }
            state = match self.shared.changed.wait_timeout(state, deadline - now) {
                Ok((s, _)) => s,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Has the program exited (been reaped)?
    pub fn exited(&self) -> bool {
        self.shared.lock().status.is_some()
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        self.try_signal(Signal::Kill);
        self.close_pty();
    }
}

/// Reads the pty until the program's side closes or `wake` says we close ours.
fn read_loop(pty: &Pty, wake: &PipeReader, shared: &Shared) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let mut fds = [
            PollFd::new(pty, PollFlags::IN),
            PollFd::new(wake, PollFlags::IN),
        ];
        match rustix::event::poll(&mut fds, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => break,
        }
        if !fds[1].revents().is_empty() {
            return; // close_pty: drop our handle without marking anything
        }
        let n = match rustix::io::read(pty, &mut buf) {
            Err(rustix::io::Errno::INTR) => continue,
            Ok(0) | Err(_) => break, // EIO once the program's side is closed
            Ok(n) => n,
        };
        let replies = {
            let mut state = shared.lock();
            state.parser.process(&buf[..n]);
            state.bytes += n as u64;
            state.last_update = Instant::now();
            std::mem::take(&mut state.parser.callbacks_mut().replies)
        };
        shared.changed.notify_all();
        if !replies.is_empty() {
            let mut out = pty;
            let _ = out.write_all(&replies);
        }
    }
    shared.lock().eof = true;
    shared.changed.notify_all();
}

/// The screen between rulers, for failure messages.
fn framed(contents: &str) -> String {
    format!("----\n{contents}\n----")
}
