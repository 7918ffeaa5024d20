//! The token cache file: 0600 in a 0700 directory, replaced atomically, readable again,
//! and forgiving of a damaged file (QUALITY S5).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point
#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::Duration;

use catalyst_tui::api::auth::{TokenCache, Tokens};
use catalyst_tui::model::TokenResponse;

fn tokens(access: &str, refresh: Option<&str>) -> Tokens {
    Tokens::from_response(
        TokenResponse {
            access_token: access.into(),
            token_type: "Bearer".into(),
            expires_in: 300,
            refresh_token: refresh.map(str::to_string),
            scope: Some("openid".into()),
        },
        None,
    )
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn cache_files_are_private_and_replaced_atomically() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("profiles").join("prod");
    let path = dir.join("tokens.json");
    let cache = TokenCache::new(&path);
    assert!(cache.load().unwrap().is_none(), "no cache yet");

    cache
        .store(&tokens("access-one", Some("refresh-one")))
        .unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&root.path().join("profiles")), 0o700);

    let first_inode = std::fs::metadata(&path).unwrap().ino();
    cache
        .store(&tokens("access-two", Some("refresh-two")))
        .unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_ne!(
        meta.ino(),
        first_inode,
        "replaced by rename, not rewritten in place"
    );
    assert_eq!(mode(&path), 0o600);

    // Nothing but the cache file is left behind in the directory.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["tokens.json".to_string()]);

    let text = std::fs::read_to_string(&path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["access_token"], "access-two");
    assert_eq!(json["refresh_token"], "refresh-two");
    assert_eq!(json["token_type"], "Bearer");

    let loaded = cache.load().unwrap().unwrap();
    assert!(loaded.can_refresh());
    let left = loaded.expires_at().unwrap() - chrono::Utc::now();
    assert!(left.to_std().unwrap() > Duration::from_secs(200), "{left}");
    assert!(!format!("{loaded:?}").contains("access-two"));

    cache.remove().unwrap();
    assert!(!path.exists());
    cache.remove().unwrap();
}

#[test]
fn a_loose_or_damaged_cache_is_handled() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("tokens.json");
    let cache = TokenCache::new(&path);

    std::fs::write(&path, "{ not json").unwrap();
    assert!(
        cache.load().unwrap().is_none(),
        "a damaged cache means signing in again"
    );

    cache.store(&tokens("access-three", None)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let loaded = cache.load().unwrap().unwrap();
    assert!(!loaded.can_refresh());
    assert_eq!(mode(&path), 0o600, "loading tightens a loosened file");
}
