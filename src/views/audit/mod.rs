//! The audit trail: who did what to which target, with which roles and support ticket,
//! and how it ended, newest first. A filter form (`f`) sets actor, action, target,
//! outcome, ticket, time range, Organization and Environment ([`filters`]); `/` filters
//! the loaded rows by any word. Records of `audit.appended` that pass the filters are
//! prepended as they happen; `m`, or moving onto the last row, loads the next (older)
//! page through `next_cursor`; `w` exports the filtered trail as NDJSON (a new file,
//! never overwriting: the runner writes it and the status bar says where and how many
//! lines).
//!
//! Owns the trail's state and its part of the pure update; must not call the network
//! (the runner reads pages, through the console API or catalyst-api's RBAC audit) nor
//! write files. A reader the server refuses sees the restricted state with the role that
//! would allow it.

pub mod filters;
mod render;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Cx, Outcome, Scope, View, settle_answer};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{AuditRecord, AuditTrail, LiveEvent};
use crate::msg::Data;
use crate::state::list::{Filter, ListState};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::views::overlays::compose::Compose;
use crate::words;
use filters::AuditFilters;

const ACTIONS: &[Action] = &[
    Action::MoveUp,
    Action::MoveDown,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Filter,
    Action::Copy,
    Action::EditFilters,
    Action::LoadMore,
    Action::Save,
];

/// The audit view's state.
#[derive(Debug)]
pub struct AuditView {
    /// The filters applied.
    pub filters: AuditFilters,
    /// The form's text as last written (kept when it could not be read).
    pub draft: String,
    /// Why the form's text could not be read, until it can.
    pub form_error: Option<String>,
    /// The trail loaded so far: the first page, older pages appended, live records
    /// prepended.
    pub trail: Load<AuditTrail>,
    /// An older page in flight.
    more: Option<RequestId>,
    /// Why the last older page could not be read.
    pub more_problem: Option<String>,
    pub list: ListState,
    /// The `/` filter over the loaded rows.
    pub filter: Filter,
}

impl AuditView {
    /// The trail with its form filled with `text`; text that cannot be read is kept in
    /// the form with what is wrong, and the trail is read unfiltered.
    pub fn new(text: &str) -> AuditView {
        let mut v = AuditView {
            filters: AuditFilters::default(),
            draft: String::new(),
            form_error: None,
            trail: Load::default(),
            more: None,
            more_problem: None,
            list: ListState::default(),
            filter: Filter::default(),
        };
        // Deep links carry no relative times, so the clock does not matter here.
        v.apply(text, DateTime::<Utc>::UNIX_EPOCH);
        v
    }

    /// Reads the form's `text`: applied when it can be read, else kept with the error.
    fn apply(&mut self, text: &str, now: DateTime<Utc>) -> bool {
        match filters::parse(text, now) {
            Ok(f) => {
                self.filters = f;
                self.draft = self.filters.text();
                self.form_error = None;
                true
            }
            Err(e) => {
                self.draft = text.trim().to_string();
                self.form_error = Some(e);
                false
            }
        }
    }

    /// The loaded records that pass the filters and the `/` filter, newest first.
    pub fn visible(&self) -> Vec<&AuditRecord> {
        self.trail
            .value()
            .map(|t| {
                t.items
                    .iter()
                    .filter(|r| {
                        self.filters.matches(r)
                            && (!self.filter.is_active() || self.filter.matches(&r.haystack()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many records are loaded (before the filters).
    pub fn loaded(&self) -> usize {
        self.trail.value().map_or(0, |t| t.items.len())
    }

    /// Whether an older page exists and is not being read.
    fn can_load_more(&self) -> bool {
        self.more.is_none()
            && !self.trail.in_flight()
            && self.trail.value().is_some_and(|t| t.next_cursor.is_some())
    }

    /// Whether an older page is being read.
    pub fn loading_more(&self) -> bool {
        self.more.is_some()
    }

    /// Whether this is catalyst-api's RBAC-only audit.
    pub fn rbac_only(&self) -> bool {
        self.trail.value().is_some_and(|t| t.rbac_only)
    }

    fn load_more(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(cursor) = self.trail.value().and_then(|t| t.next_cursor.clone()) else {
            return Vec::new();
        };
        let (request, effect) = cx.fetch(Query::Audit(
            self.filters.query(Some(cursor), filters::PAGE),
        ));
        self.more = Some(request);
        self.more_problem = None;
        vec![effect]
    }

    fn rows_height(cx: &Cx) -> usize {
        // The filter line, the table's header, the detail lines.
        (cx.body.1 as usize).saturating_sub(5)
    }

    /// The filter form, holding the draft and what is wrong with it.
    fn form(&self) -> Compose {
        let mut c = Compose::new(
            words::AUDIT_FORM_TITLE.to_string(),
            Action::EditFilters,
            false,
            &self.draft,
        )
        .with_placeholder(words::AUDIT_FORM_PLACEHOLDER);
        c.message = self.form_error.clone();
        c
    }

    /// The filtered trail as JSON lines, oldest first (as the server's export).
    pub fn export_lines(&self) -> String {
        let mut out = String::new();
        for r in self.visible().iter().rev() {
            if let Ok(line) = serde_json::to_string(r) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    /// `w`: the filtered trail to a new file. The console API exports it all as NDJSON
    /// (read by the runner, every page, with the same filters and `/` words); the RBAC
    /// audit of catalyst-api has no export, so the rows loaded are written.
    fn export(&self, cx: &Cx) -> Outcome {
        if self.trail.value().is_none() {
            return Outcome::Say(words::AUDIT_NOTHING_TO_EXPORT.to_string());
        }
        let stamp = cx.now.format("%Y%m%d-%H%M%S").to_string();
        let path = std::path::PathBuf::from(words::audit_export_name(&stamp));
        if !self.rbac_only() {
            return Outcome::Done(vec![Effect::ExportAudit {
                path,
                query: self.filters.query(None, filters::PAGE),
                keep: Box::new(self.filters.clone()),
                words: self.filter.text.clone(),
            }]);
        }
        let contents = self.export_lines();
        if contents.is_empty() {
            return Outcome::Say(words::AUDIT_NOTHING_TO_EXPORT.to_string());
        }
        Outcome::Done(vec![Effect::SaveFile { path, contents }])
    }

    /// Keeps the selection on the record it was on after the rows changed.
    fn reselect(&mut self, id: Option<String>) {
        let visible = self.visible();
        let at = id.and_then(|id| visible.iter().position(|r| r.id == id));
        let len = visible.len();
        self.list.reselect(at, len);
    }

    fn selected_id(&self) -> Option<String> {
        self.visible().get(self.list.selected).map(|r| r.id.clone())
    }
}

/// Adds `records` not held yet and keeps the trail newest first; `live` ones go before
/// records of the same second (they happened after them).
fn merge(trail: &mut AuditTrail, records: &[AuditRecord], live: bool) {
    let mut held: std::collections::HashSet<String> =
        trail.items.iter().map(|h| h.id.clone()).collect();
    for r in records {
        if held.insert(r.id.clone()) {
            if live {
                trail.items.insert(0, r.clone());
            } else {
                trail.items.push(r.clone());
            }
        }
    }
    // Stable: records of one second keep the server's order.
    trail.items.sort_by_key(|r| std::cmp::Reverse(r.at));
}

impl View for AuditView {
    fn context(&self) -> &'static [&'static str] {
        &["audit", "list", "global"]
    }

    fn title(&self) -> String {
        words::AUDIT_TITLE.to_string()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Audit(self.filters.query(None, filters::PAGE)));
        self.trail.start(request);
        self.more = None;
        self.more_problem = None;
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.visible().len();
        if self.list.apply(action, len, Self::rows_height(cx)) {
            // Reaching the last row reads the next page.
            let at_end = len > 0 && self.list.selected + 1 == len;
            if at_end
                && matches!(action, Action::MoveDown | Action::PageDown | Action::Bottom)
                && self.can_load_more()
            {
                return Outcome::Done(self.load_more(cx));
            }
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::EditFilters => Outcome::Compose(Box::new(self.form())),
            Action::LoadMore => {
                if self.more.is_some() {
                    Outcome::Say(words::AUDIT_MORE_IN_FLIGHT.to_string())
                } else if self.can_load_more() {
                    Outcome::Done(self.load_more(cx))
                } else if self.trail.value().is_some() {
                    Outcome::Say(words::AUDIT_AT_START.to_string())
                } else {
                    Outcome::Done(Vec::new())
                }
            }
            Action::Save => self.export(cx),
            _ => Outcome::Ignored,
        }
    }

    fn on_composed(&mut self, action: Action, text: String, send: bool, cx: &mut Cx) -> Outcome {
        if action != Action::EditFilters {
            return Outcome::Ignored;
        }
        if !send {
            // Thrown away: the form shows the filters applied again next time.
            if text.trim().is_empty() {
                self.draft = self.filters.text();
                self.form_error = None;
            } else {
                self.draft = text;
            }
            return Outcome::Done(Vec::new());
        }
        if !self.apply(&text, cx.now) {
            // What was typed stays, with what is wrong under it.
            return Outcome::Compose(Box::new(self.form()));
        }
        self.list = ListState::default();
        Outcome::Done(self.load(cx))
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if self.more == Some(request) {
            self.more = None;
            match result {
                Ok(Data::Audit(page)) => {
                    let id = self.selected_id();
                    if let Some(t) = self.trail.value_mut() {
                        merge(t, &page.items, false);
                        t.next_cursor = page.next_cursor.clone();
                    }
                    self.reselect(id);
                }
                Ok(_) => self.more_problem = Some(words::UNEXPECTED_ANSWER.to_string()),
                Err(e) => self.more_problem = Some(Problem::from_error(e, cx.now).sentence()),
            }
            return Some(Vec::new());
        }
        settle_answer(&mut self.trail, request, result, cx.now, |d| match d {
            Data::Audit(t) => {
                let mut t = (**t).clone();
                let items = std::mem::take(&mut t.items);
                merge(&mut t, &items, false);
                Some(t)
            }
            _ => None,
        })?;
        let len = self.visible().len();
        self.list.clamp(len);
        Some(Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        let LiveEvent::AuditAppended(record) = event else {
            return Vec::new();
        };
        if !self.filters.matches(record) {
            return Vec::new();
        }
        let id = self.selected_id();
        let top = self.list.selected == 0;
        if let Some(t) = self.trail.value_mut() {
            merge(t, std::slice::from_ref(record), true);
        }
        // At the top the newest stays selected; elsewhere the selection stays put.
        if top {
            self.list = ListState::default();
        } else {
            self.reselect(id);
        }
        Vec::new()
    }

    fn scope(&self) -> Scope {
        filters::scope(&self.filters)
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
            Action::EditFilters,
            Action::Filter,
            Action::LoadMore,
            Action::Save,
            Action::Refresh,
            Action::Back,
            Action::Help,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn copy_text(&self) -> Option<String> {
        self.visible()
            .get(self.list.selected)
            .and_then(|r| serde_json::to_string(r).ok())
    }

    fn problem(&self) -> Option<&Problem> {
        self.trail.problem()
    }

    fn animates(&self) -> bool {
        self.trail.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        render::render(self, frame, area, ui, now);
    }
}
