//! Every path and method of `assets/openapi.yaml` is served by the sandbox: a request
//! with real identifiers never falls through to the router's "no such route" answer
//! (an empty 404) nor to 405.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod contract_support;

use contract_support as support;

use serde_json::Value;

const OPENAPI: &str = include_str!("../assets/openapi.yaml");

/// Real identifiers of the seeded bankdhofar Sovereign, discovered over HTTP.
struct Ids {
    promotion: String,
    access_request: String,
    operation: String,
    deployment: String,
    job: String,
    execution: String,
}

async fn get_json(http: &reqwest::Client, url: String, token: &str) -> Value {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json")
}

async fn discover(http: &reqwest::Client, base: &str, token: &str) -> Ids {
    let promos = get_json(http, format!("{base}/api/v1/promotions"), token).await;
    let promotion = promos["items"][0]["id"]
        .as_str()
        .expect("a seeded promotion")
        .to_string();
    let access = get_json(http, format!("{base}/api/v1/access-requests"), token).await;
    let access_request = access["items"][0]["id"]
        .as_str()
        .expect("a seeded access request")
        .to_string();
    // An action starts an operation whose log can be read.
    let op: Value = http
        .post(format!(
            "{base}/api/v1/environments/digital-channels-dev/applications/payment-rail/actions"
        ))
        .bearer_auth(token)
        .json(&serde_json::json!({"action": "restart", "reason": "contract test"}))
        .send()
        .await
        .expect("action")
        .json()
        .await
        .expect("action json");
    let operation = op["operation_id"]
        .as_str()
        .expect("operation id")
        .to_string();
    let deps = get_json(http, format!("{base}/sovereign/api/v1/deployments"), token).await;
    // The run that has jobs (a run that failed in Phase 0 has none).
    let mut found = None;
    for dep in deps["deployments"].as_array().expect("deployments") {
        let id = dep["id"].as_str().expect("deployment id").to_string();
        let jobs = get_json(
            http,
            format!("{base}/sovereign/api/v1/deployments/{id}/jobs"),
            token,
        )
        .await;
        if let Some(job) = jobs["jobs"][0]["id"].as_str() {
            found = Some((id, job.to_string()));
            break;
        }
    }
    let (deployment, job) = found.expect("a seeded run with jobs");
    let detail = get_json(
        http,
        format!("{base}/sovereign/api/v1/deployments/{deployment}/jobs/{job}"),
        token,
    )
    .await;
    let execution = detail["executions"][0]["id"]
        .as_str()
        .expect("an execution")
        .to_string();
    Ids {
        promotion,
        access_request,
        operation,
        deployment,
        job,
        execution,
    }
}

fn fill(path: &str, ids: &Ids) -> String {
    let job_name = ids.job.split_once(':').map(|(_, n)| n).unwrap_or(&ids.job);
    path.replace("{org}", "digital-channels")
        .replace("{env}", "digital-channels-prod")
        .replace("{app}", "notification-bus")
        .replace("{bp}", "bp-wordpress")
        .replace("{version}", "1.2.0")
        .replace("{phase}", "tofu-init")
        .replace("{execId}", &ids.execution)
        .replace("{jobId}", &format!("{}:{job_name}", ids.deployment))
        .replace(
            "/deployments/{id}",
            &format!("/deployments/{}", ids.deployment),
        )
        .replace(
            "/promotions/{id}",
            &format!("/promotions/{}", ids.promotion),
        )
        .replace(
            "/access-requests/{id}",
            &format!("/access-requests/{}", ids.access_request),
        )
        .replace(
            "/operations/{id}",
            &format!("/operations/{}", ids.operation),
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_openapi_path_is_served() {
    let sb = support::start().await;
    let base = sb.base_url.clone();
    let token = support::raw_token(&sb, "admin").await;
    let http = reqwest::Client::new();
    let ids = discover(&http, &base, &token).await;

    let doc: Value = serde_saphyr::from_str(OPENAPI).expect("openapi parses");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 40, "the contract lists every route");
    let mut checked = 0;
    for (path, item) in paths {
        for (method, _) in item.as_object().expect("path item") {
            let method = match method.as_str() {
                "get" => reqwest::Method::GET,
                "post" => reqwest::Method::POST,
                "delete" => reqwest::Method::DELETE,
                "put" => reqwest::Method::PUT,
                "patch" => reqwest::Method::PATCH,
                _ => continue,
            };
            let url = format!("{base}{}", fill(path, &ids));
            let mut req = http.request(method.clone(), &url).bearer_auth(&token);
            if method != reqwest::Method::GET && method != reqwest::Method::DELETE {
                req = req.json(&serde_json::json!({}));
            }
            let resp = req
                .send()
                .await
                .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
            let status = resp.status();
            let is_stream = resp
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/event-stream"));
            // Streams never end on their own; the status and content type are enough.
            let body = if is_stream {
                "stream".to_string()
            } else {
                resp.text().await.unwrap_or_default()
            };
            assert_ne!(
                status,
                reqwest::StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is not routed"
            );
            let unrouted = body.trim().is_empty() || body.contains("there is no route");
            assert!(
                !(status == reqwest::StatusCode::NOT_FOUND && unrouted),
                "{method} {path} ({url}) is not routed: {body}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 45, "checked {checked} operations");
    sb.shutdown().await.expect("sandbox stops");
}
