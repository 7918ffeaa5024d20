//! What waits for me: the open promotions awaiting my review (app, source → target,
//! versions, author, age; Enter opens one) and the pending access requests I may see,
//! which one selection runs through. On an access request `grant-access` and
//! `deny-access` open the comment editor (a denial needs a comment), the rules of who may
//! decide are said above the requests, and the server's answer (or its refusal, naming
//! the rule) is said; the list is read again after a decision. A `promotion.updated` or
//! `access.updated` event re-reads the lists, debounced like the home's counts.
//!
//! Below them, the live grants I may revoke (mine, and those I may decide): on one,
//! `revoke-access` asks first and then revokes it; the answer is said and the lists are
//! read again. The access sections are drawn and their rows found in [`access`].

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row};

use super::home::REFRESH_DEBOUNCE;
use super::{Cx, Outcome, Scope, Target, View, settle_answer};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{AccessDecisionKind, AccessRequest, LiveEvent};
use crate::msg::{Data, InboxItems, Msg};
use crate::state::list::ListState;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::views::overlays::confirm::Confirm;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_rows, visible_rows, window};
use crate::widgets::text::ago;
use crate::words;

mod access;
#[cfg(test)]
mod tests;

/// An Environment by its type (`uat`) when its name has the usual form.
fn short(env: &str) -> String {
    crate::model::split_env_name(env)
        .map_or_else(|| env.to_string(), |(_, t)| t.as_str().to_string())
}

const ACTIONS: &[Action] = &[
    Action::MoveUp,
    Action::MoveDown,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Open,
    Action::Copy,
    Action::GrantAccess,
    Action::DenyAccess,
    Action::RevokeAccess,
];

/// What is in flight from the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sending {
    /// A decision (grant or deny).
    Decision(RequestId),
    /// A revocation.
    Revoke(RequestId),
}

/// The inbox's state.
#[derive(Debug, Default)]
pub struct InboxView {
    pub items: Load<InboxItems>,
    /// The selected promotion.
    pub list: ListState,
    refresh_pending: bool,
    /// The comment being written for a decision (kept after a refusal).
    draft: String,
    /// The request a decision is being written for, and whether it grants.
    deciding: Option<(String, bool)>,
    /// The grant a revocation was asked about (waiting for the yes).
    revoking: Option<String>,
    /// The decision or revocation in flight.
    sending: Option<Sending>,
    /// What the last answer decided, said once the view is on top.
    outcome: Option<String>,
    /// The access request to select once the lists are read (opened from triage).
    want: Option<String>,
}

impl InboxView {
    /// The inbox that selects access request `id` once read.
    pub fn selecting(id: &str) -> InboxView {
        InboxView {
            want: Some(id.to_string()),
            ..InboxView::default()
        }
    }

    /// Rows the selection runs through: the promotions, then the access requests shown,
    /// then the live grants shown.
    fn len(&self) -> usize {
        self.items.value().map_or(0, access::rows)
    }

    /// The selected access request, when the selection is below the promotions.
    fn selected_access(&self) -> Option<&AccessRequest> {
        access::pending_at(self.items.value()?, self.list.selected)
    }

    /// The selected live grant, when the selection is at the bottom.
    fn selected_grant(&self) -> Option<&AccessRequest> {
        access::grant_at(self.items.value()?, self.list.selected)
    }

    /// `revoke-access` on the selected live grant: the question first.
    fn revoke(&mut self) -> Outcome {
        if self.sending.is_some() {
            return Outcome::Say(words::ACCESS_IN_FLIGHT.to_string());
        }
        let Some(g) = self.selected_grant() else {
            return Outcome::Say(words::NO_GRANT_SELECTED.to_string());
        };
        let question = words::revoke_question(g);
        self.revoking = Some(g.id.clone());
        Outcome::Confirm(Confirm::new(
            words::REVOKE_TITLE,
            question,
            Action::RevokeAccess,
        ))
    }

    /// `grant-access` / `deny-access` on the selected request: the editor.
    fn decide(&mut self, grant: bool) -> Outcome {
        if self.sending.is_some() {
            return Outcome::Say(words::ACCESS_IN_FLIGHT.to_string());
        }
        let Some(r) = self.selected_access() else {
            return Outcome::Say(words::NO_ACCESS_SELECTED.to_string());
        };
        let title = words::access_decision_title(grant, r);
        let id = r.id.clone();
        if self.deciding.as_ref().is_some_and(|(d, _)| *d != id) {
            self.draft.clear();
        }
        self.deciding = Some((id, grant));
        let action = if grant {
            Action::GrantAccess
        } else {
            Action::DenyAccess
        };
        let placeholder = if grant {
            words::ACCESS_GRANT_PLACEHOLDER
        } else {
            words::ACCESS_DENY_PLACEHOLDER
        };
        Outcome::Compose(Box::new(
            crate::views::overlays::compose::Compose::new(title, action, !grant, &self.draft)
                .with_placeholder(placeholder),
        ))
    }

    fn read(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::InboxItems);
        self.items.start(request);
        vec![effect]
    }

    fn access_rows(&self) -> u16 {
        self.items.value().map_or(0, access::height)
    }
}

impl View for InboxView {
    fn context(&self) -> &'static [&'static str] {
        &["access", "promotion", "list", "global"]
    }

    fn title(&self) -> String {
        words::INBOX_TITLE.to_string()
    }

    fn hints(&self) -> &'static [Action] {
        if self.selected_grant().is_some() {
            return &[
                Action::RevokeAccess,
                Action::Refresh,
                Action::Back,
                Action::Help,
            ];
        }
        if self.selected_access().is_some() {
            return &[
                Action::GrantAccess,
                Action::DenyAccess,
                Action::Refresh,
                Action::Back,
                Action::Help,
            ];
        }
        &[Action::Open, Action::Refresh, Action::Back, Action::Help]
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn copy_text(&self) -> Option<String> {
        if let Some(r) = self.selected_access().or_else(|| self.selected_grant()) {
            return Some(r.id.clone());
        }
        let items = self.items.value()?;
        items
            .promotions
            .get(self.list.selected)
            .map(|p| p.id.clone())
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.read(cx)
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let page = usize::from(cx.body.1.saturating_sub(3 + self.access_rows()));
        if self.list.apply(action, self.len(), page) {
            return Outcome::Done(Vec::new());
        }
        match action {
            Action::GrantAccess => self.decide(true),
            Action::DenyAccess => self.decide(false),
            Action::RevokeAccess => self.revoke(),
            Action::Open | Action::MoveRight => {
                match self
                    .items
                    .value()
                    .and_then(|i| i.promotions.get(self.list.selected))
                {
                    Some(p) => Outcome::Open(Target::Promotion(p.id.clone())),
                    None => Outcome::Done(Vec::new()),
                }
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
        match self.sending {
            Some(Sending::Decision(r)) if r == request => {
                self.sending = None;
                self.outcome = Some(match result {
                    Ok(Data::AccessDecided(r)) => {
                        self.draft.clear();
                        self.deciding = None;
                        words::access_decided(r)
                    }
                    Ok(_) => words::UNEXPECTED_ANSWER.to_string(),
                    Err(e) => words::access_decision_failed(e),
                });
                return Some(self.read(cx));
            }
            Some(Sending::Revoke(r)) if r == request => {
                self.sending = None;
                self.outcome = Some(match result {
                    Ok(Data::AccessRevoked(r)) => words::access_revoked(r),
                    Ok(_) => words::UNEXPECTED_ANSWER.to_string(),
                    Err(e) => words::access_revoke_failed(e),
                });
                return Some(self.read(cx));
            }
            _ => {}
        }
        settle_answer(&mut self.items, request, result, cx.now, |d| match d {
            Data::InboxItems(i) => Some((**i).clone()),
            _ => None,
        })?;
        // Opened at a request: the selection goes to it (the promotions come first).
        if let (Some(id), Some(items)) = (self.want.take(), self.items.value()) {
            let at = items
                .access_requests
                .iter()
                .take(access::ACCESS_SHOWN)
                .position(|r| r.id == id);
            if let Some(i) = at {
                self.list.selected = items.promotions.len() + i;
            }
        }
        let len = self.len();
        self.list.clamp(len);
        Some(Vec::new())
    }

    fn on_composed(&mut self, action: Action, text: String, send: bool, cx: &mut Cx) -> Outcome {
        self.draft = text;
        let Some((id, grant)) = self.deciding.clone() else {
            return Outcome::Ignored;
        };
        if !send || !matches!(action, Action::GrantAccess | Action::DenyAccess) {
            return Outcome::Done(Vec::new());
        }
        let decision = if grant {
            AccessDecisionKind::Grant
        } else {
            AccessDecisionKind::Deny
        };
        let (request, effect) = cx.fetch(Query::DecideAccess {
            id,
            decision,
            comment: self.draft.trim().to_string(),
        });
        self.sending = Some(Sending::Decision(request));
        Outcome::Done(vec![effect])
    }

    fn on_confirmed(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        if action != Action::RevokeAccess {
            return Outcome::Ignored;
        }
        let Some(id) = self.revoking.take() else {
            return Outcome::Ignored;
        };
        if self.sending.is_some() {
            return Outcome::Say(words::ACCESS_IN_FLIGHT.to_string());
        }
        let (request, effect) = cx.fetch(Query::RevokeAccess { id });
        self.sending = Some(Sending::Revoke(request));
        Outcome::Done(vec![effect])
    }

    fn take_outcome(&mut self) -> Option<Outcome> {
        self.outcome.take().map(Outcome::Say)
    }

    fn on_live(&mut self, event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        match event {
            LiveEvent::PromotionUpdated(_) | LiveEvent::AccessUpdated(_)
                if !self.refresh_pending =>
            {
                self.refresh_pending = true;
                vec![Effect::After {
                    after: REFRESH_DEBOUNCE,
                    msg: Box::new(Msg::RefreshInbox),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn on_refresh(&mut self, msg: &Msg, cx: &mut Cx) -> Vec<Effect> {
        if matches!(msg, Msg::RefreshInbox) && self.refresh_pending {
            self.refresh_pending = false;
            return self.read(cx);
        }
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope::ALL
    }

    fn problem(&self) -> Option<&Problem> {
        self.items.problem()
    }

    fn animates(&self) -> bool {
        self.items.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        if render_load(frame, area, ui, &self.items, "the inbox", now) {
            return;
        }
        let Some(items) = self.items.value() else {
            return;
        };
        if items.promotions.is_empty()
            && items.access_requests.is_empty()
            && items.grants.is_empty()
        {
            render_empty(frame, area, ui, words::INBOX_EMPTY, words::INBOX_EMPTY_NEXT);
            return;
        }
        let [head, table, access] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(2),
            Constraint::Length(self.access_rows()),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" {} ({})", words::INBOX_REVIEWS, items.promotions.len()),
                ui.style("title"),
            )),
            head,
        );
        if items.promotions.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!("   {}", words::INBOX_NO_REVIEWS),
                    ui.style("text.dim"),
                )),
                table,
            );
        } else {
            let on_access = self.list.selected >= items.promotions.len();
            let mut list = self.list;
            list.selected = list.selected.min(items.promotions.len().saturating_sub(1));
            list.scroll_into_view(visible_rows(table));
            let rows = items.promotions[window(&list, table, items.promotions.len())]
                .iter()
                .map(|p| {
                    Row::new(vec![
                        Cell::from(p.application.clone()),
                        Cell::from(p.org.clone()),
                        Cell::from(format!(
                            "{} → {}",
                            short(&p.source_environment),
                            short(&p.target_environment)
                        )),
                        Cell::from(format!("{} → {}", p.from_version, p.to_version)),
                        Cell::from(p.created_by.clone()),
                        Cell::from(ago(p.created_at, now)),
                    ])
                })
                .collect();
            let header = Row::new([
                "APPLICATION",
                "ORGANIZATION",
                "FROM → TO",
                "VERSION",
                "AUTHOR",
                "AGE",
            ]);
            let widths = [
                Constraint::Min(12),
                Constraint::Min(12),
                Constraint::Length(11),
                Constraint::Length(14),
                Constraint::Length(8),
                Constraint::Length(10),
            ];
            // The selection on an access request: no promotion is highlighted.
            let selected = (!on_access)
                .then(|| list.selected.checked_sub(list.offset))
                .flatten();
            render_rows(frame, table, ui, header, &widths, rows, selected);
        }
        let lines = access::lines(items, self.list.selected, ui, now);
        frame.render_widget(Paragraph::new(lines), access);
    }
}
