//! The terminal guard: raw mode, alternate screen, bracketed paste and optional mouse
//! capture, entered once and restored on every way out.
//!
//! Owns the enter and leave sequences, a panic hook (installed before the screen is entered)
//! that restores the terminal first and then runs the original hook so the panic message
//! lands on a sane screen, suspending for Ctrl-Z, and handing the terminal to a child
//! process. Restoration is idempotent: leaving twice, or leaving from both the panic hook
//! and `Drop`, is harmless. It must not know application state.
//!
//! Ctrl-Z: in raw mode the key arrives as an event instead of stopping the process, so
//! [`TerminalGuard::suspend`] leaves the screen and stops the process itself. Neither `libc`
//! nor `nix` is a dependency and tokio can only listen for signals, not raise them, so the
//! stop is sent with the system `kill -TSTP <our pid>`; the call returns once the shell's
//! `fg` continues the process, and the screen is entered again.
//!
//! Input while away: crossterm's `EventStream` reads the terminal from a background thread.
//! Drop it before [`TerminalGuard::suspend`] or [`TerminalGuard::run_child`] and create a
//! new one afterwards, or it competes with the child (or the shell) for keystrokes. After
//! either call, [`TerminalGuard::take_redraw`] is true: clear ratatui's `Terminal` so the
//! next frame repaints everything.
//!
//! Signals: [`shutdown_signal`] resolves on SIGTERM, SIGHUP or SIGINT so the loop can quit
//! and let `Drop` restore the terminal.

use std::io::{self, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};

/// How the screen is entered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Capture the mouse (optional; the console never requires it).
    pub mouse: bool,
}

/// Where the sequences go and how raw mode is switched: the real terminal, or a recorder
/// in tests.
pub trait Tty: Write {
    /// Switches raw mode on or off.
    fn set_raw(&mut self, on: bool) -> io::Result<()>;
}

/// The process's own terminal.
#[derive(Debug)]
pub struct StdoutTty(io::Stdout);

impl Write for StdoutTty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Tty for StdoutTty {
    fn set_raw(&mut self, on: bool) -> io::Result<()> {
        if on {
            crossterm::terminal::enable_raw_mode()
        } else {
            crossterm::terminal::disable_raw_mode()
        }
    }
}

/// The enter/leave state machine over any [`Tty`]; each step is tracked so a failure
/// part-way through entering still leaves exactly what was entered.
#[derive(Debug)]
pub struct Screen<T: Tty> {
    tty: T,
    options: Options,
    raw: bool,
    screen: bool,
}

impl<T: Tty> Screen<T> {
    /// A screen not yet entered.
    pub fn new(tty: T, options: Options) -> Screen<T> {
        Screen {
            tty,
            options,
            raw: false,
            screen: false,
        }
    }

    /// Whether any part of the full-screen mode is active.
    pub fn is_active(&self) -> bool {
        self.raw || self.screen
    }

    /// Enters raw mode, the alternate screen, bracketed paste and (if asked) mouse capture.
    /// Entering again while active does nothing.
    pub fn enter(&mut self) -> io::Result<()> {
        if !self.raw {
            self.tty.set_raw(true)?;
            self.raw = true;
        }
        if !self.screen {
            // Marked before writing: a half-written sequence must still be undone.
            self.screen = true;
            execute!(self.tty, EnterAlternateScreen, EnableBracketedPaste, Hide)?;
            if self.options.mouse {
                execute!(self.tty, EnableMouseCapture)?;
            }
        }
        Ok(())
    }

    /// Leaves everything [`Screen::enter`] set up, trying every step even if one fails and
    /// reporting the first failure. Leaving while not active does nothing.
    pub fn leave(&mut self) -> io::Result<()> {
        let mut result = Ok(());
        if self.screen {
            self.screen = false;
            let sequence = if self.options.mouse {
                execute!(
                    self.tty,
                    DisableMouseCapture,
                    DisableBracketedPaste,
                    LeaveAlternateScreen,
                    Show
                )
            } else {
                execute!(self.tty, DisableBracketedPaste, LeaveAlternateScreen, Show)
            };
            result = result.and(sequence);
        }
        if self.raw {
            self.raw = false;
            result = result.and(self.tty.set_raw(false));
        }
        result
    }

    /// The underlying terminal.
    pub fn tty(&self) -> &T {
        &self.tty
    }
}

impl<T: Tty> Drop for Screen<T> {
    fn drop(&mut self) {
        // Nothing useful can be done with a failure while dropping.
        let _ = self.leave();
    }
}

/// Whether the real terminal is in full-screen mode, for the panic hook.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether the real terminal captures the mouse, for the panic hook.
static MOUSE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Restores the real terminal if the console has it; safe to call at any time, any number
/// of times.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mouse = MOUSE.load(Ordering::SeqCst);
        let mut screen = Screen::new(StdoutTty(io::stdout()), Options { mouse });
        screen.raw = true;
        screen.screen = true;
        let _ = screen.leave();
    }
}

/// Installs (once) a panic hook that restores the terminal and then runs the hook that was
/// there before, so the message is printed on the normal screen.
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        let original = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            original(info);
        }));
    });
}

/// The console's hold on the real terminal; dropping it restores the terminal.
#[derive(Debug)]
pub struct TerminalGuard {
    screen: Screen<StdoutTty>,
    redraw: bool,
}

impl TerminalGuard {
    /// Installs the panic hook, then enters full-screen mode on stdout.
    pub fn enter(options: Options) -> io::Result<TerminalGuard> {
        install_panic_hook();
        let mut guard = TerminalGuard {
            screen: Screen::new(StdoutTty(io::stdout()), options),
            redraw: true,
        };
        guard.reenter()?;
        Ok(guard)
    }

    fn reenter(&mut self) -> io::Result<()> {
        MOUSE.store(self.screen.options.mouse, Ordering::SeqCst);
        ACTIVE.store(true, Ordering::SeqCst);
        let result = self.screen.enter();
        self.redraw = true;
        result
    }

    /// Leaves full-screen mode; idempotent.
    pub fn leave(&mut self) -> io::Result<()> {
        ACTIVE.store(false, Ordering::SeqCst);
        self.screen.leave()
    }

    /// Whether the screen must be repainted in full (after entering, resuming or a child),
    /// clearing the flag.
    pub fn take_redraw(&mut self) -> bool {
        std::mem::take(&mut self.redraw)
    }

    /// Ctrl-Z: leaves the screen, stops the process until the shell continues it, then
    /// enters again.
    pub fn suspend(&mut self) -> io::Result<()> {
        self.leave()?;
        let stopped = stop_self();
        let entered = self.reenter();
        stopped.and(entered)
    }

    /// Hands the terminal to `command` (a shell, an editor) with inherited stdio, waits for
    /// it, and takes the terminal back whatever the child did.
    pub fn run_child(&mut self, command: &mut Command) -> io::Result<ExitStatus> {
        self.leave()?;
        let status = command
            .stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status();
        let entered = self.reenter();
        let status = status?;
        entered.map(|()| status)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.leave();
    }
}

/// Sends SIGTSTP to this process; returns after it has been continued.
#[cfg(unix)]
fn stop_self() -> io::Result<()> {
    let pid = std::process::id().to_string();
    let status = Command::new("kill")
        .args(["-TSTP", &pid])
        .status()
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("could not suspend: the kill command failed to start ({e})"),
            )
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "could not suspend: kill exited with {status}"
        )))
    }
}

#[cfg(not(unix))]
fn stop_self() -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "suspending is only possible on Unix",
    ))
}

/// Resolves with the signal's name when SIGTERM, SIGHUP or SIGINT arrives.
#[cfg(unix)]
pub async fn shutdown_signal() -> io::Result<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = hup.recv() => "SIGHUP",
        _ = int.recv() => "SIGINT",
    })
}

#[cfg(test)]
mod tests;
