//! The `/` search of the log view: its text (typed through the view's filter), how many
//! shown lines match, and `n`/`N` jumping between them with wrap-around.
//!
//! The count is kept in step as lines arrive and leave (one substring test a line), and
//! counted anew only when the search or a filter changes; a jump scans from the current
//! match, so no frame ever scans the buffer. Matching is on the plain text (without
//! colour sequences), with the YAML view's rules (an ASCII query ignores case).

use super::LogView;
use super::ansi;
use super::buffer::LogLine;
use super::scroll::Geometry;
use crate::state::list::Filter;

/// The search and where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// The text, typed after `/` (the global update types into it).
    pub filter: Filter,
    /// The line of the match last jumped to.
    pub current: Option<u64>,
    /// Shown lines that match.
    pub count: usize,
    /// The current match's place among them, from 1 (0 without a current match).
    pub rank: usize,
}

impl Search {
    /// Whether there is something to search for.
    pub fn is_active(&self) -> bool {
        self.filter.is_active()
    }
}

/// Whether `line` contains `query` (never for an empty query).
pub fn matches(line: &LogLine, query: &str) -> bool {
    !query.is_empty() && ansi::contains(&line.plain(), query)
}

/// [`matches`] without allocating: `scratch` holds the plain text of coloured lines.
fn matches_with(line: &LogLine, query: &str, scratch: &mut String) -> bool {
    if !line.has_ansi() {
        return ansi::contains(line.raw(), query);
    }
    ansi::strip_into(line.raw(), scratch);
    ansi::contains(scratch, query)
}

impl LogView {
    /// Counts the matches anew (after the search or a filter changed) and the current
    /// match's place, dropping it when it is no longer a shown match.
    pub(super) fn recount(&mut self) {
        let query = self.search.filter.text.clone();
        if query.is_empty() {
            self.search.count = 0;
            self.search.current = None;
            self.search.rank = 0;
            return;
        }
        let mut scratch = String::new();
        let mut count = 0;
        let mut rank = 0;
        let mut current_seen = false;
        for line in self.shown().from(0) {
            if matches_with(line, &query, &mut scratch) {
                count += 1;
                if Some(line.seq) == self.search.current {
                    rank = count;
                    current_seen = true;
                }
            }
        }
        self.search.count = count;
        if current_seen {
            self.search.rank = rank;
        } else {
            self.search.current = None;
            self.search.rank = 0;
        }
    }

    /// The search text changed: count again and, like `less`, jump to the first match from
    /// the top of the screen.
    pub(super) fn search_changed(&mut self, g: Geometry) {
        self.search.current = None;
        self.recount();
        if self.search.count > 0 {
            self.jump(true, g);
        }
    }

    /// Jumps to the next (or previous) match, wrapping around; pauses the view on it.
    pub(super) fn jump(&mut self, forward: bool, g: Geometry) {
        let query = self.search.filter.text.clone();
        if query.is_empty() || self.search.count == 0 {
            return;
        }
        let shown = self.shown();
        let len = shown.len();
        // From the current match, or else from the top of the screen.
        let start = match self.search.current.and_then(|s| shown.position_of(s)) {
            Some(pos) => pos,
            None => {
                let top = match self.screen_top(g) {
                    super::Top::Start => 0,
                    super::Top::Line { seq, .. } => shown.position_from(seq),
                };
                // Forward includes the top line itself; backward starts just below it.
                if forward { (top + len - 1) % len } else { top }
            }
        };
        let mut scratch = String::new();
        let mut found = None;
        for step in 1..=len {
            let pos = if forward {
                (start + step) % len
            } else {
                (start + len - step) % len
            };
            if let Some(line) = shown.at(pos)
                && matches_with(line, &query, &mut scratch)
            {
                found = Some((pos, line.seq));
                break;
            }
        }
        let Some((pos, seq)) = found else {
            return;
        };
        let before = shown
            .from(0)
            .take(pos)
            .filter(|l| matches_with(l, &query, &mut scratch))
            .count();
        self.search.current = Some(seq);
        self.search.rank = before + 1;
        self.reveal(seq, g);
    }
}
