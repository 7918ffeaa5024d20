//! Who may read: a live grant for this Environment and its namespace only; a revoked or
//! missing token is a 401 `Status`, another namespace or Environment a 403; a watch
//! from a resourceVersion the sandbox cannot replay answers 410 `Expired`.

use super::*;

async fn get(http: &reqwest::Client, url: &str, token: Option<&str>) -> (u16, serde_json::Value) {
    let mut req = http.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let code = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = resp.text().await.unwrap();
    if ct.starts_with("application/json") && !text.contains('\n') {
        (code, serde_json::from_str(&text).unwrap())
    } else {
        (code, serde_json::Value::String(text))
    }
}

#[track_caller]
fn assert_status(got: &(u16, serde_json::Value), code: u16, reason: &str) {
    assert_eq!(got.0, code, "{got:?}");
    assert_eq!(got.1["kind"], "Status", "{got:?}");
    assert_eq!(got.1["status"], "Failure");
    assert_eq!(got.1["reason"], reason);
    assert_eq!(got.1["code"], code);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_reads_its_namespace_only_and_dies_with_the_grant() {
    let sb = start().await;
    let (layla, id, creds) = granted(&sb).await;
    let http = https(&creds);
    let server = &creds.server;
    let token = Some(creds.token.as_str());
    let pods = format!("{server}/api/v1/namespaces/{ENV}/pods");

    let (code, list) = get(&http, &pods, token).await;
    assert_eq!(code, 200);
    assert_eq!(list["kind"], "PodList");
    assert!(list["metadata"]["resourceVersion"].is_string());
    for path in [
        "/version",
        "/api",
        "/api/v1",
        "/apis",
        "/apis/helm.toolkit.fluxcd.io/v2",
    ] {
        assert_eq!(
            get(&http, &format!("{server}{path}"), token).await.0,
            200,
            "{path}"
        );
    }

    // Another namespace, a cluster-wide read, another Environment's server: 403.
    let other = format!("{server}/api/v1/namespaces/digital-channels-prod/pods");
    assert_status(&get(&http, &other, token).await, 403, "Forbidden");
    assert_status(
        &get(&http, &format!("{server}/api/v1/pods"), token).await,
        403,
        "Forbidden",
    );
    let prod = format!(
        "{}/k8s/digital-channels-prod/api/v1/namespaces/digital-channels-prod/pods",
        sb.kube_base_url
    );
    assert_status(&get(&http, &prod, token).await, 403, "Forbidden");
    // The plain-HTTP address serves the same; the HTTPS one serves nothing else.
    let plain = pods.replace(&sb.kube_base_url, &sb.base_url);
    assert_ne!(plain, pods);
    assert_eq!(get(&reqwest::Client::new(), &plain, token).await.0, 200);
    let me = format!("{}/api/v1/me", sb.kube_base_url);
    assert_eq!(get(&http, &me, token).await.0, 404);
    // Unknown objects: 404 NotFound.
    assert_status(
        &get(&http, &format!("{pods}/nope"), token).await,
        404,
        "NotFound",
    );

    // A watch from a version the sandbox cannot replay: a 410 Expired ERROR event.
    let (code, body) = get(
        &http,
        &format!("{pods}?watch=true&resourceVersion=999999999"),
        token,
    )
    .await;
    assert_eq!(code, 200);
    let first: serde_json::Value =
        serde_json::from_str(body.as_str().unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["type"], "ERROR");
    assert_eq!(first["object"]["code"], 410);
    assert_eq!(first["object"]["reason"], "Expired");

    // No token, a wrong one: 401.
    assert_status(&get(&http, &pods, None).await, 401, "Unauthorized");
    assert_status(
        &get(&http, &pods, Some("not-a-grant")).await,
        401,
        "Unauthorized",
    );

    // Revoked: 401 from then on, through kube too.
    layla.revoke_access_request(&id).await.unwrap();
    assert_status(&get(&http, &pods, token).await, 401, "Unauthorized");
    let client = super::kube_client::client(&creds).await;
    let api: kube::Api<k8s_openapi::api::core::v1::Pod> = kube::Api::namespaced(client, ENV);
    match api.list(&Default::default()).await {
        Err(kube::Error::Api(s)) => assert_eq!(s.code, 401),
        other => panic!("expected 401, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_ends_when_the_grant_is_revoked() {
    let sb = start().await;
    let (layla, id, creds) = granted(&sb).await;
    let url = format!("{}/api/v1/namespaces/{ENV}/events?watch=true", creds.server);
    let resp = https(&creds)
        .get(&url)
        .bearer_auth(&creds.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    layla.revoke_access_request(&id).await.unwrap();
    // The whole body arrives because the stream ends with the grant.
    let body = tokio::time::timeout(std::time::Duration::from_secs(60), resp.text())
        .await
        .expect("the watch ends")
        .unwrap();
    assert!(body.lines().all(|l| l.contains("\"type\":\"ADDED\"")));
    assert!(body.contains("\"reason\":\"Started\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalyst_api_mode_serves_kubernetes_too() {
    let sb = start_with(catalyst_tui::sandbox::SandboxOptions {
        speed: 0.0,
        api: catalyst_tui::sandbox::ApiMode::Catalyst,
        ..Default::default()
    })
    .await;
    let url = format!("{}/k8s/{ENV}/api/v1/namespaces/{ENV}/pods", sb.base_url);
    assert_status(
        &get(&reqwest::Client::new(), &url, Some("sbx-not-a-grant")).await,
        401,
        "Unauthorized",
    );
}
