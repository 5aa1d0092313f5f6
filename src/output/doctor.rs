//! `doctor` as text: a table of the checks, then the counts.

use super::{cell, Output, Render};
use crate::ops::doctor::{Outcome, Report};

impl Render for Report {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .checks
            .iter()
            .map(|c| {
                let outcome = match c.outcome {
                    Outcome::Ok => "ok",
                    Outcome::Warn => "WARN",
                    Outcome::Fail => "FAIL",
                    Outcome::Skipped => "skipped",
                };
                vec![
                    cell(c.name),
                    cell(outcome),
                    cell(&c.detail),
                    cell(c.hint.as_deref().unwrap_or("")),
                ]
            })
            .collect();
        let (_, config) = super::config_said(&self.config);
        format!(
            "{}\n{}",
            super::clean(&config),
            out.table(&["CHECK", "OUTCOME", "DETAIL", "FIX"], rows)
        )
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "{} ok, {}, {}, {} skipped.",
            self.ok,
            crate::util::plural::count(self.warnings, "warning", "warnings"),
            crate::util::plural::count(self.failures, "failure", "failures"),
            self.skipped
        )]
    }
}
