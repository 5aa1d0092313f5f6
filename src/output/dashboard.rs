//! The billing dashboard as one self-contained HTML page: inline CSS and SVG, and a little
//! inline JavaScript that sorts and filters tables (the page reads the same without it). The
//! one renderer of usage charts: `usage report --html` is this page with its usage section
//! alone.
//!
//! Usage charts carry their scale on the `<svg>` (`data-from`, `data-to`, `data-end`,
//! `data-ymax` and the plot box `data-plot="x0 y0 x1 y1"`) so a reader (the tests) can turn
//! points back into moments and totals.
//!
//! A usage chart, over the billing period in UTC (`usage/series.rs` defines its lines):
//! the cumulative total as a step line; a bar per day of use, on a scale of its own (the
//! busiest day fills a quarter of the plot); the quota as a dashed line in the warning colour; now as a dotted
//! vertical line marked "today"; the projection dashed from now to the period end; a dot where
//! the quota was (or would be) reached, and that date in the table. Every chart has a title
//! and labelled axes.

use super::chart::{nice, quarters, usage_svg, y_title};
use super::svg::{escape, y_grid};
use crate::domain::money::{group, money, signed};
use crate::domain::time::{utc_date, utc_datetime, utc_minute};
use crate::domain::usage::series::{QuotaReached, Series};
use crate::ops::dashboard::{
    Dashboard, KeysSection, RevenueSection, SubscribersSection, UsageRow, UsageSection,
    WebhooksSection, Who,
};
use std::fmt::Write;

pub(super) const DAY: i64 = 86_400;

/// A signed count with thousands separators.
pub(super) fn count(n: i64) -> String {
    if n < 0 {
        format!("-{}", group(n.unsigned_abs()))
    } else {
        group(n as u64)
    }
}

/// A moment in a table (the page says times are UTC), or "never".
fn when(t: Option<i64>) -> String {
    t.map_or_else(|| "never".into(), utc_minute)
}

fn opt_date(t: Option<i64>) -> String {
    t.map_or_else(|| "—".into(), |t| when(Some(t)))
}

fn who_cells(w: &Who) -> String {
    format!(
        "<td>{}</td><td>{}</td><td>{}</td>",
        escape(&w.customer_id),
        escape(w.name.as_deref().unwrap_or("")),
        escape(w.email.as_deref().unwrap_or(""))
    )
}

fn display_name(w: &Who) -> String {
    match (&w.name, &w.email) {
        (Some(n), _) if !n.is_empty() => format!("{n} ({})", w.customer_id),
        (_, Some(e)) if !e.is_empty() => format!("{e} ({})", w.customer_id),
        _ => w.customer_id.clone(),
    }
}

/// A table's head: `(label, numeric)` per column; numeric columns sort as numbers.
fn thead(cols: &[(&str, bool)]) -> String {
    let mut s = String::from("<thead><tr>");
    for (label, numeric) in cols {
        if *numeric {
            let _ = write!(s, "<th class=\"n\">{}</th>", escape(label));
        } else {
            let _ = write!(s, "<th>{}</th>", escape(label));
        }
    }
    s.push_str("</tr></thead>");
    s
}

const STYLE: &str = ":root{color-scheme:light dark;--fg:#111827;--bg:#fff;--muted:#4b5563;--line:#d1d5db;--accent:#2563eb;--warn:#dc2626;--card:#f3f4f6}
@media (prefers-color-scheme: dark){:root{--fg:#e5e7eb;--bg:#0b0f14;--muted:#9ca3af;--line:#374151;--accent:#60a5fa;--warn:#f87171;--card:#111827}}
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1120px;padding:1.5rem;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--line)}h3{font-size:1rem;margin:1rem 0 .25rem}
p.meta,figcaption,.note{color:var(--muted)}nav a{margin-right:1rem;color:var(--accent)}
.cards{display:flex;flex-wrap:wrap;gap:.75rem}.card{background:var(--card);padding:.5rem .9rem;border-radius:6px}.card b{display:block;font-size:1.3rem}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem}section{overflow-x:auto}th,td{unicode-bidi:isolate;padding:.2rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600}.n{text-align:right;font-variant-numeric:tabular-nums}.js th{cursor:pointer}th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}
.over{color:var(--warn);font-weight:600}figure{margin:.5rem 0 1.5rem}figcaption{font-weight:600}
svg{max-width:100%;height:auto}svg text{font-size:11px;fill:currentColor}svg .axis-title{font-size:11px;fill:var(--muted)}
svg .grid{stroke:var(--line);stroke-width:1}svg .cumulative{fill:none;stroke:var(--accent);stroke-width:2}
svg .projection{fill:none;stroke:var(--accent);stroke-width:2;opacity:.8}svg .quota{stroke:var(--warn);stroke-width:1.5}
svg .today{stroke:var(--muted);stroke-width:1.5}svg .day-bar{fill:var(--accent);opacity:.3}svg .quota-reached{fill:var(--warn)}
.legend span{margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
#usage-table td:nth-child(n+5):nth-child(-n+7),#keys-table td:nth-child(3){text-align:right;font-variant-numeric:tabular-nums}
input[type=search]{padding:.3rem .5rem;width:20rem;max-width:100%;margin:.25rem 0}.warnings{border-left:4px solid var(--warn);padding:.25rem .75rem;margin:1rem 0}";

/// Sorting (click a header) and filtering (the search box, shown only when this runs).
const SCRIPT: &str = "(function(){
function val(td,num){var t=td.textContent.trim();if(!num)return t.toLowerCase();var v=parseFloat(t.replace(/[^0-9.\\-]/g,''));return isNaN(v)?-Infinity:v;}
document.querySelectorAll('table.sortable').forEach(function(t){
var ths=t.tHead.rows[0].cells;
Array.prototype.forEach.call(ths,function(th,i){th.tabIndex=0;th.addEventListener('click',function(){
var num=th.classList.contains('n'),asc=th.getAttribute('aria-sort')!=='ascending',b=t.tBodies[0];
var rows=Array.prototype.slice.call(b.rows);
rows.sort(function(x,y){var a=val(x.cells[i],num),c=val(y.cells[i],num);return (a<c?-1:a>c?1:0)*(asc?1:-1);});
Array.prototype.forEach.call(ths,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
rows.forEach(function(r){b.appendChild(r);});});});});
document.querySelectorAll('input[data-filter]').forEach(function(inp){
var t=document.getElementById(inp.getAttribute('data-filter'));inp.hidden=false;
inp.addEventListener('input',function(){var q=inp.value.toLowerCase();
Array.prototype.forEach.call(t.tBodies[0].rows,function(r){r.hidden=q!==''&&r.textContent.toLowerCase().indexOf(q)<0;});});});
document.documentElement.classList.add('js');
})();";

/// The page: every section the dashboard holds.
/// What the dashboard warns about: revenue's (prices not in the catalog) and usage's
/// (customers on an unknown tier). On the page's top, and on stderr.
pub fn warnings(d: &Dashboard) -> Vec<String> {
    let mut out = d
        .revenue
        .as_ref()
        .map(|r| super::Render::warnings(&r.now))
        .unwrap_or_default();
    let mut unknown: Vec<&str> = d
        .usage
        .rows
        .iter()
        .filter(|r| r.row.tier == crate::domain::billing::UNKNOWN_TIER)
        .map(|r| r.who.customer_id.as_str())
        .collect();
    unknown.dedup();
    out.extend(super::usage::unknown_tier_warning(&unknown));
    out
}

pub fn page(d: &Dashboard) -> String {
    let full = d.revenue.is_some();
    let title = if full {
        "Billing dashboard"
    } else {
        "Usage against quota"
    };
    let mut body = super::page_warnings(&warnings(d));
    let mut nav = String::new();
    let mut add = |id: &str, label: &str, html: String| {
        let _ = write!(nav, "<a href=\"#{id}\">{label}</a>");
        let _ = write!(
            body,
            "<section id=\"{id}\"><h2>{label}</h2>\n{html}</section>\n"
        );
    };
    if let Some(r) = &d.revenue {
        add("revenue", "Revenue", revenue(r));
    }
    if let Some(s) = &d.subscribers {
        add("subscribers", "Subscribers", subscribers(s));
    }
    add("usage", "Usage", usage(&d.usage));
    if let Some(k) = &d.keys {
        add("keys", "API keys", keys(k));
    }
    if let Some(w) = &d.webhooks {
        add("webhooks", "Webhooks", webhooks(w));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>billctl: {title}</title>\n<style>{STYLE}</style></head>\n<body><header><h1>{title}</h1><p class=\"meta\">Generated {} by billctl {}. Times are UTC.</p><nav>{nav}</nav></header>\n{body}<script>{SCRIPT}</script></body></html>\n",
        utc_datetime(d.generated_at),
        env!("CARGO_PKG_VERSION")
    )
}

fn revenue(r: &RevenueSection) -> String {
    let mut s = String::new();
    let snap = &r.now.snapshot;
    if snap.currencies.is_empty() {
        s.push_str("<p>No paying subscriptions.</p>");
    }
    for c in &snap.currencies {
        revenue_in(&mut s, r, c);
    }
    if !r.now.movements.is_empty() {
        movements(&mut s, r);
    }
    s
}

/// One currency's cards, MRR by tier, and chart of the last months.
fn revenue_in(s: &mut String, r: &RevenueSection, c: &crate::domain::revenue::CurrencyMrr) {
    let cur = c.currency.as_str();
    let _ = write!(
        s,
        "<h3>{}</h3><div class=\"cards\"><div class=\"card\">MRR<b>{}</b></div><div class=\"card\">Paying customers<b>{}</b></div><div class=\"card\">ARPA<b>{}</b></div><div class=\"card\">Trials (not MRR)<b>{}</b></div></div>",
        escape(&cur.to_uppercase()),
        money(c.mrr, cur),
        group(c.paying_customers),
        money(c.arpa, cur),
        group(c.trials.subscriptions)
    );
    s.push_str("<table class=\"mrr\">");
    s.push_str(&thead(&[
        ("Tier", false),
        ("Subscriptions", true),
        ("Seats", true),
        ("MRR", true),
    ]));
    s.push_str("<tbody>");
    for t in &c.tiers {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&t.tier),
            group(t.subscriptions),
            group(t.seats),
            money(t.mrr, cur)
        );
    }
    let _ = write!(
        s,
        "<tr><th>Total</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\"><b>{}</b></td></tr></tbody></table>",
        group(c.tiers.iter().map(|t| t.subscriptions).sum()),
        group(c.tiers.iter().map(|t| t.seats).sum()),
        money(c.mrr, cur)
    );
    let mut tiers: Vec<String> = r
        .months
        .months
        .iter()
        .flat_map(|m| m.snapshot.currencies.iter())
        .filter(|x| x.currency == cur)
        .flat_map(|x| x.tiers.iter().map(|t| t.tier.clone()))
        .collect();
    tiers.sort();
    tiers.dedup();
    s.push_str(&super::revenue::stacked(
        &format!(
            "MRR, last {}, stacked by tier ({})",
            crate::util::plural::count(r.months.months.len(), "month", "months"),
            cur.to_uppercase()
        ),
        &r.months,
        cur,
        &tiers,
        &|t| t.mrr,
        &|v| money(v, cur),
    ));
}

/// The month's movements, a row per currency.
fn movements(s: &mut String, r: &RevenueSection) {
    let _ = write!(
        s,
        "<h3>Movements in {}</h3><table class=\"movements\">",
        escape(&r.now.month)
    );
    s.push_str(&thead(&[
        ("Currency", false),
        ("Start MRR", true),
        ("New", true),
        ("Expansion", true),
        ("Contraction", true),
        ("Churn", true),
        ("Reactivation", true),
        ("Net", true),
        ("End MRR", true),
    ]));
    s.push_str("<tbody>");
    for m in &r.now.movements {
        let cur = m.currency.as_str();
        // Out-movements count down: the one signed formatter leaves a zero unsigned.
        let mv = |x: &crate::domain::revenue::Move, out: bool| {
            format!(
                "<td class=\"n\">{} <span class=\"note\">({})</span></td>",
                signed(if out { x.mrr.saturating_neg() } else { x.mrr }, cur),
                group(x.customers)
            )
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td>{}{}{}{}{}<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&cur.to_uppercase()),
            money(m.start_mrr, cur),
            mv(&m.new, false),
            mv(&m.expansion, false),
            mv(&m.contraction, true),
            mv(&m.churn, true),
            mv(&m.reactivation, false),
            signed(m.net, cur),
            money(m.end_mrr, cur)
        );
    }
    s.push_str("</tbody></table>");
}

fn subscribers(sub: &SubscribersSection) -> String {
    let mut s = String::new();
    counts(&mut s, sub);
    at_risk(&mut s, sub);
    trials(&mut s, sub);
    s
}

/// Counts: a row per tier, a column per status.
fn counts(s: &mut String, sub: &SubscribersSection) {
    let mut statuses: Vec<&str> = sub.counts.iter().map(|c| c.status.as_str()).collect();
    statuses.sort_unstable();
    statuses.dedup();
    let mut tiers: Vec<&str> = sub.counts.iter().map(|c| c.tier.as_str()).collect();
    tiers.sort_unstable();
    tiers.dedup();
    s.push_str("<h3>By tier and status</h3>");
    if tiers.is_empty() {
        s.push_str("<p>No subscriptions.</p>");
    } else {
        let mut cols: Vec<(&str, bool)> = vec![("Tier", false)];
        cols.extend(statuses.iter().map(|st| (*st, true)));
        s.push_str("<table class=\"counts\">");
        s.push_str(&thead(&cols));
        s.push_str("<tbody>");
        for t in &tiers {
            let _ = write!(s, "<tr><td>{}</td>", escape(t));
            for st in &statuses {
                let n: u64 = sub
                    .counts
                    .iter()
                    .filter(|c| c.tier == *t && c.status == *st)
                    .map(|c| c.subscriptions)
                    .sum();
                let _ = write!(s, "<td class=\"n\">{}</td>", group(n));
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody></table>");
    }
}

/// Subscriptions past due or unpaid, with their dunning state.
fn at_risk(s: &mut String, sub: &SubscribersSection) {
    let _ = write!(
        s,
        "<h3>At risk: past due and unpaid ({})</h3>",
        group(sub.at_risk.len() as u64)
    );
    if sub.at_risk.is_empty() {
        s.push_str("<p>None.</p>");
    } else {
        s.push_str("<table class=\"sortable at-risk\">");
        s.push_str(&thead(&[
            ("Customer", false),
            ("Name", false),
            ("Email", false),
            ("Tier", false),
            ("Status", false),
            ("Failing since", false),
            ("Attempts", true),
            ("Next attempt", false),
            ("Unpaid invoice", false),
            ("Access", false),
            ("Grace until", false),
        ]));
        s.push_str("<tbody>");
        for r in &sub.at_risk {
            let _ = write!(
                s,
                "<tr>{}<td>{}</td><td class=\"over\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                who_cells(&r.who),
                escape(&r.tier),
                escape(&r.status),
                opt_date(r.payment_failed_at),
                r.failed_attempts,
                opt_date(r.next_payment_attempt),
                escape(r.unpaid_invoice_id.as_deref().unwrap_or("—")),
                escape(r.access.as_str()),
                opt_date(r.grace_until)
            );
        }
        s.push_str("</tbody></table>");
    }
}

/// Trials ending soon.
fn trials(s: &mut String, sub: &SubscribersSection) {
    let _ = write!(
        s,
        "<h3>Trials ending within {} ({})</h3>",
        crate::util::plural::count(crate::ops::dashboard::TRIAL_DAYS, "day", "days"),
        group(sub.trials_ending.len() as u64)
    );
    if sub.trials_ending.is_empty() {
        s.push_str("<p>None.</p>");
    } else {
        s.push_str("<table class=\"sortable trials\">");
        s.push_str(&thead(&[
            ("Customer", false),
            ("Name", false),
            ("Email", false),
            ("Tier", false),
            ("Trial ends", false),
        ]));
        s.push_str("<tbody>");
        for t in &sub.trials_ending {
            let _ = write!(
                s,
                "<tr>{}<td>{}</td><td>{}</td></tr>",
                who_cells(&t.who),
                escape(&t.tier),
                when(Some(t.trial_end))
            );
        }
        s.push_str("</tbody></table>");
    }
}

pub(super) fn reached_text(r: Option<QuotaReached>) -> String {
    match r {
        Some(QuotaReached::Reached(t)) => format!("reached {}", utc_date(t)),
        Some(QuotaReached::Projected(t)) => format!("{} at this rate", utc_date(t)),
        None => String::new(),
    }
}

/// The usage section's first line: the period, and how many customers are in it and charted.
fn usage_intro(u: &UsageSection) -> String {
    format!(
        "<p>Billing period: {} · {}, by share of quota; the first {} {} charted below the table.</p>",
        escape(&u.period),
        crate::util::plural::grouped(u.rows.len() as u64, "customer", "customers"),
        group(u.charted as u64),
        crate::util::plural::word(u.charted, "is", "are")
    )
}

fn usage(u: &UsageSection) -> String {
    let mut s = usage_intro(u);
    s.push_str("<input type=\"search\" data-filter=\"usage-table\" placeholder=\"Filter customers\" aria-label=\"Filter customers\" hidden>");
    s.push_str("<table class=\"sortable\" id=\"usage-table\">");
    s.push_str(&thead(&[
        ("Customer", false),
        ("Name", false),
        ("Email", false),
        ("Tier", false),
        ("Used", true),
        ("Quota", true),
        ("Share", true),
        ("Quota reached", false),
        ("Access", false),
    ]));
    s.push_str("<tbody>");
    for UsageRow {
        who,
        row: r,
        quota_reached,
        ..
    } in &u.rows
    {
        let share = r.percent.map_or(String::new(), |p| format!("{p:.1}%"));
        let over = if r.percent.is_some_and(|p| p >= 100.0) {
            " class=\"over\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<tr>{}<td>{}</td><td>{}</td><td>{}</td><td{over}>{share}</td><td>{}</td><td>{}</td></tr>",
            who_cells(who),
            escape(&r.tier),
            count(r.used),
            r.quota.map_or_else(|| "unlimited".into(), group),
            reached_text(*quota_reached),
            escape(r.access.as_str())
        );
    }
    s.push_str("</tbody></table>");
    if u.rows.len() > u.charted {
        let _ = write!(
            s,
            "<p class=\"note\">{} in the table only.</p>",
            crate::util::plural::grouped(
                (u.rows.len() - u.charted) as u64,
                "more customer is",
                "more customers are"
            )
        );
    }
    for (i, r) in u.rows.iter().take(u.charted).enumerate() {
        if let Some(series) = &r.series {
            s.push_str(&usage_figure(i, r, series));
        }
    }
    s
}

fn usage_figure(i: usize, u: &UsageRow, series: &Series) -> String {
    let r = &u.row;
    let subject = match &r.key {
        Some(k) => format!("key {k} of {}", display_name(&u.who)),
        None => display_name(&u.who),
    };
    let figures = format!(
        ": {} {} of {} ({}), {} to {}",
        count(r.used),
        crate::util::plural::word(r.used, "API call", "API calls"),
        r.quota.map_or_else(|| "unlimited".into(), group),
        r.tier,
        utc_date(series.from),
        utc_date(series.to)
    );
    let title = format!("{subject}{figures}");
    format!(
        // The subject (a customer's name, from outside) isolated in <bdi>: its direction
        // cannot spill into the figures after it.
        "<figure class=\"usage\" data-customer=\"{}\"><figcaption><bdi>{}</bdi>{}{}</figcaption>{}</figure>\n",
        escape(&u.who.customer_id),
        escape(&subject),
        escape(&figures),
        match u.quota_reached {
            Some(q) => format!(" · quota {}", reached_text(Some(q))),
            None => String::new(),
        },
        usage_svg(&format!("usage-{i}"), &title, series)
    )
}

fn keys(k: &KeysSection) -> String {
    let mut s = format!(
        "<p>{} of {}, most recently used first.</p>",
        crate::util::plural::grouped(k.active, "active key", "active keys"),
        crate::util::plural::grouped(k.customers.len() as u64, "customer", "customers")
    );
    if k.customers.is_empty() {
        return s;
    }
    s.push_str("<input type=\"search\" data-filter=\"keys-table\" placeholder=\"Filter keys\" aria-label=\"Filter keys\" hidden>");
    s.push_str("<table class=\"sortable\" id=\"keys-table\">");
    s.push_str(&thead(&[
        ("Customer", false),
        ("Name", false),
        ("Active keys", true),
        ("Keys", false),
        ("Last use", false),
    ]));
    s.push_str("<tbody>");
    for c in &k.customers {
        let several = c.keys.len() > 1;
        let list: Vec<String> = c
            .keys
            .iter()
            .map(|key| {
                let name = key
                    .name
                    .as_deref()
                    .map_or(String::new(), |n| format!(" “{}”", escape(n)));
                let used = if several {
                    format!(" ({})", when(key.last_used_at))
                } else {
                    String::new()
                };
                format!("{}{name}{used}", escape(&key.id))
            })
            .collect();
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&c.who.customer_id),
            escape(c.who.name.as_deref().unwrap_or("")),
            c.keys.len(),
            list.join("<br>"),
            when(c.last_used_at)
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// Outcome colours, in the order they stack.
const OUTCOMES: [(&str, &str); 5] = [
    ("applied", "#59a14f"),
    ("ignored", "#9ca3af"),
    ("pending", "#edc948"),
    ("failed", "#e15759"),
    ("rejected", "#b07aa1"),
];

fn outcome(d: &crate::ops::dashboard::DayOutcomes, name: &str) -> i64 {
    match name {
        "applied" => d.applied,
        "ignored" => d.ignored,
        "pending" => d.pending,
        "failed" => d.failed,
        _ => d.rejected,
    }
}

fn webhooks(wh: &WebhooksSection) -> String {
    let mut s = webhook_chart(wh);
    outcome_table(&mut s, wh);
    failed_events(&mut s, wh);
    s
}

/// The chart of the last days by outcome, stacked, with its legend.
fn webhook_chart(wh: &WebhooksSection) -> String {
    let (w, h, left, bottom) = (720.0, 220.0, 70.0, 36.0);
    let totals: Vec<i64> = wh
        .days
        .iter()
        .map(|d| OUTCOMES.iter().map(|(n, _)| outcome(d, n)).sum())
        .collect();
    let top = nice(totals.iter().copied().max().unwrap_or(0).max(1) as f64);
    let y = |v: f64| h - bottom - v / top * (h - bottom - 14.0);
    let title = format!(
        "Webhook events by day of arrival and outcome, last {}",
        crate::util::plural::count(wh.days.len(), "day", "days")
    );
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"webhook-chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"webhooks-t\"><title id=\"webhooks-t\">{}</title>",
        escape(&title),
        escape(&title)
    );
    y_grid(&mut s, (left, w - 10.0), &quarters(top), &y, &|v| {
        group(v.round() as u64)
    });
    y_title(&mut s, (h - bottom) / 2.0, "events");
    let bw = (w - left - 10.0) / (wh.days.len().max(1) as f64);
    for (i, d) in wh.days.iter().enumerate() {
        let bx = left + i as f64 * bw;
        let mut base = 0.0;
        for (name, colour) in OUTCOMES {
            let v = outcome(d, name) as f64;
            if v > 0.0 {
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{colour}\" data-day=\"{}\" data-outcome=\"{name}\" data-value=\"{}\"><title>{} {name}: {}</title></rect>",
                    bx + 4.0,
                    y(base + v),
                    (bw - 8.0).max(1.0),
                    y(base) - y(base + v),
                    d.day,
                    v as i64,
                    utc_date(d.day),
                    count(v as i64)
                );
                base += v;
            }
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            bx + bw / 2.0,
            h - bottom + 16.0,
            &utc_date(d.day)[5..]
        );
    }
    s.push_str("</svg><div class=\"legend\">");
    for (name, colour) in OUTCOMES {
        let _ = write!(
            s,
            "<span><i style=\"background:{colour}\"></i>{name}</span>"
        );
    }
    s.push_str("</div></figure>");
    s
}

/// The same days as a table.
fn outcome_table(s: &mut String, wh: &WebhooksSection) {
    s.push_str("<table class=\"outcomes\">");
    let mut cols: Vec<(&str, bool)> = vec![("Day", false)];
    cols.extend(OUTCOMES.iter().map(|(n, _)| (*n, true)));
    s.push_str(&thead(&cols));
    s.push_str("<tbody>");
    for d in &wh.days {
        let _ = write!(s, "<tr><td>{}</td>", utc_date(d.day));
        for (name, _) in OUTCOMES {
            let _ = write!(s, "<td class=\"n\">{}</td>", count(outcome(d, name)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
}

/// The failed events, newest first.
fn failed_events(s: &mut String, wh: &WebhooksSection) {
    let _ = write!(s, "<h3>Failed ({})</h3>", count(wh.failed_total));
    if wh.failed.is_empty() {
        s.push_str("<p>None.</p>");
        return;
    }
    s.push_str("<table class=\"sortable failed\">");
    s.push_str(&thead(&[
        ("Event", false),
        ("Type", false),
        ("Arrived", false),
        ("Why", false),
    ]));
    s.push_str("<tbody>");
    for e in &wh.failed {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&e.id),
            escape(&e.kind),
            when(Some(e.received_at_ms.div_euclid(1000))),
            escape(e.detail.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</tbody></table>");
    if (wh.failed.len() as i64) < wh.failed_total {
        let _ = write!(
            s,
            "<p class=\"note\">The newest {} are listed: 'billctl webhooks list --status failed' shows them all.</p>",
            wh.failed.len()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bidirectional control in a name is shown, never obeyed; C0 and C1 controls are shown
    /// escaped, as in the terminal (issue 42); HTML's own characters are escaped (issue 30).
    #[test]
    fn outside_text_is_escaped_and_cannot_reorder_a_caption() {
        assert_eq!(
            escape("evil\u{202e}gnp.exe <b>\u{1b}[31m\u{2066}\n\u{9b}\u{200f}\u{7f}"),
            "evil\\u{202e}gnp.exe &lt;b&gt;\\u{1b}[31m\\u{2066}\\u{a}\\u{9b}\\u{200f}\\u{7f}"
        );
    }
}
