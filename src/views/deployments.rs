//! The Sovereign's provisioning runs, newest first: status, id, region, FQDN, started and
//! finished (region and finished in the line under the table when the screen is
//! narrow); Enter opens one. The real service has no list of runs (CONTRACT A): then the
//! view says so and lists the runs this profile has opened (the runner remembers their
//! ids), with the ids that could not be read and why, and explains `:deployment ID`.
//!
//! Owns the list's state and its part of the pure update; must not call the network.
//! There are no live events for provisioning runs: while one is in flight the list is
//! read again every few seconds, only while it is on screen; Ctrl-R reads it at once.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::deployment::render::{run_status, when};
use super::jobs::poll::{Poller, settle_polled};
use super::{Cx, Outcome, Scope, Target, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{AppStatus, LiveEvent};
use crate::msg::{Data, Deployments};
use crate::state::list::{Filter, ListState};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::words;

/// One row: a run read, or a remembered id that could not be.
#[derive(Debug, Clone, PartialEq)]
pub enum RunRow<'a> {
    Run(&'a crate::model::DeploymentState),
    Unreadable { id: &'a str, why: &'a str },
}

impl RunRow<'_> {
    /// The run's id.
    pub fn id(&self) -> &str {
        match self {
            RunRow::Run(r) => &r.id,
            RunRow::Unreadable { id, .. } => id,
        }
    }
}

/// How often the list is read again while a run is in flight and the list is on top.
pub const RUNS_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The list of provisioning runs.
#[derive(Debug)]
pub struct DeploymentsView {
    pub runs: Load<Deployments>,
    pub list: ListState,
    pub filter: Filter,
    /// Reads the list again while a run is in flight.
    pub poll: Poller,
}

impl Default for DeploymentsView {
    fn default() -> Self {
        DeploymentsView {
            runs: Load::default(),
            list: ListState::default(),
            filter: Filter::default(),
            poll: Poller::new(RUNS_EVERY),
        }
    }
}

impl DeploymentsView {
    /// The rows that pass the filter: runs newest first, then unreadable ids.
    pub fn visible(&self) -> Vec<RunRow<'_>> {
        let Some(d) = self.runs.value() else {
            return Vec::new();
        };
        let mut runs: Vec<&crate::model::DeploymentState> = d.runs.iter().collect();
        runs.sort_by(|a, b| b.started_at.cmp(&a.started_at));
        let mut rows: Vec<RunRow> = runs
            .into_iter()
            .filter(|r| {
                self.filter.matches(&format!(
                    "{} {} {} {}",
                    r.id,
                    r.status.as_str(),
                    r.region,
                    r.sovereign_fqdn
                ))
            })
            .map(RunRow::Run)
            .collect();
        rows.extend(
            d.unreadable
                .iter()
                .filter(|(id, why)| self.filter.matches(&format!("{id} {why}")))
                .map(|(id, why)| RunRow::Unreadable { id, why }),
        );
        rows
    }

    /// Whether the service listed the runs itself.
    fn listed(&self) -> bool {
        self.runs.value().is_none_or(|d| d.listed)
    }

    fn rows_height(&self, cx: &Cx) -> usize {
        let note = if self.listed() { 0 } else { 3 };
        (cx.body.1 as usize).saturating_sub(3 + note)
    }
}

impl View for DeploymentsView {
    fn context(&self) -> &'static [&'static str] {
        &["list", "global"]
    }

    fn title(&self) -> String {
        words::DEPLOYMENTS_TITLE.to_string()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Deployments);
        self.runs.start(request);
        vec![effect]
    }

    fn on_reveal(&mut self, cx: &mut Cx) -> Vec<Effect> {
        // Back from a run: its status (and a run just remembered) shows at once; the
        // rows stay on screen while the list is read.
        self.load(cx)
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.visible().len();
        if self.list.apply(action, len, self.rows_height(cx)) {
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::Open | Action::MoveRight => match self.visible().get(self.list.selected) {
                Some(row) => Outcome::Open(Target::Deployment(row.id().to_string())),
                None => Outcome::Done(Vec::new()),
            },
            _ => Outcome::Ignored,
        }
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        let mut effects = settle_polled(
            &mut self.runs,
            &mut self.poll,
            request,
            result,
            cx,
            |d| match d {
                Data::Deployments(d) => Some((**d).clone()),
                _ => None,
            },
        )?;
        // Nothing in flight: nothing can change by itself, so nothing is read again.
        let in_flight = self
            .runs
            .value()
            .is_some_and(|d| d.runs.iter().any(|r| !r.status.is_terminal()));
        if !in_flight {
            self.poll.disarm();
            effects.retain(|e| !matches!(e, Effect::After { .. }));
        }
        let len = self.visible().len();
        self.list.clamp(len);
        Some(effects)
    }

    fn on_poll(&mut self, token: u64, cx: &mut Cx) -> Vec<Effect> {
        if !self.poll.due(token) || self.runs.in_flight() {
            return Vec::new();
        }
        self.load(cx)
    }

    fn on_live(&mut self, _event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope::ALL
    }

    fn follows_live(&self) -> bool {
        false
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.filter)
    }

    fn filter_changed(&mut self, _cx: &mut Cx) {
        self.list = ListState::default();
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Filter,
            Action::Refresh,
            Action::CommandPalette,
            Action::Back,
            Action::Help,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        super::LIST_ACTIONS
    }

    fn copy_text(&self) -> Option<String> {
        self.visible()
            .get(self.list.selected)
            .map(|r| r.id().to_string())
    }

    fn problem(&self) -> Option<&Problem> {
        self.runs.problem()
    }

    fn animates(&self) -> bool {
        self.runs.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        if render_load(frame, area, ui, &self.runs, words::RUNS, now) {
            return;
        }
        let note_h = if self.listed() { 0 } else { 3 };
        let [note, body, detail] = Layout::vertical([
            Constraint::Length(note_h),
            Constraint::Min(1),
            Constraint::Length(2),
        ])
        .areas(area);
        if !self.listed() {
            let lines = vec![
                Line::styled(words::NOT_LISTED, ui.style("warning")),
                Line::styled(words::OPEN_BY_ID, ui.style("text.dim")),
            ];
            let inset = Rect {
                x: note.x + 1,
                width: note.width.saturating_sub(2),
                ..note
            };
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inset);
        }
        let visible = self.visible();
        if visible.is_empty() {
            let (what, next) = if self.filter.is_active() {
                (words::NO_MATCH, words::NO_MATCH_NEXT)
            } else if self.listed() {
                (words::NO_RUNS, words::NO_RUNS_NEXT)
            } else {
                (words::NO_REMEMBERED, words::NO_REMEMBERED_NEXT)
            };
            render_empty(frame, body, ui, what, next);
            return;
        }
        render_rows(&visible, self.list, frame, body, ui);
        if let Some(row) = visible.get(self.list.selected) {
            frame.render_widget(Paragraph::new(detail_line(row, ui)), detail);
        }
    }
}

/// The table: region and finished only where there is room (the line under the table
/// says them for the selected run).
fn render_rows(visible: &[RunRow], mut list: ListState, frame: &mut Frame, body: Rect, ui: &Ui) {
    list.scroll_into_view(visible_rows(body));
    let wide = body.width >= 100;
    let dim = ui.style("text.dim");
    let rows = visible[window(&list, body, visible.len())]
        .iter()
        .map(|row| {
            let (status, id, region, fqdn, started, finished) = match row {
                RunRow::Run(r) => {
                    let s = run_status(*r.status);
                    (
                        Span::styled(
                            format!("{} {}", ui.glyphs.status(s), r.status),
                            ui.theme.status(s),
                        ),
                        r.id.clone(),
                        r.region.clone(),
                        Span::raw(r.sovereign_fqdn.clone()),
                        short(&when(&r.started_at), wide),
                        match &r.finished_at {
                            Some(f) => Span::raw(short(&when(f), wide)),
                            None => Span::styled(words::RUNNING, dim),
                        },
                    )
                }
                RunRow::Unreadable { id, why } => (
                    Span::styled(
                        format!(
                            "{} {}",
                            ui.glyphs.status(AppStatus::Unknown),
                            words::UNREADABLE
                        ),
                        ui.theme.status(AppStatus::Unknown),
                    ),
                    id.to_string(),
                    String::new(),
                    Span::styled(why.to_string(), dim),
                    String::new(),
                    Span::raw(""),
                ),
            };
            let mut cells = vec![Cell::from(status), Cell::from(id)];
            if wide {
                cells.push(Cell::from(region));
            }
            cells.extend([Cell::from(fqdn), Cell::from(started)]);
            if wide {
                cells.push(Cell::from(finished));
            }
            Row::new(cells)
        })
        .collect();
    let mut titles = vec!["STATUS", "ID"];
    let mut widths = vec![Constraint::Length(17), Constraint::Length(16)];
    if wide {
        titles.push("REGION");
        widths.push(Constraint::Length(6));
    }
    titles.extend(["FQDN", "STARTED"]);
    widths.extend([
        Constraint::Min(12),
        Constraint::Length(if wide { 19 } else { 11 }),
    ]);
    if wide {
        titles.push("FINISHED");
        widths.push(Constraint::Length(19));
    }
    render_table(frame, body, ui, Row::new(titles), &widths, rows, &list);
}

/// The selected run's region, start and end in full (or why it could not be read).
fn detail_line(row: &RunRow, ui: &Ui) -> Vec<Line<'static>> {
    let dim = ui.style("text.dim");
    let text = ui.style("text");
    let sep = || Span::styled(format!("  {}  ", ui.glyphs.dot), dim);
    let spans = match row {
        RunRow::Run(r) => {
            let mut spans = vec![
                Span::styled(format!(" {} ", words::REGION), dim),
                Span::styled(r.region.clone(), text),
                sep(),
                Span::styled(format!("{} ", words::STARTED), dim),
                Span::styled(when(&r.started_at), text),
                sep(),
            ];
            match &r.finished_at {
                Some(f) => {
                    spans.push(Span::styled(format!("{} ", words::FINISHED), dim));
                    spans.push(Span::styled(when(f), text));
                }
                None => spans.push(Span::styled(words::RUNNING, dim)),
            }
            spans
        }
        RunRow::Unreadable { id, why } => vec![
            Span::styled(format!(" {id}: "), text),
            Span::styled(why.to_string(), ui.style("warning")),
        ],
    };
    vec![Line::raw(""), Line::from(spans)]
}

/// A time as `2026-05-12 06:00:00`, or `05-12 06:00` when narrow.
fn short(full: &str, wide: bool) -> String {
    if wide {
        return full.to_string();
    }
    full.get(5..16).unwrap_or(full).to_string()
}
