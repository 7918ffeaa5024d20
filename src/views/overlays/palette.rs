//! The command palette (`:`): fuzzy completion over Organizations, Environments,
//! Applications, Blueprints and commands, with nucleo (helix's matcher). Typed commands
//! work before the catalogue has arrived: `env NAME`, `app ENV/NAME` or `app NAME` inside
//! the catalogue, `org NAME`, `bp ORG/NAME`, `deployment ID` (or `dep ID`), `jobs ID`
//! (the provisioning service may list no runs to complete over, so these are offered
//! first as typed), `promotion ID` (as typed), `deployments`, `inbox`, `audit`, `home`,
//! `help`, `persona`, `quit`, `triage`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nucleo::pattern::{CaseMatching, Normalization, Pattern};
use nucleo::{Config, Matcher};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{OverlayOutcome, centred, framed};
use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::split_env_name;
use crate::msg::{Catalog, Data};
use crate::state::load::{Load, Problem};
use crate::ui::Ui;
use crate::views::Target;

/// How many candidates are kept after matching.
const MAX_CANDIDATES: usize = 50;

/// What choosing a candidate does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Go(Target),
    Run(Action),
}

/// One candidate: what is shown and matched, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub choice: Choice,
}

impl AsRef<str> for Item {
    fn as_ref(&self) -> &str {
        &self.label
    }
}

/// The palette's state.
#[derive(Debug)]
pub struct Palette {
    pub input: String,
    /// Where the palette was opened: equally good matches there come first.
    pub here: crate::views::Scope,
    pub catalog: Load<Catalog>,
    items: Vec<Item>,
    pub candidates: Vec<Item>,
    pub selected: usize,
}

fn commands() -> Vec<Item> {
    let run = |label: &str, action| Item {
        label: label.to_string(),
        choice: Choice::Run(action),
    };
    vec![
        Item {
            label: "home".into(),
            choice: Choice::Go(Target::Home),
        },
        Item {
            label: "deployments".into(),
            choice: Choice::Go(Target::Deployments),
        },
        Item {
            label: "inbox".into(),
            choice: Choice::Go(Target::Inbox),
        },
        Item {
            label: "triage".into(),
            choice: Choice::Go(Target::Triage),
        },
        Item {
            label: "audit".into(),
            choice: Choice::Go(Target::Audit {
                filters: String::new(),
            }),
        },
        run("help", Action::Help),
        run("persona", Action::SwitchPersona),
        run("refresh", Action::Refresh),
        run("quit", Action::Quit),
    ]
}

impl Palette {
    /// Opens the palette and asks for the catalogue.
    pub fn open(next_request: &mut u64, here: crate::views::Scope) -> (Palette, Vec<Effect>) {
        *next_request += 1;
        let request = RequestId(*next_request);
        let mut catalog = Load::Idle;
        catalog.start(request);
        let mut p = Palette {
            input: String::new(),
            here,
            catalog,
            items: commands(),
            candidates: Vec::new(),
            selected: 0,
        };
        p.rematch();
        (
            p,
            vec![Effect::Fetch {
                request,
                query: Query::Catalog,
            }],
        )
    }

    fn index(&mut self, catalog: &Catalog) {
        let mut items = commands();
        let go = |label: String, target: Target| Item {
            label,
            choice: Choice::Go(target),
        };
        for org in &catalog.orgs {
            items.push(go(format!("org {org}"), Target::Org(org.clone())));
        }
        for env in &catalog.environments {
            items.push(go(format!("env {env}"), Target::Env(env.clone())));
        }
        for (env, app) in &catalog.applications {
            items.push(go(
                format!("app {app} {env}"),
                Target::App {
                    env: env.clone(),
                    app: app.clone(),
                },
            ));
        }
        for bp in &catalog.blueprints {
            for org in &catalog.orgs {
                items.push(go(
                    format!("bp {bp} {org}"),
                    Target::Blueprint {
                        org: org.clone(),
                        blueprint: bp.clone(),
                    },
                ));
            }
        }
        self.items = items;
    }

    /// Matches the input against every item, best first.
    fn rematch(&mut self) {
        let query = self.input.trim();
        self.candidates = if query.is_empty() {
            self.items.iter().take(MAX_CANDIDATES).cloned().collect()
        } else {
            let mut matcher = Matcher::new(Config::DEFAULT);
            let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
            let mut matches = pattern.match_list(self.items.iter(), &mut matcher);
            // Among equally good matches, what is in the current Environment, then the
            // current Organization, comes first (`:app payment-rail` from a stg view).
            let near = |label: &str, part: &Option<String>| {
                part.as_ref()
                    .is_some_and(|p| label.split(' ').any(|w| w == p.as_str()))
            };
            matches.sort_by_key(|(item, score)| {
                (
                    std::cmp::Reverse(*score),
                    !near(&item.label, &self.here.env),
                    !self
                        .here
                        .org
                        .as_deref()
                        .is_some_and(|o| item.label.contains(o)),
                )
            });
            matches
                .into_iter()
                .take(MAX_CANDIDATES)
                .map(|(item, _)| item.clone())
                .collect()
        };
        if let Some(item) = self.jobs_item() {
            self.candidates.insert(0, item);
            self.candidates.truncate(MAX_CANDIDATES);
        }
        self.selected = 0;
    }

    /// `jobs ID` as typed: the jobs of that provisioning run.
    fn jobs_item(&self) -> Option<Item> {
        let mut words = self.input.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("jobs"), Some(id), None) => Some(Item {
                label: format!("jobs {id}"),
                choice: Choice::Go(Target::Jobs {
                    deployment: id.to_string(),
                }),
            }),
            _ => None,
        }
    }

    /// A command typed out in full, for when nothing in the catalogue matches.
    fn typed(&self) -> Option<Choice> {
        if let Some(item) = self.jobs_item() {
            return Some(item.choice);
        }
        let mut words = self.input.split_whitespace();
        let verb = words.next()?;
        let arg = words.next();
        let choice = match (verb, arg) {
            ("org", Some(org)) => Choice::Go(Target::Org(org.to_string())),
            ("env", Some(env)) => Choice::Go(Target::Env(env.to_string())),
            ("app", Some(path)) => {
                let (env, app) = path.split_once('/')?;
                split_env_name(env)?;
                Choice::Go(Target::App {
                    env: env.to_string(),
                    app: app.to_string(),
                })
            }
            ("deployment" | "dep", Some(id)) => Choice::Go(Target::Deployment(id.to_string())),
            ("promotion" | "pr", Some(id)) => Choice::Go(Target::Promotion(id.to_string())),
            ("bp" | "blueprint", Some(path)) => {
                let (org, bp) = path.split_once('/')?;
                Choice::Go(Target::Blueprint {
                    org: org.to_string(),
                    blueprint: bp.to_string(),
                })
            }
            _ => {
                commands()
                    .into_iter()
                    .find(|c| c.label == verb && arg.is_none())?
                    .choice
            }
        };
        Some(choice)
    }

    pub fn on_key(&mut self, key: KeyEvent) -> OverlayOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return OverlayOutcome::Close,
            KeyCode::Enter => {
                // The best candidate, else the command as typed (before the catalogue came).
                // A run's id is never in the catalogue: `deployment ID` goes as typed.
                let choice = self
                    .typed()
                    .filter(|c| {
                        matches!(c, Choice::Go(Target::Deployment(_) | Target::Promotion(_)))
                    })
                    .or_else(|| self.candidates.get(self.selected).map(|c| c.choice.clone()))
                    .or_else(|| self.typed());
                return match choice {
                    Some(Choice::Go(t)) => OverlayOutcome::Go(t),
                    Some(Choice::Run(a)) => OverlayOutcome::Run(a),
                    None => OverlayOutcome::Stay(Vec::new()),
                };
            }
            KeyCode::Down | KeyCode::Tab => {
                self.selected = (self.selected + 1).min(self.candidates.len().saturating_sub(1));
            }
            KeyCode::Char('n') if ctrl => {
                self.selected = (self.selected + 1).min(self.candidates.len().saturating_sub(1));
            }
            KeyCode::Up | KeyCode::BackTab => self.selected = self.selected.saturating_sub(1),
            KeyCode::Char('p') if ctrl => self.selected = self.selected.saturating_sub(1),
            KeyCode::Char('c') if ctrl => return OverlayOutcome::Close,
            KeyCode::Char('u') if ctrl => {
                self.input.clear();
                self.rematch();
            }
            KeyCode::Backspace => {
                if self.input.pop().is_none() {
                    return OverlayOutcome::Close;
                }
                self.rematch();
            }
            KeyCode::Char(c) if !ctrl => {
                self.input.push(c);
                self.rematch();
            }
            _ => {}
        }
        OverlayOutcome::Stay(Vec::new())
    }

    pub fn paste(&mut self, text: &str) {
        self.input.push_str(&text.replace(['\n', '\r'], " "));
        self.rematch();
    }

    pub fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
    ) -> Option<Vec<Effect>> {
        if !self.catalog.awaits(request) {
            return None;
        }
        let result = match result {
            Ok(Data::Catalog(c)) => Ok((**c).clone()),
            Ok(_) => return Some(Vec::new()),
            Err(e) => Err(e),
        };
        self.catalog.settle(request, result, |e| Problem::Error {
            message: e.to_string(),
            request_id: e.request_id().map(str::to_string),
        });
        if let Some(catalog) = self.catalog.value().cloned() {
            self.index(&catalog);
            self.rematch();
        }
        Some(Vec::new())
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let popup = centred(area, 70, area.height.saturating_sub(4).max(5));
        frame.render_widget(Clear, popup);
        let block = framed(ui, "Jump to");
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let mut lines = vec![Line::from(vec![
            Span::styled(":", ui.style("hint.key")),
            Span::styled(self.input.clone(), ui.style("text")),
            Span::styled("_", ui.style("hint.key")),
        ])];
        let status = match &self.catalog {
            Load::Loading { .. } => Some("reading names…".to_string()),
            Load::Failed(Problem::Error { message, .. }) => {
                Some(format!("names unavailable: {message}"))
            }
            _ => None,
        };
        if let Some(s) = status {
            lines.push(Line::styled(s, ui.style("text.dim")));
        }
        let room = (inner.height as usize).saturating_sub(lines.len());
        let offset = self.selected.saturating_sub(room.saturating_sub(1));
        for (i, item) in self.candidates.iter().enumerate().skip(offset).take(room) {
            let style = if i == self.selected {
                ui.style("selection")
            } else {
                ui.style("text")
            };
            lines.push(Line::styled(format!(" {}", item.label), style));
        }
        if self.candidates.is_empty() && !self.input.is_empty() {
            lines.push(Line::styled(
                " no match; Enter runs it as typed",
                ui.style("text.dim"),
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn palette_with_catalog() -> Palette {
        let mut n = 0;
        let (mut p, effects) = Palette::open(&mut n, crate::views::Scope::ALL);
        let Effect::Fetch { request, .. } = effects[0].clone() else {
            panic!()
        };
        let catalog = Catalog {
            orgs: vec!["digital-channels".into(), "retail".into()],
            environments: vec![
                "digital-channels-stg".into(),
                "digital-channels-prod".into(),
            ],
            applications: vec![("digital-channels-stg".into(), "payment-rail".into())],
            blueprints: vec!["bp-wordpress".into()],
        };
        p.on_fetched(request, &Ok(Data::Catalog(Box::new(catalog))));
        p
    }

    fn typed(p: &mut Palette, text: &str) {
        for c in text.chars() {
            p.on_key(key(c));
        }
    }

    #[test]
    fn fuzzy_matches_rank_the_intended_item_first() {
        let mut p = palette_with_catalog();
        typed(&mut p, "env stg");
        assert_eq!(p.candidates[0].label, "env digital-channels-stg");
        p.input.clear();
        typed(&mut p, "payrail");
        assert_eq!(
            p.candidates[0].choice,
            Choice::Go(Target::App {
                env: "digital-channels-stg".into(),
                app: "payment-rail".into()
            })
        );
        let out = p.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert!(matches!(out, OverlayOutcome::Go(Target::App { .. })));
    }

    #[test]
    fn equal_matches_prefer_where_the_palette_was_opened() {
        let mut n = 0;
        let here = crate::views::Scope {
            org: Some("digital-channels".into()),
            env: Some("digital-channels-stg".into()),
        };
        let (mut p, effects) = Palette::open(&mut n, here);
        let Effect::Fetch { request, .. } = effects[0].clone() else {
            panic!()
        };
        let catalog = Catalog {
            orgs: vec!["digital-channels".into()],
            environments: vec!["digital-channels-dev".into(), "digital-channels-stg".into()],
            applications: vec![
                ("digital-channels-dev".into(), "payment-rail".into()),
                ("digital-channels-stg".into(), "payment-rail".into()),
            ],
            blueprints: vec![],
        };
        p.on_fetched(request, &Ok(Data::Catalog(Box::new(catalog))));
        typed(&mut p, "app payment-rail");
        assert_eq!(
            p.candidates[0].label,
            "app payment-rail digital-channels-stg"
        );
    }

    #[test]
    fn jobs_of_a_run_open_by_id_even_with_the_catalogue() {
        let mut p = palette_with_catalog();
        typed(&mut p, "jobs 0123456789abcdef");
        assert_eq!(p.candidates[0].label, "jobs 0123456789abcdef");
        assert_eq!(
            p.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            OverlayOutcome::Go(Target::Jobs {
                deployment: "0123456789abcdef".into()
            })
        );
    }

    #[test]
    fn typed_commands_work_without_the_catalogue() {
        let mut n = 0;
        let (mut p, _) = Palette::open(&mut n, crate::views::Scope::ALL);
        typed(&mut p, "env retail-dev");
        assert_eq!(
            p.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            OverlayOutcome::Go(Target::Env("retail-dev".into()))
        );
        let (mut p, _) = Palette::open(&mut n, crate::views::Scope::ALL);
        typed(&mut p, "quit");
        assert_eq!(
            p.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            OverlayOutcome::Run(Action::Quit)
        );
        let mut p = palette_with_catalog();
        typed(&mut p, "deployment d7f3a1b2c3d4e5f6");
        assert_eq!(
            p.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            OverlayOutcome::Go(Target::Deployment("d7f3a1b2c3d4e5f6".into())),
            "a run's id goes as typed, whatever fuzzy-matches it"
        );
        let mut p = palette_with_catalog();
        typed(&mut p, "promotion pr-7");
        assert_eq!(
            p.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            OverlayOutcome::Go(Target::Promotion("pr-7".into()))
        );
        let mut p = palette_with_catalog();
        typed(&mut p, "deployments");
        assert_eq!(
            p.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            OverlayOutcome::Go(Target::Deployments)
        );
        let mut p = palette_with_catalog();
        typed(&mut p, "triage");
        assert_eq!(
            p.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            OverlayOutcome::Go(Target::Triage)
        );
        let (mut p, _) = Palette::open(&mut n, crate::views::Scope::ALL);
        assert_eq!(
            p.on_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
            OverlayOutcome::Close,
            "backspace on an empty palette closes it"
        );
    }
}
