//! The catalog mirror: what setup-products last synced (tier -> product id, price ids,
//! desired-state hash).

use super::Store;
use crate::domain::billing::{CatalogRow, PriceRow};
use anyhow::Result;

impl Store {
    /// Replaces the mirror with `rows`, in one transaction.
    pub fn record_catalog(&mut self, rows: &[CatalogRow], at: i64) -> Result<()> {
        self.db.tx(true, |db| {
            db.lock("catalog")?;
            db.execute("DELETE FROM catalog_tiers", &[])?;
            let mut tier = db.prepare(
                "INSERT INTO catalog_tiers (tier, product_id, name, quota, rate_limit_per_minute, state_hash, synced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut price = db.prepare(
                "INSERT INTO catalog_prices (lookup_key, tier, price_id, env, is_primary, amount, currency, \"interval\", interval_count, synced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for r in rows {
                tier.execute(crate::ps![
                    &r.tier,
                    &r.product_id,
                    &r.name,
                    r.quota,
                    r.rate_limit_per_minute,
                    &r.state_hash,
                    at
                ])?;
                for p in &r.prices {
                    price.execute(crate::ps![
                        &p.lookup_key,
                        &r.tier,
                        &p.price_id,
                        &p.env,
                        i64::from(p.primary),
                        p.amount,
                        &p.currency,
                        &p.interval,
                        p.interval_count,
                        at
                    ])?;
                }
            }
            Ok(())
        })
    }

    /// The interval (`month`...) and interval count of a synced price, by its Stripe id.
    pub fn price_interval(&self, price_id: &str) -> Result<Option<(String, u32)>> {
        self.db.query_opt(
            "SELECT \"interval\", interval_count FROM catalog_prices WHERE price_id = ?1 LIMIT 1",
            crate::ps![price_id],
            |r| Ok((r.text(0)?, u32::try_from(r.i64(1)?).unwrap_or(u32::MAX))),
        )
    }

    /// Every synced price by price id, for revenue.
    pub fn prices(
        &self,
    ) -> Result<std::collections::HashMap<String, crate::domain::revenue::Price>> {
        let rows = self.db.query(
            "SELECT price_id, amount, currency, \"interval\", interval_count FROM catalog_prices",
            &[],
            |r| {
                Ok((
                    r.text(0)?,
                    crate::domain::revenue::Price {
                        amount: r.i64(1)?,
                        currency: r.text(2)?,
                        interval: r.text(3)?,
                        interval_count: u32::try_from(r.i64(4)?).unwrap_or(u32::MAX),
                    },
                ))
            },
        )?;
        Ok(rows.into_iter().collect())
    }

    /// The mirror, tiers in name order.
    pub fn catalog(&self) -> Result<Vec<CatalogRow>> {
        let mut out: Vec<CatalogRow> = self.db.query(
            "SELECT tier, product_id, name, quota, rate_limit_per_minute, state_hash FROM catalog_tiers ORDER BY tier",
            &[],
            |r| {
                Ok(CatalogRow {
                    tier: r.text(0)?,
                    product_id: r.text(1)?,
                    name: r.text(2)?,
                    quota: r.opt_i64(3)?,
                    rate_limit_per_minute: r.i64(4)?,
                    state_hash: r.text(5)?,
                    prices: Vec::new(),
                })
            },
        )?;
        for row in &mut out {
            row.prices = self.db.query(
                "SELECT lookup_key, price_id, env, is_primary, amount, currency, \"interval\", interval_count FROM catalog_prices WHERE tier = ?1 ORDER BY is_primary DESC, lookup_key",
                crate::ps![&row.tier],
                |r| {
                    Ok(PriceRow {
                        lookup_key: r.text(0)?,
                        price_id: r.text(1)?,
                        env: r.text(2)?,
                        primary: r.i64(3)? != 0,
                        amount: r.i64(4)?,
                        currency: r.text(5)?,
                        interval: r.text(6)?,
                        interval_count: r.i64(7)?,
                    })
                },
            )?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mirror_round_trips_and_is_replaced_whole() {
        let dir = std::env::temp_dir().join(format!("billctl-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut s = Store::open(&dir).unwrap();
        assert_eq!(
            s.schema_version().unwrap(),
            super::super::MIGRATIONS.len() as i64
        );
        let price = PriceRow {
            lookup_key: "pro_monthly".into(),
            price_id: "price_1".into(),
            env: "PRICE_PRO".into(),
            primary: true,
            amount: 9900,
            currency: "usd".into(),
            interval: "month".into(),
            interval_count: 1,
        };
        let row = CatalogRow {
            tier: "pro".into(),
            product_id: "billctl_pro".into(),
            name: "Pro".into(),
            quota: Some(10_000),
            rate_limit_per_minute: 60,
            state_hash: "h".into(),
            prices: vec![price],
        };
        s.record_catalog(std::slice::from_ref(&row), 1).unwrap();
        assert_eq!(s.catalog().unwrap(), vec![row.clone()]);
        let mut team = row.clone();
        team.tier = "team".into();
        team.prices.clear();
        s.record_catalog(&[team.clone()], 2).unwrap();
        assert_eq!(s.catalog().unwrap(), vec![team]);
        let counts = s.row_counts().unwrap();
        assert!(
            counts.contains(&("catalog_prices".to_string(), 0)),
            "{counts:?}"
        );
        assert!(
            counts.contains(&("catalog_tiers".to_string(), 1)),
            "{counts:?}"
        );
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(
            std::fs::metadata(s.path()).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// billctl's own catalog writes leave no drift note, whether their events come after the
    /// keys are recorded or before (then recording them forgets the note); other changes, with
    /// another key or none, are noted.
    #[test]
    fn own_catalog_writes_are_not_drift_whenever_their_events_come() {
        let dir = std::env::temp_dir().join(format!("billctl-own-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut s = Store::open(&dir).unwrap();
        let note = |id: &str, key: Option<&str>| DriftNote {
            event_id: id.into(),
            kind: "product.updated".into(),
            object_id: "billctl_pro".into(),
            created: 1,
            request_key: key.map(String::from),
        };
        let noted = |s: &mut Store, id: &str, key: Option<&str>| {
            s.note_catalog_drift(&note(id, key)).unwrap()
        };
        // Before the keys are recorded (an event racing the apply): noted, then forgotten.
        assert_eq!(noted(&mut s, "evt_early", Some("billctl-a")), Noting::Noted);
        assert_eq!(noted(&mut s, "evt_dash", None), Noting::Noted);
        assert_eq!(noted(&mut s, "evt_other", Some("dash-1")), Noting::Noted);
        s.record_own_catalog_writes(&["billctl-a".into(), "billctl-b".into()])
            .unwrap();
        assert_eq!(ids(&s), ["evt_dash", "evt_other"]);
        // After: not noted, however often.
        for id in ["evt_late", "evt_late", "evt_early"] {
            assert_eq!(noted(&mut s, id, Some("billctl-b")), Noting::Own);
        }
        assert_eq!(noted(&mut s, "evt_new", Some("dash-2")), Noting::Noted);
        assert_eq!(ids(&s), ["evt_dash", "evt_other", "evt_new"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn ids(s: &Store) -> Vec<String> {
        s.catalog_drift()
            .unwrap()
            .into_iter()
            .map(|n| n.event_id)
            .collect()
    }

    /// A `setup-products` run forgets the notes it saw (made before its mark, or of changes
    /// Stripe made before it began reading) and keeps a note made while it ran; afterwards an
    /// event created before its read is reconciled, however late it comes, and one created
    /// after is noted. Notes kept before notes were counted (no `seq`) are covered by any mark.
    #[test]
    fn a_run_settles_the_notes_it_saw_and_keeps_those_made_while_it_ran() {
        let dir = std::env::temp_dir().join(format!("billctl-mark-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut s = Store::open(&dir).unwrap();
        let note = |id: &str, created: i64| DriftNote {
            event_id: id.into(),
            kind: "product.updated".into(),
            object_id: "billctl_team".into(),
            created,
            request_key: None,
        };
        s.db.execute(
            "INSERT INTO settings (key, value) VALUES ('catalog.drift', ?1)",
            crate::ps![
                r#"[{"event_id":"evt_old","type":"product.updated","object_id":"x","created":900}]"#
            ],
        )
        .unwrap();
        assert_eq!(
            s.note_catalog_drift(&note("evt_before", 950)).unwrap(),
            Noting::Noted
        );
        let seq = s.catalog_drift_seq().unwrap();
        assert_eq!(seq, 1);
        // Made while the run ran (after its mark), a change of the second the read began.
        assert_eq!(
            s.note_catalog_drift(&note("evt_during", 1000)).unwrap(),
            Noting::Noted
        );
        // Delivered while it ran, but made before it read: it saw that change.
        assert_eq!(
            s.note_catalog_drift(&note("evt_seen", 990)).unwrap(),
            Noting::Noted
        );
        s.settle_catalog_drift(DriftMark {
            seq,
            read_from: Some(998),
        })
        .unwrap();
        assert_eq!(ids(&s), ["evt_during"]);
        let reconciled = Noting::Reconciled { read_from: 998 };
        assert_eq!(
            s.note_catalog_drift(&note("evt_before", 950)).unwrap(),
            reconciled
        );
        assert_eq!(
            s.note_catalog_drift(&note("evt_late", 997)).unwrap(),
            reconciled
        );
        assert_eq!(
            s.note_catalog_drift(&note("evt_after", 998)).unwrap(),
            Noting::Noted
        );
        // A run that did not learn Stripe's time, or learned an earlier one, keeps the later.
        let seq = s.catalog_drift_seq().unwrap();
        s.settle_catalog_drift(DriftMark {
            seq,
            read_from: None,
        })
        .unwrap();
        s.settle_catalog_drift(DriftMark {
            seq,
            read_from: Some(10),
        })
        .unwrap();
        assert!(ids(&s).is_empty());
        assert_eq!(
            s.note_catalog_drift(&note("evt_x", 997)).unwrap(),
            reconciled
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A catalog change Stripe reported by webhook (`product.*`, `price.*`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DriftNote {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub object_id: String,
    pub created: i64,
    /// The idempotency key of the request that caused the change (the event's
    /// `request.idempotency_key`), when Stripe names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_key: Option<String>,
}

/// The setting that holds the drift notes (a JSON array, newest last).
const DRIFT_KEY: &str = "catalog.drift";
/// The setting that counts drift notes ever made: each note's `seq`, and a `setup-products`
/// run's mark (the notes up to it are the ones the run saw).
const SEQ_KEY: &str = "catalog.drift_seq";
/// The setting that holds Stripe's time (less the skew tolerance) at which the last completed
/// `setup-products` began reading Stripe's catalog: an event created before it is reconciled.
const READ_FROM_KEY: &str = "catalog.read_from";
/// Notes kept; older ones are dropped (the count of the rest is still reported).
const DRIFT_KEEP: usize = 100;
/// The setting that holds the idempotency keys of `setup-products`' own writes (a JSON array,
/// newest last): their events are not drift, however late or often they come.
const OWN_KEY: &str = "catalog.own_writes";
/// Own keys kept: many applies' worth (an apply writes a few dozen objects at most).
const OWN_KEEP: usize = 2000;

/// A drift note as kept: the note and its place in the order notes were made (0 for notes
/// kept before notes were counted: any run's mark covers them).
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    #[serde(flatten)]
    note: DriftNote,
    #[serde(default)]
    seq: i64,
}

/// What became of a catalog change reported by webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noting {
    /// Noted: `prices check` shows it until a `setup-products` run that saw it.
    Noted,
    /// Caused by one of billctl's own catalog writes: not drift.
    Own,
    /// Created before the last `setup-products` began reading Stripe's catalog (`read_from`,
    /// Stripe's time): that run saw the change and reconciled it.
    Reconciled { read_from: i64 },
}

/// What a `setup-products` run saw: the drift notes made up to `seq` (taken before it read
/// Stripe's catalog) and the changes Stripe made before `read_from` (Stripe's time when the
/// read began, less the skew tolerance; `None` when Stripe's time was not known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriftMark {
    pub seq: i64,
    pub read_from: Option<i64>,
}

/// A JSON array held in a setting (empty when absent or unreadable), read inside a write.
fn json_setting<T: serde::de::DeserializeOwned>(db: &super::db::Db, key: &str) -> Result<Vec<T>> {
    Ok(db
        .query_opt(
            "SELECT value FROM settings WHERE key = ?1",
            crate::ps![key],
            |r| r.text(0),
        )?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// A number held in a setting (`None` when absent or unreadable), read inside a write.
fn int_setting(db: &super::db::Db, key: &str) -> Result<Option<i64>> {
    Ok(db
        .query_opt(
            "SELECT value FROM settings WHERE key = ?1",
            crate::ps![key],
            |r| r.text(0),
        )?
        .and_then(|v| v.parse().ok()))
}

/// Writes a setting's value, inside a write.
fn put_setting(db: &super::db::Db, key: &str, text: &str) -> Result<()> {
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        crate::ps![key, text],
    )?;
    Ok(())
}

/// Writes a setting's JSON array, inside a write.
fn put_json_setting<T: serde::Serialize>(db: &super::db::Db, key: &str, all: &[T]) -> Result<()> {
    put_setting(db, key, &serde_json::to_string(all)?)
}

impl Store {
    /// Notes a catalog change reported by webhook, once per event, unless it is not drift: a
    /// change caused by one of billctl's own catalog writes (its request's idempotency key is
    /// recorded by [`Store::record_own_catalog_writes`]), or one created before the last
    /// `setup-products` began reading the catalog ([`Store::settle_catalog_drift`]).
    pub fn note_catalog_drift(&mut self, note: &DriftNote) -> Result<Noting> {
        self.db.tx(true, |db| {
            db.lock(DRIFT_KEY)?;
            if let Some(k) = &note.request_key {
                let own: Vec<String> = json_setting(db, OWN_KEY)?;
                if own.contains(k) {
                    return Ok(Noting::Own);
                }
            }
            if let Some(read_from) = int_setting(db, READ_FROM_KEY)? {
                if note.created < read_from {
                    return Ok(Noting::Reconciled { read_from });
                }
            }
            let mut notes: Vec<Kept> = json_setting(db, DRIFT_KEY)?;
            if notes.iter().any(|n| n.note.event_id == note.event_id) {
                return Ok(Noting::Noted);
            }
            let seq = int_setting(db, SEQ_KEY)?.unwrap_or(0) + 1;
            put_setting(db, SEQ_KEY, &seq.to_string())?;
            notes.push(Kept {
                note: note.clone(),
                seq,
            });
            if notes.len() > DRIFT_KEEP {
                notes.drain(..notes.len() - DRIFT_KEEP);
            }
            put_json_setting(db, DRIFT_KEY, &notes)?;
            Ok(Noting::Noted)
        })
    }

    /// Records the idempotency keys of `setup-products`' writes (sent, whatever came of them),
    /// and forgets the notes their events left if they came first.
    pub fn record_own_catalog_writes(&mut self, keys: &[String]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        self.db.tx(true, |db| {
            db.lock(DRIFT_KEY)?;
            let mut own: Vec<String> = json_setting(db, OWN_KEY)?;
            own.retain(|k| !keys.contains(k));
            own.extend(keys.iter().cloned());
            if own.len() > OWN_KEEP {
                own.drain(..own.len() - OWN_KEEP);
            }
            put_json_setting(db, OWN_KEY, &own)?;
            let mut notes: Vec<Kept> = json_setting(db, DRIFT_KEY)?;
            let before = notes.len();
            notes.retain(|n| {
                n.note
                    .request_key
                    .as_ref()
                    .is_none_or(|k| !keys.contains(k))
            });
            if notes.len() != before {
                put_json_setting(db, DRIFT_KEY, &notes)?;
            }
            Ok(())
        })
    }

    /// Catalog changes reported by webhook since the `setup-products` runs that saw them.
    pub fn catalog_drift(&self) -> Result<Vec<DriftNote>> {
        let kept: Vec<Kept> = self
            .setting(DRIFT_KEY)?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        Ok(kept.into_iter().map(|k| k.note).collect())
    }

    /// The count of drift notes ever made: taken before `setup-products` reads the catalog,
    /// it marks the notes that run sees ([`DriftMark::seq`]).
    pub fn catalog_drift_seq(&self) -> Result<i64> {
        Ok(self
            .setting(SEQ_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// After `setup-products` applied the config: forgets the notes the run saw (made up to
    /// `mark.seq`, or of changes made before `mark.read_from`), and keeps the rest (a change
    /// made while it ran); an event created before `read_from` is no drift from now on.
    pub fn settle_catalog_drift(&mut self, mark: DriftMark) -> Result<()> {
        self.db.tx(true, |db| {
            db.lock(DRIFT_KEY)?;
            let held = int_setting(db, READ_FROM_KEY)?;
            let read_from = match (held, mark.read_from) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            if let Some(t) = read_from.filter(|t| Some(*t) != held) {
                put_setting(db, READ_FROM_KEY, &t.to_string())?;
            }
            let mut notes: Vec<Kept> = json_setting(db, DRIFT_KEY)?;
            let before = notes.len();
            notes.retain(|n| n.seq > mark.seq && read_from.is_none_or(|t| n.note.created >= t));
            if notes.len() != before {
                put_json_setting(db, DRIFT_KEY, &notes)?;
            }
            Ok(())
        })
    }
}
