//! The one log viewer every stream uses (provisioning runs, operation logs, pod logs): a
//! bounded buffer of lines with follow and pause, `/` search with `n`/`N`, filters by
//! level, phase and component, wrap and timestamp toggles, save to a file and copy.
//!
//! Owns the view's state and its part of the pure update. The stream side appends with
//! [`LogView::push`] / [`LogView::push_batch`]: amortised O(1) a line, no styling and no
//! layout, so a stream of 50,000 lines/s batched every 50–100 ms leaves frames within
//! budget (`benches/logs.rs`). Everything that depends on the screen (wrapped rows, what is
//! on it) is computed for the visible lines only, by update and render alike through
//! [`scroll`]'s geometry.
//!
//! Follow sticks to the newest line. Scrolling up, a search jump, `f` or a jump to the top
//! pause it: the view then stays where it is while lines arrive (unless the lines it shows
//! are dropped from the buffer) and counts the new ones; `f` or the bottom key follows
//! again. `y` copies the line of the current search match, or else the last line on screen.
//!
//! Must not do I/O: saving returns an [`Effect::SaveFile`] for the runner.
//!
//! - [`buffer`]: the ring of lines and the line types streams hand over.
//! - [`lens`]: the filters and the index of the lines that pass them.
//! - [`ansi`]: sanitizing, stripping, wrapping and searching text.
//! - [`scroll`]: geometry, follow/pause and row-wise scrolling over wrapped lines.
//! - [`search`]: search counts and `n`/`N`.
//! - [`feed`]: the stream's state and the replay cursor of a new follow.
//! - [`render`]: the header and the visible rows; [`save`]: the file written by `w`.
//! - [`pod`]: a pod's log inside a grant.

pub mod ansi;
pub mod buffer;
pub mod feed;
pub mod lens;
pub mod pod;
mod render;
mod save;
pub mod scroll;
mod search;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Cx, Outcome, Scope, View};
use crate::action::Action;
use crate::api::ApiError;
use crate::api::follow::OperationMsg;
use crate::api::sse::StreamStatus;
use crate::effect::{Effect, RequestId, StreamSpec};
use crate::model::LiveEvent;
use crate::msg::{Data, StreamBatch, StreamItems};
use crate::state::list::Filter;
use crate::state::load::Problem;
use crate::ui::Ui;

pub use buffer::{DEFAULT_CAPACITY, Level, LogBuffer, LogLine, NewLine};
pub use feed::{Replay, StreamState};
pub use lens::{Lens, LevelFilter};
pub use scroll::{Geometry, Row, Top};
pub use search::Search;

/// Columns a left or right key moves unwrapped lines sideways.
const SIDE_STEP: usize = 8;

/// The log view's state.
#[derive(Debug)]
pub struct LogView {
    /// What the stream is, for file names (`provisioning-abc123`).
    source: String,
    /// The breadcrumb.
    title: String,
    buffer: LogBuffer,
    lens: Lens,
    search: Search,
    /// Sticks to the newest line.
    follow: bool,
    /// The first row on screen while paused.
    top: Top,
    /// Lines that arrived (and pass the filters) since the view paused.
    new_lines: u64,
    wrap: bool,
    timestamps: bool,
    /// Columns unwrapped lines are moved left by.
    hscroll: usize,
    /// The body size at the last update (what `y` reads the screen with).
    body: (u16, u16),
    /// The stream feeding the view, if it follows one itself.
    stream: Option<StreamSpec>,
    /// Where that stream stands (shown in the header).
    stream_state: Option<StreamState>,
    /// Skips what a new follow replays.
    replay: Replay,
    /// The last re-sync that failed (cleared when the stream is live again).
    resync_failed: Option<String>,
    /// The Environment of a pod log (its grant's countdown and events stay in view).
    env: Option<String>,
}

impl LogView {
    /// An empty, following view of `source` holding [`DEFAULT_CAPACITY`] lines.
    pub fn new(source: &str, title: &str) -> LogView {
        LogView::with_capacity(source, title, DEFAULT_CAPACITY)
    }

    /// An empty, following view holding at most `capacity` lines.
    pub fn with_capacity(source: &str, title: &str, capacity: usize) -> LogView {
        LogView {
            source: source.to_string(),
            title: title.to_string(),
            buffer: LogBuffer::new(capacity),
            lens: Lens::default(),
            search: Search::default(),
            follow: true,
            top: Top::Start,
            new_lines: 0,
            wrap: false,
            timestamps: true,
            hscroll: 0,
            body: (80, 21),
            stream: None,
            stream_state: None,
            replay: Replay::default(),
            resync_failed: None,
            env: None,
        }
    }

    /// The log of operation `id`, followed; `what` names what the operation moves.
    pub fn for_operation(id: &str, what: &str) -> LogView {
        let mut view = LogView::new(
            &format!("operation-{id}"),
            &crate::words::operation_log_title(id, what),
        );
        view.stream = Some(StreamSpec::Operation { id: id.to_string() });
        view.stream_state = Some(StreamState::Connecting);
        view
    }

    /// Holds at most `lines` lines from now on, while nothing has arrived yet (the
    /// configured bound; a view that already holds lines keeps its buffer).
    pub fn hold(&mut self, lines: usize) {
        if self.buffer.is_empty() && self.buffer.capacity() != lines.max(1) {
            self.buffer = LogBuffer::new(lines);
        }
    }

    /// Where the stream feeding the view stands.
    pub fn stream_state(&self) -> Option<&StreamState> {
        self.stream_state.as_ref()
    }

    /// Sets where the stream stands (a view that feeds this one reports it).
    pub fn set_stream_state(&mut self, state: StreamState) {
        if state == StreamState::Live {
            self.resync_failed = None;
        }
        self.stream_state = Some(state);
    }

    /// Why the last re-sync failed, while the stream has not been live since.
    pub fn resync_failed(&self) -> Option<&str> {
        self.resync_failed.as_deref()
    }

    /// The followed stream's connection changed (reported by this view's own stream or
    /// by the view that feeds it).
    pub fn take_status(&mut self, status: &StreamStatus, now: DateTime<Utc>) {
        if let Some(state) = StreamState::from_status(status, now) {
            self.set_stream_state(state);
        }
    }

    /// A re-sync failed; the header says so until the stream is live again.
    pub fn note_resync_failed(&mut self, why: &str) {
        self.resync_failed = Some(why.to_string());
    }

    /// Takes a batch of an operation's log.
    pub fn take_operation(&mut self, generation: u64, items: &[OperationMsg], now: DateTime<Utc>) {
        self.replay.batch(generation);
        for item in items {
            match item {
                OperationMsg::Line(line) => {
                    if self.replay.admit() {
                        self.push(NewLine::from(line));
                    }
                }
                OperationMsg::Status(status) => self.take_status(status, now),
                OperationMsg::Done(done) => self.set_stream_state(StreamState::Finished {
                    outcome: crate::words::operation_finished(&done.outcome),
                    ok: done.outcome == "succeeded",
                }),
            }
        }
    }

    /// Appends a line (a `\n` in its text makes several). Amortised O(1) in the number
    /// of lines held; no styling or layout happens here.
    pub fn push(&mut self, line: NewLine) {
        let text = line.text.strip_suffix('\n').unwrap_or(&line.text);
        if !text.contains('\n') {
            self.push_one(&line, text);
            return;
        }
        for piece in text.split('\n') {
            self.push_one(&line, piece);
        }
    }

    /// Appends a batch of lines, as a stream delivers them every 50–100 ms.
    pub fn push_batch(&mut self, lines: impl IntoIterator<Item = NewLine>) {
        for line in lines {
            self.push(line);
        }
    }

    fn push_one(&mut self, meta: &NewLine, text: &str) {
        if let Some(gone) = self.buffer.push(meta, text) {
            self.dropped(&gone);
        }
        let Some(line) = self.buffer.last() else {
            return;
        };
        if self.lens.added(line) {
            if !self.follow {
                self.new_lines += 1;
            }
            if search::matches(line, &self.search.filter.text) {
                self.search.count += 1;
            }
        }
    }

    /// Keeps the search counts in step with the oldest line leaving the buffer.
    fn dropped(&mut self, gone: &LogLine) {
        let shown = self.lens.dropped(gone);
        if shown && search::matches(gone, &self.search.filter.text) {
            self.search.count = self.search.count.saturating_sub(1);
            if self.search.current.is_some_and(|c| gone.seq < c) {
                self.search.rank = self.search.rank.saturating_sub(1);
            }
        }
        if self.search.current == Some(gone.seq) {
            self.search.current = None;
            self.search.rank = 0;
        }
    }

    /// The lines held.
    pub fn buffer(&self) -> &LogBuffer {
        &self.buffer
    }

    /// The filters.
    pub fn lens(&self) -> &Lens {
        &self.lens
    }

    /// The search and where it stands.
    pub fn search(&self) -> &Search {
        &self.search
    }

    /// Whether the view sticks to the newest line.
    pub fn is_following(&self) -> bool {
        self.follow
    }

    /// Lines that arrived since the view paused.
    pub fn new_lines(&self) -> u64 {
        self.new_lines
    }

    /// Whether long lines wrap.
    pub fn wraps(&self) -> bool {
        self.wrap
    }

    /// Whether the time column is shown.
    pub fn shows_timestamps(&self) -> bool {
        self.timestamps
    }

    /// Bytes held on the heap by the lines and the filter index.
    pub fn heap_bytes(&self) -> usize {
        self.buffer.heap_bytes() + self.lens.heap_bytes()
    }

    /// Builds the filter index and the search counts again after a filter changed. A
    /// paused screen keeps its top line (shown from the next line that passes while it is
    /// hidden), so cycling back to a filter returns to where the reading was.
    fn filters_changed(&mut self) {
        self.lens.rebuild(&self.buffer);
        self.recount();
    }

    /// Cycles the phase (or component) filter through the names seen; `None` when there
    /// are none to cycle through.
    fn cycle_name(&mut self, component: bool) -> Option<()> {
        let (names, current) = if component {
            (&self.buffer.components, &mut self.lens.component)
        } else {
            (&self.buffer.phases, &mut self.lens.phase)
        };
        if names.is_empty() {
            return None;
        }
        *current = names.next(*current);
        self.filters_changed();
        Some(())
    }

    fn sideways(&mut self, right: bool, g: Geometry) -> Option<()> {
        if self.wrap {
            return None;
        }
        if !right {
            self.hscroll = self.hscroll.saturating_sub(SIDE_STEP);
            return Some(());
        }
        let widest = self
            .screen(g)
            .iter()
            .filter_map(|r| match r {
                Row::Line { seq, .. } => self.buffer.get(*seq),
                Row::Marker => None,
            })
            .map(|l| ansi::width(&l.plain()))
            .max()
            .unwrap_or(0);
        let max = widest.saturating_sub(g.text);
        self.hscroll = (self.hscroll + SIDE_STEP).min(max);
        Some(())
    }
}

impl View for LogView {
    fn context(&self) -> &'static [&'static str] {
        &["logs", "global"]
    }

    fn title(&self) -> String {
        self.title.clone()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.hold(cx.log_lines);
        Vec::new()
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        self.body = cx.body;
        let g = self.geometry(cx.body);
        let done = || Outcome::Done(Vec::new());
        let page = g.rows as isize;
        match action {
            Action::MoveDown => self.scroll(1, g),
            Action::MoveUp => self.scroll(-1, g),
            Action::PageDown => self.scroll(page, g),
            Action::PageUp => self.scroll(-page, g),
            Action::Top => self.jump_to_start(),
            Action::Bottom => self.follow_again(),
            Action::FollowToggle if self.follow => self.pause(g),
            Action::FollowToggle => self.follow_again(),
            Action::MoveLeft | Action::MoveRight => {
                if self.sideways(action == Action::MoveRight, g).is_none() {
                    return Outcome::Ignored;
                }
            }
            Action::SearchNext | Action::SearchPrev => {
                if !self.search.is_active() {
                    return Outcome::Ignored;
                }
                self.jump(action == Action::SearchNext, g);
            }
            Action::CycleLevel => {
                self.lens.level = self.lens.level.next();
                self.filters_changed();
            }
            Action::CyclePhase | Action::CycleComponent => {
                if self.cycle_name(action == Action::CycleComponent).is_none() {
                    return Outcome::Ignored;
                }
            }
            Action::ToggleWrap => {
                self.wrap = !self.wrap;
                self.hscroll = 0;
            }
            Action::ToggleTimestamps => self.timestamps = !self.timestamps,
            Action::Save => {
                if self.shown().is_empty() {
                    return Outcome::Ignored;
                }
                return Outcome::Done(vec![Effect::SaveFile {
                    path: save::file_name(&self.source, cx.now),
                    contents: save::contents(self),
                }]);
            }
            _ => return Outcome::Ignored,
        }
        done()
    }

    fn on_fetched(
        &mut self,
        _request: RequestId,
        _result: &Result<Data, ApiError>,
        _cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        None
    }

    fn on_live(&mut self, _event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }

    fn scope(&self) -> Scope {
        match &self.env {
            Some(env) => Scope {
                org: crate::model::split_env_name(env).map(|(o, _)| o.to_string()),
                env: Some(env.clone()),
            },
            None => Scope::ALL,
        }
    }

    fn follows_live(&self) -> bool {
        // A pod log hears of its grant's end through the Environment's events.
        self.env.is_some()
    }

    fn stream(&self) -> Option<StreamSpec> {
        self.stream.clone()
    }

    fn on_stream(&mut self, batch: &StreamBatch, cx: &mut Cx) -> Vec<Effect> {
        self.body = cx.body;
        // A log view follows operation logs itself; a provisioning run is followed by
        // its run view, which feeds the log it owns.
        match &batch.items {
            StreamItems::Operation(items) => self.take_operation(batch.generation, items, cx.now),
            StreamItems::Kube(items) => self.take_kube(batch.generation, items, cx.now),
            StreamItems::Deployment(_) => {}
        }
        Vec::new()
    }

    fn grant_env(&self) -> Option<String> {
        self.pod_env()
    }

    fn take_grant(
        &mut self,
        grant: Option<&crate::model::AccessRequest>,
        now: DateTime<Utc>,
    ) -> bool {
        self.take_pod_grant(grant, now)
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.search.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.search.filter)
    }

    fn filter_changed(&mut self, cx: &mut Cx) {
        self.body = cx.body;
        let g = self.geometry(cx.body);
        self.search_changed(g);
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::FollowToggle,
            Action::Filter,
            Action::SearchNext,
            Action::CycleLevel,
            Action::Save,
            Action::Back,
            Action::Help,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::MoveUp,
            Action::MoveDown,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::MoveLeft,
            Action::MoveRight,
            Action::FollowToggle,
            Action::Filter,
            Action::SearchNext,
            Action::SearchPrev,
            Action::CycleLevel,
            Action::CyclePhase,
            Action::CycleComponent,
            Action::ToggleWrap,
            Action::ToggleTimestamps,
            Action::Save,
            Action::Copy,
        ]
    }

    fn copy_text(&self) -> Option<String> {
        let shown = self.shown();
        let current = self
            .search
            .current
            .and_then(|seq| shown.position_of(seq))
            .and_then(|pos| shown.at(pos));
        let line = current.or_else(|| {
            let g = self.geometry(self.body);
            self.screen(g).iter().rev().find_map(|r| match r {
                Row::Line { seq, .. } => self.buffer.get(*seq),
                Row::Marker => None,
            })
        })?;
        Some(line.plain().into_owned())
    }

    fn problem(&self) -> Option<&Problem> {
        None
    }

    fn animates(&self) -> bool {
        self.stream_state
            .as_ref()
            .is_some_and(StreamState::counts_down)
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        render::render(self, frame, area, ui, now);
    }
}
