//! How `revenue` reads on a terminal, as CSV and as an HTML page with SVG charts.

use super::{Output, Render};
use crate::domain::money::{group, money, signed};
use crate::domain::revenue::{Movements, Snapshot};
use crate::domain::time::utc_datetime;
use crate::ops::revenue::{AsOf, ByMonth};

fn snapshot_table(out: &Output, s: &Snapshot) -> String {
    let mut rows = Vec::new();
    for c in &s.currencies {
        for t in &c.tiers {
            rows.push(vec![
                super::cell(c.currency.to_uppercase()),
                super::cell(&t.tier),
                super::cell(group(t.subscriptions)),
                super::cell(group(t.seats)),
                super::cell(money(t.mrr, &c.currency)),
            ]);
        }
        rows.push(vec![
            super::cell(c.currency.to_uppercase()),
            super::cell("total"),
            super::cell(crate::util::plural::grouped(
                c.paying_customers,
                "customer",
                "customers",
            )),
            super::cell(group(c.tiers.iter().map(|t| t.seats).sum())),
            super::cell(money(c.mrr, &c.currency)),
        ]);
        rows.push(vec![
            super::cell(""),
            super::cell("ARPA"),
            super::cell(""),
            super::cell(""),
            super::cell(money(c.arpa, &c.currency)),
        ]);
        for (label, p) in [
            ("trials (not MRR)", &c.trials),
            ("incomplete (not MRR)", &c.incomplete),
        ] {
            if p.subscriptions > 0 {
                rows.push(vec![
                    super::cell(""),
                    super::cell(label),
                    super::cell(group(p.subscriptions)),
                    super::cell(""),
                    super::cell(money(p.mrr, &c.currency)),
                ]);
            }
        }
    }
    if rows.is_empty() {
        return "No paying subscriptions.".into();
    }
    out.table(&["CURRENCY", "TIER", "SUBSCRIPTIONS", "SEATS", "MRR"], rows)
}

fn subscribers_table(out: &Output, s: &Snapshot) -> String {
    if s.subscribers.is_empty() {
        return String::new();
    }
    out.table(
        &["TIER", "STATUS", "SUBSCRIPTIONS"],
        s.subscribers
            .iter()
            .map(|c| {
                vec![
                    super::cell(&c.tier),
                    super::cell(&c.status),
                    super::cell(group(c.subscriptions)),
                ]
            })
            .collect(),
    )
}

fn movements_table(out: &Output, moves: &[Movements]) -> String {
    let mut rows = Vec::new();
    for m in moves {
        let cur = &m.currency;
        for (label, mv, out) in [
            ("new", m.new, false),
            ("expansion", m.expansion, false),
            ("reactivation", m.reactivation, false),
            ("contraction", m.contraction, true),
            ("churn", m.churn, true),
        ] {
            rows.push(vec![
                super::cell(cur.to_uppercase()),
                super::cell(label),
                super::cell(group(mv.customers)),
                super::cell(signed(
                    if out { mv.mrr.saturating_neg() } else { mv.mrr },
                    cur,
                )),
            ]);
        }
        rows.push(vec![
            super::cell(cur.to_uppercase()),
            super::cell("net new MRR"),
            super::cell(""),
            super::cell(signed(m.net, cur)),
        ]);
    }
    if rows.is_empty() {
        return "No movements.".into();
    }
    out.table(&["CURRENCY", "MOVEMENT", "CUSTOMERS", "MRR"], rows)
}

impl Render for AsOf {
    fn render(&self, out: &Output) -> String {
        let mut text = format!(
            "MRR as of {}\n{}\n",
            utc_datetime(self.as_of),
            snapshot_table(out, &self.snapshot)
        );
        let subs = subscribers_table(out, &self.snapshot);
        if !subs.is_empty() {
            text.push_str(&format!("\nSubscribers by tier and status\n{subs}\n"));
        }
        text.push_str(&format!(
            "\nMovements in {} up to then\n{}",
            self.month,
            movements_table(out, &self.movements)
        ));
        if let Some(est) = self.overage_estimate.as_ref().filter(|e| !e.is_empty()) {
            let rows = est
                .iter()
                .map(|e| {
                    vec![
                        super::cell(e.currency.to_uppercase()),
                        super::cell(group(e.customers)),
                        super::cell(group(e.calls.max(0) as u64)),
                        super::cell(money(e.amount, &e.currency)),
                    ]
                })
                .collect();
            text.push_str(&format!(
                "\n\nOverage in the current periods so far (an estimate, not MRR)\n{}",
                out.table(
                    &["CURRENCY", "CUSTOMERS", "CALLS OVER QUOTA", "AMOUNT"],
                    rows
                )
            ));
        }
        text
    }

    /// Also after `--csv`, and on the `--html` page (see [`super::page_warnings`]).
    fn warnings(&self) -> Vec<String> {
        unpriced_note(&self.snapshot)
    }
}

fn unpriced_note(s: &Snapshot) -> Vec<String> {
    if s.unpriced.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "{} of live subscriptions {} not in the catalog mirror, so {} MRR is not counted: {} (run 'billctl setup-products')",
        crate::util::plural::count(s.unpriced.len(), "price", "prices"),
        crate::util::plural::word(s.unpriced.len(), "is", "are"),
        crate::util::plural::word(s.unpriced.len(), "its", "their"),
        s.unpriced.join(", ")
    )]
}

impl Render for ByMonth {
    fn render(&self, out: &Output) -> String {
        let mut rows = Vec::new();
        for m in &self.months {
            for c in &m.snapshot.currencies {
                let mv = m.movements.iter().find(|x| x.currency == c.currency);
                let cell = |f: &dyn Fn(&Movements) -> i64| {
                    super::cell(mv.map_or("-".into(), |x| signed(f(x), &c.currency)))
                };
                rows.push(vec![
                    super::cell(&m.month),
                    super::cell(c.currency.to_uppercase()),
                    super::cell(money(c.mrr, &c.currency)),
                    super::cell(group(c.paying_customers)),
                    cell(&|x| x.new.mrr),
                    cell(&|x| x.expansion.mrr),
                    cell(&|x| x.reactivation.mrr),
                    cell(&|x| x.contraction.mrr.saturating_neg()),
                    cell(&|x| x.churn.mrr.saturating_neg()),
                    cell(&|x| x.net),
                ]);
            }
        }
        if rows.is_empty() {
            return "No paying subscriptions in these months.".into();
        }
        out.table(
            &[
                "MONTH",
                "CURRENCY",
                "MRR (END)",
                "CUSTOMERS",
                "NEW",
                "EXPANSION",
                "REACTIVATION",
                "CONTRACTION",
                "CHURN",
                "NET",
            ],
            rows,
        )
    }

    /// Also after `--csv`, and on the `--html` page (see [`super::page_warnings`]).
    fn warnings(&self) -> Vec<String> {
        self.months
            .last()
            .map(|m| unpriced_note(&m.snapshot))
            .unwrap_or_default()
    }
}

/// `revenue --csv` as of a day: one row per currency and tier (amounts in minor units).
pub fn csv_as_of(r: &AsOf) -> String {
    let rows = r.snapshot.currencies.iter().flat_map(|c| {
        c.tiers.iter().map(move |t| {
            vec![
                c.currency.clone(),
                t.tier.clone(),
                t.subscriptions.to_string(),
                t.mrr.to_string(),
                t.seats.to_string(),
            ]
        })
    });
    super::csv_text(
        &["currency", "tier", "subscriptions", "mrr_minor", "seats"],
        rows,
    )
}

/// `revenue --by month --csv`: one row per month and currency (amounts in minor units).
pub fn csv_by_month(r: &ByMonth) -> String {
    let rows = r.months.iter().flat_map(|m| {
        m.snapshot.currencies.iter().map(move |c| {
            let mv = m.movements.iter().find(|x| x.currency == c.currency);
            let f = |g: &dyn Fn(&Movements) -> i64| mv.map_or(0, g).to_string();
            vec![
                m.month.clone(),
                c.currency.clone(),
                c.mrr.to_string(),
                c.paying_customers.to_string(),
                f(&|x| x.new.mrr),
                f(&|x| x.expansion.mrr),
                f(&|x| x.reactivation.mrr),
                f(&|x| x.contraction.mrr),
                f(&|x| x.churn.mrr),
                f(&|x| x.net),
            ]
        })
    });
    let header = [
        "month",
        "currency",
        "mrr_minor",
        "paying_customers",
        "new_minor",
        "expansion_minor",
        "reactivation_minor",
        "contraction_minor",
        "churn_minor",
        "net_minor",
    ];
    super::csv_text(&header, rows)
}

use super::svg::escape;

/// Fill colours for tiers, in tier order.
const PALETTE: &[&str] = &[
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
];

/// One month's bar of a stacked chart.
struct Bar<'a> {
    x: f64,
    bw: f64,
    month: &'a str,
    y: &'a dyn Fn(f64) -> f64,
    label: &'a dyn Fn(i64) -> String,
}

impl Bar<'_> {
    /// A segment per tier with a value, stacked from the bottom in tier order.
    fn segments(
        &self,
        svg: &mut String,
        c: &crate::domain::revenue::CurrencyMrr,
        tiers: &[String],
        value: &dyn Fn(&crate::domain::revenue::TierMrr) -> i64,
    ) {
        let (x, y, month) = (self.x, self.y, self.month);
        let mut base = 0.0;
        for (ti, tier) in tiers.iter().enumerate() {
            let v = c.tiers.iter().find(|t| &t.tier == tier).map_or(0, value) as f64;
            if v <= 0.0 {
                continue;
            }
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" data-month=\"{}\" data-tier=\"{}\" data-value=\"{}\"><title>{} {}: {}</title></rect>",
                x + 2.0,
                y(base + v),
                (self.bw - 4.0).max(1.0),
                y(base) - y(base + v),
                PALETTE[ti % PALETTE.len()],
                month,
                escape(tier),
                v as i64,
                month,
                escape(tier),
                escape(&(self.label)(v as i64))
            ));
            base += v;
        }
    }
}

/// A money chart's y axis in minor units of `currency`: zero, half and a top at or above
/// `max`, each an amount the currency can hold. Ticks are multiples of the currency's
/// smallest amount: one shown digit (100 for ISK and UGX, shown without decimals) and one
/// Stripe takes (10 for the three-decimal currencies), never 499,999.5 ISK or 0.001 BHD.
/// The half is a round number of those (1, 2 or 5 times a power of ten).
pub(super) fn money_ticks(max: i64, currency: &str) -> [i64; 3] {
    let unit = crate::domain::money::exponent(currency).map_or(1, |e| {
        e.step.max(10i64.pow(e.minor.saturating_sub(e.shown)))
    });
    // Signed `div_ceil` is unstable; both are positive here.
    let units = (max.max(1) + unit - 1) / unit;
    let half = round_up((units + 1) / 2).saturating_mul(unit);
    [0, half, half.saturating_mul(2)]
}

/// The smallest of 1, 2 or 5 times a power of ten at or above `v` (at least 1).
fn round_up(v: i64) -> i64 {
    let mut p = 1i64;
    while p <= v / 10 {
        p *= 10;
    }
    [1i64, 2, 5, 10]
        .into_iter()
        .map(|m| m.saturating_mul(p))
        .find(|&x| x >= v)
        .unwrap_or(v)
}

/// One stacked bar chart: a bar per month, a segment per tier; `value` picks what is stacked.
pub(super) fn stacked(
    title: &str,
    r: &ByMonth,
    currency: &str,
    tiers: &[String],
    value: &dyn Fn(&crate::domain::revenue::TierMrr) -> i64,
    label: &dyn Fn(i64) -> String,
) -> String {
    let (w, h, left, bottom) = (720.0, 260.0, 90.0, 40.0);
    let totals: Vec<i64> = r
        .months
        .iter()
        .map(|m| {
            m.snapshot
                .currencies
                .iter()
                .filter(|c| c.currency == currency)
                .flat_map(|c| c.tiers.iter().map(value))
                .sum()
        })
        .collect();
    let ticks = money_ticks(totals.iter().copied().max().unwrap_or(0), currency);
    let top = ticks[2] as f64;
    let n = r.months.len().max(1) as f64;
    let bw = (w - left - 10.0) / n;
    let y = |v: f64| h - bottom - v / top * (h - bottom - 20.0);
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{t}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><title>{t}</title>",
        t = escape(title)
    );
    // The y axis: zero, half and the top, labelled.
    super::svg::y_grid(
        &mut svg,
        (left, w - 10.0),
        &ticks.map(|t| t as f64),
        &y,
        &|v| label(v as i64),
    );
    for (i, m) in r.months.iter().enumerate() {
        let x = left + i as f64 * bw;
        if let Some(c) = m
            .snapshot
            .currencies
            .iter()
            .find(|c| c.currency == currency)
        {
            let bar = Bar {
                x,
                bw,
                month: &m.month,
                y: &y,
                label,
            };
            bar.segments(&mut svg, c, tiers, value);
        }
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x + bw / 2.0,
            h - bottom + 16.0,
            &m.month[2..]
        ));
    }
    svg.push_str("</svg>");
    let legend: String = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "<span><i style=\"background:{}\"></i>{}</span>",
                PALETTE[i % PALETTE.len()],
                escape(t)
            )
        })
        .collect();
    format!(
        "<figure><figcaption>{}</figcaption>{svg}<div class=\"legend\">{legend}</div></figure>",
        escape(title)
    )
}

/// The `revenue --html` page: per currency, MRR by month stacked by tier and paying
/// subscriptions by month stacked by tier; self-contained (inline CSS and SVG, no script).
pub fn html(r: &ByMonth, now: i64) -> String {
    let mut currencies: Vec<String> = r
        .months
        .iter()
        .flat_map(|m| m.snapshot.currencies.iter().map(|c| c.currency.clone()))
        .collect();
    currencies.sort();
    currencies.dedup();
    let mut body = String::new();
    for cur in &currencies {
        let mut tiers: Vec<String> = r
            .months
            .iter()
            .flat_map(|m| m.snapshot.currencies.iter())
            .filter(|c| &c.currency == cur)
            .flat_map(|c| c.tiers.iter().map(|t| t.tier.clone()))
            .collect();
        tiers.sort();
        tiers.dedup();
        body.push_str(&format!("<section><h2>{}</h2>", cur.to_uppercase()));
        body.push_str(&stacked(
            &format!("MRR by month, stacked by tier ({})", cur.to_uppercase()),
            r,
            cur,
            &tiers,
            &|t| t.mrr,
            &|v| money(v, cur),
        ));
        body.push_str(&stacked(
            &format!(
                "Paying subscriptions by month, by tier ({})",
                cur.to_uppercase()
            ),
            r,
            cur,
            &tiers,
            &|t| t.subscriptions as i64,
            &|v| group(v.max(0) as u64),
        ));
        body.push_str("</section>\n");
    }
    if body.is_empty() {
        body.push_str("<p>No paying subscriptions in these months.</p>");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>billctl revenue</title>\n<style>:root{{color-scheme:light dark}}body{{font-family:system-ui,sans-serif;margin:2rem;color:#111;background:#fff}}svg text{{font-size:11px;fill:currentColor}}.grid{{stroke:#ccc}}figure{{margin:0 0 1.5rem}}figcaption{{font-weight:600;margin-bottom:.25rem}}.legend span{{margin-right:1rem}}.warnings{{border-left:4px solid #dc2626;padding:.25rem .75rem;margin:1rem 0}}.legend i{{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}}@media (prefers-color-scheme: dark){{body{{color:#eee;background:#111}}.grid{{stroke:#444}}}}</style></head>\n<body><h1>Revenue</h1><p>{} to {}, generated {} by billctl {}.</p>\n{}{body}</body></html>\n",
        r.months.first().map_or("-", |m| m.month.as_str()),
        r.months.last().map_or("-", |m| m.month.as_str()),
        utc_datetime(now),
        env!("CARGO_PKG_VERSION"),
        super::page_warnings(&r.warnings())
    )
}
