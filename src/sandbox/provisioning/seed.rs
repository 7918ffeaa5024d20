//! The three runs every sandbox starts with, deterministic from the seed: one playing
//! now, one that finished long ago `ready` by a Phase-1 timeout with components still
//! not installed (the honest-warning case), and one that failed in `tofu apply`.
//!
//! Owns: their identities, their fixed start times (no wall clock for the finished
//! ones, so their streams are byte-for-byte stable), and the Day-2 mutations on the
//! ready one.
//! Must not: decide what a run does step by step (`script` does).

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::rng::Rng;
use super::run::{Clock, Ident, Run};
use super::script::{Action, Mutation, Phase0, Phase1, Step};
use super::store::{Registry, public_ip};
use crate::sandbox::{SandboxOptions, SovereignSeed};

/// Ids of the seeded runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededRuns {
    /// Playing now: Phase 0, then the Phase-1 watch, ending `ready` (a few minutes at
    /// speed 1.0).
    pub running: String,
    /// Finished long ago: `ready`, `phase1Outcome` `timeout`, some components degraded
    /// or pending.
    pub ready: String,
    /// Finished long ago: `failed` in `tofu apply`, reason only in the State's `error`.
    pub failed: String,
}

/// How far into its timeline the running run already is when the sandbox starts.
const RUNNING_HEAD_START_MS: f64 = 8_000.0;

fn fqdns(seed: SovereignSeed) -> [&'static str; 3] {
    match seed {
        SovereignSeed::Omantel => [
            "omantel.omani.works",
            "muscat-pharmacy.omani.works",
            "omantel-dr.omani.works",
        ],
        SovereignSeed::Bankdhofar => [
            "bankdhofar.omani.works",
            "dr.bankdhofar.omani.works",
            "staging.bankdhofar.omani.works",
        ],
    }
}

fn base_time(rng: &mut Rng) -> DateTime<Utc> {
    let start = Utc
        .with_ymd_and_hms(2026, 5, 4, 6, 0, 0)
        .single()
        .unwrap_or_default();
    start + Duration::seconds(rng.range(0, 30 * 86_400) as i64)
}

fn ident(reg: &mut Registry, rng: &mut Rng, fqdn: &str, region: &str) -> Ident {
    Ident {
        id: reg.new_id(),
        fqdn: fqdn.to_string(),
        region: region.to_string(),
        cp_ip: public_ip(rng),
        lb_ip: public_ip(rng),
    }
}

fn mutations(start_ms: u64) -> Vec<Step> {
    let day = 86_400_000u64;
    vec![
        Step {
            at_ms: start_ms + 2 * day + 3_600_000,
            action: Action::Mutation(Mutation {
                verb: "scale".into(),
                kind: "node-pool".into(),
                slug: "workers".into(),
                action: "scale-node-pool pool=workers from=3 to=5 sku=cpx41".into(),
                diff: "- workerCount: 3\n+ workerCount: 5".into(),
                xrc_kind: "NodePoolClaim".into(),
                xrc_name: "workers".into(),
                failure: None,
            }),
        },
        Step {
            at_ms: start_ms + 2 * day + 5_400_000,
            action: Action::Mutation(Mutation {
                verb: "add".into(),
                kind: "firewall-rule".into(),
                slug: "bastion-ssh".into(),
                action: "add-firewall-rule firewall=main port=22 source=10.30.0.0/24".into(),
                diff: "+ rule: {direction: in, port: \"22\", protocol: tcp, source_ips: [10.30.0.0/24]}".into(),
                xrc_kind: "FirewallRuleClaim".into(),
                xrc_name: "bastion-ssh".into(),
                failure: Some(
                    "admission webhook \"firewallruleclaims.catalyst.openova.io\" denied the request: port 22 requires an approved break-glass change".into(),
                ),
            }),
        },
    ]
}

/// Adds the three seeded runs to `reg` (ids and values from `rng`).
pub fn seed(reg: &mut Registry, opts: &SandboxOptions, rng: &mut Rng) -> SeededRuns {
    let [running_fqdn, ready_fqdn, failed_fqdn] = fqdns(opts.sovereign);
    let base = base_time(rng);

    let failed_ident = ident(reg, rng, failed_fqdn, "nbg1");
    let failed_id = failed_ident.id.clone();
    let mut failed = Run::new(
        failed_ident,
        rng.fork(11),
        Clock::Replayed {
            origin: base - Duration::days(9) + Duration::seconds(rng.range(0, 7200) as i64),
        },
        &Phase0::FailApply,
        &Phase1::default(),
        reg.shared_live,
    );
    failed.advance(tokio::time::Instant::now());
    reg.insert(failed);

    let ready_ident = ident(reg, rng, ready_fqdn, "hel1");
    let ready_id = ready_ident.id.clone();
    let mut ready = Run::new(
        ready_ident,
        rng.fork(12),
        Clock::Replayed {
            origin: base - Duration::days(3) + Duration::seconds(rng.range(0, 7200) as i64),
        },
        &Phase0::Fresh {
            kubeconfig_during_apply: true,
        },
        &Phase1 {
            kubeconfig_late: false,
            flap: None,
            stuck: vec!["falco".into(), "kube-prometheus-stack".into()],
        },
        reg.shared_live,
    );
    ready.append_steps(mutations(0));
    ready.advance(tokio::time::Instant::now());
    reg.insert(ready);

    let running_ident = ident(reg, rng, running_fqdn, "fsn1");
    let running_id = running_ident.id.clone();
    let running = Run::new(
        running_ident,
        rng.fork(13),
        Clock::live(reg.speed, RUNNING_HEAD_START_MS),
        &Phase0::Fresh {
            kubeconfig_during_apply: false,
        },
        &Phase1 {
            kubeconfig_late: true,
            flap: Some("openbao".into()),
            stuck: Vec::new(),
        },
        reg.shared_live,
    );
    reg.insert(running);

    SeededRuns {
        running: running_id,
        ready: ready_id,
        failed: failed_id,
    }
}
