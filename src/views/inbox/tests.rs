//! Pure tests of the inbox's access sections through the real update and keymap: one
//! selection through promotions, pending requests and live grants; revoking a grant asks
//! first, sends the `DELETE`, says the answer and reads the lists again; a refusal is
//! said; my own revoked grant leaves the status bar. Snapshots of the inbox with both
//! sections.

use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::follow::LiveMsg;
use crate::effect::{Effect, Query};
use crate::model::{AccessLevel, AccessState};
use crate::msg::{InboxItems, Msg};
use crate::state::{Input, State, update};
use crate::views::overlays::Overlay;
use crate::views::{Route, Target, testing};

fn request(id: &str, who: &str, env: &str, state: AccessState) -> AccessRequest {
    let now = testing::now();
    let granted = state == AccessState::Granted;
    AccessRequest {
        id: id.into(),
        environment: env.into(),
        requester: who.into(),
        access: AccessLevel::Debug,
        reason: "INC-4711 payment timeouts".into(),
        duration_minutes: 60,
        state,
        requested_at: now - TimeDelta::minutes(20),
        granted_at: granted.then(|| now - TimeDelta::minutes(17)),
        expires_at: granted.then(|| now + TimeDelta::minutes(43)),
        decided_by: granted.then(|| "admin".to_string()),
        decision_comment: None,
    }
}

fn items() -> InboxItems {
    let mut view = request("ar-3", "omar", "digital-channels-stg", AccessState::Granted);
    view.access = AccessLevel::View;
    view.expires_at = Some(testing::now() + TimeDelta::seconds(40));
    InboxItems {
        promotions: Vec::new(),
        access_requests: vec![request(
            "ar-1",
            "omar",
            "digital-channels-prod",
            AccessState::Pending,
        )],
        grants: vec![
            request(
                "ar-2",
                "layla",
                "digital-channels-dev",
                AccessState::Granted,
            ),
            view,
        ],
    }
}

fn fetches(effects: &[Effect]) -> Vec<(RequestId, Query)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch { request, query } => Some((*request, query.clone())),
            _ => None,
        })
        .collect()
}

fn answer(s: &mut State, request: RequestId, result: Result<Data, ApiError>) -> Vec<Effect> {
    update(
        s,
        Input::Msg(Msg::Fetched { request, result }),
        testing::now(),
    )
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(
        s,
        Input::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        testing::now(),
    )
}

fn press(s: &mut State, c: char) -> Vec<Effect> {
    key(s, KeyCode::Char(c))
}

/// The inbox on top, read with `items`.
fn inbox(size: (u16, u16), items: InboxItems) -> State {
    let mut s = testing::state(size.0, size.1);
    let effects = crate::state::open_deep(&mut s, Target::Inbox);
    let (request, query) = fetches(&effects).pop().expect("the inbox is read");
    assert_eq!(query, Query::InboxItems);
    answer(&mut s, request, Ok(Data::InboxItems(Box::new(items))));
    s
}

fn view(s: &State) -> &InboxView {
    match s.top() {
        Route::Inbox(v) => v,
        _ => panic!("not the inbox"),
    }
}

fn said(s: &State) -> String {
    s.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[test]
fn opened_at_a_request_selects_it_once_read() {
    let mut its = items();
    let mut second = its.access_requests[0].clone();
    second.id = "ar-2".into();
    its.access_requests.push(second);
    let mut s = testing::state(100, 30);
    let effects = crate::state::open_deep(&mut s, Target::InboxAt("ar-2".into()));
    let (request, _) = fetches(&effects).pop().expect("the inbox is read");
    answer(&mut s, request, Ok(Data::InboxItems(Box::new(its))));
    assert_eq!(
        view(&s).selected_access().map(|r| r.id.as_str()),
        Some("ar-2")
    );
}

#[test]
fn one_selection_runs_through_requests_and_grants() {
    let mut s = inbox((100, 30), items());
    let v = view(&s);
    assert_eq!(v.len(), 3);
    assert_eq!(v.selected_access().map(|r| r.id.as_str()), Some("ar-1"));
    assert!(v.selected_grant().is_none());
    assert!(v.hints().contains(&Action::GrantAccess));
    // X on a pending request: nothing asked, the way to a grant said.
    assert!(press(&mut s, 'X').is_empty());
    assert!(s.overlays.is_empty());
    assert_eq!(said(&s), words::NO_GRANT_SELECTED);
    press(&mut s, 'j');
    let v = view(&s);
    assert!(v.selected_access().is_none());
    assert_eq!(v.selected_grant().map(|r| r.id.as_str()), Some("ar-2"));
    assert_eq!(v.copy_text().as_deref(), Some("ar-2"));
    assert_eq!(v.hints()[0], Action::RevokeAccess);
    press(&mut s, 'j');
    press(&mut s, 'j');
    assert_eq!(
        view(&s).selected_grant().map(|r| r.id.as_str()),
        Some("ar-3"),
        "the selection stops at the last row"
    );
    // a on a grant is not a decision.
    press(&mut s, 'a');
    assert!(s.overlays.is_empty());
}

#[test]
fn revoking_asks_first_then_sends_says_and_reads_again() {
    let mut s = inbox((100, 30), items());
    press(&mut s, 'j');
    // No: nothing sent.
    assert!(press(&mut s, 'X').is_empty());
    let Some(Overlay::Confirm(c)) = s.overlays.last() else {
        panic!("no question: {:?}", s.overlays)
    };
    assert_eq!(c.action, Action::RevokeAccess);
    assert!(
        c.question
            .contains("debug access of layla to digital-channels-dev"),
        "{}",
        c.question
    );
    assert!(press(&mut s, 'n').is_empty());
    assert!(s.overlays.is_empty());
    // Yes: the DELETE of that grant.
    press(&mut s, 'X');
    let effects = press(&mut s, 'y');
    let [(request, query)] = fetches(&effects).try_into().expect("one fetch");
    assert_eq!(query, Query::RevokeAccess { id: "ar-2".into() });
    // A second revoke waits for the answer.
    press(&mut s, 'X');
    assert!(s.overlays.is_empty());
    assert_eq!(said(&s), words::ACCESS_IN_FLIGHT);
    let mut revoked = request_revoked("ar-2", "layla", "digital-channels-dev");
    revoked.decided_by = None;
    let effects = answer(&mut s, request, Ok(Data::AccessRevoked(Box::new(revoked))));
    assert_eq!(
        said(&s),
        "Access ar-2 of layla on digital-channels-dev is revoked."
    );
    assert_eq!(
        fetches(&effects)
            .into_iter()
            .map(|(_, q)| q)
            .collect::<Vec<_>>(),
        vec![Query::InboxItems],
        "the lists are read again"
    );
}

fn request_revoked(id: &str, who: &str, env: &str) -> AccessRequest {
    let mut r = request(id, who, env, AccessState::Granted);
    r.state = AccessState::Revoked;
    r.expires_at = Some(testing::now());
    r
}

#[test]
fn a_refused_revocation_is_said_and_the_lists_read_again() {
    let mut s = inbox((100, 30), items());
    press(&mut s, 'j');
    press(&mut s, 'j');
    press(&mut s, 'X');
    let effects = press(&mut s, 'y');
    let [(request, query)] = fetches(&effects).try_into().expect("one fetch");
    assert_eq!(query, Query::RevokeAccess { id: "ar-3".into() });
    let refused = ApiError::Conflict {
        code: "access-request-not-active".into(),
        detail: "access request ar-3 is already expired".into(),
        state: None,
        revision: None,
        dependents: Vec::new(),
        request_id: None,
    };
    let effects = answer(&mut s, request, Err(refused));
    assert!(
        said(&s).starts_with("The grant was not revoked:"),
        "{}",
        said(&s)
    );
    assert!(said(&s).contains("already expired"), "{}", said(&s));
    assert_eq!(fetches(&effects).len(), 1);
}

#[test]
fn my_revoked_grant_leaves_the_status_bar() {
    let mut s = inbox((100, 30), items());
    let mine = request(
        "ar-2",
        "layla",
        "digital-channels-dev",
        AccessState::Granted,
    );
    update(
        &mut s,
        Input::Msg(Msg::Live(LiveMsg::Event {
            id: Some(1),
            event: LiveEvent::AccessUpdated(Box::new(mine)),
        })),
        testing::now(),
    );
    assert!(
        s.grants
            .live_on("digital-channels-dev", testing::now())
            .is_some()
    );
    press(&mut s, 'j');
    press(&mut s, 'X');
    let effects = press(&mut s, 'y');
    let [(request, _)] = fetches(&effects).try_into().expect("one fetch");
    let revoked = request_revoked("ar-2", "layla", "digital-channels-dev");
    answer(&mut s, request, Ok(Data::AccessRevoked(Box::new(revoked))));
    assert!(
        s.grants
            .live_on("digital-channels-dev", testing::now())
            .is_none(),
        "the countdown is gone"
    );
}

#[test]
fn snapshot_inbox_with_live_grants() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = inbox((w, h), items());
        press(&mut s, 'j');
        insta::assert_snapshot!(
            format!("inbox_live_grants_{w}x{h}"),
            testing::screen(&s, false)
        );
        press(&mut s, 'X');
        insta::assert_snapshot!(
            format!("inbox_revoke_question_{w}x{h}"),
            testing::screen(&s, false)
        );
    }
}
