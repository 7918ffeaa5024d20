//! Incident triage (J7): everything broken across every Organization the identity may
//! see, read in one request (`Query::Triage`), worst and oldest first; flat, or grouped
//! by kind (`cycle-grouping`); filtered with `/` over kind, place, target and reason.
//!
//! From the selected problem one key each leads to what fixes it: `open` to its natural
//! place (the Application card, the promotion, the provisioning run, the inbox for an
//! access request), `card`, `logs` (the operation moving the Application), `history`
//! (the Application's History tab), `open-promotion`, `open-run`, `kube` (a kube session
//! on its Environment: the kube view asks for access when there is no grant) and `inbox`.
//!
//! Live: `promotion.updated`, `access.updated`, and an `application.updated` that changes
//! what is listed (an Application turned failed or degraded, or a listed one recovered)
//! re-read the list, debounced like the home's roll-ups so a burst of events costs one
//! request; an install's progress events cost nothing. Owns the
//! list's state and its rows; drawing is in [`render`].

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::home::REFRESH_DEBOUNCE;
use super::{Cx, Outcome, Scope, Target, View, settle_answer};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{DetailTab, Effect, Query, RequestId};
use crate::model::{LiveEvent, TriageItem, TriageKind};
use crate::msg::{Data, Msg};
use crate::state::list::{Filter, ListState};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::words;

mod render;
#[cfg(test)]
mod tests;

const ACTIONS: &[Action] = &[
    Action::MoveUp,
    Action::MoveDown,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Open,
    Action::MoveRight,
    Action::Filter,
    Action::Copy,
    Action::CycleGrouping,
    Action::Card,
    Action::Logs,
    Action::History,
    Action::OpenPromotion,
    Action::OpenRun,
    Action::Kube,
    Action::Inbox,
];

/// Lines above the table: the counts line and the table header.
const CHROME_ROWS: u16 = 2;

/// One line of the list: a group's heading, or a problem (its index in the answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Group(TriageKind, usize),
    Item(usize),
}

/// The triage view's state.
#[derive(Debug, Default)]
pub struct TriageView {
    pub items: Load<Vec<TriageItem>>,
    /// `selected` counts problems shown; `offset` counts lines (headings included).
    pub list: ListState,
    pub filter: Filter,
    /// Grouped by kind (otherwise one list, worst and oldest first).
    pub grouped: bool,
    refresh_pending: bool,
    /// The problems shown and the lines drawn, derived when the answer, the filter or the
    /// grouping changes (never per frame or per key: tens of thousands of problems stay
    /// within the frame budget).
    derived: Derived,
}

/// What the view shows, derived from the answer, the filter and the grouping.
#[derive(Debug, Default)]
struct Derived {
    shown: Vec<usize>,
    lines: Vec<Line>,
    /// Problems by severity: critical, warning, info.
    counts: (usize, usize, usize),
}

impl TriageView {
    /// Derives what is shown again (after the answer, the filter or the grouping changed).
    fn derive(&mut self) {
        let Some(items) = self.items.value() else {
            self.derived = Derived::default();
            return;
        };
        let mut shown: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, i)| self.filter.matches(&haystack(i)))
            .map(|(n, _)| n)
            .collect();
        if self.grouped {
            // Stable: each group keeps the server's worst-and-oldest-first order.
            shown.sort_by_key(|n| items[*n].kind);
        }
        let lines = if self.grouped {
            let mut lines = Vec::with_capacity(shown.len() + 6);
            let mut at = 0;
            while at < shown.len() {
                let kind = items[shown[at]].kind;
                let count = shown[at..]
                    .iter()
                    .take_while(|n| items[**n].kind == kind)
                    .count();
                lines.push(Line::Group(kind, count));
                lines.extend(shown[at..at + count].iter().map(|n| Line::Item(*n)));
                at += count;
            }
            lines
        } else {
            shown.iter().copied().map(Line::Item).collect()
        };
        use crate::model::Severity;
        let count = |s: Severity| items.iter().filter(|i| i.severity == s).count();
        let counts = (
            count(Severity::Critical),
            count(Severity::Warning),
            count(Severity::Info),
        );
        self.derived = Derived {
            shown,
            lines,
            counts,
        };
    }

    /// The problems that pass the filter, in the order shown (by kind first when grouped).
    pub fn shown(&self) -> &[usize] {
        &self.derived.shown
    }

    /// The lines drawn, headings included when grouped.
    pub fn lines(&self) -> &[Line] {
        &self.derived.lines
    }

    /// Problems in the answer by severity: critical, warning, info.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.derived.counts
    }

    /// The selected problem.
    pub fn selected(&self) -> Option<&TriageItem> {
        let n = *self.shown().get(self.list.selected)?;
        self.items.value()?.get(n)
    }

    /// The line the selection is on.
    fn selected_line(&self, lines: &[Line]) -> usize {
        if !self.grouped {
            return self.list.selected.min(lines.len().saturating_sub(1));
        }
        // Grouped: every heading before it moves the problem one line down.
        let mut items = 0;
        for (i, l) in lines.iter().enumerate() {
            if let Line::Item(_) = l {
                if items == self.list.selected {
                    return i;
                }
                items += 1;
            }
        }
        0
    }

    /// Keeps the selected line on screen (`height` lines of table).
    fn follow(&mut self, height: usize) {
        let lines = self.lines();
        let line = self.selected_line(lines);
        // A group's heading stays visible above its first problem.
        let top = if line > 0 && matches!(lines.get(line - 1), Some(Line::Group(..))) {
            line - 1
        } else {
            line
        };
        let height = height.max(1);
        if top < self.list.offset {
            self.list.offset = top;
        } else if line >= self.list.offset + height {
            self.list.offset = line + 1 - height;
        }
    }

    fn read(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::Triage { stuck_after: None });
        self.items.start(request);
        vec![effect]
    }

    /// Where `open` leads for the selected problem.
    fn open(&self) -> Outcome {
        let Some(item) = self.selected() else {
            return Outcome::Say(words::TRIAGE_NOTHING_SELECTED.to_string());
        };
        match item.kind {
            TriageKind::PromotionWaiting => self.promotion(),
            TriageKind::ProvisioningFailed => self.run(),
            TriageKind::AccessPending => match &item.access_request_id {
                Some(id) => Outcome::Open(Target::InboxAt(id.clone())),
                None => Outcome::Open(Target::Inbox),
            },
            _ => self.card(None),
        }
    }

    /// The Application of the selected problem, on `tab` when given.
    fn card(&self, tab: Option<DetailTab>) -> Outcome {
        let Some(item) = self.selected() else {
            return Outcome::Say(words::TRIAGE_NOTHING_SELECTED.to_string());
        };
        match (&item.environment, &item.application) {
            (Some(env), Some(app)) => Outcome::Open(match tab {
                Some(tab) => Target::AppTab {
                    env: env.clone(),
                    app: app.clone(),
                    tab,
                },
                None => Target::App {
                    env: env.clone(),
                    app: app.clone(),
                },
            }),
            _ => Outcome::Say(words::triage_none(item, words::TRIAGE_NO_APPLICATION)),
        }
    }

    fn log(&self) -> Outcome {
        let Some(item) = self.selected() else {
            return Outcome::Say(words::TRIAGE_NOTHING_SELECTED.to_string());
        };
        match &item.operation_id {
            Some(id) => Outcome::Open(Target::OperationLog {
                id: id.clone(),
                title: format!(
                    "{} › {}",
                    item.environment.as_deref().unwrap_or_default(),
                    item.target
                ),
            }),
            None => Outcome::Say(words::triage_none(item, words::TRIAGE_NO_OPERATION)),
        }
    }

    fn promotion(&self) -> Outcome {
        let Some(item) = self.selected() else {
            return Outcome::Say(words::TRIAGE_NOTHING_SELECTED.to_string());
        };
        match &item.promotion_id {
            Some(id) => Outcome::Open(Target::Promotion(id.clone())),
            None => Outcome::Say(words::triage_none(item, words::TRIAGE_NO_PROMOTION)),
        }
    }

    fn run(&self) -> Outcome {
        let Some(item) = self.selected() else {
            return Outcome::Say(words::TRIAGE_NOTHING_SELECTED.to_string());
        };
        match &item.deployment_id {
            Some(id) => Outcome::Open(Target::Deployment(id.clone())),
            None => Outcome::Say(words::triage_none(item, words::TRIAGE_NO_RUN)),
        }
    }

    fn kube(&self) -> Outcome {
        let Some(item) = self.selected() else {
            return Outcome::Say(words::TRIAGE_NOTHING_SELECTED.to_string());
        };
        match &item.environment {
            Some(env) => Outcome::Open(Target::Kube {
                env: env.clone(),
                app: item.application.clone(),
            }),
            None => Outcome::Say(words::triage_none(item, words::TRIAGE_NO_ENVIRONMENT)),
        }
    }
}

impl TriageView {
    /// Whether an Application's new state changes what triage lists: it became failed
    /// or degraded, or it is listed and no longer in the state it is listed for. Progress
    /// of an install (many events a second) changes nothing until it is stuck, which
    /// the next read finds.
    fn changes_the_list(&self, app: &crate::model::Application) -> bool {
        use crate::model::AppStatus;
        let listed = self.items.value().and_then(|items| {
            items.iter().find(|i| {
                i.application.as_deref() == Some(app.name.as_str())
                    && i.environment.as_deref() == Some(app.environment.as_str())
                    && matches!(
                        i.kind,
                        TriageKind::ApplicationFailed
                            | TriageKind::ApplicationDegraded
                            | TriageKind::OperationStuck
                    )
            })
        });
        let kind_now = match app.status {
            AppStatus::Failed => Some(TriageKind::ApplicationFailed),
            AppStatus::Degraded => Some(TriageKind::ApplicationDegraded),
            s if s.in_progress() => Some(TriageKind::OperationStuck),
            _ => None,
        };
        match listed {
            Some(item) => kind_now != Some(item.kind),
            None => matches!(
                kind_now,
                Some(TriageKind::ApplicationFailed | TriageKind::ApplicationDegraded)
            ),
        }
    }
}

/// What the filter looks through.
fn haystack(item: &TriageItem) -> String {
    format!(
        "{} {} {} {} {} {} {}",
        item.kind,
        words::triage_kind(item.kind),
        item.severity,
        item.org.as_deref().unwrap_or(words::TRIAGE_SOVEREIGN),
        item.environment.as_deref().unwrap_or_default(),
        item.target,
        item.why
    )
}

impl View for TriageView {
    fn context(&self) -> &'static [&'static str] {
        &["triage", "list", "global"]
    }

    fn title(&self) -> String {
        words::TRIAGE_TITLE.to_string()
    }

    fn hints(&self) -> &'static [Action] {
        match self.selected().map(|i| i.kind) {
            Some(TriageKind::PromotionWaiting) => &[
                Action::Open,
                Action::Card,
                Action::Filter,
                Action::CycleGrouping,
                Action::Help,
            ],
            Some(TriageKind::ProvisioningFailed) => &[
                Action::Open,
                Action::Filter,
                Action::CycleGrouping,
                Action::Help,
            ],
            Some(TriageKind::AccessPending) => &[
                Action::Inbox,
                Action::Kube,
                Action::Filter,
                Action::CycleGrouping,
                Action::Help,
            ],
            _ => &[
                Action::Open,
                Action::Logs,
                Action::History,
                Action::Kube,
                Action::Filter,
                Action::CycleGrouping,
                Action::Help,
            ],
        }
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn copy_text(&self) -> Option<String> {
        let item = self.selected()?;
        Some(
            item.promotion_id
                .clone()
                .or_else(|| item.deployment_id.clone())
                .or_else(|| item.access_request_id.clone())
                .or_else(|| {
                    item.environment
                        .as_ref()
                        .map(|env| format!("{env}/{}", item.target))
                })
                .unwrap_or_else(|| item.target.clone()),
        )
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.refresh_pending = false;
        self.read(cx)
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let height = usize::from(cx.body.1.saturating_sub(CHROME_ROWS));
        let len = self.shown().len();
        if self.list.apply(action, len, height) {
            self.follow(height);
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::Open | Action::MoveRight => self.open(),
            Action::Card => self.card(None),
            Action::History => self.card(Some(DetailTab::History)),
            Action::Logs => self.log(),
            Action::OpenPromotion => self.promotion(),
            Action::OpenRun => self.run(),
            Action::Kube => self.kube(),
            Action::Inbox => Outcome::Open(Target::Inbox),
            Action::CycleGrouping => {
                // Keep the same problem selected across the change of order.
                let at = self.shown().get(self.list.selected).copied();
                self.grouped = !self.grouped;
                self.derive();
                let shown = self.shown();
                let position = at.and_then(|n| shown.iter().position(|s| *s == n));
                let len = shown.len();
                self.list.offset = 0;
                self.list.reselect(position, len);
                self.follow(height);
                Outcome::Done(Vec::new())
            }
            _ => Outcome::Ignored,
        }
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        // The problem selected before the answer, found again after it.
        let key = self
            .selected()
            .map(|i| (i.kind, i.target.clone(), i.environment.clone()));
        settle_answer(&mut self.items, request, result, cx.now, |d| match d {
            Data::Triage(items) => Some(items.clone()),
            _ => None,
        })?;
        self.derive();
        let shown = self.shown();
        let at = key.and_then(|(kind, target, env)| {
            let items = self.items.value()?;
            shown.iter().position(|n| {
                let i = &items[*n];
                i.kind == kind && i.target == target && i.environment == env
            })
        });
        let len = shown.len();
        self.list.reselect(at, len);
        self.follow(usize::from(cx.body.1.saturating_sub(CHROME_ROWS)));
        Some(Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        let relevant = match event {
            LiveEvent::ApplicationUpdated(app) => self.changes_the_list(app),
            LiveEvent::PromotionUpdated(_) | LiveEvent::AccessUpdated(_) => true,
            _ => false,
        };
        if !relevant || self.refresh_pending {
            return Vec::new();
        }
        self.refresh_pending = true;
        vec![Effect::After {
            after: REFRESH_DEBOUNCE,
            msg: Box::new(Msg::RefreshTriage),
        }]
    }

    fn on_refresh(&mut self, msg: &Msg, cx: &mut Cx) -> Vec<Effect> {
        if matches!(msg, Msg::RefreshTriage) && self.refresh_pending {
            self.refresh_pending = false;
            return self.read(cx);
        }
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope::ALL
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.filter)
    }

    fn filter_changed(&mut self, _cx: &mut Cx) {
        self.list = ListState::default();
        self.derive();
    }

    fn problem(&self) -> Option<&Problem> {
        self.items.problem()
    }

    fn animates(&self) -> bool {
        self.items.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        render::render(self, frame, area, ui, now);
    }
}
