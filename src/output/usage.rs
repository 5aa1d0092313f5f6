//! How usage reports read on a terminal, as CSV and as an HTML page.

use super::{clean, Output, Render};
use crate::domain::billing::AccessState;
use crate::domain::time::{utc_date, utc_datetime};
use crate::ops::usage::report::{Report, ReportBy, Row};
use crate::ops::usage::sync::{CompactView, ReconcileView, SyncView};
use crate::util::plural::count;
use comfy_table::Color;

impl Render for Report {
    fn render(&self, out: &Output) -> String {
        table(out, &self.rows, self.by)
    }

    /// Also after `--csv`, and on the `--html` page.
    fn warnings(&self) -> Vec<String> {
        let mut unknown: Vec<&str> = self
            .rows
            .iter()
            .filter(|r| r.tier == crate::domain::billing::UNKNOWN_TIER)
            .map(|r| r.customer.as_str())
            .collect();
        unknown.dedup();
        unknown_tier_warning(&unknown)
    }
}

/// Customers on a price the catalog does not know: their quota is not known, so the report
/// shows none (never "within quota").
pub fn unknown_tier_warning(customers: &[&str]) -> Vec<String> {
    if customers.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "{} on a price the catalog does not know (tier unknown), so {} quota is not known and not shown: {} (run 'billctl prices check')",
        count(customers.len(), "customer is", "customers are"),
        crate::util::plural::word(customers.len(), "its", "their"),
        customers.join(", ")
    )]
}

/// `█████░░░░░` for a percentage (capped at 100).
fn bar(percent: Option<f64>) -> String {
    match percent {
        None => "-".into(),
        Some(p) => {
            let filled = ((p.clamp(0.0, 100.0) / 10.0).round()) as usize;
            format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
        }
    }
}

/// A row's quota: the number, `unlimited` for a tier without one, `-` where no tier is known
/// (no subscription, or a price outside the catalog).
fn quota_cell(r: &Row) -> String {
    match r.quota {
        Some(q) => q.to_string(),
        None if r.tier == "none" || r.tier == crate::domain::billing::UNKNOWN_TIER => "-".into(),
        None => "unlimited".into(),
    }
}

fn table(out: &Output, rows: &[Row], by: ReportBy) -> String {
    let first = match by {
        ReportBy::Customer => "CUSTOMER",
        ReportBy::Key => "KEY",
        ReportBy::Day => "DAY (UTC)",
    };
    let body = rows
        .iter()
        .map(|r| {
            let label = match by {
                ReportBy::Customer => r.customer.clone(),
                ReportBy::Key => format!("{} ({})", r.key.as_deref().unwrap_or("-"), r.customer),
                ReportBy::Day => format!("{} ({})", r.day.map_or("-".into(), utc_date), r.customer),
            };
            let pct = r.percent.map_or("-".into(), |p| format!("{p:.1}%"));
            let over = if r.overage > 0 {
                out.paint(r.overage, Color::Red)
            } else {
                super::cell(r.overage)
            };
            vec![
                super::cell(label),
                super::cell(&r.tier),
                super::cell(format!(
                    "{} .. {}",
                    utc_date(r.period_start),
                    utc_date(r.period_end)
                )),
                super::cell(r.used),
                super::cell(quota_cell(r)),
                super::cell(pct),
                super::cell(bar(r.percent)),
                super::cell(r.remaining.map_or("-".into(), |q| q.to_string())),
                over,
                if r.access == AccessState::PaymentRequired {
                    out.paint(r.access.as_str(), Color::Red)
                } else {
                    super::cell(r.access.as_str())
                },
            ]
        })
        .collect();
    out.table(
        &[
            first,
            "TIER",
            "PERIOD (UTC)",
            "USED",
            "QUOTA",
            "%",
            "",
            "REMAINING",
            "OVERAGE",
            "ACCESS",
        ],
        body,
    )
}

/// The rows as CSV, one header line first.
pub fn csv(rows: &[Row]) -> String {
    let opt = |v: Option<String>| v.unwrap_or_default();
    super::csv_text(
        &[
            "customer",
            "key",
            "day",
            "tier",
            "period_start",
            "period_end",
            "used",
            "quota",
            "percent",
            "remaining",
            "overage",
            "access",
        ],
        rows.iter().map(|r| {
            vec![
                r.customer.clone(),
                opt(r.key.clone()),
                opt(r.day.map(|d| d.to_string())),
                r.tier.clone(),
                r.period_start.to_string(),
                r.period_end.to_string(),
                r.used.to_string(),
                opt(r.quota.map(|q| q.to_string())),
                opt(r.percent.map(|p| format!("{p:.2}"))),
                opt(r.remaining.map(|q| q.to_string())),
                r.overage.to_string(),
                r.access.to_string(),
            ]
        }),
    )
}

impl Render for SyncView {
    fn render(&self, out: &Output) -> String {
        if !self.dry_run {
            return String::new();
        }
        let rows = self
            .unsent
            .iter()
            .map(|d| {
                vec![
                    super::cell(&d.customer),
                    super::cell(utc_datetime(d.window)),
                    super::cell(d.local),
                    super::cell(d.accounted),
                    super::cell(d.local - d.accounted),
                ]
            })
            .collect();
        out.table(&["CUSTOMER", "HOUR", "LOCAL", "SENT", "TO SEND"], rows)
    }

    fn notes(&self) -> Vec<String> {
        if self.dry_run {
            return vec![format!(
                "Dry run: would send {} ({}) to {}, plus {} pending from earlier runs.",
                count(self.windows, "meter event", "meter events"),
                count(self.quantity_sent, "unit", "units"),
                self.meter,
                self.pending
            )];
        }
        let mut notes = vec![format!(
            "Sent {} ({}) to {} over {} in {:.1}s; {} failed, {} still pending.",
            count(self.sent, "meter event", "meter events"),
            count(self.quantity_sent, "unit", "units"),
            self.meter,
            count(self.windows, "customer-hour", "customer-hours"),
            self.elapsed_ms as f64 / 1000.0,
            self.failed,
            self.pending
        )];
        if self.failed > 0 {
            notes.push("Events without an answer stay pending and are sent again, under the same identifier, by the next 'billctl usage sync'.".into());
        }
        notes
    }

    fn warnings(&self) -> Vec<String> {
        sync_failures(self)
    }
}

impl Render for ReconcileView {
    fn render(&self, out: &Output) -> String {
        if self.differences.is_empty() {
            return format!(
                "No differences: {}, {} from {} to {} match the meter {}.",
                count(self.customers, "customer", "customers"),
                count(self.days_compared, "customer-day", "customer-days"),
                utc_date(self.from),
                utc_date(self.to),
                self.event_name
            );
        }
        let rows = self
            .differences
            .iter()
            .map(|d| {
                vec![
                    super::cell(&d.customer_id),
                    super::cell(utc_date(d.day)),
                    super::cell(d.local),
                    super::cell(d.stripe),
                    out.paint(format!("{:+}", d.difference), Color::Red),
                ]
            })
            .collect();
        let header = ["CUSTOMER", "DAY", "LOCAL", "STRIPE", "LOCAL - STRIPE"];
        out.table(&header, rows)
    }

    fn notes(&self) -> Vec<String> {
        if self.differences.is_empty() {
            return Vec::new();
        }
        vec![format!(
            "{}. Unsent usage shows as positive: run 'billctl usage sync'. Stripe processes meter events asynchronously, so the last minutes may lag.",
            count(self.differences.len(), "difference", "differences")
        )]
    }
}

impl Render for CompactView {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "Dropped {} before {} in {:.1}s; rollups are unchanged. Events before {} are now refused.",
            count(self.deleted, "raw event", "raw events"),
            utc_date(self.before),
            self.elapsed_ms as f64 / 1000.0,
            utc_date(self.horizon)
        )]
    }
}

/// Warnings after a sync: customer-hours where Stripe's meter is ahead, and (without `--json`,
/// whose report lists them) each failed send.
pub fn sync_warnings(view: &SyncView) -> Vec<String> {
    let out: Vec<String> = view
        .ahead
        .iter()
        .map(|d| {
            format!(
                "{} {}: the ledger has sent {} but local usage is {}; Stripe's meter is ahead (see 'usage reconcile')",
                d.customer,
                utc_datetime(d.window),
                d.accounted,
                d.local
            )
        })
        .collect();
    out
}

/// A line for each meter event Stripe refused (with the table; `--json` has them in the
/// document).
fn sync_failures(view: &SyncView) -> Vec<String> {
    view.failures
        .iter()
        .map(|f| {
            format!(
                "{} {} ({}, {}): {}",
                f.customer_id,
                utc_datetime(f.window),
                count(f.quantity, "unit", "units"),
                f.identifier,
                f.error
            )
        })
        .collect()
}

impl Render for crate::ops::usage::import::Report {
    fn render(&self, _: &Output) -> String {
        format!(
            "read {}, inserted {}, duplicates {}, conflicts {}, rejected {} in {:.2}s ({} events/s)",
            self.read,
            self.inserted,
            self.duplicates,
            self.conflicts,
            self.rejected,
            self.elapsed_ms as f64 / 1000.0,
            self.events_per_sec
        )
    }

    /// The rejects file (when it was written), a line for each conflicting repeat listed, and
    /// the count of the others.
    fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let written = self
            .rejects_file
            .as_ref()
            .filter(|_| self.rejects_error.is_none());
        if let (Some(path), n @ 1..) = (written, self.rejected) {
            let lines = count(n, "rejected line", "rejected lines");
            out.push(format!("{lines} written to {}", path.display()));
        }
        out.extend(self.first_conflicts.iter().map(conflict_line));
        if self.conflicts > self.first_conflicts.len() {
            let more = self.conflicts - self.first_conflicts.len();
            let more = count(more, "more conflicting repeat", "more conflicting repeats");
            out.push(format!("... and {more}"));
        }
        out
    }
}

/// What an event says, on one line: customer, key, quantity, time and type.
fn side_line(s: &crate::adapters::store::Side) -> String {
    let opt = |v: &Option<String>| v.as_deref().map_or("-".into(), |k| clean(k).into_owned());
    format!(
        "customer {}, key {}, quantity {}, at {}, type {}",
        clean(&s.customer_id),
        opt(&s.key_id),
        s.quantity,
        utc_datetime(s.ts),
        opt(&s.event_type)
    )
}

/// An event's identity as shown: its id, and its source when it has one.
fn identity(source: &str, id: &str) -> String {
    if source.is_empty() {
        clean(id).into_owned()
    } else {
        format!("{} (source {})", clean(id), clean(source))
    }
}

/// One line of warning for a conflict: which identity, what was kept, what was refused.
pub fn conflict_line(c: &crate::adapters::store::Conflict) -> String {
    format!(
        "conflict: event {} was already recorded with other content: kept the first ({}), refused ({}); see 'billctl usage conflicts'",
        identity(&c.source, &c.event_id),
        side_line(&c.kept),
        side_line(&c.dropped)
    )
}

impl Render for crate::ops::usage::import::Recorded {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        if self.inserted {
            vec![format!(
                "Recorded {} for key {} ({}): event {}.",
                self.quantity, self.key_id, self.customer_id, self.id
            )]
        } else if self.duplicate {
            vec![format!(
                "Event {} was already recorded with the same content: counted once.",
                self.id
            )]
        } else {
            Vec::new()
        }
    }

    /// A conflict, even with `-q`: the event was not recorded.
    fn warnings(&self) -> Vec<String> {
        self.conflict.iter().map(conflict_line).collect()
    }
}

impl Render for crate::ops::usage::conflicts::ConflictsView {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .conflicts
            .iter()
            .map(|c| {
                vec![
                    super::cell(utc_datetime(c.last_seen)),
                    super::cell(&c.route),
                    super::cell(if c.source.is_empty() {
                        "-".into()
                    } else {
                        clean(&c.source)
                    }),
                    super::cell(clean(&c.event_id)),
                    super::cell(side_line(&c.kept)),
                    super::cell(side_line(&c.offered)),
                    super::cell(c.seen),
                ]
            })
            .collect();
        out.table(
            &[
                "LAST SEEN (UTC)",
                "ROUTE",
                "SOURCE",
                "EVENT",
                "KEPT (BILLED)",
                "REFUSED",
                "SEEN",
            ],
            rows,
        )
    }

    fn notes(&self) -> Vec<String> {
        let shown = self.conflicts.len() as i64;
        let mut out = vec![format!(
            "{}: each event was refused because its source and id were taken by an event with other content, which stays and is billed.",
            count(self.total, "conflict", "conflicts")
        )];
        if self.total > shown {
            out.push(format!(
                "showing the newest {shown}; narrow with --customer, --source, --id, --route, --since or raise --limit"
            ));
        }
        out
    }
}
