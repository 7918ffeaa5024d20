//! Creating Environments through the typed client against the sandbox: 201 with the
//! Sovereign's naming (kube context, regions, default policy), 409 when it exists, 422 for
//! a type or topology the Sovereign does not offer, 403 below org-admin, 404 for an
//! unknown Org; every attempt audited with the request id.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod contract_support;

use catalyst_tui::api::ApiError;
use catalyst_tui::model::*;
use contract_support::*;

fn env_body(env_type: EnvType, topology: Topology) -> CreateEnvironment {
    CreateEnvironment { env_type, topology }
}

#[tokio::test]
async fn creating_environments() {
    let sb = start().await;
    let [admin, salim, layla, huda] = sign_in_all(&sb, ["admin", "salim", "layla", "huda"]).await;

    let env = salim
        .create_environment(
            "digital-channels",
            &env_body(EnvType::Poc, Topology::SingleRegion),
        )
        .await
        .unwrap();
    assert_eq!(env.name, "digital-channels-poc");
    assert_eq!(env.org, "digital-channels");
    assert_eq!(env.env_type, EnvType::Poc);
    assert_eq!(env.topology, Topology::SingleRegion);
    assert_eq!(env.kube_context, "hz-fsn-rtz-poc-digital-channels");
    assert_eq!(env.counts.applications, 0);
    let listed = layla.list_environments("digital-channels").await.unwrap();
    assert!(listed.iter().any(|e| e.name == "digital-channels-poc"));
    let org = huda.get_org("digital-channels").await.unwrap();
    assert!(
        org.environments
            .contains(&"digital-channels-poc".to_string())
    );
    let policy = layla
        .environment_policy("digital-channels-poc")
        .await
        .unwrap();
    assert!(policy.rules.is_empty(), "free changes on poc: {policy:?}");
    let r = success_record(
        &admin,
        "salim",
        "environment.create",
        "digital-channels-poc",
    )
    .await;
    assert_eq!(r.reason.as_deref(), Some("poc single-region"));

    // 409: it exists now; the answer carries the current Environment.
    let e = assert_conflict(
        salim
            .create_environment(
                "digital-channels",
                &env_body(EnvType::Poc, Topology::ActiveActive),
            )
            .await,
        "conflict",
    );
    let ApiError::Conflict { state, .. } = &e else {
        unreachable!()
    };
    assert_eq!(state.as_ref().unwrap()["name"], "digital-channels-poc");
    let rec = record_of(&admin, &e).await;
    assert_eq!(
        (rec.actor.as_str(), rec.action.as_str(), rec.target.as_str()),
        ("salim", "environment.create", "digital-channels-poc")
    );
    assert_eq!(rec.outcome, AuditOutcome::Error);

    // 422: an Environment type or topology the Sovereign does not offer.
    let e = assert_invalid(
        salim
            .create_environment(
                "digital-channels",
                &env_body(EnvType::Unknown, Topology::SingleRegion),
            )
            .await,
        "invalid",
        "env_type",
    );
    assert_eq!(record_of(&admin, &e).await.outcome, AuditOutcome::Error);
    assert_invalid(
        salim
            .create_environment(
                "digital-channels",
                &env_body(EnvType::Uat, Topology::Unknown),
            )
            .await,
        "invalid",
        "topology",
    );

    // 403: developers, viewers and sovereign-wide readers may not.
    for (client, who) in [(&layla, "layla"), (&huda, "huda")] {
        let e = assert_restricted(
            client
                .create_environment(
                    "digital-channels",
                    &env_body(EnvType::Uat, Topology::SingleRegion),
                )
                .await,
            "forbidden",
            Some("org-admin"),
        );
        let rec = record_of(&admin, &e).await;
        assert_eq!(rec.actor, who);
        assert_eq!(rec.outcome, AuditOutcome::Denied);
    }
    assert_restricted(
        salim
            .create_environment(
                "core-banking",
                &env_body(EnvType::Uat, Topology::SingleRegion),
            )
            .await,
        "forbidden",
        Some("org-admin"),
    );

    // 404: no such Org.
    assert_not_found(
        admin
            .create_environment(
                "no-such-org",
                &env_body(EnvType::Dev, Topology::SingleRegion),
            )
            .await,
    );

    // A sovereign-admin creates anywhere; two-region topologies get two regions.
    let env = admin
        .create_environment(
            "core-banking",
            &env_body(EnvType::Uat, Topology::ActiveActive),
        )
        .await
        .unwrap();
    assert_eq!(env.name, "core-banking-uat");
    assert_eq!(env.regions, ["fsn", "hel"]);
}
