//! One object of a grant's namespace as highlighted YAML (read through the grant's own
//! client, managed fields left out): scrolled like the Application's YAML tabs, `/`
//! searches with `n`/`N`, `y` copies the document, `ctrl-r` reads it again. When the grant
//! ends the document stays (it is a snapshot, titled with the time it was read) and a
//! new read is refused with the reason.
//!
//! Owns the view's state and its part of the pure update.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::kube::RowKind;
use crate::model::{AccessRequest, LiveEvent, split_env_name};
use crate::msg::Data;
use crate::state::list::Filter;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::views::app::tabs::{self, TabState};
use crate::views::{Cx, Outcome, Scope, View};
use crate::widgets::highlight::Highlighted;
use crate::words;

/// The YAML view's state.
#[derive(Debug)]
pub struct YamlView {
    pub grant: String,
    pub env: String,
    pub kind: RowKind,
    pub name: String,
    pub doc: Load<Highlighted>,
    /// When the document was read.
    pub read_at: Option<DateTime<Utc>>,
    /// Scroll and search (its `load` is unused).
    pub state: TabState,
    /// Why a new read is refused (the grant ended).
    pub ended: Option<String>,
}

impl YamlView {
    pub fn new(grant: &str, env: &str, kind: RowKind, name: &str) -> YamlView {
        YamlView {
            grant: grant.to_string(),
            env: env.to_string(),
            kind,
            name: name.to_string(),
            doc: Load::Idle,
            read_at: None,
            state: TabState::default(),
            ended: None,
        }
    }

    fn height(cx: &Cx) -> usize {
        usize::from(cx.body.1.saturating_sub(1)).max(1)
    }

    fn len(&self) -> usize {
        self.doc.value().map_or(0, |d| d.lines.len())
    }

    fn search(&mut self, forward: bool, cx: &Cx) {
        let Some(doc) = self.doc.value() else { return };
        let matches = tabs::matching_lines(doc, &self.state.filter.text);
        let from = self.state.current_match.or(Some(self.state.scroll));
        if let Some(line) = tabs::next_match(&matches, from, forward) {
            self.state.current_match = Some(line);
            self.state.scroll = tabs::reveal(self.state.scroll, line, Self::height(cx), self.len());
        }
    }
}

impl View for YamlView {
    fn context(&self) -> &'static [&'static str] {
        &["list", "global"]
    }

    fn title(&self) -> String {
        let org = split_env_name(&self.env).map_or("", |(o, _)| o);
        format!(
            "{org} › {} › {}/{}",
            self.env,
            self.kind.kind().to_ascii_lowercase(),
            self.name
        )
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.ended.is_some() {
            return Vec::new();
        }
        let (request, effect) = cx.fetch(Query::KubeYaml {
            grant: self.grant.clone(),
            kind: self.kind,
            name: self.name.clone(),
        });
        self.doc.start(request);
        vec![effect]
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Outcome {
        let height = Self::height(cx);
        let max = tabs::max_scroll(self.len(), height);
        let scroll = &mut self.state.scroll;
        match action {
            Action::MoveDown => *scroll = (*scroll + 1).min(max),
            Action::MoveUp => *scroll = scroll.saturating_sub(1),
            Action::PageDown => *scroll = (*scroll + height).min(max),
            Action::PageUp => *scroll = scroll.saturating_sub(height),
            Action::Top => *scroll = 0,
            Action::Bottom => *scroll = max,
            Action::SearchNext | Action::SearchPrev => {
                self.search(action == Action::SearchNext, cx);
            }
            Action::Copy => {
                return match self.doc.value() {
                    Some(doc) => Outcome::Done(vec![Effect::Copy(
                        doc.plain_lines().collect::<Vec<_>>().join("\n"),
                    )]),
                    None => Outcome::Ignored,
                };
            }
            Action::Refresh if self.ended.is_some() => {
                return Outcome::Say(self.ended.clone().unwrap_or_default());
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Done(Vec::new())
    }

    fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
        cx: &mut Cx,
    ) -> Option<Vec<Effect>> {
        if !self.doc.awaits(request) {
            return None;
        }
        let outcome = match result {
            Ok(Data::KubeYaml(doc)) => match doc.as_ref() {
                Ok(h) => Ok(h.clone()),
                Err(why) => Err(Problem::Error {
                    message: words::kube_read_failed(why),
                    request_id: None,
                }),
            },
            Ok(_) => Err(Problem::Error {
                message: words::UNEXPECTED_ANSWER.to_string(),
                request_id: None,
            }),
            Err(e) => Err(Problem::from_error(e, cx.now)),
        };
        if outcome.is_ok() {
            self.read_at = Some(cx.now);
        }
        self.doc.settle(request, outcome, |p| p);
        Some(Vec::new())
    }

    fn on_live(&mut self, _event: &LiveEvent, _cx: &mut Cx) -> Vec<Effect> {
        Vec::new()
    }

    fn scope(&self) -> Scope {
        Scope {
            org: split_env_name(&self.env).map(|(o, _)| o.to_string()),
            env: Some(self.env.clone()),
        }
    }

    fn grant_env(&self) -> Option<String> {
        Some(self.env.clone())
    }

    fn take_grant(&mut self, grant: Option<&AccessRequest>, now: DateTime<Utc>) -> bool {
        let live = grant.is_some_and(|g| g.id == self.grant);
        if live || self.ended.is_some() {
            return false;
        }
        self.ended = Some(words::kube_grant_over(&self.env, now));
        true
    }

    fn filter(&self) -> Option<&Filter> {
        Some(&self.state.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut Filter> {
        Some(&mut self.state.filter)
    }

    fn filter_changed(&mut self, cx: &mut Cx) {
        self.state.current_match = None;
        self.search(true, cx);
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Filter,
            Action::SearchNext,
            Action::Copy,
            Action::Refresh,
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
            Action::Filter,
            Action::SearchNext,
            Action::SearchPrev,
            Action::Copy,
        ]
    }

    fn problem(&self) -> Option<&Problem> {
        self.doc.problem()
    }

    fn animates(&self) -> bool {
        self.doc.animates()
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, now: DateTime<Utc>) {
        super::render::yaml(self, frame, area, ui, now);
    }
}
