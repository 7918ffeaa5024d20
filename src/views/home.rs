//! The Sovereign home: every Organization with its health roll-up, and what waits for me
//! (promotions I may review, access requests I may decide) as counts; `inbox` (i) opens
//! them item by item. A key of its own (`deployments`) leads to the Sovereign's
//! provisioning runs, another (`triage`) to what is broken across every Organization.
//!
//! Live: an `environment.updated` event re-reads that one Organization's roll-up, a
//! promotion or access event re-reads the inbox counts; both are debounced so a burst of
//! events costs one request.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{Cx, Outcome, Scope, Target, View, settle_answer};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{LiveEvent, Org, split_env_name};
use crate::msg::{Data, Inbox, Msg};
use crate::state::list::{Filter, ListState};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::words;

/// How long live events are gathered before a roll-up is read again.
pub const REFRESH_DEBOUNCE: Duration = Duration::from_millis(400);

/// The home's actions: the list's, and the way to the provisioning runs.
const HOME_ACTIONS: &[Action] = &[
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
    Action::Deployments,
    Action::Inbox,
    Action::Triage,
];

/// The home view's state.
#[derive(Debug, Default)]
pub struct HomeView {
    pub orgs: Load<Vec<Org>>,
    pub inbox: Load<Inbox>,
    pub list: ListState,
    pub filter: Filter,
    /// Organizations whose roll-up will be read again when the debounce ends.
    pending_orgs: BTreeSet<String>,
    /// Single-Organization reads in flight.
    org_requests: HashMap<RequestId, String>,
    inbox_pending: bool,
}

impl HomeView {
    /// The Organizations that pass the filter, in order.
    pub fn visible(&self) -> Vec<&Org> {
        self.orgs
            .value()
            .map(|orgs| {
                orgs.iter()
                    .filter(|o| {
                        self.filter
                            .matches(&format!("{} {} {}", o.name, o.display_name, o.kind))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn selected(&self) -> Option<&Org> {
        self.visible().get(self.list.selected).copied()
    }
}

impl HomeView {
    fn refresh_due(&mut self, msg: &Msg, cx: &mut Cx) -> Vec<Effect> {
        match msg {
            Msg::RefreshOrg(org) if self.pending_orgs.remove(org) => {
                let (request, effect) = cx.fetch(Query::Org(org.clone()));
                self.org_requests.insert(request, org.clone());
                vec![effect]
            }
            Msg::RefreshInbox if self.inbox_pending => {
                self.inbox_pending = false;
                let (request, effect) = cx.fetch(Query::Inbox);
                self.inbox.start(request);
                vec![effect]
            }
            _ => Vec::new(),
        }
    }

    fn rows_height(cx: &Cx) -> usize {
        // Body less the inbox line and the table header.
        (cx.body.1 as usize).saturating_sub(3)
    }
}

impl View for HomeView {
    fn context(&self) -> &'static [&'static str] {
        &["home", "list", "global"]
    }

    fn title(&self) -> String {
        "Organizations".to_string()
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Filter,
            Action::Inbox,
            Action::Deployments,
            Action::CommandPalette,
            Action::SwitchPersona,
            Action::Help,
            Action::Quit,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        HOME_ACTIONS
    }

    fn copy_text(&self) -> Option<String> {
        self.selected().map(|o| o.name.clone())
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (orgs, a) = cx.fetch(Query::Orgs);
        let (inbox, b) = cx.fetch(Query::Inbox);
        self.orgs.start(orgs);
        self.inbox.start(inbox);
        vec![a, b]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let len = self.visible().len();
        if self.list.apply(action, len, Self::rows_height(cx)) {
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::Open | Action::MoveRight => match self.selected() {
                Some(org) => Outcome::Open(Target::Org(org.name.clone())),
                None => Outcome::Done(Vec::new()),
            },
            Action::Deployments => Outcome::Open(Target::Deployments),
            Action::Inbox => Outcome::Open(Target::Inbox),
            Action::Triage => Outcome::Open(Target::Triage),
            _ => Outcome::Ignored,
        }
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if let Some(name) = self.org_requests.remove(&request) {
            if let (Ok(Data::Org(org)), Some(orgs)) = (result, self.orgs.value_mut())
                && let Some(slot) = orgs.iter_mut().find(|o| o.name == name)
            {
                *slot = (**org).clone();
            }
            return Some(Vec::new());
        }
        if settle_answer(&mut self.orgs, request, result, cx.now, |d| match d {
            Data::Orgs(orgs) => Some(orgs.clone()),
            _ => None,
        })
        .is_some()
        {
            let len = self.visible().len();
            self.list.clamp(len);
            return Some(Vec::new());
        }
        settle_answer(&mut self.inbox, request, result, cx.now, |d| match d {
            Data::Inbox(inbox) => Some(inbox.clone()),
            _ => None,
        })
        .map(|()| Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        match event {
            LiveEvent::EnvironmentUpdated(env) => {
                let org = env.org.clone();
                if self.pending_orgs.insert(org.clone()) {
                    return vec![Effect::After {
                        after: REFRESH_DEBOUNCE,
                        msg: Box::new(Msg::RefreshOrg(org)),
                    }];
                }
                Vec::new()
            }
            LiveEvent::ApplicationUpdated(app) => {
                let org = split_env_name(&app.environment)
                    .map(|(o, _)| o.to_string())
                    .unwrap_or_else(|| app.org.clone());
                if self.pending_orgs.insert(org.clone()) {
                    return vec![Effect::After {
                        after: REFRESH_DEBOUNCE,
                        msg: Box::new(Msg::RefreshOrg(org)),
                    }];
                }
                Vec::new()
            }
            LiveEvent::PromotionUpdated(_) | LiveEvent::AccessUpdated(_) => {
                if self.inbox_pending {
                    return Vec::new();
                }
                self.inbox_pending = true;
                vec![Effect::After {
                    after: REFRESH_DEBOUNCE,
                    msg: Box::new(Msg::RefreshInbox),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn scope(&self) -> Scope {
        Scope::ALL
    }

    fn on_refresh(&mut self, msg: &Msg, cx: &mut Cx) -> Vec<Effect> {
        self.refresh_due(msg, cx)
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

    fn problem(&self) -> Option<&Problem> {
        self.orgs.problem()
    }

    fn animates(&self) -> bool {
        self.orgs.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        render_inbox(frame, top, ui, &self.inbox);
        if render_load(frame, body, ui, &self.orgs, "Organizations", now) {
            return;
        }
        let visible = self.visible();
        if visible.is_empty() {
            if self.filter.is_active() {
                render_empty(frame, body, ui, words::NO_MATCH, words::NO_MATCH_NEXT);
            } else {
                render_empty(frame, body, ui, words::NO_ORGS, words::NO_ORGS_NEXT);
            }
            return;
        }
        let mut list = self.list;
        list.scroll_into_view(visible_rows(body));
        let rows = visible[window(&list, body, visible.len())]
            .iter()
            .map(|org| {
                let health = org.counts.health();
                let c = org.counts;
                Row::new(vec![
                    Cell::from(Span::styled(
                        format!("{} {}", ui.glyphs.status(health), health_word(health)),
                        ui.theme.status(health),
                    )),
                    Cell::from(org.name.clone()),
                    Cell::from(org.kind.clone()),
                    Cell::from(org.environments.len().to_string()),
                    Cell::from(c.applications.to_string()),
                    Cell::from(c.failed.to_string()),
                    Cell::from(c.degraded.to_string()),
                    Cell::from(c.pending_approval.to_string()),
                    Cell::from(c.running.to_string()),
                ])
            })
            .collect();
        let header = Row::new([
            "HEALTH",
            "ORGANIZATION",
            "TYPE",
            "ENVS",
            "APPS",
            "FAIL",
            "DEGR",
            "WAIT",
            "RUN",
        ]);
        let widths = [
            Constraint::Length(12),
            Constraint::Min(16),
            Constraint::Length(9),
            Constraint::Length(4),
            Constraint::Length(5),
            Constraint::Length(4),
            Constraint::Length(4),
            Constraint::Length(4),
            Constraint::Length(4),
        ];
        render_table(frame, body, ui, header, &widths, rows, &list);
    }
}

/// One word for a roll-up.
pub fn health_word(health: crate::model::AppStatus) -> &'static str {
    use crate::model::AppStatus;
    match health {
        AppStatus::Failed => "failing",
        AppStatus::Degraded => "degraded",
        AppStatus::PendingApproval => "waiting",
        AppStatus::Installing => "changing",
        _ => "healthy",
    }
}

fn render_inbox(frame: &mut Frame, area: Rect, ui: &Ui, inbox: &Load<Inbox>) {
    let dim = ui.style("text.dim");
    let line = match inbox.value() {
        Some(i) => Line::from(vec![
            Span::styled(" Waiting for me: ", dim),
            Span::styled(
                plural(i.reviews, "review", "reviews"),
                count_style(ui, i.reviews),
            ),
            Span::styled(format!(" {} ", ui.glyphs.dot), dim),
            Span::styled(
                plural(i.access_requests, "access request", "access requests"),
                count_style(ui, i.access_requests),
            ),
            Span::styled(words::INBOX_OPEN_HINT, dim),
        ]),
        None => match inbox.problem() {
            // The server has no inbox (catalyst-api): nothing waits there.
            Some(crate::state::load::Problem::NotOffered { .. }) => {
                Line::styled(words::INBOX_NOT_OFFERED, dim)
            }
            Some(_) => Line::styled(" Waiting for me: unavailable", dim),
            None => Line::styled(format!(" Waiting for me: {}", ui.glyphs.ellipsis), dim),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn count_style(ui: &Ui, n: usize) -> ratatui::style::Style {
    if n > 0 {
        ui.style("warning")
    } else {
        ui.style("text.dim")
    }
}
