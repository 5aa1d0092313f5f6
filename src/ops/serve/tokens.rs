//! Service tokens as workflows (`serve tokens issue|list|revoke`), and the cache `serve`
//! authenticates callers against. The plaintext token exists only in the report of `issue`;
//! the store keeps its hash. Prints nothing.

use crate::adapters::store::{Audit, Store, TokenRecord};
use crate::domain::keys::{self, Scope};
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest token name.
pub const MAX_NAME: usize = 64;

/// A token as issued: the only time its plaintext exists outside the caller's hands.
#[derive(Serialize)]
pub struct IssuedToken {
    pub token: String,
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: i64,
}

/// `serve tokens issue`: a new token stored as a hash, with its audit entry.
pub fn issue(
    store: &mut Store,
    name: &str,
    scopes: &[Scope],
    actor: &str,
    at: i64,
) -> Result<IssuedToken> {
    if name.trim().is_empty() || name.len() > MAX_NAME || name.chars().any(char::is_control) {
        bail!("invalid --name {name:?}: 1 to {MAX_NAME} characters, no control characters");
    }
    if name.starts_with(keys::TOKEN_PREFIX) || name.starts_with(keys::PREFIX) {
        bail!("invalid --name: it looks like a token or key (not repeated here); a name is a label such as \"api-gateway\"");
    }
    let known = store.tokens()?;
    let (id, token) = (0..5)
        .map(|_| keys::generate_token().map_err(|e| anyhow!(e)))
        .find(|r| {
            r.as_ref()
                .map_or(true, |(id, _)| !known.iter().any(|t| &t.id == id))
        })
        .unwrap_or_else(|| Err(anyhow!("could not find a free token id after 5 tries")))?;
    let record = TokenRecord {
        id: id.clone(),
        name: name.to_string(),
        scopes: keys::scopes_text(scopes),
        hash: keys::hash(&token).to_vec(),
        created_at: at,
        created_by: actor.to_string(),
        revoked_at: None,
        revoked_by: None,
    };
    let audit = Audit {
        actor,
        action: "serve.token.issue",
        key_id: None,
        customer_id: None,
        reason: None,
        detail: Some(serde_json::json!({"token_id": id, "name": name, "scopes": record.scopes})),
    };
    store
        .issue_token(&record, &audit, at)
        .context("failed to store the token")?;
    Ok(IssuedToken {
        token,
        id,
        name: name.to_string(),
        scopes: keys::scopes_of(&record.scopes),
        created_at: at,
    })
}

/// One token as listed.
#[derive(Serialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: i64,
    pub created_by: String,
    pub revoked_at: Option<i64>,
    pub status: crate::adapters::store::KeyState,
}

/// `serve tokens list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct TokenList(pub Vec<TokenView>);

pub fn list(store: &Store) -> Result<TokenList> {
    Ok(TokenList(
        store
            .tokens()?
            .into_iter()
            .map(|t| TokenView {
                scopes: keys::scopes_of(&t.scopes),
                status: if t.revoked_at.is_some() {
                    crate::adapters::store::KeyState::Revoked
                } else {
                    crate::adapters::store::KeyState::Active
                },
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                created_by: t.created_by,
                revoked_at: t.revoked_at,
            })
            .collect(),
    ))
}

/// The token in use that `id_or_name` names, for the question before revoking it: the token
/// with exactly that id; else the one token in use with that name, when no token (revoked or
/// not) has it as its id. Anything else is refused, saying why, so that the token revoked is
/// always the one the question showed.
pub fn find(store: &Store, id_or_name: &str) -> Result<TokenRecord> {
    if keys::parse_token(id_or_name).is_some() {
        bail!("serve tokens revoke takes a token's id or name, and this is a whole token (not repeated here): treat it as exposed and revoke it by its id, the 8 characters after bks_");
    }
    let all = store.tokens()?;
    let named: Vec<&TokenRecord> = all
        .iter()
        .filter(|t| t.revoked_at.is_none() && t.name == id_or_name)
        .collect();
    // Debug-quoted: a control character in the argument is escaped, not printed.
    let shown = format!("{id_or_name:?}");
    if let Some(t) = all.iter().find(|t| t.id == id_or_name) {
        if t.revoked_at.is_none() {
            return Ok(t.clone());
        }
        let also = match named.as_slice() {
            [n] => format!(
                "; a token in use is named {shown}: revoke it by its id, {}",
                n.id
            ),
            _ => String::new(),
        };
        bail!("service token {shown} was already revoked{also}");
    }
    match named.as_slice() {
        [t] => Ok((*t).clone()),
        [] => bail!(
            "no service token in use with id or name {shown} (see 'billctl serve tokens list')"
        ),
        many => {
            let ids: Vec<&str> = many.iter().map(|t| t.id.as_str()).collect();
            bail!(
                "{} in use are named {shown} (ids {}): revoke one by its id",
                crate::util::plural::count(many.len(), "service token", "service tokens"),
                ids.join(", ")
            )
        }
    }
}

/// `serve tokens revoke`: what was revoked.
#[derive(Serialize)]
pub struct Revoked {
    pub id: String,
    pub name: String,
    pub revoked_at: i64,
}

pub fn revoke(store: &mut Store, t: &TokenRecord, actor: &str, at: i64) -> Result<Revoked> {
    let done = store
        .revoke_token(&t.id, actor, at)?
        .ok_or_else(|| anyhow!("token {} was revoked meanwhile", t.id))?;
    Ok(Revoked {
        id: done.id,
        name: done.name,
        revoked_at: at,
    })
}

/// Why a caller was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No token presented.
    Missing,
    /// Not a token's shape or checksum.
    Malformed,
    /// No token with this id and hash.
    Unknown,
    /// Revoked.
    Revoked,
    /// The token lacks the route's scope.
    Scope,
}

impl Refusal {
    pub const ALL: [Refusal; 5] = [
        Refusal::Missing,
        Refusal::Malformed,
        Refusal::Unknown,
        Refusal::Revoked,
        Refusal::Scope,
    ];
}

/// Most token ids remembered as not in the store at once (see [`Tokens::worth_a_look`]): past
/// it, the one remembered longest is forgotten.
pub const MAX_UNKNOWN_IDS: usize = 4096;

/// Most store lookups of unknown token ids at once ([`Lookups`]).
pub const LOOKUPS_AT_ONCE: usize = 4;

/// The store lookups of token ids the list lacks: one at a time per id (callers presenting
/// the same id wait for its answer), and at most [`LOOKUPS_AT_ONCE`] at once (the others wait
/// their turn), so forged ids cannot flood the store.
pub struct Lookups {
    turns: tokio::sync::Semaphore,
    by_id: std::sync::Mutex<HashMap<String, Arc<tokio::sync::OnceCell<()>>>>,
}

impl Default for Lookups {
    fn default() -> Self {
        Lookups {
            turns: tokio::sync::Semaphore::new(LOOKUPS_AT_ONCE),
            by_id: std::sync::Mutex::default(),
        }
    }
}

impl Lookups {
    /// Runs `look` for `id` unless a lookup of it is under way (then waits for that one),
    /// within the bound of lookups at once.
    pub async fn once<F: std::future::Future<Output = Result<()>>>(
        &self,
        id: &str,
        look: F,
    ) -> Result<()> {
        let cell = self
            .lock()
            .entry(id.to_string())
            .or_insert_with(|| Arc::new(tokio::sync::OnceCell::new()))
            .clone();
        let looked = cell
            .get_or_try_init(|| async {
                let _turn = self.turns.acquire().await?;
                look.await
            })
            .await
            .map(|_| ());
        let mut by_id = self.lock();
        if by_id.get(id).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
            by_id.remove(id);
        }
        looked
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::OnceCell<()>>>> {
        self.by_id.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The tokens as last read from the store, re-read once older than the refresh interval.
pub struct Tokens {
    /// Each token with its scopes, parsed once.
    list: Vec<(TokenRecord, Vec<Scope>)>,
    loaded: Option<Instant>,
    refresh: Duration,
    /// Token ids looked for in the store and not found, with when: the negative cache, per id,
    /// so that a token issued after another caller's unknown one is taken at once.
    unknown: HashMap<String, Instant>,
    /// The ids of `unknown`, oldest first (an id may be here again after it was looked for
    /// again: only the entry whose time matches counts).
    unknown_order: std::collections::VecDeque<(String, Instant)>,
}

impl Tokens {
    pub fn new(refresh: Duration) -> Tokens {
        Tokens {
            list: Vec::new(),
            loaded: None,
            refresh,
            unknown: HashMap::new(),
            unknown_order: std::collections::VecDeque::new(),
        }
    }

    /// Whether the list must be read again before it may answer.
    pub fn stale(&self, now: Instant) -> bool {
        self.loaded
            .is_none_or(|t| now.saturating_duration_since(t) >= self.refresh)
    }

    /// Whether a list has been read (and not expired by SIGHUP since).
    pub fn has_list(&self) -> bool {
        self.loaded.is_some()
    }

    /// Makes the next check read the list again (SIGHUP).
    pub fn expire(&mut self) {
        self.loaded = None;
    }

    /// Takes a fresh list read from the store.
    pub fn set(&mut self, list: Vec<TokenRecord>, now: Instant) {
        self.list = list
            .into_iter()
            .map(|t| {
                let scopes = keys::scopes_of(&t.scopes);
                (t, scopes)
            })
            .collect();
        self.loaded = Some(now);
        self.unknown.clear();
        self.unknown_order.clear();
    }

    /// The id of a well-formed token the list does not have, if the store should be asked for
    /// it now: not asked within the refresh interval. Whatever ids came before, a new one is
    /// always worth a look (the cache forgets its oldest instead), so a token issued a moment
    /// ago works at once; [`Lookups`] bounds what that costs the store.
    pub fn worth_a_look(&self, presented: Option<&str>, now: Instant) -> Option<String> {
        let id = keys::parse_token(presented?)?;
        if self.list.iter().any(|(t, _)| t.id == id) {
            return None;
        }
        let fresh = |at: &Instant| now.saturating_duration_since(*at) < self.refresh;
        if self.unknown.get(id).is_some_and(fresh) {
            return None;
        }
        Some(id.to_string())
    }

    /// Remembers `id` as not in the store, forgetting the oldest past [`MAX_UNKNOWN_IDS`].
    fn remember_unknown(&mut self, id: String, now: Instant) {
        self.unknown.insert(id.clone(), now);
        self.unknown_order.push_back((id, now));
        while self.unknown.len() > MAX_UNKNOWN_IDS {
            let Some((old, at)) = self.unknown_order.pop_front() else {
                break;
            };
            if self.unknown.get(&old) == Some(&at) {
                self.unknown.remove(&old);
            }
        }
        // Entries of ids remembered again (or found since) are dropped now and then.
        if self.unknown_order.len() > 2 * MAX_UNKNOWN_IDS {
            let unknown = &self.unknown;
            self.unknown_order
                .retain(|(id, at)| unknown.get(id) == Some(at));
        }
    }

    /// How many ids are remembered as not in the store.
    pub fn unknown_ids(&self) -> usize {
        self.unknown.len()
    }

    /// What the store said of `id`: the token, taken into the list; or nothing, remembered.
    pub fn looked_up(&mut self, id: String, found: Option<TokenRecord>, now: Instant) {
        match found {
            Some(t) => {
                self.list.retain(|(old, _)| old.id != t.id);
                let scopes = keys::scopes_of(&t.scopes);
                self.list.push((t, scopes));
                self.unknown.remove(&id);
            }
            None => self.remember_unknown(id, now),
        }
    }

    /// Checks a caller's token for `scope`: its id, then its hash in constant time, then
    /// revocation and scope.
    /// The token's name (the actor of what its caller does) when it passes.
    pub fn check(&self, presented: Option<&str>, needed: &[Scope]) -> Result<String, Refusal> {
        let token = presented.ok_or(Refusal::Missing)?;
        let id = keys::parse_token(token).ok_or(Refusal::Malformed)?;
        let hash = keys::hash(token);
        let (t, scopes) = self
            .list
            .iter()
            .find(|(t, _)| t.id == id && keys::ct_eq(&hash, &t.hash))
            .ok_or(Refusal::Unknown)?;
        if t.revoked_at.is_some() {
            return Err(Refusal::Revoked);
        }
        if needed.is_empty() || needed.iter().any(|s| scopes.contains(s)) {
            Ok(t.name.clone())
        } else {
            Err(Refusal::Scope)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_token_id_is_worth_a_look_whatever_forged_ids_came_before() {
        let now = Instant::now();
        let mut tokens = Tokens::new(Duration::from_secs(30));
        tokens.set(Vec::new(), now);
        let forged: Vec<String> = (0..MAX_UNKNOWN_IDS + 3000)
            .map(|_| keys::generate_token().unwrap().1)
            .collect();
        for t in &forged {
            let id = tokens.worth_a_look(Some(t), now).expect("a new id");
            tokens.looked_up(id, None, now);
        }
        // Bounded: the oldest are forgotten, the latest remembered.
        assert_eq!(tokens.unknown_ids(), MAX_UNKNOWN_IDS);
        assert!(tokens.unknown_order.len() <= 2 * MAX_UNKNOWN_IDS);
        assert_eq!(
            tokens.worth_a_look(forged.last().map(String::as_str), now),
            None
        );
        let (_, fresh) = keys::generate_token().unwrap();
        let id = keys::parse_token(&fresh).unwrap().to_string();
        assert_eq!(tokens.worth_a_look(Some(&fresh), now), Some(id));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn lookups_of_one_id_are_one_and_a_few_run_at_once() {
        let lookups = Arc::new(Lookups::default());
        let (ran, at_once, most) = (
            Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            Arc::new(std::sync::atomic::AtomicUsize::new(0)),
        );
        let mut all = tokio::task::JoinSet::new();
        for i in 0..40 {
            let (lookups, ran, at_once, most) =
                (lookups.clone(), ran.clone(), at_once.clone(), most.clone());
            // Ten callers of one id, and one for each of thirty others.
            let id = if i < 10 {
                "same".to_string()
            } else {
                format!("id{i}")
            };
            all.spawn(async move {
                use std::sync::atomic::Ordering::SeqCst;
                lookups
                    .once(&id, async {
                        let now = at_once.fetch_add(1, SeqCst) + 1;
                        most.fetch_max(now, SeqCst);
                        ran.fetch_add(1, SeqCst);
                        tokio::task::yield_now().await;
                        tokio::task::yield_now().await;
                        at_once.fetch_sub(1, SeqCst);
                        Ok(())
                    })
                    .await
                    .unwrap();
            });
        }
        while all.join_next().await.is_some() {}
        use std::sync::atomic::Ordering::SeqCst;
        assert_eq!(ran.load(SeqCst), 31);
        assert_eq!(most.load(SeqCst), LOOKUPS_AT_ONCE);
    }
}
