//! How catalog reports read on a terminal: `prices check`, `prices list` and `setup-products`.

use super::{Output, Render};
use crate::catalog::Action;
use crate::ops::prices::{CheckReport, PriceList};
use crate::ops::setup::{PlanView, ResultView};
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
                    f.problems.join("\n")
                };
                vec![
                    status,
                    Cell::new(&f.tier),
                    Cell::new(&f.lookup_key),
                    Cell::new(f.price_id.as_deref().unwrap_or("-")),
                    Cell::new(finding),
                ]
            })
            .collect();
        out.table(&["STATUS", "TIER", "LOOKUP KEY", "PRICE", "FINDING"], rows)
    }

    fn notes(&self) -> Vec<String> {
        vec![if self.drift == 0 {
            format!("All {} prices match the config.", self.checked)
        } else {
            format!("Drift: {} of {} prices differ from the config; 'billctl setup-products --plan' shows the fix.", self.drift, self.checked)
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
                    Cell::new(&r.tier),
                    Cell::new(&r.lookup_key),
                    Cell::new(&r.wanted),
                    Cell::new(stripe.map_or("-", |p| p.price_id.as_str())),
                    Cell::new(stripe.map_or("missing".to_string(), |p| {
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
            "Plan: {} changes ({} writes). Run without --plan to apply.",
            self.changes, self.writes
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
                Cell::new(v.tier),
                Cell::new(&v.object),
                Cell::new(&v.detail),
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
                    Cell::new(tier),
                    Cell::new(&t.product_id),
                    Cell::new(&p.lookup_key),
                    Cell::new(&p.price_id),
                    Cell::new(described.next().map_or("", String::as_str)),
                    Cell::new(&p.env),
                ]);
            }
        }
        let header = ["TIER", "PRODUCT", "LOOKUP KEY", "PRICE", "AMOUNT", "ENV"];
        out.table(&header, rows)
    }
}
