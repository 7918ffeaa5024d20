//! One promotion (`Target::Promotion`): its header (app, source → target, versions, state,
//! author, pull request), its EnvironmentPolicy explained rule by rule, its reviews, and
//! its diff highlighted (scrolling and `/` search as in the YAML tabs). Reviewing it:
//! approve, request changes or reject open the comment editor; the text comes back as a
//! draft the view keeps until a review with it succeeds, so no refusal loses it; a prod
//! target asks y/n after the comment. The review is sent with the promotion's revision;
//! a stale revision re-reads the promotion. `promotion.updated` events for this id re-read
//! it, so a merge shows without a refresh.
//!
//! Also: [`promote`], how an Application opens a promotion. Rendering lives in
//! [`render`], the policy explanation in [`policy`].

pub mod policy;
pub mod promote;
mod render;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::TabState;
use super::overlays::compose::Compose;
use super::overlays::confirm::Confirm;
use super::{Cx, Outcome, Scope, View, settle_answer};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{EnvType, LiveEvent, Promotion, PromotionState, ReviewDecision, split_env_name};
use crate::msg::{Data, PromotionDetail};
use crate::state::list::Filter;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::words;

/// A line under the header saying how the last review went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub error: bool,
}

/// The promotion view's state.
#[derive(Debug)]
pub struct PromotionView {
    pub id: String,
    pub detail: Load<PromotionDetail>,
    /// Scroll and search of the diff.
    pub diff: TabState,
    /// The comment being written; kept until a review with it succeeds.
    pub draft: String,
    /// The review waiting for a yes (a prod target).
    pub asked: Option<Action>,
    /// The review in flight.
    pub sending: Option<(RequestId, Action)>,
    /// How the last review went.
    pub note: Option<Note>,
}

const ACTIONS: &[Action] = &[
    Action::Approve,
    Action::RequestChanges,
    Action::Reject,
    Action::MoveUp,
    Action::MoveDown,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Filter,
    Action::SearchNext,
    Action::SearchPrev,
    Action::Copy,
];

/// The decision an action sends.
pub fn decision(action: Action) -> Option<ReviewDecision> {
    match action {
        Action::Approve => Some(ReviewDecision::Approve),
        Action::RequestChanges => Some(ReviewDecision::RequestChanges),
        Action::Reject => Some(ReviewDecision::Reject),
        _ => None,
    }
}

impl PromotionView {
    pub fn new(id: &str) -> PromotionView {
        PromotionView {
            id: id.to_string(),
            detail: Load::Idle,
            diff: TabState::default(),
            draft: String::new(),
            asked: None,
            sending: None,
            note: None,
        }
    }

    /// The promotion, once read.
    pub fn promotion(&self) -> Option<&Promotion> {
        self.detail.value().map(|d| &d.promotion)
    }

    fn is_prod(&self) -> bool {
        self.promotion()
            .and_then(|p| split_env_name(&p.target_environment))
            .is_some_and(|(_, t)| t == EnvType::Prod)
    }

    fn read(&mut self, cx: &mut Cx) -> Effect {
        let (request, effect) = cx.fetch(Query::Promotion {
            id: self.id.clone(),
        });
        self.detail.start(request);
        effect
    }

    /// Opens the comment editor for `action` with the draft.
    fn compose(&self, action: Action) -> Outcome {
        let Some(p) = self.promotion() else {
            return Outcome::Done(Vec::new());
        };
        if p.state != PromotionState::Open {
            return Outcome::Say(words::promotion_not_open(p.state.as_str()));
        }
        if self.sending.is_some() {
            return Outcome::Say(words::REVIEW_IN_FLIGHT.to_string());
        }
        let title = words::review_title(action, p.pr.number, &p.application, &p.target_environment);
        let required = action != Action::Approve;
        let mut editor = Compose::new(title, action, required, &self.draft);
        editor.message = self
            .note
            .as_ref()
            .filter(|n| n.error)
            .map(|n| n.text.clone());
        Outcome::Compose(Box::new(editor))
    }

    /// Sends the draft as `action`'s review at the promotion's revision.
    fn send(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let (Some(p), Some(decision)) = (self.promotion(), decision(action)) else {
            return Outcome::Ignored;
        };
        if self.sending.is_some() {
            return Outcome::Say(words::REVIEW_IN_FLIGHT.to_string());
        }
        let query = Query::Review {
            id: p.id.clone(),
            decision,
            comment: self.draft.clone(),
            revision: p.revision,
        };
        let (request, effect) = cx.fetch(query);
        self.sending = Some((request, action));
        self.note = None;
        Outcome::Done(vec![effect])
    }

    fn reviewed(
        &mut self,
        action: Action,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        match result {
            Ok(Data::Promotion(p)) => {
                let merged = p.promotion.state == PromotionState::Merged;
                self.detail = Load::Ready((**p).clone());
                self.draft.clear();
                self.note = Some(Note {
                    text: words::review_sent(action, merged),
                    error: false,
                });
                Vec::new()
            }
            Ok(_) => {
                self.note = Some(Note {
                    text: words::UNEXPECTED_ANSWER.to_string(),
                    error: true,
                });
                Vec::new()
            }
            Err(e) => {
                self.note = Some(Note {
                    text: policy::explain_refusal(e, action, self.promotion()),
                    error: true,
                });
                // A changed promotion is read again; the draft stays for another try.
                match e {
                    ApiError::Conflict { .. } => vec![self.read(cx)],
                    _ => Vec::new(),
                }
            }
        }
    }

    fn diff_height(&self, cx: &Cx) -> usize {
        let note = self.note.as_ref().map(|n| n.text.as_str());
        let top = self
            .promotion()
            .map_or(0, |p| render::summary_height(p, note, cx.body.0));
        usize::from(cx.body.1)
            .saturating_sub(usize::from(top) + 1)
            .max(1)
    }

    fn scroll(&mut self, action: Action, cx: &mut Cx) {
        let height = self.diff_height(cx);
        let len = self.detail.value().map_or(0, |d| d.diff.lines.len());
        let max = super::app::tabs::max_scroll(len, height);
        let at = self.diff.scroll.min(max);
        self.diff.scroll = match action {
            Action::MoveDown => at + 1,
            Action::MoveUp => at.saturating_sub(1),
            Action::PageDown => at + height,
            Action::PageUp => at.saturating_sub(height),
            Action::Top => 0,
            _ => max,
        }
        .min(max);
    }

    fn search(&mut self, forward: bool, cx: &mut Cx) {
        use super::app::tabs;
        let height = self.diff_height(cx);
        let Some(d) = self.detail.value() else {
            return;
        };
        if !self.diff.filter.is_active() {
            return;
        }
        let matches = tabs::matching_lines(&d.diff, &self.diff.filter.text);
        let from = self.diff.current_match.or(if forward {
            self.diff.scroll.checked_sub(1)
        } else {
            Some(self.diff.scroll)
        });
        let Some(line) = tabs::next_match(&matches, from, forward) else {
            self.diff.current_match = None;
            return;
        };
        self.diff.current_match = Some(line);
        self.diff.scroll = tabs::reveal(self.diff.scroll, line, height, d.diff.lines.len());
    }
}

impl View for PromotionView {
    fn context(&self) -> &'static [&'static str] {
        &["promotion.review", "promotion", "yaml", "list", "global"]
    }

    fn title(&self) -> String {
        match self.promotion() {
            Some(p) => format!("{} › promotion #{} {}", p.org, p.pr.number, p.application),
            None => format!("promotion {}", self.id),
        }
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Approve,
            Action::RequestChanges,
            Action::Reject,
            Action::Filter,
            Action::Back,
            Action::Help,
        ]
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn copy_text(&self) -> Option<String> {
        self.promotion().map(|p| p.pr.url.clone())
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        vec![self.read(cx)]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        match action {
            Action::Approve | Action::RequestChanges | Action::Reject => self.compose(action),
            Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom => {
                self.scroll(action, cx);
                Outcome::Done(Vec::new())
            }
            Action::SearchNext | Action::SearchPrev => {
                self.search(action == Action::SearchNext, cx);
                Outcome::Done(Vec::new())
            }
            _ => Outcome::Ignored,
        }
    }

    fn on_composed(&mut self, action: Action, text: String, send: bool, cx: &mut Cx) -> Outcome {
        self.draft = text;
        if !send || decision(action).is_none() {
            return Outcome::Done(Vec::new());
        }
        if self.is_prod() {
            let Some(p) = self.promotion() else {
                return Outcome::Done(Vec::new());
            };
            let question =
                words::review_prod_question(action, &p.application, &p.target_environment);
            let name = p.application.clone();
            self.asked = Some(action);
            return Outcome::Confirm(
                Confirm::new(words::REVIEW_PROD_TITLE, question, action).typed(name),
            );
        }
        self.send(action, cx)
    }

    fn on_confirmed(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        if self.asked.take() != Some(action) {
            return Outcome::Ignored;
        }
        self.send(action, cx)
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if let Some((sent, action)) = self.sending
            && sent == request
        {
            self.sending = None;
            return Some(self.reviewed(action, result, cx));
        }
        settle_answer(&mut self.detail, request, result, cx.now, |d| match d {
            Data::Promotion(p) => Some((**p).clone()),
            _ => None,
        })?;
        if let Some(d) = self.detail.value()
            && self
                .diff
                .current_match
                .is_some_and(|l| l >= d.diff.lines.len())
        {
            self.diff.current_match = None;
        }
        Some(Vec::new())
    }

    fn on_live(&mut self, event: &LiveEvent, cx: &mut Cx) -> Vec<Effect> {
        match event {
            LiveEvent::PromotionUpdated(p) if p.id == self.id => {
                let known = self.promotion().map(|q| q.revision);
                if known == Some(p.revision) && self.detail.value().is_some() {
                    return Vec::new();
                }
                vec![self.read(cx)]
            }
            _ => Vec::new(),
        }
    }

    fn scope(&self) -> Scope {
        match self.promotion() {
            Some(p) => Scope {
                org: Some(p.org.clone()),
                env: None,
            },
            None => Scope::ALL,
        }
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.diff.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.diff.filter)
    }

    fn filter_changed(&mut self, cx: &mut Cx) {
        self.diff.current_match = None;
        if self.diff.filter.is_active() {
            self.search(true, cx);
        }
    }

    fn problem(&self) -> Option<&Problem> {
        self.detail.problem()
    }

    fn animates(&self) -> bool {
        self.detail.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        render::render(self, frame, area, ui, now);
    }
}
