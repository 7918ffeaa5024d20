//! Where `follow` writes: stdout for the server's events (buffered, flushed by the
//! caller once a burst is written), stderr for notes, and the signals that stop it.
//! Must not: format events (`render`) or decide exit codes (`drive`).

use std::io::{self, Write};

use super::drive::Exit;
use super::render::{Colour, Format};

/// Prefix of every note on stderr.
const NOTE: &str = "follow: ";

/// Which signal stopped the follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    Int,
    Term,
}

/// SIGINT and SIGTERM, registered when created (so a signal that comes before anyone
/// waits is not lost and does not kill the process).
pub struct Interrupts {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Default for Interrupts {
    fn default() -> Self {
        Self::new()
    }
}

impl Interrupts {
    /// Registers the handlers (inside a tokio runtime).
    pub fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::interrupt())
                .and_then(|int| Ok((int, signal(SignalKind::terminate())?)))
                .ok();
            Self { signals }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// The next signal.
    pub async fn recv(&mut self) -> Interrupt {
        #[cfg(unix)]
        if let Some((int, term)) = &mut self.signals {
            return tokio::select! {
                _ = int.recv() => Interrupt::Int,
                _ = term.recv() => Interrupt::Term,
            };
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_ok() {
            return Interrupt::Int;
        }
        std::future::pending().await
    }
}

/// Where lines and notes go.
pub struct Printer<O: Write, E: Write> {
    out: O,
    err: E,
    pub format: Format,
    pub colour: Colour,
    /// No notes about the connection (the final outcome and errors are still told).
    pub quiet: bool,
}

impl<O: Write, E: Write> Printer<O, E> {
    pub fn new(out: O, err: E, format: Format, colour: Colour, quiet: bool) -> Self {
        Self {
            out,
            err,
            format,
            colour,
            quiet,
        }
    }

    /// One line of the server's stream on stdout.
    pub fn line(&mut self, text: &str) -> Result<(), Exit> {
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(output_error)
    }

    pub fn flush(&mut self) -> Result<(), Exit> {
        self.out.flush().map_err(output_error)
    }

    /// A note about the connection (silenced by `--quiet`).
    pub fn state(&mut self, text: &str) {
        if !self.quiet {
            self.say(text);
        }
    }

    /// A note that is always told. Stdout is flushed first so that, on one terminal,
    /// notes appear where they happened.
    pub fn say(&mut self, text: &str) {
        let _ = self.out.flush();
        let _ = writeln!(self.err, "{NOTE}{text}");
        let _ = self.err.flush();
    }

    /// Takes the writers back (tests read what was written).
    pub fn into_parts(self) -> (O, E) {
        (self.out, self.err)
    }
}

fn output_error(e: io::Error) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Exit::OutputClosed
    } else {
        Exit::CannotFollow(format!("could not write to stdout: {e}"))
    }
}
