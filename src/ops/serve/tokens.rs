//! Service tokens as workflows (`serve tokens issue|list|revoke`), and the cache `serve`
//! authenticates callers against. The plaintext token exists only in the report of `issue`;
//! the store keeps its hash. Prints nothing.

use crate::keys::{self, Scope};
use crate::store::{Audit, Store, TokenRecord};
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
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
    pub status: &'static str,
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
                    "revoked"
                } else {
                    "active"
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

/// The token in use that `id_or_name` names, for the question before revoking it.
pub fn find(store: &Store, id_or_name: &str) -> Result<TokenRecord> {
    if keys::parse_token(id_or_name).is_some() {
        bail!("serve tokens revoke takes a token's id or name, and this is a whole token (not repeated here): treat it as exposed and revoke it by its id, the 8 characters after bks_");
    }
    store
        .tokens()?
        .into_iter()
        .find(|t| t.revoked_at.is_none() && (t.id == id_or_name || t.name == id_or_name))
        .ok_or_else(|| anyhow!("no service token in use with id or name {id_or_name:?} (see 'billctl serve tokens list')"))
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
    /// No `Authorization: Bearer` header (401).
    Missing,
    /// Not a token's shape or checksum (401).
    Malformed,
    /// No token with this id and hash (401).
    Unknown,
    /// Revoked (401).
    Revoked,
    /// The token lacks the route's scope (403).
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

    /// The error code of the answer.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Missing => "TOKEN_MISSING",
            Refusal::Malformed => "TOKEN_MALFORMED",
            Refusal::Unknown => "TOKEN_UNKNOWN",
            Refusal::Revoked => "TOKEN_REVOKED",
            Refusal::Scope => "TOKEN_SCOPE",
        }
    }

    pub fn status(self) -> u16 {
        if self == Refusal::Scope {
            403
        } else {
            401
        }
    }
}

/// The tokens as last read from the store, re-read once older than the refresh interval.
pub struct Tokens {
    /// Each token with its scopes, parsed once.
    list: Vec<(TokenRecord, Vec<Scope>)>,
    loaded: Option<Instant>,
    refresh: Duration,
}

impl Tokens {
    pub fn new(refresh: Duration) -> Tokens {
        Tokens {
            list: Vec::new(),
            loaded: None,
            refresh,
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
