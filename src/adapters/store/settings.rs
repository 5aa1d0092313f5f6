//! Store settings: small named values (the store's Stripe mode, the compaction horizon).

use super::Store;
use crate::domain::mode::Mode;
use anyhow::{bail, Result};

/// What [`Store::integrity`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    /// Sound; what was checked (`SQLite quick_check`, `Postgres, TLS on`...).
    Ok(String),
    /// The check ran out of time.
    Unfinished,
    /// The first problems found.
    Damaged(String),
    /// Sound, but less safe than it should be (Postgres in clear text across a network).
    Weak(String),
}

impl Store {
    /// The store's soundness, bounded in time: SQLite's `quick_check` of both connections'
    /// file (interrupted after `limit`), or for Postgres a round trip and whether it is TLS.
    pub fn integrity(&self, limit: std::time::Duration) -> Result<Integrity> {
        if limit.is_zero() {
            return Ok(Integrity::Unfinished);
        }
        let Some(conn) = self.db.sqlite() else {
            let ssl = self.db.query_opt(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
                |r| r.bool(0),
            )?;
            let tls = ssl == Some(true);
            let (mode, local) = self.db.pg_tls_asked().unwrap_or(("prefer", true));
            let said = match mode {
                "ignored" => "Postgres reachable over a unix socket, TLS off (sslmode does not apply to a socket)".to_string(),
                _ => format!(
                    "Postgres reachable, TLS {} (sslmode={mode})",
                    if tls { "on" } else { "off" }
                ),
            };
            return Ok(match (tls, mode, local) {
                (false, "require", _) => Integrity::Damaged(format!("{said}: TLS was required")),
                (false, _, false) => Integrity::Weak(format!(
                    "{said}: the connection crosses a network in clear text"
                )),
                _ => Integrity::Ok(said),
            });
        };
        // A watchdog interrupts the check at the limit; it ends as soon as the check does.
        let handle = conn.get_interrupt_handle();
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(limit) {
                handle.interrupt();
            }
        });
        let found: rusqlite::Result<Vec<String>> = conn
            .prepare("PRAGMA quick_check(5)")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect());
        drop(done);
        let _ = watchdog.join();
        match found {
            Ok(rows) if rows == ["ok"] => Ok(Integrity::Ok("SQLite quick_check ok".into())),
            Ok(rows) => Ok(Integrity::Damaged(rows.join("; "))),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::OperationInterrupted =>
            {
                Ok(Integrity::Unfinished)
            }
            Err(rusqlite::Error::SqliteFailure(e, m))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
                ) =>
            {
                Ok(Integrity::Damaged(m.unwrap_or_else(|| e.to_string())))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Sets a named value (the last sync or reconcile, for `doctor`).
    pub fn put_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            crate::ps![key, value],
        )?;
        Ok(())
    }

    /// Live subscriptions whose mirrored period ended before `before` (the mirror missed their
    /// renewal).
    pub fn mirror_lag(&self, before: i64) -> Result<i64> {
        self.db.int(
            "SELECT count(*) FROM subscriptions WHERE status IN ('active', 'trialing', 'past_due', 'unpaid') AND current_period_end < ?1",
            crate::ps![before],
        )
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.db.query_opt(
            "SELECT value FROM settings WHERE key = ?1",
            crate::ps![key],
            |r| r.text(0),
        )
    }

    /// The mode of the API keys the store holds (`None`: no key issued yet), parsed here.
    pub fn key_mode(&self) -> Result<Option<Mode>> {
        match self.setting("mode")? {
            None => Ok(None),
            Some(m) => match Mode::parse(&m) {
                Some(mode) => Ok(Some(mode)),
                None => bail!("the store's settings name an unknown key mode '{m}'"),
            },
        }
    }

    /// The store's mode (`test`/`live`), fixed by the first key issued; a key of the other
    /// mode is refused.
    pub fn claim_mode(&mut self, mode: Mode) -> Result<()> {
        match self.key_mode()? {
            Some(m) if m == mode => Ok(()),
            Some(m) => bail!("this store holds {m}-mode API keys; the Stripe key in use is {mode}-mode\nhint: use a separate --data-dir for each mode"),
            None => {
                // Two hosts claiming at once: the first wins, the second reads its mode.
                self.db.execute(
                    "INSERT INTO settings (key, value) VALUES ('mode', ?1) ON CONFLICT (key) DO NOTHING",
                    crate::ps![mode.as_str()],
                )?;
                match self.key_mode()? {
                    Some(m) if m != mode => bail!("this store holds {m}-mode API keys; the Stripe key in use is {mode}-mode"),
                    _ => Ok(()),
                }
            }
        }
    }
}
