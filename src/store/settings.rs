//! Store settings: small named values (the store's Stripe mode, the compaction horizon).

use super::Store;
use anyhow::{bail, Result};
use rusqlite::OptionalExtension;

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .sq()?
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// The store's mode (`test`/`live`), fixed by the first key issued; a key of the other
    /// mode is refused.
    pub fn claim_mode(&mut self, mode: &str) -> Result<()> {
        match self.setting("mode")? {
            Some(m) if m == mode => Ok(()),
            Some(m) => bail!("this store holds {m}-mode API keys; the Stripe key in use is {mode}-mode\nhint: use a separate --data-dir for each mode"),
            None => {
                self.sq()?.execute("INSERT INTO settings (key, value) VALUES ('mode', ?1)", [mode])?;
                Ok(())
            }
        }
    }
}
