//! How webhook reports read on a terminal.

use super::{clean, Output, Render};
use crate::domain::time::utc_datetime;
use crate::ops::webhooks::listen::Logged;
use crate::ops::webhooks::replay::Summary;
use crate::ops::webhooks::ApplySummary;
use crate::ops::webhooks::{
    BackfillReport, ConflictList, ConflictSeen, Deleted, EndpointList, EndpointView, EventList,
    IngestReport, RejectedList, ReprocessReport, ShowReport, VerifyReport,
};

/// `webhooks listen`'s log: a line per request on `stream` (JSON with `--json`), none with
/// `-q`.
pub fn listen_log(out: &Output, stream: super::Stream) -> impl Fn(&Logged) + Send + Sync + 'static {
    let (json, quiet) = (out.json, out.quiet);
    move |l: &Logged| {
        if !quiet {
            stream.line(&listen_line(l, json));
        }
    }
}

/// One line of `webhooks listen`'s log: JSON with `--json`, else columns.
fn listen_line(l: &Logged, json: bool) -> String {
    if json {
        return super::json_text(l, false).unwrap_or_default();
    }
    let what = match &l.applied {
        Some(o) => format!("{}: {}", o.status(), o.detail()),
        None => l.reason.clone().unwrap_or_default(),
    };
    format!(
        "{}  {}  {:<9}  {}  {}  {}",
        utc_datetime(l.received_at_ms / 1000),
        l.http_status,
        l.outcome,
        clean(l.event_id.as_deref().unwrap_or("-")),
        clean(l.kind.as_deref().unwrap_or("-")),
        clean(&what)
    )
}

/// Each delivery as a JSON line with `--json`, else its failure on stderr. A failed write
/// (a closed stdout) is kept in `pipe_error` and stops the run.
pub fn delivery_printer<'a>(
    output: &'a Output,
    bar: &'a indicatif::ProgressBar,
    pipe_error: &'a mut Option<anyhow::Error>,
) -> impl FnMut(&crate::adapters::store::webhooks::Delivery) -> std::ops::ControlFlow<()> + 'a {
    move |d| {
        if output.json {
            if let Err(e) = output.json_line(d) {
                pipe_error.get_or_insert(e);
                return std::ops::ControlFlow::Break(());
            }
        } else if !d.ok {
            let status = d
                .http_status
                .map_or("no answer".to_string(), |s| format!("HTTP {s}"));
            let excerpt = d.excerpt.as_deref().unwrap_or("");
            let line = format!("{}: {status} {excerpt}", d.event_id);
            bar.suspend(|| output.item_failed(clean(&line)));
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// The refetches of an apply, for stderr (issue 39).
fn refetch_notes(s: &ApplySummary) -> Vec<String> {
    match s.refetched {
        0 => Vec::new(),
        n => vec![format!(
            "{} refetched from Stripe where an event alone could not decide",
            crate::util::plural::count(n, "subscription", "subscriptions")
        )],
    }
}

/// Events that needed a refetch billctl could not make, for stderr even with `-q`.
fn refetch_warnings(s: &ApplySummary) -> Vec<String> {
    match s.needs_refetch {
        0 => Vec::new(),
        n => vec![format!(
            "{} a refetch and changed nothing: run 'billctl webhooks reprocess --failed --refetch' with a Stripe key, or 'billctl subscriptions sync'",
            crate::util::plural::count(n, "event needs", "events need")
        )],
    }
}

impl Render for IngestReport {
    fn notes(&self) -> Vec<String> {
        refetch_notes(&self.applied)
    }

    fn render(&self, _: &Output) -> String {
        format!(
            "read {}: {} stored, {} already stored, {}; applied {}, ignored {}, failed {}\n",
            crate::util::plural::count(self.read, "event", "events"),
            self.stored,
            self.already_stored,
            crate::util::plural::count(self.conflicts.len(), "conflict", "conflicts"),
            self.applied.applied,
            self.applied.ignored,
            self.applied.failed
        )
    }

    fn warnings(&self) -> Vec<String> {
        let mut w = conflict_warnings(&self.conflicts);
        w.extend(refetch_warnings(&self.applied));
        w
    }
}

/// One warning per conflict, saying which copy is the stored event now.
fn conflict_warnings(conflicts: &[ConflictSeen]) -> Vec<String> {
    conflicts
        .iter()
        .map(|c| {
            let what = if c.clash.replaced {
                format!("this copy ({}) replaced it and was applied; the earlier body is kept apart", c.source)
            } else {
                format!("this body (from {}) is kept apart; the stored event stays", c.source)
            };
            clean(&format!(
                "conflict: {} is stored as {} (from {}) and came again as {}: {what} ('webhooks list --status conflict')",
                c.event_id, c.clash.stored_type, c.clash.stored_source, c.kind
            ))
            .into_owned()
        })
        .collect()
}

impl Render for ReprocessReport {
    fn notes(&self) -> Vec<String> {
        refetch_notes(&self.applied)
    }

    fn warnings(&self) -> Vec<String> {
        refetch_warnings(&self.applied)
    }

    fn render(&self, _: &Output) -> String {
        format!(
            "re-applied {}: applied {}, ignored {}, failed {}\n",
            crate::util::plural::count(self.selected, "event", "events"),
            self.applied.applied,
            self.applied.ignored,
            self.applied.failed
        )
    }
}

impl Render for BackfillReport {
    fn render(&self, _: &Output) -> String {
        format!(
            "listed {} since {}: {} new stored, {} already stored, {}; applied {}, ignored {}, failed {}\n",
            crate::util::plural::count(self.listed, "event", "events"),
            utc_datetime(self.since),
            self.stored,
            self.already_stored,
            crate::util::plural::count(self.conflicts.len(), "conflict", "conflicts"),
            self.applied.applied,
            self.applied.ignored,
            self.applied.failed
        )
    }

    fn warnings(&self) -> Vec<String> {
        let mut w = conflict_warnings(&self.conflicts);
        w.extend(refetch_warnings(&self.applied));
        w
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = refetch_notes(&self.applied);
        if self.stored > 0 || !self.conflicts.is_empty() {
            notes.push(format!(
                "push them to your application with: billctl webhooks replay --since {} --to URL",
                self.since
            ));
        }
        notes
    }
}

impl Render for EventList {
    fn render(&self, out: &Output) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let rows = self
            .0
            .iter()
            .map(|r| {
                let mut detail = r.detail.clone().unwrap_or_default();
                if detail.chars().count() > 80 {
                    detail = detail.chars().take(77).collect::<String>() + "...";
                }
                vec![
                    super::cell(clean(&r.id)),
                    super::cell(clean(&r.kind)),
                    super::cell(utc_datetime(r.created)),
                    super::cell(r.received),
                    super::cell(&r.status),
                    super::cell(clean(&detail)),
                ]
            })
            .collect();
        out.table(
            &["id", "type", "created", "received", "status", "detail"],
            rows,
        )
    }

    fn notes(&self) -> Vec<String> {
        if self.0.is_empty() {
            vec!["no events match".into()]
        } else {
            Vec::new()
        }
    }
}

impl Render for ConflictList {
    fn render(&self, out: &Output) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let rows = self
            .0
            .iter()
            .map(|c| {
                vec![
                    super::cell(clean(&c.event_id)),
                    super::cell(clean(&c.kind)),
                    super::cell(&c.source),
                    super::cell(utc_datetime(c.received_at_ms / 1000)),
                    super::cell(c.received),
                    super::cell(clean(&c.stored_type)),
                    super::cell(&c.stored_source),
                    super::cell(&c.resolution),
                ]
            })
            .collect();
        out.table(
            &[
                "event",
                "type",
                "from",
                "received",
                "times",
                "stored type",
                "stored from",
                "resolution",
            ],
            rows,
        )
    }

    fn notes(&self) -> Vec<String> {
        if self.0.is_empty() {
            vec!["no conflicts".into()]
        } else {
            Vec::new()
        }
    }
}

impl Render for RejectedList {
    fn render(&self, out: &Output) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let rows = self
            .0
            .iter()
            .map(|r| {
                vec![
                    super::cell(r.seq),
                    super::cell(utc_datetime(r.received_at_ms / 1000)),
                    super::cell(r.http_status),
                    super::cell(clean(r.event_id.as_deref().unwrap_or("-"))),
                    super::cell(clean(r.reason.as_deref().unwrap_or(""))),
                ]
            })
            .collect();
        out.table(&["#", "received", "http", "event", "reason"], rows)
    }

    fn notes(&self) -> Vec<String> {
        if self.0.is_empty() {
            vec!["no rejected requests".into()]
        } else {
            Vec::new()
        }
    }
}

impl Render for ShowReport {
    fn render(&self, _: &Output) -> String {
        let e = &self.event;
        let mut out = format!(
            "id:        {}\ntype:      {}\ncreated:   {}\nlivemode:  {}\nobject:    {}\nsource:    {}\nreceived:  {} ({})\nstatus:    {}\n",
            clean(&e.id),
            clean(&e.kind),
            utc_datetime(e.created),
            e.livemode,
            clean(e.object_id.as_deref().unwrap_or("-")),
            e.source,
            utc_datetime(e.received_at_ms / 1000),
            crate::util::plural::count(e.received, "time", "times"),
            e.status
        );
        if let Some(d) = &e.detail {
            out.push_str(&format!("detail:    {}\n", clean(d)));
        }
        for r in &self.receipts {
            out.push_str(&format!(
                "request:   {} -> {} {}\n",
                utc_datetime(r.received_at_ms / 1000),
                r.http_status,
                r.outcome
            ));
        }
        for d in &self.replays {
            out.push_str(&format!(
                "replay:    {} {} -> {} ({} ms)\n",
                d.run_id,
                utc_datetime(d.attempted_at_ms / 1000),
                d.http_status
                    .map_or("no answer".to_string(), |s| s.to_string()),
                d.latency_ms
            ));
        }
        for c in &self.conflicts {
            out.push_str(&format!(
                "conflict:  {} from {} at {} ({}), {}\n",
                clean(&c.kind),
                c.source,
                utc_datetime(c.received_at_ms / 1000),
                crate::util::plural::count(c.received, "time", "times"),
                c.resolution
            ));
        }
        out.push_str("payload:\n");
        // The payload prints as JSON, through the one writer: its strings' controls escaped.
        out.push_str(&super::json_text(&self.payload, true).unwrap_or_default());
        out.push('\n');
        out
    }
}

impl Render for VerifyReport {
    fn render(&self, _: &Output) -> String {
        if self.valid {
            format!(
                "valid:     true\nsigned at: {} ({} s ago)\nsecret:    ${}\n",
                utc_datetime(self.timestamp.unwrap_or(0)),
                self.age_secs.unwrap_or(0),
                self.secret_env.as_deref().unwrap_or("")
            )
        } else {
            format!(
                "valid:     false\nreason:    {}\n",
                self.reason.as_deref().unwrap_or("")
            )
        }
    }
}

/// Where billctl keeps an endpoint's signing secret, as `endpoint list`'s table says it and its
/// JSON's `secret_in_keyring` and `secret_in_file` do: the keyring, the data dir's secret file,
/// both, or `-` for neither (then only a `--secret-env` variable can hold it).
fn secret_kept(v: &EndpointView) -> &'static str {
    match (v.secret_in_keyring, v.secret_in_file) {
        (true, true) => "keyring, file",
        (true, false) => "keyring",
        (false, true) => "file",
        (false, false) => "-",
    }
}

impl Render for EndpointList {
    fn render(&self, out: &Output) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let rows = self
            .0
            .iter()
            .map(|v| {
                vec![
                    super::cell(&v.id),
                    super::cell(&v.url),
                    super::cell(&v.status),
                    super::cell(v.enabled_events.len()),
                    super::cell(secret_kept(v)),
                ]
            })
            .collect();
        out.table(&["id", "url", "status", "events", "secret"], rows)
    }

    fn notes(&self) -> Vec<String> {
        if self.0.is_empty() {
            vec!["no webhook endpoints".into()]
        } else {
            Vec::new()
        }
    }
}

impl Render for Summary {
    fn render(&self, _: &Output) -> String {
        format!(
            "run {}: sent {} to {} in {:.2}s ({:.0}/s): {} delivered, {} failed{}\n",
            self.run,
            self.sent,
            self.target,
            self.elapsed_ms as f64 / 1000.0,
            self.per_sec,
            self.delivered,
            self.failed,
            if self.skipped_already_delivered > 0 {
                format!(
                    ", {} skipped (delivered before)",
                    self.skipped_already_delivered
                )
            } else {
                String::new()
            }
        )
    }
}

impl Render for EndpointView {
    fn render(&self, _: &Output) -> String {
        let kept = match (self.secret_in_keyring, self.secret_in_file) {
            (true, _) => "its signing secret is in the keyring",
            (false, true) => "its signing secret is in the data dir's secret file (mode 0600), as the keyring refused it",
            (false, false) => "its signing secret is not stored",
        };
        format!(
            "created webhook endpoint {} for {} ({}); {kept}\n",
            self.id,
            self.url,
            crate::util::plural::count(self.enabled_events.len(), "event type", "event types")
        )
    }
}

impl Render for Deleted {
    fn render(&self, _: &Output) -> String {
        let places: Vec<String> = self
            .secret_removed_from
            .iter()
            .map(|p| match p.as_str() {
                "keyring" => "the keyring".to_string(),
                file => clean(file).into_owned(),
            })
            .collect();
        let secret = match places.is_empty() {
            true => String::new(),
            false => format!(" and removed its secret from {}", places.join(" and ")),
        };
        format!(
            "deleted webhook endpoint {}{secret}\n",
            clean(&self.deleted)
        )
    }

    fn warnings(&self) -> Vec<String> {
        self.secret_not_checked
            .iter()
            .map(|why| format!("its secret may still be kept: {why}"))
            .collect()
    }
}

impl Render for crate::ops::webhooks::replay::WouldSend<'_> {
    fn render(&self, _: &Output) -> String {
        let r = self.row;
        format!(
            "would send {}  {}  {}\n",
            r.id,
            r.kind,
            utc_datetime(r.created)
        )
    }
}

impl Render for crate::ops::webhooks::replay::SummaryLine<'_> {
    fn render(&self, out: &Output) -> String {
        self.summary.render(out)
    }

    fn warnings(&self) -> Vec<String> {
        let s = self.summary;
        match s.failed {
            0 => Vec::new(),
            n => vec![format!(
                "{} failed: run 'billctl webhooks replay --resume {}' to retry {}",
                crate::util::plural::count(n, "delivery", "deliveries"),
                s.run,
                crate::util::plural::word(n, "it", "them")
            )],
        }
    }
}

impl Render for crate::ops::webhooks::listen::Listening {
    fn render(&self, _: &Output) -> String {
        format!("listening on {}", clean(&self.listening))
    }
}

/// The status line after `webhooks replay --dry-run`.
pub fn dry_run_summary(sel: &crate::ops::webhooks::replay::Selection) -> String {
    let skipped = if sel.skipped > 0 {
        format!(" ({} already delivered by {})", sel.skipped, sel.run_id)
    } else {
        String::new()
    };
    format!(
        "dry run: {} would be sent to {}{skipped}",
        crate::util::plural::count(sel.to_send.len(), "event", "events"),
        clean(&sel.target)
    )
}
