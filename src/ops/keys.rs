//! API key lifecycle as workflows: issue, rotate and list. The plaintext key exists only in
//! the report of `issue` and `rotate`; the store keeps its hash. Prints nothing.

use crate::adapters::store::{Audit, Store};
pub use crate::adapters::store::{KeyRecord, KeyState};
use crate::domain::keys;
use crate::domain::mode::Mode;
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;

/// A key as issued: the only time its plaintext exists outside the caller's hands.
#[derive(Serialize)]
pub struct Issued {
    pub key: String,
    #[serde(flatten)]
    pub record: KeyRecord,
    /// "Issued" or "Rotated to", for the status line.
    #[serde(skip)]
    pub verb: &'static str,
    /// After a rotation: the old key and when it stops working.
    #[serde(skip)]
    pub old_until: Option<(String, i64)>,
}

/// A new key record from `template` (retrying on the rare id collision).
fn new_key(store: &Store, template: &KeyRecord) -> Result<(String, KeyRecord)> {
    for _ in 0..5 {
        let (id, key) = keys::generate(template.mode).map_err(|e| anyhow!(e))?;
        if store.key(&id)?.is_none() {
            let rec = KeyRecord {
                id,
                hash: keys::hash(&key).to_vec(),
                ..template.clone()
            };
            return Ok((key, rec));
        }
    }
    bail!("could not find a free key id after 5 tries")
}

/// What a new key is for.
pub struct NewKey<'a> {
    pub customer: &'a str,
    pub name: Option<&'a str>,
    /// Lifetime in seconds; `None`: never expires.
    pub ttl: Option<i64>,
    /// The Stripe mode the key belongs to.
    pub mode: Mode,
    /// The most live keys the customer may hold with this one (`None`: no cap).
    pub max_live: Option<u32>,
}

/// A key refused because its customer already holds the most live keys allowed.
#[derive(Debug, thiserror::Error)]
#[error("the customer holds {}, the most allowed ([keys] max_live_per_customer = {max}); revoke one first", crate::util::plural::count(*live, "live key", "live keys"))]
pub struct KeyLimit {
    pub live: i64,
    pub max: u32,
}

/// `keys issue`: a new key for a customer, stored as a hash with its audit entry.
pub fn issue(store: &mut Store, new: &NewKey, actor: &str, at: i64) -> Result<Issued> {
    store.claim_mode(new.mode)?;
    let expires_at = match new.ttl {
        Some(t) => Some(at.checked_add(t).context("--expires-in is too far ahead")?),
        None => None,
    };
    let template = KeyRecord {
        id: String::new(),
        hash: Vec::new(),
        mode: new.mode,
        customer_id: new.customer.to_string(),
        name: new.name.map(String::from),
        created_at: at,
        created_by: actor.to_string(),
        expires_at,
        ttl_secs: new.ttl,
        revoked_at: None,
        revoked_reason: None,
        last_used_at: None,
        replaces: None,
        replaced_by: None,
    };
    let (key, record) = new_key(store, &template)?;
    let audit = Audit {
        actor,
        action: "key.issue",
        key_id: Some(&record.id),
        customer_id: Some(&record.customer_id),
        reason: None,
        detail: Some(serde_json::json!({"name": record.name, "expires_at": record.expires_at})),
    };
    match new.max_live {
        None => store
            .issue_key(&record, &audit, at)
            .context("failed to store the key")?,
        Some(max) => {
            let stored = store
                .issue_key_within(&record, &audit, max, at)
                .context("failed to store the key")?;
            if let Err(live) = stored {
                return Err(KeyLimit { live, max }.into());
            }
        }
    }
    Ok(Issued {
        key,
        record,
        verb: "Issued",
        old_until: None,
    })
}

/// Why a key cannot be rotated; each door says it its way (the command line's message and
/// exit 2, serve's 409 `KEY_NOT_ROTATABLE`).
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key {id} was already rotated: its successor is {next}, and {id} stays valid until its grace ends; rotate {next} instead, or revoke {id} to end the grace now")]
    AlreadyRotated { id: String, next: String },
    #[error("key {id} is {status}: only an active key can be rotated; issue a new one with 'billctl keys issue'")]
    NotActive { id: String, status: KeyState },
}

/// Whether `old` can be rotated at `at`.
pub fn check_rotate(old: &KeyRecord, at: i64) -> Result<(), KeyError> {
    if old.status(at) != KeyState::Active {
        let (id, status) = (old.id.clone(), old.status(at));
        return Err(KeyError::NotActive { id, status });
    }
    if let Some(next) = &old.replaced_by {
        let (id, next) = (old.id.clone(), next.clone());
        return Err(KeyError::AlreadyRotated { id, next });
    }
    Ok(())
}

/// `keys rotate`: a new key in the old one's place; the old one keeps working for `grace`
/// seconds.
pub fn rotate(
    store: &mut Store,
    old: &KeyRecord,
    grace: i64,
    actor: &str,
    at: i64,
) -> Result<Issued> {
    check_rotate(old, at)?;
    let expires_at = match old.ttl_secs {
        Some(t) => Some(
            at.checked_add(t)
                .context("the key's lifetime is too long")?,
        ),
        None => None,
    };
    let template = KeyRecord {
        created_at: at,
        created_by: actor.to_string(),
        expires_at,
        revoked_at: None,
        revoked_reason: None,
        last_used_at: None,
        replaces: Some(old.id.clone()),
        replaced_by: None,
        ..old.clone()
    };
    let (key, record) = new_key(store, &template)?;
    let until = at.checked_add(grace).context("--grace is too long")?;
    let audit = Audit {
        actor,
        action: "key.rotate",
        key_id: Some(&record.id),
        customer_id: Some(&record.customer_id),
        reason: None,
        detail: Some(serde_json::json!({"old": old.id, "old_until": until, "grace_secs": grace})),
    };
    store
        .rotate_key(&old.id, &record, until, &audit, at)
        .context("failed to store the rotated key")?;
    Ok(Issued {
        key,
        record,
        verb: "Rotated to",
        old_until: Some((old.id.clone(), until)),
    })
}

/// A key with its status now.
#[derive(Serialize)]
pub struct KeyView {
    #[serde(flatten)]
    pub record: KeyRecord,
    pub status: KeyState,
}

/// Keys, for `keys list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct KeyList(pub Vec<KeyView>);

/// `keys list`: the keys (of one customer), with their status at `at` (only `status`, if given).
pub fn list(
    store: &Store,
    customer: Option<&str>,
    status: Option<KeyState>,
    at: i64,
) -> Result<KeyList> {
    let views = store
        .keys(customer)?
        .into_iter()
        .map(|k| KeyView {
            status: k.status(at),
            record: k,
        })
        .filter(|v| status.is_none_or(|w| v.status == w))
        .collect();
    Ok(KeyList(views))
}

/// Whether the mirror knows `customer` (a key is issued only for a known customer).
pub fn customer_known(store: &Store, customer: &str) -> Result<bool> {
    Ok(store.customer(customer)?.is_some())
}

/// A key by id, or an error that says how to find the ids.
pub fn find(store: &Store, id: &str) -> Result<KeyRecord> {
    crate::domain::keys::not_a_full_key("the key argument", id).map_err(|e| anyhow::anyhow!(e))?;
    store.key(id)?.ok_or_else(|| {
        anyhow::anyhow!("no API key with id {id}\nhint: 'billctl keys list' shows the ids")
    })
}

/// What `keys revoke` did: the keys it revoked, and those that already were.
#[derive(Debug, Serialize)]
pub struct Revoked {
    pub revoked: Vec<String>,
    pub already_revoked: Vec<String>,
}

/// `recs` split into the ids to revoke (each once) and those already revoked.
pub fn to_revoke(recs: &[KeyRecord]) -> (Vec<String>, Vec<String>) {
    let (mut ids, mut already) = (Vec::new(), Vec::new());
    for k in recs {
        match k.revoked_at {
            Some(_) if !already.contains(&k.id) => already.push(k.id.clone()),
            None if !ids.contains(&k.id) => ids.push(k.id.clone()),
            _ => {}
        }
    }
    (ids, already)
}

/// Revokes `ids`; a key revoked by another process since it was read is reported, not
/// revoked twice.
pub fn revoke(
    store: &mut Store,
    ids: Vec<String>,
    already: Vec<String>,
    reason: Option<&str>,
    actor: &str,
    at: i64,
) -> Result<Revoked> {
    let mut revoked = ids;
    let mut already_revoked = already;
    if !revoked.is_empty() {
        let raced = store
            .revoke_keys(&revoked, reason, actor, at)
            .context("failed to revoke")?;
        revoked.retain(|id| !raced.contains(id));
        already_revoked.extend(raced);
    }
    Ok(Revoked {
        revoked,
        already_revoked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In process, on a temp store: an issued key is stored as its hash only; a rotation links
    /// old and new and keeps the old one working for the grace; only an active key rotates.
    #[test]
    fn issue_stores_a_hash_and_rotate_links_the_keys() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let customer = crate::domain::billing::Customer {
            id: "cus_1".into(),
            email: None,
            name: None,
            created: 0,
        };
        store.record(&customer, &[], 1_000).unwrap();
        let new = NewKey {
            customer: "cus_1",
            name: Some("ci"),
            ttl: Some(3600),
            mode: Mode::Test,
            max_live: None,
        };
        let at = 1_800_000_000;
        let issued = issue(&mut store, &new, "tester", at).unwrap();
        let stored = store.key(&issued.record.id).unwrap().unwrap();
        assert_eq!(stored.hash, keys::hash(&issued.key).to_vec());
        assert_eq!(stored.expires_at, Some(at + 3600));
        assert!(!format!("{stored:?}").contains(&issued.key), "no plaintext");
        let rotated = rotate(&mut store, &stored, 600, "tester", at + 10).unwrap();
        let old = store.key(&stored.id).unwrap().unwrap();
        assert_eq!(old.replaced_by.as_deref(), Some(rotated.record.id.as_str()));
        assert_eq!(rotated.record.replaces.as_deref(), Some(stored.id.as_str()));
        assert_eq!(old.status(at + 10 + 599), KeyState::Active);
        assert_ne!(old.status(at + 10 + 600), KeyState::Active);
        let listed = list(&store, Some("cus_1"), Some(KeyState::Active), at + 10 + 600).unwrap();
        let ids: Vec<&str> = listed.0.iter().map(|v| v.record.id.as_str()).collect();
        assert_eq!(ids, [rotated.record.id.as_str()]);
        let Err(err) = rotate(&mut store, &old, 600, "tester", at + 10 + 600) else {
            panic!("a replaced key rotated again");
        };
        assert!(err.to_string().contains("only an active key"), "{err}");
    }
}
