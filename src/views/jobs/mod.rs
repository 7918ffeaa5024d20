//! The jobs of a provisioning run (CONTRACT A: jobs, batches, one job with its
//! executions, an execution's log lines), three views deep:
//!
//! - [`list`]: [`JobsView`], the batches' progress and the jobs table, with a `/` filter;
//!   Enter opens a job.
//! - [`detail`]: [`JobView`], one job's fields and its executions, newest first; Enter
//!   opens an execution's log.
//! - [`execution`]: [`ExecutionLogView`], one execution's lines in the one log viewer
//!   ([`crate::views::logs::LogView`]), read page by page until the service's total and,
//!   while the execution runs, polled for new lines.
//! - [`poll`]: the refresh timer each of them keeps, and how a polled read settles.
//! - [`render`]: drawing the jobs table and the job detail; [`marks`]: the status
//!   marks, times and "refreshed" note they share with the execution log.
//!
//! The service offers no stream for any of this, so these views poll, and only while on
//! top of the route stack: a view arms one timer ([`crate::msg::Msg::Poll`] with a token
//! drawn from the request counter) after each answer; `update` hands a timer that comes
//! due to the top view only, drops timers a covered view asks for, and tells a view
//! revealed by Back ([`crate::views::View::on_reveal`]) so it reads again and re-arms. A
//! view acts on the token it armed last and on no other, so it never has two timers
//! running, and a stale answer is dropped by its request id ([`Load`]).
//!
//! Must not call the network or read the clock: time comes in through [`Cx`].
//!
//! [`Load`]: crate::state::load::Load
//! [`Cx`]: crate::views::Cx

pub mod detail;
pub mod execution;
pub mod list;
mod marks;
pub mod poll;
mod render;

#[cfg(test)]
mod tests;

pub use detail::{JobRetry, JobView};
pub use execution::ExecutionLogView;
pub use list::{JobsData, JobsView};
pub use poll::Poller;

/// The job name in a job id (`<deployment>:<jobName>`), or the id when it has no colon.
pub fn job_name(job: &str) -> &str {
    job.split_once(':').map_or(job, |(_, name)| name)
}
