//! Unit tests of `run`: replayed and live timelines, the buffer bound, freezing.

use super::*;

fn ident() -> Ident {
    Ident {
        id: "00112233aabbccdd".into(),
        fqdn: "t.example.org".into(),
        region: "fsn1".into(),
        cp_ip: "1.1.1.1".into(),
        lb_ip: "2.2.2.2".into(),
    }
}

fn replayed(p0: Phase0, p1: Phase1) -> Run {
    let origin = DateTime::parse_from_rfc3339("2026-06-01T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut r = Run::new(
        ident(),
        Rng::new(5),
        Clock::Replayed { origin },
        &p0,
        &p1,
        false,
    );
    r.advance(Instant::now());
    r
}

#[test]
fn a_replayed_success_ends_ready_with_every_component_installed() {
    let r = replayed(
        Phase0::Fresh {
            kubeconfig_during_apply: true,
        },
        Phase1::default(),
    );
    let s = r.state();
    assert_eq!(s.status, DeploymentStatus::Ready);
    assert!(r.is_done());
    let res = s.result.unwrap();
    assert_eq!(res.phase1_outcome, Some(Phase1Outcome::Ready));
    assert!(
        res.component_states
            .unwrap()
            .values()
            .all(|v| v == "installed")
    );
    assert!(res.kubeconfig_path.is_some());
    assert!(r.kubeconfig().is_some());
    assert!(s.phase1_finished_at.unwrap().ends_with('Z'));
    assert!(res.phase1_finished_at.unwrap().contains('.'));
    let (watching, rows) = r.components();
    assert!(!watching);
    assert!(
        rows.iter()
            .all(|c| c.last_transition_at == "0001-01-01T00:00:00Z" && c.message.is_empty())
    );
}

#[test]
fn a_failed_apply_has_only_the_state_error() {
    let r = replayed(Phase0::FailApply, Phase1::default());
    let s = r.state();
    assert_eq!(s.status, DeploymentStatus::Failed);
    assert_eq!(s.error.as_deref(), Some(script::APPLY_FAILED_ERROR));
    assert!(s.result.is_none());
    assert!(r.events().iter().all(|e| e.level != EventLevel::Error));
    assert_eq!(s.num_events, r.events().len() as u64);
}

#[test]
fn the_buffer_keeps_the_newest_ten_thousand() {
    let mut r = replayed(Phase0::FailApply, Phase1::default());
    let before = r.next_seq();
    for i in 0..EVENT_BUFFER_CAP + 5 {
        r.emit(ProvisionEvent {
            time: "2026-06-01T10:00:00Z".into(),
            phase: "tofu".into(),
            level: EventLevel::Info,
            message: format!("line {i}"),
            component: None,
            state: None,
            depends_on: None,
        });
    }
    assert_eq!(r.events().len(), EVENT_BUFFER_CAP);
    assert_eq!(r.next_seq(), before + EVENT_BUFFER_CAP as u64 + 5);
    assert_eq!(
        r.events().back().map(|e| e.message.as_str()),
        Some("line 10004")
    );
    assert_eq!(
        r.events().front().map(|e| e.message.as_str()),
        Some("line 5")
    );
}

#[test]
fn a_frozen_live_run_stays_where_it_is() {
    let mut r = Run::new(
        ident(),
        Rng::new(1),
        Clock::live(0.0, 5_000.0),
        &Phase0::Fresh {
            kubeconfig_during_apply: false,
        },
        &Phase1::default(),
        false,
    );
    r.advance(Instant::now());
    let n = r.events().len();
    assert!(n > 0);
    assert!(r.next_due().is_none());
    r.advance(Instant::now() + std::time::Duration::from_secs(3600));
    assert_eq!(r.events().len(), n);
    assert_eq!(r.status(), DeploymentStatus::Provisioning);
}

#[test]
fn a_live_run_advances_with_time() {
    let mut r = Run::new(
        ident(),
        Rng::new(1),
        Clock::live(1.0, 0.0),
        &Phase0::Fresh {
            kubeconfig_during_apply: false,
        },
        &Phase1::default(),
        false,
    );
    r.advance(Instant::now());
    let n = r.events().len();
    r.advance(Instant::now() + std::time::Duration::from_secs(3600));
    assert!(r.events().len() > n);
    assert_eq!(r.status(), DeploymentStatus::Ready);
}
