//! The pieces every jobs view draws alike: a status as a mark and a word styled by the
//! theme's tokens (each mark has its own shape, so it reads without colour), times and
//! durations, and when the data on screen was read. Render-only; the time is passed in.

use chrono::{DateTime, Utc};
use ratatui::text::Span;

use super::poll::Poller;
use crate::model::{AppStatus, ExecutionStatus, Job, JobStatus};
use crate::ui::Ui;
use crate::words;

/// The mark and the token of a job's status; each mark has its own shape so it reads
/// without colour.
fn job_look(ui: &Ui, status: JobStatus) -> (&'static str, &'static str) {
    let g = ui.glyphs;
    match status {
        JobStatus::Succeeded => (g.check, "success"),
        JobStatus::Failed => (g.cross, "status.failed"),
        JobStatus::Running => (g.status(AppStatus::Installing), "status.installing"),
        JobStatus::Pending => (g.status(AppStatus::Paused), "text.dim"),
        JobStatus::Unknown => (g.status(AppStatus::Unknown), "status.unknown"),
    }
}

/// A job's status: its mark and word.
pub(super) fn job_status(ui: &Ui, status: JobStatus) -> Span<'static> {
    let (glyph, token) = job_look(ui, status);
    Span::styled(format!("{glyph} {status}"), ui.style(token))
}

/// An execution's status, marked as the job status of the same name.
pub(super) fn execution_status_mark(ui: &Ui, status: ExecutionStatus) -> Span<'static> {
    let look = match status {
        ExecutionStatus::Succeeded => JobStatus::Succeeded,
        ExecutionStatus::Failed => JobStatus::Failed,
        ExecutionStatus::Running => JobStatus::Running,
        ExecutionStatus::Unknown => JobStatus::Unknown,
    };
    let (glyph, token) = job_look(ui, look);
    Span::styled(format!("{glyph} {status}"), ui.style(token))
}

pub(super) fn parse(time: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A time in a table: the time of day when it is today, else the day and minute.
pub(super) fn short_time(time: Option<&str>, now: DateTime<Utc>) -> String {
    match time.and_then(parse) {
        Some(t) if t.date_naive() == now.date_naive() => t.format("%H:%M:%S").to_string(),
        Some(t) => t.format("%m-%d %H:%M").to_string(),
        None => words::NOT_YET.to_string(),
    }
}

/// A time in full.
pub(super) fn long_time(time: Option<&str>) -> Option<String> {
    time.and_then(parse)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// How long a job took as the service says once it has finished (a job running again
/// keeps the times of its last finish), or how long it has been running at `now`.
pub(super) fn job_duration(job: &Job, now: DateTime<Utc>) -> String {
    match (job.started_at.as_deref().and_then(parse), &job.finished_at) {
        (Some(_), Some(_)) => words::duration(job.duration_ms),
        (Some(started), None) => words::duration((now - started).num_milliseconds().max(0) as u64),
        (None, _) => words::NOT_YET.to_string(),
    }
}

/// When the data was read (`refreshed 10:00:03 UTC, every 3 s` while `polling`), and
/// why the last refresh failed.
pub(super) fn refreshed(poll: &Poller, polling: bool, ui: &Ui) -> Vec<Span<'static>> {
    let dim = ui.style("text.dim");
    let mut spans = Vec::new();
    if let Some(at) = poll.refreshed {
        let every = polling.then(|| poll.every().as_secs());
        spans.push(Span::styled(
            format!(
                " {} {}",
                ui.glyphs.dot,
                words::refreshed(&at.format("%H:%M:%S").to_string(), every)
            ),
            dim,
        ));
    }
    if let Some(why) = &poll.failed {
        spans.push(Span::styled(
            format!(" {} {}", ui.glyphs.dot, words::refresh_failed(why)),
            ui.style("warning"),
        ));
    }
    spans
}
