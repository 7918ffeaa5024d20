//! Unit tests of `script`: marker order, failure shape, retry banner, Phase-1 order.

use super::*;

fn vars() -> Vars {
    Vars::new(
        "0123456789abcdef",
        "t.example.org",
        "fsn1",
        "1.1.1.1",
        "2.2.2.2",
        Rng::new(3),
    )
}

fn markers(steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::Emit(e) if e.phase != PHASE_TOFU && e.phase != PHASE_COMPONENT => {
                Some(e.phase.clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn fresh_phase0_has_the_five_markers_in_order_and_ends_with_phase0_done() {
    let (steps, end) = phase0(
        &Phase0::Fresh {
            kubeconfig_during_apply: true,
        },
        &mut vars(),
        0,
    );
    assert_eq!(
        markers(&steps),
        [
            "tofu-init",
            "tofu-plan",
            "tofu-apply",
            "tofu-output",
            "flux-bootstrap"
        ]
    );
    assert!(matches!(
        steps.last().map(|s| &s.action),
        Some(Action::Phase0Done)
    ));
    assert_eq!(steps.last().map(|s| s.at_ms), Some(end));
    assert!(steps.iter().any(|s| s.action == Action::CaptureKubeconfig));
    assert!(steps.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    // Between the output and bootstrap markers there are no raw lines.
    let out = steps
        .iter()
        .position(|s| matches!(&s.action, Action::Emit(e) if e.phase == "tofu-output"));
    let boot = steps
        .iter()
        .position(|s| matches!(&s.action, Action::Emit(e) if e.phase == "flux-bootstrap"));
    assert_eq!(out.map(|o| o + 1), boot);
}

#[test]
fn failed_apply_has_no_error_event_and_ends_with_the_state_error() {
    let (steps, _) = phase0(&Phase0::FailApply, &mut vars(), 0);
    assert_eq!(markers(&steps), ["tofu-init", "tofu-plan", "tofu-apply"]);
    assert!(
        !steps
            .iter()
            .any(|s| matches!(&s.action, Action::Emit(e) if e.level == EventLevel::Error))
    );
    assert!(
        steps
            .iter()
            .any(|s| matches!(&s.action, Action::Emit(e) if e.level == EventLevel::Warn))
    );
    assert_eq!(
        steps.last().map(|s| &s.action),
        Some(&Action::FailPhase0(APPLY_FAILED_ERROR.to_string()))
    );
}

#[test]
fn retry_starts_with_the_retry_banner() {
    let kind = Phase0::Retry {
        phase: "tofu-apply".into(),
        capture_kubeconfig: false,
    };
    let (steps, _) = phase0(&kind, &mut vars(), 0);
    assert_eq!(
        markers(&steps),
        [
            "tofu-apply",
            "tofu-init",
            "tofu-plan",
            "tofu-apply",
            "tofu-output",
            "flux-bootstrap"
        ]
    );
}

#[test]
fn phase1_installs_everything_in_dependency_order() {
    let spec = Phase1 {
        kubeconfig_late: true,
        flap: Some("openbao".into()),
        stuck: vec![],
    };
    let steps = phase1(&spec, 100, &mut Rng::new(9), 0);
    let installed_at = |id: &str| {
        steps
            .iter()
            .filter(|s| {
                matches!(&s.action, Action::Emit(e) if e.component.as_deref() == Some(id) && e.state == Some(ComponentStatus::Installed))
            })
            .map(|s| s.at_ms)
            .min()
    };
    for c in catalog::components() {
        let mine = installed_at(&c.id).unwrap_or_else(|| panic!("{} never installed", c.id));
        for d in &c.deps {
            assert!(installed_at(d).unwrap() < mine, "{} before {d}", c.id);
        }
    }
    assert!(steps.iter().any(
        |s| matches!(&s.action, Action::Emit(e) if e.state == Some(ComponentStatus::Degraded))
    ));
    assert_eq!(
        steps.last().map(|s| &s.action),
        Some(&Action::Finish(Phase1Outcome::Ready))
    );
}

#[test]
fn phase1_with_stuck_components_times_out() {
    let spec = Phase1 {
        kubeconfig_late: false,
        flap: None,
        stuck: vec!["kube-prometheus-stack".into()],
    };
    let steps = phase1(&spec, 100, &mut Rng::new(9), 0);
    assert_eq!(
        steps.last().map(|s| &s.action),
        Some(&Action::Finish(Phase1Outcome::Timeout))
    );
    // grafana waits on it: only its initial pending transition.
    let grafana = steps
        .iter()
        .filter(
            |s| matches!(&s.action, Action::Emit(e) if e.component.as_deref() == Some("grafana")),
        )
        .count();
    assert_eq!(grafana, 1);
}

#[test]
fn a_whole_run_takes_a_few_minutes_at_speed_one() {
    let mut v = vars();
    let (p0, end) = phase0(
        &Phase0::Fresh {
            kubeconfig_during_apply: false,
        },
        &mut v,
        0,
    );
    let spec = Phase1 {
        kubeconfig_late: true,
        flap: Some("openbao".into()),
        stuck: vec![],
    };
    let p1 = phase1(&spec, 100, &mut Rng::new(4), end);
    let last = p1.last().map(|s| s.at_ms).unwrap();
    assert!((120_000..=480_000).contains(&last), "{last} ms");
    assert!(p0.len() + p1.len() > 500, "{} steps", p0.len() + p1.len());
}
