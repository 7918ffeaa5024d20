//! What waits for me: the open promotions awaiting my review (app, source → target,
//! versions, author, age; Enter opens one) and, read-only, the pending access requests I
//! may see (deciding them comes with access sessions). A `promotion.updated` or
//! `access.updated` event re-reads the lists, debounced like the home's counts.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::home::REFRESH_DEBOUNCE;
use super::{Cx, Outcome, Scope, Target, View, settle_answer};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::LiveEvent;
use crate::msg::{Data, InboxItems, Msg};
use crate::state::list::ListState;
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::widgets::load::{render_empty, render_load};
use crate::widgets::table::{render_table, visible_rows, window};
use crate::widgets::text::ago;
use crate::words;

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
];

/// At most this many access requests are listed under the promotions.
const ACCESS_SHOWN: usize = 5;

/// The inbox's state.
#[derive(Debug, Default)]
pub struct InboxView {
    pub items: Load<InboxItems>,
    /// The selected promotion.
    pub list: ListState,
    refresh_pending: bool,
}

impl InboxView {
    fn len(&self) -> usize {
        self.items.value().map_or(0, |i| i.promotions.len())
    }

    fn read(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let (request, effect) = cx.fetch(Query::InboxItems);
        self.items.start(request);
        vec![effect]
    }

    fn access_rows(&self) -> u16 {
        let n = self
            .items
            .value()
            .map_or(0, |i| i.access_requests.len().min(ACCESS_SHOWN));
        if n == 0 { 0 } else { 2 + n as u16 }
    }
}

impl View for InboxView {
    fn context(&self) -> &'static [&'static str] {
        &["promotion", "list", "global"]
    }

    fn title(&self) -> String {
        words::INBOX_TITLE.to_string()
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Open, Action::Refresh, Action::Back, Action::Help]
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn copy_text(&self) -> Option<String> {
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
        settle_answer(&mut self.items, request, result, cx.now, |d| match d {
            Data::InboxItems(i) => Some((**i).clone()),
            _ => None,
        })?;
        let len = self.len();
        self.list.clamp(len);
        Some(Vec::new())
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
        if items.promotions.is_empty() && items.access_requests.is_empty() {
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
            let mut list = self.list;
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
            render_table(frame, table, ui, header, &widths, rows, &list);
        }
        if items.access_requests.is_empty() {
            return;
        }
        let dim = ui.style("text.dim");
        let mut lines = vec![
            Line::styled(
                format!(" {} ({})", words::INBOX_ACCESS, items.access_requests.len()),
                ui.style("title"),
            ),
            Line::styled(format!("   {}", words::INBOX_ACCESS_NOTE), dim),
        ];
        for r in items.access_requests.iter().take(ACCESS_SHOWN) {
            lines.push(Line::from(vec![
                Span::styled(format!("   {} ", r.requester), ui.style("text")),
                Span::styled(
                    format!(
                        "{} {} {} min {} {}",
                        r.environment,
                        r.access.as_str(),
                        r.duration_minutes,
                        ui.glyphs.dot,
                        ago(r.requested_at, now)
                    ),
                    dim,
                ),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), access);
    }
}
