//! `usage compact`'s horizon: raw events before it are dropped (their rollups kept), and
//! events before it refused.

use super::Charges;
use crate::adapters::store::Store;
use anyhow::Result;

/// The setting that records `usage compact`'s horizon.
pub(super) const HORIZON_KEY: &str = "usage.compacted_before";

pub(super) fn horizon(db: &crate::adapters::store::db::Db) -> Result<Option<i64>> {
    Ok(db
        .query_opt(
            "SELECT value FROM settings WHERE key = ?1",
            crate::ps![HORIZON_KEY],
            |r| r.text(0),
        )?
        .and_then(|v| v.parse().ok()))
}

impl Store {
    /// Raw events before this time were dropped by `usage compact` (rollups are kept).
    pub fn compacted_before(&self) -> Result<Option<i64>> {
        if let Some(h) = self.horizon.get() {
            return Ok(*h);
        }
        let h = horizon(&self.db)?;
        let _ = self.horizon.set(h);
        Ok(h)
    }

    /// Moves the horizon to `before` (never back); from then on, events before it are refused.
    pub fn set_compaction_horizon(&mut self, before: i64) -> Result<i64> {
        self.charges = Charges::default();
        let h = self.db.tx(true, |db| {
            db.lock(HORIZON_KEY)?;
            let h = horizon(db)?.map_or(before, |h| h.max(before));
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                crate::ps![HORIZON_KEY, h.to_string().as_str()],
            )?;
            Ok(h)
        })?;
        self.horizon = std::cell::OnceCell::new();
        Ok(h)
    }

    /// Raw events before `before`.
    pub fn raw_events_before(&self, before: i64) -> Result<i64> {
        self.db.int(
            "SELECT count(*) FROM usage_events WHERE ts < ?1",
            crate::ps![before],
        )
    }

    /// Deletes up to `limit` raw events before `before` from hour `from_hour` (`ts / 3600`)
    /// on, in one transaction; returns how many and the hour to go on from (for the next
    /// call), or `None` when done. Walks the hour index both backends keep.
    pub fn delete_raw_before(
        &mut self,
        before: i64,
        from_hour: i64,
        limit: usize,
    ) -> Result<(usize, Option<i64>)> {
        self.charges = Charges::default();
        let limit_i = i64::try_from(limit).unwrap_or(i64::MAX);
        let (deleted, rows) = self.db.tx(true, |db| {
            let rows: Vec<(i64, String, String)> = db.query(
                "SELECT ts / 3600, source, event_id FROM usage_events WHERE ts / 3600 >= ?1 AND ts < ?2 ORDER BY ts / 3600 LIMIT ?3",
                crate::ps![from_hour, before, limit_i],
                |r| Ok((r.i64(0)?, r.text(1)?, r.text(2)?)),
            )?;
            let mut deleted = 0;
            let mut del =
                db.prepare("DELETE FROM usage_events WHERE source = ?1 AND event_id = ?2")?;
            for (_, source, id) in &rows {
                deleted += del.execute(crate::ps![source.as_str(), id.as_str()])?;
            }
            Ok((deleted, rows))
        })?;
        Ok((
            deleted,
            (rows.len() == limit).then(|| rows.last().map_or(from_hour, |r| r.0)),
        ))
    }
}
