//! The async state of anything a view fetches: loading, ready, or one of the ways it can
//! fail, each rendered distinctly (`widgets::load`). Pure data: no I/O, no clock reads.

use chrono::{DateTime, Utc};

use crate::api::ApiError;
use crate::effect::RequestId;

/// How long to wait before retrying a 429 that gave no `Retry-After`.
pub const DEFAULT_RETRY_SECS: i64 = 5;

/// Why something could not be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// 403: what was refused, and the role that would allow it when the server says.
    Restricted {
        message: String,
        required: Option<String>,
    },
    /// 429: retried automatically at `until`.
    RateLimited {
        until: DateTime<Utc>,
        request_id: Option<String>,
    },
    /// 401 that refreshing did not cure: sign in again, the view is kept.
    SessionExpired,
    /// The item is not there (any more).
    NotFound { message: String },
    /// The Sovereign's API has no such data at all (catalyst-api): said, never retried.
    NotOffered { message: String },
    /// Anything else: a message for people, the request id, and the retry key.
    Error {
        message: String,
        request_id: Option<String>,
    },
}

impl Problem {
    /// The problem in one sentence, for a line inside a view (a re-sync, a retry).
    pub fn sentence(&self) -> String {
        match self {
            Problem::Error { message, .. }
            | Problem::NotFound { message }
            | Problem::NotOffered { message }
            | Problem::Restricted { message, .. } => message.clone(),
            Problem::RateLimited { .. } => crate::words::rate_limited(0),
            Problem::SessionExpired => crate::words::SIGN_IN_HINT.to_string(),
        }
    }

    /// Classifies a failed fetch; `now` sets the rate-limit deadline.
    pub fn from_error(error: &ApiError, now: DateTime<Utc>) -> Problem {
        let request_id = error.request_id().map(str::to_string);
        match error {
            ApiError::SessionExpired { .. } | ApiError::NotSignedIn => Problem::SessionExpired,
            ApiError::Restricted { required, .. } => Problem::Restricted {
                message: error.to_string(),
                required: required.clone(),
            },
            ApiError::RateLimited { retry_after, .. } => {
                let wait = retry_after
                    .and_then(|d| chrono::Duration::from_std(d).ok())
                    .unwrap_or_else(|| chrono::Duration::seconds(DEFAULT_RETRY_SECS));
                Problem::RateLimited {
                    until: now + wait,
                    request_id,
                }
            }
            ApiError::NotFound { .. } => Problem::NotFound {
                message: error.to_string(),
            },
            // Asking again cannot help: no retry.
            ApiError::NotOffered { .. } => Problem::NotOffered {
                message: error.to_string(),
            },
            _ => Problem::Error {
                message: error.to_string(),
                request_id,
            },
        }
    }
}

/// The async state of one fetched thing.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load<T> {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// Waiting for `request`; `stale` keeps what was shown before (a refresh).
    Loading {
        request: RequestId,
        stale: Option<T>,
    },
    Ready(T),
    Failed(Problem),
}

impl<T> Load<T> {
    /// What there is to show: the data, or the data being refreshed.
    pub fn value(&self) -> Option<&T> {
        match self {
            Load::Ready(v) => Some(v),
            Load::Loading { stale: Some(v), .. } => Some(v),
            _ => None,
        }
    }

    /// Mutable access to what is shown.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Load::Ready(v) => Some(v),
            Load::Loading { stale: Some(v), .. } => Some(v),
            _ => None,
        }
    }

    /// Whether this waits for `request`.
    pub fn awaits(&self, request: RequestId) -> bool {
        matches!(self, Load::Loading { request: r, .. } if *r == request)
    }

    /// Starts waiting for `request`, keeping what is shown.
    pub fn start(&mut self, request: RequestId) {
        let stale = match std::mem::take(self) {
            Load::Ready(v) => Some(v),
            Load::Loading { stale, .. } => stale,
            _ => None,
        };
        *self = Load::Loading { request, stale };
    }

    /// The problem, if it failed.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Load::Failed(p) => Some(p),
            _ => None,
        }
    }

    /// Whether a read is under way (its answer will settle this).
    pub fn in_flight(&self) -> bool {
        matches!(self, Load::Loading { .. })
    }

    /// Whether a rate-limit countdown or a loading spinner is on show (the loop then
    /// wakes up to animate it).
    pub fn animates(&self) -> bool {
        matches!(
            self,
            Load::Loading { stale: None, .. } | Load::Failed(Problem::RateLimited { .. })
        )
    }

    /// Applies an answer for `request`; `false` if it was not the one awaited (stale).
    pub fn settle<E>(
        &mut self,
        request: RequestId,
        result: Result<T, E>,
        problem: impl FnOnce(E) -> Problem,
    ) -> bool {
        if !self.awaits(request) {
            return false;
        }
        *self = match result {
            Ok(v) => Load::Ready(v),
            Err(e) => Load::Failed(problem(e)),
        };
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_request_wins_and_refresh_keeps_the_data() {
        let mut l: Load<u32> = Load::Idle;
        l.start(RequestId(1));
        l.start(RequestId(2));
        assert!(!l.settle(RequestId(1), Ok::<_, ()>(7), |_| Problem::SessionExpired));
        assert_eq!(l.value(), None);
        assert!(l.settle(RequestId(2), Ok::<_, ()>(8), |_| Problem::SessionExpired));
        assert_eq!(l, Load::Ready(8));
        l.start(RequestId(3));
        assert_eq!(l.value(), Some(&8), "a refresh keeps showing the data");
        assert!(!l.animates(), "a refresh with data on screen does not spin");
        assert!(l.settle(RequestId(3), Err(()), |_| Problem::SessionExpired));
        assert_eq!(l.problem(), Some(&Problem::SessionExpired));
    }

    #[test]
    fn rate_limits_count_down_from_retry_after() {
        let now = DateTime::<Utc>::from_timestamp(1_000, 0).unwrap_or_default();
        let e = ApiError::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(7)),
            detail: String::new(),
            request_id: Some("r-1".into()),
        };
        assert_eq!(
            Problem::from_error(&e, now),
            Problem::RateLimited {
                until: now + chrono::Duration::seconds(7),
                request_id: Some("r-1".into())
            }
        );
        let e = ApiError::RateLimited {
            retry_after: None,
            detail: String::new(),
            request_id: None,
        };
        let Problem::RateLimited { until, .. } = Problem::from_error(&e, now) else {
            panic!()
        };
        assert_eq!(until, now + chrono::Duration::seconds(DEFAULT_RETRY_SECS));
    }
}
