//! Frames leave the console in one write: everything ratatui draws is gathered here and
//! written at once, wrapped in synchronized output (DEC mode 2026: terminals that know it
//! show the frame whole, the others ignore the marks). The byte count of each frame is
//! kept for the budgets (QUALITY P4).

use std::io::{self, Write};

/// Begin synchronized output.
const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
/// End synchronized output.
const END_SYNC: &[u8] = b"\x1b[?2026l";

/// A writer that holds what is written until [`FrameWriter::commit`].
#[derive(Debug)]
pub struct FrameWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// Bytes of the last committed frame (0 when nothing changed).
    pub last_frame_bytes: usize,
    /// Frames written.
    pub frames: u64,
}

impl<W: Write> FrameWriter<W> {
    pub fn new(out: W) -> Self {
        FrameWriter {
            out,
            buf: Vec::with_capacity(64 * 1024),
            last_frame_bytes: 0,
            frames: 0,
        }
    }

    /// Writes what was gathered as one frame; nothing at all when nothing was drawn.
    pub fn commit(&mut self) -> io::Result<usize> {
        if self.buf.is_empty() {
            self.last_frame_bytes = 0;
            return Ok(0);
        }
        let mut frame = Vec::with_capacity(self.buf.len() + BEGIN_SYNC.len() + END_SYNC.len());
        frame.extend_from_slice(BEGIN_SYNC);
        frame.append(&mut self.buf);
        frame.extend_from_slice(END_SYNC);
        self.out.write_all(&frame)?;
        self.out.flush()?;
        self.last_frame_bytes = frame.len();
        self.frames += 1;
        Ok(frame.len())
    }

    /// The underlying writer (tests read what was written).
    pub fn inner(&self) -> &W {
        &self.out
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    /// Deferred to [`FrameWriter::commit`], so ratatui's flushes inside a draw cost no
    /// write of their own.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_write_per_frame_and_none_when_unchanged() {
        let mut w = FrameWriter::new(Vec::new());
        w.write_all(b"abc").unwrap();
        w.flush().unwrap();
        w.write_all(b"def").unwrap();
        assert!(w.inner().is_empty(), "nothing leaves before the commit");
        let n = w.commit().unwrap();
        assert_eq!(n, 6 + BEGIN_SYNC.len() + END_SYNC.len());
        assert_eq!(w.inner(), b"\x1b[?2026habcdef\x1b[?2026l");
        assert_eq!(w.commit().unwrap(), 0);
        assert_eq!(w.frames, 1);
    }
}
