//! Tests of the kubeconfig file: its document, its mode and directory, removal on drop,
//! and the sweep of stale files.

use std::os::unix::fs::PermissionsExt;

use chrono::{Duration, TimeZone, Utc};

use super::*;

fn creds(expires_in: i64) -> AccessCredentials {
    AccessCredentials {
        server: "http://127.0.0.1:8787/k8s/digital-channels-stg".into(),
        certificate_authority_data: String::new(),
        context: "bankdhofar-digital-channels-stg".into(),
        namespace: "digital-channels-stg".into(),
        token: "sbx-canary-token".into(),
        expires_at: Utc::now() + Duration::seconds(expires_in),
    }
}

#[test]
fn the_document_names_one_context_limited_to_the_namespace() {
    let doc: serde_json::Value = serde_json::from_str(&kubeconfig_document(&creds(60))).unwrap();
    assert_eq!(doc["current-context"], "bankdhofar-digital-channels-stg");
    assert_eq!(
        doc["contexts"][0]["context"]["namespace"],
        "digital-channels-stg"
    );
    assert_eq!(
        doc["clusters"][0]["cluster"]["server"],
        "http://127.0.0.1:8787/k8s/digital-channels-stg"
    );
    assert!(
        doc["clusters"][0]["cluster"]
            .get("certificate-authority-data")
            .is_none()
    );
    assert_eq!(doc["users"][0]["user"]["token"], "sbx-canary-token");
}

#[test]
fn the_file_is_0600_and_gone_when_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let file = KubeconfigFile::write_in(dir.path(), &creds(60)).unwrap();
    let path = file.path().to_path_buf();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        format!("{file:?}").contains("kube-"),
        "Debug names the file only"
    );
    assert!(!format!("{file:?}").contains("canary"));
    drop(file);
    assert!(!path.exists());
}

#[test]
fn the_sweep_removes_files_of_dead_owners_and_ended_grants_only() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
    let mine = std::process::id();
    let later = (now + Duration::minutes(30)).timestamp();
    let earlier = (now - Duration::minutes(1)).timestamp();
    // A pid above the kernel's limit is never alive.
    let dead = 4_194_400u32;
    for name in [
        format!("kube-{mine}-{later}-aa.yaml"),
        format!("kube-{mine}-{earlier}-bb.yaml"),
        format!("kube-{dead}-{later}-cc.yaml"),
        "notes.txt".to_string(),
    ] {
        fs::write(dir.path().join(name), "x").unwrap();
    }
    assert_eq!(sweep_stale(dir.path(), now), 2);
    let mut left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [format!("kube-{mine}-{later}-aa.yaml"), "notes.txt".into()]
    );
}

#[test]
fn the_runtime_directory_is_ours_and_closed() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("catalyst-tui");
    fs::DirBuilder::new().create(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let found = runtime_dir_under(Some(base.path())).unwrap();
    assert_eq!(found, dir);
    let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "tightened");
}
