//! API keys: issue, rotate, revoke and look up (the verify path's one statement).

use super::audit::{append_audit, Audit};
use super::Store;
use anyhow::{bail, Result};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::Serialize;

/// An API key as stored: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyRecord {
    pub id: String,
    #[serde(skip)]
    pub hash: Vec<u8>,
    pub mode: String,
    pub customer_id: String,
    pub name: Option<String>,
    pub created_at: i64,
    pub created_by: String,
    pub expires_at: Option<i64>,
    pub ttl_secs: Option<i64>,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
    pub last_used_at: Option<i64>,
    pub replaces: Option<String>,
    pub replaced_by: Option<String>,
}

impl KeyRecord {
    /// `revoked`, `expired` or `active` at `now`.
    pub fn status(&self, now: i64) -> &'static str {
        if self.revoked_at.is_some_and(|t| t <= now) {
            "revoked"
        } else if self.expires_at.is_some_and(|t| t <= now) {
            "expired"
        } else {
            "active"
        }
    }
}

macro_rules! key_columns {
    () => {
        "id, hash, mode, customer_id, name, created_at, created_by, expires_at, ttl_secs, revoked_at, revoked_reason, last_used_at, replaces, replaced_by"
    };
}

const KEY_COLUMNS: &str = key_columns!();

/// The verify hot path: a constant statement, found in the statement cache without formatting.
const KEY_BY_ID: &str = concat!("SELECT ", key_columns!(), " FROM api_keys WHERE id = ?1");

fn key_row(r: &Row) -> rusqlite::Result<KeyRecord> {
    Ok(KeyRecord {
        id: r.get(0)?,
        hash: r.get(1)?,
        mode: r.get(2)?,
        customer_id: r.get(3)?,
        name: r.get(4)?,
        created_at: r.get(5)?,
        created_by: r.get(6)?,
        expires_at: r.get(7)?,
        ttl_secs: r.get(8)?,
        revoked_at: r.get(9)?,
        revoked_reason: r.get(10)?,
        last_used_at: r.get(11)?,
        replaces: r.get(12)?,
        replaced_by: r.get(13)?,
    })
}

fn insert_key(tx: &Transaction, k: &KeyRecord) -> Result<()> {
    tx.prepare_cached(&format!("INSERT INTO api_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"))?.execute(params![
        k.id,
        k.hash,
        k.mode,
        k.customer_id,
        k.name,
        k.created_at,
        k.created_by,
        k.expires_at,
        k.ttl_secs,
        k.revoked_at,
        k.revoked_reason,
        k.last_used_at,
        k.replaces,
        k.replaced_by
    ])?;
    Ok(())
}

impl Store {
    /// Stores a new key and its audit entry together.
    pub fn issue_key(&mut self, k: &KeyRecord, audit: &Audit, at: i64) -> Result<()> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_key(&tx, k)?;
        append_audit(&tx, at, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores many new keys and one audit entry in a single transaction.
    pub fn issue_keys(&mut self, keys: &[KeyRecord], audit: &Audit, at: i64) -> Result<()> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for k in keys {
            insert_key(&tx, k)?;
        }
        append_audit(&tx, at, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores the replacement, ends the old key at `old_until`, and audits, in one transaction.
    pub fn rotate_key(
        &mut self,
        old: &str,
        new: &KeyRecord,
        old_until: i64,
        audit: &Audit,
        at: i64,
    ) -> Result<()> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_key(&tx, new)?;
        tx.execute(
            "UPDATE api_keys SET expires_at = min(coalesce(expires_at, ?2), ?2), replaced_by = ?3 WHERE id = ?1",
            params![old, old_until, new.id],
        )?;
        append_audit(&tx, at, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Revokes keys (effective at `at`) with one audit entry each, all or none.
    pub fn revoke_keys(
        &mut self,
        ids: &[String],
        reason: Option<&str>,
        actor: &str,
        at: i64,
    ) -> Result<()> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for id in ids {
            let customer: Option<String> = tx
                .query_row(
                    "SELECT customer_id FROM api_keys WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(customer) = customer else {
                bail!("no API key with id {id}")
            };
            tx.execute("UPDATE api_keys SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL", params![id, at, reason])?;
            append_audit(
                &tx,
                at,
                &Audit {
                    actor,
                    action: "key.revoke",
                    key_id: Some(id),
                    customer_id: Some(&customer),
                    reason,
                    detail: None,
                },
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn key(&self, id: &str) -> Result<Option<KeyRecord>> {
        Ok(self
            .sq()?
            .prepare_cached(KEY_BY_ID)?
            .query_row([id], key_row)
            .optional()?)
    }

    /// Keys, optionally of one customer, newest first.
    pub fn keys(&self, customer: Option<&str>) -> Result<Vec<KeyRecord>> {
        let rows = match customer {
            Some(c) => self
                .sq()?
                .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE customer_id = ?1 ORDER BY created_at DESC, id"))?
                .query_map([c], key_row)?
                .collect::<rusqlite::Result<_>>()?,
            None => self
                .sq()?
                .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, id"))?
                .query_map([], key_row)?
                .collect::<rusqlite::Result<_>>()?,
        };
        Ok(rows)
    }
}
