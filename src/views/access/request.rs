//! Asking for access to an Environment's namespace from its view: `request-access` opens
//! the comment editor for the reason (required), Ctrl-S sends a request for
//! [`DEFAULT_MINUTES`] of `debug` access, and the answer is said: granted until when (and
//! how to open a shell), or pending an approver. A refusal is said and the reason is kept
//! for another try. One request at a time.

use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::AccessLevel;
use crate::msg::Data;
use crate::views::Cx;
use crate::views::Outcome;
use crate::views::overlays::compose::Compose;
use crate::words;

/// How long a grant asked for from the console lasts.
pub const DEFAULT_MINUTES: u32 = 30;

/// The request flow of one view.
#[derive(Debug, Default)]
pub struct RequestAccess {
    /// The reason typed so far (kept after a refusal).
    draft: String,
    /// The `POST` in flight.
    sending: Option<RequestId>,
    /// What the answer decided, said once the view is on top.
    outcome: Option<String>,
}

impl RequestAccess {
    /// `request-access` on `env`: the editor for the reason.
    pub fn press(&mut self, env: &str) -> Outcome {
        if self.sending.is_some() {
            return Outcome::Say(words::ACCESS_IN_FLIGHT.to_string());
        }
        Outcome::Compose(Box::new(
            Compose::new(
                words::access_request_title(env, DEFAULT_MINUTES),
                Action::RequestAccess,
                true,
                &self.draft,
            )
            .with_placeholder(words::ACCESS_REASON_PLACEHOLDER),
        ))
    }

    /// The editor closed: the reason kept, and sent when asked to.
    pub fn composed(&mut self, env: &str, text: String, send: bool, cx: &mut Cx) -> Outcome {
        self.draft = text;
        if !send {
            return Outcome::Done(Vec::new());
        }
        if self.draft.trim().is_empty() {
            return Outcome::Say(words::ACCESS_REASON_REQUIRED.to_string());
        }
        let (request, effect) = cx.fetch(Query::RequestAccess {
            env: env.to_string(),
            reason: self.draft.trim().to_string(),
            minutes: DEFAULT_MINUTES,
            access: AccessLevel::Debug,
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
        if self.sending != Some(request) {
            return None;
        }
        self.sending = None;
        self.outcome = Some(match result {
            Ok(Data::AccessRequested(r)) => {
                self.draft.clear();
                words::access_requested(r)
            }
            Ok(_) => words::UNEXPECTED_ANSWER.to_string(),
            Err(e) => words::access_request_failed(e),
        });
        Some(Vec::new())
    }

    /// What the last answer decided.
    pub fn take_outcome(&mut self) -> Option<Outcome> {
        self.outcome.take().map(Outcome::Say)
    }
}
