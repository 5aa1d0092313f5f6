//! API keys: issue, rotate, revoke and look up (the verify path's one statement).

use super::audit::{append_audit, Audit};
use super::Store;
use crate::domain::mode::Mode;
use anyhow::{anyhow, bail, Result};
use serde::Serialize;

/// An API key as stored: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyRecord {
    pub id: String,
    #[serde(skip)]
    pub hash: Vec<u8>,
    pub mode: Mode,
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

/// A key's state at a moment: what `keys list --status` filters on and `keys show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyState {
    Active,
    Revoked,
    Expired,
}

impl KeyState {
    /// `active`, `revoked` or `expired`, for tables and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Active => "active",
            KeyState::Revoked => "revoked",
            KeyState::Expired => "expired",
        }
    }
}

impl std::fmt::Display for KeyState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl KeyRecord {
    /// Revoked, expired or active at `now`.
    pub fn status(&self, now: i64) -> KeyState {
        if self.revoked_at.is_some_and(|t| t <= now) {
            KeyState::Revoked
        } else if self.expires_at.is_some_and(|t| t <= now) {
            KeyState::Expired
        } else {
            KeyState::Active
        }
    }
}

macro_rules! key_columns {
    () => {
        "id, hash, mode, customer_id, name, created_at, created_by, expires_at, ttl_secs, revoked_at, revoked_reason, last_used_at, replaces, replaced_by"
    };
}

/// The key columns as read: `last_used_at` is the key's latest daily rollup's last event
/// (written with the rollups, so a recorded call writes no key row), or the column itself,
/// which holds the last use recorded before the rollups kept it (schema 14 on SQLite, 10 on
/// Postgres), whichever is later.
macro_rules! key_select {
    () => {
        "id, hash, mode, customer_id, name, created_at, created_by, expires_at, ttl_secs, revoked_at, revoked_reason,
         coalesce((SELECT CASE WHEN api_keys.last_used_at IS NULL OR d.last_ts > api_keys.last_used_at THEN d.last_ts ELSE api_keys.last_used_at END
                   FROM usage_daily d WHERE d.scope = 'key' AND d.subject = api_keys.id ORDER BY d.day DESC LIMIT 1), api_keys.last_used_at),
         replaces, replaced_by"
    };
}

/// The verify hot path: a constant statement, found in the statement cache without formatting.
const KEY_BY_ID: &str = concat!("SELECT ", key_select!(), " FROM api_keys WHERE id = ?1");

fn key_row(r: &super::db::R) -> Result<KeyRecord> {
    Ok(KeyRecord {
        id: r.text(0)?,
        hash: r.blob(1)?,
        mode: {
            let m = r.text(2)?;
            Mode::parse(&m).ok_or_else(|| anyhow!("api key row has an unknown mode '{m}'"))?
        },
        customer_id: r.text(3)?,
        name: r.opt_text(4)?,
        created_at: r.i64(5)?,
        created_by: r.text(6)?,
        expires_at: r.opt_i64(7)?,
        ttl_secs: r.opt_i64(8)?,
        revoked_at: r.opt_i64(9)?,
        revoked_reason: r.opt_text(10)?,
        last_used_at: r.opt_i64(11)?,
        replaces: r.opt_text(12)?,
        replaced_by: r.opt_text(13)?,
    })
}

fn insert_key(db: &super::db::Db, k: &KeyRecord) -> Result<()> {
    db.execute(
        concat!(
            "INSERT INTO api_keys (",
            key_columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        ),
        crate::ps![
            &k.id,
            &k.hash,
            k.mode.as_str(),
            &k.customer_id,
            &k.name,
            k.created_at,
            &k.created_by,
            k.expires_at,
            k.ttl_secs,
            k.revoked_at,
            &k.revoked_reason,
            k.last_used_at,
            &k.replaces,
            &k.replaced_by
        ],
    )?;
    Ok(())
}

impl Store {
    /// Stores a new key and its audit entry together.
    pub fn issue_key(&mut self, k: &KeyRecord, audit: &Audit, at: i64) -> Result<()> {
        self.db.tx(true, |db| {
            insert_key(db, k)?;
            append_audit(db, at, audit)
        })
    }

    /// Stores a new key and its audit entry, in one transaction, unless its customer already
    /// holds `max_live` live keys (neither revoked nor expired at `at`): then nothing is
    /// written and the count comes back. The count and the insert are one step under the
    /// customer's lock, so two processes adding keys at once never pass the cap.
    pub fn issue_key_within(
        &mut self,
        k: &KeyRecord,
        audit: &Audit,
        max_live: u32,
        at: i64,
    ) -> Result<Result<(), i64>> {
        self.db.tx(true, |db| {
            db.lock(&format!("keys:{}", k.customer_id))?;
            let live = db.int(
                "SELECT count(*) FROM api_keys WHERE customer_id = ?1 AND (revoked_at IS NULL OR revoked_at > ?2) AND (expires_at IS NULL OR expires_at > ?2)",
                crate::ps![&k.customer_id, at],
            )?;
            if live >= i64::from(max_live) {
                return Ok(Err(live));
            }
            insert_key(db, k)?;
            append_audit(db, at, audit)?;
            Ok(Ok(()))
        })
    }

    /// Stores many new keys and one audit entry in a single transaction.
    pub fn issue_keys(&mut self, keys: &[KeyRecord], audit: &Audit, at: i64) -> Result<()> {
        self.db.tx(true, |db| {
            for k in keys {
                insert_key(db, k)?;
            }
            append_audit(db, at, audit)
        })
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
        self.db.tx(true, |db| {
            insert_key(db, new)?;
            // One successor per key: a key already in its grace (replaced_by set) is not
            // rotated again, even by a second rotation racing this one.
            let n = db.execute(
                "UPDATE api_keys SET expires_at = CASE WHEN expires_at IS NOT NULL AND expires_at < ?2 THEN expires_at ELSE ?2 END, replaced_by = ?3 WHERE id = ?1 AND replaced_by IS NULL",
                crate::ps![old, old_until, &new.id],
            )?;
            if n != 1 {
                bail!("key {old} was already rotated: it has a successor");
            }
            append_audit(db, at, audit)
        })
    }

    /// Revokes keys (effective at `at`) with one audit entry each, all or none. A key already
    /// revoked is left as it is, with no second audit entry; returns the ids already revoked.
    pub fn revoke_keys(
        &mut self,
        ids: &[String],
        reason: Option<&str>,
        actor: &str,
        at: i64,
    ) -> Result<Vec<String>> {
        self.db.tx(true, |db| {
            let mut already = Vec::new();
            for id in ids {
                let customer = db.query_opt(
                    "SELECT customer_id FROM api_keys WHERE id = ?1",
                    crate::ps![id],
                    |r| r.text(0),
                )?;
                let Some(customer) = customer else {
                    bail!("no API key with id {id}")
                };
                let n = db.execute(
                    "UPDATE api_keys SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL",
                    crate::ps![id, at, reason],
                )?;
                if n == 0 {
                    already.push(id.clone());
                    continue;
                }
                append_audit(
                    db,
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
            Ok(already)
        })
    }

    pub fn key(&self, id: &str) -> Result<Option<KeyRecord>> {
        self.db.query_opt(KEY_BY_ID, crate::ps![id], key_row)
    }

    /// Keys, optionally of one customer, newest first.
    pub fn keys(&self, customer: Option<&str>) -> Result<Vec<KeyRecord>> {
        match customer {
            Some(c) => self.db.query(
                concat!(
                    "SELECT ",
                    key_select!(),
                    " FROM api_keys WHERE customer_id = ?1 ORDER BY created_at DESC, id"
                ),
                crate::ps![c],
                key_row,
            ),
            None => self.db.query(
                concat!(
                    "SELECT ",
                    key_select!(),
                    " FROM api_keys ORDER BY created_at DESC, id"
                ),
                &[],
                key_row,
            ),
        }
    }
}
