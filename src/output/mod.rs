//! Everything billctl shows: data on stdout (tables or JSON), status and warnings on stderr,
//! progress bars and confirmation prompts. Commands never print directly.

use anyhow::{bail, Result};
use comfy_table::{presets, Cell, Color, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

mod catalog;
pub mod dashboard;
mod keys;
mod payments;
pub mod revenue;
mod subscriptions;
mod usage;
mod webhooks;

pub use catalog::plan_table;
pub use payments::{card, CustomerList};
pub use subscriptions::subscription_table;
pub use usage::{csv, sync_warnings};
pub use webhooks::{delivery_printer, dry_run_summary, listen_line, would_send};

/// Text from outside (event ids, types, reasons, URLs) made safe for a terminal: control
/// characters, escape sequences included, are shown escaped (`\u{1b}`), never sent raw.
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// The human form of a report: what stdout shows without `--json`.
pub trait Render {
    /// The text for stdout (a table or lines).
    fn render(&self, out: &Output) -> String;

    /// Lines for stderr after the data (totals, hints), unless `-q`.
    fn notes(&self) -> Vec<String> {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
    interactive: bool,
    progress: bool,
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
            // dialoguer reads the terminal through stderr; both must be terminals to ask.
            interactive: std::io::stdin().is_terminal() && stderr_tty,
            progress: stderr_tty && !quiet,
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
        self.data(&serde_json::to_string_pretty(value)?)
    }

    /// A report: JSON with `--json`, else its rendering on stdout and its notes on stderr.
    pub fn show<T: serde::Serialize + Render>(&self, report: &T) -> Result<()> {
        if self.json {
            return self.json(report);
        }
        let text = report.render(self);
        if !text.is_empty() {
            self.data(&text)?;
        }
        for n in report.notes() {
            self.status(n);
        }
        Ok(())
    }

    /// One JSON value on one line of stdout, flushed (JSON Lines, for streams such as replay
    /// and listen). A closed pipe is an error, as with [`Output::data`].
    pub fn json_line<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        self.data(&serde_json::to_string(value)?)
    }

    /// Text on stderr that the user needs even with `-q`: a plan before its prompt, the
    /// reasons a command refused its input.
    pub fn notice(&self, text: impl AsRef<str>) {
        eprintln!("{}", text.as_ref());
    }

    /// A line on stderr about one item of a batch that went wrong (a failed delivery).
    pub fn item_failed(&self, msg: impl AsRef<str>) {
        eprintln!("billctl: {}", msg.as_ref());
    }

    /// A status line on stderr, unless `-q`.
    pub fn status(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }

    /// A debug line on stderr at `-v` level `level` or more. Never pass a secret.
    pub fn debug(&self, level: u8, msg: impl AsRef<str>) {
        if self.verbose >= level {
            eprintln!("billctl: {}", msg.as_ref());
        }
    }

    /// A warning on stderr, always.
    pub fn warn(&self, msg: impl AsRef<str>) {
        eprintln!("warning: {}", msg.as_ref());
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
        let c = Cell::new(text.to_string());
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
            bail!("{question}\nrefusing to continue without confirmation: pass --yes to confirm (stdin is not a terminal)");
        }
        Ok(dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()?)
    }
}

fn terminal_width() -> Option<u16> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w > 20)
}

/// Writes `text` to `path` as a private file (see [`PrivateFile`]).
pub fn write_private(path: &std::path::Path, text: &str) -> Result<()> {
    let mut f = PrivateFile::create(path)?;
    f.write(text.as_bytes())?;
    f.persist()
}

/// A file the user named (`--html`, `--write-env`, `--rejects`), written as it goes and put in
/// place at the end: a fresh random name created with O_EXCL (mode 0600) in the target's
/// directory, renamed over the target by [`PrivateFile::persist`]. A planted symlink or a
/// pre-created file is replaced, never followed or reused with its mode; dropped unpersisted,
/// the file is removed and the target left as it was.
pub struct PrivateFile {
    path: std::path::PathBuf,
    out: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl PrivateFile {
    pub fn create(path: &std::path::Path) -> Result<PrivateFile> {
        use anyhow::Context;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".billctl-")
            .tempfile_in(dir)
            .with_context(|| format!("failed to create a file in {}", dir.display()))?;
        Ok(PrivateFile {
            path: path.to_path_buf(),
            out: std::io::BufWriter::new(tmp),
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        use anyhow::Context;
        use std::io::Write;
        self.out
            .write_all(bytes)
            .with_context(|| format!("failed to write {}", self.path.display()))
    }

    /// Syncs the file and renames it over the target.
    pub fn persist(self) -> Result<()> {
        use anyhow::Context;
        let path = self.path;
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|t| t.as_file().sync_all().map(|()| t))
            .with_context(|| format!("failed to write {}", path.display()))?;
        tmp.persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("failed to write {}", path.display()))?;
        Ok(())
    }
}
