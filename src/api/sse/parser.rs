//! An incremental parser of the WHATWG `text/event-stream` format with size caps.
//!
//! Owns: turning the bytes of one HTTP response body, in chunks of any size, into
//! [`SseItem`]s (events, `retry:` values, comments), following the HTML standard's
//! "event stream interpretation" rules; per-line and per-event caps.
//! Must not: do I/O, reconnect, or interpret event payloads.
//!
//! Why our own: `eventsource-stream` re-scans the pending line on every chunk (quadratic
//! in line length), panics on a leading BOM and has no caps. This parser looks at every
//! input byte once: a line that spans chunks is kept in a buffer (or, for `data:` lines,
//! appended straight to the event's data) and only the new bytes are searched for the
//! line end.

use std::collections::VecDeque;
use std::fmt;

/// One mebibyte, the default of both caps.
pub const DEFAULT_CAP: usize = 1024 * 1024;

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Size caps of one stream (QUALITY R2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted line in bytes: the whole raw line (field name, colon and
    /// value) without its line end.
    pub max_line: usize,
    /// Largest accepted data buffer of one event in bytes.
    pub max_event: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_line: DEFAULT_CAP,
            max_event: DEFAULT_CAP,
        }
    }
}

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The event type; `"message"` when the server named none.
    pub event: String,
    /// The data lines joined with LF.
    pub data: String,
    /// The last event id buffer when the event was dispatched (`None` when empty).
    pub id: Option<String>,
}

/// What the parser produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseItem {
    /// A dispatched event.
    Event(SseEvent),
    /// A valid `retry:` field: the server's reconnection time in milliseconds.
    Retry(u64),
    /// A comment line (`: keepalive`); carries nothing but proves the stream is alive.
    Comment,
}

/// Which cap was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversize {
    /// A single line.
    Line,
    /// The data of one event.
    Event,
}

impl fmt::Display for Oversize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Line => "line",
            Self::Event => "event",
        })
    }
}

/// Why a stream could not be parsed further.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// A line or an event grew past its cap; the stream is stopped to bound memory.
    #[error(
        "the server sent an event-stream {what} larger than {limit} bytes; \
         the stream was stopped to keep memory bounded"
    )]
    TooLarge {
        /// The cap that was exceeded.
        what: Oversize,
        /// The cap in bytes.
        limit: usize,
    },
}

/// Progress through a possible byte order mark at the very start of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bom {
    /// This many bytes of the BOM have been seen (and held back) so far.
    Pending(usize),
    Done,
}

/// A line that the previous chunk left unfinished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Partial {
    None,
    /// The line so far is in `SseParser::line`.
    Line,
    /// A `data:` line whose value goes straight into the data buffer; `len` is the raw
    /// line length so far (for the line cap), `space_pending` means the optional space
    /// after the colon has not been seen or ruled out yet.
    Data {
        len: usize,
        space_pending: bool,
    },
}

/// The incremental event-stream parser of one connection.
///
/// Feed body chunks with [`feed`](Self::feed), take items with
/// [`next_item`](Self::next_item) or [`drain`](Self::drain), and call
/// [`finish`](Self::finish) at end of body.
#[derive(Debug)]
pub struct SseParser {
    limits: Limits,
    bom: Bom,
    /// The previous chunk ended with CR: a LF at the start of the next one belongs to it.
    skip_lf: bool,
    partial: Partial,
    line: Vec<u8>,
    data: Vec<u8>,
    event_type: Vec<u8>,
    id_buffer: String,
    /// The id buffer as of the last dispatch (the event source's "last event ID").
    dispatched_id: String,
    queue: VecDeque<SseItem>,
    failed: Option<SseError>,
}

impl Default for SseParser {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            bom: Bom::Pending(0),
            skip_lf: false,
            partial: Partial::None,
            line: Vec::new(),
            data: Vec::new(),
            event_type: Vec::new(),
            id_buffer: String::new(),
            dispatched_id: String::new(),
            queue: VecDeque::new(),
            failed: None,
        }
    }

    /// Seeds the last event id, as a browser does on a reconnection: events of the new
    /// connection carry it until the server sends an `id:` field.
    pub fn set_last_event_id(&mut self, id: &str) {
        id.clone_into(&mut self.id_buffer);
        id.clone_into(&mut self.dispatched_id);
    }

    /// The last event id as of the last dispatch (blank line), `None` when empty. This is
    /// what a reconnection sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> Option<&str> {
        (!self.dispatched_id.is_empty()).then_some(self.dispatched_id.as_str())
    }

    /// Parses one chunk of the body. Items are queued for [`next_item`](Self::next_item).
    ///
    /// After an error the parser stays failed: every later call returns the same error,
    /// and its buffers are released.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), SseError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let result = self.feed_checked(chunk);
        if let Err(error) = &result {
            self.fail(error.clone());
        }
        result
    }

    /// The next parsed item, oldest first.
    pub fn next_item(&mut self) -> Option<SseItem> {
        self.queue.pop_front()
    }

    /// Takes every queued item, oldest first.
    pub fn drain(&mut self) -> impl Iterator<Item = SseItem> + '_ {
        self.queue.drain(..)
    }

    /// End of body: an unfinished line and an undispatched event are dropped (per the
    /// standard). Queued items stay available. The parser is ready for a new stream
    /// and keeps the last event id.
    pub fn finish(&mut self) {
        self.bom = Bom::Pending(0);
        self.skip_lf = false;
        self.partial = Partial::None;
        self.line = Vec::new();
        self.data = Vec::new();
        self.event_type.clear();
        self.id_buffer.clone_from(&self.dispatched_id);
        self.failed = None;
    }

    fn fail(&mut self, error: SseError) {
        self.failed = Some(error);
        self.partial = Partial::None;
        self.line = Vec::new();
        self.data = Vec::new();
        self.event_type = Vec::new();
    }

    fn feed_checked(&mut self, mut chunk: &[u8]) -> Result<(), SseError> {
        if let Bom::Pending(mut seen) = self.bom {
            while seen < BOM.len() {
                match chunk.split_first() {
                    None => {
                        self.bom = Bom::Pending(seen);
                        return Ok(());
                    }
                    Some((&byte, rest)) if byte == BOM[seen] => {
                        seen += 1;
                        chunk = rest;
                    }
                    Some(_) => break,
                }
            }
            self.bom = Bom::Done;
            if seen < BOM.len() {
                // Not a BOM after all: the held-back bytes are ordinary content.
                self.scan(&BOM[..seen])?;
            }
        }
        self.scan(chunk)
    }

    fn scan(&mut self, chunk: &[u8]) -> Result<(), SseError> {
        let mut rest = chunk;
        if self.skip_lf && !rest.is_empty() {
            self.skip_lf = false;
            if rest[0] == b'\n' {
                rest = &rest[1..];
            }
        }
        rest = match self.partial {
            Partial::None => rest,
            Partial::Line => self.resume_line(rest)?,
            Partial::Data { len, space_pending } => self.resume_data(rest, len, space_pending)?,
        };
        if self.partial != Partial::None {
            return Ok(());
        }
        loop {
            match find_eol(rest) {
                Some(end) => {
                    let line = &rest[..end];
                    if line.len() > self.limits.max_line {
                        return Err(self.too_large(Oversize::Line));
                    }
                    self.process_line(line)?;
                    rest = self.after_eol(rest, end);
                }
                None => {
                    if !rest.is_empty() {
                        if rest.len() > self.limits.max_line {
                            return Err(self.too_large(Oversize::Line));
                        }
                        self.line.extend_from_slice(rest);
                        self.partial = Partial::Line;
                        self.promote_data_line()?;
                    }
                    return Ok(());
                }
            }
        }
    }

    /// Continues a line kept in `self.line`; returns the input after its end.
    fn resume_line<'a>(&mut self, rest: &'a [u8]) -> Result<&'a [u8], SseError> {
        let end = find_eol(rest);
        let take = end.unwrap_or(rest.len());
        if self.line.len() + take > self.limits.max_line {
            return Err(self.too_large(Oversize::Line));
        }
        self.line.extend_from_slice(&rest[..take]);
        match end {
            None => {
                self.promote_data_line()?;
                Ok(&[])
            }
            Some(end) => {
                self.partial = Partial::None;
                let line = std::mem::take(&mut self.line);
                let result = self.process_line(&line);
                self.recycle_line(line);
                result?;
                Ok(self.after_eol(rest, end))
            }
        }
    }

    /// Continues a `data:` line whose value is being appended to the data buffer.
    fn resume_data<'a>(
        &mut self,
        mut rest: &'a [u8],
        mut len: usize,
        mut space_pending: bool,
    ) -> Result<&'a [u8], SseError> {
        if space_pending && !rest.is_empty() {
            space_pending = false;
            if rest[0] == b' ' {
                rest = &rest[1..];
                len += 1;
            }
        }
        let end = find_eol(rest);
        let take = end.unwrap_or(rest.len());
        if len + take > self.limits.max_line {
            return Err(self.too_large(Oversize::Line));
        }
        self.push_data(&rest[..take])?;
        match end {
            None => {
                self.partial = Partial::Data {
                    len: len + take,
                    space_pending,
                };
                Ok(&[])
            }
            Some(end) => {
                self.push_data(b"\n")?;
                self.partial = Partial::None;
                Ok(self.after_eol(rest, end))
            }
        }
    }

    /// An unfinished line that turns out to be a `data:` field moves its value into the
    /// data buffer, so later chunks append there directly instead of being copied twice.
    fn promote_data_line(&mut self) -> Result<(), SseError> {
        if self.line.len() < 5 || !self.line.starts_with(b"data:") {
            return Ok(());
        }
        let len = self.line.len();
        let line = std::mem::take(&mut self.line);
        let value = &line[5..];
        let (value, space_pending) = match value.first() {
            None => (value, true),
            Some(b' ') => (&value[1..], false),
            Some(_) => (value, false),
        };
        let result = self.push_data(value);
        self.recycle_line(line);
        result?;
        self.partial = Partial::Data { len, space_pending };
        Ok(())
    }

    /// Keeps a small line buffer's allocation for the next line; a big one is released.
    fn recycle_line(&mut self, mut line: Vec<u8>) {
        if line.capacity() <= 64 * 1024 {
            line.clear();
            self.line = line;
        }
    }

    fn after_eol<'a>(&mut self, rest: &'a [u8], end: usize) -> &'a [u8] {
        let after = &rest[end + 1..];
        if rest[end] == b'\r' {
            match after.first() {
                Some(b'\n') => return &after[1..],
                None => self.skip_lf = true,
                Some(_) => {}
            }
        }
        after
    }

    fn push_data(&mut self, bytes: &[u8]) -> Result<(), SseError> {
        if self.data.len() + bytes.len() > self.limits.max_event {
            return Err(self.too_large(Oversize::Event));
        }
        self.data.extend_from_slice(bytes);
        Ok(())
    }

    fn too_large(&self, what: Oversize) -> SseError {
        let limit = match what {
            Oversize::Line => self.limits.max_line,
            Oversize::Event => self.limits.max_event,
        };
        SseError::TooLarge { what, limit }
    }

    fn process_line(&mut self, line: &[u8]) -> Result<(), SseError> {
        if line.is_empty() {
            self.dispatch();
            return Ok(());
        }
        if line[0] == b':' {
            self.queue.push_back(SseItem::Comment);
            return Ok(());
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => {
                if self.data.len() + value.len() + 1 > self.limits.max_event {
                    return Err(self.too_large(Oversize::Event));
                }
                // One allocation for the common one-line event, not a regrowth for the LF.
                self.data.reserve(value.len() + 1);
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
            }
            b"event" => {
                self.event_type.clear();
                self.event_type.extend_from_slice(value);
            }
            b"id" if !value.contains(&0) => {
                self.id_buffer.clear();
                self.id_buffer.push_str(&String::from_utf8_lossy(value));
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All digits, so only an overflow can fail; such a value is ignored.
                if let Some(ms) = parse_digits(value) {
                    self.queue.push_back(SseItem::Retry(ms));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self) {
        if self.dispatched_id != self.id_buffer {
            self.dispatched_id.clone_from(&self.id_buffer);
        }
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop(); // every data line ends with LF; the last one is not part of the data
        let event = if self.event_type.is_empty() {
            "message".to_owned()
        } else {
            String::from_utf8_lossy(&self.event_type).into_owned()
        };
        self.event_type.clear();
        let id = (!self.id_buffer.is_empty()).then(|| self.id_buffer.clone());
        self.queue.push_back(SseItem::Event(SseEvent {
            event,
            data: into_string_lossy(data),
            id,
        }));
    }
}

fn parse_digits(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// Takes the bytes without copying when they are valid UTF-8.
fn into_string_lossy(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    }
}

/// Index of the first CR or LF, eight bytes at a time.
pub(crate) fn find_eol(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const LF: u64 = ONES * b'\n' as u64;
    const CR: u64 = ONES * b'\r' as u64;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let mut array = [0u8; 8];
        array.copy_from_slice(word);
        let word = u64::from_le_bytes(array);
        let lf = word ^ LF;
        let cr = word ^ CR;
        // The classic "has a zero byte" test; its lowest flag is exact, which is all we use.
        let found = (lf.wrapping_sub(ONES) & !lf & HIGHS) | (cr.wrapping_sub(ONES) & !cr & HIGHS);
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_eol(bytes: &[u8]) -> Option<usize> {
        bytes.iter().position(|&b| b == b'\n' || b == b'\r')
    }

    #[test]
    fn find_eol_agrees_with_a_plain_search() {
        let samples: [&[u8]; 8] = [
            b"",
            b"abc",
            b"abcdefgh\n",
            b"\r",
            b"0123456789abcdef\rxyz",
            b"\x8a\x0d\x0a\x00\xff",
            b"\x0b\x0c\x0e\x09\x8d\x8a\x0a",
            b"abcdefghijklmnopqrstuvwxyz012345\n",
        ];
        for sample in samples {
            for start in 0..sample.len() {
                assert_eq!(find_eol(&sample[start..]), naive_eol(&sample[start..]));
            }
        }
        let mut all: Vec<u8> = (0..=255u8).filter(|&b| b != b'\n' && b != b'\r').collect();
        all.extend_from_slice(&all.clone());
        for end in [b'\n', b'\r'] {
            for cut in 0..all.len() {
                let mut bytes = all[..cut].to_vec();
                bytes.push(end);
                bytes.extend_from_slice(b"tail");
                assert_eq!(find_eol(&bytes), Some(cut));
            }
        }
    }

    #[test]
    fn retry_overflow_is_ignored() {
        let mut parser = SseParser::default();
        parser
            .feed(b"retry: 99999999999999999999999\nretry: 5\n")
            .unwrap();
        assert_eq!(parser.drain().collect::<Vec<_>>(), vec![SseItem::Retry(5)]);
    }
}
