//! Words of the log viewer and of the streams that feed it.

// The log view.
pub const LOG_FOLLOWING: &str = "FOLLOWING";
pub const STREAM_CONNECTING: &str = "connecting…";
pub const STREAM_LIVE: &str = "live";

/// A followed stream waits to reconnect.
pub fn stream_reconnecting(secs: i64, reason: &str) -> String {
    if reason.is_empty() {
        format!("reconnecting in {secs} s")
    } else {
        format!("reconnecting in {secs} s ({reason})")
    }
}

/// A followed stream stopped for good.
pub fn stream_failed(reason: &str) -> String {
    format!("stopped: {reason}")
}

/// A re-sync of a provisioning run failed (the stream goes on).
pub fn resync_failed(why: &str) -> String {
    format!("re-sync failed: {why}")
}

/// A provisioning run reached its end with `status`.
pub fn run_finished(status: &str) -> String {
    format!("run {status}")
}

/// `L` on an Application nothing is moving.
pub fn no_operation(app: &str) -> String {
    format!("{app} has no install or update under way")
}

/// An operation's log reached its end.
pub fn operation_finished(outcome: &str) -> String {
    format!("operation {outcome}")
}

/// The title of an operation's log.
pub fn operation_log_title(id: &str, what: &str) -> String {
    if what.is_empty() {
        format!("operation {id} › log")
    } else {
        format!("{what} › log")
    }
}
pub const LOG_PAUSED: &str = "PAUSED";
pub const LOG_WRAP: &str = "wrap";
pub const NO_LOG_LINES: &str = "No log lines yet.";
pub const NO_LOG_LINES_NEXT: &str = "Lines appear here as the stream sends them.";
pub const NO_LOG_LINE_PASSES: &str = "No line passes the filters.";
pub const NO_LOG_LINE_PASSES_NEXT: &str =
    "Change the level, phase or component filter to see more.";

/// Lines that arrived while the log view was paused.
pub fn new_lines(n: u64) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} new line{s}", crate::widgets::text::thousands(n))
}

/// The marker above the oldest line a log buffer still holds.
pub fn lines_dropped(ellipsis: &str, n: u64, capacity: usize) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!(
        "{ellipsis} {} earlier line{s} dropped (buffer holds {})",
        crate::widgets::text::thousands(n),
        crate::widgets::text::thousands(capacity as u64)
    )
}

/// How many lines a log shows, of how many it holds.
pub fn log_lines(shown: usize, held: usize) -> String {
    let t = crate::widgets::text::thousands;
    let s = if held == 1 { "" } else { "s" };
    if shown == held {
        format!("{} line{s}", t(held as u64))
    } else {
        format!("{} of {} line{s}", t(shown as u64), t(held as u64))
    }
}

/// A log filter in the header (`level warn+`, `phase tofu-apply`).
pub fn log_filter(what: &str, value: &str) -> String {
    format!("{what} {value}")
}

/// A log saved to a file.
pub fn log_saved(path: &str, lines: usize) -> String {
    let s = if lines == 1 { "" } else { "s" };
    format!(
        "Saved {} line{s} to {path}.",
        crate::widgets::text::thousands(lines as u64)
    )
}

/// A log that could not be saved.
pub fn log_not_saved(path: &str, error: &str) -> String {
    format!("Could not save the log to {path}: {error}")
}
