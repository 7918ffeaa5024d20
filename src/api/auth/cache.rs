//! The per-profile token cache file: JSON, mode 0600, in a directory created 0700, written
//! atomically (a temporary file in the same directory, fsync, rename, fsync of the
//! directory) so a crash never leaves a half-written or world-readable token behind
//! (QUALITY S5).
//!
//! The caller chooses the path (one per profile, in a directory of its own). Must not
//! decide where profiles live nor log anything of the file's content.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::tokens::Tokens;
use crate::api::error::ApiError;

const FORMAT_VERSION: u32 = 1;

/// The token cache of one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCache {
    path: PathBuf,
}

/// The file's shape. Plain strings exist only while (de)serialising and are wiped on drop.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    token_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<DateTime<Utc>>,
}

impl Drop for CacheFile {
    fn drop(&mut self) {
        self.access_token.zeroize();
        if let Some(r) = self.refresh_token.as_mut() {
            r.zeroize();
        }
    }
}

impl TokenCache {
    /// A cache at `path` (nothing is read or written yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the cached tokens; `None` when there is no cache or it cannot be understood
    /// (then the person simply signs in again).
    pub fn load(&self) -> Result<Option<Tokens>, ApiError> {
        let mut bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(ApiError::config(format!(
                    "Could not read the token cache {}: {e}.",
                    self.path.display()
                )));
            }
        };
        tighten_file_mode(&self.path);
        let parsed = serde_json::from_slice::<CacheFile>(&bytes);
        bytes.zeroize();
        let Ok(mut file) = parsed else {
            tracing::warn!(path = %self.path.display(), "token cache unreadable; ignoring it");
            return Ok(None);
        };
        if file.version != FORMAT_VERSION || file.access_token.is_empty() {
            return Ok(None);
        }
        let access = SecretString::from(std::mem::take(&mut file.access_token));
        let refresh = file.refresh_token.take().map(SecretString::from);
        Ok(Some(Tokens::restored(
            access,
            refresh,
            std::mem::take(&mut file.token_type),
            file.scope.take(),
            file.expires_at,
        )))
    }

    /// Writes `tokens` atomically with mode 0600.
    pub fn store(&self, tokens: &Tokens) -> Result<(), ApiError> {
        let file = CacheFile {
            version: FORMAT_VERSION,
            access_token: tokens.access.expose_secret().to_string(),
            refresh_token: tokens
                .refresh
                .as_ref()
                .map(|r| r.expose_secret().to_string()),
            token_type: tokens.token_type.clone(),
            scope: tokens.scope.clone(),
            expires_at: tokens.expires_at_wall,
        };
        let mut bytes = serde_json::to_vec_pretty(&file)
            .map_err(|e| ApiError::config(format!("Could not encode the token cache: {e}.")))?;
        drop(file);
        let result = write_atomically(&self.path, &bytes);
        bytes.zeroize();
        result.map_err(|e| {
            ApiError::config(format!(
                "Could not write the token cache {}: {e}.",
                self.path.display()
            ))
        })
    }

    /// Deletes the cache (sign-out). A missing file is not an error.
    pub fn remove(&self) -> Result<(), ApiError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ApiError::config(format!(
                "Could not remove the token cache {}: {e}.",
                self.path.display()
            ))),
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tokens".into());
    let tmp = dir.join(format!(".{name}.tmp-{:016x}", rand::random::<u64>()));
    let written = (|| {
        let mut f = open_private_new(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return written;
    }
    // Makes the rename itself durable; not every filesystem supports it, hence no error.
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    // Directories created here hold nothing but credentials: owner only.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn open_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    // The umask can only remove bits; set the exact mode anyway.
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(f)
}

#[cfg(not(unix))]
fn open_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn tighten_file_mode(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

#[cfg(not(unix))]
fn tighten_file_mode(_path: &Path) {}
