//! Everything billctl shows: data on stdout (tables or JSON), status and warnings on stderr,
//! progress bars and confirmation prompts. Commands never print directly.

use anyhow::{bail, Result};
use comfy_table::{presets, Cell, Color, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

mod catalog;
mod chart;
pub mod dashboard;
mod db;
mod doctor;
pub use crate::util::text::json_text;
mod keys;
pub mod logq;
mod payments;
mod serve;
pub use serve::{
    config_notice, config_said, log_notice, ready_status, reload_said, secret_source_notice,
    serve_access_log, serve_notice, serve_summary,
};
pub mod revenue;
mod subscriptions;
mod svg;
mod usage;
mod webhooks;

pub use catalog::plan_table;
pub use payments::{card, CustomerList};
pub use subscriptions::subscription_table;
pub use usage::{conflict_line, csv, sync_warnings};
pub use webhooks::{delivery_printer, dry_run_summary, listen_log};

/// A CSV document: `header`, then `rows`, quoted as RFC 4180 says (the csv crate), one `\n`
/// after each record. A text cell that a spreadsheet would run as a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a CR) gets a `'` in front, as OWASP recommends against CSV
/// injection; numbers (`-500`, `12.5`) are left as they are.
pub fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| defuse(c).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A CSV document (as [`csv_text`] wrote it) for a person at a terminal: each field with its
/// unsafe characters escaped as [`clean`] escapes them (a newline inside a field too), so the
/// records and their quoting stay as they were and nothing in a field reaches the terminal
/// raw. A file or a pipe gets the document exact.
fn csv_for_terminal(text: &str) -> String {
    if !text.chars().any(|c| c != '\n' && unsafe_char(c)) && !text.contains("\"") {
        return text.to_string();
    }
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for record in r.records() {
        // The text is billctl's own CSV; were a record unreadable, its escaped text is shown.
        let _ = match record {
            Ok(rec) => w.write_record(rec.iter().map(|f| clean(f).into_owned())),
            Err(e) => w.write_record([clean(&e.to_string()).into_owned()]),
        };
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// `cell`, with a `'` before it when a spreadsheet would take it for a formula.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

pub use crate::util::text::{bidi_control, clean, terminal_safe, unsafe_char};

/// A rendered report made safe for a terminal: as [`terminal_safe`] (its own line breaks kept),
/// except that with color on, the SGR color sequences billctl's tables use (`ESC [ 1;31 m`) pass.
/// Screen clears, cursor moves, titles and clipboard writes (OSC 52) never do.
fn rendered_safe(text: &str, color: bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && unsafe_char(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\u{1b}' && color {
            let rest = &text[i + 1..];
            let sgr = rest
                .strip_prefix('[')
                .map(|r| r.find(|ch: char| !(ch.is_ascii_digit() || ch == ';')))
                .and_then(|end| end.filter(|e| rest[1 + e..].starts_with('m')));
            if let Some(end) = sgr {
                out.push_str(&text[i..i + 1 + 1 + end + 1]);
                for _ in 0..(1 + end + 1) {
                    chars.next();
                }
                continue;
            }
        }
        if c != '\n' && unsafe_char(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A table cell of text from anywhere, made safe ([`clean`]): every table goes through this.
pub fn cell(text: impl ToString) -> Cell {
    Cell::new(clean(&text.to_string()).into_owned())
}

/// The human form of a report: what stdout shows without `--json`.
pub trait Render {
    /// The text for stdout (a table or lines).
    fn render(&self, out: &Output) -> String;

    /// Lines for stderr after the data (totals, hints), unless `-q`.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }

    /// Warnings for stderr after the data, even with `-q` (not with `--json`, whose reader
    /// finds the same in the document).
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A stream of lines on stdout from another thread (listen's log): the first write that fails
/// (a closed pipe) is kept and the stream says it is closed, so the caller can stop and exit.
#[derive(Clone)]
pub struct Stream {
    output: Output,
    closed: Arc<tokio::sync::Notify>,
    error: Arc<Mutex<Option<anyhow::Error>>>,
}

impl Stream {
    pub fn new(output: &Output) -> Stream {
        Stream {
            output: output.clone(),
            closed: Arc::default(),
            error: Arc::default(),
        }
    }

    /// Writes one line; after a failed write, later lines are dropped.
    pub fn line(&self, text: &str) {
        if let Err(e) = self.output.data(text) {
            let mut first = self.error.lock().unwrap_or_else(|p| p.into_inner());
            if first.is_none() {
                *first = Some(e);
                self.closed.notify_one();
            }
        }
    }

    /// Resolves when a write has failed.
    pub async fn closed(&self) {
        self.closed.notified().await;
    }

    /// The failed write's error, if any (a broken pipe, which main turns into exit 0).
    pub fn take_error(&self) -> Option<anyhow::Error> {
        self.error.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Output settings decided once from the global flags and the terminal.
#[derive(Debug, Clone)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    color: bool,
    /// Whether stdout is a terminal: a `--csv` export is then shown escaped, else kept exact.
    stdout_tty: bool,
    interactive: bool,
    progress: bool,
    /// A service's log queue: when set, status, debug, log and warning lines go through it
    /// instead of being written here (see [`logq`]).
    log: Option<Arc<logq::LogQueue>>,
}

impl Output {
    pub fn new(json: bool, quiet: bool, verbose: u8, color: ColorChoice) -> Output {
        let stdout_tty = std::io::stdout().is_terminal();
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_tty && !dumb && !no_color,
        };
        let stderr_tty = std::io::stderr().is_terminal();
        Output {
            json,
            quiet,
            verbose,
            color,
            stdout_tty,
            // dialoguer reads the terminal through stderr; both must be terminals to ask.
            interactive: std::io::stdin().is_terminal() && stderr_tty,
            progress: stderr_tty && !quiet,
            log: None,
        }
    }

    /// This output with its stderr lines sent through `queue` (a service's log).
    pub fn with_log_queue(&self, queue: Arc<logq::LogQueue>) -> Output {
        Output {
            log: Some(queue),
            ..self.clone()
        }
    }

    /// A line for stderr: queued when this output has a log queue, else written now.
    fn stderr_line(&self, line: String) {
        match &self.log {
            Some(q) => q.line(line),
            None => {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "{line}");
            }
        }
    }

    /// True when a question can be asked and answered.
    pub fn interactive(&self) -> bool {
        self.interactive
    }

    /// Writes data to stdout. A closed pipe (`billctl ... | head`) surfaces as an
    /// `io::ErrorKind::BrokenPipe` error, which main turns into exit 0.
    pub fn data(&self, text: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(())
    }

    /// One JSON document on stdout.
    pub fn json<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        self.data(&json_text(value, true)?)
    }

    /// A report: JSON with `--json`, else its rendering on stdout and its notes on stderr.
    pub fn show<T: serde::Serialize + Render>(&self, report: &T) -> Result<()> {
        if self.json {
            return self.json(report);
        }
        let text = report.render(self);
        if !text.is_empty() {
            // The one output path of every human report: whatever a renderer let through is
            // made safe here (cells are already, by `cell`).
            self.data(&rendered_safe(&text, self.color))?;
        }
        for n in report.notes() {
            self.status(n);
        }
        for w in report.warnings() {
            self.warn(w);
        }
        Ok(())
    }

    /// A report as CSV with `--csv` (`csv` makes the text), unless `--json` asks for JSON.
    pub fn show_or_csv<T: serde::Serialize + Render>(
        &self,
        report: &T,
        csv: bool,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        if csv && !self.json {
            let text = text();
            if self.stdout_tty {
                self.data(&csv_for_terminal(&text))?;
            } else {
                self.data(&text)?;
            }
            // An export carries its report's warnings: on stderr, as the table's.
            for w in report.warnings() {
                self.warn(w);
            }
            return Ok(());
        }
        self.show(report)
    }

    /// A report, unless it is `empty` and not asked for as JSON (a script still gets an
    /// empty document); whether it was shown.
    pub fn show_unless_empty<T: serde::Serialize + Render>(
        &self,
        report: &T,
        empty: bool,
    ) -> Result<bool> {
        if empty && !self.json {
            return Ok(false);
        }
        self.show(report)?;
        Ok(true)
    }

    /// A plan before its prompt, on stderr for a person: not with `-q` or `--json`.
    pub fn plan(&self, text: impl AsRef<str>) {
        if !self.quiet && !self.json {
            self.notice(text);
        }
    }

    /// A report whose human form is a whole page (`html` makes it): its JSON with `--json`,
    /// else the page, into `out` (a private file) or onto stdout. Refuses to put a page on a
    /// terminal. `Some` with where and how many bytes, when a file was written.
    pub fn show_page<T: serde::Serialize>(
        &self,
        report: &T,
        out: Option<&std::path::Path>,
        html: impl FnOnce() -> String,
    ) -> Result<Option<(Target, usize)>> {
        if self.json {
            self.json(report)?;
            return Ok(None);
        }
        let page = html();
        match out {
            Some(path) => Ok(Some((write_private(path, &page)?, page.len()))),
            None => {
                self.data(&page)?;
                Ok(None)
            }
        }
    }

    /// Refuses a page for a terminal: without `--out` (`has_out`), and without `--json`,
    /// stdout must not be one.
    pub fn refuse_page_on_terminal(&self, has_out: bool, hint: &str) -> Result<()> {
        if !has_out && !self.json && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            anyhow::bail!("{hint}");
        }
        Ok(())
    }

    /// One item of a stream (listen, replay): one JSON line with `--json`, else as
    /// [`Output::show`] renders it.
    pub fn show_line<T: serde::Serialize + Render>(&self, item: &T) -> Result<()> {
        if self.json {
            return self.json_line(item);
        }
        self.show(item)
    }

    /// One JSON value on one line of stdout, flushed (JSON Lines, for streams such as replay
    /// and listen). A closed pipe is an error, as with [`Output::data`].
    pub fn json_line<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        self.data(&json_text(value, false)?)
    }

    /// Text on stderr that the user needs even with `-q`: a plan before its prompt, the
    /// reasons a command refused its input.
    pub fn notice(&self, text: impl AsRef<str>) {
        eprintln!("{}", terminal_safe(text.as_ref()));
    }

    /// A line on stderr about one item of a batch that went wrong (a failed delivery).
    pub fn item_failed(&self, msg: impl AsRef<str>) {
        eprintln!("billctl: {}", terminal_safe(msg.as_ref()));
    }

    /// A status line on stderr, unless `-q`.
    pub fn status(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            self.stderr_line(terminal_safe(msg.as_ref()).into_owned());
        }
    }

    /// A debug line on stderr at `-v` level `level` or more. Never pass a secret.
    pub fn debug(&self, level: u8, msg: impl AsRef<str>) {
        if self.verbose >= level {
            self.stderr_line(format!("billctl: {}", terminal_safe(msg.as_ref())));
        }
    }

    /// A log line on stderr, always: `value` as one line of JSON, through the one writer
    /// ([`json_text`]), whose escaping makes it safe on a terminal.
    pub fn log_line<T: serde::Serialize>(&self, value: &T) {
        if let Ok(line) = json_text(value, false) {
            self.stderr_line(line);
        }
    }

    /// A warning on stderr, always.
    pub fn warn(&self, msg: impl AsRef<str>) {
        self.stderr_line(format!("warning: {}", terminal_safe(msg.as_ref())));
    }

    /// A table with a header row; cells may be colored with [`Output::paint`].
    pub fn table(&self, header: &[&str], rows: Vec<Vec<Cell>>) -> String {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        // A dynamic arrangement squashes columns when the terminal reports no width.
        let width = terminal_width();
        if let Some(w) = width {
            t.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(w);
        }
        if !self.color {
            t.force_no_tty();
        } else {
            t.enforce_styling();
        }
        t.set_header(header.iter().map(Cell::new));
        for r in rows {
            t.add_row(r);
        }
        t.to_string()
    }

    /// A cell colored when color is on.
    pub fn paint(&self, text: impl ToString, color: Color) -> Cell {
        let c = cell(text);
        if self.color {
            c.fg(color)
        } else {
            c
        }
    }

    /// A progress bar on stderr, hidden when stderr is not a terminal or with `-q`.
    pub fn progress(&self, len: u64, msg: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(
            Some(len),
            if self.progress {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(msg.to_string());
        bar
    }

    /// Gives `bar` a style with the rate and time left, counting `unit`.
    pub fn rate_style(&self, bar: &ProgressBar, unit: &str) {
        let template =
            format!("{{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
    }

    /// Shows a bar's position and length as bytes, with a rate and time left.
    pub fn bytes_style(&self, bar: &ProgressBar) {
        let template = "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)";
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
    }

    /// A spinner on stderr for work of unknown length (hidden as `progress` is).
    pub fn spinner(&self, msg: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(
            None,
            if self.progress {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_message(msg.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }

    /// Asks a yes/no question; `--yes` answers yes. Without a terminal and without `--yes`
    /// this is an error naming the flag, never a silent yes or no.
    pub fn confirm(&self, question: &str, yes: bool) -> Result<bool> {
        if yes {
            return Ok(true);
        }
        if !self.interactive {
            // The refusal is the error; the question is what was not answered (an error line
            // that is a question reads as if billctl were asking it).
            bail!("refusing to continue without confirmation: stdin is not a terminal; pass --yes to confirm\nnot answered: {question}");
        }
        // A question may quote outside text (an email, ids): shown as every message is.
        Ok(dialoguer::Confirm::new()
            .with_prompt(terminal_safe(question))
            .default(false)
            .interact()?)
    }
}

/// Output's bar is the progress handle commands give workflows.
impl crate::ops::Progress for ProgressBar {
    fn set_len(&self, len: u64) {
        self.set_length(len);
    }
    fn inc(&self, n: u64) {
        ProgressBar::inc(self, n);
    }
    fn set_position(&self, pos: u64) {
        ProgressBar::set_position(self, pos);
    }
    fn message(&self, msg: &str) {
        self.set_message(msg.to_string());
    }
}

/// The width tables wrap to when stdout is a terminal: `$COLUMNS` when it holds a width (as
/// `ls` and git read it: a user's override, and what a script sets), else the terminal's own
/// (TIOCGWINSZ on stdout, which bash's unexported `COLUMNS` never reaches). Not a terminal:
/// `None`, and tables keep their natural width.
fn terminal_width() -> Option<u16> {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    let columns = std::env::var("COLUMNS").ok();
    pick_width(columns.as_deref(), || {
        terminal_size::terminal_size_of(&stdout).map(|(w, _)| w.0)
    })
}

/// `$COLUMNS` if it is a usable width, else what the terminal reports; widths of 20 columns or
/// fewer (0: a pty nobody sized) are ignored.
fn pick_width(columns: Option<&str>, terminal: impl FnOnce() -> Option<u16>) -> Option<u16> {
    let usable = |w: &u16| *w > 20;
    columns
        .and_then(|c| c.trim().parse().ok())
        .filter(usable)
        .or_else(|| terminal().filter(usable))
}

/// Creates `dir` (and its parents) as 0700 if it is missing; an existing directory is kept.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Writes `text` to `path` as a private file (see [`PrivateFile`]); returns where it went.
pub fn write_private(path: &std::path::Path, text: &str) -> Result<Target> {
    let mut f = PrivateFile::create(path)?;
    f.write(text.as_bytes())?;
    f.persist()
}

/// Where a [`PrivateFile`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A regular file (new or replaced): a temporary file renamed over it.
    File,
    /// A FIFO, a device or a file reached through /dev or /proc: written where it is.
    InPlace,
    /// `-`: standard output.
    Stdout,
}

enum Sink {
    Temp(std::io::BufWriter<tempfile::NamedTempFile>),
    InPlace(std::io::BufWriter<std::fs::File>),
    Stdout(std::io::BufWriter<std::io::Stdout>),
}

/// A file the user named (`--html`, `--out`, `--write-env`, `--rejects`).
///
/// A regular file (or a name that does not exist yet) is written as it goes and put in place at
/// the end: a fresh random name created with O_EXCL (mode 0600) in the target's directory,
/// renamed over the target by [`PrivateFile::persist`]. A planted symlink or a pre-created
/// file is replaced, never followed or reused with its mode; dropped unpersisted, the file is
/// removed and the target left as it was.
///
/// What is not a regular file is written in place, as `curl -o`, `sort -o` and `tee` do, never
/// replaced: `-` is standard output, and a FIFO, a character device (`/dev/null`, a terminal)
/// or anything under `/dev` or `/proc` (`/dev/stdout` is a link to whatever stdout is) is
/// opened and written. A write error (ENOSPC on `/dev/full`) is an error.
pub struct PrivateFile {
    path: std::path::PathBuf,
    out: Sink,
}

/// Whether `path` names something to write in place rather than replace, given what it is
/// (`meta`, following a symlink: one to a FIFO or a device is written through).
fn in_place(path: &std::path::Path, meta: Option<&std::fs::Metadata>) -> bool {
    let through_dev = |p: &std::path::Path| p.starts_with("/dev") || p.starts_with("/proc");
    if through_dev(path) {
        return true;
    }
    if let Some(real) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .and_then(|d| std::fs::canonicalize(d).ok())
    {
        if through_dev(&real) {
            return true;
        }
    }
    meta.is_some_and(|m| !m.is_file() && !m.is_dir())
}

impl PrivateFile {
    pub fn create(path: &std::path::Path) -> Result<PrivateFile> {
        use anyhow::Context;
        let meta = std::fs::metadata(path).ok();
        let out = if path.as_os_str() == "-" {
            Sink::Stdout(std::io::BufWriter::new(std::io::stdout()))
        } else if in_place(path, meta.as_ref()) {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .truncate(meta.as_ref().is_some_and(|m| m.is_file()))
                .open(path)
                .with_context(|| format!("failed to open {}", path.display()))?;
            Sink::InPlace(std::io::BufWriter::new(f))
        } else {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => std::path::Path::new("."),
            };
            let tmp = tempfile::Builder::new()
                .prefix(".billctl-")
                .tempfile_in(dir)
                .with_context(|| format!("failed to create a file in {}", dir.display()))?;
            Sink::Temp(std::io::BufWriter::new(tmp))
        };
        Ok(PrivateFile {
            path: path.to_path_buf(),
            out,
        })
    }

    /// Where this writes.
    pub fn target(&self) -> Target {
        match self.out {
            Sink::Temp(_) => Target::File,
            Sink::InPlace(_) => Target::InPlace,
            Sink::Stdout(_) => Target::Stdout,
        }
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        use anyhow::Context;
        use std::io::Write;
        match &mut self.out {
            Sink::Temp(w) => w.write_all(bytes),
            Sink::InPlace(w) => w.write_all(bytes),
            Sink::Stdout(w) => w.write_all(bytes),
        }
        .with_context(|| format!("failed to write {}", self.path.display()))
    }

    /// Flushes and syncs the file and renames it over the target (a regular file), or flushes
    /// what is written in place. Returns where it went.
    pub fn persist(self) -> Result<Target> {
        use anyhow::Context;
        use std::io::Write;
        let path = self.path;
        let fail = || format!("failed to write {}", path.display());
        match self.out {
            Sink::Temp(w) => {
                let tmp = w
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|t| t.as_file().sync_all().map(|()| t))
                    .with_context(fail)?;
                tmp.persist(&path).map_err(|e| e.error).with_context(fail)?;
                Ok(Target::File)
            }
            Sink::InPlace(w) => {
                let f = w
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(fail)?;
                if f.metadata().is_ok_and(|m| m.is_file()) {
                    f.sync_all().with_context(fail)?;
                }
                Ok(Target::InPlace)
            }
            Sink::Stdout(mut w) => {
                w.flush().with_context(fail)?;
                Ok(Target::Stdout)
            }
        }
    }
}

/// A page's warnings (those its report prints on stderr), shown at its top: a page carries
/// what the table would have warned about. Empty without any.
pub fn page_warnings(warnings: &[String]) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let mut s = String::from("<div class=\"warnings\" role=\"alert\">");
    for w in warnings {
        s.push_str(&format!(
            "<p class=\"warning\"><strong>warning:</strong> {}</p>",
            svg::escape(w)
        ));
    }
    s.push_str("</div>\n");
    s
}

/// "Wrote PATH." or, for standard output, nothing worth a line: the status after a write.
pub fn wrote(path: &std::path::Path, target: Target) -> Option<String> {
    match target {
        Target::Stdout => None,
        _ => Some(format!("Wrote {}.", path.display())),
    }
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn rendered_text_keeps_line_breaks_and_only_our_colors() {
        let hostile = "a\u{1b}]52;c;eA==\u{7}b\r\u{202e}c\u{1b}[2J";
        let plain = rendered_safe(hostile, false);
        assert!(!plain.contains('\u{1b}') && !plain.contains('\r') && !plain.contains('\u{202e}'));
        let colored = rendered_safe("\u{1b}[31mred\u{1b}[0m\nnext", true);
        assert_eq!(colored, "\u{1b}[31mred\u{1b}[0m\nnext");
        let mixed = rendered_safe("\u{1b}[1;32mok\u{1b}[0m \u{1b}[2J\u{7}", true);
        assert_eq!(mixed, "\u{1b}[1;32mok\u{1b}[0m \\u{1b}[2J\\u{7}");
        assert_eq!(clean("a\nb"), "a\\u{a}b");
        assert_eq!(terminal_safe("a\nb\u{202e}"), "a\nb\\u{202e}");
        // Unicode's whole Bidi_Control list, and C1's CSI.
        assert_eq!(
            clean("\u{61c}\u{200e}\u{200f}\u{2069}\u{9b}"),
            "\\u{61c}\\u{200e}\\u{200f}\\u{2069}\\u{9b}"
        );
    }

    /// CSV for a terminal: each field escaped (its newline too), the records, their quoting
    /// and the formula guard as they were; CSV without anything to escape is unchanged.
    #[test]
    fn csv_for_a_terminal_escapes_fields_and_keeps_records() {
        let exact = csv_text(
            &["customer", "used"],
            [
                vec!["=cmd\u{1b}]52;c;SGk=\u{7}\nx".to_string(), "-5".to_string()],
                vec!["a, \"b\"".to_string(), "1".to_string()],
            ],
        );
        let shown = csv_for_terminal(&exact);
        assert_eq!(
            shown,
            "customer,used\n'=cmd\\u{1b}]52;c;SGk=\\u{7}\\u{a}x,-5\n\"a, \"\"b\"\"\",1\n"
        );
        let plain = csv_text(&["a", "b"], [vec!["x, y".to_string(), "2".to_string()]]);
        assert_eq!(csv_for_terminal(&plain), plain);
    }

    /// `$COLUMNS` overrides the terminal's width when it holds one; otherwise the terminal's.
    #[test]
    fn columns_overrides_the_terminal_width() {
        let table: &[(Option<&str>, Option<u16>, Option<u16>)] = &[
            (None, Some(100), Some(100)),
            (Some("60"), Some(100), Some(60)),
            (Some(" 60 "), None, Some(60)),
            (Some(""), Some(100), Some(100)),
            (Some("wide"), Some(100), Some(100)),
            (Some("10"), Some(100), Some(100)),
            (None, Some(0), None),
            (None, None, None),
        ];
        for (columns, terminal, want) in table {
            assert_eq!(
                pick_width(*columns, || *terminal),
                *want,
                "{columns:?} {terminal:?}"
            );
        }
    }
}
