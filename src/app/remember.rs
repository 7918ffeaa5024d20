//! The provisioning runs a profile has opened, remembered so a service without a list of
//! runs still offers them: one id a line, newest first, in the cache directory
//! (`deployments-{profile}.txt`), at most [`MAX_REMEMBERED`] ids. Reading is done once at
//! start; writing replaces the file atomically. Holds no UI state.

use std::path::{Path, PathBuf};

/// How many ids are kept.
pub const MAX_REMEMBERED: usize = 50;

/// The remembered ids and where they are kept (`None`: kept in memory only).
#[derive(Debug, Clone, Default)]
pub struct Remembered {
    path: Option<PathBuf>,
    ids: Vec<String>,
}

impl Remembered {
    /// Reads the ids at `path`; a missing or unreadable file is an empty list.
    pub fn load(path: Option<PathBuf>) -> Remembered {
        let ids = path
            .as_deref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .map(|text| parse(&text))
            .unwrap_or_default();
        Remembered { path, ids }
    }

    /// The ids, newest first.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Puts `id` first; returns the file to write when the list changed.
    pub fn add(&mut self, id: &str) -> Option<(PathBuf, String)> {
        let id = id.trim();
        if id.is_empty() || self.ids.first().is_some_and(|first| first == id) {
            return None;
        }
        self.ids.retain(|known| known != id);
        self.ids.insert(0, id.to_string());
        self.ids.truncate(MAX_REMEMBERED);
        let path = self.path.clone()?;
        Some((path, self.ids.join("\n") + "\n"))
    }
}

fn parse(text: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !ids.iter().any(|known| known == line) {
            ids.push(line.to_string());
        }
    }
    ids.truncate(MAX_REMEMBERED);
    ids
}

/// Writes `contents` to `path` through a temporary file beside it, creating the
/// directory when needed.
pub fn write(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("txt.tmp");
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_without_repeats_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/deployments-sandbox.txt");
        let mut r = Remembered::load(Some(path.clone()));
        assert!(r.ids().is_empty());
        let (p, text) = r.add("a").unwrap();
        write(&p, &text).unwrap();
        let (p, text) = r.add("b").unwrap();
        write(&p, &text).unwrap();
        assert!(r.add("b").is_none(), "already first: nothing to write");
        let (p, text) = r.add("a").unwrap();
        write(&p, &text).unwrap();
        assert_eq!(r.ids(), ["a", "b"]);
        assert_eq!(Remembered::load(Some(path)).ids(), ["a", "b"]);
        for n in 0..(MAX_REMEMBERED + 5) {
            r.add(&format!("id-{n}"));
        }
        assert_eq!(r.ids().len(), MAX_REMEMBERED);
        assert_eq!(r.ids()[0], format!("id-{}", MAX_REMEMBERED + 4));
    }

    #[test]
    fn a_file_with_blank_lines_and_repeats_reads_cleanly() {
        assert_eq!(parse("x\n\n y \nx\n"), ["x", "y"]);
    }
}
