//! The bounded ring of log lines every stream feeds: a line's sequence number, its optional
//! time, level, phase and component, and its text as the stream sent it (ANSI colour
//! sequences kept, everything else that could disturb a terminal removed on the way in).
//!
//! Memory is the text plus a small fixed record per line: phases and components are
//! interned (a line holds a 2-byte id), and nothing styled is kept; render styles only the
//! lines on screen. When the ring is full the oldest line is dropped and handed back, so
//! the view can keep its filter index and search counts in step in O(1).
//!
//! Must not know about the screen: no ratatui, no theme.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use super::ansi;
use crate::model::{EventLevel, OperationLogLine, ProvisionEvent};

/// Lines a stream's buffer holds unless configured otherwise (QUALITY P8).
pub const DEFAULT_CAPACITY: usize = 100_000;

/// The most distinct phases (or components) a buffer tells apart; later new names are
/// kept on their lines' text but not offered as filters.
const MAX_NAMES: usize = 4096;

/// How severe a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    /// The theme token of lines at this level.
    pub fn token(self) -> &'static str {
        match self {
            Level::Trace => "log.level.trace",
            Level::Debug => "log.level.debug",
            Level::Info => "log.level.info",
            Level::Warn => "log.level.warn",
            Level::Error => "log.level.error",
        }
    }

    /// The level as the gutter and saved files show it.
    pub fn label(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

impl From<EventLevel> for Level {
    fn from(level: EventLevel) -> Level {
        match level {
            EventLevel::Info => Level::Info,
            EventLevel::Warn => Level::Warn,
            EventLevel::Error => Level::Error,
            // A level this console does not know yet reads as information.
            EventLevel::Unknown => Level::Info,
        }
    }
}

/// A line as a stream hands it over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewLine {
    pub time: Option<DateTime<Utc>>,
    pub level: Option<Level>,
    pub phase: Option<String>,
    pub component: Option<String>,
    /// The text, possibly with ANSI colours; a `\n` inside starts another line with the
    /// same time, level, phase and component.
    pub text: String,
}

impl NewLine {
    /// A line with text only.
    pub fn text(text: impl Into<String>) -> NewLine {
        NewLine {
            text: text.into(),
            ..NewLine::default()
        }
    }
}

impl From<&ProvisionEvent> for NewLine {
    fn from(e: &ProvisionEvent) -> NewLine {
        NewLine {
            time: DateTime::parse_from_rfc3339(&e.time)
                .ok()
                .map(|t| t.with_timezone(&Utc)),
            level: Some(e.level.into()),
            phase: Some(e.phase.clone()).filter(|p| !p.is_empty()),
            component: e.component.clone().filter(|c| !c.is_empty()),
            // A handover carries a one-time sign-in token: said in words, without it.
            text: match e.handover() {
                Some(h) => crate::words::handover(&h.handover_url, h.expires_at.as_deref()),
                None => e.message.clone(),
            },
        }
    }
}

impl From<&OperationLogLine> for NewLine {
    fn from(l: &OperationLogLine) -> NewLine {
        NewLine {
            time: Some(l.at),
            level: Some(l.level.into()),
            phase: None,
            component: None,
            text: l.message.clone(),
        }
    }
}

/// The id of an interned phase or component name.
pub type NameId = u16;

/// One line held in the buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Counts every line the stream delivered, from 0; dropped lines keep their numbers.
    pub seq: u64,
    pub time: Option<DateTime<Utc>>,
    pub level: Option<Level>,
    pub phase: Option<NameId>,
    pub component: Option<NameId>,
    /// Whether the text holds SGR colour sequences.
    ansi: bool,
    text: Box<str>,
}

impl LogLine {
    /// The text as received (safe for the screen; SGR sequences kept).
    pub fn raw(&self) -> &str {
        &self.text
    }

    /// Whether the text carries colour sequences.
    pub fn has_ansi(&self) -> bool {
        self.ansi
    }

    /// The text without colour sequences.
    pub fn plain(&self) -> std::borrow::Cow<'_, str> {
        if self.ansi {
            std::borrow::Cow::Owned(ansi::strip(&self.text))
        } else {
            std::borrow::Cow::Borrowed(&self.text)
        }
    }
}

/// Interned names (phases, components) in the order first seen.
#[derive(Debug, Default)]
pub struct Names {
    names: Vec<Box<str>>,
    ids: HashMap<Box<str>, NameId>,
    /// The widest name, in columns.
    width: usize,
}

impl Names {
    fn intern(&mut self, name: &str) -> Option<NameId> {
        if let Some(id) = self.ids.get(name) {
            return Some(*id);
        }
        if self.names.len() >= MAX_NAMES {
            return None;
        }
        let id = NameId::try_from(self.names.len()).ok()?;
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        self.width = self.width.max(name.width());
        Some(id)
    }

    /// The name of `id` (empty for an id this table never gave out).
    pub fn get(&self, id: NameId) -> &str {
        self.names.get(usize::from(id)).map_or("", |n| n)
    }

    /// How many names were seen.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name was seen.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The widest name, in columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The id after `current` in the order first seen; `None` after the last (and for
    /// `None`, the first id).
    pub fn next(&self, current: Option<NameId>) -> Option<NameId> {
        let next = current.map_or(0, |c| usize::from(c) + 1);
        (next < self.names.len())
            .then(|| NameId::try_from(next).ok())
            .flatten()
    }

    fn heap_bytes(&self) -> usize {
        let text: usize = self.names.iter().map(|n| n.len()).sum();
        // Each name is held twice (list and map); the map's table is approximated by its
        // capacity times a key, a value and a control byte.
        2 * text
            + self.names.capacity() * std::mem::size_of::<Box<str>>()
            + self.ids.capacity() * (std::mem::size_of::<(Box<str>, NameId)>() + 1)
    }
}

/// The ring of lines, oldest first.
#[derive(Debug)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    capacity: usize,
    next_seq: u64,
    pub phases: Names,
    pub components: Names,
    /// Some line had a time (the gutter keeps a column for it from then on).
    pub has_time: bool,
    /// Some line had a level.
    pub has_level: bool,
}

impl LogBuffer {
    /// An empty buffer holding at most `capacity` lines (at least one).
    pub fn new(capacity: usize) -> LogBuffer {
        LogBuffer {
            lines: VecDeque::new(),
            capacity: capacity.max(1),
            next_seq: 0,
            phases: Names::default(),
            components: Names::default(),
            has_time: false,
            has_level: false,
        }
    }

    /// Appends one line of text (no `\n` in it) with `meta`'s fields; returns the line
    /// dropped to make room, if one was.
    pub fn push(&mut self, meta: &NewLine, text: &str) -> Option<LogLine> {
        let dropped = if self.lines.len() >= self.capacity {
            self.lines.pop_front()
        } else {
            // Doubling past the bound would leave up to half the slots unused for good.
            if self.lines.len() == self.lines.capacity() && self.lines.len() * 2 > self.capacity {
                self.lines.reserve_exact(self.capacity - self.lines.len());
            }
            None
        };
        let (text, ansi) = ansi::sanitize(text);
        let phase = meta.phase.as_deref().and_then(|p| self.phases.intern(p));
        let component = meta
            .component
            .as_deref()
            .and_then(|c| self.components.intern(c));
        self.has_time |= meta.time.is_some();
        self.has_level |= meta.level.is_some();
        self.lines.push_back(LogLine {
            seq: self.next_seq,
            time: meta.time,
            level: meta.level,
            phase,
            component,
            ansi,
            text,
        });
        self.next_seq += 1;
        dropped
    }

    /// The line last pushed.
    pub fn last(&self) -> Option<&LogLine> {
        self.lines.back()
    }

    /// Lines held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The most lines held.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Lines dropped so far to stay within the capacity.
    pub fn dropped(&self) -> u64 {
        self.next_seq - self.lines.len() as u64
    }

    /// The sequence number of the oldest line held (the next one's when empty).
    pub fn first_seq(&self) -> u64 {
        self.dropped()
    }

    /// The line numbered `seq`, if still held.
    pub fn get(&self, seq: u64) -> Option<&LogLine> {
        let at = seq.checked_sub(self.first_seq())?;
        self.lines.get(usize::try_from(at).ok()?)
    }

    /// Every line held, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogLine> + ExactSizeIterator {
        self.lines.iter()
    }

    /// The lines from the `at`-th held one on.
    pub fn range_from(&self, at: usize) -> impl Iterator<Item = &LogLine> {
        self.lines.range(at.min(self.lines.len())..)
    }

    /// The tag a line shows: its component, else its phase.
    pub fn tag(&self, line: &LogLine) -> Option<&str> {
        match (line.component, line.phase) {
            (Some(c), _) => Some(self.components.get(c)),
            (None, Some(p)) => Some(self.phases.get(p)),
            (None, None) => None,
        }
    }

    /// Bytes the buffer holds on the heap: the ring's slots, every line's text and the
    /// name tables (capacities, not lengths).
    pub fn heap_bytes(&self) -> usize {
        let slots = self.lines.capacity() * std::mem::size_of::<LogLine>();
        let text: usize = self.lines.iter().map(|l| l.text.len()).sum();
        slots + text + self.phases.heap_bytes() + self.components.heap_bytes()
    }
}
