//! Running one follow to its end: the follower task's messages become lines on stdout
//! (exactly the server's events, nothing else) and notes on stderr (reconnecting, connected
//! again, re-sync failures, the final state); the end becomes an exit code.
//!
//! Owns: the exit-code rules (0 ready / succeeded / interrupted live events, 1 a failed
//! run or operation, 2 when the stream cannot be followed, 130/143 when a run's follow
//! is interrupted), giving up after N failed connection attempts, and flushing stdout
//! once a burst has been written.
//! Must not: decide formats (`render`) or where to connect (`connect`).

use std::io::Write;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::output::{Interrupt, Interrupts, Printer};
use super::render::{self, Colour, Format};
use crate::api::follow::{DeploymentMsg, LiveMsg, OperationMsg};
use crate::api::sse::StreamStatus;
use crate::model::{DeploymentState, DeploymentStatus, LiveEvent, OperationDone};

/// How a follow ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The run ended `ready`, the operation succeeded, or live events were stopped.
    Success,
    /// The run ended `failed`, or the operation's outcome was not a success.
    RunFailed,
    /// The stream could not be followed; why, in words for people.
    CannotFollow(String),
    /// SIGINT or SIGTERM before the end.
    Interrupted(Interrupt),
    /// Whoever read stdout went away (e.g. `| head`): nothing more to do.
    OutputClosed,
}

impl Exit {
    /// The process exit code.
    pub fn code(&self) -> i32 {
        match self {
            Exit::Success | Exit::OutputClosed => 0,
            Exit::RunFailed => 1,
            Exit::CannotFollow(_) => 2,
            Exit::Interrupted(Interrupt::Int) => 130,
            Exit::Interrupted(Interrupt::Term) => 143,
        }
    }
}

/// What a connection state means for the person watching, and when to give up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// Failed connection attempts in a row tolerated (0: never give up).
    give_up_after: u32,
    reconnecting: bool,
    /// Why the stream gave up, as the stream said it.
    pub failure: Option<String>,
}

/// What to do about a connection state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Nothing,
    Note(String),
    GiveUp(String),
}

impl Watch {
    pub fn new(give_up_after: u32) -> Self {
        Self {
            give_up_after,
            reconnecting: false,
            failure: None,
        }
    }

    /// `resyncs`: the stream re-reads the whole list after reconnecting (provisioning).
    pub fn status(&mut self, status: &StreamStatus, resyncs: bool) -> Seen {
        match status {
            StreamStatus::Connecting { .. } | StreamStatus::Ended => Seen::Nothing,
            StreamStatus::Live if self.reconnecting => {
                self.reconnecting = false;
                Seen::Note(if resyncs {
                    "connected again; re-syncing from the event list".into()
                } else {
                    "connected again; resuming after the last event received".into()
                })
            }
            StreamStatus::Live => Seen::Nothing,
            StreamStatus::Unauthorized => {
                Seen::Note("the server refused the token (401); trying a fresh one".into())
            }
            StreamStatus::Reconnecting {
                in_,
                attempt,
                reason,
            } => {
                self.reconnecting = true;
                let failed = attempt.saturating_sub(1);
                if self.give_up_after > 0 && failed >= self.give_up_after {
                    Seen::GiveUp(format!(
                        "gave up after {failed} failed connection attempt{}: {reason}",
                        if failed == 1 { "" } else { "s" }
                    ))
                } else {
                    Seen::Note(format!(
                        "reconnecting in {} (attempt {attempt}): {reason}",
                        seconds(*in_)
                    ))
                }
            }
            StreamStatus::Failed { reason } => {
                self.failure = Some(reason.clone());
                Seen::Nothing
            }
        }
    }
}

/// `1 s`, `1.5 s`, `30 s`.
pub fn seconds(d: Duration) -> String {
    let tenths = (d.as_secs_f64() * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0} s")
    } else {
        format!("{tenths:.1} s")
    }
}

/// The exit of a finished run and the sentence that says so.
pub fn deployment_end(state: &DeploymentState) -> (Exit, String) {
    let id = &state.id;
    match *state.status {
        DeploymentStatus::Ready => {
            let mut s = format!("deployment {id} is ready");
            let outcome = state.result.as_ref().and_then(|r| r.phase1_outcome);
            let components = state
                .component_states
                .as_ref()
                .or_else(|| state.result.as_ref()?.component_states.as_ref());
            if let Some(o) = outcome {
                s.push_str(&format!(" (phase 1: {o})"));
            }
            if let Some(c) = components {
                let short = c.values().filter(|v| v.as_str() != "installed").count();
                if short > 0 {
                    s.push_str(&format!(
                        "; {short} of {} components not installed",
                        c.len()
                    ));
                }
            }
            (Exit::Success, s)
        }
        DeploymentStatus::Failed => {
            let why = state.error.as_deref().unwrap_or("no reason given");
            (
                Exit::RunFailed,
                format!(
                    "deployment {id} failed: {}",
                    render::clean(why, Colour::Strip)
                ),
            )
        }
        other => (
            Exit::CannotFollow(format!(
                "the stream ended while deployment {id} was still {}",
                if other == DeploymentStatus::Unknown {
                    state.status.to_string()
                } else {
                    other.to_string()
                }
            )),
            String::new(),
        ),
    }
}

/// The exit of a finished operation and the sentence that says so.
pub fn operation_end(done: &OperationDone) -> (Exit, String) {
    let outcome = render::clean(&done.outcome, Colour::Strip);
    let text = format!("operation {} {outcome}", done.operation_id);
    if done.outcome == "succeeded" {
        (Exit::Success, text)
    } else {
        (Exit::RunFailed, text)
    }
}

/// The next message of a follower, or why there is none.
enum Next<M> {
    Msg(M),
    Closed,
    Interrupted(Interrupt),
}

async fn next<M>(rx: &mut mpsc::Receiver<M>, interrupts: &mut Interrupts) -> Next<M> {
    tokio::select! {
        i = interrupts.recv() => Next::Interrupted(i),
        m = rx.recv() => m.map_or(Next::Closed, Next::Msg),
    }
}

/// What a follow loop needs besides its channel.
pub struct Drive<'a, O: Write, E: Write> {
    pub printer: &'a mut Printer<O, E>,
    pub interrupts: &'a mut Interrupts,
    pub cancel: CancellationToken,
    pub watch: Watch,
}

impl<O: Write, E: Write> Drive<'_, O, E> {
    fn seen(&mut self, status: &StreamStatus, resyncs: bool) -> Result<(), Exit> {
        match self.watch.status(status, resyncs) {
            Seen::Nothing => Ok(()),
            Seen::Note(n) => {
                self.printer.state(&n);
                Ok(())
            }
            Seen::GiveUp(why) => Err(Exit::CannotFollow(why)),
        }
    }

    fn flush_if_idle<M>(&mut self, rx: &mpsc::Receiver<M>) -> Result<(), Exit> {
        if rx.is_empty() {
            self.printer.flush()?;
        }
        Ok(())
    }

    fn finish(&mut self, exit: Exit) -> Exit {
        self.cancel.cancel();
        let flushed = self.printer.flush();
        match (exit, flushed) {
            (Exit::OutputClosed, _) => Exit::OutputClosed,
            (_, Err(e)) => e,
            (exit, Ok(())) => exit,
        }
    }

    /// Prints a provisioning run until its final State.
    pub async fn deployment(&mut self, mut rx: mpsc::Receiver<DeploymentMsg>) -> Exit {
        let exit = loop {
            let msg =
                match next(&mut rx, self.interrupts).await {
                    Next::Msg(m) => m,
                    Next::Interrupted(i) => break Exit::Interrupted(i),
                    Next::Closed => {
                        break Exit::CannotFollow(self.watch.failure.take().unwrap_or_else(|| {
                            "the stream ended without a final state".to_string()
                        }));
                    }
                };
            let step = match msg {
                DeploymentMsg::Event(ev) => {
                    let text = match self.printer.format {
                        Format::Text => render::deployment_line(&ev, self.printer.colour),
                        Format::Json => render::deployment_json(&ev),
                    };
                    self.printer.line(&text)
                }
                DeploymentMsg::Status(s) => self.seen(&s, true),
                // After the stream gave up, the last re-sync failing is part of the
                // same story: the final reason says it.
                DeploymentMsg::ResyncFailed(_) if self.watch.failure.is_some() => Ok(()),
                DeploymentMsg::ResyncFailed(why) => {
                    self.printer
                        .state(&format!("re-sync failed (tried again later): {why}"));
                    Ok(())
                }
                DeploymentMsg::Done(state) => {
                    let _ = self.printer.flush();
                    let (exit, text) = deployment_end(&state);
                    if !text.is_empty() {
                        self.printer.say(&text);
                    }
                    break exit;
                }
                DeploymentMsg::Failed(why) => {
                    break Exit::CannotFollow(self.watch.failure.take().unwrap_or(why));
                }
            };
            if let Err(exit) = step.and_then(|()| self.flush_if_idle(&rx)) {
                break exit;
            }
        };
        self.finish(exit)
    }

    /// Prints an operation's log until its `done`.
    pub async fn operation(&mut self, mut rx: mpsc::Receiver<OperationMsg>) -> Exit {
        let exit =
            loop {
                let msg =
                    match next(&mut rx, self.interrupts).await {
                        Next::Msg(m) => m,
                        Next::Interrupted(i) => break Exit::Interrupted(i),
                        Next::Closed => {
                            break Exit::CannotFollow(self.watch.failure.take().unwrap_or_else(
                                || "the log ended without an outcome".to_string(),
                            ));
                        }
                    };
                let step = match msg {
                    OperationMsg::Line(line) => {
                        let text = match self.printer.format {
                            Format::Text => render::operation_line(&line, self.printer.colour),
                            Format::Json => render::operation_json(&line),
                        };
                        self.printer.line(&text)
                    }
                    OperationMsg::Status(s) => self.seen(&s, false),
                    OperationMsg::Done(done) => {
                        let _ = self.printer.flush();
                        let (exit, text) = operation_end(&done);
                        self.printer.say(&text);
                        break exit;
                    }
                };
                if let Err(exit) = step.and_then(|()| self.flush_if_idle(&rx)) {
                    break exit;
                }
            };
        self.finish(exit)
    }

    /// Prints live events until a signal (success) or the stream gives up.
    pub async fn events(&mut self, mut rx: mpsc::Receiver<LiveMsg>) -> Exit {
        let exit = loop {
            let msg = match next(&mut rx, self.interrupts).await {
                Next::Msg(m) => m,
                Next::Interrupted(_) => break Exit::Success,
                Next::Closed => {
                    break Exit::CannotFollow(
                        self.watch
                            .failure
                            .take()
                            .unwrap_or_else(|| "the event stream ended".to_string()),
                    );
                }
            };
            let step = match msg {
                LiveMsg::Event { id, event } => {
                    if event == LiveEvent::Reset {
                        self.printer.say(
                            "events were missed: the server's replay log no longer covers \
                             the gap (re-list what you keep)",
                        );
                    }
                    let text = match self.printer.format {
                        Format::Text => render::event_line(id, &event),
                        Format::Json => render::event_json(id, &event),
                    };
                    self.printer.line(&text)
                }
                LiveMsg::Undecodable { kind, reason } => {
                    self.printer.say(&format!(
                        "skipped a {} event that could not be read: {}",
                        render::clean(&kind, Colour::Strip),
                        render::clean(&reason, Colour::Strip)
                    ));
                    Ok(())
                }
                LiveMsg::Status(s) => self.seen(&s, false),
            };
            if let Err(exit) = step.and_then(|()| self.flush_if_idle(&rx)) {
                break exit;
            }
        };
        self.finish(exit)
    }
}

#[cfg(test)]
mod tests;
