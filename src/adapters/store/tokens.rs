//! Service tokens of `billctl serve`: issue, list, revoke and load (hashes only).

use super::audit::{append_audit, Audit};
use super::Store;
use anyhow::{bail, Result};
use serde::Serialize;

/// A service token as stored: everything but the token itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenRecord {
    pub id: String,
    pub name: String,
    /// Sorted, comma-separated (`verify,usage,read`).
    pub scopes: String,
    #[serde(skip)]
    pub hash: Vec<u8>,
    pub created_at: i64,
    pub created_by: String,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<String>,
}

const COLUMNS: &str = "id, name, scopes, hash, created_at, created_by, revoked_at, revoked_by";

fn token_row(r: &super::db::R) -> Result<TokenRecord> {
    Ok(TokenRecord {
        id: r.text(0)?,
        name: r.text(1)?,
        scopes: r.text(2)?,
        hash: r.blob(3)?,
        created_at: r.i64(4)?,
        created_by: r.text(5)?,
        revoked_at: r.opt_i64(6)?,
        revoked_by: r.opt_text(7)?,
    })
}

impl Store {
    /// Stores a new token and its audit entry together; a name already in use is refused.
    pub fn issue_token(&mut self, t: &TokenRecord, audit: &Audit, at: i64) -> Result<()> {
        self.db.tx(true, |db| {
            let taken = db.int(
                "SELECT count(*) FROM service_tokens WHERE name = ?1 AND revoked_at IS NULL",
                crate::ps![&t.name],
            )?;
            if taken > 0 {
                bail!(
                    "a service token named {:?} is already in use: revoke it first, or pick another --name",
                    t.name
                );
            }
            db.execute(
                &format!("INSERT INTO service_tokens ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, NULL)"),
                crate::ps![&t.id, &t.name, &t.scopes, &t.hash, t.created_at, &t.created_by],
            )?;
            append_audit(db, at, audit)
        })
    }

    /// Every token, revoked ones included, oldest first.
    pub fn tokens(&self) -> Result<Vec<TokenRecord>> {
        self.db.query(
            &format!("SELECT {COLUMNS} FROM service_tokens ORDER BY created_at, id"),
            &[],
            token_row,
        )
    }

    /// The token with exactly this id, revoked or not.
    pub fn token(&self, id: &str) -> Result<Option<TokenRecord>> {
        self.db.query_opt(
            &format!("SELECT {COLUMNS} FROM service_tokens WHERE id = ?1"),
            crate::ps![id],
            token_row,
        )
    }

    /// Revokes the token in use with exactly this id (never a name: a token may be named like
    /// another's id), with an audit entry by `actor`; returns it as it was, or `None` when no
    /// token in use has that id.
    pub fn revoke_token(&mut self, id: &str, actor: &str, at: i64) -> Result<Option<TokenRecord>> {
        self.db.tx(true, |db| {
            let found = db.query_opt(
                &format!(
                    "SELECT {COLUMNS} FROM service_tokens WHERE id = ?1 AND revoked_at IS NULL"
                ),
                crate::ps![id],
                token_row,
            )?;
            let Some(t) = found else { return Ok(None) };
            db.execute(
                "UPDATE service_tokens SET revoked_at = ?2, revoked_by = ?3 WHERE id = ?1",
                crate::ps![&t.id, at, actor],
            )?;
            let audit = Audit {
                actor,
                action: "serve.token.revoke",
                key_id: None,
                customer_id: None,
                reason: None,
                detail: Some(serde_json::json!({ "token_id": t.id, "name": t.name })),
            };
            append_audit(db, at, &audit)?;
            Ok(Some(t))
        })
    }
}
