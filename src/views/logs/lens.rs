//! Which lines of the buffer the view shows: the level, phase and component filters, and
//! the index of the lines that pass them.
//!
//! Without a filter the shown lines are the buffer itself. With one, the sequence numbers
//! of the passing lines are kept in order (8 bytes a line), rebuilt when a filter changes
//! and kept in step in O(1) as lines arrive and are dropped, so scrolling and render never
//! scan the whole buffer. [`Shown`] reads the buffer through the lens by position.

use std::collections::VecDeque;

use super::buffer::{Level, LogBuffer, LogLine, NameId};

/// Which levels pass. A line without a level passes only [`LevelFilter::All`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LevelFilter {
    #[default]
    All,
    /// Warnings and errors.
    WarnUp,
    /// Errors only.
    Error,
}

impl LevelFilter {
    /// The next setting of the cycle all → warn+ → error → all.
    pub fn next(self) -> LevelFilter {
        match self {
            LevelFilter::All => LevelFilter::WarnUp,
            LevelFilter::WarnUp => LevelFilter::Error,
            LevelFilter::Error => LevelFilter::All,
        }
    }

    /// Whether a line at `level` passes.
    pub fn passes(self, level: Option<Level>) -> bool {
        match self {
            LevelFilter::All => true,
            LevelFilter::WarnUp => level.is_some_and(|l| l >= Level::Warn),
            LevelFilter::Error => level.is_some_and(|l| l >= Level::Error),
        }
    }

    /// How the header names the setting (`None` for all).
    pub fn label(self) -> Option<&'static str> {
        match self {
            LevelFilter::All => None,
            LevelFilter::WarnUp => Some("warn+"),
            LevelFilter::Error => Some("error"),
        }
    }
}

/// The filters and the index of passing lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lens {
    pub level: LevelFilter,
    pub phase: Option<NameId>,
    pub component: Option<NameId>,
    /// Sequence numbers of the passing lines, oldest first; `None` without a filter.
    index: Option<VecDeque<u64>>,
}

impl Lens {
    /// Whether any filter is set.
    pub fn is_active(&self) -> bool {
        self.level != LevelFilter::All || self.phase.is_some() || self.component.is_some()
    }

    /// Whether `line` passes the filters.
    pub fn passes(&self, line: &LogLine) -> bool {
        self.level.passes(line.level)
            && self.phase.is_none_or(|p| line.phase == Some(p))
            && self.component.is_none_or(|c| line.component == Some(c))
    }

    /// Builds the index anew after a filter changed (O(lines held)).
    pub fn rebuild(&mut self, buffer: &LogBuffer) {
        self.index = self.is_active().then(|| {
            buffer
                .iter()
                .filter(|l| self.passes(l))
                .map(|l| l.seq)
                .collect()
        });
    }

    /// Notes a line just appended; returns whether it passes.
    pub fn added(&mut self, line: &LogLine) -> bool {
        let passes = self.passes(line);
        if passes && let Some(index) = &mut self.index {
            index.push_back(line.seq);
        }
        passes
    }

    /// Notes the oldest line was dropped; returns whether it was shown.
    pub fn dropped(&mut self, line: &LogLine) -> bool {
        match &mut self.index {
            None => true,
            Some(index) => {
                let shown = index.front() == Some(&line.seq);
                if shown {
                    index.pop_front();
                }
                shown
            }
        }
    }

    /// Bytes the index holds on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.index
            .as_ref()
            .map_or(0, |i| i.capacity() * std::mem::size_of::<u64>())
    }
}

/// The shown lines, by position (0 is the oldest shown).
#[derive(Clone, Copy)]
pub struct Shown<'a> {
    pub buffer: &'a LogBuffer,
    pub lens: &'a Lens,
}

impl<'a> Shown<'a> {
    /// How many lines are shown.
    pub fn len(&self) -> usize {
        match &self.lens.index {
            Some(index) => index.len(),
            None => self.buffer.len(),
        }
    }

    /// Whether no line is shown.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The line at position `pos`.
    pub fn at(&self, pos: usize) -> Option<&'a LogLine> {
        match &self.lens.index {
            Some(index) => self.buffer.get(*index.get(pos)?),
            None => self.buffer.get(self.buffer.first_seq() + pos as u64),
        }
    }

    /// The position of the first shown line numbered `seq` or later (`len()` when none).
    pub fn position_from(&self, seq: u64) -> usize {
        match &self.lens.index {
            Some(index) => index.partition_point(|s| *s < seq),
            None => {
                let at = seq.saturating_sub(self.buffer.first_seq());
                usize::try_from(at).map_or(self.len(), |at| at.min(self.len()))
            }
        }
    }

    /// The position of line `seq` when it is shown.
    pub fn position_of(&self, seq: u64) -> Option<usize> {
        let pos = self.position_from(seq);
        (self.at(pos)?.seq == seq).then_some(pos)
    }

    /// The shown lines from position `pos` on.
    pub fn from(&self, pos: usize) -> Box<dyn Iterator<Item = &'a LogLine> + 'a> {
        match &self.lens.index {
            Some(index) => {
                let buffer = self.buffer;
                Box::new(
                    index
                        .range(pos.min(index.len())..)
                        .filter_map(move |s| buffer.get(*s)),
                )
            }
            None => Box::new(self.buffer.range_from(pos)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::logs::buffer::NewLine;

    fn line(level: Level, phase: &str) -> NewLine {
        NewLine {
            level: Some(level),
            phase: Some(phase.into()),
            ..NewLine::text("x")
        }
    }

    #[test]
    fn levels_cycle_and_pass_what_they_say() {
        let f = LevelFilter::All;
        assert_eq!(f.next(), LevelFilter::WarnUp);
        assert_eq!(f.next().next(), LevelFilter::Error);
        assert_eq!(f.next().next().next(), LevelFilter::All);
        assert!(LevelFilter::All.passes(None));
        assert!(!LevelFilter::WarnUp.passes(None));
        assert!(!LevelFilter::WarnUp.passes(Some(Level::Info)));
        assert!(LevelFilter::WarnUp.passes(Some(Level::Warn)));
        assert!(!LevelFilter::Error.passes(Some(Level::Warn)));
        assert!(LevelFilter::Error.passes(Some(Level::Error)));
    }

    #[test]
    fn the_index_follows_arrivals_and_drops() {
        let mut buffer = LogBuffer::new(4);
        let mut lens = Lens {
            level: LevelFilter::WarnUp,
            ..Lens::default()
        };
        lens.rebuild(&buffer);
        for (i, level) in [Level::Info, Level::Warn, Level::Error, Level::Info]
            .into_iter()
            .enumerate()
        {
            let meta = line(level, &format!("p{i}"));
            assert!(buffer.push(&meta, "x").is_none());
            let last = buffer.last().unwrap().clone();
            assert_eq!(lens.added(&last), level >= Level::Warn);
        }
        let shown = Shown {
            buffer: &buffer,
            lens: &lens,
        };
        assert_eq!(shown.len(), 2);
        assert_eq!(shown.at(0).unwrap().seq, 1);
        assert_eq!(shown.position_from(2), 1);
        assert_eq!(shown.position_of(3), None);
        assert_eq!(shown.from(0).map(|l| l.seq).collect::<Vec<_>>(), [1, 2]);
        // The ring is full: the next line drops seq 0 (not shown), then seq 1 (shown).
        let gone = buffer.push(&line(Level::Warn, "p4"), "x").unwrap();
        assert!(!lens.dropped(&gone));
        assert!(lens.added(buffer.last().unwrap()));
        let gone = buffer.push(&line(Level::Info, "p5"), "x").unwrap();
        assert!(lens.dropped(&gone));
        assert!(!lens.added(buffer.last().unwrap()));
        let shown = Shown {
            buffer: &buffer,
            lens: &lens,
        };
        assert_eq!(shown.from(0).map(|l| l.seq).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(buffer.dropped(), 2);
    }
}
