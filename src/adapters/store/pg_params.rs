//! libpq's connection parameters as billctl takes them from a URL's query: each one taken, taken
//! for some values, or refused with a message naming it and what to do instead; and the query
//! rewritten for rust-postgres (which knows fewer names, and reads some differently).
//!
//! The list is libpq's (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS),
//! and `tests/it/postgres.rs` keeps it so.

use std::time::Duration;

/// What billctl does with a libpq parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// Taken, with libpq's meaning.
    Yes,
    /// Taken with these values only; any other is refused, saying why.
    Values(&'static [&'static str], &'static str),
    /// Refused: why, and what to do instead.
    No(&'static str),
}

const NO_CLIENT_CERT: &str = "billctl sends no client certificate: authenticate with a password (BILLCTL_DATABASE_PASSWORD or PGPASSWORD)";
const NO_GSS: &str = "billctl has no Kerberos (GSSAPI) authentication: use a password";
const NO_OAUTH: &str = "billctl has no OAuth authentication: use a password";
const TLS_VERSIONS: &str = "billctl speaks TLS 1.2 or 1.3 (rustls), never older, never capped";

/// Every parameter libpq documents, and `ssl`, which libpq's URLs take for JDBC's sake.
pub const PARAMS: &[(&str, Take)] = &[
    ("host", Take::Yes),
    ("hostaddr", Take::No("billctl connects to host: give the IP address there (a name is looked up; the certificate is checked against what host says)")),
    ("port", Take::Yes),
    ("dbname", Take::Yes),
    ("user", Take::Yes),
    ("password", Take::Yes),
    ("passfile", Take::No("billctl reads no password file: set BILLCTL_DATABASE_PASSWORD (or PGPASSWORD)")),
    ("require_auth", Take::No("billctl does not restrict the server's authentication method; channel_binding=require insists on SCRAM bound to TLS")),
    ("channel_binding", Take::Yes),
    ("connect_timeout", Take::Yes),
    ("client_encoding", Take::Values(&["UTF8", "utf8"], "billctl always speaks UTF8")),
    ("options", Take::Yes),
    ("application_name", Take::Yes),
    ("fallback_application_name", Take::Yes),
    ("keepalives", Take::Yes),
    ("keepalives_idle", Take::Yes),
    ("keepalives_interval", Take::Yes),
    ("keepalives_count", Take::Yes),
    ("tcp_user_timeout", Take::Yes),
    ("replication", Take::Values(&["0", "false", "off", "no"], "billctl needs a regular connection")),
    ("gssencmode", Take::Values(&["disable"], "billctl has no GSSAPI encryption: use TLS (sslmode)")),
    ("sslmode", Take::Values(&["disable", "prefer", "require", "verify-ca", "verify-full"], "billctl never tries clear text first and TLS after: use sslmode=prefer (TLS when the server offers it) or sslmode=disable")),
    ("requiressl", Take::No("libpq deprecates it: use sslmode=require")),
    ("sslnegotiation", Take::Values(&["postgres"], "billctl negotiates TLS the PostgreSQL way only: leave sslnegotiation out")),
    ("sslcompression", Take::Values(&["0"], "TLS compression is insecure and never used")),
    ("sslcert", Take::No(NO_CLIENT_CERT)),
    ("sslkey", Take::No(NO_CLIENT_CERT)),
    ("sslkeylogfile", Take::No("billctl never writes TLS keys to a file")),
    ("sslpassword", Take::No(NO_CLIENT_CERT)),
    ("sslcertmode", Take::Values(&["disable", "allow"], NO_CLIENT_CERT)),
    ("sslrootcert", Take::Yes),
    ("sslcrl", Take::No("billctl checks no certificate revocation list: take the revoked CA out of sslrootcert")),
    ("sslcrldir", Take::No("billctl checks no certificate revocation list: take the revoked CA out of sslrootcert")),
    ("sslsni", Take::Values(&["1"], "billctl always sends the host name (SNI) over TLS")),
    ("requirepeer", Take::No("billctl does not check the user a socket's server runs as: use a socket directory only that user can write to")),
    ("ssl_min_protocol_version", Take::Values(&["TLSv1", "TLSv1.1", "TLSv1.2"], TLS_VERSIONS)),
    ("ssl_max_protocol_version", Take::Values(&["TLSv1.3"], TLS_VERSIONS)),
    ("min_protocol_version", Take::Values(&["3.0"], "billctl speaks protocol 3.0")),
    ("max_protocol_version", Take::Values(&["3.0"], "billctl speaks protocol 3.0")),
    ("krbsrvname", Take::No(NO_GSS)),
    ("gsslib", Take::No(NO_GSS)),
    ("gssdelegation", Take::Values(&["0"], NO_GSS)),
    ("scram_client_key", Take::No("it is for middleware that passes SCRAM through: billctl authenticates with the password")),
    ("scram_server_key", Take::No("it is for middleware that passes SCRAM through: billctl authenticates with the password")),
    ("service", Take::No("billctl reads no pg_service.conf: write the service's parameters in the URL")),
    ("target_session_attrs", Take::Values(&["any", "read-write", "read-only"], "billctl checks only read-write and read-only sessions: use one of those, or any")),
    ("load_balance_hosts", Take::Yes),
    ("oauth_issuer", Take::No(NO_OAUTH)),
    ("oauth_client_id", Take::No(NO_OAUTH)),
    ("oauth_client_secret", Take::No(NO_OAUTH)),
    ("oauth_scope", Take::No(NO_OAUTH)),
    ("ssl", Take::Values(&["true"], "libpq takes ssl=true only (JDBC's spelling of sslmode=require)")),
];

/// The parameters rust-postgres reads as libpq does; the rest billctl handles itself.
const CLIENT_READS: &[&str] = &[
    "host",
    "port",
    "dbname",
    "user",
    "password",
    "channel_binding",
    "connect_timeout",
    "options",
    "application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "sslmode",
    "sslnegotiation",
    "target_session_attrs",
    "load_balance_hosts",
];

/// What the query asks of billctl beyond what rust-postgres reads.
#[derive(Default)]
pub(super) struct Extras {
    /// `sslrootcert`: a CA file; `None` also for `system` (the web's roots).
    pub(super) root_cert: Option<std::path::PathBuf>,
    /// `tcp_user_timeout`, which libpq counts in milliseconds (rust-postgres in seconds).
    pub(super) tcp_user_timeout: Option<Duration>,
}

/// Checks every parameter of the query against [`PARAMS`] and rewrites the query for
/// rust-postgres: `sslmode=verify-full`/`verify-ca` become `require` (billctl always checks
/// the certificate and the host name), `keepalives_count` is its `keepalives_retries`,
/// `fallback_application_name` its `application_name` when none is given, `ssl=true` is
/// `sslmode=require`; the values that change nothing are left out.
pub(super) fn take(url: &str) -> Result<(String, Extras), String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), Extras::default()));
    };
    let pairs: Vec<(String, &str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                super::pg::percent_decode(k).unwrap_or_else(|| k.to_string()),
                k,
                v,
            )
        })
        .collect();
    for (key, _, raw) in &pairs {
        check(key, &super::pg::percent_decode(raw).unwrap_or_default())?;
    }
    let has = |k: &str| pairs.iter().any(|(key, _, _)| key == k);
    let (mut kept, mut extras) = (Vec::new(), Extras::default());
    for (key, k, v) in &pairs {
        let value = super::pg::percent_decode(v).unwrap_or_default();
        match key.as_str() {
            "sslrootcert" if value == "system" => {
                let weak = pairs
                    .iter()
                    .find(|(key, _, v)| key == "sslmode" && *v != "verify-full");
                if let Some((_, _, mode)) = weak {
                    return Err(format!("has sslrootcert=system with sslmode={mode}: libpq takes system roots with sslmode=verify-full only"));
                }
                if !has("sslmode") {
                    kept.push("sslmode=require".to_string());
                }
            }
            "sslrootcert" if value.is_empty() => return Err("has an empty sslrootcert".into()),
            "sslrootcert" => extras.root_cert = Some(value.into()),
            "sslmode" if value == "verify-full" || value == "verify-ca" => {
                kept.push("sslmode=require".into())
            }
            "ssl" if !has("sslmode") => kept.push("sslmode=require".into()),
            "keepalives_count" => kept.push(format!("keepalives_retries={v}")),
            "fallback_application_name" if !has("application_name") => {
                kept.push(format!("application_name={v}"))
            }
            "tcp_user_timeout" => {
                let ms: i64 = value.parse().map_err(|_| {
                    format!("has tcp_user_timeout={value:?}: give whole milliseconds")
                })?;
                extras.tcp_user_timeout = (ms > 0).then(|| Duration::from_millis(ms as u64));
            }
            _ if CLIENT_READS.contains(&key.as_str()) => kept.push(format!("{k}={v}")),
            _ => {}
        }
    }
    let url = match kept.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{}", kept.join("&")),
    };
    Ok((url, extras))
}

/// One parameter against [`PARAMS`]: refused by name when billctl does not take it.
fn check(key: &str, value: &str) -> Result<(), String> {
    match PARAMS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t) {
        None => Err(format!(
            "names {key:?}, which is not a libpq connection parameter (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS)"
        )),
        Some(Take::Yes) => Ok(()),
        Some(Take::Values(ok, _)) if ok.contains(&value) => Ok(()),
        Some(Take::Values(ok, why)) => Err(format!(
            "has {key}={value}, which billctl does not support ({why}); it takes {key}={}",
            ok.join(", ")
        )),
        Some(Take::No(why)) => Err(format!(
            "names {key}, a libpq parameter billctl does not support: {why}"
        )),
    }
}
