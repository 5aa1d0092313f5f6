//! The chunked reader of an import: bounded lines (BOM, CRLF, over-long and endless lines
//! handled) read in chunks and parsed on all cores, each line an event or a reject.

use super::{Options, Reject, MAX_ENDLESS_LINE, MAX_LINE};
use crate::domain::usage::{self, Format, RawEvent};

/// Lines read and parsed together (or fewer, when they reach [`CHUNK_BYTES`]).
pub(super) const CHUNK_LINES: usize = 32_768;
pub(super) const CHUNK_BYTES: usize = 8 << 20;
/// How much of an over-long line a reject keeps.
pub(super) const LONG_LINE_KEPT: usize = 200;

/// A chunk of raw lines: their bytes end to end, where each starts and ends, the number of the
/// first, and how many bytes of the input they took (newlines and long tails included).
pub(super) struct Chunk {
    pub(super) buf: Vec<u8>,
    pub(super) spans: Vec<(usize, usize, bool)>,
    pub(super) first: usize,
    pub(super) bytes: u64,
}

/// A chunk parsed: events with their line numbers, rejects, and the text to quote rejects from.
pub(super) struct Parsed {
    pub(super) chunk: Chunk,
    pub(super) events: Vec<(usize, RawEvent)>,
    pub(super) rejects: Vec<Reject>,
    /// The lines that are events or rejects: a CSV header and blank lines are neither.
    pub(super) records: usize,
    pub(super) bytes: u64,
}

impl Parsed {
    pub(super) fn text(&self, n: usize) -> String {
        lossy(&self.chunk, n - self.chunk.first)
    }
}

/// Reads lines of at most [`MAX_LINE`] bytes (the rest of a longer one is skipped), without a
/// leading UTF-8 byte-order mark or a trailing `\r`.
pub(super) struct LineReader<R> {
    r: R,
    next_line: usize,
    at_start: bool,
}

impl<R: std::io::BufRead> LineReader<R> {
    pub(super) fn new(r: R) -> LineReader<R> {
        LineReader {
            r,
            next_line: 1,
            at_start: true,
        }
    }

    /// The next chunk, or `None` at the end of the input.
    pub(super) fn chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        let mut c = Chunk {
            buf: Vec::with_capacity(CHUNK_BYTES.min(1 << 20)),
            spans: Vec::new(),
            first: self.next_line,
            bytes: 0,
        };
        while c.spans.len() < CHUNK_LINES && c.buf.len() < CHUNK_BYTES {
            if !self.line(&mut c)? {
                break;
            }
        }
        self.next_line += c.spans.len();
        Ok((!c.spans.is_empty()).then_some(c))
    }

    /// Appends one line to `c`; false at the end of the input.
    pub(super) fn line(&mut self, c: &mut Chunk) -> std::io::Result<bool> {
        let start = c.buf.len();
        let (mut long, mut any) = (false, false);
        let mut seen: u64 = 0;
        loop {
            let avail = match self.r.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                break;
            }
            any = true;
            let (piece, used, done) = match memchr::memchr(b'\n', avail) {
                Some(i) => (&avail[..i], i + 1, true),
                None => (avail, avail.len(), false),
            };
            let room = MAX_LINE.saturating_sub(c.buf.len() - start);
            if piece.len() > room {
                long = true;
            }
            let keep = if long {
                LONG_LINE_KEPT
                    .saturating_sub(c.buf.len() - start)
                    .min(piece.len())
            } else {
                piece.len()
            };
            c.buf.extend_from_slice(&piece[..keep]);
            self.r.consume(used);
            c.bytes += used as u64;
            seen = seen.saturating_add(used as u64);
            if done {
                break;
            }
            if seen > MAX_ENDLESS_LINE {
                return Err(endless(self.next_line + c.spans.len()));
            }
        }
        if any {
            self.end_line(c, start, long);
        }
        Ok(any)
    }

    /// Ends the line that began at `start` in `c`: without a byte-order mark at the start of
    /// the input, or (unless cut short) a trailing `\r`.
    fn end_line(&mut self, c: &mut Chunk, start: usize, long: bool) {
        if self.at_start {
            self.at_start = false;
            if c.buf[start..].starts_with(b"\xEF\xBB\xBF") {
                c.buf.drain(start..start + 3);
            }
        }
        if !long && c.buf.last() == Some(&b'\r') && c.buf.len() > start {
            c.buf.pop();
        }
        c.spans.push((start, c.buf.len(), long));
    }
}

/// Line `n` never ended within [`MAX_ENDLESS_LINE`] bytes.
fn endless(n: usize) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "line {n} is over {} MiB and has not ended: not a usage file",
            MAX_ENDLESS_LINE >> 20
        ),
    )
}

/// Parses a chunk on all cores; a CSV header, if not yet seen, is its first non-blank line.
pub(super) fn parse_chunk(
    chunk: Chunk,
    opts: &Options,
    now: i64,
    header: &mut Option<Vec<String>>,
) -> Parsed {
    let mut rejects = Vec::new();
    let mut skip = 0;
    if opts.format == Format::Csv {
        while header.is_none() && skip < chunk.spans.len() {
            let n = chunk.first + skip;
            let line = line_of(&chunk, skip);
            skip += 1;
            match line {
                Ok(l) if l.trim().is_empty() => {}
                Ok(l) => match usage::csv_header(l) {
                    Ok(h) => *header = Some(h),
                    Err(reason) => rejects.push(reject(&chunk, skip - 1, n, reason)),
                },
                Err(reason) => rejects.push(reject(&chunk, skip - 1, n, reason)),
            }
        }
    }
    let rest = chunk.spans.len() - skip;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = rest.div_ceil(threads).max(4_096);
    let h = header.as_deref();
    let parts: Vec<_> = std::thread::scope(|s| {
        let workers: Vec<_> = (skip..chunk.spans.len())
            .step_by(per.max(1))
            .map(|from| {
                let to = (from + per).min(chunk.spans.len());
                let chunk = &chunk;
                s.spawn(move || parse_lines(chunk, from..to, h, opts, now))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a parser thread panicked"))
            .collect()
    });
    let mut events = Vec::with_capacity(rest);
    for (e, r) in parts {
        events.extend(e);
        rejects.extend(r);
    }
    Parsed {
        records: events.len() + rejects.len(),
        bytes: chunk.bytes,
        chunk,
        events,
        rejects,
    }
}

/// Line `i` of a chunk as text, or why it is not.
pub(super) fn line_of(chunk: &Chunk, i: usize) -> Result<&str, String> {
    let (a, b, long) = chunk.spans[i];
    if long {
        return Err(format!("line is longer than {MAX_LINE} bytes"));
    }
    std::str::from_utf8(&chunk.buf[a..b])
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1))
}

/// Line `i` of a chunk as text, invalid UTF-8 replaced (to quote it in a reject).
pub(super) fn lossy(chunk: &Chunk, i: usize) -> String {
    let (a, b, _) = chunk.spans[i];
    String::from_utf8_lossy(&chunk.buf[a..b]).into_owned()
}

pub(super) fn reject(chunk: &Chunk, i: usize, n: usize, reason: String) -> Reject {
    Reject {
        line: n,
        reason,
        input: lossy(chunk, i),
    }
}

/// Parses lines `range` of `chunk`: CSV records under `header`, else NDJSON; each event is
/// checked against the usage bounds.
pub(super) fn parse_lines(
    chunk: &Chunk,
    range: std::ops::Range<usize>,
    header: Option<&[String]>,
    opts: &Options,
    now: i64,
) -> (Vec<(usize, RawEvent)>, Vec<Reject>) {
    let mut events = Vec::with_capacity(range.len());
    let mut rejects = Vec::new();
    for i in range {
        let n = chunk.first + i;
        let line = match line_of(chunk, i) {
            Ok(l) if l.trim().is_empty() => continue,
            Ok(l) => l,
            Err(reason) => {
                rejects.push(reject(chunk, i, n, reason));
                continue;
            }
        };
        let parsed = match header {
            None => usage::parse_ndjson(line),
            Some(h) => usage::parse_csv(h, line),
        }
        .and_then(|e| opts.bounds.event(&e, now).map(|()| e));
        match parsed {
            Ok(mut e) => {
                if e.id.is_none() {
                    if !opts.derive_ids {
                        rejects.push(reject(
                            chunk,
                            i,
                            n,
                            match opts.route {
                                crate::domain::usage::Route::Import => {
                                    "no id (pass --derive-ids to make one from the fields)"
                                }
                                _ => "no id (every event needs one: the retry of a call must repeat it)",
                            }
                            .into(),
                        ));
                        continue;
                    }
                    e.id = Some(usage::derive_id(&e));
                }
                events.push((n, e));
            }
            Err(reason) => rejects.push(reject(chunk, i, n, reason)),
        }
    }
    (events, rejects)
}
