//! Where the sign-in stands, as the state shows it: the device flow's prompt, the realm's
//! address-and-code overlay (its refusals and the loopback's end), signed in (every view
//! read anew, the stack kept), failed, or cancelled by the operator. Part of the pure
//! update: no I/O, no clock reads.

use super::State;
use super::update::{notice, with_route};
use crate::effect::Effect;
use crate::msg::SignInMsg;
use crate::views::overlays::Overlay;
use crate::views::overlays::signin::Authorize;
use crate::words;

/// Applies a sign-in message.
pub(super) fn on_sign_in(state: &mut State, msg: SignInMsg) -> Vec<Effect> {
    match msg {
        SignInMsg::Prompt {
            verification_uri,
            user_code,
        } => {
            state.session.signing_in = true;
            state.overlays.retain(|o| !o.is_sign_in());
            state
                .overlays
                .push(Overlay::sign_in(verification_uri, user_code));
            Vec::new()
        }
        SignInMsg::Authorize(prompt) => {
            state.session.signing_in = true;
            state.overlays.retain(|o| !o.is_sign_in());
            let overlay = Authorize::new(prompt, &state.session.sovereign);
            state.overlays.push(Overlay::Authorize(Box::new(overlay)));
            Vec::new()
        }
        SignInMsg::Refused { reason } => {
            if let Some(a) = authorize(state) {
                a.refused(&reason);
            }
            Vec::new()
        }
        SignInMsg::LoopbackEnded { reason } => {
            if let Some(a) = authorize(state) {
                a.loopback_ended(&reason);
            }
            Vec::new()
        }
        SignInMsg::SignedIn {
            me,
            persona,
            sovereign,
            catalyst,
        } => {
            state.session.catalyst = catalyst;
            if !sovereign.is_empty() {
                state.session.sovereign = sovereign;
            }
            state.session.error = None;
            state.session.me = Some(*me);
            if persona.is_some() {
                state.session.persona = persona;
            }
            state.session.signing_in = false;
            state.session.expired = false;
            state.overlays.retain(|o| !o.is_sign_in());
            let support = state.session.me.as_ref().is_some_and(|m| m.support_agent);
            match (&state.session.support_ticket, support) {
                // A support agent works on a ticket: asked for before anything is read.
                (None, true) => {
                    ask_ticket(state);
                    Vec::new()
                }
                (Some(ticket), true) => {
                    let mut effects = vec![Effect::SupportTicket(ticket.clone())];
                    effects.extend(read_everything(state));
                    effects
                }
                (_, false) => read_everything(state),
            }
        }
        // A support agent signing in without a ticket: asked for it, then signed in again.
        SignInMsg::Failed(crate::api::ApiError::Restricted { code, .. })
            if code == "support-ticket-required" =>
        {
            state.session.signing_in = false;
            state.session.error = Some(words::SUPPORT_TICKET_NEEDED.to_string());
            ask_ticket(state);
            Vec::new()
        }
        SignInMsg::Failed(error) => {
            state.session.signing_in = false;
            if state.session.me.is_none() {
                state.session.error = Some(error.to_string());
            }
            state.overlays.retain(|o| !o.is_sign_in());
            notice(state, &words::sign_in_failed(&error), true);
            Vec::new()
        }
    }
}

/// Another identity (or the same one again): everything shown is read anew, keeping
/// selection, filter and scroll, and my grants for the countdown (catalyst-api has no
/// access requests).
fn read_everything(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    for depth in 0..state.routes.len() {
        effects.extend(with_route(state, depth, |v, cx| v.load(cx)));
    }
    if !state.session.catalyst {
        effects.push(state.grants.read(&mut state.next_request));
    }
    effects
}

/// Whether a support agent is signed in without a ticket (nothing is read until one is
/// given).
pub(super) fn needs_ticket(state: &State) -> bool {
    state.session.support_ticket.is_none()
        && state.session.me.as_ref().is_some_and(|m| m.support_agent)
}

/// Asks the support agent for the ticket (one line, required).
pub(super) fn ask_ticket(state: &mut State) {
    if state.overlays.iter().any(Overlay::is_ticket_prompt) {
        return;
    }
    let draft = state.session.support_ticket.clone().unwrap_or_default();
    let editor = crate::views::overlays::compose::Compose::new(
        words::SUPPORT_TICKET_TITLE.to_string(),
        crate::action::Action::SupportTicket,
        true,
        &draft,
    )
    .with_placeholder(words::SUPPORT_TICKET_PLACEHOLDER);
    state.overlays.push(Overlay::Compose(Box::new(editor)));
}

/// The ticket prompt closed: with a ticket, support mode starts (everything is read with
/// it); without, nothing is read and Enter asks again.
pub(super) fn ticket_given(state: &mut State, text: &str, send: bool) -> Vec<Effect> {
    let ticket = text.trim();
    if !send || ticket.is_empty() {
        if state.session.support_ticket.is_none() {
            notice(state, words::SUPPORT_TICKET_NEEDED, true);
        }
        return Vec::new();
    }
    if ticket.contains(['\n', '\r']) || ticket.chars().any(char::is_control) {
        notice(state, words::SUPPORT_TICKET_ONE_LINE, true);
        ask_ticket(state);
        return Vec::new();
    }
    state.session.support_ticket = Some(ticket.to_string());
    let mut effects = vec![Effect::SupportTicket(ticket.to_string())];
    if state.session.me.is_none() {
        // The sign-in itself needed it: signed in again, with it.
        state.session.error = None;
        state.session.signing_in = true;
        effects.push(Effect::SignIn {
            persona: state.session.persona.clone(),
        });
    } else {
        effects.extend(read_everything(state));
    }
    effects
}

/// The operator gave up the sign-in: close its prompt, stop the runner's side of it. The
/// views stay as they are; Enter (or Ctrl-R) signs in again, as after an expired session.
pub(super) fn cancel(state: &mut State) -> Vec<Effect> {
    state.overlays.retain(|o| !o.is_sign_in());
    state.session.signing_in = false;
    if state.session.me.is_none() {
        state.session.error = Some(words::SIGNIN_CANCELLED.to_string());
    } else {
        state.session.expired = true;
        notice(state, words::SIGNIN_CANCELLED, false);
    }
    vec![Effect::CancelSignIn]
}

/// The realm's sign-in overlay, wherever it is on the stack.
fn authorize(state: &mut State) -> Option<&mut Authorize> {
    state.overlays.iter_mut().rev().find_map(|o| match o {
        Overlay::Authorize(a) => Some(a.as_mut()),
        _ => None,
    })
}
