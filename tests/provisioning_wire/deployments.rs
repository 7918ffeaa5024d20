//! Deployment routes: create, state, retry, kubeconfig, the list extension, and the
//! answers for unknown deployments.

use catalyst_tui::model::{
    DeploymentCreated, DeploymentList, DeploymentStatus, ProvisioningError, RetryAnswer,
};
use catalyst_tui::sandbox::SandboxOptions;
use catalyst_tui::sandbox::provisioning::ProvisioningSandbox;

use super::support::*;

#[tokio::test]
async fn unknown_deployments_answer_like_the_service() {
    let s = Server::fast().await;
    let unknown = "/api/v1/deployments/0000000000000000";
    for path in [
        unknown.to_string(),
        format!("{unknown}/logs"),
        format!("{unknown}/events"),
        format!("{unknown}/kubeconfig"),
    ] {
        let resp = s.get(&path).await;
        assert_eq!(resp.status(), 404, "{path}");
        assert_eq!(header(&resp, "content-type"), "text/plain; charset=utf-8");
        assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
        assert_eq!(resp.text().await.unwrap(), "deployment not found\n");
    }
    let resp = s
        .post(&format!("{unknown}/phases/tofu-apply/retry"), "")
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(resp.text().await.unwrap(), "deployment not found\n");
    // Jobs of an unknown deployment: an empty list, not a 404.
    let resp = s.get(&format!("{unknown}/jobs")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(header(&resp, "content-type"), "application/json");
    assert_eq!(resp.text().await.unwrap(), "{\"jobs\":[]}\n");
    assert_eq!(
        s.get(&format!("{unknown}/jobs/batches"))
            .await
            .text()
            .await
            .unwrap(),
        "{\"batches\":[]}\n"
    );
    let resp = s.get(&format!("{unknown}/components/state")).await;
    assert_eq!(resp.status(), 404);
    let err: ProvisioningError = resp.json().await.unwrap();
    assert_eq!(err.error, "deployment-not-found");
}

#[tokio::test]
async fn create_starts_a_run_and_refuses_bad_bodies_and_taken_names() {
    let s = Server::fast().await;
    let body = serde_json::json!({
        "orgName": "Muscat Pharmacy", "orgEmail": "it@muscat-pharmacy.om",
        "sovereignFQDN": "mp.omani.works", "sovereignDomainMode": "pool",
        "hetznerToken": "canary-token-not-real", "hetznerProjectID": "4711",
        "regions": [{"provider": "hetzner", "cloudRegion": "fsn1", "controlPlaneSize": "cpx41",
                     "workerSize": "cpx41", "workerCount": 3}],
        "sshPublicKey": "ssh-ed25519 AAAA admin"
    })
    .to_string();
    let resp = s.post("/api/v1/deployments", &body).await;
    assert_eq!(resp.status(), 201);
    assert_eq!(header(&resp, "content-type"), "application/json");
    let raw = resp.text().await.unwrap();
    assert!(
        raw.starts_with("{\"id\":\"") && raw.ends_with("\"}\n"),
        "{raw}"
    );
    assert!(
        !raw.contains("canary-token"),
        "credentials are never echoed"
    );
    let created: DeploymentCreated = serde_json::from_str(&raw).unwrap();
    assert_eq!(created.id.len(), 16);
    assert!(created.id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(created.status, "provisioning");
    assert_eq!(
        created.stream_url,
        format!("/api/v1/deployments/{}/logs", created.id)
    );

    let state = s.state(&created.id).await;
    assert_eq!(state.sovereign_fqdn, "mp.omani.works");
    assert_eq!(state.region, "fsn1", "region mirrored from regions[0]");
    // Following the stream to the end: a full run.
    let stream = parse_stream(&s.get(&created.stream_url).await.text().await.unwrap());
    assert_eq!(markers(&stream.events), PHASE0);
    assert_eq!(stream.done.status, DeploymentStatus::Ready);
    assert!(
        stream
            .raw_events
            .iter()
            .all(|r| !r.contains("canary-token"))
    );

    // The name is taken now.
    let resp = s.post("/api/v1/deployments", &body).await;
    assert_eq!(resp.status(), 409);
    let err: ProvisioningError = resp.json().await.unwrap();
    assert_eq!(err.error, "subdomain-conflict");
    assert!(err.detail.is_some());

    // Not JSON: text/plain.
    let resp = s.post("/api/v1/deployments", "{nope").await;
    assert_eq!(resp.status(), 400);
    assert_eq!(header(&resp, "content-type"), "text/plain; charset=utf-8");
    assert!(
        resp.text()
            .await
            .unwrap()
            .starts_with("invalid request body: ")
    );
    let resp = s.post("/api/v1/deployments", "").await;
    assert_eq!(resp.text().await.unwrap(), "invalid request body: EOF\n");
    // Valid JSON, incomplete request: a JSON error naming the first missing field.
    let resp = s
        .post(
            "/api/v1/deployments",
            "{\"sovereignFQDN\":\"x.omani.works\"}",
        )
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(header(&resp, "content-type"), "application/json");
    let raw = resp.text().await.unwrap();
    assert!(raw.starts_with("{\"detail\":"), "Go map order: {raw}");
    let err: ProvisioningError = serde_json::from_str(&raw).unwrap();
    assert_eq!(err.detail.as_deref(), Some("hetzner token is required"));

    // The extension list shows the new run first.
    let list: DeploymentList = s.json("/api/v1/deployments").await;
    assert_eq!(list.deployments.len(), 4);
    assert_eq!(list.deployments[0].id, created.id);
}

#[tokio::test]
async fn retry_while_provisioning_is_refused() {
    let s = Server::frozen().await;
    let id = s.prov.seeded().running.clone();
    assert_eq!(s.state(&id).await.status, DeploymentStatus::Provisioning);
    let before = s
        .get(&format!("/api/v1/deployments/{id}/events"))
        .await
        .text()
        .await
        .unwrap();
    for phase in ["tofu-apply", "cilium", "no-such-phase"] {
        let resp = s
            .post(
                &format!("/api/v1/deployments/{id}/phases/{phase}/retry"),
                "",
            )
            .await;
        assert_eq!(resp.status(), 409, "{phase}");
        let err: ProvisioningError = resp.json().await.unwrap();
        assert_eq!(err.error, "deployment-in-flight");
    }
    let after = s
        .get(&format!("/api/v1/deployments/{id}/events"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(before, after, "a frozen run does not move");
}

#[tokio::test]
async fn a_phase0_retry_reruns_everything_and_keeps_the_earlier_attempt() {
    let s = Server::fast().await;
    let id = s.prov.seeded().failed.clone();
    let first = parse_stream(
        &s.get(&format!("/api/v1/deployments/{id}/logs"))
            .await
            .text()
            .await
            .unwrap(),
    );

    let resp = s
        .post(
            &format!("/api/v1/deployments/{id}/phases/tofu-apply/retry"),
            "",
        )
        .await;
    assert_eq!(resp.status(), 200);
    let raw = resp.text().await.unwrap();
    assert!(raw.starts_with("{\"id\":"), "{raw}");
    let answer: RetryAnswer = serde_json::from_str(&raw).unwrap();
    assert_eq!(answer.status, "provisioning");
    assert_eq!(answer.phase, "tofu-apply");
    assert_eq!(answer.id, id);
    assert!(answer.runbook.is_none());
    assert_eq!(
        answer.stream_url.as_deref(),
        Some(format!("/api/v1/deployments/{id}/logs").as_str())
    );
    assert!(!answer.message.is_empty());

    let second = parse_stream(
        &s.get(&format!("/api/v1/deployments/{id}/logs"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        &second.raw_events[..first.raw_events.len()],
        &first.raw_events[..],
        "earlier attempt replayed"
    );
    let rest = &second.events[first.events.len()..];
    assert_eq!(rest[0].phase, "tofu-apply");
    assert!(
        rest[0]
            .message
            .starts_with("Retry initiated for phase \"tofu-apply\"")
    );
    assert_eq!(
        markers(rest),
        [
            "tofu-apply",
            "tofu-init",
            "tofu-plan",
            "tofu-apply",
            "tofu-output",
            "flux-bootstrap"
        ]
    );
    assert_eq!(second.done.status, DeploymentStatus::Ready);
    assert!(second.done.error.is_none());
    assert_eq!(second.done.num_events as usize, second.events.len());
    // Now the kubeconfig exists.
    assert_eq!(
        s.get(&format!("/api/v1/deployments/{id}/kubeconfig"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_phase1_retry_only_answers_with_the_runbook() {
    let s = Server::fast().await;
    let id = s.prov.seeded().ready.clone();
    let before = s
        .get(&format!("/api/v1/deployments/{id}/events"))
        .await
        .text()
        .await
        .unwrap();
    for phase in [
        "keycloak",
        "falco",
        "bp-catalyst-platform",
        "catalyst-platform",
    ] {
        let resp = s
            .post(
                &format!("/api/v1/deployments/{id}/phases/{phase}/retry"),
                "",
            )
            .await;
        assert_eq!(resp.status(), 200, "{phase}");
        let answer: RetryAnswer = resp.json().await.unwrap();
        assert_eq!(answer.status, "manual-retry-required");
        assert_eq!(answer.phase, phase);
        assert!(
            answer
                .runbook
                .as_deref()
                .unwrap()
                .starts_with("docs/RUNBOOK-PROVISIONING.md#")
        );
        assert!(answer.message.contains(phase));
    }
    let after = s
        .get(&format!("/api/v1/deployments/{id}/events"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(before, after, "nothing changed");

    let resp = s
        .post(
            &format!("/api/v1/deployments/{id}/phases/launch-rockets/retry"),
            "",
        )
        .await;
    assert_eq!(resp.status(), 400);
    let err: ProvisioningError = resp.json().await.unwrap();
    assert_eq!(err.error, "unknown-phase");
    assert!(err.detail.unwrap().contains("\"launch-rockets\""));
}

#[tokio::test]
async fn kubeconfig_once_captured_else_409() {
    let s = Server::fast().await;
    let ready = s.prov.seeded().ready.clone();
    let resp = s
        .get(&format!("/api/v1/deployments/{ready}/kubeconfig"))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(header(&resp, "content-type"), "application/yaml");
    assert!(header(&resp, "content-disposition").starts_with("attachment; filename=\""));
    let yaml = resp.text().await.unwrap();
    let st = s.state(&ready).await;
    let result = st.result.unwrap();
    assert!(yaml.starts_with("apiVersion: v1\n"));
    assert!(yaml.contains(&format!("server: https://{}:6443", result.control_plane_ip)));
    assert_eq!(
        result.kubeconfig_path,
        Some(format!("/var/lib/catalyst/kubeconfigs/{ready}.yaml"))
    );

    let failed = s.prov.seeded().failed.clone();
    let resp = s
        .get(&format!("/api/v1/deployments/{failed}/kubeconfig"))
        .await;
    assert_eq!(resp.status(), 409);
    let err: ProvisioningError = resp.json().await.unwrap();
    assert_eq!(err.error, "not-implemented");
}

#[tokio::test]
async fn the_list_extension_and_an_ignored_bearer() {
    let s = Server::fast().await;
    let seeded = s.prov.seeded().clone();
    let list: DeploymentList = s.json("/api/v1/deployments").await;
    let ids: Vec<_> = list.deployments.iter().map(|d| d.id.clone()).collect();
    for id in [&seeded.running, &seeded.ready, &seeded.failed] {
        assert!(ids.contains(id));
        assert_eq!(id.len(), 16);
    }
    assert_eq!(s.prov.deployment_ids().len(), 3);
    let resp = s
        .http
        .get(s.url(&format!("/api/v1/deployments/{}", seeded.ready)))
        .bearer_auth("whatever")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The seed decides the ids.
    let other = ProvisioningSandbox::new(&SandboxOptions {
        seed: 7,
        ..SandboxOptions::default()
    });
    assert_ne!(other.seeded().ready, seeded.ready);
    let same = ProvisioningSandbox::new(&SandboxOptions::default());
    assert_eq!(same.seeded(), &seeded);
}
