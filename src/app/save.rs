//! Saving what a view shows to a new file (a log saved with `w`): never overwriting, a
//! free name found beside the asked one. Runs on a blocking thread of the runner; must not
//! touch the state.

use std::path::{Path, PathBuf};

/// Writes `contents` to a new file at `path`, or beside it with `-2`, `-3`… before the
/// extension when that name is taken (never overwriting); returns the path written and
/// how many lines it holds.
pub fn save_new(path: &Path, contents: &str) -> std::io::Result<(PathBuf, usize)> {
    use std::io::Write as _;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let ext = path.extension().map(|s| s.to_string_lossy().into_owned());
    let mut candidate = path.to_path_buf();
    for n in 2..=100 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut file) => {
                file.write_all(contents.as_bytes())?;
                file.sync_all()?;
                return Ok((candidate, contents.lines().count()));
            }
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
