//! A grant's credentials as a kubeconfig: one cluster, one user (the grant's bearer
//! token), one context named as the Environment's `kube_context`, limited to its
//! namespace, and current.
//!
//! The file form lives in the per-user runtime directory (`$XDG_RUNTIME_DIR/catalyst-tui`,
//! else `<tmp>/catalyst-tui-<uid>`), created 0700 and checked to be ours; each file is
//! written 0600 with a name that records the process that owns it and when the grant
//! ends (`kube-<pid>-<expiry>-<random>.yaml`). [`KubeconfigFile`] removes its file when
//! dropped; [`sweep_stale`] removes files whose owner is gone or whose grant has ended, so
//! a console killed outright leaves nothing usable behind for long.
//!
//! Must not print or log the token; the document is JSON (a YAML subset kubectl reads).

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rand::Rng as _;

use crate::model::AccessCredentials;

/// The kubeconfig document of `creds` (a JSON text kubectl and the `kube` crate read).
pub fn kubeconfig_document(creds: &AccessCredentials) -> String {
    let mut cluster = serde_json::json!({ "server": creds.server });
    if !creds.certificate_authority_data.is_empty() {
        cluster["certificate-authority-data"] =
            serde_json::Value::String(creds.certificate_authority_data.clone());
    }
    let user = format!("{}-grant", creds.context);
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{ "name": creds.context, "cluster": cluster }],
        "users": [{ "name": user, "user": { "token": creds.token } }],
        "contexts": [{
            "name": creds.context,
            "context": {
                "cluster": creds.context,
                "user": user,
                "namespace": creds.namespace,
            },
        }],
        "current-context": creds.context,
        "preferences": {},
    })
    .to_string()
}

/// The per-user runtime directory for credential files, created 0700 if missing. An
/// existing one must be ours and closed to others.
pub fn runtime_dir() -> std::io::Result<PathBuf> {
    let xdg = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty());
    runtime_dir_under(xdg.as_deref().map(Path::new))
}

/// [`runtime_dir`] with the runtime base given (`None`: none, use the temporary dir).
fn runtime_dir_under(xdg: Option<&Path>) -> std::io::Result<PathBuf> {
    let base = match xdg {
        Some(dir) => dir.join("catalyst-tui"),
        None => std::env::temp_dir().join(format!("catalyst-tui-{}", my_uid()?)),
    };
    match fs::symlink_metadata(&base) {
        Ok(meta) => {
            if !meta.is_dir() || meta.uid() != my_uid()? {
                return Err(std::io::Error::other(format!(
                    "{} is not a directory of this user",
                    base.display()
                )));
            }
            if meta.mode() & 0o077 != 0 {
                fs::set_permissions(&base, fs::Permissions::from_mode(0o700))?;
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&base)?;
        }
        Err(e) => return Err(e),
    }
    Ok(base)
}

/// This process's user id (Linux: the owner of `/proc/self`).
fn my_uid() -> std::io::Result<u32> {
    Ok(fs::metadata("/proc/self")?.uid())
}

/// A kubeconfig file for one grant, removed when dropped.
#[derive(Debug)]
pub struct KubeconfigFile {
    path: PathBuf,
}

impl KubeconfigFile {
    /// Writes `creds` into a new 0600 file in `dir` (see the module doc for its name).
    pub fn write_in(dir: &Path, creds: &AccessCredentials) -> std::io::Result<KubeconfigFile> {
        let random: u64 = rand::rng().random();
        let name = format!(
            "kube-{}-{}-{random:016x}.yaml",
            std::process::id(),
            creds.expires_at.timestamp()
        );
        let path = dir.join(name);
        let mut handle = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        // From here on the file is ours to remove, whatever happens.
        let file = KubeconfigFile { path };
        let mut text = kubeconfig_document(creds);
        let written = handle
            .write_all(text.as_bytes())
            .and_then(|()| handle.flush());
        zeroize::Zeroize::zeroize(&mut text);
        written?;
        Ok(file)
    }

    /// Writes `creds` into the per-user runtime directory.
    pub fn write(creds: &AccessCredentials) -> std::io::Result<KubeconfigFile> {
        Self::write_in(&runtime_dir()?, creds)
    }

    /// Where the file is (for `KUBECONFIG`).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for KubeconfigFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Removes the credential files in `dir` whose owning process is gone or whose grant
/// ended before `now`; answers how many were removed. Files of other names are left.
pub fn sweep_stale(dir: &Path, now: DateTime<Utc>) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((pid, expiry)) = name.to_str().and_then(parse_name) else {
            continue;
        };
        let owner_alive = Path::new(&format!("/proc/{pid}")).exists();
        if (!owner_alive || expiry <= now.timestamp()) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// `kube-<pid>-<expiry>-<random>.yaml` → (pid, expiry).
fn parse_name(name: &str) -> Option<(u32, i64)> {
    let rest = name.strip_prefix("kube-")?.strip_suffix(".yaml")?;
    let mut parts = rest.splitn(3, '-');
    let pid = parts.next()?.parse().ok()?;
    let expiry = parts.next()?.parse().ok()?;
    parts.next()?;
    Some((pid, expiry))
}

#[cfg(test)]
mod tests;
