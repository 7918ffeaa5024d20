//! What `w` writes: the shown lines (through the filters) as plain text without colour
//! sequences, one per line, each with its time (RFC 3339, UTC), level and phase or
//! component when it has them; and the file's name in the current directory,
//! `catalyst-<source>-<YYYYMMDD-HHMMSS>.log`. Pure: the runner writes the file.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};

use super::LogView;

/// The file name for a log of `source` saved at `now`: only letters, digits, `-`, `_`
/// and `.` survive from the source, so it cannot leave the current directory.
pub fn file_name(source: &str, now: DateTime<Utc>) -> PathBuf {
    let source: String = source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let source = source.trim_matches(['-', '.']);
    let source = if source.is_empty() { "log" } else { source };
    PathBuf::from(format!(
        "catalyst-{source}-{}.log",
        now.format("%Y%m%d-%H%M%S")
    ))
}

/// The shown lines as plain text.
pub fn contents(view: &LogView) -> String {
    let buffer = view.buffer();
    let mut out = String::new();
    for line in view.shown().from(0) {
        if let Some(time) = line.time {
            let _ = write!(
                out,
                "{} ",
                time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
            );
        }
        if let Some(level) = line.level {
            let _ = write!(out, "{:<5} ", level.label());
        }
        if let Some(tag) = buffer.tag(line) {
            let _ = write!(out, "[{tag}] ");
        }
        out.push_str(&line.plain());
        out.push('\n');
    }
    out
}
