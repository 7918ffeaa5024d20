//! Opening a promotion from an Application (its view, or its card in an Environment): the
//! next higher Environment of the same Organization is found (the Organization's
//! Environments are read once, on the first press), a y/n question names source, target
//! and version, a yes sends the `POST`, and the new promotion opens. Refusals (one already
//! open, an invalid target) are said. One promotion at a time: a second press while one is
//! being opened is answered, not sent.

use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::{Environment, split_env_name};
use crate::msg::Data;
use crate::views::overlays::confirm::Confirm;
use crate::views::{Cx, Outcome, Target};
use crate::words;

/// What is promoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub env: String,
    pub app: String,
    pub version: String,
}

/// The promote flow of one view.
#[derive(Debug, Default)]
pub struct Promote {
    /// The Organization's Environments, once read.
    ladder: Option<Vec<Environment>>,
    /// The read of the Environments in flight, and what it is for.
    lookup: Option<(RequestId, Source)>,
    /// The question asked: what a yes promotes, and where to.
    asked: Option<(Source, String)>,
    /// The `POST` in flight.
    sending: Option<RequestId>,
    /// What to do once the view is on top again (open the promotion, say a refusal).
    outcome: Option<Decided>,
}

/// What an answer decided (a subset of [`Outcome`] that a view can hold).
#[derive(Debug)]
enum Decided {
    Open(String),
    Say(String),
    Ask(Confirm),
}

impl Decided {
    fn of(outcome: Outcome) -> Option<Decided> {
        match outcome {
            Outcome::Say(text) => Some(Decided::Say(text)),
            Outcome::Confirm(c) => Some(Decided::Ask(c)),
            Outcome::Open(Target::Promotion(id)) => Some(Decided::Open(id)),
            _ => None,
        }
    }
}

/// The next higher Environment after `env` among `ladder` (same Organization).
pub fn next_env(ladder: &[Environment], env: &str) -> Option<String> {
    let (org, kind) = split_env_name(env)?;
    ladder
        .iter()
        .filter(|e| e.org == org && e.env_type.rank() > kind.rank())
        .min_by_key(|e| e.env_type.rank())
        .map(|e| e.name.clone())
}

impl Promote {
    /// `P` on `source`.
    pub fn press(&mut self, source: Source, cx: &mut Cx) -> Outcome {
        if self.sending.is_some() {
            return Outcome::Say(words::PROMOTE_IN_FLIGHT.to_string());
        }
        if self.ladder.is_some() {
            return self.ask(source);
        }
        let Some((org, _)) = split_env_name(&source.env) else {
            return Outcome::Say(words::no_next_env(&source.app, &source.env));
        };
        let (request, effect) = cx.fetch(Query::Environments {
            org: org.to_string(),
        });
        self.lookup = Some((request, source));
        Outcome::Done(vec![effect])
    }

    fn ask(&mut self, source: Source) -> Outcome {
        let ladder = self.ladder.as_deref().unwrap_or_default();
        let Some(target) = next_env(ladder, &source.env) else {
            return Outcome::Say(words::no_next_env(&source.app, &source.env));
        };
        let question = words::promote_question(&source.app, &source.env, &target, &source.version);
        let app = source.app.clone();
        self.asked = Some((source, target.clone()));
        let confirm = Confirm::new(
            format!("{} to {target}", words::PROMOTE_TITLE),
            question,
            Action::Promote,
        );
        // Into production: the Application's name is typed to confirm.
        let prod = crate::model::split_env_name(&target)
            .is_some_and(|(_, t)| t == crate::model::EnvType::Prod);
        Outcome::Confirm(if prod { confirm.typed(app) } else { confirm })
    }

    /// A yes to the question: the `POST`.
    pub fn confirmed(&mut self, cx: &mut Cx) -> Outcome {
        let Some((source, target)) = self.asked.take() else {
            return Outcome::Ignored;
        };
        if self.sending.is_some() {
            return Outcome::Say(words::PROMOTE_IN_FLIGHT.to_string());
        }
        let (request, effect) = cx.fetch(Query::Promote {
            env: source.env,
            app: source.app,
            target,
        });
        self.sending = Some(request);
        Outcome::Done(vec![effect])
    }

    /// An answer; `None` when the flow did not wait for it.
    pub fn on_fetched(
        &mut self,
        request: RequestId,
        result: &Result<Data, ApiError>,
    ) -> Option<Vec<Effect>> {
        if let Some((asked, source)) = self.lookup.take() {
            if asked == request {
                let outcome = match result {
                    Ok(Data::Environments(envs)) => {
                        self.ladder = Some(envs.clone());
                        self.ask(source)
                    }
                    Ok(_) => Outcome::Say(words::UNEXPECTED_ANSWER.to_string()),
                    Err(e) => Outcome::Say(words::promote_failed(e)),
                };
                self.outcome = Decided::of(outcome);
                return Some(Vec::new());
            }
            self.lookup = Some((asked, source));
        }
        if self.sending == Some(request) {
            self.sending = None;
            self.outcome = Some(match result {
                Ok(Data::Promotion(p)) => Decided::Open(p.promotion.id.clone()),
                Ok(_) => Decided::Say(words::UNEXPECTED_ANSWER.to_string()),
                Err(e) => Decided::Say(words::promote_failed(e)),
            });
            return Some(Vec::new());
        }
        None
    }

    /// What the last answer decided.
    pub fn take_outcome(&mut self) -> Option<Outcome> {
        Some(match self.outcome.take()? {
            Decided::Open(id) => Outcome::Open(Target::Promotion(id)),
            Decided::Say(text) => Outcome::Say(text),
            Decided::Ask(c) => Outcome::Confirm(c),
        })
    }
}
