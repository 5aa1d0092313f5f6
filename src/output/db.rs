//! `db status/backup/restore/migrate/copy` as text.

use super::{cell, Output, Render};
use crate::adapters::store::copy::Copied;
use crate::adapters::store::restore::Restored;
use crate::domain::time::utc_datetime;
use crate::ops::db::{BackedUp, Migrated, Sound, Status};

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
            .map(|f| {
                let size = crate::util::plural::count(f.bytes, "byte", "bytes");
                format!("{} ({size})", f.name)
            })
            .collect();
        let mut notes = vec![format!(
            "Backed up {} to {}.",
            files.join(" and "),
            self.backup
        )];
        for f in &self.left_out {
            notes.push(format!(
                "Not in the backup: {f} (webhook endpoint secrets); keep a copy with your other secrets."
            ));
        }
        notes
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
        let before = match &self.previous {
            Some(p) => format!("the state before is in {}", p.display()),
            None => "the data dir held no store before".to_string(),
        };
        let mut notes = Vec::new();
        if let Some(f) = &self.finished_earlier {
            notes.push(format!(
                "First finished an earlier, interrupted restore ({}).",
                f.describe()
            ));
        }
        notes.push(format!(
            "Restored the backup from {}; {before}.",
            utc_datetime(self.manifest.created_at)
        ));
        for p in &self.pruned {
            notes.push(format!(
                "Removed the older pre-restore copy {} (the newest {} are kept).",
                p.display(),
                crate::adapters::store::restore::KEEP_PRE_RESTORE
            ));
        }
        notes
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
            "Copied {} in {} from {} to {}; counts and sums match.",
            crate::util::plural::count(self.rows, "row", "rows"),
            crate::util::plural::count(self.tables.len(), "table", "tables"),
            self.from,
            self.to
        )]
    }
}
