//! The pure update: one input (key, paste, resize, message, tick) in, the state changed,
//! the side effects out. No awaiting, spawning, sleeping or clock reads: the time of the
//! input is passed in.
//!
//! Keys go to the top overlay first, then to a filter being typed, then through the
//! keymap (along the derived context chain) to the top view, and what the view ignores
//! to the global actions here.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{LiveState, MAX_ROUTES, Notice, State};
use crate::action::Action;
use crate::api::ApiError;
use crate::api::follow::LiveMsg;
use crate::api::sse::StreamStatus;
use crate::effect::Effect;
use crate::model::LiveEvent;
use crate::msg::Msg;
use crate::state::load::Problem;
use crate::views::overlays::{Overlay, OverlayOutcome};
use crate::views::{Cx, Outcome, Route, Target};
use crate::words;

/// One input to the update.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Msg(Msg),
    /// Time passed (an animation or countdown is on screen).
    Tick,
}

/// Applies `input` at time `now`; returns the side effects to run.
pub fn update(state: &mut State, input: Input, now: DateTime<Utc>) -> Vec<Effect> {
    state.now = now;
    let effects = apply(state, input, now);
    // Whatever moved my grants (an answer, an event, time), the views inside them follow.
    state.dirty |= crate::state::grants::hand_to_views(state);
    effects
}

fn apply(state: &mut State, input: Input, now: DateTime<Utc>) -> Vec<Effect> {
    match input {
        Input::Tick => {
            state.dirty |= state.wake_after().is_some();
            if let LiveState::Reconnecting { at, .. } = &state.live
                && *at <= now
            {
                state.live = LiveState::Connecting;
            }
            Vec::new()
        }
        Input::Resize(w, h) => {
            state.size = (w, h);
            state.dirty = true;
            Vec::new()
        }
        Input::Key(key) => {
            if key.kind == KeyEventKind::Release {
                return Vec::new();
            }
            state.dirty = true;
            on_key(state, key)
        }
        Input::Paste(text) => {
            state.dirty = true;
            on_paste(state, &text)
        }
        Input::Msg(msg) => {
            let before = state.dirty;
            state.dirty = true;
            let (effects, changed) = on_msg(state, msg);
            // A message that changed nothing (a stale answer) must not hide changes still
            // waiting for their frame, nor cause one.
            state.dirty = before || changed;
            effects
        }
    }
}

/// Runs `f` on the top view with a context built from the state.
fn with_top<R>(state: &mut State, f: impl FnOnce(&mut dyn crate::views::View, &mut Cx) -> R) -> R {
    let depth = state.routes.len() - 1;
    with_route(state, depth, f)
}

pub(super) fn with_route<R>(
    state: &mut State,
    depth: usize,
    f: impl FnOnce(&mut dyn crate::views::View, &mut Cx) -> R,
) -> R {
    let body = state.body();
    let now = state.now;
    let log_lines = state.log_lines;
    let State {
        routes,
        next_request,
        ..
    } = state;
    let mut cx = Cx {
        now,
        next_request,
        body,
        log_lines,
    };
    let depth = depth.min(routes.len() - 1);
    f(routes[depth].view_mut(), &mut cx)
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    state.notice = None;
    if !state.overlays.is_empty() {
        return on_overlay_key(state, key);
    }
    let editing = with_top(state, |v, _| v.filter_mut().is_some_and(|f| f.editing));
    if editing {
        return on_filter_key(state, key);
    }
    let chain = state.context();
    let Some(action) = state.keymap.resolve_event(&chain, &key) else {
        return Vec::new();
    };
    on_action(state, action)
}

fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    if let Some(o) = state.overlays.last_mut() {
        o.paste(text);
        return Vec::new();
    }
    with_top(state, |v, cx| {
        if let Some(f) = v.filter_mut()
            && f.editing
        {
            f.text.push_str(&text.replace(['\n', '\r'], " "));
            v.filter_changed(cx);
        }
    });
    Vec::new()
}

/// Typing into the `/` filter: Enter keeps it, Esc clears it.
fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    with_top(state, |v, cx| {
        let Some(f) = v.filter_mut() else {
            return;
        };
        match key.code {
            KeyCode::Enter => f.editing = false,
            KeyCode::Esc => {
                f.editing = false;
                f.text.clear();
            }
            KeyCode::Backspace => {
                f.text.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => f.text.clear(),
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => f.text.push(c),
            _ => return,
        }
        v.filter_changed(cx);
    });
    Vec::new()
}

fn on_overlay_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(overlay) = state.overlays.last_mut() else {
        return Vec::new();
    };
    let chain = overlay.context();
    let action = state.keymap.resolve_event(chain, &key);
    let outcome = overlay.on_key(key, action);
    apply_overlay_outcome(state, outcome)
}

fn apply_overlay_outcome(state: &mut State, outcome: OverlayOutcome) -> Vec<Effect> {
    match outcome {
        OverlayOutcome::Stay(effects) => effects,
        OverlayOutcome::Close => {
            state.overlays.pop();
            Vec::new()
        }
        OverlayOutcome::Go(target) => {
            state.overlays.clear();
            open(state, target)
        }
        OverlayOutcome::Run(action) => {
            state.overlays.pop();
            on_action(state, action)
        }
        OverlayOutcome::Confirmed(action) => {
            state.overlays.pop();
            // The key that asked was checked; the answer is checked as well.
            if let Err(refusal) = state.may(action) {
                notice(state, &refusal.reason(action), refusal.is_error());
                return Vec::new();
            }
            let outcome = with_top(state, |v, cx| v.on_confirmed(action, cx));
            view_outcome(state, outcome).unwrap_or_default()
        }
        OverlayOutcome::Composed {
            action,
            text,
            send,
            choices,
        } => {
            state.overlays.pop();
            if !choices.is_empty() {
                with_top(state, |v, _| v.on_choices(action, &choices));
            }
            if send && let Err(refusal) = state.may(action) {
                notice(state, &refusal.reason(action), refusal.is_error());
                return Vec::new();
            }
            if action == Action::KubeCommand {
                return kube_command(state, text, send);
            }
            if action == Action::SupportTicket {
                return super::sign_in::ticket_given(state, &text, send);
            }
            let outcome = with_top(state, |v, cx| v.on_composed(action, text, send, cx));
            view_outcome(state, outcome).unwrap_or_default()
        }
        OverlayOutcome::CancelSignIn => super::sign_in::cancel(state),
        OverlayOutcome::SignInAs(persona) => {
            state.overlays.clear();
            state.session.signing_in = true;
            vec![Effect::SignIn {
                persona: Some(persona),
            }]
        }
    }
}

/// An action for the top view, or the global meaning of it.
pub(super) fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if let Err(refusal) = state.may(action) {
        notice(state, &refusal.reason(action), refusal.is_error());
        return Vec::new();
    }
    if state.session.me.is_none()
        && !state.session.signing_in
        && matches!(action, Action::Refresh | Action::Open)
    {
        return sign_in_again(state);
    }
    // A support agent without a ticket reads nothing: Enter asks for it again.
    if super::sign_in::needs_ticket(state) {
        if matches!(action, Action::Refresh | Action::Open) {
            super::sign_in::ask_ticket(state);
            return Vec::new();
        }
        if !matches!(
            action,
            Action::Quit | Action::Help | Action::SwitchPersona | Action::Suspend
        ) {
            notice(state, words::SUPPORT_TICKET_NEEDED, true);
            return Vec::new();
        }
    }
    let expired = with_top(state, |v, _| {
        v.problem().is_some_and(|p| *p == Problem::SessionExpired)
    });
    if expired && matches!(action, Action::Open | Action::Refresh) {
        return sign_in_again(state);
    }
    let outcome = with_top(state, |v, cx| v.on_action(action, cx));
    if let Some(effects) = view_outcome(state, outcome) {
        return effects;
    }
    match action {
        Action::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Action::Back => back(state),
        Action::Help => {
            let chain = state.view_context();
            let view = state.top().view();
            let mut listed = view.actions().to_vec();
            listed.extend_from_slice(crate::views::GLOBAL_ACTIONS);
            if !state.session.sandbox {
                listed.retain(|a| *a != Action::SwitchPersona);
            }
            if !state.session.me.as_ref().is_some_and(|m| m.support_agent) {
                listed.retain(|a| *a != Action::SupportTicket);
            }
            // Refused actions are listed greyed, with the reason.
            let refused: Vec<(Action, String)> = listed
                .iter()
                .filter_map(|a| state.may(*a).err().map(|r| (*a, r.reason(*a))))
                .collect();
            let help = Overlay::help(&state.keymap, chain, view.title(), &listed, &refused);
            state.overlays.push(help);
            Vec::new()
        }
        Action::Copy => match state.top().view().copy_text() {
            // OSC 52 goes through the terminal (and tmux, and SSH): a bounded size.
            Some(text) if text.len() > crate::effect::MAX_COPY_BYTES => {
                notice(state, &words::too_long_to_copy(text.len()), true);
                Vec::new()
            }
            Some(text) => {
                notice(state, &words::copied(&text), false);
                vec![Effect::Copy(text)]
            }
            None => {
                notice(state, &words::not_here(Action::Copy), false);
                Vec::new()
            }
        },
        Action::CommandPalette => {
            let here = state.top().view().scope();
            let (overlay, effects) = Overlay::palette(&mut state.next_request, here);
            state.overlays.push(overlay);
            effects
        }
        Action::SwitchPersona => {
            if !state.session.sandbox {
                notice(state, words::PERSONA_SANDBOX_ONLY, true);
                return Vec::new();
            }
            let (overlay, effects) =
                Overlay::personas(&mut state.next_request, state.session.persona.clone());
            state.overlays.push(overlay);
            effects
        }
        Action::Refresh => with_top(state, |v, cx| v.load(cx)),
        Action::Filter => {
            let has_filter = with_top(state, |v, _| {
                v.filter_mut().map(|f| f.editing = true).is_some()
            });
            if !has_filter {
                notice(state, words::NO_FILTER_HERE, false);
            }
            Vec::new()
        }
        Action::Suspend => vec![Effect::Suspend],
        // A kube shell inside my live grant on the Environment shown.
        Action::Shell if state.top().view().actions().contains(&Action::Shell) => {
            let Some(env) = state.top().view().scope().env else {
                notice(state, words::SHELL_WHERE, false);
                return Vec::new();
            };
            shell_in_grant(state, env, None)
        }
        // A support agent changes the ticket worked on (everything is read again with it).
        Action::SupportTicket => {
            if state.session.me.as_ref().is_some_and(|m| m.support_agent) {
                super::sign_in::ask_ticket(state);
            } else {
                notice(state, words::SUPPORT_TICKET_NOT_SUPPORT, false);
            }
            Vec::new()
        }
        // One command line inside the grant: written first, the last one offered again.
        Action::KubeCommand if state.top().view().actions().contains(&Action::KubeCommand) => {
            let env = state.top().view().scope().env.unwrap_or_default();
            let editor = crate::views::overlays::compose::Compose::new(
                words::kube_command_title(&env),
                Action::KubeCommand,
                true,
                &state.kube_command,
            )
            .with_placeholder(words::KUBE_COMMAND_PLACEHOLDER);
            state.overlays.push(Overlay::Compose(Box::new(editor)));
            Vec::new()
        }
        other => {
            let text = words::not_here(other);
            notice(state, &text, false);
            Vec::new()
        }
    }
}

/// Carries out what the top view did with an action; `None` when it ignored it.
fn view_outcome(state: &mut State, outcome: Outcome) -> Option<Vec<Effect>> {
    match outcome {
        Outcome::Done(effects) => Some(effects),
        Outcome::Open(target) => Some(open(state, target)),
        Outcome::Say(text) => {
            notice(state, &text, false);
            Some(Vec::new())
        }
        Outcome::Confirm(question) => {
            state.overlays.push(Overlay::Confirm(question));
            Some(Vec::new())
        }
        Outcome::Compose(editor) => {
            state.overlays.push(Overlay::Compose(editor));
            Some(Vec::new())
        }
        Outcome::Ignored => None,
    }
}

pub(super) fn notice(state: &mut State, text: &str, error: bool) {
    state.notice = Some(Notice {
        text: text.to_string(),
        error,
    });
}

/// Esc: clears a filter first, then goes back one view.
fn back(state: &mut State) -> Vec<Effect> {
    let cleared = with_top(state, |v, cx| match v.filter_mut() {
        Some(f) if f.is_active() => {
            f.text.clear();
            v.filter_changed(cx);
            true
        }
        _ => false,
    });
    if cleared || state.routes.len() <= 1 {
        return Vec::new();
    }
    let left = state.routes.pop();
    let left_scope = left
        .as_ref()
        .filter(|r| r.view().follows_live())
        .map(|r| r.view().scope());
    let revealed = state.top().view();
    // The live events followed up there did not cover this view (or none were followed):
    // read it again (what is on screen stays, with its selection, filter and scroll).
    let mut effects = match left_scope {
        Some(scope) if !revealed.follows_live() || scope.covers(&revealed.scope()) => Vec::new(),
        None if !revealed.follows_live() => Vec::new(),
        _ => with_top(state, |v, cx| v.load(cx)),
    };
    // A polled view resumes its polling.
    effects.extend(with_top(state, |v, cx| v.on_reveal(cx)));
    effects
}

/// Opens `target` on top of the stack.
pub(super) fn open(state: &mut State, target: Target) -> Vec<Effect> {
    if target == Target::Home {
        state.routes.truncate(1);
        return with_top(state, |v, cx| v.load(cx));
    }
    state.routes.push(Route::for_target(&target));
    if state.routes.len() > MAX_ROUTES {
        state.routes.remove(1);
    }
    with_top(state, |v, cx| v.load(cx))
}

/// Builds the stack a deep link implies (`app/ENV/NAME` → home, org, env, app) and loads
/// its top.
pub fn open_deep(state: &mut State, target: Target) -> Vec<Effect> {
    let mut chain = Vec::new();
    match &target {
        Target::Home => {}
        Target::Org(_) => chain.push(target.clone()),
        Target::Env(env) => {
            if let Some(org) = crate::model::split_env_name(env).map(|(o, _)| o.to_string()) {
                chain.push(Target::Org(org));
            }
            chain.push(target.clone());
        }
        Target::App { env, .. } => {
            if let Some(org) = crate::model::split_env_name(env).map(|(o, _)| o.to_string()) {
                chain.push(Target::Org(org));
            }
            chain.push(Target::Env(env.clone()));
            chain.push(target.clone());
        }
        Target::Blueprint { org, .. } => {
            chain.push(Target::Org(org.clone()));
            chain.push(target.clone());
        }
        Target::Kube { env, app } => {
            if let Some(org) = crate::model::split_env_name(env).map(|(o, _)| o.to_string()) {
                chain.push(Target::Org(org));
            }
            chain.push(Target::Env(env.clone()));
            if let Some(app) = app {
                chain.push(Target::App {
                    env: env.clone(),
                    app: app.clone(),
                });
            }
            chain.push(target.clone());
        }
        Target::PodLog { .. } | Target::KubeYaml { .. } => chain.push(target.clone()),
        Target::OperationLog { .. }
        | Target::Jobs { .. }
        | Target::Deployments
        | Target::Inbox
        | Target::InboxAt(_)
        | Target::Promotion(_)
        | Target::Triage
        | Target::AppTab { .. } => chain.push(target.clone()),
        Target::Deployment(_) => {
            chain.push(Target::Deployments);
            chain.push(target.clone());
        }
        Target::Job { deployment, .. } | Target::ExecutionLog { deployment, .. } => {
            chain.push(Target::Jobs {
                deployment: deployment.clone(),
            });
            chain.push(target.clone());
        }
        Target::Audit { .. } => chain.push(target.clone()),
    }
    state.routes.truncate(1);
    for t in &chain {
        state.routes.push(Route::for_target(t));
    }
    // Back from a deep-linked Application lands on its card.
    let app = match &target {
        Target::App { app, .. } | Target::Kube { app: Some(app), .. } => Some(app.clone()),
        _ => None,
    };
    if let Some(app) = app {
        for route in state.routes.iter_mut() {
            if let Route::Env(v) = route {
                v.select(&app);
            }
        }
    }
    // Every level loads, so going back from a deep link finds its views ready.
    let mut effects = Vec::new();
    for depth in 0..state.routes.len() {
        effects.extend(with_route(state, depth, |v, cx| v.load(cx)));
    }
    effects
}

fn sign_in_again(state: &mut State) -> Vec<Effect> {
    if state.session.signing_in {
        return Vec::new();
    }
    state.session.signing_in = true;
    vec![Effect::SignIn {
        persona: state.session.persona.clone(),
    }]
}

/// Applies a message; says whether it changed anything on screen.
fn on_msg(state: &mut State, msg: Msg) -> (Vec<Effect>, bool) {
    if let Msg::Fetched { request, result } = msg {
        return on_fetched(state, request, result);
    }
    if let Msg::Stream(batch) = msg {
        return on_stream(state, &batch);
    }
    let effects = match msg {
        Msg::Fetched { .. } | Msg::Stream(_) => Vec::new(),
        Msg::Poll { token } => {
            // Nothing changes on screen until the read it starts is answered.
            let effects = with_top(state, |v, cx| v.on_poll(token, cx));
            return (effects, false);
        }
        Msg::Live(live) => on_live(state, live),
        Msg::SignIn(s) => super::sign_in::on_sign_in(state, s),
        Msg::Retry { depth } => {
            if depth < state.routes.len() {
                with_route(state, depth, |v, cx| match v.problem() {
                    Some(Problem::RateLimited { .. }) => v.retry(cx),
                    _ => Vec::new(),
                })
            } else {
                Vec::new()
            }
        }
        Msg::RefreshOrg(_) | Msg::RefreshInbox | Msg::RefreshTriage => {
            let mut effects = Vec::new();
            for depth in 0..state.routes.len() {
                effects.extend(with_route(state, depth, |v, cx| v.on_refresh(&msg, cx)));
            }
            effects
        }
        Msg::Notice(text) => {
            notice(state, &text, true);
            Vec::new()
        }
        Msg::Info(text) => {
            notice(state, &text, false);
            Vec::new()
        }
        Msg::ShellReady => vec![Effect::RunShell],
    };
    (effects, true)
}

fn on_fetched(
    state: &mut State,
    request: crate::effect::RequestId,
    result: Result<crate::msg::Data, ApiError>,
) -> (Vec<Effect>, bool) {
    if let Err(e) = &result
        && e.needs_sign_in()
    {
        state.session.expired = true;
    }
    let me = state
        .session
        .me
        .as_ref()
        .map(|m| m.sub.clone())
        .unwrap_or_default();
    if state.grants.on_fetched(&me, request, &result) {
        return (Vec::new(), true);
    }
    if let Ok(crate::msg::Data::AccessRequested(r) | crate::msg::Data::AccessRevoked(r)) = &result {
        state.grants.on_request(&me, r);
    }
    for overlay in state.overlays.iter_mut().rev() {
        if let Some(effects) = overlay.on_fetched(request, &result) {
            return (effects, true);
        }
    }
    for depth in (0..state.routes.len()).rev() {
        let answered = with_route(state, depth, |v, cx| v.on_fetched(request, &result, cx));
        if let Some(mut effects) = answered {
            // A view polls only while on top: the timer a covered view asks for is not
            // armed (it re-arms when Back reveals it).
            if depth + 1 < state.routes.len() {
                effects.retain(|e| {
                    !matches!(e, Effect::After { msg, .. } if matches!(**msg, Msg::Poll { .. }))
                });
            }
            // A 429 retries by itself when its countdown ends.
            if let Err(ApiError::RateLimited { .. }) = &result {
                let wait = with_route(state, depth, |v, cx| match v.problem() {
                    Some(Problem::RateLimited { until, .. }) => {
                        (*until - cx.now).to_std().unwrap_or_default()
                    }
                    _ => std::time::Duration::ZERO,
                });
                effects.push(Effect::After {
                    after: wait,
                    msg: Box::new(Msg::Retry { depth }),
                });
            }
            // What the view on top decided with the answer (open what it created, ask a
            // question), unless the operator is in an overlay meanwhile.
            if depth + 1 == state.routes.len() && state.overlays.is_empty() {
                let outcome = with_top(state, |v, _| v.take_outcome());
                if let Some(outcome) = outcome {
                    effects.extend(view_outcome(state, outcome).unwrap_or_default());
                }
            }
            return (effects, true);
        }
    }
    // Nobody waits for it any more: a stale answer.
    (Vec::new(), false)
}

/// Hands a stream's batch to every view following that stream; the screen changes only
/// when the top one does.
fn on_stream(state: &mut State, batch: &crate::msg::StreamBatch) -> (Vec<Effect>, bool) {
    let top = state.routes.len() - 1;
    let mut effects = Vec::new();
    let mut changed = false;
    for depth in 0..state.routes.len() {
        if state.routes[depth].view().stream().as_ref() != Some(&batch.spec) {
            continue;
        }
        effects.extend(with_route(state, depth, |v, cx| v.on_stream(batch, cx)));
        changed |= depth == top;
    }
    (effects, changed)
}

fn on_live(state: &mut State, live: LiveMsg) -> Vec<Effect> {
    match live {
        LiveMsg::Event { event, .. } => {
            if event == LiveEvent::Reset {
                return with_top(state, |v, cx| v.load(cx));
            }
            if let (LiveEvent::AccessUpdated(r), Some(me)) = (&event, &state.session.me) {
                let me = me.sub.clone();
                state.grants.on_request(&me, r);
                // My own request moved by someone else (an approver decided or revoked it)
                // or by time (it ran out): said at once. What I did myself (or policy did at
                // once) is said by the answer to my own request instead.
                use crate::model::AccessState as S;
                let by_other = r
                    .decided_by
                    .as_deref()
                    .is_some_and(|b| b != me && b != "policy");
                let announce = match r.state {
                    S::Granted | S::Denied | S::Revoked => by_other,
                    S::Expired => true,
                    _ => false,
                };
                if r.requester == me && announce {
                    let bad = r.state != S::Granted;
                    notice(state, &words::my_access_moved(r), bad);
                }
            }
            with_top(state, |v, cx| v.on_live(&event, cx))
        }
        LiveMsg::Undecodable { kind, reason } => {
            notice(state, &words::undecodable_event(&kind, &reason), true);
            Vec::new()
        }
        LiveMsg::Status(status) => {
            state.live = match status {
                StreamStatus::Connecting { .. } => LiveState::Connecting,
                StreamStatus::Live => LiveState::Live,
                StreamStatus::Unauthorized => LiveState::Connecting,
                StreamStatus::Reconnecting { in_, reason, .. } => LiveState::Reconnecting {
                    at: state.now + chrono::Duration::from_std(in_).unwrap_or_default(),
                    reason,
                },
                StreamStatus::Ended => LiveState::Offline {
                    reason: words::STREAM_ENDED.to_string(),
                },
                StreamStatus::Failed { reason } => LiveState::Offline { reason },
            };
            Vec::new()
        }
    }
}

/// The command line editor closed: kept for next time, and run inside my live grant on
/// the Environment shown when sent.
fn kube_command(state: &mut State, text: String, send: bool) -> Vec<Effect> {
    let line = text.trim().to_string();
    if !line.is_empty() {
        state.kube_command = line.clone();
    }
    if !send {
        return Vec::new();
    }
    if line.is_empty() {
        notice(state, words::KUBE_COMMAND_EMPTY, false);
        return Vec::new();
    }
    let env = state.top().view().scope().env.unwrap_or_default();
    shell_in_grant(state, env, Some(line))
}

/// Hands the terminal to a shell (or `command`) inside my live grant on `env`, or says
/// there is none (the grant may have ended while a command line was being written).
fn shell_in_grant(state: &mut State, env: String, command: Option<String>) -> Vec<Effect> {
    match state.grants.live_on(&env, state.now) {
        Some(g) => vec![Effect::OpenShell {
            grant: g.id.clone(),
            env,
            command,
        }],
        None => {
            notice(state, &words::no_live_grant(&env), false);
            Vec::new()
        }
    }
}
