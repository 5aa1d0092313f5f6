//! `billctl usage report` and `billctl usage alerts`: usage against each tier's quota, read
//! from the rollups (exact at period edges, see `Store::usage_in`).

use crate::billing::Customer;
use crate::cli::{ReportBy, UsageAlertsArgs, UsageReportArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::output::Output;
use crate::time::utc_date;
use anyhow::{anyhow, bail, Result};
use comfy_table::{Cell, Color};
use serde::Serialize;
use std::process::ExitCode;

/// One row of a report.
#[derive(Debug, Serialize)]
pub struct Row {
    #[serde(rename = "customer_id")]
    pub customer: String,
    #[serde(rename = "key_id")]
    pub key: Option<String>,
    /// Start of the UTC day, for `--by day`.
    pub day: Option<i64>,
    pub tier: String,
    pub period_start: i64,
    pub period_end: i64,
    pub used: i64,
    /// `None`: unlimited (or not applicable to a day row).
    pub quota: Option<u64>,
    pub percent: Option<f64>,
    pub remaining: Option<u64>,
    pub overage: i64,
}

/// A customer's tier, quota and period.
struct Plan {
    tier: String,
    quota: Option<u64>,
    period: (i64, i64),
}

fn plan_of(
    ctx: &mut Ctx,
    customer: &str,
    period: &str,
    explicit: Option<(i64, i64)>,
) -> Result<Plan> {
    let config = ctx.config()?.clone();
    let live = ctx.store()?.live_subscription(customer)?;
    let (tier, quota) = match &live {
        Some(s) => (s.tier.clone(), config.tier(&s.tier).and_then(|t| t.quota)),
        None => ("none".to_string(), None),
    };
    let unlimited_or_none = live.is_none() || config.tier(&tier).is_none();
    let quota = if unlimited_or_none { None } else { quota };
    let period = match (explicit, period) {
        (Some(p), _) => p,
        (None, "current") => live.as_ref().map_or_else(
            || crate::time::month_of(now()),
            |s| (s.current_period_start, s.current_period_end),
        ),
        (None, m) => crate::time::parse_month(m).map_err(|e| anyhow!("--period: {e}"))?,
    };
    Ok(Plan {
        tier,
        quota,
        period,
    })
}

fn row(
    customer: &str,
    key: Option<&str>,
    day: Option<i64>,
    plan: &Plan,
    used: i64,
    with_quota: bool,
) -> Row {
    let quota = if with_quota { plan.quota } else { None };
    let standing = crate::billing::standing(used, quota);
    Row {
        customer: customer.to_string(),
        key: key.map(String::from),
        day,
        tier: plan.tier.clone(),
        period_start: plan.period.0,
        period_end: plan.period.1,
        used,
        quota,
        percent: standing.percent,
        remaining: standing.remaining,
        overage: standing.overage,
    }
}

fn customers(ctx: &mut Ctx, only: Option<&str>) -> Result<Vec<Customer>> {
    match only {
        Some(c) => Ok(vec![ctx.store()?.customer(c)?.ok_or_else(|| {
            anyhow!("no customer {c} in the local mirror\nhint: run 'billctl subscriptions sync'")
        })?]),
        None => ctx.store()?.customers(),
    }
}

fn rows(ctx: &mut Ctx, args: &UsageReportArgs) -> Result<Vec<Row>> {
    let explicit = match (&args.from, &args.to) {
        (Some(f), Some(t)) => {
            let (f, t) = (*f, *t);
            if t <= f {
                bail!("--to must be after --from");
            }
            Some((f, t))
        }
        _ => None,
    };
    // With --key, the key's own usage within its customer's period.
    let key = match &args.key {
        Some(k) => Some(
            ctx.store()?
                .key(k)?
                .ok_or_else(|| anyhow!("no API key with id {k}"))?,
        ),
        None => None,
    };
    let only = key
        .as_ref()
        .map(|k| k.customer_id.clone())
        .or(args.customer.clone());
    let mut out = Vec::new();
    for c in customers(ctx, only.as_deref())? {
        let plan = plan_of(ctx, &c.id, &args.period, explicit)?;
        let (from, to) = plan.period;
        let store = ctx.store()?;
        let (scope, subject) = match &key {
            Some(k) => ("key", k.id.clone()),
            None => ("customer", c.id.clone()),
        };
        match args.by {
            ReportBy::Customer => out.push(row(
                &c.id,
                key.as_ref().map(|k| k.id.as_str()),
                None,
                &plan,
                store.usage_in(scope, &subject, from, to)?,
                true,
            )),
            ReportBy::Key => {
                let keys = match &key {
                    Some(k) => vec![k.clone()],
                    None => store.keys(Some(&c.id))?,
                };
                for k in keys {
                    out.push(row(
                        &c.id,
                        Some(&k.id),
                        None,
                        &plan,
                        store.usage_in("key", &k.id, from, to)?,
                        false,
                    ));
                }
            }
            ReportBy::Day => {
                for (day, _) in
                    store.daily(scope, &subject, from.div_euclid(86_400) * 86_400, to)?
                {
                    let used =
                        store.usage_in(scope, &subject, day.max(from), (day + 86_400).min(to))?;
                    out.push(row(
                        &c.id,
                        key.as_ref().map(|k| k.id.as_str()),
                        Some(day),
                        &plan,
                        used,
                        false,
                    ));
                }
            }
        }
    }
    Ok(out)
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
                Cell::new(r.overage)
            };
            vec![
                Cell::new(label),
                Cell::new(&r.tier),
                Cell::new(format!(
                    "{} .. {}",
                    utc_date(r.period_start),
                    utc_date(r.period_end)
                )),
                Cell::new(r.used),
                Cell::new(r.quota.map_or("unlimited".into(), |q| q.to_string())),
                Cell::new(pct),
                Cell::new(bar(r.percent)),
                Cell::new(r.remaining.map_or("-".into(), |q| q.to_string())),
                over,
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
        ],
        body,
    )
}

fn csv(rows: &[Row]) -> String {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let mut s = String::from(
        "customer,key,day,tier,period_start,period_end,used,quota,percent,remaining,overage\n",
    );
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            r.customer,
            opt(r.key.clone()),
            opt(r.day.map(|d| d.to_string())),
            r.tier,
            r.period_start,
            r.period_end,
            r.used,
            opt(r.quota.map(|q| q.to_string())),
            opt(r.percent.map(|p| format!("{p:.2}"))),
            opt(r.remaining.map(|q| q.to_string())),
            r.overage
        ));
    }
    s
}

pub fn report(ctx: &mut Ctx, args: &UsageReportArgs) -> Result<ExitCode> {
    let rows = rows(ctx, args)?;
    if let Some(path) = &args.html {
        let page = html_page(ctx, args, &rows)?;
        super::write_private(path, &page)?;
        ctx.output.status(format!("Wrote {}.", path.display()));
    }
    if ctx.output.json {
        ctx.output.json(&rows)?;
    } else if args.csv {
        ctx.output.data(&csv(&rows))?;
    } else {
        ctx.output.data(&table(&ctx.output, &rows, args.by))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn alerts(ctx: &mut Ctx, args: &UsageAlertsArgs) -> Result<ExitCode> {
    if !(args.threshold.is_finite() && args.threshold >= 0.0) {
        bail!(
            "invalid --threshold {}: a percentage, 0 or more",
            args.threshold
        );
    }
    let mut listed = Vec::new();
    for c in ctx.store()?.customers()? {
        let plan = plan_of(ctx, &c.id, "current", None)?;
        if plan.quota.is_none() {
            continue;
        }
        let used = ctx
            .store()?
            .usage_in("customer", &c.id, plan.period.0, plan.period.1)?;
        let r = row(&c.id, None, None, &plan, used, true);
        if r.percent.is_some_and(|p| p >= args.threshold) {
            listed.push(r);
        }
    }
    listed.sort_by(|a, b| {
        b.percent
            .partial_cmp(&a.percent)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if ctx.output.json {
        ctx.output.json(&listed)?;
    } else if listed.is_empty() {
        ctx.output.status(format!(
            "No customer is at or above {}% of their quota.",
            args.threshold
        ));
    } else {
        ctx.output
            .data(&table(&ctx.output, &listed, ReportBy::Customer))?;
    }
    Ok(if listed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One customer's chart: cumulative daily usage over the period against the quota line.
fn svg_chart(days: &[(i64, i64)], from: i64, to: i64, quota: Option<u64>) -> String {
    let (w, h, pad) = (640.0, 200.0, 30.0);
    let span = ((to - from) as f64).max(1.0);
    let mut cumulative = Vec::new();
    let mut total = 0i64;
    for (day, q) in days {
        total += q;
        cumulative.push((*day, total));
    }
    let top = (total as f64).max(quota.unwrap_or(0) as f64).max(1.0) * 1.1;
    let x = |t: i64| pad + (((t - from) as f64 / span).clamp(0.0, 1.0)) * (w - 2.0 * pad);
    let y = |v: f64| h - pad - v / top * (h - 2.0 * pad);
    let mut points = format!("{:.1},{:.1}", x(from), y(0.0));
    for (day, v) in &cumulative {
        points.push_str(&format!(" {:.1},{:.1}", x(*day + 86_400), y(*v as f64)));
    }
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">"##
    );
    svg.push_str(&format!(
        r##"<rect x="0" y="0" width="{w}" height="{h}" fill="#fff" stroke="#ddd"/>"##
    ));
    svg.push_str(&format!(
        r##"<polyline fill="none" stroke="#2563eb" stroke-width="2" points="{points}"/>"##
    ));
    if let Some(q) = quota {
        let qy = y(q as f64);
        svg.push_str(&format!(r##"<line x1="{pad}" y1="{qy:.1}" x2="{:.1}" y2="{qy:.1}" stroke="#dc2626" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#dc2626" text-anchor="end">quota {q}</text>"##, w - pad, w - pad, qy - 4.0));
    }
    svg.push_str(&format!(r##"<text x="{pad}" y="{:.1}" font-size="11" fill="#555">{}</text><text x="{:.1}" y="{:.1}" font-size="11" fill="#555" text-anchor="end">{}</text>"##, h - 8.0, utc_date(from), w - pad, h - 8.0, utc_date(to)));
    svg.push_str("</svg>");
    svg
}

/// A self-contained page: inline CSS and SVG only, nothing fetched.
fn html_page(ctx: &mut Ctx, args: &UsageReportArgs, rows: &[Row]) -> Result<String> {
    let mut body = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in rows {
        if !seen.insert(r.customer.clone()) {
            continue;
        }
        let (scope, subject) = match &args.key {
            Some(k) => ("key", k.clone()),
            None => ("customer", r.customer.clone()),
        };
        let days = ctx.store()?.daily(
            scope,
            &subject,
            r.period_start.div_euclid(86_400) * 86_400,
            r.period_end,
        )?;
        let plan_quota = if args.by == ReportBy::Customer {
            r.quota
        } else {
            plan_of(ctx, &r.customer, &args.period, None)
                .ok()
                .and_then(|p| p.quota)
        };
        let used: i64 = days.iter().map(|(_, q)| q).sum();
        body.push_str(&format!(
            "<section><h2>{}</h2><p>tier {} · {} .. {} (UTC) · used {} of {}</p>{}</section>\n",
            escape(&r.customer),
            escape(&r.tier),
            utc_date(r.period_start),
            utc_date(r.period_end),
            used,
            plan_quota.map_or("unlimited".into(), |q| q.to_string()),
            svg_chart(&days, r.period_start, r.period_end, plan_quota)
        ));
    }
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>billctl usage report</title>\n<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#111}}section{{margin-bottom:2rem}}h2{{font-size:1rem;margin:0 0 .25rem}}p{{margin:0 0 .5rem;color:#444}}</style></head>\n<body><h1>Usage against quota</h1><p>Generated {} by billctl {}.</p>\n{body}</body></html>\n",
        crate::time::utc_datetime(now()),
        env!("CARGO_PKG_VERSION")
    ))
}
