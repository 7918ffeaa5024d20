//! Asking for access to an Environment's namespace from its view or from one of its
//! Applications: `request-access` opens the comment editor for the reason (required)
//! with two choices above it, how long ([`DURATIONS`], [`DEFAULT_MINUTES`] at first) and
//! which level ([`LEVELS`], `view` at first: the least that lets one look, so `debug` is
//! asked for on purpose). Ctrl-S sends the request and the answer is said: granted until
//! when (and how to open a shell), or pending an approver. A refusal (a duration longer
//! than the Environment's policy allows, a missing role) is said and the reason and the
//! choices are kept for another try, as they are when the editor is left with Esc. One
//! request at a time.

use crate::action::Action;
use crate::api::ApiError;
use crate::effect::{Effect, Query, RequestId};
use crate::model::AccessLevel;
use crate::msg::Data;
use crate::views::Cx;
use crate::views::Outcome;
use crate::views::overlays::compose::{Choice, Compose};
use crate::words;

/// How long a grant asked for from the console may last, in minutes.
pub const DURATIONS: [u32; 5] = [15, 30, 60, 120, 240];

/// How long a grant lasts unless the operator chooses otherwise.
pub const DEFAULT_MINUTES: u32 = 30;

/// The levels of access, in the order the editor offers them.
pub const LEVELS: [AccessLevel; 2] = [AccessLevel::View, AccessLevel::Debug];

/// The level asked for unless the operator chooses otherwise.
pub const DEFAULT_LEVEL: AccessLevel = AccessLevel::View;

/// The request flow of one view.
#[derive(Debug)]
pub struct RequestAccess {
    /// The reason typed so far (kept after a refusal).
    draft: String,
    /// How long, as an index into [`DURATIONS`].
    minutes: usize,
    /// Which level, as an index into [`LEVELS`].
    level: usize,
    /// The `POST` in flight.
    sending: Option<RequestId>,
    /// What the answer decided, said once the view is on top.
    outcome: Option<String>,
}

impl Default for RequestAccess {
    fn default() -> Self {
        RequestAccess {
            draft: String::new(),
            minutes: default_minutes(),
            level: default_level(),
            sending: None,
            outcome: None,
        }
    }
}

fn default_minutes() -> usize {
    DURATIONS
        .iter()
        .position(|m| *m == DEFAULT_MINUTES)
        .unwrap_or(0)
}

fn default_level() -> usize {
    LEVELS.iter().position(|l| *l == DEFAULT_LEVEL).unwrap_or(0)
}

impl RequestAccess {
    /// How long the next request asks for, in minutes.
    pub fn minutes(&self) -> u32 {
        DURATIONS
            .get(self.minutes)
            .copied()
            .unwrap_or(DEFAULT_MINUTES)
    }

    /// The level the next request asks for.
    pub fn level(&self) -> AccessLevel {
        LEVELS.get(self.level).copied().unwrap_or(DEFAULT_LEVEL)
    }

    /// `request-access` on `env`: the editor for the reason, with the choices.
    pub fn press(&mut self, env: &str) -> Outcome {
        if self.sending.is_some() {
            return Outcome::Say(words::ACCESS_IN_FLIGHT.to_string());
        }
        let durations = DURATIONS
            .iter()
            .map(|m| words::access_minutes(*m))
            .collect();
        let levels = LEVELS.iter().map(|l| l.as_str().to_string()).collect();
        Outcome::Compose(Box::new(
            Compose::new(
                words::access_request_title(env),
                Action::RequestAccess,
                true,
                &self.draft,
            )
            .with_placeholder(words::ACCESS_REASON_PLACEHOLDER)
            .with_choices(vec![
                Choice::new(words::ACCESS_DURATION, durations, self.minutes),
                Choice::new(words::ACCESS_LEVEL, levels, self.level),
            ]),
        ))
    }

    /// The choices as the editor closed with them: duration, then level.
    pub fn chosen(&mut self, choices: &[usize]) {
        if let [minutes, level] = choices {
            self.minutes = (*minutes).min(DURATIONS.len() - 1);
            self.level = (*level).min(LEVELS.len() - 1);
        }
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
            minutes: self.minutes(),
            access: self.level(),
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
                // Done: the next request starts afresh, at the defaults.
                self.draft.clear();
                self.minutes = default_minutes();
                self.level = default_level();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;
    use crate::model::{AccessRequest, AccessState, FieldError};
    use crate::views::overlays::OverlayOutcome;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn cx(next: &mut u64) -> Cx<'_> {
        Cx {
            now: crate::views::testing::now(),
            next_request: next,
            body: (80, 20),
            log_lines: 100,
        }
    }

    fn editor(flow: &mut RequestAccess) -> Compose {
        match flow.press("digital-channels-stg") {
            Outcome::Compose(c) => *c,
            other => panic!("no editor: {other:?}"),
        }
    }

    fn key(c: &mut Compose, code: KeyCode) -> OverlayOutcome {
        c.on_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn sent(outcome: Outcome) -> (RequestId, Query) {
        match outcome {
            Outcome::Done(effects) => match effects.as_slice() {
                [Effect::Fetch { request, query }] => (*request, query.clone()),
                other => panic!("not one fetch: {other:?}"),
            },
            other => panic!("nothing sent: {other:?}"),
        }
    }

    /// Closes `c` the way update does: choices first, then the text.
    fn close(flow: &mut RequestAccess, answer: OverlayOutcome, next: &mut u64) -> Outcome {
        let OverlayOutcome::Composed {
            text,
            send,
            choices,
            ..
        } = answer
        else {
            panic!("the editor stays: {answer:?}")
        };
        flow.chosen(&choices);
        flow.composed("digital-channels-stg", text, send, &mut cx(next))
    }

    #[test]
    fn the_defaults_are_thirty_minutes_of_view() {
        let mut flow = RequestAccess::default();
        assert_eq!((flow.minutes(), flow.level()), (30, AccessLevel::View));
        let c = editor(&mut flow);
        assert_eq!(c.choices.len(), 2);
        assert_eq!(c.choices[0].options[c.choices[0].at], "30 min");
        assert_eq!(c.choices[1].options[c.choices[1].at], "view");
        assert!(c.title.contains("digital-channels-stg") && c.title.contains("why?"));
        let mut next = 0;
        let mut c = c;
        for ch in "look at the pods".chars() {
            let _ = key(&mut c, KeyCode::Char(ch));
        }
        let answer = c.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        let (_, query) = sent(close(&mut flow, answer, &mut next));
        assert_eq!(
            query,
            Query::RequestAccess {
                env: "digital-channels-stg".into(),
                reason: "look at the pods".into(),
                minutes: 30,
                access: AccessLevel::View,
            }
        );
    }

    #[test]
    fn the_choices_reach_the_request_and_a_refusal_keeps_everything() {
        let mut flow = RequestAccess::default();
        let mut next = 0;
        let mut c = editor(&mut flow);
        for ch in "INC-4711".chars() {
            let _ = key(&mut c, KeyCode::Char(ch));
        }
        // Duration: 30 → 60 → 120; level: view → debug.
        let _ = key(&mut c, KeyCode::Tab);
        let _ = key(&mut c, KeyCode::Right);
        let _ = key(&mut c, KeyCode::Right);
        let _ = key(&mut c, KeyCode::Tab);
        let _ = key(&mut c, KeyCode::Right);
        let answer = c.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        let (request, query) = sent(close(&mut flow, answer, &mut next));
        assert_eq!(
            query,
            Query::RequestAccess {
                env: "digital-channels-stg".into(),
                reason: "INC-4711".into(),
                minutes: 120,
                access: AccessLevel::Debug,
            }
        );
        // The policy allows 60 at most: said, and everything kept.
        let refused = ApiError::Invalid {
            code: "invalid".into(),
            detail: "digital-channels-stg grants between 1 and 60 minutes".into(),
            fields: vec![FieldError {
                path: "duration_minutes".into(),
                message: "digital-channels-stg grants between 1 and 60 minutes".into(),
            }],
            request_id: None,
        };
        assert!(
            flow.on_fetched(RequestId(999), &Err(refused.clone()))
                .is_none()
        );
        assert_eq!(flow.on_fetched(request, &Err(refused)), Some(Vec::new()));
        let Some(Outcome::Say(said)) = flow.take_outcome() else {
            panic!("nothing said")
        };
        assert!(said.contains("between 1 and 60 minutes"), "{said}");
        assert!(said.contains("shorter"), "{said}");
        let c = editor(&mut flow);
        assert_eq!(c.text(), "INC-4711");
        assert_eq!(c.chosen(), vec![3, 1]);
    }

    #[test]
    fn esc_keeps_the_draft_and_its_choices_and_a_grant_starts_afresh() {
        let mut flow = RequestAccess::default();
        let mut next = 0;
        let mut c = editor(&mut flow);
        let _ = key(&mut c, KeyCode::Char('x'));
        let _ = key(&mut c, KeyCode::BackTab);
        let _ = key(&mut c, KeyCode::Right);
        // Esc on a reason asks first; n keeps editing, Esc again and y throws the text
        // away. An editor left empty keeps the choices.
        let _ = key(&mut c, KeyCode::Tab);
        let _ = key(&mut c, KeyCode::Backspace);
        let answer = key(&mut c, KeyCode::Esc);
        assert_eq!(
            close(&mut flow, answer, &mut next),
            Outcome::Done(Vec::new())
        );
        assert_eq!(flow.level(), AccessLevel::Debug);
        let mut c = editor(&mut flow);
        assert_eq!(c.chosen(), vec![1, 1]);
        // Without a reason nothing is sent (the editor says so itself).
        let answer = c.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        assert!(matches!(answer, OverlayOutcome::Stay(_)));
        assert_eq!(c.message.as_deref(), Some(words::ACCESS_REASON_REQUIRED));
        for ch in "why".chars() {
            let _ = key(&mut c, KeyCode::Char(ch));
        }
        let answer = c.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        let (request, _) = sent(close(&mut flow, answer, &mut next));
        assert_eq!(
            flow.press("digital-channels-stg"),
            Outcome::Say(words::ACCESS_IN_FLIGHT.to_string())
        );
        let granted = AccessRequest {
            id: "ar-1".into(),
            environment: "digital-channels-stg".into(),
            requester: "layla".into(),
            access: AccessLevel::Debug,
            reason: "why".into(),
            duration_minutes: 30,
            state: AccessState::Granted,
            requested_at: crate::views::testing::now(),
            granted_at: Some(crate::views::testing::now()),
            expires_at: Some(crate::views::testing::now() + chrono::TimeDelta::minutes(30)),
            decided_by: Some("policy".into()),
            decision_comment: None,
        };
        let _ = flow.on_fetched(request, &Ok(Data::AccessRequested(Box::new(granted))));
        let c = editor(&mut flow);
        assert_eq!(c.text(), "");
        assert_eq!(c.chosen(), vec![1, 0], "the defaults again");
    }
}
