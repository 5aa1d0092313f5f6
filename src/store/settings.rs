//! Store settings: small named values (the store's Stripe mode, the compaction horizon).

use super::Store;
use anyhow::{bail, Result};

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.db.query_opt(
            "SELECT value FROM settings WHERE key = ?1",
            crate::ps![key],
            |r| r.text(0),
        )
    }

    /// The store's mode (`test`/`live`), fixed by the first key issued; a key of the other
    /// mode is refused.
    pub fn claim_mode(&mut self, mode: &str) -> Result<()> {
        match self.setting("mode")? {
            Some(m) if m == mode => Ok(()),
            Some(m) => bail!("this store holds {m}-mode API keys; the Stripe key in use is {mode}-mode\nhint: use a separate --data-dir for each mode"),
            None => {
                // Two hosts claiming at once: the first wins, the second reads its mode.
                self.db.execute(
                    "INSERT INTO settings (key, value) VALUES ('mode', ?1) ON CONFLICT (key) DO NOTHING",
                    crate::ps![mode],
                )?;
                match self.setting("mode")? {
                    Some(m) if m != mode => bail!("this store holds {m}-mode API keys; the Stripe key in use is {mode}-mode"),
                    _ => Ok(()),
                }
            }
        }
    }
}
