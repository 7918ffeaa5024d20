//! Watch semantics on the wire: resuming from a list's resourceVersion replays what
//! changed since, versions only grow, and a watch ends after its `timeoutSeconds`.

use super::*;

async fn body(creds: &AccessCredentials, url: &str) -> String {
    let resp = https(creds)
        .get(url)
        .bearer_auth(&creds.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    tokio::time::timeout(std::time::Duration::from_secs(60), resp.text())
        .await
        .expect("the watch ends after its timeout")
        .unwrap()
}

fn events(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn rv(obj: &serde_json::Value) -> u64 {
    obj["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_resumes_from_a_list_and_ends_after_its_timeout() {
    let sb = start().await;
    let (_layla, _id, creds) = granted(&sb).await;
    let pods = format!("{}/api/v1/namespaces/{ENV}/pods", creds.server);
    let list: serde_json::Value = https(&creds)
        .get(&pods)
        .bearer_auth(&creds.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = rv(&list);

    // Without a version: ADDED for every current pod, then the timeout ends it.
    let fresh = events(&body(&creds, &format!("{pods}?watch=true&timeoutSeconds=1")).await);
    assert_eq!(fresh.len(), list["items"].as_array().unwrap().len());
    assert!(fresh.iter().all(|e| e["type"] == "ADDED"));

    // A change after the list: resuming from the list's version brings it.
    degrade(&sb).await;
    let crashing = crashing_pod(&sb).await;
    let resumed = events(
        &body(
            &creds,
            &format!("{pods}?watch=true&resourceVersion={listed}&timeoutSeconds=1"),
        )
        .await,
    );
    let pod = resumed
        .iter()
        .find(|e| e["object"]["metadata"]["name"] == crashing.as_str())
        .expect("the degraded pod comes again");
    assert_eq!(pod["type"], "MODIFIED");
    assert!(rv(&pod["object"]) > listed);
    let state = &pod["object"]["status"]["containerStatuses"][0]["state"];
    assert_eq!(state["waiting"]["reason"], "CrashLoopBackOff");

    // Nothing since the newest version: the watch stays quiet until its timeout.
    let newest = rv(&pod["object"]);
    let quiet = body(
        &creds,
        &format!("{pods}?watch=true&resourceVersion={newest}&timeoutSeconds=1"),
    )
    .await;
    assert!(quiet.is_empty(), "{quiet}");
}
