//! Saving what a view shows to a new file (a log saved with `w`, the audit trail
//! exported): never overwriting, a free name found beside the asked one. Runs on the
//! runner's tasks; must not touch the state.

use std::path::{Path, PathBuf};

use futures::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::api::ApiClient;
use crate::model::{AuditFilters, AuditQuery};
use crate::msg::Msg;
use crate::state::list::Filter;

/// Writes `contents` to a new file at `path`, or beside it with `-2`, `-3`… before the
/// extension when that name is taken (never overwriting); returns the path written and
/// how many lines it holds.
pub fn save_new(path: &Path, contents: &str) -> std::io::Result<(PathBuf, usize)> {
    use std::io::Write as _;
    let (mut file, written) = open_new(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok((written, contents.lines().count()))
}

/// Creates a new file at `path`, or beside it with `-2`, `-3`… before the extension when
/// that name is taken (never overwriting); returns it and where it is.
pub fn open_new(path: &Path) -> std::io::Result<(std::fs::File, PathBuf)> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let ext = path.extension().map(|s| s.to_string_lossy().into_owned());
    let mut candidate = path.to_path_buf();
    for n in 2..=100 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((file, candidate)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let name = match (&stem, &ext) {
                    (Some(stem), Some(ext)) => format!("{stem}-{n}.{ext}"),
                    (Some(stem), None) => format!("{stem}-{n}"),
                    _ => return Err(e),
                };
                candidate = path.with_file_name(name);
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "a hundred files by that name exist already",
    ))
}

/// How an audit export ended.
#[derive(Debug)]
pub enum Exported {
    /// Written to `path`: `lines` records; `skipped` lines could not be read; `cut` says
    /// why the export stopped early, if it did.
    Done {
        path: PathBuf,
        lines: usize,
        skipped: usize,
        cut: Option<String>,
    },
    /// Nothing written: why.
    Failed(String),
}

impl Exported {
    /// What the status bar says (`path` is the name asked for, when nothing was written).
    pub fn message(self, path: &Path) -> Msg {
        match self {
            Exported::Done {
                path,
                lines,
                skipped: 0,
                cut: None,
            } => Msg::Info(crate::words::log_saved(&path.display().to_string(), lines)),
            Exported::Done {
                path,
                lines,
                skipped,
                cut,
            } => Msg::Notice(crate::words::audit_export_partial(
                &path.display().to_string(),
                lines,
                skipped,
                cut.as_deref(),
            )),
            Exported::Failed(why) => Msg::Notice(crate::words::log_not_saved(
                &path.display().to_string(),
                &why,
            )),
        }
    }
}

/// Exports the audit trail `query` selects through the client's NDJSON path, keeping
/// the records that pass `keep` and the free-text `words`, one JSON line each (oldest
/// first, as the server sends them), to a new file beside `path`. Memory stays bounded
/// however long the trail: records are written as they arrive.
pub async fn export_audit(
    client: &ApiClient,
    path: &Path,
    query: &AuditQuery,
    keep: &AuditFilters,
    words: &str,
) -> Exported {
    let mut records = match client.export_audit(query).await {
        Ok(s) => s,
        Err(e) => return Exported::Failed(e.to_string()),
    };
    let asked = path.to_path_buf();
    let opened = tokio::task::spawn_blocking(move || open_new(&asked)).await;
    let (file, path) = match opened {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return Exported::Failed(e.to_string()),
        Err(e) => return Exported::Failed(e.to_string()),
    };
    let filter = Filter {
        text: words.to_string(),
        editing: false,
    };
    let mut out = tokio::io::BufWriter::new(tokio::fs::File::from_std(file));
    let (mut lines, mut skipped, mut cut) = (0, 0, None);
    // An error item followed by more was a line that could not be read; the last item
    // being an error means the export was cut there.
    let mut last_err: Option<String> = None;
    while let Some(item) = records.next().await {
        if last_err.take().is_some() {
            skipped += 1;
        }
        match item {
            Ok(r) if keep.matches(&r) && filter.matches(&r.haystack()) => {
                let Ok(mut line) = serde_json::to_string(&r) else {
                    skipped += 1;
                    continue;
                };
                line.push('\n');
                if let Err(e) = out.write_all(line.as_bytes()).await {
                    cut = Some(e.to_string());
                    break;
                }
                lines += 1;
            }
            Ok(_) => {}
            Err(e) => last_err = Some(e.to_string()),
        }
    }
    cut = cut.or(last_err);
    if let Err(e) = out.flush().await {
        cut = Some(e.to_string());
    }
    let file = out.into_inner();
    if let Err(e) = file.sync_all().await {
        cut = Some(e.to_string());
    }
    Exported::Done {
        path,
        lines,
        skipped,
        cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalyst-run-20261122-100000.log");
        let (first, lines) = save_new(&path, "a\nb\n").unwrap();
        assert_eq!((first.as_path(), lines), (path.as_path(), 2));
        let (second, _) = save_new(&path, "c\n").unwrap();
        assert_eq!(
            second,
            dir.path().join("catalyst-run-20261122-100000-2.log")
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\nb\n");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "c\n");
    }
}
