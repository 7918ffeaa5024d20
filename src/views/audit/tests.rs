//! Pure tests of the audit view through the real update and keymap: the filter form
//! parses or says what is wrong (keeping the text), server filters go in the query and
//! the others are applied to the rows, older pages append, live records that pass are
//! prepended, `w` asks for a new NDJSON file, and a 403 is the restricted state.
//! Snapshots: populated (80×24, 120×40), restricted, the filter form with an error.

use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::filters::{self, AuditFilters};
use super::*;
use crate::api::follow::LiveMsg;
use crate::model::{AuditOutcome, AuditQuery, RoleName};
use crate::msg::Msg;
use crate::state::{Input, State, update};
use crate::views::overlays::Overlay;
use crate::views::{Route, Target, testing};

fn record(id: &str, mins_ago: i64, actor: &str, action: &str, target: &str) -> AuditRecord {
    AuditRecord {
        id: id.into(),
        at: testing::now() - TimeDelta::minutes(mins_ago),
        actor: actor.into(),
        roles: vec![RoleName::OrgDeveloper],
        support_ticket: None,
        action: action.into(),
        target: target.into(),
        reason: None,
        outcome: AuditOutcome::Success,
        request_id: format!("req-{id}"),
    }
}

fn support_read(id: &str, mins_ago: i64, target: &str) -> AuditRecord {
    let mut r = record(id, mins_ago, "support", "support.read", target);
    r.roles = vec![RoleName::SupportAgent];
    r.support_ticket = Some("SUP-1234".into());
    r
}

fn trail() -> AuditTrail {
    let mut denied = record(
        "au-3",
        12,
        "omar",
        "promotion.review",
        "digital-channels-prod/payment-rail",
    );
    denied.outcome = AuditOutcome::Denied;
    denied.reason = Some("self-approval-forbidden".into());
    let mut paused = record(
        "au-1",
        40,
        "layla",
        "application.action",
        "digital-channels-stg/payment-rail",
    );
    paused.reason = Some("pause: INC-4711".into());
    AuditTrail {
        items: vec![
            support_read(
                "au-4",
                3,
                "/api/v1/environments/digital-channels-prod/applications/payment-rail",
            ),
            denied,
            record(
                "au-2",
                25,
                "admin",
                "access.decision",
                "digital-channels-prod/ar-7",
            ),
            paused,
        ],
        next_cursor: Some("40".into()),
        rbac_only: false,
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

fn key(s: &mut State, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(s, Input::Key(KeyEvent::new(code, mods)), testing::now())
}

fn press(s: &mut State, c: char) -> Vec<Effect> {
    key(s, KeyCode::Char(c), KeyModifiers::NONE)
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, c);
    }
}

/// The audit on top, opened with `form`, its first read answered with `t`.
fn audit(size: (u16, u16), form: &str, t: AuditTrail) -> (State, AuditQuery) {
    let mut s = testing::state(size.0, size.1);
    let effects = crate::state::open_deep(
        &mut s,
        Target::Audit {
            filters: form.into(),
        },
    );
    let (request, query) = fetches(&effects).pop().expect("the trail is read");
    let Query::Audit(q) = query else {
        panic!("not an audit read: {query:?}")
    };
    answer(&mut s, request, Ok(Data::Audit(Box::new(t))));
    (s, q)
}

fn view(s: &State) -> &AuditView {
    match s.top() {
        Route::Audit(v) => v,
        _ => panic!("not the audit view"),
    }
}

fn ids(s: &State) -> Vec<String> {
    view(s).visible().iter().map(|r| r.id.clone()).collect()
}

fn said(s: &State) -> String {
    s.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[test]
fn the_form_parses_every_filter_and_relative_times() {
    let now = testing::now();
    let f = filters::parse(
        "actor=omar action=promotion target=digital-channels-prod outcome=denied \
         ticket=SUP-1234 since=2h until=2026-11-22T09:30:00Z org=digital-channels env=digital-channels-prod",
        now,
    )
    .unwrap();
    assert_eq!(f.actor.as_deref(), Some("omar"));
    assert_eq!(f.outcome, Some(AuditOutcome::Denied));
    assert_eq!(f.since, Some(now - TimeDelta::hours(2)));
    assert_eq!(
        f.text(),
        "actor=omar action=promotion target=digital-channels-prod outcome=denied \
         ticket=SUP-1234 since=2026-11-22T08:00:00Z until=2026-11-22T09:30:00Z \
         org=digital-channels env=digital-channels-prod"
    );
    assert_eq!(filters::parse(&f.text(), now), Ok(f.clone()), "round trip");
    assert_eq!(
        filters::parse("since=2026-11-01", now).unwrap().since,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    );
    assert_eq!(filters::parse("  ", now), Ok(AuditFilters::default()));
    // The server is asked what it filters; the rest stays with the rows.
    let q = f.query(None, filters::PAGE);
    assert_eq!(q.actor.as_deref(), Some("omar"));
    assert_eq!(q.action.as_deref(), Some("promotion"));
    assert_eq!(q.environment.as_deref(), Some("digital-channels-prod"));
    assert_eq!(q.cursor, None);
    assert_eq!(q.limit, Some(filters::PAGE));
}

#[test]
fn the_form_says_what_is_wrong() {
    let now = testing::now();
    let err = |t: &str| filters::parse(t, now).unwrap_err();
    assert!(err("omar").contains("is not key=value"));
    assert!(err("who=omar actor=omar").contains("given twice"));
    assert!(err("colour=red").contains("There is no filter \u{201c}colour\u{201d}"));
    assert!(err("actor=").contains("actor= needs a value"));
    assert!(err("outcome=maybe").contains("success, denied or error"));
    assert!(err("since=yesterday").contains("since \u{201c}yesterday\u{201d} is not a time"));
    assert!(err("since=-2h").contains("is not a time"));
    assert!(err("since=1h until=2h").contains("since must come before until"));
}

#[test]
fn filters_the_server_lacks_apply_to_the_rows() {
    let t = trail();
    let at = |id: &str| t.items.iter().find(|r| r.id == id).unwrap();
    let f = |text: &str| filters::parse(text, testing::now()).unwrap();
    // A support read's path names the Environment and the Application apart.
    let app = f(&filters::of_application(
        "digital-channels-prod",
        "payment-rail",
    ));
    assert!(app.matches(at("au-4")));
    assert!(app.matches(at("au-3")));
    assert!(!app.matches(at("au-1")), "another Environment");
    assert!(f("action=promotion").matches(at("au-3")));
    assert!(!f("action=promo").matches(at("au-3")), "whole dotted words");
    assert!(f("outcome=denied").matches(at("au-3")));
    assert!(!f("outcome=denied").matches(at("au-2")));
    assert!(f("ticket=sup-1234").matches(at("au-4")));
    assert!(!f("ticket=SUP-1234").matches(at("au-3")));
    assert!(f("since=30m").matches(at("au-2")));
    assert!(!f("since=30m").matches(at("au-1")));
    assert!(!f("until=30m").matches(at("au-2")));
}

#[test]
fn opening_reads_the_trail_with_the_servers_filters_and_applies_the_others() {
    let (s, q) = audit(
        (100, 30),
        "actor=omar outcome=denied env=digital-channels-prod",
        trail(),
    );
    assert_eq!(q.actor.as_deref(), Some("omar"));
    assert_eq!(q.environment.as_deref(), Some("digital-channels-prod"));
    // The sandbox answered more than asked: the rows still pass every filter.
    assert_eq!(ids(&s), ["au-3"]);
    assert_eq!(
        view(&s).scope(),
        Scope {
            org: None,
            env: Some("digital-channels-prod".into())
        }
    );
    let (s, _) = audit((100, 30), "", trail());
    assert_eq!(ids(&s), ["au-4", "au-3", "au-2", "au-1"], "newest first");
    assert_eq!(view(&s).scope(), Scope::ALL);
}

#[test]
fn the_filter_form_applies_or_keeps_the_text_with_the_error() {
    let (mut s, _) = audit((100, 30), "", trail());
    press(&mut s, 'f');
    assert!(matches!(s.overlays.last(), Some(Overlay::Compose(_))));
    type_text(&mut s, "outcome=maybe");
    let effects = key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(fetches(&effects).is_empty(), "nothing read");
    let Some(Overlay::Compose(c)) = s.overlays.last() else {
        panic!("the form stays open")
    };
    assert_eq!(c.text(), "outcome=maybe");
    assert!(
        c.message
            .as_deref()
            .unwrap_or_default()
            .contains("success, denied or error")
    );
    // The filters stay as they were; thrown away, the form shows them again.
    assert!(view(&s).filters.is_empty());
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    press(&mut s, 'y');
    assert!(s.overlays.is_empty());
    assert_eq!(view(&s).draft, "");
    assert_eq!(view(&s).form_error, None);
    press(&mut s, 'f');
    type_text(&mut s, "outcome=");
    type_text(&mut s, "denied actor=omar");
    let effects = key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(
        s.overlays.is_empty(),
        "{:?}",
        s.overlays.last().map(|o| match o {
            Overlay::Compose(c) => (c.text(), c.message.clone()),
            _ => Default::default(),
        })
    );
    let fetched = fetches(&effects);
    let [(request, Query::Audit(q))] = fetched.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(q.actor.as_deref(), Some("omar"));
    assert_eq!(view(&s).form_error, None);
    answer(&mut s, *request, Ok(Data::Audit(Box::new(trail()))));
    assert_eq!(ids(&s), ["au-3"]);
}

#[test]
fn older_pages_append_from_the_key_or_the_last_row() {
    let (mut s, _) = audit((100, 30), "", trail());
    let effects = press(&mut s, 'm');
    let fetched = fetches(&effects);
    let [(request, Query::Audit(q))] = fetched.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(q.cursor.as_deref(), Some("40"));
    assert!(view(&s).loading_more());
    assert_eq!(said(&s), "");
    press(&mut s, 'm');
    assert_eq!(said(&s), words::AUDIT_MORE_IN_FLIGHT);
    let older = AuditTrail {
        items: vec![
            record(
                "au-0",
                90,
                "huda",
                "environment.create",
                "retail/retail-uat",
            ),
            // Already held (a record that slid between pages): not twice.
            trail().items[3].clone(),
        ],
        next_cursor: Some("20".into()),
        rbac_only: false,
    };
    answer(&mut s, *request, Ok(Data::Audit(Box::new(older))));
    assert_eq!(ids(&s), ["au-4", "au-3", "au-2", "au-1", "au-0"]);
    assert!(!view(&s).loading_more());
    // Moving onto the last row reads the next page.
    let effects = key(&mut s, KeyCode::End, KeyModifiers::NONE);
    let fetched = fetches(&effects);
    let [(request, Query::Audit(q))] = fetched.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(q.cursor.as_deref(), Some("20"));
    let last = AuditTrail::default();
    answer(&mut s, *request, Ok(Data::Audit(Box::new(last))));
    assert!(fetches(&press(&mut s, 'm')).is_empty());
    assert_eq!(said(&s), words::AUDIT_AT_START);
    assert_eq!(
        view(&s).list.selected,
        4,
        "the selection stays on its record"
    );
}

#[test]
fn live_records_that_pass_are_prepended() {
    let (mut s, _) = audit((100, 30), "ticket=SUP-1234", trail());
    assert_eq!(ids(&s), ["au-4"]);
    let live = |r: AuditRecord| {
        Input::Msg(Msg::Live(LiveMsg::Event {
            id: Some(9),
            event: LiveEvent::AuditAppended(Box::new(r)),
        }))
    };
    let mut r = support_read("au-5", 0, "/api/v1/orgs/digital-channels");
    update(&mut s, live(r.clone()), testing::now());
    assert_eq!(ids(&s), ["au-5", "au-4"]);
    // Not twice, and not what the filters leave out.
    update(&mut s, live(r.clone()), testing::now());
    r.id = "au-6".into();
    r.support_ticket = Some("SUP-9".into());
    update(&mut s, live(r), testing::now());
    assert_eq!(ids(&s), ["au-5", "au-4"]);
    // Away from the top the selection stays on its record.
    press(&mut s, 'j');
    update(
        &mut s,
        live(support_read("au-7", 0, "/api/v1/orgs/retail")),
        testing::now(),
    );
    assert_eq!(ids(&s), ["au-7", "au-5", "au-4"]);
    assert_eq!(view(&s).list.selected, 2);
}

#[test]
fn w_exports_the_filtered_trail_through_the_ndjson_export() {
    let (mut s, _) = audit(
        (100, 30),
        "actor=omar target=digital-channels-prod",
        trail(),
    );
    // The `/` words go with it.
    press(&mut s, '/');
    type_text(&mut s, "review");
    key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    let effects = press(&mut s, 'w');
    let [
        Effect::ExportAudit {
            path,
            query,
            keep,
            words,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        path.to_string_lossy(),
        "catalyst-audit-20261122-100000.ndjson"
    );
    assert_eq!(query.actor.as_deref(), Some("omar"));
    assert_eq!(query.cursor, None, "from the newest, every page");
    assert_eq!(keep.target.as_deref(), Some("digital-channels-prod"));
    assert_eq!(words, "review");
}

#[test]
fn without_an_export_the_loaded_rows_are_written_as_json_lines() {
    let mut t = trail();
    t.rbac_only = true;
    let (mut s, _) = audit((100, 30), "target=digital-channels-prod", t);
    let effects = press(&mut s, 'w');
    let [Effect::SaveFile { path, contents }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let lines: Vec<AuditRecord> = contents
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["au-2", "au-3", "au-4"], "oldest first, filtered");
    // Never overwriting: a second export goes beside the first.
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join(path);
    let (first, n) = crate::app::save::save_new(&at, contents).unwrap();
    assert_eq!((first.as_path(), n), (at.as_path(), 3));
    let (second, _) = crate::app::save::save_new(&at, contents).unwrap();
    assert_eq!(
        second.file_name().unwrap().to_string_lossy(),
        "catalyst-audit-20261122-100000-2.ndjson"
    );
    assert_eq!(std::fs::read_to_string(&first).unwrap(), *contents);
    // Nothing passes: nothing written, and said.
    let mut t = trail();
    t.rbac_only = true;
    let (mut s, _) = audit((100, 30), "actor=nobody", t);
    assert!(press(&mut s, 'w').is_empty());
    assert_eq!(said(&s), words::AUDIT_NOTHING_TO_EXPORT);
}

#[test]
fn a_refusal_is_the_restricted_state_with_the_role() {
    let mut s = testing::state(80, 24);
    let effects = crate::state::open_deep(
        &mut s,
        Target::Audit {
            filters: String::new(),
        },
    );
    let (request, _) = fetches(&effects).pop().unwrap();
    answer(
        &mut s,
        request,
        Err(ApiError::Restricted {
            code: "forbidden".into(),
            required: Some("security-officer".into()),
            teams: Vec::new(),
            detail: "reading the audit log needs security-officer or sovereign-admin (org-admins read their Orgs')".into(),
            request_id: Some("req-9".into()),
        }),
    );
    assert!(matches!(
        view(&s).problem(),
        Some(Problem::Restricted { required: Some(r), .. }) if r == "security-officer"
    ));
    insta::assert_snapshot!("audit_restricted_80x24", testing::screen(&s, false));
}

#[test]
fn snapshot_audit_populated_and_the_form() {
    for (w, h) in [(80, 24), (120, 40)] {
        let (mut s, _) = audit((w, h), "", trail());
        press(&mut s, 'j');
        insta::assert_snapshot!(
            format!("audit_populated_{w}x{h}"),
            testing::screen(&s, false)
        );
    }
    let (mut s, _) = audit((80, 24), "target=digital-channels-prod", trail());
    press(&mut s, 'f');
    type_text(&mut s, " since=yesterday");
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    insta::assert_snapshot!("audit_filter_form_80x24", testing::screen(&s, false));
}

#[test]
fn deep_links_and_the_application_open_the_trail() {
    assert_eq!(
        Target::parse_link("audit"),
        Ok(Target::Audit {
            filters: String::new()
        })
    );
    assert_eq!(
        Target::parse_link("audit/digital-channels-prod/payment-rail"),
        Ok(Target::Audit {
            filters: "target=digital-channels-prod/payment-rail".into()
        })
    );
    let mut s = testing::state(100, 30);
    crate::state::open_deep(
        &mut s,
        Target::App {
            env: "digital-channels-prod".into(),
            app: "payment-rail".into(),
        },
    );
    let effects = press(&mut s, 'u');
    let (_, query) = fetches(&effects).pop().expect("the trail is read");
    assert!(matches!(query, Query::Audit(_)));
    assert_eq!(
        view(&s).filters.target.as_deref(),
        Some("digital-channels-prod/payment-rail")
    );
}
