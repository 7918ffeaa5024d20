//! What each detail tab keeps while the operator moves between tabs: its own fetch, its
//! scroll offset, its `/` filter (a search in the YAML tabs, a row filter in the tables)
//! and the search match it stands on. Also the geometry shared by update and render (how
//! many rows a tab's header takes), and text search over highlighted YAML.
//!
//! Pure data and pure functions: no ratatui, no I/O.

use std::ops::Range;

use chrono::{DateTime, Utc};

use crate::effect::DetailTab;
use crate::msg::TabData;
use crate::state::list::Filter;
use crate::state::load::{Load, Problem};
use crate::widgets::highlight::Highlighted;

/// One tab's state, kept when the operator switches away and back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TabState {
    /// What the tab shows (unused by Overview, which shows the summary).
    pub load: Load<TabData>,
    /// The first content row on screen.
    pub scroll: usize,
    /// The `/` text: a search in the YAML tabs, a row filter in the tables.
    pub filter: Filter,
    /// The line of the search match last jumped to.
    pub current_match: Option<usize>,
    /// The Application changed since this was read: read it again when shown.
    pub stale: bool,
}

impl TabState {
    /// Whether showing the tab at `now` must fetch it: never asked, out of date, or a
    /// rate limit whose wait is over.
    pub fn needs_fetch(&self, now: DateTime<Utc>) -> bool {
        match &self.load {
            Load::Idle => true,
            Load::Loading { .. } => false,
            Load::Ready(_) => self.stale,
            Load::Failed(Problem::RateLimited { until, .. }) => *until <= now,
            Load::Failed(_) => self.stale,
        }
    }

    /// Marks what was read as out of date (nothing to do for a tab never read).
    pub fn mark_stale(&mut self) {
        if !matches!(self.load, Load::Idle) {
            self.stale = true;
        }
    }
}

/// Whether the tab shows YAML (Settings, Manifests): the `yaml` key context applies and
/// `/` searches.
pub fn is_yaml(tab: DetailTab) -> bool {
    matches!(tab, DetailTab::Settings | DetailTab::Manifests)
}

/// Whether `/` filters the tab's rows.
pub fn filters_rows(tab: DetailTab) -> bool {
    matches!(
        tab,
        DetailTab::Secrets | DetailTab::Observability | DetailTab::History
    )
}

/// Rows of the body above a tab's scrolling content: the tab bar and its rule, then the
/// tab's own header (YAML title, secrets note, pods summary, table header).
pub fn header_rows(tab: DetailTab) -> u16 {
    let own = match tab {
        DetailTab::Overview | DetailTab::Topology => 0,
        DetailTab::Settings | DetailTab::Manifests => 1,
        DetailTab::Secrets => 2,
        DetailTab::History => 1,
        DetailTab::Observability => 2,
    };
    2 + own
}

/// Rows of scrolling content that fit in a body `body_height` rows high.
pub fn content_height(tab: DetailTab, body_height: u16) -> usize {
    usize::from(body_height.saturating_sub(header_rows(tab))).max(1)
}

/// The largest useful scroll offset for `len` rows in `height` rows.
pub fn max_scroll(len: usize, height: usize) -> usize {
    len.saturating_sub(height.max(1))
}

/// Where each occurrence of `query` is in `line`, as byte ranges. ASCII queries ignore
/// case; others match exactly (lower-casing can change byte lengths, and the ranges must
/// stay on character boundaries).
pub fn find_all(line: &str, query: &str) -> Vec<Range<usize>> {
    if query.is_empty() || query.len() > line.len() {
        return Vec::new();
    }
    if !query.is_ascii() {
        return line
            .match_indices(query)
            .map(|(at, m)| at..at + m.len())
            .collect();
    }
    // An ASCII byte never occurs inside a multi-byte character, so every match found on
    // bytes starts and ends on character boundaries.
    let hay = line.as_bytes();
    let needle = query.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at + needle.len() <= hay.len() {
        if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            found.push(at..at + needle.len());
            at += needle.len();
        } else {
            at += 1;
        }
    }
    found
}

/// The lines of `doc` that contain `query`.
pub fn matching_lines(doc: &Highlighted, query: &str) -> Vec<usize> {
    if query.is_empty() {
        return Vec::new();
    }
    doc.plain_lines()
        .enumerate()
        .filter(|(_, line)| !find_all(line, query).is_empty())
        .map(|(i, _)| i)
        .collect()
}

/// The match to jump to from `from` (the current match, or the line above the top of the
/// screen), forwards or backwards, wrapping around.
pub fn next_match(matches: &[usize], from: Option<usize>, forward: bool) -> Option<usize> {
    let first = *matches.first()?;
    let last = *matches.last()?;
    Some(match (from, forward) {
        (None, true) => first,
        (None, false) => last,
        (Some(at), true) => matches.iter().copied().find(|&m| m > at).unwrap_or(first),
        (Some(at), false) => matches
            .iter()
            .rev()
            .copied()
            .find(|&m| m < at)
            .unwrap_or(last),
    })
}

/// The scroll offset that shows `line` within `height` rows: unchanged when it is already
/// on screen, else the line a third of the way down.
pub fn reveal(scroll: usize, line: usize, height: usize, len: usize) -> usize {
    let height = height.max(1);
    if line >= scroll && line < scroll + height {
        return scroll;
    }
    line.saturating_sub(height / 3).min(max_scroll(len, height))
}

/// The YAML a tab shows, when it shows YAML and has it.
pub fn yaml_of(data: &TabData) -> Option<&Highlighted> {
    match data {
        TabData::Settings { yaml, .. } => Some(yaml),
        TabData::Manifests(yaml) => Some(yaml),
        _ => None,
    }
}

/// `bytes` for people: `512 B`, `1.8 KiB`, `3.0 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_occurrence_ignoring_ascii_case() {
        assert_eq!(
            find_all("Replicas: 3 # replicas", "REPLICAS"),
            vec![0..8, 14..22]
        );
        assert_eq!(find_all("aaaa", "aa"), vec![0..2, 2..4]);
        assert_eq!(find_all("name: Dhofar", ""), Vec::<Range<usize>>::new());
        assert_eq!(find_all("ab", "abc"), Vec::<Range<usize>>::new());
        // Multi-byte text around an ASCII query keeps ranges on character boundaries.
        let line = "title: «بنك» bank";
        let r = find_all(line, "BANK");
        assert_eq!(r.len(), 1);
        assert_eq!(&line[r[0].clone()], "bank");
        assert_eq!(find_all(line, "بنك").len(), 1);
    }

    #[test]
    fn matches_wrap_around_both_ways() {
        let m = [2, 5, 9];
        assert_eq!(next_match(&m, None, true), Some(2));
        assert_eq!(next_match(&m, None, false), Some(9));
        assert_eq!(next_match(&m, Some(5), true), Some(9));
        assert_eq!(next_match(&m, Some(9), true), Some(2));
        assert_eq!(next_match(&m, Some(2), false), Some(9));
        assert_eq!(next_match(&m, Some(6), false), Some(5));
        assert_eq!(next_match(&[], Some(1), true), None);
    }

    #[test]
    fn revealing_a_line_keeps_the_screen_when_it_is_on_it() {
        assert_eq!(reveal(10, 15, 10, 100), 10);
        assert_eq!(reveal(10, 40, 9, 100), 37);
        assert_eq!(reveal(10, 1, 9, 100), 0);
        assert_eq!(reveal(0, 98, 9, 100), 91, "never past the end");
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(8), "8 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1874), "1.8 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn stale_and_expired_rate_limits_fetch_again() {
        let now = DateTime::<Utc>::from_timestamp(100, 0).unwrap();
        let mut t = TabState::default();
        assert!(t.needs_fetch(now));
        t.mark_stale();
        assert!(!t.stale, "a tab never read is not stale");
        t.load = Load::Ready(TabData::Manifests(Highlighted::default()));
        assert!(!t.needs_fetch(now));
        t.mark_stale();
        assert!(t.needs_fetch(now));
        t.stale = false;
        t.load = Load::Failed(Problem::RateLimited {
            until: now + chrono::Duration::seconds(3),
            request_id: None,
        });
        assert!(!t.needs_fetch(now));
        assert!(t.needs_fetch(now + chrono::Duration::seconds(3)));
    }
}
