//! The audit log of administrative actions (append-only).

use super::Store;
use anyhow::Result;
use serde::Serialize;

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub key_id: Option<String>,
    pub customer_id: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<serde_json::Value>,
}

/// An action to append to the audit log.
pub struct Audit<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub key_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub detail: Option<serde_json::Value>,
}

pub(super) fn append_audit(db: &super::db::Db, at: i64, a: &Audit) -> Result<()> {
    let detail = a.detail.as_ref().map(|d| d.to_string());
    db.execute(
        "INSERT INTO audit (at, actor, action, key_id, customer_id, reason, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        crate::ps![at, a.actor, a.action, a.key_id, a.customer_id, a.reason, &detail],
    )?;
    Ok(())
}

impl Store {
    pub fn append_audit(&mut self, audit: &Audit, at: i64) -> Result<()> {
        self.db.tx(true, |db| append_audit(db, at, audit))
    }

    /// Audit entries at or after `since`, optionally of one action, oldest first.
    pub fn audit(&self, since: Option<i64>, action: Option<&str>) -> Result<Vec<AuditRow>> {
        self.db.query(
            "SELECT id, at, actor, action, key_id, customer_id, reason, detail FROM audit WHERE at >= ?1 AND (CAST(?2 AS TEXT) IS NULL OR action = ?2) ORDER BY id",
            crate::ps![since.unwrap_or(i64::MIN), action],
            |r| {
                Ok(AuditRow {
                    id: r.i64(0)?,
                    at: r.i64(1)?,
                    actor: r.text(2)?,
                    action: r.text(3)?,
                    key_id: r.opt_text(4)?,
                    customer_id: r.opt_text(5)?,
                    reason: r.opt_text(6)?,
                    detail: r.opt_text(7)?.and_then(|d| serde_json::from_str(&d).ok()),
                })
            },
        )
    }
}
