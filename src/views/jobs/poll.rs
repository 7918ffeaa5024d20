//! The refresh timer of a polled view and how a polled read settles.
//!
//! A [`Poller`] remembers the token of the one timer that counts: arming again replaces
//! it, so a timer armed before (still sleeping in the runner) is stale when it comes due
//! and does nothing. It also keeps when the data on screen was read and why the last
//! refresh failed, for the view to show.
//!
//! Pure data: the timer itself is an [`Effect::After`] the runner carries out.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::api::ApiError;
use crate::effect::{Effect, RequestId};
use crate::msg::{Data, Msg};
use crate::state::load::{Load, Problem};
use crate::views::Cx;
use crate::words;

/// How often the jobs and a job's detail are read again while on top.
pub const JOBS_EVERY: Duration = Duration::from_secs(3);
/// How often a running execution's log is asked for new lines while on top.
pub const LOG_EVERY: Duration = Duration::from_secs(2);

/// One view's refresh timer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poller {
    every: Duration,
    /// The token of the timer armed last; any other token is stale.
    armed: Option<u64>,
    /// When the data on screen was read.
    pub refreshed: Option<DateTime<Utc>>,
    /// Why the last refresh failed, while older data stays on screen.
    pub failed: Option<String>,
}

impl Poller {
    /// A timer that comes due `every` after each read.
    pub fn new(every: Duration) -> Poller {
        Poller {
            every,
            armed: None,
            refreshed: None,
            failed: None,
        }
    }

    /// How often the view reads again.
    pub fn every(&self) -> Duration {
        self.every
    }

    /// The token of the timer that counts, if one is armed.
    pub fn armed(&self) -> Option<u64> {
        self.armed
    }

    /// Arms the timer to come due after `after`; a timer armed before no longer counts.
    pub fn arm_after(&mut self, after: Duration, cx: &mut Cx) -> Effect {
        *cx.next_request += 1;
        let token = *cx.next_request;
        self.armed = Some(token);
        Effect::After {
            after,
            msg: Box::new(Msg::Poll { token }),
        }
    }

    /// Arms the timer for the usual interval.
    pub fn arm(&mut self, cx: &mut Cx) -> Effect {
        self.arm_after(self.every, cx)
    }

    /// Whether `token` is the timer armed last; it is then used up.
    pub fn due(&mut self, token: u64) -> bool {
        if self.armed == Some(token) {
            self.armed = None;
            true
        } else {
            false
        }
    }

    /// No timer counts any more (nothing is left to poll for).
    pub fn disarm(&mut self) {
        self.armed = None;
    }

    /// A read succeeded at `now`.
    pub fn read(&mut self, now: DateTime<Utc>) {
        self.refreshed = Some(now);
        self.failed = None;
    }

    /// A read failed with `problem`: the effects that keep polling, if it should go on. A
    /// transient error is tried again at the usual interval; a rate limit when its wait is
    /// over, by this timer while older data stays on screen (`kept`), otherwise by
    /// `update`'s own retry of the view's problem; a missing thing, a refusal or an
    /// expired session are not tried again.
    pub fn failed(&mut self, problem: &Problem, kept: bool, cx: &mut Cx) -> Vec<Effect> {
        match problem {
            Problem::Error { message, .. } => {
                self.failed = Some(message.clone());
                vec![self.arm(cx)]
            }
            Problem::RateLimited { until, .. } => {
                let wait = (*until - cx.now).to_std().unwrap_or_default();
                self.failed = Some(words::rate_limited(wait.as_secs().max(1) as i64));
                if kept {
                    vec![self.arm_after(wait.max(self.every), cx)]
                } else {
                    self.disarm();
                    Vec::new()
                }
            }
            Problem::NotFound { message }
            | Problem::NotOffered { message }
            | Problem::Restricted { message, .. } => {
                self.failed = Some(message.clone());
                self.disarm();
                Vec::new()
            }
            Problem::SessionExpired => {
                self.failed = Some(words::SIGN_IN_HINT.to_string());
                self.disarm();
                Vec::new()
            }
        }
    }
}

/// Settles a polled `load` with the answer to `request` (`None` when it did not wait for
/// it): new data replaces what is shown; a transient failure (an error, a rate limit) with
/// data on screen keeps the data and notes why, since the next read may cure it; any
/// other failure is the view's problem. Returns the effects: the next timer while polling
/// goes on.
pub fn settle_polled<T>(
    load: &mut Load<T>,
    poller: &mut Poller,
    request: RequestId,
    result: &Result<Data, ApiError>,
    cx: &mut Cx,
    pick: impl FnOnce(&Data) -> Option<T>,
) -> Option<Vec<Effect>> {
    if !load.awaits(request) {
        return None;
    }
    let now = cx.now;
    let problem = match result {
        Ok(data) => match pick(data) {
            Some(value) => {
                *load = Load::Ready(value);
                poller.read(now);
                return Some(vec![poller.arm(cx)]);
            }
            None => Problem::Error {
                message: words::UNEXPECTED_ANSWER.to_string(),
                request_id: None,
            },
        },
        Err(e) => Problem::from_error(e, now),
    };
    let transient = matches!(problem, Problem::Error { .. } | Problem::RateLimited { .. });
    let kept = transient && load.value().is_some();
    let effects = poller.failed(&problem, kept, cx);
    *load = match std::mem::take(load) {
        Load::Loading {
            stale: Some(value), ..
        } if kept => Load::Ready(value),
        _ => Load::Failed(problem),
    };
    Some(effects)
}
