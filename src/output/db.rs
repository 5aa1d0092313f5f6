//! `db status/backup/restore/migrate/copy` as text.

use super::{cell, Output, Render};
use crate::ops::db::{BackedUp, Migrated, Sound, Status};
use crate::store::backup::Restored;
use crate::store::copy::Copied;
use crate::time::utc_datetime;

impl Render for Status {
    fn render(&self, out: &Output) -> String {
        let mut text = String::new();
        for f in [&self.store, &self.webhooks] {
            let rows = f
                .tables
                .iter()
                .map(|(t, n)| vec![cell(t), cell(n)])
                .collect();
            let table = out.table(&["TABLE", "ROWS"], rows);
            text.push_str(&format!(
                "path:           {}\nschema version: {}\n{table}\n",
                f.path, f.schema_version
            ));
        }
        text.trim_end().to_string()
    }
}

impl Render for BackedUp {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        let files: Vec<String> = self
            .manifest
            .files
            .iter()
            .map(|f| format!("{} ({} bytes)", f.name, f.bytes))
            .collect();
        vec![format!(
            "Backed up {} to {}.",
            files.join(" and "),
            self.backup
        )]
    }
}

impl Render for Sound {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "{} is a sound backup from {} (billctl {}).",
            self.dir,
            utc_datetime(self.manifest.created_at),
            self.manifest.billctl_version
        )]
    }
}

impl Render for Restored {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "Restored the backup from {}; the state before is in {}.",
            utc_datetime(self.manifest.created_at),
            self.previous.display()
        )]
    }
}

impl Render for Migrated {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        let place = self.url.as_deref().or(self.path.as_deref()).unwrap_or("");
        vec![format!(
            "{} store at {place}: schema version {}.",
            self.backend, self.schema_version
        )]
    }
}

impl Render for Copied {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "Copied {} rows in {} tables from {} to {}; counts and sums match.",
            self.rows,
            self.tables.len(),
            self.from,
            self.to
        )]
    }
}
