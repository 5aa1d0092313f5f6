//! The audit log of administrative actions (append-only).

use super::Store;
use anyhow::Result;
use rusqlite::{params, Transaction};
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

pub(super) fn append_audit(tx: &Transaction, at: i64, a: &Audit) -> Result<()> {
    tx.prepare_cached("INSERT INTO audit (at, actor, action, key_id, customer_id, reason, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
        .execute(params![at, a.actor, a.action, a.key_id, a.customer_id, a.reason, a.detail.as_ref().map(|d| d.to_string())])?;
    Ok(())
}

impl Store {
    pub fn append_audit(&mut self, audit: &Audit, at: i64) -> Result<()> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        append_audit(&tx, at, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Audit entries at or after `since`, optionally of one action, oldest first.
    pub fn audit(&self, since: Option<i64>, action: Option<&str>) -> Result<Vec<AuditRow>> {
        let mut stmt = self.sq()?.prepare_cached(
            "SELECT id, at, actor, action, key_id, customer_id, reason, detail FROM audit WHERE at >= ?1 AND (?2 IS NULL OR action = ?2) ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![since.unwrap_or(i64::MIN), action], |r| {
                let detail: Option<String> = r.get(7)?;
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    key_id: r.get(4)?,
                    customer_id: r.get(5)?,
                    reason: r.get(6)?,
                    detail: detail.and_then(|d| serde_json::from_str(&d).ok()),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
