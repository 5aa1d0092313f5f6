//! How catalog reports read on a terminal: `prices check`, `prices list` and `setup-products`.

use super::{Output, Render};
use crate::domain::catalog::Action;
use crate::ops::prices::{CheckReport, PriceList};
use crate::ops::setup::{PlanView, ResultView};
use crate::util::plural::count;
use comfy_table::{Cell, Color};

impl Render for CheckReport {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .findings
            .iter()
            .map(|f| {
                let status = if f.ok {
                    out.paint("ok", Color::Green)
                } else {
                    out.paint("DRIFT", Color::Red)
                };
                let finding = if f.problems.is_empty() {
                    "-".to_string()
                } else {
                    // One finding a line: each made safe, the line breaks our own.
                    f.problems
                        .iter()
                        .map(|p| super::clean(p).into_owned())
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                vec![
                    status,
                    super::cell(&f.tier),
                    super::cell(&f.lookup_key),
                    super::cell(f.price_id.as_deref().unwrap_or("-")),
                    Cell::new(finding),
                ]
            })
            .collect();
        out.table(&["STATUS", "TIER", "LOOKUP KEY", "PRICE", "FINDING"], rows)
    }

    fn notes(&self) -> Vec<String> {
        vec![match (self.drift, self.checked) {
            (0, 1) => "The one price matches the config.".to_string(),
            (0, n) => format!("All {} match the config.", count(n, "price", "prices")),
            (d, n) => format!(
                "Drift: {d} of {} {} from the config; 'billctl setup-products --plan' shows the fix.",
                count(n, "price", "prices"),
                crate::util::plural::word(d, "differs", "differ")
            ),
        }]
    }
}

impl Render for PriceList {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .0
            .iter()
            .map(|r| {
                let stripe = r.stripe.as_ref();
                vec![
                    super::cell(&r.tier),
                    super::cell(&r.lookup_key),
                    super::cell(&r.wanted),
                    super::cell(stripe.map_or("-", |p| p.price_id.as_str())),
                    super::cell(stripe.map_or("missing".to_string(), |p| {
                        let archived = if p.active { "" } else { " (archived)" };
                        format!("{}{archived}", p.described)
                    })),
                    if r.matches {
                        out.paint("yes", Color::Green)
                    } else {
                        out.paint("no", Color::Red)
                    },
                ]
            })
            .collect();
        let header = [
            "TIER",
            "LOOKUP KEY",
            "CONFIG",
            "STRIPE PRICE",
            "STRIPE",
            "MATCH",
        ];
        out.table(&header, rows)
    }
}

impl Render for PlanView<'_> {
    fn render(&self, out: &Output) -> String {
        if self.plan.is_empty() {
            return "No changes: Stripe matches the config.".into();
        }
        plan_table(out, self)
    }

    fn notes(&self) -> Vec<String> {
        if self.plan.is_empty() {
            return Vec::new();
        }
        vec![format!(
            "Plan: {} ({}). Run without --plan to apply.",
            count(self.changes, "change", "changes"),
            count(self.writes, "write", "writes")
        )]
    }
}

/// The plan's actions as a table, colored by what they do.
pub fn plan_table(out: &Output, view: &PlanView) -> String {
    let rows = view
        .plan
        .actions
        .iter()
        .zip(&view.actions)
        .map(|(a, v)| {
            let color = match a {
                Action::CreateProduct { .. }
                | Action::CreatePrice { .. }
                | Action::CreateMeter { .. } => Color::Green,
                Action::ArchivePrice { .. }
                | Action::ArchiveProduct { .. }
                | Action::FinishReplace { .. } => Color::Red,
                _ => Color::Yellow,
            };
            vec![
                out.paint(v.action, color),
                super::cell(v.tier),
                super::cell(&v.object),
                super::cell(&v.detail),
            ]
        })
        .collect();
    out.table(&["ACTION", "TIER", "OBJECT", "DETAIL"], rows)
}

impl Render for ResultView {
    fn render(&self, out: &Output) -> String {
        let mut described = self.described.iter();
        let mut rows = Vec::new();
        for (tier, t) in &self.tiers {
            for p in &t.prices {
                rows.push(vec![
                    super::cell(tier),
                    super::cell(&t.product_id),
                    super::cell(&p.lookup_key),
                    super::cell(&p.price_id),
                    super::cell(described.next().map_or("", String::as_str)),
                    super::cell(&p.env),
                ]);
            }
        }
        let header = ["TIER", "PRODUCT", "LOOKUP KEY", "PRICE", "AMOUNT", "ENV"];
        out.table(&header, rows)
    }
}
