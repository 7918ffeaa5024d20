//! One execution's log in the one log viewer: the lines are read page by page
//! (`Query::ExecutionLogs` from the next line wanted) until the service's `total` is held,
//! then, while the execution has not finished, asked for new lines every
//! [`LOG_EVERY`] while the view is on top. Each line keeps its time and level.
//!
//! A status line above the viewer says whether the execution still runs, how many lines
//! are held of how many, and when the service was last asked. Every key of the viewer
//! (follow, search, filters, save, copy) works as in any other log.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::marks::{job_status, refreshed};
use super::poll::{LOG_EVERY, Poller};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{ExecutionLine, ExecutionLogs, JobStatus, LiveEvent};
use crate::msg::Data;
use crate::state::list::Filter;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::views::logs::{Level, LogView, NewLine};
use crate::views::{Cx, Outcome, Scope, View};
use crate::words;

/// Rows the status line takes above the log viewer.
const STATUS_ROWS: u16 = 1;

/// The execution log view's state.
#[derive(Debug)]
pub struct ExecutionLogView {
    pub deployment: String,
    pub execution: String,
    pub log: LogView,
    /// The next line to ask for (1-based): one past the last line held.
    pub next_line: u64,
    /// Lines the service held for the execution at the last answer.
    pub total: u64,
    /// Whether the service said the execution has finished.
    pub finished: bool,
    /// The page asked for (its request id: a stale answer is dropped).
    pub page: Load<()>,
    pub poll: Poller,
}

/// A line of the service as the log viewer takes it: its time and level kept.
pub fn new_line(line: &ExecutionLine) -> NewLine {
    NewLine {
        time: DateTime::parse_from_rfc3339(&line.timestamp)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        level: level(&line.level),
        phase: None,
        component: None,
        text: line.message.clone(),
    }
}

/// The level a line's `level` word names (`INFO`, `warn`, …); `None` for a word this
/// console does not know.
pub fn level(word: &str) -> Option<Level> {
    Some(match word.to_ascii_lowercase().as_str() {
        "trace" => Level::Trace,
        "debug" => Level::Debug,
        "info" => Level::Info,
        "warn" | "warning" => Level::Warn,
        "error" | "fatal" => Level::Error,
        _ => return None,
    })
}

impl ExecutionLogView {
    /// The log of `execution` (of a job of `deployment`); `title` is the breadcrumb.
    pub fn new(deployment: &str, execution: &str, title: &str) -> ExecutionLogView {
        let title = if title.is_empty() {
            words::execution_title(deployment, "", execution)
        } else {
            title.to_string()
        };
        ExecutionLogView {
            deployment: deployment.to_string(),
            execution: execution.to_string(),
            log: LogView::new(&format!("execution-{execution}"), &title),
            next_line: 1,
            total: 0,
            finished: false,
            page: Load::Idle,
            poll: Poller::new(LOG_EVERY),
        }
    }

    /// Lines held so far (the last line number read).
    pub fn lines_read(&self) -> u64 {
        self.next_line - 1
    }

    /// Whether every line is held and no more will come.
    pub fn complete(&self) -> bool {
        self.finished && self.next_line > self.total
    }

    /// Asks for the lines from the next one wanted.
    fn fetch(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::ExecutionLogs {
            execution: self.execution.clone(),
            from: self.next_line,
        });
        self.page.start(request);
        vec![effect]
    }

    /// Takes a page: its new lines into the viewer, then the next page at once while the
    /// service holds more, else the timer while the execution runs.
    fn take(&mut self, page: &ExecutionLogs, cx: &mut Cx) -> Vec<Effect> {
        let before = self.next_line;
        for line in &page.lines {
            // A line held already (pages overlap if the service moved) is not added twice.
            if line.line_number >= self.next_line {
                self.log.push(new_line(line));
                self.next_line = line.line_number + 1;
            }
        }
        self.total = page.total;
        self.finished = page.execution_finished;
        if self.next_line <= self.total && self.next_line > before {
            return self.fetch(cx);
        }
        if self.finished {
            self.poll.disarm();
            return Vec::new();
        }
        vec![self.poll.arm(cx)]
    }

    /// The body the viewer gets: the view's less the status line.
    fn viewer_body(body: (u16, u16)) -> (u16, u16) {
        (body.0, body.1.saturating_sub(STATUS_ROWS))
    }

    /// Runs `f` on the viewer with the body it is drawn in.
    fn with_viewer<R>(&mut self, cx: &mut Cx, f: impl FnOnce(&mut LogView, &mut Cx) -> R) -> R {
        let body = cx.body;
        cx.body = Self::viewer_body(body);
        let out = f(&mut self.log, cx);
        cx.body = body;
        out
    }
}

impl View for ExecutionLogView {
    fn context(&self) -> &'static [&'static str] {
        self.log.context()
    }

    fn title(&self) -> String {
        self.log.title()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.log.hold(cx.log_lines);
        self.fetch(cx)
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        self.with_viewer(cx, |log, cx| log.on_action(action, cx))
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if !self.page.awaits(request) {
            return None;
        }
        let problem = match result {
            Ok(Data::ExecutionLogs(page)) => {
                self.page = Load::Ready(());
                self.poll.read(cx.now);
                return Some(self.take(page, cx));
            }
            Ok(_) => Problem::Error {
                message: words::UNEXPECTED_ANSWER.to_string(),
                request_id: None,
            },
            Err(e) => Problem::from_error(e, cx.now),
        };
        let effects = self.poll.failed(&problem, false, cx);
        self.page = Load::Failed(problem);
        Some(effects)
    }

    fn on_live(&mut self, _event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }

    fn on_poll(&mut self, token: u64, cx: &mut Cx) -> Vec<Effect> {
        if !self.poll.due(token) || self.page.in_flight() || self.complete() {
            return Vec::new();
        }
        self.fetch(cx)
    }

    fn on_reveal(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.page.in_flight() || self.complete() {
            return Vec::new();
        }
        self.fetch(cx)
    }

    fn scope(&self) -> Scope {
        Scope::ALL
    }

    fn follows_live(&self) -> bool {
        false
    }

    fn filter(&self) -> Option<&Filter> {
        self.log.filter()
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        self.log.filter_mut()
    }

    fn filter_changed(&mut self, cx: &mut Cx) {
        self.with_viewer(cx, |log, cx| log.filter_changed(cx));
    }

    fn hints(&self) -> &'static [Action] {
        self.log.hints()
    }

    fn actions(&self) -> &'static [Action] {
        self.log.actions()
    }

    fn copy_text(&self) -> Option<String> {
        self.log.copy_text()
    }

    fn problem(&self) -> Option<&Problem> {
        self.page.problem()
    }

    fn animates(&self) -> bool {
        self.page.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        if let Some(problem) = self.page.problem()
            && self.lines_read() == 0
        {
            // Nothing read yet: the whole body says why.
            crate::widgets::load::render_problem(frame, area, ui, problem, now);
            return;
        }
        let [status, body] =
            Layout::vertical([Constraint::Length(STATUS_ROWS), Constraint::Min(1)]).areas(area);
        render_status(self, frame, status, ui, now);
        self.log.render(frame, body, ui, now);
    }
}

/// The status line above an execution's log: running or finished, the lines held of the
/// service's total, when it was last asked.
fn render_status(
    view: &ExecutionLogView,
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    now: DateTime<Utc>,
) {
    let mut spans = Vec::new();
    if view.poll.refreshed.is_none() {
        let step = (now.timestamp_subsec_millis() / 120) as usize;
        spans.push(Span::styled(
            format!(" {} ", ui.glyphs.spinner_frame(step)),
            ui.style("title"),
        ));
        spans.push(Span::styled(
            format!("{}{}", words::READING_LOG, ui.glyphs.ellipsis),
            ui.style("text.dim"),
        ));
    } else {
        if view.finished {
            spans.push(Span::styled(
                format!(" {}", words::EXECUTION_FINISHED),
                ui.style("title"),
            ));
        } else {
            spans.push(Span::raw(" "));
            spans.push(job_status(ui, JobStatus::Running));
        }
        spans.push(Span::styled(
            format!(
                " {} {}",
                ui.glyphs.dot,
                words::lines_read(view.lines_read(), view.total)
            ),
            ui.style("text"),
        ));
    }
    spans.extend(refreshed(&view.poll, !view.complete(), ui));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
